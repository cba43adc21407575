"""The employment, schooling and youth chapter (rule 19) on hand-made frames and the demo.

Unit tests compute the expected rates by hand; the demo tests recompute them straight from
the generated files with pandas and zipfile (not through ctgstats' readers).
"""

from __future__ import annotations

import io
import math
import zipfile
from types import SimpleNamespace

import pandas as pd
import pytest
from tests.helpers import one

from ctgstats.core.codes import Level
from ctgstats.core.territories import ResolvedTerritory
from ctgstats.data import sources
from ctgstats.data.catalog import Catalog
from ctgstats.data.readers import DataFileError
from ctgstats.demo import DATA_DIR
from ctgstats.portrait.build import build_portrait
from ctgstats.portrait.employment import compute, read

T1, T2 = "epci:1", "epci:2"


@pytest.fixture
def totals() -> pd.DataFrame:
    row1 = {
        "P22_POP1564": 1000.0,
        "P22_ACT1564": 700.0,
        "P22_ACTOCC1564": 630.0,
        "P22_CHOM1564": 70.0,
        "P22_ACT1524": 50.0,
        "P22_CHOM1524": 11.0,
        "P22_POP1824": 300.0,
        "P22_SCOL1824": 90.0,
        "P22_NSCOL15P": 1200.0,
        "P22_NSCOL15P_DIPLMIN": 180.0,
        "P22_NSCOL15P_BEPC": 60.0,
        "P22_NSCOL15P_SUP2": 120.0,
        "P22_NSCOL15P_SUP34": 100.0,
        "P22_NSCOL15P_SUP5": 80.0,
        "P16_POP1564": 1100.0,
        "P16_ACT1564": 770.0,
        "P16_ACTOCC1564": 680.0,
        "P16_CHOM1564": 90.0,
        "P16_POP1824": 320.0,
        "P16_SCOL1824": 80.0,
        "P16_NSCOL15P": 1250.0,
        "P16_NSCOL15P_DIPLMIN": 300.0,  # old grouping: includes the BEPC
        "P16_NSCOL15P_SUP": 250.0,
    }
    row2 = {k: v * 2 for k, v in row1.items()}
    return pd.DataFrame([row1, row2], index=[T1, T2])


def test_rates_are_sums_over_sums_with_the_vintage_definition(totals):
    years = compute.chapter_years(list(totals.columns))
    assert years == [2016, 2022]
    frame = compute.rates(totals, years=years, fallback_year=2022, threshold=200)
    assert one(frame, T1, "taux_chomage_15_64", "2022")["valeur"] == pytest.approx(10.0)
    assert one(frame, T1, "taux_chomage_15_64", "2016")["valeur"] == pytest.approx(100 * 90 / 770)
    assert one(frame, T1, "taux_activite_15_64", "2022")["valeur"] == pytest.approx(70.0)
    assert one(frame, T1, "taux_emploi_15_64", "2022")["valeur"] == pytest.approx(63.0)
    assert one(frame, T1, "taux_scolarisation_18_24", "2022")["valeur"] == pytest.approx(30.0)
    # no diploma or CEP: only where the BEPC is published apart (rule 19, definition break)
    assert one(frame, T1, "part_sans_diplome_15p", "2022")["valeur"] == pytest.approx(15.0)
    assert frame[
        (frame["indicateur"] == "part_sans_diplome_15p") & (frame["annee"] == "2016")
    ].empty
    bepc = "part_diplome_max_bepc_15p"
    assert one(frame, T1, bepc, "2022")["valeur"] == pytest.approx(100 * 240 / 1200)
    assert one(frame, T1, bepc, "2016")["valeur"] == pytest.approx(100 * 300 / 1250)
    sup = "part_diplomes_superieur_15p"
    assert one(frame, T1, sup, "2022")["valeur"] == pytest.approx(25.0)
    assert one(frame, T1, sup, "2016")["valeur"] == pytest.approx(20.0)
    assert "un seul groupe" in one(frame, T1, sup, "2016")["note"]
    # youth: small counts are flagged (50 actives aged 15-24 < 200), not in T2 (100 < 200)
    young = one(frame, T1, "taux_chomage_15_24", "2022")
    assert young["valeur"] == pytest.approx(22.0)
    assert "effectif faible" in young["note"]
    # the census unemployment rate says it is neither ILO nor France Travail (rule 19)
    definition = one(frame, T1, "taux_chomage_15_64", "2022")["definition"]
    assert "au sens du recensement" in definition and "BIT" in definition
    assert "France Travail" in definition
    # missing base: "non disponible" with the reason, never a zero
    work = one(frame, T1, "part_actifs_travaillant_hors_commune", "2022")
    assert not work["disponible"] and math.isnan(work["valeur"])
    assert "Caractéristiques de l'emploi" in work["note"]


