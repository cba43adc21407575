"""The portrait of the fictional demo EPCI, checked against the raw demo files.

Expected values are recomputed here straight from the generated files with pandas and
zipfile (not through ctgstats' readers), then compared with the portrait's figures.
"""

from __future__ import annotations

import io
import math
import zipfile

import pandas as pd
import pytest

from ctgstats.data.catalog import Catalog
from ctgstats.demo import DATA_DIR
from ctgstats.portrait.build import build_portrait
from ctgstats.portrait.identities import check_file
from ctgstats.portrait.model import KEY_FIGURE_COLUMNS

RP = DATA_DIR / "insee" / "rp"
FILO = DATA_DIR / "insee" / "filosofi"
EPCI = "000000101"


def _zip_csv(name: str) -> pd.DataFrame:
    with zipfile.ZipFile(RP / f"{name}_csv.zip") as archive:
        member = next(m for m in archive.namelist() if not m.startswith("meta_"))
        return pd.read_csv(io.BytesIO(archive.read(member)), sep=";", dtype={"CODGEO": str})


@pytest.fixture(scope="module")
def raw():
    composition = pd.read_excel(
        DATA_DIR / "insee" / "cog" / "Intercommunalite_Metropole_au_01-01-2025.xlsx",
        sheet_name="Composition_communale",
        header=5,
        dtype=str,
    )
    communes = composition.loc[composition["EPCI"] == EPCI, "CODGEO"].tolist()
    pop = _zip_csv("base-cc-evol-struct-pop-2022").set_index("CODGEO")
    fam = pd.read_excel(
        RP / "base-cc-coupl-fam-men-2022.xlsx", sheet_name="COM", header=5, dtype={"CODGEO": str}
    ).set_index("CODGEO")
    hist = _zip_csv("base-cc-serie-historique-2022").set_index("CODGEO")
    filo = pd.read_csv(
        FILO / "FILO2019_DISP_EPCI.csv",
        sep=";",
        decimal=",",
        dtype={"CODGEO": str},
        encoding="utf-8-sig",
    ).set_index("CODGEO")
    return {
        "communes": communes,
        "all": composition["CODGEO"].tolist(),
        "pop": pop.loc[communes].sum(),
        "pop_dep": pop.sum(),
        "fam": fam.loc[communes].sum(numeric_only=True),
        "hist": hist.loc[communes].sum(),
        "filo": filo,
    }


@pytest.fixture(scope="module")
def portrait():
    return build_portrait(
        {
            "territory": {"level": "epci", "code": EPCI},
            "cog_year": 2025,
            "data_dirs": ["ctgstats:demo"],
        }
    )


def test_territory_and_comparators(portrait, raw):
    assert portrait.fictional
    assert portrait.territory.communes == tuple(sorted(raw["communes"]))
    assert [c.id for c in portrait.comparators] == ["departement:00", "france:FRM"]
    assert portrait.vintages == [2011, 2016, 2022]


def test_population_and_growth(portrait, raw):
    p11, p22 = raw["pop"]["P11_POP"], raw["pop"]["P22_POP"]
    assert portrait.value("population", 2022) == pytest.approx(p22, rel=1e-12)
    assert portrait.value("population_tcam", "2011-2022") == pytest.approx(
        ((p22 / p11) ** (1 / 11) - 1) * 100, rel=1e-9
    )
    births = raw["hist"]["NAIS1116"] + raw["hist"]["NAIS1622"]
    deaths = raw["hist"]["DECE1116"] + raw["hist"]["DECE1622"]
    assert portrait.value("solde_naturel", "2011-2022") == pytest.approx(births - deaths)
    assert portrait.value("solde_migratoire_apparent", "2011-2022") == pytest.approx(
        (p22 - p11) - (births - deaths)
    )


