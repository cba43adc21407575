"""One survey analysed end to end: import, quality, weighting, estimates, findings.

:func:`analyse` is called by the runner before any kernel starts (so a bad export or
codebook fails early with a clear message) and by ``notebooks/03_enquete.ipynb`` to display.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ctgstats.core.files import file_sha256, is_demo_path, resolve_path
from ctgstats.core.params import ParamsError, Survey, params_from
from ctgstats.data import memo
from ctgstats.present.formatting import fr_int, fr_number
from ctgstats.surveys import adapters, estimates, quality, redact, sentences, weighting
from ctgstats.surveys.codebook import Codebook, load_codebook
from ctgstats.surveys.margins import MarginsUnavailable, census_margins
from ctgstats.surveys.model import FREQUENCY_COLUMNS, SurveyData, descriptor_name

CROSSTAB_BY = ("age", "sexe", "famille")


@dataclass
class SurveyAnalysis:
    """Everything the survey notebook displays and the runner writes for one survey."""

    survey_id: str
    spec: Survey
    codebook: Codebook
    export_path: Path
    codebook_path: Path
    data: SurveyData
    weights: pd.Series | None
    raking: Any  # weighting.RakingResult | None
    weighting_note: str
    frequencies: pd.DataFrame
    numeric: pd.DataFrame
    likert: pd.DataFrame
    crosstabs: dict[tuple[str, str], Any] = field(default_factory=dict)
    verbatims: dict[str, pd.DataFrame] = field(default_factory=dict)
    themes: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fictional: bool = False

    @property
    def weighted(self) -> bool:
        return self.weights is not None

    @property
    def title(self) -> str:
        """Readable title with the wave's year: the params' title, else the codebook's."""
        if self.spec.title:
            return self.spec.readable_title
        base = self.codebook.survey.title
        year = self.spec.year
        return f"{base} {year}" if year is not None and str(year) not in base else base

    @property
    def n_included(self) -> int:
        return int(self.data.respondents["included"].sum())

    @property
    def n_eff(self) -> float:
        if self.weights is None:
            return float(self.n_included)
        return weighting.kish_effective_size(self.weights)

    @property
    def design_effect(self) -> float:
        return 1.0 if self.weights is None else weighting.design_effect(self.weights)

    def quality_summary(self) -> pd.DataFrame:
        """The data-quality table (counts)."""
        return quality.summary(self.data)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables written to ``tables/enquete_<id>_*.csv`` (respondent-free)."""
        prefix = f"enquete_{self.survey_id}"
        frames = {
            f"{prefix}_frequences": self.frequencies[FREQUENCY_COLUMNS],
            f"{prefix}_frequences_detail": self.frequencies,
            f"{prefix}_qualite": self.quality_summary(),
            f"{prefix}_problemes": _public_quality(self.data.quality),
            f"{prefix}_constats": pd.DataFrame({"constat": self.findings}),
        }
        if not self.numeric.empty:
            frames[f"{prefix}_numeriques"] = self.numeric
        if not self.likert.empty:
            frames[f"{prefix}_scores"] = self.likert
        if self.raking is not None:
            frames[f"{prefix}_ponderation"] = self.raking.margins
        if self.verbatims:
            frames[f"{prefix}_verbatims"] = pd.concat(
                list(self.verbatims.values()), ignore_index=True
            )
        return frames

    def summary_html(self) -> str:
        """Short block for the index page: sizes and weighting."""
        rows = [
            ("Questionnaires analysés", fr_int(self.n_included)),
            (
                "Pondération",
                "calage sur le recensement" if self.weighted else "aucune (résultats non pondérés)",
            ),
        ]
        if self.weighted:
            rows += [
                ("Taille effective", fr_number(self.n_eff, 1)),
                ("Effet de plan dû à la pondération", fr_number(self.design_effect, 2)),
            ]
        body = "".join(
            f"<tr><th scope='row'>{html.escape(a)}</th><td>{html.escape(b)}</td></tr>"
            for a, b in rows
        )
        return (
            f"<h3>{html.escape(self.title)}</h3>"
            f"<table class='ctg-table'><tbody>{body}</tbody></table>"
        )


def _public_quality(frame: pd.DataFrame) -> pd.DataFrame:
    """Quality problems without respondent ids or raw free text (never publish rows)."""
    keep = [c for c in frame.columns if c not in ("respondent_id", "valeur")]
    return frame[keep].reset_index(drop=True)


def _territory_communes(portrait) -> list[str] | None:
    if portrait is None or portrait.territory.communes is None:
        return None
    return list(portrait.territory.communes)


def _weights(
    data: SurveyData, codebook: Codebook, spec: Survey, portrait
) -> tuple[pd.Series | None, Any, str, list[str]]:
    if spec.weighting.method == "none":
        return (
            None,
            None,
            "Résultats non pondérés (pondération désactivée dans les paramètres).",
            [],
        )
    if portrait is None:
        return (
            None,
            None,
            (
                "Résultats non pondérés : aucun portrait de territoire ne fournit "
                "de marges du recensement."
            ),
            [],
        )
    try:
        margins = census_margins(portrait, codebook, descriptors=spec.weighting.margins)
    except MarginsUnavailable as error:
        return None, None, f"Résultats non pondérés : calage impossible ({error}).", []
    included = data.included.set_index("respondent_id")
    sample = pd.DataFrame(index=included.index)
    for descriptor, margin in margins.margins.items():
        codes = included[descriptor].astype(str)
        sample[descriptor] = codes.where(codes.isin(margin.index), "")
    names = {d: descriptor_name(d) for d in margins.margins}
    try:
        result = weighting.rake(
            sample,
            margins.margins,
            bounds=spec.weighting.bounds,
            missing="class_mean",
            labels=names,
        )
    except weighting.WeightingError as error:
        return (
            None,
            None,
            (
                f"Résultats non pondérés : le calage a échoué ({error}). "
                "Regrouper des modalités ou retirer une marge."
            ),
            [],
        )
    note = (
        f"Résultats pondérés par calage sur les marges {', '.join(names.values())} de la "
        f"{margins.universe} (COG {portrait.cog_year}). Le calage corrige la "
        f"structure des répondants sur ces seules variables : une enquête en ligne "
        f"à participation volontaire n'est pas un échantillon aléatoire."
    )
    return result.weights, result, note, list(result.notes)


def analyse(spec: Survey, *, portrait=None) -> SurveyAnalysis:
    """Read, check, weight and estimate one survey.

    Memoised by content (:mod:`ctgstats.data.memo`) when ``portrait`` carries its content
    key: the survey's description, the sha256 of its export and codebook and the
    portrait's inputs (the weights come from its census margins). A run analyses each
    survey once in its preparation; the survey notebooks' kernels find the result.

    Raises
    ------
    CodebookError, SurveyInputError, WeightingError
        With a message naming the file, column, row or value at fault.
    """
    portrait_key = getattr(portrait, "content_key", "")
    if not portrait_key:
        return _analyse(spec, portrait=portrait)
    key = memo.content_key(
        "enquete",
        spec.model_dump(mode="json"),
        file_sha256(resolve_path(spec.export)),
        file_sha256(resolve_path(spec.codebook)),
        portrait_key,
    )
    return memo.memoised("survey", key, lambda: _analyse(spec, portrait=portrait))


def _analyse(spec: Survey, *, portrait=None) -> SurveyAnalysis:
    """:func:`analyse` without the memo."""
    export_path = resolve_path(spec.export)
    codebook_path = resolve_path(spec.codebook)
    codebook = load_codebook(codebook_path)
    data = adapters.read_export(
        export_path,
        codebook=codebook,
        format=spec.format,
        territory_communes=_territory_communes(portrait),
    )
    if data.respondents.empty:
        # read_export gives the (empty) tidy tables; a report of 0 questionnaires is not one
        raise adapters.SurveyInputError(
            "aucune réponse : l'export n'a que sa ligne d'en-tête ; exporter à nouveau les "
            f"réponses une fois des questionnaires remplis ({data.notes[0]})",
            path=export_path,
        )
    weights, raking, note, notes = _weights(data, codebook, spec, portrait)
    frequencies = estimates.frequencies(data, codebook, weights=weights)
    analysis = SurveyAnalysis(
        survey_id=spec.id,
        spec=spec,
        codebook=codebook,
        export_path=export_path,
        codebook_path=codebook_path,
        data=data,
        weights=weights,
        raking=raking,
        weighting_note=note,
        frequencies=frequencies,
        numeric=estimates.numeric_summary(data, codebook, weights=weights),
        likert=estimates.likert_scores(data, codebook, weights=weights),
        notes=[note, *notes, *data.notes],
        fictional=is_demo_path(spec.export),
    )
    for question in codebook.questions:
        if question.type == "text":
            analysis.verbatims[question.id] = redact.verbatims(data, codebook, question=question.id)
            if question.themes:
                analysis.themes[question.id] = redact.themes_table(
                    data, codebook, question=question.id
                )
        if question.finding is not None and question.type in ("single", "likert"):
            for by in CROSSTAB_BY:
                if by in codebook.descriptors:
                    analysis.crosstabs[(question.id, by)] = estimates.crosstab(
                        data, codebook, question=question.id, by=by, weights=weights
                    )
    analysis.findings = sentences.survey_findings(data, codebook, weights=weights)
    return analysis


def analyse_from_params(
    params: Mapping[str, Any] | None,
    *,
    survey_id: str,
    survey: Mapping[str, Any] | None = None,
    params_file: Path | str | None = None,
) -> SurveyAnalysis:
    """What the survey notebook calls: the survey ``survey_id`` of ``params``.

    ``params_file``, when given, is read instead of ``params``
    (:func:`ctgstats.core.params.params_from`). Without a territory (``params`` and
    ``params_file`` None), ``survey`` describes the survey alone and the results are not
    weighted.
    """
    if params is None and params_file is None:
        if survey is None:
            raise ParamsError(
                "donnez les paramètres d'un territoire ou la description d'une enquête"
            )
        return analyse(Survey.model_validate(dict(survey)), portrait=None)
    from ctgstats.portrait.build import build_portrait

    validated = params_from(params, params_file)
    specs = {s.id: s for s in validated.surveys}
    if survey_id not in specs:
        raise ParamsError(
            f"survey_id : {survey_id!r} n'est pas parmi les enquêtes des paramètres "
            f"({', '.join(specs) or 'aucune'})"
        )
    return analyse(specs[survey_id], portrait=build_portrait(validated))


def survey_synthesis(
    *, surveys: Mapping[str, SurveyAnalysis] | None = None, **_: object
) -> list[str]:
    """Contribution of the surveys to the synthesis: the first finding of each, named."""
    result = []
    for analysis in (surveys or {}).values():
        if analysis.findings:
            title = analysis.spec.readable_title
            count = fr_int(analysis.n_included)
            result.append(f"{title} ({count} répondants) : {analysis.findings[0]}")
    return result
