"""Read the BPE files and the catalogue of key services (``services.yaml``).

Layouts read (established from public code reading these files; no real extract is in
this repository's shared data):

* **older commune counts** ``bpeYY_ensemble.csv`` (in ``bpeYY_ensemble_csv.zip``):
  ``REG;DEP;DEPCOM;DCIRIS;AN;TYPEQU;NB_EQUIP``, one row per IRIS (or commune) and type;
* **long counts** ``DS_BPE_YYYY_data.csv``: ``GEO;GEO_OBJECT;FACILITY_DOM;FACILITY_SDOM;
  FACILITY_TYPE;BPE_MEASURE;TIME_PERIOD;OBS_VALUE`` (some exports add ``UNIT_MEASURE``,
  ``OBS_STATUS``, ``UNIT_MULT``; read by name, never by position), every level in one
  file (``GEO_OBJECT`` ``COM``, ``DEP`` …), totals coded ``_T``, values quoted;
* **geolocated equipment** ``bpeYY_ensemble_xy.csv`` (``REG;DEP;DEPCOM;DCIRIS;AN;TYPEQU;
  LAMBERT_X;LAMBERT_Y;QUALITE_XY``) and ``BPEYYYY.csv`` (``DEPCOM``, ``TYPEQU``,
  ``LAMBERT_X``, ``LAMBERT_Y``, ``LONGITUDE``, ``LATITUDE``, ``EPSG``, ``QUALITE_XY`` among
  many others). Lambert 93 (EPSG:2154) holds in metropolitan France only: overseas
  départements use local UTM projections (EPSG column, or codes ``97…``), which are
  left out of the distances rather than mixed with Lambert 93.

Not confirmed: the ``GEO_OBJECT`` of the national row of DS_BPE (only ``COM`` rows are
used), the marks of a non-geolocated equipment other than blank coordinates and
``QUALITE_XY`` ``_Z``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ctgstats.core.errors import InputError
from ctgstats.data.catalog import Catalog
from ctgstats.data.readers import DataFileError
from ctgstats.data.sources import FoundFile

__all__ = [
    "COUNTS_SOURCE",
    "POINTS_SOURCE",
    "Catalogue",
    "CatalogueError",
    "Service",
    "load_catalogue",
    "read_counts",
    "read_points",
]

COUNTS_SOURCE = "insee_bpe"
POINTS_SOURCE = "insee_bpe_xy"
CATALOGUE_FILE = "services.yaml"

_OLD = ("DEPCOM", "TYPEQU", "NB_EQUIP")
_LONG = ("GEO", "GEO_OBJECT", "FACILITY_TYPE", "TIME_PERIOD", "OBS_VALUE")
_LAMBERT = ("LAMBERT_X", "LAMBERT_Y")
_LONLAT = ("LONGITUDE", "LATITUDE")
NOT_GEOLOCATED = frozenset({"_Z", "Z", "NON GÉOLOCALISÉ", "NON GEOLOCALISE"})
"""``QUALITE_XY`` of an equipment without coordinates."""


class CatalogueError(InputError, ValueError):
    """The catalogue of services is malformed (names the file, the service, the field)."""


@dataclass(frozen=True)
class Service:
    """One key service: its labels and its BPE codes in each nomenclature."""

    id: str
    label: str
    short: str
    theme: str
    density: bool
    codes: dict[str, tuple[str, ...]]
    confirmed: dict[str, bool]
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    """The key services and the nomenclature of each BPE vintage."""

    services: tuple[Service, ...]
    vintages: dict[int, str]
    """BPE vintage → nomenclature id."""
    sources: dict[str, str]
    """Nomenclature id → how its codes were established."""

    def nomenclature(self, vintage: int) -> str | None:
        """Nomenclature of a vintage, or None when the catalogue does not cover it."""
        return self.vintages.get(int(vintage))

    def codes(self, service: Service, vintage: int) -> tuple[str, ...]:
        """BPE codes of a service in a vintage (empty: not in that nomenclature)."""
        name = self.nomenclature(vintage)
        return service.codes.get(name, ()) if name else ()

    def get(self, ident: str) -> Service:
        """The service ``ident``."""
        for service in self.services:
            if service.id == ident:
                return service
        raise KeyError(ident)


def _service(entry: dict[str, Any], names: set[str], where: str) -> Service:
    missing = [k for k in ("id", "libelle", "court", "theme", "densite", "codes") if k not in entry]
    if missing:
        raise CatalogueError(f"{where} : champ(s) manquant(s) {', '.join(missing)}")
    ident = str(entry["id"])
    codes: dict[str, tuple[str, ...]] = {}
    confirmed: dict[str, bool] = {}
    notes: dict[str, str] = {}
    for name, spec in dict(entry["codes"]).items():
        if name not in names:
            raise CatalogueError(f"{where} ({ident}) : nomenclature inconnue {name!r}")
        codes[name] = tuple(str(c).strip().upper() for c in spec.get("codes", []))
        confirmed[name] = bool(spec.get("confirme", False))
        if spec.get("note"):
            notes[name] = str(spec["note"])
    return Service(
        id=ident,
        label=str(entry["libelle"]),
        short=str(entry["court"]),
        theme=str(entry["theme"]),
        density=bool(entry["densite"]),
        codes=codes,
        confirmed=confirmed,
        notes=notes,
    )


def parse_catalogue(data: dict[str, Any], *, where: str = CATALOGUE_FILE) -> Catalogue:
    """Build a :class:`Catalogue` from the parsed YAML (see ``services.yaml``)."""
    try:
        nomenclatures = dict(data["nomenclatures"])
        entries = list(data["services"])
    except (KeyError, TypeError) as error:
        raise CatalogueError(
            f"{where} : clés « nomenclatures » et « services » attendues"
        ) from error
    vintages: dict[int, str] = {}
    for name, spec in nomenclatures.items():
        for year in spec.get("millesimes", []):
            if int(year) in vintages:
                raise CatalogueError(
                    f"{where} : millésime {year} dans deux nomenclatures "
                    f"({vintages[int(year)]}, {name})"
                )
            vintages[int(year)] = str(name)
    services = tuple(
        _service(dict(e), set(nomenclatures), f"{where}, service n° {i + 1}")
        for i, e in enumerate(entries)
    )
    ids = [s.id for s in services]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise CatalogueError(f"{where} : services en double {twice}")
    sources = {str(n): str(s.get("source", "")).strip() for n, s in nomenclatures.items()}
    return Catalogue(services=services, vintages=vintages, sources=sources)


def load_catalogue() -> Catalogue:
    """The catalogue shipped with ctgstats (``portrait/services/services.yaml``)."""
    text = (resources.files("ctgstats.portrait.services") / CATALOGUE_FILE).read_text("utf-8")
    return parse_catalogue(yaml.safe_load(text))


# --------------------------------------------------------------------------- counts


def _code5(values: pd.Series) -> pd.Series:
    """Commune codes as 5-character strings (a numeric column lost its leading zero)."""
    text = values.astype("string").str.strip().str.removesuffix(".0")
    return text.where(text.str.len() >= 5, text.str.zfill(5)).astype(str)


def _numbers(frame: pd.DataFrame, column: str, found: FoundFile) -> pd.Series:
    series = frame[column]
    if pd.api.types.is_numeric_dtype(series):
        values = series.astype("float64")
    else:
        text = series.astype("string").str.strip().str.replace(",", ".", regex=False)
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        bad = values.isna() & text.notna() & (text != "")
        if bad.any():
            raise DataFileError(
                "valeur non numérique", path=found.path, column=column, value=text[bad].iloc[0]
            )
    if values.isna().any():
        raise DataFileError(
            "nombre d'équipements vide (la BPE ne publie que des nombres)",
            path=found.path,
            column=column,
        )
    return values


def _header(catalog: Catalog, found: FoundFile) -> list[str]:
    return [str(c).upper() for c in catalog.read(found, unique_codes=False).columns]


def _old_counts(catalog: Catalog, found: FoundFile) -> pd.DataFrame:
    frame = catalog.read(
        found, required=_OLD, optional=("AN",), code_column="DEPCOM", unique_codes=False
    )
    year = _numbers(frame, "AN", found).astype(int) if "AN" in frame.columns else found.vintage
    table = pd.DataFrame(
        {
            "millesime": year,
            "code": _code5(frame["DEPCOM"]),
            "typequ": frame["TYPEQU"].astype(str).str.strip().str.upper(),
            "nombre": _numbers(frame, "NB_EQUIP", found),
        }
    )
    return table.groupby(["millesime", "code", "typequ"], as_index=False)["nombre"].sum()


def _long_counts(catalog: Catalog, found: FoundFile) -> pd.DataFrame:
    frame = catalog.read(
        found, required=_LONG, optional=("BPE_MEASURE",), code_column="GEO", unique_codes=False
    )
    keep = frame["GEO_OBJECT"].astype(str).str.strip().str.upper() == "COM"
    if "BPE_MEASURE" in frame.columns:
        keep &= frame["BPE_MEASURE"].astype(str).str.strip().str.upper() == "FACILITIES"
    kinds = frame["FACILITY_TYPE"].astype(str).str.strip().str.upper()
    keep &= kinds != "_T"
    rows = frame[keep]
    table = pd.DataFrame(
        {
            "millesime": _numbers(rows, "TIME_PERIOD", found).astype(int),
            "code": _code5(rows["GEO"]),
            "typequ": kinds[keep],
            "nombre": _numbers(rows, "OBS_VALUE", found),
        }
    )
    return table.groupby(["millesime", "code", "typequ"], as_index=False)["nombre"].sum()


def read_counts(catalog: Catalog) -> pd.DataFrame | None:
    """Equipment counts by commune, type and vintage from every BPE count file found.

    Returns
    -------
    pandas.DataFrame or None
        Columns ``millesime`` (int), ``code`` (commune, str), ``typequ``, ``nombre``
        (float) and ``fichier``; a vintage found in several files keeps the newest file's
        rows. None when no BPE count file is in the data folders.

    Raises
    ------
    DataFileError
        A file of neither layout (the message names the columns expected) or holding a
        non-numeric or empty count.
    """
    files = catalog.files(COUNTS_SOURCE)
    if not files:
        return None
    frames: list[pd.DataFrame] = []
    for found in files:
        header = _header(catalog, found)
        if all(c in header for c in _LONG):
            table = _long_counts(catalog, found)
        elif all(c in header for c in _OLD):
            table = _old_counts(catalog, found)
        else:
            raise DataFileError(
                "colonnes de la BPE introuvables : attendu "
                f"{', '.join(_LONG)} (DS_BPE) ou {', '.join(_OLD)} (bpeYY_ensemble)",
                path=found.path,
                column=tuple(c for c in (*_LONG, *_OLD) if c not in header),
            )
        frames.append(table.assign(fichier=found.path.name, _rang=len(frames)))
    table = pd.concat(frames, ignore_index=True)
    first = table.groupby("millesime")["_rang"].transform("min")
    table = table[table["_rang"] == first].drop(columns="_rang")
    return table.sort_values(["millesime", "code", "typequ"]).reset_index(drop=True)


# --------------------------------------------------------------------------- points


def _lambert_from_lonlat(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    transformer = Transformer.from_crs(4326, 2154, always_xy=True)
    x, y = transformer.transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _coordinates(frame: pd.DataFrame, found: FoundFile) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Lambert-93 x, y of each row and whether the row is usable (metropolitan, located)."""
    codes = _code5(frame["DEPCOM"])
    metropolitan = ~codes.str.startswith("97")
    if all(c in frame.columns for c in _LAMBERT):
        x = _float(frame["LAMBERT_X"], found, "LAMBERT_X")
        y = _float(frame["LAMBERT_Y"], found, "LAMBERT_Y")
        if "EPSG" in frame.columns:
            epsg = frame["EPSG"].astype("string").str.strip().str.removesuffix(".0")
            metropolitan = epsg == "2154"
    else:
        lon = _float(frame["LONGITUDE"], found, "LONGITUDE")
        lat = _float(frame["LATITUDE"], found, "LATITUDE")
        located = lon.notna() & lat.notna()
        px, py = _lambert_from_lonlat(lon[located].to_numpy(), lat[located].to_numpy())
        x = pd.Series(np.nan, index=frame.index)
        y = pd.Series(np.nan, index=frame.index)
        x[located], y[located] = px, py
    usable = metropolitan & x.notna() & y.notna()
    if "QUALITE_XY" in frame.columns:
        quality = frame["QUALITE_XY"].astype("string").str.strip().str.upper()
        usable &= ~quality.isin(NOT_GEOLOCATED).fillna(False)
    return x, y, usable.fillna(False).astype(bool)


