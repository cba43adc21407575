"""Pure computations of the services chapter, on plain frames (tested on hand-made ones).

* counts of each key service by commune (the BPE codes of the vintage summed);
* presence, density per 10 000 inhabitants, share of the population living in a commune
  without the service (Σ population of those communes / Σ population, never an average
  of commune shares);
* straight-line ("à vol d'oiseau") distance from each commune's reference point to the
  nearest equipment of a service, with a k-d tree on Lambert-93 metres
  (:class:`scipy.spatial.cKDTree`): no road network is used.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

__all__ = [
    "density",
    "nearest_distances",
    "presence",
    "service_counts",
    "share_without",
    "weighted_mean",
]


def service_counts(
    counts: pd.DataFrame, codes: Mapping[str, Sequence[str]], *, communes: Iterable[str]
) -> pd.DataFrame:
    """Number of equipments of each service in each commune.

    Parameters
    ----------
    counts
        One vintage of :func:`ctgstats.portrait.services.read.read_counts`: columns
        ``code``, ``typequ``, ``nombre``.
    codes
        Service id → its BPE codes in that vintage (an empty tuple: the service is not
        in the vintage's nomenclature; its column is then NaN, never 0).
    communes
        Commune codes of the result's rows: a commune absent from the file has no
        equipment (the BPE lists the equipments that exist) and gets 0.

    Returns
    -------
    pandas.DataFrame
        Index: commune codes; one float column per service.
    """
    index = pd.Index(list(dict.fromkeys(str(c) for c in communes)), name="code")
    table = pd.DataFrame(index=index)
    for service, wanted in codes.items():
        if not wanted:
            table[service] = np.nan
            continue
        rows = counts[counts["typequ"].isin(list(wanted))]
        sums = rows.groupby("code")["nombre"].sum()
        table[service] = sums.reindex(index).fillna(0.0).astype("float64")
    return table


def presence(counts: pd.Series) -> pd.Series:
    """True where a commune has at least one equipment (NaN stays NaN: unknown)."""
    result = counts.map(lambda v: v > 0 if not pd.isna(v) else np.nan)
    return result.astype("object")


def density(count: float, population: float) -> float:
    """Equipments per 10 000 inhabitants; NaN when either is unknown or population ≤ 0."""
    if pd.isna(count) or pd.isna(population) or population <= 0:
        return math.nan
    return 10_000.0 * float(count) / float(population)


def share_without(counts: pd.Series, population: pd.Series) -> float:
    """Share (%) of the population living in a commune with no equipment of the service.

    Both series are indexed by commune; the communes are those of ``population``. NaN
    when a commune's count or population is unknown, or the total population is 0.
    """
    counts = counts.reindex(population.index)
    if counts.isna().any() or population.isna().any():
        return math.nan
    total = float(population.sum())
    if total <= 0:
        return math.nan
    return 100.0 * float(population[counts <= 0].sum()) / total


def nearest_distances(communes: pd.DataFrame, equipment: pd.DataFrame) -> pd.Series:
    """Straight-line distance (metres) from each commune point to the nearest equipment.

    Parameters
    ----------
    communes
        Columns ``code``, ``x``, ``y`` (a projected system in metres, Lambert 93).
    equipment
        Columns ``x``, ``y`` in the same system (any other column is ignored).

    Returns
    -------
    pandas.Series
        Indexed by commune code: the Euclidean distance to the nearest equipment point;
        NaN for every commune when there is no equipment point.
    """
    index = pd.Index([str(c) for c in communes["code"]], name="code")
    if equipment.empty or communes.empty:
        return pd.Series(np.nan, index=index, dtype="float64")
    tree = cKDTree(equipment[["x", "y"]].to_numpy(dtype=float))
    distances, _ = tree.query(communes[["x", "y"]].to_numpy(dtype=float), k=1)
    return pd.Series(np.asarray(distances, dtype=float), index=index)


def weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    """Σ values × weights / Σ weights over the index of ``weights``; NaN if any is unknown."""
    values = values.reindex(weights.index)
    if values.isna().any() or weights.isna().any() or float(weights.sum()) <= 0:
        return math.nan
    return float((values * weights).sum() / weights.sum())
