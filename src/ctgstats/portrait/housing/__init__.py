"""Housing (logement) chapter of the portrait: ``base-cc-logement`` of the census (rule 18).

Modules: :mod:`.compute` (pure figures), :mod:`.chapter` (the plug-in: figures of every
territory, commune table, cautions), :mod:`.findings` (sentences and synthesis),
:mod:`.views` (what ``05_logement.ipynb`` displays); registry entries in
``indicateurs.yaml``.
"""

from __future__ import annotations

from ctgstats.portrait.chapters import Chapter
from ctgstats.portrait.housing.chapter import compute_chapter
from ctgstats.portrait.housing.compute import variance_terms
from ctgstats.portrait.housing.findings import housing_findings

CHAPTER = Chapter(
    id="logement", compute=compute_chapter, variance_terms=variance_terms, findings=housing_findings
)

__all__ = ["CHAPTER"]
