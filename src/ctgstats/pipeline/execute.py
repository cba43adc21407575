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
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ctgstats.core.errors import RunError
from ctgstats.pipeline.plan import NotebookTask

KERNEL_NAME = "python3"
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


def _kernel_manager_class() -> type:
    """A jupyter_client KernelManager that remembers the clients made from it."""
    from jupyter_client.manager import KernelManager

    class SessionKernelManager(KernelManager):
        """So that the clients nbclient opens for each notebook can be closed after it."""

        def client(self, **kwargs: Any) -> Any:
            made = super().client(**kwargs)
            self.__dict__.setdefault("_ctgstats_clients", []).append(made)
            return made

        def stop_clients(self) -> None:
            for made in self.__dict__.pop("_ctgstats_clients", []):
                made.stop_channels()

    return SessionKernelManager


class KernelSession:
    """One kernel kept alive across notebooks (a run, or a batch worker).

    Parameters
    ----------
    kernel_name
        Jupyter kernel to start.
    timeout
        Seconds a cell may run.
    """

    def __init__(self, *, kernel_name: str = KERNEL_NAME, timeout: int = 1800) -> None:
        self.kernel_name = kernel_name
        self.timeout = timeout
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
        km = _kernel_manager_class()(kernel_name=self.kernel_name)
        km.start_kernel(extra_arguments=KERNEL_ARGUMENTS)
        client = km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
        except RuntimeError:
            km.stop_clients()
            km.shutdown_kernel(now=True)
            raise
        km.stop_clients()
        self.km = km

    def close(self) -> None:
        """Shut the kernel down."""
        if self.km is not None:
            self.km.stop_clients()
            self.km.shutdown_kernel(now=True)
            self.km = None

    def _reset(self, folder: Path) -> None:
        """Empty the user namespace, close the figures and move into ``folder``."""
        client = self.km.client()
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


def execute_notebook(task: NotebookTask, *, folder: Path, session: KernelSession) -> None:
    """Execute one notebook into ``folder`` on the kernel of ``session``.

    Raises
    ------
    RunError
        The template is missing, or a cell failed (naming the notebook and the cell).
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    if not task.template.is_file():
        raise RunError(f"modèle de notebook {task.template} introuvable", notebook=task.name)
    session.start()
    session._reset(folder)
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
        )
    except PapermillExecutionError as error:
        raise RunError(
            f"notebook {task.name} : échec à la cellule {error.exec_count} "
            f"(index {error.cell_index}) : {error.ename}: {error.evalue}",
            notebook=task.name,
            cell=error.cell_index,
        ) from error
    except Exception as error:  # a timeout, a dead kernel: keep a notebook saying so
        if not (folder / task.executed).exists():
            _write_stopped(task, folder, error)
        raise
    finally:
        session.km.stop_clients()


def _write_stopped(task: NotebookTask, folder: Path, error: BaseException) -> None:
    """The template, with a first cell saying why its execution stopped (French)."""
    import nbformat

    notebook = nbformat.read(task.template, as_version=4)
    notebook.cells.insert(
        0,
        nbformat.v4.new_markdown_cell(
            f"**Exécution interrompue** : {type(error).__name__}: {error}. Ce notebook "
            "n'a pas été exécuté jusqu'au bout ; ses cellules sont celles du modèle."
        ),
    )
    nbformat.write(notebook, folder / task.executed)
