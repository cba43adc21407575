"""``ctgstats run``: the portrait of one territory, as an offline HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ctgstats.cli.app import app, params_from_options

if TYPE_CHECKING:
    from ctgstats.pipeline.plan import RunPlan

__all__ = ["execute", "run"]


@app.command()
def run(
    params_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="PARAMÈTRES", help="Fichier de paramètres YAML (ex. params/demo.yaml)."
        ),
    ] = None,
    territory: Annotated[
        str | None,
        typer.Option(
            "--territory",
            "-t",
            help="NIVEAU:CODE sans fichier de paramètres, ex. epci:200072635.",
        ),
    ] = None,
    data_dir: Annotated[
        list[Path] | None,
        typer.Option("--data-dir", "-d", help="Dossier de fichiers Insee (répétable)."),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", "-o", help="Dossier de sortie (par défaut : outputs/)."),
    ] = None,
    cog_year: Annotated[
        int | None, typer.Option(help="Année du COG (géographie au 1er janvier).")
    ] = None,
    notebook: Annotated[
        list[str] | None,
        typer.Option("--notebook", "-n", help="Seulement ce carnet (répétable)."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Ne pas afficher la progression.")
    ] = False,
) -> None:
    """Calculer le portrait d'un territoire et écrire son rapport HTML hors ligne."""
    from ctgstats.pipeline import plan as planner

    params, source = params_from_options(
        params_file, territory=territory, data_dirs=data_dir, cog_year=cog_year, notebooks=notebook
    )
    execute(planner.plan_run(params, output_dir=output_dir, params_source=source), quiet=quiet)


def execute(plan: RunPlan, *, quiet: bool) -> None:
    """Run ``plan``, refresh the portal of its output folder, print where the report is.

    Parameters
    ----------
    plan
        What to run (:func:`ctgstats.pipeline.plan.plan_run` or ``plan_survey_run``).
    quiet
        No progress lines.
    """
    from ctgstats.pipeline import ownership
    from ctgstats.pipeline import run as pipeline_run
    from ctgstats.publish import portal

    ownership.check_writable(plan.output_root)
    ownership.check_replaceable(plan, portal=True)

    def say(message: str) -> None:
        if not quiet:
            typer.echo(f"· {message}")

    try:
        folder = pipeline_run.run(plan, progress=say)
    finally:
        if plan.output_root.is_dir():
            portal.write_portal(plan.output_root)
    typer.echo(f"Rapport : {(folder / 'index.html').resolve()}")
