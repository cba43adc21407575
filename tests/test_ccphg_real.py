"""The portrait of the real CC Pyrénées Haut-Garonnaises (EPCI 200072635).

Reads the real INSEE extracts in ../shared/data/insee (skipped when absent). Expected
values are computed here from the raw files with the ``csv`` module only.
"""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest
from tests.helpers import SHARED_INSEE

from ctgstats.portrait.build import build_portrait
from ctgstats.portrait.identities import check_file, identity_points

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


def _commune_variance(fam, count_columns, year):
    """Σ_c g N_c (1 − N_c / M_c) with g = 3: every CCPHG commune is under 10,000."""
    total = 0.0
    for row in fam:
        n = sum(float(row[f"C{year}_{c}"]) for c in count_columns)
        m = float(row[f"C{year}_MEN"])
        p = min(n / m, 1.0) if m > 0 else 0.0
        total += 3.0 * n * (1.0 - p)
    return total


def test_precision_of_families_with_children(portrait, raw):
    """Rule 4b: the 95 % interval of a C count and of a change (reviewer: se ≈ 66–69)."""
    fam, pop = raw["fam"], raw["pop"]
    assert max(float(r["P22_POP"]) for r in pop) < 10_000
    table = portrait.figures[portrait.figures["territoire"] == portrait.territory.id]
    variances = {}
    for year in ("11", "22"):
        variance = _commune_variance(fam, ("COUPAENF", "FAMMONO"), year)
        variances[year] = variance
        assert 62.0 < math.sqrt(variance) < 70.0
        row = table[
            (table["indicateur"] == "familles_avec_enfants") & (table["annee"] == f"20{year}")
        ].iloc[0]
        half = 1.959964 * math.sqrt(variance)
        assert row["ic_bas"] == pytest.approx(row["valeur"] - half, rel=1e-6)
        assert row["ic_haut"] == pytest.approx(row["valeur"] + half, rel=1e-6)
    change = table[table["indicateur"] == "familles_avec_enfants_evolution"]
    change = change[change["annee"] == "2011-2022"].iloc[0]
    half = 1.959964 * math.sqrt(variances["11"] + variances["22"])
    assert 175 < half < 195  # "changes under about ±190 cannot be told from noise"
    assert change["ic_haut"] == pytest.approx(-233 + half, rel=1e-6)
    # −233 lies outside ± 183: a real decrease, said with its interval
    sentence = " ".join(portrait.findings["constat"])
    assert "passe de 2\u00a0200 à 1\u00a0967" in sentence
    assert "intervalle de confiance à 95" in sentence
    # 2016 → 2022: single-parent families 737 → 702, well inside the noise
    mono = table[
        (table["indicateur"] == "familles_monoparentales_evolution")
        & (table["annee"] == "2016-2022")
    ].iloc[0]
    assert mono["ic_bas"] < 0 < mono["ic_haut"]
    assert "non significative au regard de la précision du recensement" in mono["note"]


def test_households_with_children_fam_t1(portrait, raw):
    """Rule 4c: households by the type of their main family (INSEE's FAM T1)."""
    fam = raw["fam"]
    expected = {
        y: _sum(fam, f"C{y}_MENCOUPAENF") + _sum(fam, f"C{y}_MENFAMMONO")
        for y in ("11", "16", "22")
    }
    for y, value in expected.items():
        assert portrait.value("menages_avec_enfants", f"20{y}") == value
        assert portrait.value("part_menages_avec_enfants", f"20{y}") == pytest.approx(
            100 * value / _sum(fam, f"C{y}_MEN")
        )
        assert portrait.value("menages_monoparentaux", f"20{y}") == _sum(fam, f"C{y}_MENFAMMONO")
    assert portrait.value("menages_avec_enfants_evolution", "2011-2022") == (
        expected["22"] - expected["11"]
    )
    # households are not families: the two series differ
    assert portrait.value("menages_avec_enfants", 2022) != portrait.value(
        "familles_avec_enfants", 2022
    )
    table = portrait.key_figures()
    assert list(table.columns)[-3:] == ["ic_bas", "ic_haut", "note"]
    mine = table[(table["indicateur"] == "menages_avec_enfants") & (table["code"] == EPCI)]
    assert sorted(mine["annee"]) == ["2011", "2016", "2022"]
    assert mine["ic_bas"].notna().all() and (mine["ic_bas"] < mine["valeur"]).all()
    evolution = table[
        (table["indicateur"] == "menages_avec_enfants_evolution") & (table["code"] == EPCI)
    ]
    assert {"2011-2022", "2011-2016", "2016-2022"} <= set(evolution["annee"])


