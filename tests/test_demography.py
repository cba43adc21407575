"""Population, growth, natural balance and age structure (rules 1, 3, 6, 7)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ctgstats.core.figures import FIGURE_COLUMNS
from ctgstats.portrait import demography as dem

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CCPHG = SHARED / "insee" / "rp2022-ccphg"


from tests.helpers import assert_not_available, one  # noqa: E402

# ------------------------------------------------------------------ population


def test_population_rows_and_columns() -> None:
    totals = pd.DataFrame(
        {"P11_POP": [1000.5, 300.0], "P22_POP": [1100.25, np.nan]}, index=["epci:1", "commune:2"]
    )
    frame = dem.population(totals, years=[2011, 2016, 2022])
    assert list(frame.columns) == FIGURE_COLUMNS
    assert len(frame) == 6  # never drops a row
    row = one(frame, "epci:1", "population", "2022")
    assert row["valeur"] == 1100.25  # decimals kept, never rounded
    assert row["unite"] == "habitants"
    assert row["source"] == "Insee, RP2022, exploitation principale"
    assert row["disponible"] and row["note"] == ""
    assert_not_available(
        one(frame, "epci:1", "population", "2016"), "variable P16_POP absente des fichiers"
    )
    assert_not_available(
        one(frame, "commune:2", "population", "2022"),
        "variable P22_POP non renseignée pour ce territoire",
    )


def test_population_change_real_gap() -> None:
    totals = pd.DataFrame(
        {"P11_POP": [1000.0, 2000.0], "P16_POP": [1000.0, 0.0], "P22_POP": [1100.0, 1900.0]},
        index=["a", "b"],
    )
    frame = dem.population_change(totals, start=2011, end=2022)
    assert one(frame, "a", "population_evolution", "2011-2022")["valeur"] == 100.0
    assert one(frame, "a", "population_evolution_pct", "2011-2022")["valeur"] == pytest.approx(10.0)
    # n = 11 years: 1.1 ** (1 / 11) = exp(ln(1.1) / 11) = exp(0.0086646) = 1.0087022 -> 0.8702 %/an
    tcam = one(frame, "a", "population_tcam", "2011-2022")
    assert tcam["valeur"] == pytest.approx(0.870220, abs=1e-6)
    assert tcam["valeur"] == pytest.approx((1.1 ** (1 / 11) - 1) * 100, rel=1e-12)
    assert tcam["unite"] == "%/an"
    assert tcam["note"] == ""  # 11 years apart: nothing to warn
    assert tcam["source"] == "Insee, RP2011 et RP2022, exploitation principale"
    # 2000 -> 1900: -5 % ; 0.95 ** (1/11) - 1 = -0.4652 %
    assert one(frame, "b", "population_tcam", "2011-2022")["valeur"] == pytest.approx(
        (0.95 ** (1 / 11) - 1) * 100
    )


def test_tcam_uses_six_years_between_2016_and_2022() -> None:
    # 1000 * 1.01 ** 6 = 1061.520150601: exactly +1 %/an over 6 years (5 would give 1.2 %).
    totals = pd.DataFrame({"P16_POP": [1000.0], "P22_POP": [1061.520150601]}, index=["a"])
    frame = dem.population_change(totals, start=2016, end=2022)
    assert one(frame, "a", "population_tcam", "2016-2022")["valeur"] == pytest.approx(1.0)
    assert "6 ans" in one(frame, "a", "population_tcam", "2016-2022")["definition"]


def test_population_change_zero_start_and_close_vintages() -> None:
    totals = pd.DataFrame({"P19_POP": [0.0], "P22_POP": [10.0]}, index=["a"])
    frame = dem.population_change(totals, start=2019, end=2022)
    change = one(frame, "a", "population_evolution", "2019-2022")
    assert change["valeur"] == 10.0
    assert "ne sont distants que de 3 ans" in change["note"]  # rule 1, in the report
    assert_not_available(
        one(frame, "a", "population_tcam", "2019-2022"), "population nulle en 2019"
    )


def test_population_change_rejects_reversed_period() -> None:
    totals = pd.DataFrame({"P22_POP": [1.0]}, index=["a"])
    with pytest.raises(ValueError):
        dem.population_change(totals, start=2022, end=2016)


# ------------------------------------------------------------------ natural balance


def _balance_totals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "P11_POP": [1000.0, 2000.0, 500.0],
            "P22_POP": [1100.0, 2001.0, 500.0],
            "NAIS1122": [100.0, 50.0, 20.0],
            "DECE1122": [60.0, 28.0, 30.0],
        },
        index=["a", "b", "c"],
    )


def test_natural_balance_split_insee_style() -> None:
    frame = dem.natural_balance(_balance_totals(), start=2011, end=2022)
    period = "2011-2022"
    assert one(frame, "a", "naissances", period)["valeur"] == 100.0
    assert one(frame, "a", "deces", period)["valeur"] == 60.0
    assert one(frame, "a", "solde_naturel", period)["valeur"] == 40.0
    migration = one(frame, "a", "solde_migratoire_apparent", period)
    assert migration["valeur"] == 60.0  # (1100 - 1000) - 40
    assert "apparent : inclut les écarts de mesure du recensement" in migration["note"]
    assert migration["source"] == "Insee, RP2011-2022 (séries historiques), état civil"
    # TCAM = 0.8702202 %/an; natural part = TCAM * 40 / 100; migration part = TCAM * 60 / 100
    tcam = (1.1 ** (1 / 11) - 1) * 100
    natural = one(frame, "a", "taux_variation_solde_naturel", period)
    mig_rate = one(frame, "a", "taux_variation_solde_migratoire", period)
    assert natural["valeur"] == pytest.approx(tcam * 0.4)
    assert natural["valeur"] == pytest.approx(0.348088, abs=1e-6)
    assert mig_rate["valeur"] == pytest.approx(tcam * 0.6)
    assert natural["unite"] == mig_rate["unite"] == "%/an"
    assert "quasi nulle" not in natural["note"]


def test_natural_balance_guard_when_change_about_zero() -> None:
    frame = dem.natural_balance(_balance_totals(), start=2011, end=2022)
    period = "2011-2022"
    # b: dP = 1 < 0.1 % of 2000 = 2 -> guard: SN / (n * mean pop) * 100
    #    = 22 / (11 * 2000.5) * 100 = 0.0999750...
    natural = one(frame, "b", "taux_variation_solde_naturel", period)
    assert natural["valeur"] == pytest.approx(22 / (11 * 2000.5) * 100)
    assert natural["valeur"] == pytest.approx(0.099975, abs=1e-6)
    tcam = ((2001 / 2000) ** (1 / 11) - 1) * 100
    migration = one(frame, "b", "taux_variation_solde_migratoire", period)
    assert migration["valeur"] == pytest.approx(tcam - 22 / (11 * 2000.5) * 100)
    assert "quasi nulle" in natural["note"] and "quasi nulle" in migration["note"]
    # c: dP = 0 exactly (no division by zero): SN = -10 -> -10 / (11 * 500) * 100 = -0.181818
    assert one(frame, "c", "taux_variation_solde_naturel", period)["valeur"] == pytest.approx(
        -10 / 5500 * 100
    )
    assert one(frame, "c", "taux_variation_solde_migratoire", period)["valeur"] == pytest.approx(
        10 / 5500 * 100
    )
    assert one(frame, "c", "solde_migratoire_apparent", period)["valeur"] == 10.0


def test_split_growth_rate_sums_to_tcam() -> None:
    natural, migration, stable = dem.split_growth_rate(1000.0, 1100.0, 40.0, 11)
    assert not stable
    assert natural + migration == pytest.approx(dem.tcam(1000.0, 1100.0, 11))


def test_natural_balance_missing_columns() -> None:
    totals = _balance_totals().drop(columns=["DECE1122"])
    frame = dem.natural_balance(totals, start=2011, end=2022)
    assert len(frame) == 3 * 6
    assert one(frame, "a", "naissances", "2011-2022")["disponible"]
    for ident in (
        "deces",
        "solde_naturel",
        "solde_migratoire_apparent",
        "taux_variation_solde_naturel",
        "taux_variation_solde_migratoire",
    ):
        assert_not_available(one(frame, "a", ident, "2011-2022"), "DECE1122 absente des fichiers")
    assert_not_available(
        one(
            dem.natural_balance(_balance_totals(), start=2016, end=2022),
            "a",
            "naissances",
            "2016-2022",
        ),
        "NAIS1622",
    )


# ------------------------------------------------------------------ age groups

A_PARTITION = ["0014", "1529", "3044", "4559", "6074", "7589", "90P"]
HOUSEHOLD_FILE = ["1519", "2024", "2539", "4054", "5564", "6579", "80P"]


def ccphg_like_columns() -> list[str]:
    """Column set of the merged CCPHG extract (evol-struct-pop + coupl-fam-men)."""
    columns = ["P22_POP", "P16_POP", "P11_POP", "P22_POPH", "P22_POPF", "P22_POP15P"]
    for year in ("22", "16", "11"):
        columns += [f"P{year}_POP{g}" for g in A_PARTITION]
    columns += [f"P22_POP{g}" for g in HOUSEHOLD_FILE]
    columns += [f"P22_POPMEN{g}" for g in HOUSEHOLD_FILE]
    columns += [f"P22_POP{g}_PSEUL" for g in HOUSEHOLD_FILE] + ["P22_POP15P_MARIEE"]
    return columns


def test_age_groups_parsing_ignores_lookalikes() -> None:
    groups = dem.age_groups(ccphg_like_columns(), year=2022)
    columns = [g.column for g in groups]
    assert "P22_POPMEN1519" not in columns
    assert "P22_POP1519_PSEUL" not in columns
    assert "P22_POPH" not in columns and "P22_POP" not in columns
    assert "P16_POP0014" not in columns  # another vintage
    by_column = {g.column: g for g in groups}
    assert (by_column["P22_POP0014"].low, by_column["P22_POP0014"].high) == (0, 15)
    assert (by_column["P22_POP90P"].low, by_column["P22_POP90P"].high) == (90, None)
    assert by_column["P22_POP15P"].high is None  # 15+ is a genuine open group
    assert by_column["P22_POP7589"].label == "75 à 89 ans"
    assert by_column["P22_POP90P"].label == "90 ans ou plus"
    assert len(groups) == 7 + 7 + 1


def test_exact_cover_on_ccphg_like_columns() -> None:
    columns = ccphg_like_columns()
    assert dem.age_cover(columns, year=2022, low=65) == ["P22_POP6579", "P22_POP80P"]
    assert dem.age_cover(columns, year=2022, low=0, high=20) == ["P22_POP0014", "P22_POP1519"]
    assert dem.age_cover(columns, year=2022, low=60) == ["P22_POP6074", "P22_POP7589", "P22_POP90P"]
    assert dem.age_cover(columns, year=2022, low=75) == ["P22_POP7589", "P22_POP90P"]
    assert dem.age_cover(columns, year=2022, low=80) == ["P22_POP80P"]
    # 2016 and 2011 only have 0-14, 15-29, …, 60-74, 75-89, 90+
    for year in (2016, 2011):
        assert dem.age_cover(columns, year=year, low=65) is None
        assert dem.age_cover(columns, year=year, low=0, high=20) is None
        assert dem.age_cover(columns, year=year, low=80) is None
        assert dem.age_cover(columns, year=year, low=60) == [
            f"P{year % 100}_POP6074",
            f"P{year % 100}_POP7589",
            f"P{year % 100}_POP90P",
        ]


def test_exact_cover_only_75_plus_file() -> None:
    columns = ["P16_POP", "P16_POP0019", "P16_POP2064", "P16_POP65P", "P16_POP75P"]
    assert dem.age_cover(columns, year=2016, low=75) == ["P16_POP75P"]
    assert dem.age_cover(columns, year=2016, low=65) == ["P16_POP65P"]
    assert dem.age_cover(columns, year=2016, low=60) is None
    assert dem.age_cover(columns, year=2016, low=65, high=75) is None  # never subtracts


def test_exact_cover_prefers_fewest_groups_and_respects_bounds() -> None:
    columns = ["P22_POP0019", "P22_POP0014", "P22_POP1519", "P22_POP65P", "P22_POP6579"]
    assert dem.age_cover(columns, year=2022, low=0, high=20) == ["P22_POP0019"]
    # an open group cannot end a bounded band
    assert dem.age_cover(columns, year=2022, low=65, high=70) is None
    assert dem.age_cover(columns, year=2022, low=65, high=80) == ["P22_POP6579"]
    with pytest.raises(ValueError):
        dem.age_cover(columns, year=2022, low=20, high=20)


def test_age_total_sums_groups_and_propagates_nan() -> None:
    totals = pd.DataFrame(
        {"P22_POP6579": [100.5, 10.0], "P22_POP80P": [50.25, np.nan], "P22_POP0014": [1.0, 2.0]},
        index=["a", "b"],
    )
    total = dem.age_total(totals, year=2022, low=65)
    assert total["a"] == 150.75
    assert math.isnan(total["b"])
    assert total.name == "65 ans ou plus"
    assert dem.age_total(totals, year=2022, low=60) is None


def ccphg_like_totals() -> pd.DataFrame:
    """Two territories with the merged CCPHG column set and hand-chosen values."""
    values = {column: [0.0, 0.0] for column in ccphg_like_columns()}
    frame = pd.DataFrame(values, index=["epci:1", "commune:2"])
    a22 = {
        "0014": 150,
        "1529": 140,
        "3044": 160,
        "4559": 200,
        "6074": 210,
        "7589": 120,
        "90P": 20,
    }  # sum 1000
    household = {
        "1519": 40,
        "2024": 45,
        "2539": 120,
        "4054": 205,
        "5564": 140,
        "6579": 200.5,
        "80P": 99.5,
    }  # 15+ = 850
    for group, value in a22.items():
        frame.loc["epci:1", f"P22_POP{group}"] = value
        frame.loc["epci:1", f"P16_POP{group}"] = value * 0.9
    for group, value in household.items():
        frame.loc["epci:1", f"P22_POP{group}"] = value
    frame.loc["epci:1", ["P22_POP", "P16_POP"]] = [1000.0, 900.0]
    # a small commune: 100 inhabitants, 12 under 15, 8 aged 15-19, 30 aged 65+
    small = {
        "P22_POP": 100.0,
        "P22_POP0014": 12.0,
        "P22_POP1519": 8.0,
        "P22_POP6579": 22.0,
        "P22_POP80P": 8.0,
        "P22_POP6074": 25.0,
        "P22_POP7589": 13.0,
        "P22_POP90P": 2.0,
    }
    for column, value in small.items():
        frame.loc["commune:2", column] = value
    frame.loc["commune:2", "P16_POP"] = np.nan
    return frame


def test_age_structure_ccphg_like_2022() -> None:
    frame = dem.age_structure(ccphg_like_totals(), year=2022)
    row = lambda ident: one(frame, "epci:1", ident, "2022")  # noqa: E731
    assert row("population_moins_15")["valeur"] == 150.0
    assert row("part_moins_15")["valeur"] == pytest.approx(15.0)
    assert row("population_moins_20")["valeur"] == 190.0  # 150 + 40
    assert row("part_moins_20")["valeur"] == pytest.approx(19.0)
    assert row("part_15_29")["valeur"] == pytest.approx(14.0)
    assert row("population_60_plus")["valeur"] == 350.0  # 210 + 120 + 20
    assert row("part_60_plus")["valeur"] == pytest.approx(35.0)
    assert row("population_65_plus")["valeur"] == 300.0  # 200.5 + 99.5
    assert row("part_75_plus")["valeur"] == pytest.approx(14.0)  # 120 + 20
    assert row("part_80_plus")["valeur"] == pytest.approx(9.95)
    assert row("part_80_plus")["unite"] == "%"
    assert row("population_80_plus")["unite"] == "habitants"
    index = row("indice_vieillissement")
    assert index["valeur"] == pytest.approx(300 / 190 * 100)  # 157.894736...
    assert index["unite"] == "indice"
    assert "variante 65 ans" in index["definition"]
    assert "65 à 79 ans, 80 ans ou plus" in row("part_65_plus")["definition"]
    assert row("part_60_plus")["note"] == ""
    assert row("part_60_plus")["source"] == "Insee, RP2022, exploitation principale"


def test_age_structure_ccphg_like_2016_not_derivable() -> None:
    frame = dem.age_structure(ccphg_like_totals(), year=2016)
    assert len(frame) == 2 * (2 * len(dem.AGE_BANDS) + 1)
    assert one(frame, "epci:1", "part_60_plus", "2016")["valeur"] == pytest.approx(35.0)
    for ident in ("part_65_plus", "population_65_plus"):
        assert_not_available(
            one(frame, "epci:1", ident, "2016"),
            "les tranches d'âge publiées ne permettent pas de calculer les 65 ans ou plus",
            "tranches publiées pour 2016 : 0 à 14 ans, 15 à 29 ans",
        )
    index = one(frame, "epci:1", "indice_vieillissement", "2016")
    assert_not_available(index, "65 ans ou plus", "moins de 20 ans")
    assert_not_available(one(frame, "epci:1", "part_80_plus", "2016"), "80 ans ou plus")
    # commune:2 has P16_POP = NaN: shares not available, naming the variable
    assert_not_available(one(frame, "commune:2", "part_60_plus", "2016"), "P16_POP non renseignée")


def test_ageing_variant_60_and_small_counts() -> None:
    frame = dem.age_structure(ccphg_like_totals(), year=2022, ageing_variant="60")
    index = one(frame, "commune:2", "indice_vieillissement", "2022")
    assert index["valeur"] == pytest.approx(40 / 20 * 100)  # (25 + 13 + 2) / (12 + 8)
    assert "variante 60 ans" in index["definition"]
    assert "effectif faible (< 200)" in index["note"]
    assert "effectif faible" in one(frame, "commune:2", "population_65_plus", "2022")["note"]
    quiet = dem.age_structure(ccphg_like_totals(), year=2022, small_count_threshold=None)
    assert one(quiet, "commune:2", "population_65_plus", "2022")["note"] == ""
    with pytest.raises(ValueError):
        dem.age_structure(ccphg_like_totals(), year=2022, ageing_variant="75")  # type: ignore[arg-type]


def test_age_structure_no_age_columns() -> None:
    totals = pd.DataFrame({"P22_POP": [10.0]}, index=["a"])
    frame = dem.age_structure(totals, year=2022)
    assert not frame["disponible"].any()
    assert "aucune tranche d'âge publiée pour 2022" in frame["note"].iloc[0]


def test_age_groups_table_prefers_standard_partition() -> None:
    table = dem.age_groups_table(ccphg_like_totals(), year=2022)
    assert table is not None
    first = table[table["territoire"] == "epci:1"]
    assert list(first["tranche"]) == [
        "0 à 14 ans",
        "15 à 29 ans",
        "30 à 44 ans",
        "45 à 59 ans",
        "60 à 74 ans",
        "75 à 89 ans",
        "90 ans ou plus",
    ]
    assert list(first["effectif"]) == [150, 140, 160, 200, 210, 120, 20]
    assert first["part"].sum() == pytest.approx(100.0)
    assert first["part"].iloc[0] == pytest.approx(15.0)


def test_age_groups_table_fallback_and_none() -> None:
    totals = pd.DataFrame(
        {
            "P22_POP0019": [30.0],
            "P22_POP2064": [50.0],
            "P22_POP65P": [20.0],
            "P22_POP0014": [20.0],
            "P22_POP1519": [10.0],
        },
        index=["a"],
    )
    table = dem.age_groups_table(totals, year=2022)
    assert list(table["tranche"]) == ["0 à 19 ans", "20 à 64 ans", "65 ans ou plus"]
    assert list(table["part"]) == pytest.approx([30.0, 50.0, 20.0])  # no P22_POP: own sum
    # no standard partition complete: the finest exact cover of all ages
    other = pd.DataFrame(
        {
            "P22_POP0019": [30.0],
            "P22_POP0014": [20.0],
            "P22_POP1519": [10.0],
            "P22_POP2064": [50.0],
            "P22_POP6579": [15.0],
            "P22_POP80P": [5.0],
            "P22_POP": [100.0],
        },
        index=["a"],
    )
    finest = dem.age_groups_table(other, year=2022)
    assert list(finest["tranche"]) == [
        "0 à 14 ans",
        "15 à 19 ans",
        "20 à 64 ans",
        "65 à 79 ans",
        "80 ans ou plus",
    ]
    assert list(finest["part"]) == pytest.approx([20.0, 10.0, 50.0, 15.0, 5.0])
    assert dem.age_groups_table(other.drop(columns=["P22_POP80P"]), year=2022) is None
    assert dem.age_groups_table(pd.DataFrame({"P22_POP": [1.0]}, index=["a"]), year=2022) is None


def test_pyramid() -> None:
    assert dem.pyramid(ccphg_like_totals(), year=2022) is None  # POPH/POPF only
    totals = pd.DataFrame(
        {
            f"P22_{s}{g}": [float(i + (10 if s == "F" else 0))]
            for s in ("H", "F")
            for i, g in enumerate(A_PARTITION)
        },
        index=["a"],
    )
    table = dem.pyramid(totals, year=2022)
    assert table is not None
    assert len(table) == 14
    assert set(table["sexe"]) == {"Hommes", "Femmes"}
    women_90 = table[(table["sexe"] == "Femmes") & (table["tranche"] == "90 ans ou plus")]
    assert women_90["effectif"].item() == 16.0
    # only one sex published: no pyramid
    assert dem.pyramid(totals.filter(like="_H"), year=2022) is None


# ------------------------------------------------------------------ real data


def _sum_communes(path: Path) -> tuple[dict[str, float], int]:
    sums: dict[str, float] = {}
    count = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle, delimiter=";"):
            count += 1
            for column, value in record.items():
                if column != "CODGEO":
                    sums[column] = sums.get(column, 0.0) + float(value)
    return sums, count


@pytest.mark.shared
def test_real_ccphg_extract() -> None:
    if not CCPHG.is_dir():
        pytest.skip(f"real extracts not found at {CCPHG} (../shared/data is absent)")
    struct, n_struct = _sum_communes(CCPHG / "base-cc-evol-struct-pop-2022.csv")
    family, n_family = _sum_communes(CCPHG / "base-cc-coupl-fam-men-2022.csv")
    assert n_struct == n_family == 76
    territory = "epci:200072635"
    totals = pd.DataFrame([{**struct, **family}], index=[territory], dtype="float64")

    population = dem.population(totals, years=[2011, 2016, 2022])
    assert one(population, territory, "population", "2022")["valeur"] == 15373

    ages = dem.age_structure(totals, year=2022)
    expected_60 = (
        (struct["P22_POP6074"] + struct["P22_POP7589"] + struct["P22_POP90P"])
        / struct["P22_POP"]
        * 100
    )
    assert one(ages, territory, "part_60_plus", "2022")["valeur"] == pytest.approx(expected_60)
    expected_index = (
        (family["P22_POP6579"] + family["P22_POP80P"])
        / (struct["P22_POP0014"] + family["P22_POP1519"])
        * 100
    )
    assert one(ages, territory, "indice_vieillissement", "2022")["valeur"] == pytest.approx(
        expected_index
    )
    for year in (2016, 2011):
        older = dem.age_structure(totals, year=year)
        assert not one(older, territory, "indice_vieillissement", str(year))["disponible"]
        assert one(older, territory, "part_60_plus", str(year))["disponible"]

    from ctgstats.portrait.families import households_and_families

    fam = households_and_families(totals, year=2022)
    expected_mono = family["C22_FAMMONO"] / (family["C22_COUPAENF"] + family["C22_FAMMONO"]) * 100
    assert one(fam, territory, "part_familles_monoparentales", "2022")["valeur"] == pytest.approx(
        expected_mono
    )
