"""Maps chapter (« Cartes : besoins et offre de services »): static maps from commune contours.

Modules: :mod:`.chapter` (the plug-in: the data of every map and the simplified contours,
``tables/carte_<id>.csv`` and ``tables/contours.csv``), :mod:`.views` (what
``09_cartes.ipynb`` displays). Contours: :mod:`ctgstats.data.contours`; drawing:
:mod:`ctgstats.present.maps`.
"""

from __future__ import annotations

from ctgstats.portrait.chapters import Chapter
from ctgstats.portrait.maps.chapter import compute_chapter

CHAPTER = Chapter(id="cartes", compute=compute_chapter)

__all__ = ["CHAPTER"]
