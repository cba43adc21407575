"""Read the Filosofi poverty files of a run: one row per territory, from its own level.

Sources and layouts are described in :mod:`ctgstats.portrait.poverty.compute`. The wide
files (``FILOyyyy_DISP_Pauvres_<level>``, source ``filosofi_pauvres``) give one file per
level; the 2023 long file (``DS_FILOSOFI_CC_2023_data``, source ``filosofi_cc``) every
level in one file. A file without its poverty-rate column (``TP60yy``, or the columns of
the long format) is an error naming the file and the columns; the breakdowns are optional
(their rows then say "non disponible").
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from ctgstats.core.codes import Level
from ctgstats.core.errors import InputError
from ctgstats.core.territories import METROPOLE, ResolvedTerritory
from ctgstats.data.catalog import Catalog
from ctgstats.data.sources import FoundFile
from ctgstats.data.variables import yy
from ctgstats.portrait.poverty.compute import FLOOR

__all__ = [
    "FRANCE_NOTE",
    "GROUP_NOTE",
    "LONG_COLUMNS",
    "commune_rows",
    "poverty_years",
    "territory_rows",
]

WIDE_SOURCE, LONG_SOURCE = "filosofi_pauvres", "filosofi_cc"
LEVELS = {
    Level.COMMUNE: "COM",
    Level.EPCI: "EPCI",
    Level.DEPARTEMENT: "DEP",
    Level.REGION: "REG",
    Level.FRANCE: "METROPOLE",
}
LONG_LEVELS = {"COM": "COM", "EPCI": "EPCI", "DEP": "DEP", "REG": "REG", "METROPOLE": "FRANCE"}
LONG_METROPOLE = "FM"  # GEO of France métropolitaine in the long format
LONG_COLUMNS = ("FILOSOFI_MEASURE", "GEO", "GEO_OBJECT", "OBS_VALUE")
LONG_MEASURES = {"PR_MD60": "TP60"}
GENERIC = (
    "TP60",
    *(f"TP60AGE{i}" for i in range(1, 7)),
    "TP60TOL1",
    "TP60TOL2",
    "TP60IP",
)
GROUP_NOTE = (
    "non disponible : Filosofi ne publie pas de taux de pauvreté pour un groupe de "
    "communes, et les taux des communes ne se moyennent pas"
)
FRANCE_NOTE = (
    "non disponible : Filosofi ne publie que la France métropolitaine (fichier "
    "METROPOLE), pas la France entière"
)


class PovertyFileError(InputError, ValueError):
    """A Filosofi poverty file whose values cannot be read."""


def poverty_years(catalog: Catalog) -> list[int]:
    """Filosofi years with a poverty file (wide or long), ascending."""
    return sorted(set(catalog.vintages(WIDE_SOURCE)) | set(catalog.vintages(LONG_SOURCE)))


def _holds(found: FoundFile) -> bool:
    """False for an INSEE archive that lacks the poverty member (a DISP-only archive)."""
    if found.member is None:
        return True
    with zipfile.ZipFile(found.path) as archive:
        names = {PurePosixPath(n).name.lower() for n in archive.namelist()}
    return found.member.lower() in names


def _wide_table(catalog: Catalog, year: int, level: str) -> pd.DataFrame | None:
    files = [f for f in catalog.files(WIDE_SOURCE, vintage=year, level=level) if _holds(f)]
    if not files:
        return None
    suffix = yy(year)
    frame = catalog.read(
        files[0],
        required=[f"TP60{suffix}"],
        optional=[f"{name}{suffix}" for name in GENERIC[1:]],
    )
    code = "CODGEO" if "CODGEO" in frame.columns else frame.columns[0]
    frame = frame.set_index(code)
    frame.index = frame.index.astype(str)
    return frame.rename(columns={f"{name}{suffix}": name for name in GENERIC})


def _long_tables(catalog: Catalog, year: int) -> dict[str, pd.DataFrame]:
    files = catalog.files(LONG_SOURCE, vintage=year)
    if not files:
        return {}
    frame = catalog.read(files[0], required=list(LONG_COLUMNS), optional=["CONF_STATUS"])
    frame = frame[frame["FILOSOFI_MEASURE"].isin(list(LONG_MEASURES))].copy()
    values = pd.to_numeric(frame["OBS_VALUE"], errors="coerce")
    bad = values.isna() & frame["OBS_VALUE"].notna()
    if bad.any():
        raise PovertyFileError(
            f"{files[0].path.name} : valeur non numérique dans OBS_VALUE "
            f"({frame.loc[bad, 'OBS_VALUE'].iloc[0]!r})"
        )
    if "CONF_STATUS" in frame.columns:
        values = values.where(frame["CONF_STATUS"].fillna("").str.upper() != "C")
    frame["value"] = values
    frame["column"] = frame["FILOSOFI_MEASURE"].map(LONG_MEASURES)
    tables = {}
    for level, geo_object in LONG_LEVELS.items():
        part = frame[frame["GEO_OBJECT"].str.upper() == geo_object]
        if level == "METROPOLE":
            part = part[part["GEO"] == LONG_METROPOLE]
        wide = part.pivot_table(
            index="GEO", columns="column", values="value", aggfunc="first", dropna=False
        )
        wide.index = wide.index.astype(str)
        tables[level] = wide
    return tables


def _tables(catalog: Catalog, year: int) -> dict[str, pd.DataFrame]:
    long = _long_tables(catalog, year)
    tables = {}
    for level in LEVELS.values():
        table = _wide_table(catalog, year, level)
        if table is None:
            table = long.get(level)
        if table is not None:
            tables[level] = table
    return tables


def territory_rows(
    catalog: Catalog, territories: Sequence[ResolvedTerritory], year: int
) -> pd.DataFrame:
    """Rows of each territory for ``year`` (generic columns, ``_absent``, ``_note``)."""
    tables = _tables(catalog, year)
    rows: dict[str, dict[str, object]] = {}
    for territory in territories:
        level = LEVELS.get(territory.level)
        if territory.level is Level.FRANCE and territory.code != METROPOLE:
            rows[territory.id] = {"_absent": True, "_note": FRANCE_NOTE}
            continue
        if level is None:
            rows[territory.id] = {"_absent": True, "_note": GROUP_NOTE}
            continue
        table = tables.get(level)
        code = territory.code
        if territory.level is Level.FRANCE and table is not None and len(table) == 1:
            code = str(table.index[0])  # METROPOLE file: a single row
        if table is None:
            rows[territory.id] = {
                "_absent": True,
                "_note": f"non disponible : pas de fichier Filosofi {year} de pauvreté au "
                f"niveau {level} dans les données",
            }
        elif code not in table.index:
            rows[territory.id] = {"_absent": True}
        else:
            values = table.loc[code]
            rows[territory.id] = {
                **{c: float(values[c]) for c in GENERIC if c in table.columns},
                "_absent": False,
            }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame["_absent"] = frame["_absent"].astype(bool)
    return frame


def commune_rows(
    catalog: Catalog, communes: Sequence[str], year: int
) -> tuple[pd.Series, pd.Series]:
    """Published poverty rate of each commune (COM file of ``year``) and its status.

    The file is in the geography of 1 January ``year + 1``: a commune of the report's
    geography absent from it (not published, or its code changed since) has no rate —
    rates are not additive, so merged communes are not recomputed.
    """
    table = _tables(catalog, year).get("COM")
    values, status = [], []
    for code in communes:
        if table is None:
            values.append(np.nan)
            status.append("non disponible : pas de fichier Filosofi communal")
        elif code not in table.index:
            values.append(np.nan)
            status.append(
                f"non publié : commune absente du fichier Filosofi {year} (trop petite, ou "
                "code modifié depuis)"
            )
        else:
            value = table.at[code, "TP60"]
            values.append(float(value))
            if pd.isna(value):
                status.append("secret statistique")
            elif float(value) <= FLOOR:
                status.append("plancher")
            else:
                status.append("publié")
    index = pd.Index(list(communes), name="code")
    return pd.Series(values, index=index, dtype=float), pd.Series(status, index=index)
