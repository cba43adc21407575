"""``ctgstats portal``: the index page of an output folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctgstats.cli.app import app
from ctgstats.core.errors import InputError

__all__ = ["portal_command"]


@app.command("portal")
def portal_command(
    output_dir: Annotated[
        Path, typer.Argument(metavar="DOSSIER", help="Dossier de sortie de lancements ou de lots.")
    ],
    title: Annotated[
        str, typer.Option(help="Titre de la page du portail.")
    ] = "Diagnostics de territoire",
) -> None:
    """Écrire DOSSIER/index.html : chaque territoire, son état et ses chiffres clés."""
    from ctgstats.publish import portal

    if not output_dir.is_dir():
        raise InputError(f"{output_dir} : dossier de sortie introuvable")
    typer.echo(f"Portail : {portal.write_portal(output_dir, title=title)}")
