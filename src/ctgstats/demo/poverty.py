"""Fictional Filosofi poverty files of the demo département (``FILOyyyy_DISP_Pauvres_*``).

The rates are computed from the *same* simulated fiscal households as the demo's
``FILOyyyy_DISP_*`` files (:func:`ctgstats.demo.generate.income_units`): a person is poor
when the niveau de vie of their household is under 60 % of the published median ``Q2``
of the fictional France métropolitaine (``FILOyyyy_DISP_METROPOLE.csv``). Each household
also gets an age class of its fiscal referent and a tenure (owner or tenant), drawn from a
stream of its own (section :data:`_POVERTY`, so the other demo files are unchanged), the
poorer households being younger and more often tenants.

Published like INSEE (layout in :mod:`ctgstats.portrait.poverty.compute`): BOM, CRLF,
``;``, decimal comma, one decimal; rates under 5 % published as 5,0 (the floor); communes
of fewer than 1 000 fiscal households get blank cells (secret), those of fewer than 50 no
row; a breakdown over fewer than 100 households is blank too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ctgstats.data.variables import yy as two_digits
from ctgstats.demo.generate import (
    DEP_CODE,
    DEP_NAME,
    EPCIS,
    FILOSOFI_YEARS,
    FRANCE_CODE,
    FRANCE_NAME,
    CommuneData,
    Households,
    csv_bytes,
    fmt_comma,
    france_households,
    income_statistics,
    income_units,
)

__all__ = ["POVERTY_FIELDS", "poverty_statistics", "write"]

_POVERTY = 7  # random-stream section of this module (generate.py uses 1 to 6)
POVERTY_FIELDS = (
    "TP60",
    *(f"TP60AGE{i}" for i in range(1, 7)),
    "TP60TOL1",
    "TP60TOL2",
    "TP60IP",
)
AGE_SHARES = np.array([0.07, 0.13, 0.16, 0.18, 0.27, 0.19])  # ageing rural territory
AGE_EFFECT = np.array([-0.7, -0.25, 0.0, 0.1, 0.3, 0.15])  # poorer → younger referent
FLOOR, MIN_HOUSEHOLDS, MIN_GROUP = 5.0, 1000, 100


def attributes(rng: np.random.Generator, households: Households, median: float) -> np.ndarray:
    """Age class (0–5) of the referent and tenure (0 owner, 1 tenant), one row per household."""
    z = (np.log(households.income) - np.log(median)) / 0.5
    logits = np.log(AGE_SHARES)[None, :] + AGE_EFFECT[None, :] * z[:, None]
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    draws = rng.random(z.size)
    age = np.minimum((probs.cumsum(axis=1) < draws[:, None]).sum(axis=1), 5)
    tenant = rng.random(z.size) < 1.0 / (1.0 + np.exp(0.7 + 1.1 * z))
    return np.column_stack([age, tenant.astype(int)])


def poverty_statistics(
    households: Households, traits: np.ndarray, threshold: float
) -> dict[str, float | None]:
    """Rates (%) of persons under ``threshold`` and the intensity; None for too few households."""
    weights = households.persons * households.weight
    poor = households.income < threshold

    def rate(mask: np.ndarray) -> float | None:
        if households.weight[mask].sum() < MIN_GROUP:
            return None
        return float(100.0 * weights[mask & poor].sum() / weights[mask].sum())

    everyone = np.ones(households.income.size, dtype=bool)
    stats: dict[str, float | None] = {"TP60": rate(everyone)}
    for i in range(6):
        stats[f"TP60AGE{i + 1}"] = rate(traits[:, 0] == i)
    stats["TP60TOL1"] = rate(traits[:, 1] == 0)
    stats["TP60TOL2"] = rate(traits[:, 1] == 1)
    if poor.any():
        order = np.argsort(households.income[poor], kind="stable")
        income, w = households.income[poor][order], weights[poor][order]
        median_poor = float(income[np.searchsorted(np.cumsum(w), 0.5 * w.sum())])
        stats["TP60IP"] = 100.0 * (threshold - median_poor) / threshold
    else:
        stats["TP60IP"] = None
    return stats


def _cell(field: str, value: float | None) -> str:
    if value is None:
        return ""
    if field != "TP60IP":
        value = max(value, FLOOR)  # INSEE publishes rates under 5 % as 5
    return fmt_comma(round(value, 1), 1)


def _file(
    rows: Sequence[tuple[str, str, dict[str, float | None], int]], year: int, *, secrecy: bool
) -> bytes:
    yy = two_digits(year)
    lines = [["CODGEO", "LIBGEO", *(f + yy for f in POVERTY_FIELDS)]]
    for code, name, stats, households in rows:
        if secrecy and households < 50:
            continue
        hidden = secrecy and households < MIN_HOUSEHOLDS
        lines.append([code, name, *("" if hidden else _cell(f, stats[f]) for f in POVERTY_FIELDS)])
    return csv_bytes(lines, newline="\r\n", bom=True)


def write(out: Path, seed: int, data: Sequence[CommuneData]) -> list[Path]:
    """Write ``FILO{2016,2019}_DISP_Pauvres_{COM,EPCI,DEP,METROPOLE}.csv``."""
    folder = out / "insee" / "filosofi"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for year in FILOSOFI_YEARS:
        units = income_units(seed, data, year)
        department = Households.concat([u.households for u in units])
        france = france_households(seed, year, department)
        median = float(income_statistics(france, year)["Q2"])
        threshold = 0.6 * median
        traits = {
            u.code: attributes(
                np.random.default_rng([seed, _POVERTY, year * 1000 + i]), u.households, median
            )
            for i, u in enumerate(units)
        }
        n_dep = department.income.size
        rest = Households(
            france.income[n_dep:],
            france.persons[n_dep:],
            france.units[n_dep:],
            france.weight[n_dep:],
            france.shares,
        )
        dep_traits = np.concatenate([traits[u.code] for u in units])
        france_traits = np.concatenate(
            [dep_traits, attributes(np.random.default_rng([seed, _POVERTY, year]), rest, median)]
        )

        levels: dict[str, list[tuple[str, str, dict[str, float | None], int]]] = {
            "COM": [
                (
                    u.code,
                    u.name,
                    poverty_statistics(u.households, traits[u.code], threshold),
                    int(round(u.households.weight.sum())),
                )
                for u in units
            ],
            "EPCI": [],
            "DEP": [
                (DEP_CODE, DEP_NAME, poverty_statistics(department, dep_traits, threshold), n_dep)
            ],
            "METROPOLE": [
                (
                    FRANCE_CODE,
                    FRANCE_NAME,
                    poverty_statistics(france, france_traits, threshold),
                    int(round(france.weight.sum())),
                )
            ],
        }
        for epci in EPCIS:
            members = [u for u in units if u.epci == epci.code]
            pool = Households.concat([u.households for u in members])
            kinds = np.concatenate([traits[u.code] for u in members])
            levels["EPCI"].append(
                (epci.code, epci.name, poverty_statistics(pool, kinds, threshold), pool.income.size)
            )
        for level, rows in levels.items():
            path = folder / f"FILO{year}_DISP_Pauvres_{level}.csv"
            path.write_bytes(_file(rows, year, secrecy=level == "COM"))
            paths.append(path)
    return paths
