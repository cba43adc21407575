"""Charts of survey results, in the ctgstats style (see :mod:`ctgstats.portrait.charts`).

Percentages are drawn with their Wilson 95 % interval; Likert questions as a diverging
stacked bar (disagreement to the left, agreement to the right). "Ne sait pas" and
non-response are never hidden: they are given in the labels.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ctgstats.present.chart_style import (
    MUTED_COLOR,
    TERRITORY_COLOR,
    TEXT_COLOR,
    VALUE_SIZE,
    finish_figure,
    french_formatter,
    new_figure,
    styled,
    wrap_label,
)
from ctgstats.present.formatting import NBSP, fr_int, fr_number
from ctgstats.surveys.model import NON_RESPONSE

NEGATIVE = ("#8C2D04", "#D9712B", "#F2B48A")
POSITIVE = ("#9ECAE1", "#4B8BBE", "#1F4E79")
NEUTRAL = "#D9D9D9"


def base_note(rows: pd.DataFrame) -> str:
    """Caption such as « Base : 312 répondants (taille effective 240,5) ; résultats pondérés »."""
    first = rows.iloc[0]
    text = f"Base{NBSP}: {fr_int(first['base'])} répondants"
    if bool(first["pondere"]):
        text += (
            f" (taille effective {fr_number(first['n_eff'], 1)}) ; résultats pondérés "
            "par calage sur le recensement"
        )
    else:
        text += " ; résultats non pondérés"
    text += ". Intervalles de confiance à 95 % (Wilson)."
    if first.get("alerte"):
        text += f" {first['alerte']}."
    return text


def question_bars(
    rows: pd.DataFrame, *, title: str, source: str, muted: Collection[str] = ()
) -> Figure:
    """Horizontal bars of one question's modalities with their 95 % intervals.

    ``rows``: the rows of the frequencies table for one question (columns modalite,
    pourcentage, ic_bas, ic_haut, base, pondere, n_eff, alerte). Non-response and the
    ``muted`` codes ("ne sait pas") are drawn in grey.
    """
    rows = rows.reset_index(drop=True)
    height = 1.2 + 0.42 * len(rows)
    with styled():
        fig, ax = new_figure(height)
        positions = np.arange(len(rows))[::-1]
        values = rows["pourcentage"].to_numpy(dtype=float)
        low = values - rows["ic_bas"].to_numpy(dtype=float)
        high = rows["ic_haut"].to_numpy(dtype=float) - values
        grey = {NON_RESPONSE, *muted}
        colors = [
            MUTED_COLOR if code in grey else TERRITORY_COLOR
            for code in rows.get("code", [""] * len(rows))
        ]
        ax.barh(positions, values, color=colors, height=0.62)
        ax.errorbar(
            values,
            positions,
            xerr=[low, high],
            fmt="none",
            ecolor=TEXT_COLOR,
            elinewidth=0.9,
            capsize=3,
        )
        for y, value, top in zip(positions, values, rows["ic_haut"]):
            ax.text(
                float(top) + 1.0,
                y,
                f"{fr_number(value, 0)}{NBSP}%",
                va="center",
                fontsize=VALUE_SIZE,
                color=TEXT_COLOR,
            )
        ax.set_yticks(positions, [wrap_label(str(m), 38) for m in rows["modalite"]])
        ax.set_xlim(0, min(100.0, max(10.0, float(rows["ic_haut"].max()) + 12)))
        ax.xaxis.set_major_formatter(french_formatter(unit="%"))
        ax.set_xlabel("Part des répondants (%)")
        return finish_figure(
            fig,
            title=wrap_label(title, 70),
            source=source,
            note=base_note(rows),
            alt=_bars_alt(rows),
        )


def _bars_alt(rows: pd.DataFrame) -> str:
    """The question and every modality's share: ``"Q : Oui 42 %, Non 51 % (base : 80 …)"``."""
    parts = [
        f"{' '.join(str(m).split())} {fr_number(v, 0)}{NBSP}%"
        for m, v in zip(rows["modalite"], rows["pourcentage"])
        if pd.notna(v)
    ]
    base = f" (base{NBSP}: {fr_int(rows.iloc[0]['base'])} répondants)" if len(rows) else ""
    question = ""
    if "libelle_question" in rows.columns and len(rows):
        label = " ".join(str(rows.iloc[0]["libelle_question"]).split()).rstrip(" :")
        question = f"{label}{NBSP}: "
    return question + (", ".join(parts) or "données non disponibles") + base


