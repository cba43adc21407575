"""The follow-up of an action plan: T0 (frozen), target, latest value, status.

``tables/indicateurs.csv`` has exactly the columns
``indicateur,code,t0_annee,t0_valeur,cible,derniere_annee,derniere_valeur,evolution,statut``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ctgstats.core.files import resolve_path
from ctgstats.data.registry import Registry, load_registry
from ctgstats.indicators import evaluation
from ctgstats.indicators.baseline import Baseline, load_baseline, revision_notes
from ctgstats.indicators.measures import current_measures
from ctgstats.indicators.prices import read_price_index

INDICATOR_COLUMNS = [
    "indicateur",
    "code",
    "t0_annee",
    "t0_valeur",
    "cible",
    "derniere_annee",
    "derniere_valeur",
    "evolution",
    "statut",
]


@dataclass
class FollowUp:
    """Everything ``notebooks/04_indicateurs.ipynb`` shows and the runner writes."""

    registry: Registry
    measures: pd.DataFrame
    baseline: Baseline | None
    dashboard: pd.DataFrame
    territory: Any
    notes: list[str] = field(default_factory=list)
    survey_sources: dict[str, str] = field(default_factory=dict)
    """Indicator id → its survey source in words (:func:`survey_source_words`)."""

    def indicators_table(self) -> pd.DataFrame:
        """The public table, exact columns."""
        return self.dashboard[INDICATOR_COLUMNS].reset_index(drop=True)

    def glossary(self) -> pd.DataFrame:
        """Glossary of the indicators of the action plan (from the registry)."""
        glossary = self.registry.glossary()
        return glossary[glossary["indicateur"].isin(self.dashboard["indicateur"])]

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "indicateurs": self.indicators_table(),
            "indicateurs_detail": self.dashboard,
            "indicateurs_mesures": self.measures,
            "glossaire_indicateurs": self.glossary(),
        }


def _target(spec) -> evaluation.Target | None:
    if spec is None:
        return None
    return evaluation.Target(kind=spec.kind, value=spec.value, direction=spec.direction)


def _target_text(spec) -> object:
    if spec is None:
        return ""
    if spec.kind == "direction":
        return "hausse" if spec.direction == "up" else "baisse"
    return spec.value


def _target_label(spec, unit: str) -> str:
    from ctgstats.present.display import format_change, format_quantity
    from ctgstats.present.formatting import fr_signed

    if spec is None:
        return "pas de cible"
    if spec.kind == "level":
        return f"atteindre {format_quantity(spec.value, unit)}"
    if spec.kind == "rate":
        return f"évolution annuelle d'au moins {fr_signed(spec.value, 1)} % par an"
    if spec.kind == "change":
        return f"variation de {format_change(spec.value, unit)}"
    return "hausse" if spec.direction == "up" else "baisse"


def _optional(row, column: str) -> float | None:
    """A numeric cell of a measure or T0 row; None when the column is absent or empty."""
    value = row.get(column) if hasattr(row, "get") else None
    if value is None or bool(pd.isna(value)):
        return None
    return float(value)


def _measure(row) -> evaluation.Measure | None:
    if row is None:
        return None
    return evaluation.Measure(
        year=int(row["annee"]),
        value=float(row["valeur"]),
        n_eff=_optional(row, "n_eff"),
        ic_low=_optional(row, "ic_bas"),
        ic_high=_optional(row, "ic_haut"),
    )


def survey_source_words(registry: Registry, analyses: Mapping[str, Any]) -> dict[str, str]:
    """Indicator id → its survey source in words: the question and the answers' labels.

    The registry names a survey indicator's question and answers by their ids and codes
    (« question acces_droits, réponses A1 »); the questionnaire of a wave of the series
    gives their wording. An indicator whose series has no wave analysed keeps the
    registry's text.
    """
    words: dict[str, str] = {}
    for indicator in registry.indicators:
        formula = indicator.formula
        if indicator.source.kind != "survey" or not formula.question:
            continue
        analysis = next((a for a in analyses.values() if a.spec.series_id == formula.survey), None)
        if analysis is None:
            continue
        try:
            question = analysis.codebook.question(formula.question)
        except KeyError:
            continue
        labels = {option.code: option.label for option in question.options}
        answers = " ou ".join(f"« {labels.get(code, code)} »" for code in formula.codes or ())
        words[indicator.id] = (
            f"{indicator.source.name} : {analysis.spec.readable_title.rsplit(' ', 1)[0]}"
            f" (chaque vague), question « {question.label} », réponse {answers}"
        )
    return words


def build_followup(params, *, portrait, analyses: Mapping[str, Any]) -> FollowUp:
    """Measures now, frozen T0, and the status of every target of the action plan."""
    spec = params.indicators
    registry = load_registry(*[resolve_path(p) for p in spec.registry])
    measures = current_measures(
        registry,
        portrait=portrait,
        user_tables=[resolve_path(p) for p in spec.user_tables],
        analyses=analyses,
    )
    baseline = load_baseline(resolve_path(spec.baseline)) if spec.baseline else None
    price_index = read_price_index(resolve_path(spec.price_index)) if spec.price_index else None
    notes = []
    if baseline is None:
        notes.append(
            "Aucun T0 figé : les valeurs T0 sont les plus anciennes mesures "
            "disponibles. Figer le T0 avec « ctgstats baseline freeze »."
        )
    territory = portrait.territory.id
    rows = []
    for sheet in spec.action_plan:
        for item in sheet.targets:
            indicator = registry.get(item.indicator)
            current = measures[
                (measures["indicateur"] == indicator.id) & (measures["territoire"] == territory)
            ]
            latest = current.sort_values("annee").iloc[-1] if len(current) else None
            if baseline is not None:
                t0 = baseline.value_for(indicator.id, territory)
                cautions = revision_notes(t0, measures, registry) if t0 is not None else []
            else:
                t0 = current.sort_values("annee").iloc[0] if len(current) else None
                cautions = []
            result = evaluation.evaluate(
                indicator,
                t0=_measure(t0),
                latest=_measure(latest),
                target=_target(item.target),
                stability_threshold=spec.stability_threshold,
                price_index=price_index,
            )
            rows.append(
                {
                    "fiche": sheet.fiche,
                    "theme": sheet.theme or ", ".join(indicator.themes),
                    "indicateur": indicator.id,
                    "libelle": indicator.label,
                    "unite": indicator.unit,
                    "code": portrait.territory.code,
                    "t0_annee": int(t0["annee"]) if t0 is not None else None,
                    "t0_valeur": float(t0["valeur"]) if t0 is not None else math.nan,
                    "cible": _target_text(item.target),
                    "cible_libelle": _target_label(item.target, indicator.unit),
                    "derniere_annee": int(latest["annee"]) if latest is not None else None,
                    "derniere_valeur": float(latest["valeur"]) if latest is not None else math.nan,
                    "evolution": result.evolution,
                    "evolution_pct": result.evolution_pct,
                    "tcam": result.tcam,
                    "statut": result.status,
                    "explication": result.label,
                    "alertes": " ; ".join(cautions + ([result.note] if result.note else [])),
                    "source": indicator.source.name,
                }
            )
    dashboard = pd.DataFrame(rows)
    for column in ("t0_annee", "derniere_annee"):
        dashboard[column] = dashboard[column].astype("Int64")
    return FollowUp(
        registry=registry,
        measures=measures,
        baseline=baseline,
        dashboard=dashboard,
        territory=portrait.territory,
        notes=notes,
        survey_sources=survey_source_words(registry, analyses),
    )


def freeze_baseline(params, *, path=None, force: bool = False, params_sha256: str | None = None):
    """Compute every measure of the T0 data and write the frozen baseline file.

    Returns the path written. Raises :class:`BaselineError` when a baseline exists and
    ``force`` is False (nothing is computed or written then).
    """
    from ctgstats.indicators.baseline import BaselineError, t0_values, write_baseline
    from ctgstats.portrait.build import build_portrait
    from ctgstats.surveys.analysis import analyse

    spec = params.indicators
    target = (
        Path(path) if path is not None else (resolve_path(spec.baseline) if spec.baseline else None)
    )
    if target is None:
        raise BaselineError("indicators.baseline : indiquez le fichier T0 à écrire (ou --output)")
    if target.exists() and not force:
        raise BaselineError(
            f"{target} : un T0 est déjà figé ici ; il n'est jamais réécrit en silence. "
            "Utilisez --force pour le figer à nouveau (le fichier actuel est gardé en copie)."
        )
    portrait = build_portrait(params)
    analyses = {s.id: analyse(s, portrait=portrait) for s in params.surveys}
    registry = load_registry(*[resolve_path(p) for p in spec.registry])
    measures = current_measures(
        registry,
        portrait=portrait,
        user_tables=[resolve_path(p) for p in spec.user_tables],
        analyses=analyses,
    )
    values = t0_values(measures, registry, t0_year=spec.t0_year)
    territory = {
        "level": portrait.territory.level.value,
        "code": portrait.territory.code,
        "name": portrait.territory.label,
        "cog_year": portrait.cog_year,
    }
    return write_baseline(
        target, values, territory=territory, force=force, params_sha256=params_sha256
    )


def followup_from_params(
    params: Mapping[str, Any] | None, *, params_file: Path | str | None = None
):
    """What the indicators notebook calls: (portrait, follow-up) of ``params``.

    ``params_file``, when given, is read instead of ``params``
    (:func:`ctgstats.core.params.params_from`).
    """
    from ctgstats.core.params import params_from
    from ctgstats.portrait.build import build_portrait
    from ctgstats.surveys.analysis import analyse

    validated = params_from(params, params_file)
    portrait = build_portrait(validated)
    analyses = {
        s.id: analyse(s, portrait=portrait) for s in validated.surveys if s.year is not None
    }
    return portrait, build_followup(validated, portrait=portrait, analyses=analyses)


def followup_synthesis(*, followup: FollowUp | None = None, **_: object) -> list[str]:
    """Contribution of the follow-up to the synthesis: how many targets have which status."""
    if followup is None or followup.dashboard.empty:
        return []
    counts = followup.dashboard["statut"].value_counts()
    parts = [
        f"« {status} » : {int(counts[status])}"
        for status in (*evaluation.STATUSES, evaluation.CONTEXT_STATUS)
        if int(counts.get(status, 0))
    ]
    total = int(counts.sum())
    plural = "s" if total > 1 else ""
    return [
        f"Suivi du plan d'action, {total} indicateur{plural} suivi{plural} : "
        + " ; ".join(parts)
        + "."
    ]
