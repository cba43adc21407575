"""Command line: one module per command, registered on :data:`app` when imported.

Commands: ``run``, ``batch``, ``survey``, ``survey-draft``, ``baseline``, ``validate``,
``schema``, ``dispositifs-modele``, ``data``, ``portal``, ``version``. Each module is a
thin layer that parses options and calls one API function; :mod:`ctgstats.cli.app` holds
the typer application, the error-to-exit-code wrapper and the shared option parsing. The
console entry point is ``ctgstats = "ctgstats.cli:app"``.

Exit codes: 0 success; 1 a notebook or export failed (the failed notebook is kept), or an
unexpected error (said in French; its traceback only with ``ctgstats --debug``); 2 invalid
parameters or input data (nothing was executed or written).
"""

from __future__ import annotations

# The modules are imported in the order their commands are listed by --help.
# ruff: noqa: I001, E402, F401
from ctgstats.cli.app import app
from ctgstats.cli import run, portal, survey, validate, schema, dispositifs
from ctgstats.cli.batch import batch_command

app.command("batch")(batch_command)

from ctgstats.cli import version, baseline, data

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover - console entry point
    """Run the command line."""
    app()
