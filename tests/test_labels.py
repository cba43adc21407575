"""One label table: every indicator label comes from the registry (indicateurs.yaml)."""

from __future__ import annotations

import warnings
from html import escape
from pathlib import Path

import pytest

from ctgstats.core.params import load_params
from ctgstats.data.registry import load_registry
from ctgstats.portrait import views
from ctgstats.portrait.build import build_portrait
from ctgstats.present import display, labels
from ctgstats.publish import portal

DEMO_PARAMS = Path(__file__).resolve().parents[1] / "params" / "demo.yaml"


@pytest.fixture(scope="module")
def demo_portrait():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_portrait(load_params(DEMO_PARAMS))


def test_every_demo_figure_in_the_report_has_a_label(demo_portrait):
    registry = load_registry()
    ids = set(demo_portrait.figures["indicateur"])
    shown = {i for theme in views.THEMES.values() for i in theme}
    assert shown <= ids
    for indicator in sorted(ids):
        if indicator in registry:
            assert labels.indicator_label(indicator) == registry.get(indicator).label
            assert labels.indicator_unit(indicator) == registry.get(indicator).unit
    for indicator in sorted(shown):
        assert indicator in registry or indicator in labels.PORTRAIT_ONLY_LABELS, indicator


def test_registry_wins_over_the_portrait_only_table():
    assert not set(labels.PORTRAIT_ONLY_LABELS) & set(load_registry().ids)


def test_labels_by_hand():
    assert labels.indicator_label("population") == "Population municipale"
    assert labels.indicator_label("familles_nombreuses") == "Familles nombreuses"
    assert labels.indicator_label("solde_naturel") == "Solde naturel"
    assert labels.indicator_unit("solde_naturel") is None
    assert labels.indicator_unit("revenu_median_uc") == "€"
    assert labels.indicator_label("pas_un_indicateur") == "Pas un indicateur"
    assert labels.indicator_unit("pas_un_indicateur") is None


def test_display_portal_and_views_give_the_same_label(demo_portrait):
    for indicator in ("part_60_plus", "indice_vieillissement", "part_familles_monoparentales"):
        label = labels.indicator_label(indicator)
        assert display.indicator_label(indicator) == label
        assert display.INDICATOR_LABELS[indicator] == label
        assert dict(portal.PORTAL_INDICATORS)[indicator] == label
    assert portal.indicator_label is labels.indicator_label
    html = views.key_figures(demo_portrait, "ages").data
    assert f'<th scope="row">{escape(labels.indicator_label("part_60_plus"))}</th>' in html
    assert f'<th scope="row">{escape(labels.indicator_label("part_80_plus"))}</th>' in html
