"""Surveys end to end on the fictional demo: the three export formats agree, weighting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from ctgstats.core.params import Survey, Weighting
from ctgstats.portrait.build import build_portrait
from ctgstats.surveys.analysis import analyse, analyse_from_params
from ctgstats.surveys.model import FREQUENCY_COLUMNS

DEMO = "ctgstats:demo/enquetes"
CODEBOOK = f"{DEMO}/codebook_habitants.yaml"
EXPORTS = {
    "limesurvey": f"{DEMO}/habitants_limesurvey.csv",
    "googleforms": f"{DEMO}/habitants_googleforms.csv",
    "kobo": f"{DEMO}/habitants_kobo.csv",
    "kobo-xlsx": f"{DEMO}/habitants_kobo.xlsx",
}
PARAMS = {
    "territory": {"level": "epci", "code": "000000101"},
    "cog_year": 2025,
    "data_dirs": ["ctgstats:demo"],
    "surveys": [{"id": "habitants", "export": EXPORTS["limesurvey"], "codebook": CODEBOOK}],
}


@pytest.fixture(scope="module")
def portrait():
    return build_portrait({k: v for k, v in PARAMS.items() if k != "surveys"})


def _unweighted(name: str):
    spec = Survey(
        id="habitants",
        export=EXPORTS[name],
        codebook=CODEBOOK,
        format=None if name == "kobo-xlsx" else name.split("-")[0],
        weighting=Weighting(method="none"),
    )
    return analyse(spec, portrait=None)


def test_the_export_formats_give_identical_frequency_tables():
    tables = {name: _unweighted(name).frequencies[FREQUENCY_COLUMNS] for name in EXPORTS}
    reference = tables.pop("limesurvey")
    assert len(reference) > 30
    for name, table in tables.items():
        pd.testing.assert_frame_equal(table, reference, obj=name)


def test_weighting_on_census_margins(portrait):
    spec = Survey(id="habitants", export=EXPORTS["limesurvey"], codebook=CODEBOOK)
    weighted = analyse(spec, portrait=portrait)
    assert weighted.weighted and weighted.raking.converged
    assert weighted.n_eff < weighted.n_included
    assert weighted.design_effect == pytest.approx(weighted.n_included / weighted.n_eff)
    assert weighted.frequencies["pondere"].all()
    margins = weighted.raking.margins
    # after raking, the weighted shares of the respondents raked on both margins (age
    # and sex known and mapped to the census) reproduce the census shares
    people = weighted.data.included.set_index("respondent_id")
    raked = people[
        people["age"].isin(["A1", "A2", "A3", "A4", "A5"]) & people["sexe"].isin(["A1", "A2"])
    ]
    w = weighted.weights.loc[raked.index]
    for variable in ("age", "sexe"):
        rows = margins[margins["variable"] == variable].set_index("modalite")
        shares = w.groupby(raked[variable]).sum() / w.sum() * 100
        assert shares.to_numpy() == pytest.approx(
            rows.loc[shares.index, "part_population"].to_numpy(), abs=0.05
        )
    # the opt-in sample over-represents women: the census brings them back
    women = margins[(margins["variable"] == "sexe")].iloc[0]
    assert women["part_echantillon"] > women["part_ponderee"]
    # respondents lacking age or sex are not raked: an A2 (30–44) respondent without a
    # usable sex gets the mean weight of the raked A2 respondents
    ages = people["age"].astype(str)
    incomplete = people.index[ages.eq("A2") & ~people["sexe"].isin(["A1", "A2"])]
    assert len(incomplete) > 0
    raked_a2 = weighted.weights.loc[raked.index[raked["age"] == "A2"]].mean()
    assert weighted.weights.loc[incomplete].to_numpy() == pytest.approx(raked_a2)
    # the margins table compares ALL respondents with a known age to the census
    known = ages.isin(["A1", "A2", "A3", "A4", "A5"])
    all_w = weighted.weights.loc[people.index[known]]
    share_a2 = all_w[ages[known] == "A2"].sum() / all_w.sum() * 100
    row = margins[(margins["variable"] == "age") & (margins["modalite"] == "A2")].iloc[0]
    assert row["part_ponderee"] == pytest.approx(share_a2)
    assert row["ecart_points"] == pytest.approx(share_a2 - row["part_population"])
    assert row["part_ponderee_cales"] == pytest.approx(row["part_population"], abs=0.05)
    # with weight 1 for the incomplete respondents, 30–44 year-olds were at 16.9 % for a
    # census 15.4 %: the class mean brings all respondents within half a point
    assert abs(row["ecart_points"]) < 0.5
    n_incomplete = int((~(known & people["sexe"].isin(["A1", "A2"]))).sum())
    assert weighted.raking.n_incomplete == n_incomplete
    assert any(
        f"{n_incomplete} répondants sur {weighted.n_included} n'ont pas de catégorie" in note
        for note in weighted.notes
    )
    assert any("convergence atteinte pour ces répondants" in note for note in weighted.notes)


def test_weighted_crosstab_test_is_rao_scott_and_the_verdict_follows(portrait):
    spec = Survey(id="habitants", export=EXPORTS["limesurvey"], codebook=CODEBOOK)
    analysis = analyse(spec, portrait=portrait)
    result = analysis.crosstabs[("lieux_acces", "age")]
    # independent recomputation: weighted table of the respondents with a known age and
    # an answer among the options (Oui, Non, Ne sait pas), scaled to the Kish n_eff
    people = analysis.data.included.set_index("respondent_id")
    answers = analysis.data.answers
    answers = answers[answers["question"] == "lieux_acces"].set_index("respondent_id")["code"]
    frame = pd.DataFrame({"age": people["age"].astype(str), "code": answers.reindex(people.index)})
    frame = frame[
        frame["age"].isin(["A1", "A2", "A3", "A4", "A5"]) & frame["code"].isin(["A1", "A2", "A9"])
    ]
    w = analysis.weights.reindex(frame.index)
    weighted = w.groupby([frame["age"], frame["code"]]).sum().unstack(fill_value=0)
    counts = frame.groupby(["age", "code"]).size().unstack(fill_value=0)
    n_eff = w.sum() ** 2 / (w**2).sum()
    deff = len(w) / n_eff
    expected = chi2_contingency(
        weighted.to_numpy() / weighted.to_numpy().sum() * n_eff, correction=False
    )
    assert result.chi2 == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert 0.06 < result.p_value < 0.10  # ≈ 0,08
    assert f"effet de plan {deff:.2f}".replace(".", ",") in result.note
    assert "Rao-Scott (ordre 1) sur le tableau pondéré" in result.note
    assert "pas de différence significative" in result.note
    assert "les réponses diffèrent" not in result.note
    # Pearson on the unweighted counts would have said the opposite
    assert chi2_contingency(counts.to_numpy()).pvalue < 0.05
    assert np.isclose(counts.to_numpy().sum(), len(w))


def test_no_masked_cell_of_the_demo_crosstabs_can_be_derived(portrait):
    spec = Survey(id="habitants", export=EXPORTS["limesurvey"], codebook=CODEBOOK)
    analysis = analyse(spec, portrait=portrait)
    result = analysis.crosstabs[("satisfaction_lieux", "age")]
    row = result.table.loc["30 à 44 ans"]
    # "Pas du tout satisfait·e" has fewer than 5 respondents aged 30–44: masked, and the
    # row (100 %) no longer gives it by subtraction: a second cell is masked
    assert result.counts.loc["30 à 44 ans", "Pas du tout satisfait·e"] < 5
    assert row.isna().sum() >= 2
    for (question, by), crosstab in analysis.crosstabs.items():
        masked = crosstab.table.isna().to_numpy()
        assert (masked == crosstab.suppressed.to_numpy()).all()
        # every row (sums to 100 %) and column (total in the one-way tables) has 0 or
        # at least 2 masked cells
        for line in [*masked, *masked.T]:
            assert line.sum() != 1, (question, by)
        small = (crosstab.counts >= 1) & (crosstab.counts < 5)
        assert crosstab.suppressed.to_numpy()[small.to_numpy()].all()


def test_respondents_outside_the_territory_are_excluded_and_counted(portrait):
    spec = Survey(id="habitants", export=EXPORTS["limesurvey"], codebook=CODEBOOK)
    analysis = analyse(spec, portrait=portrait)
    summary = analysis.quality_summary().set_index("indicateur")["effectif"]
    assert summary["Hors territoire exclus"] > 0
    assert summary["Questionnaires analysés"] == analysis.n_included
    assert (
        summary["Questionnaires reçus"]
        == summary["Questionnaires analysés"]
        + summary["Doublons exclus"]
        + summary["Incomplets exclus"]
        + summary["Hors territoire exclus"]
    )


def test_published_tables_have_no_respondent_rows_and_no_personal_data(portrait):
    analysis = analyse_from_params(PARAMS, survey_id="habitants")
    tables = analysis.tables()
    assert list(tables["enquete_habitants_frequences"].columns) == FREQUENCY_COLUMNS
    for name, table in tables.items():
        assert "respondent_id" not in table.columns, name
    verbatims = " ".join(tables["enquete_habitants_verbatims"]["verbatim"])
    assert "@" not in verbatims
    assert "[courriel]" in verbatims or "[téléphone]" in verbatims


def test_unknown_survey_id_is_refused():
    with pytest.raises(ValueError, match="survey_id"):
        analyse_from_params(PARAMS, survey_id="autre")


def test_header_names_the_survey_and_its_wave():
    from ctgstats.surveys.views import header

    spec = Survey(
        id="habitants_2029",
        series="habitants",
        year=2029,
        export=EXPORTS["limesurvey"],
        codebook=CODEBOOK,
        weighting=Weighting(method="none"),
    )
    analysis = analyse(spec, portrait=None)
    text = header(analysis).data
    # which survey, which wave, how many respondents, at the top of the page
    assert f"<strong>{analysis.codebook.survey.title} 2029</strong>" in text
    assert f"— {analysis.n_included} répondants retenus" in text
    assert "questionnaires reçus" in text and "analysés" in text


def test_keyword_themes_are_shown_in_words():
    import pandas as pd

    from ctgstats.surveys.views import readable_themes

    table = pd.DataFrame(
        {
            "question": ["q"] * 2,
            "theme": ["lien_social", "acces_aux_droits"],
            "effectif": [45, 12],
            "pourcentage": [34.9, 9.3],
            "base": [129, 129],
        }
    )
    shown = readable_themes(table)
    assert list(shown.columns) == [
        "Thème",
        "Réponses citant le thème",
        "Part des réponses (%)",
        "Réponses libres",
    ]
    assert list(shown["Thème"]) == ["Lien social", "Accès aux droits"]
