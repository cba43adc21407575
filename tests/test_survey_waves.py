"""Two waves of a survey series compared (surveys/waves.py), on hand-made frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ctgstats.core.params import ParamsError, Survey, parse_params
from ctgstats.present.formatting import NBSP
from ctgstats.surveys.estimates import HORS_CODEBOOK, wilson_interval
from ctgstats.surveys.model import NON_RESPONSE
from ctgstats.surveys.waves import (
    WAVE_COLUMNS,
    compare_frequencies,
    main_differences,
    series_waves,
    signed_bound,
    wave_findings,
)


def _freq(rows, *, weighted=False):
    """Frequencies of one wave: (question, code, label, effectif, share %, base, n_eff)."""
    records = []
    for question, code, label, count, share, base, n_eff in rows:
        low, high = wilson_interval(share / 100 * n_eff, n_eff)
        records.append(
            {
                "question": question,
                "libelle_question": f"Question {question}",
                "modalite": label,
                "code": code,
                "effectif": count,
                "pourcentage": share,
                "ic_bas": 100 * low,
                "ic_haut": 100 * high,
                "base": base,
                "n_eff": n_eff,
                "pondere": weighted,
                "alerte": "",
            }
        )
    return pd.DataFrame(records)


def test_newcombe_published_example_unweighted():
    # Newcombe (1998), Statistics in Medicine 17, table II, example (a): 56/70 − 48/80,
    # method 10 (hybrid score): 0.2000, 95 % interval 0.0524 to 0.3339.
    first = _freq([("q", "1", "Oui", 48, 60.0, 80, 80.0), ("q", "2", "Non", 32, 40.0, 80, 80.0)])
    second = _freq([("q", "1", "Oui", 56, 80.0, 70, 70.0), ("q", "2", "Non", 14, 20.0, 70, 70.0)])
    table = compare_frequencies(first, second, years=(2026, 2029))
    assert list(table.columns) == WAVE_COLUMNS
    yes = table.set_index("code").loc["1"]
    assert yes["ecart_points"] == pytest.approx(20.0)
    assert yes["ic_ecart_bas"] == pytest.approx(5.24, abs=0.01)
    assert yes["ic_ecart_haut"] == pytest.approx(33.39, abs=0.01)
    assert bool(yes["significatif"]) is True
    assert (yes["effectif_1"], yes["base_1"], yes["effectif_2"], yes["base_2"]) == (48, 80, 56, 70)
    assert (yes["annee_1"], yes["annee_2"]) == (2026, 2029)
    # the "Non" row is the mirror image: −20 points, interval −33.39 to −5.24
    no = table.set_index("code").loc["2"]
    assert (no["ic_ecart_bas"], no["ic_ecart_haut"]) == pytest.approx((-33.39, -5.24), abs=0.01)


def test_weighted_waves_use_the_effective_sizes():
    # 62 % then 54 %, bases 345 and 375 respondents with a design effect of 1.5: the
    # effective sizes are 230 and 250. By hand (Wilson on n_eff, then Newcombe):
    # Wilson 0.555785–0.680272 and 0.478080–0.600709, so
    # lower = −0.08 − √((0.54 − 0.478080)² + (0.680272 − 0.62)²) = −0.166411
    # upper = −0.08 + √((0.600709 − 0.54)² + (0.62 − 0.555785)²) = +0.008369
    first = _freq([("q", "1", "Oui", 200, 62.0, 345, 230.0)], weighted=True)
    second = _freq([("q", "1", "Oui", 190, 54.0, 375, 250.0)], weighted=True)
    row = compare_frequencies(first, second).iloc[0]
    assert row["ecart_points"] == pytest.approx(-8.0)
    assert (row["ic_ecart_bas"], row["ic_ecart_haut"]) == pytest.approx(
        (-16.6411, 0.8369), abs=1e-4
    )
    assert bool(row["significatif"]) is False
    assert bool(row["pondere_1"]) and bool(row["pondere_2"])
    # on the raw bases (345, 375) the interval would be narrower: the design effect counts
    l0, u0 = wilson_interval(0.62 * 345, 345)
    l1, u1 = wilson_interval(0.54 * 375, 375)
    naive = -0.08 - math.sqrt((0.54 - l1) ** 2 + (u0 - 0.62) ** 2)
    assert 100 * naive > row["ic_ecart_bas"]


def test_only_modalities_of_both_waves_are_compared_and_small_bases_flagged():
    first = _freq(
        [
            ("q", "1", "Oui", 10, 50.0, 20, 20.0),
            ("q", "2", "Non", 10, 50.0, 20, 20.0),
            ("r", "1", "Oui", 30, 75.0, 40, 40.0),
        ]
    )
    second = _freq(
        [
            ("q", "1", "Oui", 30, 60.0, 50, 50.0),
            ("q", "2", "Non", 15, 30.0, 50, 50.0),
            ("q", HORS_CODEBOOK, "Réponse hors questionnaire", 5, 10.0, 50, 50.0),
            ("s", "1", "Oui", 20, 40.0, 50, 50.0),
        ]
    )
    table = compare_frequencies(first, second)
    assert list(zip(table["question"], table["code"], strict=True)) == [("q", "1"), ("q", "2")]
    assert set(table["alerte"]) == {
        "base inférieure à 30 répondants à une vague : estimation fragile"
    }


def test_findings_name_the_largest_change_per_question_in_french():
    first = _freq(
        [
            ("q", "1", "Oui", 48, 60.0, 80, 80.0),
            ("q", "2", "Non", 32, 40.0, 80, 80.0),
            ("p", "a", "Homme", 40, 50.0, 80, 80.0),
            ("r", "1", "Oui", 40, 50.0, 80, 80.0),
            ("r", NON_RESPONSE, "Non-réponse", 40, 50.0, 80, 80.0),
        ]
    )
    second = _freq(
        [
            ("q", "1", "Oui", 56, 80.0, 70, 70.0),
            ("q", "2", "Non", 14, 20.0, 70, 70.0),
            ("p", "a", "Homme", 7, 10.0, 70, 70.0),
            ("r", "1", "Oui", 37, 52.0, 70, 70.0),
            ("r", NON_RESPONSE, "Non-réponse", 33, 48.0, 70, 70.0),
        ]
    )
    table = compare_frequencies(first, second, years=(2026, 2029))
    top = main_differences(table, profile=["p"])
    assert list(top["question"]) == ["q", "r"]  # profile question and non-response left out
    sentences = wave_findings(table, profile=["p"])
    assert sentences[0] == (
        f"«{NBSP}Question q{NBSP}»{NBSP}: la part des répondants ayant répondu «{NBSP}Oui{NBSP}» "
        f"passe de 60{NBSP}% à 80{NBSP}% entre 2026 et 2029 (+20{NBSP}points, écart "
        f"significatif ; IC 95{NBSP}%{NBSP}: +5 à +33{NBSP}points)."
    )
    assert "+2\u00a0points, écart non significatif" in sentences[1]


def _survey(id_, *, series=None, year=None):
    return Survey(id=id_, export="x.csv", codebook="c.yaml", series=series, year=year)


def test_series_waves_keep_dated_waves_of_different_years_in_order():
    surveys = [
        _survey("habitants_2029", series="habitants", year=2029),
        _survey("habitants", year=2026),
        _survey("habitants_sans_annee", series="habitants"),
        _survey("elus"),
        _survey("jeunes", year=2027),
        _survey("jeunes_bis", series="jeunes", year=2027),
    ]
    waves = series_waves(surveys)
    assert list(waves) == ["habitants"]
    assert [w.id for w in waves["habitants"]] == ["habitants", "habitants_2029"]


def test_the_waves_notebook_needs_two_waves():
    base = {"territory": {"level": "epci", "code": "000000101"}}
    one = {"id": "elus", "export": "x.csv", "codebook": "c.yaml"}
    with pytest.raises(ParamsError, match="03b_enquete_vagues.*deux vagues datées"):
        parse_params({**base, "surveys": [one], "notebooks": ["03b_enquete_vagues"]})
    # by default it runs only when a series has two waves
    assert "03b_enquete_vagues" not in parse_params({**base, "surveys": [one]}).notebook_names
    two = [
        {"id": "h", "export": "x.csv", "codebook": "c.yaml", "year": 2026},
        {"id": "h2", "series": "h", "export": "y.csv", "codebook": "c.yaml", "year": 2029},
    ]
    assert "03b_enquete_vagues" in parse_params({**base, "surveys": two}).notebook_names


def test_a_bound_rounding_to_zero_keeps_its_sign():
    assert signed_bound(0.3) == "+0,3"
    assert signed_bound(-0.3) == "\u22120,3"
    assert signed_bound(15.4) == "+15"
    assert signed_bound(-4.6) == "\u22125"


def test_the_synthesis_names_the_largest_significant_change_of_each_series():
    from types import SimpleNamespace

    from ctgstats.surveys.waves import waves_synthesis

    first = _freq([("q", "1", "Oui", 48, 60.0, 80, 80.0), ("r", "1", "Oui", 40, 50.0, 80, 80.0)])
    second = _freq([("q", "1", "Oui", 56, 80.0, 70, 70.0), ("r", "1", "Oui", 36, 52.0, 70, 70.0)])
    codebook = SimpleNamespace(descriptors={}, survey=SimpleNamespace(title="Enquête"))

    def wave(id_, year, frequencies):
        spec = Survey(
            id=id_, series="h", year=year, export="x.csv", codebook="c.yaml", title="Enquête h"
        )
        return SimpleNamespace(spec=spec, frequencies=frequencies, codebook=codebook)

    analyses = {"h1": wave("h1", 2026, first), "h2": wave("h2", 2029, second), "e": None}
    del analyses["e"]
    (sentence,) = waves_synthesis(surveys=analyses)
    assert sentence.startswith(f"Enquête h : comparaison des vagues 2026 et 2029{NBSP}: ")
    assert "de 60\u00a0% à 80\u00a0%" in sentence and "écart significatif" in sentence
