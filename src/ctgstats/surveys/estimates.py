"""Survey estimates (methodology rule 14).

Percentages with Wilson intervals, numeric summaries, Likert scores, cross-tabs.

Definitions used in the report
------------------------------
* Only the *included* respondents count (``SurveyData.included``); excluded ones
  (duplicates, incomplete questionnaires, outside the territory) are ignored.
* The base of a question is every included respondent (``base``, unweighted). A
  respondent with no answer row for the question counts as a non-response.
* Single choice and Likert: the modalities are the options in codebook order ("ne sait
  pas" options kept visible), then "Non-réponse" when any, then "Réponse hors questionnaire"
  when any; their percentages sum to 100.
* Multiple choice: the percentage of respondents who ticked each option, over the same
  base (the percentages do not sum to 100: several answers are possible), then
  "Non-réponse" (no box ticked) and "Réponse hors questionnaire" (at least one answer outside
  the option list) when any.
* ``effectif``: unweighted number of respondents in the modality. ``pourcentage``: the
  weighted share Σw(respondents in the modality) / Σw(base) × 100 when weights are
  given, else effectif / base × 100. ``n_eff``: Kish effective size (Σw)² / Σw² of the
  base's weights (= base when unweighted). ``ic_bas``/``ic_haut``: Wilson 95 % interval
  of the proportion computed with n = n_eff, in percent (never the Wald interval).
* ``alerte``: "base inférieure à 30 répondants : estimation fragile" when base < 30.
* Quantiles (numeric questions): linear interpolation of the cumulative weights taken at
  the middle of each observation's weight (Hazen's definition, type 5 of Hyndman and
  Fan); with equal weights it is the usual median (mean of the two central values for
  an even number of answers). The same definition is used weighted or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import expected_freq

from ctgstats.present.formatting import fr_int, fr_number
from ctgstats.surveys.codebook import Codebook, Question
from ctgstats.surveys.model import (
    FREQUENCY_COLUMNS,
    NON_RESPONSE,
    NON_RESPONSE_LABEL,
    SurveyData,
    descriptor_name,
)
from ctgstats.surveys.weighting import kish_effective_size

__all__ = [
    "CHOICE_TYPES",
    "FREQUENCY_EXTRA_COLUMNS",
    "HORS_CODEBOOK",
    "HORS_CODEBOOK_LABEL",
    "LIKERT_COLUMNS",
    "NUMERIC_COLUMNS",
    "CrossTab",
    "choice_matrix",
    "complementary_suppression",
    "crosstab",
    "frequencies",
    "included_weights",
    "likert_scores",
    "newcombe_interval",
    "numeric_summary",
    "rao_scott_first_order",
    "weighted_quantile",
    "wilson_interval",
]

HORS_CODEBOOK = "__hors_codebook__"
HORS_CODEBOOK_LABEL = "Réponse hors questionnaire"
CHOICE_TYPES = ("single", "likert", "multiple")
FREQUENCY_EXTRA_COLUMNS = ["libelle_question", "type", "code", "n_eff", "alerte"]
NUMERIC_COLUMNS = [
    "question",
    "libelle",
    "n",
    "moyenne",
    "mediane",
    "q1",
    "q3",
    "min",
    "max",
    "pondere",
    "non_reponse",
    "n_eff",
]
LIKERT_COLUMNS = ["question", "libelle", "n", "score_moyen", "echelle", "pondere", "exclus", "note"]


def fragile_note(min_base: int = 30) -> str:
    """The ``alerte`` text of an estimate on fewer than ``min_base`` respondents."""
    return f"base inférieure à {min_base} répondants : estimation fragile"


# --------------------------------------------------------------------------- intervals


def wilson_interval(successes: float, n: float, *, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion.

    Parameters
    ----------
    successes
        Number (or weighted equivalent ``p × n_eff``) of successes, ``0 ≤ successes ≤ n``.
    n
        Number of trials; may be non-integer (Kish effective size of a weighted base).
    level
        Confidence level.

    Returns
    -------
    tuple of float
        ``(low, high)`` as proportions 0–1; ``(nan, nan)`` when ``n`` is 0.

    Notes
    -----
    With ``p = successes / n`` and ``z`` the ``(1 + level) / 2`` normal quantile::

        centre = (p + z² / 2n) / (1 + z² / n)
        half   = z / (1 + z² / n) × √(p (1 − p) / n + z² / 4n²)
    """
    if n is None or not n > 0 or math.isnan(successes):
        return (float("nan"), float("nan"))
    if successes < 0 or successes > n * (1 + 1e-12):
        raise ValueError(f"successes must lie between 0 and n, got {successes} / {n}")
    p = min(max(successes / n, 0.0), 1.0)
    z = float(stats.norm.ppf(0.5 + level / 2))
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if p == 0.0 else max(0.0, centre - half)
    high = 1.0 if p == 1.0 else min(1.0, centre + half)
    return (low, high)


