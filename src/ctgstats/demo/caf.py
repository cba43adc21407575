"""Fictional Cnaf benefits files of the demo (``caf/caf_<prestation>_<niveau>[_<année>].csv``).

Both layouts of :mod:`ctgstats.portrait.poverty.caf_read`:

* December 2019 in the **older data.caf.fr layout**, one file per benefit and level with
  the year in its name (``caf_rsa_epci_2019.csv``): ``Codes_Insee`` / ``NUMEPCI`` /
  ``NUMDEP``, ``DTREF`` (``31/12/2019``), ``NB_Allocataires``, ``NB_Pers_par_Foyer_Alloc``;
  exact counts, a commune count under 5 left blank (not published).
* December 2020–2025 in the **Cafdata layout**, one multi-year file per benefit and
  level (``caf_rsa_epci.csv``): ``annee``, ``numcom`` / ``numepci`` / ``numdep`` / ``national``,
  ``nb_foyers``, ``nb_pers``; every count rounded to 5 (a commune count under 5 blank);
  the RSA file is broken down by ``type_rsa`` (majoré / non majoré), summed by the reader.

Counts are simulated per commune from the demo census (households ``C22_MEN``, population
``P22_POP``, single-parent families ``C22_FAMMONO``) with a rate per benefit, a profile
per EPCI, a yearly trend and noise from a stream of this module's own (section
:data:`SECTION`); the EPCI and département files are the sums of the *exact* commune
counts, then rounded, as the Cnaf does. The CC du Haut-Val's RSA caseload falls after
2022 (the story of the demo's action plan).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ctgstats.demo.generate import (
    DEP_CODE,
    EPCIS,
    CommuneData,
    csv_bytes,
    new_communes,
    to_new_geography,
)

__all__ = ["OLD_YEAR", "RATES", "SECTION", "YEARS", "write"]

SECTION = 74
"""Random-stream section of this module (other streams are unchanged)."""
OLD_YEAR = 2019
YEARS = (2020, 2021, 2022, 2023, 2024, 2025)
# Foyers for 100 households (single-parent families for ASF) in 2022, yearly change (%).
RATES: dict[str, tuple[str, float, float]] = {
    "allocataires": ("C22_MEN", 44.0, 0.4),
    "rsa": ("C22_MEN", 4.2, -1.0),
    "prime_activite": ("C22_MEN", 8.5, 2.0),
    "aah": ("C22_MEN", 2.6, 2.5),
    "aides_logement": ("C22_MEN", 12.0, -1.5),
    "af": ("C22_MEN", 15.0, -1.2),
    "asf": ("C22_FAMMONO", 24.0, 0.5),
    "paje": ("C22_MEN", 6.0, -2.5),
    "bas_revenus": ("C22_MEN", 10.5, 0.0),
}
PERSONS_PER_FOYER = {"allocataires": 2.45, "rsa": 1.9}
PROFILE = {"000000101": 0.85, "000000102": 1.25, "000000103": 0.95, "000000104": 0.9}
RSA_DROP = ("000000101", 2023, 0.93)  # the CC du Haut-Val: −7 % a year from 2023
MAJORE_SHARE = 0.12  # share of RSA foyers with the majoration for isolated parents


def _round5(value: float) -> int:
    return int(5 * round(value / 5))


def _commune_counts(seed: int, records: dict[str, dict[str, float]]) -> dict[tuple, float]:
    """Exact foyers of every commune, benefit and year (whole numbers)."""
    epci_of = {code: epci for code, _, epci in new_communes()}
    counts: dict[tuple, float] = {}
    for index, code in enumerate(sorted(records)):
        rng = np.random.default_rng([seed, SECTION, index])
        epci = epci_of[code]
        for benefit, (base, rate, trend) in RATES.items():
            for year in (OLD_YEAR, *YEARS):
                factor = (1 + trend / 100) ** (year - 2022) * PROFILE[epci]
                if benefit == "rsa" and epci == RSA_DROP[0] and year >= RSA_DROP[1]:
                    factor *= RSA_DROP[2] ** (year - RSA_DROP[1] + 1)
                expected = records[code][base] * rate / 100 * factor
                counts[(code, benefit, year)] = float(
                    max(0, round(expected * (1 + rng.normal(0, 0.05))))
                )
    return counts


def _cell(value: float, *, rounded: bool, commune: bool) -> str:
    if commune and value < 5:
        return ""
    return str(_round5(value) if rounded else int(value))


def _persons(benefit: str, foyers: float) -> float:
    return round(foyers * PERSONS_PER_FOYER.get(benefit, 2.2))


def write(out: Path, seed: int, data: Sequence[CommuneData]) -> list[Path]:
    """Write ``caf/caf_<prestation>_<niveau>.csv`` (2020–2025) and the 2019 files."""
    folder = out / "caf"
    folder.mkdir(parents=True, exist_ok=True)
    records = to_new_geography(data)
    communes = new_communes()
    names = {code: name for code, name, _ in communes}
    counts = _commune_counts(seed, records)
    levels: dict[str, dict[str, list[str]]] = {
        "com": {code: [code] for code in records},
        "epci": {e.code: [c for c, _, epci in communes if epci == e.code] for e in EPCIS},
        "dep": {DEP_CODE: list(records)},
        "nat": {"France métropolitaine": list(records)},
    }
    paths = []
    for benefit in RATES:
        for level, members in levels.items():
            scale = 180.0 if level == "nat" else 1.0  # a fictional "France"
            commune = level == "com"

            def total(
                code: str,
                year: int,
                members: dict = members,
                scale: float = scale,
                benefit: str = benefit,
            ) -> float:
                return scale * sum(counts[(c, benefit, year)] for c in members[code])

            code_old = {"com": "Codes_Insee", "epci": "NUMEPCI", "dep": "NUMDEP", "nat": None}
            old_header = [h for h in (code_old[level],) if h] + [
                "DTREF",
                "NB_Allocataires",
                "NB_Pers_par_Foyer_Alloc",
            ]
            if commune:
                old_header.insert(0, "Communes")
            old_rows = []
            for code in members:
                foyers = total(code, OLD_YEAR)
                cells = [_cell(foyers, rounded=False, commune=commune)]
                persons = _persons(benefit, foyers) if cells[0] else 0.0
                cells.append(_cell(persons, rounded=False, commune=commune))
                lead = ([names[code]] if commune else []) + ([code] if level != "nat" else [])
                old_rows.append([*lead, f"31/12/{OLD_YEAR}", *cells])
            path = folder / f"caf_{benefit}_{level}_{OLD_YEAR}.csv"
            path.write_bytes(csv_bytes([old_header, *old_rows]))
            paths.append(path)

            code_new = {"com": "numcom", "epci": "numepci", "dep": "numdep", "nat": "national"}
            header = ["annee", code_new[level]]
            if benefit == "rsa":
                header.append("type_rsa")
            header += ["nb_foyers", "nb_pers"]
            rows = []
            for year in sorted(YEARS, reverse=True):
                for code in members:
                    foyers = total(code, year)
                    parts = (
                        [
                            ("RSA non majoré", foyers * (1 - MAJORE_SHARE)),
                            ("RSA majoré", foyers * MAJORE_SHARE),
                        ]
                        if benefit == "rsa"
                        else [(None, foyers)]
                    )
                    for label, value in parts:
                        row = [str(year), code] + ([label] if label else [])
                        shown = _cell(value, rounded=True, commune=commune)
                        persons = _persons(benefit, value) if shown else 0.0
                        row += [shown, _cell(persons, rounded=True, commune=commune)]
                        rows.append(row)
            path = folder / f"caf_{benefit}_{level}.csv"
            path.write_bytes(csv_bytes([header, *rows]))
            paths.append(path)
    return paths
