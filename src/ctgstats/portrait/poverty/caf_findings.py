"""Findings of the section « Prestations de la CAF » (diagnostic style, French)."""

from __future__ import annotations

import math

import pandas as pd

from ctgstats.portrait.findings import FINDING_COLUMNS, comparisons
from ctgstats.portrait.model import Portrait
from ctgstats.portrait.poverty.childcare_findings import latest_year
from ctgstats.present.formatting import fr_int, fr_number, fr_percent, fr_signed_percent

__all__ = ["COVERED", "THEME", "findings"]

THEME = "Prestations de la CAF"
COVERED = "part_population_couverte_caf"
PRUDENCE = (
    "allocataires de la Cnaf en décembre, MSA exclue ; un foyer allocataire n'est pas un "
    "ménage ; dénominateur du recensement"
)


def _finding(constat: str, indicateurs: str, annee: str, prudence: str = PRUDENCE) -> dict:
    return {
        "theme": THEME,
        "constat": constat,
        "indicateurs": indicateurs,
        "annee": annee,
        "prudence": prudence,
    }


def _covered(portrait: Portrait, year: str) -> dict | None:
    value = portrait.value(COVERED, year)
    people = portrait.value("personnes_couvertes_caf", year)
    if math.isnan(value) or math.isnan(people):
        return None
    text = (
        f"En décembre {year}, {fr_int(people)} personnes sont couvertes par au moins une "
        f"prestation de la CAF, soit {fr_number(value, 1)} % des habitants"
        f"{comparisons(portrait, COVERED, year, fr_percent)}."
    )
    return _finding(text, COVERED, year)


def _rsa(portrait: Portrait, year: str) -> dict | None:
    value = portrait.value("part_menages_rsa", year)
    count = portrait.value("foyers_rsa_caf", year)
    if math.isnan(value) or math.isnan(count):
        return None
    text = (
        f"{fr_int(count)} foyers perçoivent le RSA, l'équivalent de {fr_number(value, 1)} "
        f"ménages sur 100{comparisons(portrait, 'part_menages_rsa', year, fr_percent)}."
    )
    return _finding(text, "part_menages_rsa,foyers_rsa_caf", year)


def _evolution(portrait: Portrait) -> dict | None:
    ident = "foyers_rsa_caf_evolution"
    rows = portrait.figures[
        (portrait.figures["indicateur"] == ident)
        & (portrait.figures["territoire"] == portrait.territory.id)
        & portrait.figures["disponible"]
    ]
    if rows.empty:
        return None
    row = rows.iloc[-1]
    start, end = str(row["annee"]).split("-")
    text = (
        f"Entre décembre {start} et décembre {end}, le nombre de foyers allocataires du RSA "
        f"est passé de {fr_int(portrait.value('foyers_rsa_caf', start))} à "
        f"{fr_int(portrait.value('foyers_rsa_caf', end))} "
        f"({fr_signed_percent(float(row['valeur']))})."
    )
    prudence = (
        "données annuelles ; effectifs arrondis : une petite variation n'est pas significative"
    )
    return _finding(text, ident, str(row["annee"]), prudence=prudence)


def findings(portrait: Portrait) -> pd.DataFrame:
    """Findings of the section (theme « Prestations de la CAF »)."""
    year = latest_year(portrait, COVERED) or latest_year(portrait, "part_menages_rsa")
    if year is None:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    candidates = [_covered(portrait, year), _rsa(portrait, year), _evolution(portrait)]
    return pd.DataFrame([c for c in candidates if c], columns=FINDING_COLUMNS)
