"""Employment, schooling and youth from census totals (methodology rules 1, 2, 4, 11, 19).

Every rate is a ratio of two principal-exploitation (``P``) counts summed over the
territory's communes (rule 11). The census unemployment rate is self-declared (rule 19):
neither the ILO rate nor France Travail registrations, and it is labelled "au sens du
recensement". Diplomas are over the population aged 15 or more *not in school*
(``P_NSCOL15P``); their groups changed after RP2016 (``NSCOL15P_DIPLMIN`` then includes
the BEPC, and ``SUP`` is a single group), so the share without any diploma is computed
only where the BEPC is published apart, and a change is computed only on a definition
that is the same at both dates. Changes are computed only between vintages far enough
apart (:func:`ctgstats.core.comparability.is_comparable`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ctgstats.core.comparability import is_comparable
from ctgstats.core.figures import figure, to_frame
from ctgstats.data.variables import parse_rp, rp
from ctgstats.portrait import precision
from ctgstats.portrait.demography import (
    census_source,
    figure_note,
    join_notes,
    lookup,
    small_count_note,
)
from ctgstats.portrait.families import noise_note
from ctgstats.present.formatting import fr_period

__all__ = [
    "RATES",
    "Parts",
    "Rate",
    "chapter_years",
    "changes",
    "communes_table",
    "diploma_distribution",
    "formulas",
    "rates",
    "variance_terms",
]

_CENSUS = (
    "au sens du recensement : chômage déclaré, ni le taux du BIT ni les demandeurs d'emploi "
    "inscrits à France Travail"
)
_NOT_IN_SCHOOL = "parmi les personnes de 15 ans ou plus non scolarisées"
_OLD_GROUPING = (
    "jusqu'au millésime 2016, le recensement regroupe « aucun diplôme ou au plus le BEPC, "
    "brevet des collèges, DNB » en une seule catégorie"
)


@dataclass(frozen=True)
class Rate:
    """A share ``100 × numerator / denominator`` of census ``P`` variables.

    ``numerator`` and ``denominator`` are variable names without their ``P{yy}_`` prefix;
    ``old`` gives the numerator in the diploma grouping of RP2016 and before (``None``:
    same as the new one; empty tuple: not computable with that grouping).
    """

    ident: str
    definition: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    base: str
    youth: bool = False
    old: tuple[str, ...] | None = None
    old_definition: str = ""
    """The definition when the old grouping is used (empty: same as ``definition``)."""
    old_caution: str = ""
    """Caution of a figure computed with the old grouping."""
    sampled: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    """``C`` numerator and denominator used when a vintage publishes only them (older
    bases): the figure then carries its 95 % interval (rule 4b)."""
    change_caution: str = ""


_EMPLOI = "« Emploi - Population active »"
_DIPLOMES = "« Diplômes - Formation »"
_CARACT = "« Caractéristiques de l'emploi »"

RATES: tuple[Rate, ...] = (
    Rate(
        "taux_activite_15_64",
        "Taux d'activité des 15-64 ans : actifs (en emploi ou au chômage, au sens du "
        "recensement) / population de 15 à 64 ans",
        ("ACT1564",),
        ("POP1564",),
        _EMPLOI,
    ),
    Rate(
        "taux_emploi_15_64",
        "Taux d'emploi des 15-64 ans : actifs ayant un emploi / population de 15 à 64 ans",
        ("ACTOCC1564",),
        ("POP1564",),
        _EMPLOI,
    ),
    Rate(
        "taux_chomage_15_64",
        f"Taux de chômage des 15-64 ans {_CENSUS} : chômeurs / actifs de 15 à 64 ans",
        ("CHOM1564",),
        ("ACT1564",),
        _EMPLOI,
    ),
    Rate(
        "taux_chomage_15_24",
        f"Taux de chômage des 15-24 ans {_CENSUS} : chômeurs / actifs de 15 à 24 ans",
        ("CHOM1524",),
        ("ACT1524",),
        _EMPLOI,
        youth=True,
    ),
    Rate(
        "taux_scolarisation_18_24",
        "Taux de scolarisation des 18-24 ans : personnes de 18 à 24 ans inscrites dans un "
        "établissement d'enseignement / population de 18 à 24 ans",
        ("SCOL1824",),
        ("POP1824",),
        _DIPLOMES,
        youth=True,
    ),
    Rate(
        "part_sans_diplome_15p",
        f"Part des personnes sans diplôme ou titulaires au plus du CEP {_NOT_IN_SCHOOL}",
        ("NSCOL15P_DIPLMIN",),
        ("NSCOL15P",),
        _DIPLOMES,
        old=(),
    ),
    Rate(
        "part_diplome_max_bepc_15p",
        "Part des personnes sans diplôme ou titulaires au plus du CEP, du BEPC, du brevet "
        f"des collèges ou du DNB {_NOT_IN_SCHOOL} (définition commune à tous les millésimes)",
        ("NSCOL15P_DIPLMIN", "NSCOL15P_BEPC"),
        ("NSCOL15P",),
        _DIPLOMES,
        old=("NSCOL15P_DIPLMIN",),
    ),
    Rate(
        "part_diplomes_superieur_15p",
        f"Part des diplômés de l'enseignement supérieur (bac + 2 ou plus) {_NOT_IN_SCHOOL}",
        ("NSCOL15P_SUP2", "NSCOL15P_SUP34", "NSCOL15P_SUP5"),
        ("NSCOL15P",),
        _DIPLOMES,
        old=("NSCOL15P_SUP",),
        old_definition="Part des diplômés de l'enseignement supérieur (un seul groupe "
        f"jusqu'au millésime 2016) {_NOT_IN_SCHOOL}",
        old_caution="jusqu'au millésime 2016, l'enseignement supérieur forme un seul groupe "
        "de diplômes",
        change_caution="regroupements des diplômes différents selon les millésimes "
        "(enseignement supérieur : un seul groupe jusqu'en 2016, trois ensuite)",
    ),
    Rate(
        "part_actifs_travaillant_hors_commune",
        "Part des actifs de 15 ans ou plus ayant un emploi qui travaillent dans une autre "
        "commune que leur commune de résidence",
        ("ACTOCC15P_ILT2P",),
        ("ACTOCC15P",),
        _CARACT,
    ),
    Rate(
        "part_actifs_voiture",
        "Part des actifs de 15 ans ou plus ayant un emploi qui utilisent principalement une "
        "voiture, un camion ou une fourgonnette pour aller travailler",
        ("ACTOCC15P_VOITURE",),
        ("ACTOCC15P",),
        _CARACT,
        sampled=(("ACTOCC15P_VOIT",), ("ACTOCC15P",)),
    ),
)
"""Rates of :func:`rates`, in output order."""

#: Rates whose change between two vintages is reported (same definition at both dates).
CHANGED: tuple[str, ...] = (
    "taux_activite_15_64",
    "taux_emploi_15_64",
    "taux_chomage_15_64",
    "taux_scolarisation_18_24",
    "part_diplome_max_bepc_15p",
    "part_diplomes_superieur_15p",
    "part_actifs_travaillant_hors_commune",
    "part_actifs_voiture",
)

#: Diploma groups of the distribution chart: (label, new grouping, old grouping).
DIPLOMA_GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Aucun diplôme, CEP ou BEPC", ("NSCOL15P_DIPLMIN", "NSCOL15P_BEPC"), ("NSCOL15P_DIPLMIN",)),
    ("CAP ou BEP", ("NSCOL15P_CAPBEP",), ("NSCOL15P_CAPBEP",)),
    ("Baccalauréat", ("NSCOL15P_BAC",), ("NSCOL15P_BAC",)),
    (
        "Enseignement supérieur",
        ("NSCOL15P_SUP2", "NSCOL15P_SUP34", "NSCOL15P_SUP5"),
        ("NSCOL15P_SUP",),
    ),
)


def new_grouping(columns: Sequence[str], year: int) -> bool:
    """True when vintage ``year`` publishes the BEPC apart (grouping of RP2017 onwards)."""
    return rp("P", year, "NSCOL15P_BEPC") in columns


@dataclass(frozen=True)
class Parts:
    """Columns of a rate for one vintage, its definition and its exploitation."""

    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    definition: str
    exploitation: Literal["P", "C"] = "P"

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the rate needs."""
        return (*self.numerator, *self.denominator)


