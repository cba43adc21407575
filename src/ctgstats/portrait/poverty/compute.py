"""Poverty rates from Filosofi (methodology rules 11, 12, 16 and 20): pure functions.

Each territory's rates come from the Filosofi file of its *own* level
(``FILOyyyy_DISP_Pauvres_EPCI`` for an EPCI …): a rate is not additive, so nothing here
averages commune rates (rule 11); a group of communes has none unless a file gives it.

Layout of the sources, as established from public material (no real extract of these
files is available here):

* ``FILOyyyy_DISP_Pauvres_{COM,EPCI,DEP,REG,METROPOLE}`` (``PAUVRES`` from 2020), CSV in
  INSEE's ``indic-struct-distrib-revenu-yyyy-{COMMUNES,SUPRA}_csv.zip`` archives: ``CODGEO``,
  ``LIBGEO``, then columns suffixed by the year on two digits. ``TP60yy`` and
  ``TP60IPyy`` (intensity) are read by public scripts on ``FILO2019_DEC_Pauvres_COM.csv``;
  ``TP6021`` (with ``TP4021``, ``TP5021``) on ``FILO2021_DISP_PAUVRES_{COM,DEP,REG}``; the
  breakdowns ``TP60AGE1yy`` … ``TP60AGE6yy`` (age of the fiscal referent: under 30,
  30–39, 40–49, 50–59, 60–74, 75 or over) and ``TP60TOL1yy`` / ``TP60TOL2yy`` (owners,
  tenants) are documented in the INSEE variable lists reproduced by InseeFrLab's
  DoReMIFaSolData (``filosofi_com_2016``) and read by public import scripts of the
  Filosofi "chiffres clés" 2017–2021. Secret cells are blank or ``s``, ``nd`` is "not
  available"; rates under 5 % are published as 5 (Observatoire des inégalités, « L'Insee
  masque la situation des communes où il y a le moins de pauvres », 2022).
* Filosofi 2023 (Filosofi 2, new method), ``DS_FILOSOFI_CC_2023_data.csv`` in
  ``FILOSOFI_CC_csv.zip`` (INSEE page 8984752): long format
  ``FILOSOFI_MEASURE;GEO;GEO_OBJECT;UNIT_MEASURE;CONF_STATUS;OBS_STATUS;UNIT_MULT;
  TIME_PERIOD;OBS_VALUE``; ``PR_MD60`` is the poverty rate at 60 % of the median,
  ``CONF_STATUS = C`` a confidential cell; ``GEO_OBJECT`` ``FRANCE`` with ``GEO = FM`` is
  France métropolitaine. No breakdown by age of the referent or tenure is read from it.
  Filosofi 2022 was not published; 2023 is not comparable with 2021 and before.

``rows`` (input of :func:`poverty_figures`): index = territory ids, columns = generic
names without the year suffix (``TP60``, ``TP60AGE1`` … ``TP60IP``), numeric; an optional
boolean ``_absent`` column (territory without a row, its reason in ``_note``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ctgstats.core.figures import figure, to_frame

__all__ = [
    "FLOOR",
    "FLOOR_NOTE",
    "METHOD_BREAK_YEAR",
    "POVERTY_SERIES",
    "SECRET_NOTE",
    "comparable",
    "evolution_figures",
    "poverty_figures",
    "poverty_source",
]

FLOOR = 5.0
"""Published floor of the poverty rates (a rate under 5 % is published as 5)."""

SECRET_NOTE = "non disponible : secret statistique (non publié par l'Insee)"
FLOOR_NOTE = (
    "valeur plancher publiée, taux réel inférieur : l'Insee publie 5 % pour tout taux de "
    "pauvreté inférieur ou égal à 5 %"
)
METHOD_BREAK_YEAR = 2023
"""First year of Filosofi 2 (new method; 2022 was not published)."""

BREAK_NOTE = (
    "non disponible : pas d'évolution entre Filosofi 2021 (ou avant) et Filosofi 2023, "
    "la méthode a changé en 2023 (Filosofi 2022 n'a pas été publié)"
)


@dataclass(frozen=True)
class _Series:
    ident: str
    column: str  # generic column (no year suffix)
    unite: str
    definition: str
    floored: bool = True


_RATE = (
    "Taux de pauvreté au seuil de 60 % du niveau de vie médian de France métropolitaine : "
    "part des personnes vivant dans un ménage dont le niveau de vie (revenu disponible par "
    "unité de consommation) est inférieur au seuil"
)
_AGES = (
    ("moins_30", "1", "moins de 30 ans"),
    ("30_39", "2", "30 à 39 ans"),
    ("40_49", "3", "40 à 49 ans"),
    ("50_59", "4", "50 à 59 ans"),
    ("60_74", "5", "60 à 74 ans"),
    ("75_plus", "6", "75 ans ou plus"),
)

POVERTY_SERIES: tuple[_Series, ...] = (
    _Series("taux_pauvrete_60", "TP60", "%", _RATE + "."),
    *(
        _Series(
            f"taux_pauvrete_60_{key}",
            f"TP60AGE{digit}",
            "%",
            f"{_RATE}, parmi les personnes des ménages dont le référent fiscal a {label}.",
        )
        for key, digit, label in _AGES
    ),
    _Series(
        "taux_pauvrete_60_proprietaires",
        "TP60TOL1",
        "%",
        f"{_RATE}, parmi les personnes des ménages propriétaires de leur logement.",
    ),
    _Series(
        "taux_pauvrete_60_locataires",
        "TP60TOL2",
        "%",
        f"{_RATE}, parmi les personnes des ménages locataires de leur logement.",
    ),
    _Series(
        "intensite_pauvrete",
        "TP60IP",
        "%",
        "Intensité de la pauvreté : écart relatif entre le niveau de vie médian des "
        "personnes pauvres et le seuil de pauvreté (60 % de la médiane), en % du seuil. "
        "Plus il est élevé, plus les personnes pauvres sont loin du seuil.",
        floored=False,
    ),
)
"""Figures of :func:`poverty_figures`, in output order."""

AGE_SERIES = tuple(s.ident for s in POVERTY_SERIES if s.column.startswith("TP60AGE"))


def poverty_source(year: int) -> str:
    """``"Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi 2019"`` (« Filosofi 2 » from 2023)."""
    name = "Filosofi 2" if year >= METHOD_BREAK_YEAR else "Filosofi"
    return f"Insee-DGFiP-Cnaf-Cnav-CCMSA, {name} {year}"


def comparable(start: int, end: int) -> bool:
    """True when two Filosofi years are on the same side of the 2023 method change."""
    return (start >= METHOD_BREAK_YEAR) == (end >= METHOD_BREAK_YEAR)


def _cell(
    rows: pd.DataFrame, territory: object, spec: _Series, year: int
) -> tuple[float, str, bool]:
    """(value, note, available) of one published cell."""
    if "_absent" in rows.columns and bool(rows.at[territory, "_absent"]):
        note = rows.at[territory, "_note"] if "_note" in rows.columns else None
        reason = (
            note
            if isinstance(note, str) and note
            else (f"non disponible : territoire absent du fichier Filosofi {year}")
        )
        return math.nan, reason, False
    if spec.column not in rows.columns:
        return (
            math.nan,
            f"non disponible : Filosofi {year} ne publie pas cet indicateur dans les "
            "fichiers fournis",
            False,
        )
    value = rows.at[territory, spec.column]
    if value is None or pd.isna(value):
        return math.nan, SECRET_NOTE, False
    value = float(value)
    if spec.floored and value <= FLOOR:
        return math.nan, FLOOR_NOTE, False  # a floor is never read as a value
    return value, "", True


def poverty_figures(rows: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Poverty figures of each territory for one Filosofi year, as published.

    A secret cell is "non disponible : secret statistique"; a rate published at the
    floor (5) is not available either (NaN, note :data:`FLOOR_NOTE`): it is never read as
    a value.

    Parameters
    ----------
    rows
        One row per territory (see the module docstring).
    year
        Filosofi year (income year).

    Returns
    -------
    pandas.DataFrame
        Rows of :data:`POVERTY_SERIES` for every territory (FIGURE_COLUMNS).
    """
    if not rows.index.is_unique:
        raise ValueError("rows: duplicated territory ids")
    source = poverty_source(year)
    result = []
    for territory in rows.index:
        for spec in POVERTY_SERIES:
            value, note, available = _cell(rows, territory, spec, year)
            result.append(
                figure(
                    str(territory),
                    spec.ident,
                    year,
                    value,
                    unite=spec.unite,
                    source=source,
                    definition=spec.definition,
                    note=note,
                    disponible=available,
                )
            )
    return to_frame(result)