def test_ages(portrait, raw):
    pop = raw["pop"]
    share_60 = (pop["P22_POP6074"] + pop["P22_POP7589"] + pop["P22_POP90P"]) / pop["P22_POP"]
    assert portrait.value("part_60_plus", 2022) == pytest.approx(100 * share_60, rel=1e-9)
    assert portrait.value("indice_vieillissement", 2022) == pytest.approx(
        100 * pop["P22_POP65P"] / pop["P22_POP0019"], rel=1e-9
    )
    dep = raw["pop_dep"]
    assert portrait.value("part_75_plus", 2022, "departement:00") == pytest.approx(
        100 * (dep["P22_POP7589"] + dep["P22_POP90P"]) / dep["P22_POP"], rel=1e-9
    )
    # P16 columns are taken from the most recent publication (the RP2022 base)
    assert portrait.value("part_75_plus", 2016) == pytest.approx(
        100 * (pop["P16_POP7589"] + pop["P16_POP90P"]) / pop["P16_POP"], rel=1e-9
    )


def test_families(portrait, raw):
    fam = raw["fam"]
    with_children_11 = fam["C11_COUPAENF"] + fam["C11_FAMMONO"]
    with_children_22 = fam["C22_COUPAENF"] + fam["C22_FAMMONO"]
    assert portrait.value("familles_avec_enfants_evolution", "2011-2022") == pytest.approx(
        with_children_22 - with_children_11
    )
    assert portrait.value("part_familles_monoparentales", 2022) == pytest.approx(
        100 * fam["C22_FAMMONO"] / with_children_22
    )
    assert portrait.value("familles_avec_enfants_moins_25", 2022) == pytest.approx(
        fam["C22_FAM"] - fam["C22_NE24F0"]
    )
    assert portrait.value("familles_nombreuses", 2022) == pytest.approx(
        fam["C22_NE24F3"] + fam["C22_NE24F4P"]
    )
    assert portrait.value("taille_moyenne_menages", 2022) == pytest.approx(
        fam["C22_PMEN"] / fam["C22_MEN"]
    )


def test_income_comes_from_the_epci_file(portrait, raw):
    assert portrait.value("revenu_median_uc", 2019) == raw["filo"].loc[EPCI, "Q219"]
    france = portrait.value("revenu_median_uc", 2019, "france:FRM")
    assert not math.isnan(france)


def test_merged_commune_is_harmonised(portrait):
    table = portrait.tables["harmonisation"]
    assert set(table["code_cog"]) == {"00012"}
    assert all(codes == "00012, 00013" for codes in table["anciens_codes"])
    assert any("harmonisée" in point for point in portrait.vigilance)


def test_key_figures_table_has_the_public_columns(portrait):
    table = portrait.key_figures()
    assert list(table.columns) == KEY_FIGURE_COLUMNS
    ids = set(table["indicateur"])
    required = {
        "population",
        "population_evolution",
        "population_tcam",
        "part_moins_15",
        "part_60_plus",
        "part_75_plus",
        "part_65_plus",
        "indice_vieillissement",
        "menages",
        "taille_moyenne_menages",
        "part_menages_une_personne",
        "familles",
        "familles_avec_enfants",
        "familles_avec_enfants_evolution",
        "familles_avec_enfants_moins_25",
        "familles_monoparentales",
        "part_familles_monoparentales",
        "familles_nombreuses",
        "revenu_median_uc",
    }
    assert required <= ids
    assert set(table["niveau"]) == {"epci", "departement", "france"}
    france_pop = table[(table["indicateur"] == "population") & (table["niveau"] == "france")]
    assert france_pop["valeur"].isna().all()
    assert france_pop["source"].str.startswith("non disponible").all()


def test_findings_are_french_sentences(portrait):
    text = " ".join(portrait.findings["constat"])
    assert "Entre 2011 et 2022, le territoire a perdu" in text
    assert "familles avec enfant(s)" in text
    assert "\u00a0%" in text  # French percent spacing


def test_demo_files_pass_the_input_identities(portrait, tmp_path):
    # the demo's weighted decimals (6 decimals) add up within 0.01 per part
    catalog = Catalog.from_dirs(["ctgstats:demo"], cache_dir=tmp_path)
    tables = catalog.rp_tables()
    assert len(tables) == 7  # + base-cc-logement 2022 and 2016
    for found, table in tables:
        report = check_file(table, label=found.path.name)
        assert report.checked, found.path.name
        assert report.breaks == [], found.path.name
        assert not report.integer_cells and report.pattern == "none", found.path.name
    # and the portrait says nothing about them
    assert not any("identité" in p or "nombres entiers" in p for p in portrait.vigilance)
    assert not any("tronqués" in p or "arrondis à l'entier" in p for p in portrait.vigilance)
