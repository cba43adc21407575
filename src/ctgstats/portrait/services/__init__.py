"""Services (offre de services) chapter: INSEE's base permanente des équipements (BPE).

Modules: :mod:`.read` (the BPE files and the catalogue ``services.yaml``, codes per
vintage), :mod:`.compute` (pure figures: presence, density, share of the population
without, straight-line distances with a k-d tree), :mod:`.chapter` (the plug-in),
:mod:`.findings`, :mod:`.charts`, :mod:`.views` (what ``08_offre_services.ipynb``
displays); registry entries in ``indicateurs.yaml`` (methodology rule 22).
"""

from __future__ import annotations

from ctgstats.portrait.chapters import Chapter
from ctgstats.portrait.services.chapter import CHAPTER_ID, compute_chapter
from ctgstats.portrait.services.findings import chapter_findings

CHAPTER = Chapter(id=CHAPTER_ID, compute=compute_chapter, findings=chapter_findings)

__all__ = ["CHAPTER"]
