"""One error hierarchy for everything ctgstats raises on purpose.

* :class:`CtgstatsError` is the root: the command line catches it, prints its French
  message without a traceback and exits with its :attr:`~CtgstatsError.exit_code`.
* :class:`InputError` (exit code 2) is bad input: parameters, data files, survey exports,
  codebooks, user tables, baselines, action plans. Nothing was executed or written.
* :class:`RunError` (exit code 1) is a run that failed while executing or exporting; the
  failed notebook is kept with its error.

Anything else (a bug, an error inside pandas) is *not* a :class:`CtgstatsError`: the
command line prints its traceback and exits with code 1, never 2.

Concrete errors live next to the code that raises them and derive from one of these two
classes; most also derive from the built-in exception they replaced (``ValueError``,
``FileNotFoundError``, ``LookupError``) so that existing ``except`` clauses keep working.
Messages are in French: they are read by the user.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["EXIT_BAD_INPUT", "EXIT_RUN_FAILED", "CtgstatsError", "InputError", "RunError"]

#: Exit code of a run that failed (a notebook or the export).
EXIT_RUN_FAILED = 1
#: Exit code of invalid parameters or input data (nothing was executed).
EXIT_BAD_INPUT = 2


class CtgstatsError(Exception):
    """Root of every error ctgstats raises on purpose (message in French)."""

    exit_code: int = EXIT_RUN_FAILED


class InputError(CtgstatsError):
    """Bad input (parameters, data, surveys, tables): refused before anything runs."""

    exit_code = EXIT_BAD_INPUT


class RunError(CtgstatsError):
    """A run that failed; ``notebook`` and ``cell`` say where when a notebook failed.

    Parameters
    ----------
    message
        French message for the user.
    notebook
        Name of the notebook that failed, if any.
    cell
        Index of the failing cell in that notebook, if known.
    kept
        Folder where the failed run was kept for inspection.
    """

    exit_code = EXIT_RUN_FAILED

    def __init__(
        self,
        message: str,
        *,
        notebook: str | None = None,
        cell: int | None = None,
        kept: Path | None = None,
    ) -> None:
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell
        self.kept = kept
