"""Social housing from the landlords' register RPLS (SDES), when a user supplies it.

The *Répertoire des logements locatifs des bailleurs sociaux* (RPLS) describes the stock of
the social landlords at 1 January of each year. The SDES publishes its results by territory
(« Le parc locatif social au 1er janvier YYYY », statistiques.developpement-durable.gouv.fr,
« données sur les logements sociaux » : ``resultats_rpls_YYYY.xlsx``,
``rpls_2023_resultats.xlsx``, ``statistiques_sdes_resultats_rpls_2025_secret_donnees.xlsx``).

Layout read here (established from public code reading those workbooks, not from an
extract: none is in this repository's shared data):

* sheets ``COMMUNE`` (``Commune`` in 2021-2022, ``COMMUNES`` in 2024), ``EPCI``,
  ``DEPARTEMENT``, ``REGION``; five title lines (themes, sub-themes, French labels),
  then the technical header on line 6, then one row per territory;
* the commune code is ``DEPCOM_ARM`` (arrondissements of Paris, Lyon, Marseille apart);
  ``DEPCOM`` is accepted too (per-dwelling file);
* ``nb_ls`` (social dwellings), ``nb_loues`` (let), ``nb_vacants`` (vacant, offered for
  letting), ``tx_vac`` (vacancy rate, %), ``tx_mob`` (mobility rate, %), ``loymoy``
  (average rent, € per m² of living area) of the file's year, and the past years as
  ``nb_lsYYYY``, ``tx_vac_YYYY``, ``tx_mob_YYYY``, ``loymoy_YYYY``.

Not confirmed: the code column of the ``EPCI`` and ``DEPARTEMENT`` sheets (``EPCI``,
``DEP`` are assumed), the marks of the secret cells in the « secret » files (blank,
``s`` and ``nd`` are read as secret, never as 0), and whether codes follow the geography
of 1 January of the year or of the publication. A sheet saved as CSV (``;``, the same
technical header on the first line) is read the same way.

Rules: counts of a group of communes are sums of its communes (a commune absent from the
file has no social dwelling, and the note says how many); a published rate is never
averaged over communes: the vacancy rate of a sum is Σ ``nb_vacants`` / Σ (``nb_loues`` +
``nb_vacants``) (both terms are in the file), the mobility rate and the rent per m² of a
group are only the published rows of its own level (their terms are not in the file).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ctgstats.core.codes import Level
from ctgstats.core.figures import figure, to_frame
from ctgstats.core.territories import ResolvedTerritory
from ctgstats.data.catalog import Catalog
from ctgstats.data.readers import MISSING_MARKERS, DataFileError
from ctgstats.data.sources import FoundFile
from ctgstats.present.formatting import fr_int

__all__ = [
    "COUNT_ID",
    "DENSITY_ID",
    "RPLS_IDS",
    "RPLS_SOURCE",
    "read_rpls",
    "rpls_figures",
]

RPLS_SOURCE = "sdes_rpls"
COUNT_ID = "logements_sociaux_rpls"
DENSITY_ID = "logements_sociaux_pour_100_rp"
VACANCY_ID = "taux_vacance_parc_social"
MOBILITY_ID = "taux_mobilite_parc_social"
RENT_ID = "loyer_moyen_m2_parc_social"
RPLS_IDS = (COUNT_ID, DENSITY_ID, VACANCY_ID, MOBILITY_ID, RENT_ID)

NO_FILE = "non disponible : aucun fichier RPLS fourni (registre optionnel)"

#: Value columns: name, optional year suffix (``nb_ls2019``, ``tx_mob_2019``).
VALUE_PATTERN = r"^(?:nb_ls|nb_loues|nb_vacants|tx_vac|tx_mob|loymoy)(?:_?\d{4})?$"
_VALUE = re.compile(r"^(nb_ls|nb_loues|nb_vacants|tx_vac|tx_mob|loymoy)(?:_?(\d{4}))?$")

#: Sheet prefix (upper case, without accents) → level; the code columns of the level.
_SHEETS = (("COMMUNE", "COM"), ("EPCI", "EPCI"), ("DEPARTEMENT", "DEP"), ("REGION", "REG"))
_CODES = {"COM": ("DEPCOM_ARM", "DEPCOM"), "EPCI": ("EPCI",), "DEP": ("DEP",), "REG": ("REG",)}
_WIDTH = {"COM": 5, "EPCI": 9, "DEP": 2, "REG": 2}
_LEVEL_OF = {
    Level.COMMUNE: "COM",
    Level.EPCI: "EPCI",
    Level.DEPARTEMENT: "DEP",
    Level.REGION: "REG",
}

_DEFINITIONS = {
    COUNT_ID: "Logements du parc locatif des bailleurs sociaux au 1er janvier (répertoire "
    "RPLS du SDES : loués, vacants, vides, pris en charge par une association …), hors "
    "logements-foyers et résidences sociales",
    DENSITY_ID: "Logements sociaux du RPLS au 1er janvier pour 100 résidences principales "
    "du recensement le plus proche (année indiquée dans la note)",
    VACANCY_ID: "Part des logements vacants parmi les logements sociaux proposés à la "
    "location (loués ou vacants) au 1er janvier, RPLS",
    MOBILITY_ID: "Part des logements sociaux proposés à la location ayant fait l'objet d'un "
    "emménagement dans l'année, telle que publiée par le SDES (RPLS)",
    RENT_ID: "Loyer moyen des logements sociaux loués, en euros par m² de surface habitable, "
    "tel que publié par le SDES (RPLS)",
}
_UNITS = {
    COUNT_ID: "logements",
    DENSITY_ID: "pour 100 résidences principales",
    VACANCY_ID: "%",
    MOBILITY_ID: "%",
    RENT_ID: "€/m²",
}
_PUBLISHED = {VACANCY_ID: "tx_vac", MOBILITY_ID: "tx_mob", RENT_ID: "loymoy"}


def _source(year: int) -> str:
    return (
        "SDES, répertoire des logements locatifs des bailleurs sociaux (RPLS) au 1er "
        f"janvier {year}"
    )


def _plain(name: str) -> str:
    table = str.maketrans("ÉÈÊ", "EEE")
    return name.strip().upper().translate(table)


def _sheets(path: Path) -> list[tuple[str | None, str | None]]:
    """``(sheet, level)`` of a workbook's RPLS sheets, or ``[(None, None)]`` for a CSV."""
    if path.suffix.lower() != ".xlsx":
        return [(None, None)]
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        names = list(workbook.sheetnames)
    finally:
        workbook.close()
    chosen: list[tuple[str | None, str | None]] = []
    for name in names:
        level = next((lv for prefix, lv in _SHEETS if _plain(name).startswith(prefix)), None)
        if level is not None:
            chosen.append((name, level))
    if not any(level == "COM" for _, level in chosen):
        raise DataFileError(
            f"aucune feuille des communes (COMMUNE) ; feuilles : {names}", path=path
        )
    return chosen


