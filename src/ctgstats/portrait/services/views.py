"""What ``08_offre_services.ipynb`` displays: one call per block, no logic in the notebook."""

from __future__ import annotations

import html
import math

import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure

from ctgstats.portrait import views as portrait_views
from ctgstats.portrait.charts import fictional_watermark
from ctgstats.portrait.model import Portrait
from ctgstats.portrait.services import charts
from ctgstats.portrait.services import findings as chapter_findings
from ctgstats.portrait.services.chapter import (
    CHAPTER_ID,
    COMMUNES_TABLE,
    all_indicator_ids,
    indicator_id,
)
from ctgstats.portrait.services.read import load_catalogue
from ctgstats.present import display
from ctgstats.present.formatting import fr_int, fr_number, fr_percent

__all__ = [
    "communes_table",
    "definitions",
    "detailed_figures",
    "findings",
    "header",
    "share_chart",
    "summary_table",
    "vigilance",
]


def _year(portrait: Portrait, kind: str = "communes_avec") -> str | None:
    ids = [indicator_id(kind, s.id) for s in load_catalogue().services]
    figures = portrait.figures
    rows = figures[figures["indicateur"].isin(ids) & figures["disponible"]]
    years = [str(a) for a in rows["annee"] if str(a).isdigit()]
    return max(years) if years else None


def header(portrait: Portrait) -> HTML:
    """Banner (fictional data), territory, comparators, and the BPE vintages used."""
    text = portrait_views.header(portrait).data
    counts, points = _year(portrait), _year(portrait, "distance")
    shown = f"BPE {counts}" if counts else "aucun fichier de la BPE exploitable"
    distance = f" ; distances : BPE géolocalisée {points}, à vol d'oiseau" if points else ""
    return HTML(
        f"{text}<p>Équipements : {html.escape(shown)} (base permanente des équipements, "
        f"Insee){html.escape(distance)}.</p>"
    )


def _value(portrait: Portrait, ident: str, year: str | None, territory: str) -> float:
    return math.nan if year is None else portrait.value(ident, year, territory)


def summary_table(portrait: Portrait) -> HTML:
    """Short table: communes equipped, population without (territory and comparators),
    mean straight-line distance to the nearest equipment."""
    year, distance_year = _year(portrait), _year(portrait, "distance")
    if year is None:
        return HTML("<p><em>Offre de services non disponible : aucun fichier de la BPE.</em></p>")
    members = len(portrait.territory.communes or ())
    rows = []
    for service in load_catalogue().services:
        equipped = _value(portrait, indicator_id("communes_avec", service.id), year, portrait.territory.id)
        row = {
            "Service": service.short,
            "Communes équipées": "n.d." if math.isnan(equipped) else f"{fr_int(equipped)} / {fr_int(members)}",
        }
        for territory in portrait.territories:
            share = _value(portrait, indicator_id("part_pop_sans", service.id), year, territory.id)
            row[f"Population sans le service — {territory.label}"] = (
                "n.d." if math.isnan(share) else fr_percent(share)
            )
        distance = _value(
            portrait, indicator_id("distance", service.id), distance_year, portrait.territory.id
        )
        row["Distance moyenne au plus proche (km)"] = (
            "n.d." if math.isnan(distance) else fr_number(distance, 1)
        )
        rows.append(row)
    notes = [
        f"BPE {year}. Population sans le service : part des habitants vivant dans une commune "
        "qui n'en a aucun (population municipale du recensement). Distance : moyenne pondérée "
        "par la population, à vol d'oiseau, du point de référence de chaque commune à "
        "l'équipement le plus proche, même hors du territoire"
        + (f" (BPE géolocalisée {distance_year})." if distance_year else " (non disponible).")
        + " n.d. : non disponible (raison dans l'annexe « Chiffres détaillés »)."
    ]
    return display.simple_table(
        pd.DataFrame(rows), caption="Les services clés du territoire", notes=notes
    )


def share_chart(portrait: Portrait) -> Figure | HTML:
    """Share of the population without each key service, territory vs comparators."""
    year = _year(portrait)
    if year is None:
        return HTML("<p><em>Graphique non disponible : aucun fichier de la BPE.</em></p>")
    services = [(indicator_id("part_pop_sans", s.id), s.short) for s in load_catalogue().services]
    figure = charts.share_without_chart(
        portrait.figures,
        services=services,
        labels=portrait.labels,
        annee=year,
        source=f"Source : Insee, BPE {year} ; recensement (population municipale)",
    )
    if figure is None:
        return HTML("<p><em>Graphique non disponible.</em></p>")
    return fictional_watermark(figure) if portrait.fictional else figure


def findings(portrait: Portrait) -> HTML:
    """The chapter's findings, as French sentences."""
    return display.findings_list(chapter_findings.sentences(portrait))


def _cell(count: float, distance: float) -> str:
    text = "n.d." if pd.isna(count) else fr_int(count)
    if not pd.isna(distance):
        text += f" ({fr_number(distance, 1)} km)"
    return text


def communes_table(portrait: Portrait) -> HTML:
    """Equipments and distance to the nearest one, by commune (alphabetical, not ranked)."""
    table = portrait.tables.get(COMMUNES_TABLE)
    if table is None or table.empty:
        return HTML("<p><em>Tableau par commune non disponible.</em></p>")
    services = load_catalogue().services
    shown = pd.DataFrame(
        {
            "Commune": table["commune"],
            "Population": table["population"].map(lambda v: "n.d." if pd.isna(v) else fr_int(v)),
        }
    )
    for service in services:
        shown[service.short] = [
            _cell(c, d)
            for c, d in zip(
                table[f"nombre_{service.id}"], table[f"distance_km_{service.id}"], strict=True
            )
        ]
    note = (
        "Nombre d'équipements de la commune (BPE) et, entre parenthèses, la distance à vol "
        "d'oiseau de son point de référence à l'équipement le plus proche, dans la commune ou "
        "ailleurs. Communes par ordre alphabétique."
    )
    return display.simple_table(shown, caption="Services par commune", notes=[note])


def detailed_figures(portrait: Portrait) -> HTML:
    """Every figure of the chapter, territory and comparators (with the reasons of n.d.)."""
    return display.key_figures_table(
        portrait.figures, indicators=all_indicator_ids(load_catalogue()), labels=portrait.labels
    )


def vigilance(portrait: Portrait) -> HTML:
    """The chapter's points de vigilance."""
    return portrait_views.vigilance(portrait, chapter=CHAPTER_ID)


def definitions(portrait: Portrait) -> HTML:
    """Definitions and sources of the chapter's indicators."""
    return display.definitions_table(
        portrait.figures, indicators=all_indicator_ids(load_catalogue())
    )
