"""Disposable income from Filosofi (methodology rules 11 and 12).

Each territory's row comes from the Filosofi file of its *own* level (``FILO2019_DISP_EPCI``
for an EPCI, ``…_DEP`` for a département …): medians, quartiles and deciles are not
additive, so nothing here aggregates them across communes (rule 11) — a group of communes
has no Filosofi value. A blank cell of a published row is statistical secrecy, never zero
(rule 12); a territory missing from its file is reported as absent.

``rows`` (input of every function): index = territory ids, columns = the Filosofi columns
of the year as read from the file, already numeric (the loader parses decimal commas), plus
an optional boolean ``_absent`` column, True for a territory absent from its file (its
values are then NaN), and an optional ``_note`` column, the French reason of an absent
territory when it is not simply missing from its file.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ctgstats.core.figures import figure, to_frame
from ctgstats.data.variables import filosofi

__all__ = [
    "INCOME_FIGURES",
    "SECRET_NOTE",
    "filosofi_source",
    "absent_note",
    "income_figures",
    "deciles_table",
]

SECRET_NOTE = "secret statistique : non publié par l'Insee"
ABSENT_FLAG = "_absent"
NOTE_COLUMN = "_note"  # optional reason of an absent territory (else :func:`absent_note`)


@dataclass(frozen=True)
class _Income:
    ident: str
    name: str  # Filosofi column without its year suffix (``Q2``, ``RD`` …)
    unite: str
    definition: str


_PER_UC = "du revenu disponible par unité de consommation"

INCOME_FIGURES: tuple[_Income, ...] = (
    _Income(
        "revenu_median_uc",
        "Q2",
        "€",
        f"Médiane {_PER_UC} (la moitié des personnes "
        "vivent dans un ménage dont le revenu disponible par unité de consommation est "
        "inférieur)",
    ),
    _Income("revenu_q1_uc", "Q1", "€", f"Premier quartile {_PER_UC}"),
    _Income("revenu_q3_uc", "Q3", "€", f"Troisième quartile {_PER_UC}"),
    _Income(
        "revenu_d1_uc",
        "D1",
        "€",
        f"Premier décile {_PER_UC} (10 % des personnes ont un niveau de vie inférieur)",
    ),
    _Income(
        "revenu_d9_uc",
        "D9",
        "€",
        f"Neuvième décile {_PER_UC} (10 % des personnes ont un niveau de vie supérieur)",
    ),
    _Income(
        "rapport_interdecile",
        "RD",
        "rapport",
        f"Rapport interdécile (D9 / D1) {_PER_UC}, tel que publié par l'Insee",
    ),
    _Income(
        "rapport_s80_s20",
        "S80S20",
        "rapport",
        "Rapport entre la masse des revenus "
        "disponibles par unité de consommation des 20 % de personnes les plus aisées et "
        "celle des 20 % les plus modestes, tel que publié par l'Insee",
    ),
    _Income(
        "indice_gini",
        "GI",
        "indice",
        f"Indice de Gini {_PER_UC}, tel que publié par "
        "l'Insee (0 = égalité parfaite, 1 = inégalité maximale)",
    ),
    _Income("menages_fiscaux", "NBMEN", "ménages fiscaux", "Nombre de ménages fiscaux"),
    _Income(
        "personnes_menages_fiscaux",
        "NBPERS",
        "personnes",
        "Nombre de personnes dans les ménages fiscaux",
    ),
    _Income(
        "part_prestations_sociales",
        "PPSOC",
        "%",
        "Part des prestations sociales dans le revenu disponible",
    ),
)
"""Figures of :func:`income_figures`, in output order."""

DECILES = ("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9")


def filosofi_source(year: int) -> str:
    """``"Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi 2019"``."""
    return f"Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi {year}"


def absent_note(year: int) -> str:
    """Reason of a territory absent from its Filosofi file."""
    return f"non disponible : territoire absent du fichier Filosofi {year}"


def _is_absent(rows: pd.DataFrame, territory: object) -> bool:
    if ABSENT_FLAG not in rows.columns:
        return False
    flag = rows.at[territory, ABSENT_FLAG]
    return bool(flag) if not pd.isna(flag) else False


def _cell(
    rows: pd.DataFrame,
    territory: object,
    column: str,
    year: int,
) -> tuple[float | None, str]:
    """Published value of a cell, or None and the French reason."""
    if _is_absent(rows, territory):
        reason = rows.at[territory, NOTE_COLUMN] if NOTE_COLUMN in rows.columns else None
        return None, reason if isinstance(reason, str) and reason else absent_note(year)
    if column not in rows.columns:
        return None, f"non disponible : variable {column} absente du fichier Filosofi {year}"
    value = rows.at[territory, column]
    if pd.isna(value):
        return None, SECRET_NOTE
    return float(value), ""


def _check_rows(rows: pd.DataFrame) -> None:
    if not rows.index.is_unique:
        raise ValueError("rows: duplicated territory ids")


def income_figures(rows: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Filosofi figures of each territory, as published for its own level.

    Parameters
    ----------
    rows
        One row per territory (see the module docstring), Filosofi columns of ``year``.
    year
        Filosofi year (income year), e.g. 2019.

    Returns
    -------
    pandas.DataFrame
        Figures of :data:`INCOME_FIGURES`: ``revenu_median_uc``, ``revenu_q1_uc``,
        ``revenu_q3_uc``, ``revenu_d1_uc``, ``revenu_d9_uc`` (€), ``rapport_interdecile``,
        ``rapport_s80_s20`` (rapport), ``indice_gini`` (indice), ``menages_fiscaux``
        (ménages fiscaux), ``personnes_menages_fiscaux`` (personnes),
        ``part_prestations_sociales`` (%). A blank cell is "secret statistique : non publié
        par l'Insee"; an absent territory "non disponible : territoire absent du fichier
        Filosofi {year}".
    """
    _check_rows(rows)
    source = filosofi_source(year)
    result = []
    for territory in rows.index:
        for spec in INCOME_FIGURES:
            value, note = _cell(rows, territory, filosofi(spec.name, year), year)
            result.append(
                figure(
                    territory,
                    spec.ident,
                    year,
                    value,
                    unite=spec.unite,
                    source=source,
                    definition=spec.definition,
                    note=note,
                )
            )
    return to_frame(result)


def deciles_table(rows: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Tidy table of the published deciles of income per consumption unit, for charts.

    D5 is the published median (``Q2``); only published cells are kept (absent
    territories and secret cells are left out).

    Parameters
    ----------
    rows
        One row per territory (see the module docstring).
    year
        Filosofi year.

    Returns
    -------
    pandas.DataFrame
        Columns ``territoire``, ``annee``, ``decile`` (``"D1"`` … ``"D9"``), ``valeur`` (€).
    """
    _check_rows(rows)
    records = []
    for territory in rows.index:
        for decile in DECILES:
            column = filosofi("Q2" if decile == "D5" else decile, year)
            value, _ = _cell(rows, territory, column, year)
            if value is not None:
                records.append(
                    {
                        "territoire": str(territory),
                        "annee": str(year),
                        "decile": decile,
                        "valeur": value,
                    }
                )
    return pd.DataFrame(records, columns=["territoire", "annee", "decile", "valeur"])
