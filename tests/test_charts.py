"""Tests of ctgstats.portrait.charts: French text, colours, n.d. handling, no leaked figures."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")

import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from IPython.core.formatters import DisplayFormatter
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from ctgstats.core.figures import figure, to_frame
from ctgstats.indicators import charts as indicator_charts
from ctgstats.portrait import charts, views
from ctgstats.present import chart_style
from ctgstats.present.labels import of_name
from ctgstats.surveys import charts as survey_charts

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


# --- Accessibility and consistency of every chart of the demo report --------------------


DEMO = Path(__file__).resolve().parents[1] / "params" / "demo.yaml"
#: A French-formatted number: "8 028", "12,7 %", "−20,8 %", "11 120 €".
FRENCH_NUMBER = re.compile(r"\d{1,3}(?:\u00a0\d{3})+|\d+,\d|\d+\u00a0%")

#: (view, unit written in the value axis label, value axis, zero baseline expected)
PORTRAIT_CHARTS = [
    ("population_chart", "habitants", "y", True),
    ("age_chart", "%", "x", True),
    ("pyramid_chart", "%", "x", False),  # two-sided around zero
    ("ageing_chart", "%", "x", True),
    ("households_chart", "%", "x", True),
    ("families_change_chart", "%", "x", False),  # a change, negative here
    ("income_chart", "€", "y", True),
]


@pytest.fixture(scope="module")
def demo_charts():
    from ctgstats.portrait.build import build_portrait

    portrait = build_portrait(yaml.safe_load(DEMO.read_text(encoding="utf-8")))
    made = {name: getattr(views, name)(portrait) for name, *_ in PORTRAIT_CHARTS}
    yield portrait, made
    for fig in made.values():
        if isinstance(fig, Figure):
            plt.close(fig)


def _survey_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "question": "q1",
            "libelle_question": "Êtes-vous satisfait des services ?",
            "modalite": ["Oui", "Non", "Non-réponse"],
            "code": ["1", "2", "-oth-"],
            "pourcentage": [62.5, 30.0, 7.5],
            "ic_bas": [52.0, 21.0, 3.5],
            "ic_haut": [72.0, 40.5, 15.5],
            "base": 80,
            "pondere": False,
            "n_eff": 80.0,
            "alerte": "",
        }
    )


def _likert_freq() -> pd.DataFrame:
    rows = []
    for question, shares in (("q2", [10.0, 20.0, 0.0, 40.0, 30.0]), ("q3", [5, 15, 0, 50, 30])):
        for code, share in zip("12345", shares):
            rows.append({"question": question, "code": code, "pourcentage": float(share)})
    return pd.DataFrame(rows)


def _likert_figure() -> Figure:
    names = ["Pas du tout", "Plutôt pas", "Neutre", "Plutôt", "Tout à fait"]
    scale = list(zip("12345", names))
    return survey_charts.likert_diverging(
        _likert_freq(),
        questions=["q2", "q3"],
        labels={"q2": "Le cadre de vie", "q3": "Les transports"},
        scale=scale,
        title="Questions à échelle",
        source="Enquête habitants 2026",
    )


def _followup() -> SimpleNamespace:
    dashboard = pd.DataFrame(
        {
            "indicateur": ["population", "part_75_plus"],
            "libelle": ["Population", "Part des 75 ans ou plus"],
            "unite": ["habitants", "%"],
            "t0_annee": [2016, 2016],
            "t0_valeur": [7830.0, 14.0],
            "cible": [None, None],
            "cible_libelle": ["", ""],
            "derniere_annee": pd.array([2022, 2022], dtype="Int64"),
            "derniere_valeur": [7563.0, 16.5],
        }
    )
    measures = pd.DataFrame(
        {
            "indicateur": ["population"] * 2 + ["part_75_plus"] * 4,
            "territoire": ["T", "T", "T", "T", "D", "D"],
            "annee": [2016, 2022, 2016, 2022, 2016, 2022],
            "valeur": [7830.0, 7563.0, 14.0, 16.5, math.nan, math.nan],
        }
    )
    return SimpleNamespace(dashboard=dashboard, measures=measures)


def _all_charts(demo_charts) -> dict[str, Figure]:
    _, made = demo_charts
    charts_ = {name: fig for name, fig in made.items() if isinstance(fig, Figure)}
    charts_["question_bars"] = survey_charts.question_bars(
        _survey_rows(), title="Répartition des réponses", source="Enquête habitants 2026"
    )
    charts_["likert_diverging"] = _likert_figure()
    multiples = indicator_charts.small_multiples(
        _followup(), labels={"T": "CC du Test", "D": "Département test"}
    )
    assert multiples is not None
    charts_["small_multiples"] = multiples
    return charts_


def test_demo_charts_are_all_drawn(demo_charts):
    _, made = demo_charts
    assert all(isinstance(fig, Figure) for fig in made.values()), made


def test_alt_texts_are_distinct_french_and_carry_a_figure(demo_charts):
    figures = _all_charts(demo_charts)
    alts = {name: chart_style.alt_text(fig) for name, fig in figures.items()}
    for name, alt in alts.items():
        title = chart_style.one_line(fig_title(figures[name]))
        assert alt.startswith(title), (name, alt)
        assert FRENCH_NUMBER.search(alt), (name, alt)
        assert "." not in re.sub(r"n\.d\.", "", alt).rstrip("."), (name, alt)  # no 8.028
    assert len(set(alts.values())) == len(alts)


def fig_title(fig: Figure) -> str:
    assert fig._suptitle is not None
    return fig._suptitle.get_text()


def test_population_alt_text_by_hand(demo_charts):
    portrait, made = demo_charts
    rows = portrait.figures[
        (portrait.figures["territoire"].astype(str) == portrait.territory.id)
        & (portrait.figures["indicateur"] == "population")
    ]
    by_year = {str(a): float(v) for a, v in zip(rows["annee"], rows["valeur"])}
    first, last = by_year["2011"], by_year["2022"]
    change = (last / first - 1) * 100
    assert round(change, 1) == -5.8  # 8 028 → 7 563 in the demo files
    assert chart_style.alt_text(made["population_chart"]) == (
        f"Population de la CC du Haut-Val fictif aux recensements{NBSP}: "
        f"de 8{NBSP}028 habitants en 2011 à 7{NBSP}563 en 2022 ({MINUS}5,8{NBSP}%)"
    )


@pytest.mark.parametrize(("name", "unit", "axis", "zero"), PORTRAIT_CHARTS)
def test_value_axis_has_unit_and_zero_baseline(demo_charts, name, unit, axis, zero):
    _, made = demo_charts
    ax = made[name].axes[0]
    label = ax.get_ylabel() if axis == "y" else ax.get_xlabel()
    assert f"({unit})" in label, label
    low, _ = ax.get_ylim() if axis == "y" else ax.get_xlim()
    if zero:
        assert low == 0
    else:
        assert low < 0


def test_survey_and_indicator_axes(demo_charts):
    figures = _all_charts(demo_charts)
    bars = figures["question_bars"].axes[0]
    assert "(%)" in bars.get_xlabel() and bars.get_xlim()[0] == 0
    panels = figures["small_multiples"].axes
    assert [ax.get_ylabel() for ax in panels[:2]] == ["habitants", "%"]
    alt = chart_style.alt_text(figures["small_multiples"])
    assert f"Population 7{NBSP}563{NBSP}habitants en 2022" in alt
    assert f"Part des 75 ans ou plus 16,5{NBSP}% en 2022" in alt
    survey_alt = chart_style.alt_text(figures["question_bars"])
    assert survey_alt == (
        f"Répartition des réponses{NBSP}: Êtes-vous satisfait des services ?{NBSP}: "
        f"Oui 63{NBSP}%, Non 30{NBSP}%, Non-réponse 8{NBSP}% (base{NBSP}: 80 répondants)"  # half up
    )
    assert all(ax.get_ylim()[0] == 0 for ax in panels[:2])


def _drawn_labels(fig: Figure) -> set[str]:
    """Labels of the artists holding data: bars of non-zero size, lines with a value."""
    labels: set[str] = set()
    for ax in fig.axes:
        for line in ax.get_lines():
            if np.isfinite(np.asarray(line.get_ydata(), dtype=float)).any():
                labels.add(str(line.get_label()))
                labels.add(to_hex(line.get_color()))
        for patch in ax.patches:
            if isinstance(patch, Rectangle) and patch.get_width() != 0:
                labels.add(to_hex(patch.get_facecolor()))
                labels.add(to_hex(patch.get_edgecolor()))
    return labels


def test_legends_list_only_what_is_drawn(demo_charts):
    for name, fig in _all_charts(demo_charts).items():
        drawn = _drawn_labels(fig)
        legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
        for legend in filter(None, legends):
            for handle, text in zip(legend.legend_handles, legend.get_texts()):
                assert "n.d." not in text.get_text(), (name, text.get_text())
                if isinstance(handle, Rectangle):
                    colours = {to_hex(handle.get_facecolor()), to_hex(handle.get_edgecolor())}
                else:
                    colours = {to_hex(handle.get_color())}
                assert colours & drawn, (name, text.get_text())
    # the demo has no France figures for the age shares: no legend entry for it
    age = _all_charts(demo_charts)["ageing_chart"].axes[0].get_legend()
    assert "France métropolitaine" not in [t.get_text() for t in age.get_texts()]
    # the comparator of the small multiples has only NaN: not in the legend
    multiples = _all_charts(demo_charts)["small_multiples"]
    legend = multiples.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["CC du Test"]
    # a Likert option no one chose (Neutre) is not in the legend
    likert = _likert_figure()
    assert "Neutre" not in [t.get_text() for t in likert.axes[0].get_legend().get_texts()]
    plt.close(likert)


def test_every_chart_has_a_source_line(demo_charts):
    for name, fig in _all_charts(demo_charts).items():
        captions = [t.get_text() for t in fig.texts if t is not fig._suptitle]
        assert any(re.search(f"Sources?{NBSP}: \\S", c) for c in captions), (name, captions)


def test_one_font_family_for_all_text(demo_charts):
    for name, fig in _all_charts(demo_charts).items():
        _render(fig)
        families = {
            tuple(t.get_fontfamily()) for t in fig.findobj(Text) if t.get_text() and t.get_visible()
        }
        assert len(families) == 1, (name, families)
        fonts = {t.get_fontname() for t in fig.findobj(Text) if t.get_text()}
        assert len(fonts) == 1, (name, fonts)


def test_alt_text_reaches_the_notebook_output_metadata(close_figures):
    fig = charts.population_trend(_figures(), territory="01001", labels=LABELS, source=SOURCE)
    close_figures.append(fig)
    formatter = DisplayFormatter()
    formatter.formatters["image/png"].for_type(Figure, lambda figure: "PNG")  # as inline does
    data, metadata = formatter.format(fig)
    assert data["image/png"] == "PNG"
    assert metadata["image/png"]["alt"] == chart_style.alt_text(fig)
    assert chart_style.alt_text(fig).startswith("Population de Commune A aux recensements")


def test_set_alt_text_normalises_spaces(close_figures):
    fig, _ = chart_style.new_figure(2.0)
    close_figures.append(fig)
    chart_style.set_alt_text(fig, "Titre\nsur deux  lignes")
    assert chart_style.alt_text(fig) == "Titre sur deux lignes"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CC du Haut-Val fictif", "de la CC du Haut-Val fictif"),
        ("CA du Muretain", "de la CA du Muretain"),
        ("Communauté de communes Cœur de Garonne", "de la Communauté de communes Cœur de Garonne"),
        ("Haute-Garonne", "de la Haute-Garonne"),  # TNCC 3
        ("Gers", "du Gers"),  # TNCC 2
        ("Ain", "de l'Ain"),  # TNCC 5
        ("Bouches-du-Rhône", "des Bouches-du-Rhône"),  # TNCC 4
        ("Paris", "de Paris"),  # TNCC 0
        ("France métropolitaine", "de la France métropolitaine"),
        ("Le Fousseret", "du Fousseret"),
        ("La Salvetat-Saint-Gilles", "de la Salvetat-Saint-Gilles"),
        ("Les Cabannes", "des Cabannes"),
        ("L'Isle-en-Dodon", "de l'Isle-en-Dodon"),
        ("Aurignac", "d'Aurignac"),
        ("Muret", "de Muret"),
        ("Val-d'Exemple (département fictif)", "de Val-d'Exemple (département fictif)"),
    ],
)
def test_of_name(name, expected):
    assert of_name(name) == expected
