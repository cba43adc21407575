"""Housing chapter (methodology rule 18, with rules 1, 2, 4 and 4b).

Unit tests on hand-made frames (values computed by hand here), the demo (expected values
recomputed with pandas straight from the generated zips), and the real CCPHG / Haute-Garonne
extracts of ../shared/data (expected values computed from the raw CSVs with the csv module).
"""

from __future__ import annotations

import csv
import io
import math
import zipfile

import pandas as pd
import pytest
from tests.helpers import SHARED_INSEE

from ctgstats.data import sources
from ctgstats.demo import DATA_DIR
from ctgstats.portrait import precision
from ctgstats.portrait.build import build_portrait
from ctgstats.portrait.housing import compute as housing
from ctgstats.portrait.housing.chapter import COMMUNES_TABLE

# ------------------------------------------------------------------------------ unit


def _value(frame: pd.DataFrame, territory: str, ident: str, year: int | str) -> pd.Series:
    rows = frame[
        (frame["territoire"] == territory)
        & (frame["indicateur"] == ident)
        & (frame["annee"] == str(year))
    ]
    assert len(rows) == 1, (ident, year)
    return rows.iloc[0]


TOTALS_2022 = pd.DataFrame(
    {
        "P22_LOG": [1000.0, 50.0],
        "P22_RP": [400.0, 40.0],
        "P22_RSECOCC": [520.0, 5.0],
        "P22_LOGVAC": [80.0, 5.0],
        "P22_RP_PROP": [300.0, 30.0],
        "P22_RP_LOC": [90.0, 9.0],
        "P22_RP_LOCHLMV": [12.0, 0.0],
        "P22_RP_GRAT": [10.0, 1.0],
        "P22_RP_ACHTOT": [390.0, 39.0],
        "P22_RP_ACH1919": [100.0, 3.0],
        "P22_RP_ACH1945": [17.0, 1.0],
        "P22_RP_ACH2019": [39.0, 5.0],
        "P22_RP_VOIT1P": [340.0, 38.0],
        "P22_MEN": [400.0, 40.0],
        "P22_MEN_ANEM0002": [36.0, 2.0],
    },
    index=["a", "b"],
)


def test_shares_take_their_own_denominators():
    figures = housing.housing_figures(TOTALS_2022, year=2022, small_count_threshold=200)
    assert _value(figures, "a", "part_residences_secondaires", 2022)["valeur"] == 52.0
    assert _value(figures, "a", "part_logements_vacants", 2022)["valeur"] == 8.0
    # tenure over main homes, not dwellings
    assert _value(figures, "a", "part_proprietaires", 2022)["valeur"] == 75.0
    assert _value(figures, "a", "part_locataires_hlm", 2022)["valeur"] == 3.0
    # age of the stock over RP_ACHTOT (main homes built before N-2), RP2022's names
    assert math.isclose(_value(figures, "a", "part_rp_avant_1946", 2022)["valeur"], 100 * 117 / 390)
    assert math.isclose(_value(figures, "a", "part_rp_depuis_2006", 2022)["valeur"], 10.0)
    # 1 - households with a car / main homes
    assert math.isclose(_value(figures, "a", "part_menages_sans_voiture", 2022)["valeur"], 15.0)
    assert _value(figures, "a", "part_menages_emmenages_moins_2_ans", 2022)["valeur"] == 9.0
    # the RSECOCC caution is in the definition; small denominators are flagged
    assert (
        "logements occasionnels"
        in _value(figures, "a", "part_residences_secondaires", 2022)["definition"]
    )
    assert "effectif faible" in _value(figures, "b", "part_proprietaires", 2022)["note"]
    assert "RPLS" in _value(figures, "a", "part_locataires_hlm", 2022)["definition"]


def test_missing_columns_are_named_never_zero():
    figures = housing.housing_figures(TOTALS_2022, year=2022, small_count_threshold=200)
    row = _value(figures, "a", "part_maisons", 2022)
    assert not row["disponible"] and math.isnan(row["valeur"])
    assert "P22_MAISON" in row["note"] and "absente" in row["note"]
    row = _value(figures, "a", "part_suroccupation", 2022)
    assert "C22_RP_HSTU1P_SUROCC" in row["note"] and "RP2022" in row["note"]


