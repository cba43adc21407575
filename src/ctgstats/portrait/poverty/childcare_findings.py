"""Findings of the section « Accueil du jeune enfant » (diagnostic style, French)."""

from __future__ import annotations

import math

import pandas as pd

from ctgstats.portrait.findings import FINDING_COLUMNS
from ctgstats.portrait.model import Portrait
from ctgstats.present.formatting import fr_number, fr_signed
from ctgstats.present.labels import where_phrase

__all__ = ["GLOBAL", "THEME", "findings", "latest_year"]

THEME = "Accueil du jeune enfant"
GLOBAL = "taux_couverture_accueil_jeune_enfant"
PRUDENCE = (
    "offre théorique de places (une place peut être vacante ou partagée), rapportée par la "
    "Cnaf à sa propre estimation du nombre d'enfants de moins de 3 ans"
)


def _places(value: float) -> str:
    return f"{fr_number(value, 1)} places pour 100 enfants"


def latest_year(portrait: Portrait, ident: str = GLOBAL) -> str | None:
    """Latest year with an available value of ``ident`` for the territory (else any)."""
    rows = portrait.figures[
        (portrait.figures["indicateur"] == ident)
        & (portrait.figures["territoire"] == portrait.territory.id)
    ]
    if rows.empty:
        return None
    chosen = rows[rows["disponible"]] if rows["disponible"].any() else rows
    return str(max(chosen["annee"], key=int))


def _comparisons(portrait: Portrait, ident: str, year: str) -> str:
    parts = [
        f"{fr_number(value, 1)} {where_phrase(c.level, c.code, c.label)}"
        for c in portrait.comparators
        if not math.isnan(value := portrait.value(ident, year, c.id))
    ]
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    return f", contre {listed}"


def _finding(constat: str, indicateurs: str, annee: str, prudence: str = PRUDENCE) -> dict:
    return {
        "theme": THEME,
        "constat": constat,
        "indicateurs": indicateurs,
        "annee": annee,
        "prudence": prudence,
    }


def _rate(portrait: Portrait, year: str) -> dict:
    value = portrait.value(GLOBAL, year)
    others = _comparisons(portrait, GLOBAL, year)
    if math.isnan(value):
        rows = portrait.figures[
            (portrait.figures["indicateur"] == GLOBAL)
            & (portrait.figures["territoire"] == portrait.territory.id)
            & (portrait.figures["annee"] == year)
        ]
        reason = str(rows["note"].iloc[0]).removeprefix("non disponible : ") if len(rows) else ""
        text = (
            f"En {year}, le taux de couverture de l'accueil du jeune enfant n'est pas "
            f"disponible pour {portrait.territory.label} ({reason})"
            + (f" ; il est de {others.removeprefix(', contre ')}" if others else "")
            + "."
        )
        return _finding(text, GLOBAL, year)
    text = (
        f"En {year}, l'offre d'accueil « formel » du territoire atteint {_places(value)} de "
        f"moins de 3 ans{others}."
    )
    return _finding(text, GLOBAL, year)


def _modes(portrait: Portrait, year: str) -> dict | None:
    eaje = portrait.value("taux_couverture_accueil_eaje", year)
    am = portrait.value("taux_couverture_accueil_assistants_maternels", year)
    if math.isnan(eaje) or math.isnan(am):
        return None
    main = "les assistants maternels" if am >= eaje else "les établissements (EAJE)"
    text = (
        f"En {year}, {main} fournissent l'essentiel de cette offre : "
        f"{fr_number(am, 1)} places pour 100 enfants chez les assistants maternels, "
        f"{fr_number(eaje, 1)} en EAJE (crèches, micro-crèches)"
        f"{_comparisons(portrait, 'taux_couverture_accueil_eaje', year)}."
    )
    return _finding(
        text,
        "taux_couverture_accueil_eaje,taux_couverture_accueil_assistants_maternels",
        year,
        prudence="",
    )


def _evolution(portrait: Portrait) -> dict | None:
    ident = f"{GLOBAL}_evolution"
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
        f"Entre {start} et {end}, le taux de couverture est passé de "
        f"{fr_number(portrait.value(GLOBAL, start), 1)} à "
        f"{fr_number(portrait.value(GLOBAL, end), 1)} places pour 100 enfants "
        f"({fr_signed(float(row['valeur']))} point)."
    )
    return _finding(text, ident, str(row["annee"]), prudence="")


def findings(portrait: Portrait) -> pd.DataFrame:
    """Findings of the section (theme « Accueil du jeune enfant »)."""
    year = latest_year(portrait)
    if year is None:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    candidates = [_rate(portrait, year), _modes(portrait, year), _evolution(portrait)]
    return pd.DataFrame([c for c in candidates if c], columns=FINDING_COLUMNS)
