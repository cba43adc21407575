"""Findings of the housing chapter, in the diagnostic's style, with rule 18's cautions."""

from __future__ import annotations

import math

import pandas as pd

from ctgstats.portrait.findings import FINDING_COLUMNS, comparisons, territory_note
from ctgstats.portrait.housing.compute import HLM_NOTE, RSECOCC_NOTE, housing_vintages
from ctgstats.portrait.model import Portrait
from ctgstats.present.formatting import fr_int, fr_number, fr_percent, fr_signed

THEME = "Logement"

_FRACTIONS = (
    (0.5, "Plus d'un logement sur deux"),
    (1 / 3, "Plus d'un logement sur trois"),
    (0.25, "Plus d'un logement sur quatre"),
    (0.2, "Plus d'un logement sur cinq"),
)


def _ok(value: float) -> bool:
    return value is not None and not math.isnan(value)


def _last(portrait: Portrait, indicateur: str) -> tuple[str, float]:
    """Latest vintage where the territory's figure is available, and its value."""
    for year in reversed(housing_vintages(portrait.census_totals)):
        value = portrait.value(indicateur, year)
        if _ok(value):
            return str(year), value
    return "", math.nan


def _compared(portrait: Portrait, indicateur: str, year: str, fmt) -> str:
    """Comparators in ``year``; else, the latest vintage where both sides are published."""
    clause = comparisons(portrait, indicateur, year, fmt)
    if clause or not portrait.comparators:
        return clause
    for other in reversed(housing_vintages(portrait.census_totals)):
        value = portrait.value(indicateur, other)
        clause = comparisons(portrait, indicateur, str(other), fmt)
        if str(other) != year and _ok(value) and clause:
            return (
                f" ; en {other}, dernier millésime publié pour la comparaison : {fmt(value)}"
                + clause
            )
    return ""


def _row(constat: str, indicateurs: str, annee: str, prudence: str = "") -> dict[str, str]:
    return {
        "theme": THEME,
        "constat": constat,
        "indicateurs": indicateurs,
        "annee": annee,
        "prudence": prudence,
    }


def _stock(portrait: Portrait) -> dict[str, str] | None:
    year, second = _last(portrait, "part_residences_secondaires")
    if not year:
        return None
    total = portrait.value("logements", year)
    main = portrait.value("part_residences_principales", year)
    vacant = portrait.value("part_logements_vacants", year)
    share = second / 100.0
    lead = next((text for limit, text in _FRACTIONS if share > limit), "")
    if lead:
        sentence = (
            f"{lead} est une résidence secondaire ou un logement occasionnel : "
            f"{fr_percent(second)} des logements en {year}"
        )
    else:
        sentence = (
            f"En {year}, les résidences secondaires et logements occasionnels représentent "
            f"{fr_percent(second)} des logements"
        )
    sentence += _compared(portrait, "part_residences_secondaires", year, fr_percent)
    if _ok(total) and _ok(main) and _ok(vacant):
        sentence += (
            f". Le parc compte {fr_int(total)} logements, dont {fr_percent(main)} de "
            f"résidences principales et {fr_percent(vacant)} de logements vacants"
        )
    return _row(
        sentence + ".",
        "part_residences_secondaires;logements;part_residences_principales",
        year,
        f"{RSECOCC_NOTE[:1].upper()}{RSECOCC_NOTE[1:]}.",
    )


def _share(portrait: Portrait, indicateur: str, template: str, prudence: str = "") -> dict | None:
    year, value = _last(portrait, indicateur)
    if not year:
        return None
    sentence = template.format(value=fr_percent(value), year=year)
    sentence += _compared(portrait, indicateur, year, fr_percent) + "."
    note = territory_note(portrait, indicateur, year)
    return _row(sentence, indicateur, year, " ; ".join(p for p in (prudence, note) if p))


def _vacancy_change(portrait: Portrait) -> dict | None:
    periods = sorted(
        {
            str(a)
            for a in portrait.figures.loc[
                portrait.figures["indicateur"] == "part_logements_vacants_evolution", "annee"
            ]
        },
        key=lambda p: (int(p[-4:]), -int(p[:4])),
    )
    for period in reversed(periods):
        value = portrait.value("part_logements_vacants_evolution", period)
        if _ok(value):
            start, end = period.split("-")
            v0 = portrait.value("part_logements_vacants", start)
            v1 = portrait.value("part_logements_vacants", end)
            verb = "progresse" if value > 0 else "recule" if value < 0 else "est stable"
            sentence = (
                f"Entre {start} et {end}, la part des logements vacants {verb} "
                f"({fr_percent(v0)} puis {fr_percent(v1)}, soit {fr_signed(value, 1)} point"
                f"{'s' if abs(value) >= 2 else ''})"
                + comparisons(
                    portrait,
                    "part_logements_vacants_evolution",
                    period,
                    lambda v: f"{fr_signed(v, 1)} point{'s' if abs(v) >= 2 else ''}",
                )
                + "."
            )
            return _row(sentence, "part_logements_vacants_evolution", period)
    return None


