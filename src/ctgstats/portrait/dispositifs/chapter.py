"""The inventory of dispositifs as a portrait chapter: validated inventory and coverage.

The inventory file (params ``dispositifs``) is read and validated here, with the
portrait, so that a bad inventory is refused before any notebook kernel starts (by
``ctgstats run`` and ``ctgstats validate``), every error naming its line and column.
Without an inventory the chapter adds nothing (its notebook says how to get the
template). The crossing with the needs indicators of the other chapters is read from the
finished portrait (:mod:`.views`).
"""

from __future__ import annotations

import pandas as pd

from ctgstats.core.figures import FIGURE_COLUMNS
from ctgstats.core.files import resolve_path
from ctgstats.portrait.chapters import ChapterContext, ChapterResult
from ctgstats.portrait.dispositifs.codes import code_lists
from ctgstats.portrait.dispositifs.compute import coverage_table
from ctgstats.portrait.dispositifs.read import Geography, read_inventory

__all__ = ["COVERAGE_TABLE", "INVENTORY_TABLE", "cautions", "compute_chapter"]

INVENTORY_TABLE = "dispositifs"
"""Stem of the validated inventory (``tables/dispositifs.csv``)."""
COVERAGE_TABLE = "dispositifs_couverture"
"""Stem of the coverage by theme and commune (``tables/dispositifs_couverture.csv``)."""


def cautions() -> list[str]:
    """The chapter's points de vigilance."""
    lists = code_lists()
    return [
        "Inventaire des dispositifs : tableau déclaratif tenu par le territoire (pas une "
        "source statistique) ; il ne vaut que par son exhaustivité, à vérifier avec les "
        "partenaires (CAF, département, communes, associations).",
        "Une commune « couverte » par un dispositif figure dans sa zone d'éligibilité : "
        "cela ne dit ni que l'offre y est suffisante ni qu'elle y est accessible "
        "(distance, horaires, places) ; une commune couverte par aucun dispositif d'un "
        "thème signale un point à examiner, pas une absence de besoin.",
        "Les besoins rapprochés de chaque thème sont les indicateurs du portrait au dernier "
        "millésime disponible ; ils décrivent tout le territoire, pas le public de chaque "
        "dispositif.",
        f"Thématiques, publics et réseaux porteurs : codes du {lists.schema_label} "
        f"({lists.schema_url}), pour que l'inventaire puisse être échangé avec "
        "data·inclusion ; les thèmes CTG sont propres à ctgstats.",
    ]


def compute_chapter(context: ChapterContext) -> ChapterResult:
    """The validated inventory and its coverage of the territory's communes.

    Raises
    ------
    InventoryError
        A missing or invalid inventory file, every problem named with its line and column.
    """
    empty = pd.DataFrame(columns=FIGURE_COLUMNS)
    entry = context.params.dispositifs
    if entry is None:
        return ChapterResult(figures=empty)
    geography = Geography.of(context.territory, context.composition)
    inventory = read_inventory(resolve_path(entry), geography=geography)
    table = inventory.table()
    return ChapterResult(
        figures=empty,
        tables={
            INVENTORY_TABLE: table,
            COVERAGE_TABLE: coverage_table(table, geography.communes),
        },
        vigilance=cautions(),
    )