_SAMPLED = "exploitation complémentaire (sondage)"
_SAMPLED_NOTE = f"{_SAMPLED} : intervalle de confiance à 95 % approché"


def formulas(spec: Rate, year: int, columns: Sequence[str]) -> Parts | None:
    """Columns of ``spec`` for ``year`` and its definition.

    ``None`` when the definition cannot be computed with the vintage's diploma grouping.
    The ``P`` columns are preferred; a rate with a ``sampled`` alternative uses its ``C``
    columns when only they are in the files.
    """
    numerator = spec.numerator
    definition = spec.definition
    if spec.old is not None and not new_grouping(columns, year):
        if not spec.old:
            return None
        numerator = spec.old
        definition = spec.old_definition or spec.definition
    parts = Parts(
        tuple(rp("P", year, n) for n in numerator),
        tuple(rp("P", year, n) for n in spec.denominator),
        definition,
    )
    if spec.sampled is not None and not all(c in columns for c in parts.columns):
        sampled = Parts(
            tuple(rp("C", year, n) for n in spec.sampled[0]),
            tuple(rp("C", year, n) for n in spec.sampled[1]),
            f"{definition} ({_SAMPLED})",
            "C",
        )
        if all(c in columns for c in sampled.columns):
            return sampled
    return parts


def chapter_years(columns: Sequence[str]) -> list[int]:
    """Vintages with at least one variable of the chapter (``P{yy}_ACT1564`` …), ascending."""
    names = {n for spec in RATES for n in (*spec.numerator, *spec.denominator, *(spec.old or ()))}
    sampled = {n for spec in RATES if spec.sampled for part in spec.sampled for n in part}
    years = set()
    for column in columns:
        parsed = parse_rp(str(column))
        if parsed is None:
            continue
        if (parsed.exploitation == "P" and parsed.name in names) or (
            parsed.exploitation == "C" and parsed.name in sampled
        ):
            years.add(parsed.year)
    return sorted(years)


