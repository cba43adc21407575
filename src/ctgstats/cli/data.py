"""``ctgstats data list`` and ``ctgstats data fetch``: the INSEE source files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctgstats.cli.app import data_app

__all__ = ["data_fetch", "data_list"]


@data_app.command("list")
def data_list(
    data_dir: Annotated[list[Path], typer.Argument(help="Dossiers de fichiers Insee.")],
) -> None:
    """Lister les fichiers Insee reconnus dans des dossiers (source, millésime, niveau)."""
    from ctgstats.data import sources

    for found in sources.discover([Path(d) for d in data_dir]):
        level = f" {found.level}" if found.level else ""
        typer.echo(f"{found.source.id}{level} {found.vintage}\t{found.path}")


@data_app.command("fetch")
def data_fetch(
    source_id: Annotated[
        str, typer.Argument(help="Identifiant de source, ex. rp_evol_struct_pop.")
    ],
    vintage: Annotated[int, typer.Option(help="Millésime (jamais « latest »).")],
    level: Annotated[str | None, typer.Option(help="Niveau pour Filosofi (COM, EPCI …).")] = None,
    cache_dir: Annotated[
        Path | None, typer.Option(help="Dossier du cache (par défaut : ~/.cache/ctgstats).")
    ] = None,
    offline: Annotated[bool, typer.Option(help="Ne jamais utiliser le réseau.")] = False,
) -> None:
    """Télécharger un fichier Insee fixé dans le cache (empreinte vérifiée)."""
    from ctgstats.data import download, sources

    spec = sources.get_source(source_id, vintage, level=level)
    typer.echo(str(download.fetch(spec, cache_dir=cache_dir, offline=offline)))
