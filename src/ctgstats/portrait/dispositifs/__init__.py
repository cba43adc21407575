"""Inventory of the territory's dispositifs (« tableau synthétique des dispositifs »).

Modules: :mod:`.codes` (data·inclusion's code lists and the CTG themes), :mod:`.read`
(the strict reader of an inventory CSV or XLSX), :mod:`.template` (the blank template),
:mod:`.compute` (coverage by theme, needs × dispositifs), :mod:`.chapter` (the plug-in),
:mod:`.findings` (constats),
:mod:`.views` (what ``10_dispositifs.ipynb`` displays).
"""

from __future__ import annotations

from ctgstats.portrait.chapters import Chapter
from ctgstats.portrait.dispositifs.chapter import compute_chapter
from ctgstats.portrait.dispositifs.findings import dispositifs_findings

CHAPTER = Chapter(id="dispositifs", compute=compute_chapter, findings=dispositifs_findings)

__all__ = ["CHAPTER"]
