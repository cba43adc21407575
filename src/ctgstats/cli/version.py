"""``ctgstats version``."""

from __future__ import annotations

import typer

from ctgstats import __version__
from ctgstats.cli.app import app

__all__ = ["version"]


@app.command()
def version() -> None:
    """Afficher la version."""
    typer.echo(__version__)
