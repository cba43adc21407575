"""What ``05_logement.ipynb`` displays: one call per block, no logic in the notebook."""

from __future__ import annotations

import math

import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure

from ctgstats.data.registry import load_registry
from ctgstats.portrait import charts
from ctgstats.portrait import findings as findings_module
from ctgstats.portrait import views as portrait_views
from ctgstats.portrait.housing.chapter import COMMUNES_TABLE
from ctgstats.portrait.housing.compute import construction_columns, housing_vintages
from ctgstats.portrait.housing.findings import THEME
from ctgstats.portrait.housing.rpls import COUNT_ID, RPLS_IDS
from ctgstats.portrait.model import Portrait
from ctgstats.present import display
from ctgstats.present.formatting import fr_int, fr_number
from ctgstats.present.glossary import readable_glossary

__all__ = [
    "THEMES",
    "communes_table",
    "definitions",
    "findings",
    "glossary",
    "header",
    "key_figures",
    "social_housing_years",
    "stock_chart",
    "tenure_chart",
    "vigilance",
]

THEMES: dict[str, tuple[str, ...]] = {
    "parc": (
        "logements",
        "residences_principales",
        "part_residences_principales",
        "part_residences_secondaires",
        "part_logements_vacants",
        "part_maisons",
        "part_appartements",
        "logements_evolution_pct",
        "part_residences_secondaires_evolution",
        "part_logements_vacants_evolution",
    ),
    "occupation": (
        "part_proprietaires",
        "part_locataires",
        "part_locataires_hlm",
        "part_loges_gratuitement",
        "part_menages_emmenages_moins_2_ans",
        "part_menages_sans_voiture",
    ),
    "confort": (
        "nombre_moyen_pieces_rp",
        "part_rp_1_2_pieces",
        "part_rp_5_pieces_plus",
        "part_suroccupation",
        "part_suroccupation_peuplement",
        *construction_columns(2022),
    ),
    "parc_social": RPLS_IDS,
}


def header(portrait: Portrait) -> HTML:
    """Banner (fictional data), territory, comparators, geography and housing vintages."""
    years = housing_vintages(portrait.census_totals)
    text = portrait_views.header(portrait).data
    shown = ", ".join(str(y) for y in years) or "aucun"
    return HTML(f"{text}<p>Logement : recensements {shown} (base communale « Logement »).</p>")


def key_figures(portrait: Portrait, theme: str, *, annee: str | None = None) -> HTML:
    """Table of a theme's figures: one row per indicator, one column per territory.

    When the comparators are not published in the latest vintage but are in an earlier
    one (e.g. a national file of another vintage), a second table gives that vintage.
    """
    indicators = THEMES[theme]
    table = display.key_figures_table(
        portrait.figures, indicators=indicators, labels=portrait.labels, annee=annee
    )
    if annee is not None:
        return table
    years = {y for i in indicators if (y := _latest(portrait, i)) is not None}
    compared = {y for i in indicators if (y := _comparison_year(portrait, i)) is not None}
    earlier = sorted(y for y in compared if y not in years)
    if not earlier:
        return table
    year = earlier[-1]
    shown = [i for i in indicators if not math.isnan(portrait.value(i, year))]
    second = display.key_figures_table(
        portrait.figures,
        indicators=shown,
        labels=portrait.labels,
        annee=str(year),
        caption=f"Comparaison en {year}, dernier millésime publié pour les comparateurs — "
        f"Insee, RP{year}",
    )
    return HTML(f"{table.data}{second.data}")


def social_housing_years(portrait: Portrait) -> HTML:
    """RPLS figures at 1 January of the earlier years of the files (the latest is in the body)."""
    figures = portrait.figures
    rows = figures[(figures["indicateur"] == COUNT_ID) & figures["disponible"]]
    years = sorted({str(y) for y in rows["annee"]})
    if not years:
        return display.key_figures_table(figures, indicators=RPLS_IDS, labels=portrait.labels)
    tables = [
        display.key_figures_table(
            figures,
            indicators=RPLS_IDS,
            labels=portrait.labels,
            annee=year,
            caption=f"Parc social au 1er janvier {year} — SDES, répertoire RPLS",
        ).data
        for year in reversed(years[:-1])
    ]
    if not tables:
        return HTML("<p>Les fichiers RPLS fournis ne donnent qu'une année.</p>")
    return HTML("".join(tables))


def _latest(portrait: Portrait, indicator: str) -> int | None:
    for year in reversed(housing_vintages(portrait.census_totals)):
        if not math.isnan(portrait.value(indicator, year)):
            return year
    return None


