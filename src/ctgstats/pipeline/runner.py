"""The runner: plan → execute → export → manifest.

* **plan** (:func:`plan_run`) is pure: from validated params to the list of notebooks, the
  output folders and file names. It is tested without any kernel.
* **execute** runs each notebook with papermill into a *staging* folder, after the
  portrait has been computed once in-process (so bad data fail before any kernel starts)
  and the tables written.
* **export** turns each executed notebook into a self-contained offline HTML, and writes
  the territory's ``index.html``.
* **manifest**: ``manifest.json`` records the parameters, every data file with its
  sha256, versions, timings and status.

Only a complete, successful run replaces the previous output folder (an atomic rename of
the staging folder). A failed run leaves the previous good output untouched and keeps the
failed notebook, with its error, in ``<output-dir>/<slug>.echec/``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from ctgstats import __version__
from ctgstats.core.errors import RunError
from ctgstats.core.notebooks import NOTEBOOKS, get_notebook
from ctgstats.core.params import Params, Survey
from ctgstats.data.cache import file_sha256
from ctgstats.data.catalog import is_demo_path, resolve_data_dir, resolve_path

KERNEL_NAME = "python3"
VERSIONED_PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "papermill",
    "nbconvert",
    "nbclient",
    "matplotlib",
    "seaborn",
    "scipy",
    "pydantic",
    "openpyxl",
)


@dataclass(frozen=True)
class NotebookTask:
    """One notebook to execute and export, with the parameters injected into it."""

    name: str
    title: str
    template: Path
    executed: str  # file name in the output folder
    html: str
    parameters: dict[str, Any] = field(default_factory=dict)
    survey_id: str | None = None


@dataclass(frozen=True)
class RunPlan:
    """Everything a run will do, decided before anything runs.

    ``params`` is None for a survey analysed on its own (``ctgstats survey``): there is no
    territory portrait then, and ``surveys`` holds the survey.
    """

    params: Params | None
    injected: dict[str, Any] | None
    slug: str
    output_root: Path
    final_dir: Path
    staging_dir: Path
    failed_dir: Path
    tasks: tuple[NotebookTask, ...]
    surveys: tuple[Survey, ...] = ()
    params_source: str | None = None


#: Environment variable naming a folder of the user's own notebook templates.
NOTEBOOKS_DIR_ENV = "CTGSTATS_NOTEBOOKS_DIR"


def notebooks_dir() -> Path:
    """Folder of the notebook templates shipped in the package (``ctgstats/notebooks``)."""
    return Path(str(resources.files("ctgstats") / "notebooks"))


def user_notebooks_dir() -> Path | None:
    """Folder of the user's own templates (``$CTGSTATS_NOTEBOOKS_DIR``), or None."""
    value = os.environ.get(NOTEBOOKS_DIR_ENV, "").strip()
    return Path(value).expanduser() if value else None


def template_path(name: str, *, templates: Path | None = None) -> Path:
    """The template of notebook ``name``.

    Looked up in ``templates`` (else ``$CTGSTATS_NOTEBOOKS_DIR``): a template found there
    replaces the one shipped in the package; the others are the package's.
    """
    folder = templates if templates is not None else user_notebooks_dir()
    file_name = get_notebook(name).template
    if folder is not None and (folder / file_name).is_file():
        return folder / file_name
    return notebooks_dir() / file_name


