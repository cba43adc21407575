"""Current measures of every registry indicator, from every kind of source.

One long table (:data:`MEASURE_COLUMNS`): census and Filosofi values come from the
portrait's figures (same computation, same definitions), user-table values from the
analyst's local data files, survey values from each wave of a survey series (share of
the respondents choosing the indicator's options, weighted when the wave is weighted,
with its Kish n_eff for significance tests).

``ic_bas`` / ``ic_haut``: the approximate 95 % interval of a figure, taken from the
portrait's figures when it gives one (census complementary-exploitation counts and
shares); NaN otherwise. :func:`ctgstats.indicators.evaluation.evaluate` tests a census
change on them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ctgstats.core.files import file_sha256
from ctgstats.data.registry import FIGURE_KINDS, Registry
from ctgstats.indicators.usertables import read_user_table

MEASURE_COLUMNS = [
    "indicateur",
    "territoire",
    "niveau",
    "code",
    "annee",
    "valeur",
    "n_eff",
    "ic_bas",
    "ic_haut",
    "source",
    "fichiers",
]


def _bound(value: object) -> float:
    """An interval bound as a float; NaN when absent (None, NaN, blank)."""
    if value is None or value == "":
        return math.nan
    number = float(value)  # type: ignore[arg-type]  # a number or a numeric string
    return number if math.isfinite(number) else math.nan


def _row(
    indicator: str,
    territory,
    year,
    value,
    *,
    source: str,
    n_eff=None,
    ic_low: float | None = None,
    ic_high: float | None = None,
    files: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    return {
        "indicateur": indicator,
        "territoire": territory.id,
        "niveau": territory.level.value,
        "code": territory.code,
        "annee": int(year),
        "valeur": float(value),
        "n_eff": n_eff,
        "ic_bas": _bound(ic_low),
        "ic_haut": _bound(ic_high),
        "source": source,
        "fichiers": ";".join(f"{name}={sha}" for name, sha in files),
    }


def portrait_measures(registry: Registry, portrait) -> list[dict[str, Any]]:
    """Census and Filosofi indicators, taken from the portrait's figures."""
    rows = []
    figures = portrait.figures[portrait.figures["disponible"]]
    files = sorted({(u.path.name, u.sha256) for u in portrait.files})  # cache-independent
    for indicator in registry.indicators:
        if indicator.source.kind not in FIGURE_KINDS:
            continue
        figure_id = indicator.formula.figure or indicator.id
        rows_of = figures[figures["indicateur"] == figure_id]
        chosen = rows_of[~rows_of["annee"].str.contains("-")]
        if chosen.empty and len(rows_of):
            # a period figure (e.g. TCAM 2011-2022): the portrait's main period, dated by
            # its end year
            main = f"{portrait.first_year}-{portrait.last_year}"
            chosen = rows_of[rows_of["annee"] == main].assign(annee=str(portrait.last_year))
        for territory in portrait.territories:
            for item in chosen[chosen["territoire"] == territory.id].itertuples():
                rows.append(
                    _row(
                        indicator.id,
                        territory,
                        item.annee,
                        item.valeur,
                        source=item.source,
                        # interval columns of the portrait's figures, when it has them
                        ic_low=getattr(item, "ic_bas", None),
                        ic_high=getattr(item, "ic_haut", None),
                        files=files,
                    )
                )
    return rows


def user_table_measures(
    registry: Registry, paths: Sequence[Path], territories: Sequence[Any]
) -> list[dict[str, Any]]:
    """Indicators of the analyst's local data files, for the portrayed territories."""
    by_key = {(t.level.value, t.code): t for t in territories}
    rows = []
    for path in paths:
        table = read_user_table(path, registry=registry)
        sha = file_sha256(Path(path))
        for item in table.values.itertuples():
            territory = by_key.get((item.niveau, item.code))
            if territory is None:
                continue
            rows.append(
                _row(
                    item.indicateur,
                    territory,
                    item.annee,
                    item.valeur,
                    source=item.source,
                    files=[(Path(path).name, sha)],
                )
            )
    return rows


def survey_measures(
    registry: Registry, analyses: Mapping[str, Any], territory
) -> list[dict[str, Any]]:
    """Survey-based indicators: share (%) choosing the codes, for each wave."""
    from ctgstats.surveys.sentences import chosen_share

    rows = []
    for indicator in registry.indicators:
        formula = indicator.formula
        if indicator.source.kind != "survey":
            continue
        assert formula.codes is not None  # the registry requires them of a survey indicator
        for analysis in analyses.values():
            if analysis.spec.series_id != formula.survey or analysis.spec.year is None:
                continue
            question = analysis.codebook.question(formula.question)
            assert formula.codes is not None  # a survey formula always has codes
            share = chosen_share(
                analysis.data, question, list(formula.codes), weights=analysis.weights
            )
            source = (
                f"{analysis.codebook.survey.title} ({analysis.spec.year}, "
                f"{'pondéré' if analysis.weighted else 'non pondéré'})"
            )
            files = [(analysis.export_path.name, file_sha256(analysis.export_path))]
            rows.append(
                _row(
                    indicator.id,
                    territory,
                    analysis.spec.year,
                    100 * share.share,
                    source=source,
                    n_eff=share.n_eff,
                    files=files,
                )
            )
    return rows


def current_measures(
    registry: Registry, *, portrait, user_tables: Sequence[Path], analyses: Mapping[str, Any]
) -> pd.DataFrame:
    """Every measure available now, for the territory and its comparators."""
    rows = portrait_measures(registry, portrait)
    rows += user_table_measures(registry, user_tables, portrait.territories)
    rows += survey_measures(registry, analyses, portrait.territory)
    frame = pd.DataFrame(rows, columns=MEASURE_COLUMNS)
    for column in ("n_eff", "ic_bas", "ic_haut"):
        frame[column] = frame[column].astype("float64")
    return frame.sort_values(
        ["indicateur", "territoire", "annee"], kind="stable", ignore_index=True
    )
