"""Households and families from census totals (methodology rules 2, 4, 5 and 8).

Households and families are ``C`` variables: the complementary exploitation of the census,
a sample. Every ratio takes its numerator and denominator from the same exploitation (the
share of people aged 80+ living alone uses two ``P`` variables). Counts are weighted
estimates: full precision is kept and small counts are flagged (rule 4).

Two family definitions coexist and each figure says which one it uses (rule 5):

- *sans limite d'âge*: a child of a family has no age limit in the census, so families with
  children are ``C_COUPAENF + C_FAMMONO``;
- *moins de 25 ans*: ``C_NE24F1 + C_NE24F2 + C_NE24F3 + C_NE24F4P``, the families by their
  published number of children under 25, only for the vintages that publish them. The sum
  of the published counts is used everywhere (never ``C_FAM − C_NE24F0``, equal on INSEE's
  decimals but not on a rounded or truncated file), so that large families
  (``C_NE24F3 + C_NE24F4P``) are a part of the same sum.

Households are not families (rule 4c): ``menages_avec_enfants`` counts the *households*
whose main family is a couple with children or a single parent (``C_MENCOUPAENF +
C_MENFAMMONO``, INSEE's table FAM T1), ``familles_avec_enfants`` the *families*.

A change between two vintages is computed only with the same definition at both dates.
Every complementary-exploitation figure carries its approximate 95 % interval
(:mod:`ctgstats.portrait.precision`, rule 4b); a change whose interval contains zero is
said to be not significant.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import pandas as pd

from ctgstats.core.comparability import check_vintages, concept_breaks
from ctgstats.core.figures import figure, to_frame
from ctgstats.data.variables import rp
from ctgstats.portrait import precision
from ctgstats.portrait.demography import (
    DEFAULT_SMALL_COUNT_THRESHOLD,
    census_source,
    figure_note,
    join_notes,
    lookup,
    small_count_note,
)
from ctgstats.present.formatting import fr_period

__all__ = [
    "Quantity",
    "FIGURES",
    "CHANGES",
    "quantities",
    "evaluate",
    "noise_note",
    "households_and_families",
    "families_change",
    "variance_terms",
]

NOISE_NOTE = "évolution non significative au regard de la précision du recensement"
"""Caution of a change whose 95 % interval contains zero (rule 4b)."""

CALIBRATED = frozenset({"menages", "population_menages"})
"""``C`` quantities calibrated on the exhaustive principal exploitation (no interval)."""


@dataclass(frozen=True)
class Quantity:
    """A sum of census columns minus other columns."""

    plus: tuple[str, ...]
    minus: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the quantity needs."""
        return self.plus + self.minus


def quantities(year: int) -> dict[str, tuple[Quantity, ...]]:
    """Census quantities of a vintage, each with its formulas in order of preference.

    Keys: ``menages``, ``population_menages``, ``menages_une_personne``,
    ``menages_avec_enfants``, ``menages_couple_avec_enfants``, ``menages_monoparentaux``
    (C), ``personnes_80_plus_seules``, ``population_menages_80_plus`` (P), ``familles``,
    ``familles_avec_enfants`` (any age), ``familles_avec_enfants_moins_25``,
    ``familles_monoparentales``, ``familles_nombreuses``, ``couples_avec_enfants``,
    ``couples_sans_enfant`` (C).
    """

    def c(*names: str) -> tuple[str, ...]:
        return tuple(rp("C", year, n) for n in names)

    def p(*names: str) -> tuple[str, ...]:
        return tuple(rp("P", year, n) for n in names)

    def q(plus: tuple[str, ...], minus: tuple[str, ...] = ()) -> tuple[Quantity, ...]:
        return (Quantity(plus, minus),)

    return {
        "menages": q(c("MEN")),
        "population_menages": q(c("PMEN")),
        "menages_une_personne": q(c("MENPSEUL")),
        "menages_avec_enfants": q(c("MENCOUPAENF", "MENFAMMONO")),
        "menages_couple_avec_enfants": q(c("MENCOUPAENF")),
        "menages_monoparentaux": q(c("MENFAMMONO")),
        "personnes_80_plus_seules": q(p("POP80P_PSEUL")),
        "population_menages_80_plus": q(p("POPMEN80P")),
        "familles": q(c("FAM")),
        "familles_avec_enfants": q(c("COUPAENF", "FAMMONO")),
        "familles_avec_enfants_moins_25": q(c("NE24F1", "NE24F2", "NE24F3", "NE24F4P")),
        "familles_monoparentales": q(c("FAMMONO")),
        "familles_nombreuses": q(c("NE24F3", "NE24F4P")),
        "couples_avec_enfants": q(c("COUPAENF")),
        "couples_sans_enfant": q(c("COUPSENF")),
    }


