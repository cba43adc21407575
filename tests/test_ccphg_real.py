"""The portrait of the real CC Pyrénées Haut-Garonnaises (EPCI 200072635).

Reads the real INSEE extracts in ../shared/data/insee (skipped when absent). Expected
values are computed here from the raw files with the ``csv`` module only.
"""

from __future__ import annotations

import csv
import math

import pytest
from tests.helpers import SHARED_INSEE

from ctgstats.portrait.build import build_portrait

pytestmark = pytest.mark.shared
EPCI = "200072635"


def _rows(path, *, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _sum(rows, column):
    return sum(float(row[column]) for row in rows)


@pytest.fixture(scope="module")
def insee():
    if not SHARED_INSEE.is_dir():
        pytest.skip("../shared/data is absent (a user's clone has no ../shared)")
    return SHARED_INSEE


@pytest.fixture(scope="module")
def raw(insee):
    composition = _rows(insee / "cog" / "communes-epci-2026_dep31.csv")
    communes = {row["code"] for row in composition if row["epci_code"] == EPCI}
    pop = [
        r
        for r in _rows(insee / "rp2022-ccphg" / "base-cc-evol-struct-pop-2022.csv")
        if r["CODGEO"] in communes
    ]
    fam = [
        r
        for r in _rows(insee / "rp2022-ccphg" / "base-cc-coupl-fam-men-2022.csv")
        if r["CODGEO"] in communes
    ]
    filo = {}
    for level in ("EPCI", "DEP", "REG", "METROPOLE"):
        rows = _rows(insee / "filosofi-dep31" / f"FILO2019_DISP_{level}.csv", encoding="utf-8-sig")
        filo[level] = {r["CODGEO"]: r for r in rows}
    return {"communes": communes, "pop": pop, "fam": fam, "filo": filo}


@pytest.fixture(scope="module")
def portrait(insee):
    return build_portrait(
        {
            "territory": {"level": "epci", "code": EPCI},
            "data_dirs": [
                str(insee / "rp2022-ccphg"),
                str(insee / "filosofi-dep31"),
                str(insee / "cog"),
            ],
        }
    )


def test_geography(portrait, raw):
    assert len(raw["communes"]) == 76
    assert set(portrait.territory.communes) == raw["communes"]
    assert portrait.cog_year == 2026  # newest composition table found
    assert not portrait.fictional
    assert [c.id for c in portrait.comparators] == ["departement:31", "region:76", "france:FRM"]
    assert portrait.comparators[0].label == "Haute-Garonne"


def test_population(portrait, raw):
    p22, p11 = _sum(raw["pop"], "P22_POP"), _sum(raw["pop"], "P11_POP")
    assert p22 == 15373
    assert portrait.value("population", 2022) == p22
    assert portrait.value("population_evolution", "2011-2022") == p22 - p11
    assert portrait.value("population_tcam", "2011-2022") == pytest.approx(
        ((p22 / p11) ** (1 / 11) - 1) * 100, rel=1e-12
    )


def test_ageing(portrait, raw):
    pop, fam = raw["pop"], raw["fam"]
    over_60 = sum(_sum(pop, c) for c in ("P22_POP6074", "P22_POP7589", "P22_POP90P"))
    assert portrait.value("part_60_plus", 2022) == pytest.approx(
        100 * over_60 / _sum(pop, "P22_POP"), rel=1e-12
    )
    # 65+ and under-20 exist only by combining both bases (principal exploitation, 2022)
    over_65 = _sum(fam, "P22_POP6579") + _sum(fam, "P22_POP80P")
    under_20 = _sum(pop, "P22_POP0014") + _sum(fam, "P22_POP1519")
    assert portrait.value("indice_vieillissement", 2022) == pytest.approx(
        100 * over_65 / under_20, rel=1e-12
    )
    assert math.isnan(portrait.value("indice_vieillissement", 2016))


def test_families(portrait, raw):
    fam = raw["fam"]
    with_children = {
        y: _sum(fam, f"C{y}_COUPAENF") + _sum(fam, f"C{y}_FAMMONO") for y in ("11", "22")
    }
    assert with_children["22"] - with_children["11"] == -233  # the example
    assert portrait.value("familles_avec_enfants_evolution", "2011-2022") == -233
    assert portrait.value("familles_avec_enfants_evolution_pct", "2011-2022") == pytest.approx(
        100 * -233 / with_children["11"]
    )
    assert portrait.value("part_familles_monoparentales", 2022) == pytest.approx(
        100 * _sum(fam, "C22_FAMMONO") / with_children["22"]
    )
    assert portrait.value("familles_nombreuses", 2022) == (
        _sum(fam, "C22_NE24F3") + _sum(fam, "C22_NE24F4P")
    )
    # NE24F columns exist for 2022 only: no "under 25" figure for 2011
    assert math.isnan(portrait.value("familles_avec_enfants_moins_25", 2011))


def test_income_from_each_level_file(portrait, raw):
    filo = raw["filo"]
    assert portrait.value("revenu_median_uc", 2019) == float(filo["EPCI"][EPCI]["Q219"])
    assert portrait.value("revenu_median_uc", 2019, "departement:31") == float(
        filo["DEP"]["31"]["Q219"]
    )
    assert portrait.value("revenu_median_uc", 2019, "region:76") == float(filo["REG"]["76"]["Q219"])
    assert portrait.value("revenu_median_uc", 2019, "france:FRM") == float(
        filo["METROPOLE"]["1"]["Q219"]
    )


def test_missing_data_is_non_disponible_not_zero(portrait):
    table = portrait.key_figures()
    dep_pop = table[(table["indicateur"] == "population") & (table["code"] == "31")]
    assert dep_pop["valeur"].isna().all()
    assert dep_pop["source"].str.contains("absente").all()  # communes missing from the extract
    births = table[(table["indicateur"] == "naissances") & (table["code"] == EPCI)]
    assert births["valeur"].isna().all()
    assert births["source"].str.startswith("non disponible").all()
