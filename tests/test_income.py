"""Filosofi income figures (rules 11 and 12)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ctgstats.core.figures import FIGURE_COLUMNS
from ctgstats.portrait import income

FILOSOFI = Path(__file__).resolve().parents[2] / "shared" / "data" / "insee" / "filosofi-dep31"
SECRET = "secret statistique : non publié par l'Insee"

DECILE_COLUMNS = ["D119", "D219", "D319", "D419", "D619", "D719", "D819", "D919"]


def one(frame: pd.DataFrame, territoire: str, indicateur: str) -> pd.Series:
    rows = frame[(frame["territoire"] == territoire) & (frame["indicateur"] == indicateur)]
    assert len(rows) == 1, (territoire, indicateur, len(rows))
    return rows.iloc[0]


def rows() -> pd.DataFrame:
    """An EPCI fully published, a commune with only NBMEN/Q2, an absent commune."""
    nan = np.nan
    published = {
        "NBMEN19": 7000.0,
        "NBPERS19": 15000.0,
        "NBUC19": 10500.5,
        "Q119": 15500.0,
        "Q219": 20100.0,
        "Q319": 26000.0,
        "Q3_Q1": 10500.0,
        "D119": 11000.0,
        "D219": 13500.0,
        "D319": 15800.0,
        "D419": 18000.0,
        "D619": 22300.0,
        "D719": 24500.0,
        "D819": 28000.0,
        "D919": 34100.0,
        "RD": 3.1,
        "S80S2019": 3.6,
        "GI19": 0.262,
        "PPSOC19": 6.4,
        "_absent": False,
    }
    secret = {column: nan for column in published} | {
        "NBMEN19": 40.0,
        "NBPERS19": 90.0,
        "NBUC19": 60.2,
        "Q219": 19870.0,
        "_absent": False,
    }
    absent = {column: nan for column in published} | {"_absent": True}
    return pd.DataFrame.from_dict(
        {"epci:200072635": published, "commune:31001": secret, "commune:31999": absent},
        orient="index",
    )


def test_income_figures_published() -> None:
    frame = income.income_figures(rows(), year=2019)
    assert list(frame.columns) == FIGURE_COLUMNS
    assert len(frame) == 3 * len(income.INCOME_FIGURES)
    row = lambda ident: one(frame, "epci:200072635", ident)  # noqa: E731
    assert row("revenu_median_uc")["valeur"] == 20100.0
    assert row("revenu_median_uc")["unite"] == "€"
    assert row("revenu_median_uc")["definition"].startswith(
        "Médiane du revenu disponible par unité de consommation"
    )
    assert row("revenu_median_uc")["source"] == "Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi 2019"
    assert row("revenu_median_uc")["annee"] == "2019"
    assert row("revenu_q1_uc")["valeur"] == 15500.0
    assert row("revenu_q3_uc")["valeur"] == 26000.0
    assert row("revenu_d1_uc")["valeur"] == 11000.0
    assert row("revenu_d9_uc")["valeur"] == 34100.0
    assert row("rapport_interdecile")["valeur"] == 3.1  # as published, not recomputed
    assert row("menages_fiscaux")["valeur"] == 7000.0
    assert row("part_prestations_sociales")["valeur"] == 6.4
    assert row("part_prestations_sociales")["unite"] == "%"
    assert frame[frame["territoire"] == "epci:200072635"]["disponible"].all()


def test_secret_cells_and_absent_territory() -> None:
    frame = income.income_figures(rows(), year=2019)
    median = one(frame, "commune:31001", "revenu_median_uc")
    assert median["disponible"] and median["valeur"] == 19870.0
    d1 = one(frame, "commune:31001", "revenu_d1_uc")
    assert not d1["disponible"] and math.isnan(d1["valeur"])
    assert d1["note"] == SECRET  # blank = secret, never zero
    for ident in ("revenu_median_uc", "menages_fiscaux", "part_prestations_sociales"):
        absent = one(frame, "commune:31999", ident)
        assert not absent["disponible"] and math.isnan(absent["valeur"])
        assert absent["note"] == "non disponible : territoire absent du fichier Filosofi 2019"


def test_missing_column_and_no_absent_flag() -> None:
    frame = income.income_figures(rows().drop(columns=["PPSOC19", "_absent"]), year=2019)
    row = one(frame, "epci:200072635", "part_prestations_sociales")
    assert not row["disponible"]
    assert row["note"] == "non disponible : variable PPSOC19 absente du fichier Filosofi 2019"
    # without the flag column, the all-NaN row reads as secret cells
    assert one(frame, "commune:31999", "revenu_median_uc")["note"] == SECRET


def test_deciles_table_only_published() -> None:
    table = income.deciles_table(rows(), year=2019)
    assert list(table.columns) == ["territoire", "annee", "decile", "valeur"]
    epci = table[table["territoire"] == "epci:200072635"]
    assert list(epci["decile"]) == [f"D{k}" for k in range(1, 10)]
    assert epci.loc[epci["decile"] == "D5", "valeur"].item() == 20100.0  # D5 = median Q2
    assert epci.loc[epci["decile"] == "D9", "valeur"].item() == 34100.0
    commune = table[table["territoire"] == "commune:31001"]
    assert list(commune["decile"]) == ["D5"]
    assert (table["territoire"] == "commune:31999").sum() == 0


def _read_filosofi(path: Path, code: str) -> dict[str, float]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle, delimiter=";"):
            if record["CODGEO"] == code:
                return {
                    k: (float(v.replace(",", ".")) if v else np.nan)
                    for k, v in record.items()
                    if k and k not in ("CODGEO", "LIBGEO")
                }
    raise AssertionError(f"{code} not in {path.name}")


@pytest.mark.shared
def test_real_filosofi_column_names() -> None:
    if not FILOSOFI.is_dir():
        pytest.skip(f"real extracts not found at {FILOSOFI} (../shared/data is absent)")
    epci = _read_filosofi(FILOSOFI / "FILO2019_DISP_EPCI.csv", "200072635")
    commune = _read_filosofi(FILOSOFI / "FILO2019_DISP_COM.csv", "31001")
    frame = income.income_figures(
        pd.DataFrame.from_dict(
            {"epci:200072635": epci, "commune:31001": commune}, orient="index"
        ).assign(_absent=False),
        year=2019,
    )
    published = frame[frame["territoire"] == "epci:200072635"]
    assert published["disponible"].all(), published[~published["disponible"]]
    assert one(frame, "epci:200072635", "revenu_median_uc")["valeur"] == epci["Q219"]
    assert one(frame, "commune:31001", "revenu_median_uc")["disponible"]
    assert one(frame, "commune:31001", "revenu_d1_uc")["note"] == SECRET
