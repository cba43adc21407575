"""Findings and synthesis sentences of the poverty chapter (diagnostic style, French)."""

from __future__ import annotations

import math

import pandas as pd

from ctgstats.portrait.findings import FINDING_COLUMNS
from ctgstats.portrait.model import Portrait
from ctgstats.portrait.poverty.compute import AGE_SERIES
from ctgstats.present.formatting import fr_percent, fr_signed
from ctgstats.present.labels import where_phrase

__all__ = ["THEME", "findings", "synthesis"]

THEME = "Pauvreté"
AGE_LABELS = {
    "taux_pauvrete_60_moins_30": "moins de 30 ans",
    "taux_pauvrete_60_30_39": "30 à 39 ans",
    "taux_pauvrete_60_40_49": "40 à 49 ans",
    "taux_pauvrete_60_50_59": "50 à 59 ans",
    "taux_pauvrete_60_60_74": "60 à 74 ans",
    "taux_pauvrete_60_75_plus": "75 ans ou plus",
}


def _rows(portrait: Portrait, indicateur: str) -> pd.DataFrame:
    figures = portrait.figures
    return figures[
        (figures["indicateur"] == indicateur) & (figures["territoire"] == portrait.territory.id)
    ]


def _latest_year(portrait: Portrait) -> str | None:
    rows = _rows(portrait, "taux_pauvrete_60")
    if rows.empty:
        return None
    available = rows[rows["disponible"]]
    chosen = available if not available.empty else rows
    return str(max(chosen["annee"], key=int))


def _comparisons(portrait: Portrait, indicateur: str, year: str) -> str:
    """Comparators' available values: ", contre 14,0 % en Haute-Garonne et …"."""
    parts = [
        f"{fr_percent(value)} {where_phrase(c.level, c.code, c.label)}"
        for c in portrait.comparators
        if not math.isnan(value := portrait.value(indicateur, year, c.id))
    ]
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    return f", contre {listed}"


def _finding(constat: str, indicateurs: str, annee: str, prudence: str = "") -> dict:
    return {
        "theme": THEME,
        "constat": constat,
        "indicateurs": indicateurs,
        "annee": annee,
        "prudence": prudence,
    }


def _rate(portrait: Portrait, year: str) -> dict:
    value = portrait.value("taux_pauvrete_60", year)
    others = _comparisons(portrait, "taux_pauvrete_60", year)
    if not math.isnan(value):
        text = (
            f"En {year}, {fr_percent(value)} des habitants vivent sous le seuil de pauvreté "
            f"(60 % du niveau de vie médian){others}."
        )
        return _finding(text, "taux_pauvrete_60", year)
    rows = _rows(portrait, "taux_pauvrete_60")
    reason = str(rows.loc[rows["annee"] == year, "note"].iloc[0])
    reason = reason.removeprefix("non disponible : ")
    compared = f" ; il est de {others.removeprefix(', contre ')}" if others else ""
    text = (
        f"En {year}, le taux de pauvreté n'est pas disponible pour "
        f"{portrait.territory.label} ({reason}){compared}."
    )
    return _finding(text, "taux_pauvrete_60", year)


def _ages(portrait: Portrait, year: str) -> dict | None:
    values = {i: portrait.value(i, year) for i in AGE_SERIES}
    values = {i: v for i, v in values.items() if not math.isnan(v)}
    if len(values) < 2:
        return None
    top = max(values, key=lambda i: values[i])
    others = _comparisons(portrait, top, year)
    text = (
        f"En {year}, la pauvreté touche surtout les ménages dont le référent fiscal a "
        f"{AGE_LABELS[top]} : {fr_percent(values[top])} des personnes de ces ménages vivent "
        f"sous le seuil{others}."
    )
    return _finding(text, ",".join(AGE_SERIES), year)


def _tenure(portrait: Portrait, year: str) -> dict | None:
    tenants = portrait.value("taux_pauvrete_60_locataires", year)
    owners = portrait.value("taux_pauvrete_60_proprietaires", year)
    if math.isnan(tenants):
        return None
    owners_text = (
        f"{fr_percent(owners)} chez les propriétaires"
        if not math.isnan(owners)
        else "un taux non publié ou inférieur à 5 % chez les propriétaires"
    )
    text = (
        f"En {year}, {fr_percent(tenants)} des personnes des ménages locataires vivent sous le "
        f"seuil de pauvreté, contre {owners_text}."
    )
    return _finding(text, "taux_pauvrete_60_locataires,taux_pauvrete_60_proprietaires", year)


def _evolution(portrait: Portrait) -> dict | None:
    rows = _rows(portrait, "taux_pauvrete_60_evolution")
    rows = rows[rows["disponible"]]
    if rows.empty:
        return None
    row = rows.iloc[-1]
    start, end = str(row["annee"]).split("-")
    a = portrait.value("taux_pauvrete_60", start)
    b = portrait.value("taux_pauvrete_60", end)
    text = (
        f"Entre {start} et {end}, le taux de pauvreté est passé de {fr_percent(a)} à "
        f"{fr_percent(b)} ({fr_signed(float(row['valeur']))} point)."
    )
    prudence = (
        "le seuil suit le niveau de vie médian national de chaque année : une hausse du "
        "taux peut venir d'une hausse de la médiane nationale autant que d'une baisse des "
        "revenus locaux"
    )
    return _finding(text, "taux_pauvrete_60_evolution", str(row["annee"]), prudence)


def _intensity(portrait: Portrait, year: str) -> dict | None:
    value = portrait.value("intensite_pauvrete", year)
    if math.isnan(value):
        return None
    others = _comparisons(portrait, "intensite_pauvrete", year)
    text = (
        f"En {year}, le niveau de vie médian des personnes pauvres est inférieur de "
        f"{fr_percent(value)} au seuil de pauvreté (intensité de la pauvreté){others}."
    )
    return _finding(text, "intensite_pauvrete", year)


def findings(portrait: Portrait) -> pd.DataFrame:
    """Findings of the chapter (theme « Pauvreté »)."""
    year = _latest_year(portrait)
    if year is None:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    candidates = [
        _rate(portrait, year),
        _ages(portrait, year),
        _tenure(portrait, year),
        _intensity(portrait, year),
        _evolution(portrait),
    ]
    return pd.DataFrame([c for c in candidates if c], columns=FINDING_COLUMNS)


def synthesis(*, portrait: Portrait | None = None, **_: object) -> list[str]:
    """Contribution to the one-page synthesis: the poverty rate, then the most exposed."""
    if portrait is None or portrait.findings.empty:
        return []
    table = portrait.findings[portrait.findings["theme"] == THEME]
    return [str(s) for s in table["constat"].head(2)]
