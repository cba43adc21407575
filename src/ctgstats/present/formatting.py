"""French number formatting for everything a reader of the report sees.

Computation keeps full precision; these functions are applied only at display time
(methodology rule 3). Thousands are separated by a no-break space (U+00A0), the decimal
mark is a comma, and a percent sign is preceded by a no-break space: ``12 345,6`` and
``12,3 %``. Missing values are shown as ``"n.d."`` (non disponible) unless told otherwise.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import SupportsFloat

NBSP = "\u00a0"
MINUS = "\u2212"  # typographic minus sign
NOT_AVAILABLE = "n.d."

__all__ = [
    "NBSP",
    "NOT_AVAILABLE",
    "fr_number",
    "fr_int",
    "fr_percent",
    "fr_signed",
    "fr_signed_percent",
    "fr_period",
    "fr_date",
]

#: French month names (dates read by people; machine files keep ISO dates).
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return False


def fr_number(
    value: SupportsFloat | None,
    decimals: int = 1,
    *,
    missing: str = NOT_AVAILABLE,
    typographic_minus: bool = False,
) -> str:
    """Format a number the French way: ``12345.61 -> '12 345,6'``.

    Parameters
    ----------
    value
        The number; ``None`` or NaN gives ``missing``.
    decimals
        Number of decimals shown, rounding half away from zero (``31.25 -> '31,3'``).
    missing
        Text shown for a missing value.
    typographic_minus
        Use U+2212 instead of the hyphen-minus for negative numbers.
    """
    if _is_missing(value):
        return missing
    assert value is not None  # _is_missing is True for None
    # French statistical practice rounds half away from zero (31,25 -> 31,3); the shortest
    # decimal representation of the float is rounded, not its binary expansion.
    exact = Decimal(repr(float(value))).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )
    text = f"{exact:,.{decimals}f}"
    if text.startswith("-") and exact == 0:
        text = text[1:]  # no "-0,0"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", NBSP)
    if typographic_minus and text.startswith("-"):
        text = MINUS + text[1:]
    return text


def fr_int(value: SupportsFloat | None, *, missing: str = NOT_AVAILABLE) -> str:
    """Format a count rounded to the unit: ``15373.4 -> '15 373'``."""
    return fr_number(value, 0, missing=missing)


def fr_percent(
    value: SupportsFloat | None, decimals: int = 1, *, missing: str = NOT_AVAILABLE
) -> str:
    """Format a share already expressed in percent (0-100): ``12.34 -> '12,3 %'``."""
    if _is_missing(value):
        return missing
    return f"{fr_number(value, decimals)}{NBSP}%"


def fr_signed(
    value: SupportsFloat | None, decimals: int = 1, *, missing: str = NOT_AVAILABLE
) -> str:
    """Format a change with an explicit sign: ``233 -> '+233'``, ``-10.6 -> '−10,6'``."""
    if _is_missing(value):
        return missing
    assert value is not None  # _is_missing is True for None
    text = fr_number(value, decimals, typographic_minus=True)
    if not text.startswith(MINUS) and float(value) != 0 and text.strip("0,") != "":
        text = "+" + text
    return text


def fr_signed_percent(
    value: SupportsFloat | None, decimals: int = 1, *, missing: str = NOT_AVAILABLE
) -> str:
    """Format a relative change in percent with its sign: ``-10.63 -> '−10,6 %'``."""
    if _is_missing(value):
        return missing
    return f"{fr_signed(value, decimals)}{NBSP}%"


def fr_period(start: int, end: int) -> str:
    """Period label used in tables and sentences: ``(2011, 2022) -> '2011-2022'``."""
    return f"{start}-{end}"


def fr_date(moment: date | datetime | str) -> str:
    """A date in French words: ``2 décembre 2026``, ``1er mars 2026``.

    A :class:`~datetime.datetime` also gives its time: ``2 décembre 2026 à 19 h 05``. An
    ISO string (``"2026-12-02"``, ``"2026-12-02T19:05:00+00:00"``) is read first.
    """
    if isinstance(moment, str):
        text = moment.strip()
        moment = (
            datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
        )
    day = "1er" if moment.day == 1 else str(moment.day)
    text = f"{day} {MONTHS[moment.month - 1]} {moment.year}"
    if isinstance(moment, datetime):
        text += f" à {moment.hour} h {moment.minute:02d}"
    return text
