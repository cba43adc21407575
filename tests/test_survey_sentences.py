"""French findings sentences: hand-computed shares and Wilson intervals on n_eff."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctgstats.present.formatting import NBSP
from ctgstats.surveys.codebook import parse_codebook
from ctgstats.surveys.model import (
    ANSWER_COLUMNS,
    NON_RESPONSE,
    RESPONDENT_COLUMNS,
    SurveyData,
)
from ctgstats.surveys.sentences import CAUTION, chosen_share, survey_findings

CODEBOOK = parse_codebook(
    {
        "survey": {"id": "habitants", "title": "Enquête habitants"},
        "questions": [
            {
                "id": "satisfaction",
                "label": "Êtes-vous satisfait de l'offre de loisirs ?",
                "type": "likert",
                "options": [
                    {"code": "A1", "label": "Pas du tout", "score": 1},
                    {"code": "A2", "label": "Plutôt pas", "score": 2},
                    {"code": "A3", "label": "Plutôt", "score": 3},
                    {"code": "A4", "label": "Tout à fait", "score": 4},
                    {"code": "A9", "label": "Ne sait pas", "dont_know": True},
                ],
                "finding": {
                    "codes": ["A3", "A4"],
                    "text": "se disent satisfaits de l'offre de loisirs",
                },
            },
            {
                "id": "lieux",
                "label": "Quels lieux fréquentez-vous ?",
                "type": "multiple",
                "options": [
                    {"code": "X", "label": "Le centre social"},
                    {"code": "Y", "label": "La médiathèque"},
                    {"code": "Z", "label": "Le parc"},
                    {"code": "N", "label": "Je ne sais pas", "dont_know": True},
                ],
            },
            {"id": "remarques", "label": "Remarques", "type": "text"},
        ],
    }
)

# 40 included respondents + 3 excluded ones who all answered A4 (ignored)
SATISFACTION = (
    ["A1"] * 4
    + ["A2"] * 6
    + ["A3"] * 14
    + ["A4"] * 12
    + ["A9"] * 2
    + [NON_RESPONSE] * 2
    + ["A4"] * 3
)
# lieux: X ticked by 10, Y by 10, Z by 5, N ("ne sait pas") by 12, the others nothing
LIEUX = (
    [["X"]] * 10 + [["Y"]] * 10 + [["Z"]] * 5 + [["N"]] * 12 + [[NON_RESPONSE]] * 3 + [["X"]] * 3
)


def make_survey(n_included: int = 40) -> SurveyData:
    ids = [f"r{i}" for i in range(1, 44)]
    included = [i < n_included for i in range(43)]
    respondents = pd.DataFrame(
        {
            "respondent_id": ids,
            "row": range(2, 45),
            "submitted_at": "",
            "complete": True,
            "included": included,
            "exclusion": ["" if k else "doublon" for k in included],
        }
    )
    answers = [(rid, "satisfaction", code, np.nan, "") for rid, code in zip(ids, SATISFACTION)]
    answers += [
        (rid, "lieux", code, np.nan, "") for rid, codes in zip(ids, LIEUX) for code in codes
    ]
    return SurveyData(
        survey_id="habitants",
        source="x.csv",
        format="csv",
        respondents=respondents[RESPONDENT_COLUMNS],
        answers=pd.DataFrame(answers, columns=ANSWER_COLUMNS),
        quality=pd.DataFrame(),
    )


def test_finding_unweighted_by_hand():
    # A3 + A4 = 14 + 12 = 26 of 40 (NSP and non-response stay in the base): 65 %.
    # Wilson on n = 40: z²/n = 0.0960365, centre = (0.65 + 0.0480182) / 1.0960365
    # = 0.6368568, half = 1.959964 / 1.0960365 × √(0.2275/40 + z²/6400) = 0.1417979
    # -> 49.5 %–77.9 %, shown "50–78 %".
    share = chosen_share(make_survey(), CODEBOOK.question("satisfaction"), ["A3", "A4"])
    assert share.share == pytest.approx(0.65)
    assert (share.low, share.high) == pytest.approx((0.4950588, 0.7786547), abs=1e-6)
    first = survey_findings(make_survey(), CODEBOOK)[0]
    assert first == (
        f"65{NBSP}% des répondants (IC 95{NBSP}%{NBSP}: 50–78{NBSP}%) se disent "
        f"satisfaits de l'offre de loisirs (non pondéré ; base{NBSP}: 40 "
        "répondants)."
    )
    assert "Prudence" not in first


def test_summed_share_interval_is_recomputed_not_added():
    question = CODEBOOK.question("satisfaction")
    both = chosen_share(make_survey(), question, ["A3", "A4"])
    a3 = chosen_share(make_survey(), question, ["A3"])
    a4 = chosen_share(make_survey(), question, ["A4"])
    assert both.share == pytest.approx(a3.share + a4.share)
    assert both.high - both.low < (a3.high - a3.low) + (a4.high - a4.low)


def test_finding_weighted_uses_n_eff():
    # weight 2 for the twelve A4 respondents (r25…r36), 1 for the others:
    # Σw = 52, chosen = 14 + 24 = 38 -> 73.08 %; n_eff = 52² / (12×4 + 28) = 35.5789
    # Wilson(0.730769, 35.5789) = (56.80 %, 84.86 %) -> "57–85 %"
    ids = [f"r{i}" for i in range(1, 41)]
    weights = pd.Series(1.0, index=ids)
    weights.loc[[f"r{i}" for i in range(25, 37)]] = 2.0
    share = chosen_share(
        make_survey(), CODEBOOK.question("satisfaction"), ["A3", "A4"], weights=weights
    )
    assert share.n_eff == pytest.approx(2704 / 76)
    assert (share.low, share.high) == pytest.approx((0.5680019, 0.8485604), abs=1e-6)
    first = survey_findings(make_survey(), CODEBOOK, weights=weights)[0]
    assert first.startswith(f"73{NBSP}% des répondants (IC 95{NBSP}%{NBSP}: 57–85{NBSP}%)")
    assert f"(pondéré ; base{NBSP}: 40 répondants)." in first


def test_most_chosen_option_of_a_multiple_question_with_a_tie():
    sentences = survey_findings(make_survey(), CODEBOOK)
    assert len(sentences) == 2
    # X and Y: 10 of 40 each (25 %); "Je ne sais pas" (12) is not an option to cite.
    # Wilson(10, 40) = (14.19 %, 40.19 %) -> "14–40 %"
    assert sentences[1] == (
        f"«{NBSP}Quels lieux fréquentez-vous ?{NBSP}»{NBSP}: les options les plus cochées, "
        f"ex aequo, sont «{NBSP}Le centre social{NBSP}» et «{NBSP}La médiathèque{NBSP}» "
        f"(chacune 25{NBSP}% des répondants, IC 95{NBSP}%{NBSP}: 14–40{NBSP}% ; plusieurs "
        f"réponses possibles ; non pondéré ; base{NBSP}: 40 répondants)."
    )


def test_caution_under_30_respondents():
    # 20 included: r1–r4 A1, r5–r10 A2, r11–r20 A3 -> A3 + A4 = 10 of 20 = 50 %
    sentences = survey_findings(make_survey(20), CODEBOOK)
    assert sentences[0].startswith(f"50{NBSP}% des répondants")
    assert sentences[0].endswith(" " + CAUTION)
    assert CAUTION == f"Prudence{NBSP}: moins de 30 répondants."
    # lieux among r1…r20: X 10, Y 10 -> 50 % each, still a tie
    assert "ex aequo" in sentences[1] and sentences[1].endswith(CAUTION)
    assert f"base{NBSP}: 20 répondants" in sentences[1]


def test_single_winner_and_no_base():
    data = make_survey()
    answers = data.answers.copy()  # r38 ticks X instead of nothing
    answers.loc[(answers["respondent_id"] == "r38") & (answers["question"] == "lieux"), "code"] = (
        "X"
    )
    data.answers = answers
    sentence = survey_findings(data, CODEBOOK)[1]
    # X: 10 + r38 = 11 of 40 = 27.5 % -> "28 %" (half away from zero)
    assert f"l'option la plus cochée est «{NBSP}Le centre social{NBSP}» (28{NBSP}%" in sentence
    empty = make_survey(0)
    sentences = survey_findings(empty, CODEBOOK)
    assert "aucun répondant retenu" in sentences[0]
    assert "aucune option" in sentences[1]