def test_families_under_25_one_formula(portrait, raw):
    """Rule 5: Σ C_NE24F1..F4P everywhere (≠ C_FAM − C_NE24F0 on a truncated file)."""
    fam = raw["fam"]
    parts = sum(_sum(fam, f"C22_NE24F{k}") for k in ("1", "2", "3", "4P"))
    assert portrait.value("familles_avec_enfants_moins_25", 2022) == parts
    assert parts != _sum(fam, "C22_FAM") - _sum(fam, "C22_NE24F0")


# ------------------------------------------------------------------ input identities


def _residual(row, total, parts):
    return float(row[total]) - sum(float(row[p]) for p in parts)


AGES = ("0014", "1529", "3044", "4559", "6074", "7589", "90P")


def test_truncated_extracts_are_said_in_the_vigilance_points(portrait, raw):
    # readers see the sources' titles, never the file names
    pop_file = "Évolution et structure de la population en 2022 — recensement, base communale"
    fam_file = "Couples - Familles - Ménages en 2022 — recensement, base communale"
    assert not [p for p in portrait.vigilance if "base-cc-" in p]
    points = [p for p in portrait.vigilance if p.startswith((pop_file, fam_file))]
    # C variables published as whole numbers: the couples-families file is flagged
    assert f"{fam_file} : les effectifs de ce fichier sont des nombres entiers" in "\n".join(points)
    # the population file: POP − Σ 7 age groups (3 vintages) and POP − (POPH + POPF)
    pop = raw["pop"]
    sex = {r["CODGEO"]: _residual(r, "P22_POP", ("P22_POPH", "P22_POPF")) for r in pop}
    ages = {
        r["CODGEO"]: [
            _residual(r, f"P{y}_POP", [f"P{y}_POP{a}" for a in AGES]) for y in ("22", "16", "11")
        ]
        for r in pop
    }
    assert all(0 <= value <= 6 for values in ages.values() for value in values)  # n − 1 = 6
    broken = sorted(code for code, value in sex.items() if not 0 <= value <= 1)
    assert broken == ["31125"]  # P22_POP 31 < P22_POPH 16 + P22_POPF 16
    kept = {code: [*ages[code], *([] if code in broken else [sex[code]])] for code in ages}
    excess = sum(any(v > 0 for v in values) for values in kept.values())
    largest = max(v for values in kept.values() for v in values)
    (truncated,) = [p for p in points if p.startswith(f"{pop_file} : effectifs tronqués")]
    assert f"Dans {excess} commune(s) sur 76" in truncated
    assert f"d'au plus {largest:.0f} " in truncated
    (sex_break,) = [p for p in points if "hommes + femmes" in p]
    assert sex_break.startswith(
        f"{pop_file} : l'identité « population (P22_POP) = hommes + femmes » n'est pas vérifiée "
        "dans 1 commune(s) (31125 : écart −1)"
    )
    # the couples-families file: truncation pattern, no break
    (fam_truncated,) = [p for p in points if p.startswith(f"{fam_file} : effectifs tronqués")]
    assert "sans jamais lui être inférieur :" in fam_truncated
    assert not any(p.startswith(f"{fam_file} : l'identité") for p in points)


def test_insee_decimals_pass_the_identities(insee):
    # the table is only the input here; pandas reads it as the portrait's readers would
    path = insee / "rp2021-logement-dep31" / "base-cc-logement-2021.csv"
    table = pd.read_csv(path, sep=";", dtype={"CODGEO": str}).set_index("CODGEO")
    report = check_file(table, label=path.name)
    assert [i.total for i in report.checked] == ["P21_LOG"]  # the P10_RP_* columns are empty
    assert report.breaks == [] and not report.integer_cells
    assert identity_points(table, label=path.name) == []


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