def _float(values: pd.Series, found: FoundFile, column: str) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    text = text.mask(text.isin(["", "_Z", "_U"]))
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() & text.notna()
    if bad.any():
        raise DataFileError(
            "coordonnée non numérique", path=found.path, column=column, value=text[bad].iloc[0]
        )
    return numbers.astype("float64")


def read_points(catalog: Catalog, *, vintage: int | None = None) -> pd.DataFrame | None:
    """Geolocated equipment of the newest BPE points file (or of ``vintage``).

    Returns
    -------
    pandas.DataFrame or None
        Columns ``code`` (commune), ``typequ``, ``x``, ``y`` (Lambert 93, metres),
        ``qualite`` (``QUALITE_XY`` or ""), only the rows usable for a distance;
        ``attrs`` holds ``millesime``, ``fichier`` and ``ecartes`` (rows left out: not
        geolocated, overseas projection). None when no points file is found.

    Raises
    ------
    DataFileError
        Neither ``LAMBERT_X``/``LAMBERT_Y`` nor ``LONGITUDE``/``LATITUDE`` in the file, or
        a non-numeric coordinate.
    """
    files = catalog.files(POINTS_SOURCE, vintage=vintage)
    if not files:
        return None
    found = files[0]
    header = _header(catalog, found)
    coordinates = _LAMBERT if all(c in header for c in _LAMBERT) else _LONLAT
    missing = [c for c in ("DEPCOM", "TYPEQU", *coordinates) if c not in header]
    if missing:
        raise DataFileError(
            "colonnes manquantes (DEPCOM, TYPEQU et LAMBERT_X/LAMBERT_Y ou "
            "LONGITUDE/LATITUDE attendues)",
            path=found.path,
            column=tuple(missing),
        )
    frame = catalog.read(
        found,
        required=("DEPCOM", "TYPEQU", *coordinates),
        optional=("EPSG", "QUALITE_XY"),
        code_column="DEPCOM",
        unique_codes=False,
    )
    x, y, usable = _coordinates(frame, found)
    quality = (
        frame["QUALITE_XY"].astype("string").fillna("").astype(str)
        if "QUALITE_XY" in frame.columns
        else pd.Series("", index=frame.index)
    )
    table = pd.DataFrame(
        {
            "code": _code5(frame["DEPCOM"]),
            "typequ": frame["TYPEQU"].astype(str).str.strip().str.upper(),
            "x": x,
            "y": y,
            "qualite": quality,
        }
    )[usable].reset_index(drop=True)
    table.attrs = {
        "millesime": int(found.vintage),
        "fichier": found.path.name,
        "ecartes": int((~usable).sum()),
    }
    return table
