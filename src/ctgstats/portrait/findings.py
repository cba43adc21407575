"""Findings (constats): French sentences generated from the portrait's figures.

Each finding is written in the style of a CTG/ABS diagnostic, with numbers in French
format, the comparators, and a caution when a methodology rule applies (small counts,
vintages too close, not available). ``findings_table`` is also written as
``tables/constats.csv``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from ctgstats.portrait.families import NOISE_NOTE
from ctgstats.portrait.model import Portrait
from ctgstats.present.formatting import (
    fr_int,
    fr_number,
    fr_percent,
    fr_signed,
    fr_signed_percent,
)
from ctgstats.present.labels import where_phrase

FINDING_COLUMNS = ["theme", "constat", "indicateurs", "annee", "prudence"]


def _ok(value: float) -> bool:
    return value is not None and not math.isnan(value)


def _note(portrait: Portrait, indicateur: str, annee: str) -> str:
    rows = portrait.figures[
        (portrait.figures["indicateur"] == indicateur)
        & (portrait.figures["annee"] == annee)
        & (portrait.figures["territoire"] == portrait.territory.id)
    ]
    return str(rows["note"].iloc[0]) if len(rows) and rows["note"].iloc[0] else ""


def _comparisons(
    portrait: Portrait,
    indicateur: str,
    annee: str,
    fmt: Callable[[float], str],
    *,
    prefix: str = "contre",
) -> str:
    parts = []
    for comparator in portrait.comparators:
        value = portrait.value(indicateur, annee, comparator.id)
        if _ok(value):
            parts.append(f"{fmt(value)} {_where(comparator)}")
    if not parts:
        return ""
    return f", {prefix} " + " et ".join(
        [", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts
    )


def _where(territory) -> str:
    """Comparator named in a sentence: "en Haute-Garonne", "en France métropolitaine"."""
    return where_phrase(territory.level, territory.code, territory.label)


def comparisons(
    portrait: Portrait,
    indicateur: str,
    annee: str,
    fmt: Callable[[float], str],
    *,
    prefix: str = "contre",
) -> str:
    """Comparison clause (« , contre 4,3 % en Haute-Garonne ») for ``annee``, or ""."""
    return _comparisons(portrait, indicateur, annee, fmt, prefix=prefix)


def territory_note(portrait: Portrait, indicateur: str, annee: str) -> str:
    """The note (caution) of the territory's figure, or ""."""
    return _note(portrait, indicateur, annee)


def _population(portrait: Portrait) -> dict | None:
    start, end = portrait.first_year, portrait.last_year
    if start == end:
        return None
    period = f"{start}-{end}"
    p0 = portrait.value("population", start)
    p1 = portrait.value("population", end)
    pct = portrait.value("population_evolution_pct", period)
    tcam = portrait.value("population_tcam", period)
    if not (_ok(p0) and _ok(p1) and _ok(tcam)):
        return None
    verb = "a gagné" if p1 > p0 else "a perdu"
    sentence = (
        f"Entre {start} et {end}, le territoire {verb} {fr_int(abs(p1 - p0))} habitants "
        f"({fr_signed_percent(pct)}), passant de {fr_int(p0)} à {fr_int(p1)} habitants, "
        f"soit {fr_signed(tcam, 2)} % par an"
        + _comparisons(portrait, "population_tcam", period, lambda v: f"{fr_signed(v, 2)} % par an")
        + "."
    )
    sentence = sentence.replace(" % ", "\u00a0% ")
    return {
        "theme": "Population",
        "constat": sentence,
        "indicateurs": "population;population_evolution_pct;population_tcam",
        "annee": period,
        "prudence": _note(portrait, "population_tcam", period),
    }


