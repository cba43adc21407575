"""FICTIONAL commune contours of the demo département, in the layout of the real file.

``geo/communes-00-2018/communes-00-val-d-exemple.geojson`` (43 communes of the old
geography, properties ``code``, ``nom``) and ``departement-00-val-d-exemple.geojson``
(the outline, one Feature with ``code``, ``nom``): the layout of the IGN Admin Express
COG 2018 extract in ``shared/data/geo/communes-31-2018`` (WGS84, 5 decimals). The
edition is 2018, before the merge of ``00012`` and ``00013`` on 1 January 2019, so a map
in the report's geography dissolves them, as for a real territory.

The polygons are the Voronoi cells (:func:`shapely.voronoi_polygons`) of the fixed
reference points of :func:`ctgstats.demo.geography.chef_lieu_points` (Lambert 93,
offshore: x < 0, where no real commune lies), clipped to a fictional département
outline: the union of 9 km discs around the points, smoothed. No random draw.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, mapping
from shapely.geometry.base import BaseGeometry

from ctgstats.demo import generate as g
from ctgstats.demo.geography import chef_lieu_points

__all__ = ["EDITION", "cells", "departement_outline", "write"]

EDITION = 2018
"""Edition (geography of 1 January) of the fictional contours."""
REACH = 9_000.0
"""Metres: radius of the discs whose union is the département outline."""
SMOOTH = 3_000.0
FOLDER = f"geo/communes-{g.DEP_CODE}-{EDITION}"
SLUG = "val-d-exemple"


def departement_outline(points: dict[str, tuple[float, float]]) -> BaseGeometry:
    """The fictional département: union of discs around the points, smoothed, no holes."""
    discs = shapely.union_all([Point(xy).buffer(REACH, quad_segs=8) for xy in points.values()])
    smooth = discs.buffer(SMOOTH, quad_segs=8).buffer(-SMOOTH, quad_segs=8)
    if smooth.geom_type == "MultiPolygon":
        smooth = MultiPoint(list(points.values())).convex_hull.buffer(REACH, quad_segs=8)
    return shapely.Polygon(smooth.exterior)


def cells(points: dict[str, tuple[float, float]], outline: BaseGeometry) -> dict[str, BaseGeometry]:
    """Voronoi cell of each point, clipped to ``outline`` (Lambert 93)."""
    regions = shapely.voronoi_polygons(MultiPoint(list(points.values())), extend_to=outline)
    result: dict[str, BaseGeometry] = {}
    for code, xy in points.items():
        point = Point(xy)
        cell = next(r for r in regions.geoms if r.contains(point))
        result[code] = cell.intersection(outline)
    return result


def _to_wgs84(geometry: BaseGeometry) -> BaseGeometry:
    transformer = Transformer.from_crs(2154, 4326, always_xy=True)

    def move(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([lon, lat]), 5)

    return shapely.transform(geometry, move)


def _feature(geometry: BaseGeometry, code: str, name: str) -> dict[str, object]:
    return {
        "type": "Feature",
        "geometry": mapping(_to_wgs84(geometry)),
        "properties": {"code": code, "nom": name},
    }


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write(out: Path, seed: int, data: Sequence[g.CommuneData]) -> list[Path]:
    """Write the fictional contours (communes and département); returns their paths."""
    del seed, data  # fixed geometry: no random draw, no census value
    folder = Path(out) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    points = chef_lieu_points()
    outline = departement_outline(points)
    polygons = cells(points, outline)
    names = {c.code: c.name for c in g.COMMUNES}
    communes = {
        "type": "FeatureCollection",
        "features": [_feature(polygons[code], code, names[code]) for code in points],
    }
    path = folder / f"communes-{g.DEP_CODE}-{SLUG}.geojson"
    path.write_bytes(_dump(communes))
    dep_path = folder / f"departement-{g.DEP_CODE}-{SLUG}.geojson"
    dep_path.write_bytes(_dump(_feature(outline, g.DEP_CODE, g.DEP_NAME)))
    return [path, dep_path]