def newcombe_interval(
    p0: float, n0: float, p1: float, n1: float, *, level: float = 0.95
) -> tuple[float, float]:
    """Newcombe's hybrid score interval of ``p1 − p0`` (independent samples).

    Parameters
    ----------
    p0, p1
        Proportions (0–1) of the first and second sample.
    n0, n1
        Their (effective) sizes; may be non-integer (Kish ``n_eff``).
    level
        Confidence level.

    Returns
    -------
    tuple of float
        ``(lower, upper)`` of the difference, as proportions.

    Notes
    -----
    Method 10 of Newcombe (1998): with ``(l0, u0)`` and ``(l1, u1)`` the Wilson intervals
    of each proportion, ``d = p1 − p0``::

        lower = d − √((p1 − l1)² + (u0 − p0)²)
        upper = d + √((u1 − p1)² + (p0 − l0)²)
    """
    for p in (p0, p1):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"a proportion lies between 0 and 1, got {p}")
    l0, u0 = wilson_interval(p0 * n0, n0, level=level)
    l1, u1 = wilson_interval(p1 * n1, n1, level=level)
    d = p1 - p0
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2),
    )


def weighted_quantile(values, q: float, weights=None) -> float:
    """Quantile ``q`` (0–1) of ``values``, weighted or not (Hazen, type 5).

    The sorted values are placed at the middle of their share of the total weight,
    ``(C_k − w_k / 2) / W``, and ``q`` is interpolated linearly between them (the first
    and last values below and above). NaN for no value.
    """
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    keep = ~np.isnan(x) & (w > 0)
    x, w = x[keep], w[keep]
    if len(x) == 0:
        return float("nan")
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    positions = (np.cumsum(w) - w / 2) / w.sum()
    return float(np.interp(q, positions, x))


# --------------------------------------------------------------------------- respondent data


def included_weights(data: SurveyData, weights: pd.Series | None) -> pd.Series:
    """Weights of the included respondents, indexed by respondent_id (1 when unweighted).

    Raises
    ------
    ValueError
        When an included respondent has no weight, or a weight is negative or missing.
    """
    ids = pd.Index(data.included["respondent_id"].astype(str), name="respondent_id")
    if weights is None:
        return pd.Series(1.0, index=ids, name="poids")
    given = pd.Series(weights, dtype=float)
    given.index = given.index.map(str)
    aligned = given.reindex(ids)
    if aligned.isna().any():
        raise ValueError(
            f"weights: {int(aligned.isna().sum())} included respondent(s) have no weight"
        )
    if (aligned < 0).any():
        raise ValueError("weights: negative weight")
    return aligned.rename("poids")


def _codes(series: pd.Series) -> pd.Series:
    text = series.astype(object).where(series.notna(), "")
    return text.map(lambda value: str(value).strip())


