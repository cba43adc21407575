"""The charts' style toolkit: one consistent French style for every chart of a report.

Every chart function returns a :class:`matplotlib.figure.Figure` with a French title, a
caption under the chart (``Source : Insee, RP2022, exploitation principale``) and axes
formatted the French way (decimal comma, no-break space between thousands) through
:func:`french_formatter`, which uses :mod:`ctgstats.present.formatting`.

Colours: the studied territory is always :data:`TERRITORY_COLOR` (strong orange);
comparators take the muted greys and blues of :data:`COMPARATOR_COLORS`, in the order of
``labels``. When a function has no ``territory`` argument, the studied territory is
``territory=`` if given, else the first key of ``labels``.

Figures are created with pyplot (so that the notebook's inline backend knows how to
display them) and immediately detached from pyplot: a notebook cell that ends with a
chart call shows it exactly once and no figure accumulates in memory. Closing them with
``plt.close(fig)`` is harmless.

A value that is not available is written ``n.d.`` on the chart, never drawn as a zero.

Alternative text: :func:`finish_figure` gives every figure a French description (its
title and main figure, :func:`set_alt_text`). The notebook displays it as the image's
``alt`` metadata (the figure's ``_repr_mimebundle_`` adds metadata only; the inline
backend still draws the PNG) and the report template writes it in ``<img alt="…">``.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from cycler import cycler
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ctgstats.present.formatting import NBSP, NOT_AVAILABLE, fr_number, fr_signed

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "TERRITORY_COLOR",
    "TERRITORY_LIGHT",
    "COMPARATOR_COLORS",
    "TEXT_COLOR",
    "MUTED_COLOR",
    "style_rc",
    "apply_style",
    "styled",
    "french_formatter",
    "territory_colors",
    "new_figure",
    "finish_figure",
    "no_data",
    "wrap_label",
    "legend_above",
    "set_alt_text",
    "alt_text",
]

#: Colour of the studied territory, on every chart.
TERRITORY_COLOR = "#C2410C"
#: Lighter tint of the territory colour (second series of the same territory).
TERRITORY_LIGHT = "#EE9A6B"
#: Colours of the comparators, in the order of ``labels``.
COMPARATOR_COLORS = ("#4B6A88", "#9AA5B1", "#7C9CBF", "#5E6770", "#C3CCD5", "#2F4A63")
TEXT_COLOR = "#262626"
MUTED_COLOR = "#5F5F5F"
GRID_COLOR = "#E3E3E3"

WIDTH = 8.0  # inches; the HTML report column is about this wide
CAPTION_SIZE = 8.0
VALUE_SIZE = 8.0


# --------------------------------------------------------------------------------------
# Style
# --------------------------------------------------------------------------------------


def style_rc() -> dict[RcKeyType, Any]:
    """The rcParams of the ctgstats style (seaborn "white" theme, 10 pt text)."""
    rc: dict[RcKeyType, Any] = {}
    rc.update(sns.axes_style("white"))
    rc.update(sns.plotting_context("notebook"))
    rc.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"],
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "legend.title_fontsize": 9,
            "figure.titlesize": 12,
            "figure.titleweight": "bold",
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#9A9A9A",
            "axes.linewidth": 0.8,
            "axes.labelcolor": TEXT_COLOR,
            "axes.grid": False,
            "axes.axisbelow": True,
            "axes.prop_cycle": cycler(color=[TERRITORY_COLOR, *COMPARATOR_COLORS]),
            "grid.color": GRID_COLOR,
            "grid.linewidth": 0.8,
            "text.color": TEXT_COLOR,
            "xtick.color": MUTED_COLOR,
            "ytick.color": MUTED_COLOR,
            "xtick.bottom": True,
            "ytick.left": True,
            "legend.frameon": False,
            "axes.unicode_minus": True,
            # The notebooks' inline PNGs are drawn at figure.dpi: 150 dpi gives a chart
            # 8 in wide about 165 px per inch once printed on A4 (18.6 cm of text width),
            # sharp on paper, at about 1.9 times the bytes of 110 dpi (the HTML stays
            # well within the single-file budget).
            "figure.dpi": 150,
            "savefig.dpi": 150,
            "figure.facecolor": "white",
            "axes.facecolor": "white",
            "savefig.facecolor": "white",
        }
    )
    return rc


def apply_style() -> None:
    """Apply the ctgstats style globally (for ad hoc charts drawn in a notebook).

    The chart functions of this module do not need it: they draw inside the same style.
    """
    sns.set_theme(style="white", context="notebook")
    mpl.rcParams.update(style_rc())


@contextmanager
def styled() -> Iterator[None]:
    with mpl.rc_context(style_rc()):
        yield


def _decimals_for(locs: Sequence[float]) -> int:
    """Fewest decimals (0-3) that write every tick location exactly."""
    values = [float(v) for v in locs if np.isfinite(v)]
    for decimals in range(4):
        if all(abs(round(v, decimals) - v) < 1e-9 * max(1.0, abs(v)) for v in values):
            return decimals
    return 3


class _FrenchFormatter(ticker.FuncFormatter):
    """FuncFormatter that remembers the tick locations (to choose the decimals)."""

    def __init__(self, *, decimals: int | None, unit: str, signed: bool, absolute: bool) -> None:
        self.decimals = decimals
        self.unit = unit
        self.signed = signed
        self.absolute = absolute
        self.tick_locations: list[float] = []
        super().__init__(self._format)

    def set_locs(self, locs: list[float]) -> None:
        super().set_locs(locs)
        self.tick_locations = [float(v) for v in locs]

    def _format(self, x: float, pos: int | None = None) -> str:  # noqa: ARG002 - matplotlib formatter signature
        value = abs(x) if self.absolute else x
        digits = (
            self.decimals
            if self.decimals is not None
            else _decimals_for(self.tick_locations or [x])
        )
        if self.signed:
            text = fr_signed(value, digits)
        else:
            text = fr_number(value, digits, typographic_minus=True)
        return f"{text}{NBSP}{self.unit}" if self.unit else text


def french_formatter(
    *, decimals: int | None = None, unit: str = "", signed: bool = False, absolute: bool = False
) -> ticker.FuncFormatter:
    """Tick formatter writing numbers the French way (``12 345,6``, ``12,5 %``).

    Parameters
    ----------
    decimals
        Fixed number of decimals; ``None`` uses the fewest that write every tick exactly.
    unit
        Text appended after a no-break space (``"%"``, ``"€"``).
    signed
        Explicit ``+`` on positive values (changes).
    absolute
        Write absolute values (left half of a population pyramid).
    """
    return _FrenchFormatter(decimals=decimals, unit=unit, signed=signed, absolute=absolute)


def territory_colors(labels: Mapping[str, str], territory: str | None = None) -> dict[str, str]:
    """Colour of each territory: the studied one strong, the comparators muted."""
    studied = studied_territory(labels, territory)
    colors: dict[str, str] = {}
    others = iter(COMPARATOR_COLORS * (1 + len(labels) // len(COMPARATOR_COLORS)))
    for key in labels:
        colors[str(key)] = TERRITORY_COLOR if str(key) == studied else next(others)
    if studied not in colors:
        colors[studied] = TERRITORY_COLOR
    return colors


def studied_territory(labels: Mapping[str, str], territory: str | None) -> str:
    if territory is not None:
        return str(territory)
    if not labels:
        raise ValueError("labels must name at least one territory")
    return str(next(iter(labels)))


def territory_name(labels: Mapping[str, str], territory: str) -> str:
    return str(labels.get(territory, territory))


# --------------------------------------------------------------------------------------
# Figure scaffolding
# --------------------------------------------------------------------------------------


def new_figure(height: float, *, width: float = WIDTH) -> tuple[Figure, Axes]:
    fig = plt.figure(figsize=(width, height), layout="constrained")
    plt.close(fig)  # detached from pyplot: displayed once, by the cell's value
    ax = fig.add_subplot()
    ax.tick_params(labelsize=9, colors=MUTED_COLOR, labelcolor=TEXT_COLOR)
    return fig, ax


def source_text(source: str) -> str:
    text = " ".join(str(source).split())
    if text.lower().startswith("source"):  # "Source :" with its no-break space
        return re.sub(r"^(Sources?)\s*:", rf"\1{NBSP}:", text)
    return f"Source{NBSP}: {text}"


def finish_figure(
    fig: Figure, *, title: str, source: str, note: str | None = None, alt: str | None = None
) -> Figure:
    """Add the title (top left), the caption (note and source, bottom left), the alt text.

    ``alt`` is the main figure the chart shows (``"de 8 028 à 7 563 habitants"``); the
    alternative text is the title followed by it.
    """
    heading = one_line(title)
    set_alt_text(fig, f"{heading}{NBSP}: {alt}" if alt else heading)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold", color=TEXT_COLOR)
    width_chars = int(fig.get_figwidth() * 15)
    lines: list[str] = []
    for paragraph in ([note] if note else []) + [source_text(source)]:
        lines.extend(textwrap.wrap(paragraph, width=width_chars) or [""])
    # in_layout stays True: the notebook saves with bbox_inches="tight", which drops
    # artists out of layout (the caption would be cut off).
    fig.text(
        0.01,
        0.01,
        "\n".join(lines),
        ha="left",
        va="bottom",
        fontsize=CAPTION_SIZE,
        color=MUTED_COLOR,
    )
    caption_inches = (len(lines) * CAPTION_SIZE * 1.35 + 8) / 72
    bottom = min(0.4, caption_inches / fig.get_figheight())
    engine = fig.get_layout_engine()
    if engine is not None:
        # constrained and tight layouts take rect; LayoutEngine.set is typed without it
        engine.set(rect=(0, bottom, 1, 1 - bottom))  # type: ignore[call-arg]
    return fig


#: Attribute of a figure holding its French alternative text.
ALT_ATTRIBUTE = "ctg_alt_text"


class _AltMetadata:
    """``_repr_mimebundle_`` of a figure: no data, only the PNG's ``alt`` metadata.

    IPython merges it with the PNG the inline backend draws, so the notebook output
    carries ``metadata["image/png"]["alt"]``.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __call__(
        self,
        include: object = None,  # noqa: ARG002 - IPython signature
        exclude: object = None,  # noqa: ARG002 - IPython signature
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        return {}, {"image/png": {"alt": self.text}}


def one_line(text: str) -> str:
    """Text on one line: line breaks and runs of spaces become one space.

    No-break spaces stay: they belong to French numbers.
    """
    return re.sub(r"[ \t\r\n]+", " ", str(text)).strip()


def set_alt_text(fig: Figure, text: str) -> Figure:
    """Give a figure its French alternative text (shown as ``<img alt>`` in the report)."""
    clean = one_line(text)
    setattr(fig, ALT_ATTRIBUTE, clean)
    setattr(fig, "_repr_mimebundle_", _AltMetadata(clean))  # noqa: B010 - instance hook
    return fig


def alt_text(fig: Figure) -> str:
    """The figure's alternative text ("" when none was set)."""
    return str(getattr(fig, ALT_ATTRIBUTE, ""))


def no_data(ax: Axes, message: str = "Données non disponibles pour ce graphique.") -> None:
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=11,
        color=MUTED_COLOR,
    )


