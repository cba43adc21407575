"""Housing figures from the census ``base-cc-logement`` (methodology rules 1, 2, 4, 4b, 18).

Every figure is a sum of INSEE columns over another sum of the same exploitation
(rule 2): dwellings (``P_RP``, ``P_RSECOCC``, ``P_LOGVAC``, ``P_MAISON``, ``P_APPART``
over ``P_LOG``), tenure over the main homes (``P_RP_PROP``, ``P_RP_LOC``,
``P_RP_LOCHLMV``, ``P_RP_GRAT`` over ``P_RP``), the age of the stock over the main homes
built before N−2 (``P_RP_ACHTOT``, not ``P_RP``; its classes change between vintages and
are read under each vintage's own names), overcrowding from the complementary
exploitation over its own denominator (``C_RP_HSTU1P_SUROCC / C_RP_HSTU1P``, studios
occupied by one person excluded) with its approximate 95 % interval (rule 4b).

A vintage is a housing vintage when its dwellings (``P{yy}_LOG``) are published for some
commune. Changes are computed only between vintages the census gap rule allows
(:func:`ctgstats.core.comparability.is_comparable`); the others are not computed at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import pandas as pd

from ctgstats.core.comparability import is_comparable
from ctgstats.core.figures import figure, to_frame
from ctgstats.data.variables import rp, rp_vintages
from ctgstats.portrait import precision
from ctgstats.portrait.demography import census_source, figure_note, lookup, small_count_note
from ctgstats.present.formatting import fr_period

__all__ = [
    "FIGURES",
    "SHARE_CHANGES",
    "COUNT_CHANGES",
    "HousingFigure",
    "construction_columns",
    "housing_changes",
    "housing_figures",
    "housing_vintages",
    "variance_terms",
]

RSECOCC_NOTE = (
    "l'Insee compte ensemble les résidences secondaires et les logements occasionnels "
    "(logements utilisés une partie de l'année, par exemple pour des raisons professionnelles)"
)
HLM_NOTE = "statut HLM déclaré par l'occupant au recensement, non issu du répertoire RPLS"


OCCUPANCY_CLASSES = (
    "RP_NORME",
    "RP_SOUSOCC_MOD",
    "RP_SOUSOCC_ACC",
    "RP_SOUSOCC_TACC",
    "RP_SUROCC_MOD",
    "RP_SUROCC_ACC",
)
"""Occupancy classes of the RP2022 (``C22_RP_NORME`` …): every classified main home."""

DROPPED_OVERCROWDING = (
    " (le RP2022 ne publie plus la suroccupation hors studios : voir l'indicateur de "
    "peuplement du RP2022)"
)


@dataclass(frozen=True)
class HousingFigure:
    """``scale × Σ numerator / Σ denominator`` (or a count) of one vintage.

    Names are INSEE's without the vintage prefix (``RP_PROP``); ``complement`` gives
    ``scale × (1 − numerator / denominator)``.
    """

    ident: str
    unite: str
    definition: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] | None = None
    scale: float = 100.0
    exploitation: Literal["P", "C"] = "P"
    complement: bool = False
    caution: str = ""


def construction_columns(year: int) -> dict[str, tuple[str, ...]]:
    """INSEE's construction-period columns of main homes of a vintage (names without prefix).

    RP2022 writes the end year of each class on four digits (``RP_ACH1919`` … ``RP_ACH2019``),
    earlier vintages on two (``RP_ACH19`` … ``RP_ACH05``, then ``RP_ACH13`` for 2006-2013 in
    RP2016, ``RP_ACH18`` in RP2021). The last class always ends in N−3 and ``RP_ACHTOT``
    counts the main homes built before N−2.
    """

    def name(end: int) -> str:
        return f"RP_ACH{end}" if year >= 2022 else f"RP_ACH{end % 100:02d}"

    last = year - 3
    return {
        "part_rp_avant_1919": (name(1919),),
        "part_rp_1919_1945": (name(1945),),
        "part_rp_avant_1946": (name(1919), name(1945)),
        "part_rp_1946_1970": (name(1970),),
        "part_rp_1971_1990": (name(1990),),
        "part_rp_1991_2005": (name(2005),),
        "part_rp_depuis_2006": (name(last),),
    }


_PERIOD_WORDS = {
    "part_rp_avant_1919": "achevées avant 1919",
    "part_rp_1919_1945": "achevées de 1919 à 1945",
    "part_rp_avant_1946": "achevées avant 1946",
    "part_rp_1946_1970": "achevées de 1946 à 1970",
    "part_rp_1971_1990": "achevées de 1971 à 1990",
    "part_rp_1991_2005": "achevées de 1991 à 2005",
}


def _period_words(ident: str, year: int) -> str:
    return _PERIOD_WORDS.get(ident, f"achevées de 2006 à {year - 3}")


def figures_of(year: int) -> tuple[HousingFigure, ...]:
    """Housing figures of a vintage, in output order."""
    periods = construction_columns(year)
    built = f"résidences principales achevées avant {year - 2}"
    age = tuple(
        HousingFigure(
            ident,
            "%",
            f"Part des résidences principales {_period_words(ident, year)} parmi les {built} "
            "(les classes d'époque changent selon les millésimes)",
            columns,
            ("RP_ACHTOT",),
        )
        for ident, columns in periods.items()
    )
    return (
        HousingFigure("logements", "logements", "Nombre de logements", ("LOG",), None),
        HousingFigure(
            "residences_principales",
            "logements",
            "Nombre de résidences principales (un ménage par résidence principale)",
            ("RP",),
            None,
        ),
        HousingFigure(
            "residences_secondaires",
            "logements",
            f"Nombre de résidences secondaires et logements occasionnels ({RSECOCC_NOTE})",
            ("RSECOCC",),
            None,
            caution=RSECOCC_NOTE,
        ),
        HousingFigure(
            "logements_vacants", "logements", "Nombre de logements vacants", ("LOGVAC",), None
        ),
        HousingFigure(
            "part_residences_principales",
            "%",
            "Part des résidences principales parmi l'ensemble des logements",
            ("RP",),
            ("LOG",),
        ),
        HousingFigure(
            "part_residences_secondaires",
            "%",
            "Part des résidences secondaires et logements occasionnels parmi l'ensemble des "
            f"logements ({RSECOCC_NOTE})",
            ("RSECOCC",),
            ("LOG",),
            caution=RSECOCC_NOTE,
        ),
        HousingFigure(
            "part_logements_vacants",
            "%",
            "Part des logements vacants parmi l'ensemble des logements",
            ("LOGVAC",),
            ("LOG",),
        ),
        HousingFigure(
            "part_maisons",
            "%",
            "Part des maisons parmi l'ensemble des logements",
            ("MAISON",),
            ("LOG",),
        ),
        HousingFigure(
            "part_appartements",
            "%",
            "Part des appartements parmi l'ensemble des logements",
            ("APPART",),
            ("LOG",),
        ),
        HousingFigure(
            "part_proprietaires",
            "%",
            "Part des résidences principales occupées par leur propriétaire",
            ("RP_PROP",),
            ("RP",),
        ),
        HousingFigure(
            "part_locataires",
            "%",
            "Part des résidences principales occupées par des locataires (parc privé et HLM)",
            ("RP_LOC",),
            ("RP",),
        ),
        HousingFigure(
            "part_locataires_hlm",
            "%",
            f"Part des résidences principales louées vides dans un logement HLM ({HLM_NOTE})",
            ("RP_LOCHLMV",),
            ("RP",),
            caution=HLM_NOTE,
        ),
        HousingFigure(
            "part_loges_gratuitement",
            "%",
            "Part des résidences principales dont les occupants sont logés gratuitement",
            ("RP_GRAT",),
            ("RP",),
        ),
        *age,
        HousingFigure(
            "nombre_moyen_pieces_rp",
            "pièces",
            "Nombre moyen de pièces par résidence principale",
            ("NBPI_RP",),
            ("RP",),
            scale=1.0,
        ),
        HousingFigure(
            "part_rp_1_2_pieces",
            "%",
            "Part des résidences principales d'une ou deux pièces",
            ("RP_1P", "RP_2P"),
            ("RP",),
        ),
        HousingFigure(
            "part_rp_5_pieces_plus",
            "%",
            "Part des résidences principales de cinq pièces ou plus",
            ("RP_5PP",),
            ("RP",),
        ),
        HousingFigure(
            "part_suroccupation",
            "%",
            "Part des résidences principales suroccupées parmi les résidences principales hors "
            "studios occupés par une personne (exploitation complémentaire : un échantillon)",
            ("RP_HSTU1P_SUROCC",),
            ("RP_HSTU1P",),
            exploitation="C",
        ),
        HousingFigure(
            "part_suroccupation_peuplement",
            "%",
            "Part des résidences principales suroccupées (suroccupation modérée ou accentuée) "
            "selon l'indicateur de peuplement du RP2022, parmi toutes les résidences principales "
            "classées (exploitation complémentaire : un échantillon ; définition différente "
            "de celle des millésimes antérieurs)",
            ("RP_SUROCC_MOD", "RP_SUROCC_ACC"),
            OCCUPANCY_CLASSES,
            exploitation="C",
        ),
        HousingFigure(
            "part_menages_sans_voiture",
            "%",
            "Part des ménages sans voiture : 1 − ménages ayant au moins une voiture / "
            "résidences principales",
            ("RP_VOIT1P",),
            ("RP",),
            complement=True,
        ),
        HousingFigure(
            "part_menages_emmenages_moins_2_ans",
            "%",
            "Part des ménages ayant emménagé dans leur logement depuis moins de 2 ans",
            ("MEN_ANEM0002",),
            ("MEN",),
        ),
    )


FIGURES = figures_of(2022)
"""The figures of RP2022 (the construction classes of other vintages differ)."""

COUNT_CHANGES = ("logements", "residences_principales")
"""Counts whose change between comparable vintages is reported."""

SHARE_CHANGES = ("part_residences_secondaires", "part_logements_vacants")
"""Shares whose change (in points) between comparable vintages is reported."""


# ------------------------------------------------------------------ vintages


def housing_vintages(totals: pd.DataFrame) -> list[int]:
    """Vintages whose dwellings ``P{yy}_LOG`` hold a value for some territory."""
    return [
        year
        for year in rp_vintages(list(totals.columns), name="LOG")
        if totals[rp("P", year, "LOG")].notna().any()
    ]


def comparable_pairs(vintages: Sequence[int]) -> list[tuple[int, int]]:
    """First → last, then consecutive pairs, kept only when the census gap rule allows."""
    pairs: list[tuple[int, int]] = []
    if len(vintages) >= 2:
        candidates = [(vintages[0], vintages[-1]), *zip(vintages, vintages[1:])]
        for start, end in candidates:
            if is_comparable(start, end) and (start, end) not in pairs:
                pairs.append((start, end))
    return pairs


# ------------------------------------------------------------------ precision


def _key(ident: str, year: int, term: str) -> str:
    return f"logement:{ident}@{year}:{term}"


def _column_sum(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    if not all(c in frame.columns for c in columns):
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return frame[list(columns)].sum(axis=1, skipna=False, min_count=1).astype("float64")


def variance_terms(frame: pd.DataFrame, *, year: int, design: pd.Series | float) -> pd.DataFrame:
    """Additive variance terms of the complementary-exploitation shares (rule 4b).

    The universe of each commune (its households) is its main homes ``P{yy}_RP``.
    """
    factor = (
        design
        if isinstance(design, pd.Series)
        else pd.Series(float(design), index=frame.index, dtype="float64")
    )
    universe = _column_sum(frame, [rp("P", year, "RP")])
    columns: dict[str, pd.Series] = {}
    for spec in figures_of(year):
        if spec.exploitation != "C" or spec.denominator is None:
            continue
        numerator = _column_sum(frame, [rp("C", year, n) for n in spec.numerator])
        denominator = _column_sum(frame, [rp("C", year, n) for n in spec.denominator])
        terms = precision.share_terms(numerator, denominator, universe, factor)
        for term in terms.columns:
            columns[_key(spec.ident, year, term)] = terms[term]
    return pd.DataFrame(columns, index=frame.index, dtype="float64")


def _share_variance(
    variances: pd.DataFrame | None, territory: str, ident: str, year: int, values: tuple
) -> float:
    if variances is None or territory not in variances.index:
        return math.nan
    terms = {}
    for term in ("T", "S0", "S1", "S2"):
        key = _key(ident, year, term)
        if key not in variances.columns:
            return math.nan
        terms[term] = float(variances.at[territory, key])
    if any(math.isnan(v) for v in terms.values()):
        return math.nan
    return precision.share_variance(terms, numerator=values[0], denominator=values[1])


# ------------------------------------------------------------------ figures


def _row(
    totals: pd.DataFrame,
    territory: str,
    spec: HousingFigure,
    *,
    year: int,
    threshold: float | None,
    variances: pd.DataFrame | None,
) -> dict[str, object]:
    numerator_columns = [rp(spec.exploitation, year, n) for n in spec.numerator]
    denominator_columns = [rp(spec.exploitation, year, n) for n in spec.denominator or ()]
    needed = list(dict.fromkeys(numerator_columns + denominator_columns))
    values, reason = lookup(totals, territory, needed)
    if reason and spec.ident == "part_suroccupation" and year >= 2022:
        reason += DROPPED_OVERCROWDING
    value = None
    bounds = None
    caution = ""
    if values is not None:
        numerator = sum(values[c] for c in numerator_columns)
        counts = [numerator]
        if spec.denominator is None:
            value = numerator
        else:
            denominator = sum(values[c] for c in denominator_columns)
            counts.append(denominator)
            if denominator > 0:
                fraction = numerator / denominator
                value = spec.scale * (1.0 - fraction if spec.complement else fraction)
                if spec.exploitation == "C":
                    variance = _share_variance(
                        variances, territory, spec.ident, year, (numerator, denominator)
                    )
                    bounds = precision.interval(
                        value, variance, scale=spec.scale, bounds=(0.0, spec.scale)
                    )
            else:
                reason = "non disponible : dénominateur nul (aucun logement de référence)"
        if spec.denominator is not None or spec.exploitation == "C":
            caution = small_count_note(
                cast("list[float]", counts), threshold, sampled=spec.exploitation == "C"
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


def housing_figures(
    totals: pd.DataFrame,
    *,
    year: int,
    small_count_threshold: float | None,
    variances: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every housing figure of one vintage, for every territory of ``totals``.

    A figure whose columns are absent from the files (or empty for a territory) is a
    "non disponible" row naming them (:func:`ctgstats.portrait.demography.lookup`).
    """
    rows = [
        _row(
            totals,
            str(territory),
            spec,
            year=year,
            threshold=small_count_threshold,
            variances=variances,
        )
        for territory in totals.index
        for spec in figures_of(year)
    ]
    return to_frame(rows)


