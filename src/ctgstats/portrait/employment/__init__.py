"""Employment, schooling and youth: the ``emploi_jeunesse`` chapter of the portrait.

Sources: the census bases ``base-cc-emploi-pop-active``, ``base-cc-diplomes-formation``
and, when present, ``base-cc-caract_emp`` (read and aggregated by the portrait builder),
and the Observatoire des territoires NEET files (read here from the catalogue).
"""

from __future__ import annotations

import math

import pandas as pd

from ctgstats.portrait.chapters import Chapter, ChapterContext, ChapterResult
from ctgstats.portrait.employment import compute, read
from ctgstats.portrait.employment.findings import chapter_findings

__all__ = ["CHAPTER", "CHAPTER_ID", "compute_chapter"]

CHAPTER_ID = "emploi_jeunesse"


def _youth(context: ChapterContext, year: int) -> pd.Series:
    """Population aged 15-24 of every territory (``P_POP1524``, else 15-19 + 20-24)."""
    yy = f"{year % 100:02d}"
    totals = context.totals
    for names in ((f"P{yy}_POP1524",), (f"P{yy}_POP1519", f"P{yy}_POP2024")):
        if all(n in totals.columns for n in names):
            return totals[list(names)].sum(axis=1, min_count=len(names))
    return pd.Series(math.nan, index=totals.index)


def _vigilance(years: list[int], columns: list[str]) -> list[str]:
    points = [
        "Chômage : le taux de chômage du recensement est déclaré par les personnes "
        "recensées ; ce n'est ni le taux de chômage au sens du BIT (enquête Emploi) ni le "
        "nombre de demandeurs d'emploi inscrits à France Travail, et il ne se compare pas "
        "à eux.",
        "Diplômes : parts calculées parmi les personnes de 15 ans ou plus non scolarisées. "
        "Jusqu'au millésime 2016, « aucun diplôme » inclut le BEPC et le brevet ; la part "
        "des personnes sans diplôme (ou au plus le CEP) n'est donnée que pour les "
        "millésimes qui les distinguent, et les évolutions utilisent la définition "
        "« au plus le BEPC », commune à tous les millésimes.",
        "Jeunes NEET (ni en emploi, ni en études ou formation) : part publiée par "
        "l'Observatoire des territoires pour chaque niveau (communes, EPCI, départements, "
        "régions) ; elle n'est jamais recalculée à partir des bases communales, et elle "
        "est « non disponible » pour un groupe de communes.",
        "Les taux des 15-24 ans reposent sur de petits effectifs dans les petites "
        "communes : un chiffre marqué « effectif faible » est à lire avec prudence.",
    ]
    if not any(c.endswith("_ACTOCC15P_ILT2P") for c in columns):
        points.append(
            "Lieu de travail et transport : la base « Caractéristiques de l'emploi » du "
            "recensement n'est pas dans les données ; ces indicateurs sont non disponibles."
        )
    if len(years) >= 2 and not compute._pairs(years):
        points.append(
            "Emploi et diplômes : les millésimes disponibles sont trop proches pour "
            "mesurer une évolution (écart minimal conseillé par l'Insee)."
        )
    return points


def compute_chapter(context: ChapterContext) -> ChapterResult:
    """Figures, tables and cautions of the chapter for every territory."""
    columns = list(context.totals.columns)
    years = compute.chapter_years(columns)
    last = years[-1] if years else context.vintages[-1]
    threshold = context.threshold
    frames = [
        compute.rates(
            context.totals,
            years=years,
            fallback_year=last,
            threshold=threshold,
            variances=context.variances,
        ),
        compute.changes(
            context.totals, years=years, threshold=threshold, variances=context.variances
        ),
        read.neet_figures(
            context.catalog,
            context.territories,
            youth=_youth(context, max(context.vintages)),
            threshold=threshold,
            fallback_year=last,
        ),
    ]
    figures = pd.concat([f for f in frames if len(f)], ignore_index=True)
    names = context.composition.table.set_index("commune")["nom_commune"].to_dict()
    tables = {}
    if years:
        tables["emploi_communes"] = compute.communes_table(
            context.communes,
            list(context.territory.communes or ()),
            names,
            year=last,
            threshold=threshold,
        )
        tables["diplomes_repartition"] = compute.diploma_distribution(
            context.totals, [t.id for t in context.territories], year=last
        )
    return ChapterResult(figures=figures, tables=tables, vigilance=_vigilance(years, columns))


CHAPTER = Chapter(
    id=CHAPTER_ID,
    compute=compute_chapter,
    variance_terms=compute.variance_terms,
    findings=chapter_findings,
)
