"""Codebook drafts: valid YAML codebooks that read their own export, with TODO guesses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ctgstats.surveys.adapters import read_export
from ctgstats.surveys.codebook import parse_codebook
from ctgstats.surveys.draft import draft_codebook
from ctgstats.surveys.model import NON_RESPONSE

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
EXPORTS = [
    "limesurvey_codes.csv",
    "limesurvey_full.csv",
    "googleforms.csv",
    "kobo.csv",
    "kobo_dash_summary.csv",
    "plain.csv",
]


def drafted(name: str):
    text = draft_codebook(FIXTURES / name, survey_id="habitants-2025")
    return text, parse_codebook(yaml.safe_load(text), source=name)


@pytest.mark.parametrize("name", EXPORTS)
def test_draft_loads_and_reads_its_export(name):
    text, codebook = drafted(name)
    assert codebook.survey.id == "habitants-2025"
    assert "# TODO" in text
    # unknown_answers is "error": every value of the export is an option of the draft
    data = read_export(FIXTURES / name, codebook=codebook)
    assert len(data.respondents) == 10
    types = {q.type for q in codebook.questions}
    assert types == {"single", "multiple", "numeric", "text"}
    counted = data.answers[data.answers["code"] != NON_RESPONSE]
    assert counted["question"].nunique() == len(codebook.questions)  # every column read
    assert "colonne inconnue" not in data.quality["probleme"].tolist()


def test_limesurvey_option_columns_grouped():
    text, codebook = drafted("limesurvey_codes.csv")
    lieux = codebook.question("q05")
    assert lieux.type == "multiple"
    assert lieux.column == "Q05"
    assert [o.code for o in lieux.options] == ["SQ001", "SQ002", "SQ003"]
    other = codebook.question("q05_autre")
    assert (other.type, other.column) == ("text", "Q05[other]")
    assert codebook.question("q06").type == "numeric"
    assert codebook.question("q07").type == "text"
    commune = codebook.question("q03")
    assert commune.describes == "commune"
    assert [o.code for o in commune.options] == ["01004", "01007", "01053", "AUTRE"]
    assert codebook.question("q02").describes == "sexe"
    assert "describes: commune  # TODO" in text


def test_limesurvey_full_answers_get_generated_codes_and_census_guess():
    _, codebook = drafted("limesurvey_full.csv")
    age = codebook.question("q01")
    assert age.describes == "age"
    by_label = {o.label: o for o in age.options}
    assert by_label["15 à 29 ans"].census == ("1529",)
    assert by_label["75 ans ou plus"].census == ("7589", "90P")
    assert [o.code for o in age.options] == ["A1", "A2", "A3", "A4", "A5"]
    sexe = codebook.question("q02")
    assert [(o.label, o.census) for o in sexe.options] == [
        ("Une femme", ("F",)),
        ("Un homme", ("H",)),
    ]  # " un  HOMME " merged into "Un homme"


def test_google_checkbox_detected_with_comma_label():
    text, codebook = drafted("googleforms.csv")
    lieux = codebook.question("quels_lieux_frequentez_vous")
    assert lieux.type == "multiple"
    assert lieux.label == "Quels lieux fréquentez-vous ?"
    assert [o.label for o in lieux.options] == [
        "Sport, culture et loisirs",
        "Le centre social",
        "La médiathèque",
    ]
    assert "libellé contenant une virgule" in text
    assert codebook.question("avez_vous_des_remarques").type == "text"
    assert codebook.question("quel_est_votre_age").describes == "age"
    assert codebook.question("vous_etes").describes == "sexe"
    assert all(q.column is None for q in codebook.questions)  # matched on the label


def test_kobo_option_columns_grouped_on_last_segment():
    _, codebook = drafted("kobo.csv")
    assert [q.id for q in codebook.questions] == [
        "age",
        "sexe",
        "commune",
        "satisfaction",
        "lieux",
        "anciennete",
        "remarques",
    ]
    lieux = codebook.question("lieux")
    assert lieux.type == "multiple"
    assert [o.code for o in lieux.options] == ["SQ001", "SQ002", "SQ003"]


def test_kobo_space_separated_codes_detected():
    _, codebook = drafted("kobo_dash_summary.csv")
    lieux = codebook.question("grp_vie_lieux")
    assert lieux.type == "multiple"
    assert sorted(o.code for o in lieux.options) == ["SQ001", "SQ002", "SQ003"]
    assert codebook.question("grp_profil_sexe").type == "single"  # "Une femme" is one label


def test_invalid_survey_id():
    with pytest.raises(ValueError, match="survey_id"):
        draft_codebook(FIXTURES / "plain.csv", survey_id="Enquête 2025")
