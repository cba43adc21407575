"""Two waves of a survey series compared, modality by modality (pure functions).

Waves of a series share a codebook question id (``series`` and ``year`` in ``surveys:``).
For every modality present in both waves (same question id, same option code), the
comparison gives the share of each wave with its Wilson 95 % interval (computed on the
Kish effective size when the wave is weighted, as in
:func:`~ctgstats.surveys.estimates.frequencies`: the design effect of the weighting is in
``n_eff = base / deff``), and the difference ``d = p2 − p1`` in points with its 95 %
interval. The two waves are independent samples (different respondents, years apart): the
variance of the difference is the sum of the variances, here through Newcombe's hybrid
score interval built from the two Wilson intervals
(:func:`~ctgstats.surveys.estimates.newcombe_interval`, the method of the indicator
follow-up, never the Wald interval)::

    lower = d − √((p2 − l2)² + (u1 − p1)²)
    upper = d + √((u2 − p2)² + (p1 − l1)²)

A difference is significant iff its interval excludes 0. A modality whose base is under
``min_base`` respondents at either wave is flagged (``alerte``), as elsewhere.

Columns of :func:`compare_frequencies` (:data:`WAVE_COLUMNS`): ``question,
libelle_question, modalite, code, annee_1, annee_2, effectif_1, base_1, part_1, ic_bas_1,
ic_haut_1, effectif_2, base_2, part_2, ic_bas_2, ic_haut_2, ecart_points, ic_ecart_bas,
ic_ecart_haut, significatif, pondere_1, pondere_2, alerte`` — shares and intervals in
percent (0–100), the difference and its interval in percentage points.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ctgstats.core.params import ParamsError, Survey, params_from, survey_series
from ctgstats.present.formatting import NBSP, fr_int, fr_number, fr_signed
from ctgstats.surveys.estimates import HORS_CODEBOOK, newcombe_interval
from ctgstats.surveys.model import NON_RESPONSE

__all__ = [
    "WAVE_COLUMNS",
    "difference_sentence",
    "fragile_wave_note",
    "main_differences",
    "WaveComparison",
    "compare_frequencies",
    "compare_series",
    "series_comparisons",
    "series_waves",
    "signed_bound",
    "wave_findings",
    "waves_synthesis",
    "waves_from_params",
]

WAVE_COLUMNS = [
    "question",
    "libelle_question",
    "modalite",
    "code",
    "annee_1",
    "annee_2",
    "effectif_1",
    "base_1",
    "part_1",
    "ic_bas_1",
    "ic_haut_1",
    "effectif_2",
    "base_2",
    "part_2",
    "ic_bas_2",
    "ic_haut_2",
    "ecart_points",
    "ic_ecart_bas",
    "ic_ecart_haut",
    "significatif",
    "pondere_1",
    "pondere_2",
    "alerte",
]


def fragile_wave_note(min_base: int = 30) -> str:
    """The ``alerte`` of a modality whose base is under ``min_base`` at a wave."""
    return f"base inférieure à {min_base} répondants à une vague : estimation fragile"


def series_waves(surveys: Sequence[Survey]) -> dict[str, tuple[Survey, ...]]:
    """Series with at least two dated waves (:func:`ctgstats.core.params.survey_series`)."""
    return survey_series(surveys)


def compare_frequencies(
    first: pd.DataFrame,
    second: pd.DataFrame,
    *,
    years: tuple[int | None, int | None] = (None, None),
    min_base: int = 30,
) -> pd.DataFrame:
    """Compare the frequencies of two waves (the frames of ``estimates.frequencies``).

    Parameters
    ----------
    first, second
        Frequencies of the earlier and the later wave: columns ``question, modalite,
        code, effectif, pourcentage, ic_bas, ic_haut, base, n_eff, pondere,
        libelle_question``.
    years
        Years of the two waves, copied to ``annee_1`` and ``annee_2``.
    min_base
        Bases under this number of respondents get an ``alerte``.

    Returns
    -------
    pd.DataFrame
        One row per modality present in both waves (same question id and option code,
        "Réponse hors questionnaire" left out), in the order of the later wave; columns
        :data:`WAVE_COLUMNS`. The differences are ``NaN`` (and ``significatif`` False)
        when a wave has no effective respondent.
    """
    key = ["question", "code"]
    later = second[second["code"] != HORS_CODEBOOK]
    merged = later.merge(first, on=key, how="inner", suffixes=("_2", "_1"))
    rows = []
    for row in merged.itertuples(index=False):
        r = row._asdict()
        p1, p2 = r["pourcentage_1"] / 100, r["pourcentage_2"] / 100
        n1, n2 = float(r["n_eff_1"]), float(r["n_eff_2"])
        if n1 > 0 and n2 > 0 and not (math.isnan(p1) or math.isnan(p2)):
            low, high = newcombe_interval(p1, n1, p2, n2)
            diff = 100 * (p2 - p1)
            significant = not (low <= 0 <= high)
            low, high = 100 * low, 100 * high
        else:
            diff = low = high = float("nan")
            significant = False
        fragile = min(int(r["base_1"]), int(r["base_2"])) < min_base
        rows.append(
            {
                "question": r["question"],
                "libelle_question": r["libelle_question_2"],
                "modalite": r["modalite_2"],
                "code": r["code"],
                "annee_1": years[0],
                "annee_2": years[1],
                "effectif_1": int(r["effectif_1"]),
                "base_1": int(r["base_1"]),
                "part_1": r["pourcentage_1"],
                "ic_bas_1": r["ic_bas_1"],
                "ic_haut_1": r["ic_haut_1"],
                "effectif_2": int(r["effectif_2"]),
                "base_2": int(r["base_2"]),
                "part_2": r["pourcentage_2"],
                "ic_bas_2": r["ic_bas_2"],
                "ic_haut_2": r["ic_haut_2"],
                "ecart_points": diff,
                "ic_ecart_bas": low,
                "ic_ecart_haut": high,
                "significatif": significant,
                "pondere_1": bool(r["pondere_1"]),
                "pondere_2": bool(r["pondere_2"]),
                "alerte": fragile_wave_note(min_base) if fragile else "",
            }
        )
    return pd.DataFrame(rows, columns=WAVE_COLUMNS)


def _quoted(text: str) -> str:
    return f"«{NBSP}{text}{NBSP}»"


def signed_bound(value: float) -> str:
    """A bound of a difference's interval in points, to the unit (``+5``, ``−12``).

    A bound that rounds to 0 keeps one decimal (``−0,3``, ``+0,4``): its sign is what
    says whether the difference is significant.
    """
    if round(value) == 0 and value != 0:
        return fr_signed(value, 1)
    return fr_signed(value, 0)


def _points(value: float) -> str:
    text = fr_number(abs(value), 0)
    sign = "" if text == "0" else ("+" if value > 0 else "−")
    unit = "point" if text in ("0", "1") else "points"
    return f"{sign}{text}{NBSP}{unit}"


def difference_sentence(row: Mapping[str, Any]) -> str:
    """« La part des répondants … passe de 32 % à 41 % entre 2026 et 2029 (+9 points, …) ».

    Shares and the difference are rounded to the unit, as the survey findings; the
    difference is computed before rounding (it may differ by one point from the rounded
    shares' difference).
    """
    first, second = fr_number(row["part_1"], 0), fr_number(row["part_2"], 0)
    verdict = "écart significatif" if row["significatif"] else "écart non significatif"
    interval = (
        f"IC 95{NBSP}%{NBSP}: {signed_bound(row['ic_ecart_bas'])} à "
        f"{signed_bound(row['ic_ecart_haut'])}{NBSP}points"
    )
    years = ""
    if row.get("annee_1") is not None and row.get("annee_2") is not None:
        years = f" entre {row['annee_1']} et {row['annee_2']}"
    text = (
        f"{_quoted(row['libelle_question'])}{NBSP}: la part des répondants ayant répondu "
        f"{_quoted(row['modalite'])} passe de {first}{NBSP}% à {second}{NBSP}%{years} "
        f"({_points(row['ecart_points'])}, {verdict} ; {interval})."
    )
    if row.get("alerte"):
        text += f" Prudence{NBSP}: moins de 30 répondants à une vague."
    return text


def main_differences(comparison: pd.DataFrame, *, profile: Collection[str] = ()) -> pd.DataFrame:
    """Per question, the modality whose share moved the most (largest first).

    Non-responses and the ``profile`` questions (those describing the respondents: age,
    sex, commune — a change there is a change of who answered, not of opinion) are left
    out.
    """
    keep = (
        (comparison["code"] != NON_RESPONSE)
        & comparison["ecart_points"].notna()
        & ~comparison["question"].isin(list(profile))
    )
    rows = comparison[keep]
    rows = rows.assign(_size=rows["ecart_points"].abs())
    top = rows.sort_values("_size", ascending=False, kind="stable").drop_duplicates("question")
    return top.drop(columns="_size")


def wave_findings(
    comparison: pd.DataFrame, *, profile: Collection[str] = (), limit: int = 8
) -> list[str]:
    """French sentences: per question, its modality whose share moved the most.

    See :func:`main_differences`. Questions with a significant difference come first
    (largest difference first), then the others; at most ``limit`` sentences.
    """
    rows = main_differences(comparison, profile=profile)
    if rows.empty:
        return []
    order = rows.assign(_size=rows["ecart_points"].abs()).sort_values(
        ["significatif", "_size"], ascending=[False, False], kind="stable"
    )
    return [difference_sentence(row) for row in order.head(limit).to_dict("records")]


@dataclass
class WaveComparison:
    """Consecutive waves of one series compared (``analyses`` in year order)."""

    series: str
    analyses: tuple[Any, ...]  # SurveyAnalysis, by year
    pairs: tuple[pd.DataFrame, ...]  # one comparison per consecutive pair

    @property
    def table(self) -> pd.DataFrame:
        """Every consecutive pair's comparison, stacked."""
        return pd.concat(list(self.pairs), ignore_index=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The table written to ``tables/enquete_<series>_vagues.csv``."""
        return {f"enquete_{self.series}_vagues": self.table}

    @property
    def title(self) -> str:
        """« Enquête auprès des habitants : comparaison des vagues 2026 et 2029 »."""
        last = self.analyses[-1]
        base = last.spec.title or last.codebook.survey.title
        years = [str(a.spec.year) for a in self.analyses]
        return f"{base} : comparaison des vagues {', '.join(years[:-1])} et {years[-1]}"

    @property
    def profile(self) -> tuple[str, ...]:
        """Questions describing the respondents (codebook descriptors of the last wave)."""
        return tuple(q.id for q in self.analyses[-1].codebook.descriptors.values())

    def findings(self) -> list[str]:
        """Sentences of the last pair of waves (profile questions left out)."""
        return wave_findings(self.pairs[-1], profile=self.profile)

    def waves_text(self) -> list[str]:
        """One French line per wave: title, year, respondents, weighting."""
        lines = []
        for analysis in self.analyses:
            weighted = "pondérés" if analysis.weighted else "non pondérés"
            lines.append(
                f"{analysis.title}{NBSP}: {fr_int(analysis.n_included)} "
                f"répondants retenus (résultats {weighted})"
            )
        return lines


def compare_series(series: str, analyses: Sequence[Any], *, min_base: int = 30) -> WaveComparison:
    """Compare each consecutive pair of ``analyses`` (SurveyAnalysis of one series).

    Raises
    ------
    ParamsError
        When fewer than two dated waves are given.
    """
    dated = sorted((a for a in analyses if a.spec.year is not None), key=lambda a: a.spec.year)
    if len({a.spec.year for a in dated}) < 2:
        raise ParamsError(
            f"surveys : la série {series!r} n'a pas deux vagues d'années différentes "
            "(champs 'series' et 'year')"
        )
    pairs = tuple(
        compare_frequencies(
            a.frequencies,
            b.frequencies,
            years=(a.spec.year, b.spec.year),
            min_base=min_base,
        )
        for a, b in zip(dated, dated[1:], strict=False)
    )
    return WaveComparison(series=series, analyses=tuple(dated), pairs=pairs)


def series_comparisons(analyses: Mapping[str, Any]) -> dict[str, WaveComparison]:
    """Comparisons of every series with two dated waves among ``analyses`` (by survey id)."""
    waves = series_waves([a.spec for a in analyses.values()])
    by_id = {a.spec.id: a for a in analyses.values()}
    return {
        name: compare_series(name, [by_id[w.id] for w in specs]) for name, specs in waves.items()
    }


def waves_from_params(
    params: Mapping[str, Any] | None,
    *,
    series: str,
    params_file: Path | str | None = None,
) -> WaveComparison:
    """What the waves notebook calls: the waves of ``series`` in ``params`` compared."""
    from ctgstats.portrait.build import build_portrait
    from ctgstats.surveys.analysis import analyse

    validated = params_from(params, params_file)
    waves = series_waves(validated.surveys)
    if series not in waves:
        raise ParamsError(
            f"series : {series!r} n'est pas une série d'enquêtes à deux vagues datées "
            f"({', '.join(waves) or 'aucune'})"
        )
    portrait = build_portrait(validated)
    return compare_series(series, [analyse(w, portrait=portrait) for w in waves[series]])


def waves_synthesis(*, surveys: Mapping[str, Any] | None = None, **_: object) -> list[str]:
    """Contribution of the waves to the synthesis: the largest significant change per series."""
    result = []
    for comparison in series_comparisons(surveys or {}).values():
        last = comparison.pairs[-1]
        significant = last[last["significatif"].astype(bool)]
        sentences = wave_findings(significant, profile=comparison.profile, limit=1)
        if sentences:
            result.append(f"{comparison.title}{NBSP}: {sentences[0]}")
    return result