def _csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline().strip()
    separator = ";" if first.count(";") >= first.count(",") else ","
    return [cell.strip().strip('"') for cell in first.split(separator)]


def _csv_level(path: Path) -> tuple[str, str]:
    header = _csv_header(path)
    for level, columns in _CODES.items():
        for column in columns:
            if column in header:
                return level, column
    raise DataFileError(
        "colonne de code introuvable (DEPCOM_ARM, DEPCOM, EPCI, DEP ou REG attendue)",
        path=path,
        column="DEPCOM_ARM",
    )


def _code(value: object, width: int) -> str:
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0", text):
        text = text[:-2]
    return text.zfill(width) if text.isdigit() else text


def _numbers(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """The column as floats; blank / secret marks are NaN; anything else is an error."""
    series = frame[column]
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    text = series.astype(str).str.strip()
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    bad = values.isna() & ~text.str.lower().isin(MISSING_MARKERS | {"nan"})
    if bad.any():
        raise DataFileError(
            "valeur non numérique", path=path, column=column, value=text[bad].iloc[0]
        )
    return values.astype("float64")


def _read_one(catalog: Catalog, found: FoundFile) -> list[pd.DataFrame]:
    frames = []
    for sheet, sheet_level in _sheets(found.path):
        if sheet is None or sheet_level is None:
            level, code_column = _csv_level(found.path)
            target = found
        else:
            level = sheet_level
            code_column = _CODES[level][0]
            target = replace(found, source=replace(found.source, sheet=sheet))
        table = catalog.read(target, pattern=VALUE_PATTERN, code_column=code_column)
        codes = [_code(v, _WIDTH[level]) for v in table[code_column]]
        for column in table.columns:
            match = _VALUE.match(str(column))
            if column == code_column or not match:
                continue
            year = int(match.group(2)) if match.group(2) else found.vintage
            frames.append(
                pd.DataFrame(
                    {
                        "niveau": level,
                        "code": codes,
                        "annee": year,
                        "variable": match.group(1),
                        "valeur": list(_numbers(table, column, found.path)),
                        "fichier": found.path.name,
                        "millesime": found.vintage,
                    }
                )
            )
    return frames


def read_rpls(catalog: Catalog) -> pd.DataFrame | None:
    """Every RPLS file of the data folders as one long table, or None when there is none.

    Returns
    -------
    pandas.DataFrame or None
        Columns ``niveau`` (``COM``, ``EPCI``, ``DEP``, ``REG``), ``code`` (str),
        ``annee`` (1 January of that year), ``variable`` (``nb_ls``, ``nb_loues``,
        ``nb_vacants``, ``tx_vac``, ``tx_mob``, ``loymoy``), ``valeur`` (NaN: secret or not
        published), ``fichier``; for a territory, year and variable in several files, the
        newest file wins.

    Raises
    ------
    DataFileError
        A workbook without a commune sheet, a missing code column, a non-numeric value
        (the message names the file, sheet and column).
    """
    files = catalog.files(RPLS_SOURCE)
    if not files:
        return None
    frames = [frame for found in files for frame in _read_one(catalog, found)]
    if not frames:
        return None
    table = pd.concat(frames, ignore_index=True)
    table = table.sort_values("millesime", ascending=False, kind="stable")
    table = table.drop_duplicates(subset=["niveau", "code", "annee", "variable"], keep="first")
    return table.drop(columns="millesime").reset_index(drop=True)


# --------------------------------------------------------------------------- figures


def _row(territory: ResolvedTerritory, ident: str, year: int, value: float | None, note: str):
    return figure(
        territory.id,
        ident,
        year,
        value,
        unite=_UNITS[ident],
        source=_source(year),
        definition=_DEFINITIONS[ident],
        note=note,
    )


def _own_rows(table: pd.DataFrame, level: str, code: str, year: int) -> dict[str, float]:
    rows = table[(table["niveau"] == level) & (table["code"] == code) & (table["annee"] == year)]
    return dict(zip(rows["variable"], rows["valeur"], strict=True))


def _sum_of_communes(
    table: pd.DataFrame, members: Sequence[str], year: int, variable: str
) -> tuple[float | None, str]:
    """Σ of a count over the members, or None with the reason (secret, not published)."""
    rows = table[
        (table["niveau"] == "COM") & (table["annee"] == year) & (table["variable"] == variable)
    ]
    if rows.empty:
        return None, f"non disponible : pas de données communales {year} dans le fichier RPLS"
    values = dict(zip(rows["code"], rows["valeur"], strict=True))
    present = [c for c in members if c in values]
    secret = [c for c in present if math.isnan(values[c])]
    if secret:
        return None, (
            f"non disponible : secret statistique (SDES) pour {fr_int(len(secret))} "
            f"commune(s) ({', '.join(secret[:5])}{' …' if len(secret) > 5 else ''})"
        )
    absent = len(members) - len(present)
    note = (
        f"somme des communes ; {fr_int(absent)} commune(s) absente(s) du fichier RPLS "
        "(aucun logement social recensé) comptée(s) pour 0"
        if absent
        else "somme des communes"
    )
    return float(sum(values[c] for c in present)), note


def _nearest_census(totals: pd.DataFrame, year: int) -> int | None:
    years = sorted(
        int(f"20{m.group(1)}")
        for c in totals.columns
        if (m := re.fullmatch(r"P(\d{2})_RP", str(c))) and int(m.group(1)) < 50
    )
    if not years:
        return None
    return min(years, key=lambda v: (abs(v - year), -v))


def _territory_rows(
    table: pd.DataFrame,
    territory: ResolvedTerritory,
    year: int,
    totals: pd.DataFrame,
    threshold: float,
    reason: str | None = None,
) -> list[dict[str, object]]:
    level = _LEVEL_OF.get(territory.level)
    own = _own_rows(table, level, territory.code, year) if level else {}
    if reason and not own:
        note = reason if reason.startswith("non disponible") else f"non disponible : {reason}"
        return [_row(territory, i, year, None, note) for i in RPLS_IDS]
    values: dict[str, float | None] = {}
    notes: dict[str, str] = {}
    published = ""  # the row of its own level: the source line says it all
    if not math.isnan(own.get("nb_ls", math.nan)):
        values[COUNT_ID], notes[COUNT_ID] = own["nb_ls"], published
    elif territory.communes and level != "COM":
        values[COUNT_ID], notes[COUNT_ID] = _sum_of_communes(
            table, territory.communes, year, "nb_ls"
        )
    else:
        values[COUNT_ID] = None
        notes[COUNT_ID] = (
            "non disponible : secret statistique (SDES) ou territoire absent du fichier RPLS"
            if own
            else "non disponible : territoire absent des fichiers RPLS fournis"
        )
    for ident, column in _PUBLISHED.items():
        value = own.get(column, math.nan)
        if not math.isnan(value):
            values[ident], notes[ident] = value, published
            continue
        values[ident] = None
        if column in own:
            notes[ident] = "non disponible : secret statistique (SDES) ou taux non publié"
        elif own:
            notes[ident] = f"non disponible : taux absent des fichiers RPLS fournis pour {year}"
        else:
            notes[ident] = (
                "non disponible : le fichier RPLS ne publie ce taux que par territoire, "
                "sans ses termes ; une moyenne de taux communaux n'est pas calculée"
            )
    if values[VACANCY_ID] is None and territory.communes and level != "COM" and not own:
        let, _ = _sum_of_communes(table, territory.communes, year, "nb_loues")
        vacant, why = _sum_of_communes(table, territory.communes, year, "nb_vacants")
        if let is not None and vacant is not None and let + vacant > 0:
            values[VACANCY_ID] = 100.0 * vacant / (let + vacant)
            notes[VACANCY_ID] = (
                "somme des logements vacants sur somme des logements proposés à la location "
                "(loués et vacants) des communes"
            )
    count = values[COUNT_ID]
    census = _nearest_census(totals, year)
    density_note = "non disponible : pas de résidences principales du recensement"
    values[DENSITY_ID] = None
    if count is not None and census is not None:
        main = totals.get(f"P{census % 100:02d}_RP")
        rp = float(main.get(territory.id, math.nan)) if main is not None else math.nan
        if rp > 0:
            values[DENSITY_ID] = 100.0 * count / rp
            density_note = (
                f"rapporté aux résidences principales du recensement {census} (le plus proche "
                f"du 1er janvier {year})"
            )
    elif count is None:
        density_note = notes[COUNT_ID]
    notes[DENSITY_ID] = density_note
    if count is not None and count < threshold:
        small = f"parc social de moins de {fr_int(threshold)} logements : taux très variables"
        for ident in (VACANCY_ID, MOBILITY_ID, RENT_ID):
            if values[ident] is not None:
                notes[ident] = f"{notes[ident]} ; {small}" if notes[ident] else small
    return [_row(territory, i, year, values[i], notes[i]) for i in RPLS_IDS]


def rpls_figures(
    table: pd.DataFrame | None,
    territories: Sequence[ResolvedTerritory],
    *,
    totals: pd.DataFrame,
    fallback_year: int,
    threshold: float = 0.0,
    notes: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """RPLS figures of every territory and every year of the files (see the module doc).

    Parameters
    ----------
    table
        :func:`read_rpls`, or None when no RPLS file was supplied.
    territories
        The territory and its comparators.
    totals
        Census totals of the territories (``P{yy}_RP`` for the density).
    fallback_year
        Year of the "non disponible" rows when there is no file.
    threshold
        Social stocks under this count flag their rates as very variable.
    notes
        Territory id → why its census figures are unavailable (incomplete composition):
        such a territory has only its own level's published rows.
    """
    if table is None:
        return to_frame(
            _row(t, ident, fallback_year, None, NO_FILE) for t in territories for ident in RPLS_IDS
        )
    years = sorted({int(y) for y in table.loc[table["variable"] == "nb_ls", "annee"]})
    rows = [
        row
        for territory in territories
        for year in years
        for row in _territory_rows(
            table, territory, year, totals, threshold, (notes or {}).get(territory.id)
        )
    ]
    return to_frame(rows)
