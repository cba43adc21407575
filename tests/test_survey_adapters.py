"""Survey exports: the same 10 questionnaires in every format give the same tidy answers.

The fixtures in ``tests/fixtures/surveys/`` are hand-made exports of one questionnaire
(``codebook.yaml``): LimeSurvey (codes, ``;``, BOM, CRLF; and "full answers", ``,``),
Google Forms (labels, checkbox cells joined by ``", "`` with a label containing a comma),
KoboToolbox (``grp/q`` paths with per-option columns; ``grp-q`` paths with a summary column of
space-separated codes) and a plain CSV. The expected answers below are written by hand.
"""

from __future__ import annotations

import csv
import hashlib
import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from ctgstats.surveys.adapters import (
    OUT_OF_CODEBOOK,
    SurveyInputError,
    detect_format,
    read_export,
    read_raw_export,
    split_checkbox_cell,
)
from ctgstats.surveys.codebook import load_codebook, parse_codebook
from ctgstats.surveys.model import (
    ANSWER_COLUMNS,
    NON_RESPONSE,
    QUALITY_COLUMNS,
    RESPONDENT_COLUMNS,
)

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
NR = NON_RESPONSE

# line of the export (header = 1) -> answers, in codebook order
EXPECTED = {
    2: ("A1", "F", "01004", "A3", ["SQ001", "SQ002"], 2.0, "Plus de bus le soir"),
    3: ("A2", "H", "01007", "A4", ["SQ002"], 10.0, NR),
    4: ("A5", "F", "01004", "A2", NR, NR, "Rien à signaler, merci"),
    5: ("A3", "H", "AUTRE", "A1", ["SQ003"], 2.5, NR),
    6: ("A1", "F", NR, NR, NR, NR, NR),
    7: (
        "A4",
        "F",
        "01053",
        "A3",
        ["SQ001", "SQ002", "SQ003"],
        35.0,
        "Le centre social est très bien.\nMerci !",
    ),
    8: (NR, "H", "01007", "A4", ["SQ002", "SQ003"], 0.5, NR),
    9: (
        "A2",
        "F",
        "01004",
        NR,
        ["SQ001"],
        12.0,
        "Trop de voitures ; pas assez de pistes cyclables",
    ),
    10: ("A3", "H", "01053", "A2", ["SQ002"], 4.0, NR),
    11: ("A5", "F", "01007", "A3", ["SQ001", "SQ003"], 50.0, NR),
}
QUESTIONS = ("age", "sexe", "commune", "satisfaction", "lieux", "anciennete", "remarques")

EXPORTS = {
    "limesurvey_codes.csv": "limesurvey",
    "limesurvey_full.csv": "limesurvey",
    "googleforms.csv": "googleforms",
    "kobo.csv": "kobo",
    "kobo_dash_summary.csv": "kobo",
    "plain.csv": "csv",
}


def expected_answers() -> pd.DataFrame:
    rows = []
    for line, answers in EXPECTED.items():
        for question, answer in zip(QUESTIONS, answers):
            if question == "anciennete":
                rows.append(
                    (
                        line,
                        question,
                        NR if answer == NR else "",
                        math.nan if answer == NR else answer,
                        "",
                    )
                )
            elif question == "remarques":
                rows.append(
                    (
                        line,
                        question,
                        NR if answer == NR else "",
                        math.nan,
                        "" if answer == NR else answer,
                    )
                )
            else:
                for code in answer if isinstance(answer, list) else [answer]:
                    rows.append((line, question, code, math.nan, ""))
    return _sorted(pd.DataFrame(rows, columns=["row", "question", "code", "value", "text"]))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(
        {"row": "int64", "question": "str", "code": "str", "value": "float64", "text": "str"}
    )
    return frame.sort_values(["row", "question", "code"]).reset_index(drop=True)


def tidy_by_row(data) -> pd.DataFrame:
    """Answers keyed by export line instead of the format-specific respondent id."""
    rows = dict(zip(data.respondents["respondent_id"], data.respondents["row"]))
    answers = data.answers.assign(row=data.answers["respondent_id"].map(rows))
    return _sorted(answers[["row", "question", "code", "value", "text"]])


