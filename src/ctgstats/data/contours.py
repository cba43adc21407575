"""Commune contours (IGN Admin Express COG or any GeoJSON / shapefile of communes).

Placeholder of the contract other layers rely on; the reader, the harmonisation to the
report's COG year and the EPCI outlines fill it in.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ctgstats.data.catalog import Catalog

__all__ = ["commune_points"]


def commune_points(
    catalog: Catalog, *, cog_year: int, communes: Sequence[str]
) -> pd.DataFrame | None:
    """Return a Lambert-93 reference point of each commune, or None without contours.

    Parameters
    ----------
    catalog
        Files found in the data folders.
    cog_year
        COG year of the report: merged communes are dissolved first.
    communes
        COG codes (strings) of the communes wanted.

    Returns
    -------
    pandas.DataFrame or None
        Columns ``code`` (str), ``x``, ``y`` (metres, EPSG:2154), one row per commune
        found, a point inside its polygon; None when no contours file is available.
    """
    del catalog, cog_year, communes
    return None