def choice_matrix(data: SurveyData, question: Question) -> pd.DataFrame:
    """Included respondents × modalities of a choice question (booleans).

    Columns: the option codes in codebook order, then :data:`HORS_CODEBOOK` (an answer
    outside the option list) and :data:`~ctgstats.surveys.model.NON_RESPONSE` (nothing
    chosen, an explicit non-response or no answer row at all). For single and Likert
    questions each row has exactly one True.

    Raises
    ------
    ValueError
        When a respondent has several answers to a single-choice or Likert question.
    """
    if question.type not in CHOICE_TYPES:
        raise ValueError(
            f"question {question.id!r} is not a choice question (type {question.type})"
        )
    ids = pd.Index(data.included["respondent_id"].astype(str), name="respondent_id")
    answers = data.answers[data.answers["question"] == question.id]
    respondent = answers["respondent_id"].astype(str)
    answers = answers[respondent.isin(ids)]
    respondent = respondent[respondent.isin(ids)]
    code = _codes(answers["code"])
    options = [o.code for o in question.options]
    chosen = pd.DataFrame(False, index=ids, columns=options)
    for option in options:
        chosen[option] = ids.isin(respondent[code == option])
    other = (code != NON_RESPONSE) & (code != "") & ~code.isin(options)
    chosen[HORS_CODEBOOK] = ids.isin(respondent[other])
    answered = chosen.sum(axis=1)
    if question.type != "multiple" and (answered > 1).any():
        raise ValueError(
            f"question {question.id!r} ({question.type}): "
            f"{int((answered > 1).sum())} respondent(s) have several answers"
        )
    chosen[NON_RESPONSE] = answered == 0
    return chosen


def _modalities(question: Question, matrix: pd.DataFrame) -> list[tuple[str, str]]:
    """(code, label) of the modalities shown: options, then hors codebook/non-response."""
    shown = [(o.code, o.label) for o in question.options]
    if matrix[NON_RESPONSE].any():
        shown.append((NON_RESPONSE, NON_RESPONSE_LABEL))
    if matrix[HORS_CODEBOOK].any():
        shown.append((HORS_CODEBOOK, HORS_CODEBOOK_LABEL))
    return shown


# --------------------------------------------------------------------------- frequencies


def frequencies(
    data: SurveyData, codebook: Codebook, *, weights: pd.Series | None = None, min_base: int = 30
) -> pd.DataFrame:
    """Percentages of each modality of every choice question, with Wilson intervals.

    Parameters
    ----------
    data
        The survey (only included respondents count).
    codebook
        Its codebook: questions and options in display order.
    weights
        Weights indexed by respondent_id (e.g. :func:`~ctgstats.surveys.weighting.rake`),
        covering every included respondent; None for unweighted results.
    min_base
        Bases under this number of respondents get an ``alerte``.

    Returns
    -------
    pd.DataFrame
        One row per (question, modality) of the single, Likert and multiple questions in
        codebook order. Columns ``question, modalite, effectif, pourcentage, ic_bas,
        ic_haut, base, pondere`` (:data:`~ctgstats.surveys.model.FREQUENCY_COLUMNS`),
        then ``libelle_question, type, code, n_eff, alerte``. See the module docstring
        for the definitions.
    """
    w = included_weights(data, weights)
    weighted = weights is not None
    rows: list[dict] = []
    for question in codebook.questions:
        if question.type not in CHOICE_TYPES:
            continue
        matrix = choice_matrix(data, question)
        base = len(matrix)
        n_eff = kish_effective_size(w) if weighted else float(base)
        total = float(w.sum())
        for code, label in _modalities(question, matrix):
            chosen = matrix[code]
            share = float(w[chosen.to_numpy()].sum()) / total if total > 0 else float("nan")
            low, high = (
                wilson_interval(share * n_eff, n_eff) if total > 0 else (float("nan"), float("nan"))
            )
            rows.append(
                {
                    "question": question.id,
                    "modalite": label,
                    "effectif": int(chosen.sum()),
                    "pourcentage": 100 * share,
                    "ic_bas": 100 * low,
                    "ic_haut": 100 * high,
                    "base": base,
                    "pondere": weighted,
                    "libelle_question": question.label,
                    "type": question.type,
                    "code": code,
                    "n_eff": n_eff,
                    "alerte": fragile_note(min_base) if base < min_base else "",
                }
            )
    columns = FREQUENCY_COLUMNS + FREQUENCY_EXTRA_COLUMNS
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype(
        {
            "effectif": "int64",
            "base": "int64",
            "pondere": "bool",
            "pourcentage": "float64",
            "ic_bas": "float64",
            "ic_haut": "float64",
            "n_eff": "float64",
        }
    )


