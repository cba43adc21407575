"""``ctgstats baseline freeze``: freeze the T0 of the indicators of an action plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctgstats.cli.app import baseline_app, params_from_options
from ctgstats.core.files import file_sha256

__all__ = ["baseline_freeze"]


@baseline_app.command("freeze")
def baseline_freeze(
    params_file: Annotated[
        Path,
        typer.Argument(metavar="PARAMÈTRES", help="Fichier de paramètres YAML du diagnostic T0."),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Fichier T0 (par défaut : indicators.baseline des paramètres).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Figer à nouveau par-dessus un T0 existant (l'ancien fichier est gardé en copie).",
        ),
    ] = False,
) -> None:
    """Écrire le T0 figé : chaque valeur avec sa source, son millésime et ses empreintes."""
    from ctgstats.indicators.followup import freeze_baseline

    params, _ = params_from_options(params_file)
    path = freeze_baseline(params, path=output, force=force, params_sha256=file_sha256(params_file))
    typer.echo(f"T0 figé : {path}")
