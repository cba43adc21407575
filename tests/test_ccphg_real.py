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


# ------------------------------------------- bundled geography tables vs real files


def _bundled(name):
    from importlib import resources

    path = resources.files("ctgstats") / "data" / name
    with open(str(path), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def geography(insee):
    import json

    geojson = insee.parent / "geo" / "communes-31-2018" / "communes-31-haute-garonne.geojson"
    with open(geojson, encoding="utf-8") as handle:
        ign2018 = {
            f["properties"]["code"]: f["properties"]["nom"] for f in json.load(handle)["features"]
        }
    cog2020 = {
        r["CODGEO"]: r
        for r in _rows(
            insee / "cog" / "EPCI_2020_composition-communale_dep31.csv", encoding="utf-8-sig"
        )
    }
    cog2026 = {r["code"]: r for r in _rows(insee / "cog" / "communes-epci-2026_dep31.csv")}
    filo2016 = {
        r["CODGEO"]: r["LIBGEO"]
        for r in _rows(insee / "filosofi-dep31" / "FILO2016_DISP_COM.csv", encoding="utf-8-sig")
    }
    return {"ign2018": ign2018, "cog2020": cog2020, "cog2026": cog2026, "filo2016": filo2016}


def test_every_row_of_the_movements_complement_matches_the_real_geography(geography):
    """Each row: the old code exists before the merge with its name, the new one after."""
    rows = _bundled("mouvements_communes_complement.csv")
    outside = [r for r in rows if not r["COM_AV"].startswith("31")]
    # only rows these files can check are shipped (the README gives each row's source)
    assert outside == [], f"rows outside département 31 cannot be checked here: {outside}"
    for row in rows:
        old, new = row["COM_AV"], row["COM_AP"]
        # before the merge (IGN 2018 geography): the old code is that commune
        assert geography["ign2018"].get(old) == row["LIBELLE_AV"], row
        if row["TYPECOM_AP"] == "COM":
            # after the merge (COG 2020 and 2026): the new code carries the new name
            assert geography["cog2020"][new]["LIBGEO"] == row["LIBELLE_AP"], row
            assert geography["cog2026"][new]["nom"] == row["LIBELLE_AP"], row
            if old != new:
                assert old not in geography["cog2020"] and old not in geography["cog2026"]
        else:  # commune déléguée: keeps the old code and name
            assert (row["COM_AP"], row["LIBELLE_AP"]) == (old, row["LIBELLE_AV"]), row
    # 31438 (listed by Filosofi 2016) is Pradère-les-Bourguets, not Lez
    assert geography["filo2016"]["31438"] == "Pradère-les-Bourguets"
    assert geography["ign2018"]["31298"] == "Lez"


def test_the_departements_regions_table_matches_the_real_files(geography):
    rows = {r["DEP"]: r for r in _bundled("departements_regions.csv")}
    assert len(rows) == 101  # 96 metropolitan départements + 5 DOM
    # département 31 is the only one these files cover: the other 100 rows cannot be
    # checked here (source: INSEE v_departement, see src/ctgstats/data/README.md)
    assert {r["REG"] for r in geography["cog2020"].values()} == {rows["31"]["REG"]} == {"76"}
    assert {r["region"] for r in geography["cog2026"].values()} == {"76"}
    assert {r["DEP"] for r in geography["cog2020"].values()} == {"31"}
    assert rows["31"]["LIBELLE"] == "Haute-Garonne"


def test_filosofi_2016_harmonises_saint_beat_and_lez(insee):
    from ctgstats.core.params import parse_params
    from ctgstats.data.catalog import Catalog
    from ctgstats.portrait.build import compute_portrait

    params = parse_params(
        {
            "territory": {"level": "epci", "code": EPCI},
            "data_dirs": [
                str(insee / "rp2022-ccphg"),
                str(insee / "filosofi-dep31"),
                str(insee / "cog"),
            ],
            "income": {"year": 2016},
        }
    )
    portrait = compute_portrait(params, Catalog.from_dirs(params.data_dirs))
    table = portrait.tables["harmonisation"]
    saint_beat = table[table["code_cog"] == "31471"]
    # Lez (31298) is secret in Filosofi 2016: the merge is recorded, incomplete
    assert saint_beat["anciens_codes"].tolist() == ["31298, 31471"]
    assert saint_beat["operation"].tolist() == ["fusion incomplète"]
    assert "31298" in saint_beat["detail"].iloc[0]
    assert not table["anciens_codes"].str.contains("31438").any()
    communes = portrait.tables["communes"].set_index("code")
    assert math.isnan(communes.loc["31471", "revenu_median_uc_2016"])  # not Saint-Béat alone


def test_comparators_are_named_in_the_sentences_and_region_is_not_haute_garonne(portrait, raw):
    from ctgstats.present.formatting import fr_int

    # the composition (2026, Haute-Garonne only) does not hold Occitanie's 12 other
    # départements: its census figures are not computed, its income comes from FILO REG
    row = portrait.figures[
        (portrait.figures["territoire"] == "region:76")
        & (portrait.figures["indicateur"] == "population")
        & (portrait.figures["annee"] == "2022")
    ].iloc[0]
    assert not row["disponible"] and "composition incomplète" in row["note"]
    assert any("Occitanie" in p and "composition incomplète" in p for p in portrait.vigilance)
    income = [s for s in portrait.findings["constat"] if "revenu disponible médian" in s][0]
    filo = raw["filo"]
    for level, code, where in (
        ("DEP", "31", "en Haute-Garonne"),
        ("REG", "76", "en Occitanie"),
        ("METROPOLE", "1", "en France métropolitaine"),
    ):
        assert f"{fr_int(float(filo[level][code]['Q219']))}\u00a0€ {where}" in income
    assert "en France " not in income.replace("en France métropolitaine", "")
    assert portrait.comparators[-1].label == "France métropolitaine"
