"""The long table of figures shared by every computation module.

Each computation returns a :class:`pandas.DataFrame` with :data:`FIGURE_COLUMNS`, one row
per (territory, indicator, year or period). A figure that cannot be computed is *kept* as
a row with ``disponible=False``, ``valeur=NaN`` and the reason in ``note`` (never a silent
gap, never a zero). Cautions (small counts, vintages too close …) also go in ``note``.

``ic_bas`` / ``ic_haut`` hold the approximate 95 % interval of a sample estimate (census
complementary exploitation, methodology rule 4b), NaN when none applies (exhaustive
counts, published Filosofi values, derived figures without a variance formula).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd

FIGURE_COLUMNS = [
    "territoire",  # territory id (index of the totals frame), a string
    "indicateur",  # stable indicator id, e.g. "part_60_plus"
    "annee",  # "2022" or a period "2011-2022"
    "valeur",  # float, full precision; NaN when not available
    "unite",  # "habitants", "%", "%/an", "ménages", "€", "indice", ...
    "source",  # "Insee, RP2022 (exploitation principale)"
    "definition",  # French definition shown in the report
    "disponible",  # bool
    "note",  # French: reason when not available, cautions otherwise ("" when none)
    "ic_bas",  # lower bound of the approximate 95 % interval, NaN when none applies
    "ic_haut",  # upper bound of the approximate 95 % interval, NaN when none applies
]


def figure(
    territoire: str,
    indicateur: str,
    annee: str | int,
    valeur: float | None,
    *,
    unite: str,
    source: str,
    definition: str,
    note: str = "",
    disponible: bool | None = None,
    interval: tuple[float, float] | None = None,
) -> dict[str, object]:
    """Build one figure row; ``disponible`` defaults to "valeur is a finite number".

    ``interval`` is the approximate 95 % interval ``(low, high)`` of a sample estimate;
    it is dropped when the value is not available.
    """
    value = float("nan") if valeur is None else float(valeur)
    available = (not math.isnan(value)) if disponible is None else disponible
    low, high = interval if interval is not None and available else (math.nan, math.nan)
    return {
        "territoire": str(territoire),
        "indicateur": indicateur,
        "annee": str(annee),
        "valeur": value,
        "unite": unite,
        "source": source,
        "definition": definition,
        "disponible": bool(available),
        "note": note,
        "ic_bas": float(low),
        "ic_haut": float(high),
    }


def to_frame(rows: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """Assemble figure rows into a frame with exactly :data:`FIGURE_COLUMNS`."""
    frame = pd.DataFrame(list(rows), columns=FIGURE_COLUMNS)
    frame["valeur"] = frame["valeur"].astype("float64")
    frame["disponible"] = frame["disponible"].astype(bool)
    for column in ("ic_bas", "ic_haut"):
        frame[column] = frame[column].astype("float64")
    return frame


def empty() -> pd.DataFrame:
    """An empty figures frame with the right columns."""
    return to_frame([])
