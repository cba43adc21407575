"""``ctgstats batch``: the diagnostic over many territories (options → one API call).

The batch itself is :func:`ctgstats.pipeline.batch.run_batch`; this module turns the
command line into its items (:func:`build_items`) and options.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ctgstats.core.errors import EXIT_BAD_INPUT
from ctgstats.core.params import Params, load_params, parse_params
from ctgstats.pipeline.batch import (
    BatchError,
    BatchItem,
    expand_departement,
    expand_epci,
    items_from_files,
    run_batch,
    select,
    use_dask,
)

#: The base settings without ``--base`` nor ``params/demo.yaml``: the fictional demo.
DEFAULT_BASE = {"territory": {"level": "epci", "code": "000000101"}, "data_dirs": ["ctgstats:demo"]}


class BatchLevel(StrEnum):
    """Level of the territories of an expanded département."""

    epci = "epci"
    commune = "commune"


def default_base() -> Params:
    """Territory-independent settings when no ``--base`` is given.

    ``params/demo.yaml`` of the current folder (a clone of the repository) when present,
    else the fictional demo data with the default settings.
    """
    path = Path("params") / "demo.yaml"
    if path.is_file():
        return load_params(path)
    return parse_params(DEFAULT_BASE, source="(défaut)")


def build_items(
    params: Sequence[Path] = (),
    *,
    departement: str | None = None,
    epci: str | None = None,
    base: Path | None = None,
    level: str = "epci",
) -> list[BatchItem]:
    """The items of ``ctgstats batch`` from its arguments (BatchError when they clash)."""
    given = [
        name
        for name, value in (
            ("PARAMÈTRES", bool(params)),
            ("--departement", departement),
            ("--epci", epci),
        )
        if value
    ]
    if len(given) != 1:
        raise BatchError(
            "donnez soit des fichiers ou dossiers de paramètres, soit "
            "--departement CODE, soit --epci CODE"
            + (f" (reçu : {', '.join(given)})" if given else "")
        )
    if params:
        shared = load_params(base) if base is not None else None
        return items_from_files(list(params), base=shared, base_path=base)
    if level != "epci" and departement is None:
        raise BatchError("--level ne sert qu'avec --departement")
    base_params = load_params(base) if base is not None else default_base()
    if departement is not None:
        return expand_departement(base_params, departement, level=level)
    assert epci is not None  # exactly one of PARAMÈTRES, --departement, --epci
    return expand_epci(base_params, epci)


def batch_command(
    params: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PARAMÈTRES",
            help="Fichiers de paramètres YAML ou dossiers qui en contiennent "
            "(tous les *.yaml, triés).",
        ),
    ] = None,
    departement: Annotated[
        str | None,
        typer.Option("--departement", help="Chaque EPCI (ou commune, --level) de ce département."),
    ] = None,
    epci: Annotated[str | None, typer.Option("--epci", help="Chaque commune de cet EPCI.")] = None,
    base: Annotated[
        Path | None,
        typer.Option(
            "--base",
            help="Fichier de paramètres donnant les réglages communs à tous les territoires "
            "de --departement/--epci (défaut : params/demo.yaml) ; avec des fichiers de "
            "paramètres, chacun ne donne que ce qui est propre à son territoire "
            "(au moins « territory ») et le reste vient de --base.",
        ),
    ] = None,
    level: Annotated[
        BatchLevel, typer.Option("--level", help="Territoires de --departement : epci ou commune.")
    ] = BatchLevel.epci,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only", help="Seulement ce territoire : nom de dossier ou code (répétable)."
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=0, help="Seulement les N premiers territoires (après --only)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Processus en parallèle (défaut : le nombre de cœurs)."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Exécuter aussi les territoires dont les entrées n'ont pas changé."
        ),
    ] = False,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Dossier de sortie.")
    ] = Path("outputs"),
    no_progress: Annotated[
        bool,
        typer.Option("--no-progress", help="Sans barre de progression ni ligne par territoire."),
    ] = False,
    executor: Annotated[
        str,
        typer.Option(
            "--executor",
            help="process, serial (débogage) ou dask (une grappe Dask "
            "existante, avec --scheduler).",
        ),
    ] = "process",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Adresse de l'ordonnanceur Dask, par ex. tcp://127.0.0.1:8786 "
            "(avec --executor dask).",
        ),
    ] = None,
) -> None:
    """Produire le diagnostic de nombreux territoires en parallèle (sauf ceux inchangés)."""

    def fail(message: str) -> typer.Exit:
        typer.secho(f"Erreur : {message}", fg=typer.colors.RED, err=True)
        return typer.Exit(EXIT_BAD_INPUT)

    items = build_items(
        params or [],
        departement=departement,
        epci=epci,
        base=base,
        level=level.value if isinstance(level, BatchLevel) else level,
    )
    selected = select(items, only=only or (), limit=limit)
    if not selected:
        raise fail("aucun territoire à traiter")
    if executor == "dask":
        if not scheduler:
            raise fail("--executor dask demande --scheduler ADRESSE (ex. tcp://127.0.0.1:8786)")
        use_dask(scheduler)
    elif scheduler:
        raise fail("--scheduler ne s'utilise qu'avec --executor dask")
    typer.echo(f"Lot : {len(selected)} territoire(s) sur {len(items)}, sorties dans {output_dir}")
    result = run_batch(
        items,
        output_dir=output_dir,
        jobs=jobs,
        force=force,
        only=only or (),
        limit=limit,
        progress=not no_progress,
        executor=executor,
        echo=typer.echo,
    )
    raise typer.Exit(result.exit_code)