def _balance(portrait: Portrait) -> dict | None:
    start, end = portrait.first_year, portrait.last_year
    for a, b in [(start, end), *zip(portrait.vintages, portrait.vintages[1:])]:
        period = f"{a}-{b}"
        natural = portrait.value("solde_naturel", period)
        migration = portrait.value("solde_migratoire_apparent", period)
        if _ok(natural) and _ok(migration):
            nat = (
                "les naissances dépassent les décès"
                if natural > 0
                else "les décès dépassent les naissances"
            )
            mig = "positif" if migration > 0 else "négatif"
            sentence = (
                f"Entre {a} et {b}, le solde naturel est de {fr_signed(natural, 0)} "
                f"({nat}) et le solde migratoire apparent de "
                f"{fr_signed(migration, 0)} ({mig})."
            )
            return {
                "theme": "Population",
                "constat": sentence,
                "indicateurs": "solde_naturel;solde_migratoire_apparent",
                "annee": period,
                "prudence": "Solde migratoire « apparent » : il inclut les écarts de "
                "mesure entre deux recensements.",
            }
    return None


def _share(portrait: Portrait, *, theme: str, indicateur: str, template: str) -> dict | None:
    year = str(portrait.last_year)
    value = portrait.value(indicateur, year)
    if not _ok(value):
        return None
    sentence = template.format(value=fr_percent(value), year=year)
    sentence += _comparisons(portrait, indicateur, year, fr_percent) + "."
    return {
        "theme": theme,
        "constat": sentence,
        "indicateurs": indicateur,
        "annee": year,
        "prudence": _note(portrait, indicateur, year),
    }


def _ageing_index(portrait: Portrait) -> dict | None:
    for year in reversed(portrait.vintages):
        value = portrait.value("indice_vieillissement", year)
        if _ok(value):
            older = portrait.params.options.ageing_index
            sentence = (
                f"En {year}, l'indice de vieillissement s'établit à {fr_number(value, 1)} "
                f"(personnes de {older} ans ou plus pour 100 jeunes de moins de 20 ans)"
                + _comparisons(
                    portrait, "indice_vieillissement", str(year), lambda v: fr_number(v, 1)
                )
                + "."
            )
            return {
                "theme": "Vieillissement",
                "constat": sentence,
                "indicateurs": "indice_vieillissement",
                "annee": str(year),
                "prudence": _note(portrait, "indice_vieillissement", str(year)),
            }
    return None


def _interval_text(portrait: Portrait, indicateur: str, annee: str, digits: int = 0) -> str:
    rows = portrait.figures[
        (portrait.figures["indicateur"] == indicateur)
        & (portrait.figures["annee"] == annee)
        & (portrait.figures["territoire"] == portrait.territory.id)
    ]
    if not len(rows) or "ic_bas" not in rows.columns:
        return ""
    low, high = float(rows["ic_bas"].iloc[0]), float(rows["ic_haut"].iloc[0])
    if math.isnan(low) or math.isnan(high):
        return ""
    return (
        f"intervalle de confiance à 95\u00a0% de l'évolution : de {fr_signed(low, digits)} "
        f"à {fr_signed(high, digits)}"
    )


def _count_change(
    portrait: Portrait, *, base: str, theme: str, what: str, unit: str
) -> dict | None:
    """A change of a sampled census count, with its precision (rules 4b and 4c)."""
    start, end = portrait.first_year, portrait.last_year
    period = f"{start}-{end}"
    change = portrait.value(f"{base}_evolution", period)
    pct = portrait.value(f"{base}_evolution_pct", period)
    v0, v1 = portrait.value(base, start), portrait.value(base, end)
    if not (_ok(change) and _ok(pct) and _ok(v0) and _ok(v1)):
        return None
    note = _note(portrait, f"{base}_evolution", period)
    ci = _interval_text(portrait, f"{base}_evolution", period)
    significant = NOISE_NOTE not in note
    sentence = f"Entre {start} et {end}, le nombre de {what} passe de {fr_int(v0)} à {fr_int(v1)}"
    if significant:
        sentence += f" ({fr_signed(change, 0)} {unit}, soit {fr_signed_percent(pct)}"
        sentence += f" ; {ci})" if ci else ")"
    else:
        sentence += (
            f" ({fr_signed(change, 0)} {unit}) : évolution non significative au regard de la "
            "précision du recensement"
        )
        sentence += f" ({ci})" if ci else ""
    others = []
    for comparator in portrait.comparators:
        value = portrait.value(f"{base}_evolution_pct", period, comparator.id)
        if _ok(value):
            others.append(f"{fr_signed_percent(value)} {_where(comparator)}")
    if others:
        sentence += " ; " + " et ".join(others)
    sentence += "."
    return {
        "theme": theme,
        "constat": sentence,
        "indicateurs": f"{base};{base}_evolution;{base}_evolution_pct",
        "annee": period,
        "prudence": note,
    }


