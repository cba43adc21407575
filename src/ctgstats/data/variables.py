"""Vintage-aware INSEE variable names.

Census (RP) columns carry a two-digit vintage after their exploitation letter:
``P22_POP`` (principal exploitation, 2022), ``C11_FAMMONO`` (complementary
exploitation, 2011). Filosofi columns carry it as a suffix (``Q219``, ``NBMEN19``).
Births and deaths in the *séries historiques* carry a period: ``NAIS1622`` = births
between 1 January 2016 and 1 January 2022.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RP_COLUMN = re.compile(r"^(?P<expl>[PC])(?P<yy>\d{2})_(?P<name>.+)$")
_PERIOD_COLUMN = re.compile(r"^(?P<kind>NAIS|DECE)(?P<y0>\d{2})(?P<y1>\d{2})$")


def yy(year: int) -> str:
    """Two-digit vintage of a year: ``2022 -> '22'``, ``2006 -> '06'``."""
    return f"{year % 100:02d}"


def full_year(two_digits: str, *, pivot: int = 60) -> int:
    """Four-digit year of a two-digit vintage (``'22' -> 2022``, ``'99' -> 1999``)."""
    value = int(two_digits)
    return 1900 + value if value >= pivot else 2000 + value


def rp(exploitation: str, year: int, name: str) -> str:
    """Census column name: ``rp('C', 2011, 'FAMMONO') -> 'C11_FAMMONO'``."""
    if exploitation not in ("P", "C"):
        raise ValueError(f"exploitation must be 'P' or 'C', got {exploitation!r}")
    return f"{exploitation}{yy(year)}_{name}"


def births(start: int, end: int) -> str:
    """Births column of a *série historique*: ``births(2016, 2022) -> 'NAIS1622'``."""
    return f"NAIS{yy(start)}{yy(end)}"


def deaths(start: int, end: int) -> str:
    """Deaths column of a *série historique*: ``deaths(2016, 2022) -> 'DECE1622'``."""
    return f"DECE{yy(start)}{yy(end)}"


def filosofi(name: str, year: int) -> str:
    """Filosofi column name: ``filosofi('Q2', 2019) -> 'Q219'``; ``Q3_Q1``/``RD`` unchanged."""
    if name in ("Q3_Q1", "RD"):
        return name
    if name == "S80S20":
        return f"S80S20{yy(year)}"
    return f"{name}{yy(year)}"


@dataclass(frozen=True)
class RPColumn:
    """A parsed census column name."""

    exploitation: str  # "P" or "C"
    year: int
    name: str


def parse_rp(column: str) -> RPColumn | None:
    """Parse ``'C22_NE24F0'`` into ``RPColumn('C', 2022, 'NE24F0')``; None if not a RP column."""
    match = _RP_COLUMN.match(column)
    if not match:
        return None
    return RPColumn(match["expl"], full_year(match["yy"]), match["name"])


def parse_period(column: str) -> tuple[str, int, int] | None:
    """Parse ``'NAIS1622'`` into ``('NAIS', 2016, 2022)``; None otherwise."""
    match = _PERIOD_COLUMN.match(column)
    if not match:
        return None
    return match["kind"], full_year(match["y0"]), full_year(match["y1"])


def rp_vintages(
    columns: list[str] | tuple[str, ...], *, name: str = "POP", exploitation: str = "P"
) -> list[int]:
    """Years for which ``{exploitation}{yy}_{name}`` is among ``columns``, sorted."""
    years = set()
    for column in columns:
        parsed = parse_rp(column)
        if parsed and parsed.exploitation == exploitation and parsed.name == name:
            years.add(parsed.year)
    return sorted(years)
