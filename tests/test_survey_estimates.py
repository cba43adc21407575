"""Survey estimates on a hand-made survey: every expected number is computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from ctgstats.surveys.codebook import parse_codebook
from ctgstats.surveys.estimates import (
    HORS_CODEBOOK,
    LIKERT_COLUMNS,
    NUMERIC_COLUMNS,
    choice_matrix,
    complementary_suppression,
    crosstab,
    frequencies,
    likert_scores,
    numeric_summary,
    weighted_quantile,
    wilson_interval,
)
from ctgstats.surveys.model import (
    ANSWER_COLUMNS,
    FREQUENCY_COLUMNS,
    NON_RESPONSE,
    RESPONDENT_COLUMNS,
    SurveyData,
)

Z = 1.959963984540054

CODEBOOK = parse_codebook(
    {
        "survey": {"id": "test", "title": "Enquête test"},
        "questions": [
            {
                "id": "sexe",
                "label": "Vous êtes",
                "type": "single",
                "describes": "sexe",
                "options": [
                    {"code": "H", "label": "Un homme"},
                    {"code": "F", "label": "Une femme"},
                ],
            },
            {
                "id": "satisfaction",
                "label": "Êtes-vous satisfait ?",
                "type": "likert",
                "options": [
                    {"code": "1", "label": "Pas du tout", "score": 1},
                    {"code": "2", "label": "Plutôt pas", "score": 2},
                    {"code": "3", "label": "Plutôt", "score": 3},
                    {"code": "4", "label": "Tout à fait", "score": 4},
                    {"code": "9", "label": "Ne sait pas", "dont_know": True},
                ],
                "finding": {"codes": ["3", "4"], "text": "se disent satisfaits"},
            },
            {
                "id": "lieux",
                "label": "Quels lieux fréquentez-vous ?",
                "type": "multiple",
                "options": [
                    {"code": "CS", "label": "Le centre social"},
                    {"code": "MED", "label": "La médiathèque"},
                    {"code": "PARC", "label": "Le parc"},
                ],
            },
            {"id": "enfants", "label": "Combien d'enfants ?", "type": "numeric"},
            {"id": "remarques", "label": "Remarques", "type": "text"},
        ],
    }
)

# r1…r10 included, r11 excluded (duplicate): its answers must be ignored everywhere.
SEXES = ["H", "H", "H", "F", "F", "F", "F", "H", "F", "", "H"]
SATISFACTION = {
    "r1": "4",
    "r2": "4",
    "r3": "3",
    "r4": "3",
    "r5": "3",
    "r6": "2",
    "r7": "1",
    "r8": "9",
    "r9": NON_RESPONSE,
    "r11": "4",
}  # r10: no row at all
LIEUX = {
    "r1": ["CS", "MED"],
    "r2": ["CS"],
    "r3": ["CS", "PARC"],
    "r4": ["MED"],
    "r5": ["CS"],
    "r6": [NON_RESPONSE],
    "r7": ["PARC"],
    "r8": ["CS", "MED", "PARC"],
    "r9": ["CS"],
    "r10": [NON_RESPONSE],
    "r11": ["CS"],
}
ENFANTS = {"r1": 0, "r2": 1, "r3": 2, "r4": 3, "r5": 1, "r6": 2, "r8": 5, "r11": 9}
# weights: 2 for r1…r5, 1 for r6…r10 (Σw = 15, n_eff = 15² / (5×4 + 5×1) = 9)
WEIGHTS = pd.Series([2.0] * 5 + [1.0] * 5, index=[f"r{i}" for i in range(1, 11)])


def make_survey() -> SurveyData:
    ids = [f"r{i}" for i in range(1, 12)]
    respondents = pd.DataFrame(
        {
            "respondent_id": ids,
            "row": range(2, 13),
            "submitted_at": "",
            "complete": True,
            "included": [True] * 10 + [False],
            "exclusion": [""] * 10 + ["doublon"],
            "sexe": SEXES,
        }
    )
    answers = []
    for rid, sexe in zip(ids, SEXES):
        answers.append((rid, "sexe", sexe or NON_RESPONSE, np.nan, ""))
    answers += [(rid, "satisfaction", code, np.nan, "") for rid, code in SATISFACTION.items()]
    answers += [(rid, "lieux", code, np.nan, "") for rid, codes in LIEUX.items() for code in codes]
    answers += [(rid, "enfants", "", float(v), "") for rid, v in ENFANTS.items()]
    answers += [("r7", "enfants", NON_RESPONSE, np.nan, "")]
    return SurveyData(
        survey_id="test",
        source="test.csv",
        format="csv",
        respondents=respondents[RESPONDENT_COLUMNS + ["sexe"]],
        answers=pd.DataFrame(answers, columns=ANSWER_COLUMNS),
        quality=pd.DataFrame(),
    )


def _wilson(p: float, n: float) -> tuple[float, float]:
    """Independent transcription of the Wilson formula (percent)."""
    d = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / d
    half = Z / d * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


# --------------------------------------------------------------------------- Wilson


def test_wilson_13_out_of_20_by_hand():
    # p = 0.65, n = 20, z = 1.959964, z² = 3.841459, z²/n = 0.1920729
    # centre = (0.65 + 3.841459 / 40) / 1.1920729 = 0.7460365 / 1.1920729 = 0.6258312
    # half   = 1.959964 / 1.1920729 × √(0.2275/20 + 3.841459/1600)
    #        = 1.6441823 × √0.0137759 = 1.6441823 × 0.1173708 = 0.1929770
    low, high = wilson_interval(13, 20)
    assert low == pytest.approx(0.6258312263 - 0.1929769496, abs=1e-6)
    assert high == pytest.approx(0.6258312263 + 0.1929769496, abs=1e-6)
    assert (round(low, 4), round(high, 4)) == (0.4329, 0.8188)


def test_wilson_on_non_integer_effective_size():
    # p = 0.4 on n_eff = 9.0 is the same interval as 3.6 / 9: centre 0.4299145,
    # half-width 0.2696103
    low, high = wilson_interval(0.4 * 9, 9.0)
    assert (low, high) == pytest.approx((0.1603043, 0.6995248), abs=1e-6)
    low, high = wilson_interval(0.4 * 12.5, 12.5)
    assert (100 * low, 100 * high) == pytest.approx(_wilson(0.4, 12.5), abs=1e-9)


def test_wilson_edges():
    # 0/10: lower bound 0, upper 2 × (z²/20) / (1 + z²/10) = 0.2775328
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775328), abs=1e-6)
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10) == pytest.approx((0.7224672, 1.0), abs=1e-6)
    assert wilson_interval(10, 10)[1] == 1.0
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


def test_wilson_is_not_wald():
    # Wald for 1/20 would go below 0; Wilson stays inside [0, 1] and is asymmetric
    low, high = wilson_interval(1, 20)
    assert low > 0 and high - 0.05 > 0.05 - low


# --------------------------------------------------------------------------- frequencies


def test_frequencies_unweighted_single_likert_with_dont_know_and_non_response():
    freq = frequencies(make_survey(), CODEBOOK)
    assert list(freq.columns[:8]) == FREQUENCY_COLUMNS
    assert list(freq.columns[8:]) == ["libelle_question", "type", "code", "n_eff", "alerte"]
    sat = freq[freq["question"] == "satisfaction"].set_index("code")
    # options in codebook order, "ne sait pas" kept, then non-response (r9 explicit, r10 no row)
    assert list(sat.index) == ["1", "2", "3", "4", "9", NON_RESPONSE]
    assert sat["modalite"].tolist() == [
        "Pas du tout",
        "Plutôt pas",
        "Plutôt",
        "Tout à fait",
        "Ne sait pas",
        "Non-réponse",
    ]
    assert sat["effectif"].tolist() == [1, 1, 3, 2, 1, 2]  # r11 (excluded) not counted
    assert sat["pourcentage"].tolist() == pytest.approx([10, 10, 30, 20, 10, 20])
    assert sat["pourcentage"].sum() == pytest.approx(100)
    assert set(sat["base"]) == {10} and set(sat["n_eff"]) == {10.0}
    assert not sat["pondere"].any()
    low, high = _wilson(0.3, 10)
    assert sat.loc["3", "ic_bas"] == pytest.approx(low, abs=1e-9)
    assert sat.loc["3", "ic_haut"] == pytest.approx(high, abs=1e-9)
    assert set(sat["alerte"]) == {"base inférieure à 30 répondants : estimation fragile"}
    # the describing question: r10 has a blank sex -> non-response row
    sexe = freq[freq["question"] == "sexe"]
    assert sexe["effectif"].tolist() == [4, 5, 1]


def test_frequencies_multiple_choice_does_not_sum_to_100():
    freq = frequencies(make_survey(), CODEBOOK)
    lieux = freq[freq["question"] == "lieux"].set_index("code")
    assert list(lieux.index) == ["CS", "MED", "PARC", NON_RESPONSE]
    assert lieux["effectif"].tolist() == [6, 3, 3, 2]
    assert lieux["pourcentage"].tolist() == pytest.approx([60, 30, 30, 20])
    assert lieux["pourcentage"].sum() == pytest.approx(140)
    assert set(lieux["base"]) == {10}


def test_frequencies_weighted_by_hand():
    freq = frequencies(make_survey(), CODEBOOK, weights=WEIGHTS)
    sat = freq[freq["question"] == "satisfaction"].set_index("code")
    # Σw = 15: "4" = r1, r2 = 4/15; "3" = r3, r4, r5 = 6/15; "2" r6, "1" r7, "9" r8 = 1/15;
    # non-response r9, r10 = 2/15
    assert sat["pourcentage"].tolist() == pytest.approx(
        [100 / 15, 100 / 15, 600 / 15, 400 / 15, 100 / 15, 200 / 15]
    )
    assert sat["effectif"].tolist() == [1, 1, 3, 2, 1, 2]  # unweighted
    assert sat["n_eff"].tolist() == pytest.approx([9.0] * 6)
    assert sat["pondere"].all()
    # Wilson on n_eff = 9 for p = 0.4: (16.03 %, 69.95 %)
    assert sat.loc["3", "ic_bas"] == pytest.approx(16.030425, abs=1e-5)
    assert sat.loc["3", "ic_haut"] == pytest.approx(69.952476, abs=1e-5)
    lieux = freq[freq["question"] == "lieux"].set_index("code")
    # CS: r1, r2, r3, r5 (w 2) + r8, r9 (w 1) = 10/15
    assert lieux.loc["CS", "pourcentage"] == pytest.approx(200 / 3)


def test_frequencies_hors_codebook_row_and_weights_checks():
    data = make_survey()
    answers = data.answers.copy()
    answers.loc[
        (answers["respondent_id"] == "r6") & (answers["question"] == "satisfaction"), "code"
    ] = "7"
    data.answers = answers
    sat = frequencies(data, CODEBOOK).query("question == 'satisfaction'").set_index("code")
    assert sat.loc[HORS_CODEBOOK, "modalite"] == "Réponse hors questionnaire"
    assert sat.loc[HORS_CODEBOOK, "effectif"] == 1
    assert sat["pourcentage"].sum() == pytest.approx(100)
    with pytest.raises(ValueError, match="no weight"):
        frequencies(make_survey(), CODEBOOK, weights=WEIGHTS.drop("r3"))


def test_two_answers_to_a_single_question_is_an_error():
    data = make_survey()
    extra = pd.DataFrame([("r1", "satisfaction", "3", np.nan, "")], columns=ANSWER_COLUMNS)
    data.answers = pd.concat([data.answers, extra], ignore_index=True)
    with pytest.raises(ValueError, match="several answers"):
        frequencies(data, CODEBOOK)


def test_choice_matrix_one_true_per_row_for_single():
    matrix = choice_matrix(make_survey(), CODEBOOK.question("satisfaction"))
    assert len(matrix) == 10 and "r11" not in matrix.index
    assert (matrix.sum(axis=1) == 1).all()


def test_no_alert_above_min_base():
    freq = frequencies(make_survey(), CODEBOOK, min_base=10)
    assert set(freq["alerte"]) == {""}


# --------------------------------------------------------------------------- numeric


def test_weighted_quantile_definition():
    # equal weights: the usual median, mean of the two central values
    assert weighted_quantile([4, 1, 3, 2], 0.5) == pytest.approx(2.5)
    assert weighted_quantile([1, 2, 3, 4, 5], 0.5) == pytest.approx(3)
    # Hazen: positions (k − 0.5) / 4 = 0.125, 0.375, 0.625, 0.875 -> q1 = 1 + (0.25 −
    # 0.125) / 0.25 = 1.5
    assert weighted_quantile([1, 2, 3, 4], 0.25) == pytest.approx(1.5)
    # weights 1, 3 on values 0, 10: positions 0.125 and 0.625 -> median 0 + 10 × 0.375/0.5
    assert weighted_quantile([0, 10], 0.5, [1, 3]) == pytest.approx(7.5)
    # integer weights = repeated values
    assert weighted_quantile([0, 10], 0.5, [2, 2]) == weighted_quantile([0, 0, 10, 10], 0.5)
    assert math.isnan(weighted_quantile([], 0.5))


def test_numeric_summary_by_hand():
    summary = numeric_summary(make_survey(), CODEBOOK)
    assert list(summary.columns) == NUMERIC_COLUMNS
    row = summary.iloc[0]
    # values of included respondents: 0, 1, 2, 3, 1, 2, 5 (r7 non-response, r9, r10 none)
    assert row["n"] == 7 and row["non_reponse"] == 3
    assert row["moyenne"] == pytest.approx(14 / 7)
    assert row["mediane"] == pytest.approx(2)
    assert (row["min"], row["max"]) == (0, 5)
    # sorted 0 1 1 2 2 3 5, positions (k − 0.5)/7: q1 at 0.25 = position 1.75 -> 1
    assert row["q1"] == pytest.approx(1)
    assert row["q3"] == pytest.approx(2 + (5.25 - 4.5) * (3 - 2))  # 2.75
    assert not row["pondere"]
    weighted = numeric_summary(make_survey(), CODEBOOK, weights=WEIGHTS).iloc[0]
    # weights r1..r5 = 2 (values 0, 1, 2, 3, 1), r6, r8 = 1 (2, 5): (14 + 7) / 12
    assert weighted["moyenne"] == pytest.approx(21 / 12)
    assert weighted["pondere"]
    assert weighted["n_eff"] == pytest.approx(12**2 / (5 * 4 + 2))


# --------------------------------------------------------------------------- Likert


def test_likert_scores_exclude_dont_know_and_non_response():
    scores = likert_scores(make_survey(), CODEBOOK)
    assert list(scores.columns) == LIKERT_COLUMNS
    row = scores.set_index("question").loc["satisfaction"]
    # scored: 4, 4, 3, 3, 3, 2, 1 -> 20 / 7 ; excluded r8 (ne sait pas), r9, r10
    assert row["n"] == 7 and row["exclus"] == 3
    assert row["score_moyen"] == pytest.approx(20 / 7)
    assert row["echelle"] == "1–4"
    assert "Ne sait pas" in row["note"] and "3 répondants" in row["note"]
    weighted = likert_scores(make_survey(), CODEBOOK, weights=WEIGHTS).iloc[0]
    # (2×4 + 2×4 + 2×3 ×3 + 1×2 + 1×1) / 12 = 37 / 12
    assert weighted["score_moyen"] == pytest.approx(37 / 12)
    assert "sexe" not in set(scores["question"])  # no scores: no row


# --------------------------------------------------------------------------- cross-tabs


def undisclosed(mask: pd.DataFrame, *, rows: bool = True, columns: bool = True) -> bool:
    """No masked cell can be derived from a known line total: 0 or ≥ 2 masked per line."""
    array = mask.to_numpy(dtype=bool)
    lines = ([array] if rows else []) + ([array.T] if columns else [])
    return all(int(line.sum()) != 1 for group in lines for line in group)


def test_complementary_suppression_by_hand():
    counts = pd.DataFrame([[2, 10, 20], [30, 40, 50], [25, 35, 3]])
    primary = counts < 5
    mask = complementary_suppression(counts, primary)
    # row 0: the 2 needs a partner; column 2 already holds a masked cell (the 3), so its
    # 20 is taken rather than the smaller 10; row 2: column 0 holds the 2, its 25 is
    # taken. The four masked cells form a rectangle: columns 0 and 2 have two each.
    expected = np.array([[1, 0, 1], [0, 0, 0], [1, 0, 1]], dtype=bool)
    assert (mask.to_numpy() == expected).all()
    assert undisclosed(mask)
    # the row total no longer gives the 2: 100 % − the shown cell leaves 2 + 20
    assert not undisclosed(primary)


def test_complementary_suppression_rows_only_and_zero_cells_last():
    counts = pd.DataFrame([[3, 0, 12, 8], [10, 10, 10, 10]])
    mask = complementary_suppression(counts, (counts >= 1) & (counts < 5), columns=False)
    # only the rows have a known total: the 3 gets the smallest cell with respondents (8),
    # not the 0; the second row is untouched
    assert mask.to_numpy().tolist() == [[True, False, False, True], [False] * 4]
    # a row of a 3 and zeros: a zero is the only partner left
    counts = pd.DataFrame([[3, 0], [10, 10]])
    mask = complementary_suppression(counts, (counts >= 1) & (counts < 5))
    assert mask.to_numpy().all() and undisclosed(mask)


def test_complementary_suppression_never_leaves_a_single_masked_cell():
    rng = np.random.default_rng(12)
    for _ in range(300):
        shape = (int(rng.integers(2, 6)), int(rng.integers(2, 7)))
        counts = pd.DataFrame(rng.integers(0, 25, size=shape))
        primary = (counts >= 1) & (counts < 5)
        mask = complementary_suppression(counts, primary)
        assert undisclosed(mask)
        assert (mask | ~primary).to_numpy().all()  # primary cells stay masked


def _big_survey(counts: dict[str, list[int]]) -> SurveyData:
    """Respondents answering satisfaction 1, 2, 3 by sex with the given counts."""
    respondents, answers = [], []
    k = 0
    for sexe, per_option in counts.items():
        for code, count in zip(["1", "2", "3"], per_option):
            for _ in range(count):
                k += 1
                respondents.append((f"r{k}", k + 1, "", True, True, "", sexe))
                answers.append((f"r{k}", "satisfaction", code, np.nan, ""))
    frame = pd.DataFrame(respondents, columns=RESPONDENT_COLUMNS + ["sexe"])
    return SurveyData(
        survey_id="t",
        source="t.csv",
        format="csv",
        respondents=frame,
        answers=pd.DataFrame(answers, columns=ANSWER_COLUMNS),
        quality=pd.DataFrame(),
    )


def test_crosstab_suppression_and_chi_square_against_scipy():
    counts = {"H": [20, 15, 3], "F": [10, 20, 30]}
    result = crosstab(_big_survey(counts), CODEBOOK, question="satisfaction", by="sexe")
    assert list(result.table.index) == ["Un homme", "Une femme"]
    assert list(result.table.columns) == [
        "Pas du tout",
        "Plutôt pas",
        "Plutôt",
        "Tout à fait",
        "Ne sait pas",
    ]
    assert result.counts.loc["Un homme"].tolist() == [20, 15, 3, 0, 0]
    # row percentages: H base 38, F base 60; the 3 is suppressed, zeros are not
    assert result.table.loc["Un homme", "Pas du tout"] == pytest.approx(2000 / 38)
    assert math.isnan(result.table.loc["Un homme", "Plutôt"])
    assert result.suppressed.loc["Un homme", "Plutôt"]
    assert result.table.loc["Un homme", "Tout à fait"] == 0
    # secondary suppression: the men's row would give the 3 away (100 − the others):
    # its smallest other cell with respondents, 15 ("Plutôt pas"), is masked too; then
    # the columns "Plutôt" and "Plutôt pas" (totals in the one-way table) each have one
    # masked cell: the women's 30 and 20 are masked; the women's row then has two.
    assert result.suppressed.to_numpy().sum() == 4
    assert result.suppressed.loc["Un homme"].tolist() == [False, True, True, False, False]
    assert result.suppressed.loc["Une femme"].tolist() == [False, True, True, False, False]
    assert result.secondary.to_numpy().sum() == 3
    assert not result.secondary.loc["Un homme", "Plutôt"]
    assert undisclosed(result.suppressed)
    assert result.table.loc["Une femme", "Pas du tout"] == pytest.approx(1000 / 60)
    assert result.group_sizes.tolist() == [38, 60]
    assert result.small_groups == []
    # chi-square on non-empty columns of the unweighted counts
    expected = chi2_contingency(np.array([[20, 15, 3], [10, 20, 30]]))
    assert result.chi2 == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.dof == 2
    assert "1 case de moins de 5 répondants masquée" in result.note
    assert "3 autres cases masquées en complément (secret secondaire)" in result.note
    assert "effectifs non pondérés" in result.note and "hors non-réponses" in result.note


def test_crosstab_2x2_uses_yates_like_scipy():
    counts = {"H": [25, 15, 0], "F": [12, 30, 0]}
    result = crosstab(_big_survey(counts), CODEBOOK, question="satisfaction", by="sexe")
    expected = chi2_contingency(np.array([[25, 15], [12, 30]]))
    assert result.chi2 == pytest.approx(expected.statistic) and result.dof == 1
    assert "Yates" in result.note


def test_crosstab_weighted_percentages_small_groups_and_refused_test():
    data = make_survey()
    result = crosstab(data, CODEBOOK, question="satisfaction", by="sexe", weights=WEIGHTS)
    # groups: H = r1, r2, r3, r8 (w 2, 2, 2, 1); F = r4, r5, r6, r7, r9; r10 blank: left out
    assert result.group_sizes.to_dict() == {"Un homme": 4, "Une femme": 5}
    assert result.counts.loc["Un homme"].tolist() == [0, 0, 1, 2, 1, 0]
    # every non-zero cell has 1-4 respondents: all masked; the weighted share behind the
    # "Tout à fait" cell of men is (2 + 2) / 7
    assert result.suppressed.loc["Un homme", "Tout à fait"]
    assert math.isnan(result.table.loc["Un homme", "Tout à fait"])
    # the men's 0 in "Pas du tout" is masked too (secondary): that column has a single
    # respondent, a woman (1 respondent, masked), and the one-way table gives its total
    assert result.counts.loc["Une femme", "Pas du tout"] == 1
    assert result.secondary.loc["Un homme", "Pas du tout"]
    assert math.isnan(result.table.loc["Un homme", "Pas du tout"])
    assert undisclosed(result.suppressed)
    assert result.small_groups == ["Un homme", "Une femme"]
    assert result.chi2 is None and result.p_value is None and result.dof is None
    assert "non calculé" in result.note
    assert "1 répondant sans « sexe » renseigné" in result.note
    assert result.pondere and "pondérés" in result.note
    unmasked = result.counts.copy()
    assert unmasked.to_numpy().sum() == 9


def test_crosstab_weighted_cell_value_when_not_suppressed():
    counts = {"H": [10, 10, 0], "F": [10, 10, 0]}
    data = _big_survey(counts)
    ids = data.respondents["respondent_id"]
    # men answering "1" (r1…r10) get weight 3, everyone else 1: men "1" = 30 / 40
    weights = pd.Series(1.0, index=ids)
    weights.iloc[:10] = 3.0
    result = crosstab(data, CODEBOOK, question="satisfaction", by="sexe", weights=weights)
    assert result.table.loc["Un homme", "Pas du tout"] == pytest.approx(75)
    assert result.table.loc["Une femme", "Pas du tout"] == pytest.approx(50)
    # the unweighted counts show no association at all (Pearson = 0), the weighted table
    # does: first-order Rao–Scott by hand. Weighted table [[30, 10], [10, 10]], n = 40,
    # Σw = 60, Σw² = 10×9 + 30 = 120, deff = 40 × 120 / 60² = 4/3, n_eff = 30: the table
    # scaled to 30 is [[15, 5], [5, 5]], expected [[40/3, 20/3], [20/3, 10/3]]:
    # X² = (5/3)² × (3/40 + 3/20 + 3/20 + 3/10) = 25/9 × 27/40 = 1.875 (no Yates).
    assert result.chi2 == pytest.approx(1.875)
    assert result.dof == 1
    # χ² with 1 degree of freedom: P(X > x) = erfc(√(x/2))
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(1.875 / 2)))
    assert "Rao-Scott (ordre 1) sur le tableau pondéré, effet de plan 1,33" in result.note
    assert "taille effective de 30,0 répondants au lieu de 40" in result.note
    assert "Yates" not in result.note
    unweighted = crosstab(data, CODEBOOK, question="satisfaction", by="sexe")
    assert unweighted.chi2 == pytest.approx(0) and "effectifs non pondérés" in unweighted.note


def test_crosstab_weighted_test_is_rao_scott_on_a_3_column_table():
    # H: 10 × "1" (w 2), 10 × "2" (w 1), 10 × "3" (w 1); F: 10 of each answer (w 1)
    counts = {"H": [10, 10, 10], "F": [10, 10, 10]}
    data = _big_survey(counts)
    weights = pd.Series(1.0, index=data.respondents["respondent_id"])
    weights.iloc[:10] = 2.0
    result = crosstab(data, CODEBOOK, question="satisfaction", by="sexe", weights=weights)
    # independent transcription: weighted proportions, X²_P = n Σ (p − p_i p_j)² / p_i p_j
    table = np.array([[20.0, 10.0, 10.0], [10.0, 10.0, 10.0]])
    p = table / table.sum()
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    x2_p = 60 * sum(
        (p[i, j] - rows[i] * cols[j]) ** 2 / (rows[i] * cols[j]) for i in range(2) for j in range(3)
    )
    w = weights.to_numpy()
    deff = 60 * (w**2).sum() / w.sum() ** 2  # 60 × 90 / 70²
    assert deff == pytest.approx(60 * 90 / 4900)
    assert result.chi2 == pytest.approx(x2_p / deff)
    # with 2 degrees of freedom the chi-square survival function is exp(−x / 2)
    assert result.dof == 2
    assert result.p_value == pytest.approx(math.exp(-x2_p / deff / 2))
    # and it is Pearson's statistic of the weighted table scaled to n_eff = 70² / 90
    scaled = table / table.sum() * (4900 / 90)
    assert result.chi2 == pytest.approx(chi2_contingency(scaled, correction=False).statistic)


def test_crosstab_multiple_question_has_no_test():
    result = crosstab(make_survey(), CODEBOOK, question="lieux", by="sexe")
    assert result.chi2 is None and "choix multiples" in result.note
    with pytest.raises(ValueError, match="describes"):
        crosstab(make_survey(), CODEBOOK, question="lieux", by="famille")
