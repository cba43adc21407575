"""Findings of a survey written as French sentences.

Each sentence gives the share of respondents, its Wilson 95 % interval (computed on the
Kish effective size when weighted, methodology rule 14), whether it is weighted, and the
base; a caution is appended when the base is under 30 respondents::

    65 % des répondants (IC 95 % : 60–70 %) se disent satisfaits de l'offre de loisirs
    (pondéré ; base : 312 répondants).

Shares are shown without decimals: survey shares are not precise to a tenth of a point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ctgstats.present.formatting import NBSP, fr_int, fr_number, fr_percent
from ctgstats.surveys.codebook import Codebook, Question
from ctgstats.surveys.estimates import choice_matrix, included_weights, wilson_interval
from ctgstats.surveys.model import SurveyData
from ctgstats.surveys.weighting import kish_effective_size

__all__ = ["CAUTION", "Share", "caution", "chosen_share", "share_sentence", "survey_findings"]


def caution(min_base: int = 30) -> str:
    """Caution appended to a sentence whose base is under ``min_base`` respondents."""
    return f"Prudence{NBSP}: moins de {min_base} répondants."


CAUTION = caution(30)


@dataclass(frozen=True)
class Share:
    """Share of the base choosing some options, with its Wilson interval (0–1)."""

    share: float
    low: float
    high: float
    base: int
    n_eff: float
    weighted: bool


def chosen_share(
    data: SurveyData, question: Question, codes, *, weights: pd.Series | None = None
) -> Share:
    """Share of the included respondents who chose at least one of ``codes``.

    The base is every included respondent (non-response and "ne sait pas" included),
    as in :func:`~ctgstats.surveys.estimates.frequencies`. For several codes of a single
    question the share is the sum of their shares; the interval is the Wilson interval
    of that summed proportion on n_eff (never a sum of intervals).
    """
    matrix = choice_matrix(data, question)
    w = included_weights(data, weights).to_numpy(dtype=float)
    chosen = matrix[list(codes)].any(axis=1).to_numpy()
    base = len(matrix)
    total = float(w.sum())
    n_eff = kish_effective_size(w) if weights is not None else float(base)
    if base == 0 or total == 0:
        return Share(float("nan"), float("nan"), float("nan"), base, n_eff, weights is not None)
    share = float(w[chosen].sum()) / total
    low, high = wilson_interval(share * n_eff, n_eff)
    return Share(share, low, high, base, n_eff, weights is not None)


def _interval(share: Share) -> str:
    low, high = fr_number(100 * share.low, 0), fr_number(100 * share.high, 0)
    return f"IC 95{NBSP}%{NBSP}: {low}–{high}{NBSP}%"


def _qualifier(share: Share, *, multiple: bool = False) -> str:
    parts = ["plusieurs réponses possibles"] if multiple else []
    parts.append("pondéré" if share.weighted else "non pondéré")
    parts.append(f"base{NBSP}: {fr_int(share.base)} répondant{'s' if share.base > 1 else ''}")
    return " ; ".join(parts)


def _caution(share: Share, min_base: int) -> str:
    return "" if share.base >= min_base else " " + caution(min_base)


def share_sentence(share: Share, text: str, *, min_base: int = 30) -> str:
    """Sentence « 65 % des répondants (IC 95 % : 60–70 %) <text> (pondéré ; base : 312) »."""
    return (
        f"{fr_percent(100 * share.share, 0)} des répondants ({_interval(share)}) "
        f"{text.strip().rstrip('.')} ({_qualifier(share)})." + _caution(share, min_base)
    )


def _quoted(text: str) -> str:
    return f"«{NBSP}{text}{NBSP}»"


def _most_chosen(
    data: SurveyData, question: Question, weights: pd.Series | None, min_base: int
) -> str:
    options = [o for o in question.options if not o.dont_know]
    shares = {o.code: chosen_share(data, question, [o.code], weights=weights) for o in options}
    if not shares or all(not s.share > 0 for s in shares.values()):
        return (
            f"{_quoted(question.label)}{NBSP}: aucune option n'a été cochée par les "
            "répondants retenus."
        )
    top = max(s.share for s in shares.values())
    best = [o for o in options if np.isclose(shares[o.code].share, top, rtol=0, atol=1e-12)]
    share = shares[best[0].code]
    if len(best) == 1:
        head = f"l'option la plus cochée est {_quoted(best[0].label)}"
        amount = f"{fr_percent(100 * share.share, 0)} des répondants"
    else:
        names = ", ".join(_quoted(o.label) for o in best[:-1])
        head = f"les options les plus cochées, ex aequo, sont {names} et {_quoted(best[-1].label)}"
        amount = f"chacune {fr_percent(100 * share.share, 0)} des répondants"
    return (
        f"{_quoted(question.label)}{NBSP}: {head} ({amount}, {_interval(share)} ; "
        f"{_qualifier(share, multiple=True)})." + _caution(share, min_base)
    )


def survey_findings(
    data: SurveyData, codebook: Codebook, *, weights: pd.Series | None = None, min_base: int = 30
) -> list[str]:
    """French sentences for the findings of a survey, in codebook order.

    Parameters
    ----------
    data
        The survey (only included respondents count).
    codebook
        Its codebook: each question with a ``finding`` gives one sentence (share of the
        respondents choosing one of ``finding.codes``); each multiple-choice question
        gives one more sentence naming its most ticked option ("ne sait pas" options
        left out; ties named together).
    weights
        Weights by respondent_id, or None: the sentence says "pondéré" or "non pondéré".
    min_base
        Under this base a caution is appended ("Prudence : moins de 30 répondants.").

    Returns
    -------
    list of str
    """
    sentences = []
    for question in codebook.questions:
        if question.type not in ("single", "likert", "multiple"):
            continue
        if question.finding is not None:
            share = chosen_share(data, question, question.finding.codes, weights=weights)
            if share.base == 0:
                sentences.append(
                    f"{_quoted(question.label)}{NBSP}: aucun répondant retenu, constat non calculé."
                )
            else:
                sentences.append(share_sentence(share, question.finding.text, min_base=min_base))
        if question.type == "multiple":
            sentences.append(_most_chosen(data, question, weights, min_base))
    return sentences