# --------------------------------------------------------------------------- numeric


def numeric_summary(
    data: SurveyData, codebook: Codebook, *, weights: pd.Series | None = None
) -> pd.DataFrame:
    """Mean, quartiles and range of each numeric question.

    Returns
    -------
    pd.DataFrame
        One row per numeric question: ``question, libelle, n`` (included respondents with
        a value), ``moyenne`` (weighted mean when weighted), ``mediane, q1, q3`` (weighted
        quantiles when weighted, Hazen definition, see :func:`weighted_quantile`),
        ``min, max, pondere``, ``non_reponse`` (included respondents without a value) and
        ``n_eff`` (Kish size of the answering respondents' weights).
    """
    w = included_weights(data, weights)
    rows = []
    for question in codebook.questions:
        if question.type != "numeric":
            continue
        answers = data.answers[data.answers["question"] == question.id]
        values = pd.Series(
            answers["value"].to_numpy(dtype=float), index=answers["respondent_id"].astype(str)
        )
        values = values[values.index.isin(w.index) & values.notna()]
        values = values[~values.index.duplicated()]
        qw = w.reindex(values.index).to_numpy(dtype=float)
        x = values.to_numpy(dtype=float)
        n = len(x)
        has = n > 0 and qw.sum() > 0
        rows.append(
            {
                "question": question.id,
                "libelle": question.label,
                "n": n,
                "moyenne": float(np.average(x, weights=qw)) if has else float("nan"),
                "mediane": weighted_quantile(x, 0.5, qw),
                "q1": weighted_quantile(x, 0.25, qw),
                "q3": weighted_quantile(x, 0.75, qw),
                "min": float(x.min()) if n else float("nan"),
                "max": float(x.max()) if n else float("nan"),
                "pondere": weights is not None,
                "non_reponse": len(w) - n,
                "n_eff": kish_effective_size(qw) if weights is not None else float(n),
            }
        )
    return pd.DataFrame(rows, columns=NUMERIC_COLUMNS)


# --------------------------------------------------------------------------- Likert


def _scale_text(scores: list[float]) -> str:
    def one(value: float) -> str:
        return (
            fr_number(value, 0)
            if float(value).is_integer()
            else fr_number(value, 2).rstrip("0").rstrip(",")
        )

    return f"{one(min(scores))}–{one(max(scores))}"


def likert_scores(
    data: SurveyData, codebook: Codebook, *, weights: pd.Series | None = None
) -> pd.DataFrame:
    """Mean score of the single-choice and Likert questions whose options have scores.

    The mean is taken over the included respondents who chose an option with a score;
    "ne sait pas" options (even with a score), options without a score and non-responses
    are excluded from it (``exclus`` counts them, ``note`` says so).

    Returns
    -------
    pd.DataFrame
        Columns ``question, libelle, n, score_moyen, echelle`` ("1–5": lowest and highest
        score of the scale), ``pondere, exclus, note``.
    """
    w = included_weights(data, weights)
    rows = []
    for question in codebook.questions:
        if question.type not in ("single", "likert"):
            continue
        scores = {
            o.code: float(o.score)
            for o in question.options
            if o.score is not None and not o.dont_know
        }
        if not scores:
            continue
        matrix = choice_matrix(data, question)
        chosen = matrix[list(scores)]
        scored = chosen.any(axis=1).to_numpy()
        values = chosen.to_numpy(dtype=float) @ np.array(list(scores.values()))
        qw = w.to_numpy(dtype=float)[scored]
        n = int(scored.sum())
        excluded = len(matrix) - n
        mean = float(np.average(values[scored], weights=qw)) if n and qw.sum() > 0 else float("nan")
        rows.append(
            {
                "question": question.id,
                "libelle": question.label,
                "n": n,
                "score_moyen": mean,
                "echelle": _scale_text(list(scores.values())),
                "pondere": weights is not None,
                "exclus": excluded,
                "note": (
                    f"« Ne sait pas », options sans score et non-réponses exclus de la "
                    f"moyenne ({fr_int(excluded)} répondant{'s' if excluded > 1 else ''})."
                )
                if excluded
                else "Aucun répondant exclu de la moyenne.",
            }
        )
    return pd.DataFrame(rows, columns=LIKERT_COLUMNS)


