"""Read the CAF / ONAPE early-childhood coverage files (``txcouv_pe_{com,epci,dep,reg,nat}``).

The Cnaf (Observatoire national de la petite enfance, Onape) publishes on data.caf.fr the
"taux de couverture global de l'accueil du jeune enfant": formal places for 100 children
under 3 in December of year N, and its components (EAJE financed by the PSU and other
EAJE, pre-elementary school of 2-year-olds, assistants maternels, home care). One file per
level, several years per file (column ``annee``); the commune file covers only the
larger communes (more than 10 000 inhabitants, data.caf.fr description of the places
dataset « Nombre de places offertes pour les enfants de moins de 3 ans - communal »).

Layout, as established from public code (no real extract of these files is available
here; the exact column order of an export is not confirmed):

* **field names** (data.caf.fr API and its CSV export without labels; read under these
  names by public scripts loading ``txcouv_pe_{com,epci,dep,reg,nat}_2017_2022.parquet``
  and the API ``/catalog/datasets/txcouv_pe_epci/records``): ``annee``; codes and names
  ``numcom``/``nomcom``, ``numepci``/``nomepci``, ``numdep``/``nomdep``,
  ``numregi``/``nomregi``, ``national`` (the name of the national row); rates suffixed
  by the level (``com``, ``epci``, ``dep``, ``reg``, ``nat``): ``txcouv_<lvl>`` (global),
  ``txcouv_eaje_<lvl>`` (all EAJE), ``txcouv_psu_col_<lvl>`` (EAJE financed by the PSU),
  ``txcouv_hors_psu_col_<lvl>`` (other EAJE: micro-crèches Paje …),
  ``txcouv_prescol_<lvl>`` (pre-elementary school), ``txcouv_am_ind_<lvl>``
  (assistants maternels), ``txcouv_gad_ind_<lvl>`` (home care), ``txcouv_ind_<lvl>``
  (individual care). The national file is read by one script as ``txcouv_psu_nat``,
  ``txcouv_am_nat``, ``txcouv_gad_nat``: both spellings are accepted.
* **labels** (the portal's CSV export with labels, read by public R scripts on
  ``txcouv_pe_com.csv``, ``txcouv_pe_dep.csv`` and ``txcouv_pe_dep_hist.csv``):
  ``Date référence``, ``Numéro commune``, ``Numéro Département``, ``Taux de couv global``,
  ``Taux de couv EAJE - ensemble``, ``Taux de couv EAJE PSU``, ``Taux de couv hors EAJE
  PSU``, ``Taux de couv préscolarisation``, ``Taux de couv assistante(s) maternelle(s)``,
  ``Taux de couv salariée à domicile``. The EPCI, région and national labels are not
  confirmed (``Numéro EPCI``, ``Numéro région`` are assumed).

The file holds no count of places nor of children: the rates are read as published
(places for 100 children under 3), never recomputed. A blank cell is "not published".
Whether the national row is France entière or France métropolitaine is not confirmed:
it is matched to the France métropolitaine comparator only when its name says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ctgstats.core.codes import Level
from ctgstats.core.errors import InputError
from ctgstats.core.territories import METROPOLE, ResolvedTerritory
from ctgstats.data.catalog import Catalog
from ctgstats.data.sources import FoundFile

__all__ = [
    "COMPONENTS",
    "SOURCE",
    "ChildcareFileError",
    "coverage_tables",
    "territory_rows",
]

SOURCE = "caf_txcouv_pe"
LEVELS = {
    Level.COMMUNE: "COM",
    Level.EPCI: "EPCI",
    Level.DEPARTEMENT: "DEP",
    Level.REGION: "REG",
    Level.FRANCE: "NAT",
}
LEVEL_NAMES = {
    "COM": "des communes",
    "EPCI": "des EPCI",
    "DEP": "des départements",
    "REG": "des régions",
    "NAT": "national",
}
SUFFIX = {"COM": "com", "EPCI": "epci", "DEP": "dep", "REG": "reg", "NAT": "nat"}
CODE_FIELDS = {
    "COM": ("numcom", "numero commune"),
    "EPCI": ("numepci", "numero epci"),
    "DEP": ("numdep", "numero departement"),
    "REG": ("numregi", "numero region"),
    "NAT": ("national", "national"),
}
YEAR_FIELDS = ("annee", "date reference")
COMPONENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # generic name: (field stems before the level suffix, normalised labels)
    "ensemble": (("txcouv",), ("taux de couv global",)),
    "eaje": (("txcouv_eaje",), ("taux de couv eaje ensemble",)),
    "eaje_psu": (("txcouv_psu_col", "txcouv_psu"), ("taux de couv eaje psu",)),
    "eaje_hors_psu": (("txcouv_hors_psu_col", "txcouv_hors_psu"), ("taux de couv hors eaje psu",)),
    "prescolarisation": (("txcouv_prescol",), ("taux de couv prescolarisation",)),
    "assistants_maternels": (
        ("txcouv_am_ind", "txcouv_am"),
        ("taux de couv assistante maternelle", "taux de couv assistantes maternelles"),
    ),
    "garde_domicile": (
        ("txcouv_gad_ind", "txcouv_gad"),
        ("taux de couv salariee a domicile", "taux de couv garde a domicile"),
    ),
    "individuel": (("txcouv_ind",), ("taux de couv individuel",)),
}
"""Rates of the files, by generic name (the global rate is required)."""

COMMUNE_NOTE = (
    "non disponible : commune non couverte par le fichier communal (la Cnaf ne publie le "
    "taux de couverture que pour les communes les plus peuplées, plus de 10 000 habitants)"
)
GROUP_NOTE = (
    "non disponible : la Cnaf publie les taux de couverture par commune, EPCI, département, "
    "région et France ; ceux d'un groupe de communes ne se déduisent pas des taux publiés "
    "(on ne moyenne pas des taux)"
)
FRANCE_NOTE = (
    "non disponible : le fichier national de la Cnaf ne donne pas ce niveau (France "
    "entière ou France métropolitaine) sous ce nom"
)


class ChildcareFileError(InputError, ValueError):
    """A coverage file whose columns or values cannot be read."""


def _normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", " ", text.lower()).strip()


def _column(columns: Sequence[str], fields: Sequence[str], labels: Sequence[str]) -> str | None:
    by_name = {_normalise(c): c for c in columns}
    for candidate in (*fields, *labels):
        key = _normalise(candidate)
        if key in by_name:
            return by_name[key]
    return None


def _numbers(values: pd.Series, *, path: str, column: str) -> pd.Series:
    """Numeric values (decimal point or comma); blank → NaN; anything else is an error."""
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    text = text.mask(text.isin(["", "nan", "<NA>"]))
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() & text.notna()
    if bad.any():
        raise ChildcareFileError(
            f"{path} : valeur non numérique dans la colonne {column!r} ({text[bad].iloc[0]!r})"
        )
    return numbers.astype(float)


def _code(values: pd.Series, level: str) -> pd.Series:
    codes = values.astype("string").str.strip().str.removesuffix(".0")
    width = {"COM": 5, "DEP": 2, "REG": 2}.get(level)
    if width:
        codes = codes.where(codes.str.len() >= width, codes.str.zfill(width))
    return codes.astype(str)


def _read(catalog: Catalog, found: FoundFile, level: str) -> pd.DataFrame:
    frame = catalog.read(found)
    columns = [str(c) for c in frame.columns]
    suffix = SUFFIX[level]
    code = _column(columns, CODE_FIELDS[level][:1], CODE_FIELDS[level][1:])
    year = _column(columns, YEAR_FIELDS[:1], YEAR_FIELDS[1:])
    found_rates = {
        name: _column(columns, [f"{s}_{suffix}" for s in stems], labels)
        for name, (stems, labels) in COMPONENTS.items()
    }
    missing = [
        label
        for label, column in (
            (CODE_FIELDS[level][0], code),
            ("annee", year),
            (f"txcouv_{suffix}", found_rates["ensemble"]),
        )
        if column is None
    ]
    if missing or code is None or year is None:
        raise ChildcareFileError(
            f"{found.path.name} : colonnes manquantes {', '.join(missing)} (fichier du taux "
            "de couverture de l'accueil du jeune enfant, Cnaf)"
        )
    years = _numbers(frame[year], path=found.path.name, column=year)
    if years.isna().any() or (years != years.round()).any():
        raise ChildcareFileError(f"{found.path.name} : année vide ou non entière ({year!r})")
    table = pd.DataFrame(
        {"code": _code(frame[code], level), "annee": years.astype(int).to_numpy()},
        index=frame.index,
    )
    for name, column in found_rates.items():
        if column is not None:
            table[name] = _numbers(frame[column], path=found.path.name, column=column)
    table["fichier"] = found.path.name
    return table.reset_index(drop=True)


def coverage_tables(catalog: Catalog) -> dict[str, pd.DataFrame]:
    """Every coverage file found, one table per level (``COM`` … ``NAT``).

    Columns ``code``, ``annee`` (int), the rates found (generic names of
    :data:`COMPONENTS`) and ``fichier``. A level's current file and its ``_hist`` file are
    stacked; a (code, year) present in both keeps the current file's row.
    """
    tables: dict[str, list[pd.DataFrame]] = {}
    files = sorted(
        catalog.files(SOURCE),
        key=lambda f: ((f.level or "").endswith("_HIST"), -f.vintage, str(f.path)),
    )
    for found in files:
        level = (found.level or "").removesuffix("_HIST")
        if level in SUFFIX:
            tables.setdefault(level, []).append(_read(catalog, found, level))
    return {
        level: pd.concat(parts, ignore_index=True)
        .drop_duplicates(subset=["code", "annee"], keep="first")
        .reset_index(drop=True)
        for level, parts in tables.items()
    }


def _france_code(table: pd.DataFrame, territory: ResolvedTerritory) -> str | None:
    """The national row of a France comparator: "métropol…" in its name for FRM."""
    names = {c: _normalise(c) for c in table["code"].unique()}
    metropole = [c for c, n in names.items() if "metropol" in n]
    whole = [c for c, n in names.items() if "metropol" not in n]
    chosen = metropole if territory.code == METROPOLE else whole
    return chosen[0] if chosen else None


def territory_rows(
    catalog: Catalog,
    territories: Sequence[ResolvedTerritory],
    *,
    tables: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Rates of every territory and year, from its own level's file.

    Returns
    -------
    pandas.DataFrame
        One row per territory id and year found in any file: ``territoire``, ``annee``,
        the rates of :data:`COMPONENTS` (NaN when absent) and ``_note`` (the reason when
        the territory has no row, else "").
    """
    tables = coverage_tables(catalog) if tables is None else tables
    years = sorted({int(y) for t in tables.values() for y in t["annee"]})
    rows = []
    for territory in territories:
        level = LEVELS.get(territory.level)
        table = tables.get(level) if level else None
        code: str | None = territory.code
        note = ""
        if level is None:
            note = GROUP_NOTE
        elif table is None:
            note = (
                "non disponible : pas de fichier du taux de couverture de la Cnaf au niveau "
                f"{LEVEL_NAMES[level]} (data.caf.fr) dans les données"
            )
        elif territory.level is Level.FRANCE:
            code = _france_code(table, territory)
            note = "" if code is not None else FRANCE_NOTE
        for year in years:
            row: dict[str, object] = {"territoire": territory.id, "annee": year}
            hit = (
                table[(table["code"] == code) & (table["annee"] == year)]
                if table is not None and not note
                else None
            )
            if hit is None or hit.empty:
                absent = note or (
                    COMMUNE_NOTE
                    if level == "COM" and year in set(table["annee"])  # type: ignore[index]
                    else f"non disponible : territoire absent du fichier de la Cnaf pour {year}"
                )
                row |= {name: np.nan for name in COMPONENTS} | {"_note": absent}
            else:
                values = hit.iloc[0]
                row |= {
                    name: float(values[name]) if name in hit.columns else np.nan
                    for name in COMPONENTS
                } | {"_note": ""}
            rows.append(row)
    return pd.DataFrame(rows, columns=["territoire", "annee", *COMPONENTS, "_note"])
