"""The long table of figures shared by every computation module.

Each computation returns a :class:`pandas.DataFrame` with :data:`FIGURE_COLUMNS`, one row
per (territory, indicator, year or period). A figure that cannot be computed is *kept* as
a row with ``disponible=False``, ``valeur=NaN`` and the reason in ``note`` (never a silent
gap, never a zero). Cautions (small counts, vintages too close …) also go in ``note``.
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
) -> dict[str, object]:
    """Build one figure row; ``disponible`` defaults to "valeur is a finite number"."""
    value = float("nan") if valeur is None else float(valeur)
    available = (not math.isnan(value)) if disponible is None else disponible
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
    }


def to_frame(rows: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """Assemble figure rows into a frame with exactly :data:`FIGURE_COLUMNS`."""
    frame = pd.DataFrame(list(rows), columns=FIGURE_COLUMNS)
    frame["valeur"] = frame["valeur"].astype("float64")
    frame["disponible"] = frame["disponible"].astype(bool)
    return frame


def empty() -> pd.DataFrame:
    """An empty figures frame with the right columns."""
    return to_frame([])
