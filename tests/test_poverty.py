"""Poverty chapter (Filosofi poverty rates, methodology rules 11, 12, 16 and 20).

No real extract of the poverty files is available here: the loader tests build small
fixture files in the layouts established from public material (documented in
:mod:`ctgstats.portrait.poverty.compute`): ``FILO2019_DISP_Pauvres_*`` as CSV, as a member of
INSEE's ``indic-struct-distrib-revenu-2019-COMMUNES_csv.zip``, as an XLSX workbook with
INSEE's title lines, and the 2023 long format ``DS_FILOSOFI_CC_2023_data.csv``. Expected
values are written by hand in each test.
"""

from __future__ import annotations

import io
import math
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from ctgstats.core.codes import Level
from ctgstats.core.territories import ResolvedTerritory
from ctgstats.data.catalog import Catalog
from ctgstats.data.readers import DataFileError
from ctgstats.demo import DATA_DIR
from ctgstats.portrait.poverty import compute, read

HEADER19 = (
    "CODGEO;LIBGEO;TP6019;TP60AGE119;TP60AGE219;TP60AGE319;TP60AGE419;TP60AGE519;"
    "TP60AGE619;TP60TOL119;TP60TOL219;TP60IP19"
)


def _csv(lines: list[str]) -> bytes:
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _territory(level: Level, code: str, name: str = "T") -> ResolvedTerritory:
    return ResolvedTerritory(level, code, name, None, 2025)


def _catalog(folder) -> Catalog:
    return Catalog.from_dirs([str(folder)], cache_dir=None)


def _value(figures: pd.DataFrame, territory: str, indicator: str, year: str = "2019"):
    row = figures[
        (figures["territoire"] == territory)
        & (figures["indicateur"] == indicator)
        & (figures["annee"] == year)
    ]
    assert len(row) == 1, (territory, indicator, year)
    return row.iloc[0]


# ------------------------------------------------------------------ pure functions


def test_figures_flag_secret_floor_absent_and_missing_columns():
    rows = pd.DataFrame(
        {
            "TP60": [14.2, np.nan, 5.0, np.nan],
            "TP60TOL1": [5.0, np.nan, 5.0, np.nan],
            "TP60IP": [4.0, np.nan, 3.0, np.nan],
            "_absent": [False, False, False, True],
            "_note": ["", "", "", read.GROUP_NOTE],
        },
        index=["epci:1", "commune:2", "commune:3", "groupe:x"],
    )
    figures = compute.poverty_figures(rows, year=2019)
    ok = _value(figures, "epci:1", "taux_pauvrete_60")
    assert ok.valeur == 14.2 and ok.disponible and ok.note == ""
    assert ok.source == "Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi 2019"
    floored = _value(figures, "epci:1", "taux_pauvrete_60_proprietaires")
    assert not floored.disponible and math.isnan(floored.valeur)
    assert floored.note == compute.FLOOR_NOTE
    # the intensity has no floor: a published 4 is a value
    assert _value(figures, "epci:1", "intensite_pauvrete").valeur == 4.0
    secret = _value(figures, "commune:2", "taux_pauvrete_60")
    assert not secret.disponible and secret.note.startswith("non disponible : secret statistique")
    assert _value(figures, "commune:3", "taux_pauvrete_60").note == compute.FLOOR_NOTE
    group = _value(figures, "groupe:x", "taux_pauvrete_60")
    assert not group.disponible and "groupe de communes" in group.note
    missing = _value(figures, "epci:1", "taux_pauvrete_60_moins_30")
    assert not missing.disponible and "ne publie pas cet indicateur" in missing.note
    # 10 series (all, 6 ages, 2 tenures, intensity) for each of the 4 territories, no zero
    assert len(figures) == 4 * 10
    assert not (figures["valeur"] == 0).any()


def test_evolution_only_between_comparable_years():
    rows = []
    for year, value in ((2016, 15.0), (2019, 16.3), (2021, 5.0), (2023, 17.0)):
        frame = pd.DataFrame({"TP60": [value]}, index=["epci:1"])
        rows.append(compute.poverty_figures(frame, year=year))
    figures = pd.concat(rows, ignore_index=True)
    evolution = compute.evolution_figures(
        figures, years=[2016, 2019, 2021, 2023], territories=["epci:1"]
    )
    by_period = evolution.set_index("annee")
    # 2016 → 2021: the 2021 rate is a floor, so no change is computed
    assert set(by_period.index) == {"2016-2021", "2021-2023"}
    assert not by_period.loc["2016-2021", "disponible"]
    assert "valeur plancher" in by_period.loc["2016-2021", "note"]
    assert not by_period.loc["2021-2023", "disponible"]
    assert by_period.loc["2021-2023", "note"] == compute.BREAK_NOTE
    simple = compute.evolution_figures(figures, years=[2016, 2019], territories=["epci:1"])
    assert simple["annee"].tolist() == ["2016-2019"]
    assert simple["valeur"].iloc[0] == pytest.approx(16.3 - 15.0)
    assert simple["unite"].iloc[0] == "points"
    assert compute.comparable(2016, 2021) and not compute.comparable(2021, 2023)


