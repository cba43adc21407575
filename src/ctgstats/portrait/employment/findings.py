"""Findings (constats) of the employment, schooling and youth chapter, in French."""

from __future__ import annotations

import math

import pandas as pd

from ctgstats.portrait.findings import FINDING_COLUMNS
from ctgstats.portrait.model import Portrait
from ctgstats.present.formatting import fr_percent, fr_signed
from ctgstats.present.labels import where_phrase

__all__ = ["THEMES", "chapter_findings", "sentences", "synthesis"]

THEMES = ("Emploi", "Diplômes", "Jeunesse", "Mobilité")
"""Finding themes of the chapter, in reading order."""

# (theme, indicator, subject of the sentence)
_LEVELS: tuple[tuple[str, str, str], ...] = (
    (
        "Emploi",
        "taux_chomage_15_64",
        "Le taux de chômage des 15-64 ans, au sens du recensement (chômage déclaré),",
    ),
    ("Emploi", "taux_activite_15_64", "Le taux d'activité des 15-64 ans"),
    ("Emploi", "taux_emploi_15_64", "Le taux d'emploi des 15-64 ans"),
    (
        "Jeunesse",
        "taux_chomage_15_24",
        "Le taux de chômage des 15-24 ans, au sens du recensement,",
    ),
    ("Jeunesse", "taux_scolarisation_18_24", "Le taux de scolarisation des 18-24 ans"),
    (
        "Jeunesse",
        "part_neet_15_24",
        "La part des 15-24 ans ni en emploi, ni en études ou formation (NEET)",
    ),
    (
        "Diplômes",
        "part_sans_diplome_15p",
        "La part des personnes de 15 ans ou plus non scolarisées sans diplôme (ou au plus le CEP)",
    ),
    (
        "Diplômes",
        "part_diplomes_superieur_15p",
        "La part des diplômés de l'enseignement supérieur parmi les 15 ans ou plus non scolarisés",
    ),
    (
        "Mobilité",
        "part_actifs_travaillant_hors_commune",
        "La part des actifs en emploi qui travaillent hors de leur commune de résidence",
    ),
    (
        "Mobilité",
        "part_actifs_voiture",
        "La part des actifs en emploi qui vont travailler principalement en voiture",
    ),
)


def _rows(portrait: Portrait, indicator: str, territory: str) -> pd.DataFrame:
    figures = portrait.figures
    return figures[
        (figures["indicateur"] == indicator)
        & (figures["territoire"] == territory)
        & figures["disponible"]
    ]


def _latest(portrait: Portrait, indicator: str) -> pd.Series | None:
    rows = _rows(portrait, indicator, portrait.territory.id)
    rows = rows[rows["annee"].str.fullmatch(r"\d{4}")]
    if rows.empty:
        return None
    return rows.loc[rows["annee"].astype(int).idxmax()]


def _comparisons(portrait: Portrait, indicator: str, year: str) -> str:
    parts = []
    for comparator in portrait.comparators:
        value = portrait.value(indicator, year, comparator.id)
        if not math.isnan(value):
            where = where_phrase(comparator.level, comparator.code, comparator.label)
            parts.append(f"{fr_percent(value)} {where}")
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    return f", contre {joined}"


def _change(portrait: Portrait, indicator: str, year: str) -> tuple[str, str]:
    rows = _rows(portrait, f"{indicator}_evolution", portrait.territory.id)
    rows = rows[rows["annee"].str.endswith(f"-{year}")]
    if rows.empty:
        return "", ""
    row = rows.loc[rows["annee"].str.slice(0, 4).astype(int).idxmin()]
    start = str(row["annee"])[:4]
    value = float(row["valeur"])
    verb = "stable" if abs(value) < 0.05 else ("en hausse" if value > 0 else "en baisse")
    text = f" ({verb} depuis {start} : {fr_signed(value)} point{'s' if abs(value) >= 2 else ''})"
    return text, str(row["note"])


def chapter_findings(portrait: Portrait) -> pd.DataFrame:
    """The chapter's findings (:data:`ctgstats.portrait.findings.FINDING_COLUMNS`)."""
    rows = []
    for theme, indicator, subject in _LEVELS:
        latest = _latest(portrait, indicator)
        if latest is None:
            continue
        year = str(latest["annee"])
        change, change_note = _change(portrait, indicator, year)
        sentence = (
            f"{subject} est de {fr_percent(float(latest['valeur']))} en {year}{change}"
            f"{_comparisons(portrait, indicator, year)}."
        )
        cautions = [str(latest["note"])] if latest["note"] else []
        if change_note:
            cautions.append(change_note)
        rows.append(
            {
                "theme": theme,
                "constat": sentence,
                "indicateurs": indicator,
                "annee": year,
                "prudence": " ; ".join(dict.fromkeys(cautions)),
            }
        )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def sentences(portrait: Portrait, *, themes: tuple[str, ...] = THEMES) -> list[str]:
    """The findings of some themes as sentences, their caution in brackets."""
    table = portrait.findings
    if table is None or not isinstance(table, pd.DataFrame):
        return []
    wanted = table[table["theme"].isin(themes)]
    ours = {indicator for _, indicator, _ in _LEVELS}
    wanted = wanted[wanted["indicateurs"].isin(ours)]
    return [
        f"{row.constat} (Prudence : {row.prudence}.)" if row.prudence else str(row.constat)
        for row in wanted.itertuples()
    ]


def synthesis(*, portrait: Portrait | None = None, **_: object) -> list[str]:
    """Contribution to the one-page synthesis: unemployment, then the NEET share."""
    if portrait is None:
        return []
    found = chapter_findings(portrait)
    chosen = []
    for indicator in ("taux_chomage_15_64", "part_neet_15_24"):
        match = found[found["indicateurs"] == indicator]
        if len(match):
            chosen.append(str(match["constat"].iloc[0]))
    return chosen
