"""Fictional ``base-cc-logement`` files of the demo département (housing chapter).

Two INSEE distributions, like the other census bases of the demo: RP2022 in the 2025
geography (``base-cc-logement-2022_csv.zip``: ``P22_`` variables with RP2022's
construction classes ``P22_RP_ACH1919`` … ``P22_RP_ACH2019`` and its occupancy classes
``C22_RP_NORME`` … ``C22_RP_SUROCC_ACC``, then the ``P16_``/``P11_`` stock and tenure) and
RP2016 in the old geography (``base-cc-logement-2016_csv.zip``: ``P16_`` with
``P16_RP_ACH19`` … ``P16_RP_ACH13`` and ``C16_RP_HSTU1P(_SUROCC)``, ``P11_``, ``C11_``).

The stock (``LOG``, ``RP``, ``RSECOCC``, ``LOGVAC``) and the household population are the
values of the séries historiques (same commune records), and ``P_MEN = P_RP``. Every
other variable is drawn around the commune's profile from an independent random stream
(section :data:`SECTION`), so that the other demo files are unchanged. ``C..`` variables
are a sample of about a quarter of the households times a commune weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ctgstats.demo import generate as g

SECTION = 51
"""Random-stream section of this module (other streams are unchanged)."""

# profile → (houses, owners, free, HLM among main homes, no car, cars 2+, built before
# 1919, 1919-45, 1946-70, 1971-90, 1991-2005, overcrowded, one-/two-room homes)
_SHAPES: dict[str, tuple[float, ...]] = {
    "montagne": (0.80, 0.74, 0.03, 0.03, 0.11, 0.40, 0.34, 0.10, 0.13, 0.20, 0.12, 0.035, 0.10),
    "ville": (0.38, 0.46, 0.015, 0.19, 0.22, 0.24, 0.12, 0.10, 0.26, 0.24, 0.14, 0.075, 0.22),
    "couronne": (0.84, 0.73, 0.012, 0.06, 0.06, 0.55, 0.12, 0.05, 0.12, 0.28, 0.20, 0.03, 0.07),
    "coteaux": (0.88, 0.77, 0.012, 0.04, 0.05, 0.60, 0.14, 0.04, 0.08, 0.26, 0.22, 0.025, 0.05),
    "vallee": (0.76, 0.68, 0.02, 0.05, 0.10, 0.42, 0.24, 0.08, 0.16, 0.24, 0.15, 0.035, 0.09),
}
OCCUPANCY = ("NORME", "SOUSOCC_MOD", "SOUSOCC_ACC", "SOUSOCC_TACC", "SUROCC_MOD", "SUROCC_ACC")
STOCK = ("LOG", "RP", "RSECOCC", "LOGVAC", "MAISON", "APPART")
TENURE = ("RP_PROP", "RP_LOC", "RP_LOCHLMV", "RP_GRAT")
ROOMS = ("RP_1P", "RP_2P", "RP_3P", "RP_4P", "RP_5PP")
MOVES = ("MEN_ANEM0002", "MEN_ANEM0204", "MEN_ANEM0509", "MEN_ANEM10P", "MEN_ANEM30P")
CARS = ("RP_VOIT1P", "RP_VOIT1", "RP_VOIT2P", "RP_GARL")


def _classes(year: int) -> tuple[str, ...]:
    if year >= 2022:
        return ("RP_ACH1919", "RP_ACH1945", "RP_ACH1970", "RP_ACH1990", "RP_ACH2005", "RP_ACH2019")
    return (
        "RP_ACH19",
        "RP_ACH45",
        "RP_ACH70",
        "RP_ACH90",
        "RP_ACH05",
        f"RP_ACH{(year - 3) % 100:02d}",
    )


def _latest(year: int) -> list[str]:
    """The ``P..`` variables of the latest vintage of a demo logement base (no prefix)."""
    return [
        *STOCK,
        *ROOMS,
        "NBPI_RP",
        "RP_ACHTOT",
        *_classes(year),
        "MEN",
        "PMEN",
        *MOVES,
        *TENURE,
        *CARS,
    ]


_OLDER = [*STOCK, "MEN", "PMEN", *TENURE]
"""The variables of the older vintages a demo logement base repeats (no prefix)."""


def columns_2022() -> list[str]:
    """Columns of the demo ``base-cc-logement-2022`` (without ``CODGEO``)."""
    return (
        [f"P22_{n}" for n in _latest(2022)]
        + [f"C22_RP_{n}" for n in OCCUPANCY]
        + [f"P16_{n}" for n in _OLDER]
        + [f"P11_{n}" for n in _OLDER]
    )


def columns_2016() -> list[str]:
    """Columns of the demo ``base-cc-logement-2016`` (without ``CODGEO``)."""
    return (
        [f"P16_{n}" for n in _latest(2016)]
        + ["C16_RP_HSTU1P", "C16_RP_HSTU1P_SUROCC"]
        + [f"P11_{n}" for n in _OLDER]
        + ["C11_RP_HSTU1P", "C11_RP_HSTU1P_SUROCC"]
    )


def _split(rng: np.random.Generator, total: float, shares: Sequence[float]) -> list[float]:
    """``total`` shared by noisy shares (they sum to ``total`` exactly after quantising)."""
    weights = np.asarray(shares, dtype=float) * rng.lognormal(0.0, 0.08, len(shares))
    parts = [float(g._q(total * w / weights.sum())) for w in weights[:-1]]
    return [*parts, float(g._q(total - sum(parts)))]


def _year(rng: np.random.Generator, profile: str, record: dict[str, float], year: int) -> dict:
    yy = g._yy(year)
    shape = _SHAPES[profile]
    houses, owners, free, hlm, nocar, cars2, *built, surocc, small = shape
    log, rp = record[f"P{yy}_LOG"], record[f"P{yy}_RP"]
    values: dict[str, float] = {f"P{yy}_{n}": record[f"P{yy}_{n}"] for n in STOCK[:4]}
    maison = float(g._q(log * min(0.97, houses * rng.lognormal(0.0, 0.05))))
    values[f"P{yy}_MAISON"] = maison
    values[f"P{yy}_APPART"] = float(g._q((log - maison) * 0.985))
    values[f"P{yy}_MEN"] = rp
    values[f"P{yy}_PMEN"] = record[f"P{yy}_PMEN"]
    prop, grat = owners * (0.97 if year < 2022 else 1.0), free
    own, loc, gr = _split(rng, rp, (prop, 1.0 - prop - grat, grat))
    values |= {
        f"P{yy}_RP_PROP": own,
        f"P{yy}_RP_LOC": loc,
        f"P{yy}_RP_GRAT": gr,
        f"P{yy}_RP_LOCHLMV": float(g._q(min(loc, rp * hlm * rng.lognormal(0.0, 0.3)))),
    }
    rooms = _split(rng, rp, (small * 0.3, small * 0.7, 0.17, 0.27, 0.56 - small))
    values |= {f"P{yy}_{n}": v for n, v in zip(ROOMS, rooms)}
    values[f"P{yy}_NBPI_RP"] = float(
        g._q(sum((k + 1) * v for k, v in enumerate(rooms[:4])) + 5.9 * rooms[4])
    )
    achtot = float(g._q(rp * 0.985))
    last = 1.0 - sum(built)
    values[f"P{yy}_RP_ACHTOT"] = achtot
    values |= {f"P{yy}_{n}": v for n, v in zip(_classes(year), _split(rng, achtot, (*built, last)))}
    moves = _split(rng, rp, (0.10, 0.13, 0.15, 0.62))
    values |= {f"P{yy}_{n}": v for n, v in zip(MOVES[:4], moves)}
    values[f"P{yy}_MEN_ANEM30P"] = float(g._q(moves[3] * 0.42))
    none, one, two = _split(rng, rp, (nocar, 1.0 - nocar - cars2, cars2))
    values |= {
        f"P{yy}_RP_VOIT1P": float(g._q(one + two)),
        f"P{yy}_RP_VOIT1": one,
        f"P{yy}_RP_VOIT2P": two,
        f"P{yy}_RP_GARL": float(g._q(rp * min(0.95, 0.72 * rng.lognormal(0.0, 0.05)))),
    }
    del none
    sampled = max(int(rng.binomial(max(int(round(rp)), 1), g.SAMPLE_FRACTION_SMALL)), 1)
    weight = rp / sampled
    if year >= 2022:
        p = np.array([0.30, 0.28, 0.20, 0.14, 0.8 * surocc, 0.2 * surocc])
        counts = rng.multinomial(sampled, p / p.sum())
        values |= {f"C{yy}_RP_{n}": float(g._q(c * weight)) for n, c in zip(OCCUPANCY, counts)}
    else:
        hstu = int(rng.binomial(sampled, 0.97))
        over = int(rng.binomial(hstu, surocc))
        values[f"C{yy}_RP_HSTU1P"] = float(g._q(hstu * weight))
        values[f"C{yy}_RP_HSTU1P_SUROCC"] = float(g._q(over * weight))
    return values


_LABELS = {
    "LOG": "Logements",
    "RP": "Résidences principales",
    "RSECOCC": "Rés secondaires et logts occasionnels",
    "LOGVAC": "Logements vacants",
    "MAISON": "Maisons",
    "APPART": "Appartements",
    "RP_1P": "Rés princ 1 pièce",
    "RP_2P": "Rés princ 2 pièces",
    "RP_3P": "Rés princ 3 pièces",
    "RP_4P": "Rés princ 4 pièces",
    "RP_5PP": "Rés princ 5 pièces ou plus",
    "NBPI_RP": "Pièces rés princ",
    "MEN": "Ménages",
    "PMEN": "Pop ménages",
    "MEN_ANEM0002": "Ménages emménagés moins 2 ans",
    "MEN_ANEM0204": "Ménages emménagés entre 2-4 ans",
    "MEN_ANEM0509": "Ménages emménagés entre 5-9 ans",
    "MEN_ANEM10P": "Ménages emménagés depuis 10 ans ou plus",
    "MEN_ANEM30P": "Ménages emménagés depuis 30 ans ou plus",
    "RP_PROP": "Rés princ occupées Propriétaires",
    "RP_LOC": "Rés princ occupées Locataires",
    "RP_LOCHLMV": "Rés princ HLM louée vide",
    "RP_GRAT": "Rés princ logé gratuit",
    "RP_VOIT1P": "Ménages au moins une voiture",
    "RP_VOIT1": "Ménages une voiture",
    "RP_VOIT2P": "Ménages deux voitures ou plus",
    "RP_GARL": "Ménages au moins un parking",
    "RP_HSTU1P": "Rés princ hors studio de 1 personne",
    "RP_HSTU1P_SUROCC": "Rés princ hors studio de 1 personne en suroccupation",
    "RP_NORME": "Rés princ occupation norme",
    "RP_SOUSOCC_MOD": "Rés princ sous-occupation modérée",
    "RP_SOUSOCC_ACC": "Rés princ sous-occupation accentuée",
    "RP_SOUSOCC_TACC": "Rés princ sous-occupation très accentuée",
    "RP_SUROCC_MOD": "Rés princ suroccupation modérée",
    "RP_SUROCC_ACC": "Rés princ suroccupation accentuée",
}


def label(code: str) -> str:
    """INSEE-style short label of a housing column (``'Logements vacants en 2022 (princ)'``)."""
    prefix, name = code.split("_", 1)
    year = 2000 + int(prefix[1:])
    kind = "princ" if prefix[0] == "P" else "compl"
    if name == "RP_ACHTOT":
        text = f"Rés princ avt {year - 2}"
    elif name.startswith("RP_ACH"):
        end = int(name[6:]) if len(name) == 10 else 2000 + int(name[6:])
        end = 1900 + end % 100 if end > year else end
        starts = {1919: None, 1945: 1919, 1970: 1946, 1990: 1971, 2005: 1991}
        start = starts.get(end, 2006)
        text = f"Rés princ avt {end}" if start is None else f"Rés princ {start} à {end}"
    else:
        text = _LABELS[name]
    return f"{text} en {year} ({kind})"


def _zip(
    path: Path, base: str, columns: Sequence[str], records: dict[str, dict[str, float]]
) -> None:
    """``{base}_csv.zip`` with ``{base}.CSV`` and its ``meta_`` dictionary, INSEE-style."""
    rows = [["CODGEO", *columns]]
    rows += [[code, *(g.fmt_decimal(rec[c]) for c in columns)] for code, rec in records.items()]
    meta = [
        ("COD_VAR", "LIB_VAR", "LIB_VAR_LONG", "COD_MOD", "LIB_MOD", "TYPE_VAR", "LONG_VAR"),
        ("CODGEO", "Code géographique", "Code commune - " + g.FICTION, "", "", "CHAR", "5"),
        *((c, label(c), f"{label(c)} - {g.FICTION}", "", "", "NUM", "17") for c in columns),
    ]
    path.write_bytes(
        g.zip_bytes([(f"{base}.CSV", g.csv_bytes(rows)), (f"meta_{base}.CSV", g.csv_bytes(meta))])
    )


def housing_records(seed: int, data: Sequence[g.CommuneData]) -> dict[str, dict[str, float]]:
    """Housing variables of every commune of the old geography (RP2011, RP2016, RP2022)."""
    records = {}
    for index, item in enumerate(data):
        rng = g._rng(seed, SECTION, index)
        values: dict[str, float] = {}
        for year in g.CENSUS_YEARS:
            values |= _year(rng, item.commune.profile, item.record, year)
        records[item.commune.code] = values
    return records


def write(out: Path, seed: int, data: Sequence[g.CommuneData]) -> list[Path]:
    """Write the two demo housing bases; returns their paths."""
    folder = out / "insee" / "rp"
    folder.mkdir(parents=True, exist_ok=True)
    old = housing_records(seed, data)
    groups: dict[str, list[dict[str, float]]] = {}
    for item in data:
        groups.setdefault(g.new_code(item.commune.code), []).append(old[item.commune.code])
    new = {code: g._sum_dicts(groups[code]) for code in sorted(groups)}
    paths = []
    for name, columns, records in (
        ("base-cc-logement-2022", columns_2022(), new),
        ("base-cc-logement-2016", columns_2016(), old),
    ):
        path = folder / f"{name}_csv.zip"
        _zip(path, name, columns, records)
        paths.append(path)
    return paths
