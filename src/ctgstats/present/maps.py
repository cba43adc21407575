"""Static maps (matplotlib, no tiles, no network): choropleths and the territory's situation.

Geometries are shapely polygons in Lambert 93 (from :mod:`ctgstats.data.contours`). A
choropleth has :data:`CLASSES` classes by quantiles of the values shown, coloured with
the sequential, colour-blind-safe and print-readable ``cividis`` palette (light = low);
secret values are hatched (« secret statistique »), missing ones plain grey (« non
disponible »), each with its legend entry; class limits are written in French number
format. Optional points (equipment, services …) are drawn on top. Every map carries its
legend, source, vintage and geography year in its caption.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry.base import BaseGeometry

from ctgstats.present.chart_style import (
    MUTED_COLOR,
    TERRITORY_COLOR,
    TEXT_COLOR,
    finish_figure,
    new_figure,
)
from ctgstats.present.formatting import fr_number

__all__ = [
    "CLASSES",
    "MISSING",
    "PUBLISHED",
    "SECRET",
    "MapValues",
    "assign_classes",
    "choropleth",
    "class_breaks",
    "class_labels",
    "draw",
    "figure_data_uri",
    "map_table",
    "situation_map",
]

CLASSES = 5
MAP_HEIGHT = 4.0
"""Inches: height of a choropleth (the report's column is 8 inches wide)."""
"""Number of classes of a choropleth (quantiles)."""
PALETTE = "cividis_r"
"""Sequential palette, light (low) to dark (high), readable in grey and by colour-blind readers."""
PUBLISHED = "publié"
SECRET = "secret statistique"
MISSING = "non disponible"
FLOOR = "plancher"
SECRET_STYLE = {"facecolor": "white", "edgecolor": "#6B6B6B", "hatch": "////"}
MISSING_COLOR = "#D4D4D4"
EDGE_COLOR = "white"
POINT_STYLE = {"marker": "o", "s": 28, "facecolor": "white", "edgecolor": "black", "zorder": 5}


@dataclass(frozen=True)
class MapValues:
    """The values of one choropleth and how to describe them.

    Attributes
    ----------
    id
        Map id (``tables/carte_<id>.csv``).
    title
        French title of the map.
    unit
        Unit shown after the class limits (``"%"``).
    decimals
        Decimals of the class limits.
    source
        Source and vintage of the values (``"Insee, RP2022"``).
    geography
        Vintage of the contours and the geography year (:attr:`Contours.vintage`).
    """

    id: str
    title: str
    unit: str
    decimals: int
    source: str
    geography: str


# ------------------------------------------------------------------ classes


def class_breaks(
    values: Sequence[float], *, classes: int = CLASSES, decimals: int = 1
) -> list[float]:
    """Limits of quantile classes of the finite ``values``: ``classes + 1`` increasing numbers.

    The quantiles (linear interpolation) are rounded to ``decimals``; the first limit is
    rounded down and the last up, so every value falls in a class; equal limits are
    merged (fewer classes when values repeat). Empty list when no value is finite.
    """
    finite = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if finite.size == 0:
        return []
    scale = 10.0**decimals
    quantiles = np.quantile(finite, np.linspace(0.0, 1.0, classes + 1))
    limits = [round(float(q), decimals) for q in quantiles[1:-1]]
    low = math.floor(float(finite.min()) * scale + 1e-9) / scale
    high = math.ceil(float(finite.max()) * scale - 1e-9) / scale
    ordered = [low, *limits, high]
    breaks: list[float] = []
    for limit in ordered:
        if not breaks or limit > breaks[-1]:
            breaks.append(limit)
    if len(breaks) == 1:  # one distinct value: one class
        breaks.append(breaks[0])
    return breaks


def assign_classes(values: Sequence[float], breaks: Sequence[float]) -> list[int | None]:
    """Class index of each value (``[b_i, b_i+1)``, the last class closed); None if missing."""
    if len(breaks) < 2:
        return [None for _ in values]
    inner = np.array(breaks[1:-1], dtype=float)
    result: list[int | None] = []
    for value in values:
        if value is None or not math.isfinite(value):
            result.append(None)
        else:
            result.append(int(np.searchsorted(inner, value, side="right")))
    return result


def class_labels(breaks: Sequence[float], *, decimals: int = 1, unit: str = "") -> list[str]:
    """French legend labels: ``"12,3 à moins de 15,0 %"``, the last ``"45,0 à 52,1 %"``."""
    suffix = f"\u00a0{unit}" if unit else ""
    labels = []
    count = len(breaks) - 1
    for i in range(count):
        low, high = fr_number(breaks[i], decimals), fr_number(breaks[i + 1], decimals)
        joint = "à" if i == count - 1 else "à moins de"
        labels.append(f"{low} {joint} {high}{suffix}" if low != high else f"{low}{suffix}")
    return labels


def _colors(count: int) -> list[tuple[float, float, float, float]]:
    cmap = mpl.colormaps[PALETTE]
    if count <= 1:
        return [cmap(0.35)]
    return [cmap(0.08 + 0.84 * i / (count - 1)) for i in range(count)]


def map_table(
    codes: Sequence[str],
    *,
    names: Mapping[str, str],
    values: Mapping[str, float],
    status: Mapping[str, str],
    small: Mapping[str, bool] | None = None,
    decimals: int = 1,
    unit: str = "",
    classes: int = CLASSES,
) -> pd.DataFrame:
    """One row per area drawn: ``code, nom, valeur, statut, classe, petit_effectif``.

    ``statut`` is :data:`PUBLISHED`, :data:`FLOOR` (a floor value, drawn in its class),
    :data:`SECRET` or :data:`MISSING` (with the reason after a colon, e.g.
    ``"non disponible : commune absente du fichier"``); a value without a finite number
    is never drawn as a class. ``classe`` is the legend label (empty when not drawn).
    """
    raw = [float(values.get(c, math.nan)) for c in codes]
    states = []
    for code, value in zip(codes, raw, strict=True):
        state = str(status.get(code, PUBLISHED if math.isfinite(value) else MISSING))
        if not math.isfinite(value) and not state.startswith((SECRET, MISSING)):
            state = f"{MISSING} : {state}" if state not in (PUBLISHED, FLOOR) else MISSING
        states.append(state)
    shown = [v if s in (PUBLISHED, FLOOR) else math.nan for v, s in zip(raw, states, strict=True)]
    breaks = class_breaks(shown, classes=classes, decimals=decimals)
    labels = class_labels(breaks, decimals=decimals, unit=unit)
    indexes = assign_classes(shown, breaks)
    return pd.DataFrame(
        {
            "code": pd.Series(list(codes), dtype=str),
            "nom": [str(names.get(c, "")) for c in codes],
            "valeur": shown,
            "statut": states,
            "classe": ["" if i is None else labels[i] for i in indexes],
            "petit_effectif": [bool((small or {}).get(c, False)) for c in codes],
        }
    )


# ------------------------------------------------------------------ drawing


def _path(geometry: BaseGeometry) -> MplPath | None:
    polygons = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type == "Polygon"]
    if not polygons and hasattr(geometry, "geoms"):
        polygons = [
            p
            for part in geometry.geoms
            for p in getattr(part, "geoms", [part])
            if p.geom_type == "Polygon"
        ]
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            vertices.append(xy)
            codes.append(ring_codes)
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def draw(ax: Axes, geometry: BaseGeometry, **style: object) -> None:
    """Add a (multi)polygon to ``ax`` with matplotlib patch ``style``."""
    path = _path(geometry)
    if path is not None:
        ax.add_patch(PathPatch(path, **style))


