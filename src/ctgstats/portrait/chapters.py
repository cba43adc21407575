"""Chapters of the portrait beyond demography and families: the plug-in contract.

A chapter (housing, employment and youth …) is a folder of modules under
``ctgstats/portrait/`` and one entry of the notebook catalogue
(:data:`ctgstats.core.notebooks.NOTEBOOKS`) whose ``chapter`` field names its
:class:`Chapter` (``"ctgstats.portrait.housing:CHAPTER"``). :func:`load_chapters` finds
them there; :mod:`ctgstats.portrait.build` calls each with a :class:`ChapterContext` and
stacks what they return with the rest of the portrait, so adding a chapter edits neither
the builder nor the runner.

What a chapter receives is already harmonised to the report's COG year and aggregated
over every territory (the census commune bases are all read by
:func:`ctgstats.portrait.build.load_census`: a chapter's census source only needs
``census=True`` in :mod:`ctgstats.data.sources`); other files (a published NEET share,
the social landlords' register …) it reads itself from ``catalog``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ctgstats.core.notebooks import chapter_specs
from ctgstats.core.params import Params
from ctgstats.core.territories import Composition, ResolvedTerritory
from ctgstats.data.catalog import Catalog
from ctgstats.portrait.model import Portrait

__all__ = ["Chapter", "ChapterContext", "ChapterResult", "load_chapters"]


@dataclass(frozen=True)
class ChapterContext:
    """Everything a chapter may compute from, for one portrait.

    Attributes
    ----------
    params
        The validated params of the run (``params.options`` holds the thresholds).
    territory, territories
        The territory, then the territory and its comparators (``territories[0]`` is the
        territory), in the COG year of the report.
    totals
        Census variables of every territory (index: territory id), summed over its
        communes after harmonisation; a territory whose composition is incomplete has
        NaN rows and a reason in ``notes``.
    communes
        Harmonised census variables of every commune (index: COG code).
    variances
        Sampling-variance terms of every territory (rule 4b), including the chapter's own
        (:attr:`Chapter.variance_terms`), or None.
    vintages
        Census vintages of the portrait, oldest first.
    notes
        Territory id → why its census figures are not available.
    composition, catalog, cog_year
        The geography of the report and the files found in the data folders.
    """

    params: Params
    territory: ResolvedTerritory
    territories: Sequence[ResolvedTerritory]
    totals: pd.DataFrame
    communes: pd.DataFrame
    variances: pd.DataFrame | None
    vintages: Sequence[int]
    notes: Mapping[str, str]
    composition: Composition
    catalog: Catalog
    cog_year: int

    @property
    def threshold(self) -> float:
        """Small-count threshold of the params (``options.small_count_threshold``)."""
        return float(self.params.options.small_count_threshold)


@dataclass(frozen=True)
class ChapterResult:
    """What a chapter adds to the portrait."""

    figures: pd.DataFrame
    """Rows with :data:`ctgstats.core.figures.FIGURE_COLUMNS` (every territory)."""
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    """Tables by file stem (``tables/<stem>.csv``); stems unique across chapters."""
    vigilance: Sequence[str] = ()
    """The chapter's points de vigilance (French sentences)."""


@dataclass(frozen=True)
class Chapter:
    """One chapter of the portrait.

    Attributes
    ----------
    id
        Short identifier (``"logement"``), the key of its cautions in
        :attr:`ctgstats.portrait.model.Portrait.chapter_vigilance`.
    compute
        ``compute(context) -> ChapterResult``: figures of every territory, tables and
        cautions. A missing source gives "non disponible" rows with the reason, never an
        exception; a source with missing columns raises an error naming the file and the
        columns.
    variance_terms
        ``variance_terms(communes, *, year, design) -> DataFrame`` of additive sampling
        variance terms per commune for the chapter's complementary-exploitation figures
        (:mod:`ctgstats.portrait.precision`), or None.
    findings
        ``findings(portrait) -> DataFrame`` with
        :data:`ctgstats.portrait.findings.FINDING_COLUMNS`, or None.
    """

    id: str
    compute: Callable[[ChapterContext], ChapterResult]
    variance_terms: Callable[..., pd.DataFrame] | None = None
    findings: Callable[[Portrait], pd.DataFrame] | None = None


def _load(reference: str) -> Any:
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


def load_chapters() -> tuple[Chapter, ...]:
    """The chapters named by the notebook catalogue, in reading order."""
    chapters = []
    for spec in chapter_specs():
        chapter = _load(str(spec.chapter))
        if not isinstance(chapter, Chapter):
            raise TypeError(f"{spec.name}: {spec.chapter} is not a Chapter")
        chapters.append(chapter)
    return tuple(chapters)
