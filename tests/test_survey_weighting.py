"""Raking on census margins: hand-computed cases (methodology rule 13)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctgstats.surveys.weighting import (
    MARGINS_COLUMNS,
    WeightingError,
    design_effect,
    kish_effective_size,
    margins_table,
    rake,
)


def _sample(cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [cell for cell, count in cells.items() for _ in range(count)]
    frame = pd.DataFrame(rows, columns=["sexe", "age"])
    frame.index = pd.Index([f"r{i + 1}" for i in range(len(frame))], name="respondent_id")
    return frame


def _cell_weights(result, sample: pd.DataFrame) -> dict[tuple[str, str], float]:
    return result.weights.groupby([sample["sexe"], sample["age"]]).first().to_dict()


# --------------------------------------------------------------------------- Kish


def test_kish_effective_size_and_design_effect_by_hand():
    # (1 + 1 + 2 + 2)² / (1 + 1 + 4 + 4) = 36 / 10
    assert kish_effective_size([1, 1, 2, 2]) == pytest.approx(3.6)
    assert design_effect([1, 1, 2, 2]) == pytest.approx(4 / 3.6)
    assert kish_effective_size(pd.Series([1.0] * 7)) == pytest.approx(7)
    assert design_effect(np.ones(7)) == pytest.approx(1)
    # scale-free
    assert kish_effective_size([3, 3, 6, 6]) == pytest.approx(3.6)
    assert kish_effective_size([]) == 0.0
    with pytest.raises(ValueError):
        kish_effective_size([1, -1])


# --------------------------------------------------------------------------- raking


def test_one_iteration_is_exact_when_the_sample_has_independent_margins():
    # Cells H-J 2, H-V 4, F-J 1, F-V 2 (n = 9): age is independent of sex in the sample,
    # so one cycle reproduces both margins exactly.
    # Targets: sex 40/60 -> 3.6 / 5.4 ; age 70/30 -> 6.3 / 2.7 (out of 9).
    # Sex step: H 3.6 / 6 = 0.6 ; F 5.4 / 3 = 1.8.
    # Age step: J sum 2×0.6 + 1.8 = 3.0 -> ×6.3/3 = 2.1 ; V sum 4×0.6 + 2×1.8 = 6 -> ×0.45.
    # Weights: H-J 1.26, H-V 0.27, F-J 3.78, F-V 0.81 (sum 9, mean 1).
    sample = _sample({("H", "J"): 2, ("H", "V"): 4, ("F", "J"): 1, ("F", "V"): 2})
    margins = {
        "sexe": pd.Series({"H": 40.0, "F": 60.0}),
        "age": pd.Series({"J": 700.0, "V": 300.0}),
    }  # totals may differ: shares
    result = rake(sample, margins)
    assert result.converged and result.iterations == 1 and result.trimmed == 0
    weights = _cell_weights(result, sample)
    assert weights[("H", "J")] == pytest.approx(1.26)
    assert weights[("H", "V")] == pytest.approx(0.27)
    assert weights[("F", "J")] == pytest.approx(3.78)
    assert weights[("F", "V")] == pytest.approx(0.81)
    assert result.weights.mean() == pytest.approx(1)
    assert list(result.weights.index) == list(sample.index)
    table = result.margins
    assert list(table.columns) == MARGINS_COLUMNS
    assert table["part_ponderee"].tolist() == pytest.approx([40, 60, 70, 30])
    assert table["part_population"].tolist() == pytest.approx([40, 60, 70, 30])
    assert table["part_echantillon"].tolist() == pytest.approx([600 / 9, 300 / 9, 300 / 9, 600 / 9])
    assert table["effectif"].tolist() == [6, 3, 3, 6]
    assert "convergence atteinte en 1 itération." in result.notes[0]
    # n_eff = 9² / Σw² = 81 / (2×1.26² + 4×0.27² + 3.78² + 2×0.81²)
    assert result.n_eff == pytest.approx(81 / (2 * 1.26**2 + 4 * 0.27**2 + 3.78**2 + 2 * 0.81**2))
    assert result.design_effect == pytest.approx(9 / result.n_eff)


def test_first_iteration_by_hand_and_non_convergence_is_reported():
    # Cells H-J 2, H-V 1, F-J 1, F-V 4 (n = 8); targets 50/50 for both -> 4 each.
    # Sex step: H ×4/3, F ×4/5.  Age step: J sum 2×4/3 + 4/5 = 52/15 -> ×15/13;
    # V sum 4/3 + 4×4/5 = 68/15 -> ×15/17.
    # After 1 cycle: H-J 20/13, H-V 20/17, F-J 12/13, F-V 12/17 (sum 8);
    # sex H = 40/13 + 20/17 = 940/221 ≈ 4.253 ≠ 4: not converged.
    sample = _sample({("H", "J"): 2, ("H", "V"): 1, ("F", "J"): 1, ("F", "V"): 4})
    margins = {"sexe": pd.Series({"H": 50.0, "F": 50.0}), "age": pd.Series({"J": 50.0, "V": 50.0})}
    result = rake(sample, margins, max_iter=1)
    weights = _cell_weights(result, sample)
    assert weights[("H", "J")] == pytest.approx(20 / 13)
    assert weights[("H", "V")] == pytest.approx(20 / 17)
    assert weights[("F", "J")] == pytest.approx(12 / 13)
    assert weights[("F", "V")] == pytest.approx(12 / 17)
    assert not result.converged and result.iterations == 1
    assert any("n'a pas convergé" in note for note in result.notes)
    gap = 100 * (940 / 221 / 8 - 0.5)
    assert result.margins["part_ponderee"].iloc[0] == pytest.approx(50 + gap)
    # with more iterations it converges to the margins
    full = rake(sample, margins)
    assert full.converged and full.iterations > 1
    assert full.margins["part_ponderee"].tolist() == pytest.approx([50] * 4, abs=1e-4)


def test_bound_that_binds_but_converges_matches_the_hand_solution():
    # Sex × 3 age groups, one rare cell (H, 1). Unbounded raking gives H-1 a weight of 3.1.
    # With bounds (0.4, 2.5): H-1 = 2.5 (at the bound); then, n = 31:
    #   age 1: 0.4 × 31 = 12.4 = 2.5 + 6 F-1 -> F-1 = 1.65
    #   sex H: 15.5 = 2.5 + 12 a -> a = 13/12 (H-2, H-3, equal by symmetry)
    #   sex F: 15.5 = 9.9 + 12 b -> b = 7/15 (F-2, F-3), ≥ 0.4: feasible.
    sample = _sample(
        {("H", "1"): 1, ("H", "2"): 6, ("H", "3"): 6, ("F", "1"): 6, ("F", "2"): 6, ("F", "3"): 6}
    )
    margins = {
        "sexe": pd.Series({"H": 50.0, "F": 50.0}),
        "age": pd.Series({"1": 40.0, "2": 30.0, "3": 30.0}),
    }
    free = rake(sample, margins, bounds=None)
    assert _cell_weights(free, sample)[("H", "1")] == pytest.approx(3.1, abs=1e-4)
    assert free.trimmed == 0
    result = rake(sample, margins, bounds=(0.4, 2.5))
    assert result.converged and result.trimmed == 1
    weights = _cell_weights(result, sample)
    assert weights[("H", "1")] == pytest.approx(2.5, abs=1e-5)
    assert weights[("F", "1")] == pytest.approx(1.65, abs=1e-4)
    assert weights[("H", "2")] == pytest.approx(13 / 12, abs=1e-4)
    assert weights[("F", "3")] == pytest.approx(7 / 15, abs=1e-4)
    assert result.weights.max() <= 2.5 + 1e-6 and result.weights.min() >= 0.4 - 1e-6
    assert result.bounds == (0.4, 2.5)
    assert any("1 répondant a un poids ramené à une borne" in n for n in result.notes)
    assert "0,4 et 2,5 fois le poids moyen" in result.notes[0]


def test_infeasible_bound_does_not_converge_and_keeps_the_bound():
    # 1 man, 9 women, population 50/50: the man would need a weight of 5 > 4.
    # Trimmed: man 4; women share the rest so that the mean is 1: (10 − 4) / 9 = 2/3.
    sample = pd.DataFrame({"sexe": ["H"] + ["F"] * 9}, index=[f"r{i}" for i in range(10)])
    result = rake(sample, {"sexe": pd.Series({"H": 50.0, "F": 50.0})}, max_iter=20)
    assert not result.converged and result.iterations == 20
    assert result.weights.iloc[0] == pytest.approx(4)
    assert result.weights.iloc[1:].tolist() == pytest.approx([2 / 3] * 9)
    assert result.trimmed == 1
    assert result.weights.sum() == pytest.approx(10)
    assert any("10,0 point" in note for note in result.notes)


def test_blank_or_unmapped_categories_raise_unless_given_the_class_mean():
    sample = _sample({("H", "J"): 3, ("H", "V"): 5, ("F", "J"): 2, ("F", "V"): 3})
    sample.loc["r1", "age"] = ""
    sample.loc["r2", "age"] = "X"  # not a category of the margins
    sample.loc["r4", "sexe"] = None
    margins = {"sexe": pd.Series({"H": 40.0, "F": 60.0}), "age": pd.Series({"J": 70.0, "V": 30.0})}
    with pytest.raises(WeightingError, match=r"1 pour « sexe » ; 2 pour « age »"):
        rake(sample, margins)
    with pytest.raises(WeightingError, match="missing"):
        rake(sample, margins, missing="keep_weight_1")


def test_incomplete_respondents_get_the_mean_weight_of_their_class_by_hand():
    # Complete respondents as in the one-iteration case: H-J 2, H-V 4, F-J 1, F-V 2,
    # raked weights H-J 1.26, H-V 0.27, F-J 3.78, F-V 0.81 (sum 9).
    complete = _sample({("H", "J"): 2, ("H", "V"): 4, ("F", "J"): 1, ("F", "V"): 2})
    incomplete = pd.DataFrame(
        {"sexe": ["H", "", "", "F"], "age": ["", "V", "X", None]},
        index=pd.Index(["x1", "x2", "x3", "x4"], name="respondent_id"),
    )
    sample = pd.concat([complete, incomplete])
    margins = {"sexe": pd.Series({"H": 40.0, "F": 60.0}), "age": pd.Series({"J": 70.0, "V": 30.0})}
    result = rake(sample, margins, missing="class_mean")
    # class means of the complete respondents:
    #   x1 (H, age unknown): (2 × 1.26 + 4 × 0.27) / 6 = 3.6 / 6 = 0.6
    #   x2 (age V, sex unknown): (4 × 0.27 + 2 × 0.81) / 6 = 2.7 / 6 = 0.45
    #   x3 (nothing usable): mean of the complete respondents = 1
    #   x4 (F, age unknown): (3.78 + 2 × 0.81) / 3 = 5.4 / 3 = 1.8
    # total 9 + 0.6 + 0.45 + 1 + 1.8 = 12.85, rescaled to n = 13
    scale = 13 / 12.85
    expected = {"x1": 0.6, "x2": 0.45, "x3": 1.0, "x4": 1.8, "r1": 1.26, "r3": 0.27}
    expected |= {"r7": 3.78, "r8": 0.81}
    for rid, weight in expected.items():
        assert result.weights[rid] == pytest.approx(weight * scale), rid
    assert result.weights.sum() == pytest.approx(13)
    assert result.converged and result.n_raked == 9 and result.n_incomplete == 4
    table = result.margins.set_index(["variable", "modalite"])
    # the raked respondents reproduce the margins exactly …
    assert table["part_ponderee_cales"].tolist() == pytest.approx([40, 60, 70, 30])
    # … all respondents with a known category do not: sex H = (3.6 + 0.6) / (9 + 0.6 +
    # 1.8) = 4.2 / 11.4; age J = 6.3 / (9 + 0.45) = 6.3 / 9.45
    assert table.loc[("sexe", "H"), "part_ponderee"] == pytest.approx(100 * 4.2 / 11.4)
    assert table.loc[("age", "J"), "part_ponderee"] == pytest.approx(100 * 6.3 / 9.45)
    assert table.loc[("age", "J"), "ecart_points"] == pytest.approx(100 * 6.3 / 9.45 - 70)
    assert table.loc[("sexe", "H"), "effectif"] == 7
    gap = 70 - 100 * 6.3 / 9.45  # 3.33 points, larger than the 3.16 of sex
    assert result.full_gap == pytest.approx(gap)
    notes = " ".join(result.notes)
    assert "Calage de 9 répondants complets" in notes
    assert "convergence atteinte pour ces répondants" in notes
    assert "4 répondants sur 13 n'ont pas de catégorie utilisable" in notes
    assert "(2 pour « sexe » ; 3 pour « age »)" in notes  # x2, x3 / x1, x3, x4
    assert "poids moyen des répondants calés qui ont les mêmes catégories" in notes
    assert "jusqu'à 3,3 points" in notes


def test_class_mean_falls_back_to_fewer_variables_when_the_class_is_empty():
    # three margins; the incomplete respondent is (H, J, commune unknown) but no complete
    # respondent is H-J: its class drops "age" (the last known margin) and is H.
    sample = pd.DataFrame(
        {
            "sexe": ["H", "H", "F", "F", "H"],
            "age": ["V", "V", "J", "V", "J"],
            "commune": ["a", "b", "a", "b", ""],
        },
        index=pd.Index(["r1", "r2", "r3", "r4", "x"], name="respondent_id"),
    )
    margins = {
        "sexe": pd.Series({"H": 50.0, "F": 50.0}),
        "age": pd.Series({"J": 25.0, "V": 75.0}),
        "commune": pd.Series({"a": 50.0, "b": 50.0}),
    }
    result = rake(sample, margins, missing="class_mean", bounds=None)
    raked = result.weights.drop("x")
    men = raked[["r1", "r2"]].mean()
    assert result.weights["x"] == pytest.approx(men)


def test_category_without_respondent_is_an_error_naming_it():
    sample = _sample({("H", "J"): 2, ("F", "J"): 2})
    margins = {"sexe": pd.Series({"H": 1.0, "F": 1.0}), "age": pd.Series({"J": 1.0, "V": 1.0})}
    with pytest.raises(WeightingError, match=r"« age ».*catégorie V.*regroupez"):
        rake(sample, margins)


def test_other_errors():
    sample = _sample({("H", "J"): 2, ("F", "V"): 2})
    margins = {"sexe": pd.Series({"H": 1.0, "F": 1.0})}
    with pytest.raises(WeightingError, match="commune"):
        rake(sample, {"commune": pd.Series({"01001": 1.0})})
    with pytest.raises(WeightingError, match="bornes"):
        rake(sample, margins, bounds=(1.5, 4))
    with pytest.raises(WeightingError, match="population est nulle"):
        rake(sample, {"sexe": pd.Series({"H": 1.0, "F": 0.0})})
    with pytest.raises(WeightingError, match="négatif"):
        rake(sample, {"sexe": pd.Series({"H": 1.0, "F": -1.0})})
    doubled = pd.concat([sample, sample.iloc[:1]])
    with pytest.raises(WeightingError, match="double"):
        rake(doubled, margins)


def test_margins_table_unweighted_and_weighted():
    sample = pd.DataFrame({"sexe": ["H", "F", "F", "F"]}, index=["a", "b", "c", "d"])
    margins = {"sexe": pd.Series({"H": 30.0, "F": 70.0})}
    table = margins_table(sample, margins)
    assert table["part_echantillon"].tolist() == pytest.approx([25, 75])
    assert table["part_ponderee"].tolist() == pytest.approx([25, 75])
    weights = pd.Series([1.2, 0.8, 1.0, 1.0], index=["a", "b", "c", "d"])
    table = margins_table(sample, margins, weights)
    assert table["part_ponderee"].tolist() == pytest.approx([30, 70])
    assert table["population"].tolist() == [30.0, 70.0]


def test_margin_totals_that_differ_are_noted():
    sample = _sample({("H", "J"): 2, ("H", "V"): 4, ("F", "J"): 1, ("F", "V"): 2})
    margins = {"sexe": pd.Series({"H": 40.0, "F": 60.0}), "age": pd.Series({"J": 75.0, "V": 30.0})}
    result = rake(sample, margins)
    assert any("totaux des marges diffèrent" in note for note in result.notes)