# --------------------------------------------------------------------------- cross-tabs


@dataclass
class CrossTab:
    """A choice question crossed with a respondent descriptor.

    Attributes
    ----------
    question, by
        Question id and descriptor name (``age``, ``sexe``, ``commune``, ``famille`` …).
    table
        Rows: groups of ``by`` (option labels, codebook order, groups with at least one
        respondent); columns: modalities of the question (labels). Cells: percentage of
        the group's respondents (weighted when weighted), rows sum to 100 for single and
        Likert questions. Masked cells (``suppressed``) are NaN.
    counts
        Unweighted numbers of respondents, same shape (internal: never publish it next to
        the masked table).
    suppressed
        True where a cell was masked: primary suppression (1 to ``min_cell − 1``
        respondents) or secondary (see ``secondary`` and
        :func:`complementary_suppression`).
    secondary
        True where a cell of ``min_cell`` respondents or more was masked so that no
        masked cell can be recovered by difference with a total.
    group_sizes
        Unweighted number of respondents of each group.
    small_groups
        Labels of the groups with fewer than ``min_group`` respondents (fragile).
    chi2, p_value, dof
        Chi-square test of independence (None when refused, see ``note``).
    pondere
        Whether the percentages are weighted.
    note
        French explanation: base, suppression, small groups, test and its limits.
    """

    question: str
    by: str
    table: pd.DataFrame
    counts: pd.DataFrame
    suppressed: pd.DataFrame
    group_sizes: pd.Series
    small_groups: list[str]
    chi2: float | None
    p_value: float | None
    dof: int | None
    pondere: bool
    note: str
    notes: list[str] = field(default_factory=list)
    secondary: pd.DataFrame | None = None


def complementary_suppression(
    counts: pd.DataFrame, primary: pd.DataFrame, *, rows: bool = True, columns: bool = True
) -> pd.DataFrame:
    """Secondary (complementary) suppression of a table whose margins are known.

    Parameters
    ----------
    counts
        Unweighted numbers of respondents of the cells.
    primary
        True where a cell is masked for its own sake (too few respondents).
    rows, columns
        Whether the row totals (percentages summing to 100 %) and the column totals
        (published by the one-way tables) are known to the reader.

    Returns
    -------
    pd.DataFrame
        The complete mask (primary and secondary cells), same shape as ``counts``.

    Notes
    -----
    A row or column with a known total and exactly one masked cell gives that cell away
    by subtraction (e.g. 100 − 95,0 = 5,0 %). Each such line gets a second masked cell:
    the smallest unmasked cell of the line with respondents, preferring one whose other
    line (column for a row, row for a column) already holds a masked cell, so that the
    masked cells form rectangles; a cell of 0 only when no other is left. Rows and
    columns are treated in turn until no line has exactly one masked cell (the usual
    criterion of secondary suppression: each line with a known total has 0 or at least 2
    masked cells). The result protects against recovery by a single subtraction from a
    margin, not against every linear combination of several lines.
    """
    values = counts.to_numpy(dtype=float)
    mask = primary.to_numpy(dtype=bool).copy()
    changed = True
    while changed:
        changed = False
        for axis, active in ((1, rows), (0, columns)):
            if not active:
                continue
            lines = mask if axis == 1 else mask.T
            cells = values if axis == 1 else values.T
            for i in range(lines.shape[0]):
                if lines[i].sum() != 1:
                    continue
                candidates = [j for j in range(lines.shape[1]) if not lines[i, j]]
                if not candidates:
                    continue
                crossing = lines.sum(axis=0)  # masked cells of each crossing line
                ranks = [(cells[i, j] == 0, crossing[j] == 0, cells[i, j], j) for j in candidates]
                lines[i, min(ranks)[3]] = True
                changed = True
    return pd.DataFrame(mask, index=counts.index, columns=counts.columns)


