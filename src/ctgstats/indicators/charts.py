"""Small multiples of the indicators of an action plan, in the ctgstats style."""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ctgstats.present.chart_style import (
    COMPARATOR_COLORS,
    MUTED_COLOR,
    TERRITORY_COLOR,
    finish_figure,
    french_formatter,
    styled,
    wrap_label,
)
from ctgstats.present.display import format_value
from ctgstats.present.formatting import NBSP, NOT_AVAILABLE, fr_int, fr_number


def small_multiples(followup, *, labels: Mapping[str, str], columns: int = 2) -> Figure | None:
    """One panel per indicator: the territory and its comparators over the years.

    The T0 value is circled; a level target is drawn as a dashed line.
    """
    rows = followup.dashboard.drop_duplicates("indicateur")
    if rows.empty:
        return None
    n = len(rows)
    lines = math.ceil(n / columns)
    with styled():
        fig, axes = plt.subplots(
            lines, columns, figsize=(8.0, 2.6 * lines + 0.8), layout="constrained", squeeze=False
        )
        plt.close(fig)
        drawn: set[str] = set()
        for ax, row in zip(axes.flat, rows.itertuples()):
            drawn |= _panel(ax, followup, row, labels)
        for ax in list(axes.flat)[n:]:
            ax.set_axis_off()
        handles = [
            plt.Line2D([], [], color=TERRITORY_COLOR, marker="o", label=labels[t])
            if i == 0
            else plt.Line2D(
                [], [], color=COMPARATOR_COLORS[(i - 1) % 6], marker="o", label=labels[t]
            )
            for i, t in enumerate(labels)
            if t in drawn  # the legend lists only the territories drawn somewhere
        ]
        if handles:
            axes.flat[0].legend(handles=handles, fontsize=7, frameon=False, loc="best")
        return finish_figure(
            fig,
            title="Évolution des indicateurs du plan d'action",
            source="Sources : voir le glossaire des indicateurs",
            note="Cercle : valeur T0 figée ; tirets : cible de niveau. Les effectifs "
            "(nombres) ne sont tracés que pour le territoire ; les taux et "
            "parts le sont aussi pour les territoires de comparaison.",
            alt=_alt(rows),
        )


def _alt(rows) -> str:
    """Each indicator's latest value: ``"Part des 75 ans ou plus 12,3 % en 2022 ; …"``."""
    parts = []
    for row in rows.itertuples():
        value = row.derniere_valeur
        if value is None or (isinstance(value, float) and math.isnan(value)):
            text = NOT_AVAILABLE
        else:
            text = _value_text(float(value), str(row.unite))
        year = f" en {row.derniere_annee}" if not pd.isna(row.derniere_annee) else ""
        parts.append(f"{' '.join(str(row.libelle).split())} {text}{year}")
    return f"{fr_int(len(parts))} indicateurs, dernière valeur{NBSP}: " + " ; ".join(parts)


def _value_text(value: float, unit: str) -> str:
    """``"12,3 %"``, ``"890 personnes"``, ``"24,1 pour 100 enfants"`` (as the dashboard)."""
    if unit in ("%", "%/an", "€", "indice"):
        return format_value(value, unit)
    return f"{fr_number(value, 0 if value.is_integer() else 1)}{NBSP}{unit}"


#: Units whose value axis starts at zero (counts, shares, amounts); not "%/an", "indice".
_NON_ZERO_UNITS = frozenset({"%/an", "indice", "points"})


def _panel(ax, followup, row, labels: Mapping[str, str]) -> set[str]:
    """Draw one indicator; returns the territories drawn."""
    drawn: set[str] = set()
    measures = followup.measures[followup.measures["indicateur"] == row.indicateur]
    comparable = (
        row.unite == "%"
        or str(row.unite).startswith("pour ")
        or row.unite in ("indice", "€", "personnes par ménage")
    )
    for index, territory in enumerate(labels):
        if index > 0 and not comparable:
            break
        series = measures[measures["territoire"] == territory].sort_values("annee")
        if series.empty or series["valeur"].isna().all():
            continue
        drawn.add(territory)
        colour = TERRITORY_COLOR if index == 0 else COMPARATOR_COLORS[(index - 1) % 6]
        ax.plot(
            series["annee"],
            series["valeur"],
            marker="o",
            color=colour,
            linewidth=1.6 if index == 0 else 1.0,
            markersize=3.5,
        )
    if not math.isnan(row.t0_valeur):
        ax.scatter(
            [row.t0_annee],
            [row.t0_valeur],
            s=90,
            facecolors="none",
            edgecolors=TERRITORY_COLOR,
            linewidths=1.4,
            zorder=5,
        )
    if (
        isinstance(row.cible, (int, float))
        and not isinstance(row.cible, bool)
        and "atteindre" in row.cible_libelle
    ):
        ax.axhline(float(row.cible), color=MUTED_COLOR, linestyle="--", linewidth=1)
    ax.set_title(wrap_label(row.libelle, 42), fontsize=9, loc="left")
    years = sorted(set(measures["annee"]))
    if years:
        ax.set_xticks(
            years if len(years) <= 6 else np.linspace(years[0], years[-1], 5).round().astype(int)
        )
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{int(v)}"))
    unit = str(row.unite)
    ax.yaxis.set_major_formatter(french_formatter())
    ax.set_ylabel(_unit_label(unit), fontsize=8)
    if unit not in _NON_ZERO_UNITS:
        _, top = ax.get_ylim()
        ax.set_ylim(0, max(top, 0) * 1.08 or 1.0)
    ax.tick_params(labelsize=8)
    return drawn


def _unit_label(unit: str) -> str:
    return {"%": "%", "%/an": "% par an", "€": "€", "indice": "indice"}.get(unit, unit)
