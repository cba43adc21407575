"""``ctgstats survey`` (one survey without a params file) and ``ctgstats survey-draft``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ctgstats.cli.app import app
from ctgstats.cli.run import execute
from ctgstats.core.errors import InputError
from ctgstats.core.params import ParamsError

__all__ = ["survey", "survey_draft"]

FORMATS = ("limesurvey", "googleforms", "kobo", "csv")

ExportFormat = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help="limesurvey, googleforms, kobo ou csv (détecté si absent)."
    ),
]
"""The ``--format`` option shared by ``survey`` and ``survey-draft``."""


@app.command()
def survey(
    export: Annotated[
        Path, typer.Argument(metavar="EXPORT", help="Export de l'enquête (CSV ou XLSX).")
    ],
    codebook: Annotated[Path, typer.Option("--codebook", "-c", help="Codebook YAML de l'enquête.")],
    format: ExportFormat = None,  # noqa: A002 - the option is --format
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Dossier de sortie.")
    ] = Path("outputs"),
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Ne pas afficher la progression.")
    ] = False,
) -> None:
    """Analyser une enquête sans fichier de paramètres (non pondérée) : tables et synthèse HTML."""
    from ctgstats.core.params import Survey, Weighting
    from ctgstats.pipeline import plan as planner
    from ctgstats.surveys.codebook import load_codebook

    book = load_codebook(codebook)
    if format is not None and format not in FORMATS:
        raise ParamsError(f"--format : format inconnu {format!r} (attendu : {', '.join(FORMATS)})")
    if not export.is_file():
        raise ParamsError(f"{export} : export d'enquête introuvable")
    spec = Survey.model_validate(
        {
            "id": book.survey.id,
            "export": str(export.resolve()),
            "codebook": str(codebook.resolve()),
            "format": format,
            "weighting": Weighting(method="none"),
        }
    )
    execute(planner.plan_survey_run(spec, output_dir=output_dir), quiet=quiet)


@app.command("survey-draft")
def survey_draft(
    export: Annotated[
        Path, typer.Argument(metavar="EXPORT", help="Export de l'enquête (CSV ou XLSX).")
    ],
    survey_id: Annotated[
        str, typer.Option("--id", help="Identifiant de l'enquête, ex. habitants.")
    ],
    format: ExportFormat = None,  # noqa: A002 - the option is --format
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Codebook à écrire (par défaut : la sortie standard)."),
    ] = None,
) -> None:
    """Ébaucher le codebook d'un export, à compléter par l'analyste."""
    from ctgstats.surveys.draft import draft_codebook

    text = draft_codebook(export, format=format, survey_id=survey_id)
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists():
        raise InputError(f"{output} existe : non écrasé (choisissez un autre --output)")
    output.write_text(text, encoding="utf-8")
    typer.echo(f"Codebook à compléter : {output}")
