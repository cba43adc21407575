"""Findings of the inventory chapter (theme « Dispositifs »): coverage gaps by theme."""

from __future__ import annotations

import pandas as pd

from ctgstats.portrait.dispositifs.chapter import COVERAGE_TABLE, INVENTORY_TABLE
from ctgstats.portrait.dispositifs.compute import theme_summary
from ctgstats.portrait.findings import FINDING_COLUMNS
from ctgstats.portrait.model import Portrait
from ctgstats.present.formatting import fr_int

__all__ = ["THEME", "dispositifs_findings"]

THEME = "Dispositifs"
"""Theme of the chapter's findings."""


def _communes(count: int) -> str:
    return f"{fr_int(count)} commune{'s' if count > 1 else ''}"


def dispositifs_findings(portrait: Portrait) -> pd.DataFrame:
    """At most three findings: the inventory's size, coverage gaps, themes without any."""
    dispositifs = portrait.tables.get(INVENTORY_TABLE)
    coverage = portrait.tables.get(COVERAGE_TABLE)
    if dispositifs is None or coverage is None:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    summary = theme_summary(dispositifs, coverage)
    present = summary[summary["nombre_dispositifs"] > 0]
    rows = [
        f"L'inventaire recense {fr_int(len(dispositifs))} dispositifs répartis sur "
        f"{fr_int(len(present))} thèmes de la CTG"
    ]
    gaps = present[present["communes_non_couvertes"].map(len) > 0]
    if len(gaps):
        parts = [
            f"{row.theme.lower()} ({_communes(len(row.communes_non_couvertes))} sur "
            f"{fr_int(row.communes)})"
            for row in gaps.itertuples()
        ]
        rows.append(
            "Des communes ne sont couvertes par aucun dispositif inventorié en " + ", ".join(parts)
        )
    absent = summary[summary["nombre_dispositifs"] == 0]
    if len(absent):
        rows.append(
            "Aucun dispositif n'est inventorié pour : "
            + ", ".join(t.lower() for t in absent["theme"])
        )
    return pd.DataFrame(
        [
            {"theme": THEME, "constat": text + ".", "indicateurs": "", "annee": "", "prudence": ""}
            for text in rows
        ],
        columns=FINDING_COLUMNS,
    )