# ------------------------------------------------------------------ loaders on fixtures


def test_csv_fixture_each_level_from_its_own_file(tmp_path):
    (tmp_path / "FILO2019_DISP_Pauvres_EPCI.csv").write_bytes(
        _csv([HEADER19, "200072635;CC Fixture;14,2;31,5;20,1;15,0;12,8;8,4;9,9;5,0;29,6;18,7"])
    )
    (tmp_path / "FILO2019_DISP_Pauvres_DEP.csv").write_bytes(
        _csv([HEADER19, "31;Haute-Garonne;13,4;;;;;;;;;s"])
    )
    (tmp_path / "FILO2019_DISP_Pauvres_METROPOLE.csv").write_bytes(
        _csv([HEADER19, "1;France métropolitaine;14,6;22,0;17,5;15,6;13,3;9,1;8,9;6,4;29,3;20,3"])
    )
    territories = [
        _territory(Level.EPCI, "200072635"),
        _territory(Level.DEPARTEMENT, "31"),
        _territory(Level.FRANCE, "FRM"),
        _territory(Level.FRANCE, "FR"),
        _territory(Level.GROUPE, "g1"),
    ]
    catalog = _catalog(tmp_path)
    assert read.poverty_years(catalog) == [2019]
    rows = read.territory_rows(catalog, territories, 2019)
    figures = compute.poverty_figures(rows, year=2019)
    assert _value(figures, "epci:200072635", "taux_pauvrete_60").valeur == 14.2
    assert _value(figures, "epci:200072635", "taux_pauvrete_60_moins_30").valeur == 31.5
    assert _value(figures, "epci:200072635", "intensite_pauvrete").valeur == 18.7
    assert _value(figures, "epci:200072635", "taux_pauvrete_60_proprietaires").note == (
        compute.FLOOR_NOTE
    )
    assert _value(figures, "departement:31", "taux_pauvrete_60").valeur == 13.4
    assert _value(figures, "departement:31", "intensite_pauvrete").note.startswith(
        "non disponible : secret"
    )
    assert _value(figures, "france:FRM", "taux_pauvrete_60").valeur == 14.6
    france = _value(figures, "france:FR", "taux_pauvrete_60")
    assert not france.disponible and "France métropolitaine" in france.note
    assert "groupe de communes" in _value(figures, "groupe:g1", "taux_pauvrete_60").note


