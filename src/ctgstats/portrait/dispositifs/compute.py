"""Pure computations of the inventory chapter: coverage by theme, needs × dispositifs.

Everything here works on the tables the chapter stores in the portrait (and writes as
CSV): ``dispositifs`` (one row per dispositif, lists joined by ``", "``, the communes it
covers in ``communes_couvertes``) and ``dispositifs_couverture`` (one row per CTG theme
and commune of the territory). A commune « covered by none » for a theme is a commune of
the territory that no dispositif of that theme lists in its area.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from ctgstats.portrait.dispositifs.codes import code_lists

__all__ = [
    "COVERAGE_COLUMNS",
    "coverage_table",
    "latest_value",
    "needs_table",
    "of_theme",
    "split_list",
    "theme_summary",
]

COVERAGE_COLUMNS = ["theme_ctg", "theme", "code", "commune", "nombre_dispositifs", "dispositifs"]


def split_list(value: object) -> list[str]:
    """The items of a list cell (``"a, b"`` → ``["a", "b"]``); blank or NaN → []."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [part.strip() for part in str(value).split(",") if part.strip()]


def of_theme(dispositifs: pd.DataFrame, theme: str) -> pd.DataFrame:
    """The rows of ``dispositifs`` whose ``theme_ctg`` lists ``theme``."""
    return dispositifs[[theme in split_list(value) for value in dispositifs["theme_ctg"]]]


def coverage_table(dispositifs: pd.DataFrame, communes: Mapping[str, str]) -> pd.DataFrame:
    """How many dispositifs of each CTG theme cover each commune of the territory.

    Parameters
    ----------
    dispositifs
        The ``dispositifs`` table (columns ``nom``, ``theme_ctg``, ``communes_couvertes``).
    communes
        Code → name of every commune of the territory.

    Returns
    -------
    DataFrame
        :data:`COVERAGE_COLUMNS`, one row per theme of the code list (in its order) and
        commune (by name), ``nombre_dispositifs`` 0 for a commune covered by none.
    """
    themes = code_lists().themes
    rows: list[dict[str, object]] = []
    ordered = sorted(communes, key=lambda code: (communes[code], code))
    for code_theme, theme in themes.items():
        names_by_commune: dict[str, list[str]] = {c: [] for c in ordered}
        for _, item in dispositifs.iterrows():
            if code_theme not in split_list(item["theme_ctg"]):
                continue
            for commune in split_list(item["communes_couvertes"]):
                if commune in names_by_commune:
                    names_by_commune[commune].append(str(item["nom"]))
        rows.extend(
            {
                "theme_ctg": code_theme,
                "theme": theme.label,
                "code": commune,
                "commune": communes[commune],
                "nombre_dispositifs": len(names),
                "dispositifs": ", ".join(names),
            }
            for commune, names in names_by_commune.items()
        )
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def theme_summary(dispositifs: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """One row per CTG theme: its dispositifs, capacity, communes covered and not covered.

    Columns ``theme_ctg``, ``theme``, ``nombre_dispositifs``, ``dispositifs`` (names),
    ``capacites`` (sums by unit, e.g. ``{"places": 32}``), ``communes`` (of the
    territory), ``communes_couvertes``, ``communes_non_couvertes`` (names, alphabetical).
    """
    rows = []
    for code_theme, theme in code_lists().themes.items():
        mine = of_theme(dispositifs, code_theme)
        capacities: dict[str, float] = {}
        for _, item in mine.iterrows():
            if pd.notna(item["capacite"]):
                unit = str(item["unite_capacite"])
                capacities[unit] = capacities.get(unit, 0.0) + float(item["capacite"])
        cells = coverage[coverage["theme_ctg"] == code_theme]
        uncovered = cells[cells["nombre_dispositifs"] == 0]
        rows.append(
            {
                "theme_ctg": code_theme,
                "theme": theme.label,
                "nombre_dispositifs": len(mine),
                "dispositifs": list(mine["nom"]),
                "capacites": capacities,
                "communes": len(cells),
                "communes_couvertes": int((cells["nombre_dispositifs"] > 0).sum()),
                "communes_non_couvertes": list(uncovered["commune"]),
            }
        )
    return pd.DataFrame(rows)


def latest_value(
    figures: pd.DataFrame, indicator: str, territory: str
) -> tuple[str, float, str] | None:
    """``(annee, valeur, unite)`` of the latest available single-year value, or None.

    Periods (``2011-2022``) are skipped: a need is read at one date.
    """
    rows = figures[
        (figures["indicateur"] == indicator)
        & (figures["territoire"] == territory)
        & figures["disponible"].astype(bool)
        & figures["annee"].astype(str).str.fullmatch(r"\d{4}")
    ]
    rows = rows[rows["valeur"].notna()]
    if rows.empty:
        return None
    last = rows.assign(_year=rows["annee"].astype(int)).sort_values("_year").iloc[-1]
    return str(last["annee"]), float(last["valeur"]), str(last["unite"])


def needs_table(
    figures: pd.DataFrame, *, territory: str, comparator: str | None, themes: Sequence[str]
) -> pd.DataFrame:
    """The needs indicators of each theme: latest value of the territory and a comparator.

    Columns ``theme_ctg``, ``indicateur``, ``annee``, ``valeur``, ``unite``,
    ``valeur_comparateur`` (same year, NaN when not published). An indicator the portrait
    does not have for the territory is left out (it is named in the chapter's cautions).
    """
    by_code = code_lists().themes
    rows = []
    for code_theme in themes:
        for indicator in by_code[code_theme].needs:
            found = latest_value(figures, indicator, territory)
            if found is None:
                continue
            year, value, unit = found
            other = math.nan
            if comparator is not None:
                match = figures[
                    (figures["indicateur"] == indicator)
                    & (figures["territoire"] == comparator)
                    & (figures["annee"].astype(str) == year)
                    & figures["disponible"].astype(bool)
                ]
                if len(match):
                    other = float(match["valeur"].iloc[0])
            rows.append(
                {
                    "theme_ctg": code_theme,
                    "indicateur": indicator,
                    "annee": year,
                    "valeur": value,
                    "unite": unit,
                    "valeur_comparateur": other,
                }
            )
    return pd.DataFrame(
        rows,
        columns=["theme_ctg", "indicateur", "annee", "valeur", "unite", "valeur_comparateur"],
    )