def _p_text(p: float) -> str:
    return "p < 0,001" if p < 0.001 else f"p = {fr_number(p, 3)}"


def _verdict(p: float) -> str:
    return (
        "les réponses diffèrent selon les groupes au seuil de 5 %"
        if p < 0.05
        else "pas de différence significative entre groupes au seuil de 5 %"
    )


def rao_scott_first_order(weighted: np.ndarray, n: int, deff: float) -> tuple[float, float, int]:
    """First-order Rao–Scott chi-square test of independence on a weighted table.

    Parameters
    ----------
    weighted
        Groups × answers, the sums of the weights of the respondents in each cell (no
        empty row or column).
    n
        Unweighted number of respondents in the table.
    deff
        Estimate of the mean generalised design effect δ̄; here Kish's design effect due
        to unequal weighting, ``n Σw² / (Σw)²`` over the respondents of the table.

    Returns
    -------
    tuple
        ``(X²_RS, p, dof)``: the corrected statistic, its p-value on the chi-square law
        with ``dof = (r − 1)(c − 1)`` degrees of freedom (``scipy.stats.chi2``), dof.

    Notes
    -----
    With ``p̂_ij`` the weighted proportions of the table (``weighted / Σ weighted``)::

        X²_P  = n Σ_ij (p̂_ij − p̂_i. p̂_.j)² / (p̂_i. p̂_.j)
        X²_RS = X²_P / δ̄

    (Rao & Scott 1981, JASA 76:221–230; 1984, Ann. Statist. 12:46–60). Pearson's
    statistic is homogeneous of degree 1 in the table, so ``X²_RS`` is also Pearson's
    statistic of the weighted table scaled to the Kish effective size
    ``n_eff = n / δ̄ = (Σw)² / Σw²``. Without strata or clusters, the only design
    information is the weights, and Kish's ``deff`` is the usual estimate of δ̄ (the
    design effect due to unequal weighting). No continuity correction.
    """
    table = np.asarray(weighted, dtype=float)
    proportions = table / table.sum()
    rows = proportions.sum(axis=1, keepdims=True)
    columns = proportions.sum(axis=0, keepdims=True)
    independent = rows * columns
    pearson = n * float(np.sum((proportions - independent) ** 2 / independent))
    statistic = pearson / deff
    dof = (table.shape[0] - 1) * (table.shape[1] - 1)
    return statistic, float(stats.chi2.sf(statistic, dof)), dof