def _years_of(spec: Rate, years: Sequence[int], columns: Sequence[str]) -> list[int]:
    found = []
    for year in years:
        parts = formulas(spec, year, columns)
        if parts is not None and all(c in columns for c in parts.columns):
            found.append(year)
    return found


def _key(spec: Rate, year: int, term: str) -> str:
    return f"{spec.ident}@{year}:{term}"


def variance_terms(frame: pd.DataFrame, *, year: int, design: pd.Series | float) -> pd.DataFrame:
    """Additive variance terms of the rates computed from ``C`` columns (rule 4b).

    The people counted (workers) are taken as sampled at the commune's fraction, the
    denominator being its own universe; summing the rows of a territory's communes gives
    its terms (:func:`ctgstats.portrait.precision.share_variance`).
    """
    factor = (
        design
        if isinstance(design, pd.Series)
        else pd.Series(float(design), index=frame.index, dtype="float64")
    )
    columns: dict[str, pd.Series] = {}
    for spec in RATES:
        if spec.sampled is None:
            continue
        names = [rp("C", year, n) for part in spec.sampled for n in part]
        if not all(n in frame.columns for n in names):
            continue
        numerator = frame[[rp("C", year, n) for n in spec.sampled[0]]].sum(axis=1, min_count=1)
        denominator = frame[[rp("C", year, n) for n in spec.sampled[1]]].sum(axis=1, min_count=1)
        terms = precision.share_terms(numerator, denominator, denominator, factor)
        for term in terms.columns:
            columns[_key(spec, year, term)] = terms[term]
    return pd.DataFrame(columns, index=frame.index, dtype="float64")


def _variance(
    variances: pd.DataFrame | None,
    territory: str,
    spec: Rate,
    year: int,
    values: tuple[float, float],
) -> float:
    keys = {t: _key(spec, year, t) for t in ("T", "S0", "S1", "S2")}
    if variances is None or territory not in variances.index:
        return math.nan
    if not all(k in variances.columns for k in keys.values()):
        return math.nan
    terms = {t: float(variances.at[territory, k]) for t, k in keys.items()}
    if any(math.isnan(v) for v in terms.values()):
        return math.nan
    return precision.share_variance(terms, numerator=values[0], denominator=values[1])


def _missing_reason(spec: Rate, years: Sequence[int], columns: Sequence[str]) -> str:
    if spec.old is not None and not spec.old and years:
        if not any(new_grouping(columns, y) for y in years):
            return f"non disponible : {_OLD_GROUPING}"
    return (
        f"non disponible : la base {spec.base} du recensement (ou les variables nécessaires) "
        "n'est pas dans les données"
    )


def _share(
    totals: pd.DataFrame, territory: str, numerator: Sequence[str], denominator: Sequence[str]
) -> tuple[float | None, float | None, float | None, str]:
    values, reason = lookup(totals, territory, [*numerator, *denominator])
    if values is None:
        return None, None, None, reason
    num = sum(values[c] for c in numerator)
    den = sum(values[c] for c in denominator)
    if den <= 0:
        return None, num, den, "non disponible : dénominateur nul (aucun effectif de référence)"
    return 100.0 * num / den, num, den, ""