def evaluate(
    totals: pd.DataFrame, territory: object, formulas: Sequence[Quantity]
) -> tuple[float | None, str]:
    """Value of the first computable formula for a territory, or None and the reason.

    The reason given is the one of the first (preferred) formula.
    """
    first_reason = ""
    for formula in formulas:
        values, reason = lookup(totals, territory, formula.columns)
        if values is not None:
            return (
                sum(values[c] for c in formula.plus) - sum(values[c] for c in formula.minus)
            ), ""
        first_reason = first_reason or reason
    return None, first_reason


@dataclass(frozen=True)
class _Figure:
    """A figure of a vintage: a count (no denominator) or ``scale × numerator / denominator``."""

    ident: str
    unite: str
    definition: str
    numerator: str
    denominator: str | None = None
    scale: float = 100.0
    exploitation: Literal["P", "C"] = "C"


_ANY_AGE = "sans limite d'âge"
_UNDER_25 = "de moins de 25 ans"
_NOT_75 = "le recensement publie la tranche 80 ans ou plus, pas 75 ans ou plus"

FIGURES: tuple[_Figure, ...] = (
    _Figure(
        "menages",
        "ménages",
        "Nombre de ménages (un ménage = les occupants d'une résidence principale)",
        "menages",
    ),
    _Figure(
        "population_menages",
        "personnes",
        "Population des ménages (hors communautés : maisons de retraite, internats, etc.)",
        "population_menages",
    ),
    _Figure(
        "taille_moyenne_menages",
        "personnes par ménage",
        "Taille moyenne des ménages : population des ménages / nombre de ménages",
        "population_menages",
        "menages",
        scale=1.0,
    ),
    _Figure(
        "menages_une_personne",
        "ménages",
        "Ménages d'une seule personne (personnes vivant seules)",
        "menages_une_personne",
    ),
    _Figure(
        "part_menages_une_personne",
        "%",
        "Part des ménages d'une seule personne parmi l'ensemble des ménages",
        "menages_une_personne",
        "menages",
    ),
    _Figure(
        "menages_avec_enfants",
        "ménages",
        "Ménages avec famille(s) avec enfant(s) : ménages dont la famille principale est un "
        f"couple avec enfant(s) ou une famille monoparentale (enfants {_ANY_AGE} ; "
        "un ménage, pas une famille)",
        "menages_avec_enfants",
    ),
    _Figure(
        "part_menages_avec_enfants",
        "%",
        "Part des ménages dont la famille principale a au moins un enfant "
        f"({_ANY_AGE}) parmi l'ensemble des ménages",
        "menages_avec_enfants",
        "menages",
    ),
    _Figure(
        "menages_couple_avec_enfants",
        "ménages",
        f"Ménages dont la famille principale est un couple avec enfant(s), {_ANY_AGE}",
        "menages_couple_avec_enfants",
    ),
    _Figure(
        "part_menages_couple_avec_enfants",
        "%",
        "Part des ménages dont la famille principale est un couple avec enfant(s) "
        f"({_ANY_AGE}) parmi l'ensemble des ménages",
        "menages_couple_avec_enfants",
        "menages",
    ),
    _Figure(
        "menages_monoparentaux",
        "ménages",
        f"Ménages dont la famille principale est une famille monoparentale ({_ANY_AGE})",
        "menages_monoparentaux",
    ),
    _Figure(
        "part_menages_monoparentaux",
        "%",
        "Part des ménages dont la famille principale est une famille monoparentale "
        f"({_ANY_AGE}) parmi l'ensemble des ménages",
        "menages_monoparentaux",
        "menages",
    ),
    _Figure(
        "personnes_80_plus_seules",
        "personnes",
        f"Personnes de 80 ans ou plus vivant seules ({_NOT_75})",
        "personnes_80_plus_seules",
        exploitation="P",
    ),
    _Figure(
        "part_80_plus_seules",
        "%",
        "Part des personnes de 80 ans ou plus vivant seules, "
        f"parmi celles vivant en ménage ({_NOT_75})",
        "personnes_80_plus_seules",
        "population_menages_80_plus",
        exploitation="P",
    ),
    _Figure(
        "familles",
        "familles",
        "Nombre de familles : couples avec ou sans enfant et "
        f"familles monoparentales (enfants {_ANY_AGE})",
        "familles",
    ),
    _Figure(
        "familles_avec_enfants",
        "familles",
        "Familles avec au moins un enfant, "
        f"{_ANY_AGE} (couples avec enfant(s) + familles monoparentales)",
        "familles_avec_enfants",
    ),
    _Figure(
        "familles_avec_enfants_moins_25",
        "familles",
        "Familles avec au moins un enfant "
        f"{_UNDER_25} (familles de 1, 2, 3, 4 enfants ou plus {_UNDER_25})",
        "familles_avec_enfants_moins_25",
    ),
    _Figure(
        "familles_monoparentales",
        "familles",
        f"Familles monoparentales : un parent sans conjoint avec au moins un enfant, {_ANY_AGE}",
        "familles_monoparentales",
    ),
    _Figure(
        "part_familles_monoparentales",
        "%",
        "Part des familles monoparentales parmi les "
        f"familles avec au moins un enfant, {_ANY_AGE} (familles monoparentales / "
        "(couples avec enfant(s) + familles monoparentales))",
        "familles_monoparentales",
        "familles_avec_enfants",
    ),
    _Figure(
        "familles_nombreuses",
        "familles",
        f"Familles nombreuses : familles de 3 enfants ou plus {_UNDER_25}",
        "familles_nombreuses",
    ),
    _Figure(
        "part_familles_nombreuses",
        "%",
        "Part des familles de 3 enfants ou plus "
        f"{_UNDER_25} parmi les familles avec au moins un enfant {_UNDER_25}",
        "familles_nombreuses",
        "familles_avec_enfants_moins_25",
    ),
    _Figure(
        "couples_avec_enfants",
        "couples",
        f"Couples avec au moins un enfant, {_ANY_AGE}",
        "couples_avec_enfants",
    ),
    _Figure(
        "couples_sans_enfant",
        "couples",
        "Couples sans enfant (aucun enfant, quel que soit son âge, dans la famille)",
        "couples_sans_enfant",
    ),
    _Figure(
        "part_couples_sans_enfant",
        "%",
        "Part des couples sans enfant parmi l'ensemble des familles",
        "couples_sans_enfant",
        "familles",
    ),
)
"""Figures of :func:`households_and_families`, in output order."""


