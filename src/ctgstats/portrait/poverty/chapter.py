"""Compute the chapter from a :class:`~ctgstats.portrait.chapters.ChapterContext`."""

from __future__ import annotations

import pandas as pd

from ctgstats.core.figures import figure, to_frame
from ctgstats.core.territories import ResolvedTerritory
from ctgstats.portrait.chapters import ChapterContext, ChapterResult
from ctgstats.portrait.poverty import compute as poverty
from ctgstats.portrait.poverty import read

__all__ = ["COMMUNES_TABLE", "compute"]

COMMUNES_TABLE = "pauvrete_communes"
MISSING_NOTE = (
    "non disponible : aucun fichier Filosofi de pauvreté (FILOaaaa_DISP_Pauvres_… ou "
    "DS_FILOSOFI_CC_…) dans les données"
)


def _missing(territories: list[ResolvedTerritory], year: int) -> pd.DataFrame:
    return to_frame(
        figure(
            t.id,
            "taux_pauvrete_60",
            year,
            None,
            unite="%",
            source="Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi",
            definition=poverty.POVERTY_SERIES[0].definition,
            note=MISSING_NOTE,
        )
        for t in territories
    )


def _communes_table(context: ChapterContext, years: list[int]) -> pd.DataFrame:
    composition = context.composition.table
    codes = list(context.territory.communes or ())
    names = dict(zip(composition["commune"], composition["nom_commune"], strict=True))
    table = pd.DataFrame({"code": codes, "commune": [names.get(c, c) for c in codes]})
    for year in years:
        values, status = read.commune_rows(context.catalog, codes, year)
        table[f"taux_pauvrete_60_{year}"] = values.to_numpy()
        table[f"statut_pauvrete_{year}"] = status.to_numpy()
    return table.sort_values("commune", kind="stable").reset_index(drop=True)


def _vigilance(figures: pd.DataFrame, years: list[int]) -> list[str]:
    points = [
        "Pauvreté : taux au seuil de 60 % du niveau de vie médian de France métropolitaine "
        "(Filosofi, données fiscales et sociales exhaustives) ; chaque territoire prend le "
        "taux publié pour son propre niveau, jamais une moyenne des taux des communes."
    ]
    if (figures["note"] == poverty.FLOOR_NOTE).any():
        points.append(
            "Pauvreté : certains taux sont publiés à 5 %, valeur plancher de l'Insee ; le "
            "taux réel est inférieur ou égal : ils sont signalés et jamais lus comme valeurs."
        )
    if any(y >= poverty.METHOD_BREAK_YEAR for y in years) and any(
        y < poverty.METHOD_BREAK_YEAR for y in years
    ):
        points.append(
            "Pauvreté : Filosofi 2023 suit une nouvelle méthode et Filosofi 2022 n'a pas été "
            "publié ; aucune évolution n'est calculée entre 2021 (ou avant) et 2023."
        )
    return points


def compute(context: ChapterContext) -> ChapterResult:
    """Figures of every territory and year, the communes' table and the cautions."""
    territories = list(context.territories)
    years = read.poverty_years(context.catalog)
    if not years:
        fallback = (context.catalog.filosofi_years() or [context.cog_year - 4])[-1]
        return ChapterResult(
            figures=_missing(territories, fallback),
            vigilance=[f"Pauvreté : {MISSING_NOTE}."],
        )
    frames = [
        poverty.poverty_figures(read.territory_rows(context.catalog, territories, y), year=y)
        for y in years
    ]
    figures = pd.concat(frames, ignore_index=True)
    evolution = poverty.evolution_figures(
        figures, years=years, territories=[t.id for t in territories]
    )
    figures = pd.concat([figures, evolution], ignore_index=True)
    return ChapterResult(
        figures=figures,
        tables={COMMUNES_TABLE: _communes_table(context, years)},
        vigilance=_vigilance(figures, years),
    )
