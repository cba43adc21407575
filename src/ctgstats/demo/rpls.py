"""Fictional RPLS workbooks of the demo département (social housing, SDES layout).

``sdes/rpls/resultats_rpls_{2023,2024}.xlsx`` in the layout of the SDES « résultats
RPLS » (see :mod:`ctgstats.portrait.housing.rpls`): sheets ``COMMUNE``, ``EPCI``,
``DEPARTEMENT``, ``REGION``, five title lines, the technical header on line 6. Each
workbook has the year's ``nb_ls``, ``nb_loues``, ``nb_vacants``, ``tx_vac``, ``tx_mob``,
``loymoy`` and the previous year's ``nb_lsYYYY``, so the demo has social stocks at 1
January 2022, 2023 and 2024.

Consistency with the census: the social stock of a commune at 1 January 2022 is its
``P22_RP_LOCHLMV`` (main homes let empty by an HLM body, declared by the households, from
:func:`ctgstats.demo.housing.housing_records`) times about 1.1 (the register also counts
vacant and temporarily unlet dwellings), rounded; communes with fewer than one HLM
tenant have no social dwelling and are absent from the sheet (as in the SDES file).
Rates of communes with fewer than :data:`SECRET_UNDER` social dwellings are blank
(statistical secrecy). The EPCI, département and region rows are sums of the communes,
their rates computed from the summed terms (rents and mobility weighted by the let
dwellings of the fictional communes: the real file publishes these rows itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from ctgstats.demo import generate as g
from ctgstats.demo.housing import housing_records

SECTION = 52
"""Random-stream section of this module (other streams are unchanged)."""

YEARS = (2023, 2024)
"""Years of the workbooks (1 January)."""

SECRET_UNDER = 5
"""Communes with fewer social dwellings have their rates blanked (secret)."""

_VALUES = ("nb_ls", "nb_loues", "nb_vacants", "tx_vac", "tx_mob", "loymoy")
_TITLES = (
    ("Ensemble du parc", "", "", "Vacance et mobilité", "", "Loyers", "Évolution"),
    ("Parc complet", "Proposés à la location", "", "Au 01/01", "", "", ""),
    (
        "Ensemble du parc social",
        "loués",
        "vacants",
        "Taux de vacance %",
        "Taux de mobilité %",
        "Loyer moyen en €/m²",
        "Parc l'année précédente",
    ),
)


def stocks(seed: int, data: Sequence[g.CommuneData]) -> dict[str, dict[int, dict[str, float]]]:
    """Values of every commune with social dwellings (2025 geography), by year."""
    old = housing_records(seed, data)
    hlm: dict[str, float] = {}
    for item in data:
        code = g.new_code(item.commune.code)
        hlm[code] = hlm.get(code, 0.0) + old[item.commune.code]["P22_RP_LOCHLMV"]
    result: dict[str, dict[int, dict[str, float]]] = {}
    for index, code in enumerate(sorted(hlm)):
        if hlm[code] < 1:
            continue
        rng = g._rng(seed, SECTION, index)
        stock = round(hlm[code] * 1.1 * rng.lognormal(0.0, 0.04))
        years: dict[int, dict[str, float]] = {2022: {"nb_ls": float(stock)}}
        for year in YEARS:
            stock += int(rng.poisson(0.02 * stock))
            vacant = int(rng.binomial(stock, 0.035))
            empty = int(rng.binomial(stock - vacant, 0.01))
            years[year] = {
                "nb_ls": float(stock),
                "nb_loues": float(stock - vacant - empty),
                "nb_vacants": float(vacant),
                "tx_mob": round(float(rng.uniform(7.0, 13.0)), 2),
                "loymoy": round(float(rng.uniform(5.3, 6.6)), 2),
            }
        result[code] = years
    return result


def _vacancy(let: float, vacant: float) -> float:
    return round(100.0 * vacant / (let + vacant), 2) if let + vacant > 0 else float("nan")


def _aggregate(rows: Sequence[dict[int, dict[str, float]]], year: int) -> dict[str, float]:
    total = {k: sum(r[year][k] for r in rows) for k in ("nb_ls", "nb_loues", "nb_vacants")}
    let = total["nb_loues"]
    for rate in ("tx_mob", "loymoy"):
        total[rate] = round(sum(r[year][rate] * r[year]["nb_loues"] for r in rows) / let, 2)
    total["tx_vac"] = _vacancy(let, total["nb_vacants"])
    total[f"nb_ls{year - 1}"] = sum(r[year - 1]["nb_ls"] for r in rows)
    return total


def _sheet(workbook: Workbook, title: str, keys: Sequence[str], rows: list[list[object]]) -> None:
    sheet = workbook.create_sheet(title)
    blanks = [""] * len(keys)
    for line in _TITLES:
        sheet.append([*blanks, *line])
    sheet.append([*(k.capitalize() for k in keys), "Parc social", "", "", "", "", "", ""])
    sheet.append([])
    for row in rows:
        sheet.append([None if v != v else v for v in row])  # NaN → blank (secret)


def workbook(year: int, values: dict[str, dict[int, dict[str, float]]]) -> bytes:
    """One ``resultats_rpls_{year}.xlsx`` in the SDES layout."""
    names = {c: n for c, n, _ in g.new_communes()}
    epcis = {c: e for c, _, e in g.new_communes()}
    columns = [*_VALUES, f"nb_ls{year - 1}"]
    book = Workbook()
    book.remove(book.active)
    commune_rows = []
    for code in sorted(values):
        v = dict(values[code][year])
        v["tx_vac"] = _vacancy(v["nb_loues"], v["nb_vacants"])
        v[f"nb_ls{year - 1}"] = values[code][year - 1]["nb_ls"]
        if v["nb_ls"] < SECRET_UNDER:
            v |= {k: float("nan") for k in ("nb_loues", "nb_vacants", "tx_vac", "tx_mob", "loymoy")}
        commune_rows.append([g.REG_CODE, g.DEP_CODE, code, names[code], *(v[c] for c in columns)])
    header: list[object] = ["REG", "DEP", "DEPCOM_ARM", "LIBCOM", *columns]
    _sheet(
        book, "COMMUNE", ("région", "département", "commune", "libellé"), [header, *commune_rows]
    )
    epci_rows = []
    for epci in g.EPCIS:
        members = [values[c] for c in sorted(values) if epcis[c] == epci.code]
        total = _aggregate(members, year)
        epci_rows.append([epci.code, epci.name, *(total[c] for c in columns)])
    _sheet(
        book, "EPCI", ("intercommunalité", "libellé"), [["EPCI", "LIBEPCI", *columns], *epci_rows]
    )
    everything = _aggregate(list(values.values()), year)
    dep_row = [g.DEP_CODE, g.DEP_NAME, *(everything[c] for c in columns)]
    _sheet(book, "DEPARTEMENT", ("département", "libellé"), [["DEP", "LIBDEP", *columns], dep_row])
    reg_row = [g.REG_CODE, g.REG_NAME, *(everything[c] for c in columns)]
    _sheet(book, "REGION", ("région", "libellé"), [["REG", "LIBREG", *columns], reg_row])
    return g.xlsx_bytes(book)


def write(out: Path, seed: int, data: Sequence[g.CommuneData]) -> list[Path]:
    """Write the demo RPLS workbooks; returns their paths."""
    folder = out / "sdes" / "rpls"
    folder.mkdir(parents=True, exist_ok=True)
    values = stocks(seed, data)
    paths = []
    for year in YEARS:
        path = folder / f"resultats_rpls_{year}.xlsx"
        path.write_bytes(workbook(year, values))
        paths.append(path)
    return paths