def _vector(frame: pd.DataFrame, formulas: Sequence[Quantity]) -> pd.Series:
    """A quantity for every row of ``frame`` (first computable formula; NaN when none)."""
    for formula in formulas:
        if all(c in frame.columns for c in formula.columns):
            plus = frame[list(formula.plus)].sum(axis=1, skipna=False, min_count=1)
            if not formula.minus:
                return plus.astype("float64")
            minus = frame[list(formula.minus)].sum(axis=1, skipna=False, min_count=1)
            return (plus - minus).astype("float64")
    return pd.Series(np.nan, index=frame.index, dtype="float64")


def _count_key(quantity: str, year: int) -> str:
    return f"{quantity}@{year}"


def _share_key(numerator: str, denominator: str, year: int, term: str) -> str:
    return f"{numerator}/{denominator}@{year}:{term}"


def _sampled(spec: _Figure) -> bool:
    return spec.exploitation == "C" and spec.numerator not in CALIBRATED


def variance_terms(frame: pd.DataFrame, *, year: int, design: pd.Series | float) -> pd.DataFrame:
    """Additive variance terms of every sampled figure of a vintage (rule 4b).

    Parameters
    ----------
    frame
        Census rows: communes (the strata) or, failing them, territories.
    year
        Census vintage.
    design
        ``(1 − f) / f`` per row (:func:`ctgstats.portrait.precision.design_factor`) or one
        value for every row.

    Returns
    -------
    pandas.DataFrame
        Same index as ``frame``; summing the rows of a territory's communes gives the terms
        of the territory (:func:`ctgstats.core.territories.aggregate`). The universe of
        every count is the households (``C_MEN``).
    """
    formulas = quantities(year)
    factor = (
        design
        if isinstance(design, pd.Series)
        else pd.Series(float(design), index=frame.index, dtype="float64")
    )
    universe = _vector(frame, formulas["menages"])
    columns: dict[str, pd.Series] = {}
    for spec in FIGURES:
        if not _sampled(spec):
            continue
        numerator = _vector(frame, formulas[spec.numerator])
        if spec.denominator is None:
            key = _count_key(spec.numerator, year)
            columns[key] = precision.count_terms(numerator, universe, factor)
            continue
        denominator = _vector(frame, formulas[spec.denominator])
        terms = precision.share_terms(numerator, denominator, universe, factor)
        for term in terms.columns:
            columns[_share_key(spec.numerator, spec.denominator, year, term)] = terms[term]
    return pd.DataFrame(columns, index=frame.index, dtype="float64")


