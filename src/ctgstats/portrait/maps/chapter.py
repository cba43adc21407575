"""The maps chapter as a portrait chapter: the data of every map, the contours, the cautions.

Nothing is drawn here: the chapter computes, for each map, one row per area drawn
(``tables/carte_<id>.csv``: code, name, value, status, class, small-count flag, and the
source and geography of the map) and the simplified contours in Lambert 93
(``tables/contours.csv``, WKT, read back by :mod:`.views` and by the portal), so the
notebook and the portal draw exactly what the tables say. Contours are optional: without
them every map is « carte non disponible » with the reason, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from ctgstats.core.codes import Level
from ctgstats.core.figures import empty
from ctgstats.core.territories import main_code_of
from ctgstats.data import contours as contour_data
from ctgstats.data.catalog import DataNotFoundError
from ctgstats.portrait.chapters import ChapterContext, ChapterResult
from ctgstats.portrait.demography import age_total, census_source
from ctgstats.portrait.housing.chapter import communes_table as housing_communes
from ctgstats.portrait.housing.compute import housing_vintages
from ctgstats.portrait.poverty import read as poverty_read
from ctgstats.present import maps

__all__ = [
    "CONTOURS_TABLE",
    "HARMONISATION_TABLE",
    "MAPS",
    "NO_CONTOURS",
    "SITUATION",
    "compute_chapter",
    "map_stem",
]

CONTOURS_TABLE = "contours"
"""``tables/contours.csv``: simplified outlines (WKT, Lambert 93) of what the maps draw."""
HARMONISATION_TABLE = "contours_harmonisation"
SITUATION = "situation"
NO_CONTOURS = (
    "aucun fichier de contours des communes dans les dossiers de données (IGN Admin "
    "Express COG : COMMUNE.shp, ou communes-*.geojson avec les propriétés code et nom)"
)
COMMUNE_TOLERANCE = 20.0
"""Metres: simplification of the commune polygons kept in the table (invisible at print scale)."""
OUTLINE_TOLERANCE = 120.0
MAX_COMMUNES = 1_000
"""Beyond this many communes (a région, France), no commune map is drawn."""
MAX_WKT = 30_000
"""Characters: a workbook cell holds at most 32 767 (outlines are simplified until they fit)."""


def map_stem(map_id: str) -> str:
    """File stem of a map's data: ``carte_<id>``."""
    return f"carte_{map_id}"


@dataclass(frozen=True)
class MapSpec:
    """One choropleth of the chapter: its values are computed by ``values``."""

    id: str
    title: str
    indicator: str
    values: Callable[
        [ChapterContext, Sequence[str]],
        tuple[dict[str, float], dict[str, str], dict[str, bool], str],
    ]
    """``values(context, codes) -> (value, status, small, source)`` by commune code."""
    annex: bool = True


def _share(numerator: float, denominator: float) -> float:
    if not math.isfinite(numerator) or not math.isfinite(denominator) or denominator <= 0:
        return math.nan
    return 100.0 * numerator / denominator


def _age_60(context: ChapterContext, codes: Sequence[str]):
    year = context.vintages[-1] if context.vintages else None
    if year is None:
        return {}, {}, {}, "Insee, recensement"
    rows = context.communes.reindex(list(codes))
    old = age_total(rows, year=year, low=60)
    pop_column = f"P{year % 100:02d}_POP"
    pop = rows[pop_column] if pop_column in rows.columns else pd.Series(np.nan, index=rows.index)
    values, status, small = {}, {}, {}
    for code in codes:
        value = _share(float(old[code]) if old is not None else math.nan, float(pop[code]))
        values[code] = value
        status[code] = (
            maps.PUBLISHED
            if math.isfinite(value)
            else f"{maps.MISSING} : population absente du recensement"
        )
        small[code] = (
            bool(float(pop[code]) < context.threshold) if math.isfinite(float(pop[code])) else False
        )
    return values, status, small, census_source(year)


def _housing(
    column: str,
) -> Callable[..., tuple[dict[str, float], dict[str, str], dict[str, bool], str]]:
    def values(context: ChapterContext, codes: Sequence[str]):
        years = housing_vintages(context.totals)
        if not years:
            reason = f"{maps.MISSING} : aucune base « Logement » du recensement"
            return {}, dict.fromkeys(codes, reason), {}, "Insee, recensement, base « Logement »"
        year = years[-1]
        table = housing_communes(context, year).set_index("code")
        found = table[f"{column}_{year}"]
        result, status, small = {}, {}, {}
        for code in codes:
            value = float(found.get(code, math.nan))
            result[code] = value
            status[code] = (
                maps.PUBLISHED
                if math.isfinite(value)
                else f"{maps.MISSING} : aucun logement recensé"
            )
            small[code] = bool(table["petite_commune"].get(code, False))
        return result, status, small, census_source(year)

    return values


