"""Charts of the employment, schooling and youth chapter (matplotlib, house style)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from ctgstats.portrait.charts import indicator_comparison
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

__all__ = ["activity_comparison", "diploma_distribution"]


def activity_comparison(
    figures: pd.DataFrame, *, annee: str, labels: Mapping[str, str], source: str
) -> Figure:
    """Activity, employment and unemployment rates of the 15-64, territory vs comparators."""
    indicators = {
        "taux_activite_15_64": "Taux d'activité",
        "taux_emploi_15_64": "Taux d'emploi",
        "taux_chomage_15_64": "Taux de chômage\n(au sens du recensement)",
        "taux_chomage_15_24": "Taux de chômage des 15-24 ans\n(au sens du recensement)",
    }
    return indicator_comparison(
        figures,
        indicators=indicators,
        annee=annee,
        labels=labels,
        source=source,
        title=f"Activité, emploi et chômage des 15-64 ans, {annee}",
        note="Chômage déclaré au recensement : ni le taux du BIT, ni les inscrits à France "
        "Travail.",
    )


def diploma_distribution(
    table: pd.DataFrame, *, labels: Mapping[str, str], source: str, year: int
) -> Figure | None:
    """Highest diploma of the population aged 15+ not in school, by territory (%).

    ``table`` is the ``diplomes_repartition`` table (``territoire``, ``groupe``, ``part``);
    None when it holds no value.
    """
    if table.empty or table["part"].isna().all():
        return None
    groups = list(dict.fromkeys(table["groupe"]))
    series = []
    for key, name in labels.items():
        rows = table[table["territoire"] == key].set_index("groupe")["part"]
        series.append((str(key), str(name), [float(rows.get(g, float("nan"))) for g in groups]))
    studied = studied_territory(labels, None)
    first = series[0][2]
    alt = "; ".join(f"{g} {fr_percent(v)}" for g, v in zip(groups, first, strict=True))
    with styled():
        fig, ax = new_figure(1.6 + 0.24 * len(groups) * len(series))
        grouped_hbars(ax, groups, series, territory_colors(labels), lambda v: fr_percent(v))
        ax.xaxis.set_major_formatter(french_formatter(unit="%"))
        ax.set_xlabel("Part des 15 ans ou plus non scolarisés (%)")
        return finish_figure(
            fig,
            title=f"Diplôme le plus élevé des 15 ans ou plus non scolarisés, {year}",
            source=source,
            note="Enseignement supérieur : bac + 2 ou plus.",
            alt=f"{studied} : {alt}",
        )