def _families(portrait: Portrait) -> dict | None:
    return _count_change(
        portrait,
        base="familles_avec_enfants",
        theme="Familles",
        what="familles avec enfant(s) (enfants sans limite d'âge)",
        unit="familles",
    )


def _households_with_children(portrait: Portrait) -> dict | None:
    return _count_change(
        portrait,
        base="menages_avec_enfants",
        theme="Familles",
        what="ménages avec famille(s) avec enfant(s) (famille principale : couple avec "
        "enfant(s) ou famille monoparentale)",
        unit="ménages",
    )


def _income(portrait: Portrait) -> dict | None:
    if portrait.filosofi_year is None:
        return None
    year = str(portrait.filosofi_year)
    value = portrait.value("revenu_median_uc", year)
    if not _ok(value):
        return None
    sentence = (
        f"En {year}, le revenu disponible médian par unité de consommation est de "
        f"{fr_int(value)}\u00a0€ par an"
        + _comparisons(portrait, "revenu_median_uc", year, lambda v: f"{fr_int(v)}\u00a0€")
        + "."
    )
    return {
        "theme": "Revenus",
        "constat": sentence,
        "indicateurs": "revenu_median_uc",
        "annee": year,
        "prudence": "Médianes publiées par l'Insee pour chaque niveau "
        "géographique (jamais moyennées entre communes).",
    }


def findings_table(portrait: Portrait) -> pd.DataFrame:
    """All findings of the portrait, in report order."""
    candidates = [
        _population(portrait),
        _balance(portrait),
        _share(
            portrait,
            theme="Vieillissement",
            indicateur="part_60_plus",
            template="En {year}, {value} des habitants ont 60 ans ou plus",
        ),
        _share(
            portrait,
            theme="Vieillissement",
            indicateur="part_75_plus",
            template="En {year}, {value} des habitants ont 75 ans ou plus",
        ),
        _ageing_index(portrait),
        _households_with_children(portrait),
        _families(portrait),
        _share(
            portrait,
            theme="Familles",
            indicateur="part_familles_monoparentales",
            template="En {year}, les familles monoparentales représentent {value} des "
            "familles avec enfant(s) (enfants sans limite d'âge)",
        ),
        _share(
            portrait,
            theme="Ménages",
            indicateur="part_menages_une_personne",
            template="En {year}, {value} des ménages sont composés d'une seule personne",
        ),
        _income(portrait),
    ]
    rows = [row for row in candidates if row]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def sentences(portrait: Portrait, *, theme: str | None = None) -> list[str]:
    """Findings as sentences (with their caution appended), optionally for one theme."""
    table = portrait.findings
    if theme is not None:
        table = table[table["theme"] == theme]
    result = []
    for row in table.itertuples(index=False):
        text = row.constat
        if row.prudence:
            text += f" (Prudence : {row.prudence})"
        result.append(text)
    return result


def _theme_sentences(portrait: Portrait | None, themes: tuple[str, ...]) -> list[str]:
    if portrait is None or portrait.findings.empty:
        return []
    table = portrait.findings[portrait.findings["theme"].isin(themes)]
    return [str(text) for text in table["constat"]]


def demography_synthesis(*, portrait: Portrait | None = None, **_: object) -> list[str]:
    """Contribution of the demography chapter to the synthesis: population and ageing."""
    sentences = _theme_sentences(portrait, ("Population", "Vieillissement"))
    # the change of population, the share of 60+ and the ageing index say the most
    return [s for s in sentences if "solde" not in s][:3]


def families_synthesis(*, portrait: Portrait | None = None, **_: object) -> list[str]:
    """Contribution of the families chapter: households with children, single parents, income."""
    sentences = _theme_sentences(portrait, ("Familles", "Ménages", "Revenus"))
    chosen = [s for s in sentences if "ménages avec famille" in s]
    chosen += [s for s in sentences if "monoparentales" in s]
    chosen += [s for s in sentences if "revenu" in s]
    return chosen[:3]
