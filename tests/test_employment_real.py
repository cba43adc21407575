"""The employment, schooling and youth chapter on the real CCPHG extracts (rule 19).

Expected values are computed here from the raw CSVs of ../shared/data with the ``csv``
module only (skipped when absent).
"""

from __future__ import annotations

import csv

import pytest
from tests.helpers import SHARED_INSEE

from ctgstats.portrait.build import build_portrait

pytestmark = pytest.mark.shared
EPCI = "200072635"
NEET = SHARED_INSEE.parent / "observatoire" / "neet-2018"


def _rows(path, *, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _sum(rows, *columns):
    return sum(float(row[c]) for row in rows for c in columns)


@pytest.fixture(scope="module")
def raw():
    if not SHARED_INSEE.is_dir() or not NEET.is_dir():
        pytest.skip("../shared/data is absent (a user's clone has no ../shared)")
    composition = _rows(SHARED_INSEE / "cog" / "communes-epci-2026_dep31.csv")
    communes = {row["code"] for row in composition if row["epci_code"] == EPCI}
    folder = SHARED_INSEE / "rp2022-ccphg"
    emploi = [
        r for r in _rows(folder / "base-cc-emploi-pop-active-2022.csv") if r["CODGEO"] in communes
    ]
    diplomes = [
        r for r in _rows(folder / "base-cc-diplomes-formation-2022.csv") if r["CODGEO"] in communes
    ]
    neet = {
        level: _rows(NEET / f"neet_{level}_2018.csv", encoding="utf-8-sig")
        for level in ("epci", "dpt")
    }
    return {"communes": communes, "emploi": emploi, "diplomes": diplomes, "neet": neet}


@pytest.fixture(scope="module")
def portrait(raw):
    return build_portrait(
        {
            "territory": {"level": "epci", "code": EPCI},
            "data_dirs": [
                str(SHARED_INSEE / "rp2022-ccphg"),
                str(SHARED_INSEE / "filosofi-dep31"),
                str(SHARED_INSEE / "cog"),
                str(NEET),
            ],
        }
    )


def test_ccphg_employment_rates(portrait, raw):
    e = raw["emploi"]
    assert len(e) == 76
    assert portrait.value("taux_chomage_15_64", 2022) == pytest.approx(
        100 * _sum(e, "P22_CHOM1564") / _sum(e, "P22_ACT1564"), rel=1e-12
    )
    assert portrait.value("taux_chomage_15_64", 2016) == pytest.approx(
        100 * _sum(e, "P16_CHOM1564") / _sum(e, "P16_ACT1564"), rel=1e-12
    )
    assert portrait.value("taux_chomage_15_24", 2022) == pytest.approx(
        100 * _sum(e, "P22_CHOM1524") / _sum(e, "P22_ACT1524"), rel=1e-12
    )
    assert portrait.value("taux_activite_15_64", 2022) == pytest.approx(
        100 * _sum(e, "P22_ACT1564") / _sum(e, "P22_POP1564"), rel=1e-12
    )
    assert portrait.value("taux_emploi_15_64", 2022) == pytest.approx(
        100 * _sum(e, "P22_ACTOCC1564") / _sum(e, "P22_POP1564"), rel=1e-12
    )
    # 2016 → 2022: six years, the gap the rule allows when 2022 is involved
    change = portrait.value("taux_chomage_15_64_evolution", "2016-2022")
    assert change == pytest.approx(
        portrait.value("taux_chomage_15_64", 2022) - portrait.value("taux_chomage_15_64", 2016)
    )


def test_ccphg_diplomas_follow_each_vintage_grouping(portrait, raw):
    d = raw["diplomes"]
    n22, n16 = _sum(d, "P22_NSCOL15P"), _sum(d, "P16_NSCOL15P")
    assert portrait.value("part_sans_diplome_15p", 2022) == pytest.approx(
        100 * _sum(d, "P22_NSCOL15P_DIPLMIN") / n22, rel=1e-12
    )
    # RP2016's DIPLMIN includes the BEPC: no "sans diplôme" figure for 2016
    assert portrait.value("part_sans_diplome_15p", 2016) != portrait.value(
        "part_sans_diplome_15p", 2016
    )
    assert portrait.value("part_diplome_max_bepc_15p", 2016) == pytest.approx(
        100 * _sum(d, "P16_NSCOL15P_DIPLMIN") / n16, rel=1e-12
    )
    assert portrait.value("part_diplome_max_bepc_15p", 2022) == pytest.approx(
        100 * _sum(d, "P22_NSCOL15P_DIPLMIN", "P22_NSCOL15P_BEPC") / n22, rel=1e-12
    )
    assert portrait.value("part_diplomes_superieur_15p", 2022) == pytest.approx(
        100 * _sum(d, "P22_NSCOL15P_SUP2", "P22_NSCOL15P_SUP34", "P22_NSCOL15P_SUP5") / n22,
        rel=1e-12,
    )
    assert portrait.value("part_diplomes_superieur_15p", 2016) == pytest.approx(
        100 * _sum(d, "P16_NSCOL15P_SUP") / n16, rel=1e-12
    )
    assert portrait.value("taux_scolarisation_18_24", 2022) == pytest.approx(
        100 * _sum(d, "P22_SCOL1824") / _sum(d, "P22_POP1824"), rel=1e-12
    )


def test_ccphg_and_haute_garonne_neet_from_their_own_files(portrait, raw):
    def published(level, code):
        return {
            r["an"]: float(r["part_non_inseres"].replace(",", "."))
            for r in raw["neet"][level]
            if r["codgeo"] == code
        }

    epci = published("epci", EPCI)
    assert set(epci) == {"2008", "2013", "2018"}
    for year, value in epci.items():
        assert portrait.value("part_neet_15_24", year) == pytest.approx(value)
    for year, value in published("dpt", "31").items():
        assert portrait.value("part_neet_15_24", year, "departement:31") == pytest.approx(value)
    figures = portrait.figures
    france = figures[
        (figures["indicateur"] == "part_neet_15_24") & (figures["territoire"] == "france:FRM")
    ]
    assert len(france) == 1 and not france["disponible"].iloc[0]
    # the census bases of Haute-Garonne are not all there: its rates are not computed
    assert not figures[
        (figures["indicateur"] == "taux_chomage_15_64")
        & (figures["territoire"] == "departement:31")
    ]["disponible"].any()
