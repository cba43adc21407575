"""Chapter « Pauvreté, prestations CAF et petite enfance »: for now, poverty (Filosofi).

The CAF benefits and early-childhood sections will be added to this folder (their own
modules, figures and views) when their files are read.
"""

from __future__ import annotations

from ctgstats.portrait.chapters import Chapter
from ctgstats.portrait.poverty import sections

__all__ = ["CHAPTER"]

CHAPTER = Chapter(id="pauvrete", compute=sections.compute, findings=sections.findings)
