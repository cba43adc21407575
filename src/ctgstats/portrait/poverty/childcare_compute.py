"""Early-childhood coverage figures (accueil du jeune enfant): pure functions.

Rates are those published by the Cnaf for each territory's *own* level (an EPCI from the
EPCI file, never an average of its communes' rates: rules 11 and 21); layout and sources
in :mod:`ctgstats.portrait.poverty.childcare_read`. Annual data (December of year N): no
census gap rule, the rates are the natural T0 → T+3 measure of a CTG (rule 16).

``rows`` (input of :func:`coverage_figures`): columns ``territoire``, ``annee``, the
generic rates of :data:`~ctgstats.portrait.poverty.childcare_read.COMPONENTS` and
``_note`` (why a territory has no row, "" otherwise).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ctgstats.core.figures import figure, to_frame
from ctgstats.portrait.demography import census_source

__all__ = [
    "COVERAGE_SERIES",
    "SOURCE_LABEL",
    "UNIT",
    "coverage_figures",
    "evolution_figures",
    "under3_figures",
]

UNIT = "pour 100 enfants"
SOURCE_LABEL = "Cnaf, Onape, taux de couverture de l'accueil du jeune enfant"
SECRET_NOTE = "non disponible : non publié par la Cnaf (cellule vide du fichier)"


@dataclass(frozen=True)
class _Series:
    ident: str
    column: str
    definition: str


_BASE = (
    "Places d'accueil « formel » au mois de décembre pour 100 enfants de moins de 3 ans "
    "(offre théorique : une place peut être vacante ou partagée entre plusieurs enfants), "
    "telle que publiée par la Cnaf (Observatoire national de la petite enfance)"
)
COVERAGE_SERIES: tuple[_Series, ...] = (
    _Series(
        "taux_couverture_accueil_jeune_enfant",
        "ensemble",
        f"Taux de couverture global de l'accueil du jeune enfant : {_BASE}, tous modes "
        "d'accueil (EAJE, école préélémentaire, assistants maternels, garde à domicile).",
    ),
    _Series(
        "taux_couverture_accueil_eaje",
        "eaje",
        f"Part du taux de couverture due aux établissements d'accueil du jeune enfant (EAJE : "
        f"crèches, multi-accueils, micro-crèches) : {_BASE}.",
    ),
    _Series(
        "taux_couverture_accueil_eaje_psu",
        "eaje_psu",
        f"Part due aux EAJE financés par la prestation de service unique (PSU) : {_BASE}.",
    ),
    _Series(
        "taux_couverture_accueil_eaje_hors_psu",
        "eaje_hors_psu",
        "Part due aux EAJE non financés par la PSU (micro-crèches financées par le "
        f"complément de libre choix du mode de garde de la Paje …) : {_BASE}.",
    ),
    _Series(
        "taux_couverture_accueil_prescolarisation",
        "prescolarisation",
        f"Part due à l'école préélémentaire (enfants scolarisés à 2 ans) : {_BASE}.",
    ),
    _Series(
        "taux_couverture_accueil_assistants_maternels",
        "assistants_maternels",
        f"Part due aux assistants maternels employés directement par les parents : {_BASE}.",
    ),
    _Series(
        "taux_couverture_accueil_garde_domicile",
        "garde_domicile",
        f"Part due aux salariés à domicile (garde à domicile) : {_BASE}.",
    ),
)
"""Figures of :func:`coverage_figures`, in output order."""


def coverage_figures(rows: pd.DataFrame) -> pd.DataFrame:
    """One figure per territory, year and series of :data:`COVERAGE_SERIES`, as published.

    A territory without a row keeps its reason (``_note``); a blank cell is "non publié";
    a component absent from the file says so.
    """
    result = []
    for data in rows.to_dict("records"):  # not itertuples: it renames "_note"
        for spec in COVERAGE_SERIES:
            value = data.get(spec.column, math.nan)
            note = str(data.get("_note") or "")
            if not note and (value is None or pd.isna(value)):
                note = SECRET_NOTE if spec.column in rows.columns else ""
            result.append(
                figure(
                    str(data["territoire"]),
                    spec.ident,
                    int(data["annee"]),
                    None if note else float(value),
                    unite=UNIT,
                    source=f"{SOURCE_LABEL}, {int(data['annee'])}",
                    definition=spec.definition,
                    note=note,
                )
            )
    return to_frame(result)


def evolution_figures(
    figures: pd.DataFrame, *, territories: Sequence[str], ident: str = COVERAGE_SERIES[0].ident
) -> pd.DataFrame:
    """Change in points of the global rate between the first and the last year."""
    part = figures[figures["indicateur"] == ident]
    years = sorted({int(y) for y in part["annee"]})
    if len(years) < 2:
        return to_frame([])
    start, end = years[0], years[-1]
    values = {(r.territoire, int(r.annee)): r for r in part.itertuples()}
    rows = []
    for territory in territories:
        a, b = values.get((territory, start)), values.get((territory, end))
        ok = a is not None and b is not None and bool(a.disponible) and bool(b.disponible)
        rows.append(
            figure(
                territory,
                f"{ident}_evolution",
                f"{start}-{end}",
                float(b.valeur) - float(a.valeur) if ok else None,  # type: ignore[union-attr]
                unite="points",
                source=f"{SOURCE_LABEL}, {start} et {end}",
                definition="Évolution du taux de couverture global de l'accueil du jeune "
                "enfant, en points (places pour 100 enfants de moins de 3 ans), entre la "
                "première et la dernière année publiées (données annuelles).",
                note="" if ok else f"non disponible : taux non publié en {start} ou en {end}",
            )
        )
    return to_frame(rows)


def under3_figures(totals: pd.DataFrame, *, vintage: int, notes: dict[str, str]) -> pd.DataFrame:
    """Children under 3 (``P{yy}_POP0002``) of every territory, census context."""
    column = f"P{vintage % 100:02d}_POP0002"
    rows = []
    for territory in totals.index:
        value = totals.at[territory, column] if column in totals.columns else math.nan
        note = ""
        if column not in totals.columns:
            note = f"non disponible : colonne {column} absente des bases du recensement"
        elif pd.isna(value):
            note = notes.get(str(territory), "non disponible")
        rows.append(
            figure(
                str(territory),
                "population_moins_3_ans",
                vintage,
                None if note else float(value),
                unite="habitants",
                source=census_source(vintage),
                definition="Enfants de moins de 3 ans (0 à 2 ans révolus) recensés, contexte "
                "de l'accueil du jeune enfant (le taux de la Cnaf rapporte les places à sa "
                "propre estimation du nombre d'enfants de moins de 3 ans).",
                note=note,
            )
        )
    return to_frame(rows)
