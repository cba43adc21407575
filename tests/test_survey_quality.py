"""The data-quality table: duplicates, incomplete questionnaires, territory, summary counts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from ctgstats.surveys.adapters import read_export
from ctgstats.surveys.codebook import CodebookError, load_codebook, parse_codebook
from ctgstats.surveys.quality import (
    EXCLUSION_DUPLICATE_ANSWERS,
    EXCLUSION_DUPLICATE_ID,
    EXCLUSION_INCOMPLETE,
    EXCLUSION_OUTSIDE,
    SUMMARY_ROWS,
    assess,
    mark_repeated_ids,
    summary,
)

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
TERRITORY = {"01004", "01007"}


@pytest.fixture
def codebook():
    return load_codebook(FIXTURES / "codebook.yaml")


def codebook_with(*, survey=None, questions=None):
    data = yaml.safe_load((FIXTURES / "codebook.yaml").read_text(encoding="utf-8"))
    data["survey"].update(survey or {})
    for question in data["questions"]:
        question.update((questions or {}).get(question["id"], {}))
    return parse_codebook(data)


def counts(data) -> dict[str, int]:
    table = summary(data)
    assert table["indicateur"].tolist() == list(SUMMARY_ROWS)
    return dict(zip(table["indicateur"], table["effectif"]))


def limesurvey_with_extra_lines(tmp_path: Path, *lines: str) -> Path:
    text = (FIXTURES / "limesurvey_codes.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "limesurvey.csv"
    path.write_text(text + "".join(line + "\r\n" for line in lines), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- incomplete


def test_incomplete_excluded_by_default(codebook):
    data = read_export(FIXTURES / "limesurvey_codes.csv", codebook=codebook)
    row = data.respondents.iloc[4]
    assert (row["respondent_id"], bool(row["included"]), row["exclusion"]) == (
        "5",
        False,
        EXCLUSION_INCOMPLETE,
    )
    flagged = data.quality[data.quality["probleme"] == "questionnaire incomplet"]
    assert flagged[["respondent_id", "ligne", "colonne", "traitement"]].values.tolist() == [
        ["5", 6, "submitdate", "exclu (questionnaire incomplet)"]
    ]
    assert counts(data) == {
        "Questionnaires reçus": 10,
        "Questionnaires complets": 9,
        "Doublons exclus": 0,
        "Incomplets exclus": 1,
        "Hors territoire exclus": 0,
        "Réponses hors questionnaire": 0,
        "Questionnaires analysés": 9,
    }


def test_incomplete_kept_and_flagged_with_keep_rule():
    keep = codebook_with(survey={"incomplete": "keep"})
    data = read_export(FIXTURES / "limesurvey_codes.csv", codebook=keep)
    assert data.respondents["included"].all()
    flagged = data.quality[data.quality["probleme"] == "questionnaire incomplet"]
    assert flagged["traitement"].tolist() == [
        "conservé (règle : questionnaires incomplets conservés)"
    ]
    assert counts(data)["Incomplets exclus"] == 0
    assert counts(data)["Questionnaires analysés"] == 10


def test_nothing_is_dropped(codebook):
    data = read_export(
        FIXTURES / "limesurvey_codes.csv", codebook=codebook, territory_communes=TERRITORY
    )
    assert len(data.respondents) == 10
    excluded = set(data.respondents.loc[~data.respondents["included"], "respondent_id"])
    assert excluded == {"4", "5", "6", "9"}
    assert excluded <= set(data.answers["respondent_id"])
    assert len(data.included) == 6


# --------------------------------------------------------------------------- duplicates


def test_repeated_id_keeps_first(codebook, tmp_path):
    # response 3 imported a second time (line 12), with a different timestamp
    path = limesurvey_with_extra_lines(
        tmp_path,
        "3;2024-03-11 09:00:00;3;fr;4410;2024-03-11 08:55:00;"
        "2024-03-11 09:00:00;A5;F;01004;A2;;;;;;Deuxième envoi",
    )
    data = read_export(path, codebook=codebook)
    respondents = data.respondents
    assert respondents["respondent_id"].is_unique
    repeat = respondents.iloc[10]
    assert (
        repeat["respondent_id"],
        int(repeat["row"]),
        bool(repeat["included"]),
        repeat["exclusion"],
    ) == ("3#L12", 12, False, EXCLUSION_DUPLICATE_ID)
    assert bool(respondents.iloc[2]["included"])  # the first "3" is kept
    row = data.quality[data.quality["probleme"] == "doublon (identifiant répété)"]
    assert row[["respondent_id", "ligne", "colonne", "valeur"]].values.tolist() == [
        ["3#L12", 12, "id", "3"]
    ]
    assert "ligne 4" in row["traitement"].iloc[0]
    # its answers are kept, under the renamed id
    assert (
        "Deuxième envoi"
        in data.answers.loc[data.answers["respondent_id"] == "3#L12", "text"].tolist()
    )
    assert counts(data)["Doublons exclus"] == 1


def test_identical_answers_and_timestamp_are_a_probable_duplicate(codebook, tmp_path):
    path = limesurvey_with_extra_lines(
        tmp_path,
        # same answers and submitdate as id 2 (line 3): probable duplicate
        "11;2024-03-04 11:30:10;3;fr;8812;2024-03-04 11:20:00;2024-03-04 11:30:10;"
        "A2;H;01007;A4;;Y;;La piscine;10;",
        # same answers as id 9 but another submitdate: a different person
        "12;2024-03-12 07:45:00;3;fr;6677;2024-03-12 07:40:00;2024-03-12 07:45:00;"
        "A3;H;01053;A2;;Y;;;4;",
    )
    data = read_export(path, codebook=codebook)
    respondents = data.respondents.set_index("respondent_id")
    assert respondents.loc["11", "exclusion"] == EXCLUSION_DUPLICATE_ANSWERS
    assert bool(respondents.loc["12", "included"])
    assert bool(respondents.loc["2", "included"])
    row = data.quality[data.quality["probleme"] == "doublon probable (réponses identiques)"]
    assert row["respondent_id"].tolist() == ["11"]
    assert "ligne 3" in row["traitement"].iloc[0]
    assert counts(data) == {
        "Questionnaires reçus": 12,
        "Questionnaires complets": 11,
        "Doublons exclus": 1,
        "Incomplets exclus": 1,
        "Hors territoire exclus": 0,
        "Réponses hors questionnaire": 0,
        "Questionnaires analysés": 10,
    }


def test_mark_repeated_ids():
    assert mark_repeated_ids(["a", "b", "a", "a"], [2, 3, 4, 5]) == ["a", "b", "a#L4", "a#L5"]


# --------------------------------------------------------------------------- territory


def test_territory_exclusions_and_summary(codebook):
    data = read_export(
        FIXTURES / "limesurvey_codes.csv", codebook=codebook, territory_communes=TERRITORY
    )
    respondents = data.respondents.set_index("respondent_id")
    assert respondents.loc[["4", "6", "9"], "exclusion"].tolist() == [EXCLUSION_OUTSIDE] * 3
    outside = data.quality[data.quality["probleme"] == "hors territoire"]
    assert outside[["respondent_id", "colonne", "valeur"]].values.tolist() == [
        ["4", "Q03", "AUTRE (Une autre commune)"],
        ["6", "Q03", "01053 (Bourg-en-Bresse)"],
        ["9", "Q03", "01053 (Bourg-en-Bresse)"],
    ]
    assert counts(data) == {
        "Questionnaires reçus": 10,
        "Questionnaires complets": 9,
        "Doublons exclus": 0,
        "Incomplets exclus": 1,
        "Hors territoire exclus": 3,
        "Réponses hors questionnaire": 0,
        "Questionnaires analysés": 6,
    }


def test_blank_commune_kept_and_flagged(codebook):
    data = read_export(FIXTURES / "kobo.csv", codebook=codebook, territory_communes=TERRITORY)
    blank = data.quality[data.quality["probleme"] == "commune non renseignée"]
    assert blank[["ligne", "colonne"]].values.tolist() == [[6, "grp_profil/commune"]]
    assert bool(data.respondents.iloc[4]["included"])
    assert counts(data)["Questionnaires analysés"] == 7


def test_territory_codes_are_strings(codebook):
    data = read_export(
        FIXTURES / "plain.csv", codebook=codebook, territory_communes=["01004", "01007", "01053"]
    )
    assert data.respondents.loc[~data.respondents["included"], "respondent_id"].tolist() == [
        "00004"
    ]


def test_commune_options_must_be_insee_codes():
    letters = codebook_with(
        questions={
            "commune": {
                "options": [
                    {"code": "C1", "label": "Ambérieu-en-Bugey"},
                    {"code": "C2", "label": "Ambronay"},
                    {"code": "C3", "label": "Bourg-en-Bresse"},
                    {"code": "AUTRE", "label": "Une autre commune"},
                ]
            }
        }
    )
    data = read_export(FIXTURES / "googleforms.csv", codebook=letters)
    with pytest.raises(CodebookError, match="INSEE"):
        assess(data, codebook=letters, territory_communes=TERRITORY)


def test_no_commune_descriptor_note(codebook):
    without = codebook_with(questions={"commune": {"describes": None}})
    data = read_export(FIXTURES / "plain.csv", codebook=without, territory_communes=TERRITORY)
    assert data.respondents["included"].all()
    assert any("filtre" in note for note in data.notes)


# --------------------------------------------------------------------------- assess


def test_assess_is_idempotent_and_keeps_adapter_rows(codebook):
    data = read_export(
        FIXTURES / "limesurvey_codes.csv", codebook=codebook, territory_communes=TERRITORY
    )
    again = assess(data, codebook=codebook, territory_communes=TERRITORY)
    pd.testing.assert_frame_equal(again.quality, data.quality)
    pd.testing.assert_frame_equal(again.respondents, data.respondents)
    assert "colonne inconnue" in data.quality["probleme"].tolist()  # from the adapter


def test_assess_without_territory_resets_exclusions(codebook):
    data = read_export(
        FIXTURES / "limesurvey_codes.csv", codebook=codebook, territory_communes=TERRITORY
    )
    plain = assess(data, codebook=codebook)
    assert plain.respondents["exclusion"].tolist().count(EXCLUSION_OUTSIDE) == 0
    assert "hors territoire" not in plain.quality["probleme"].tolist()
    assert data.respondents["exclusion"].tolist().count(EXCLUSION_OUTSIDE) == 3  # unchanged


def test_summary_counts_out_of_codebook_answers(tmp_path):
    text = (FIXTURES / "plain.csv").read_text(encoding="utf-8")
    text = text.replace("00004,A3,H,AUTRE,A1,", "00004,A3,H,AUTRE,Peut-être,").replace(
        "00010,A5,F,01007,A3,SQ001;SQ003,", "00010,A5,F,01007,A3,SQ001;SQ009,"
    )
    path = tmp_path / "report.csv"
    path.write_text(text, encoding="utf-8")
    report = codebook_with(survey={"unknown_answers": "report"})
    data = read_export(path, codebook=report, territory_communes=TERRITORY)
    assert counts(data) == {
        "Questionnaires reçus": 10,
        "Questionnaires complets": 10,
        "Doublons exclus": 0,
        "Incomplets exclus": 0,
        "Hors territoire exclus": 3,
        "Réponses hors questionnaire": 2,
        "Questionnaires analysés": 7,
    }
    assert summary(data)["effectif"].dtype == "int64"
