"""FICTIONAL geography of the demo département: one reference point per commune.

The demo communes (:data:`ctgstats.demo.generate.COMMUNES`, old geography) get a fixed
reference point (their *chef-lieu*) in Lambert 93 (EPSG:2154, metres). The fictional
département is placed in the Atlantic Ocean west of Brittany (x < 0), where no real
French commune lies, so a demo map can never be mistaken for, or overlap, a real one.

Each EPCI is a cluster laid out on a Vogel (sunflower) spiral around its centre; the two
communes merged on 1 January 2019 (``00012`` Vallon-Haut and ``00013`` Vallon-Bas) are
placed side by side. The layout is computed from fixed numbers only (no random draw), so
every writer of demo files (contours, geolocated equipment) agrees on it.
"""

from __future__ import annotations

import math

from ctgstats.demo.generate import COMMUNES

__all__ = ["EPCI_CENTRES", "SPACING", "chef_lieu_points"]

EPCI_CENTRES: dict[str, tuple[float, float]] = {
    "000000101": (-165_000.0, 6_785_000.0),  # mountain, 17 communes
    "000000102": (-128_000.0, 6_768_000.0),  # the town and its ring
    "000000103": (-162_000.0, 6_742_000.0),  # hills
    "000000104": (-124_000.0, 6_728_000.0),  # valley
}
SPACING = 3_200.0  # metres: Vogel spiral constant (about 5,7 km between neighbours)
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
PAIRED = ("00013", "00012", 2_600.0)  # commune placed east of its partner, distance


def chef_lieu_points() -> dict[str, tuple[float, float]]:
    """Reference point of every demo commune (old geography), in Lambert 93 metres.

    Returns
    -------
    dict
        Commune code → ``(x, y)``, rounded to the metre, in the order of ``COMMUNES``.
    """
    points: dict[str, tuple[float, float]] = {}
    rank: dict[str, int] = {}
    for commune in COMMUNES:
        if commune.code == PAIRED[0]:
            continue
        i = rank.get(commune.epci, 0)
        rank[commune.epci] = i + 1
        cx, cy = EPCI_CENTRES[commune.epci]
        radius, angle = SPACING * math.sqrt(i), i * GOLDEN_ANGLE
        points[commune.code] = (
            round(cx + radius * math.cos(angle)),
            round(cy + radius * math.sin(angle)),
        )
    px, py = points[PAIRED[1]]
    points[PAIRED[0]] = (px + PAIRED[2], py)
    return {c.code: points[c.code] for c in COMMUNES}