def _frame(ax: Axes, geometries: Sequence[BaseGeometry], *, margin: float = 0.04) -> None:
    west, south, east, north = shapely.total_bounds(np.array(list(geometries), dtype=object))
    pad = margin * max(east - west, north - south, 1.0)
    ax.set_xlim(west - pad, east + pad)
    ax.set_ylim(south - pad, north + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _caption(table: MapValues, extra: str = "") -> str:
    parts = [
        table.source,
        f"Fond : {table.geography}",
        f"classes par quantiles ({CLASSES} au plus), palette séquentielle cividis",
    ]
    if extra:
        parts.insert(0, extra)
    return " ; ".join(p for p in parts if p) + "."


def choropleth(
    geometries: Mapping[str, BaseGeometry],
    table: pd.DataFrame,
    spec: MapValues,
    *,
    context: BaseGeometry | None = None,
    points: pd.DataFrame | None = None,
    points_label: str = "Équipements",
    height: float = MAP_HEIGHT,
) -> Figure:
    """Choropleth of ``table`` (:func:`map_table`) over ``geometries`` (code → polygon).

    Parameters
    ----------
    geometries
        Lambert-93 polygons by code; rows of ``table`` without a polygon are not drawn
        (the caption counts them).
    table
        Output of :func:`map_table`.
    spec
        Title, unit, source and geography of the map.
    context
        An outline drawn under the map (the territory's outline), or None.
    points
        Optional points on top: columns ``x``, ``y`` (Lambert 93 metres).
    points_label
        Legend entry of the points.
    """
    fig, ax = new_figure(height)
    labels = [c for c in dict.fromkeys(table["classe"]) if c]
    ordered = sorted(labels, key=lambda lab: _first_number(lab))
    colours = dict(zip(ordered, _colors(len(ordered)), strict=True))
    drawn = []
    for row in table.itertuples(index=False):
        geometry = geometries.get(str(row.code))
        if geometry is None:
            continue
        drawn.append(geometry)
        state = str(row.statut)
        if row.classe:
            draw(ax, geometry, facecolor=colours[row.classe], edgecolor=EDGE_COLOR, linewidth=0.6)
        elif state.startswith(SECRET):
            draw(ax, geometry, linewidth=0.6, **SECRET_STYLE)
        else:
            draw(ax, geometry, facecolor=MISSING_COLOR, edgecolor=EDGE_COLOR, linewidth=0.6)
    if context is not None:
        draw(ax, context, facecolor="none", edgecolor=TEXT_COLOR, linewidth=1.2)
        drawn.append(context)
    handles: list[object] = [Patch(facecolor=colours[lab], label=lab) for lab in ordered]
    states = [str(s) for s in table["statut"]]
    if any(s.startswith(SECRET) for s in states):
        handles.append(Patch(label=SECRET, **SECRET_STYLE))  # type: ignore[arg-type]
    if any(s.startswith(MISSING) for s in states):
        handles.append(Patch(facecolor=MISSING_COLOR, edgecolor="#9A9A9A", label=MISSING))
    if points is not None and len(points):
        ax.scatter(points["x"], points["y"], label=points_label, **POINT_STYLE)  # type: ignore[arg-type]
        handles.append(ax.collections[-1])
    if drawn:
        _frame(ax, drawn)
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize=9,
        title=f"En {spec.unit}" if spec.unit else None,
        title_fontsize=9,
    )
    absent = [c for c in table["code"] if c not in geometries]
    extra = f"{len(absent)} commune(s) sans contour, non dessinée(s)" if absent else ""
    floors = sum(1 for s in states if s == FLOOR)
    if floors:
        extra = "; ".join(p for p in (extra, f"{floors} valeur(s) au plancher de publication") if p)
    shown = sum(1 for c in table["classe"] if c)
    return finish_figure(
        fig,
        title=spec.title,
        source=_caption(spec, extra),
        alt=f"carte de {len(drawn) - (context is not None)} communes, {shown} avec une valeur",
    )


