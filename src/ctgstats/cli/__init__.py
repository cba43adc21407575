"""Command line: ``ctgstats run``, ``batch``, ``survey``, ``survey-draft``, ``baseline``,
``validate``, ``schema``, ``data``.

Exit codes: 0 success; 1 a notebook or export failed (the failed notebook is kept);
2 invalid parameters or input data (nothing was executed or written).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ctgstats import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Reproducible statistical diagnostics of French territories "
    "(CTG, ABS, Pacte local des solidarités).",
)
data_app = typer.Typer(no_args_is_help=True, help="Inspect and download INSEE source files.")
app.add_typer(data_app, name="data")
baseline_app = typer.Typer(
    no_args_is_help=True, help="Freeze the T0 of the indicators of an action plan."
)
app.add_typer(baseline_app, name="baseline")

EXIT_RUN_FAILED = 1
EXIT_BAD_INPUT = 2


def _error(message: str, code: int) -> typer.Exit:
    typer.secho(f"Erreur : {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def _input_errors() -> tuple[type[BaseException], ...]:
    from ctgstats.core.params import ParamsError
    from ctgstats.core.territories import TerritoryError
    from ctgstats.data.catalog import DataNotFoundError
    from ctgstats.data.download import DownloadError
    from ctgstats.data.readers import DataFileError
    from ctgstats.data.registry import RegistryError
    from ctgstats.data.sources import UnknownSourceError
    from ctgstats.indicators.baseline import BaselineError
    from ctgstats.indicators.usertables import UserTableError
    from ctgstats.surveys.adapters import SurveyInputError
    from ctgstats.surveys.codebook import CodebookError
    from ctgstats.surveys.weighting import WeightingError

    return (
        ParamsError,
        TerritoryError,
        DataNotFoundError,
        DataFileError,
        ValueError,
        FileNotFoundError,
        DownloadError,
        UnknownSourceError,
        CodebookError,
        SurveyInputError,
        WeightingError,
        BaselineError,
        RegistryError,
        UserTableError,
    )


def _params_from_options(
    params_file: Path | None,
    territory: str | None,
    data_dirs: list[Path] | None,
    cog_year: int | None,
    notebooks: list[str] | None,
):
    from ctgstats.core.params import ParamsError, load_params, parse_params

    if params_file is not None and territory is not None:
        raise ParamsError("give either a params file or --territory, not both")
    if params_file is not None:
        params = load_params(params_file)
        updates = {}
        if data_dirs:
            updates["data_dirs"] = [str(d) for d in data_dirs]
        if cog_year is not None:
            updates["cog_year"] = cog_year
        if notebooks:
            updates["notebooks"] = notebooks
        if updates:
            data = params.to_jsonable() | updates
            params = parse_params(data, source=str(params_file))
        return params, str(params_file)
    if territory is None:
        raise ParamsError("give a params file (e.g. params/demo.yaml) or --territory LEVEL:CODE")
    if ":" not in territory:
        raise ParamsError(
            f"--territory: expected LEVEL:CODE (e.g. epci:200072635), got {territory!r}"
        )
    level, code = territory.split(":", 1)
    if not data_dirs:
        raise ParamsError("--territory needs at least one --data-dir")
    data = {"territory": {"level": level, "code": code}, "data_dirs": [str(d) for d in data_dirs]}
    if cog_year is not None:
        data["cog_year"] = cog_year
    if notebooks:
        data["notebooks"] = notebooks
    return parse_params(data, source="--territory"), None


@app.command()
def run(
    params_file: Annotated[
        Path | None, typer.Argument(help="Params YAML file (e.g. params/demo.yaml).")
    ] = None,
    territory: Annotated[
        str | None,
        typer.Option(
            "--territory", "-t", help="LEVEL:CODE without a params file, e.g. epci:200072635."
        ),
    ] = None,
    data_dir: Annotated[
        list[Path] | None,
        typer.Option("--data-dir", "-d", help="Folder of INSEE files (repeatable)."),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", "-o", help="Output folder (default: outputs/)."),
    ] = None,
    cog_year: Annotated[int | None, typer.Option(help="COG year of the geography.")] = None,
    notebook: Annotated[
        list[str] | None,
        typer.Option("--notebook", "-n", help="Only this notebook (repeatable)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Compute the portrait of a territory and write its offline HTML report."""
    from ctgstats.pipeline.plan import plan_run

    try:
        params, source = _params_from_options(params_file, territory, data_dir, cog_year, notebook)
        plan = plan_run(params, output_dir=output_dir, params_source=source)
    except _input_errors() as error:
        raise _error(str(error), EXIT_BAD_INPUT) from None
    _execute(plan, quiet=quiet)


