"""The portal's map: every territory of the output folder, coloured by one portal figure.

Each territory's run writes its simplified outline (``tables/contours.csv``, WKT in Lambert
93, from the maps chapter: the union of its communes in the report's geography); the
portal draws them side by side inside their départements' outlines, coloured by
:data:`PORTAL_MAP_INDICATOR` (the figure of the portal's table), and inlines the PNG as a
data URI (no tile, no network). The data of the map are written to
``tables/carte_portail.csv`` (one row per territory drawn).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ctgstats.core.files import write_text_atomic
from ctgstats.portrait.charts import fictional_watermark
from ctgstats.present import maps
from ctgstats.present.labels import indicator_label


class PortalEntry(Protocol):
    """What the map reads of a :class:`ctgstats.publish.portal.PortalEntry`."""

    slug: str
    name: str
    level: str
    code: str
    report_dir: str | None
    fictional: bool
    figures: dict[str, Any]


__all__ = ["PORTAL_MAP_INDICATOR", "PORTAL_MAP_TABLE", "portal_map_section"]

log = logging.getLogger(__name__)

PORTAL_MAP_INDICATOR = "part_60_plus"
"""Figure colouring the territories (a figure of the portal's table)."""
PORTAL_MAP_TABLE = "carte_portail"
CONTOURS_FILE = ("tables", "contours.csv")


def _outlines(
    root: Path, entries: Sequence[PortalEntry]
) -> tuple[dict[str, BaseGeometry], dict[str, BaseGeometry], set[str]]:
    """Territory outlines by slug, département outlines by code, the contour vintages."""
    territories: dict[str, BaseGeometry] = {}
    departements: dict[str, BaseGeometry] = {}
    vintages: set[str] = set()
    csv.field_size_limit(10_000_000)
    for entry in entries:
        if not entry.report_dir:
            continue
        path = root.joinpath(entry.report_dir, *CONTOURS_FILE)
        if not path.is_file():
            continue
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, csv.Error, UnicodeDecodeError) as error:
            log.warning("%s unreadable: %s", path, error)
            continue
        for row in rows:
            try:
                geometry = shapely.from_wkt(row.get("wkt", ""))
            except shapely.errors.GEOSException:
                log.warning("%s: unreadable WKT for %s", path, row.get("code"))
                continue
            if row.get("niveau") == entry.level and row.get("code") == entry.code:
                territories[entry.slug] = geometry
                edition = row.get("edition") or "non indiquée"
                vintages.add(f"édition {edition}, géographie au 1er janvier {row.get('cog')}")
            elif row.get("niveau") == "departement":
                departements.setdefault(str(row.get("code")), geometry)
    return territories, departements, vintages


def _write_table(root: Path, table: pd.DataFrame) -> None:
    folder = root / "tables"
    folder.mkdir(exist_ok=True)
    write_text_atomic(
        folder / f"{PORTAL_MAP_TABLE}.csv", table.to_csv(index=False, lineterminator="\n")
    )


def portal_map_section(root: Path, entries: Sequence[PortalEntry]) -> str:
    """The ``<section>`` of the portal's map, or "" when no territory has contours."""
    territories, departements, vintages = _outlines(root, entries)
    if not territories:
        return ""
    drawn = [e for e in entries if e.slug in territories]
    values = {
        e.slug: (
            float(e.figures[PORTAL_MAP_INDICATOR].valeur)
            if PORTAL_MAP_INDICATOR in e.figures
            and e.figures[PORTAL_MAP_INDICATOR].valeur is not None
            else float("nan")
        )
        for e in drawn
    }
    table = maps.map_table(
        [e.slug for e in drawn],
        names={e.slug: e.name for e in drawn},
        values=values,
        status={},
    )
    table.insert(1, "territoire", [f"{e.level}:{e.code}" for e in drawn])
    years = sorted(
        {e.figures[PORTAL_MAP_INDICATOR].annee for e in drawn if PORTAL_MAP_INDICATOR in e.figures}
    )
    sources = sorted(
        {e.figures[PORTAL_MAP_INDICATOR].source for e in drawn if PORTAL_MAP_INDICATOR in e.figures}
    )
    table["annee"] = [
        e.figures[PORTAL_MAP_INDICATOR].annee if PORTAL_MAP_INDICATOR in e.figures else ""
        for e in drawn
    ]
    _write_table(root, table)
    label = indicator_label(PORTAL_MAP_INDICATOR)
    spec = maps.MapValues(
        id="portail",
        title=f"{label} ({', '.join(years)})" if years else label,
        unit="%",
        decimals=1,
        source=" ; ".join(s for s in sources if s) or "ctgstats",
        geography="contours des communes réunis par territoire ("
        + " ; ".join(sorted(vintages))
        + ")",
    )
    figure = maps.choropleth(
        territories,
        table,
        spec,
        context=shapely.union_all(list(departements.values())) if departements else None,
        height=5.5,
    )
    if all(e.fictional for e in drawn):
        fictional_watermark(figure)
    uri = maps.figure_data_uri(figure)
    missing = len(entries) - len(drawn)
    note = (
        f" {missing} territoire(s) sans contour (rapport sans carte) ne sont pas dessinés."
        if missing
        else ""
    )
    alt = f"Carte des {len(drawn)} territoires du portail selon : {label}."
    return (
        '<section><h2 id="carte">Carte des territoires</h2>'
        f'<figure class="ctg-portal-map"><img src="{uri}" alt="{escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto">'
        "<figcaption>Chaque territoire est la réunion de ses communes "
        f"dans la géographie de son rapport ; données de la carte : tables/{PORTAL_MAP_TABLE}.csv."
        f"{escape(note)}</figcaption></figure></section>"
    )
