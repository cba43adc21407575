"""Tests of ctgstats.data.readers and ctgstats.data.cache on INSEE extracts and format fixtures."""

from __future__ import annotations

import csv
import math
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ctgstats.data import cache, readers
from ctgstats.data.readers import DataFileError, DataFileWarning, parse_file, read_table

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
RP_DIR = SHARED / "insee" / "rp2022-ccphg"
FILO_DIR = SHARED / "insee" / "filosofi-dep31"
COG_DIR = SHARED / "insee" / "cog"


def shared(path: Path) -> Path:
    """Return a file of ../shared/data, or skip the test when it is absent."""
    if not path.is_file():
        pytest.skip(f"../shared/data absent: {path} not found")
    return path


def csv_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a real file read with the plain csv module (independent of the reader)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=";"))


# --------------------------------------------------------------------------- RP (census)


@pytest.mark.shared
def test_rp_values_match_a_plain_csv_reading():
    path = shared(RP_DIR / "base-cc-evol-struct-pop-2022.csv")
    rows = csv_rows(path)
    table = read_table(path, required=["P22_POP", "P16_POP", "P22_POPH", "P22_POPF"])
    assert list(table.columns) == ["CODGEO", "P22_POP", "P16_POP", "P22_POPH", "P22_POPF"]
    assert len(table) == len(rows) == 76
    for column in ("P22_POP", "P16_POP", "P22_POPH", "P22_POPF"):
        by_hand = sum(float(row[column]) for row in rows)
        assert table[column].sum() == pytest.approx(by_hand)
    first = rows[0]
    assert table.loc[0, "CODGEO"] == first["CODGEO"] == "31009"
    assert table.loc[0, "P22_POP"] == float(first["P22_POP"])


@pytest.mark.shared
def test_rp_types_codes_as_strings_and_counts_as_floats():
    path = shared(RP_DIR / "base-cc-coupl-fam-men-2022.csv")
    table = read_table(path, pattern=r"^C22_NE24F")
    assert table["CODGEO"].dtype == "str"
    assert all(isinstance(code, str) and len(code) == 5 for code in table["CODGEO"])
    assert {str(t) for t in table.drop(columns="CODGEO").dtypes} == {"float64"}
    assert "C22_NE24F0" in table.columns and "C22_NE24F4P" in table.columns


@pytest.mark.shared
def test_missing_required_columns_are_all_named_with_suggestions():
    path = shared(RP_DIR / "base-cc-evol-struct-pop-2022.csv")
    with pytest.raises(DataFileError) as caught:
        read_table(path, required=["P22_POP", "P22_POP0019", "C22_MEN"])
    error = caught.value
    assert error.column == ("P22_POP0019", "C22_MEN")
    assert error.path == path
    message = str(error)
    assert "base-cc-evol-struct-pop-2022.csv" in message
    assert "P22_POP0019" in message and "C22_MEN" in message
    assert "peut-être" in message and "P22_POP0014" in message


@pytest.mark.shared
def test_optional_pattern_and_codes_select_rows_and_columns():
    path = shared(RP_DIR / "base-cc-evol-struct-pop-2022.csv")
    table = read_table(
        path,
        required=["P22_POP"],
        optional=["P22_POP90P", "NOT_THERE"],
        pattern=r"^P11_",
        codes={"31013", "31009", "99999"},
    )
    assert list(table["CODGEO"]) == ["31009", "31013"]  # file order, unknown code ignored
    assert table.columns[:3].tolist() == ["CODGEO", "P22_POP", "P22_POP90P"]
    assert "NOT_THERE" not in table.columns
    assert all(c.startswith("P11_") for c in table.columns[3:])
    assert len(table.columns) == 3 + 8


# --------------------------------------------------------------------------- Filosofi


