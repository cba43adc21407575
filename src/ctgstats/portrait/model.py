"""The portrait of one territory, as computed by :mod:`ctgstats.portrait.build`.

A plain value object: the figures, tables, findings and cautions that the notebooks
display and the runner writes. It imports no computation, so the modules that compute a
part of it (findings) and the module that assembles it (build) both depend on it, never on
each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ctgstats.core.params import Params
from ctgstats.core.territories import HarmonisationRecord, ResolvedTerritory
from ctgstats.data.catalog import FileUse

KEY_FIGURE_COLUMNS = [
    "indicateur",
    "niveau",
    "code",
    "annee",
    "valeur",
    "unite",
    "source",
    "ic_bas",
    "ic_haut",
    "note",
]
"""Columns of ``tables/chiffres_cles.csv``: the seven historical columns in their order,
then the approximate 95 % interval (empty where none applies) and the caution of the row."""
FICTIONAL_NOTICE = (
    "Données fictives : ce rapport porte sur un territoire de démonstration "
    "inventé. Aucun chiffre ne décrit un territoire réel."
)


@dataclass
class Portrait:
    """Everything the notebooks display and the runner writes for one territory."""

    params: Params
    territory: ResolvedTerritory
    comparators: list[ResolvedTerritory]
    cog_year: int
    vintages: list[int]
    filosofi_year: int | None
    figures: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    vigilance: list[str]
    harmonisation: list[HarmonisationRecord]
    files: list[FileUse]
    fictional: bool
    composition_source: str
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    census_totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    census_communes: pd.DataFrame = field(default_factory=pd.DataFrame)
    source_titles: dict[str, str] = field(default_factory=dict)
    """File name → French title of its source (readers see titles, never file names)."""
    chapter_vigilance: dict[str, list[str]] = field(default_factory=dict)
    """Points de vigilance of each catalogue chapter (:mod:`ctgstats.portrait.chapters`)."""
    content_key: str = ""
    """Memo key of the portrait's inputs (params, files, code), set by ``build_portrait``;
    results derived from the portrait (the survey analyses) are memoised with it."""

    @property
    def territories(self) -> list[ResolvedTerritory]:
        """The territory then its comparators."""
        return [self.territory, *self.comparators]

    @property
    def labels(self) -> dict[str, str]:
        """Territory id → French label, territory first."""
        return {t.id: t.label for t in self.territories}

    def source_title(self, file_name: str) -> str:
        """French title of the source of a file read (the file name if unknown)."""
        return self.source_titles.get(file_name, file_name)

    @property
    def all_vigilance(self) -> list[str]:
        """The portrait's points de vigilance, then each chapter's (catalogue order)."""
        points = list(self.vigilance)
        for chapter_points in self.chapter_vigilance.values():
            points.extend(p for p in chapter_points if p not in points)
        return points

    @property
    def first_year(self) -> int:
        return self.vintages[0]

    @property
    def last_year(self) -> int:
        return self.vintages[-1]

    def value(self, indicateur: str, annee: str | int, territoire: str | None = None) -> float:
        """One figure's value (NaN when not available)."""
        territoire = territoire or self.territory.id
        rows = self.figures[
            (self.figures["indicateur"] == indicateur)
            & (self.figures["annee"] == str(annee))
            & (self.figures["territoire"] == territoire)
        ]
        return float(rows["valeur"].iloc[0]) if len(rows) else float("nan")

    def key_figures(self) -> pd.DataFrame:
        """``tables/chiffres_cles.csv``: one row per figure, the exact public columns.

        ``note`` holds the caution of an available figure (small count, change not
        significant, vintages too close …); for a figure not available the reason is in
        ``source`` ("non disponible : …") and ``note`` is empty.
        """
        levels = {t.id: (t.level.value, t.code) for t in self.territories}
        frame = self.figures.copy()
        frame["niveau"] = frame["territoire"].map(lambda t: levels[t][0])
        frame["code"] = frame["territoire"].map(lambda t: levels[t][1])
        unavailable = ~frame["disponible"]
        reasons = (
            frame.loc[unavailable, "note"]
            .astype(str)
            .str.replace(r"^non disponible\s*:\s*", "", regex=True)
        )
        frame.loc[unavailable, "source"] = (
            "non disponible : "
            + reasons
            + " ("
            + frame.loc[unavailable, "source"].astype(str)
            + ")"
        )
        frame.loc[unavailable, "valeur"] = np.nan
        frame.loc[unavailable, ["ic_bas", "ic_haut"]] = np.nan
        frame["note"] = frame["note"].where(~unavailable, "").fillna("").astype(str)
        return frame[KEY_FIGURE_COLUMNS].reset_index(drop=True)
