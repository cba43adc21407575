"""Execute the notebook templates in this process, without a kernel (the benchmark floor).

:class:`InProcessSession` has the interface of
:class:`ctgstats.pipeline.execute.KernelSession` (``execute(task, folder=…)``,
``close()``), so :func:`ctgstats.pipeline.run.run` carries out a whole plan with it:
preparation, tables, every notebook's cells, the HTML export, the full report, the index
and the manifest, exactly as ``ctgstats run`` does, but each code cell is run by an
in-process IPython shell and its rich outputs (HTML, PNG figures at the inline backend's
settings) are stored in the executed notebook. What remains between this floor and a
real run is the kernel: its start, its messages, papermill's bookkeeping.

Used by ``bench_batch.py`` only; not part of the library.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

os.environ.setdefault("MPLBACKEND", "agg")


class InProcessSession:
    """Runs a plan's notebooks in this process (same interface as ``KernelSession``)."""

    def __init__(self) -> None:
        from IPython.core.interactiveshell import InteractiveShell
        from IPython.core.pylabtools import select_figure_formats

        self.shell = InteractiveShell.instance()
        select_figure_formats(self.shell, {"png"})  # what the inline backend stores

    def close(self) -> None:
        """Nothing to shut down."""

    def execute(self, task: Any, *, folder: Path) -> None:
        """Run the template of ``task`` with its parameters; write the executed notebook."""
        import matplotlib.pyplot as plt
        import nbformat
        from IPython.utils.capture import capture_output
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        notebook = parameterize_notebook(load_notebook_node(str(task.template)), task.parameters)
        self.shell.run_line_magic("reset", "-f")
        os.chdir(folder)
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            with capture_output(stdout=True, stderr=True, display=True) as captured:
                result = self.shell.run_cell(cell.source, store_history=False)
            result.raise_error()
            cell.outputs = [
                nbformat.v4.new_output(
                    "display_data", data=output.data, metadata=output.metadata or {}
                )
                for output in captured.outputs
            ]
            if captured.stdout:
                cell.outputs.insert(
                    0, nbformat.v4.new_output("stream", name="stdout", text=captured.stdout)
                )
            plt.close("all")
        nbformat.write(notebook, folder / task.executed)