@pytest.mark.shared
def test_filosofi_epci_decimal_comma_values():
    path = shared(FILO_DIR / "FILO2019_DISP_EPCI.csv")
    table = read_table(path, required=["Q219", "NBUC19", "S80S2019", "GI19"], codes=["200072635"])
    row = table.iloc[0]
    assert row["CODGEO"] == "200072635"
    assert row["Q219"] == 20690.0
    assert row["NBUC19"] == 10851.4
    assert row["S80S2019"] == 3.5  # written "3,500": a decimal comma, not 3500
    assert row["GI19"] == 0.242
    assert parse_file(path).attrs["source"]["decimal"] == ","


@pytest.mark.shared
def test_filosofi_commune_secret_cells_are_nan_not_zero():
    path = shared(FILO_DIR / "FILO2019_DISP_COM.csv")
    table = read_table(
        path, required=["NBMEN19", "NBUC19", "Q219", "D119", "Q119"], codes=["31001"]
    )
    row = table.iloc[0]
    assert row["Q219"] == 21010.0
    assert row["NBUC19"] == 72.0
    assert row["NBMEN19"] == 51.0
    assert math.isnan(row["D119"]) and math.isnan(row["Q119"])


@pytest.mark.shared
def test_filosofi_bom_crlf_header_is_clean():
    path = shared(FILO_DIR / "FILO2019_DISP_COM.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = parse_file(path)
    assert table.columns[0] == "CODGEO"
    assert not any(name.endswith("\r") for name in table.columns)
    assert table.index.name == "line" and table.index[0] == 2


@pytest.mark.shared
def test_filosofi_2017_trailing_empty_columns_are_dropped():
    path = shared(FILO_DIR / "FILO2017_DISP_EPCI.csv")
    table = parse_file(path)
    assert table.columns[-1] == "PIMPOT17"
    assert not any(name == "" or name.startswith("Unnamed") for name in table.columns)
    row = read_table(path, required=["Q217", "S80S2017"], codes=["200072635"]).iloc[0]
    assert row["Q217"] == 19940.0 and row["S80S2017"] == 3.527


@pytest.mark.shared
def test_filosofi_metropole_code_is_a_string():
    path = shared(FILO_DIR / "FILO2014_DISP_METROPOLE.csv")
    table = read_table(path, required=["Q214"])
    assert table["CODGEO"].tolist() == ["1"]
    assert table.loc[0, "Q214"] == 20369.3


# --------------------------------------------------------------------------- COG


@pytest.mark.shared
def test_epci_composition_keeps_codes_as_strings():
    path = shared(COG_DIR / "EPCI_2020_composition-communale_dep31.csv")
    table = read_table(path)
    assert list(table.columns) == ["CODGEO", "LIBGEO", "EPCI", "LIBEPCI", "DEP", "REG"]
    assert len(table) == 586
    assert all(str(t) == "str" for t in table.dtypes)
    first = table.iloc[0]
    assert (first["CODGEO"], first["EPCI"], first["DEP"], first["REG"]) == (
        "31001",
        "200072643",
        "31",
        "76",
    )
    assert first["LIBEPCI"] == "CC Cœur et Coteaux du Comminges"
    assert (table["EPCI"] == "200072635").sum() == 76


@pytest.mark.shared
def test_communes_epci_uses_code_column_and_types_population():
    path = shared(COG_DIR / "communes-epci-2026_dep31.csv")
    table = read_table(path, required=["siren", "population", "epci_code"], codes=["31471"])
    assert table.columns[0] == "code"
    row = table.iloc[0]
    assert isinstance(row["siren"], str) and len(row["siren"]) == 9
    assert row["epci_code"] == "200072635"
    assert isinstance(row["population"], float)


# --------------------------------------------------------------------------- fixtures


def test_zip_with_meta_member_reads_the_data_member():
    path = FIXTURES / "base-cc-evol-struct-pop-2099_csv.zip"
    table = read_table(path, required=["P99_POP", "P99_POP1529"])
    assert table["CODGEO"].tolist() == ["00001", "00002", "2A004"]
    assert table["P99_POP"].tolist() == [1234.5, 87.1, 66000.0]
    assert math.isnan(table.loc[1, "P99_POP1529"])
    assert parse_file(path).attrs["source"]["member"] == "base-cc-evol-struct-pop-2099.CSV"


def test_zip_with_several_data_members_needs_member():
    path = FIXTURES / "two_tables.zip"
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    message = str(caught.value)
    assert "FILO2099_DISP_COM.csv" in message and "FILO2099_DISP_Pauvres_COM.csv" in message
    assert "documentation.csv" not in message.split("parmi", 1)[1]
    table = read_table(path, member="FILO2099_DISP_Pauvres_COM.csv")
    assert table.loc[0, "TP6099"] == 12.5
    with pytest.raises(DataFileError, match="membre introuvable"):
        read_table(path, member="FILO2099_DISP_EPCI.csv")


def test_insee_xlsx_header_found_below_title_lines():
    path = FIXTURES / "insee_style.xlsx"
    table = read_table(path)
    assert list(table.columns) == ["CODGEO", "REG", "DEP", "LIBGEO", "P99_POP", "P99_POP0014"]
    assert table["CODGEO"].tolist() == ["00001", "00002", "2A004"]
    assert table["REG"].tolist() == ["00", "00", "94"]
    assert table["P99_POP"].tolist() == [1234.5, 87.1, 66000.0]
    assert math.isnan(table.loc[1, "P99_POP0014"])
    full = parse_file(path)
    assert full.attrs["source"]["sheet"] == "COM"
    assert full.index.tolist() == [7, 8, 9]


def test_insee_xlsx_other_sheet_and_unknown_sheet():
    path = FIXTURES / "insee_style.xlsx"
    table = read_table(path, sheet="ARM", required=["P99_POP"])
    assert table["CODGEO"].tolist() == ["75101", "75102"]
    assert table["P99_POP"].tolist() == [15917.0, 20900.25]
    with pytest.raises(DataFileError, match="'ARM'"):
        read_table(path, sheet="IRIS")


def test_xlsx_code_stored_as_number_is_padded_with_a_warning():
    path = FIXTURES / "codgeo_lost_zeros.xlsx"
    with pytest.warns(DataFileWarning) as caught:
        table = read_table(path)
    assert table["CODGEO"].tolist() == ["31001", "01001"]  # 1001 lost the zero of dép. 01
    message = str(caught[0].message)
    assert "codgeo_lost_zeros.xlsx" in message and "'CODGEO'" in message
    assert "1 code(s)" in message and "1001 → '01001'" in message


def test_cp1252_file_is_decoded_with_a_warning():
    path = FIXTURES / "cp1252.csv"
    with pytest.warns(DataFileWarning, match=r"cp1252\.csv.*pas en UTF-8.*lu en cp1252"):
        table = read_table(path)
    assert table.loc[0, "LIBGEO"] == "Saint-Béat-Lez"
    assert table.loc[0, "P99_POP"] == 812.5


def test_utf8_file_reads_without_warning(tmp_path):
    path = tmp_path / "utf8.csv"
    path.write_text("CODGEO;LIBGEO\n31471;Saint-Béat-Lez\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_table(path).loc[0, "LIBGEO"] == "Saint-Béat-Lez"


def test_bad_numeric_value_names_file_column_line_value():
    path = FIXTURES / "bad_numeric.csv"
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    error = caught.value
    assert (error.column, error.line, error.value) == ("P99_POP", 3, "1 234")
    assert "bad_numeric.csv" in str(error) and "ligne 3" in str(error)


def test_duplicate_code_names_value_and_lines():
    path = FIXTURES / "duplicate_code.csv"
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    error = caught.value
    assert error.column == "CODGEO" and error.line == (2, 4)
    assert "'00001'" in str(error)


# --------------------------------------------------------------------------- edge cases


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_comma_separator_and_decimal_point(tmp_path):
    path = write(tmp_path, "t.csv", "CODGEO,LIBGEO,P99_POP\n01001,L'Abergement,776.5\n")
    table = read_table(path)
    assert table.loc[0, "CODGEO"] == "01001" and table.loc[0, "P99_POP"] == 776.5


def test_three_comma_four_hundred_is_three_point_four(tmp_path):
    path = write(tmp_path, "filo.csv", "CODGEO;S80S2099;RD\r\n00001;3,400;2,9\r\n00002;4,1;3\r\n")
    table = read_table(path)
    assert table["S80S2099"].tolist() == [3.4, 4.1]
    assert table["RD"].tolist() == [2.9, 3.0]


def test_mixed_decimal_marks_are_refused_in_numeric_families(tmp_path):
    path = write(tmp_path, "mixed.csv", "CODGEO;P99_POP\n00001;3,400\n00002;1.5\n")
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    assert (caught.value.line, caught.value.value) == (2, "3,400")


def test_unknown_non_numeric_column_stays_string(tmp_path):
    path = write(tmp_path, "t.csv", "CODGEO;ZONE;SUPERF\n00001;A1;12.5\n00002;007;\n")
    table = read_table(path)
    assert table["ZONE"].tolist() == ["A1", "007"]
    assert table["SUPERF"].tolist()[0] == 12.5 and math.isnan(table["SUPERF"].tolist()[1])


def test_unnamed_column_with_values_is_an_error(tmp_path):
    path = write(tmp_path, "t.csv", "CODGEO;P99_POP;\n00001;1;\n00002;2;oops\n")
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    assert caught.value.line == 3 and caught.value.value == "oops"


def test_empty_code_is_an_error(tmp_path):
    path = write(tmp_path, "t.csv", "CODGEO;P99_POP\n00001;1\n;2\n")
    with pytest.raises(DataFileError, match=r"code\(s\) vide") as caught:
        read_table(path)
    assert caught.value.line == (3,)


def test_row_with_extra_fields_names_its_line(tmp_path):
    path = write(tmp_path, "t.csv", "CODGEO;P99_POP\n00001;1\n00002;2;3\n")
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    assert caught.value.line == 3


def test_blank_lines_keep_line_numbers(tmp_path):
    path = write(tmp_path, "t.csv", "CODGEO;P99_POP\n00001;1\n\n00002;x\n")
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    assert caught.value.line == 4


def test_explicit_code_column_and_no_code_column(tmp_path):
    path = write(
        tmp_path,
        "mvt.csv",
        "MOD,DATE_EFF,TYPECOM_AV,COM_AV,TNCC_AV,TYPECOM_AP,COM_AP\n"
        "32,2019-01-01,COM,31471,0,COM,31471\n32,2019-01-01,COM,31266,1,COM,31471\n",
    )
    table = read_table(path)  # no CODGEO/code/COM: no code checks
    assert table["COM_AV"].tolist() == ["31471", "31266"]
    assert table["TNCC_AV"].tolist() == ["0", "1"] and table["MOD"].tolist() == ["32", "32"]
    with pytest.raises(DataFileError, match="en double"):
        read_table(path, code_column="COM_AP")
    with pytest.raises(DataFileError, match="pas de colonne de codes"):
        read_table(path, codes=["31471"])


# --------------------------------------------------------------------------- cache


def test_cache_parses_once_and_returns_requested_columns(tmp_path, monkeypatch):
    source = tmp_path / "data.zip"
    source.write_bytes((FIXTURES / "base-cc-evol-struct-pop-2099_csv.zip").read_bytes())
    cache_dir = tmp_path / "cache"
    first = cache.read_table(source, required=["P99_POP"], cache_dir=cache_dir)
    files = list(cache_dir.rglob("*.parquet"))
    assert len(files) == 1 and files[0].parent.name == files[0].stem[:2]

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(readers, "parse_file", no_parse)
    again = cache.read_table(source, required=["P99_POP"], codes=["2A004"], cache_dir=cache_dir)
    assert list(again.columns) == ["CODGEO", "P99_POP"]
    assert again["CODGEO"].tolist() == ["2A004"] and again.loc[0, "P99_POP"] == 66000.0
    assert again["CODGEO"].dtype == "str"
    pd.testing.assert_frame_equal(
        cache.read_table(source, required=["P99_POP"], cache_dir=cache_dir), first
    )


def test_cache_keeps_strings_as_strings(tmp_path):
    path = write(tmp_path, "t.csv", "CODGEO;ZONE;DEP;P99_POP\n00001;007;00;1\n00002;;00;\n")
    cached = cache.read_table(path, cache_dir=tmp_path / "cache")
    again = cache.read_table(path, cache_dir=tmp_path / "cache")
    for table in (cached, again):
        assert table["CODGEO"].tolist() == ["00001", "00002"]
        assert table["ZONE"].dtype == "str" and table["ZONE"].tolist()[0] == "007"
        assert pd.isna(table["ZONE"].tolist()[1])
        assert table["DEP"].tolist() == ["00", "00"]
    pd.testing.assert_frame_equal(cached, read_table(path))


def test_cache_key_changes_with_content_member_and_sheet(tmp_path):
    path = write(tmp_path, "t.csv", "CODGEO;P99_POP\n00001;1\n")
    key = cache.cache_key(path)
    assert cache.cache_key(path, sheet="COM") != key
    assert cache.cache_key(path, member="x.csv") != key
    path.write_text("CODGEO;P99_POP\n00001;2\n")  # same size: the mtime must tell
    os.utime(path, ns=(10**9, 10**9))
    assert cache.cache_key(path) != key
    assert cache.read_table(path, cache_dir=tmp_path / "c").loc[0, "P99_POP"] == 2.0


def test_corrupt_cache_file_is_replaced(tmp_path):
    path = write(tmp_path, "t.csv", "CODGEO;P99_POP\n00001;1.5\n")
    cache_dir = tmp_path / "cache"
    cache.read_table(path, cache_dir=cache_dir)
    target = cache.cache_path(cache_dir, cache.cache_key(path))
    target.write_bytes(b"not parquet")
    assert cache.read_table(path, cache_dir=cache_dir).loc[0, "P99_POP"] == 1.5
    assert target.read_bytes()[:4] == b"PAR1"
    target.write_bytes(b"PAR1 garbage")
    table = cache.cached_parse(path, cache_dir=cache_dir, columns=["P99_POP"])
    assert table["P99_POP"].tolist() == [1.5]


def test_cache_of_xlsx_keeps_sheet_and_errors(tmp_path):
    cache_dir = tmp_path / "cache"
    arm = cache.read_table(FIXTURES / "insee_style.xlsx", sheet="ARM", cache_dir=cache_dir)
    com = cache.read_table(FIXTURES / "insee_style.xlsx", cache_dir=cache_dir)
    assert arm["CODGEO"].tolist()[0] == "75101" and com["CODGEO"].tolist()[0] == "00001"
    with pytest.raises(DataFileError) as caught:
        cache.read_table(
            FIXTURES / "insee_style.xlsx", sheet="ARM", required=["P99_POPX"], cache_dir=cache_dir
        )
    assert caught.value.sheet == "ARM"


def test_default_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CTGSTATS_CACHE_DIR", str(tmp_path / "here"))
    assert cache.default_cache_dir() == tmp_path / "here"
    monkeypatch.delenv("CTGSTATS_CACHE_DIR")
    assert cache.default_cache_dir() == Path.home() / ".cache" / "ctgstats"


def test_numeric_columns_are_float64_even_when_integral(tmp_path):
    path = write(tmp_path, "t.csv", "CODGEO;P99_POP\n00001;1\n00002;2\n")
    table = read_table(path)
    assert table["P99_POP"].dtype == np.float64