@pytest.fixture
def codebook():
    return load_codebook(FIXTURES / "codebook.yaml")


def codebook_with(codebook, *, survey=None, questions=None, extra=()):
    data = yaml.safe_load((FIXTURES / "codebook.yaml").read_text(encoding="utf-8"))
    data["survey"].update(survey or {})
    for question in data["questions"]:
        question.update((questions or {}).get(question["id"], {}))
    data["questions"].extend(extra)
    return parse_codebook(data)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_detect_format(name):
    assert detect_format(FIXTURES / name) == EXPORTS[name]


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_same_questionnaire_same_tidy_answers_in_every_format(name, codebook):
    data = read_export(FIXTURES / name, codebook=codebook)
    assert data.format == EXPORTS[name]
    pd.testing.assert_frame_equal(tidy_by_row(data), expected_answers())


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_contract_columns_and_dtypes(name, codebook):
    data = read_export(FIXTURES / name, codebook=codebook)
    assert list(data.respondents.columns) == RESPONDENT_COLUMNS + ["age", "sexe", "commune"]
    assert list(data.answers.columns) == ANSWER_COLUMNS
    assert list(data.quality.columns) == QUALITY_COLUMNS
    assert data.respondents["respondent_id"].is_unique
    assert str(data.respondents["row"].dtype) == "int64"
    assert data.respondents["complete"].dtype == bool
    assert data.respondents["included"].dtype == bool
    assert data.answers["value"].dtype == "float64"
    for column in ("respondent_id", "question", "code", "text"):
        assert pd.api.types.is_string_dtype(data.answers[column])
    assert str(data.quality["ligne"].dtype) == "Int64"
    assert data.respondents["row"].tolist() == list(range(2, 12))  # export order
    assert data.survey_id == "habitants-test"
    assert data.notes and "10 questionnaire(s)" in data.notes[0]


def test_respondent_descriptors_hold_codes_with_leading_zeros(codebook):
    for name in EXPORTS:
        data = read_export(FIXTURES / name, codebook=codebook)
        respondents = data.respondents
        assert respondents["commune"].tolist() == [
            "01004",
            "01007",
            "01004",
            "AUTRE",
            "",
            "01053",
            "01007",
            "01004",
            "01053",
            "01007",
        ], name
        assert respondents["age"].tolist()[6] == ""  # line 8 left age blank
        assert respondents["sexe"].tolist() == list("FHFHFFHFHF"), name


def test_respondent_ids_per_format(codebook):
    lime = read_export(FIXTURES / "limesurvey_codes.csv", codebook=codebook)
    assert lime.respondents["respondent_id"].tolist() == [str(i) for i in range(1, 11)]
    assert lime.respondents["submitted_at"].iloc[0] == "2024-03-04 10:12:00"
    google = read_export(FIXTURES / "googleforms.csv", codebook=codebook)
    assert google.respondents["respondent_id"].tolist() == [f"r{i}" for i in range(2, 12)]
    assert google.respondents["submitted_at"].iloc[0] == "04/03/2024 10:12:00"
    assert google.respondents["complete"].all()
    kobo = read_export(FIXTURES / "kobo.csv", codebook=codebook)
    assert kobo.respondents["respondent_id"].iloc[0] == "0b6a1c2e-0001-4a5b-9c1d-000000000001"
    assert kobo.respondents["submitted_at"].iloc[0] == "2024-03-04T09:12:05"
    plain = read_export(FIXTURES / "plain.csv", codebook=codebook)
    assert plain.respondents["respondent_id"].tolist()[:2] == ["00001", "00002"]


def test_raw_export_is_not_modified(codebook, tmp_path):
    path = shutil.copy(FIXTURES / "limesurvey_codes.csv", tmp_path / "export.csv")
    before = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    read_export(path, codebook=codebook)
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == before


