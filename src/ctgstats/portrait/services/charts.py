"""Chart of the services chapter (matplotlib, house style)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.figure import Figure

from ctgstats.present.chart_style import (
    finish_figure,
    french_formatter,
    grouped_hbars,
    new_figure,
    studied_territory,
    styled,
    territory_colors,
)
from ctgstats.present.formatting import fr_percent

__all__ = ["share_without_chart"]


def share_without_chart(
    figures: pd.DataFrame,
    *,
    services: Sequence[tuple[str, str]],
    labels: Mapping[str, str],
    annee: str,
    source: str,
) -> Figure | None:
    """Share of the population living in a commune without each service, by territory.

    ``services`` are ``(figure id, short label)`` in display order; None when no value of
    the year is available.
    """
    rows = figures[(figures["annee"].astype(str) == annee) & figures["disponible"]]
    shown = [(i, n) for i, n in services if (rows["indicateur"] == i).any()]
    if not shown:
        return None
    series = []
    for key, name in labels.items():
        values = rows[rows["territoire"] == key].set_index("indicateur")["valeur"]
        series.append((str(key), str(name), [float(values.get(i, float("nan"))) for i, _ in shown]))
    studied = studied_territory(labels, None)
    first = series[0][2]
    alt = "; ".join(f"{n} {fr_percent(v)}" for (_, n), v in zip(shown, first, strict=True))
    with styled():
        fig, ax = new_figure(1.3 + 0.15 * len(shown) * len(series))
        grouped_hbars(
            ax, [n for _, n in shown], series, territory_colors(labels), lambda v: fr_percent(v)
        )
        ax.xaxis.set_major_formatter(french_formatter(unit="%"))
        ax.set_xlabel("Part de la population vivant dans une commune sans le service (%)")
        return finish_figure(
            fig,
            title=f"Population sans le service dans sa commune, {annee}",
            source=source,
            note="Équipements recensés par la BPE (pas leur capacité) ; un service peut être "
            "proche dans une commune voisine.",
            alt=f"{studied} : {alt}",
        )
