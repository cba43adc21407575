"""Households and families (rules 2, 4, 5, 8)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctgstats.core.figures import FIGURE_COLUMNS
from ctgstats.portrait import families as fam

SMALL = "effectif faible (< 200) : estimation par sondage, à interpréter avec prudence"
NOISE = "évolution non significative au regard de la précision du recensement"


from tests.helpers import assert_not_available, one  # noqa: E402


def totals() -> pd.DataFrame:
    """Hand-made totals: 2022 with NE24F columns, 2016 and 2011 without."""
    data = {
        "epci:1": {
            "C22_MEN": 1000.0,
            "C22_PMEN": 2200.0,
            "C22_MENPSEUL": 350.0,
            "P22_POP80P_PSEUL": 120.0,
            "P22_POPMEN80P": 300.0,
            "C22_FAM": 640.0,
            "C22_COUPAENF": 300.0,
            "C22_FAMMONO": 100.0,
            "C22_COUPSENF": 240.0,
            "C22_NE24F0": 290.0,
            "C22_NE24F1": 150.0,
            "C22_NE24F2": 120.0,
            "C22_NE24F3": 60.0,
            "C22_NE24F4P": 20.0,
            "C16_MEN": 800.0,
            "C16_PMEN": 1800.0,
            "C16_MENPSEUL": 250.0,
            "C16_FAM": 600.0,
            "C16_COUPAENF": 320.0,
            "C16_FAMMONO": 70.0,
            "C16_COUPSENF": 210.0,
            "C11_MEN": 700.0,
            "C11_FAM": 500.0,
            "C11_COUPAENF": 350.0,
            "C11_FAMMONO": 50.0,
        },
        "commune:2": {
            "C22_MEN": 0.0,
            "C22_PMEN": 0.0,
            "C22_MENPSEUL": 0.0,
            "P22_POP80P_PSEUL": 3.0,
            "P22_POPMEN80P": 5.0,
            "C22_FAM": 12.5,
            "C22_COUPAENF": 4.5,
            "C22_FAMMONO": np.nan,
            "C22_COUPSENF": 6.0,
            "C22_NE24F0": 5.0,
            "C22_NE24F1": 3.0,
            "C22_NE24F2": 2.5,
            "C22_NE24F3": 2.0,
            "C22_NE24F4P": 0.0,
            "C16_MEN": 2.0,
            "C16_PMEN": 4.0,
            "C16_MENPSEUL": 1.0,
            "C16_FAM": 10.0,
            "C16_COUPAENF": 4.0,
            "C16_FAMMONO": 1.0,
            "C16_COUPSENF": 5.0,
            "C11_MEN": 2.0,
            "C11_FAM": 9.0,
            "C11_COUPAENF": 4.0,
            "C11_FAMMONO": 1.0,
        },
    }
    return pd.DataFrame.from_dict(data, orient="index", dtype="float64")


def test_households_and_families_values() -> None:
    frame = fam.households_and_families(totals(), year=2022)
    assert list(frame.columns) == FIGURE_COLUMNS
    assert len(frame) == 2 * len(fam.FIGURES)
    value = lambda ident: one(frame, "epci:1", ident, "2022")["valeur"]  # noqa: E731
    assert value("menages") == 1000.0
    assert value("population_menages") == 2200.0
    assert value("taille_moyenne_menages") == pytest.approx(2.2)
    assert value("part_menages_une_personne") == pytest.approx(35.0)
    assert value("personnes_80_plus_seules") == 120.0
    assert value("part_80_plus_seules") == pytest.approx(40.0)  # 120 / 300
    assert value("familles") == 640.0
    assert value("familles_avec_enfants") == 400.0  # 300 + 100, any age
    assert value("familles_avec_enfants_moins_25") == 350.0  # 640 - 290
    assert value("familles_monoparentales") == 100.0
    assert value("part_familles_monoparentales") == pytest.approx(25.0)  # 100 / 400
    assert value("familles_nombreuses") == 80.0  # 60 + 20
    assert value("part_familles_nombreuses") == pytest.approx(80 / 350 * 100)  # 22.857142...
    assert value("couples_avec_enfants") == 300.0
    assert value("couples_sans_enfant") == 240.0
    assert value("part_couples_sans_enfant") == pytest.approx(37.5)  # 240 / 640


def test_units_sources_and_definitions() -> None:
    frame = fam.households_and_families(totals(), year=2022)
    row = lambda ident: one(frame, "epci:1", ident, "2022")  # noqa: E731
    assert row("taille_moyenne_menages")["unite"] == "personnes par ménage"
    assert row("part_familles_monoparentales")["unite"] == "%"
    assert row("menages")["source"] == "Insee, RP2022, exploitation complémentaire"
    assert row("part_80_plus_seules")["source"] == "Insee, RP2022, exploitation principale"
    assert "parmi celles vivant en ménage" in row("part_80_plus_seules")["definition"]
    assert "pas 75 ans ou plus" in row("part_80_plus_seules")["definition"]
    assert "sans limite d'âge" in row("familles_avec_enfants")["definition"]
    assert "sans limite d'âge" in row("part_familles_monoparentales")["definition"]
    assert "moins de 25 ans" in row("familles_avec_enfants_moins_25")["definition"]
    assert "3 enfants ou plus de moins de 25 ans" in row("familles_nombreuses")["definition"]


def test_small_counts_are_flagged() -> None:
    frame = fam.households_and_families(totals(), year=2022)
    note = lambda ident: one(frame, "epci:1", ident, "2022")["note"]  # noqa: E731
    assert note("familles") == ""  # 640
    assert note("familles_monoparentales") == SMALL  # 100 < 200
    assert note("part_familles_monoparentales") == SMALL  # numerator 100 < 200
    assert note("familles_nombreuses") == SMALL  # 80
    # P variables are not a sample: same flag without "estimation par sondage"
    assert note("personnes_80_plus_seules") == (
        "effectif faible (< 200) : à interpréter avec prudence"
    )
    relaxed = fam.households_and_families(totals(), year=2022, small_count_threshold=50)
    assert one(relaxed, "epci:1", "familles_monoparentales", "2022")["note"] == ""
    assert "(< 50)" in one(relaxed, "commune:2", "familles", "2022")["note"]
    silent = fam.households_and_families(totals(), year=2022, small_count_threshold=None)
    assert one(silent, "commune:2", "familles", "2022")["note"] == ""


def test_not_available_missing_nan_and_zero() -> None:
    frame = fam.households_and_families(totals(), year=2022)
    assert_not_available(
        one(frame, "commune:2", "familles_monoparentales", "2022"),
        "variable C22_FAMMONO non renseignée pour ce territoire",
    )
    assert_not_available(
        one(frame, "commune:2", "part_familles_monoparentales", "2022"), "C22_FAMMONO"
    )
    assert_not_available(
        one(frame, "commune:2", "taille_moyenne_menages", "2022"), "dénominateur nul"
    )
    assert one(frame, "commune:2", "part_familles_nombreuses", "2022")["valeur"] == pytest.approx(
        2 / 7.5 * 100
    )
    older = fam.households_and_families(totals(), year=2016)
    assert_not_available(
        one(older, "epci:1", "familles_avec_enfants_moins_25", "2016"),
        "variables C16_NE24F1, C16_NE24F2, C16_NE24F3, C16_NE24F4P absentes des fichiers",
    )
    assert_not_available(
        one(older, "epci:1", "familles_nombreuses", "2016"),
        "variables C16_NE24F3, C16_NE24F4P absentes des fichiers",
    )
    assert_not_available(
        one(older, "epci:1", "part_80_plus_seules", "2016"), "P16_POP80P_PSEUL absente"
    )
    # the "any age" figures are there for 2016
    assert one(older, "epci:1", "familles_avec_enfants", "2016")["valeur"] == 390.0


def test_under_25_from_children_counts_when_ne24f0_missing() -> None:
    frame = fam.households_and_families(totals().drop(columns=["C22_NE24F0"]), year=2022)
    assert one(frame, "epci:1", "familles_avec_enfants_moins_25", "2022")["valeur"] == 350.0
    assert one(frame, "epci:1", "part_familles_nombreuses", "2022")["valeur"] == pytest.approx(
        80 / 350 * 100
    )


def test_families_change_2016_2022() -> None:
    frame = fam.families_change(totals(), start=2016, end=2022)
    period = "2016-2022"
    row = lambda ident: one(frame, "epci:1", ident, period)  # noqa: E731
    # Without commune rows each territory is one stratum sampled at 1/4: g = 3, universe
    # = households. familles 600 -> 640 (households 800 -> 1000):
    # V16 = 3 * 600 * (1 - 600/800) = 450, V22 = 3 * 640 * (1 - 0.64) = 691.2,
    # 1.96 * sqrt(1141.2) = 66.2 > 40: the interval contains 0
    assert row("familles_evolution")["valeur"] == 40.0
    half = 1.959964 * (450 + 691.2) ** 0.5
    assert row("familles_evolution")["ic_bas"] == pytest.approx(40 - half, rel=1e-6)
    assert row("familles_evolution")["ic_haut"] == pytest.approx(40 + half, rel=1e-6)
    assert row("familles_evolution_pct")["valeur"] == pytest.approx(40 / 600 * 100)
    assert row("familles_evolution")["note"] == NOISE
    assert row("familles_evolution")["unite"] == "familles"
    assert row("familles_evolution_pct")["unite"] == "%"
    # any age: (320 + 70) = 390 -> 400
    assert row("familles_avec_enfants_evolution")["valeur"] == 10.0
    assert NOISE in row("familles_avec_enfants_evolution")["note"]
    # monoparentales 70 -> 100: +30; V16 = 3 * 70 * (1 - 70/800) = 191.625,
    # V22 = 3 * 100 * 0.9 = 270: 1.96 * sqrt(461.625) = 42.1 > 30 (the old rule of thumb
    # 2 * sqrt(100) = 20 called it a change); and 70 < 200
    mono = row("familles_monoparentales_evolution")
    assert mono["valeur"] == 30.0
    assert mono["note"] == (
        "effectif faible (< 200) en 2016 ou 2022 : estimation par sondage, "
        "à interpréter avec prudence ; " + NOISE
    )
    assert row("familles_monoparentales_evolution_pct")["valeur"] == pytest.approx(30 / 70 * 100)
    # ménages 800 -> 1000: calibrated on the exhaustive count, no interval
    assert row("menages_evolution")["valeur"] == 200.0
    assert row("menages_evolution")["note"] == ""
    assert np.isnan(row("menages_evolution")["ic_bas"])
    assert row("menages_evolution")["unite"] == "ménages"
    assert row("menages_evolution_pct")["valeur"] == pytest.approx(25.0)
    # share in points: 70 / 390 = 17.9487 % -> 100 / 400 = 25 %: +7.0513 points;
    # one stratum, so V(p) = g p (1 - p) / D: 3 * (70/390) (320/390) / 390 and
    # 3 * .25 * .75 / 400; 1.96 * 100 * sqrt(sum) = 9.88 > 7.05: not significant
    share = row("part_familles_monoparentales_evolution")
    assert share["valeur"] == pytest.approx((0.25 - 70 / 390) * 100)
    assert share["valeur"] == pytest.approx(7.051282, abs=1e-6)
    assert share["unite"] == "points"
    p16 = 70 / 390
    se = 100 * (3 * p16 * (1 - p16) / 390 + 3 * 0.25 * 0.75 / 400) ** 0.5
    assert share["ic_haut"] - share["valeur"] == pytest.approx(1.959964 * se, rel=1e-6)
    assert NOISE in share["note"] and "effectif faible" in share["note"]
    assert share["source"] == "Insee, RP2016 et RP2022, exploitation complémentaire"
    # never mix definitions: no "under 25" in 2016, no change computed
    assert_not_available(
        row("familles_avec_enfants_moins_25_evolution"),
        "C16_NE24F1, C16_NE24F2, C16_NE24F3, C16_NE24F4P absentes des fichiers",
        "moins de 25 ans",
    )
    assert_not_available(row("familles_avec_enfants_moins_25_evolution_pct"), "C16_NE24F1")
    for ident in ("familles_avec_enfants_evolution", "part_familles_monoparentales_evolution"):
        assert "sans limite d'âge" in row(ident)["definition"]
        assert "même définition aux deux dates" in row(ident)["definition"]


def test_families_change_nan_and_small_endpoints() -> None:
    frame = fam.families_change(totals(), start=2016, end=2022)
    period = "2016-2022"
    assert_not_available(
        one(frame, "commune:2", "familles_monoparentales_evolution", period),
        "C22_FAMMONO non renseignée",
    )
    assert_not_available(
        one(frame, "commune:2", "part_familles_monoparentales_evolution", period), "C22_FAMMONO"
    )
    small = one(frame, "commune:2", "familles_evolution", period)
    assert small["valeur"] == 2.5
    assert "effectif faible (< 200) en 2016 ou 2022" in small["note"]
    # households 2 -> 0: the count exceeds its universe, so p = 1 and the term is 0 at
    # both dates: no interval can be computed honestly here beyond a zero width
    assert small["ic_bas"] <= 2.5 <= small["ic_haut"]


def test_families_change_concept_break_and_close_vintages() -> None:
    frame = fam.families_change(totals(), start=2011, end=2022)
    period = "2011-2022"
    assert "couples de même sexe" in one(frame, "epci:1", "familles_evolution", period)["note"]
    assert (
        "couples de même sexe"
        in one(frame, "epci:1", "part_familles_monoparentales_evolution", period)["note"]
    )
    assert "même sexe" not in one(frame, "epci:1", "menages_evolution", period)["note"]
    # 2011: (350 + 50) = 400 families with children -> 400: no change
    assert one(frame, "epci:1", "familles_avec_enfants_evolution", period)["valeur"] == 0.0
    close = totals().rename(columns=lambda c: c.replace("C16_", "C19_"))
    warned = fam.families_change(close, start=2019, end=2022)
    note = one(warned, "epci:1", "menages_evolution", "2019-2022")["note"]
    assert "ne sont distants que de 3 ans" in note


def test_noise_note_is_the_interval_containing_zero() -> None:
    assert fam.noise_note((-10.0, 30.0)) == NOISE
    assert fam.noise_note((0.0, 30.0)) == NOISE  # zero on the bound: not excluded
    assert fam.noise_note((5.0, 30.0)) == ""
    assert fam.noise_note((-30.0, -5.0)) == ""
    assert fam.noise_note(None) == ""  # no interval (calibrated or exhaustive count)


def test_households_with_children_fam_t1_vintages_2009_2020() -> None:
    """INSEE's FAM T1 for an EPCI (RP2020 base, vintages 2009 and 2020): 2 305 → 2 162.

    Households whose main family is a couple with children or a single parent
    (``C_MENCOUPAENF + C_MENFAMMONO``), not families (``C_COUPAENF + C_FAMMONO``).
    """
    frame = pd.DataFrame(
        {
            "C09_MEN": [5200.0],
            "C09_MENCOUPAENF": [1755.5],
            "C09_MENFAMMONO": [549.5],
            "C09_COUPAENF": [1770.0],
            "C09_FAMMONO": [560.0],
            "C20_MEN": [5600.0],
            "C20_MENCOUPAENF": [1500.25],
            "C20_MENFAMMONO": [661.75],
            "C20_COUPAENF": [1512.0],
            "C20_FAMMONO": [675.0],
        },
        index=["epci:1"],
    )
    for year, expected in ((2009, 2305.0), (2020, 2162.0)):
        figures = fam.households_and_families(frame, year=year)
        assert one(figures, "epci:1", "menages_avec_enfants", str(year))["valeur"] == expected
        share = one(figures, "epci:1", "part_menages_avec_enfants", str(year))["valeur"]
        assert share == pytest.approx(100 * expected / frame[f"C{year % 100:02d}_MEN"].iloc[0])
    change = fam.families_change(frame, start=2009, end=2020)
    row = one(change, "epci:1", "menages_avec_enfants_evolution", "2009-2020")
    assert row["valeur"] == -143.0
    assert row["unite"] == "ménages"
    assert one(change, "epci:1", "familles_avec_enfants_evolution", "2009-2020")["valeur"] == (
        1512 + 675 - 1770 - 560
    )