def _rate_row(
    totals: pd.DataFrame,
    territory: str,
    spec: Rate,
    year: int,
    parts: Parts,
    *,
    columns: Sequence[str],
    threshold: float | None,
    variances: pd.DataFrame | None,
) -> dict[str, object]:
    value, num, den, reason = _share(totals, territory, parts.numerator, parts.denominator)
    sampled = parts.exploitation == "C"
    caution = ""
    bounds = None
    if num is not None and den is not None:
        caution = small_count_note([num, den], threshold, sampled=sampled)
        if sampled and value is not None:
            variance = _variance(variances, territory, spec, year, (num, den))
            bounds = precision.interval(value, variance, scale=100.0, bounds=(0.0, 100.0))
            caution = join_notes(caution, _SAMPLED_NOTE)
    if not new_grouping(columns, year) and spec.old:
        caution = join_notes(caution, spec.old_caution)
    return figure(
        territory,
        spec.ident,
        year,
        value,
        unite="%",
        source=census_source(year, exploitation=parts.exploitation),
        definition=parts.definition,
        note=figure_note(reason, caution),
        interval=bounds,
    )


def rates(
    totals: pd.DataFrame,
    *,
    years: Sequence[int],
    fallback_year: int,
    threshold: float | None,
    variances: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every rate of :data:`RATES` for every territory and every vintage that allows it.

    Parameters
    ----------
    totals
        Census totals (index: territory ids).
    years
        Candidate vintages (:func:`chapter_years`).
    fallback_year
        Year of the "non disponible" row of a rate that no vintage allows.
    threshold
        Small-count threshold (rule 4): a rate resting on a count below it is flagged.
    variances
        Summed variance terms per territory (:func:`variance_terms` of the communes): a
        rate computed from ``C`` columns gets its 95 % interval (rule 4b).
    """
    columns = list(totals.columns)
    rows = []
    for spec in RATES:
        available = _years_of(spec, years, columns)
        for territory in totals.index:
            if not available:
                rows.append(
                    figure(
                        territory,
                        spec.ident,
                        fallback_year,
                        None,
                        unite="%",
                        source=census_source(fallback_year),
                        definition=spec.definition,
                        note=_missing_reason(spec, years, columns),
                    )
                )
                continue
            for year in available:
                parts = formulas(spec, year, columns)
                assert parts is not None  # _years_of kept only computable years
                rows.append(
                    _rate_row(
                        totals,
                        territory,
                        spec,
                        year,
                        parts,
                        columns=columns,
                        threshold=threshold,
                        variances=variances,
                    )
                )
    return to_frame(rows)


def _pairs(years: Sequence[int]) -> list[tuple[int, int]]:
    """First → last then consecutive pairs, kept only when the gap rule allows them."""
    pairs: list[tuple[int, int]] = []
    if len(years) >= 2:
        candidates = [(years[0], years[-1]), *zip(years, years[1:], strict=False)]
        for start, end in candidates:
            if (start, end) not in pairs and is_comparable(start, end):
                pairs.append((start, end))
    return pairs


def _change_row(
    totals: pd.DataFrame,
    territory: str,
    spec: Rate,
    ends: tuple[tuple[int, Parts], tuple[int, Parts]],
    *,
    columns: Sequence[str],
    threshold: float | None,
    variances: pd.DataFrame | None,
) -> dict[str, object]:
    (start, p0), (end, p1) = ends
    v0, a0, b0, r0 = _share(totals, territory, p0.numerator, p0.denominator)
    v1, a1, b1, r1 = _share(totals, territory, p1.numerator, p1.denominator)
    reason = join_notes(r0, r1)
    value = None if v0 is None or v1 is None else v1 - v0
    sampled = p0.exploitation == "C"
    bounds = None
    if sampled and value is not None and None not in (a0, b0, a1, b1):
        var0 = _variance(variances, territory, spec, start, (a0, b0))  # type: ignore[arg-type]
        var1 = _variance(variances, territory, spec, end, (a1, b1))  # type: ignore[arg-type]
        bounds = precision.change_interval(value, var0, var1, scale=100.0)
    counts = [c for c in (a0, b0, a1, b1) if c is not None]
    caution = join_notes(
        small_count_note(counts, threshold, sampled=sampled, when=f" en {start} ou {end}"),
        noise_note(bounds),
        spec.change_caution if new_grouping(columns, start) != new_grouping(columns, end) else "",
    )
    return figure(
        territory,
        f"{spec.ident}_evolution",
        fr_period(start, end),
        value,
        unite="points",
        source=census_source(start, end, exploitation=p0.exploitation),
        definition=f"Évolution, en points, de l'indicateur entre {start} et "
        f"{end} : {spec.definition[0].lower()}{spec.definition[1:]}",
        note=figure_note(reason, caution),
        interval=bounds,
    )


def changes(
    totals: pd.DataFrame,
    *,
    years: Sequence[int],
    threshold: float | None,
    variances: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Changes in points of :data:`CHANGED` rates between comparable vintages (rule 1).

    Only between two vintages of the same exploitation (``P`` with ``P``, ``C`` with
    ``C``); a change of a ``C`` rate carries its 95 % interval and, when it contains zero,
    the caution :data:`ctgstats.portrait.families.NOISE_NOTE` (rule 4b).
    """
    columns = list(totals.columns)
    by_id = {spec.ident: spec for spec in RATES}
    rows: list[dict[str, object]] = []
    for ident in CHANGED:
        spec = by_id[ident]
        for start, end in _pairs(_years_of(spec, years, columns)):
            p0, p1 = formulas(spec, start, columns), formulas(spec, end, columns)
            assert p0 is not None and p1 is not None  # _years_of kept computable years
            if p0.exploitation != p1.exploitation:
                continue
            rows.extend(
                _change_row(
                    totals,
                    territory,
                    spec,
                    ((start, p0), (end, p1)),
                    columns=columns,
                    threshold=threshold,
                    variances=variances,
                )
                for territory in totals.index
            )
    return to_frame(rows)


def diploma_distribution(
    totals: pd.DataFrame, territories: Sequence[str], *, year: int
) -> pd.DataFrame:
    """Shares of the diploma groups of :data:`DIPLOMA_GROUPS` (%), territories × groups.

    Empty when the vintage has no diploma variables. A territory with missing values gets
    NaN shares.
    """
    columns = list(totals.columns)
    denominator = rp("P", year, "NSCOL15P")
    if denominator not in columns:
        return pd.DataFrame(columns=["territoire", "groupe", "part"])
    new = new_grouping(columns, year)
    rows = []
    for territory in territories:
        for label, parts_new, parts_old in DIPLOMA_GROUPS:
            names = [rp("P", year, n) for n in (parts_new if new else parts_old)]
            value, _, _, _ = _share(totals, territory, names, [denominator])
            rows.append(
                {
                    "territoire": territory,
                    "groupe": label,
                    "part": math.nan if value is None else value,
                }
            )
    return pd.DataFrame(rows, columns=["territoire", "groupe", "part"])


def communes_table(
    communes: pd.DataFrame,
    members: Sequence[str],
    names: Mapping[str, str],
    *,
    year: int,
    threshold: float,
) -> pd.DataFrame:
    """Unemployment rate and share without diploma of each commune, sorted by name.

    Columns ``code``, ``commune``, ``actifs_15_64``, ``taux_chomage_15_64``,
    ``non_scolarises_15p``, ``part_sans_diplome_15p`` (the share over the vintage's
    definition: no diploma or CEP, or up to the BEPC for RP2016 and before), and
    ``effectif_faible`` (True when the number of workers or of people not in school is
    below ``threshold``, rule 4). Communes are never ranked.
    """
    cols = list(communes.columns)

    def get(code: str, name: str) -> float:
        column = rp("P", year, name)
        if column not in cols or code not in communes.index:
            return math.nan
        return float(communes.at[code, column])

    rows = []
    without = ("NSCOL15P_DIPLMIN",)
    for code in members:
        act, chom = get(code, "ACT1564"), get(code, "CHOM1564")
        nscol = get(code, "NSCOL15P")
        diplmin = sum(get(code, n) for n in without)
        rows.append(
            {
                "code": code,
                "commune": names.get(code, ""),
                "actifs_15_64": act,
                "taux_chomage_15_64": 100 * chom / act if act > 0 else math.nan,
                "non_scolarises_15p": nscol,
                "part_sans_diplome_15p": 100 * diplmin / nscol if nscol > 0 else math.nan,
                "effectif_faible": bool(
                    (not math.isnan(act) and act < threshold)
                    or (not math.isnan(nscol) and nscol < threshold)
                ),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "code",
            "commune",
            "actifs_15_64",
            "taux_chomage_15_64",
            "non_scolarises_15p",
            "part_sans_diplome_15p",
            "effectif_faible",
        ],
    )
    return frame.sort_values("commune", kind="stable").reset_index(drop=True)
