"""What the ``06_emploi_jeunesse`` notebook displays, one call per block."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure

from ctgstats.data.registry import load_registry
from ctgstats.portrait import views as portrait_views
from ctgstats.portrait.charts import fictional_watermark
from ctgstats.portrait.employment import CHAPTER_ID, charts
from ctgstats.portrait.employment import findings as chapter_findings
from ctgstats.portrait.model import Portrait
from ctgstats.present import display
from ctgstats.present.formatting import fr_int, fr_percent
from ctgstats.present.glossary import readable_glossary

__all__ = [
    "THEMES",
    "activity_chart",
    "communes_table",
    "definitions",
    "diploma_chart",
    "findings",
    "glossary",
    "key_figures",
    "vigilance",
]

THEMES: dict[str, tuple[str, ...]] = {
    "emploi": (
        "taux_activite_15_64",
        "taux_emploi_15_64",
        "taux_chomage_15_64",
        "taux_activite_15_64_evolution",
        "taux_emploi_15_64_evolution",
        "taux_chomage_15_64_evolution",
    ),
    "jeunesse": (
        "taux_chomage_15_24",
        "taux_scolarisation_18_24",
        "taux_scolarisation_18_24_evolution",
        "part_neet_15_24",
    ),
    "diplomes": (
        "part_sans_diplome_15p",
        "part_diplome_max_bepc_15p",
        "part_diplomes_superieur_15p",
        "part_diplome_max_bepc_15p_evolution",
        "part_diplomes_superieur_15p_evolution",
    ),
    "mobilite": ("part_actifs_travaillant_hors_commune", "part_actifs_voiture"),
}
"""Indicators shown in each block of the notebook."""

_FINDING_THEMES = {
    "emploi": ("Emploi",),
    "jeunesse": ("Jeunesse",),
    "diplomes": ("Diplômes",),
    "mobilite": ("Mobilité",),
}


def key_figures(portrait: Portrait, theme: str) -> HTML:
    """Figures of a block: one row per indicator, one column per territory (last year)."""
    return display.key_figures_table(
        portrait.figures, indicators=THEMES[theme], labels=portrait.labels
    )


def findings(portrait: Portrait, themes: tuple[str, ...] | list[str]) -> HTML:
    """The chapter's findings of some blocks, as French sentences."""
    wanted = tuple(t for theme in themes for t in _FINDING_THEMES[theme])
    return display.findings_list(chapter_findings.sentences(portrait, themes=wanted))


def _last_year(portrait: Portrait) -> int | None:
    rows = portrait.figures[
        (portrait.figures["indicateur"] == "taux_chomage_15_64") & portrait.figures["disponible"]
    ]
    years = [int(a) for a in rows["annee"] if str(a).isdigit()]
    return max(years) if years else None


def _finish(portrait: Portrait, figure: Figure | None) -> Figure | HTML:
    if figure is None:
        return HTML("<p><em>Graphique non disponible : données absentes des fichiers.</em></p>")
    return fictional_watermark(figure) if portrait.fictional else figure


def activity_chart(portrait: Portrait) -> Figure | HTML:
    """Activity, employment and unemployment rates against the comparators."""
    year = _last_year(portrait)
    if year is None:
        return _finish(portrait, None)
    source = f"Source : Insee, RP{year}, exploitation principale"
    figure = charts.activity_comparison(
        portrait.figures, annee=str(year), labels=portrait.labels, source=source
    )
    return _finish(portrait, figure)


def diploma_chart(portrait: Portrait) -> Figure | HTML:
    """Distribution of the highest diploma, territory and comparators."""
    table = portrait.tables.get("diplomes_repartition")
    year = _last_year(portrait)
    if table is None or year is None:
        return _finish(portrait, None)
    source = f"Source : Insee, RP{year}, exploitation principale"
    figure = charts.diploma_distribution(table, labels=portrait.labels, source=source, year=year)
    return _finish(portrait, figure)


def _rate(value: float) -> str:
    return "n.d." if pd.isna(value) else fr_percent(value)


def communes_table(portrait: Portrait) -> HTML:
    """Unemployment rate and share without diploma by commune (alphabetical, flagged)."""
    table = portrait.tables.get("emploi_communes")
    year = _last_year(portrait)
    if table is None or table.empty or year is None:
        return HTML("<p><em>Tableau par commune non disponible.</em></p>")
    flag = ["*" if small else "" for small in table["effectif_faible"]]
    shown = pd.DataFrame(
        {
            "Code": table["code"],
            "Commune": [f"{n}{f}" for n, f in zip(table["commune"], flag, strict=True)],
            "Actifs de 15-64 ans": table["actifs_15_64"].map(fr_int),
            "Taux de chômage 15-64 ans (recensement)": table["taux_chomage_15_64"].map(_rate),
            "Personnes de 15 ans ou plus non scolarisées": table["non_scolarises_15p"].map(fr_int),
            "Part sans diplôme (ou au plus le CEP)": table["part_sans_diplome_15p"].map(_rate),
        }
    )
    threshold = fr_int(portrait.params.options.small_count_threshold)
    note = (
        f"<p class='ctg-note'>Recensement {year}. Communes par ordre alphabétique (elles ne "
        "sont pas classées : les écarts entre petites communes sont souvent dans la marge "
        f"d'erreur). * : effectif faible (moins de {html.escape(threshold)} actifs ou "
        "personnes non scolarisées), taux à lire avec prudence. Chômage déclaré au "
        "recensement (ni BIT, ni France Travail).</p>"
    )
    return HTML(shown.to_html(index=False, escape=True, classes="ctg-table") + note)


def vigilance(portrait: Portrait) -> HTML:
    """The chapter's points de vigilance."""
    return portrait_views.vigilance(portrait, chapter=CHAPTER_ID)


def definitions(portrait: Portrait) -> HTML:
    """Definitions and sources of the chapter's indicators."""
    indicators = [i for theme in THEMES.values() for i in theme]
    return display.definitions_table(portrait.figures, indicators=indicators)


def glossary() -> HTML:
    """Methodology appendix of the chapter's indicators, from the registry."""
    wanted = [i for theme in THEMES.values() for i in theme]
    table = load_registry().glossary()
    table = readable_glossary(table[table["indicateur"].isin(wanted)])
    return display.simple_table(table, caption="Glossaire des indicateurs (registre ctgstats)")