def _chi_square(
    counts: pd.DataFrame, weighted: pd.DataFrame | None = None, weights: np.ndarray | None = None
) -> tuple[float | None, float | None, int | None, str]:
    """Pearson (unweighted) or first-order Rao–Scott (weighted) test, with its note."""
    keep_rows, keep_columns = counts.sum(axis=1) > 0, counts.sum(axis=0) > 0
    observed = counts.loc[keep_rows, keep_columns]
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        return (
            None,
            None,
            None,
            (
                "Test du khi-deux non calculé : il faut au moins deux "
                "groupes et deux modalités avec des répondants."
            ),
        )
    array = observed.to_numpy(dtype=float)
    expected = expected_freq(array)
    if (expected < 5).mean() > 0.2 or (expected < 1).any():
        return (
            None,
            None,
            None,
            (
                "Test du khi-deux non calculé : effectifs attendus "
                "inférieurs à 5 dans plus de 20 % des cases (ou inférieurs "
                "à 1) ; regrouper des modalités ou des groupes."
            ),
        )
    caveat = (
        "Le test suppose un échantillon aléatoire, ce que n'est pas une enquête à "
        "participation volontaire : c'est un indice, pas une preuve."
    )
    scope = "des répondants retenus, hors non-réponses et réponses hors questionnaire"
    if weighted is not None and weights is not None:
        n = int(array.sum())
        deff = float(len(weights) * np.sum(weights**2) / np.sum(weights) ** 2)
        table = weighted.loc[keep_rows, keep_columns].to_numpy(dtype=float)
        chi2, p, dof = rao_scott_first_order(table, n, deff)
        return (
            chi2,
            p,
            dof,
            (
                f"Test du khi-deux corrigé de Rao-Scott (ordre 1) sur le tableau pondéré, "
                f"effet de plan {fr_number(deff, 2)} (effet de plan dû à la "
                f"pondération : le tableau pondéré est ramené à la taille effective de "
                f"{fr_number(n / deff, 1)} répondants au lieu de {fr_int(n)}), {scope} : "
                f"khi-deux "
                f"corrigé = {fr_number(chi2, 1)}, {dof} degré{'s' if dof > 1 else ''} de "
                f"liberté, {_p_text(p)} ({_verdict(p)}). {caveat}"
            ),
        )
    result = stats.chi2_contingency(array)
    chi2, p, dof = float(result.statistic), float(result.pvalue), int(result.dof)
    yates = " avec correction de continuité de Yates" if dof == 1 else ""
    return (
        chi2,
        p,
        dof,
        (
            f"Test du khi-deux d'indépendance{yates}, sur les effectifs non pondérés "
            f"{scope} : khi-deux = {fr_number(chi2, 1)}, {dof} "
            f"degré{'s' if dof > 1 else ''} de liberté, {_p_text(p)} ({_verdict(p)}). "
            f"{caveat}"
        ),
    )