def test_csv_in_insee_zip_and_commune_status(tmp_path):
    member = _csv([HEADER19, "01001;A;12,3;;;;;;;;;", "01002;B;;;;;;;;;;", "01004;C;5,0;;;;;;;;;"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("FILO2019_DISP_COM.csv", _csv(["CODGEO;LIBGEO;Q219", "01001;A;21000"]))
        archive.writestr("FILO2019_DISP_Pauvres_COM.csv", member)
    (tmp_path / "indic-struct-distrib-revenu-2019-COMMUNES_csv.zip").write_bytes(buffer.getvalue())
    catalog = _catalog(tmp_path)
    values, status = read.commune_rows(catalog, ["01001", "01002", "01004", "01003"], 2019)
    assert values["01001"] == 12.3
    assert status.tolist()[:3] == ["publié", "secret statistique", "plancher"]
    assert status["01003"].startswith("non publié")


def test_xlsx_fixture_with_insee_title_lines(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sommaire"
    data = workbook.create_sheet("ENSEMBLE")
    data.append(["Taux de pauvreté en 2019 (fixture)"])
    data.append(["Millésime 2019"])
    data.append(["Géographie au 01/01/2020"])
    data.append(["Source : Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi 2019"])
    data.append(["Code géographique", "Libellé", "Taux de pauvreté-Ensemble (%)"])
    data.append(["CODGEO", "LIBGEO", "TP6019", "TP60TOL219"])
    data.append(["200072635", "CC Fixture", 14.2, "s"])
    workbook.save(tmp_path / "FILO2019_DISP_Pauvres_EPCI.xlsx")
    rows = read.territory_rows(_catalog(tmp_path), [_territory(Level.EPCI, "200072635")], 2019)
    figures = compute.poverty_figures(rows, year=2019)
    assert _value(figures, "epci:200072635", "taux_pauvrete_60").valeur == 14.2
    tenants = _value(figures, "epci:200072635", "taux_pauvrete_60_locataires")
    assert not tenants.disponible and "secret" in tenants.note


def test_long_format_2023(tmp_path):
    header = (
        '"FILOSOFI_MEASURE";"GEO";"GEO_OBJECT";"UNIT_MEASURE";"CONF_STATUS";"OBS_STATUS";'
        '"UNIT_MULT";"TIME_PERIOD";"OBS_VALUE"'
    )
    lines = [
        header,
        '"PR_MD60";"200072635";"EPCI";"PT";"F";"A";"0";"2023";"15.1"',
        '"MED_SL";"200072635";"EPCI";"EUR_YR";"F";"A";"0";"2023";"22870"',
        '"PR_MD60";"31";"DEP";"PT";"F";"A";"0";"2023";"14.0"',
        '"PR_MD60";"01002";"COM";"PT";"C";"A";"0";"2023";""',
        '"PR_MD60";"FM";"FRANCE";"PT";"F";"A";"0";"2023";"15.4"',
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("DS_FILOSOFI_CC_2023_data.csv", _csv(lines))
        archive.writestr("DS_FILOSOFI_CC_2023_metadata.csv", _csv(['"COD_VAR";"LIB_VAR"']))
    (tmp_path / "FILOSOFI_CC_csv.zip").write_bytes(buffer.getvalue())
    catalog = _catalog(tmp_path)
    assert read.poverty_years(catalog) == [2023]
    territories = [
        _territory(Level.EPCI, "200072635"),
        _territory(Level.DEPARTEMENT, "31"),
        _territory(Level.FRANCE, "FRM"),
        _territory(Level.COMMUNE, "01002"),
    ]
    figures = compute.poverty_figures(read.territory_rows(catalog, territories, 2023), year=2023)
    assert _value(figures, "epci:200072635", "taux_pauvrete_60", "2023").valeur == 15.1
    assert _value(figures, "departement:31", "taux_pauvrete_60", "2023").valeur == 14.0
    assert _value(figures, "france:FRM", "taux_pauvrete_60", "2023").valeur == 15.4
    secret = _value(figures, "commune:01002", "taux_pauvrete_60", "2023")
    assert not secret.disponible and "secret" in secret.note
    age = _value(figures, "epci:200072635", "taux_pauvrete_60_moins_30", "2023")
    assert not age.disponible
    assert _value(figures, "epci:200072635", "taux_pauvrete_60", "2023").source.endswith(
        "Filosofi 2 2023"
    )


def test_file_without_the_rate_column_names_it(tmp_path):
    (tmp_path / "FILO2019_DISP_Pauvres_EPCI.csv").write_bytes(
        _csv(["CODGEO;LIBGEO;TP60AGE119", "200072635;CC Fixture;31,5"])
    )
    with pytest.raises(DataFileError, match="TP6019") as error:
        read.territory_rows(_catalog(tmp_path), [_territory(Level.EPCI, "200072635")], 2019)
    assert "FILO2019_DISP_Pauvres_EPCI.csv" in str(error.value)


# ------------------------------------------------------------------ demo files


def _raw(name: str) -> pd.DataFrame:
    path = DATA_DIR / "insee" / "filosofi" / name
    return pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)


def test_demo_rates_read_from_each_level_file():
    epci = _raw("FILO2019_DISP_Pauvres_EPCI.csv").set_index("CODGEO")
    dep = _raw("FILO2019_DISP_Pauvres_DEP.csv").set_index("CODGEO")
    expected_epci = float(epci.at["000000101", "TP6019"].replace(",", "."))
    expected_dep = float(dep.at["00", "TP60AGE119"].replace(",", "."))
    catalog = Catalog.from_dirs(["ctgstats:demo"], cache_dir=None)
    territories = [_territory(Level.EPCI, "000000101"), _territory(Level.DEPARTEMENT, "00")]
    figures = compute.poverty_figures(read.territory_rows(catalog, territories, 2019), year=2019)
    assert _value(figures, "epci:000000101", "taux_pauvrete_60").valeur == expected_epci
    assert _value(figures, "departement:00", "taux_pauvrete_60_moins_30").valeur == expected_dep


def test_demo_files_are_consistent_with_the_income_files():
    for year in (2016, 2019):
        yy = str(year)[2:]
        pauvres = _raw(f"FILO{year}_DISP_Pauvres_COM.csv").set_index("CODGEO")
        disp = _raw(f"FILO{year}_DISP_COM.csv").set_index("CODGEO")
        assert list(pauvres.index) == list(disp.index)  # same communes published
        for code in disp.index:
            small = int(disp.at[code, f"NBMEN{yy}"]) < 1000
            assert (pauvres.at[code, f"TP60{yy}"] == "") == small  # secrecy
        rates = [
            float(v.replace(",", "."))
            for column in pauvres.columns[1:]
            if column != f"TP60IP{yy}"
            for v in pauvres[column]
            if v
        ]
        assert min(rates) >= 5.0  # the floor: nothing published under 5 %
    raw = (DATA_DIR / "insee" / "filosofi" / "FILO2019_DISP_Pauvres_EPCI.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    # tenants poorer than owners in every EPCI, as in INSEE's publications
    epci = _raw("FILO2019_DISP_Pauvres_EPCI.csv")
    owners = epci["TP60TOL119"].str.replace(",", ".").astype(float)
    tenants = epci["TP60TOL219"].str.replace(",", ".").astype(float)
    assert (tenants > owners).all()