def test_changes_only_between_comparable_vintages(totals):
    frame = compute.changes(totals, years=[2016, 2022], threshold=None)
    change = one(frame, T1, "taux_chomage_15_64_evolution", "2016-2022")
    assert change["valeur"] == pytest.approx(10.0 - 100 * 90 / 770)
    assert change["unite"] == "points"
    bepc = one(frame, T1, "part_diplome_max_bepc_15p_evolution", "2016-2022")
    assert bepc["valeur"] == pytest.approx(20.0 - 24.0)
    assert "part_sans_diplome_15p_evolution" not in set(frame["indicateur"])
    # 2019 → 2022: 3 years, below the 6 advised when 2019-2023 is involved (rule 1)
    close = totals.rename(columns=lambda c: c.replace("P16_", "P19_"))
    assert compute.changes(close, years=[2019, 2022], threshold=None).empty


def test_unemployment_uses_actives_not_population(totals):
    """The rate is over the actives: changing the 15-64 population leaves it unchanged."""
    changed = totals.copy()
    changed.loc[T1, "P22_POP1564"] = 5000.0
    frame = compute.rates(changed, years=[2022], fallback_year=2022, threshold=None)
    assert one(frame, T1, "taux_chomage_15_64", "2022")["valeur"] == pytest.approx(10.0)


def test_older_transport_shares_from_the_complementary_exploitation_carry_intervals():
    """Before RP2022 the mode of transport is a C variable: a 95 % interval (rule 4b)."""
    totals = pd.DataFrame(
        {
            "C16_ACTOCC15P": [400.0],
            "C16_ACTOCC15P_VOIT": [300.0],
            "P22_ACTOCC15P": [420.0],
            "P22_ACTOCC15P_VOITURE": [330.0],
        },
        index=[T1],
    )
    design = 3.0  # (1 − 1/4) / (1/4)
    variances = compute.variance_terms(totals, year=2016, design=design)
    frame = compute.rates(
        totals, years=[2016, 2022], fallback_year=2022, threshold=None, variances=variances
    )
    old = one(frame, T1, "part_actifs_voiture", "2016")
    q = 300 / 400
    half = 1.959963984540054 * 100 * math.sqrt(design * q * (1 - q) / 400)
    assert old["valeur"] == pytest.approx(75.0)
    assert old["ic_bas"] == pytest.approx(75.0 - half)
    assert old["ic_haut"] == pytest.approx(75.0 + half)
    assert "exploitation complémentaire" in old["source"]
    new = one(frame, T1, "part_actifs_voiture", "2022")
    assert new["valeur"] == pytest.approx(100 * 330 / 420)
    assert math.isnan(new["ic_bas"])  # principal exploitation: exhaustive
    # no change between a C and a P figure
    assert compute.changes(totals, years=[2016, 2022], threshold=None, variances=variances).empty


def _territory(level: Level, code: str, name: str = "x") -> ResolvedTerritory:
    return ResolvedTerritory(level, code, name, ("31001",), 2025)


def test_neet_comes_from_the_file_of_the_territory_level():
    epci = pd.DataFrame(
        {
            "code": ["200072635", "200072635", "200000000"],
            "libelle": ["CCPHG", "CCPHG", "Autre"],
            "annee": [2013, 2018, 2018],
            "valeur": [14.0, 14.8, 9.9],
            "fichier": ["neet_epci_2018.csv"] * 3,
        }
    )
    catalog = SimpleNamespace(neet_table=lambda *, level: epci if level == "EPCI" else None)
    territories = [
        _territory(Level.EPCI, "200072635"),
        _territory(Level.DEPARTEMENT, "31"),
        _territory(Level.GROUPE, "g1"),
        _territory(Level.FRANCE, "FRM"),
    ]
    youth = pd.Series({"epci:200072635": 150.0})
    frame = read.neet_figures(catalog, territories, youth=youth, threshold=200, fallback_year=2022)
    own = one(frame, "epci:200072635", "part_neet_15_24", "2018")
    assert own["valeur"] == pytest.approx(14.8)
    assert "15 à 24 ans faible" in own["note"]
    assert one(frame, "epci:200072635", "part_neet_15_24", "2013")["valeur"] == 14.0
    dep = one(frame, "departement:31", "part_neet_15_24", "2018")
    assert not dep["disponible"] and "aucun fichier" in dep["note"]
    group = one(frame, "groupe:g1", "part_neet_15_24", "2018")
    assert not group["disponible"] and "groupe de communes" in group["note"]
    assert "bases communales" in group["note"]  # never approximated (rule 19)
    assert not one(frame, "france:FRM", "part_neet_15_24", "2018")["disponible"]


NEET_TEXT = (
    "\ufeffcodgeo;libgeo;an;part_non_inseres\r\n"
    "31;Haute-Garonne;2013;13,80\r\n"
    "31;Haute-Garonne;2018;13,50\r\n"
    "32;Gers;2018;\r\n"
)


