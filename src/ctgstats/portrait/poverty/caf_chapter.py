"""Section « Prestations de la CAF » of the chapter: figures, communes' table, cautions."""

from __future__ import annotations

import pandas as pd

from ctgstats.core.figures import figure, to_frame
from ctgstats.portrait.chapters import ChapterContext, ChapterResult
from ctgstats.portrait.poverty import caf_compute as compute
from ctgstats.portrait.poverty import caf_read as read

__all__ = ["COMMUNES_TABLE", "MISSING_NOTE", "RURAL_SHARE", "extend", "rural_share", "section"]

COMMUNES_TABLE = "caf_communes"
MISSING_NOTE = (
    "non disponible : aucun fichier des allocataires de la Cnaf (data.caf.fr, enregistré "
    "sous le nom caf_<prestation>_<niveau>.csv) dans les données"
)
CAUTION = (
    "Prestations de la CAF : foyers allocataires en décembre de chaque année (stock des "
    "droits versables), régime général seulement (les allocataires de la MSA ne sont pas "
    "comptés) ; un foyer allocataire n'est pas un ménage de l'Insee ; les taux rapportent "
    "les effectifs de la Cnaf à la population, aux ménages ou aux familles du recensement "
    "du même territoire (millésime nommé dans la source). Les effectifs communaux sont "
    "arrondis ou masqués par la Cnaf : la somme des communes n'est pas le total publié."
)
RURAL_SHARE = 50.0
"""Share (%) of the population in communes under 2,000 inhabitants above which the MSA
caveat is printed first (the INSEE's former urban threshold, 2,000 inhabitants)."""

MSA_CAUTION = (
    "Territoire rural ({share} % des habitants vivent dans une commune de moins de 2 000 "
    "habitants) : une part notable des familles relève de la Mutualité sociale agricole "
    "(MSA), dont les allocataires ne sont pas dans les fichiers de la Cnaf ; les taux de "
    "la CAF y sous-estiment le recours aux prestations."
)


def rural_share(communes: pd.DataFrame, codes: list[str], *, vintage: int) -> float | None:
    """Share (%) of the population living in communes under 2,000 inhabitants."""
    column = f"P{vintage % 100:02d}_POP"
    if column not in communes.columns or not codes:
        return None
    population = communes.reindex(codes)[column]
    if population.isna().any() or float(population.sum()) <= 0:
        return None
    return 100.0 * float(population[population < 2000].sum()) / float(population.sum())


def _communes_table(context: ChapterContext, table: pd.DataFrame) -> pd.DataFrame:
    composition = context.composition.table
    codes = list(context.territory.communes or ())
    names = dict(zip(composition["commune"], composition["nom_commune"], strict=True))
    result = pd.DataFrame({"code": codes, "commune": [names.get(c, c) for c in codes]})
    communes = table[table["niveau"] == "COM"]
    if communes.empty:
        return result
    year = int(communes["annee"].max())
    latest = communes[communes["annee"] == year]
    for benefit in ("allocataires", "rsa", "prime_activite", "aides_logement", "aah"):
        part = latest[latest["prestation"] == benefit].set_index("code")["foyers"]
        if part.empty:
            continue
        result[f"foyers_{benefit}_{year}"] = [float(part.get(c, float("nan"))) for c in codes]
        result[f"statut_{benefit}_{year}"] = [
            ("publié" if pd.notna(part.get(c)) else "non publié")
            if c in part.index
            else "absente du fichier"
            for c in codes
        ]
    return result.sort_values("commune", kind="stable").reset_index(drop=True)


def _missing(context: ChapterContext) -> ChapterResult:
    year = context.cog_year - 2
    frame = to_frame(
        figure(
            t.id,
            spec.ident,
            year,
            None,
            unite=spec.unit,
            source=compute.SOURCE_LABEL,
            definition=spec.definition,
            note=MISSING_NOTE,
        )
        for t in context.territories
        for spec in compute.RATE_SERIES[:2]
    )
    return ChapterResult(figures=frame, vigilance=[f"Prestations de la CAF : {MISSING_NOTE}."])


def section(context: ChapterContext) -> ChapterResult:
    """Counts, rates and evolutions of every territory and year; communes' table."""
    table = read.benefit_tables(context.catalog)
    if table.empty:
        return _missing(context)
    territories = list(context.territories)
    counts = compute.territory_counts(table, territories)
    figures = compute.count_figures(counts)
    rates = compute.rate_figures(
        counts, totals=context.totals, vintages=list(context.vintages), notes=context.notes
    )
    evolution = compute.evolution_figures(figures, territories=[t.id for t in territories])
    vigilance = [CAUTION]
    share = (
        rural_share(
            context.communes, list(context.territory.communes or ()), vintage=max(context.vintages)
        )
        if context.vintages
        else None
    )
    if share is not None and share >= RURAL_SHARE:
        vigilance.insert(0, MSA_CAUTION.format(share=f"{share:.0f}"))
    return ChapterResult(
        figures=pd.concat([figures, rates, evolution], ignore_index=True),
        tables={COMMUNES_TABLE: _communes_table(context, table)},
        vigilance=vigilance,
    )


def extend(result: ChapterResult, context: ChapterContext) -> ChapterResult:
    """``result`` with the CAF benefits section appended."""
    extra = section(context)
    return ChapterResult(
        figures=pd.concat([result.figures, extra.figures], ignore_index=True),
        tables={**result.tables, **extra.tables},
        vigilance=[*result.vigilance, *extra.vigilance],
    )