def is_missing_value(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def wrap_label(text: str, width: int = 34) -> str:
    """Wrap a category label, keeping the line breaks it already has."""
    lines = [
        wrapped
        for line in str(text).splitlines()
        for wrapped in (textwrap.wrap(line, width=width) or [""])
    ]
    return "\n".join(lines) or str(text)


def legend_above(ax: Axes, handles: Sequence[Any], *, ncols: int | None = None) -> None:
    if not handles:
        return
    ax.legend(
        handles=list(handles),
        loc="lower left",
        bbox_to_anchor=(0, 1.01),
        ncols=ncols or min(len(handles), 4),
        frameon=False,
        borderaxespad=0,
        handlelength=1.2,
        columnspacing=1.2,
    )


def figure_value(
    figures: pd.DataFrame, *, territory: str, indicator: str, annee: str | None
) -> tuple[float, str, str]:
    """(value, unit, year) of one figure; NaN value when absent or unavailable."""
    rows = figures[
        (figures["territoire"].astype(str) == territory) & (figures["indicateur"] == indicator)
    ]
    if annee is not None:
        rows = rows[rows["annee"].astype(str) == str(annee)]
    if rows.empty:
        return math.nan, "", "" if annee is None else str(annee)
    row = rows.iloc[-1]
    value = float(row["valeur"]) if bool(row["disponible"]) else math.nan
    return value, str(row["unite"]), str(row["annee"])


# --------------------------------------------------------------------------------------
# Grouped horizontal bars (age structure, indicator comparison)
# --------------------------------------------------------------------------------------


def grouped_hbars(
    ax: Axes,
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    colors: Mapping[str, str],
    fmt: Callable[[float], str],
) -> None:
    """One group of horizontal bars per category, one bar per territory.

    ``series`` holds (territory id, display name, values aligned on ``categories``); a
    missing value is written ``n.d.`` at the base line instead of a bar.
    """
    count = max(1, len(series))
    height = 0.8 / count
    finite = [v for _, _, values in series for v in values if not is_missing_value(v)]
    high = max([0.0, *finite])
    low = min([0.0, *finite])
    span = (high - low) or 1.0
    for index, (territory, name, values) in enumerate(series):
        for position, value in enumerate(values):
            y = position + (index - (count - 1) / 2) * height
            if is_missing_value(value):
                ax.text(  # named: a territory without any bar has no legend entry
                    0,
                    y,
                    f" {NOT_AVAILABLE} ({name})",
                    ha="left",
                    va="center",
                    fontsize=VALUE_SIZE,
                    color=MUTED_COLOR,
                    style="italic",
                )
                continue
            ax.barh(y, value, height=height * 0.88, color=colors[territory])
            ax.annotate(
                fmt(value),
                xy=(value, y),
                xytext=(3 if value >= 0 else -3, 0),
                textcoords="offset points",
                ha="left" if value >= 0 else "right",
                va="center",
                fontsize=VALUE_SIZE,
                color=TEXT_COLOR,
            )
    ax.set_yticks(range(len(categories)), [wrap_label(c) for c in categories])
    ax.set_ylim(len(categories) - 0.5, -0.5)  # first category on top
    ax.set_xlim(low - (0.2 * span if low < 0 else 0), high + 0.2 * span)
    ax.axvline(0, color="#9A9A9A", linewidth=0.8)
    ax.grid(axis="x")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    handles = [  # only the territories that have a bar drawn
        Patch(color=colors[t], label=name)
        for t, name, values in series
        if any(not is_missing_value(v) for v in values)
    ]
    legend_above(ax, handles)


def category_series(
    table: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    category: str,
    value: str,
    categories: Sequence[str],
) -> list[tuple[str, str, list[float]]]:
    series = []
    for territory, name in labels.items():
        rows = table[table["territoire"].astype(str) == str(territory)]
        by_category = rows.groupby(category, sort=False)[value].sum(min_count=1)
        values = [float(by_category.get(c, math.nan)) for c in categories]
        series.append((str(territory), str(name), values))
    return series
