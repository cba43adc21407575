"""Executing notebooks: papermill on one kernel kept alive across notebooks.

``ctgstats run`` and ``ctgstats batch`` execute every notebook the same way: papermill's
:func:`papermill.execute_notebook` (parameters injected, the executed notebook saved after
each cell, papermill's failure banner at the top of a failed notebook) on the kernel of a
:class:`KernelSession`. Papermill hands extra keyword arguments to its nbclient engine,
and nbclient's ``NotebookClient(km=...)`` runs on an already started kernel without
shutting it down. Starting a kernel and importing pandas, matplotlib and ctgstats costs
seconds: a run pays it once for all its notebooks, a batch worker once for all its
territories. Between two notebooks the user namespace is reset (``%reset -f``), so no
variable leaks from one notebook or territory to the next.

A cell running longer than the session's ``timeout`` is interrupted, and a kernel that
dies mid-cell is noticed within about a second (nbclient polls it): the notebook fails
with a French :class:`~ctgstats.core.errors.RunError` naming it and the cell, the
notebook kept as far as it ran, and the next notebook starts on a fresh kernel.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from ctgstats.core.errors import RunError
from ctgstats.pipeline.lifetime import child_dies_with_us
from ctgstats.pipeline.plan import NotebookTask

KERNEL_NAME = "python3"

# papermill and nbclient log a timeout or a dead kernel in English on stderr (Python's
# last-resort handler); ctgstats says it in French in its RunError.
logging.getLogger("papermill").addHandler(logging.NullHandler())

#: Set in the workers of a batch (:mod:`ctgstats.pipeline.batch.executors`).
WORKER_VARIABLE = "CTGSTATS_BATCH_WORKER"
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


def _kernel_manager_class() -> type:
    """A jupyter_client KernelManager that remembers the clients made from it.

    Its :meth:`client` (the one nbclient asks for) is *asynchronous*: nbclient waits for
    the execute reply, for the IOPub output and for the kernel's heartbeat in concurrent
    asyncio tasks; on a blocking client the IOPub task blocks the whole event loop until
    the kernel sends something, so neither the cell timeout nor the death of the kernel
    was ever noticed (a cell doing ``os._exit(1)`` hung the run). ctgstats' own requests
    (waiting for the kernel, the reset between notebooks) use :meth:`shell_client`.
    """
    from jupyter_client.manager import KernelManager
    from traitlets import DottedObjectName

    class SessionKernelManager(KernelManager):
        """So that the clients nbclient opens for each notebook can be closed after it."""

        client_class = DottedObjectName("jupyter_client.asynchronous.AsyncKernelClient")

        def client(self, **kwargs: Any) -> Any:
            made = super().client(**kwargs)
            self.__dict__.setdefault("_ctgstats_clients", []).append(made)
            return made

        def shell_client(self) -> Any:
            """A blocking client (closed by :meth:`stop_clients`)."""
            made = self.blocking_client()
            self.__dict__.setdefault("_ctgstats_clients", []).append(made)
            return made

        def stop_clients(self) -> None:
            for made in self.__dict__.pop("_ctgstats_clients", []):
                made.stop_channels()

    return SessionKernelManager


START_ATTEMPTS = 3
"""Kernel starts tried before giving up (a start can lose a race for its ports)."""


class KernelSession:
    """One kernel kept alive across notebooks (a run, or a batch worker).

    Parameters
    ----------
    kernel_name
        Jupyter kernel to start.
    timeout
        Seconds a cell may run: a longer cell is interrupted and its notebook fails.
    die_with_parent
        The kernel gets SIGKILL when this process dies, even by ``kill -9`` (Linux; a
        batch worker's kernels). Default: in a batch worker (:mod:`ctgstats.pipeline.lifetime`).
    """

    def __init__(
        self,
        *,
        kernel_name: str = KERNEL_NAME,
        timeout: int = 1800,
        die_with_parent: bool | None = None,
    ) -> None:
        self.kernel_name = kernel_name
        self.timeout = timeout
        if die_with_parent is None:
            die_with_parent = bool(os.environ.get(WORKER_VARIABLE))
        self.die_with_parent = die_with_parent
        self.km: Any = None

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the kernel (again, if it died)."""
        if self.km is not None and self.km.is_alive():
            return
        self.close()
        for attempt in range(1, START_ATTEMPTS + 1):
            km = _kernel_manager_class()(kernel_name=self.kernel_name)
            options: dict[str, Any] = {}
            preexec = child_dies_with_us() if self.die_with_parent else None
            if preexec is not None:
                options["preexec_fn"] = preexec
            km.start_kernel(extra_arguments=KERNEL_ARGUMENTS, **options)
            client = km.shell_client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=60)
            except RuntimeError:
                # A kernel that dies at start-up most often lost a race for its TCP
                # ports with another kernel starting at the same moment ("Address already
                # in use"): a new manager picks new ports.
                km.stop_clients()
                km.shutdown_kernel(now=True)
                if attempt == START_ATTEMPTS:
                    raise
                continue
            km.stop_clients()
            self.km = km
            return

    def interrupt(self) -> None:
        """Interrupt the running cell (SIGINT to the kernel), if the kernel lives."""
        if self.km is not None and self.km.is_alive():
            self.km.interrupt_kernel()

    def close(self) -> None:
        """Shut the kernel down."""
        if self.km is not None:
            self.km.stop_clients()
            self.km.shutdown_kernel(now=True)
            self.km = None

    def _reset(self, folder: Path) -> None:
        """Empty the user namespace, close the figures and move into ``folder``."""
        client = self.km.shell_client()
        client.start_channels(iopub=False, stdin=False, hb=False)
        try:
            # Only the shell channel: a silent request and its reply. Waiting for the
            # kernel to be "ready" would cost a kernel_info round trip and 0,2 s of
            # listening to IOPub per notebook, for a kernel already known to be alive.
            msg_id = client.execute(
                "%reset -f\n"
                "import os as _os, matplotlib.pyplot as _plt\n"
                f"_plt.close('all'); _os.chdir({str(folder)!r})\n"
                "del _os, _plt",
                silent=True,
                store_history=False,
            )
            while True:
                reply = client.get_shell_msg(timeout=60)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"].get("status") != "ok":
                content = reply["content"]
                raise RunError(
                    "réinitialisation du noyau impossible : "
                    f"{content.get('ename')}: {content.get('evalue')}"
                )
        finally:
            self.km.stop_clients()

    def execute(self, task: NotebookTask, *, folder: Path) -> None:
        """Execute ``task`` into ``folder`` with papermill on this session's kernel.

        Raises
        ------
        RunError
            The template is missing, or a cell failed (naming the notebook and the cell;
            the executed notebook, with papermill's banner, is in ``folder``).
        """
        execute_notebook(task, folder=folder, session=self)


