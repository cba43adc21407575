"""The chapter's sections put together: poverty (Filosofi), then early childhood (Cnaf)."""

from __future__ import annotations

import pandas as pd

from ctgstats.portrait.chapters import ChapterContext, ChapterResult
from ctgstats.portrait.model import Portrait
from ctgstats.portrait.poverty import chapter, childcare_chapter, childcare_findings
from ctgstats.portrait.poverty import findings as poverty_findings

__all__ = ["compute", "findings"]


def compute(context: ChapterContext) -> ChapterResult:
    """Poverty figures, then the early-childhood section appended."""
    return childcare_chapter.extend(chapter.compute(context), context)


def findings(portrait: Portrait) -> pd.DataFrame:
    """Poverty findings, then the early-childhood ones."""
    parts = [poverty_findings.findings(portrait), childcare_findings.findings(portrait)]
    return pd.concat([p for p in parts if not p.empty] or parts[:1], ignore_index=True)