def _comparison_year(portrait: Portrait, indicator: str) -> int | None:
    """Latest vintage where the territory and at least one comparator are published."""
    for year in reversed(housing_vintages(portrait.census_totals)):
        if math.isnan(portrait.value(indicator, year)):
            continue
        if any(not math.isnan(portrait.value(indicator, year, c.id)) for c in portrait.comparators):
            return year
    return None


def _comparison(portrait: Portrait, indicators: dict[str, str], *, title: str) -> Figure | HTML:
    first = next(iter(indicators))
    year = _comparison_year(portrait, first) or _latest(portrait, first)
    if year is None:
        return portrait_views._finish(portrait, None)
    figure = charts.indicator_comparison(
        portrait.figures,
        indicators=indicators,
        annee=str(year),
        labels=portrait.labels,
        source=f"Source : Insee, RP{year}, exploitation principale",
        title=f"{title}, {year}",
    )
    return portrait_views._finish(portrait, figure)


def stock_chart(portrait: Portrait) -> Figure | HTML:
    """Dwellings by occupation (main, second and occasional, vacant), against comparators."""
    return _comparison(
        portrait,
        {
            "part_residences_principales": "Résidences principales",
            "part_residences_secondaires": "Résidences secondaires\net logements occasionnels",
            "part_logements_vacants": "Logements vacants",
        },
        title="Logements selon leur occupation (en % des logements)",
    )


def tenure_chart(portrait: Portrait) -> Figure | HTML:
    """Tenure of the main homes, against comparators."""
    return _comparison(
        portrait,
        {
            "part_proprietaires": "Propriétaires",
            "part_locataires": "Locataires (privé et HLM)",
            "part_locataires_hlm": "dont locataires HLM\n(déclaré par l'occupant)",
            "part_loges_gratuitement": "Logés gratuitement",
        },
        title="Statut d'occupation des résidences principales (en %)",
    )


def _cell(value: object, fmt) -> str:
    return "n.d." if value is None or pd.isna(value) else fmt(value)


def communes_table(portrait: Portrait) -> HTML:
    """Second homes and vacancy of each commune (alphabetical; small communes flagged)."""
    table = portrait.tables.get(COMMUNES_TABLE)
    if table is None or table.empty or len(table.columns) <= 2:
        return HTML(
            "<p><em>Tableau des communes non disponible : aucune base « Logement ».</em></p>"
        )
    year = next(c for c in table.columns if c.startswith("logements_")).rsplit("_", 1)[1]
    shown = pd.DataFrame(
        {
            "Code": table["code"],
            "Commune": [
                f"{name} *" if small else name
                for name, small in zip(table["commune"], table["petite_commune"])
            ],
            f"Logements {year}": [_cell(v, fr_int) for v in table[f"logements_{year}"]],
            "Résidences secondaires et logements occasionnels": [
                _cell(v, fr_int) for v in table[f"residences_secondaires_{year}"]
            ],
            "Part (%)": [
                _cell(v, lambda x: fr_number(x, 1))
                for v in table[f"part_residences_secondaires_{year}"]
            ],
            "Logements vacants": [_cell(v, fr_int) for v in table[f"logements_vacants_{year}"]],
            "Part vacants (%)": [
                _cell(v, lambda x: fr_number(x, 1)) for v in table[f"part_logements_vacants_{year}"]
            ],
        }
    )
    threshold = fr_int(portrait.params.options.small_count_threshold)
    note = (
        "<p class='ctg-note'>Communes par ordre alphabétique (elles ne sont pas classées). "
        f"* : commune de moins de {threshold} logements, dont les parts varient beaucoup "
        f"d'un recensement à l'autre. Source : Insee, RP{year}, exploitation principale.</p>"
    )
    return HTML(shown.to_html(index=False, escape=True, classes="ctg-table") + note)


def findings(portrait: Portrait) -> HTML:
    """Findings (constats) of the housing chapter."""
    return display.findings_list(findings_module.sentences(portrait, theme=THEME))


def vigilance(portrait: Portrait) -> HTML:
    """The chapter's points de vigilance."""
    return portrait_views.vigilance(portrait, chapter="logement")


def _indicators(themes: tuple[str, ...]) -> list[str]:
    return [i for theme in themes for i in THEMES[theme]]


def definitions(portrait: Portrait, themes: tuple[str, ...] = tuple(THEMES)) -> HTML:
    """Definitions and sources of the chapter's indicators."""
    return display.definitions_table(portrait.figures, indicators=_indicators(themes))


def glossary(themes: tuple[str, ...] = tuple(THEMES)) -> HTML:
    """Methodology appendix from the indicator registry, for the chapter's indicators."""
    table = load_registry().glossary()
    table = readable_glossary(table[table["indicateur"].isin(_indicators(themes))])
    return display.simple_table(table, caption="Glossaire des indicateurs (registre ctgstats)")
