"""``ctgstats data list`` and ``ctgstats data fetch``: the INSEE source files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctgstats.cli.app import data_app
from ctgstats.core.params import ParamsError

__all__ = ["data_fetch", "data_list", "pinned_vintage"]


def pinned_vintage(source_id: str, vintage: str) -> int:
    """The year of ``--vintage``; "latest" or anything else than a year is refused.

    Raises
    ------
    ParamsError
        With the reason (a report must be reproducible) and the vintages the registry has.
    """
    from ctgstats.data import sources

    text = vintage.strip()
    if text.isdigit():
        return int(text)
    known = sorted({spec.vintage for spec in sources.REGISTRY if spec.id == source_id})
    listing = f" ; millésimes disponibles pour {source_id} : {', '.join(map(str, known))}"
    if text.lower() == "latest":
        raise ParamsError(
            "--vintage latest refusé : les millésimes sont fixés pour qu'un rapport puisse "
            "être reproduit à l'identique (« latest » change au gré des publications de "
            "l'Insee) ; donnez une année" + (listing if known else "")
        )
    raise ParamsError(
        f"--vintage : une année est attendue, reçu {vintage!r}" + (listing if known else "")
    )


@data_app.command("list")
def data_list(
    data_dir: Annotated[
        list[Path], typer.Argument(metavar="DOSSIER", help="Dossiers de fichiers Insee.")
    ],
) -> None:
    """Lister les fichiers Insee reconnus dans des dossiers (source, millésime, niveau)."""
    from ctgstats.data import sources

    missing = [str(d) for d in data_dir if not Path(d).is_dir()]
    if missing:
        raise sources.DataFolderError(
            f"dossier(s) de données introuvable(s) : {', '.join(missing)}"
        )
    found_any = False
    for found in sources.discover([Path(d) for d in data_dir]):
        found_any = True
        level = f" {found.level}" if found.level else ""
        typer.echo(f"{found.source.id}{level} {found.vintage}\t{found.path}")
    if not found_any:
        typer.echo("Aucun fichier reconnu dans ces dossiers (voir le README : fichiers lus).")


@data_app.command("fetch")
def data_fetch(
    source_id: Annotated[
        str,
        typer.Argument(metavar="SOURCE", help="Identifiant de source, ex. rp_evol_struct_pop."),
    ],
    vintage: Annotated[
        str,
        typer.Option(
            "--vintage",
            metavar="ANNÉE",
            help="Millésime, une année (jamais « latest » : le rapport doit être reproductible).",
        ),
    ],
    level: Annotated[
        str | None,
        typer.Option("--level", metavar="NIVEAU", help="Niveau pour Filosofi (COM, EPCI …)."),
    ] = None,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            metavar="DOSSIER",
            help="Dossier du cache (par défaut : ~/.cache/ctgstats).",
        ),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Ne jamais utiliser le réseau.")
    ] = False,
) -> None:
    """Télécharger un fichier Insee fixé dans le cache (empreinte vérifiée)."""
    from ctgstats.data import download, sources

    spec = sources.get_source(source_id, pinned_vintage(source_id, vintage), level=level)
    typer.echo(str(download.fetch(spec, cache_dir=cache_dir, offline=offline)))
