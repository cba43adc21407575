"""Fictional BPE files of the demo département (équipements), in INSEE's layouts.

``insee/bpe/`` receives:

* ``bpe21_ensemble.csv`` — the older commune layout (``REG;DEP;DEPCOM;DCIRIS;AN;TYPEQU;
  NB_EQUIP``, one row per commune and type; the demo communes are not split into IRIS,
  so ``DCIRIS`` is the commune code followed by ``0000``), BPE 2021 codes;
* ``DS_BPE_2024_data.csv`` — the long layout (``GEO;GEO_OBJECT;FACILITY_DOM;
  FACILITY_SDOM;FACILITY_TYPE;BPE_MEASURE;TIME_PERIOD;OBS_VALUE``, values quoted), the
  communes and the département, with the département's ``_T`` total rows, BPE 2024 codes;
* ``BPE2024.csv`` — one row per equipment of 2024 with ``LAMBERT_X``, ``LAMBERT_Y``
  (Lambert 93), ``LONGITUDE``, ``LATITUDE``, ``EPSG`` and ``QUALITE_XY``; each point lies
  within about 1,5 km of its commune's fictional chef-lieu
  (:func:`ctgstats.demo.geography.chef_lieu_points`), in the Atlantic west of Brittany
  where no real commune lies; a few equipments are not geolocated (``_Z``).

Counts are drawn from the commune's 2022 population (seeded, deterministic): a general
practitioner for about 1 100 inhabitants, a pharmacy for about 3 000, schools in most
communes above 300 inhabitants, one France services per EPCI, France Travail and centres
sociaux in the largest communes only. Codes per vintage: :data:`CODES`; a few types
outside the catalogue (bakeries) are written too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ctgstats.demo import generate as g
from ctgstats.demo.geography import chef_lieu_points

SECTION = 81
"""Random-stream section of this module (other streams are unchanged)."""

YEARS = (2021, 2024)
CODES: dict[int, dict[str, tuple[str, ...]]] = {
    2021: {
        "eaje": ("D502",),
        "ecole_maternelle": ("C101", "C102"),
        "ecole_elementaire": ("C104", "C105"),
        "college": ("C201",),
        "medecin_generaliste": ("D201",),
        "pharmacie": ("D301",),
        "france_services": ("A127",),
        "france_travail": ("A122",),
        "centre_social": (),
        "commerce_proximite": ("B201", "B202"),
        "supermarche": ("B101", "B102"),
        "poste": ("A206", "A207", "A208"),
        "boulangerie": ("B203",),
    },
    2024: {
        "eaje": ("D502",),
        "ecole_maternelle": ("C107", "C108"),
        "ecole_elementaire": ("C108", "C109"),
        "college": ("C201",),
        "medecin_generaliste": ("D201",),
        "pharmacie": ("D307",),
        "france_services": ("A128",),
        "france_travail": ("A122",),
        "centre_social": ("D506",),
        "commerce_proximite": ("B201", "B202"),
        "supermarche": ("B104", "B105"),
        "poste": ("A206", "A207", "A208"),
        "boulangerie": ("B207",),
    },
}
"""BPE codes written for each vintage (the same tables as the catalogue of key services,
``ctgstats/portrait/services/services.yaml``, written here independently: the demo layer
sits below the portrait)."""

HUBS = {"000000101": "00001", "000000102": "00018", "000000103": "00026", "000000104": "00036"}
"""Commune holding each EPCI's France services (its largest)."""


def _population(data: Sequence[g.CommuneData]) -> dict[str, float]:
    pop: dict[str, float] = {}
    for item in data:
        code = g.new_code(item.commune.code)
        pop[code] = pop.get(code, 0.0) + float(item.record["P22_POP"])
    return pop