class _Progress:
    """What nbclient's hooks tell of one execution: the notebook, the running cell."""

    def __init__(self) -> None:
        self.notebook: Any = None
        self.cell: int | None = None

    def on_notebook_start(self, *, notebook: Any, **_: Any) -> None:
        self.notebook = notebook

    def on_cell_execute(self, *, cell_index: int, **_: Any) -> None:
        self.cell = cell_index


def execute_notebook(task: NotebookTask, *, folder: Path, session: KernelSession) -> None:
    """Execute one notebook into ``folder`` on the kernel of ``session``.

    Raises
    ------
    RunError
        The template is missing, a cell failed, a cell ran longer than
        ``session.timeout`` (it is interrupted) or the kernel died; the message names the
        notebook and the cell, and the executed notebook, with its error, is in ``folder``.
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if not task.template.is_file():
        raise RunError(f"modèle de notebook {task.template} introuvable", notebook=task.name)
    session.start()
    session._reset(folder)
    seen = _Progress()
    try:
        pm.execute_notebook(
            str(task.template),
            str(folder / task.executed),
            parameters=task.parameters,
            kernel_name=session.kernel_name,
            progress_bar=False,
            log_output=False,
            cwd=str(folder),
            report_mode=False,
            km=session.km,
            execution_timeout=session.timeout,
            # Written once at the end (and by papermill, with its banner, when a cell
            # fails), not after every cell: each save serialised and validated the
            # whole notebook with its images again (about 0,4 s per notebook).
            request_save_on_cell_execute=False,
            on_notebook_start=seen.on_notebook_start,
            on_cell_execute=seen.on_cell_execute,
        )
    except PapermillExecutionError as error:
        raise RunError(
            f"notebook {task.name} : échec à la cellule {error.exec_count} "
            f"(index {error.cell_index}) : {error.ename}: {error.evalue}",
            notebook=task.name,
            cell=error.cell_index,
        ) from error
    except (CellTimeoutError, DeadKernelError) as error:
        if isinstance(error, CellTimeoutError):
            why = (
                f"la cellule a dépassé le délai de {session.timeout} s et a été interrompue"
                if seen.cell is not None
                else f"le noyau n'a pas répondu dans le délai de {session.timeout} s"
            )
            session.interrupt()
        else:
            why = "le noyau Python s'est arrêté (processus terminé ou tué)"
        session.close()  # the next notebook starts on a fresh kernel
        where = f" pendant la cellule d'index {seen.cell}" if seen.cell is not None else ""
        message = f"notebook {task.name} : {why}{where}"
        _write_partial(task, folder, seen, message)
        raise RunError(message, notebook=task.name, cell=seen.cell) from error
    except Exception as error:  # anything else outside a cell: keep a notebook saying so
        if not (folder / task.executed).exists():
            _write_stopped(task, folder, error)
        raise
    finally:
        if session.km is not None:
            session.km.stop_clients()


def _banner(text: str) -> Any:
    import nbformat

    return nbformat.v4.new_markdown_cell(f"**Exécution interrompue** : {text}")


def _write_partial(task: NotebookTask, folder: Path, seen: _Progress, message: str) -> None:
    """The notebook as far as it ran, the stopped cell marked, a first cell saying why."""
    import nbformat

    notebook = seen.notebook
    if notebook is None:
        notebook = nbformat.read(task.template, as_version=4)
    if seen.cell is not None and seen.cell < len(notebook.cells):
        cell = notebook.cells[seen.cell]
        cell.setdefault("outputs", []).append(
            nbformat.v4.new_output("error", ename="RunError", evalue=message, traceback=[message])
        )
    notebook.cells.insert(
        0,
        _banner(
            f"{message}. Les cellules suivantes n'ont pas été exécutées ; les sorties sont "
            "celles obtenues jusque-là."
        ),
    )
    nbformat.write(notebook, folder / task.executed)


def _write_stopped(task: NotebookTask, folder: Path, error: BaseException) -> None:
    """The template, with a first cell saying why its execution stopped (French)."""
    import nbformat

    notebook = nbformat.read(task.template, as_version=4)
    notebook.cells.insert(
        0,
        _banner(
            f"{type(error).__name__}: {error}. Ce notebook "
            "n'a pas été exécuté jusqu'au bout ; ses cellules sont celles du modèle."
        ),
    )
    nbformat.write(notebook, folder / task.executed)