def _term(variances: pd.DataFrame, territory: object, key: str) -> float:
    if key not in variances.columns or territory not in variances.index:
        return math.nan
    return float(variances.at[territory, key])


def count_variance(variances: pd.DataFrame, territory: object, quantity: str, year: int) -> float:
    """Sampling variance of a count of :func:`quantities` (NaN when unknown)."""
    if quantity in CALIBRATED:
        return math.nan
    return _term(variances, territory, _count_key(quantity, year))


def share_variance(
    variances: pd.DataFrame,
    territory: object,
    *,
    numerator: str,
    denominator: str,
    year: int,
    values: tuple[float, float],
) -> float:
    """Sampling variance of a share (a fraction) from its summed terms (NaN when unknown)."""
    terms = {
        k: _term(variances, territory, _share_key(numerator, denominator, year, k))
        for k in ("T", "S0", "S1", "S2")
    }
    if any(math.isnan(v) for v in terms.values()):
        return math.nan
    return precision.share_variance(terms, numerator=values[0], denominator=values[1])


def _territory_variances(totals: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Variance terms from the totals themselves: one stratum sampled at 1/4 (wide side)."""
    frames = [variance_terms(totals, year=y, design=precision.SINGLE_STRATUM_DESIGN) for y in years]
    return pd.concat(frames, axis=1)


def _figure_row(
    totals: pd.DataFrame,
    territory: str,
    spec: _Figure,
    *,
    year: int,
    formulas: dict[str, tuple[Quantity, ...]],
    threshold: float | None,
    variances: pd.DataFrame,
) -> dict[str, object]:
    numerator, reason = evaluate(totals, territory, formulas[spec.numerator])
    counts = [numerator]
    value = numerator
    bounds = None
    if numerator is not None and spec.denominator is None and _sampled(spec):
        variance = count_variance(variances, territory, spec.numerator, year)
        bounds = precision.interval(numerator, variance, bounds=(0.0, math.inf))
    if numerator is not None and spec.denominator is not None:
        denominator, reason = evaluate(totals, territory, formulas[spec.denominator])
        counts.append(denominator)
        value = None
        if denominator is not None and denominator > 0:
            value = spec.scale * numerator / denominator
            if _sampled(spec):
                variance = share_variance(
                    variances,
                    territory,
                    numerator=spec.numerator,
                    denominator=spec.denominator,
                    year=year,
                    values=(numerator, denominator),
                )
                bounds = precision.interval(
                    value, variance, scale=spec.scale, bounds=(0.0, spec.scale)
                )
        elif denominator is not None:
            reason = "non disponible : dénominateur nul (aucun effectif de référence)"
    caution = (
        ""
        if value is None
        # value is a number only when every count is one
        else small_count_note(
            cast("list[float]", counts), threshold, sampled=spec.exploitation == "C"
        )
    )
    return figure(
        territory,
        spec.ident,
        year,
        value,
        unite=spec.unite,
        source=census_source(year, exploitation=spec.exploitation),
        definition=spec.definition,
        note=figure_note(reason, caution),
        interval=bounds,
    )


def _check_totals(totals: pd.DataFrame) -> None:
    if not totals.index.is_unique:
        raise ValueError("totals: duplicated territory ids")


def households_and_families(
    totals: pd.DataFrame,
    *,
    year: int,
    small_count_threshold: float | None = DEFAULT_SMALL_COUNT_THRESHOLD,
    variances: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Households and families of one census vintage.

    Parameters
    ----------
    totals
        Census totals (``C{yy}_MEN``, ``C{yy}_FAM``, ``C{yy}_NE24F0`` …, ``P{yy}_POP80P_PSEUL``,
        ``P{yy}_POPMEN80P``).
    year
        Census vintage.
    small_count_threshold
        A figure resting on a count below it (numerator for counts, numerator or
        denominator for ratios) gets the caution "effectif faible" (rule 4); None disables.
    variances
        Summed variance terms per territory (:func:`variance_terms` of the communes,
        aggregated); when None they are computed from ``totals`` as one stratum sampled
        at 1/4. Every sampled figure gets ``ic_bas`` / ``ic_haut`` (rule 4b).

    Returns
    -------
    pandas.DataFrame
        Figures of :data:`FIGURES`: ``menages`` (ménages), ``population_menages``
        (personnes), ``taille_moyenne_menages`` (personnes par ménage),
        ``menages_une_personne`` (ménages), ``part_menages_une_personne`` (%),
        ``personnes_80_plus_seules`` (personnes), ``part_80_plus_seules`` (%),
        ``familles``, ``familles_avec_enfants``, ``familles_avec_enfants_moins_25``,
        ``familles_monoparentales`` (familles), ``part_familles_monoparentales`` (%),
        ``familles_nombreuses`` (familles), ``part_familles_nombreuses`` (%),
        ``couples_avec_enfants``, ``couples_sans_enfant`` (couples),
        ``part_couples_sans_enfant`` (%).
    """
    _check_totals(totals)
    formulas = quantities(year)
    if variances is None:
        variances = _territory_variances(totals, [year])
    rows = [
        _figure_row(
            totals,
            territory,
            spec,
            year=year,
            formulas=formulas,
            threshold=small_count_threshold,
            variances=variances,
        )
        for territory in totals.index
        for spec in FIGURES
    ]
    return to_frame(rows)


# ------------------------------------------------------------------ changes


@dataclass(frozen=True)
class _Change:
    """A count whose change between two vintages is reported."""

    base: str
    unite: str
    phrase: str
    family_series: bool = True


CHANGES: tuple[_Change, ...] = (
    _Change("familles", "familles", f"du nombre de familles (enfants {_ANY_AGE})"),
    _Change(
        "familles_avec_enfants",
        "familles",
        f"du nombre de familles avec au moins un enfant, {_ANY_AGE}",
    ),
    _Change(
        "familles_avec_enfants_moins_25",
        "familles",
        f"du nombre de familles avec au moins un enfant {_UNDER_25}",
    ),
    _Change(
        "familles_monoparentales",
        "familles",
        f"du nombre de familles monoparentales (enfants {_ANY_AGE})",
    ),
    _Change(
        "menages_avec_enfants",
        "ménages",
        "du nombre de ménages avec famille(s) avec enfant(s) (famille principale : couple "
        f"avec enfant(s) ou famille monoparentale, enfants {_ANY_AGE})",
    ),
    _Change("menages", "ménages", "du nombre de ménages", family_series=False),
)
"""Counts of :func:`families_change` (same definition at both dates)."""


def noise_note(interval: tuple[float, float] | None) -> str:
    """Caution when the 95 % interval of a change contains zero (rule 4b), else ``""``.

    No interval (calibrated or exhaustive counts, variance unknown): no caution.
    """
    if interval is not None and interval[0] <= 0.0 <= interval[1]:
        return NOISE_NOTE
    return ""


def _change_rows(
    totals: pd.DataFrame,
    territory: str,
    change: _Change,
    *,
    start: int,
    end: int,
    formulas: tuple[dict[str, tuple[Quantity, ...]], ...],
    threshold: float | None,
    cautions: tuple[str, ...],
    variances: pd.DataFrame,
) -> list[dict[str, object]]:
    v0, r0 = evaluate(totals, territory, formulas[0][change.base])
    v1, r1 = evaluate(totals, territory, formulas[1][change.base])
    reason = join_notes(r0, r1)
    if reason and change.base == "familles_avec_enfants_moins_25":
        reason += (
            " ; la définition « moins de 25 ans » n'est pas remplacée par la "
            "définition « sans limite d'âge » pour calculer une évolution"
        )
    absolute = pct = None
    absolute_ci = pct_ci = None
    caution = pct_reason = ""
    if v0 is not None and v1 is not None:
        absolute = v1 - v0
        var0 = count_variance(variances, territory, change.base, start)
        var1 = count_variance(variances, territory, change.base, end)
        absolute_ci = precision.change_interval(absolute, var0, var1)
        if v0 > 0:
            pct = (v1 / v0 - 1.0) * 100.0
            pct_ci = precision.interval(
                pct, precision.ratio_change_variance(v0, v1, var0, var1), scale=100.0
            )
        else:
            pct_reason = f"non disponible : effectif nul en {start}"
        caution = join_notes(
            small_count_note([v0, v1], threshold, sampled=True, when=f" en {start} ou {end}"),
            noise_note(absolute_ci),
        )
    caution = join_notes(caution, *cautions)
    source = census_source(start, end, exploitation="C")
    period = fr_period(start, end)
    same = "même définition aux deux dates"
    return [
        figure(
            territory,
            f"{change.base}_evolution",
            period,
            absolute,
            unite=change.unite,
            source=source,
            definition=f"Évolution {change.phrase} entre {start} et {end} ({same})",
            note=figure_note(reason, caution),
            interval=absolute_ci,
        ),
        figure(
            territory,
            f"{change.base}_evolution_pct",
            period,
            pct,
            unite="%",
            source=source,
            definition=f"Évolution relative {change.phrase} entre {start} et {end} ({same})",
            note=figure_note(reason or pct_reason, caution),
            interval=pct_ci,
        ),
    ]


def _share_change_row(
    totals: pd.DataFrame,
    territory: str,
    *,
    start: int,
    end: int,
    formulas: tuple[dict[str, tuple[Quantity, ...]], ...],
    threshold: float | None,
    cautions: tuple[str, ...],
    variances: pd.DataFrame,
) -> dict[str, object]:
    parts, reasons = [], []
    for year_formulas in formulas:
        num, r_num = evaluate(totals, territory, year_formulas["familles_monoparentales"])
        den, r_den = evaluate(totals, territory, year_formulas["familles_avec_enfants"])
        reasons.append(r_num or r_den)
        if num is not None and den is not None:
            parts.append((num, den))
    reason = join_notes(*reasons)
    value = None
    bounds = None
    caution = ""
    if not reason:
        if all(den > 0 for _, den in parts):
            (n0, d0), (n1, d1) = parts
            value = (n1 / d1 - n0 / d0) * 100.0
            share_variances = [
                share_variance(
                    variances,
                    territory,
                    numerator="familles_monoparentales",
                    denominator="familles_avec_enfants",
                    year=year,
                    values=values,
                )
                for year, values in ((start, (n0, d0)), (end, (n1, d1)))
            ]
            bounds = precision.change_interval(value, *share_variances, scale=100.0)
            caution = join_notes(
                small_count_note(
                    [n0, d0, n1, d1], threshold, sampled=True, when=f" en {start} ou {end}"
                ),
                noise_note(bounds),
            )
        else:
            reason = "non disponible : aucune famille avec enfant(s) à l'une des deux dates"
    return figure(
        territory,
        "part_familles_monoparentales_evolution",
        fr_period(start, end),
        value,
        unite="points",
        source=census_source(start, end, exploitation="C"),
        definition=f"Évolution, en points, de la part des familles monoparentales "
        f"parmi les familles avec au moins un enfant, {_ANY_AGE}, entre "
        f"{start} et {end} (même définition aux deux dates)",
        note=figure_note(reason, join_notes(caution, *cautions)),
        interval=bounds,
    )


def families_change(
    totals: pd.DataFrame,
    *,
    start: int,
    end: int,
    small_count_threshold: float | None = DEFAULT_SMALL_COUNT_THRESHOLD,
    variances: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Changes of households and families between two census vintages.

    Parameters
    ----------
    totals
        Census totals with the ``C`` variables of both vintages.
    start, end
        Census vintages, ``start < end``.
    small_count_threshold
        Flags a change when either endpoint count is below it (rule 4); None disables.
    variances
        Summed variance terms of both vintages per territory (see
        :func:`households_and_families`). Each change gets its 95 % interval (the two
        vintages are independent samples) and, when the interval contains zero, the
        caution :data:`NOISE_NOTE` (:func:`noise_note`).

    Returns
    -------
    pandas.DataFrame
        ``<id>_evolution`` (familles / ménages) and ``<id>_evolution_pct`` (%) for
        ``familles``, ``familles_avec_enfants`` (any age), ``familles_avec_enfants_moins_25``
        (only when both vintages publish the children under 25), ``familles_monoparentales``
        and ``menages``; ``part_familles_monoparentales_evolution`` (points). Notes carry
        the vintage-gap warning (rule 1) and, for family series, the concept breaks crossed
        (rule 8).
    """
    if end <= start:
        raise ValueError(f"end ({end}) must be after start ({start})")
    _check_totals(totals)
    formulas = (quantities(start), quantities(end))
    if variances is None:
        variances = _territory_variances(totals, [start, end])
    gap = tuple(check_vintages(start, end))
    breaks = tuple(concept_breaks(start, end, topics=("couples",)))
    rows: list[dict[str, object]] = []
    for territory in totals.index:
        for change in CHANGES:
            cautions = gap + breaks if change.family_series else gap
            rows.extend(
                _change_rows(
                    totals,
                    territory,
                    change,
                    start=start,
                    end=end,
                    formulas=formulas,
                    threshold=small_count_threshold,
                    cautions=cautions,
                    variances=variances,
                )
            )
        rows.append(
            _share_change_row(
                totals,
                territory,
                start=start,
                end=end,
                formulas=formulas,
                threshold=small_count_threshold,
                cautions=gap + breaks,
                variances=variances,
            )
        )
    return to_frame(rows)
