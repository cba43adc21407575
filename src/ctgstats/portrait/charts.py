"""Charts of the portrait (population, ages, families, incomes) in the report's style.

Every chart function returns a :class:`matplotlib.figure.Figure` with a French title, a
caption under the chart and axes formatted the French way, through
:mod:`ctgstats.present.chart_style` (colours, fonts, formatters, figure helpers).
A value that is not available is written ``n.d.`` on the chart, never drawn as a zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ctgstats.present.chart_style import (
    MUTED_COLOR,
    TERRITORY_COLOR,
    TERRITORY_LIGHT,
    TEXT_COLOR,
    VALUE_SIZE,
    category_series,
    figure_value,
    finish_figure,
    french_formatter,
    grouped_hbars,
    is_missing_value,
    legend_above,
    new_figure,
    no_data,
    studied_territory,
    styled,
    territory_colors,
    territory_name,
    wrap_label,
)
from ctgstats.present.display import format_value, indicator_label, year_key
from ctgstats.present.formatting import (
    NBSP,
    NOT_AVAILABLE,
    fr_int,
    fr_percent,
    fr_signed_percent,
)
from ctgstats.present.labels import of_name

__all__ = [
    "population_trend",
    "age_structure",
    "pyramid",
    "indicator_comparison",
    "change_bars",
    "deciles",
    "fictional_watermark",
]


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------


def population_trend(
    figures: pd.DataFrame,
    *,
    territory: str,
    labels: Mapping[str, str],
    source: str,
    indicator: str = "population",
    title: str | None = None,
    note: str | None = None,
) -> Figure:
    """Population of the territory at each census vintage (bars with values).

    Bars sit at their real year on the time axis, so unequal gaps between vintages show.

    Parameters
    ----------
    figures
        Long figures table; rows ``indicateur == indicator`` with a 4-digit ``annee``.
    territory, labels
        Territory id and the id → French name mapping.
    source
        Source and vintage written under the chart.
    indicator
        Indicator id to draw (default ``"population"``).
    title, note
        Override the French title; add a line (e.g. "Lecture : …") above the source.
    """
    territory = str(territory)
    rows = figures[
        (figures["territoire"].astype(str) == territory)
        & (figures["indicateur"] == indicator)
        & figures["annee"].astype(str).str.fullmatch(r"\d{4}")
    ]
    rows = rows.assign(_year=rows["annee"].astype(int)).sort_values("_year")
    with styled():
        fig, ax = new_figure(4.2)
        if rows.empty:
            no_data(ax)
        else:
            _draw_trend(ax, rows)
        name = territory_name(labels, territory)
        return finish_figure(
            fig,
            title=title or f"Population {of_name(name)} aux recensements",
            source=source,
            note=note,
            alt=_trend_alt(rows),
        )


def _trend_alt(rows: pd.DataFrame) -> str:
    """``"de 8 028 habitants en 2011 à 7 563 en 2022 (−5,8 %)"``."""
    known = [
        (int(year), float(value))
        for year, value, ok in zip(rows["_year"], rows["valeur"], rows["disponible"])
        if bool(ok) and not is_missing_value(value)
    ]
    if not known:
        return "données non disponibles"
    (first_year, first), (last_year, last) = known[0], known[-1]
    if first_year == last_year:
        return f"{fr_int(last)} habitants en {last_year}"
    change = f" ({fr_signed_percent((last / first - 1) * 100)})" if first else ""
    return f"de {fr_int(first)} habitants en {first_year} à {fr_int(last)} en {last_year}{change}"


def _draw_trend(ax: Axes, rows: pd.DataFrame) -> None:
    years = rows["_year"].tolist()
    values = [v if bool(ok) else math.nan for v, ok in zip(rows["valeur"], rows["disponible"])]
    finite = [v for v in values if not is_missing_value(v)]
    top = max(finite) if finite else 1.0
    for year, value in zip(years, values):
        if is_missing_value(value):
            ax.text(
                year,
                0,
                NOT_AVAILABLE,
                ha="center",
                va="bottom",
                fontsize=VALUE_SIZE,
                color=MUTED_COLOR,
                style="italic",
            )
            continue
        ax.bar(year, value, width=1.6, color=TERRITORY_COLOR)
        ax.annotate(
            fr_int(value),
            xy=(year, value),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=VALUE_SIZE + 1,
            color=TEXT_COLOR,
        )
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(min(years) - 2, max(years) + 2)
    ax.set_ylim(0, top * 1.15)
    ax.yaxis.set_major_formatter(french_formatter())
    ax.set_ylabel("Population (habitants)")
    ax.grid(axis="y")
    ax.tick_params(axis="x", length=0)


def age_structure(
    table: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    source: str,
    territory: str | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Figure:
    """Share of each age group, territory versus comparators (grouped horizontal bars).

    Parameters
    ----------
    table
        Tidy table with columns ``territoire``, ``tranche``, ``effectif``, ``part``
        (percent, 0-100). Age groups are shown in their order of appearance. Without a
        ``part`` column the shares are computed from ``effectif``.
    labels
        Territory id → French name; the territories drawn, in this order.
    source
        Source and vintage written under the chart.
    territory
        Studied territory (strong colour); default the first key of ``labels``.
    """
    table = table.assign(territoire=table["territoire"].astype(str))
    if "part" not in table.columns:
        totals = table.groupby("territoire")["effectif"].transform("sum")
        table = table.assign(part=table["effectif"] / totals * 100)
    categories = [str(c) for c in dict.fromkeys(table["tranche"])]
    table = table.assign(tranche=table["tranche"].astype(str))
    series = category_series(
        table, labels=labels, category="tranche", value="part", categories=categories
    )
    with styled():
        fig, ax = new_figure(1.6 + 0.22 * max(1, len(categories) * len(series)))
        if not categories:
            no_data(ax)
        else:
            grouped_hbars(
                ax,
                categories,
                series,
                territory_colors(labels, territory),
                lambda v: format_value(v, "%"),
            )
            ax.xaxis.set_major_formatter(french_formatter(unit="%"))
            ax.set_xlabel("Part de la population (%)")
        studied = studied_territory(labels, territory)
        return finish_figure(
            fig,
            title=title or "Structure par âge de la population",
            source=source,
            note=note,
            alt=_categories_alt(categories, series, studied),
        )


def _categories_alt(
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    studied: str,
    *,
    unit: str = "%",
) -> str:
    """``"CC X : moins de 15 ans 15,2 %, … ; Département : …"`` (every territory drawn)."""
    parts = []
    ordered = sorted(series, key=lambda item: item[0] != studied)
    for _territory, name, values in ordered:
        figures = ", ".join(
            f"{' '.join(str(c).split())} {format_value(v, unit)}"
            for c, v in zip(categories, values)
        )
        if all(is_missing_value(v) for v in values):
            figures = "données non disponibles"
        parts.append(f"{name}{NBSP}: {figures}")
    return " ; ".join(parts) or "données non disponibles"


def pyramid(
    table: pd.DataFrame,
    *,
    territory: str,
    labels: Mapping[str, str],
    source: str,
    comparator: str | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Figure:
    """Population pyramid: men on the left, women on the right, shares of the total.

    Parameters
    ----------
    table
        Tidy table with columns ``territoire``, ``tranche`` (youngest first), ``sexe``
        (``"Hommes"`` / ``"Femmes"``) and ``effectif``.
    territory, labels
        Territory drawn and the id → French name mapping.
    source
        Source and vintage written under the chart.
    comparator
        Optional territory drawn as an outline over the bars (same shares of its total).
    """
    table = table.assign(
        territoire=table["territoire"].astype(str), tranche=table["tranche"].astype(str)
    )
    tranches = list(dict.fromkeys(table["tranche"]))
    shares = _pyramid_shares(table, str(territory), tranches)
    with styled():
        fig, ax = new_figure(max(3.8, 1.8 + 0.24 * len(tranches)))
        if shares is None:
            no_data(ax)
        else:
            reference = (
                _pyramid_shares(table, str(comparator), tranches)
                if comparator is not None
                else None
            )
            _draw_pyramid(
                ax,
                tranches,
                shares,
                reference,
                territory_name(labels, str(comparator)) if comparator is not None else "",
            )
        name = territory_name(labels, str(territory))
        return finish_figure(
            fig,
            title=title or f"Pyramide des âges {of_name(name)}",
            source=source,
            note=note,
            alt=_pyramid_alt(shares),
        )


def _pyramid_alt(shares: tuple[np.ndarray, np.ndarray] | None) -> str:
    if shares is None:
        return "données non disponibles"
    men, women = (float(np.nansum(side)) for side in shares)
    return f"hommes {fr_percent(men)}, femmes {fr_percent(women)} de la population"


def _pyramid_shares(
    table: pd.DataFrame, territory: str, tranches: Sequence[str]
) -> tuple[np.ndarray, np.ndarray] | None:
    rows = table[table["territoire"] == territory]
    total = rows["effectif"].sum(min_count=1)
    if is_missing_value(total) or total <= 0:
        return None
    by_sex = rows.pivot_table(
        index="tranche", columns="sexe", values="effectif", aggfunc="sum"
    ).reindex(tranches)
    men = by_sex.get("Hommes", pd.Series(math.nan, index=by_sex.index))
    women = by_sex.get("Femmes", pd.Series(math.nan, index=by_sex.index))
    return (men.to_numpy(dtype=float) / total * 100, women.to_numpy(dtype=float) / total * 100)


def _draw_pyramid(
    ax: Axes,
    tranches: Sequence[str],
    shares: tuple[np.ndarray, np.ndarray],
    reference: tuple[np.ndarray, np.ndarray] | None,
    reference_name: str,
) -> None:
    men, women = shares
    y = np.arange(len(tranches))
    ax.barh(y, -np.nan_to_num(men), height=0.86, color=TERRITORY_COLOR, label="Hommes")
    ax.barh(y, np.nan_to_num(women), height=0.86, color=TERRITORY_LIGHT, label="Femmes")
    for position, (m, w) in enumerate(zip(men, women)):
        for value, side in ((m, -1), (w, 1)):
            if is_missing_value(value):
                ax.text(
                    side * 0.05,
                    position,
                    NOT_AVAILABLE,
                    ha="left" if side > 0 else "right",
                    va="center",
                    fontsize=VALUE_SIZE,
                    color=MUTED_COLOR,
                    style="italic",
                )
    values = [*np.nan_to_num(men), *np.nan_to_num(women)]
    handles: list[Any] = []
    if reference is not None:
        ref_men, ref_women = reference
        values += [*np.nan_to_num(ref_men), *np.nan_to_num(ref_women)]
        ax.barh(
            y, -np.nan_to_num(ref_men), height=0.86, fill=False, edgecolor="#2F2F2F", linewidth=1.0
        )
        ax.barh(
            y, np.nan_to_num(ref_women), height=0.86, fill=False, edgecolor="#2F2F2F", linewidth=1.0
        )
        handles = [Patch(facecolor="none", edgecolor="#2F2F2F", label=reference_name)]
    limit = max(values) * 1.12 if max(values) > 0 else 1.0
    ax.set_xlim(-limit, limit)
    ax.set_yticks(y, tranches)
    ax.set_ylim(-0.6, len(tranches) - 0.4 + 0.8)
    ax.axvline(0, color="white", linewidth=1.5)
    ax.xaxis.set_major_formatter(french_formatter(unit="%", absolute=True))
    ax.set_xlabel("Part de la population totale (%)")
    ax.grid(axis="x")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    top = len(tranches) - 0.2
    ax.text(
        -limit * 0.5,
        top,
        "Hommes",
        ha="center",
        va="bottom",
        fontweight="bold",
        color=TERRITORY_COLOR,
    )
    ax.text(
        limit * 0.5, top, "Femmes", ha="center", va="bottom", fontweight="bold", color="#B4612F"
    )
    if handles:
        ax.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0, 1.01),
            frameon=False,
            borderaxespad=0,
        )


def indicator_comparison(
    figures: pd.DataFrame,
    *,
    indicators: Mapping[str, str],
    annee: str | int,
    labels: Mapping[str, str],
    source: str,
    territory: str | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Figure:
    """A few indicators of one unit (usually %), territory versus comparators.

    Grouped horizontal bars, one group per indicator; an unavailable value is written
    ``n.d.`` instead of a bar (never a zero bar).

    Parameters
    ----------
    figures
        Long figures table.
    indicators
        Indicator id → short French label, in display order. All must share a unit.
    annee
        Year (or period) of the figures.
    labels
        Territory id → French name; the territories drawn, in this order.
    source
        Source and vintage written under the chart.
    territory
        Studied territory (strong colour); default the first key of ``labels``.

    Raises
    ------
    ValueError
        If the indicators have different units (one axis cannot show % and €).
    """
    categories = list(indicators)
    units: set[str] = set()
    series = []
    for key, name in labels.items():
        values = []
        for indicator in categories:
            value, unit, _ = figure_value(
                figures, territory=str(key), indicator=indicator, annee=str(annee)
            )
            units.update({unit} if unit else set())
            values.append(value)
        series.append((str(key), str(name), values))
    if len(units) > 1:
        raise ValueError(f"indicators with different units cannot share an axis: {sorted(units)}")
    unit = units.pop() if units else "%"
    with styled():
        fig, ax = new_figure(1.6 + 0.24 * max(1, len(categories) * len(series)))
        grouped_hbars(
            ax,
            [indicators[c] for c in categories],
            series,
            territory_colors(labels, territory),
            lambda v: format_value(v, unit),
        )
        ax.xaxis.set_major_formatter(_axis_formatter(unit))
        ax.set_xlabel(_value_label(unit))
        default = " ; ".join(" ".join(indicators[c].split("\n")[0].split()) for c in categories)
        return finish_figure(
            fig,
            title=title or f"{default}, {annee}",
            source=source,
            note=note,
            alt=_categories_alt(
                [indicators[c].split("\n")[0] for c in categories],
                series,
                studied_territory(labels, territory),
                unit=unit,
            ),
        )


def _value_label(unit: str) -> str:
    """Axis title of a value axis, always with its unit."""
    return {
        "%": "Part (%)",
        "€": "Montant (€)",
        "%/an": "Variation annuelle moyenne (%)",
        "points": "Points de pourcentage",
        "indice": "Indice",
    }.get(unit, unit)


def _axis_formatter(unit: str, *, signed: bool = False) -> ticker.FuncFormatter:
    if unit in ("%", "%/an"):
        return french_formatter(unit="%", signed=signed)
    if unit == "€":
        return french_formatter(unit="€", signed=signed)
    if unit in ("points", "pt"):
        return french_formatter(unit="pt", signed=signed)
    return french_formatter(signed=signed)


def _change_label(unit: str) -> str:
    """Axis title of a change axis, with its unit."""
    return {
        "%": "Évolution (%)",
        "€": "Évolution (€)",
        "%/an": "Variation annuelle moyenne (%)",
        "points": "Points de pourcentage",
        "indice": "Indice",
    }.get(unit, unit)


def change_bars(
    figures: pd.DataFrame,
    *,
    indicator: str,
    labels: Mapping[str, str],
    source: str,
    annee: str | None = None,
    territory: str | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Figure:
    """Relative change over a period, one horizontal bar per territory, with its sign.

    Parameters
    ----------
    figures
        Long figures table; rows ``indicateur == indicator`` (e.g.
        ``population_evolution_pct`` in ``%`` or ``population_tcam`` in ``%/an``).
    indicator
        Indicator id.
    labels
        Territory id → French name; the territories drawn, top to bottom.
    source
        Source and vintage written under the chart.
    annee
        Period (``"2011-2022"``); by default the latest one, and among periods ending
        that year the longest (:func:`ctgstats.present.display.year_key`). The period is written
        in the title.
    territory
        Studied territory (strong colour); default the first key of ``labels``.
    """
    rows = figures[
        (figures["indicateur"] == indicator)
        & figures["territoire"].astype(str).isin([str(k) for k in labels])
    ]
    periods = sorted(set(rows["annee"].astype(str)), key=year_key)
    period = str(annee) if annee is not None else (periods[-1] if periods else "")
    colors = territory_colors(labels, territory)
    entries = []
    unit = ""
    for key, name in labels.items():
        value, row_unit, _ = figure_value(
            figures, territory=str(key), indicator=indicator, annee=period or None
        )
        unit = unit or row_unit
        entries.append((str(key), str(name), value))
    with styled():
        fig, ax = new_figure(1.5 + 0.42 * max(1, len(entries)))
        _draw_changes(ax, entries, colors, unit=unit or "%", indicator=indicator)
        default = indicator_label(indicator) + (f", {period}" if period else "")
        studied = studied_territory(labels, territory)
        ordered = sorted(entries, key=lambda item: item[0] != studied)
        alt = " ; ".join(
            f"{name}{NBSP}: {_change_text(value, unit or '%', indicator)}"
            for _, name, value in ordered
        )
        return finish_figure(fig, title=title or default, source=source, note=note, alt=alt)


def _change_text(value: float, unit: str, indicator: str) -> str:
    if unit == "%" and not is_missing_value(value):
        return fr_signed_percent(value)
    return format_value(value, unit, indicateur=indicator)


def _draw_changes(
    ax: Axes,
    entries: Sequence[tuple[str, str, float]],
    colors: Mapping[str, str],
    *,
    unit: str,
    indicator: str,
) -> None:
    finite = [v for _, _, v in entries if not is_missing_value(v)]
    high, low = max([0.0, *finite]), min([0.0, *finite])
    span = (high - low) or 1.0
    for position, (territory, _name, value) in enumerate(entries):
        if is_missing_value(value):
            ax.text(
                0,
                position,
                f" {NOT_AVAILABLE}",
                ha="left",
                va="center",
                fontsize=VALUE_SIZE,
                color=MUTED_COLOR,
                style="italic",
            )
            continue
        ax.barh(position, value, height=0.62, color=colors[territory])
        text = _change_text(value, unit, indicator)  # a change in %: always signed
        ax.annotate(
            text,
            xy=(value, position),
            xytext=(4 if value >= 0 else -4, 0),
            textcoords="offset points",
            ha="left" if value >= 0 else "right",
            va="center",
            fontsize=VALUE_SIZE + 1,
            color=TEXT_COLOR,
        )
    ax.set_yticks(range(len(entries)), [wrap_label(name) for _, name, _ in entries])
    ax.set_ylim(len(entries) - 0.5, -0.5)
    ax.set_xlim(low - 0.25 * span if low < 0 else 0 - 0.05 * span, high + 0.25 * span)
    ax.axvline(0, color="#6F6F6F", linewidth=1.0)
    ax.xaxis.set_major_formatter(_axis_formatter(unit, signed=True))
    ax.set_xlabel(_change_label(unit))
    ax.grid(axis="x")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)


def _decile_label(value: object) -> str:
    text = str(value).strip().upper()
    return text if text.startswith("D") else f"D{int(float(text))}"


def deciles(
    table: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    source: str,
    territory: str | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Figure:
    """Income deciles D1 … D9 by territory, lines with markers.

    Parameters
    ----------
    table
        Tidy table with columns ``territoire``, ``decile`` (``"D1"`` … ``"D9"`` or 1 … 9)
        and ``valeur`` (euros per consumption unit); NaN when not published (secret).
    labels
        Territory id → French name; the territories drawn.
    source
        Source and vintage written under the chart.
    territory
        Studied territory (strong colour, thicker line, values written); default the
        first key of ``labels``.
    """
    table = table.assign(
        territoire=table["territoire"].astype(str), decile=table["decile"].map(_decile_label)
    )
    order = [f"D{i}" for i in range(1, 10)]
    studied = studied_territory(labels, territory)
    colors = territory_colors(labels, territory)
    with styled():
        fig, ax = new_figure(4.4)
        handles = []
        studied_values = np.full(9, np.nan)
        missing: list[str] = []
        for key, name in labels.items():
            rows = table[table["territoire"] == str(key)]
            values = rows.groupby("decile")["valeur"].mean().reindex(order).to_numpy(dtype=float)
            is_studied = str(key) == studied
            if is_studied:
                studied_values = values
            if not np.isfinite(values).any():
                missing.append(str(name))
                continue  # nothing drawn: no legend entry, named in the caption
            (line,) = ax.plot(
                range(1, 10),
                values,
                marker="o",
                color=colors[str(key)],
                linewidth=2.4 if is_studied else 1.4,
                markersize=6 if is_studied else 4,
                label=str(name),
                zorder=3 if is_studied else 2,
            )
            handles.append(line)
            if is_studied:
                _label_deciles(ax, values)
        ax.set_xticks(range(1, 10), order)
        ax.set_xlim(0.6, 9.4)
        ax.yaxis.set_major_formatter(french_formatter(decimals=0, unit="€"))
        ax.set_ylabel("Revenu disponible annuel par UC (€)")
        _zero_baseline(ax)
        ax.set_xlabel("Décile")
        ax.grid(axis="y")
        legend_above(ax, handles)
        if not handles:
            no_data(ax)
        return finish_figure(
            fig,
            title=title or "Déciles du revenu disponible par unité de consommation",
            source=source,
            note=" ".join(
                [note or ""]
                + (
                    [f"Données non disponibles pour{NBSP}: {', '.join(missing)}."]
                    if missing
                    else []
                )
            ).strip()
            or None,
            alt=_deciles_alt(territory_name(labels, studied), studied_values),
        )


def _zero_baseline(ax: Axes) -> None:
    """Value axis from zero (counts, shares, amounts), with some room above."""
    _, top = ax.get_ylim()
    ax.set_ylim(0, max(top, 0) * 1.08 or 1.0)


def _deciles_alt(name: str, values: np.ndarray) -> str:
    known = [
        f"{label} {fr_int(values[i])}{NBSP}€"
        for i, label in ((0, "D1"), (4, "médiane (D5)"), (8, "D9"))
        if np.isfinite(values[i])
    ]
    if not known:
        return f"{name}{NBSP}: données non disponibles"
    return f"{name}{NBSP}: " + ", ".join(known) + " par an et par unité de consommation"


def _label_deciles(ax: Axes, values: np.ndarray) -> None:
    for position in (1, 5, 9):
        value = values[position - 1]
        if np.isfinite(value):
            ax.annotate(
                f"{fr_int(value)}{NBSP}€",
                xy=(position, value),
                xytext=(0, -9),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=VALUE_SIZE,
                color=TERRITORY_COLOR,
                fontweight="bold",
                bbox={
                    "boxstyle": "round,pad=0.15",
                    "facecolor": "white",
                    "edgecolor": "none",
                    "alpha": 0.85,
                },
                zorder=5,
            )


def fictional_watermark(fig: Figure, *, text: str = "DONNÉES FICTIVES") -> Figure:
    """Write a light diagonal "DONNÉES FICTIVES" across the figure; returns it."""
    size = max(24.0, fig.get_figwidth() * 6.5)
    fig.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        rotation=22,
        fontsize=size,
        fontweight="bold",
        color="#B22222",
        alpha=0.13,
        zorder=100,
        in_layout=False,
    )
    return fig