def test_construction_classes_follow_each_vintage():
    assert housing.construction_columns(2022)["part_rp_avant_1946"] == (
        "RP_ACH1919",
        "RP_ACH1945",
    )
    assert housing.construction_columns(2021)["part_rp_avant_1946"] == ("RP_ACH19", "RP_ACH45")
    assert housing.construction_columns(2016)["part_rp_depuis_2006"] == ("RP_ACH13",)
    assert housing.construction_columns(2021)["part_rp_depuis_2006"] == ("RP_ACH18",)
    assert housing.construction_columns(2022)["part_rp_depuis_2006"] == ("RP_ACH2019",)


def test_overcrowding_is_c_over_c_with_an_interval():
    communes = pd.DataFrame(
        {
            "P16_RP": [200.0, 100.0],
            "C16_RP_HSTU1P": [190.0, 96.0],
            "C16_RP_HSTU1P_SUROCC": [19.0, 4.0],
        },
        index=["c1", "c2"],
    )
    design = pd.Series([3.0, 3.0], index=communes.index)
    terms = housing.variance_terms(communes, year=2016, design=design)
    totals = pd.DataFrame([communes.sum()], index=["t"])
    variances = pd.DataFrame([terms.sum()], index=["t"])
    figures = housing.housing_figures(
        totals, year=2016, small_count_threshold=None, variances=variances
    )
    row = _value(figures, "t", "part_suroccupation", 2016)
    r = 23 / 286
    assert math.isclose(row["valeur"], 100 * r)
    # by hand: V = (1/D²) Σ g [D q(1−q) + D (1 − D/M)(q − R)²]
    total = 0.0
    for d, y, m in ((190.0, 19.0, 200.0), (96.0, 4.0, 100.0)):
        q = y / d
        total += 3.0 * (d * q * (1 - q) + d * (1 - d / m) * (q - r) ** 2)
    half = precision.Z95 * 100 * math.sqrt(total / 286**2)
    assert math.isclose(row["ic_bas"], 100 * r - half, rel_tol=1e-9)
    assert math.isclose(row["ic_haut"], 100 * r + half, rel_tol=1e-9)


def test_changes_only_between_comparable_vintages():
    assert housing.comparable_pairs([2011, 2016, 2021, 2022]) == [(2011, 2022), (2011, 2016)]
    totals = pd.DataFrame(
        {
            "P11_LOG": [100.0],
            "P11_RP": [60.0],
            "P11_RSECOCC": [30.0],
            "P11_LOGVAC": [10.0],
            "P16_LOG": [110.0],
            "P16_RP": [60.0],
            "P16_RSECOCC": [40.0],
            "P16_LOGVAC": [10.0],
            "P21_LOG": [120.0],
            "P21_RP": [60.0],
            "P21_RSECOCC": [50.0],
            "P21_LOGVAC": [10.0],
        },
        index=["t"],
    )
    figures = housing.all_figures(
        totals, vintages=[2011, 2016, 2021], small_count_threshold=None, variances=None
    )
    periods = set(figures.loc[figures["indicateur"] == "logements_evolution", "annee"])
    assert periods == {"2011-2021", "2011-2016"}  # 2016-2021: 5 years < 6 (rule 1)
    change = _value(figures, "t", "part_residences_secondaires_evolution", "2011-2021")
    assert math.isclose(change["valeur"], 100 * 50 / 120 - 30.0)
    assert change["unite"] == "points"


def test_housing_files_are_recognised_in_every_format(tmp_path):
    for name in (
        "base-cc-logement-2022.csv",
        "base-cc-logement-2021_csv.zip",
        "base-cc-logement-2020.xlsx",
        "meta_base-cc-logement-2021.csv",
    ):
        (tmp_path / name).write_bytes(b"")
    found = {(f.source.id, f.vintage) for f in sources.discover([tmp_path])}
    assert found == {("rp_logement", 2022), ("rp_logement", 2021), ("rp_logement", 2020)}
    assert "rp_logement" in sources.CENSUS_SOURCE_IDS
    spec = sources.get_source("rp_logement", 2022)
    assert spec.url and spec.url.endswith("8581474/base-cc-logement-2022_csv.zip")


# ------------------------------------------------------------------------------ demo

RP = DATA_DIR / "insee" / "rp"
EPCI = "000000101"


