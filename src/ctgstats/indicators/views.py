"""What ``notebooks/04_indicateurs.ipynb`` displays: dashboard, charts, glossary."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from ctgstats.data.registry import THEMES
from ctgstats.indicators.evaluation import ALL_STATUSES, STATUSES, status_colour
from ctgstats.indicators.followup import FollowUp
from ctgstats.present import display as ctg_display
from ctgstats.present.formatting import fr_date
from ctgstats.present.glossary import readable_glossary


def _value(value: float, unit: str) -> str:
    return ctg_display.format_quantity(value, unit)


def _frozen_on(meta: dict) -> str:
    """Day the T0 was frozen, in French (« 2 décembre 2026 »); as recorded if unreadable."""
    recorded = str(meta.get("frozen_at", ""))
    try:
        return fr_date(recorded[:10])
    except ValueError:
        return recorded


def _badge(status: str) -> str:
    colour = status_colour(status)
    text_colour = "#FFFFFF" if status in ("atteint", "en recul") else "#1A1A1A"
    return (
        f'<span class="ctg-status" style="background:{colour};color:{text_colour};'
        f'padding:2px 8px;border-radius:10px;white-space:nowrap">{html.escape(status)}</span>'
    )


def header(followup: FollowUp, portrait) -> HTML:
    """Banner (fictional data), territory, T0 file and the legend of statuses."""
    parts = [ctg_display.fictional_banner().data] if portrait.fictional else []
    if followup.baseline is not None:
        meta = followup.baseline.meta
        parts.append(
            f"<p>Situation de départ (T0) figée le {html.escape(_frozen_on(meta))} "
            f"avec ctgstats {html.escape(str(meta.get('ctgstats_version', '')))}.</p>"
        )
    for note in followup.notes:
        parts.append(f"<p><em>{html.escape(note)}</em></p>")
    present = set(followup.dashboard["statut"])
    legend = " ".join(_badge(s) for s in ALL_STATUSES if s in STATUSES or s in present)
    parts.append(f"<p>Statuts : {legend}</p>")
    return HTML("\n".join(parts))


def dashboard(followup: FollowUp) -> HTML:
    """One table per action sheet: indicator, status, T0, target, latest value, change.

    The status comes second so that it stays in view on a phone; each table scrolls
    sideways in its own box (``.ctg-table-block``) when wider than the screen.
    """
    blocks = []
    for (fiche, theme), rows in followup.dashboard.groupby(["fiche", "theme"], sort=False):
        body = []
        for row in rows.itertuples():
            t0 = (
                f"{_value(row.t0_valeur, row.unite)} ({row.t0_annee})"
                if not pd.isna(row.t0_annee)
                else "n.d."
            )
            latest = (
                f"{_value(row.derniere_valeur, row.unite)} ({row.derniere_annee})"
                if not pd.isna(row.derniere_annee)
                else "n.d."
            )
            change = (
                "—"
                if pd.isna(row.evolution)
                else ctg_display.format_change(row.evolution, row.unite)
            )
            alert = f"<br><small>{html.escape(row.alertes)}</small>" if row.alertes else ""
            body.append(
                f"<tr><td>{html.escape(row.libelle)}</td>"
                f"<td class='ctg-dashboard-status'>{_badge(row.statut)}"
                f"<br><small>{html.escape(row.explication)}</small>{alert}</td>"
                f"<td>{t0}</td><td>{html.escape(row.cible_libelle)}</td><td>{latest}</td>"
                f"<td style='text-align:right'>{change}</td></tr>"
            )
        blocks.append(
            f"<h3>{html.escape(fiche)}</h3><p class='ctg-note'>Thème : "
            f"{html.escape(THEMES.get(str(theme), str(theme)))}</p>"
            "<div class='ctg-table-block'><table class='ctg-table ctg-dashboard'><thead><tr>"
            "<th>Indicateur</th><th>Statut</th><th>T0</th><th>Cible</th>"
            "<th>Dernière valeur</th><th>Évolution</th></tr></thead><tbody>"
            + "".join(body)
            + "</tbody></table></div>"
        )
    return HTML("\n".join(blocks))


def status_summary_html(followup: FollowUp) -> str:
    """Count of targets by status (for the index page)."""
    counts = followup.dashboard["statut"].value_counts()
    items = "".join(f"<li>{_badge(s)} {int(counts.get(s, 0))}</li>" for s in STATUSES)
    return f"<h3>Suivi du plan d'action</h3><ul class='ctg-status-list'>{items}</ul>"


def findings(followup: FollowUp) -> HTML:
    """One French sentence per target."""
    sentences = []
    for row in followup.dashboard.itertuples():
        if row.statut == "non mesurable":
            sentences.append(f"{row.libelle} : {row.explication}")
            continue
        sentences.append(
            f"{row.libelle} : {_value(row.t0_valeur, row.unite)} en {row.t0_annee}, "
            f"{_value(row.derniere_valeur, row.unite)} en {row.derniere_annee} "
            f"({row.cible_libelle}) — {row.statut}."
        )
    return ctg_display.findings_list(sentences)


def evolution_charts(followup: FollowUp, portrait):
    """Small multiples: each indicator of the plan over time, with the comparators."""
    from ctgstats.indicators.charts import small_multiples
    from ctgstats.portrait import charts

    figure = small_multiples(followup, labels=portrait.labels)
    if figure is None:
        return HTML("<p>Pas de série à représenter.</p>")
    if portrait.fictional:
        charts.fictional_watermark(figure)
    return figure


def glossary(followup: FollowUp) -> HTML:
    """Methodology appendix: definitions of the indicators, from the registry."""
    table = followup.glossary().copy()
    words = followup.survey_sources
    table["source"] = [
        words.get(ident, text)
        for ident, text in zip(table["indicateur"], table["source"], strict=True)
    ]
    table = readable_glossary(table)
    return ctg_display.simple_table(table, caption="Définitions des indicateurs")
