"""The one-page synthesis: each chapter contributes through the notebook catalogue."""

from __future__ import annotations

import re

import pytest

from ctgstats.core.notebooks import NOTEBOOKS, NotebookSpec
from ctgstats.portrait.build import build_portrait
from ctgstats.publish.synthesis import MAX_FINDINGS, build_synthesis, synthesis_html


def chapter_a(**_: object) -> list[str]:
    return ["Premier constat du chapitre A.", "Second constat <à échapper>."]


def chapter_b(**_: object) -> list[str]:
    return [f"Constat {i} du chapitre B." for i in range(20)]


def test_a_new_chapter_appears_through_its_catalogue_entry() -> None:
    specs = (
        NotebookSpec(name="90_a", title="Chapitre A", synthesis=f"{__name__}:chapter_a"),
        NotebookSpec(name="91_sans", title="Sans synthèse"),
        NotebookSpec(name="92_b", title="Chapitre B", synthesis=f"{__name__}:chapter_b"),
    )
    synthesis = build_synthesis(notebooks=specs)
    assert [title for title, _ in synthesis.findings] == ["Chapitre A", "Chapitre B"]
    total = sum(len(s) for _, s in synthesis.findings)
    assert total == MAX_FINDINGS  # 2 from A, then B fills the page up to the cap
    html = synthesis_html(synthesis)
    assert "&lt;à échapper&gt;" in html and "<à échapper>" not in html
    assert html.count("<li>") == MAX_FINDINGS


def test_nothing_to_say_gives_no_section() -> None:
    assert synthesis_html(build_synthesis(notebooks=())) == ""


@pytest.fixture(scope="module")
def demo_portrait():
    from pathlib import Path

    from ctgstats.core.params import load_params

    return build_portrait(load_params(Path(__file__).parents[1] / "params" / "demo.yaml"))


def test_demo_synthesis_in_plain_french(demo_portrait) -> None:
    synthesis = build_synthesis(portrait=demo_portrait)
    sentences = [s for _, chapter in synthesis.findings for s in chapter]
    assert 4 <= len(sentences) <= MAX_FINDINGS
    assert any("habitants" in s for s in sentences)
    assert any("ménages avec famille" in s for s in sentences)
    assert any("sondage du recensement" in c for c in synthesis.cautions)
    html = synthesis_html(synthesis)
    # no internal names: indicator ids, file names, parameter names, tool names
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text)
    for internal in (".csv", ".zip", "census.", "limesurvey", "raking", "Kish", "codebook"):
        assert internal not in text
    every_chapter = {s.title for s in NOTEBOOKS if s.synthesis}
    assert {title for title, _ in synthesis.findings} <= every_chapter


def _eight_a(**_):
    return [f"a{i}" for i in range(8)]


def _eight_b(**_):
    return [f"b{i}" for i in range(8)]


def _one_c(**_):
    return ["c0"]


def test_the_room_is_shared_so_a_late_chapter_is_never_crowded_out():
    from ctgstats.core.notebooks import NotebookSpec
    from ctgstats.publish.synthesis import MAX_FINDINGS, build_synthesis

    specs = [
        NotebookSpec(name=f"9{k}_x", title=k, synthesis=f"{__name__}:{function}")
        for k, function in (("A", "_eight_a"), ("B", "_eight_b"), ("C", "_one_c"))
    ]
    found = build_synthesis(notebooks=specs).findings
    # round by round: a0 b0 c0, a1 b1, a2 b2, a3 b3, a4 → 10 sentences
    assert found == [
        ("A", [f"a{i}" for i in range(5)]),
        ("B", [f"b{i}" for i in range(4)]),
        ("C", ["c0"]),
    ]
    assert sum(len(s) for _, s in found) == MAX_FINDINGS