def _poverty(context: ChapterContext, codes: Sequence[str]):
    years = poverty_read.poverty_years(context.catalog)
    if not years:
        reason = f"{maps.MISSING} : aucun fichier Filosofi de pauvreté"
        return {}, dict.fromkeys(codes, reason), {}, "Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi"
    year = years[-1]
    values, status = poverty_read.commune_rows(context.catalog, list(codes), year)
    states = {}
    for code in codes:
        text = str(status[code])
        if text == "publié":
            states[code] = maps.PUBLISHED
        elif text == "plancher":
            states[code] = maps.FLOOR
        elif text.startswith("secret"):
            states[code] = maps.SECRET
        else:
            reason = text.removeprefix(f"{maps.MISSING} : ").removeprefix("non publié : ")
            states[code] = f"{maps.MISSING} : {reason}"
    return (
        {c: float(values[c]) for c in codes},
        states,
        {},
        f"Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi {year} (taux publiés par commune)",
    )


MAPS: tuple[MapSpec, ...] = (
    MapSpec(
        "age_60_plus",
        "Part des 60 ans ou plus dans la population, par commune (en %)",
        "part_60_plus",
        _age_60,
        annex=False,
    ),
    MapSpec(
        "pauvrete",
        "Taux de pauvreté au seuil de 60 %, par commune (en %)",
        "taux_pauvrete_60",
        _poverty,
    ),
    MapSpec(
        "residences_secondaires",
        "Part des résidences secondaires et logements occasionnels, par commune (en %)",
        "part_residences_secondaires",
        _housing("part_residences_secondaires"),
    ),
    MapSpec(
        "logements_vacants",
        "Part des logements vacants, par commune (en %)",
        "part_logements_vacants",
        _housing("part_logements_vacants"),
    ),
)
"""The choropleths, in reading order (the first not in the annex)."""


def _wkt(geometry: BaseGeometry, tolerance: float) -> str:
    text = contour_data.simplified_wkt(geometry, tolerance=tolerance)
    while len(text) > MAX_WKT:
        tolerance *= 2.0
        text = contour_data.simplified_wkt(geometry, tolerance=tolerance)
    return text


def contours_table(
    communes: contour_data.Contours,
    *,
    territory: tuple[str, str, str, BaseGeometry],
    departement: tuple[str, str, BaseGeometry] | None,
) -> pd.DataFrame:
    """``niveau, code, nom, edition, cog, wkt``: communes, the territory, its département."""
    rows = [
        {
            "niveau": "commune",
            "code": code,
            "nom": communes.names.get(code, ""),
            "wkt": _wkt(g, COMMUNE_TOLERANCE),
        }
        for code, g in communes.geometries.items()
    ]
    level, code, name, outline = territory
    rows.append(
        {"niveau": level, "code": code, "nom": name, "wkt": _wkt(outline, OUTLINE_TOLERANCE)}
    )
    if departement is not None:
        dep_code, dep_name, dep_outline = departement
        rows.append(
            {
                "niveau": "departement",
                "code": dep_code,
                "nom": dep_name,
                "wkt": _wkt(dep_outline, OUTLINE_TOLERANCE),
            }
        )
    table = pd.DataFrame(rows, columns=["niveau", "code", "nom", "wkt"])
    table.insert(3, "edition", communes.source_year or pd.NA)
    table.insert(4, "cog", communes.cog_year)
    return table


def _harmonisation(communes: contour_data.Contours) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "fichier": r.source,
                "operation": r.action,
                "anciens_codes": ", ".join(r.old_codes),
                "code_cog": r.new_code,
                "detail": "contours réunis (union) : " + r.detail,
            }
            for r in communes.harmonisation
        ],
        columns=["fichier", "operation", "anciens_codes", "code_cog", "detail"],
    )


def _map_tables(
    context: ChapterContext, communes: contour_data.Contours, codes: Sequence[str]
) -> dict[str, pd.DataFrame]:
    tables = {}
    drawn = [c for c in codes if c in communes.geometries]
    for spec in MAPS:
        values, status, small, source = spec.values(context, drawn)
        table = maps.map_table(
            drawn, names=communes.names, values=values, status=status, small=small
        )
        table["indicateur"] = spec.indicator
        table["source"] = source
        table["fond"] = communes.vintage
        tables[map_stem(spec.id)] = table
    situation = pd.DataFrame(
        {
            "code": drawn,
            "nom": [communes.names.get(c, "") for c in drawn],
            "valeur": np.nan,
            "statut": "commune du territoire",
        }
    )
    tables[map_stem(SITUATION)] = situation.assign(fond=communes.vintage)
    return tables


