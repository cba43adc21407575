"""The chapter plug-in contract: a catalogue entry is all the portrait needs.

A fake chapter (a ``NotebookSpec`` with ``chapter`` set, monkeypatched into the catalogue)
computes the share of vacant dwellings of the demo's census totals; its figures, table,
cautions, findings and variance terms must reach the portrait without the builder being
edited. Expected values are recomputed from the harmonised commune rows.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from ctgstats.core import notebooks
from ctgstats.core.figures import figure, to_frame
from ctgstats.core.notebooks import NotebookSpec
from ctgstats.core.params import Params
from ctgstats.data.catalog import Catalog
from ctgstats.portrait import build, chapters
from ctgstats.portrait.findings import FINDING_COLUMNS

PARAMS = {
    "territory": {"level": "epci", "code": "000000101"},
    "cog_year": 2025,
    "census": {"vintages": [2011, 2016, 2022]},
    "data_dirs": ["ctgstats:demo"],
}


def _compute(context: chapters.ChapterContext) -> chapters.ChapterResult:
    rows = []
    for territory in context.territories:
        total = context.totals.loc[territory.id]
        rows.append(
            figure(
                territory.id,
                "essai_part_vacants",
                2022,
                100 * total["P22_LOGVAC"] / total["P22_LOG"],
                unite="%",
                source="Insee, RP2022 (exploitation principale)",
                definition="essai",
            )
        )
    table = pd.DataFrame({"code": list(context.territory.communes or ())})
    return chapters.ChapterResult(
        figures=to_frame(rows), tables={"essai_communes": table}, vigilance=["Point d'essai."]
    )


def _variance_terms(communes: pd.DataFrame, *, year: int, design: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({f"essai_{year}": design * 0 + 1.0}, index=communes.index)


def _findings(portrait) -> pd.DataFrame:
    value = portrait.value("essai_part_vacants", 2022)
    return pd.DataFrame(
        [
            {
                "theme": "Essai",
                "constat": f"{value:.1f}",
                "indicateurs": "essai_part_vacants",
                "annee": "2022",
                "prudence": "",
            }
        ],
        columns=FINDING_COLUMNS,
    )


CHAPTER = chapters.Chapter(
    id="essai", compute=_compute, variance_terms=_variance_terms, findings=_findings
)


@pytest.fixture
def with_fake_chapter(monkeypatch):
    spec = NotebookSpec(name="99_essai", title="Essai", chapter=f"{__name__}:CHAPTER")
    monkeypatch.setattr(notebooks, "NOTEBOOKS", (*notebooks.NOTEBOOKS, spec))
    return spec


def test_a_catalogue_chapter_reaches_the_portrait(with_fake_chapter):
    params = Params.model_validate(PARAMS)
    catalog = Catalog.from_dirs(params.data_dirs)
    portrait = build.compute_portrait(params, catalog)
    rows = portrait.figures[portrait.figures["indicateur"] == "essai_part_vacants"]
    assert list(rows["territoire"]) == [t.id for t in portrait.territories]
    members = list(portrait.territory.communes or ())
    communes = portrait.census_communes.loc[members]
    expected = 100 * communes["P22_LOGVAC"].sum() / communes["P22_LOG"].sum()
    assert math.isclose(portrait.value("essai_part_vacants", 2022), expected, rel_tol=1e-12)
    assert list(portrait.tables["essai_communes"]["code"]) == members
    assert portrait.chapter_vigilance["essai"] == ["Point d'essai."]
    assert "Point d'essai." in portrait.all_vigilance
    assert "Point d'essai." not in portrait.vigilance
    found = portrait.findings[portrait.findings["theme"] == "Essai"]
    assert list(found["constat"]) == [f"{expected:.1f}"]
    # the chapter's variance terms are summed over the territory's communes
    assert portrait.census_totals is not None
    key = "essai_2022"
    variances = build.load_census(
        catalog,
        portrait.territories,
        catalog.load_composition(2025),
        extra=chapters.load_chapters(),
    ).variances
    assert variances.loc[portrait.territory.id, key] == len(members)


def test_chapter_references_must_name_a_chapter(monkeypatch):
    spec = NotebookSpec(
        name="99_essai", title="Essai", chapter="ctgstats.portrait.build:build_portrait"
    )
    monkeypatch.setattr(notebooks, "NOTEBOOKS", (*notebooks.NOTEBOOKS, replace(spec)))
    with pytest.raises(TypeError, match="not a Chapter"):
        chapters.load_chapters()
