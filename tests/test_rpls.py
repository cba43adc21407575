"""Social housing from the RPLS (SDES) in the housing chapter (methodology rule 18).

No real RPLS extract is in ../shared/data: the fixtures are built here in the layout of
the SDES « résultats RPLS » workbooks (five title lines, technical header on line 6,
sheets COMMUNE / EPCI / DEPARTEMENT), as public code reading them describes it. Expected
values are computed by hand, or straight from the generated demo workbooks with openpyxl
and from the demo census zip with pandas (never through ctgstats readers).
"""

from __future__ import annotations

import io
import math
import shutil
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from ctgstats.core.codes import Level
from ctgstats.core.territories import ResolvedTerritory
from ctgstats.data import sources
from ctgstats.data.catalog import Catalog
from ctgstats.data.readers import DataFileError
from ctgstats.demo import DATA_DIR
from ctgstats.portrait.build import build_portrait
from ctgstats.portrait.housing import rpls

# ------------------------------------------------------------------------------ helpers


def _value(frame: pd.DataFrame, territory: str, ident: str, year: int) -> pd.Series:
    rows = frame[
        (frame["territoire"] == territory)
        & (frame["indicateur"] == ident)
        & (frame["annee"] == str(year))
    ]
    assert len(rows) == 1, (territory, ident, year)
    return rows.iloc[0]


