"""The one low-level tabular reader: encodings, separators, CRLF, XLSX cell text, lines."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from ctgstats.core.errors import InputError
from ctgstats.data.tabular import (
    TabularError,
    cell_text,
    decode,
    read_delimited,
    read_xlsx,
    sniff_separator,
)


def test_cp1252_bytes_are_decoded_and_located(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("code;nom\n01;Saint-\xc9tienne\n".encode("cp1252"))
    table = read_delimited(path)
    assert table.encoding == "cp1252"
    assert table.rows == [["01", "Saint-Étienne"]]
    assert decode(path.read_bytes()).bad_line == 2


def test_bom_is_removed_and_reported(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfcode,nom\n01,A\n")
    table = read_delimited(path)
    assert (table.encoding, table.separator, table.header) == ("utf-8-sig", ",", ["code", "nom"])


@pytest.mark.parametrize(
    ("text", "separator"),
    [("a;b\n1,5;2\n", ";"), ("a,b\n1;5,2\n", ","), ("a\tb\n1\t2\n", "\t")],
)
def test_separator_is_sniffed(text, separator):
    assert sniff_separator(text) == separator


def test_crlf_and_blank_lines_keep_file_lines(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"code;valeur\r\n01;3,5\r\n\r\n02;4\r\n")
    table = read_delimited(path)
    assert table.rows == [["01", "3,5"], ["02", "4"]]
    assert table.lines == [2, 4]


def test_error_names_file_and_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b'a;b\n1;2\n3;"4\n')
    table = read_delimited(path)  # an unclosed quote at the end is accepted by csv
    assert table.lines[0] == 2
    with pytest.raises(TabularError) as caught:
        raise TabularError("valeur invalide", path=path, line=12, column="b")
    assert str(caught.value) == f"{path} : ligne 12 : colonne 'b' : valeur invalide"
    assert isinstance(caught.value, InputError)
    assert isinstance(caught.value, ValueError)


def test_empty_file_is_an_input_error(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_bytes(b"\n\n")
    with pytest.raises(InputError, match="vide.csv : fichier vide"):
        read_delimited(path)


def test_xlsx_cells_become_text_with_one_rule(tmp_path):
    path = tmp_path / "t.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Titre de l'INSEE"])
    sheet.append([])
    sheet.append(["CODGEO", "valeur", "date", "taux"])
    sheet.append(["01001", 3.0, datetime(2024, 3, 1), 12.5])
    sheet.append([None, None, None, None])
    sheet.append(["01002", 7, date(2023, 12, 31), None])
    workbook.save(path)
    table = read_xlsx(path, is_header=lambda row: "CODGEO" in row, header_search_rows=10)
    assert table.header == ["CODGEO", "valeur", "date", "taux"]
    assert table.header_line == 3
    assert table.rows == [["01001", "3", "2024-03-01", "12.5"], ["01002", "7", "2023-12-31", ""]]
    assert table.lines == [4, 6]


def test_xlsx_without_header_names_the_sheet(tmp_path):
    path = tmp_path / "t.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "COM"
    workbook.active.append(["titre"])
    workbook.save(path)
    with pytest.raises(TabularError, match=r"t\.xlsx : pas de ligne d'en-tête .*« COM »"):
        read_xlsx(path, is_header=lambda row: "CODGEO" in row, header_search_rows=5)


def test_cell_text_rule():
    assert cell_text(3.0) == "3"
    assert cell_text(3.25) == "3.25"
    assert cell_text(None) == ""
    assert cell_text(True) == "True"
    assert cell_text(datetime(2024, 3, 1, 10, 30)) == "2024-03-01 10:30:00"
