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
    STRAIGHT,
    UNITS,
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


MEASURES: dict[str, tuple[str, str]] = {
    "nombre": (
        "Nombre d'équipements",
        "Équipements du service recensés par la BPE au 1er janvier dans les communes du "
        "territoire (des équipements, pas leur capacité).",
    ),
    "communes_avec": (
        "Communes équipées",
        "Communes ayant au moins un équipement du service.",
    ),
    "part_pop_sans": (
        "Population sans le service dans sa commune",
        "Somme des populations municipales des communes sans équipement du service, sur la "
        "population municipale du territoire (recensement le plus récent).",
    ),
    "densite": (
        "Densité",
        "Équipements pour 10 000 habitants ; seulement pour les équipements courants "
        "(médecin généraliste, pharmacie, supérette ou épicerie).",
    ),
    "distance": (
        "Distance au plus proche",
        "Moyenne, pondérée par la population des communes, de la distance du point de "
        f"référence de chaque commune à l'équipement le plus proche (même hors du territoire) ; "
        f"{STRAIGHT}.",
    ),
}
"""Generic definition of each measure (the figures' own definitions name the service)."""


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
    """Short table of the key services: communes equipped, population without, distance.

    The population without a service is given for the territory and each comparator with
    a value; the distance is the territory's mean straight-line distance to the nearest.
    """
    year, distance_year = _year(portrait), _year(portrait, "distance")
    if year is None:
        return HTML("<p><em>Offre de services non disponible : aucun fichier de la BPE.</em></p>")
    members = len(portrait.territory.communes or ())
    rows = []
    for service in load_catalogue().services:
        equipped = _value(
            portrait, indicator_id("communes_avec", service.id), year, portrait.territory.id
        )
        row = {
            "Service": service.short,
            "Communes équipées": "n.d."
            if math.isnan(equipped)
            else f"{fr_int(equipped)} / {fr_int(members)}",
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
    frame = pd.DataFrame(rows)
    empty = [
        c for c in frame.columns if c.startswith("Population sans") and (frame[c] == "n.d.").all()
    ]
    frame = frame.drop(columns=empty)
    dropped = [c.removeprefix("Population sans le service — ") for c in empty]
    notes = [
        (f"Non disponible pour {', '.join(dropped)} (colonne omise). " if dropped else "")
        + f"BPE {year}. Population sans le service : part des habitants vivant dans une commune "
        "qui n'en a aucun (population municipale du recensement). Distance : moyenne pondérée "
        "par la population, à vol d'oiseau, du point de référence de chaque commune à "
        "l'équipement le plus proche, même hors du territoire"
        + (f" (BPE géolocalisée {distance_year})." if distance_year else " (non disponible).")
        + " n.d. : non disponible (raison dans l'annexe « Chiffres détaillés »)."
    ]
    return display.simple_table(frame, caption="Les services clés du territoire", notes=notes)


def share_chart(portrait: Portrait) -> Figure | HTML:
    """Share of the population without each key service, territory vs comparators."""
    year = _year(portrait)
    if year is None:
        return HTML("<p><em>Graphique non disponible : aucun fichier de la BPE.</em></p>")
    services = [(indicator_id("part_pop_sans", s.id), s.short) for s in load_catalogue().services]
    figures = portrait.figures
    shown = figures[
        figures["indicateur"].isin([i for i, _ in services])
        & figures["disponible"]
        & (figures["annee"].astype(str) == year)
    ]
    labels = {
        key: name
        for key, name in portrait.labels.items()
        if key == portrait.territory.id or (shown["territoire"] == key).any()
    }
    figure = charts.share_without_chart(
        figures,
        services=services,
        labels=labels,
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


GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Enfance, éducation et vie sociale",
        ("eaje", "ecole_maternelle", "ecole_elementaire", "college", "centre_social"),
    ),
    (
        "Santé, accès aux droits et commerces",
        (
            "medecin_generaliste",
            "pharmacie",
            "france_services",
            "france_travail",
            "poste",
            "commerce_proximite",
            "supermarche",
        ),
    ),
)
"""Services of each commune table of the annex (two narrow tables rather than one wide)."""


def communes_table(portrait: Portrait) -> HTML:
    """Equipments and distance to the nearest one, by commune (alphabetical, not ranked)."""
    table = portrait.tables.get(COMMUNES_TABLE)
    if table is None or table.empty:
        return HTML("<p><em>Tableau par commune non disponible.</em></p>")
    catalogue = load_catalogue()
    known = {s.id for s in catalogue.services}
    grouped = {i for _, ids in GROUPS for i in ids}
    groups = [*GROUPS, ("Autres services", tuple(sorted(known - grouped)))]
    note = (
        "Nombre d'équipements de la commune (BPE) et, entre parenthèses, la distance à vol "
        "d'oiseau de son point de référence à l'équipement le plus proche, dans la commune ou "
        "ailleurs. Communes par ordre alphabétique."
    )
    parts = []
    for title, ids in groups:
        services = [catalogue.get(i) for i in ids if i in known]
        if not services:
            continue
        shown = pd.DataFrame(
            {
                "Commune": table["commune"],
                "Population": table["population"].map(
                    lambda v: "n.d." if pd.isna(v) else fr_int(v)
                ),
            }
        )
        for service in services:
            shown[service.short] = [
                _cell(c, d)
                for c, d in zip(
                    table[f"nombre_{service.id}"], table[f"distance_km_{service.id}"], strict=True
                )
            ]
        parts.append(display.simple_table(shown, caption=title, notes=[note]).data)
    return HTML("".join(parts))


def detailed_figures(portrait: Portrait) -> HTML:
    """Every figure of the chapter, territory and comparators (with the reasons of n.d.)."""
    return display.key_figures_table(
        portrait.figures, indicators=all_indicator_ids(load_catalogue()), labels=portrait.labels
    )


def vigilance(portrait: Portrait) -> HTML:
    """The chapter's points de vigilance."""
    return portrait_views.vigilance(portrait, chapter=CHAPTER_ID)


def definitions(portrait: Portrait) -> HTML:
    """Definitions of the chapter's measures, and the BPE codes of each service by vintage."""
    catalogue = load_catalogue()
    kinds = pd.DataFrame(
        [
            {"Mesure": label, "Définition": text, "Unité": UNITS[kind]}
            for kind, (label, text) in MEASURES.items()
        ]
    )
    figures = portrait.figures
    ours = figures[figures["indicateur"].isin(all_indicator_ids(catalogue))]
    sources = sorted({str(s) for s in ours["source"] if s})
    names = sorted(
        catalogue.sources,
        key=lambda n: min([v for v, m in catalogue.vintages.items() if m == n] or [0]),
    )
    rows = []
    for service in catalogue.services:
        row = {"Service": service.label}
        for name in names:
            years = sorted(v for v, m in catalogue.vintages.items() if m == name)
            codes = service.codes.get(name, ())
            text = ", ".join(codes) if codes else "absent"
            if codes and not service.confirmed.get(name, False):
                text += " (non confirmé)"
            if service.notes.get(name):
                text += f" — {service.notes[name]}"
            row[f"BPE {years[0]}-{years[-1]}" if len(years) > 1 else f"BPE {years[0]}"] = text
        rows.append(row)
    notes = [f"{name} : {catalogue.sources[name]}" for name in names]
    first = display.simple_table(
        kinds,
        caption="Mesures calculées pour chaque service",
        notes=[f"Sources : {'; '.join(sources)}."],
    )
    second = display.simple_table(
        pd.DataFrame(rows), caption="Codes de la BPE de chaque service, par millésime", notes=notes
    )
    return HTML(f"{first.data}{second.data}")
