"""``ctgstats dispositifs-modele``: the blank template of an inventory of dispositifs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctgstats.cli.app import app

__all__ = ["dispositifs_template"]


@app.command("dispositifs-modele")
def dispositifs_template(
    output: Annotated[
        Path,
        typer.Argument(
            metavar="FICHIER",
            help="Fichier à écrire : .xlsx (avec les feuilles « notice » et « codes ») ou .csv.",
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Remplacer un fichier existant.")] = False,
) -> None:
    """Écrire le modèle vierge de l'inventaire des dispositifs (clé « dispositifs »)."""
    from ctgstats.core.errors import InputError
    from ctgstats.portrait.dispositifs.template import write_template

    if output.exists() and not force:
        raise InputError(f"{output} existe déjà : --force pour le remplacer")
    path = write_template(output)
    typer.echo(
        f"Modèle écrit : {path}\nRemplissez une ligne par dispositif (à partir de la ligne 2), "
        f"puis ajoutez « dispositifs: {path.name} » au fichier de paramètres ; "
        "« ctgstats validate » le vérifie."
    )
