"""Approximate precision of census complementary-exploitation figures (methodology rule 4b).

Households and families are ``C`` variables: the complementary exploitation of the census
processes a sample of the questionnaires — about one household in four in communes under
10,000 inhabitants (:data:`SMALL_COMMUNE_FRACTION`), and in larger communes the dwellings
surveyed over five years, 40 % of the stock (:data:`LARGE_COMMUNE_FRACTION`). Each commune
is sampled separately, so the communes are strata and their variances add up.

Formulas (simple random sampling of households within each commune, sampling fraction
``f_c``, design factor ``g_c = (1 − f_c) / f_c``; ``M_c`` the households of the commune):

- a **count** ``N = Σ N_c`` of households (or families, one family per household at
  most, approximately)::

      V(N) ≈ Σ_c g_c · N_c · (1 − N_c / M_c)          [= M_c p_c (1 − p_c) g_c]

- a **share** ``R = Y / D`` (``Y`` a subset of ``D``, both ``C``), linearised::

      V(R) ≈ (1 / D²) · Σ_c g_c · [D_c q_c (1 − q_c) + D_c (1 − D_c / M_c) (q_c − R)²]

  with ``q_c = Y_c / D_c``; expanded in sums that add over communes
  (:func:`share_terms`) so that any territory's variance is the sum of its communes';
- a **difference** between two vintages (independent samples when the vintages are at
  least the comparable gap apart, rule 1): ``V(N₁ − N₀) = V(N₁) + V(N₀)``; a relative
  change ``N₁/N₀ − 1`` by the delta method: ``(N₁/N₀)² · (V₁/N₁² + V₀/N₀²)``.

The 95 % interval is ``value ± 1.96 √V`` (normal approximation). The household count
itself (``C_MEN``) and the household population (``C_PMEN``) are calibrated on the
exhaustive principal exploitation and get no interval.

Sources: Insee, *Recensement de la population : la précision des résultats du
recensement* (fiche méthodologique; sampling of one household in four for the
complementary exploitation of communes under 10,000 inhabitants, 40 % of dwellings over a
five-year cycle in larger ones, 95 % intervals ``± 2 CV``); J. Dumais, P. Bertrand,
B. Kauffmann, *Sondage, estimation et précision dans la rénovation du recensement de la
population*, Journal de la Société française de statistique 140(4), 1999, p. 11-35 (the
variance of counts under this design). The formulas above are the textbook simple random
sampling variance per stratum (without replacement, fraction ``f``) and its linearisation
for a ratio: approximations that ignore calibration and the clustering of people in
dwellings. They give the order of magnitude of the sampling error, which is what a reader
needs to tell a change from noise.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = [
    "METHOD_TEXT",
    "LARGE_COMMUNE_FRACTION",
    "LARGE_COMMUNE_POPULATION",
    "SINGLE_STRATUM_DESIGN",
    "SMALL_COMMUNE_FRACTION",
    "Z95",
    "change_interval",
    "count_terms",
    "design_factor",
    "interval",
    "ratio_change_variance",
    "share_terms",
    "share_variance",
]

SMALL_COMMUNE_FRACTION = 0.25
"""Sampling fraction of the complementary exploitation in communes under 10,000 inhabitants."""

LARGE_COMMUNE_FRACTION = 0.40
"""Share of dwellings surveyed over five years in communes of 10,000 inhabitants or more."""

LARGE_COMMUNE_POPULATION = 10_000
"""Population from which a commune is surveyed by annual samples."""

SINGLE_STRATUM_DESIGN = (1 - SMALL_COMMUNE_FRACTION) / SMALL_COMMUNE_FRACTION
"""Design factor used when no commune rows are known: one stratum sampled at 1/4 (the
larger of the two factors, so the interval errs on the wide side)."""

Z95 = 1.959963984540054
"""Normal quantile of a two-sided 95 % interval."""


METHOD_TEXT: tuple[str, ...] = (
    "Les ménages et les familles proviennent de l'exploitation complémentaire du "
    "recensement : un échantillon d'environ un ménage sur quatre dans les communes de moins "
    "de 10 000 habitants (taux de sondage f = 1/4) et des logements enquêtés en cinq ans, "
    "40 % du parc, dans les communes plus grandes (f = 0,4). Chaque commune est tirée "
    "séparément : les variances des communes s'additionnent.",
    "Effectif N (sur M ménages de la commune) : variance ≈ Σ (1 − f)/f × N × (1 − N/M), "
    "sommée sur les communes. Part R = Y/D : variance ≈ Σ (1 − f)/f × [D q (1 − q) + "
    "D (1 − D/M) (q − R)²] / D², avec q = Y/D dans la commune (linéarisation d'un ratio). "
    "Évolution entre deux millésimes (échantillons indépendants) : somme des deux "
    "variances ; évolution relative par la méthode delta.",
    "Intervalle de confiance à 95 % : valeur ± 1,96 × √variance. Une évolution dont "
    "l'intervalle contient zéro est dite « non significative au regard de la précision du "
    "recensement ». Le nombre de ménages et la population des ménages, calés sur "
    "l'exploitation principale (exhaustive), n'ont pas d'intervalle.",
    "Ce sont des approximations (sondage aléatoire simple des ménages dans chaque "
    "commune, sans effet du calage ni de la grappe des logements) : elles donnent l'ordre "
    "de grandeur de l'erreur d'échantillonnage. Sources : Insee, « La précision des "
    "résultats du recensement de la population » (fiche méthodologique) ; J. Dumais, "
    "P. Bertrand, B. Kauffmann, « Sondage, estimation et précision dans la rénovation du "
    "recensement de la population », Journal de la Société française de statistique, "
    "140 (4), 1999.",
)
"""The methodology appendix on precision, in French (read in every families report)."""


def design_factor(population: pd.Series) -> pd.Series:
    """``(1 − f) / f`` per commune from its population (1/4 below 10,000, else 40 %).

    A commune whose population is unknown is treated as a small one (the wider interval).
    """
    large = pd.to_numeric(population, errors="coerce") >= LARGE_COMMUNE_POPULATION
    small_g = (1 - SMALL_COMMUNE_FRACTION) / SMALL_COMMUNE_FRACTION
    large_g = (1 - LARGE_COMMUNE_FRACTION) / LARGE_COMMUNE_FRACTION
    return pd.Series(np.where(large, large_g, small_g), index=population.index, dtype="float64")


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """``numerator / denominator`` clipped to [0, 1], 0 where the denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = numerator / denominator
    share = share.where(denominator > 0, 0.0).where(numerator.notna() & denominator.notna())
    return share.clip(lower=0.0, upper=1.0)