def slugify(text: str) -> str:
    """ASCII, lowercase, dash-separated: ``'CC du Haut-Val fictif' -> 'cc-du-haut-val-fictif'``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80] or "territoire"


def default_slug(params: Params) -> str:
    """Output sub-folder of a territory: ``epci-200072635``."""
    return params.slug or slugify(f"{params.territory.level.value}-{params.territory.code}")


def injected_survey(survey: Survey) -> dict[str, Any]:
    """A survey as injected into notebooks: its files made absolute."""
    data = json.loads(survey.model_dump_json())
    for key in ("export", "codebook"):
        if not is_demo_path(data[key]):
            data[key] = str(resolve_path(data[key]))
    return data


def injected_params(params: Params) -> dict[str, Any]:
    """The params as injected into notebooks: data folders and files made absolute."""
    data = params.to_jsonable()
    data["data_dirs"] = [
        entry if is_demo_path(entry) else str(resolve_data_dir(entry)) for entry in params.data_dirs
    ]
    data["surveys"] = [injected_survey(s) for s in params.surveys]
    indicators = data["indicators"]
    for key in ("user_tables", "registry"):
        indicators[key] = [p if is_demo_path(p) else str(resolve_path(p)) for p in indicators[key]]
    for key in ("baseline", "action_plan_file"):
        if indicators.get(key) and not is_demo_path(indicators[key]):
            indicators[key] = str(resolve_path(indicators[key]))
    return data


def _task(
    name: str,
    folder: Path | None,
    *,
    suffix: str = "",
    parameters: dict[str, Any],
    survey_id: str | None = None,
) -> NotebookTask:
    title = get_notebook(name).title + (f" « {survey_id} »" if survey_id else "")
    return NotebookTask(
        name=name,
        title=title,
        template=template_path(name, templates=folder),
        executed=f"{name}{suffix}.ipynb",
        html=f"{name}{suffix}.html",
        parameters=parameters,
        survey_id=survey_id,
    )


def plan_run(
    params: Params,
    *,
    output_dir: Path | str | None = None,
    params_source: str | None = None,
    token: str | None = None,
    templates: Path | None = None,
) -> RunPlan:
    """Decide what a run does (pure: reads and writes nothing)."""
    root = Path(output_dir if output_dir is not None else params.output_dir)
    slug = default_slug(params)
    token = token or f"{os.getpid()}"
    folder = templates
    injected = injected_params(params)
    tasks = []
    for name in params.notebook_names:
        if get_notebook(name).per_survey:
            tasks.extend(
                _task(
                    name,
                    folder,
                    suffix=f"_{survey.id}",
                    survey_id=survey.id,
                    parameters={"params": injected, "survey_id": survey.id},
                )
                for survey in params.surveys
            )
        else:
            tasks.append(_task(name, folder, parameters={"params": injected}))
    return RunPlan(
        params=params,
        injected=injected,
        slug=slug,
        output_root=root,
        final_dir=root / slug,
        staging_dir=root / f".{slug}.en-cours-{token}",
        failed_dir=root / f"{slug}.echec",
        tasks=tuple(tasks),
        surveys=params.surveys,
        params_source=params_source,
    )


def plan_survey_run(
    survey: Survey,
    *,
    output_dir: Path | str = "outputs",
    token: str | None = None,
    templates: Path | None = None,
) -> RunPlan:
    """Plan the analysis of one survey on its own, without a territory (pure)."""
    root = Path(output_dir)
    slug = f"enquete-{survey.id}"
    token = token or f"{os.getpid()}"
    folder = templates
    task = _task(
        next(spec.name for spec in NOTEBOOKS if spec.per_survey),
        folder,
        suffix=f"_{survey.id}",
        survey_id=survey.id,
        parameters={"params": None, "survey_id": survey.id, "survey": injected_survey(survey)},
    )
    return RunPlan(
        params=None,
        injected=None,
        slug=slug,
        output_root=root,
        final_dir=root / slug,
        staging_dir=root / f".{slug}.en-cours-{token}",
        failed_dir=root / f"{slug}.echec",
        tasks=(task,),
        surveys=(survey,),
    )


# ------------------------------------------------------------------------ manifest


def versions() -> dict[str, str]:
    """Versions of Python, ctgstats and the libraries that shape the numbers."""
    result = {"python": platform.python_version(), "ctgstats": __version__}
    for name in VERSIONED_PACKAGES:
        try:
            result[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            result[name] = "absent"
    return result


@dataclass
class Manifest:
    """``manifest.json`` of a run."""

    plan: RunPlan
    started_at: str = field(default_factory=lambda: _now())
    status: str = "running"
    timings: dict[str, float] = field(default_factory=dict)
    data_files: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    territory: dict[str, Any] = field(default_factory=dict)
    fictional: bool = False

    def to_dict(self) -> dict[str, Any]:
        plan = self.plan
        params_file = None
        if plan.params_source and Path(plan.params_source).is_file():
            params_file = {
                "path": str(Path(plan.params_source).resolve()),
                "sha256": file_sha256(Path(plan.params_source)),
            }
        return {
            "tool": "ctgstats",
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": _now(),
            "territory": self.territory,
            "fictional_data": self.fictional,
            "params": plan.injected,
            "params_file": params_file,
            "data_files": self.data_files,
            "versions": versions(),
            "timings_seconds": {k: round(v, 3) for k, v in self.timings.items()},
            "notebooks": [t.name for t in plan.tasks],
            "outputs": sorted(self.outputs),
            "error": self.error,
        }

    def write(self, folder: Path) -> Path:
        path = folder / "manifest.json"
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return path


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


# ------------------------------------------------------------------------- execute


Progress = Callable[[str], None]


def execute_notebook(task: NotebookTask, plan: RunPlan, *, folder: Path) -> None:
    """Execute one notebook with papermill into ``folder`` (raises RunError on failure)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    if not task.template.is_file():
        raise RunError(f"notebook template {task.template} not found", notebook=task.name)
    output = folder / task.executed
    try:
        pm.execute_notebook(
            str(task.template),
            str(output),
            parameters=task.parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            cwd=str(folder),
            report_mode=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except PapermillExecutionError as error:
        raise RunError(
            f"notebook {task.name} failed in cell {error.exec_count} "
            f"(index {error.cell_index}): {error.ename}: {error.evalue}",
            notebook=task.name,
            cell=error.cell_index,
        ) from error


class KernelSession:
    """One kernel kept alive across notebooks (batch workers).

    Starting a kernel and importing pandas, matplotlib and ctgstats costs seconds; a
    batch over many territories pays it once per worker instead of once per notebook.
    Each notebook is parameterised with papermill's own function and executed with
    nbclient on the running kernel, after the user namespace is reset (``%reset -f``),
    so no variable leaks from one territory to the next.
    """

    def __init__(self, *, kernel_name: str = KERNEL_NAME, timeout: int = 1800) -> None:
        self.kernel_name = kernel_name
        self.timeout = timeout
        self.km = None

    def __enter__(self) -> KernelSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        from jupyter_client.manager import start_new_kernel

        if self.km is None or not self.km.is_alive():
            self.km, client = start_new_kernel(
                kernel_name=self.kernel_name, extra_arguments=["--IPKernelApp.log_level=ERROR"]
            )
            client.stop_channels()

    def close(self) -> None:
        if self.km is not None:
            self.km.shutdown_kernel(now=True)
            self.km = None

    def _reset(self) -> None:
        client = self.km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            client.execute_interactive(
                "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt",
                timeout=60,
            )
        finally:
            client.stop_channels()

    def execute(self, task: NotebookTask, *, folder: Path) -> None:
        """Execute ``task`` into ``folder`` (RunError naming the cell on failure)."""
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        if not task.template.is_file():
            raise RunError(f"notebook template {task.template} not found", notebook=task.name)
        self.start()
        self._reset()
        notebook = parameterize_notebook(load_notebook_node(str(task.template)), task.parameters)
        client = NotebookClient(
            notebook, km=self.km, timeout=self.timeout, kernel_name=self.kernel_name
        )
        try:
            client.execute()
        except CellExecutionError as error:
            index = next(
                (
                    i
                    for i, cell in enumerate(notebook.cells)
                    if any(o.get("output_type") == "error" for o in cell.get("outputs", []))
                ),
                None,
            )
            raise RunError(
                f"notebook {task.name} failed in cell (index {index}): "
                f"{error.ename}: {error.evalue}",
                notebook=task.name,
                cell=index,
            ) from error
        finally:
            nbformat.write(notebook, str(folder / task.executed))


@dataclass
class Prepared:
    """What a run computes in-process before any kernel starts."""

    portrait: Any = None  # ctgstats.portrait.build.Portrait | None
    surveys: dict[str, Any] = field(default_factory=dict)  # id -> SurveyAnalysis
    followup: Any = None  # ctgstats.indicators.followup.FollowUp | None

    @property
    def fictional(self) -> bool:
        if self.portrait is not None:
            return bool(self.portrait.fictional)
        return any(a.fictional for a in self.surveys.values())

    @property
    def label(self) -> str:
        if self.portrait is not None:
            return self.portrait.territory.label
        return ", ".join(a.codebook.survey.title for a in self.surveys.values())

    def data_files(self) -> list[dict[str, Any]]:
        files = []
        if self.portrait is not None:
            files.extend(
                {
                    "source": u.source_id,
                    "vintage": u.vintage,
                    "level": u.level,
                    "path": str(u.path),
                    "sha256": u.sha256,
                }
                for u in self.portrait.files
            )
        if self.followup is not None:
            from ctgstats.data.catalog import resolve_path

            params = self.portrait.params.indicators
            extra = [("indicateurs_table_locale", p) for p in params.user_tables]
            extra += [("indicateurs_t0", params.baseline)] if params.baseline else []
            extra += [("indicateurs_registre", p) for p in params.registry]
            for kind, entry in extra:
                path = resolve_path(entry)
                files.append(
                    {
                        "source": kind,
                        "vintage": None,
                        "level": None,
                        "path": str(path),
                        "sha256": file_sha256(path),
                    }
                )
        for analysis in self.surveys.values():
            for kind, path in (
                ("enquete_export", analysis.export_path),
                ("enquete_codebook", analysis.codebook_path),
            ):
                files.append(
                    {
                        "source": kind,
                        "vintage": None,
                        "level": analysis.survey_id,
                        "path": str(path),
                        "sha256": file_sha256(Path(path)),
                    }
                )
        return files


def prepare(plan: RunPlan, *, say: Progress) -> Prepared:
    """Compute the portrait and analyse the surveys (raises on bad data, before kernels)."""
    from ctgstats.portrait.build import build_portrait
    from ctgstats.surveys.analysis import analyse

    prepared = Prepared()
    if plan.params is not None:
        say("calcul du portrait")
        prepared.portrait = build_portrait(plan.params)
    wanted = {t.survey_id for t in plan.tasks if t.survey_id}
    indicators = any("followup" in get_notebook(t.name).needs for t in plan.tasks)
    for survey in plan.surveys:
        if survey.id in wanted or (indicators and survey.year is not None):
            say(f"analyse de l'enquête {survey.id}")
            prepared.surveys[survey.id] = analyse(survey, portrait=prepared.portrait)
    if indicators:
        from ctgstats.indicators.followup import build_followup

        say("suivi des indicateurs")
        prepared.followup = build_followup(
            plan.params, portrait=prepared.portrait, analyses=prepared.surveys
        )
    return prepared


def run(
    plan: RunPlan, *, progress: Progress | None = None, session: KernelSession | None = None
) -> Path:
    """Carry out a plan; returns the final output folder.

    Raises
    ------
    RunError
        When a notebook or the export fails (the failed run is kept in ``plan.failed_dir``).
    Exception
        Data and parameter errors from the portrait or the survey analysis, raised before
        any kernel starts; nothing is written then.

    With a :class:`KernelSession`, the notebooks run on its kernel (batch workers);
    otherwise each notebook is executed by papermill with a kernel of its own.
    """
    from ctgstats.publish import export, report

    say = progress or (lambda message: None)
    manifest = Manifest(plan=plan)
    clock = time.perf_counter()
    prepared = prepare(plan, say=say)
    manifest.timings["preparation"] = time.perf_counter() - clock
    if prepared.portrait is not None:
        portrait = prepared.portrait
        manifest.territory = {
            "level": portrait.territory.level.value,
            "code": portrait.territory.code,
            "name": portrait.territory.label,
            "cog_year": portrait.cog_year,
        }
    manifest.fictional = prepared.fictional
    manifest.data_files = prepared.data_files()

    staging = plan.staging_dir
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        manifest.outputs.extend(
            report.write_tables(
                prepared.portrait,
                staging / "tables",
                surveys=prepared.surveys,
                followup=prepared.followup,
                stem=f"diagnostic_{plan.slug}",
            )
        )
        for task in plan.tasks:
            say(f"exécution de {task.executed}")
            start = time.perf_counter()
            if session is not None:
                session.execute(task, folder=staging)
            else:
                execute_notebook(task, plan, folder=staging)
            manifest.timings[f"notebook:{task.executed}"] = time.perf_counter() - start
            manifest.outputs.append(task.executed)
        start = time.perf_counter()
        for task in plan.tasks:
            say(f"export HTML de {task.executed}")
            export.notebook_to_html(
                staging / task.executed,
                staging / task.html,
                title=f"{task.title} — {prepared.label}",
                fictional=prepared.fictional,
                index_href="index.html",
                footer=_footer(prepared),
            )
            manifest.outputs.append(task.html)
        links = [(t.title, t.html) for t in plan.tasks]
        links += _single_file(plan, prepared, staging, manifest, say=say)
        report.write_index(
            prepared.portrait,
            staging,
            surveys=prepared.surveys,
            followup=prepared.followup,
            tasks=links,
            stem=f"diagnostic_{plan.slug}",
        )
        manifest.outputs.append("index.html")
        manifest.timings["export"] = time.perf_counter() - start
    except BaseException as error:
        manifest.status = "failed"
        manifest.error = {
            "type": type(error).__name__,
            "message": str(error),
            "notebook": getattr(error, "notebook", None),
            "cell": getattr(error, "cell", None),
        }
        manifest.timings["total"] = time.perf_counter() - clock
        manifest.write(staging)
        kept = _keep_failed(plan)
        if isinstance(error, RunError):
            error.kept = kept
            raise
        raise RunError(f"{type(error).__name__}: {error}", kept=kept) from error
    manifest.status = "success"
    manifest.outputs.append("manifest.json")
    manifest.timings["total"] = time.perf_counter() - clock
    manifest.write(staging)
    _publish(plan)
    say(f"rapport écrit dans {plan.final_dir}")
    return plan.final_dir


def _single_file(
    plan: RunPlan, prepared: Prepared, staging: Path, manifest: Manifest, *, say: Progress
) -> list[tuple[str, str]]:
    """Gather the notebooks into ``rapport_complet.html`` (within its size budget)."""
    from ctgstats.publish import portal

    try:
        portal.single_file_report(staging, parts=[t.html for t in plan.tasks], title=prepared.label)
    except portal.ReportTooLargeError as error:
        say(f"rapport complet non écrit : {error}")
        return []
    manifest.outputs.append(portal.SINGLE_FILE_NAME)
    return [("Rapport complet (un seul fichier, à imprimer ou envoyer)", portal.SINGLE_FILE_NAME)]


def _footer(prepared: Prepared) -> str:
    names = {Path(f["path"]).name for f in prepared.data_files()}
    geography = (
        f" — géographie COG {prepared.portrait.cog_year}" if prepared.portrait is not None else ""
    )
    return (
        f"Généré le {datetime.now().strftime('%d/%m/%Y à %H:%M')} avec ctgstats "
        f"{__version__}{geography} — fichiers : {', '.join(sorted(names))}."
    )


def _keep_failed(plan: RunPlan) -> Path:
    if plan.failed_dir.exists():
        shutil.rmtree(plan.failed_dir)
    os.replace(plan.staging_dir, plan.failed_dir)
    return plan.failed_dir


def _publish(plan: RunPlan) -> None:
    """Replace the previous output by the staging folder (renames only)."""
    old = None
    if plan.final_dir.exists():
        old = plan.output_root / f".{plan.slug}.ancien-{os.getpid()}"
        os.replace(plan.final_dir, old)
    os.replace(plan.staging_dir, plan.final_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    if plan.failed_dir.exists():
        shutil.rmtree(plan.failed_dir, ignore_errors=True)