def _departement(
    context: ChapterContext, codes: Sequence[str]
) -> tuple[str, str, BaseGeometry] | None:
    code = main_code_of(codes, composition=context.composition, column="departement")
    members = context.composition.communes_of(Level.DEPARTEMENT, code)
    outline = contour_data.departement_outline(context.catalog, code)
    if outline is None:
        whole = contour_data.commune_polygons(
            context.catalog, cog_year=context.cog_year, communes=members
        )
        if whole is None or whole.missing:
            return None
        outline = contour_data.dissolve(whole.geometries.values())
    names = {t.code: t.label for t in context.territories}
    return code, names.get(code, f"Département {code}"), outline


def unavailable(reason: str) -> ChapterResult:
    """The chapter without maps: the reason in its cautions (« carte non disponible »)."""
    return ChapterResult(
        figures=empty(), tables={}, vigilance=[f"Cartes non disponibles : {reason}."]
    )


def compute_chapter(context: ChapterContext) -> ChapterResult:
    """The data of every map of the territory, its contours and the cautions."""
    codes = list(context.territory.communes or ())
    if not codes:
        return unavailable("la liste des communes du territoire n'est pas connue")
    if len(codes) > MAX_COMMUNES:
        return unavailable(
            f"{len(codes)} communes : au-delà de {MAX_COMMUNES}, une carte par commune n'est "
            "pas lisible sur une page"
        )
    try:
        communes = contour_data.commune_polygons(
            context.catalog, cog_year=context.cog_year, communes=codes
        )
    except (contour_data.ContourFileError, DataNotFoundError) as error:
        return unavailable(str(error))
    if communes is None:
        return unavailable(NO_CONTOURS)
    if not communes.geometries:
        return unavailable(f"aucune commune du territoire dans {', '.join(communes.files)}")
    outline = contour_data.dissolve(communes.geometries.values())
    departement = _departement(context, codes)
    territory = (
        context.territory.level.value,
        context.territory.code,
        context.territory.label,
        outline,
    )
    tables = _map_tables(context, communes, codes)
    tables[CONTOURS_TABLE] = contours_table(communes, territory=territory, departement=departement)
    tables[HARMONISATION_TABLE] = _harmonisation(communes)
    return ChapterResult(figures=empty(), tables=tables, vigilance=cautions(communes))


def cautions(communes: contour_data.Contours) -> list[str]:
    """Points de vigilance of the maps."""
    points = [
        f"Cartes : fond de carte des {communes.vintage} ({', '.join(communes.files)}), "
        "projeté en Lambert 93 ; contours simplifiés pour l'affichage (la surface n'est pas "
        "une donnée du rapport).",
        "Cartes : les classes sont des quantiles des valeurs des communes du territoire (5 "
        "classes au plus) ; les communes dont la valeur est couverte par le secret "
        "statistique sont hachurées, celles sans valeur publiée sont en gris ; une commune "
        "peu peuplée a une part très variable d'un recensement à l'autre.",
    ]
    if communes.harmonisation:
        merged = "; ".join(communes.harmonisation_text())
        points.append(
            f"Cartes : contours de l'édition {communes.source_year} ramenés à la géographie "
            f"au 1er janvier {communes.cog_year} : {merged}."
        )
    if communes.missing:
        shown = ", ".join(f"{c} ({r})" for c, r in list(communes.missing.items())[:5])
        points.append(
            f"Cartes : {len(communes.missing)} commune(s) sans contour, non dessinée(s) : {shown}."
        )
    if communes.ignored:
        shown = ", ".join(f"{c} ({r})" for c, r in list(communes.ignored.items())[:5])
        points.append(f"Cartes : {len(communes.ignored)} code(s) des contours ignoré(s) : {shown}.")
    return points


def geometries_from(table: pd.DataFrame, *, level: str) -> dict[str, BaseGeometry]:
    """Polygons of one ``niveau`` of :data:`CONTOURS_TABLE`, by code."""
    import shapely

    rows = table[table["niveau"] == level]
    return {str(c): shapely.from_wkt(w) for c, w in zip(rows["code"], rows["wkt"], strict=True)}


def names_from(table: pd.DataFrame, *, level: str) -> Mapping[str, str]:
    rows = table[table["niveau"] == level]
    return dict(zip(rows["code"].astype(str), rows["nom"].astype(str), strict=True))
