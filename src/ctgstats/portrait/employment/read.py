"""The published NEET share (Observatoire des territoires), read from ``context.catalog``.

The share of 15-24 year-olds neither in employment nor in education or training cannot be
computed from the census commune bases (students are counted only among the 15-64, rule
19): it is taken from the file of the territory's own level (EPCI file for an EPCI,
département file for a département …), never approximated, and "non disponible" with the
reason otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ctgstats.core.codes import Level
from ctgstats.core.figures import figure, to_frame
from ctgstats.core.territories import ResolvedTerritory
from ctgstats.data.catalog import Catalog
from ctgstats.portrait.demography import small_count_note

__all__ = ["NEET_ID", "NEET_LEVEL", "neet_figures"]

NEET_ID = "part_neet_15_24"

#: File level of each territory level (France and groups of communes have none).
NEET_LEVEL: dict[Level, str] = {
    Level.COMMUNE: "COM",
    Level.EPCI: "EPCI",
    Level.DEPARTEMENT: "DEP",
    Level.REGION: "REG",
}

_LEVEL_NAMES = {"COM": "communes", "EPCI": "EPCI", "DEP": "départements", "REG": "régions"}

DEFINITION = (
    "Part des jeunes de 15 à 24 ans qui ne sont ni en emploi, ni en études ou en formation "
    "(NEET, « jeunes non insérés »), publiée par l'Observatoire des territoires d'après le "
    "recensement ; non calculable à partir des bases communales du recensement"
)

_NOT_COMPUTED = (
    "elle n'est pas calculée à partir des bases communales du recensement, qui ne comptent "
    "les élèves et étudiants que parmi les 15-64 ans"
)


def _source(year: int) -> str:
    return f"Observatoire des territoires (ANCT), d'après le recensement de l'Insee ({year})"


def _unavailable(territory: ResolvedTerritory, year: int, reason: str) -> dict[str, object]:
    return figure(
        territory.id,
        NEET_ID,
        year,
        None,
        unite="%",
        source=_source(year),
        definition=DEFINITION,
        note=f"non disponible : {reason}",
    )


def neet_figures(
    catalog: Catalog,
    territories: Sequence[ResolvedTerritory],
    *,
    youth: pd.Series,
    threshold: float | None,
    fallback_year: int,
) -> pd.DataFrame:
    """The NEET share of every territory, for every year its level's files publish.

    Parameters
    ----------
    catalog
        The files of the run (``neet_{communes,epci,dpt,region}_YYYY.csv``).
    territories
        The territory and its comparators.
    youth
        Population aged 15-24 of each territory (census), to flag small populations
        (rule 4); NaN when unknown.
    threshold
        Small-count threshold; None disables the flag.
    fallback_year
        Year of the "non disponible" row when no file gives one.
    """
    tables = {level: catalog.neet_table(level=level) for level in _LEVEL_NAMES}
    years = sorted({int(y) for t in tables.values() if t is not None for y in t["annee"]})
    default_year = years[-1] if years else fallback_year
    rows = []
    for territory in territories:
        level = NEET_LEVEL.get(territory.level)
        if level is None:
            what = (
                "un groupe de communes"
                if territory.level is Level.GROUPE
                else "la France dans les fichiers fournis"
            )
            rows.append(
                _unavailable(
                    territory,
                    default_year,
                    f"l'Observatoire des territoires ne publie pas la part des NEET pour "
                    f"{what} ; {_NOT_COMPUTED}",
                )
            )
            continue
        table = tables[level]
        if table is None:
            rows.append(
                _unavailable(
                    territory,
                    default_year,
                    "aucun fichier de l'Observatoire des territoires au niveau des "
                    f"{_LEVEL_NAMES[level]} dans les données ; {_NOT_COMPUTED}",
                )
            )
            continue
        own = table[table["code"] == territory.code].sort_values("annee")
        if own.empty:
            rows.append(
                _unavailable(
                    territory,
                    default_year,
                    "territoire absent du fichier de l'Observatoire des territoires "
                    f"(niveau des {_LEVEL_NAMES[level]} ; périmètre de la géographie du fichier)",
                )
            )
            continue
        population = float(youth.get(territory.id, math.nan))
        caution = (
            ""
            if math.isnan(population)
            else small_count_note([population], threshold, sampled=False).replace(
                "effectif faible", "population de 15 à 24 ans faible", 1
            )
        )
        for year, value in zip(own["annee"], own["valeur"], strict=True):
            note = caution if not math.isnan(value) else "non disponible : valeur non publiée"
            rows.append(
                figure(
                    territory.id,
                    NEET_ID,
                    int(year),
                    None if math.isnan(value) else float(value),
                    unite="%",
                    source=_source(int(year)),
                    definition=DEFINITION,
                    note=note,
                )
            )
    return to_frame(rows)
