"""Executors: how the territories of a batch are spread over workers.

An :class:`Executor` runs tasks and yields ``(task, outcome)`` as they complete:
:class:`ProcessExecutor` (a local process pool, the default), :class:`SerialExecutor`
(in the calling process, for debugging), or any factory given to
:func:`register_executor` (:func:`use_dask` registers the Dask one).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, Self

from ctgstats.pipeline.execute import WORKER_VARIABLE
from ctgstats.pipeline.lifetime import die_with_parent

#: What a task gave: its result, or the exception that prevented it (a dead worker).
Outcome = Any


def _init_worker(environment: dict[str, str], parent_pid: int | None = None) -> None:
    """A spawned worker: the parent's variables, and its life tied to the parent's."""
    os.environ.update(environment)
    os.environ[WORKER_VARIABLE] = "1"
    if parent_pid is not None:
        die_with_parent(parent_pid=parent_pid)


class Executor(Protocol):
    """Runs tasks and yields ``(task, outcome)`` as they complete.

    ``outcome`` is the function's result, or the exception that prevented it (a worker
    that died). ``started`` is called when a task is handed to a worker. An executor is a
    context manager (it starts and stops its workers). A Dask executor only needs these.
    """

    name: str

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def map(
        self,
        fn: Callable[[Any], Any],
        tasks: Sequence[Any],
        *,
        started: Callable[[Any], None] | None = None,
        tick: Callable[[], None] | None = None,
    ) -> Iterator[tuple[Any, Outcome]]: ...


class SerialExecutor:
    """In the calling process, one task after the other (``jobs=1``, debugging)."""

    name = "serial"

    def __init__(self, jobs: int = 1, environment: dict[str, str] | None = None) -> None:
        del jobs  # one task at a time; the argument keeps the common executor signature
        self.environment = environment or {}
        self._saved: dict[str, str | None] = {}

    def __enter__(self) -> Self:
        self._saved = {k: os.environ.get(k) for k in self.environment}
        os.environ.update(self.environment)
        return self

    def __exit__(self, *exc: object) -> None:
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def map(self, fn, tasks, *, started=None, tick=None):  # noqa: ARG002 - tick: no wait
        for task in tasks:
            if started:
                started(task)
            try:
                outcome: Outcome = fn(task)
            except Exception as error:  # noqa: BLE001 - reported as the task's failure
                outcome = error
            yield task, outcome


class ProcessExecutor:
    """A :class:`~concurrent.futures.ProcessPoolExecutor` of ``jobs`` spawned workers.

    At most ``jobs`` tasks are handed out at a time, so ``started`` is called when a task
    really starts. Workers are *spawned* (not forked: the parent holds threads from
    pyarrow and tqdm) and receive ``environment`` (the shared cache folder …). A worker
    that dies makes its tasks fail; the pool is then recreated for the remaining tasks.
    Each worker, and each kernel it starts, dies with the batch's parent process, even a
    parent killed by ``kill -9`` (:mod:`ctgstats.pipeline.lifetime`, Linux).
    """

    name = "process"

    def __init__(self, jobs: int, environment: dict[str, str] | None = None) -> None:
        self.jobs = max(1, int(jobs))
        self.environment = environment or {}
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.environment, os.getpid()),
        )
        return self._pool

    def __enter__(self) -> Self:
        self._new_pool()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, fn, tasks, *, started=None, tick=None):
        pool = self._pool or self._new_pool()
        waiting = deque(tasks)
        running: dict[Any, Any] = {}
        while waiting or running:
            while waiting and len(running) < self.jobs:
                task = waiting.popleft()
                try:
                    future = pool.submit(fn, task)
                except BrokenProcessPool:
                    pool = self._new_pool()
                    future = pool.submit(fn, task)
                running[future] = task
                if started:
                    started(task)
            try:
                done, _ = wait(running, return_when=FIRST_COMPLETED, timeout=1.0 if tick else None)
            except KeyboardInterrupt:
                yield from self._interrupted(running)
                raise
            if not done and tick:
                tick()
                continue
            broken = False
            for future in done:
                task = running.pop(future)
                try:
                    outcome: Outcome = future.result()
                except BrokenProcessPool as error:
                    broken = True
                    outcome = error
                except Exception as error:  # noqa: BLE001 - reported as the task's failure
                    outcome = error
                yield task, outcome
            if broken:
                for future, task in list(running.items()):  # they died with the pool
                    running.pop(future)
                    yield task, BrokenProcessPool("processus de travail arrêté brutalement")
                pool = self._new_pool()

    def _interrupted(self, running: dict[Any, Any]) -> Iterator[tuple[Any, Outcome]]:
        """Ctrl-C: start nothing more; the running tasks end (or are interrupted too)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        for future in as_completed(running):
            task = running.pop(future)
            try:
                outcome: Outcome = future.result()
            except BaseException as error:  # noqa: BLE001 - a worker interrupted too
                outcome = error
            yield task, outcome


EXECUTORS: dict[str, Callable[..., Executor]] = {
    "process": ProcessExecutor,
    "serial": SerialExecutor,
}


def register_executor(name: str, factory: Callable[..., Executor]) -> None:
    """Make ``executor=name`` available (``factory(jobs, environment)``), e.g. Dask."""
    EXECUTORS[name] = factory


def use_dask(scheduler: str) -> None:
    """Register ``executor="dask"`` for the Dask cluster whose scheduler is ``scheduler``."""
    from ctgstats.pipeline.batch.dask_executor import DaskExecutor

    register_executor("dask", lambda jobs, environment: DaskExecutor(scheduler, jobs, environment))