def _draw(rng: np.random.Generator, code: str, pop: float, year: int) -> dict[str, int]:
    """Equipments of each catalogue service (and bakeries) in one commune."""
    small = pop < 300
    counts = {
        "medecin_generaliste": int(rng.poisson(pop / 1100.0)),
        "pharmacie": int(rng.poisson(pop / 3000.0)) + (1 if pop > 1500 else 0),
        "eaje": int(rng.poisson(pop / 2500.0)) + (1 if pop > 2000 else 0),
        "ecole_maternelle": (0 if small and rng.random() < 0.6 else 1) + int(pop // 5000),
        "ecole_elementaire": (0 if small and rng.random() < 0.5 else 1) + int(pop // 4000),
        "college": (1 if pop > 2500 else 0) + int(pop // 12000),
        "france_services": 1 if code in HUBS.values() else 0,
        "france_travail": 1 if code in ("00018", "00036") else 0,
        "centre_social": (2 if code == "00018" else 1 if code == "00026" else 0),
        "commerce_proximite": int(rng.poisson(pop / 1400.0))
        if pop > 250
        else int(rng.random() < 0.2),
        "supermarche": (1 if pop > 2000 else 0) + int(pop // 9000),
        "poste": 1 if pop > 500 or rng.random() < 0.3 else 0,
        "boulangerie": int(rng.poisson(pop / 1200.0)),
    }
    if year == 2021:  # three years earlier: one more doctor in the larger communes
        counts["medecin_generaliste"] += int(pop > 1000 and rng.random() < 0.5)
    return counts


def equipment(seed: int, data: Sequence[g.CommuneData]) -> dict[int, dict[str, dict[str, int]]]:
    """Year → commune (2025 geography) → BPE code → number of equipments."""
    pop = _population(data)
    result: dict[int, dict[str, dict[str, int]]] = {}
    for y, year in enumerate(YEARS):
        by_commune: dict[str, dict[str, int]] = {}
        for index, code in enumerate(sorted(pop)):
            rng = g._rng(seed, SECTION, 100 * y + index)
            drawn = _draw(rng, code, pop[code], year)
            types: dict[str, int] = {}
            for service, number in drawn.items():
                codes = CODES[year][service]
                if not codes or number <= 0:
                    continue
                for _ in range(number):  # spread over the service's codes
                    chosen = codes[int(rng.integers(len(codes)))]
                    types[chosen] = types.get(chosen, 0) + 1
            by_commune[code] = types
        result[year] = by_commune
    return result


def _domain(typequ: str) -> tuple[str, str]:
    return typequ[0], typequ[:2]


def old_layout(values: dict[str, dict[str, int]], year: int) -> bytes:
    """``bpeYY_ensemble.csv``: ``;``, no quotes, one row per commune and type."""
    lines = ["REG;DEP;DEPCOM;DCIRIS;AN;TYPEQU;NB_EQUIP"]
    for code in sorted(values):
        for typequ in sorted(values[code]):
            lines.append(
                f"{g.REG_CODE};{g.DEP_CODE};{code};{code}0000;{year};{typequ};"
                f"{values[code][typequ]}"
            )
    return ("\n".join(lines) + "\n").encode("utf-8")


def long_layout(values: dict[str, dict[str, int]], year: int) -> bytes:
    """``DS_BPE_YYYY_data.csv``: quoted long table, communes and the département."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow(
        [
            "GEO",
            "GEO_OBJECT",
            "FACILITY_DOM",
            "FACILITY_SDOM",
            "FACILITY_TYPE",
            "BPE_MEASURE",
            "TIME_PERIOD",
            "OBS_VALUE",
        ]
    )
    totals: dict[str, int] = {}
    for code in sorted(values):
        for typequ in sorted(values[code]):
            dom, sdom = _domain(typequ)
            number = values[code][typequ]
            writer.writerow([code, "COM", dom, sdom, typequ, "FACILITIES", year, number])
            totals[typequ] = totals.get(typequ, 0) + number
    for typequ in sorted(totals):
        dom, sdom = _domain(typequ)
        writer.writerow([g.DEP_CODE, "DEP", dom, sdom, typequ, "FACILITIES", year, totals[typequ]])
    writer.writerow([g.DEP_CODE, "DEP", "_T", "_T", "_T", "FACILITIES", year, sum(totals.values())])
    return buffer.getvalue().encode("utf-8")


def points_layout(seed: int, values: dict[str, dict[str, int]], year: int) -> bytes:
    """``BPEYYYY.csv``: one row per equipment, Lambert 93 and WGS84 coordinates."""
    from pyproj import Transformer

    to_wgs84 = Transformer.from_crs(2154, 4326, always_xy=True)
    centres = chef_lieu_points()
    rng = g._rng(seed, SECTION, 999)
    header = "AN;DEPCOM;DOM;SDOM;TYPEQU;LAMBERT_X;LAMBERT_Y;LONGITUDE;LATITUDE;EPSG;QUALITE_XY"
    lines = [header]
    for code in sorted(values):
        cx, cy = centres[code]
        for typequ in sorted(values[code]):
            dom, sdom = _domain(typequ)
            for _ in range(values[code][typequ]):
                if rng.random() < 0.02:  # a few equipments are not geolocated
                    lines.append(f"{year};{code};{dom};{sdom};{typequ};;;;;;_Z")
                    continue
                dx, dy = np.clip(rng.normal(0.0, 500.0, size=2), -1500.0, 1500.0)
                x, y = round(cx + float(dx), 1), round(cy + float(dy), 1)
                lon, lat = to_wgs84.transform(x, y)
                quality = "B" if rng.random() < 0.85 else "A"
                lines.append(
                    f"{year};{code};{dom};{sdom};{typequ};{x:.1f};{y:.1f};{lon:.6f};{lat:.6f};"
                    f"2154;{quality}"
                )
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(out: Path, seed: int, data: Sequence[g.CommuneData]) -> list[Path]:
    """Write the demo BPE files; returns their paths."""
    folder = out / "insee" / "bpe"
    folder.mkdir(parents=True, exist_ok=True)
    values = equipment(seed, data)
    files = (
        (folder / "bpe21_ensemble.csv", old_layout(values[2021], 2021)),
        (folder / "DS_BPE_2024_data.csv", long_layout(values[2024], 2024)),
        (folder / "BPE2024.csv", points_layout(seed, values[2024], 2024)),
    )
    for path, content in files:
        path.write_bytes(content)
    return [path for path, _ in files]