def likert_diverging(
    freq: pd.DataFrame,
    *,
    questions: list[str],
    labels: dict[str, str],
    scale: list[tuple[str, str]],
    title: str,
    source: str,
) -> Figure:
    """Diverging stacked bars for Likert questions sharing a scale.

    ``scale``: the ordered (code, label) options of the scale without "ne sait pas";
    the lower half is drawn to the left of zero, the upper half to the right, and the
    middle option (odd scales) split on both sides.
    """
    k = len(scale)
    height = 1.6 + 0.55 * len(questions)
    with styled():
        fig, ax = new_figure(height)
        palette = _palette(k)
        labelled: set[int] = set()
        for row, question in enumerate(questions[::-1]):
            rows = freq[freq["question"] == question].set_index("code")
            shares = [float(rows["pourcentage"].get(code, 0.0)) for code, _ in scale]
            left = -sum(shares[: k // 2]) - (shares[k // 2] / 2 if k % 2 else 0.0)
            for index, share in enumerate(shares):
                ax.barh(
                    row,
                    share,
                    left=left,
                    color=palette[index],
                    height=0.6,
                    edgecolor="white",
                    linewidth=0.5,
                )
                if share > 0:
                    labelled.add(index)
                if share >= 6:
                    ax.text(
                        left + share / 2,
                        row,
                        fr_number(share, 0),
                        ha="center",
                        va="center",
                        fontsize=VALUE_SIZE - 0.5,
                        color="white" if index in (0, k - 1) else TEXT_COLOR,
                    )
                left += share
        ax.axvline(0, color=TEXT_COLOR, linewidth=0.8)
        ax.set_yticks(range(len(questions)), [wrap_label(labels[q], 40) for q in questions[::-1]])
        ax.xaxis.set_major_formatter(french_formatter(unit="%", absolute=True))
        ax.set_xlabel("Part des répondants (%) — désaccord à gauche, accord à droite")
        ax.legend(  # the options that have a bar somewhere, in the scale's order
            handles=[
                Patch(facecolor=palette[i], edgecolor="white", label=scale[i][1])
                for i in sorted(labelled)
            ],
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=min(k, 5),
            frameon=False,
            fontsize=8,
        )
        note = (
            "Les « ne sait pas » et les non-réponses ne figurent pas dans les barres : "
            "leur part est donnée dans le tableau."
        )
        return finish_figure(
            fig,
            title=wrap_label(title, 70),
            source=source,
            note=note,
            alt=_likert_alt(freq, questions=questions, labels=labels, scale=scale),
        )


def _likert_alt(
    freq: pd.DataFrame,
    *,
    questions: list[str],
    labels: dict[str, str],
    scale: list[tuple[str, str]],
) -> str:
    """Share of agreement (upper half of the scale) per question."""
    upper = [code for code, _ in scale[len(scale) - len(scale) // 2 :]]
    parts = []
    for question in questions:
        rows = freq[freq["question"] == question].set_index("code")
        agree = sum(float(rows["pourcentage"].get(code, 0.0)) for code in upper)
        parts.append(f"{' '.join(labels[question].split())} {fr_number(agree, 0)}{NBSP}%")
    return "part des réponses d'accord" + f"{NBSP}: " + " ; ".join(parts)


def _palette(k: int) -> list[str]:
    half = k // 2
    colors = list(NEGATIVE[-half:]) if half else []
    colors = list(NEGATIVE[:half]) if half <= len(NEGATIVE) else colors
    if k % 2:
        colors.append(NEUTRAL)
    colors.extend(POSITIVE[len(POSITIVE) - half :])
    return colors


def wave_differences(rows: pd.DataFrame, *, title: str, source: str, note: str) -> Figure:
    """Differences between two waves (points) with their 95 % intervals, one row each.

    ``rows``: rows of :func:`ctgstats.surveys.waves.compare_frequencies` (columns
    libelle_question, modalite, ecart_points, ic_ecart_bas, ic_ecart_haut, significatif).
    Significant differences are drawn in colour, the others in grey; the zero line marks
    "no change".
    """
    rows = rows.reset_index(drop=True)
    height = 1.6 + 0.62 * len(rows)
    with styled():
        fig, ax = new_figure(height)
        positions = np.arange(len(rows))[::-1]
        values = rows["ecart_points"].to_numpy(dtype=float)
        low = values - rows["ic_ecart_bas"].to_numpy(dtype=float)
        high = rows["ic_ecart_haut"].to_numpy(dtype=float) - values
        colors = [TERRITORY_COLOR if s else MUTED_COLOR for s in rows["significatif"]]
        ax.axvline(0, color=TEXT_COLOR, linewidth=0.8)
        for y, value, lo, hi, color in zip(positions, values, low, high, colors, strict=True):
            ax.errorbar(
                [value], [y], xerr=[[lo], [hi]], fmt="o", color=color, capsize=3, elinewidth=1.2
            )
        labels = [
            wrap_label(f"{q} — {m}", 52)
            for q, m in zip(rows["libelle_question"], rows["modalite"], strict=True)
        ]
        ax.set_yticks(positions, labels)
        span = float(np.nanmax(np.abs(rows[["ic_ecart_bas", "ic_ecart_haut"]].to_numpy())))
        span = max(5.0, span + 2)
        ax.set_xlim(-span, span)
        ax.xaxis.set_major_formatter(french_formatter(signed=True))
        ax.set_xlabel("Écart entre les deux vagues (points de pourcentage)")
        ax.legend(
            handles=[
                Patch(color=TERRITORY_COLOR, label="écart significatif"),
                Patch(color=MUTED_COLOR, label="écart non significatif"),
            ],
            loc="lower right",
            frameon=False,
        )
        alt = "; ".join(
            f"{' '.join(str(m).split())} {fr_number(v, 0)} points"
            for m, v in zip(rows["modalite"], values, strict=True)
        )
        return finish_figure(
            fig,
            title=wrap_label(title, 70),
            source=source,
            note=note,
            alt=alt,
        )