def evolution_figures(
    figures: pd.DataFrame, *, years: Sequence[int], territories: Sequence[str]
) -> pd.DataFrame:
    """Change of the poverty rate, in points, between comparable Filosofi years.

    One period from the first to the last year before 2023 (when there are two), and one
    from the first to the last year from 2023 on; a pair across the method change gives
    a "non disponible" row with the reason (never a change across it).
    """
    ordered = sorted(set(years))
    old = [y for y in ordered if y < METHOD_BREAK_YEAR]
    new = [y for y in ordered if y >= METHOD_BREAK_YEAR]
    periods: list[tuple[int, int, bool]] = []
    for side in (old, new):
        if len(side) >= 2:
            periods.append((side[0], side[-1], True))
    if old and new:
        periods.append((old[-1], new[0], False))
    values: Mapping[tuple[str, str], pd.Series] = {
        (str(r.territoire), str(r.annee)): r
        for r in figures[figures["indicateur"] == "taux_pauvrete_60"].itertuples()
    }
    rows = []
    for start, end, ok in periods:
        for territory in territories:
            a = values.get((territory, str(start)))
            b = values.get((territory, str(end)))
            note, value = "", math.nan
            if not ok:
                note = BREAK_NOTE
            elif a is None or b is None or not (a.disponible and b.disponible):
                note = (
                    f"non disponible : taux de pauvreté non publié (secret statistique ou "
                    f"valeur plancher) en {start} ou en {end}"
                )
            else:
                value = float(b.valeur) - float(a.valeur)
            rows.append(
                figure(
                    territory,
                    "taux_pauvrete_60_evolution",
                    f"{start}-{end}",
                    value,
                    unite="points",
                    source=f"{poverty_source(start)} et {end}",
                    definition="Évolution du taux de pauvreté au seuil de 60 %, en points "
                    "de pourcentage, entre deux millésimes de Filosofi calculés avec la même "
                    "méthode (euros courants ; le seuil suit la médiane nationale).",
                    note=note,
                )
            )
    return to_frame(rows)