def _zip_csv(name: str) -> pd.DataFrame:
    with zipfile.ZipFile(RP / f"{name}_csv.zip") as archive:
        member = next(m for m in archive.namelist() if not m.startswith("meta_"))
        return pd.read_csv(io.BytesIO(archive.read(member)), sep=";", dtype={"CODGEO": str})


@pytest.fixture(scope="module")
def demo():
    return build_portrait(
        {
            "territory": {"level": "epci", "code": EPCI},
            "cog_year": 2025,
            "census": {"vintages": [2011, 2016, 2022]},
            "data_dirs": ["ctgstats:demo"],
        }
    )


def test_demo_housing_base_agrees_with_the_historical_series():
    housing22 = _zip_csv("base-cc-logement-2022").set_index("CODGEO")
    hist = _zip_csv("base-cc-serie-historique-2022").set_index("CODGEO")
    for column in ("P22_LOG", "P22_RP", "P22_RSECOCC", "P22_LOGVAC", "P16_LOG", "P11_RP"):
        pd.testing.assert_series_equal(housing22[column], hist.loc[housing22.index, column])
    assert (housing22["P22_MEN"] == housing22["P22_RP"]).all()
    tenure = housing22[["P22_RP_PROP", "P22_RP_LOC", "P22_RP_GRAT"]].sum(axis=1)
    assert ((tenure - housing22["P22_RP"]).abs() < 1e-5).all()


def test_demo_figures_recomputed_from_the_zips(demo):
    members = list(demo.territory.communes or ())
    new = _zip_csv("base-cc-logement-2022").set_index("CODGEO").loc[members].sum()
    assert math.isclose(
        demo.value("part_residences_secondaires", 2022),
        100 * new["P22_RSECOCC"] / new["P22_LOG"],
        rel_tol=1e-12,
    )
    assert math.isclose(
        demo.value("part_rp_avant_1946", 2022),
        100 * (new["P22_RP_ACH1919"] + new["P22_RP_ACH1945"]) / new["P22_RP_ACHTOT"],
        rel_tol=1e-12,
    )
    # RP2016 in the old geography: the merged commune's two old codes are summed
    old = _zip_csv("base-cc-logement-2016").set_index("CODGEO")
    old_members = [c for c in old.index if c in members or c == "00013"]
    block = old.loc[old_members].sum()
    expected = 100 * block["C16_RP_HSTU1P_SUROCC"] / block["C16_RP_HSTU1P"]
    row = _value(demo.figures, demo.territory.id, "part_suroccupation", 2016)
    assert math.isclose(row["valeur"], expected, rel_tol=1e-12)
    assert row["ic_bas"] < expected < row["ic_haut"]
    # RP2022's new occupancy indicator, C over C, with its interval
    row = _value(demo.figures, demo.territory.id, "part_suroccupation_peuplement", 2022)
    classes = [f"C22_{c}" for c in housing.OCCUPANCY_CLASSES]
    expected = 100 * (new["C22_RP_SUROCC_MOD"] + new["C22_RP_SUROCC_ACC"]) / new[classes].sum()
    assert math.isclose(row["valeur"], expected, rel_tol=1e-12)
    assert row["ic_bas"] < expected < row["ic_haut"]


def test_demo_commune_table_and_findings(demo):
    table = demo.tables[COMMUNES_TABLE]
    assert list(table["commune"]) == sorted(table["commune"])
    new = _zip_csv("base-cc-logement-2022").set_index("CODGEO")
    for row in table.itertuples():
        expected = 100 * new.at[row.code, "P22_RSECOCC"] / new.at[row.code, "P22_LOG"]
        assert math.isclose(row.part_residences_secondaires_2022, expected)
        assert row.petite_commune == (new.at[row.code, "P22_LOG"] < 200)
    found = demo.findings[demo.findings["theme"] == "Logement"]
    assert found["constat"].str.contains("résidence secondaire").any()
    assert found["prudence"].str.contains("logements occasionnels").any()
    assert demo.chapter_vigilance["logement"]


# ------------------------------------------------------------------------- real data

EPCI_REAL = "200072635"