def _value(figures: pd.DataFrame, territory: str, ident: str, year: int) -> tuple[float, str]:
    rows = figures[
        (figures["territoire"] == territory)
        & (figures["indicateur"] == ident)
        & (figures["annee"] == str(year))
    ]
    if not len(rows):
        return math.nan, f"non disponible : {ident} {year} non calculé"
    row = rows.iloc[0]
    return float(row["valeur"]), "" if row["disponible"] else str(row["note"])


def housing_changes(figures: pd.DataFrame, *, start: int, end: int) -> pd.DataFrame:
    """Changes of dwellings and of the shares of second homes and vacancy (P, no interval).

    Only called for comparable vintages (:func:`comparable_pairs`).
    """
    rows = []
    period = fr_period(start, end)
    source = census_source(start, end, exploitation="P")
    same = f"entre {start} et {end}, même définition aux deux dates"
    for territory in dict.fromkeys(figures["territoire"]):
        for ident in COUNT_CHANGES:
            (v0, r0), (v1, r1) = (_value(figures, territory, ident, y) for y in (start, end))
            reason = r0 or r1
            ok = not reason
            label = "des logements" if ident == "logements" else "des résidences principales"
            rows.append(
                figure(
                    territory,
                    f"{ident}_evolution",
                    period,
                    v1 - v0 if ok else None,
                    unite="logements",
                    source=source,
                    definition=f"Évolution du nombre {label} {same}",
                    note=reason,
                )
            )
            pct = (v1 / v0 - 1.0) * 100.0 if ok and v0 > 0 else None
            rows.append(
                figure(
                    territory,
                    f"{ident}_evolution_pct",
                    period,
                    pct,
                    unite="%",
                    source=source,
                    definition=f"Évolution relative du nombre {label} {same}",
                    note=reason
                    or ("" if pct is not None else f"non disponible : aucun en {start}"),
                )
            )
        for ident in SHARE_CHANGES:
            (v0, r0), (v1, r1) = (_value(figures, territory, ident, y) for y in (start, end))
            reason = r0 or r1
            what = (
                "des résidences secondaires et logements occasionnels"
                if ident == "part_residences_secondaires"
                else "des logements vacants"
            )
            rows.append(
                figure(
                    territory,
                    f"{ident}_evolution",
                    period,
                    None if reason else v1 - v0,
                    unite="points",
                    source=source,
                    definition=f"Évolution, en points, de la part {what} parmi les logements "
                    f"{same}",
                    note=reason,
                )
            )
    return to_frame(rows)


def all_figures(
    totals: pd.DataFrame,
    *,
    vintages: Sequence[int],
    small_count_threshold: float | None,
    variances: pd.DataFrame | None,
) -> pd.DataFrame:
    """Figures of every housing vintage, then the changes between comparable vintages."""
    frames = [
        housing_figures(
            totals, year=year, small_count_threshold=small_count_threshold, variances=variances
        )
        for year in vintages
    ]
    levels = pd.concat(frames, ignore_index=True) if frames else to_frame([])
    changes = [housing_changes(levels, start=a, end=b) for a, b in comparable_pairs(vintages)]
    return pd.concat([levels, *changes], ignore_index=True)