def test_neet_files_are_discovered_and_read(tmp_path):
    (tmp_path / "neet_dpt_2018.csv").write_bytes(NEET_TEXT.encode("utf-8"))
    found = sources.discover([tmp_path])
    assert [(f.source.id, f.vintage, f.level) for f in found] == [
        ("observatoire_neet", 2018, "DEP")
    ]
    table = Catalog.from_dirs([str(tmp_path)], cache_dir=tmp_path / "cache").neet_table(level="DEP")
    assert table is not None
    assert list(table["code"]) == ["31", "31", "32"]
    assert list(table["annee"]) == [2013, 2018, 2018]
    assert table["valeur"].iloc[1] == pytest.approx(13.5)
    assert math.isnan(table["valeur"].iloc[2])  # blank: not published, never 0


def test_neet_file_without_its_column_names_the_file_and_column(tmp_path):
    text = NEET_TEXT.replace("part_non_inseres", "part")
    (tmp_path / "neet_dpt_2018.csv").write_bytes(text.encode("utf-8"))
    catalog = Catalog.from_dirs([str(tmp_path)], cache_dir=None)
    with pytest.raises(DataFileError, match="part_non_inseres") as error:
        catalog.neet_table(level="DEP")
    assert "neet_dpt_2018.csv" in str(error.value)


def test_census_bases_of_the_chapter_are_discovered(tmp_path):
    for name in (
        "base-cc-emploi-pop-active-2022.csv",
        "base-cc-diplomes-formation-2022.csv",
        "base-cc-caract_emp-2022.csv",
    ):
        (tmp_path / name).write_text("CODGEO;P22_POP\n31001;1\n", encoding="utf-8")
    found = {f.source.id for f in sources.discover([tmp_path])}
    assert found == {"rp_emploi_pop_active", "rp_diplomes_formation", "rp_caract_emp"}
    assert {"rp_emploi_pop_active", "rp_diplomes_formation", "rp_caract_emp"} <= set(
        sources.CENSUS_SOURCE_IDS
    )


# ------------------------------------------------------------------ demo (loaders)

RP = DATA_DIR / "insee" / "rp"
EPCI = "000000101"


def _zip_csv(name: str) -> pd.DataFrame:
    with zipfile.ZipFile(RP / f"{name}_csv.zip") as archive:
        member = next(m for m in archive.namelist() if not m.startswith("meta_"))
        frame = pd.read_csv(io.BytesIO(archive.read(member)), sep=";", dtype={"CODGEO": str})
    return frame.set_index("CODGEO")


@pytest.fixture(scope="module")
def demo():
    composition = pd.read_excel(
        DATA_DIR / "insee" / "cog" / "Intercommunalite_Metropole_au_01-01-2025.xlsx",
        sheet_name="Composition_communale",
        header=5,
        dtype=str,
    )
    communes = composition.loc[composition["EPCI"] == EPCI, "CODGEO"].tolist()
    portrait = build_portrait(
        {
            "territory": {"level": "epci", "code": EPCI},
            "cog_year": 2025,
            "census": {"vintages": [2011, 2016, 2022]},
            "data_dirs": ["ctgstats:demo"],
        }
    )
    return communes, portrait


def test_demo_rates_match_the_raw_files(demo):
    communes, portrait = demo
    emploi = _zip_csv("base-cc-emploi-pop-active-2022").loc[communes].sum()
    diplomes = _zip_csv("base-cc-diplomes-formation-2022").loc[communes].sum()
    caract = _zip_csv("base-cc-caract_emp-2022").loc[communes].sum()
    pop = _zip_csv("base-cc-evol-struct-pop-2022").loc[communes].sum()
    expected = {
        "taux_chomage_15_64": 100 * emploi["P22_CHOM1564"] / emploi["P22_ACT1564"],
        "taux_chomage_15_24": 100 * emploi["P22_CHOM1524"] / emploi["P22_ACT1524"],
        "part_sans_diplome_15p": 100 * diplomes["P22_NSCOL15P_DIPLMIN"] / diplomes["P22_NSCOL15P"],
        "taux_scolarisation_18_24": 100 * diplomes["P22_SCOL1824"] / diplomes["P22_POP1824"],
        "part_actifs_voiture": 100 * caract["P22_ACTOCC15P_VOITURE"] / caract["P22_ACTOCC15P"],
    }
    for indicator, value in expected.items():
        assert portrait.value(indicator, 2022) == pytest.approx(value, rel=1e-9), indicator
    # the demo's ages agree with the population base
    assert emploi["P22_POP5564"] == pytest.approx(pop["P22_POP5564"], abs=1e-3)
    assert diplomes["P22_POP1824"] == pytest.approx(pop["P22_POP1824"], abs=1e-3)
    neet = pd.read_csv(
        DATA_DIR / "observatoire" / "neet" / "neet_epci_2022.csv",
        sep=";",
        decimal=",",
        dtype={"codgeo": str},
        encoding="utf-8-sig",
    )
    row = neet[(neet["codgeo"] == EPCI) & (neet["an"] == 2022)]
    assert portrait.value("part_neet_15_24", 2022) == pytest.approx(row["part_non_inseres"].iloc[0])
    table = portrait.tables["emploi_communes"]
    assert list(table["commune"]) == sorted(table["commune"])
    assert set(table["code"]) == set(communes)