def _run_and_portal(plan, say):
    """Run, then refresh the portal of the output folder whatever happened."""
    from ctgstats.pipeline.run import run as run_plan
    from ctgstats.publish import portal

    try:
        return run_plan(plan, progress=say)
    finally:
        if plan.output_root.is_dir():
            portal.write_portal(plan.output_root)


@app.command("portal")
def portal_command(
    output_dir: Annotated[Path, typer.Argument(help="Output folder of runs or batches.")],
    title: Annotated[
        str, typer.Option(help="Title of the portal page.")
    ] = "Diagnostics de territoire",
) -> None:
    """Write OUTPUT_DIR/index.html: every territory, its status and key figures."""
    from ctgstats.publish import portal

    if not output_dir.is_dir():
        raise _error(f"{output_dir}: output folder not found", EXIT_BAD_INPUT)
    typer.echo(f"Portail : {portal.write_portal(output_dir, title=title)}")


def _execute(plan, *, quiet: bool) -> None:
    from ctgstats.core.errors import RunError

    say = (lambda message: None) if quiet else (lambda message: typer.echo(f"· {message}"))
    try:
        folder = _run_and_portal(plan, say)
    except RunError as error:
        cause = error.__cause__
        if cause is not None and isinstance(cause, _input_errors()) and error.notebook is None:
            raise _error(str(cause), EXIT_BAD_INPUT) from None
        detail = f"\nNotebook conservé pour inspection : {error.kept}" if error.kept else ""
        raise _error(f"{error}{detail}", EXIT_RUN_FAILED) from None
    except _input_errors() as error:
        raise _error(str(error), EXIT_BAD_INPUT) from None
    index = folder / "index.html"
    typer.echo(f"Rapport : {index.resolve()}")


@app.command()
def survey(
    export: Annotated[Path, typer.Argument(help="Survey export (CSV or XLSX).")],
    codebook: Annotated[Path, typer.Option("--codebook", "-c", help="Codebook YAML.")],
    format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="limesurvey, googleforms, kobo or csv (detected if omitted)."
        ),
    ] = None,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o")] = Path("outputs"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Analyse one survey without a params file (unweighted): tables and HTML summary."""
    from ctgstats.core.params import ParamsError, Survey, Weighting
    from ctgstats.pipeline.plan import plan_survey_run
    from ctgstats.surveys.codebook import load_codebook

    try:
        book = load_codebook(codebook)
        if format is not None and format not in ("limesurvey", "googleforms", "kobo", "csv"):
            raise ParamsError(
                f"--format: unknown format {format!r} (expected limesurvey, "
                "googleforms, kobo or csv)"
            )
        if not export.is_file():
            raise ParamsError(f"{export}: survey export not found")
        spec = Survey(
            id=book.survey.id,
            export=str(export.resolve()),
            codebook=str(codebook.resolve()),
            format=format,
            weighting=Weighting(method="none"),
        )
        plan = plan_survey_run(spec, output_dir=output_dir)
    except _input_errors() as error:
        raise _error(str(error), EXIT_BAD_INPUT) from None
    _execute(plan, quiet=quiet)


