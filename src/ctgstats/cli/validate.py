"""``ctgstats validate``: check a params file against the data, without any kernel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctgstats.cli.app import app, params_from_options

__all__ = ["validate"]


@app.command()
def validate(
    params_file: Annotated[
        Path, typer.Argument(metavar="PARAMÈTRES", help="Fichier de paramètres YAML.")
    ],
) -> None:
    """Vérifier des paramètres comme le fait run (données, enquêtes, tables), sans noyau."""
    from ctgstats.pipeline.prepare import validate as prepare_run

    params, _ = params_from_options(params_file)
    portrait = prepare_run(params, params_source=str(params_file)).portrait
    assert portrait is not None  # a params file always has a territory
    names = ", ".join(t.label for t in portrait.comparators)
    typer.echo(
        f"OK : {portrait.territory.label} ({portrait.territory.id}), COG "
        f"{portrait.cog_year}, recensements {portrait.vintages}, comparateurs : {names}"
    )