def crosstab(
    data: SurveyData,
    codebook: Codebook,
    *,
    question: str,
    by: str,
    weights: pd.Series | None = None,
    min_cell: int = 5,
    min_group: int = 30,
) -> CrossTab:
    """Percentages of a choice question within the groups of a respondent descriptor.

    Parameters
    ----------
    data, codebook
        The survey and its codebook.
    question
        Id of a single, Likert or multiple question.
    by
        Descriptor name (``codebook.descriptors``) whose column in
        ``data.respondents`` holds each respondent's option code.
    weights
        Weights by respondent_id, or None.
    min_cell
        Cells with 1 to ``min_cell − 1`` respondents are suppressed.
    min_group
        Groups with fewer respondents are listed in ``small_groups``.

    Notes
    -----
    Respondents whose ``by`` is blank or outside the descriptor's options are left out
    (the note says how many). The test of independence covers the included respondents
    excluding non-response and answers outside the codebook, after dropping empty rows
    and columns:

    * unweighted: Pearson's chi-square on the counts (``scipy.stats.chi2_contingency``,
      Yates' correction for a 2×2 table);
    * weighted: first-order Rao–Scott correction of Pearson's statistic computed on the
      weighted proportions, ``X²_RS = X²_P(p̂ × n) / δ̄`` with δ̄ estimated by Kish's
      design effect due to weighting ``n Σw² / (Σw)²`` of the tested respondents — the
      weighted table scaled to the Kish effective size (:func:`rao_scott_first_order`).
      The test of unweighted counts beside weighted percentages ignored both the
      weighting and its loss of precision.

    It is refused (None) when more than 20 % of the expected unweighted counts are under
    5 or any is under 1, and for a multiple question (the ticks of one respondent are
    not independent observations).
    """
    q = codebook.question(question)
    descriptor = codebook.descriptors.get(by)
    if descriptor is None:
        raise ValueError(f"no question of codebook {codebook.survey.id!r} describes {by!r}")
    if by not in data.respondents.columns:
        raise ValueError(f"respondents have no column {by!r}")
    matrix = choice_matrix(data, q)
    w = included_weights(data, weights)
    group_code = _codes(
        data.included.set_index(data.included["respondent_id"].astype(str))[by]
    ).reindex(matrix.index)
    labels = {o.code: o.label for o in descriptor.options}
    known = group_code.isin(list(labels)).to_numpy()
    left_out = int((~known).sum())
    matrix, group_code, w = matrix[known], group_code[known], w[known]
    modalities = _modalities(q, matrix)
    codes = [code for code, _ in modalities]
    columns = [label for _, label in modalities]
    counts = matrix[codes].astype(int).groupby(group_code).sum()
    weighted_sums = matrix[codes].astype(float).mul(w, axis=0).groupby(group_code).sum()
    group_weight = w.groupby(group_code).sum()
    order = [c for c in labels if c in counts.index]
    counts, weighted_sums = counts.loc[order], weighted_sums.loc[order]
    sizes = group_code.value_counts().reindex(order).astype(int)
    percent = weighted_sums.div(group_weight.loc[order], axis=0) * 100
    primary = (counts >= 1) & (counts < min_cell)
    index = pd.Index([labels[c] for c in order], name=by)
    for frame in (counts, percent, primary):
        frame.index = index
        frame.columns = pd.Index(columns, name=q.id)
    sizes.index = index
    # rows of single and Likert questions sum to 100 %; column totals are in the one-way
    # tables (frequencies of the question, weights of the groups)
    suppressed = complementary_suppression(counts, primary, rows=q.type != "multiple", columns=True)
    secondary = suppressed & ~primary
    table = percent.mask(suppressed)
    small = [labels[c] for c in order if sizes.loc[labels[c]] < min_group]
    if q.type == "multiple":
        chi2, p, dof, test_note = (
            None,
            None,
            None,
            (
                "Test du khi-deux non calculé pour une question à choix multiples (les cases "
                "cochées par un même répondant ne sont pas indépendantes)."
            ),
        )
    else:
        answer_codes = [o.code for o in q.options]
        answers = matrix[answer_codes]
        tested = answers.any(axis=1).to_numpy()
        test_weighted, test_weights = None, None
        if weights is not None:
            test_weighted = (
                answers.astype(float).mul(w, axis=0).groupby(group_code).sum().reindex(order)
            )
            test_weights = w.to_numpy(dtype=float)[tested]
        chi2, p, dof, test_note = _chi_square(
            answers.astype(int).groupby(group_code).sum().reindex(order),
            test_weighted,
            test_weights,
        )
    notes = [
        f"Pourcentages en ligne : part des répondants de chaque groupe "
        f"({'pondérés' if weights is not None else 'non pondérés'})"
        + (
            " ; plusieurs réponses possibles, le total dépasse 100 %."
            if q.type == "multiple"
            else "."
        )
    ]
    hidden = int(primary.to_numpy().sum())
    if hidden:
        notes.append(
            f"{fr_int(hidden)} case{'s' if hidden > 1 else ''} de moins de "
            f"{min_cell} répondants masquée{'s' if hidden > 1 else ''}."
        )
    extra = int(secondary.to_numpy().sum())
    if extra:
        notes.append(
            f"{fr_int(extra)} autre{'s' if extra > 1 else ''} case{'s' if extra > 1 else ''} "
            f"masquée{'s' if extra > 1 else ''} en complément (secret secondaire), pour "
            "qu'aucune case masquée ne puisse être retrouvée par différence avec le total "
            "de la ligne (100 %) ou avec les tableaux à un critère."
        )
    if small:
        notes.append(
            f"Groupes de moins de {min_group} répondants (résultats fragiles) : {', '.join(small)}."
        )
    if left_out:
        notes.append(
            f"{fr_int(left_out)} répondant{'s' if left_out > 1 else ''} sans "
            f"« {descriptor_name(by)} » renseigné ne figure{'nt' if left_out > 1 else ''} pas dans "
            "le tableau."
        )
    notes.append(test_note)
    return CrossTab(
        question=q.id,
        by=by,
        table=table,
        counts=counts,
        suppressed=suppressed,
        group_sizes=sizes,
        small_groups=small,
        chi2=chi2,
        p_value=p,
        dof=dof,
        pondere=weights is not None,
        note=" ".join(notes),
        notes=notes,
        secondary=secondary,
    )