@app.command("survey-draft")
def survey_draft(
    export: Annotated[Path, typer.Argument(help="Survey export (CSV or XLSX).")],
    survey_id: Annotated[str, typer.Option("--id", help="Survey id, e.g. habitants.")],
    format: Annotated[str | None, typer.Option("--format", "-f")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Draft a codebook from an export, for the analyst to edit."""
    from ctgstats.surveys.draft import draft_codebook

    try:
        text = draft_codebook(export, format=format, survey_id=survey_id)
    except _input_errors() as error:
        raise _error(str(error), EXIT_BAD_INPUT) from None
    if output is None:
        sys.stdout.write(text)
    else:
        if output.exists():
            raise _error(
                f"{output} exists: not overwritten (choose another --output)", EXIT_BAD_INPUT
            )
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Codebook à compléter : {output}")


@app.command()
def validate(
    params_file: Annotated[Path, typer.Argument(help="Params YAML file.")],
) -> None:
    """Check a params file as run does: data, surveys, codebooks, tables (no kernel started)."""
    from ctgstats.pipeline.prepare import validate as prepare_run

    try:
        params, _ = _params_from_options(params_file, None, None, None, None)
        portrait = prepare_run(params, params_source=str(params_file)).portrait
    except _input_errors() as error:
        raise _error(str(error), EXIT_BAD_INPUT) from None
    names = ", ".join(t.label for t in portrait.comparators)
    typer.echo(
        f"OK : {portrait.territory.label} ({portrait.territory.id}), COG "
        f"{portrait.cog_year}, recensements {portrait.vintages}, comparateurs : {names}"
    )


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Print (or write) the JSON Schema of params files."""
    from ctgstats.core.params import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@baseline_app.command("freeze")
def baseline_freeze(
    params_file: Annotated[Path, typer.Argument(help="Params YAML file of the T0 diagnostic.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="T0 file (default: indicators.baseline of the params)."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(help="Freeze again over an existing T0 (the old file is kept as a backup)."),
    ] = False,
) -> None:
    """Write the frozen T0: every value with its source, vintage and input checksums."""
    from ctgstats.data.cache import file_sha256
    from ctgstats.indicators.followup import freeze_baseline

    try:
        params, _ = _params_from_options(params_file, None, None, None, None)
        path = freeze_baseline(
            params, path=output, force=force, params_sha256=file_sha256(params_file)
        )
    except _input_errors() as error:
        raise _error(str(error), EXIT_BAD_INPUT) from None
    typer.echo(f"T0 figé : {path}")


@data_app.command("list")
def data_list(
    data_dir: Annotated[list[Path], typer.Argument(help="Folders of INSEE files.")],
) -> None:
    """List the INSEE files recognised in folders (source, vintage, level)."""
    from ctgstats.data import sources

    for found in sources.discover([Path(d) for d in data_dir]):
        level = f" {found.level}" if found.level else ""
        typer.echo(f"{found.source.id}{level} {found.vintage}\t{found.path}")


@data_app.command("fetch")
def data_fetch(
    source_id: Annotated[str, typer.Argument(help="Source id, e.g. rp_evol_struct_pop.")],
    vintage: Annotated[int, typer.Option(help="Vintage (never 'latest').")],
    level: Annotated[str | None, typer.Option(help="Level for Filosofi (COM, EPCI …).")] = None,
    cache_dir: Annotated[Path | None, typer.Option()] = None,
    offline: Annotated[bool, typer.Option(help="Never use the network.")] = False,
) -> None:
    """Download a pinned INSEE file into the cache (checksum verified)."""
    from ctgstats.data import download, sources

    try:
        spec = sources.get_source(source_id, vintage, level=level)
        path = download.fetch(spec, cache_dir=cache_dir, offline=offline)
    except Exception as error:  # noqa: BLE001 - shown to the user with its type
        raise _error(f"{type(error).__name__}: {error}", EXIT_BAD_INPUT) from None
    typer.echo(str(path))


from ctgstats.cli.batch import batch_command  # noqa: E402 - after the app and sub-apps

app.command("batch")(batch_command)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