def count_terms(count: pd.Series, universe: pd.Series, design: pd.Series) -> pd.Series:
    """Variance contribution of each stratum to a count: ``g · N · (1 − N / M)``."""
    return design * count.clip(lower=0.0) * (1.0 - _ratio(count, universe))


def share_terms(
    numerator: pd.Series, denominator: pd.Series, universe: pd.Series, design: pd.Series
) -> pd.DataFrame:
    """Additive terms ``T, S0, S1, S2`` of the variance of a share (see the module doc).

    ``T = Σ g D q(1−q)``, ``S_k = Σ a q^k`` with ``a = g D (1 − D/M)``.
    """
    q = _ratio(numerator, denominator)
    d = denominator.clip(lower=0.0)
    a = design * d * (1.0 - _ratio(denominator, universe))
    return pd.DataFrame(
        {"T": design * d * q * (1.0 - q), "S0": a, "S1": a * q, "S2": a * q * q},
        index=numerator.index,
    )


def share_variance(terms: dict[str, float], *, numerator: float, denominator: float) -> float:
    """Variance of ``numerator / denominator`` (a fraction, not %) from summed terms."""
    if not denominator > 0:
        return math.nan
    r = numerator / denominator
    total = terms["T"] + terms["S2"] - 2.0 * r * terms["S1"] + r * r * terms["S0"]
    return max(total, 0.0) / (denominator * denominator)


def ratio_change_variance(v0: float, v1: float, var0: float, var1: float) -> float:
    """Variance of ``v1 / v0 − 1`` by the delta method (fraction, not %)."""
    if not (v0 > 0 and v1 > 0):
        return math.nan
    return (v1 / v0) ** 2 * (var1 / v1**2 + var0 / v0**2)


def interval(
    value: float | None,
    variance: float,
    *,
    scale: float = 1.0,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> tuple[float, float] | None:
    """``value ± 1.96 · scale · √variance`` clipped to ``bounds``; None when undefined."""
    if value is None or math.isnan(value) or variance is None or math.isnan(variance):
        return None
    half = Z95 * scale * math.sqrt(max(variance, 0.0))
    return max(value - half, bounds[0]), min(value + half, bounds[1])


def change_interval(
    change: float | None, variance_start: float, variance_end: float, *, scale: float = 1.0
) -> tuple[float, float] | None:
    """Interval of a difference of two independent estimates."""
    return interval(change, variance_start + variance_end, scale=scale)
