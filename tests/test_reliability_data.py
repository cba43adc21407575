"""Reliability of the data layer under bad input: each class of bad file is refused or
repaired with a French message naming the file, the column and the value.

Every fixture is written in ``tmp_path`` in INSEE's layouts (census bases ``base-cc-…``:
``;`` separator, ``CODGEO`` then ``P22_…`` counts; INSEE workbooks with title lines above
the header; zips holding the CSV).
"""

from __future__ import annotations

import gc
import math
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ctgstats.core.errors import InputError
from ctgstats.data import cache, memo, readers
from ctgstats.data.catalog import Catalog
from ctgstats.data.readers import (
    CodeRepairError,
    DataFileError,
    DataFileWarning,
    check_file_type,
    read_table,
    repair_commune_codes,
)

HEADER = "CODGEO;P22_POP;P22_POP0014;P22_POP6074"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def workbook(tmp_path: Path, name: str, header: list[str], rows: list[list[object]]) -> Path:
    """An INSEE-style workbook: title lines, then the header and the rows (sheet COM)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "COM"
    sheet.append(["Fichier de test ctgstats"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def no_warning_read(path: Path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return read_table(path, **options)


# --------------------------------------------------------------- 1. thousands separators


@pytest.mark.parametrize("value", ["2,361", "2.361"])
def test_a_thousands_separator_that_looks_like_the_decimal_mark_is_refused(tmp_path, value):
    # the only "decimals" of the count columns are 1-3 digits + exactly 3 digits, and no
    # count above 999 is written plainly: 2,361 is 2 361, not 2.361 -> refused, not guessed
    path = write(tmp_path, "base-cc-evol-struct-pop-2022.csv", f"{HEADER}\n01001;{value};776;87\n")
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    error = caught.value
    assert (error.column, error.line, error.value) == ("P22_POP", 2, value)
    message = str(error)
    assert "base-cc-evol-struct-pop-2022.csv" in message and "séparateur de milliers" in message
    assert "2 361 ou 2,361" in message


@pytest.mark.parametrize("value", ["2 361", "2\u00a0361", "2,361"])
def test_a_thousands_separator_in_a_decimal_point_file_is_refused_with_a_hint(tmp_path, value):
    text = f"{HEADER}\n01001;{value};12.5;3\n01002;159.17233;2.25;1\n"
    path = write(tmp_path, "base-cc-evol-struct-pop-2022.csv", text)
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    error = caught.value
    assert (error.column, error.line, error.value) == ("P22_POP", 2, value)
    assert "séparateur de milliers" in str(error)


def test_a_space_grouped_number_outside_the_census_columns_is_refused(tmp_path):
    # communes-epci layout: "population" is not a census family, it would stay text
    text = "code,nom,population\n01001,L'Abergement-Clémenciat,776\n01004,Ambérieu,14 081\n"
    with pytest.raises(DataFileError) as caught:
        read_table(write(tmp_path, "communes-epci-2026.csv", text))
    error = caught.value
    assert (error.column, error.line, error.value) == ("population", 3, "14 081")
    assert "séparateur de milliers" in str(error) and "communes-epci-2026.csv" in str(error)
    # a label column with digits and spaces is not a number column
    labels = "CODGEO;LIBELLE\n01001;Lot 12 345\n01002;Zone 1\n"
    assert no_warning_read(write(tmp_path, "t.csv", labels))["LIBELLE"].tolist() == [
        "Lot 12 345",
        "Zone 1",
    ]


def test_three_decimals_are_decimals_when_the_file_shows_its_precision(tmp_path):
    # 159.17233 (5 decimals) and 1200 (a count above 999 without separator): the point is
    # a decimal mark, so 2.361 is 2.361
    text = f"{HEADER}\n01001;2.361;159.17233;3\n01002;1200;12;1\n"
    table = no_warning_read(write(tmp_path, "base-cc-evol-struct-pop-2022.csv", text))
    assert table["P22_POP"].tolist() == [2.361, 1200.0]
    comma = f"{HEADER}\n01001;2,361;159,17233;3\n01002;1200;12;1\n"
    table = no_warning_read(write(tmp_path, "comma.csv", comma))
    assert table["P22_POP"].tolist() == [2.361, 1200.0]


# --------------------------------------------------------------- 2. cache integrity


def _flip_one_bit(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_cache_entry_changed_after_writing_is_never_used(tmp_path, monkeypatch):
    source = write(tmp_path, "base-cc-evol-struct-pop-2022.csv", f"{HEADER}\n31001;100.5;20;5\n")
    cache_dir = tmp_path / "cache"
    assert cache.read_table(source, cache_dir=cache_dir).loc[0, "P22_POP"] == 100.5
    target = cache.cache_path(cache_dir, cache.cache_key(source))
    assert cache.checksum_path(target).is_file()
    # a valid parquet file holding another figure: readable, so only a checksum tells
    forged = readers.parse_file(source)
    forged["P22_POP"] = [999.0]
    forged.to_parquet(target, engine="pyarrow", index=True)
    parsed = []
    monkeypatch.setattr(
        cache, "parse_file", lambda *a, **k: parsed.append(a) or readers.parse_file(*a, **k)
    )
    with pytest.warns(DataFileWarning, match=r"cache .* corrompu .*reconstruite") as caught:
        table = cache.read_table(source, cache_dir=cache_dir)
    assert table.loc[0, "P22_POP"] == 100.5 and len(parsed) == 1
    assert "base-cc-evol-struct-pop-2022.csv" in str(caught[0].message)
    # rebuilt: read again without warning nor parsing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.read_table(source, cache_dir=cache_dir).loc[0, "P22_POP"] == 100.5
    assert len(parsed) == 1


def test_one_flipped_bit_in_a_cached_parquet_is_detected(tmp_path):
    source = write(tmp_path, "t.csv", f"{HEADER}\n31001;100.5;20;5\n31002;7;1;2\n")
    cache_dir = tmp_path / "cache"
    expected = cache.read_table(source, cache_dir=cache_dir)
    target = cache.cache_path(cache_dir, cache.cache_key(source))
    for offset in (4, target.stat().st_size // 2, target.stat().st_size - 9):
        _flip_one_bit(target, offset)
        with pytest.warns(DataFileWarning, match="empreinte SHA-256"):
            table = cache.read_table(source, cache_dir=cache_dir)
        pd.testing.assert_frame_equal(table, expected)


def test_an_entry_without_its_checksum_is_rebuilt(tmp_path):
    source = write(tmp_path, "t.csv", f"{HEADER}\n31001;100.5;20;5\n")
    cache_dir = tmp_path / "cache"
    cache.read_table(source, cache_dir=cache_dir)
    target = cache.cache_path(cache_dir, cache.cache_key(source))
    cache.checksum_path(target).unlink()
    with pytest.warns(DataFileWarning, match="empreinte SHA-256 absente"):
        assert cache.read_table(source, cache_dir=cache_dir).loc[0, "P22_POP"] == 100.5
    assert cache.checksum_path(target).is_file()


def test_a_flipped_bit_in_a_memoised_result_is_recomputed(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"indice_vieillissement": 196.8}

    key = memo.content_key("fiabilite")
    assert (
        memo.memoised("essai", key, compute, cache_dir=tmp_path)["indice_vieillissement"] == 196.8
    )
    path = memo.memo_path("essai", key, cache_dir=tmp_path)
    _flip_one_bit(path, path.stat().st_size - 5)
    with pytest.warns(UserWarning, match="corrompu"):
        value = memo.memoised("essai", key, compute, cache_dir=tmp_path)
    assert value == {"indice_vieillissement": 196.8} and len(calls) == 2


# --------------------------------------------------------------- 3. codes, columns, rows


def test_repair_commune_codes_pads_only_when_unambiguous():
    assert repair_commune_codes(["1001", "31001", "2A004", None]) == (
        ["01001", "31001", "2A004", None],
        1,
    )
    # another level (départements, EPCI): left alone
    assert repair_commune_codes(["1", "31", "971"]) == (["1", "31", "971"], 0)
    assert repair_commune_codes(["1001", "200072635"]) == (["1001", "200072635"], 0)
    # only 4-digit codes: a commune column only if the caller says so
    assert repair_commune_codes(["1001", "1002"]) == (["1001", "1002"], 0)
    assert repair_commune_codes(["1001", "1002"], commune_column=True) == (["01001", "01002"], 2)
    with pytest.raises(CodeRepairError) as caught:
        repair_commune_codes(["1001", "01002", "31001"])
    assert caught.value.value == "1001" and "commençant par 0" in caught.value.reason
    with pytest.raises(CodeRepairError):
        repair_commune_codes(["0101", "31001"])  # would give 00101: no département 00
    with pytest.raises(CodeRepairError):
        repair_commune_codes(["2A01", "31001"])


def test_a_national_file_with_lost_leading_zeros_is_repaired_with_a_warning(tmp_path):
    text = f"{HEADER}\n1001;776;120;80\n9101;250;40;30\n31001;117;20;15\n2A004;66000;9000;8000\n"
    path = write(tmp_path, "base-cc-evol-struct-pop-2022.csv", text)
    for read in (read_table, lambda p: cache.read_table(p, cache_dir=tmp_path / "cache")):
        for _ in range(2):  # cold then warm cache: the warning is given every time
            with pytest.warns(DataFileWarning) as caught:
                table = read(path)
            assert table["CODGEO"].tolist() == ["01001", "09101", "31001", "2A004"]
            message = str(caught[0].message)
            assert "base-cc-evol-struct-pop-2022.csv" in message and "'CODGEO'" in message
            assert "2 code(s)" in message
    with pytest.warns(DataFileWarning):
        assert read_table(path, codes=["01001"])["P22_POP"].tolist() == [776.0]


def test_lost_zeros_mixed_with_padded_codes_are_refused(tmp_path):
    text = f"{HEADER}\n1001;776;120;80\n01002;250;40;30\n31001;117;20;15\n"
    path = write(tmp_path, "base-cc-evol-struct-pop-2022.csv", text)
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    assert (caught.value.column, caught.value.value) == ("CODGEO", "1001")
    assert "base-cc-evol-struct-pop-2022.csv" in str(caught.value)


def _census_folder(tmp_path: Path, census_text: str) -> Catalog:
    folder = tmp_path / "donnees"
    folder.mkdir()
    write(folder, "base-cc-evol-struct-pop-2022.csv", census_text)
    return Catalog.from_dirs([str(folder)], cache_dir=tmp_path / "cache")


def test_a_census_file_of_one_departement_with_lost_zeros_is_repaired(tmp_path):
    catalog = _census_folder(tmp_path, f"{HEADER}\n1001;776;120;80\n1002;250;40;30\n")
    with pytest.warns(DataFileWarning, match=r"2 code\(s\) commune à 4 chiffres"):
        ((_, table),) = catalog.rp_tables()
    assert table.index.tolist() == ["01001", "01002"]


def test_a_census_file_without_its_key_column_names_the_file_and_the_column(tmp_path):
    catalog = _census_folder(tmp_path, "CODGEO;P22_POP0014;P22_POP6074\n31001;20;5\n")
    with pytest.raises(DataFileError) as caught:
        catalog.rp_tables()
    assert caught.value.column == ("P22_POP",)
    assert "base-cc-evol-struct-pop-2022.csv" in str(caught.value) and "P22_POP" in str(
        caught.value
    )


def test_a_filosofi_file_without_its_median_names_the_file_and_the_column(tmp_path):
    folder = tmp_path / "donnees"
    folder.mkdir()
    header = "CODGEO;LIBGEO;NBMEN19;NBPERS19;NBUC19;Q119"
    write(folder, "FILO2019_DISP_COM.csv", f"\ufeff{header}\r\n31001;Agassac;51;120;72;15000\r\n")
    catalog = Catalog.from_dirs([str(folder)], cache_dir=tmp_path / "cache")
    with pytest.raises(DataFileError) as caught:
        catalog.filosofi_table(year=2019, level="COM")
    assert caught.value.column == ("Q219",) and "FILO2019_DISP_COM.csv" in str(caught.value)


def test_a_census_file_with_a_header_and_no_rows_is_refused(tmp_path):
    path = write(tmp_path, "base-cc-evol-struct-pop-2022.csv", f"{HEADER}\n")
    with pytest.raises(DataFileError, match="aucune ligne de données") as caught:
        read_table(path)
    assert "base-cc-evol-struct-pop-2022.csv" in str(caught.value)
    with pytest.raises(DataFileError, match="aucune ligne de données"):
        cache.read_table(path, cache_dir=tmp_path / "cache")
    with pytest.raises(DataFileError, match="aucune ligne de données"):
        read_table(workbook(tmp_path, "vide.xlsx", HEADER.split(";"), []))


def test_codes_stored_as_numbers_in_a_workbook_are_padded(tmp_path):
    # SDES RPLS layout: REG, DEP, DEPCOM as numbers
    header = ["REG", "DEP", "DEPCOM", "LIBCOM", "nb_ls2024"]
    rows = [[84, 1, 1001, "L'Abergement-Clémenciat", 12], [76, 31, 31001, "Agassac", 3]]
    path = workbook(tmp_path, "rpls_2024.xlsx", header, rows)
    cached = lambda p, **o: cache.read_table(p, cache_dir=tmp_path / "cache", **o)  # noqa: E731
    for read in (read_table, cached, cached):  # the warning comes from a warm cache too
        with pytest.warns(DataFileWarning) as caught:
            table = read(path, code_column="DEPCOM")
        assert table["REG"].tolist() == ["84", "76"]
        assert table["DEP"].tolist() == ["01", "31"]
        assert table["DEPCOM"].tolist() == ["01001", "31001"]
        messages = " | ".join(str(w.message) for w in caught)
        assert "rpls_2024.xlsx" in messages and "'DEP'" in messages and "'DEPCOM'" in messages
        assert "1 → '01'" in messages and "1001 → '01001'" in messages


def test_numeric_codes_that_cannot_be_padded_are_refused(tmp_path):
    mixed = workbook(
        tmp_path, "mixed.xlsx", ["CODGEO", "P22_POP"], [[1001, 5], ["01002", 7], ["31001", 2]]
    )
    with pytest.raises(DataFileError) as caught:
        read_table(mixed)
    assert caught.value.column == "CODGEO" and caught.value.value == "1001"
    one_dep = workbook(tmp_path, "ain.xlsx", ["DEPCOM", "DEP"], [[1001, 1], [1004, 1]])
    with pytest.warns(DataFileWarning) as caught:
        table = read_table(one_dep, code_column="DEPCOM")
    assert table["DEPCOM"].tolist() == ["01001", "01004"]
    assert any("'DEPCOM' : 2 code(s)" in str(w.message) for w in caught)
    departement = workbook(tmp_path, "dep.xlsx", ["CODGEO", "DEP", "P22_POP"], [[31, 31, 5]])
    with pytest.raises(DataFileError, match="code enregistré comme nombre") as caught:
        read_table(departement)
    assert caught.value.column == "CODGEO"


# --------------------------------------------------------------- 4. real file type


def _xlsx_bytes(tmp_path: Path) -> bytes:
    path = workbook(tmp_path, "source.xlsx", HEADER.split(";"), [["31001", 100, 20, 5]])
    return path.read_bytes()


def test_a_workbook_renamed_csv_is_refused_whatever_the_cache(tmp_path):
    data = _xlsx_bytes(tmp_path)
    real = tmp_path / "base-cc-evol-struct-pop-2022.xlsx"
    real.write_bytes(data)
    renamed = tmp_path / "base-cc-evol-struct-pop-2022.csv"
    renamed.write_bytes(data)
    cache_dir = tmp_path / "cache"
    assert cache.cache_key(real) == cache.cache_key(renamed)  # same bytes, same key
    with pytest.raises(DataFileError) as cold:
        cache.read_table(renamed, cache_dir=cache_dir)
    assert cache.read_table(real, cache_dir=cache_dir).loc[0, "P22_POP"] == 100.0  # warm
    with pytest.raises(DataFileError) as warm:
        cache.read_table(renamed, cache_dir=cache_dir)
    for error in (cold.value, warm.value):
        message = str(error)
        assert "base-cc-evol-struct-pop-2022.csv" in message
        assert "classeur tableur (XLSX)" in message and "pas un fichier CSV" in message
    with pytest.raises(DataFileError, match="XLSX"):
        read_table(renamed)


def test_a_csv_renamed_xlsx_and_a_zip_renamed_csv_are_named(tmp_path):
    text = write(tmp_path, "t.xlsx", f"{HEADER}\n31001;1;1;1\n")
    with pytest.raises(DataFileError, match="fichier texte"):
        check_file_type(text)
    archive = tmp_path / "t.csv"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("base.csv", f"{HEADER}\n31001;1;1;1\n")
    with pytest.raises(DataFileError, match="archive zip"):
        read_table(archive)


def test_the_low_level_reader_refuses_a_workbook_renamed_csv(tmp_path):
    from ctgstats.data.tabular import TabularError, read_delimited

    renamed = tmp_path / "indicateurs.csv"
    renamed.write_bytes(_xlsx_bytes(tmp_path))
    with pytest.raises(TabularError, match=r"classeur tableur \(XLSX\)") as caught:
        read_delimited(renamed)
    assert "indicateurs.csv" in str(caught.value)


# --------------------------------------------------------------- 5. negative, truncated


def test_a_negative_count_is_refused_naming_file_column_commune_and_value(tmp_path):
    # ageing index P22_POP6074 / P22_POP0014: 246 / 125 = 196.8; with one group sign-flipped
    # it would silently become something else: refused instead
    text = f"{HEADER}\n31001;500;125;246\n31002;300;-80;60\n"
    path = write(tmp_path, "base-cc-evol-struct-pop-2022.csv", text)
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    error = caught.value
    assert (error.column, error.line, error.value) == ("P22_POP0014", 3, "-80")
    message = str(error)
    assert "base-cc-evol-struct-pop-2022.csv" in message and "'31002'" in message
    assert "négatif" in message


def test_a_file_cut_inside_its_last_record_is_refused(tmp_path):
    text = f"{HEADER}\n31001;159.17233;20.5;5.25\n31002;87.12"
    path = write(tmp_path, "base-cc-evol-struct-pop-2022.csv", text)
    with pytest.raises(DataFileError, match="tronqué") as caught:
        read_table(path)
    assert caught.value.line == 3


def test_a_file_cut_inside_its_last_field_is_refused(tmp_path):
    # 159.17233 cut to 15: every other value of the column has decimals
    full = f"{HEADER}\n31001;100;20;12.516\n31002;87;12;7.25\n31003;40;9;159.17233"
    path = write(tmp_path, "base-cc-evol-struct-pop-2022.csv", full[: full.rindex(".")])
    with pytest.raises(DataFileError, match="tronqué") as caught:
        read_table(path)
    assert (caught.value.column, caught.value.line, caught.value.value) == (
        "P22_POP6074",
        4,
        "159",
    )
    # the complete file, even without a final newline, is read
    assert no_warning_read(write(tmp_path, "full.csv", full))["P22_POP6074"].iloc[-1] == 159.17233


def test_a_complete_last_record_without_final_newline_is_read(tmp_path):
    # frequent in real files (the Observatoire's NEET files end so)
    neet = "codgeo;libgeo;an;part_non_inseres\r\n94;Corse;2018;19,20\r\n76;Occitanie;2018;15,30"
    table = no_warning_read(write(tmp_path, "neet_region_2018.csv", neet), code_column="codgeo")
    assert table["part_non_inseres"].tolist() == [19.2, 15.3]
    ints = f"{HEADER}\n31001;100;20;12.5\n31002;87;12;0\n31003;40;9;15"
    table = no_warning_read(write(tmp_path, "ints.csv", ints))
    assert table["P22_POP6074"].tolist() == [12.5, 0.0, 15.0]  # the column has integers


# --------------------------------------------------------------- 6. corrupt zip member


def _corrupt_zip(tmp_path: Path, offset_fraction: float) -> Path:
    rows = "".join(f"{31000 + i};{i}.5;{i % 7};{i % 5}\n" for i in range(1, 3000))
    path = tmp_path / "base-cc-evol-struct-pop-2022_csv.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("meta_base-cc-evol-struct-pop-2022.CSV", "COD_VAR;LIB_VAR\n")
        handle.writestr("base-cc-evol-struct-pop-2022.CSV", f"{HEADER}\n{rows}")
    info = zipfile.ZipFile(path).getinfo("base-cc-evol-struct-pop-2022.CSV")
    start = info.header_offset + 30 + len(info.filename)
    _flip_one_bit(path, start + int(info.compress_size * offset_fraction))
    return path


@pytest.mark.parametrize("fraction", [0.01, 0.5, 0.98])
def test_a_corrupt_zip_member_is_a_clean_input_error(tmp_path, capfd, fraction):
    path = _corrupt_zip(tmp_path, fraction)
    for read in (read_table, lambda p: cache.read_table(p, cache_dir=tmp_path / "cache")):
        with pytest.raises(InputError) as caught:
            read(path)
        gc.collect()
        message = str(caught.value)
        assert isinstance(caught.value, DataFileError)
        assert "base-cc-evol-struct-pop-2022_csv.zip" in message
        assert "'base-cc-evol-struct-pop-2022.CSV'" in message and "corrompue" in message
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
    err = capfd.readouterr().err
    assert "Exception ignored" not in err and "Traceback" not in err


def test_an_intact_zip_is_still_read_from_memory(tmp_path):
    rows = "".join(f"{31000 + i};{i}.5;{i % 7};{i % 5}\n" for i in range(1, 50))
    path = tmp_path / "base-cc-evol-struct-pop-2022_csv.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("base-cc-evol-struct-pop-2022.CSV", f"{HEADER}\n{rows}")
    table = no_warning_read(path)
    assert len(table) == 49 and table["P22_POP"].sum() == sum(i + 0.5 for i in range(1, 50))
    assert not math.isnan(table.loc[0, "P22_POP0014"])


@pytest.mark.cli
def test_the_command_line_reports_a_corrupt_zip_member_as_an_input_error(tmp_path):
    from tests.helpers import run_cli

    demo = Path(__file__).resolve().parents[1] / "src" / "ctgstats" / "demo" / "data" / "insee"
    data = tmp_path / "donnees"
    data.mkdir()
    for name in ("cog/Intercommunalite_Metropole_au_01-01-2025.xlsx", "cog/v_mvt_commune_2025.csv"):
        (data / Path(name).name).write_bytes((demo / name).read_bytes())
    source = demo / "rp" / "base-cc-evol-struct-pop-2022_csv.zip"
    target = data / source.name
    with (
        zipfile.ZipFile(source) as archive,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in archive.infolist():
            out.writestr(info.filename, archive.read(info.filename))
    info = zipfile.ZipFile(target).getinfo("base-cc-evol-struct-pop-2022.CSV")
    _flip_one_bit(target, info.header_offset + 30 + len(info.filename) + info.compress_size // 3)
    params = tmp_path / "params.yaml"
    params.write_text(
        'territory:\n  level: epci\n  code: "000000101"\ncog_year: 2025\n'
        f"data_dirs:\n  - {data}\noutput_dir: {tmp_path / 'sorties'}\n"
        "notebooks:\n  - 01_demographie\n",
        encoding="utf-8",
    )
    result = run_cli("run", params, env={"CTGSTATS_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 2, result.stderr  # bad input, not "erreur inattendue" (1)
    assert "base-cc-evol-struct-pop-2022_csv.zip" in result.stderr
    assert "'base-cc-evol-struct-pop-2022.CSV'" in result.stderr and "corrompue" in result.stderr
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr
