"""Tests of ctgstats.portrait.charts: French text, colours, n.d. handling, no leaked figures."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ctgstats.core.figures import figure, to_frame
from ctgstats.portrait import charts
from ctgstats.present import chart_style

NBSP = "\u00a0"
MINUS = "\u2212"
SOURCE = "Insee, RP2022, exploitation principale"
LABELS = {"01001": "Commune A", "200000001": "CC du Test", "01": "Ain"}


@pytest.fixture
def close_figures():
    """Collect the figures of a test and close them afterwards."""
    made: list[Figure] = []
    yield made
    for fig in made:
        plt.close(fig)


def _texts(fig: Figure) -> list[str]:
    found = [t.get_text() for t in fig.texts]
    if fig._suptitle is not None:
        found.append(fig._suptitle.get_text())
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        found += [ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            found += [t.get_text() for t in legend.get_texts()]
    return found


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_fill()]


def _render(fig: Figure) -> None:
    """Draw the figure to PNG (tick labels are only formatted at draw time)."""
    fig.savefig(io.BytesIO(), format="png")


def _check_common(fig: Figure, source: str = SOURCE) -> None:
    assert isinstance(fig, Figure)
    assert fig._suptitle is not None and fig._suptitle.get_text()
    captions = [t for t in fig.texts if f"Source{NBSP}: {source}" in t.get_text()]
    assert len(captions) == 1, [t.get_text() for t in fig.texts]
    _render(fig)
    # the notebook saves with bbox_inches="tight": the caption must survive the crop
    renderer = fig._get_renderer()
    tight = fig.get_tightbbox(renderer)  # inches
    caption = captions[0].get_window_extent(renderer).transformed(fig.dpi_scale_trans.inverted())
    assert tight.y0 <= caption.y0 + 1e-6 and tight.x0 <= caption.x0 + 1e-6


def _figures() -> pd.DataFrame:
    rows = [
        figure(
            "01001",
            "population",
            2006,
            None,
            unite="habitants",
            source=SOURCE,
            definition="",
            note="Non recensée",
        ),
        figure(
            "01001", "population", 2011, 10234.4, unite="habitants", source=SOURCE, definition=""
        ),
        figure(
            "01001", "population", 2022, 12345.67, unite="habitants", source=SOURCE, definition=""
        ),
    ]
    values = {
        "01001": (24.2, 31.5, math.nan),
        "200000001": (22.1, 29.0, 8.1),
        "01": (23.0, 30.1, 7.4),
    }
    for territory, triple in values.items():
        for indicator, value in zip(
            ["part_moins_20", "part_60_plus", "part_familles_monoparentales"], triple
        ):
            rows.append(
                figure(territory, indicator, 2022, value, unite="%", source=SOURCE, definition="")
            )
    for territory, value in zip(LABELS, [20.6, -3.4, 1.2]):
        rows.append(
            figure(
                territory,
                "population_evolution_pct",
                "2011-2022",
                value,
                unite="%",
                source=SOURCE,
                definition="",
            )
        )
    return to_frame(rows)


# --- style and formatter ---------------------------------------------------------------


def test_french_formatter():
    formatter = chart_style.french_formatter(decimals=1)
    assert formatter(12345.6) == f"12{NBSP}345,6"
    assert formatter(-2.5) == f"{MINUS}2,5"
    percent = chart_style.french_formatter(unit="%")
    percent.set_locs([0, 2.5, 5, 7.5])
    assert percent(2.5) == f"2,5{NBSP}%"
    assert percent(5) == f"5,0{NBSP}%"
    integers = chart_style.french_formatter()
    integers.set_locs([0, 5000, 10000])
    assert integers(10000) == f"10{NBSP}000"
    assert chart_style.french_formatter(signed=True, decimals=0)(5) == "+5"
    assert chart_style.french_formatter(absolute=True, unit="%", decimals=0)(-3) == f"3{NBSP}%"


def test_apply_style_sets_rc():
    with matplotlib.rc_context():
        chart_style.apply_style()
        assert matplotlib.rcParams["font.size"] == 10
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert (
            to_hex(matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0])
            == chart_style.TERRITORY_COLOR.lower()
        )


def test_territory_colors():
    colors = chart_style.territory_colors(LABELS, "200000001")
    assert colors["200000001"] == chart_style.TERRITORY_COLOR
    assert colors["01001"] in chart_style.COMPARATOR_COLORS
    assert colors["01"] in chart_style.COMPARATOR_COLORS
    assert chart_style.territory_colors(LABELS)["01001"] == chart_style.TERRITORY_COLOR


def test_charts_are_detached_from_pyplot(close_figures):
    before = set(plt.get_fignums())
    fig = charts.population_trend(_figures(), territory="01001", labels=LABELS, source=SOURCE)
    close_figures.append(fig)
    assert set(plt.get_fignums()) == before


# --- charts ----------------------------------------------------------------------------


def test_population_trend(close_figures):
    fig = charts.population_trend(_figures(), territory="01001", labels=LABELS, source=SOURCE)
    close_figures.append(fig)
    _check_common(fig)
    texts = _texts(fig)
    assert "Population de Commune A aux recensements" in texts
    assert f"12{NBSP}346" in texts and f"10{NBSP}234" in texts
    assert "n.d." in texts  # 2006 not available: written, not drawn
    ax = fig.axes[0]
    assert len(_bars(ax)) == 2
    assert any(NBSP in label.get_text() for label in ax.get_yticklabels())
    assert [label.get_text() for label in ax.get_xticklabels()] == ["2006", "2011", "2022"]


def test_population_trend_without_data(close_figures):
    fig = charts.population_trend(_figures(), territory="99999", labels=LABELS, source=SOURCE)
    close_figures.append(fig)
    _check_common(fig)
    assert "Données non disponibles pour ce graphique." in _texts(fig)


def _age_table() -> pd.DataFrame:
    rows = []
    for territory, shares in zip(
        LABELS, [(18.0, 50.0, 32.0), (20.0, 52.0, 28.0), (19.0, 51.0, 30.0)]
    ):
        for tranche, share in zip(["0-19 ans", "20-59 ans", "60 ans ou plus"], shares):
            rows.append(
                {"territoire": territory, "tranche": tranche, "effectif": share * 10, "part": share}
            )
    return pd.DataFrame(rows)


def test_age_structure(close_figures):
    fig = charts.age_structure(_age_table(), labels=LABELS, source=SOURCE)
    close_figures.append(fig)
    _check_common(fig)
    ax = fig.axes[0]
    bars = _bars(ax)
    assert len(bars) == 9
    strong = chart_style.TERRITORY_COLOR.lower()
    territory_bars = [b for b in bars if to_hex(b.get_facecolor()) == strong]
    assert sorted(round(b.get_width(), 6) for b in territory_bars) == [18.0, 32.0, 50.0]
    texts = _texts(fig)
    assert f"32,0{NBSP}%" in texts
    assert ["0-19 ans", "20-59 ans", "60 ans ou plus"] == [
        t.get_text() for t in ax.get_yticklabels()
    ]
    assert {"Commune A", "CC du Test", "Ain"} <= set(texts)
    assert any(label.get_text().endswith(f"{NBSP}%") for label in ax.get_xticklabels())


def test_age_structure_computes_missing_shares(close_figures):
    table = _age_table().drop(columns="part")
    fig = charts.age_structure(table, labels={"01001": "Commune A"}, source=SOURCE)
    close_figures.append(fig)
    widths = sorted(round(b.get_width(), 6) for b in _bars(fig.axes[0]))
    assert widths == [18.0, 32.0, 50.0]


def _pyramid_table() -> pd.DataFrame:
    rows = []
    for territory, scale in (("01001", 1.0), ("01", 50.0)):
        for i, tranche in enumerate(["0-29 ans", "30-59 ans", "60 ans ou plus"]):
            rows.append(
                {
                    "territoire": territory,
                    "tranche": tranche,
                    "sexe": "Hommes",
                    "effectif": (100 + 10 * i) * scale,
                }
            )
            rows.append(
                {
                    "territoire": territory,
                    "tranche": tranche,
                    "sexe": "Femmes",
                    "effectif": (110 + 20 * i) * scale,
                }
            )
    return pd.DataFrame(rows)


def test_pyramid(close_figures):
    fig = charts.pyramid(
        _pyramid_table(), territory="01001", labels=LABELS, source=SOURCE, comparator="01"
    )
    close_figures.append(fig)
    _check_common(fig)
    ax = fig.axes[0]
    filled = _bars(ax)
    men = [b.get_width() for b in filled if b.get_width() < 0]
    women = [b.get_width() for b in filled if b.get_width() > 0]
    assert len(men) == 3 and len(women) == 3
    assert sum(women) - sum(men) == pytest.approx(100.0)
    outlines = [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
    assert len(outlines) == 6
    texts = _texts(fig)
    assert "Hommes" in texts and "Femmes" in texts and "Ain" in texts
    assert "Pyramide des âges de Commune A" in texts
    ticks = [label.get_text() for label in ax.get_xticklabels()]
    assert ticks and not any(MINUS in t or "-" in t for t in ticks)


def test_indicator_comparison_nd_instead_of_zero_bar(close_figures):
    indicators = {
        "part_moins_20": "Moins de 20 ans",
        "part_60_plus": "60 ans ou plus",
        "part_familles_monoparentales": "Familles monoparentales",
    }
    fig = charts.indicator_comparison(
        _figures(), indicators=indicators, annee=2022, labels=LABELS, source=SOURCE
    )
    close_figures.append(fig)
    _check_common(fig)
    ax = fig.axes[0]
    bars = _bars(ax)
    assert len(bars) == 8  # 9 values, one not available
    assert all(b.get_width() > 0 for b in bars)
    texts = _texts(fig)
    # the missing bar is written "n.d." with the territory's name
    assert any(t.strip().startswith("n.d. (") for t in texts)
    assert f"24,2{NBSP}%" in texts
    assert "Familles monoparentales" in texts


def test_indicator_comparison_refuses_mixed_units(close_figures):
    frame = pd.concat(
        [
            _figures(),
            to_frame(
                [
                    figure(
                        "01001",
                        "revenu_median_uc",
                        2022,
                        21000.0,
                        unite="€",
                        source=SOURCE,
                        definition="",
                    )
                ]
            ),
        ]
    )
    with pytest.raises(ValueError):
        charts.indicator_comparison(
            frame,
            indicators={"part_60_plus": "60 ans ou plus", "revenu_median_uc": "Revenu médian"},
            annee=2022,
            labels=LABELS,
            source=SOURCE,
        )
    plt.close("all")


def test_change_bars(close_figures):
    fig = charts.change_bars(
        _figures(), indicator="population_evolution_pct", labels=LABELS, source=SOURCE
    )
    close_figures.append(fig)
    _check_common(fig)
    texts = _texts(fig)
    assert f"+20,6{NBSP}%" in texts
    assert f"{MINUS}3,4{NBSP}%" in texts
    assert "Évolution de la population (%), 2011-2022" in texts
    widths = sorted(b.get_width() for b in _bars(fig.axes[0]))
    assert widths == pytest.approx([-3.4, 1.2, 20.6])


def test_change_bars_period_choice(close_figures):
    frame = pd.concat(
        [
            _figures(),
            to_frame(
                [
                    figure(
                        "01001",
                        "population_evolution_pct",
                        "2016-2022",
                        5.0,
                        unite="%",
                        source=SOURCE,
                        definition="",
                    ),
                    figure(
                        "01001",
                        "population_evolution_pct",
                        "2011-2016",
                        2.0,
                        unite="%",
                        source=SOURCE,
                        definition="",
                    ),
                ]
            ),
        ]
    )
    # default: latest end year, then the longest period
    fig = charts.change_bars(
        frame, indicator="population_evolution_pct", labels=LABELS, source=SOURCE
    )
    close_figures.append(fig)
    assert "Évolution de la population (%), 2011-2022" in _texts(fig)
    fig = charts.change_bars(
        frame, indicator="population_evolution_pct", labels=LABELS, source=SOURCE, annee="2016-2022"
    )
    close_figures.append(fig)
    texts = _texts(fig)
    assert f"+5,0{NBSP}%" in texts
    assert sum(t.strip() == "n.d." for t in texts) == 2


def test_deciles(close_figures):
    rows = []
    for territory, base in zip(LABELS, [10800.0, 11500.0, 11200.0]):
        for decile in range(1, 10):
            rows.append({"territoire": territory, "decile": decile, "valeur": base * decile})
    rows.append({"territoire": "99", "decile": "D1", "valeur": math.nan})
    fig = charts.deciles(
        pd.DataFrame(rows), labels={**LABELS, "99": "Secret"}, source="Insee, Filosofi 2021"
    )
    close_figures.append(fig)
    _check_common(fig, source="Insee, Filosofi 2021")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"D{i}" for i in range(1, 10)]
    lines = ax.get_lines()
    assert to_hex(lines[0].get_color()) == chart_style.TERRITORY_COLOR.lower()
    assert np.allclose(lines[0].get_ydata(), [10800.0 * d for d in range(1, 10)])
    texts = _texts(fig)
    assert f"10{NBSP}800{NBSP}€" in texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Secret" not in legend and len(legend) == 3  # nothing drawn, no entry
    assert any("non disponibles pour : Secret" in t.replace(NBSP, " ") for t in texts)
    assert any(label.get_text().endswith(f"{NBSP}€") for label in ax.get_yticklabels())


def test_fictional_watermark(close_figures):
    fig = charts.population_trend(_figures(), territory="01001", labels=LABELS, source=SOURCE)
    close_figures.append(fig)
    assert charts.fictional_watermark(fig) is fig
    assert "DONNÉES FICTIVES" in [t.get_text() for t in fig.texts]
    _render(fig)
