"""``ctgstats schema``: the JSON Schema of params files."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ctgstats.cli.app import app

__all__ = ["schema"]


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Fichier à écrire (par défaut : la sortie standard)."),
    ] = None,
) -> None:
    """Afficher (ou écrire) le schéma JSON des fichiers de paramètres."""
    from ctgstats.core.params import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
