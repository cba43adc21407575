"""What ``09_cartes.ipynb`` displays: one call per block, no logic in the notebook.

The maps are drawn from the portrait's tables only (``carte_<id>`` and ``contours``), so
what is drawn is exactly what ``tables/carte_<id>.csv`` lists.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure

from ctgstats.portrait import views as portrait_views
from ctgstats.portrait.maps.chapter import (
    CONTOURS_TABLE,
    HARMONISATION_TABLE,
    MAPS,
    SITUATION,
    geometries_from,
    map_stem,
)
from ctgstats.portrait.model import Portrait
from ctgstats.portrait.services.chapter import POINTS_TABLE
from ctgstats.portrait.services.read import load_catalogue
from ctgstats.present import display, maps
from ctgstats.present.formatting import fr_int

__all__ = ["choropleth", "harmonisation", "header", "needs_and_offer", "situation", "vigilance"]

CHAPTER_ID = "cartes"
ANNEX_HEIGHT = 3.3
"""Inches: the annex's maps are smaller (two or three a printed page)."""


def _unavailable(portrait: Portrait) -> HTML:
    points = portrait.chapter_vigilance.get(CHAPTER_ID, [])
    reason = next(
        (p.split(":", 1)[1].strip() for p in points if p.startswith("Cartes non disponibles")),
        "les contours des communes ne sont pas disponibles.",
    )
    return HTML(f"<p><em>Carte non disponible : {html.escape(reason)}</em></p>")


def header(portrait: Portrait) -> HTML:
    """Banner (fictional data), territory, comparators and vintages.

    The vintage of the contours is in each map's caption.
    """
    return portrait_views.header(portrait)


def situation(portrait: Portrait) -> Figure | HTML:
    """The territory and its communes inside the outline of its département."""
    table = portrait.tables.get(CONTOURS_TABLE)
    if table is None or table.empty:
        return _unavailable(portrait)
    level = portrait.territory.level.value
    territory = geometries_from(table, level=level).get(portrait.territory.code)
    if territory is None:
        return _unavailable(portrait)
    departements = table[table["niveau"] == "departement"]
    departement = (
        geometries_from(table, level="departement").get(str(departements["code"].iloc[0]))
        if len(departements)
        else None
    )
    communes = geometries_from(table, level="commune")
    dep_label = (
        f"{departements['nom'].iloc[0]} ({departements['code'].iloc[0]})"
        if len(departements)
        else "département (contour non disponible)"
    )
    fond = portrait.tables[map_stem(SITUATION)]["fond"].iloc[0]
    figure = maps.situation_map(
        departement,
        territory,
        communes,
        title=f"{portrait.territory.label} dans son département",
        territory_label=f"{portrait.territory.label} ({fr_int(len(communes))} communes)",
        departement_label=dep_label,
        source=f"Fond : {fond}.",
    )
    return portrait_views._finish(portrait, figure)


def choropleth(
    portrait: Portrait,
    map_id: str,
    *,
    points: pd.DataFrame | None = None,
    points_label: str = "Équipements",
) -> Figure | HTML:
    """The choropleth ``map_id`` of :data:`ctgstats.portrait.maps.chapter.MAPS`.

    ``points`` (columns ``x``, ``y`` in Lambert 93 metres) are drawn on top, e.g. the
    equipment of the services chapter (« besoins × offre »).
    """
    spec = next((m for m in MAPS if m.id == map_id), None)
    if spec is None:
        raise KeyError(f"carte {map_id!r} inconnue ({', '.join(m.id for m in MAPS)})")
    table = portrait.tables.get(map_stem(map_id))
    contours = portrait.tables.get(CONTOURS_TABLE)
    if table is None or contours is None:
        return _unavailable(portrait)
    if not table["classe"].astype(bool).any():
        reasons = sorted({str(s) for s in table["statut"]})
        return HTML(
            "<p><em>Carte non disponible : aucune valeur publiée pour les communes du "
            f"territoire ({html.escape('; '.join(reasons))}).</em></p>"
        )
    level = portrait.territory.level.value
    outline = geometries_from(contours, level=level).get(portrait.territory.code)
    values = maps.MapValues(
        id=map_id,
        title=spec.title,
        unit="%",
        decimals=1,
        source=str(table["source"].iloc[0]),
        geography=str(table["fond"].iloc[0]),
    )
    figure = maps.choropleth(
        geometries_from(contours, level="commune"),
        table,
        values,
        context=outline,
        points=points,
        points_label=points_label,
        height=ANNEX_HEIGHT if spec.annex else maps.MAP_HEIGHT,
    )
    return portrait_views._finish(portrait, figure)


def harmonisation(portrait: Portrait) -> HTML:
    """Which communes of the contours were merged into which (the geography of the report)."""
    table = portrait.tables.get(HARMONISATION_TABLE)
    if table is None:
        return _unavailable(portrait)
    if table.empty:
        return HTML(
            "<p>Aucune fusion de communes entre l'édition des contours et la géographie du "
            f"rapport (1er janvier {portrait.cog_year}).</p>"
        )
    shown = pd.DataFrame(
        {
            "Fichier de contours": table["fichier"],
            "Opération": table["operation"],
            "Anciennes communes": table["anciens_codes"],
            f"Commune au 1er janvier {portrait.cog_year}": table["code_cog"],
            "Détail": table["detail"],
        }
    )
    return display.simple_table(shown, caption="Harmonisation des contours des communes")


def vigilance(portrait: Portrait) -> HTML:
    """The chapter's points de vigilance."""
    return portrait_views.vigilance(portrait, chapter=CHAPTER_ID)


def needs_and_offer(
    portrait: Portrait, map_id: str = "age_60_plus", *, service: str = "medecin_generaliste"
) -> Figure | HTML:
    """« Besoins × offre » : the choropleth ``map_id`` with the equipment of ``service``.

    The equipment come from the services chapter (BPE géolocalisée, points in the
    territory's communes); without them the map says so.
    """
    table = portrait.tables.get(POINTS_TABLE)
    if table is None or table.empty:
        return HTML(
            "<p><em>Carte « besoins × offre » non disponible : pas de fichier de la BPE "
            "géolocalisée dans les données.</em></p>"
        )
    chosen = table[table["service"] == service]
    label = load_catalogue().get(service).label
    vintage = int(table["millesime"].iloc[0])
    return choropleth(
        portrait,
        map_id,
        points=chosen[["x", "y"]],
        points_label=f"{label} (Insee, BPE géolocalisée {vintage} ; {len(chosen)} équipement(s))",
    )
