"""Fictional demo territory: the Val-d'Exemple (département ``00``).

Every file under :data:`DATA_DIR` is FICTIONAL. The files copy the exact formats of
INSEE's distributions (census bases communales, Filosofi, COG) so that the whole pipeline
can be run and tested without real data, but no number in them describes a real place.
They are produced by :mod:`ctgstats.demo.generate` with a fixed seed and committed; the
test suite regenerates them and checks that they are byte-identical.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

__all__ = ["DATA_DIR"]
