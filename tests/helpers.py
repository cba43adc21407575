"""Small assertions shared by the tests of the computation modules."""

from __future__ import annotations

import math

import pandas as pd


def one(frame: pd.DataFrame, territoire: str, indicateur: str, annee: str) -> pd.Series:
    """The single figure row of (territoire, indicateur, annee)."""
    rows = frame[
        (frame["territoire"] == territoire)
        & (frame["indicateur"] == indicateur)
        & (frame["annee"] == annee)
    ]
    assert len(rows) == 1, (territoire, indicateur, annee, len(rows))
    return rows.iloc[0]


def assert_not_available(row: pd.Series, *fragments: str) -> None:
    """A figure kept as a row, not available, with its reason in ``note``."""
    assert not row["disponible"]
    assert math.isnan(row["valeur"])
    assert row["note"].startswith("non disponible")
    for fragment in fragments:
        assert fragment in row["note"], (fragment, row["note"])


def sha256(path) -> str:
    """sha256 of a file's bytes."""
    import hashlib
    from pathlib import Path

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def xlsx_cells(path) -> list[tuple[str, tuple[tuple[object, ...], ...]]]:
    """Every sheet's cell values (to compare workbooks whatever openpyxl's XML)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [
            (sheet.title, tuple(sheet.iter_rows(values_only=True))) for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()
