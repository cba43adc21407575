"""Fictional Cnaf early-childhood coverage files of the demo (``txcouv_pe_{com,epci,dep,nat}``).

Layout of data.caf.fr's field-name export (see
:mod:`ctgstats.portrait.poverty.childcare_read`): ``;``, decimal point, one decimal, one
row per territory and year ``annee``. The current files hold 2022–2025 and the
``_hist`` files 2019–2022 (the real exports overlap the same way; the common year has the
same values in both).

Places are simulated per EPCI and mode of care (profile of each EPCI, a yearly trend and
noise from a stream of its own, section :data:`SECTION`), over the EPCI's children under
3 of the demo census (``P22_POP0002``, drifting down 1,5 % a year); the département sums
its EPCIs' places and children (the rates are never averaged); the commune file holds only
the communes of 10 000 inhabitants or more (Fictiville). The CC du Haut-Val opens a
7-place micro-crèche in 2024 (the story of the demo's local data).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ctgstats.demo.generate import (
    DEP_CODE,
    DEP_NAME,
    EPCIS,
    REG_CODE,
    REG_NAME,
    CommuneData,
    csv_bytes,
    new_communes,
    to_new_geography,
)

__all__ = ["CURRENT_YEARS", "HIST_YEARS", "MODES", "SECTION", "write"]

SECTION = 73
"""Random-stream section of this module (other streams are unchanged)."""
CURRENT_YEARS = (2022, 2023, 2024, 2025)
HIST_YEARS = (2019, 2020, 2021, 2022)
MODES = ("psu", "hors_psu", "prescol", "am", "gad")
# Places for 100 children under 3 in 2022 and yearly change (points), by EPCI.
BASE = {
    "000000101": ((7.5, 0.3), (2.5, 0.0), (1.2, -0.1), (36.0, -0.8), (0.4, 0.0)),
    "000000102": ((21.0, 0.6), (5.0, 0.8), (3.0, -0.2), (27.0, -0.6), (3.0, 0.1)),
    "000000103": ((10.0, 0.4), (4.0, 0.5), (2.0, -0.1), (44.0, -1.0), (1.0, 0.0)),
    "000000104": ((9.0, 0.2), (3.0, 0.3), (2.0, -0.1), (41.0, -0.9), (0.8, 0.0)),
}
NATIONAL = ((19.5, 0.3), (3.6, 0.4), (3.0, -0.2), (30.5, -0.7), (1.6, 0.0))
NATIONAL_NAME = "France métropolitaine"
LARGE_COMMUNE = 10_000  # the commune file covers only the larger communes
OPENING = ("000000101", 2024, 7)  # micro-crèche (EAJE hors PSU) of the CC du Haut-Val
CHILD_DRIFT = 0.985


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _rates(places: dict[str, float], children: float) -> list[str]:
    """psu, hors_psu, eaje, prescol, am, gad, ind, global — each rounded on its own."""
    p = places
    values = [
        p["psu"],
        p["hors_psu"],
        p["psu"] + p["hors_psu"],
        p["prescol"],
        p["am"],
        p["gad"],
        p["am"] + p["gad"],
        sum(p[m] for m in MODES),
    ]
    return [_fmt(100 * v / children) for v in values]


def _epci_places(seed: int, children: dict[str, float]) -> dict[tuple[str, int], dict]:
    """Places of every EPCI, mode and year 2019–2025 (whole numbers)."""
    result: dict[tuple[str, int], dict] = {}
    for index, (epci, modes) in enumerate(BASE.items()):
        rng = np.random.default_rng([seed, SECTION, index])
        for year in range(2019, 2026):
            kids = children[epci] * CHILD_DRIFT ** (year - 2022)
            noise = rng.normal(0.0, 0.4, len(MODES))
            places = {
                mode: max(0.0, round((base + trend * (year - 2022) + n) * kids / 100))
                for mode, (base, trend), n in zip(MODES, modes, noise, strict=True)
            }
            if epci == OPENING[0] and year >= OPENING[1]:
                places["hors_psu"] += OPENING[2]
            result[(epci, year)] = places | {"_children": kids}
    return result


def write(out: Path, seed: int, data: Sequence[CommuneData]) -> list[Path]:
    """Write ``caf/txcouv_pe_{com,epci,dep,nat}.csv`` and their ``_hist`` files."""
    folder = out / "caf"
    folder.mkdir(parents=True, exist_ok=True)
    records = to_new_geography(data)
    communes = new_communes()
    epci_names = {e.code: e.name for e in EPCIS}
    children = {
        e.code: sum(records[c]["P22_POP0002"] for c, _, epci in communes if epci == e.code)
        for e in EPCIS
    }
    places = _epci_places(seed, children)
    large = [
        (code, name, epci)
        for code, name, epci in communes
        if records[code]["P22_POP"] >= LARGE_COMMUNE
    ]
    tables: dict[str, list[list[str]]] = {"com": [], "epci": [], "dep": [], "nat": []}
    for year in range(2019, 2026):
        for code, name, epci in large:
            kids = records[code]["P22_POP0002"] * CHILD_DRIFT ** (year - 2022)
            share = kids / places[(epci, year)]["_children"]
            own = {m: round(places[(epci, year)][m] * min(1.0, share * 1.15)) for m in MODES}
            row = [str(year), code, name, epci, epci_names[epci], DEP_CODE, DEP_NAME]
            tables["com"].append(row + _rates(own, kids))
        for epci in BASE:
            p = places[(epci, year)]
            row = [str(year), epci, epci_names[epci], DEP_CODE, DEP_NAME]
            tables["epci"].append(row + _rates(p, p["_children"]))
        summed = {m: sum(places[(e, year)][m] for e in BASE) for m in MODES}
        kids = sum(places[(e, year)]["_children"] for e in BASE)
        tables["dep"].append(
            [str(year), DEP_CODE, DEP_NAME, REG_CODE, REG_NAME, *_rates(summed, kids)]
        )
        national = {
            m: 1000 * (base + trend * (year - 2022))
            for m, (base, trend) in zip(MODES, NATIONAL, strict=True)
        }
        tables["nat"].append([str(year), NATIONAL_NAME, *_rates(national, 100_000)])
    rates = [
        "txcouv_psu_col_{s}",
        "txcouv_hors_psu_col_{s}",
        "txcouv_eaje_{s}",
        "txcouv_prescol_{s}",
        "txcouv_am_ind_{s}",
        "txcouv_gad_ind_{s}",
        "txcouv_ind_{s}",
        "txcouv_{s}",
    ]
    national_rates = [
        "txcouv_psu_nat",
        "txcouv_hors_psu_col_nat",
        "txcouv_eaje_nat",
        "txcouv_prescol_nat",
        "txcouv_am_nat",
        "txcouv_gad_nat",
        "txcouv_ind_nat",
        "txcouv_nat",
    ]
    headers = {
        "com": ["annee", "numcom", "nomcom", "numepci", "nomepci", "numdep", "nomdep"],
        "epci": ["annee", "numepci", "nomepci", "numdep", "nomdep"],
        "dep": ["annee", "numdep", "nomdep", "numregi", "nomregi"],
        "nat": ["annee", "national"],
    }
    paths = []
    for level, rows in tables.items():
        columns = national_rates if level == "nat" else [r.format(s=level) for r in rates]
        header = headers[level] + columns
        for suffix, years in (("", CURRENT_YEARS), ("_hist", HIST_YEARS)):
            chosen = [r for r in rows if int(r[0]) in years]
            chosen.sort(key=lambda r: (-int(r[0]), r[1]))
            path = folder / f"txcouv_pe_{level}{suffix}.csv"
            path.write_bytes(csv_bytes([header, *chosen]))
            paths.append(path)
    return paths
