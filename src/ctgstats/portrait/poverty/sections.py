"""The chapter's sections put together: poverty (Filosofi), CAF benefits, early childhood."""

from __future__ import annotations

import pandas as pd

from ctgstats.portrait.chapters import ChapterContext, ChapterResult
from ctgstats.portrait.model import Portrait
from ctgstats.portrait.poverty import (
    caf_chapter,
    caf_findings,
    chapter,
    childcare_chapter,
    childcare_findings,
)
from ctgstats.portrait.poverty import findings as poverty_findings

__all__ = ["compute", "findings"]


def compute(context: ChapterContext) -> ChapterResult:
    """Poverty figures, then the CAF benefits and early-childhood sections appended."""
    return childcare_chapter.extend(caf_chapter.extend(chapter.compute(context), context), context)


def findings(portrait: Portrait) -> pd.DataFrame:
    """Poverty findings, then the CAF benefits and early-childhood ones."""
    parts = [
        poverty_findings.findings(portrait),
        caf_findings.findings(portrait),
        childcare_findings.findings(portrait),
    ]
    return pd.concat([p for p in parts if not p.empty] or parts[:1], ignore_index=True)
