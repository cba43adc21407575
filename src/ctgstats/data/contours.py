"""Commune contours (IGN Admin Express COG or any GeoJSON / shapefile of communes).

Files are found by :mod:`ctgstats.data.sources` (source ``ign_contours``): IGN's
``COMMUNE.shp`` (fields ``INSEE_COM``, ``NOM`` or ``NOM_COM``, Lambert 93) and
``DEPARTEMENT.shp``, or ``communes-*.geojson`` / ``departement-*.geojson`` (properties
``code``, ``nom``, WGS84 as RFC 7946 says, or Lambert 93 with a ``crs`` member). Every
geometry is projected to Lambert 93 (EPSG:2154, metres) with pyproj.

The polygons are published in the geography of their edition (Admin Express COG 2018:
1 January 2018). :func:`commune_polygons` brings them to the report's COG year with the
harmonisation of :func:`ctgstats.core.territories.harmonise` (the same commune movements
as the figures): merged communes are dissolved with a shapely union, and each merge is
recorded. EPCI outlines are the union of their communes with the composition of that
year (:func:`epci_outlines`). Every result carries its vintage (:attr:`Contours.vintage`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapefile
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ctgstats.core.errors import InputError
from ctgstats.core.files import file_sha256
from ctgstats.core.territories import (
    Composition,
    HarmonisationRecord,
    Movements,
    harmonise,
)
from ctgstats.data.catalog import Catalog, FileUse
from ctgstats.data.sources import CONTOURS_SOURCE, FoundFile

__all__ = [
    "LAMBERT_93",
    "ContourFileError",
    "Contours",
    "commune_points",
    "commune_polygons",
    "contour_files",
    "departement_outline",
    "dissolve",
    "epci_outlines",
    "read_contour_file",
    "representative_points",
]

LAMBERT_93 = 2154
"""EPSG code of RGF93 / Lambert-93, the projection of every geometry returned."""

WGS84 = 4326

CODE_FIELDS = ("INSEE_COM", "code", "CODE", "insee", "INSEE", "codgeo", "CODGEO", "code_insee")
"""Property names holding the commune code, in order of preference."""
DEP_CODE_FIELDS = ("INSEE_DEP", "code", "CODE", "code_insee", "dep", "DEP")
NAME_FIELDS = ("NOM", "NOM_COM", "nom", "NOM_M", "libgeo", "LIBGEO", "name", "nom_com")
NAME_DEP_FIELDS = ("NOM", "NOM_DEP", "nom", "libgeo", "name")


class ContourFileError(InputError, ValueError):
    """A contours file that cannot be read (format, fields, projection)."""


@dataclass(frozen=True)
class Contours:
    """Polygons of territories in Lambert 93, with their vintage.

    Attributes
    ----------
    geometries
        Code → polygon (shapely, EPSG:2154 metres).
    names
        Code → name (from the file, or the composition of ``cog_year``).
    source_year
        Edition of the contours (their own geography, 1 January); 0 when the file names
        no year.
    cog_year
        COG year the codes are in (after harmonisation).
    files
        Names of the files read.
    harmonisation
        Merges applied to bring the contours to ``cog_year`` (old codes → new code).
    missing
        Codes asked for that no polygon covers, with the reason.
    """

    geometries: dict[str, BaseGeometry]
    names: dict[str, str]
    source_year: int
    cog_year: int
    files: tuple[str, ...] = ()
    harmonisation: tuple[HarmonisationRecord, ...] = ()
    missing: dict[str, str] = field(default_factory=dict)
    ignored: dict[str, str] = field(default_factory=dict)
    """Codes of the files unknown in the COG year (neither in the composition nor in the
    movements), with the reason: their polygons are not drawn."""

    @property
    def vintage(self) -> str:
        """French phrase: the edition of the contours and the geography they are in."""
        edition = f"édition {self.source_year}" if self.source_year else "édition non indiquée"
        return f"contours des communes ({edition}), géographie au 1er janvier {self.cog_year}"

    def harmonisation_text(self) -> list[str]:
        """French sentences: which codes were merged into which."""
        return [
            f"{', '.join(r.old_codes)} → {r.new_code} ({r.action}, contours réunis)"
            for r in self.harmonisation
        ]


# ------------------------------------------------------------------ files and reading


def contour_files(catalog: Catalog, *, level: str = "COM") -> list[FoundFile]:
    """The contours files of ``level`` (``COM`` or ``DEP``) found, newest edition first."""
    return [
        f
        for f in catalog.files(CONTOURS_SOURCE)
        if (f.level or "").split("-", 1)[0].upper() == level.upper()
    ]


def _crs_of(value: Any) -> CRS:
    try:
        return CRS.from_user_input(value)
    except Exception as error:  # pyproj raises CRSError, a broad family
        raise ContourFileError(f"projection illisible ({value!r}) : {error}") from error


def _guess_crs(bounds: Sequence[float]) -> CRS:
    """WGS84 when every coordinate is a longitude / latitude, else Lambert 93."""
    west, south, east, north = bounds
    if -180 <= west <= east <= 180 and -90 <= south <= north <= 90:
        return CRS.from_epsg(WGS84)
    return CRS.from_epsg(LAMBERT_93)


@lru_cache(maxsize=8)
def _transformer(wkt: str) -> Transformer | None:
    source = CRS.from_wkt(wkt)
    if source.to_epsg() == LAMBERT_93:
        return None
    return Transformer.from_crs(source, CRS.from_epsg(LAMBERT_93), always_xy=True)


def _project(geometries: list[BaseGeometry], crs: CRS) -> list[BaseGeometry]:
    transformer = _transformer(crs.to_wkt())
    if transformer is None:
        return geometries

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return [shapely.transform(g, move) for g in geometries]


def _field(properties: Sequence[str], candidates: Sequence[str], path: Path, what: str) -> str:
    for name in candidates:
        if name in properties:
            return name
    raise ContourFileError(
        f"{path} : aucun champ de {what} parmi {list(candidates)} (champs présents : "
        f"{list(properties)})"
    )


def _read_geojson(path: Path) -> tuple[list[dict[str, Any]], list[BaseGeometry], CRS | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise ContourFileError(f"{path} : GeoJSON illisible ({error})") from error
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data], "crs": data.get("crs")}
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ContourFileError(f"{path} : pas de « features » (GeoJSON FeatureCollection attendu)")
    crs = None
    named = (data.get("crs") or {}).get("properties", {}).get("name")
    if named:
        crs = _crs_of(str(named).replace("urn:ogc:def:crs:", "").replace("::", ":"))
    props, geoms = [], []
    for number, feature in enumerate(features, start=1):
        geometry = feature.get("geometry")
        if not geometry:
            raise ContourFileError(f"{path} : l'entité n° {number} n'a pas de géométrie")
        props.append(dict(feature.get("properties") or {}))
        geoms.append(shape(geometry))
    return props, geoms, crs


def _read_shapefile(path: Path) -> tuple[list[dict[str, Any]], list[BaseGeometry], CRS | None]:
    try:
        reader = shapefile.Reader(str(path), encoding="utf-8", encodingErrors="replace")
    except (OSError, shapefile.ShapefileException) as error:
        raise ContourFileError(f"{path} : shapefile illisible ({error})") from error
    with reader:
        names = [f[0] for f in reader.fields[1:]]
        props, geoms = [], []
        for record in reader.iterShapeRecords():
            props.append(dict(zip(names, record.record, strict=False)))
            geoms.append(shape(record.shape.__geo_interface__))
    prj = path.with_suffix(".prj")
    if not prj.is_file():
        prj = path.with_suffix(".PRJ")
    crs = _crs_of(prj.read_text(encoding="utf-8", errors="replace")) if prj.is_file() else None
    return props, geoms, crs


def read_contour_file(
    path: Path, *, level: str = "COM", prefixes: Iterable[str] | None = None
) -> tuple[dict[str, BaseGeometry], dict[str, str]]:
    """Polygons of one file by code, in Lambert 93, and their names.

    Parameters
    ----------
    path
        A GeoJSON or a shapefile (``.shp`` with its ``.dbf``, ``.shx`` and ``.prj``).
    level
        ``COM`` (communes: code field ``INSEE_COM``, ``code`` …) or ``DEP``.
    prefixes
        Keep only codes starting with one of them (the départements of a map).

    Raises
    ------
    ContourFileError
        Unreadable file, no code field (the message lists the fields found), a code
        present twice, an unknown projection.
    """
    path = Path(path)
    if path.suffix.lower() == ".shp":
        props, geoms, crs = _read_shapefile(path)
    else:
        props, geoms, crs = _read_geojson(path)
    if not props:
        return {}, {}
    keys = list(props[0])
    code_field = _field(keys, CODE_FIELDS if level == "COM" else DEP_CODE_FIELDS, path, "code")
    name_fields = NAME_FIELDS if level == "COM" else NAME_DEP_FIELDS
    name_field = next((n for n in name_fields if n in keys), None)
    wanted = tuple(prefixes) if prefixes is not None else None
    kept: list[int] = []
    codes: list[str] = []
    for index, item in enumerate(props):
        code = str(item.get(code_field) or "").strip()
        if not code:
            raise ContourFileError(f"{path} : champ {code_field} vide (entité n° {index + 1})")
        if wanted is not None and not code.startswith(wanted):
            continue
        kept.append(index)
        codes.append(code)
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    if duplicated:
        raise ContourFileError(f"{path} : codes présents deux fois ({code_field}) : {duplicated}")
    chosen = [geoms[i] for i in kept]
    if crs is None:
        bounds = shapely.total_bounds(np.array(geoms, dtype=object))
        crs = _guess_crs(bounds)
    projected = _project(chosen, crs)
    geometries = {c: shapely.make_valid(g) for c, g in zip(codes, projected, strict=True)}
    names = {
        c: str(props[i].get(name_field, "")) if name_field else "" for c, i in zip(codes, kept)
    }
    return geometries, names


def _record_use(catalog: Catalog, found: FoundFile) -> None:
    if found.path not in catalog.used:
        catalog.used[found.path] = FileUse(
            found.source.id, found.vintage, found.level, found.path, file_sha256(found.path)
        )


def _departement(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


# ------------------------------------------------------------------ geometry helpers


def dissolve(geometries: Iterable[BaseGeometry]) -> BaseGeometry:
    """Union of polygons (shared edges removed), as one (multi)polygon."""
    return shapely.union_all(np.array(list(geometries), dtype=object))


def representative_points(geometries: Mapping[str, BaseGeometry]) -> pd.DataFrame:
    """A point inside each polygon (:func:`shapely.point_on_surface`): ``code, x, y``."""
    codes = sorted(geometries)
    points = shapely.point_on_surface(np.array([geometries[c] for c in codes], dtype=object))
    return pd.DataFrame(
        {
            "code": pd.Series(codes, dtype=str),
            "x": shapely.get_x(points).astype(float),
            "y": shapely.get_y(points).astype(float),
        }
    )


# ------------------------------------------------------------------ harmonisation


def harmonise_polygons(
    geometries: Mapping[str, BaseGeometry],
    *,
    composition: Composition,
    movements: Movements,
    source_year: int,
    source: str,
) -> tuple[dict[str, BaseGeometry], list[HarmonisationRecord], dict[str, str]]:
    """Bring polygons of ``source_year`` to the composition's COG year.

    The mapping of old codes to new ones is :func:`ctgstats.core.territories.harmonise`'s
    (run on a column of ones): merged communes are dissolved; a split commune cannot be
    cut, so its successors get no polygon (recorded in the returned reasons).

    Returns
    -------
    polygons by code of the COG year, records of the merges, code → reason for the
    communes of the composition left without a polygon by a split or an incomplete merge.
    """
    targets = list(composition.table["commune"])
    frame = pd.DataFrame({"n": 1.0}, index=pd.Index(sorted(geometries), name="code"))
    result, records, unknown = harmonise(
        frame,
        target_codes=targets,
        movements=movements,
        cog_year=composition.cog_year,
        source=source,
        weights=dict.fromkeys(targets, 1.0),
        departements=set(composition.table["departement"]),
        source_year=source_year or None,
    )
    merged: dict[str, list[str]] = {}
    blocked: dict[str, str] = {}
    kept: list[HarmonisationRecord] = []
    for record in records:
        if record.action in ("fusion", "changement de code"):
            merged[record.new_code] = list(record.old_codes)
            kept.append(record)
        elif record.action == "scission":
            for new in record.new_code.split(", "):
                blocked[new] = (
                    f"commune issue d'une scission de {record.old_codes[0]} : "
                    "contour non découpable"
                )
        else:
            blocked[record.new_code] = "fusion incomplète : contour d'une commune fusionnée absent"
    polygons: dict[str, BaseGeometry] = {}
    for code in result.index.astype(str):
        if code in blocked:
            continue
        olds = merged.get(code, [code])
        parts = [geometries[c] for c in olds if c in geometries]
        if len(parts) != len(olds):
            blocked[code] = "contour d'une commune fusionnée absent"
            continue
        polygons[code] = parts[0] if len(parts) == 1 else dissolve(parts)
    for code in unknown:
        blocked[code] = (
            f"code inconnu du COG {composition.cog_year} (ni dans la composition, ni dans "
            "les mouvements des communes) : contour ignoré"
        )
    return polygons, kept, blocked


def commune_polygons(
    catalog: Catalog, *, cog_year: int, communes: Sequence[str] | None = None
) -> Contours | None:
    """Commune polygons in the geography of ``cog_year``, or None without contours files.

    Parameters
    ----------
    catalog
        Files found in the data folders; the composition of ``cog_year`` and the commune
        movements are read from it.
    cog_year
        COG year of the report.
    communes
        Codes wanted (default: every commune of the composition covered by the files);
        only the files of their départements are read.

    Raises
    ------
    ContourFileError
        A contours file that cannot be read.
    """
    files = contour_files(catalog, level="COM")
    if not files:
        return None
    composition = catalog.load_composition(cog_year)
    wanted = list(communes) if communes is not None else list(composition.table["commune"])
    departements = sorted({_departement(c) for c in wanted})
    chosen = _choose_files(files, departements)
    if not chosen:
        return None
    movements = catalog.load_movements()
    geometries: dict[str, BaseGeometry] = {}
    names: dict[str, str] = {}
    records: list[HarmonisationRecord] = []
    blocked: dict[str, str] = {}
    for found in chosen:
        raw, raw_names = _read_cached(found.path, "COM", tuple(departements))
        _record_use(catalog, found)
        polygons, merges, reasons = harmonise_polygons(
            raw,
            composition=composition,
            movements=movements,
            source_year=found.vintage,
            source=found.path.name,
        )
        for code, polygon in polygons.items():
            geometries.setdefault(code, polygon)
            names.setdefault(code, raw_names.get(code, ""))
        records.extend(merges)
        blocked.update(reasons)
    official = dict(zip(composition.table["commune"], composition.table["nom_commune"]))
    for code in geometries:
        names[code] = official.get(code) or names[code]
    missing = {
        c: blocked.get(c, "commune absente des fichiers de contours")
        for c in wanted
        if c not in geometries
    }
    targets = set(composition.table["commune"])
    ignored = {c: r for c, r in blocked.items() if c not in targets}
    if communes is not None:
        geometries = {c: geometries[c] for c in wanted if c in geometries}
    years = sorted({f.vintage for f in chosen})
    return Contours(
        geometries=geometries,
        names={c: names[c] for c in geometries},
        source_year=years[-1],
        cog_year=composition.cog_year,
        files=tuple(f.path.name for f in chosen),
        harmonisation=tuple(records),
        missing=missing,
        ignored=ignored,
    )


def _choose_files(files: Sequence[FoundFile], departements: Sequence[str]) -> list[FoundFile]:
    """Per-département files of the départements wanted, else the newest national file."""
    chosen: list[FoundFile] = []
    for dep in departements:
        own = [f for f in files if (f.level or "").upper() == f"COM-{dep}".upper()]
        if own:
            chosen.append(own[0])  # newest edition first
    covered = {(f.level or "").split("-", 1)[1] for f in chosen}
    if len(covered) < len(departements):
        national = [f for f in files if "-" not in (f.level or "")]
        if national:
            chosen.append(national[0])
    return chosen


@lru_cache(maxsize=4)
def _read_cached_inner(
    path: str, sha: str, level: str, prefixes: tuple[str, ...]
) -> tuple[dict[str, BaseGeometry], dict[str, str]]:
    del sha  # part of the key only: a file changed on disk is read again
    return read_contour_file(Path(path), level=level, prefixes=prefixes)


def _read_cached(
    path: Path, level: str, prefixes: tuple[str, ...]
) -> tuple[dict[str, BaseGeometry], dict[str, str]]:
    stat = path.stat()
    geometries, names = _read_cached_inner(
        str(path), f"{stat.st_size}-{stat.st_mtime_ns}", level, prefixes
    )
    return dict(geometries), dict(names)


def commune_points(
    catalog: Catalog, *, cog_year: int, communes: Sequence[str]
) -> pd.DataFrame | None:
    """Return a Lambert-93 reference point of each commune, or None without contours.

    Parameters
    ----------
    catalog
        Files found in the data folders.
    cog_year
        COG year of the report: merged communes are dissolved first.
    communes
        COG codes (strings) of the communes wanted.

    Returns
    -------
    pandas.DataFrame or None
        Columns ``code`` (str), ``x``, ``y`` (metres, EPSG:2154), one row per commune
        found, a point inside its polygon; None when no contours file is available.
    """
    contours = commune_polygons(catalog, cog_year=cog_year, communes=communes)
    if contours is None:
        return None
    return representative_points(contours.geometries)


def epci_outlines(
    contours: Contours, composition: Composition, *, epcis: Sequence[str] | None = None
) -> Contours:
    """EPCI outlines: the union of their communes, with the composition of its COG year.

    An EPCI some of whose communes have no polygon is left out (listed in ``missing``).

    Raises
    ------
    ContourFileError
        When the composition is not of the contours' COG year.
    """
    if composition.cog_year != contours.cog_year:
        raise ContourFileError(
            f"contours dans la géographie {contours.cog_year}, composition du COG "
            f"{composition.cog_year} : les années doivent être les mêmes"
        )
    table = composition.table
    codes = sorted(set(table["epci"]) if epcis is None else epcis)
    geometries: dict[str, BaseGeometry] = {}
    names: dict[str, str] = {}
    missing: dict[str, str] = {}
    for epci in codes:
        rows = table[table["epci"] == epci]
        members = list(rows["commune"])
        if not members:
            missing[epci] = "EPCI absent de la composition"
            continue
        absent = [c for c in members if c not in contours.geometries]
        if absent:
            missing[epci] = f"{len(absent)} commune(s) sans contour ({', '.join(absent[:5])})"
            continue
        geometries[epci] = dissolve(contours.geometries[c] for c in members)
        names[epci] = str(rows["nom_epci"].iloc[0])
    return Contours(
        geometries=geometries,
        names=names,
        source_year=contours.source_year,
        cog_year=contours.cog_year,
        files=contours.files,
        harmonisation=contours.harmonisation,
        missing=missing,
    )


def departement_outline(
    catalog: Catalog, code: str, *, communes: Contours | None = None
) -> BaseGeometry | None:
    """Outline of a département: its contours file, else the union of its communes.

    None when neither is available (or the union would miss communes: the file of the
    communes covers another département only).
    """
    for found in contour_files(catalog, level="DEP"):
        level = (found.level or "").upper()
        if "-" in level and level != f"DEP-{code}".upper():
            continue
        geometries, _ = _read_cached(found.path, "DEP", (code,))
        if code in geometries:
            _record_use(catalog, found)
            return geometries[code]
    if communes is None:
        return None
    own = [g for c, g in communes.geometries.items() if _departement(c) == code]
    return dissolve(own) if own else None


def simplified_wkt(geometry: BaseGeometry, *, tolerance: float = 150.0) -> str:
    """WKT of a simplified outline (metres, rounded to the metre), for small tables."""
    simple = shapely.simplify(geometry, tolerance, preserve_topology=True)
    return shapely.to_wkt(simple, rounding_precision=0, trim=True)
