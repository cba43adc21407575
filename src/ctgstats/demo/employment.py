"""Fictional demo files of the employment, schooling and youth chapter.

Writes, for the fictional département ``00``, the census bases
``base-cc-emploi-pop-active``, ``base-cc-diplomes-formation`` (RP2022 in the 2025 geography
with the 2016 columns, RP2016 in the old geography with the 2011 columns) and
``base-cc-caract_emp-2022``, and the Observatoire des territoires NEET files
``neet_{communes,epci,dpt,region}_2022.csv`` (BOM, CRLF, decimal comma). Every figure is
FICTIONAL. Ages come from the same single-age pyramids as ``base-cc-evol-struct-pop``
(replayed from the population stream), so ``P22_POP1524`` … agree with it; rates are drawn
around the commune's profile from an independent stream (section :data:`SECTION`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ctgstats.demo import generate as g

__all__ = ["SECTION", "write"]

SECTION = 41
"""Random-stream section of this module (other streams are unchanged)."""

YEARS = (2011, 2016, 2022)

# profile → (activity of non-students 15-24, of 25-54, of 55-64; unemployment of 15-24,
# 25-54, 55-64; schooling 18-24; works in its commune; drives to work)
_RATES = {
    "montagne": (0.83, 0.90, 0.62, 0.21, 0.085, 0.07, 0.27, 0.48, 0.74),
    "ville": (0.80, 0.88, 0.60, 0.27, 0.13, 0.09, 0.55, 0.58, 0.62),
    "couronne": (0.86, 0.93, 0.63, 0.18, 0.07, 0.06, 0.40, 0.18, 0.86),
    "coteaux": (0.85, 0.92, 0.60, 0.19, 0.08, 0.065, 0.35, 0.22, 0.85),
    "vallee": (0.84, 0.91, 0.58, 0.23, 0.10, 0.075, 0.30, 0.30, 0.82),
}
# diploma shares among the 15+ not in school (2022): DIPLMIN, BEPC, CAPBEP, BAC, SUP2,
# SUP34, SUP5
_DIPLOMAS = {
    "montagne": (0.19, 0.06, 0.29, 0.19, 0.11, 0.09, 0.07),
    "ville": (0.17, 0.05, 0.20, 0.18, 0.12, 0.13, 0.15),
    "couronne": (0.14, 0.05, 0.27, 0.19, 0.14, 0.12, 0.09),
    "coteaux": (0.16, 0.06, 0.28, 0.19, 0.13, 0.10, 0.08),
    "vallee": (0.20, 0.06, 0.30, 0.18, 0.11, 0.09, 0.06),
}
_STUDENTS_WORKING = 0.10
"""Share of pupils and students aged 15-24 with a job (apprentices, jobs beside studies)."""


def _pyramids(seed: int, index: int, commune: g.Commune) -> dict[int, np.ndarray]:
    """Single-age population (both sexes) of each vintage, replayed as in ``build_commune``."""
    profile = g.PROFILES[commune.profile]
    rng = g._rng(seed, g._POPULATION, index)
    totals = g.population_totals(rng, commune, profile)
    return {y: g.age_pyramid(rng, profile, totals[y], y).sum(axis=0) for y in g.CENSUS_YEARS}


def _ages(ages: np.ndarray, low: int, high: int) -> float:
    return float(ages[low : high + 1].sum())


def _year_record(ages: np.ndarray, rng: np.random.Generator, profile: str, year: int) -> dict:
    """Every variable of one commune and vintage (counts with decimals)."""
    a1524, a2554, a5564, u1524, u2554, u5564, s1824, ilt1, car = _RATES[profile]
    shift = {2011: 0.006, 2016: 0.02, 2022: 0.0}[year]  # unemployment higher in 2016
    noise = rng.normal(0.0, 0.02, 8)
    pop = {
        "0205": _ages(ages, 2, 5),
        "0610": _ages(ages, 6, 10),
        "1114": _ages(ages, 11, 14),
        "1517": _ages(ages, 15, 17),
        "1824": _ages(ages, 18, 24),
        "2529": _ages(ages, 25, 29),
        "30P": _ages(ages, 30, 100),
        "1524": _ages(ages, 15, 24),
        "2554": _ages(ages, 25, 54),
        "5564": _ages(ages, 55, 64),
        "65P": _ages(ages, 65, 100),
    }
    school = {"0205": 0.74, "0610": 0.99, "1114": 0.99, "1517": 0.96, "2529": 0.06, "30P": 0.004}
    school["1824"] = float(np.clip(s1824 + noise[0] - (2022 - year) * 0.003, 0.05, 0.9))
    scol = {k: pop[k] * school[k] for k in school}
    students = scol["1517"] + scol["1824"]
    others = pop["1524"] - students
    rate_u = float(np.clip(u1524 + shift * 2 + noise[1], 0.02, 0.6))
    act = {
        "1524": _STUDENTS_WORKING * students + others * float(np.clip(a1524 + noise[2], 0.4, 1)),
        "2554": pop["2554"] * float(np.clip(a2554 + noise[3] / 2, 0.7, 0.98)),
        "5564": pop["5564"] * float(np.clip(a5564 + noise[4] - (2022 - year) * 0.01, 0.3, 0.9)),
    }
    chom = {
        "1524": (act["1524"] - _STUDENTS_WORKING * students) * rate_u,
        "2554": act["2554"] * float(np.clip(u2554 + shift + noise[5] / 2, 0.02, 0.4)),
        "5564": act["5564"] * float(np.clip(u5564 + shift + noise[6] / 2, 0.02, 0.4)),
    }
    yy = g._yy(year)
    values: dict[str, float] = {}
    for band in ("1524", "2554", "5564"):
        values[f"P{yy}_POP{band}"] = pop[band]
        values[f"P{yy}_ACT{band}"] = act[band]
        values[f"P{yy}_CHOM{band}"] = chom[band]
        values[f"P{yy}_ACTOCC{band}"] = act[band] - chom[band]
    for name in ("POP", "ACT", "CHOM", "ACTOCC"):
        values[f"P{yy}_{name}1564"] = sum(
            values[f"P{yy}_{name}{b}"] for b in ("1524", "2554", "5564")
        )
    inactive = values[f"P{yy}_POP1564"] - values[f"P{yy}_ACT1564"]
    etud = (1 - _STUDENTS_WORKING) * students + 0.9 * scol["2529"]
    retr = min(pop["5564"] - act["5564"], inactive - etud) * 0.75
    values[f"P{yy}_INACT1564"] = inactive
    values[f"P{yy}_ETUD1564"] = etud
    values[f"P{yy}_RETR1564"] = retr
    values[f"P{yy}_AINACT1564"] = inactive - etud - retr
    for band in school:
        values[f"P{yy}_POP{band}"] = pop[band]
        values[f"P{yy}_SCOL{band}"] = scol[band]
    not_in_school = sum(pop[b] - scol[b] for b in ("1517", "1824", "2529", "30P"))
    shares = np.array(_DIPLOMAS[profile]) * np.exp(rng.normal(0.0, 0.08, 7))
    shares[:2] *= 1 + (2022 - year) * 0.02  # fewer diplomas in older vintages
    shares = shares / shares.sum()
    groups = ("DIPLMIN", "BEPC", "CAPBEP", "BAC", "SUP2", "SUP34", "SUP5")
    values[f"P{yy}_NSCOL15P"] = not_in_school
    for group, share in zip(groups, shares, strict=True):
        values[f"P{yy}_NSCOL15P_{group}"] = not_in_school * float(share)
    actocc15p = values[f"P{yy}_ACTOCC1564"] + pop["65P"] * 0.012
    local = float(np.clip(ilt1 + noise[7], 0.05, 0.9))
    driving = float(np.clip(car - noise[7] / 2, 0.3, 0.95))
    values[f"P{yy}_ACTOCC15P"] = actocc15p
    values[f"P{yy}_ACTOCC15P_ILT1"] = actocc15p * local
    values[f"P{yy}_ACTOCC15P_ILT2P"] = actocc15p * (1 - local)
    rest = 1 - driving
    for mode, part in (
        ("PASTRANS", 0.25),
        ("MARCHE", 0.30),
        ("VELO", 0.10),
        ("2ROUESMOT", 0.05),
        ("COMMUN", 0.30),
    ):
        values[f"P{yy}_ACTOCC15P_{mode}"] = actocc15p * rest * part
    values[f"P{yy}_ACTOCC15P_VOITURE"] = actocc15p * driving
    values[f"_NEET{yy}"] = others * (1 - float(np.clip(a1524 + noise[2], 0.4, 1)) * (1 - rate_u))
    return {k: float(g._q(v)) for k, v in values.items()}


def _old_grouping(record: dict[str, float], year: int) -> dict[str, float]:
    """Diploma groups of RP2016 and before: DIPLMIN includes the BEPC, SUP is one group."""
    yy = g._yy(year)
    p = f"P{yy}_NSCOL15P_"
    return {
        f"{p}DIPLMIN": float(g._q(record[f"{p}DIPLMIN"] + record[f"{p}BEPC"])),
        f"{p}SUP": float(g._q(record[f"{p}SUP2"] + record[f"{p}SUP34"] + record[f"{p}SUP5"])),
    }


_EMPLOI = ("POP1564", "POP1524", "POP2554", "POP5564", "ACT1564", "ACT1524", "ACT2554",
           "ACT5564", "ACTOCC1564", "ACTOCC1524", "ACTOCC2554", "ACTOCC5564", "CHOM1564",
           "CHOM1524", "CHOM2554", "CHOM5564", "INACT1564", "ETUD1564", "RETR1564",
           "AINACT1564")  # fmt: skip
_SCHOOL = ("POP0205", "POP0610", "POP1114", "POP1517", "POP1824", "POP2529", "POP30P",
           "SCOL0205", "SCOL0610", "SCOL1114", "SCOL1517", "SCOL1824", "SCOL2529",
           "SCOL30P", "NSCOL15P")  # fmt: skip
_NEW_DIPLOMAS = tuple(
    f"NSCOL15P_{d}" for d in ("DIPLMIN", "BEPC", "CAPBEP", "BAC", "SUP2", "SUP34", "SUP5")
)
_OLD_DIPLOMAS = tuple(f"NSCOL15P_{d}" for d in ("DIPLMIN", "CAPBEP", "BAC", "SUP"))
_CARACT = ("ACTOCC15P", "ACTOCC15P_ILT1", "ACTOCC15P_ILT2P", "ACTOCC15P_PASTRANS",
           "ACTOCC15P_MARCHE", "ACTOCC15P_VELO", "ACTOCC15P_2ROUESMOT", "ACTOCC15P_VOITURE",
           "ACTOCC15P_COMMUN")  # fmt: skip


def _census_zip(
    path: Path, base: str, columns: Sequence[str], records: dict[str, dict[str, float]]
) -> None:
    """``{base}_csv.zip`` with ``{base}.CSV`` and its ``meta_`` member (like INSEE's)."""
    rows = [["CODGEO", *columns]]
    rows += [[code, *(g.fmt_decimal(rec[c]) for c in columns)] for code, rec in records.items()]
    meta = [("COD_VAR", "LIB_VAR", "LIB_VAR_LONG", "COD_MOD", "LIB_MOD", "TYPE_VAR", "LONG_VAR")]
    meta += [("CODGEO", "Code géographique", g.FICTION, "", "", "CHAR", "5")]
    for column in columns:
        year, name = 2000 + int(column[1:3]), column[4:]
        text = f"{name} en {year} (princ)"
        meta.append((column, text, f"{text} - {g.FICTION}", "", "", "NUM", "17"))
    path.write_bytes(
        g.zip_bytes([(f"{base}.CSV", g.csv_bytes(rows)), (f"meta_{base}.CSV", g.csv_bytes(meta))])
    )


def _columns(names: Sequence[str], years: Sequence[int]) -> list[str]:
    return [f"P{g._yy(y)}_{n}" for y in years for n in names]


def _neet_rows(
    groups: dict[str, tuple[str, list[dict[str, float]]]],
) -> list[list[str]]:
    rows = [["codgeo", "libgeo", "an", "part_non_inseres"]]
    for code, (name, records) in groups.items():
        for year in YEARS:
            yy = g._yy(year)
            neet = sum(r[f"_NEET{yy}"] for r in records)
            population = sum(r[f"P{yy}_POP1524"] for r in records)
            rows.append([code, name, str(year), g.fmt_comma(100 * neet / population, 2)])
    return rows


def write(out: Path, seed: int, data: Sequence[g.CommuneData]) -> list[Path]:
    """Write the chapter's census bases and NEET files; returns their paths."""
    records = []
    for item in data:
        index = [c.code for c in g.COMMUNES].index(item.commune.code)
        rng = g._rng(seed, SECTION, index)
        record: dict[str, float] = {}
        for year, ages in _pyramids(seed, index, item.commune).items():
            record.update(_year_record(ages, rng, item.commune.profile, year))
        records.append(g.CommuneData(item.commune, record, {}))
    new = g.to_new_geography(records)
    old = {r.commune.code: r.record for r in records}
    for table, years in ((new, (2016,)), (old, (2016, 2011))):
        for record in table.values():
            for year in years:
                record.update(_old_grouping(record, year))
    rp = out / "insee" / "rp"
    rp.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, columns, table in (
        (
            "base-cc-emploi-pop-active-2022",
            _columns(_EMPLOI, (2022,)) + _columns(_EMPLOI[:14], (2016,)),
            new,
        ),
        ("base-cc-emploi-pop-active-2016", _columns(_EMPLOI, (2016, 2011)), old),
        (
            "base-cc-diplomes-formation-2022",
            _columns(_SCHOOL + _NEW_DIPLOMAS, (2022,)) + _columns(_SCHOOL + _OLD_DIPLOMAS, (2016,)),
            new,
        ),
        ("base-cc-diplomes-formation-2016", _columns(_SCHOOL + _OLD_DIPLOMAS, (2016, 2011)), old),
        ("base-cc-caract_emp-2022", _columns(_CARACT, (2022,)), new),
    ):
        paths.append(rp / f"{name}_csv.zip")
        _census_zip(paths[-1], name, columns, table)
    folder = out / "observatoire" / "neet"
    folder.mkdir(parents=True, exist_ok=True)
    names = {code: name for code, name, _ in g.new_communes()}
    epcis = {
        e.code: (e.name, [new[c] for c, _, epci in g.new_communes() if epci == e.code])
        for e in g.EPCIS
    }
    levels = {
        "communes": {code: (names[code], [new[code]]) for code in new},
        "epci": epcis,
        "dpt": {g.DEP_CODE: (g.DEP_NAME, list(new.values()))},
        "region": {g.REG_CODE: (g.REG_NAME, list(new.values()))},
    }
    for level, groups in levels.items():
        paths.append(folder / f"neet_{level}_2022.csv")
        paths[-1].write_bytes(g.csv_bytes(_neet_rows(groups), newline="\r\n", bom=True))
    return sorted(paths)
