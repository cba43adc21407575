"""Processes that die with their parent: batch workers and the kernels they start.

A batch's parent killed by ``kill -9`` (or the out-of-memory killer) runs no clean-up:
its process-pool workers would wait forever for work, and their kernels would go on.
On Linux, each worker asks the kernel for a signal when its parent dies
(``prctl(PR_SET_PDEATHSIG)``, see prctl(2)), and so does each kernel a worker starts: the
whole tree goes when the parent goes. Elsewhere nothing is set (ipykernel still exits when
its parent process is gone: ``JPY_PARENT_PID``).

The signal is tied to the *thread* that started the process: workers are spawned from the
batch's main thread, and a worker starts its kernels from its own main thread.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable

#: ``PR_SET_PDEATHSIG`` of <linux/prctl.h>.
PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    """The C library's ``prctl``, or None off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(*, parent_pid: int | None = None, sig: int = signal.SIGTERM) -> bool:
    """Have this process receive ``sig`` when its parent dies; False when unsupported.

    ``parent_pid``, the parent's pid as the parent saw it: if the parent died before the
    request was made (this process already adopted), the signal is raised at once.
    """
    prctl = _prctl()
    if prctl is None or prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        return False
    if parent_pid is not None and os.getppid() != parent_pid:
        os.kill(os.getpid(), sig)
    return True


def child_dies_with_us(sig: int = signal.SIGKILL) -> Callable[[], None] | None:
    """A ``preexec_fn`` giving a child process ``sig`` when this process dies, or None.

    libc's ``prctl`` is looked up here, before the fork: the child only makes the call.
    """
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), sig)

    return preexec
