"""French number formats, as a reader of the report sees them."""

from __future__ import annotations

import math

import pytest

from ctgstats.present.formatting import (
    NBSP,
    fr_int,
    fr_number,
    fr_percent,
    fr_period,
    fr_signed,
    fr_signed_percent,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (12345.6, 1, f"12{NBSP}345,6"),
        (12345.61, 1, f"12{NBSP}345,6"),
        (1234567.0, 0, f"1{NBSP}234{NBSP}567"),
        (31.25, 1, "31,3"),  # half away from zero, as in French statistical tables
        (-31.25, 1, "-31,3"),
        (2.675, 2, "2,68"),  # the decimal written, not its binary approximation
        (-0.04, 1, "0,0"),  # never "-0,0"
        (999.96, 1, f"1{NBSP}000,0"),
    ],
)
def test_fr_number(value, decimals, expected):
    assert fr_number(value, decimals) == expected


def test_missing_values_are_shown_as_not_available():
    assert fr_number(None) == "n.d."
    assert fr_percent(math.nan) == "n.d."
    assert fr_int(float("nan"), missing="s") == "s"


def test_percent_and_signs():
    assert fr_percent(12.34) == f"12,3{NBSP}%"
    assert fr_int(15373.4) == f"15{NBSP}373"
    assert fr_signed(233, 0) == "+233"
    assert fr_signed(-10.63) == "\u221210,6"
    assert fr_signed(0.0) == "0,0"
    assert fr_signed_percent(-10.59) == f"\u221210,6{NBSP}%"
    assert fr_period(2011, 2022) == "2011-2022"


def test_fr_date_in_french_words():
    from datetime import date, datetime

    from ctgstats.present.formatting import fr_date

    assert fr_date(date(2026, 12, 2)) == "2 décembre 2026"
    assert fr_date(date(2026, 3, 1)) == "1er mars 2026"
    assert fr_date(datetime(2026, 8, 15, 9, 5)) == "15 août 2026 à 9 h 05"
    assert fr_date("2026-02-28") == "28 février 2026"
    assert fr_date("2026-12-02T19:07:21+00:00") == "2 décembre 2026 à 19 h 07"