def _rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.fixture(scope="module")
def real():
    if not SHARED_INSEE.is_dir():
        pytest.skip("../shared/data is absent: real-data test skipped")
    insee = SHARED_INSEE
    portrait = build_portrait(
        {
            "territory": {"level": "epci", "code": EPCI_REAL},
            "data_dirs": [
                str(insee / "rp2022-ccphg"),
                str(insee / "rp2021-logement-dep31"),
                str(insee / "filosofi-dep31"),
                str(insee / "cog"),
            ],
        }
    )
    ccphg = _rows(insee / "rp2022-ccphg" / "base-cc-logement-2022.csv")
    dep = _rows(insee / "rp2021-logement-dep31" / "base-cc-logement-2021.csv")
    return portrait, ccphg, dep


def _sum(rows, column):
    return sum(float(r[column]) for r in rows)


def test_real_ccphg_housing_from_the_raw_csv(real):
    portrait, ccphg, _ = real
    assert len(ccphg) == 76
    t = portrait.territory.id
    for year in (2022, 2016, 2011):
        yy = f"{year % 100:02d}"
        expected = 100 * _sum(ccphg, f"P{yy}_RSECOCC") / _sum(ccphg, f"P{yy}_LOG")
        assert math.isclose(portrait.value("part_residences_secondaires", year), expected)
        expected = 100 * _sum(ccphg, f"P{yy}_RP_LOCHLMV") / _sum(ccphg, f"P{yy}_RP")
        assert math.isclose(portrait.value("part_locataires_hlm", year), expected)
    rp = _sum(ccphg, "P22_RP")
    assert math.isclose(
        portrait.value("part_menages_sans_voiture", 2022),
        100 * (1 - _sum(ccphg, "P22_RP_VOIT1P") / rp),
    )
    assert math.isclose(
        portrait.value("part_menages_emmenages_moins_2_ans", 2022),
        100 * _sum(ccphg, "P22_MEN_ANEM0002") / _sum(ccphg, "P22_MEN"),
    )
    assert math.isclose(
        portrait.value("nombre_moyen_pieces_rp", 2022), _sum(ccphg, "P22_NBPI_RP") / rp
    )
    assert math.isclose(
        portrait.value("part_rp_1_2_pieces", 2022),
        100 * (_sum(ccphg, "P22_RP_1P") + _sum(ccphg, "P22_RP_2P")) / rp,
    )
    change = portrait.value("part_logements_vacants_evolution", "2011-2022")
    expected = 100 * (
        _sum(ccphg, "P22_LOGVAC") / _sum(ccphg, "P22_LOG")
        - _sum(ccphg, "P11_LOGVAC") / _sum(ccphg, "P11_LOG")
    )
    assert math.isclose(change, expected)
    # the extract has no construction period nor overcrowding: named, not zero
    row = _value(portrait.figures, t, "part_rp_avant_1946", 2022)
    assert not row["disponible"] and "P22_RP_ACHTOT" in row["note"]


def test_real_haute_garonne_2021_from_every_commune(real):
    portrait, _, dep = real
    assert len(dep) == 586 and all(r["CODGEO"].startswith("31") for r in dep)
    d = "departement:31"
    assert math.isclose(
        portrait.value("part_logements_vacants", 2021, d),
        100 * _sum(dep, "P21_LOGVAC") / _sum(dep, "P21_LOG"),
        rel_tol=1e-12,
    )
    assert math.isclose(
        portrait.value("part_maisons", 2021, d),
        100 * _sum(dep, "P21_MAISON") / _sum(dep, "P21_LOG"),
        rel_tol=1e-12,
    )
    row = _value(portrait.figures, d, "part_proprietaires", 2021)
    assert not row["disponible"] and "P21_RP_PROP" in row["note"]
    # RP2016 and RP2021 are 5 years apart (< 6): no change computed between them
    periods = set(
        portrait.figures.loc[portrait.figures["indicateur"] == "logements_evolution", "annee"]
    )
    assert "2016-2021" not in periods and "2021-2022" not in periods
    keys = portrait.key_figures()
    dep_rows = keys[(keys["code"] == "31") & (keys["indicateur"] == "part_logements_vacants")]
    assert dep_rows.loc[dep_rows["annee"] == "2021", "valeur"].notna().all()
    found = portrait.findings[portrait.findings["theme"] == "Logement"]
    assert found["constat"].str.contains("en Haute-Garonne").any()
