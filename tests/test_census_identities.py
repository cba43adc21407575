"""Additive identities of the census files, on tiny hand-made frames.

Every expected residual, tolerance and count is worked out by hand in the comments.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ctgstats.portrait.identities import (
    check_file,
    decimal_tolerance,
    identities_of,
    identity_points,
)

MEN = ["C22_MEN", "C22_MENPSEUL", "C22_MENSFAM", "C22_MENFAM"]
NE24 = ["C22_FAM", "C22_NE24F0", "C22_NE24F1", "C22_NE24F2", "C22_NE24F3", "C22_NE24F4P"]
INTEGER_SENTENCE = (
    "les effectifs de ce fichier sont des nombres entiers alors que l'Insee publie des "
    "effectifs pondérés à décimales : le fichier a probablement été arrondi ou tronqué ; "
    "les totaux peuvent être légèrement sous-estimés."
)


def _frame(columns: list[str], rows: dict[str, list[float]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns, dtype="float64")
    frame.index.name = "CODGEO"
    return frame


# ----------------------------------------------------------------------- identities


def test_identities_for_every_vintage_with_all_columns():
    columns = [
        *MEN,
        "C16_MEN",
        "C16_MENPSEUL",
        "C16_MENSFAM",
        "C16_MENFAM",
        "C16_MENFAMMONO",  # MENFAM's other parts are absent: no MENFAM identity
        "C22_FAMMONO",
        "C22_HMONO",  # C22_FMONO absent: no FAMMONO identity
        "LIBGEO",
    ]
    found = {(i.total, i.parts) for i in identities_of(columns)}
    assert found == {
        ("C22_MEN", ("C22_MENPSEUL", "C22_MENSFAM", "C22_MENFAM")),
        ("C16_MEN", ("C16_MENPSEUL", "C16_MENSFAM", "C16_MENFAM")),
    }
    first = identities_of(columns)[0]
    assert first.description == (
        "ménages (C22_MEN) = ménages d'une personne seule + autres ménages sans famille "
        "+ ménages avec famille(s)"
    )


def test_age_identities_use_every_exact_chain_of_published_groups():
    columns = [
        "P22_POP",
        "P22_POP0014",
        "P22_POP1564",
        "P22_POP65P",
        "P22_POP0019",
        "P22_POP2064",
        "P22_POPH",
        "P22_POPF",
        "P22_H0014",
        "P22_F0014",
        "P22_POPMEN1519",  # not an age group of the population
    ]
    found = {(i.total, i.parts) for i in identities_of(columns)}
    assert found == {
        ("P22_POP", ("P22_POPH", "P22_POPF")),
        ("P22_POP", ("P22_POP0014", "P22_POP1564", "P22_POP65P")),
        ("P22_POP", ("P22_POP0019", "P22_POP2064", "P22_POP65P")),
        ("P22_POP0014", ("P22_H0014", "P22_F0014")),
    }
    by_parts = {i.parts: i.description for i in identities_of(columns)}
    assert by_parts[("P22_POP0014", "P22_POP1564", "P22_POP65P")] == (
        "population (P22_POP) = somme de 3 tranches d'âge (0 à 14 ans, …, 65 ans ou plus)"
    )


def test_population_15_plus_chain_and_marital_status():
    ages = ["P22_POP1519", "P22_POP2024", "P22_POP2539", "P22_POP4054"]
    ages += ["P22_POP5564", "P22_POP6579", "P22_POP80P"]
    marital = [
        f"P22_POP15P_{s}"
        for s in ("MARIEE", "PACSEE", "CONCUB_UNION_LIBRE", "VEUFS", "DIVORCEE", "CELIBATAIRE")
    ]
    found = {(i.total, i.parts) for i in identities_of(["P22_POP15P", *ages, *marital])}
    assert found == {("P22_POP15P", tuple(ages)), ("P22_POP15P", tuple(marital))}


def test_tolerance():
    # 0.01 per part, or the rounding bound 0.5 × 10^-d × (n + 1) when larger, + 1e-6
    assert decimal_tolerance(3) == pytest.approx(0.030001)
    assert decimal_tolerance(7) == pytest.approx(0.070001)
    assert decimal_tolerance(3, 2) == pytest.approx(0.030001)  # 0.005 × 4 = 0.02 < 0.03
    assert decimal_tolerance(3, 1) == pytest.approx(0.200001)  # 0.05 × 4


# --------------------------------------------------------------------------- decimals


def test_weighted_decimals_within_rounding_pass():
    rows = {
        # r = 10.004 − (3.001 + 2.5 + 4.5) = 0.003 ≤ 0.03
        "01001": [10.004, 3.001, 2.5, 4.5],
        # r = 25.25 − (10.125 + 0.5 + 14.6) = 0.025 ≤ 0.03
        "01002": [25.25, 10.125, 0.5, 14.6],
    }
    report = check_file(_frame(MEN, rows), label="f.csv")
    assert len(report.checked) == 1
    assert report.breaks == []
    assert not report.integer_cells
    assert identity_points(_frame(MEN, rows), label="f.csv") == []


def test_decimal_break_names_file_commune_and_identity():
    rows = {
        "01001": [10.5, 3.0, 2.5, 4.5],  # r = 0.5; one decimal: tolerance 0.05 × 4 = 0.2
        "01002": [7.5, 2.0, 1.5, 4.0],  # r = 0
        "01003": [math.nan, 2.0, 1.5, 4.0],  # not checked
    }
    points = identity_points(_frame(MEN, rows), label="f.csv")
    assert points == [
        "f.csv : l'identité « ménages (C22_MEN) = ménages d'une personne seule + autres "
        "ménages sans famille + ménages avec famille(s) » n'est pas vérifiée dans 1 commune(s) "
        "(01001 : écart 0,50) ; l'écart total − somme des parties devrait être au plus 0,20 en "
        "valeur absolue. Vérifier ces lignes du fichier (colonnes décalées, valeurs modifiées "
        "ou extrait d'une autre base) avant d'en utiliser les chiffres."
    ]


# --------------------------------------------------------------------------- integers


def test_integer_complementary_counts_are_flagged():
    # 5 communes × 4 C columns = 20 non-zero integer cells, identities exact
    rows = {f"0100{i}": [10.0 + i, 3.0, 2.0, 5.0 + i] for i in range(1, 6)}
    report = check_file(_frame(MEN, rows), label="fam.csv")
    assert report.integer_cells
    assert report.pattern == "exact"
    assert identity_points(_frame(MEN, rows), label="fam.csv") == [f"fam.csv : {INTEGER_SENTENCE}"]
    # 4 communes: 16 cells prove nothing
    four = {code: values for code, values in list(rows.items())[:4]}
    assert identity_points(_frame(MEN, four), label="fam.csv") == []


def test_integer_p_variables_count_only_in_large_communes():
    columns = ["P22_POP", "P22_POPH", "P22_POPF"]
    small = {f"0100{i}": [100.0 * i, 50.0 * i, 50.0 * i] for i in range(1, 8)}  # 21 cells
    assert not check_file(_frame(columns, small), label="pop.csv").integer_cells
    large = {f"0100{i}": [10000.0 * i, 5000.0 * i, 5000.0 * i] for i in range(1, 8)}
    assert check_file(_frame(columns, large), label="pop.csv").integer_cells


def test_truncation_pattern():
    rows = {
        "01001": [10.0, 3.0, 3.0, 3.0],  # r = 1
        "01002": [9.0, 3.0, 3.0, 3.0],  # r = 0
        "01003": [11.0, 3.0, 3.0, 3.0],  # r = 2 = n − 1
    }
    report = check_file(_frame(MEN, rows), label="f.csv")
    assert report.pattern == "truncated"
    assert report.excess_communes == 2
    assert report.residual_range == (0.0, 2.0)
    assert report.breaks == []
    (point,) = identity_points(_frame(MEN, rows), label="f.csv")
    assert point.startswith(
        "f.csv : effectifs tronqués à l'entier. Dans 2 commune(s) sur 3, un total dépasse la "
        "somme de ses parties, d'au plus 2 (par exemple ménages (C22_MEN) = "
    )
    assert "sans jamais lui être inférieur :" in point
    assert "de 0 à n − 1" in point


def test_real_break_in_a_truncated_file():
    # C22_FAM = NE24F0 + … + NE24F4P, n = 5: truncation gives r ∈ [0, 4], rounding |r| ≤ 3
    rows = {
        "01001": [14.0, 2.0, 2.0, 2.0, 2.0, 2.0],  # r = 4: truncation only
        "01002": [14.0, 2.0, 2.0, 2.0, 2.0, 2.0],  # r = 4
        "01003": [10.0, 2.0, 2.0, 2.0, 2.0, 2.0],  # r = 0
        "01004": [8.0, 2.0, 2.0, 2.0, 2.0, 2.0],  # r = −2: a break under truncation
    }
    # truncation is violated once (01004), rounding twice (01001, 01002): truncation wins
    report = check_file(_frame(NE24, rows), label="f.csv")
    assert report.pattern == "truncated"
    assert [list(b.residuals.index) for b in report.breaks] == [["01004"]]
    assert report.excess_communes == 2
    points = identity_points(_frame(NE24, rows), label="f.csv")
    # 4 communes × 6 C columns = 24 non-zero integer cells: the whole-numbers point too
    assert len(points) == 3
    assert points[0] == f"f.csv : {INTEGER_SENTENCE}"
    assert "(hors les écarts signalés ci-après)" in points[1]
    assert points[2].startswith(
        "f.csv : l'identité « familles (C22_FAM) = familles sans enfant de moins de 25 ans "
        "+ avec 1 enfant de moins de 25 ans + avec 2 + avec 3 + avec 4 ou plus » n'est pas "
        "vérifiée dans 1 commune(s) (01004 : écart −2) ; l'écart total − somme des parties "
        "devrait être entre 0 et 4 pour un fichier tronqué à l'entier."
    )


def test_rounding_pattern():
    rows = {
        "01001": [8.0, 3.0, 3.0, 3.0],  # r = −1
        "01002": [10.0, 3.0, 3.0, 3.0],  # r = 1
        "01003": [9.0, 3.0, 3.0, 3.0],  # r = 0
        "01004": [7.0, 3.0, 3.0, 3.0],  # r = −2, within ⌊(3 + 1) / 2⌋ = 2
    }
    # truncation violated twice (01001, 01004), rounding never
    report = check_file(_frame(MEN, rows), label="f.csv")
    assert report.pattern == "rounded"
    assert report.breaks == []
    assert report.excess_communes == 3
    (point,) = identity_points(_frame(MEN, rows), label="f.csv")
    assert point.startswith(
        "f.csv : effectifs arrondis à l'entier. Dans 3 commune(s) sur 4, un total diffère de "
        "la somme de ses parties (de −2 à 1)"
    )


def test_file_without_identity_columns_says_nothing():
    frame = _frame(["P22_POP", "C22_MEN"], {"01001": [12.0, 5.0]})
    assert identity_points(frame, label="f.csv") == []
