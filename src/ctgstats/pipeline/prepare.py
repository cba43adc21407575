"""What a run computes in-process before any kernel starts, and ``ctgstats validate``.

:func:`prepare` computes what the planned notebooks need (catalogue ``needs``): the
portrait, the survey analyses, the follow-up of the indicators. Bad parameters and bad
data (a missing codebook, user table, baseline or action plan) fail here, before any
kernel starts. The portrait is computed from the params exactly as injected into the
notebooks, so that their own ``build_portrait(params)`` finds it in the memo
(:mod:`ctgstats.data.memo`) instead of computing it again.

:func:`check` is that same preparation plus the templates' presence, without any kernel:
what ``ctgstats validate`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctgstats.core.errors import InputError
from ctgstats.core.files import file_sha256, resolve_path
from ctgstats.core.notebooks import get_notebook
from ctgstats.core.params import Params, parse_params
from ctgstats.pipeline.plan import Progress, RunPlan, plan_run


class TemplateNotFoundError(InputError, FileNotFoundError):
    """A planned notebook has no template (in the package or the user's folder)."""


def _quiet(message: str) -> None:  # noqa: ARG001 - the default progress reporter
    return None


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
        files: list[dict[str, Any]] = []
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


class InputFileNotFoundError(InputError, FileNotFoundError):
    """A file named in the params (survey export, codebook, table …) is missing."""


def declared_files(params: Params) -> list[tuple[str, str]]:
    """``(field, entry)`` of every input file the params name.

    Not ``data_dirs`` (the catalogue checks them) nor ``indicators.baseline``: that file is
    first written by ``ctgstats baseline freeze``; the follow-up refuses it when missing.
    """
    found = []
    for number, survey in enumerate(params.surveys):
        found.append((f"surveys[{number}] ({survey.id}).export", survey.export))
        found.append((f"surveys[{number}] ({survey.id}).codebook", survey.codebook))
    indicators = params.indicators
    for key in ("user_tables", "registry"):
        found.extend(
            (f"indicators.{key}[{number}]", entry)
            for number, entry in enumerate(getattr(indicators, key))
        )
    for key in ("price_index", "action_plan_file"):
        entry = getattr(indicators, key, None)
        if entry:
            found.append((f"indicators.{key}", entry))
    return found


def check_files(params: Params) -> None:
    """Every file the params name exists, whichever notebooks are planned.

    A params file naming a missing survey export is refused by ``run`` and ``validate``
    alike, before anything is computed (not only when that survey's notebook runs).

    Raises
    ------
    InputFileNotFoundError
        Naming the field and the path.
    """
    for name, entry in declared_files(params):
        path = resolve_path(entry)
        if path.is_file():
            continue
        what = "est un dossier, pas un fichier" if path.is_dir() else "introuvable"
        raise InputFileNotFoundError(f"{name} : fichier {path} {what}")


def needs(plan: RunPlan) -> frozenset[str]:
    """What the planned notebooks need from the preparation (union of their ``needs``)."""
    return frozenset().union(*(get_notebook(t.name).needs for t in plan.tasks))


def prepare(plan: RunPlan, *, say: Progress = _quiet) -> Prepared:
    """Compute the portrait, the surveys and the follow-up the planned notebooks need.

    Raises
    ------
    InputError
        Bad parameters or data, with the file, field or value at fault (nothing written).
    """
    from ctgstats.portrait.build import build_portrait
    from ctgstats.surveys.analysis import analyse

    wanted = needs(plan)
    prepared = Prepared()
    if plan.params is not None:
        check_files(plan.params)
    else:
        for survey in plan.surveys:
            for name, entry in (("export", survey.export), ("codebook", survey.codebook)):
                if not resolve_path(entry).is_file():
                    raise InputFileNotFoundError(
                        f"enquête {survey.id}, {name} : fichier {resolve_path(entry)} introuvable"
                    )
    if plan.params is not None and plan.injected is not None:
        say("calcul du portrait")
        # The params as the notebooks receive them: same memo key as their own call.
        prepared.portrait = build_portrait(parse_params(plan.injected, source=_source(plan)))
    per_survey = {t.survey_id for t in plan.tasks if t.survey_id}
    per_series = {t.series_id for t in plan.tasks if t.series_id}
    followup = "followup" in wanted
    for survey in plan.surveys:
        in_series = survey.series_id in per_series and survey.year is not None
        if survey.id in per_survey or in_series or (followup and survey.year is not None):
            say(f"analyse de l'enquête {survey.id}")
            prepared.surveys[survey.id] = analyse(survey, portrait=prepared.portrait)
    if followup:
        from ctgstats.indicators.followup import build_followup

        say("suivi des indicateurs")
        prepared.followup = build_followup(
            plan.params, portrait=prepared.portrait, analyses=prepared.surveys
        )
    return prepared


def _source(plan: RunPlan) -> str:
    return plan.params_source or "<params>"


def check_templates(plan: RunPlan) -> None:
    """Every planned notebook has its template.

    Raises
    ------
    TemplateNotFoundError
        Naming the missing template.
    """
    for task in plan.tasks:
        if not task.template.is_file():
            raise TemplateNotFoundError(
                f"notebook {task.name} : modèle {task.template} introuvable"
            )


def check(plan: RunPlan, *, say: Progress = _quiet) -> Prepared:
    """The preparation of ``ctgstats run`` without any kernel: what ``validate`` runs.

    The same checks as :func:`ctgstats.pipeline.run.run` before its first notebook: the
    output folder (writable, nothing of the user's replaced), the templates, the files
    named in the params, then the preparation itself.
    """
    from ctgstats.pipeline import ownership

    ownership.check_writable(plan.output_root)
    ownership.check_replaceable(plan)
    check_templates(plan)
    return prepare(plan, say=say)


def validate(params: Params, *, params_source: str | None = None) -> Prepared:
    """Check ``params`` as ``ctgstats run`` would, without running any notebook.

    Raises
    ------
    InputError
        Whatever ``ctgstats run`` would refuse before starting a kernel.
    """
    return check(plan_run(params, params_source=params_source))
