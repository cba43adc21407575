"""Comparability of census vintages (methodology rules 1 and 8)."""

from __future__ import annotations

import pytest

from ctgstats.core.comparability import (
    check_vintages,
    concept_breaks,
    is_comparable,
    min_comparable_gap,
    shared_surveys,
)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (2011, 2016, 5),  # no vintage in 2019-2023
        (2006, 2011, 5),
        (2013, 2018, 5),
        (2016, 2022, 6),  # 2022 pools the postponed 2021 survey slot
        (2017, 2022, 6),
        (2019, 2022, 6),
        (2018, 2024, 5),  # RP2024 pools 2022-2026: the 2021 slot is not involved
    ],
)
def test_min_comparable_gap(start: int, end: int, expected: int) -> None:
    assert min_comparable_gap(start, end) == expected


def test_shared_surveys() -> None:
    # RP2019 pools 2017-2021 and RP2022 pools 2020-2024: 2020 and 2021 are shared.
    assert shared_surveys(2019, 2022) == 2
    assert shared_surveys(2011, 2016) == 0
    assert shared_surveys(2017, 2022) == 0


def test_gap_six_with_2022_is_fine() -> None:
    assert check_vintages(2016, 2022) == []
    assert is_comparable(2016, 2022)


def test_gap_five_outside_2019_2023_is_fine() -> None:
    assert check_vintages(2011, 2016) == []
    assert is_comparable(2011, 2016)


def test_gap_three_warns_with_real_gap() -> None:
    warnings = check_vintages(2019, 2022)
    assert len(warnings) == 1
    text = warnings[0]
    assert text.startswith("Les millésimes 2019 et 2022 ne sont distants que de 3 ans")
    assert "au moins 6 ans" in text
    assert "2 enquête(s) annuelle(s) en commun" in text
    assert not is_comparable(2019, 2022)


def test_gap_five_with_2022_warns() -> None:
    warnings = check_vintages(2017, 2022)
    assert len(warnings) == 1
    assert "ne sont distants que de 5 ans" in warnings[0]
    assert "au moins 6 ans" in warnings[0]
    assert "en commun" not in warnings[0]  # 5 years apart: no survey shared


def test_gap_of_one_year_singular() -> None:
    assert "que de 1 an :" in check_vintages(2015, 2016)[0]


@pytest.mark.parametrize(("start", "end"), [(2022, 2016), (2022, 2022)])
def test_vintages_must_be_ordered(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        check_vintages(start, end)
    with pytest.raises(ValueError):
        concept_breaks(start, end)


def test_concept_breaks_crossed() -> None:
    both = concept_breaks(2011, 2022)
    assert len(both) == 2
    assert "couples de même sexe" in both[0] and "RP2013" in both[0]
    assert "état matrimonial" in both[1] and "2015" in both[1]


def test_concept_breaks_by_topic() -> None:
    couples = concept_breaks(2011, 2022, topics=("couples",))
    assert len(couples) == 1 and "même sexe" in couples[0]
    assert concept_breaks(2011, 2022, topics=()) == []


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (2012, 2013, 1),  # couples: 2012 < 2013 <= 2013
        (2013, 2016, 0),  # starts at the break: same concept
        (2013, 2022, 1),  # marital status only
        (2016, 2017, 1),
        (2017, 2022, 0),
        (2006, 2011, 0),
    ],
)
def test_concept_break_boundaries(start: int, end: int, count: int) -> None:
    assert len(concept_breaks(start, end)) == count


def test_unknown_topic() -> None:
    with pytest.raises(ValueError, match="unknown topic"):
        concept_breaks(2011, 2022, topics=("logement",))
