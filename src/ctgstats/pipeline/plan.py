"""Planning a run (pure): from validated params to the notebooks, folders and file names.

:func:`plan_run` reads the notebook catalogue (:mod:`ctgstats.core.notebooks`) and
writes nothing; it is tested without any kernel. The templates are the ``.ipynb`` files
shipped in the package (:func:`notebooks_dir`); a folder of the user's own templates
(``templates=`` or ``$CTGSTATS_NOTEBOOKS_DIR``) replaces them file by file.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ctgstats.core.files import is_demo_path, resolve_data_dir, resolve_path
from ctgstats.core.notebooks import NOTEBOOKS, get_notebook
from ctgstats.core.params import Params, Survey

#: What a run reports its steps to (French messages).
Progress = Callable[[str], None]


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
    series_id: str | None = None


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
    if data.get("dispositifs") and not is_demo_path(data["dispositifs"]):
        data["dispositifs"] = str(resolve_path(data["dispositifs"]))
    indicators = data["indicators"]
    for key in ("user_tables", "registry"):
        indicators[key] = [p if is_demo_path(p) else str(resolve_path(p)) for p in indicators[key]]
    for key in ("baseline", "price_index", "action_plan_file"):
        if indicators.get(key) and not is_demo_path(indicators[key]):
            indicators[key] = str(resolve_path(indicators[key]))
    return data


def _params_only(injected: dict[str, Any] | None) -> dict[str, Any]:
    """The ``params`` injected into a notebook, and ``params_file`` set to None.

    A template's parameters cell may name a ``params_file`` (an analyst pointing it at a
    territory in JupyterLab); it would win over ``params``, so the runner resets it: the
    injected params (already validated, paths made absolute) are what the notebook runs.
    """
    return {"params": injected, "params_file": None}


def _task(
    name: str,
    folder: Path | None,
    *,
    suffix: str = "",
    parameters: dict[str, Any],
    survey_id: str | None = None,
    survey_title: str | None = None,
    series_id: str | None = None,
) -> NotebookTask:
    title = survey_title or get_notebook(name).title
    return NotebookTask(
        name=name,
        title=title,
        template=template_path(name, templates=folder),
        executed=f"{name}{suffix}.ipynb",
        html=f"{name}{suffix}.html",
        parameters=parameters,
        survey_id=survey_id,
        series_id=series_id,
    )


def _series_title(waves: tuple[Survey, ...]) -> str:
    """« Enquête auprès des habitants : 2026 et 2029 » (waves of one series)."""
    last = waves[-1]
    base = last.title or "Enquête " + last.series_id.replace("_", " ").replace("-", " ")
    years = [str(w.year) for w in waves]
    listed = ", ".join(years[:-1]) + " et " + years[-1]
    return f"{base} : comparaison des vagues {listed}"


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
    tasks: list[NotebookTask] = []
    for name in params.notebook_names:
        if get_notebook(name).per_survey:
            tasks.extend(
                _task(
                    name,
                    folder,
                    suffix=f"_{survey.id}",
                    survey_id=survey.id,
                    survey_title=survey.readable_title,
                    parameters={**_params_only(injected), "survey_id": survey.id},
                )
                for survey in params.surveys
            )
        elif get_notebook(name).per_series:
            tasks.extend(
                _task(
                    name,
                    folder,
                    suffix=f"_{series}",
                    series_id=series,
                    survey_title=_series_title(waves),
                    parameters={**_params_only(injected), "series": series},
                )
                for series, waves in params.survey_series.items()
            )
        else:
            tasks.append(_task(name, folder, parameters=_params_only(injected)))
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
        survey_title=survey.readable_title,
        parameters={
            **_params_only(None),
            "survey_id": survey.id,
            "survey": injected_survey(survey),
        },
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
