"""The housing chapter as a portrait chapter: figures, commune table and cautions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ctgstats.core.comparability import is_comparable
from ctgstats.portrait.chapters import ChapterContext, ChapterResult
from ctgstats.portrait.housing import rpls
from ctgstats.portrait.housing.compute import (
    HLM_NOTE,
    RSECOCC_NOTE,
    all_figures,
    housing_vintages,
)
from ctgstats.present.formatting import fr_number

COMMUNES_TABLE = "logement_communes"
"""Stem of the commune table (``tables/logement_communes.csv``)."""


def _share(frame: pd.DataFrame, numerator: str, denominator: str) -> pd.Series:
    if numerator not in frame.columns or denominator not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    den = frame[denominator]
    return (100.0 * frame[numerator] / den.where(den > 0)).astype("float64")


def communes_table(context: ChapterContext, year: int | None) -> pd.DataFrame:
    """Dwellings, second homes and vacancy of each commune (sorted by name, never ranked)."""
    members = list(context.territory.communes or ())
    names = context.composition.table.set_index("commune")["nom_commune"]
    frame = pd.DataFrame({"code": members, "commune": [str(names.get(c, "")) for c in members]})
    if year is not None:
        yy = f"{year % 100:02d}"
        rows = context.communes.reindex(members)
        log = rows.get(f"P{yy}_LOG", pd.Series(np.nan, index=rows.index))
        frame[f"logements_{year}"] = list(log)
        frame[f"residences_secondaires_{year}"] = list(
            rows.get(f"P{yy}_RSECOCC", pd.Series(np.nan, index=rows.index))
        )
        frame[f"part_residences_secondaires_{year}"] = list(
            _share(rows, f"P{yy}_RSECOCC", f"P{yy}_LOG")
        )
        frame[f"logements_vacants_{year}"] = list(
            rows.get(f"P{yy}_LOGVAC", pd.Series(np.nan, index=rows.index))
        )
        frame[f"part_logements_vacants_{year}"] = list(_share(rows, f"P{yy}_LOGVAC", f"P{yy}_LOG"))
        frame["petite_commune"] = [bool(v < context.threshold) for v in log]
    return frame.sort_values("commune", kind="stable").reset_index(drop=True)


RPLS_CAUTION = (
    "Parc social : le répertoire des bailleurs sociaux (RPLS, SDES) recense les logements "
    "des bailleurs au 1er janvier (y compris vacants, hors logements-foyers) ; le recensement "
    "compte les ménages qui se déclarent locataires HLM. Les deux sources diffèrent et ne "
    "se substituent pas. Les taux de vacance, de mobilité et le loyer au m² sont ceux publiés "
    "pour chaque territoire ; le SDES masque les petits effectifs (secret statistique), "
    "signalés comme non disponibles."
)
RPLS_ABSENT = (
    "Parc social : aucun fichier RPLS (SDES) dans les dossiers de données (registre "
    "optionnel) ; seuls les locataires HLM déclarés au recensement sont donnés."
)


def cautions(vintages: Sequence[int], threshold: float) -> list[str]:
    """The chapter's points de vigilance (rule 18, and rules 1, 2, 4, 4b)."""
    points = [
        f"{RSECOCC_NOTE[:1].upper()}{RSECOCC_NOTE[1:]} : la part des « résidences "
        "secondaires » les inclut.",
        f"Locataires HLM : {HLM_NOTE} ; le nombre de logements sociaux du territoire se lit "
        "dans le répertoire des logements locatifs des bailleurs sociaux (RPLS), qui peut "
        "différer.",
        "L'époque d'achèvement est rapportée aux résidences principales achevées avant N−2 "
        "(pas à toutes les résidences principales) ; les classes d'époque changent d'un "
        "millésime à l'autre (la dernière se termine en N−3) : comparer les classes communes.",
        "Suroccupation : variable de l'exploitation complémentaire (un échantillon), "
        "rapportée aux résidences principales hors studios occupés par une personne ; elle "
        "est donnée avec un intervalle de confiance à 95 % approché. Le RP2022 ne publie "
        "plus cette variable (nouvel indicateur de peuplement) : elle y est « non "
        "disponible ».",
        "Logements, statut d'occupation, ancienneté, voitures et emménagement viennent de "
        "l'exploitation principale (tous les questionnaires) ; chaque part rapporte des "
        "variables d'une même exploitation.",
        f"Communes de moins de {fr_number(threshold, 0)} logements signalées dans le tableau "
        "des communes : leurs parts varient beaucoup d'un millésime à l'autre ; elles ne "
        "sont pas classées.",
    ]
    skipped = [f"{a}-{b}" for a, b in zip(vintages, vintages[1:]) if not is_comparable(a, b)]
    if skipped:
        points.append(
            "Évolutions du parc non calculées entre millésimes trop proches "
            f"({', '.join(skipped)}) : l'Insee recommande au moins 5 ans d'écart, 6 ans "
            "lorsqu'un millésime de 2019 à 2023 est concerné."
        )
    return points


def compute_chapter(context: ChapterContext) -> ChapterResult:
    """Housing figures of every territory and vintage, the commune table, the cautions."""
    vintages = housing_vintages(context.totals)
    figures = all_figures(
        context.totals,
        vintages=vintages or list(context.vintages[-1:]),
        small_count_threshold=context.threshold,
        variances=context.variances,
    )
    last = vintages[-1] if vintages else None
    table = rpls.read_rpls(context.catalog)
    social = rpls.rpls_figures(
        table,
        context.territories,
        totals=context.totals,
        fallback_year=int(last or (context.vintages[-1] if context.vintages else context.cog_year)),
        threshold=context.threshold,
        notes=context.notes,
    )
    figures = pd.concat([figures, social], ignore_index=True)
    points = cautions(vintages, context.threshold)
    points.append(RPLS_CAUTION if table is not None else RPLS_ABSENT)
    if not vintages:
        points.insert(
            0,
            "Aucune base « Logement » du recensement (base-cc-logement) dans les dossiers de "
            "données : les chiffres du logement sont non disponibles.",
        )
    return ChapterResult(
        figures=figures,
        tables={COMMUNES_TABLE: communes_table(context, last)},
        vigilance=points,
    )
