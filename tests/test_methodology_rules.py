"""Every domain rule of ``../shared/docs/methodology.md`` is covered by named tests.

:data:`COVERAGE` maps each rule number to the tests that fail when the rule is broken;
:data:`PENDING` lists the rules of chapters not built yet, with the chapter that will
cover them. The test checks that the two together are exactly the rules of the document
(skipped when ``../shared`` is absent) and that every test named here exists.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
METHODOLOGY = TESTS.parent.parent / "shared" / "docs" / "methodology.md"

COVERAGE: dict[str, tuple[str, ...]] = {
    "1": (
        "test_comparability.py::test_min_comparable_gap",
        "test_comparability.py::test_gap_three_warns_with_real_gap",
        "test_demography.py::test_tcam_uses_six_years_between_2016_and_2022",
    ),
    "2": (
        "test_families.py::test_households_and_families_values",
        "test_ccphg_real.py::test_ageing",
    ),
    "3": (
        "test_readers.py::test_rp_types_codes_as_strings_and_counts_as_floats",
        "test_census_identities.py::test_integer_complementary_counts_are_flagged",
    ),
    "4": (
        "test_families.py::test_families_change_nan_and_small_endpoints",
        "test_demography.py::test_ageing_variant_60_and_small_counts",
    ),
    "4b": (
        "test_precision.py::test_stratified_count_variance_matches_household_level",
        "test_precision.py::test_stratified_share_variance_matches_linearisation",
        "test_ccphg_real.py::test_precision_of_families_with_children",
        "test_evaluation.py::test_census_small_change_within_the_precision_is_not_significant",
    ),
    "4c": (
        "test_families.py::test_households_with_children_fam_t1_vintages_2009_2020",
        "test_ccphg_real.py::test_households_with_children_fam_t1",
    ),
    "5": (
        "test_ccphg_real.py::test_families_under_25_one_formula",
        "test_families.py::test_families_change_2016_2022",
    ),
    "6": (
        "test_ccphg_real.py::test_ageing",
        "test_demography.py::test_ageing_variant_60_and_small_counts",
    ),
    "7": (
        "test_demography.py::test_natural_balance_split_insee_style",
        "test_demography.py::test_natural_balance_guard_when_change_about_zero",
    ),
    "8": (
        "test_comparability.py::test_concept_breaks_crossed",
        "test_families.py::test_families_change_concept_break_and_close_vintages",
    ),
    "9": (
        "test_territories.py::test_merge_chain_and_dates",
        "test_portrait_geography.py::test_a_split_commune_is_shared_by_the_population_of_the_first_census_after_it",
        "test_ccphg_real.py::test_every_row_of_the_movements_complement_matches_the_real_geography",
    ),
    "10": (
        "test_territories.py::test_codes_stay_strings",
        "test_readers.py::test_epci_composition_keeps_codes_as_strings",
    ),
    "10b": (
        "test_territories.py::test_a_region_is_not_computed_from_one_of_its_departements",
        "test_portrait_geography.py::test_france_entiere_never_gets_the_metropolitan_income",
        "test_ccphg_real.py::test_comparators_are_named_in_the_sentences_and_region_is_not_haute_garonne",
    ),
    "11": (
        "test_territories.py::test_aggregate_sums_numerators_and_denominators",
        "test_ccphg_real.py::test_income_from_each_level_file",
        "test_childcare.py::test_each_territory_from_its_own_level_file",
    ),
    "12": (
        "test_readers.py::test_filosofi_commune_secret_cells_are_nan_not_zero",
        "test_income.py::test_secret_cells_and_absent_territory",
        "test_childcare.py::test_figures_keep_published_values_reasons_and_blanks",
    ),
    "13": (
        "test_survey_weighting.py::test_kish_effective_size_and_design_effect_by_hand",
        "test_survey_weighting.py::test_infeasible_bound_does_not_converge_and_keeps_the_bound",
        "test_survey_analysis.py::test_weighting_on_census_margins",
    ),
    "14": (
        "test_survey_estimates.py::test_wilson_is_not_wald",
        "test_survey_estimates.py::test_frequencies_multiple_choice_does_not_sum_to_100",
        "test_survey_estimates.py::test_complementary_suppression_never_leaves_a_single_masked_cell",
        "test_survey_estimates.py::test_crosstab_weighted_test_is_rao_scott_on_a_3_column_table",
    ),
    "15": (
        "test_survey_redact.py::test_redacted",
        "test_survey_analysis.py::test_published_tables_have_no_respondent_rows_and_no_personal_data",
    ),
    "16": (
        "test_evaluation.py::test_census_three_years_is_not_measurable",
        "test_evaluation.py::test_census_min_gap_years_cannot_lower_the_insee_floor",
        "test_followup_demo.py::test_census_indicator_is_not_measurable_at_three_years",
        "test_childcare.py::test_demo_portrait_figures_come_from_each_level_file",
    ),
    "17": (
        "test_followup_demo.py::test_committed_t0_matches_a_fresh_freeze",
        "test_evaluation.py::test_revision_notes_say_when_a_frozen_source_was_revised",
    ),
    "18": (
        "test_housing.py::test_shares_take_their_own_denominators",
        "test_housing.py::test_construction_classes_follow_each_vintage",
        "test_housing.py::test_overcrowding_is_c_over_c_with_an_interval",
        "test_housing.py::test_demo_commune_table_and_findings",
        "test_rpls.py::test_group_sums_counts_never_averages_rates",
        "test_rpls.py::test_demo_finding_compares_register_and_census",
    ),
    "19": (
        "test_employment.py::test_rates_are_sums_over_sums_with_the_vintage_definition",
        "test_employment.py::test_unemployment_uses_actives_not_population",
        "test_employment.py::test_older_transport_shares_from_the_complementary_exploitation_carry_intervals",
        "test_employment.py::test_neet_comes_from_the_file_of_the_territory_level",
        "test_employment_real.py::test_ccphg_diplomas_follow_each_vintage_grouping",
    ),
    "20": (
        "test_readers.py::test_filosofi_commune_secret_cells_are_nan_not_zero",
        "test_poverty.py::test_figures_flag_secret_floor_absent_and_missing_columns",
        "test_poverty.py::test_evolution_only_between_comparable_years",
        "test_poverty.py::test_csv_fixture_each_level_from_its_own_file",
        "test_poverty.py::test_long_format_2023",
    ),
    "21": (
        "test_poverty_caf.py::test_rates_use_the_census_of_the_same_territory_and_an_earlier_vintage",
        "test_poverty_caf.py::test_epci_takes_its_own_file_and_a_group_sums_published_communes",
        "test_poverty_caf.py::test_both_layouts_are_recognised_by_name_and_columns",
        "test_poverty_caf.py::test_demo_portrait_rates_recomputed_from_the_files",
        "test_childcare.py::test_demo_portrait_figures_come_from_each_level_file",
    ),
}
"""Rule → tests that fail when the rule is broken (file::function)."""

PENDING: dict[str, str] = {
    "22": "chapitre services (BPE) et cartes, à construire",
}
"""Rules of chapters that do not exist yet (rule 20 is covered by the portrait's secret
cells and the poverty chapter's flags: secret, floor, method change, own-level files)."""


def _rules(text: str) -> list[str]:
    return re.findall(r"^(\d+[a-z]?)\. ", text, flags=re.MULTILINE)


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_rule_is_covered_or_pending() -> None:
    if not METHODOLOGY.is_file():
        pytest.skip("../shared/docs/methodology.md is absent (a user's clone has no ../shared)")
    rules = _rules(METHODOLOGY.read_text(encoding="utf-8"))
    assert len(rules) >= 20
    assert set(COVERAGE) | set(PENDING) == set(rules)
    assert not set(COVERAGE) & set(PENDING)


def test_every_named_test_exists() -> None:
    cache: dict[str, set[str]] = {}
    missing = []
    for rule, names in COVERAGE.items():
        assert names, rule
        for name in names:
            file, function = name.split("::")
            if file not in cache:
                cache[file] = _functions(TESTS / file)
            if function not in cache[file]:
                missing.append(f"rule {rule}: {name}")
    assert missing == []