def _overcrowding(portrait: Portrait, indicateur: str, universe: str) -> dict | None:
    year, value = _last(portrait, indicateur)
    if not year:
        return None
    rows = portrait.figures[
        (portrait.figures["indicateur"] == indicateur)
        & (portrait.figures["annee"] == year)
        & (portrait.figures["territoire"] == portrait.territory.id)
    ]
    low, high = float(rows["ic_bas"].iloc[0]), float(rows["ic_haut"].iloc[0])
    interval = (
        f" (intervalle de confiance à 95\u00a0% : {fr_number(low, 1)} à "
        f"{fr_number(high, 1)}\u00a0%)"
        if _ok(low) and _ok(high)
        else ""
    )
    sentence = (
        f"En {year}, {fr_percent(value)}{interval} des résidences principales ({universe}) "
        "sont suroccupées" + comparisons(portrait, indicateur, year, fr_percent) + "."
    )
    prudence = "Estimation par sondage (exploitation complémentaire du recensement)"
    note = territory_note(portrait, indicateur, year)
    return _row(sentence, indicateur, year, " ; ".join(p for p in (prudence, note) if p))


SOCIAL_PRUDENCE = (
    "Le RPLS recense les logements des bailleurs sociaux (registre, y compris vacants, hors "
    "logements-foyers) ; le recensement compte les ménages qui se déclarent locataires HLM : "
    "les deux sources diffèrent"
)


def _rpls_years(portrait: Portrait) -> list[int]:
    figures = portrait.figures
    rows = figures[
        (figures["indicateur"] == "logements_sociaux_rpls")
        & (figures["territoire"] == portrait.territory.id)
        & figures["disponible"]
    ]
    return sorted(int(y) for y in rows["annee"])


def _social_housing(portrait: Portrait) -> dict | None:
    """Social stock of the register (RPLS) against the census HLM tenants."""
    years = _rpls_years(portrait)
    if not years:
        return None
    year = years[-1]
    count = portrait.value("logements_sociaux_rpls", year)
    density = portrait.value("logements_sociaux_pour_100_rp", year)
    sentence = (
        f"Au 1er janvier {year}, le répertoire des bailleurs sociaux (RPLS) compte "
        f"{fr_int(count)} logements sociaux"
    )
    if _ok(density):
        sentence += f", soit {fr_number(density, 1)} pour 100 résidences principales"
        sentence += comparisons(portrait, "logements_sociaux_pour_100_rp", str(year), _per_100)
    census_year, hlm = _last(portrait, "part_locataires_hlm")
    if census_year:
        sentence += (
            f" ; au recensement de {census_year}, {fr_percent(hlm)} des résidences "
            "principales sont occupées par des ménages se déclarant locataires HLM"
        )
    note = territory_note(portrait, "logements_sociaux_rpls", str(year))
    indicators = "logements_sociaux_rpls, logements_sociaux_pour_100_rp, part_locataires_hlm"
    return _row(
        sentence + ".", indicators, str(year), " ; ".join(p for p in (SOCIAL_PRUDENCE, note) if p)
    )


def _per_100(value: float) -> str:
    return fr_number(value, 1)


def housing_findings(portrait: Portrait) -> pd.DataFrame:
    """Findings of the housing chapter (theme « Logement »), most important first."""
    candidates = [
        _stock(portrait),
        _share(
            portrait,
            "part_logements_vacants",
            "La part des logements vacants atteint {value} en {year}",
        ),
        _vacancy_change(portrait),
        _share(
            portrait,
            "part_proprietaires",
            "En {year}, {value} des résidences principales sont occupées par leur propriétaire",
        ),
        _share(
            portrait,
            "part_locataires_hlm",
            "Les locataires d'un logement HLM occupent {value} des résidences principales en "
            "{year}",
            prudence=HLM_NOTE[:1].upper() + HLM_NOTE[1:],
        ),
        _social_housing(portrait),
        _share(
            portrait,
            "part_maisons",
            "Les maisons représentent {value} des logements en {year}",
        ),
        _share(
            portrait,
            "part_rp_avant_1946",
            "En {year}, {value} des résidences principales (achevées avant N−2) datent "
            "d'avant 1946",
        ),
        _overcrowding(
            portrait,
            "part_suroccupation_peuplement",
            "indicateur de peuplement du RP2022, suroccupation modérée ou accentuée",
        ),
        _overcrowding(portrait, "part_suroccupation", "hors studios occupés par une personne"),
        _share(
            portrait,
            "part_menages_sans_voiture",
            "En {year}, {value} des ménages n'ont pas de voiture",
        ),
        _share(
            portrait,
            "part_menages_emmenages_moins_2_ans",
            "En {year}, {value} des ménages ont emménagé dans leur logement depuis moins de 2 ans",
        ),
    ]
    rows = [row for row in candidates if row]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def synthesis(*, portrait: Portrait | None = None, **_: object) -> list[str]:
    """Contribution of the housing chapter to the synthesis: second homes, vacancy, tenure."""
    if portrait is None or portrait.findings.empty:
        return []
    table = portrait.findings[portrait.findings["theme"] == THEME]
    sentences = [str(s) for s in table["constat"]]
    chosen = [s for s in sentences if "résidence secondaire" in s or "secondaires" in s][:1]
    chosen += [s for s in sentences if "vacants atteint" in s][:1]
    chosen += [s for s in sentences if "propriétaire" in s][:1]
    return chosen[:3]
