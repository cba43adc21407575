"""Files for French Excel users: the ``_fr.csv`` twins and the report workbook.

Built from the demo portrait and the (small, unweighted) demo survey of councillors;
no kernel. Expected values are derived from the machine-readable CSV written next to
each twin (decimal point → decimal comma) or typed by hand.
"""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

import openpyxl
import pytest

from ctgstats.core.params import load_params
from ctgstats.portrait.build import build_portrait
from ctgstats.present.labels import indicator_label
from ctgstats.publish import excel, report
from ctgstats.surveys.analysis import analyse

DEMO_PARAMS = Path(__file__).resolve().parents[1] / "params" / "demo.yaml"
KEY_FIGURE_HEADERS = [
    "Indicateur",
    "Libellé de l'indicateur",
    "Niveau",
    "Code",
    "Année ou période",
    "Valeur",
    "Unité",
    "Source",
    "IC 95 % bas",
    "IC 95 % haut",
    "Note",
]
MACHINE_KEY_FIGURE_COLUMNS = (
    "indicateur,niveau,code,annee,valeur,unite,source,ic_bas,ic_haut,note".split(",")
)


@pytest.fixture(scope="module")
def inputs():
    """The demo portrait and the analysis of the councillors' survey."""
    params = load_params(DEMO_PARAMS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        portrait = build_portrait(params)
        (spec,) = [s for s in params.surveys if s.id == "elus"]
        return portrait, {"elus": analyse(spec, portrait=portrait)}


@pytest.fixture(scope="module")
def demo(inputs, tmp_path_factory):
    """(tables folder, written paths, table names) of the demo portrait and the councillors."""
    portrait, surveys = inputs
    folder = tmp_path_factory.mktemp("report") / "tables"
    written = report.write_tables(portrait, folder, surveys=surveys, stem="diagnostic_demo")
    report.write_index(portrait, folder.parent, tasks=[], surveys=surveys, stem="diagnostic_demo")
    names = list(report.all_tables(portrait, surveys))
    return folder, written, names


def _machine(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _french(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


# ------------------------------------------------------------------------- the CSV twins


def test_every_table_has_its_french_twin_in_the_written_list(demo):
    folder, written, names = demo
    expected = []
    for name in names:
        expected += [f"tables/{name}.csv", f"tables/{name}_fr.csv"]
    assert written == [*expected, "tables/diagnostic_demo.xlsx"]
    assert all((folder.parent / path).is_file() for path in written)


def test_the_index_links_the_workbook_and_every_twin(demo):
    folder, written, _ = demo
    html = (folder.parent / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="(tables/[^"]+)"', html)
    assert sorted(hrefs) == sorted(written)
    assert hrefs[0] == "tables/diagnostic_demo.xlsx"  # the workbook first, for Excel users
    # readers see the table's French title, never its file name
    assert ">Chiffres clés — CSV pour Excel (format français)</a>" in html
    assert not re.findall(r">[^<]*\.csv[^<]*</a>", html)


def test_machine_key_figures_keep_their_contract(demo):
    folder, _, _ = demo
    rows = _machine(folder / "chiffres_cles.csv")
    assert rows[0] == MACHINE_KEY_FIGURE_COLUMNS
    assert b"\r\n" not in (folder / "chiffres_cles.csv").read_bytes()


def test_french_twin_bytes_bom_crlf_and_separator(demo):
    folder, _, _ = demo
    raw = (folder / "chiffres_cles_fr.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\r\n")[0].decode("utf-8")
    assert header.split(";") == KEY_FIGURE_HEADERS
    lines = len(_machine(folder / "chiffres_cles.csv"))
    assert raw.count(b"\r\n") == lines  # one CRLF per record, no bare LF between records
    assert raw.count(b"\n") == raw.count(b"\r\n")


def test_french_key_figures_are_the_machine_ones_with_a_decimal_comma(demo):
    folder, _, _ = demo
    machine = _machine(folder / "chiffres_cles.csv")[1:]
    french = _french(folder / "chiffres_cles_fr.csv")
    assert french[0] == KEY_FIGURE_HEADERS
    french = french[1:]
    assert len(french) == len(machine)
    for m, f in zip(machine, french, strict=True):
        indicator, level, code, year, value, unit, source, low, high, note = m
        assert f[0] == indicator and f[1] == indicator_label(indicator)
        assert f[2:5] == [level, code, year]  # codes as text, leading zeros kept
        assert f[5] == value.replace(".", ",") and "." not in f[5]
        assert f[8:10] == [low.replace(".", ","), high.replace(".", ",")]
        assert f[6:8] == [unit, source] and f[10] == note
    epci_2022 = [r for r in french if r[2] == "epci" and r[4] == "2022"]
    (population,) = [r for r in epci_2022 if r[0] == "population"]
    assert population[3] == "000000101"
    # Excel reads "7562,5…" as a number: no thousands separator, one decimal comma
    assert re.fullmatch(r"-?\d+(,\d+)?", population[5])


def test_french_cells_by_hand():
    assert excel.french_cell(12345.6) == "12345,6"
    assert excel.french_cell(-0.25) == "-0,25"
    assert excel.french_cell(1e20) == "100000000000000000000"
    assert excel.french_cell(7) == "7"
    assert excel.french_cell(float("nan")) == ""
    assert excel.french_cell(None) == ""
    assert excel.french_cell(False) == "non"
    assert excel.french_cell("00012") == "00012"


def test_commune_codes_keep_their_leading_zeros(demo):
    folder, _, _ = demo
    machine = _machine(folder / "communes.csv")
    french = _french(folder / "communes_fr.csv")
    assert french[0][:3] == ["Code", "Commune", "Population 2011"]
    codes = [row[0] for row in french[1:]]
    assert codes == [row[0] for row in machine[1:]]
    assert codes and all(len(c) == 5 and c.startswith("0") for c in codes)


def test_survey_frequency_twin(demo):
    folder, _, _ = demo
    machine = _machine(folder / "enquete_elus_frequences.csv")
    french = _french(folder / "enquete_elus_frequences_fr.csv")
    assert machine[0] == [
        "question",
        "modalite",
        "effectif",
        "pourcentage",
        "ic_bas",
        "ic_haut",
        "base",
        "pondere",
    ]
    assert french[0] == [
        "Question",
        "Modalité",
        "Effectif",
        "Pourcentage (%)",
        "IC 95 % bas",
        "IC 95 % haut",
        "Base (répondants)",
        "Pondéré",
    ]
    for m, f in zip(machine[1:], french[1:], strict=True):
        assert f[2] == m[2] and f[3] == m[3].replace(".", ",")
        assert m[7] == "False" and f[7] == "non"  # the councillors' survey is not weighted


# ---------------------------------------------------------------------------- workbook


@pytest.fixture(scope="module")
def workbook(demo):
    folder, _, _ = demo
    book = openpyxl.load_workbook(folder / "diagnostic_demo.xlsx")
    yield book
    book.close()


def test_sheet_titles_are_french_short_and_unique(workbook):
    titles = workbook.sheetnames
    assert all(len(t) <= 31 for t in titles)
    assert len({t.casefold() for t in titles}) == len(titles)
    assert titles[0] == "À propos"
    for title in ("Chiffres clés", "Points de vigilance", "Définitions", "Territoires"):
        assert title in titles
    assert "Élus – Fréquences" in titles and "Élus – Fréquences (détail)" in titles
    assert not any("…" in t or "_" in t for t in titles)


def test_about_sheet_lists_every_other_sheet_and_says_fictional(workbook):
    about = workbook["À propos"]
    rows = [r for r in about.iter_rows(values_only=True)]
    assert rows[0][0].startswith("Données fictives")
    header = rows.index(("Feuille", "Fichier CSV", "Contenu", "Source"))
    listed = [r[0] for r in rows[header + 1 :]]
    assert listed == workbook.sheetnames[1:]
    assert all(r[2] and r[3] for r in rows[header + 1 :])
    key = [r for r in rows[header + 1 :] if r[0] == "Chiffres clés"][0]
    assert key[1] == "chiffres_cles.csv ; chiffres_cles_fr.csv"


def test_table_sheets_have_bold_frozen_filtered_headers(workbook):
    for sheet in workbook.worksheets[1:]:
        assert sheet.freeze_panes == "A2", sheet.title
        last = sheet.cell(1, sheet.max_column).column_letter
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", sheet.title
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        for letter, dimension in sheet.column_dimensions.items():
            assert 8 <= dimension.width <= 60, (sheet.title, letter)
    key = workbook["Chiffres clés"]
    assert [c.value for c in key[1]] == KEY_FIGURE_HEADERS


def _column(sheet, header: str) -> list:
    headers = [c.value for c in sheet[1]]
    index = headers.index(header) + 1
    return [row[0] for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]


def test_codes_are_text_cells_and_numbers_have_excel_formats(workbook, demo):
    folder, _, _ = demo
    territories = workbook["Territoires"]
    (epci,) = [c for c in _column(territories, "Code") if c.value == "000000101"]
    assert epci.data_type == "s" and epci.number_format == "@"
    communes = _column(workbook["Communes"], "Code")
    assert all(c.data_type == "s" and c.value.startswith("0") for c in communes)
    key = workbook["Chiffres clés"]
    rows = list(key.iter_rows(min_row=2))
    headers = [c.value for c in key[1]]
    value_at, unit_at, indicator_at = (headers.index(h) for h in ("Valeur", "Unité", "Indicateur"))
    machine = _machine(folder / "chiffres_cles.csv")[1:]
    for row, m in zip(rows, machine, strict=True):
        unit = row[unit_at].value
        cell = row[value_at]
        if m[4] == "":
            assert cell.value is None
            continue
        # full precision in the cell (as far as Excel keeps it: 15 significant digits)
        assert cell.value == pytest.approx(float(m[4]), rel=1e-14, abs=0)
        if unit == "habitants":
            assert cell.number_format == "#,##0", row[indicator_at].value
        elif unit == "%":
            assert cell.number_format == "0.0", row[indicator_at].value
    counts = _column(workbook["Élus – Fréquences"], "Effectif")
    assert counts and all(c.number_format == "#,##0" and c.data_type == "n" for c in counts)
    shares = _column(workbook["Élus – Fréquences"], "Pourcentage (%)")
    assert all(c.number_format == "0.0" for c in shares)
    weighted = _column(workbook["Élus – Fréquences"], "Pondéré")
    assert {c.value for c in weighted} == {"non"}


def test_a_survey_without_portrait_has_its_own_workbook(inputs, tmp_path):
    _, surveys = inputs
    written = report.write_tables(None, tmp_path / "tables", surveys=surveys, stem="enquete")
    names = [
        f"tables/{n}" for n in ("enquete_elus_frequences.csv", "enquete_elus_frequences_fr.csv")
    ]
    assert written[:2] == names and written[-1] == "tables/enquete.xlsx"
    book = openpyxl.load_workbook(tmp_path / "tables" / "enquete.xlsx", read_only=True)
    try:
        assert book.sheetnames[:3] == [
            "À propos",
            "Élus – Fréquences",
            "Élus – Fréquences (détail)",
        ]
        rows = list(book["À propos"].iter_rows(values_only=True))
        assert rows[0][0].startswith("Données fictives")  # the survey is fictional
        assert [
            r[0] for r in rows[rows.index(("Feuille", "Fichier CSV", "Contenu", "Source")) + 1 :]
        ] == (book.sheetnames[1:])
    finally:
        book.close()


# ------------------------------------------------------------------- sheet titles rules


def _words(text: str) -> set[str]:
    return set(text.split())


def test_long_survey_ids_are_shortened_by_whole_words_and_stay_unique():
    taken = {"à propos"}
    kinds = list(excel.SURVEY_KINDS)
    ids = ["questionnaire_parents_petite_enfance_2029", "questionnaire_parents_petite_enfance"]
    titles = []
    for number, survey_id in enumerate(ids, start=1):
        result = excel.survey_sheet_titles(survey_id, kinds, number=number, taken=taken)
        allowed = _words(survey_id.replace("_", " ").capitalize()) | {"–", "Enquête", str(number)}
        for long, short in excel.SURVEY_KINDS.values():
            allowed |= _words(long) | _words(short)
        for title in result.values():
            assert _words(title) <= allowed, title  # never a word cut in the middle
        titles += result.values()
    assert all(len(t) <= 31 for t in titles)
    assert len({t.casefold() for t in titles}) == len(titles) == 2 * len(kinds)


def test_an_unknown_long_table_name_is_shortened_by_whole_words():
    taken: set[str] = set()
    name = "tableau_des_equipements_petite_enfance_par_commune"
    first = excel.sheet_title(name, taken=taken)
    second = excel.sheet_title(name, taken=taken)
    assert first == "Tableau des equipements petite"
    assert second == "Tableau des equipements"  # one word fewer is free
    assert excel.sheet_title(name, taken=taken) == "Tableau des"
    assert excel.sheet_title("chiffres_cles", taken=taken) == "Chiffres clés"


def test_the_readme_output_table_lists_every_table_written(demo):
    """README's « outputs/<slug>/ » table names every table a run writes (issue 10)."""
    _, written, _ = demo
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("`outputs/<slug>/`:", 1)[1].split("How to read it", 1)[0]
    missing = []
    for path in written:
        name = Path(path).name
        if name.endswith("_fr.csv") or name.endswith(".xlsx"):
            continue
        stem = name.removesuffix(".csv")
        survey = re.match(r"enquete_[a-z0-9_\-]+?_(frequences_detail|[a-z]+)$", stem)
        if stem not in section and not (survey and f"_{survey.group(1)}" in section):
            missing.append(name)
    assert missing == []
