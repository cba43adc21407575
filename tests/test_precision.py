"""Precision of the census complementary exploitation (methodology rule 4b).

The expected variances are computed from explicit household-level pseudo-populations with
numpy (the textbook variance of a total under simple random sampling without replacement,
``M² (1 − f) / (f M) · S²`` per stratum with ``S²`` the population variance), not with the
closed forms of :mod:`ctgstats.portrait.precision`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ctgstats.core.codes import Level
from ctgstats.core.territories import ResolvedTerritory, aggregate
from ctgstats.portrait import families as fam
from ctgstats.portrait import precision
from ctgstats.portrait.build import commune_variances


def _srs_total_variance(values: np.ndarray, fraction: float) -> float:
    """Var of the expansion estimator of Σ values, SRS of households at ``fraction``."""
    m = len(values)
    return m * m * (1 - fraction) / (fraction * m) * values.var()


def _communes() -> pd.DataFrame:
    """Two communes: a small one (f = 1/4) and a large one (f = 40 %)."""
    return pd.DataFrame(
        {
            "P22_POP": [900.0, 12_000.0],
            "C22_MEN": [400.0, 5000.0],
            "C22_MENPSEUL": [120.0, 2100.0],
            "C22_MENCOUPAENF": [100.0, 1100.0],
            "C22_MENFAMMONO": [40.0, 600.0],
            "C22_FAM": [250.0, 2900.0],
            "C22_COUPAENF": [100.0, 1100.0],
            "C22_FAMMONO": [40.0, 600.0],
            "C22_COUPSENF": [110.0, 1200.0],
        },
        index=pd.Index(["99001", "99002"], name="CODGEO"),
    )


def test_design_factor_by_commune_size() -> None:
    g = precision.design_factor(pd.Series([9_999.0, 10_000.0, float("nan")]))
    # (1 − 1/4)/(1/4), (1 − 0.4)/0.4, unknown = small
    assert list(g) == pytest.approx([3.0, 1.5, 3.0])


def test_stratified_count_variance_matches_household_level() -> None:
    communes = _communes()
    terms = commune_variances(communes)
    # single-parent families: households holding one (1 per household), by commune
    expected = 0.0
    for code, fraction in (("99001", 0.25), ("99002", 0.40)):
        m = int(communes.at[code, "C22_MEN"])
        n = int(communes.at[code, "C22_FAMMONO"])
        expected += _srs_total_variance(np.r_[np.ones(n), np.zeros(m - n)], fraction)
    assert terms["familles_monoparentales@2022"].sum() == pytest.approx(expected, rel=1e-12)


def test_stratified_share_variance_matches_linearisation() -> None:
    """Share of single parents among families with children, R differing by commune."""
    communes = _communes()
    territory = ResolvedTerritory(
        level=Level.GROUPE, code="g", name="Groupe", communes=("99001", "99002"), cog_year=2025
    )
    totals, _ = aggregate(communes, [territory])
    variances, _ = aggregate(commune_variances(communes), [territory])
    figures = fam.households_and_families(totals, year=2022, variances=variances)
    row = figures[figures["indicateur"] == "part_familles_monoparentales"].iloc[0]
    y = communes["C22_FAMMONO"].sum()
    d = communes["C22_COUPAENF"].sum() + y
    r = y / d
    # linearised variable z = 1{single parent} − R·1{family with children}, per household
    expected = 0.0
    for code, fraction in (("99001", 0.25), ("99002", 0.40)):
        m = int(communes.at[code, "C22_MEN"])
        mono = int(communes.at[code, "C22_FAMMONO"])
        couples = int(communes.at[code, "C22_COUPAENF"])
        z = np.r_[np.full(mono, 1 - r), np.full(couples, -r), np.zeros(m - mono - couples)]
        expected += _srs_total_variance(z, fraction)
    half = 1.959964 * 100 * math.sqrt(expected) / d
    assert row["valeur"] == pytest.approx(100 * r)
    assert row["ic_haut"] - row["valeur"] == pytest.approx(half, rel=1e-6)
    assert row["valeur"] - row["ic_bas"] == pytest.approx(half, rel=1e-6)
    # households with children: a count whose universe is the households
    count = figures[figures["indicateur"] == "menages_avec_enfants"].iloc[0]
    assert count["valeur"] == 100 + 40 + 1100 + 600
    # calibrated household count: no interval
    households = figures[figures["indicateur"] == "menages"].iloc[0]
    assert math.isnan(households["ic_bas"]) and math.isnan(households["ic_haut"])


def test_relative_change_delta_method() -> None:
    # v0 = 200 (V 400), v1 = 150 (V 300): Var(v1/v0) = 0.75² (300/150² + 400/200²)
    variance = precision.ratio_change_variance(200.0, 150.0, 400.0, 300.0)
    assert variance == pytest.approx(0.5625 * (300 / 22500 + 400 / 40000))
    assert math.isnan(precision.ratio_change_variance(0.0, 150.0, 1.0, 1.0))


def test_interval_bounds_and_missing() -> None:
    assert precision.interval(10.0, 4.0) == pytest.approx((10 - 2 * 1.959964, 10 + 2 * 1.959964))
    assert precision.interval(1.0, 4.0, bounds=(0.0, 100.0))[0] == 0.0
    assert precision.interval(None, 4.0) is None
    assert precision.interval(1.0, float("nan")) is None


def test_method_appendix_states_formula_and_source() -> None:
    from ctgstats.portrait.views import precision_method

    text = precision_method().data
    assert "(1 − f)/f × N × (1 − N/M)" in text
    assert "1,96" in text and "Dumais" in text and "f = 1/4" in text