def _long(rows: list[tuple[str, str, int, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["niveau", "code", "annee", "variable", "valeur"]).assign(
        fichier="f.xlsx"
    )


EPCI = ResolvedTerritory(Level.EPCI, "200000001", "CC A", ("01001", "01002", "01003"), 2025)
GROUP = ResolvedTerritory(Level.GROUPE, "g", "Groupe", ("01001", "01002", "01003"), 2025)
TOTALS = pd.DataFrame(
    {"P16_RP": [900.0, 900.0], "P22_RP": [1000.0, 1000.0]}, index=[EPCI.id, GROUP.id]
)


def _table() -> pd.DataFrame:
    rows = [
        ("EPCI", "200000001", 2024, "nb_ls", 130.0),
        ("EPCI", "200000001", 2024, "tx_vac", 4.1),
        ("EPCI", "200000001", 2024, "tx_mob", 9.5),
        ("EPCI", "200000001", 2024, "loymoy", 5.8),
        ("EPCI", "200000001", 2023, "nb_ls", 120.0),
    ]
    # 01003 is absent (no social dwelling); 01001 and 01002 are published
    for code, ls, let, vac, mob in (
        ("01001", 100.0, 90.0, 6.0, 8.0),
        ("01002", 30.0, 27.0, 2.0, 12.0),
    ):
        rows += [
            ("COM", code, 2024, "nb_ls", ls),
            ("COM", code, 2024, "nb_loues", let),
            ("COM", code, 2024, "nb_vacants", vac),
            ("COM", code, 2024, "tx_mob", mob),
        ]
    rows += [("COM", "01001", 2023, "nb_ls", 95.0), ("COM", "01002", 2023, "nb_ls", math.nan)]
    return _long(rows)


# ------------------------------------------------------------------------------ unit


def test_own_level_row_is_taken_as_published():
    frame = rpls.rpls_figures(_table(), [EPCI], totals=TOTALS, fallback_year=2022)
    assert _value(frame, EPCI.id, rpls.COUNT_ID, 2024)["valeur"] == 130.0
    assert _value(frame, EPCI.id, rpls.VACANCY_ID, 2024)["valeur"] == 4.1
    assert _value(frame, EPCI.id, rpls.MOBILITY_ID, 2024)["valeur"] == 9.5
    assert _value(frame, EPCI.id, rpls.RENT_ID, 2024)["valeur"] == 5.8
    # density over the main homes of the nearest census (2022 for 2024): 100 × 130 / 1000
    row = _value(frame, EPCI.id, rpls.DENSITY_ID, 2024)
    assert math.isclose(row["valeur"], 13.0)
    assert "recensement 2022" in row["note"]
    # 2023 has only the count (a past-year column): the rates say so
    row = _value(frame, EPCI.id, rpls.MOBILITY_ID, 2023)
    assert not row["disponible"] and "absent des fichiers RPLS fournis pour 2023" in row["note"]


def test_group_sums_counts_never_averages_rates():
    frame = rpls.rpls_figures(_table(), [GROUP], totals=TOTALS, fallback_year=2022)
    row = _value(frame, GROUP.id, rpls.COUNT_ID, 2024)
    assert row["valeur"] == 130.0  # 100 + 30, the absent commune stated, counted 0
    assert "1 commune(s) absente(s)" in row["note"]
    # vacancy from the summed terms: 8 / (117 + 8) = 6.4 % (the mean of rates would be 6.3)
    assert math.isclose(_value(frame, GROUP.id, rpls.VACANCY_ID, 2024)["valeur"], 6.4)
    # mobility: only published rates per commune, no terms → not averaged
    row = _value(frame, GROUP.id, rpls.MOBILITY_ID, 2024)
    assert not row["disponible"] and "moyenne de taux communaux" in row["note"]
    assert not _value(frame, GROUP.id, rpls.RENT_ID, 2024)["disponible"]
    # a secret commune makes the sum unavailable, flagged with its code
    row = _value(frame, GROUP.id, rpls.COUNT_ID, 2023)
    assert not row["disponible"] and "secret statistique" in row["note"] and "01002" in row["note"]
    assert not _value(frame, GROUP.id, rpls.DENSITY_ID, 2023)["disponible"]


def test_without_a_file_every_figure_is_non_disponible():
    frame = rpls.rpls_figures(None, [EPCI, GROUP], totals=TOTALS, fallback_year=2022)
    assert len(frame) == 2 * len(rpls.RPLS_IDS)
    assert not frame["disponible"].any()
    assert set(frame["note"]) == {rpls.NO_FILE}
    assert set(frame["annee"]) == {"2022"}


def test_small_social_stock_flags_its_rates():
    frame = rpls.rpls_figures(_table(), [EPCI], totals=TOTALS, fallback_year=2022, threshold=200)
    assert "taux très variables" in _value(frame, EPCI.id, rpls.VACANCY_ID, 2024)["note"]


# ------------------------------------------------------------------------------ reader


def _sdes_sheet(book: Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(["", "", "", "", "Ensemble du parc", "", "Vacance et mobilité"])
    sheet.append(["", "", "", "", "Parc complet", "Proposés à la location"])
    sheet.append(["", "", "", "", "Ensemble du parc social", "loués", "vacants"])
    sheet.append(["Région", "Département", "Commune", "Libellé"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)


def _workbook(path, year: int) -> None:
    book = Workbook()
    book.remove(book.active)
    header = [
        "REG",
        "DEP",
        "DEPCOM_ARM",
        "LIBCOM",
        "nb_ls",
        "nb_loues",
        "nb_vacants",
        "tx_vac",
        "tx_mob",
        "loymoy",
        f"nb_ls{year - 1}",
        f"tx_mob_{year - 1}",
    ]
    _sdes_sheet(
        book,
        "Commune",
        header,
        [
            ["84", "01", "01001", "A", 100, 90, 6, 6.25, 8.0, 5.5, 97, 8.4],
            ["84", "01", "01002", "B", 3, None, None, None, None, None, 3, None],
        ],
    )
    _sdes_sheet(
        book,
        "EPCI",
        ["EPCI", "LIBEPCI", "nb_ls", "tx_vac", "tx_mob", "loymoy"],
        [
            ["200000001", "CC A", 103, 6.1, 8.1, 5.6],
        ],
    )
    book.save(path)


def test_sdes_workbook_and_csv_are_recognised_and_read(tmp_path):
    folder = tmp_path / "rpls"
    folder.mkdir()
    _workbook(folder / "resultats_rpls_2024.xlsx", 2024)
    # an older vintage saved as CSV (one sheet, same technical header): the newest wins
    (folder / "resultats_rpls_2023.csv").write_text(
        "DEPCOM_ARM;LIBCOM;nb_ls;tx_mob\n01001;A;96;9,0\n01002;B;3;\n", encoding="utf-8"
    )
    assert sources._FAMILIES["sdes_rpls"].parse(
        "statistiques_sdes_resultats_rpls_2025_secret_donnees.xlsx"
    ) == [(2025, None)]
    assert sources._FAMILIES["sdes_rpls"].parse("rpls_2023_resultats.xlsx") == [(2023, None)]
    table = rpls.read_rpls(Catalog.from_dirs([str(folder)]))
    assert table is not None

    def get(level, code, year, variable):
        rows = table[
            (table["niveau"] == level)
            & (table["code"] == code)
            & (table["annee"] == year)
            & (table["variable"] == variable)
        ]
        assert len(rows) == 1, (level, code, year, variable)
        return rows.iloc[0]

    assert get("COM", "01001", 2024, "nb_ls")["valeur"] == 100
    assert get("COM", "01001", 2024, "loymoy")["valeur"] == 5.5
    # nb_ls2023 of the 2024 workbook beats the 2023 CSV; tx_mob_2023 too
    assert get("COM", "01001", 2023, "nb_ls")["valeur"] == 97
    assert get("COM", "01001", 2023, "nb_ls")["fichier"] == "resultats_rpls_2024.xlsx"
    assert get("COM", "01001", 2023, "tx_mob")["valeur"] == 8.4
    # secret cells are NaN, never 0
    assert math.isnan(get("COM", "01002", 2024, "tx_mob")["valeur"])
    assert get("EPCI", "200000001", 2024, "tx_vac")["valeur"] == 6.1
    assert get("COM", "01001", 2023, "nb_ls")["valeur"] != 96


def test_a_non_numeric_rpls_value_is_named(tmp_path):
    (tmp_path / "resultats_rpls_2024.csv").write_text(
        "DEPCOM_ARM;nb_ls\n01001;beaucoup\n", encoding="utf-8"
    )
    with pytest.raises(DataFileError) as error:
        rpls.read_rpls(Catalog.from_dirs([str(tmp_path)]))
    assert "nb_ls" in str(error.value) and "resultats_rpls_2024.csv" in str(error.value)


# ------------------------------------------------------------------------------ demo


def _sheet_rows(year: int, sheet: str) -> list[dict[str, object]]:
    book = load_workbook(DATA_DIR / "sdes" / "rpls" / f"resultats_rpls_{year}.xlsx")
    rows = list(book[sheet].iter_rows(values_only=True))
    header = [str(v) for v in rows[5] if v is not None]
    return [dict(zip(header, row, strict=False)) for row in rows[6:]]


def _census_2022() -> pd.DataFrame:
    path = DATA_DIR / "insee" / "rp" / "base-cc-logement-2022_csv.zip"
    with zipfile.ZipFile(path) as archive:
        data = archive.read("base-cc-logement-2022.CSV")
    return pd.read_csv(io.BytesIO(data), sep=";", dtype={"CODGEO": str}).set_index("CODGEO")


@pytest.fixture(scope="module")
def demo():
    return build_portrait(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "cog_year": 2025,
            "census": {"vintages": [2011, 2016, 2022]},
            "data_dirs": ["ctgstats:demo"],
        }
    )


def test_demo_rpls_recomputed_from_the_workbooks(demo):
    members = list(demo.territory.communes or ())
    census = _census_2022().loc[members].sum()
    for year in (2023, 2024):
        epci = next(r for r in _sheet_rows(year, "EPCI") if r["EPCI"] == "000000101")
        communes = [r for r in _sheet_rows(year, "COMMUNE") if r["DEPCOM_ARM"] in members]
        # the EPCI row is the sum of its communes in the demo, and is what the figure shows
        assert epci["nb_ls"] == sum(r["nb_ls"] for r in communes)
        assert demo.value("logements_sociaux_rpls", year) == epci["nb_ls"]
        assert demo.value("taux_vacance_parc_social", year) == epci["tx_vac"]
        assert demo.value("taux_mobilite_parc_social", year) == epci["tx_mob"]
        assert demo.value("loyer_moyen_m2_parc_social", year) == epci["loymoy"]
        assert math.isclose(
            demo.value("logements_sociaux_pour_100_rp", year),
            100 * epci["nb_ls"] / census["P22_RP"],
            rel_tol=1e-12,
        )
        # vacancy of the demo EPCI row from its own terms
        assert math.isclose(
            epci["tx_vac"],
            round(100 * epci["nb_vacants"] / (epci["nb_loues"] + epci["nb_vacants"]), 2),
        )
    # the 2022 stock (nb_ls2022 of the 2023 workbook) is about 1.1 × the census HLM tenants
    epci = next(r for r in _sheet_rows(2023, "EPCI") if r["EPCI"] == "000000101")
    assert demo.value("logements_sociaux_rpls", 2022) == epci["nb_ls2022"]
    assert 1.0 < epci["nb_ls2022"] / census["P22_RP_LOCHLMV"] < 1.25
    # small communes are secret (blank rates), never 0
    secret = [r for r in _sheet_rows(2024, "COMMUNE") if r["nb_ls"] < 5]
    assert secret and all(r["tx_mob"] is None for r in secret)


def test_demo_finding_compares_register_and_census(demo):
    rows = demo.findings[demo.findings["indicateurs"].str.contains("logements_sociaux_rpls")]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert "RPLS" in row["constat"] and "locataires HLM" in row["constat"]
    assert "diffèrent" in row["prudence"]
    assert any("RPLS" in p and "diffèrent" in p for p in demo.all_vigilance)


def test_demo_without_rpls_is_non_disponible_not_a_failure(tmp_path):
    data = tmp_path / "demo"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("sdes"))
    portrait = build_portrait(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "cog_year": 2025,
            "census": {"vintages": [2011, 2016, 2022]},
            "data_dirs": [str(data)],
        }
    )
    rows = portrait.figures[portrait.figures["indicateur"].isin(rpls.RPLS_IDS)]
    assert len(rows) and not rows["disponible"].any()
    # France's rows keep the build's reason (incomplete composition of the demo)
    own = rows[rows["territoire"].isin([portrait.territory.id, "departement:00"])]
    assert len(own) == 2 * len(rpls.RPLS_IDS)
    assert set(own["note"]) == {rpls.NO_FILE}
    assert any("aucun fichier RPLS" in p for p in portrait.all_vigilance)
