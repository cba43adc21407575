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

from ctgstats.core.errors import EXIT_BAD_INPUT, InputError
from ctgstats.core.params import Params, load_params, parse_params
from ctgstats.data.download import DownloadError
from ctgstats.data.sources import UnknownSourceError
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

#: Errors reported as bad input (exit 2). Besides InputError, the built-in bases of the
#: input errors not yet derived from it (ParamsError, DataNotFoundError, TerritoryError …):
#: the same classes as ``ctgstats.cli._input_errors`` without importing the package
#: ``ctgstats.cli`` (an import cycle).
BAD_INPUT = (InputError, ValueError, FileNotFoundError, UnknownSourceError, DownloadError)

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
            ("PARAMS", bool(params)),
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
        if base is not None:
            raise BatchError("--base ne sert qu'avec --departement ou --epci")
        return items_from_files(list(params))
    if level != "epci" and departement is None:
        raise BatchError("--level ne sert qu'avec --departement")
    base_params = load_params(base) if base is not None else default_base()
    if departement is not None:
        return expand_departement(base_params, departement, level=level)
    assert epci is not None  # exactly one of PARAMS, --departement, --epci
    return expand_epci(base_params, epci)


def batch_command(
    params: Annotated[
        list[Path] | None,
        typer.Argument(help="Params YAML files or folders of them (all *.yaml, sorted)."),
    ] = None,
    departement: Annotated[
        str | None,
        typer.Option("--departement", help="Every EPCI (or commune, --level) of this département."),
    ] = None,
    epci: Annotated[str | None, typer.Option("--epci", help="Every commune of this EPCI.")] = None,
    base: Annotated[
        Path | None,
        typer.Option(
            "--base",
            help="Params file giving the territory-independent settings for "
            "--departement/--epci (default: params/demo.yaml).",
        ),
    ] = None,
    level: Annotated[
        BatchLevel, typer.Option("--level", help="Territories of --departement: epci or commune.")
    ] = BatchLevel.epci,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Only this territory: slug or code (repeatable)."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=0, help="Only the first N territories (after --only)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Parallel workers (default: the number of CPUs)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Run even the territories whose inputs are unchanged.")
    ] = False,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Output folder (default: outputs/).")
    ] = Path("outputs"),
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="No progress bar nor line per territory.")
    ] = False,
    executor: Annotated[
        str,
        typer.Option(
            "--executor",
            help="process (default), serial (debugging) or dask (an existing "
            "Dask cluster, with --scheduler).",
        ),
    ] = "process",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of the Dask scheduler, e.g. tcp://127.0.0.1:8786 (with --executor dask).",
        ),
    ] = None,
) -> None:
    """Run the diagnostic over many territories in parallel (skipping unchanged ones)."""

    def fail(message: str) -> typer.Exit:
        typer.secho(f"Erreur : {message}", fg=typer.colors.RED, err=True)
        return typer.Exit(EXIT_BAD_INPUT)

    try:
        items = build_items(
            params or [],
            departement=departement,
            epci=epci,
            base=base,
            level=level.value if isinstance(level, BatchLevel) else level,
        )
        selected = select(items, only=only or (), limit=limit)
    except BAD_INPUT as error:
        raise fail(str(error)) from None
    if not selected:
        raise fail("aucun territoire à traiter")
    if executor == "dask":
        if not scheduler:
            raise fail("--executor dask demande --scheduler ADRESSE (ex. tcp://127.0.0.1:8786)")
        use_dask(scheduler)
    elif scheduler:
        raise fail("--scheduler ne s'utilise qu'avec --executor dask")
    typer.echo(f"Lot : {len(selected)} territoire(s) sur {len(items)}, sorties dans {output_dir}")
    try:
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
    except BatchError as error:
        raise fail(str(error)) from None
    raise typer.Exit(result.exit_code)