def test_read_raw_export_lines_are_records(codebook):
    raw = read_raw_export(FIXTURES / "limesurvey_codes.csv")
    assert raw.separator == ";"
    assert raw.encoding == "utf-8-sig"
    assert raw.header[0] == "id"  # BOM removed
    # line 7 holds a two-line free text: the next record is still line 8
    assert raw.lines == list(range(2, 12))


# --------------------------------------------------------------------------- LimeSurvey


def test_limesurvey_full_answers_equal_codes(codebook):
    codes = read_export(FIXTURES / "limesurvey_codes.csv", codebook=codebook)
    full = read_export(FIXTURES / "limesurvey_full.csv", codebook=codebook)
    pd.testing.assert_frame_equal(codes.answers, full.answers)
    pd.testing.assert_frame_equal(codes.respondents, full.respondents)


def test_limesurvey_incomplete_from_empty_submitdate(codebook):
    data = read_export(FIXTURES / "limesurvey_codes.csv", codebook=codebook)
    assert data.respondents["complete"].tolist() == [True] * 4 + [False] + [True] * 5


def test_limesurvey_other_column_unknown_without_autre_question(codebook):
    data = read_export(FIXTURES / "limesurvey_codes.csv", codebook=codebook)
    unknown = data.quality[data.quality["probleme"] == "colonne inconnue"]
    assert unknown["colonne"].tolist() == ["Q05[other]"]
    assert "non analysée" in unknown["traitement"].iloc[0]
    assert "lieux_autre" in unknown["traitement"].iloc[0]


def test_limesurvey_other_column_read_as_autre_text_question(codebook):
    extended = codebook_with(
        codebook, extra=[{"id": "lieux_autre", "label": "Autre lieu (précisez)", "type": "text"}]
    )
    data = read_export(FIXTURES / "limesurvey_codes.csv", codebook=extended)
    other = data.answers[data.answers["question"] == "lieux_autre"]
    assert len(other) == 10
    assert other["text"].iloc[1] == "La piscine"
    assert (other["code"].iloc[[0, 2]] == NR).all()
    assert "colonne inconnue" not in data.quality["probleme"].tolist()


def test_limesurvey_underscore_option_columns(codebook, tmp_path):
    text = (FIXTURES / "limesurvey_codes.csv").read_text(encoding="utf-8-sig")
    text = (
        text.replace("Q05[SQ001]", "Q05_SQ001")
        .replace("Q05[SQ002]", "Q05_SQ002")
        .replace("Q05[SQ003]", "Q05_SQ003")
        .replace("Q05[other]", "Q05_other")
    )
    path = write(tmp_path / "r_style.csv", text)
    data = read_export(path, codebook=codebook)
    pd.testing.assert_frame_equal(tidy_by_row(data), expected_answers())


