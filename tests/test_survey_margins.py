"""Census margins for raking, from hand-made census totals."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from ctgstats.surveys.codebook import parse_codebook
from ctgstats.surveys.margins import MarginsUnavailable, census_margins

CODEBOOK = parse_codebook(
    {
        "survey": {"id": "h", "title": "Habitants"},
        "questions": [
            {
                "id": "age",
                "label": "Âge",
                "type": "single",
                "describes": "age",
                "options": [
                    {"code": "A1", "label": "15-44 ans", "census": ["1529", "3044"]},
                    {"code": "A2", "label": "45 ans ou plus", "census": ["4559", "6074", "75P"]},
                    {"code": "A9", "label": "Ne sait pas", "dont_know": True},
                ],
            },
            {
                "id": "sexe",
                "label": "Sexe",
                "type": "single",
                "describes": "sexe",
                "options": [
                    {"code": "F", "label": "Femme", "census": ["F"]},
                    {"code": "H", "label": "Homme", "census": ["H"]},
                    {"code": "X", "label": "Autre"},
                ],
            },
            {
                "id": "commune",
                "label": "Commune",
                "type": "single",
                "describes": "commune",
                "options": [
                    {"code": "00001", "label": "A"},
                    {"code": "00002", "label": "B"},
                    {"code": "AUTRE", "label": "Autre commune"},
                ],
            },
        ],
    }
)

GROUPS = ["1529", "3044", "4559", "6074", "75P"]


def _portrait():
    values = {}
    for i, group in enumerate(GROUPS):
        values[f"P22_POP{group}"] = 100.0 * (i + 1)  # 100, 200, 300, 400, 500
        values[f"P22_H{group}"] = 40.0 * (i + 1)
        values[f"P22_F{group}"] = 60.0 * (i + 1)
    values["P22_POP0014"] = 999.0  # outside the universe (15+)
    totals = pd.DataFrame([values], index=["epci:000000101"])
    communes = pd.DataFrame(
        [{f"P22_POP{g}": 10.0 for g in GROUPS}, {f"P22_POP{g}": 20.0 for g in GROUPS}],
        index=["00001", "00002"],
    )
    territory = SimpleNamespace(id="epci:000000101", communes=("00001", "00002"))
    return SimpleNamespace(
        last_year=2022,
        census_totals=totals,
        census_communes=communes,
        territory=territory,
        cog_year=2025,
    )


def test_age_sex_and_commune_margins_share_the_universe():
    result = census_margins(_portrait(), CODEBOOK, descriptors=["age", "sexe", "commune"])
    assert result.margins["age"].to_dict() == {"A1": 300.0, "A2": 1200.0}
    # sex over 15+ only: H = 40 * (1+2+3+4+5) = 600, F = 900; total = age total = 1500
    assert result.margins["sexe"].to_dict() == {"F": 900.0, "H": 600.0}
    assert result.margins["commune"].to_dict() == {"00001": 50.0, "00002": 100.0}
    assert "15 ans ou plus" in result.universe and "RP2022" in result.universe


def test_missing_census_columns_are_named():
    portrait = _portrait()
    portrait.census_totals = portrait.census_totals.drop(columns=["P22_H75P"])
    with pytest.raises(MarginsUnavailable, match="P22_H75P"):
        census_margins(portrait, CODEBOOK, descriptors=["sexe"])
