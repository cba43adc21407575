"""Section « Accueil du jeune enfant » of the chapter: figures, communes' table, cautions."""

from __future__ import annotations

import pandas as pd

from ctgstats.core.figures import figure, to_frame
from ctgstats.portrait.chapters import ChapterContext, ChapterResult
from ctgstats.portrait.poverty import childcare_compute as compute
from ctgstats.portrait.poverty import childcare_read as read

__all__ = ["COMMUNES_TABLE", "MISSING_NOTE", "extend", "section"]

COMMUNES_TABLE = "accueil_jeune_enfant_communes"
MISSING_NOTE = (
    "non disponible : aucun fichier du taux de couverture de l'accueil du jeune enfant "
    "de la Cnaf (data.caf.fr, un fichier par niveau : communes, EPCI, départements, "
    "France) dans les données"
)
CAUTION = (
    "Accueil du jeune enfant : taux de couverture publiés par la Cnaf (Onape), places pour "
    "100 enfants de moins de 3 ans en décembre, chaque territoire au niveau de son propre "
    "fichier (un EPCI prend la ligne du fichier des EPCI, jamais une moyenne des taux de "
    "ses communes) ; offre théorique : une place peut être vacante ou partagée. Le fichier "
    "communal ne couvre que les communes les plus peuplées."
)


def _communes_table(context: ChapterContext, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    composition = context.composition.table
    codes = list(context.territory.communes or ())
    names = dict(zip(composition["commune"], composition["nom_commune"], strict=True))
    table = pd.DataFrame({"code": codes, "commune": [names.get(c, c) for c in codes]})
    communes = tables.get("COM")
    years = sorted({int(y) for t in tables.values() for y in t["annee"]})
    for year in years:
        part = (
            communes[communes["annee"] == year].set_index("code")["ensemble"]
            if communes is not None
            else pd.Series(dtype=float)
        )
        table[f"taux_couverture_{year}"] = [float(part.get(c, float("nan"))) for c in codes]
        table[f"statut_couverture_{year}"] = [
            ("publié" if pd.notna(part.get(c)) else "non publié")
            if c in part.index
            else "non couverte"
            for c in codes
        ]
    return table.sort_values("commune", kind="stable").reset_index(drop=True)


def section(context: ChapterContext) -> ChapterResult:
    """Coverage figures of every territory and year, children under 3, communes' table."""
    territories = list(context.territories)
    tables = read.coverage_tables(context.catalog)
    under3 = (
        compute.under3_figures(
            context.totals, vintage=max(context.vintages), notes=dict(context.notes)
        )
        if context.vintages
        else to_frame([])
    )
    if not tables:
        missing = to_frame(
            figure(
                t.id,
                compute.COVERAGE_SERIES[0].ident,
                context.cog_year - 2,
                None,
                unite=compute.UNIT,
                source=compute.SOURCE_LABEL,
                definition=compute.COVERAGE_SERIES[0].definition,
                note=MISSING_NOTE,
            )
            for t in territories
        )
        return ChapterResult(
            figures=pd.concat([missing, under3], ignore_index=True),
            vigilance=[f"Accueil du jeune enfant : {MISSING_NOTE}."],
        )
    rows = read.territory_rows(context.catalog, territories, tables=tables)
    figures = compute.coverage_figures(rows)
    evolution = compute.evolution_figures(figures, territories=[t.id for t in territories])
    return ChapterResult(
        figures=pd.concat([figures, evolution, under3], ignore_index=True),
        tables={COMMUNES_TABLE: _communes_table(context, tables)},
        vigilance=[CAUTION],
    )


def extend(result: ChapterResult, context: ChapterContext) -> ChapterResult:
    """``result`` with the early-childhood section appended."""
    extra = section(context)
    return ChapterResult(
        figures=pd.concat([result.figures, extra.figures], ignore_index=True),
        tables={**result.tables, **extra.tables},
        vigilance=[*result.vigilance, *extra.vigilance],
    )