def _first_number(label: str) -> float:
    head = label.split(" ")[0].replace("\u00a0", "").replace(",", ".").replace("\u2212", "-")
    try:
        return float(head)
    except ValueError:
        return math.inf


def situation_map(
    departement: BaseGeometry | None,
    territory: BaseGeometry,
    communes: Mapping[str, BaseGeometry],
    *,
    title: str,
    territory_label: str,
    departement_label: str,
    source: str,
    height: float = 3.0,
) -> Figure:
    """The territory (its communes, its outline) inside its département's outline."""
    fig, ax = new_figure(height)
    shapes: list[BaseGeometry] = [territory]
    if departement is not None:
        draw(ax, departement, facecolor="#F2F2F2", edgecolor=MUTED_COLOR, linewidth=1.0)
        shapes.append(departement)
    for geometry in communes.values():
        draw(ax, geometry, facecolor="#F6C9A8", edgecolor="white", linewidth=0.4)
    draw(ax, territory, facecolor="none", edgecolor=TERRITORY_COLOR, linewidth=2.0)
    _frame(ax, shapes)
    handles = [
        Patch(facecolor="#F6C9A8", edgecolor=TERRITORY_COLOR, linewidth=2.0, label=territory_label)
    ]
    if departement is not None:
        handles.append(Patch(facecolor="#F2F2F2", edgecolor=MUTED_COLOR, label=departement_label))
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9
    )
    return finish_figure(
        fig,
        title=title,
        source=source,
        alt=f"{territory_label} ({len(communes)} communes) dans {departement_label}",
    )


def figure_data_uri(fig: Figure, *, dpi: int = 110) -> str:
    """The figure as a ``data:image/png;base64,…`` URI (inline in an offline page)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
