"""The status of an indicator at T+n against its T0 value and its target.

A convention territoriale globale (CTG) is evaluated about three years after its T0
diagnostic. :func:`evaluate` compares the latest measure of an indicator with its T0 measure
and gives one of :data:`STATUSES` with a French sentence explaining it; the rules below are
the definitions printed in the report (:func:`status_definitions` gives them in French).

Rules
-----
1. **Non mesurable** when the T0 or the latest measure is missing, when the latest measure
   is not later than T0, when the gap between the two is shorter than the indicator's
   ``min_gap_years``, and — methodology rule 16 — when the indicator comes from the census
   and the two vintages are closer than the minimum comparable gap: the larger of
   :func:`ctgstats.core.comparability.min_comparable_gap` (5 years, 6 when a vintage of
   2019-2023 is involved) and ``indicator.min_gap_years`` (a floor the registry may raise,
   never lower; the registry refuses a census value below 5). RP *N* pools the annual surveys
   N-2 … N+2, so two vintages 3 years apart share 2 of their 5 surveys: no change is
   reported then (``evolution`` is NaN). A survey indicator without the effective sample
   size of both waves cannot be tested and is non mesurable too.
2. **Survey indicators** (shares in %, independent samples, Kish effective sizes ``n_eff``
   at both waves): the change is the difference of proportions ``p1 − p0`` with its 95 %
   interval by Newcombe's hybrid score method (method 10 of Newcombe, 1998, *Interval
   estimation for the difference between independent proportions: comparison of eleven
   methods*, Statistics in Medicine 17, 873-890), built from the Wilson interval
   ``(l, u)`` of each wave on its ``n_eff``::

       d = p1 − p0
       lower = d − √((p1 − l1)² + (u0 − p0)²)
       upper = d + √((u1 − p1)² + (p0 − l0)²)

   The change is significant iff the interval excludes 0. Newcombe's interval is preferred
   to Wald's (``d ± z·√(p0q0/n0 + p1q1/n1)``), which undercovers for small samples and
   proportions near 0 or 1 (methodology rule 14).
3. **Other indicators** (census, Filosofi, local administrative data): the change is
   significant when the relative change ``|latest − t0| / |t0|`` is at least
   ``stability_threshold`` % (default 1 %): a rule of thumb for administrative data, whose
   small changes are within revisions and counting conventions. When ``t0`` is 0, any
   non-zero change is significant. Census complementary-exploitation (C) variables are
   sample estimates: the note says so (their small-count caution is in the portrait).
3b. **Census estimates with an interval** (methodology rule 4b): when both census measures
   carry an approximate 95 % interval ``[ic_bas ; ic_haut]`` (the portrait gives one to
   complementary-exploitation counts and shares), rule 3 gives way to a test on the
   sampling precision. With ``z = 1.959964`` (97.5 % normal quantile)::

       se_i = (ic_haut_i − ic_bas_i) / (2 z)
       se   = √(se0² + se1²)
       Δ = latest − t0, significant iff |Δ| > z · se

   The two vintages are at least 5 years apart (rule 1), so they rest on different
   annual surveys and are treated as independent samples (variance of a difference =
   sum of the variances, as rule 4b says). ``interval`` is then ``Δ ± z · se``; the note
   says "évolution non significative au regard de la précision du recensement" with it
   when it contains 0. Without an interval on both measures, rule 3 applies.
4. **Status with a target.** The *good direction* is the target's ``direction`` when it
   has one, else the indicator's polarity (``up`` / ``down``), else (neutral polarity)
   the direction of the target itself: towards the target level from T0, or the sign of
   the rate or change aimed at. The target is *attained* when:

   - ``level``: the latest value reaches the target on the good side (≥ when the good
     direction is up, ≤ when down);
   - ``rate``: the TCAM over the real gap is at least the target (≥ value when up,
     ≤ value when down: write −3 for "a decrease of 3 % a year");
   - ``change``: the absolute change reaches the target (≥ value when up, ≤ value when
     down: write −20 for "20 fewer");
   - ``direction``: the change is significant and in that direction.

   Attained → **atteint**. Not attained: a significant change in the good direction →
   **en bonne voie**; no significant change → **pas d'évolution significative**; a
   significant change in the other direction → **en recul**.
5. **Status without a target**: a significant change in the polarity's direction → **en
   bonne voie**; in the other direction → **en recul**; otherwise **pas d'évolution
   significative**. A neutral indicator (context) has no good direction: a significant
   change gets :data:`CONTEXT_STATUS` (*évolution significative*), which judges nothing.
6. **TCAM** (taux de croissance annuel moyen) = ((latest / t0)^(1/n) − 1) × 100 with ``n``
   the real gap in years; None when ``n ≤ 0`` or a value is ≤ 0.
7. **Incomes in constant euros.** An income indicator (Filosofi, unit €) is published in
   current euros; its status judges the change in constant euros, deflated by the
   consumer price index the analyst supplies (params ``indicators.price_index``: a table
   ``annee;indice;source``, see :mod:`ctgstats.indicators.prices`; INSEE's annual average
   IPC, all households, France, idBank 001763852 for base 2015, or its base-2025
   successor). With ``I0``, ``I1`` the index of the two years, the real change is
   ``(v1 / v0) / (I1 / I0) − 1``; the T0 value in euros of the latest year,
   ``v0 × I1 / I0``, replaces ``v0`` in rules 3 to 6 (significance, direction, ``rate``
   and ``change`` targets; a ``level`` target is compared with the latest value in current
   euros). The note gives both changes. Without an index (or without the index of one of
   the two years) the income is **non mesurable en euros constants**.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal, cast

import pandas as pd

from ctgstats.core.comparability import (
    POSTPONED_SURVEY_VINTAGES,
    min_comparable_gap,
    shared_surveys,
)
from ctgstats.data.registry import Indicator
from ctgstats.indicators.prices import PriceIndex
from ctgstats.present.display import COUNT_UNITS, format_change, format_quantity
from ctgstats.present.formatting import NBSP, fr_number, fr_signed
from ctgstats.surveys.estimates import newcombe_interval

__all__ = [
    "ALL_STATUSES",
    "CONTEXT_STATUS",
    "STATUSES",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "TARGET_KINDS",
    "Evaluation",
    "Measure",
    "Target",
    "Z95",
    "census_interval",
    "evaluate",
    "is_income",
    "newcombe_interval",
    "relative_change",
    "status_colour",
    "status_definitions",
    "tcam",
    "year_of",
]

STATUSES = (
    "atteint",
    "en bonne voie",
    "pas d'évolution significative",
    "en recul",
    "non mesurable",
)
"""Statuses of an indicator with a target or a polarity, from best to not measurable."""

CONTEXT_STATUS = "évolution significative"
"""Status of a significant change of a neutral indicator without target (no judgement)."""

ALL_STATUSES = (*STATUSES[:3], CONTEXT_STATUS, *STATUSES[3:])
"""Every status :func:`evaluate` may return, in legend order."""

TARGET_KINDS = ("level", "rate", "change", "direction")

STATUS_COLOURS: dict[str, str] = {
    "atteint": "#1B7837",
    "en bonne voie": "#A6D96A",
    "pas d'évolution significative": "#BDBDBD",
    "évolution significative": "#9ECAE1",
    "en recul": "#D7301F",
    "non mesurable": "#EEEEEE",
}
"""Badge colours: greens for progress, grey for stability, red for a setback, very light
grey for "non mesurable" (white text on the dark ones, dark text on the others)."""

STATUS_LABELS: dict[str, str] = {
    "atteint": "cible atteinte",
    "en bonne voie": "évolution significative dans le sens visé, cible éventuelle pas encore "
    "atteinte",
    "pas d'évolution significative": "variation inférieure au seuil de stabilité, ou non "
    "significative (enquête, précision du recensement)",
    "évolution significative": "indicateur de contexte sans cible : variation significative, "
    "sans jugement sur son sens",
    "en recul": "évolution significative dans le sens contraire à celui visé",
    "non mesurable": "pas de mesure comparable à cette échéance",
}
"""Short French texts of the legend."""

Z95 = NormalDist().inv_cdf(0.975)
"""97.5 % quantile of the standard normal distribution (1.959964…)."""

_POINT_UNITS = frozenset({"%", "%/an"})


@dataclass(frozen=True)
class Target:
    """The target of an indicator in an action sheet.

    ``level``: reach ``value``; ``rate``: a TCAM (% a year) of at least ``value``;
    ``change``: an absolute change of at least ``value`` (signed); ``direction``: a
    significant change ``up`` or ``down``. ``direction`` may also be given with the other
    kinds, to say which way is good for a neutral indicator.
    """

    kind: Literal["level", "rate", "change", "direction"]
    value: float | None = None
    direction: Literal["up", "down"] | None = None

    def __post_init__(self) -> None:
        if self.kind not in TARGET_KINDS:
            raise ValueError(f"target kind {self.kind!r} is not one of {TARGET_KINDS}")
        if self.direction not in (None, "up", "down"):
            raise ValueError(f"target direction must be 'up' or 'down', got {self.direction!r}")
        if self.kind == "direction" and self.direction is None:
            raise ValueError("a 'direction' target needs direction: up or down")
        if self.kind != "direction" and (self.value is None or not math.isfinite(self.value)):
            raise ValueError(f"a {self.kind!r} target needs a finite value, got {self.value!r}")


@dataclass(frozen=True)
class Measure:
    """One value of an indicator: its year (census vintage, survey wave, data year).

    ``n_eff`` is the Kish effective sample size of a survey share; ``vintage`` is an
    informational description of the edition of the source (e.g. ``"RP2022"``);
    ``ic_low`` / ``ic_high`` the approximate 95 % interval of a census estimate (the
    portrait's ``ic_bas`` / ``ic_haut``), None when there is none.
    """

    year: int | str
    value: float
    n_eff: float | None = None
    vintage: str | None = None
    ic_low: float | None = None
    ic_high: float | None = None

    @property
    def standard_error(self) -> float | None:
        """Standard error of a normal 95 % interval, ``(ic_high − ic_low) / (2 × 1.959964)``.

        None without a finite interval.
        """
        low, high = self.ic_low, self.ic_high
        if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
            return None
        if high < low:
            raise ValueError(
                f"interval of the {self.year} measure: ic_high ({high}) < ic_low ({low})"
            )
        return (high - low) / (2 * Z95)


@dataclass(frozen=True)
class Evaluation:
    """Result of :func:`evaluate`.

    ``evolution`` is ``latest − t0`` in the indicator's unit (points for shares),
    ``evolution_pct`` the relative change in %, ``tcam`` the annual average rate in %
    (None when undefined), ``significant`` whether the change passes rule 2, 3 or 3b (None
    when not measurable), ``interval`` the 95 % interval of the change (survey: in points;
    census with intervals: in the indicator's unit; None otherwise),
    ``comparable`` whether the two measures may be compared at all, ``note`` French
    cautions ("" when none), ``real_evolution_pct`` the change in constant euros in % of
    an income indicator (None for the others; rule 7).
    """

    status: str
    label: str
    evolution: float
    evolution_pct: float
    tcam: float | None
    significant: bool | None
    interval: tuple[float, float] | None
    comparable: bool
    note: str
    real_evolution_pct: float | None = None


# --------------------------------------------------------------------------- arithmetic


def year_of(year: int | str) -> int:
    """Year of a measure: ``2022``, ``"2022"``, or the END year of ``"2022-2023"``."""
    if isinstance(year, bool):
        raise TypeError(f"not a year: {year!r}")
    if isinstance(year, int):
        return year
    text = str(year).strip()
    if text.isdigit():
        return int(text)
    parts = text.replace("/", "-").split("-")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
        return int(parts[1])
    raise ValueError(f"not a year: {year!r}")


def tcam(start: float, end: float, years: float) -> float | None:
    """Annual average rate in %: ``((end / start) ** (1 / years) - 1) * 100``.

    None when ``years <= 0`` or a value is not positive (the rate is undefined).
    """
    if years is None or not years > 0 or not start > 0 or not end > 0:
        return None
    return ((end / start) ** (1.0 / years) - 1.0) * 100.0


def relative_change(start: float, end: float) -> float:
    """``(end - start) / |start| × 100``; NaN when ``start`` is 0."""
    if start == 0:
        return math.nan
    return (end - start) / abs(start) * 100.0


# --------------------------------------------------------------------------- French text


def _decimals(value: float, unit: str) -> int:  # noqa: ARG001 - same rule for every value
    """Decimals of a figure of ``unit``: the rule of :func:`display.format_value`."""
    return 0 if unit in COUNT_UNITS or unit == "€" else 1


def _value(value: float, unit: str) -> str:
    return format_quantity(value, unit)


def _change(change: float, unit: str) -> str:
    return format_change(change, unit)


def _pct(value: float) -> str:
    return f"{fr_signed(value, 1)}{NBSP}%"


def _years(count: int) -> str:
    return f"{count} an" if abs(count) == 1 else f"{count} ans"


def _direction_word(direction: str | None) -> str:
    return "hausse" if direction == "up" else "baisse"


# --------------------------------------------------------------------------- evaluation


def _not_measurable(label: str, note: str = "") -> Evaluation:
    return Evaluation(
        status="non mesurable",
        label=label,
        evolution=math.nan,
        evolution_pct=math.nan,
        tcam=None,
        significant=None,
        interval=None,
        comparable=False,
        note=note,
    )


def _next_comparable_vintage(start: int) -> int:
    end = start + 1
    while end - start < min_comparable_gap(start, end):
        end += 1
    return end


def _census_gap_label(start: int, end: int, minimum: int) -> str:
    gap = end - start
    shared = shared_surveys(start, end)
    following = f"premier millésime comparable au T0 : RP{_next_comparable_vintage(start)}"
    if gap == 0:
        return (
            f"non mesurable à cette échéance : le dernier millésime du recensement "
            f"(RP{end}) est celui du T0 ; {following}"
        )
    if shared:
        why = (
            f"deux recensements distants de {_years(gap)} partagent {shared} de leurs "
            "5 enquêtes annuelles"
        )
    else:
        why = (
            f"deux recensements distants de {_years(gap)} dont l'un regroupe l'enquête "
            "annuelle de 2021, reportée à 2022, ne sont pas comparables"
        )
    return f"non mesurable à cette échéance : {why} (écart minimal {_years(minimum)}) ; {following}"


def _gap_problem(indicator: Indicator, start: int, end: int) -> str | None:
    """French label when the two years cannot be compared, else None."""
    gap = end - start
    if indicator.source.kind == "census":
        # INSEE's minimum gap is a floor: the registry may raise it, never lower it
        minimum = max(indicator.min_gap_years or 0, min_comparable_gap(start, end))
        if gap < minimum:
            if gap < 0:
                return (
                    f"non mesurable : le dernier millésime (RP{end}) est antérieur à "
                    f"celui du T0 (RP{start})"
                )
            return _census_gap_label(start, end, minimum)
        return None
    if gap == 0:
        return f"non mesurable : la dernière mesure ({end}) est celle du T0"
    if gap < 0:
        return f"non mesurable : la dernière mesure ({end}) est antérieure au T0 ({start})"
    minimum = indicator.min_gap_years or 1
    if gap < minimum:
        return (
            f"non mesurable à cette échéance : {_years(gap)} entre les deux mesures, "
            f"écart minimal {_years(minimum)} pour cet indicateur"
        )
    return None


def _good_direction(indicator: Indicator, target: Target | None, t0: float) -> str | None:
    if target is not None and target.direction is not None:
        return target.direction
    if indicator.polarity != "neutral":
        return indicator.polarity
    if target is None:
        return None
    assert target.value is not None  # a target without direction has a value
    if target.kind == "level":
        return "up" if target.value >= t0 else "down"
    return "up" if target.value >= 0 else "down"


def _reaches(value: float, bound: float, direction: str) -> bool:
    tolerance = 1e-9 * max(1.0, abs(bound))
    return value >= bound - tolerance if direction == "up" else value <= bound + tolerance


def _target_text(
    target: Target,
    indicator: Indicator,
    *,
    rate: float | None,
    change: float,
    latest: float,  # noqa: ARG001 - one signature for every target kind
    attained: bool,
) -> str:
    unit = indicator.unit
    if target.kind == "level":
        assert target.value is not None  # checked by Target
        level = _value(target.value, unit)
        return (
            f"niveau visé ({level}) atteint"
            if attained
            else f"niveau visé ({level}) pas encore atteint"
        )
    if target.kind == "rate":
        assert target.value is not None and rate is not None  # checked by Target, evaluate
        aimed = f"{fr_signed(target.value, 1)}{NBSP}% par an"
        return f"évolution annuelle moyenne de {_pct(rate)} par an pour {aimed} visés"
    if target.kind == "change":
        assert target.value is not None  # checked by Target
        return f"variation de {_change(change, unit)} pour {_change(target.value, unit)} visés"
    word = _direction_word(target.direction)
    return f"{word} visée {'obtenue' if attained else 'non obtenue'}"


def _status(*, attained: bool, significant: bool, moved: str | None, good: str | None) -> str:
    if attained:
        return "atteint"
    if good is None:
        return CONTEXT_STATUS if significant else "pas d'évolution significative"
    if not significant:
        return "pas d'évolution significative"
    return "en bonne voie" if moved == good else "en recul"


def census_interval(t0: Measure, latest: Measure) -> tuple[float, float] | None:
    """95 % interval of ``latest − t0`` for two census estimates with intervals.

    The two vintages compared are at least 5 years apart (rule 1), so they rest on
    different annual surveys: their errors are taken as independent, and
    ``se = √(se0² + se1²)`` with ``se_i = (ic_haut − ic_bas) / (2 × 1.959964)``. The
    interval is ``Δ ± 1.959964 × se``. None when a measure has no interval.
    """
    se0, se1 = t0.standard_error, latest.standard_error
    if se0 is None or se1 is None:
        return None
    change = latest.value - t0.value
    half = Z95 * math.sqrt(se0**2 + se1**2)
    return change - half, change + half


def _bounds(interval: tuple[float, float], unit: str) -> str:
    low, high = interval
    decimals = _decimals(max(abs(low), abs(high)), unit)
    text = f"[{fr_signed(low, decimals)} ; {fr_signed(high, decimals)}]"
    if unit == "%":
        return f"{text}{NBSP}points"
    if unit in ("nombre", "indice"):
        return text
    return f"{text}{NBSP}{unit}"


def _survey_change(
    indicator: Indicator, t0: Measure, latest: Measure
) -> tuple[bool | None, tuple[float, float] | None, str]:
    """Significance, interval (points) and French text of a survey difference."""
    for measure in (t0, latest):
        if not 0.0 <= measure.value <= 100.0:
            raise ValueError(
                f"survey indicator {indicator.id!r}: a share is between 0 and "
                f"100 %, got {measure.value} ({measure.year})"
            )
    if not (t0.n_eff and latest.n_eff and t0.n_eff > 0 and latest.n_eff > 0):
        return None, None, ""
    low, high = newcombe_interval(t0.value / 100, t0.n_eff, latest.value / 100, latest.n_eff)
    interval = (100 * low, 100 * high)
    significant = low > 0 or high < 0
    bounds = (
        f"IC à 95{NBSP}% de l'écart : {fr_signed(interval[0], 1)} à "
        f"{fr_signed(interval[1], 1)} points, méthode de Newcombe"
    )
    return significant, interval, bounds


def is_income(indicator: Indicator) -> bool:
    """True for an income in euros (Filosofi, unit €), judged in constant euros."""
    return indicator.source.kind == "filosofi" and indicator.unit == "€"


def _deflation(
    indicator: Indicator,
    t0: Measure,
    latest: Measure,
    start: int,
    end: int,
    price_index: PriceIndex | None,
) -> tuple[float | None, str]:
    """Ratio ``I_end / I_start`` of an income, or None with the French reason."""
    unit = indicator.unit
    values = f"{_value(t0.value, unit)} en {start} → {_value(latest.value, unit)}"
    nominal = relative_change(t0.value, latest.value)
    current = f"en euros courants : {values} en {end}" + (
        "" if math.isnan(nominal) else f" ({_pct(nominal)})"
    )
    if price_index is None:
        return None, (
            "non mesurable en euros constants : aucun indice des prix fourni "
            "(paramètre indicators.price_index : table annee;indice;source de l'indice "
            f"des prix à la consommation de l'Insee) ; {current}"
        )
    missing = [str(y) for y in sorted({start, end}) if y not in price_index.values]
    if missing:
        return None, (
            f"non mesurable en euros constants : indice des prix absent pour "
            f"{' et '.join(missing)} dans {price_index.where} ; {current}"
        )
    return price_index.ratio(start, end), ""


def evaluate(
    indicator: Indicator,
    *,
    t0: Measure | None,
    latest: Measure | None,
    target: Target | None,
    stability_threshold: float = 1.0,
    price_index: PriceIndex | None = None,
) -> Evaluation:
    """Status of ``indicator`` at ``latest`` against ``t0`` and ``target``.

    Parameters
    ----------
    indicator
        The registry entry (source kind, polarity, unit, minimum gap).
    t0, latest
        The T0 and latest measures (None when missing).
    target
        The target of the action sheet, or None.
    stability_threshold
        Relative change (%) below which an administrative value is deemed stable
        (rule 3 of the module docstring).
    price_index
        Consumer price index (annual averages) to judge an income indicator in constant
        euros (rule 7); without it, an income is not measurable.

    Returns
    -------
    Evaluation
        Status (one of :data:`ALL_STATUSES`), French explanation, change, relative change,
        TCAM, significance, interval, comparability and cautions.
    """
    if not stability_threshold > 0:
        raise ValueError(f"stability_threshold must be positive, got {stability_threshold}")
    if t0 is None:
        return _not_measurable("non mesurable : pas de valeur au T0")
    if latest is None:
        return _not_measurable("non mesurable : aucune mesure disponible depuis le T0")
    start, end = year_of(t0.year), year_of(latest.year)
    problem = _gap_problem(indicator, start, end)
    if problem is not None:
        return _not_measurable(problem)
    survey = indicator.source.kind == "survey"
    unit = indicator.unit
    notes = []
    change = latest.value - t0.value
    change_pct = relative_change(t0.value, latest.value)
    rate = tcam(t0.value, latest.value, end - start)
    # what the status judges: the change itself, or for an income its change in
    # constant euros, the T0 value being expressed in euros of the latest year
    base = t0.value
    real_pct: float | None = None
    if is_income(indicator):
        ratio, reason = _deflation(indicator, t0, latest, start, end, price_index)
        if ratio is None:
            return _not_measurable(reason)
        assert price_index is not None  # a ratio needs an index
        base = t0.value * ratio
        real_pct = relative_change(base, latest.value)
        notes.append(
            f"en euros courants : {_pct(change_pct)} ({_change(change, unit)}) ; en euros "
            f"constants de {end} : {_pct(real_pct)} (indice des prix "
            f"{fr_number(price_index.values[start], 2)} en {start}, "
            f"{fr_number(price_index.values[end], 2)} en {end} ; source : "
            f"{price_index.source_text(start, end) or price_index.where})"
        )
    judged = latest.value - base
    judged_pct = relative_change(base, latest.value)
    judged_rate = tcam(base, latest.value, end - start)
    interval = None
    census_precision = census_interval(t0, latest) if indicator.source.kind == "census" else None
    if survey:
        significant, interval, bounds = _survey_change(indicator, t0, latest)
        if significant is None:
            return _not_measurable(
                "non mesurable : taille effective de l'échantillon inconnue pour l'une des "
                "vagues d'enquête, l'évolution ne peut pas être testée"
            )
        # both n_eff are known once the change could be tested
        small = [m for m in (t0, latest) if cast(float, m.n_eff) < 30]
        if small:
            notes.append("moins de 30 répondants effectifs à une vague : estimation fragile")
    elif census_precision is not None:
        # rule 3b: the change is significant iff its 95 % interval excludes 0, i.e.
        # |Δ| > 1.959964 × √(se0² + se1²)
        interval = census_precision
        significant = interval[0] > 0 or interval[1] < 0
        precision = f"intervalle à 95{NBSP}% de l'évolution : {_bounds(interval, unit)}"
        notes.append(
            precision
            if significant
            else "évolution non significative au regard de la précision du recensement "
            f"({precision})"
        )
    else:
        significant = (
            judged != 0
            if math.isnan(judged_pct)
            else abs(judged_pct) >= stability_threshold * (1 - 1e-12)
        )
        if indicator.source.exploitation == "C":
            notes.append(
                "variable de l'exploitation complémentaire du recensement (sondage) : "
                "une petite évolution peut relever de l'aléa d'échantillonnage"
            )
    moved = None if judged == 0 else ("up" if judged > 0 else "down")
    good = _good_direction(indicator, target, t0.value)
    if (
        target is not None
        and target.direction is not None
        and indicator.polarity not in ("neutral", target.direction)
    ):
        notes.append(
            f"la cible ({_direction_word(target.direction)}) va à l'encontre du sens "
            f"souhaité de l'indicateur ({_direction_word(indicator.polarity)}) : le "
            "statut suit la cible"
        )
    if target is not None and target.kind == "rate" and judged_rate is None:
        return _not_measurable(
            "non mesurable : taux annuel moyen non calculable (valeur nulle ou négative)"
        )
    attained = False
    if target is not None and target.kind == "direction":
        attained = significant and moved == target.direction
    elif target is not None:
        # Target checks the value, _good_direction always gives one, rate is checked above
        measured = {"level": latest.value, "rate": judged_rate, "change": judged}[target.kind]
        assert measured is not None and target.value is not None and good is not None
        attained = _reaches(measured, target.value, good)
        if real_pct is not None and target.kind == "level":
            notes.append("niveau visé comparé à la dernière valeur, en euros courants")
    status = _status(attained=attained, significant=significant, moved=moved, good=good)
    # French explanation: the change, then the target.
    values = f"{_value(t0.value, unit)} en {start} → {_value(latest.value, unit)} en {end}"
    constant = "" if real_pct is None else " en euros constants"
    if survey:
        word = _direction_word(moved) if moved else "variation"
        what = (
            f"{word} significative de {_change(abs(change), unit).lstrip('+')}"
            if significant
            else f"écart de {_change(change, unit)} non significatif"
        )
        sentence = f"{what} ({values} ; {bounds})"
    elif real_pct is not None:
        sentence = (
            f"{_direction_word(moved)} de {fr_number(abs(real_pct), 1)}{NBSP}%{constant}"
            if significant
            else f"variation de {_pct(real_pct)}{constant}, inférieure au seuil de "
            f"stabilité de {fr_number(stability_threshold, 1)}{NBSP}%"
        )
        sentence += f" ({values}, en euros courants)"
    elif significant:
        relative = "" if math.isnan(change_pct) else f" ({_pct(change_pct)})"
        size = _change(abs(change), unit).lstrip("+")
        sentence = f"{_direction_word(moved)} de {size}{relative} ({values})"
    elif census_precision is not None:
        relative = "" if math.isnan(change_pct) else f" ({_pct(change_pct)})"
        sentence = (
            f"variation de {_change(change, unit)}{relative} non significative au regard "
            f"de la précision du recensement ({values})"
        )
    else:
        relative = "" if math.isnan(change_pct) else f" ({_pct(change_pct)})"
        sentence = (
            f"variation de {_change(change, unit)}{relative}, inférieure au seuil de "
            f"stabilité de {fr_number(stability_threshold, 1)}{NBSP}% ({values})"
        )
    if target is not None:
        sentence += " ; " + _target_text(
            target,
            indicator,
            rate=judged_rate,
            change=judged,
            latest=latest.value,
            attained=attained,
        )
        if constant and target.kind in ("rate", "change"):
            sentence += constant
    elif good is None:
        sentence += " ; indicateur de contexte sans cible"
    return Evaluation(
        status=status,
        label=sentence,
        evolution=change,
        evolution_pct=change_pct,
        tcam=rate,
        significant=bool(significant),
        interval=interval,
        comparable=True,
        note=" ; ".join(notes),
        real_evolution_pct=real_pct,
    )


# --------------------------------------------------------------------------- legend


def status_colour(status: str) -> str:
    """Hex colour of a status badge (KeyError naming the status when unknown)."""
    try:
        return STATUS_COLOURS[status]
    except KeyError:
        raise KeyError(f"unknown status {status!r}; statuses are {ALL_STATUSES}") from None


def status_definitions(*, stability_threshold: float = 1.0) -> pd.DataFrame:
    """The rules of :func:`evaluate` in French, one row per status (report definitions).

    Columns ``statut`` and ``definition``.
    """
    threshold = f"{fr_number(stability_threshold, 1)}{NBSP}%"
    minimum = (
        f"5 ans entre deux millésimes du recensement, 6 ans si l'un d'eux est entre "
        f"{POSTPONED_SURVEY_VINTAGES.start} et {POSTPONED_SURVEY_VINTAGES.stop - 1}"
    )
    significant = (
        f"Une évolution est dite significative : pour une enquête, quand "
        f"l'intervalle de confiance à 95{NBSP}% de l'écart entre les deux vagues "
        f"(méthode de Newcombe, à partir des intervalles de Wilson calculés sur "
        f"les tailles effectives) exclut 0 ; pour les autres sources, quand la "
        f"variation relative atteint {threshold} (seuil de stabilité des données "
        f"administratives), ou, pour un chiffre du recensement doté d'un intervalle "
        f"de confiance à 95{NBSP}% aux deux dates, quand l'intervalle de l'évolution "
        f"(écarts-types des deux millésimes combinés, échantillons indépendants) exclut "
        f"0. Un revenu (Filosofi, en euros) est jugé sur sa variation en "
        f"euros constants : (v1 / v0) / (I1 / I0) − 1, I étant l'indice des prix à la "
        f"consommation (moyenne annuelle, Insee) fourni par l'analyste."
    )
    rows = [
        (
            "atteint",
            "La cible est atteinte : niveau visé atteint, taux de croissance annuel "
            "moyen (TCAM) ou variation visés atteints, ou évolution significative "
            "dans le sens visé pour une cible de sens. " + significant,
        ),
        (
            "en bonne voie",
            "La cible n'est pas atteinte mais l'indicateur évolue "
            "significativement dans le sens visé (sans cible : dans le sens "
            "souhaité de l'indicateur). " + significant,
        ),
        (
            "pas d'évolution significative",
            "L'indicateur n'évolue pas significativement : "
            "variation relative inférieure à "
            + threshold
            + " (données administratives), ou écart compatible avec l'aléa des deux "
            "enquêtes ou avec la précision du recensement.",
        ),
        (
            CONTEXT_STATUS,
            (
                "Indicateur de contexte sans cible ni sens souhaité : il évolue "
                "significativement, sans que cette évolution soit jugée."
            ),
        ),
        (
            "en recul",
            "L'indicateur évolue significativement dans le sens contraire à celui "
            "visé. " + significant,
        ),
        (
            "non mesurable",
            (
                "Pas de mesure comparable au T0 à cette échéance : valeur T0 ou "
                "mesure récente manquante, même année qu'au T0, revenu sans indice "
                "des prix fourni (non mesurable en euros constants), ou recensements "
                f"trop proches ({minimum} : un millésime N regroupe les enquêtes "
                "annuelles N-2 à N+2, deux millésimes proches partagent des "
                "enquêtes). Aucune évolution n'est alors publiée."
            ),
        ),
    ]
    return pd.DataFrame(rows, columns=["statut", "definition"])