def test_unknown_option_column_is_out_of_codebook(codebook, tmp_path):
    text = (FIXTURES / "limesurvey_codes.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    lines[0] += ";Q05[SQ009]"
    lines[1] += ";Y"
    path = write(tmp_path / "extra_option.csv", "\n".join(lines[:2]) + "\n")
    with pytest.raises(SurveyInputError) as caught:
        read_export(path, codebook=codebook)
    assert caught.value.column == "Q05[SQ009]"
    assert caught.value.row == 2
    assert caught.value.value == "Y"


# --------------------------------------------------------------------------- Google Forms


def test_google_checkbox_label_with_comma(codebook):
    data = read_export(FIXTURES / "googleforms.csv", codebook=codebook)
    lieux = data.answers[data.answers["question"] == "lieux"]
    by_row = lieux.groupby("respondent_id")["code"].apply(list).to_dict()
    assert by_row["r2"] == ["SQ001", "SQ002"]  # "Le centre social, Sport, culture et loisirs"
    assert by_row["r7"] == ["SQ001", "SQ002", "SQ003"]
    assert by_row["r3"] == ["SQ002"]  # "Sport, culture et loisirs" alone


def test_split_checkbox_cell_greedy_longest_label():
    labels = ["Sport", "Sport, culture et loisirs", "Le centre social", "La médiathèque"]
    assert split_checkbox_cell("Sport, culture et loisirs, Sport", labels) == [
        "Sport, culture et loisirs",
        "Sport",
    ]
    assert split_checkbox_cell(
        "le  centre social, La piscine, couverte, La médiathèque", labels
    ) == ["le centre social", "La piscine, couverte", "La médiathèque"]
    assert split_checkbox_cell("Autre chose", labels) == ["Autre chose"]
    assert split_checkbox_cell("", labels) == []


def test_google_other_text_in_checkbox_is_out_of_codebook(codebook, tmp_path):
    text = (FIXTURES / "googleforms.csv").read_text(encoding="utf-8")
    text = text.replace(
        '"Le centre social, La médiathèque"', '"Le centre social, La piscine, La médiathèque"'
    )
    path = write(tmp_path / "google_other.csv", text)
    with pytest.raises(SurveyInputError) as caught:
        read_export(path, codebook=codebook)
    message = str(caught.value)
    assert "column 'Quels lieux fréquentez-vous ?', line 11, value 'La piscine'" in message
    report = codebook_with(codebook, survey={"unknown_answers": "report"})
    data = read_export(path, codebook=report)
    codes = data.answers.query("respondent_id == 'r11' and question == 'lieux'")["code"]
    assert codes.tolist() == ["SQ001", "SQ003", OUT_OF_CODEBOOK]


def test_google_header_overrides_label(codebook, tmp_path):
    text = (FIXTURES / "googleforms.csv").read_text(encoding="utf-8")
    text = text.replace('"Vous êtes :"', '"Vous êtes (sexe) :"')
    path = write(tmp_path / "google_header.csv", text)
    with pytest.raises(SurveyInputError) as caught:
        read_export(path, codebook=codebook)
    assert "'sexe'" in str(caught.value) and "Vous êtes (sexe) :" in str(caught.value)
    fixed = codebook_with(codebook, questions={"sexe": {"header": "Vous êtes (sexe) :"}})
    data = read_export(path, codebook=fixed)
    pd.testing.assert_frame_equal(tidy_by_row(data), expected_answers())


# --------------------------------------------------------------------------- Kobo


def test_kobo_group_paths_and_per_option_columns(codebook):
    data = read_export(FIXTURES / "kobo.csv", codebook=codebook)
    assert data.quality.empty  # summary column 'grp_vie/lieux' is not "unknown"


def test_kobo_summary_column_of_codes(codebook):
    data = read_export(FIXTURES / "kobo_dash_summary.csv", codebook=codebook)
    lieux = data.answers.query("respondent_id == 'uuid-06' and question == 'lieux'")
    assert lieux["code"].tolist() == ["SQ001", "SQ002", "SQ003"]


def kobo_xlsx(tmp_path: Path) -> Path:
    """kobo.csv as a Kobo XLSX export: numbers and 1/0 as numeric cells."""
    with open(FIXTURES / "kobo.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Enquête habitants"
    sheet.append(rows[0])
    numeric = {
        i
        for i, name in enumerate(rows[0])
        if name.startswith("grp_vie/lieux/") or name in ("grp_vie/anciennete", "_id")
    }
    for row in rows[1:]:
        sheet.append([float(v) if i in numeric and v else (v or None) for i, v in enumerate(row)])
    workbook.create_sheet("autre feuille")
    path = tmp_path / "kobo.xlsx"
    workbook.save(path)
    return path


def test_kobo_xlsx_first_sheet(codebook, tmp_path):
    path = kobo_xlsx(tmp_path)
    assert detect_format(path) == "kobo"
    data = read_export(path, codebook=codebook)
    pd.testing.assert_frame_equal(tidy_by_row(data), expected_answers())
    assert "Enquête habitants" in data.notes[0]


# --------------------------------------------------------------------------- plain CSV


def test_plain_per_option_columns_and_xlsx_lost_zeros(codebook, tmp_path):
    with open(FIXTURES / "plain.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    header = rows[0][:5] + ["Q05_SQ001", "Q05_SQ002", "Q05_SQ003"] + rows[0][6:]
    sheet.append(header)
    for row in rows[1:]:
        ticks = [int(code in row[5].split(";")) for code in ("SQ001", "SQ002", "SQ003")]
        commune = int(row[3]) if row[3].isdigit() else row[3] or None  # Excel drops zeros
        sheet.append(
            row[:3]
            + [commune, row[4] or None]
            + ticks
            + [float(row[6].replace(",", ".")) if row[6] else None, row[7] or None]
        )
    path = tmp_path / "plain.xlsx"
    workbook.save(path)
    data = read_export(path, codebook=codebook, format="csv")
    expected = expected_answers()
    # no box ticked in a 0/1 layout: one non-response row, as in the other layouts
    pd.testing.assert_frame_equal(tidy_by_row(data), expected)
    assert data.respondents["commune"].iloc[0] == "01004"
    assert any("zéros à gauche" in note for note in data.notes)


def test_csv_multiple_with_semicolons_in_cell(codebook):
    data = read_export(FIXTURES / "plain.csv", codebook=codebook)
    lieux = data.answers.query("respondent_id == '00006' and question == 'lieux'")
    assert lieux["code"].tolist() == ["SQ001", "SQ002", "SQ003"]


def test_decimal_comma_and_numeric_values(codebook):
    data = read_export(FIXTURES / "googleforms.csv", codebook=codebook)
    values = data.answers.query("question == 'anciennete'")["value"]
    assert values.iloc[3] == 2.5 and values.iloc[6] == 0.5


# --------------------------------------------------------------------------- errors


def test_out_of_codebook_values_listed_in_one_error(codebook, tmp_path):
    text = (FIXTURES / "plain.csv").read_text(encoding="utf-8")
    text = text.replace("00004,A3,H,AUTRE,A1,", "00004,A3,H,AUTRE,Peut-être,").replace(
        "00009,A3,H,01053,A2,SQ002,4,", "00009,A3,X,01053,A2,SQ002,quatre,"
    )
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(SurveyInputError) as caught:
        read_export(path, codebook=codebook)
    error = caught.value
    message = str(error)
    assert f"{path}, column 'Q04', line 5, value 'Peut-être'" in message
    assert f"{path}, column 'Q02', line 10, value 'X'" in message
    assert f"{path}, column 'Q06', line 10, value 'quatre'" in message
    assert "unknown_answers: report" in message and "add the option" in message
    assert (error.path, error.column, error.row, error.value) == (path, "Q04", 5, "Peut-être")
    assert len(error.problems) == 3


def test_out_of_codebook_reported_and_kept(codebook, tmp_path):
    text = (FIXTURES / "plain.csv").read_text(encoding="utf-8")
    text = text.replace("00004,A3,H,AUTRE,A1,", "00004,A3,H,AUTRE,Peut-être,")
    path = write(tmp_path / "bad.csv", text)
    report = codebook_with(codebook, survey={"unknown_answers": "report"})
    data = read_export(path, codebook=report)
    answer = data.answers.query("respondent_id == '00004' and question == 'satisfaction'")
    assert answer["code"].tolist() == [OUT_OF_CODEBOOK]
    row = data.quality[data.quality["probleme"] == "réponse hors questionnaire"]
    assert row[["respondent_id", "ligne", "colonne", "valeur"]].values.tolist() == [
        ["00004", 5, "Q04", "Peut-être"]
    ]
    assert row["traitement"].iloc[0] == "conservé comme « réponse hors questionnaire »"


def test_missing_column_error_with_close_match(codebook, tmp_path):
    moved = codebook_with(codebook, questions={"satisfaction": {"column": "Q4"}})
    with pytest.raises(SurveyInputError) as caught:
        read_export(FIXTURES / "plain.csv", codebook=moved)
    message = str(caught.value)
    assert "question 'satisfaction': expected column 'Q4'" in message
    assert "close matches: 'Q04'" in message
    assert "codebook" in message
    assert caught.value.column == "Q4"


def test_missing_multiple_columns_in_limesurvey(codebook):
    moved = codebook_with(codebook, questions={"lieux": {"column": "Q5"}})
    with pytest.raises(SurveyInputError, match=r"question 'lieux'.*Q5\[<option code>\]"):
        read_export(FIXTURES / "limesurvey_codes.csv", codebook=moved)


def test_unknown_column_is_reported_not_an_error(codebook, tmp_path):
    text = (FIXTURES / "plain.csv").read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",Q99"] + [line + ",x" for line in text[1:]]
    path = write(tmp_path / "extra.csv", "\n".join(text))
    data = read_export(path, codebook=codebook)
    unknown = data.quality[data.quality["probleme"] == "colonne inconnue"]
    assert unknown[["colonne", "traitement"]].values.tolist() == [["Q99", "ignorée"]]


def test_malformed_line_names_file_and_line(codebook, tmp_path):
    path = write(tmp_path / "broken.csv", "id,Q01\n1,A1\n2,A2,A3,A4\n")
    with pytest.raises(SurveyInputError) as caught:
        read_raw_export(path)
    assert caught.value.row == 3 and "guillemets" in str(caught.value)


def test_unsure_format_is_an_error(tmp_path):
    path = write(tmp_path / "odd.csv", "id,submitdate,Q01\n1,2024-01-01,A1\n")
    with pytest.raises(SurveyInputError, match="format="):
        detect_format(path)


def test_missing_file(codebook, tmp_path):
    with pytest.raises(SurveyInputError, match="fichier introuvable"):
        read_export(tmp_path / "absent.csv", codebook=codebook)


def test_cp1252_export_is_read_with_a_note(codebook, tmp_path):
    text = (FIXTURES / "plain.csv").read_text(encoding="utf-8")
    path = write(tmp_path / "latin.csv", text, encoding="cp1252")
    data = read_export(path, codebook=codebook)
    assert any("Windows-1252" in note for note in data.notes)
    assert (
        data.answers.query("respondent_id == '00003' and question == 'remarques'")["text"].iloc[0]
        == "Rien à signaler, merci"
    )


def test_kobo_labels_export_with_label_headers(codebook, tmp_path):
    header = (
        "start;end;Profil/Quel est votre âge ?;Profil/Vous êtes :;"
        "Profil/Dans quelle commune habitez-vous ?;"
        "Êtes-vous satisfait de l'offre de loisirs ?;Quels lieux fréquentez-vous ?;"
        "Quels lieux fréquentez-vous ?/Le centre social;"
        "Quels lieux fréquentez-vous ?/Sport, culture et loisirs;"
        "Quels lieux fréquentez-vous ?/La médiathèque;"
        "Depuis combien d'années habitez-vous ici ?;Avez-vous des remarques ?;"
        "_id;_uuid;_submission_time;_index"
    )
    row = (
        "2024-03-04;2024-03-04;15 à 29 ans;Une femme;Ambérieu-en-Bugey;"
        "Plutôt satisfait;Le centre social Sport, culture et loisirs;1;1;0;2;"
        "Plus de bus le soir;501;u1;2024-03-04T09:12:05;1"
    )
    path = write(tmp_path / "kobo_labels.csv", header + "\n" + row + "\n")
    data = read_export(path, codebook=codebook)
    expected = expected_answers().query("row == 2").reset_index(drop=True)
    pd.testing.assert_frame_equal(tidy_by_row(data), expected)
    assert data.quality.empty


def test_export_without_respondents(codebook, tmp_path):
    path = write(tmp_path / "empty.csv", "id,Q01,Q02,Q03,Q04,Q05,Q06,Q07\n")
    data = read_export(path, codebook=codebook, territory_communes={"01004"})
    assert data.respondents.empty and data.answers.empty
    assert list(data.respondents.columns) == RESPONDENT_COLUMNS + ["age", "sexe", "commune"]
