"""Raking (calage) of survey respondents on census margins (methodology rule 13).

An opt-in survey is not a random sample. Raking — iterative proportional fitting, IPF —
gives each respondent a weight so that the weighted shares of the respondents reproduce
the population shares of a few margins (age, sexe, commune …) of the territory's own
census, in the same universe and COG year. It corrects these margins only.

Definitions used in the report
------------------------------
* Weights are normalised to a mean of 1 over the respondents (Σw = n).
* Each margin is raked on its *shares*: the population totals of a variable are divided
  by their sum, so margins whose totals differ slightly (rounding of census estimates)
  are still compatible; a difference of more than 1 % is noted.
* Bounds are applied inside the iterations (trimming): after each raking cycle the
  weights are multiplied by the factor that makes their mean 1 *after* clipping them to
  ``[low, high]`` (so the bounds are relative to the mean weight), then raked again.
  A respondent whose final weight sits at a bound is counted in ``trimmed``.
* Convergence: the largest gap between a weighted share and its population share, over
  every category of every margin, is below ``tol`` (in proportion, 0–1), among the
  respondents raked (those whose category is known for every margin).
* Respondents lacking a raking variable (``missing="class_mean"``): only the complete
  respondents are raked (their weights reproduce the margins' shares, i.e. the margins
  scaled to the complete respondents); each incomplete respondent then receives the
  mean weight of the complete respondents of the same categories on the variables it
  does have — a weighting-class (cell mean) assignment of the weight, as in the cell
  weighting adjustment for nonresponse (Kalton & Flores-Cervantes 2003, "Weighting
  methods", Journal of Official Statistics 19(2):81–97) — or the mean weight of all
  complete respondents when it has none; all weights are then rescaled to a mean of 1.
  The margins table shows the weighted shares of every respondent whose category is
  known next to those of the raked respondents, and the gap that remains.
* Kish effective size ``n_eff = (Σw)² / Σw²`` and design effect due to weighting
  ``deff = n / n_eff``.

The algorithm is a plain IPF written here (about thirty lines of numpy) rather than a
third-party package: it needs bounds relative to the mean applied inside the iterations
and errors that name the respondents that cannot be raked, and the small packages that
do raking bring dependencies unrelated to weighting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ctgstats.core.errors import InputError
from ctgstats.present.formatting import fr_int, fr_number

__all__ = [
    "MARGINS_COLUMNS",
    "MISSING_OPTIONS",
    "RakingResult",
    "WeightingError",
    "design_effect",
    "kish_effective_size",
    "margins_table",
    "rake",
]

MARGINS_COLUMNS = [
    "variable",
    "modalite",
    "population",
    "part_population",
    "part_echantillon",
    "part_ponderee",
    "effectif",
    "part_ponderee_cales",
    "ecart_points",
]
"""Columns of :func:`margins_table`; shares (``part_*``) are in percent (0–100),
``ecart_points`` = ``part_ponderee − part_population`` in percentage points."""

MISSING_OPTIONS = ("error", "class_mean")


class WeightingError(InputError, ValueError):
    """Raking is impossible with these respondents and margins (the message says why)."""


@dataclass
class RakingResult:
    """Weights from :func:`rake` and how they were obtained.

    Attributes
    ----------
    weights
        Index respondent_id (the sample's index, same order), mean 1 (Σw = n).
    converged
        True when every weighted share of the raked (complete) respondents is within
        ``tol`` of its population share.
    iterations
        Raking cycles run (one cycle adjusts every margin once, then trims).
    margins
        Population, unweighted and weighted shares by category (:func:`margins_table`).
    trimmed
        Number of respondents whose final weight sits at a bound.
    bounds
        ``(low, high)`` bounds of the weights relative to their mean.
    notes
        French sentences for the report (never empty).
    n_raked
        Number of respondents raked (category known for every margin).
    n_incomplete
        Number of respondents lacking a category for some margin (weight by class mean).
    full_gap
        Largest gap, in percentage points, between the weighted share of every
        respondent whose category is known and the population share (0 when all are
        complete and the raking converged).
    """

    weights: pd.Series
    converged: bool
    iterations: int
    margins: pd.DataFrame
    trimmed: int
    bounds: tuple[float, float]
    notes: list[str] = field(default_factory=list)
    n_raked: int = 0
    n_incomplete: int = 0
    full_gap: float = 0.0

    @property
    def n_eff(self) -> float:
        """Kish effective size of the weights."""
        return kish_effective_size(self.weights)

    @property
    def design_effect(self) -> float:
        """Design effect due to weighting, n / n_eff."""
        return design_effect(self.weights)


def kish_effective_size(weights) -> float:
    """Kish effective sample size ``(Σw)² / Σw²``.

    Parameters
    ----------
    weights
        Non-negative weights (Series, array or list); missing values are not allowed.

    Returns
    -------
    float
        ``n`` for equal weights, less when weights vary; 0.0 for no weight.

    Examples
    --------
    >>> kish_effective_size([1, 1, 2, 2])
    3.6
    """
    values = _as_weights(weights)
    squares = float(np.sum(values**2))
    if squares == 0.0:
        return 0.0
    return float(np.sum(values)) ** 2 / squares


def design_effect(weights) -> float:
    """Kish design effect due to weighting, ``n / n_eff`` (1 for equal weights).

    NaN when there is no positive weight.
    """
    values = _as_weights(weights)
    effective = kish_effective_size(values)
    return float(len(values)) / effective if effective > 0 else float("nan")


def rake(
    sample: pd.DataFrame,
    margins: Mapping[str, pd.Series],
    *,
    bounds: tuple[float, float] | None = (0.25, 4.0),
    max_iter: int = 100,
    tol: float = 1e-6,
    missing: Literal["error", "class_mean"] = "error",
    labels: Mapping[str, str] | None = None,
) -> RakingResult:
    """Rake respondents on population margins, with bounded (trimmed) weights.

    Parameters
    ----------
    sample
        Index respondent_id (unique), one column per margin variable (``age``, ``sexe``,
        ``commune`` …) holding the respondent's category, already mapped to the
        categories of ``margins``; blank or NaN when unknown.
    margins
        Variable → population totals by category (index: category, values: totals).
    bounds
        ``(low, high)`` with ``0 < low ≤ 1 ≤ high``: bounds of each weight relative to
        the mean weight, applied inside the iterations; None for no bound.
    max_iter
        Maximum number of raking cycles.
    tol
        Convergence threshold on the largest gap between a weighted share and its
        population share (proportions 0–1).
    missing
        What to do with respondents whose category is blank or absent from the margins
        for some variable: ``"error"`` raises :class:`WeightingError`; ``"class_mean"``
        rakes the complete respondents only, then gives each incomplete respondent the
        mean weight of the complete respondents sharing its known categories (all of
        them; if none does, its known categories are dropped from the last margin
        backwards; with no known category, the mean weight of all complete
        respondents, 1), rescales every weight to a mean of 1 and says so in the notes.
        The bounds apply to the raked weights; a class mean lies between them, the
        final rescaling may move it by the factor ``n / Σw`` (printed in the notes).
    labels
        French name of each variable read in the notes and messages (``{"age": "âge"}``);
        a variable without one is named by its key.

    Returns
    -------
    RakingResult
        Weights (mean 1), convergence (of the raked respondents), margins table (every
        respondent and the raked ones), trimmed count and French notes. Non-convergence
        is not an error: ``converged`` is False and a note says so.

    Raises
    ------
    WeightingError
        Bad bounds or margins; a margin variable missing from ``sample``; respondents
        that cannot be raked (unless ``missing="class_mean"``); a category of the
        margins with no respondent (merge categories); respondents in a category whose
        population is zero.
    """
    names = {v: (labels or {}).get(v, v) for v in margins}
    if missing not in MISSING_OPTIONS:
        raise WeightingError(f"missing doit valoir 'error' ou 'class_mean', pas {missing!r}")
    low, high = _check_bounds(bounds)
    if sample.index.has_duplicates:
        duplicated = sample.index[sample.index.duplicated()].unique()
        raise WeightingError(
            f"identifiants de répondants en double dans l'échantillon : "
            f"{', '.join(map(str, duplicated[:5]))}"
        )
    if not margins:
        raise WeightingError("aucune marge de calage fournie")
    shares = {variable: _target_shares(variable, margin) for variable, margin in margins.items()}
    codes = {variable: _categories(sample, variable) for variable in shares}
    usable = pd.Series(True, index=sample.index)
    unusable: dict[str, int] = {}
    for variable, target in shares.items():
        ok = codes[variable].isin(target.index)
        unusable[variable] = int((~ok).sum())
        usable &= ok
    unusable = {v: k for v, k in unusable.items() if k}
    if unusable and missing == "error":
        raise WeightingError(
            "répondants impossibles à caler (catégorie vide ou absente des marges) : "
            + " ; ".join(f"{fr_int(k)} pour « {names[v]} »" for v, k in unusable.items())
            + ". Complétez ou regroupez les catégories, ou donnez-leur le poids moyen des "
            "répondants calés de mêmes catégories connues (missing='class_mean')."
        )
    raked = sample.index[usable.to_numpy()]
    if len(raked) == 0:
        raise WeightingError(
            "aucun répondant n'a une catégorie connue pour toutes les "
            f"marges ({', '.join(shares)}) : calage impossible"
        )
    indices, targets = _design(codes, shares, usable)
    weights, converged, iterations, gap = _ipf(
        indices, targets, low=low, high=high, max_iter=max_iter, tol=tol
    )
    trimmed = _at_bounds(weights, low, high, tol)
    raked_weights = pd.Series(weights, index=raked)
    result = pd.Series(1.0, index=sample.index, name="poids")
    result.loc[raked] = weights
    incomplete = sample.index[~usable.to_numpy()]
    known = {variable: codes[variable].isin(shares[variable].index) for variable in shares}
    for respondent in incomplete:
        variables = [v for v in shares if known[v][respondent]]
        result.loc[respondent] = _class_mean(
            raked_weights, {v: codes[v] for v in variables}, respondent
        )
    scale = len(result) / float(result.sum())
    result = result * scale
    table = margins_table(sample, margins, result, raked=raked)
    full_gap = float(table["ecart_points"].abs().max())
    notes = _notes(
        margins,
        shares,
        n=len(sample),
        n_raked=len(raked),
        unusable=unusable,
        bounds=(low, high),
        converged=converged,
        iterations=iterations,
        gap=gap,
        trimmed=trimmed,
        bounded=bounds is not None,
        full_gap=full_gap,
        scale=scale,
        names=names,
    )
    return RakingResult(
        weights=result,
        converged=converged,
        iterations=iterations,
        margins=table,
        trimmed=trimmed,
        bounds=(low, high),
        notes=notes,
        n_raked=len(raked),
        n_incomplete=len(incomplete),
        full_gap=full_gap,
    )


def _class_mean(raked: pd.Series, known: Mapping[str, pd.Series], respondent) -> float:
    """Mean raked weight of the complete respondents sharing ``respondent``'s categories.

    ``known`` maps each variable the respondent has to the categories of every
    respondent; variables are dropped from the last one while no complete respondent
    shares them all (mean of all raked weights with none left).
    """
    variables = list(known)
    while variables:
        same = pd.Series(True, index=raked.index)
        for variable in variables:
            categories = known[variable]
            same &= categories.reindex(raked.index) == categories[respondent]
        if same.any():
            return float(raked[same.to_numpy()].mean())
        variables.pop()
    return float(raked.mean())


def margins_table(
    sample: pd.DataFrame,
    margins: Mapping[str, pd.Series],
    weights: pd.Series | None = None,
    *,
    raked: pd.Index | None = None,
) -> pd.DataFrame:
    """Population, unweighted and weighted shares of each category of each margin.

    Parameters
    ----------
    sample
        As for :func:`rake`.
    margins
        As for :func:`rake`.
    weights
        Weights indexed like ``sample``; None gives the unweighted shares twice.
    raked
        The respondents the raking was run on (complete on every margin); None for all.

    Returns
    -------
    pd.DataFrame
        Columns :data:`MARGINS_COLUMNS`: ``population`` (total), ``part_population``,
        ``part_echantillon`` (unweighted), ``part_ponderee`` — shares in percent of
        *every* respondent whose category of that variable is known — ``effectif``
        (unweighted number of respondents in the category), ``part_ponderee_cales``
        (weighted share among the ``raked`` respondents only, what the raking fits) and
        ``ecart_points`` (``part_ponderee − part_population``, percentage points).
    """
    if weights is None:
        weights = pd.Series(1.0, index=sample.index)
    weights = weights.reindex(sample.index)
    in_raking = pd.Series(True, index=sample.index) if raked is None else sample.index.isin(raked)
    rows = []
    for variable, margin in margins.items():
        population = pd.Series(margin, dtype=float)
        population.index = population.index.map(str)
        category = _categories(sample, variable)
        known = category.isin(population.index)
        counts = category[known].value_counts()
        weighted = weights[known].groupby(category[known]).sum()
        n_known, w_known = int(known.sum()), float(weights[known].sum())
        calage = known & in_raking
        weighted_raked = weights[calage].groupby(category[calage]).sum()
        w_raked = float(weights[calage].sum())
        for code, total in population.items():
            count = int(counts.get(code, 0))
            part_population = 100.0 * float(total) / float(population.sum())
            part_ponderee = (
                100.0 * float(weighted.get(code, 0.0)) / w_known if w_known else float("nan")
            )
            rows.append(
                {
                    "variable": variable,
                    "modalite": code,
                    "population": float(total),
                    "part_population": part_population,
                    "part_echantillon": 100.0 * count / n_known if n_known else float("nan"),
                    "part_ponderee": part_ponderee,
                    "effectif": count,
                    "part_ponderee_cales": (
                        100.0 * float(weighted_raked.get(code, 0.0)) / w_raked
                        if w_raked
                        else float("nan")
                    ),
                    "ecart_points": part_ponderee - part_population,
                }
            )
    return pd.DataFrame(rows, columns=MARGINS_COLUMNS)


# --------------------------------------------------------------------------- helpers


def _as_weights(weights) -> np.ndarray:
    values = np.asarray(weights, dtype=float).ravel()
    if np.isnan(values).any() or (values < 0).any() or np.isinf(values).any():
        raise ValueError("les poids doivent être finis, positifs ou nuls et renseignés")
    return values


def _check_bounds(bounds: tuple[float, float] | None) -> tuple[float, float]:
    if bounds is None:
        return 0.0, float("inf")
    low, high = (float(b) for b in bounds)
    if not 0 < low <= 1 <= high:
        raise WeightingError(
            f"bornes des poids invalides {bounds!r} : il faut "
            "0 < basse ≤ 1 ≤ haute (relatives au poids moyen)"
        )
    return low, high


def _target_shares(variable: str, margin: pd.Series) -> pd.Series:
    totals = pd.Series(margin, dtype=float)
    totals.index = totals.index.map(str)
    if totals.index.has_duplicates:
        raise WeightingError(f"marge « {variable} » : catégories en double")
    if "" in totals.index:
        raise WeightingError(f"marge « {variable} » : catégorie vide")
    if totals.isna().any() or (totals < 0).any():
        bad = ", ".join(totals.index[totals.isna() | (totals < 0)])
        raise WeightingError(f"marge « {variable} » : total manquant ou négatif ({bad})")
    if float(totals.sum()) <= 0:
        raise WeightingError(f"marge « {variable} » : population totale nulle")
    return totals / float(totals.sum())


def _categories(sample: pd.DataFrame, variable: str) -> pd.Series:
    if variable not in sample.columns:
        raise WeightingError(
            f"la variable de calage « {variable} » est absente des "
            f"répondants (colonnes : {', '.join(map(str, sample.columns))})"
        )
    column = sample[variable]
    text = column.astype(object).where(column.notna(), "")
    return text.map(lambda value: str(value).strip())


def _design(
    codes: Mapping[str, pd.Series], shares: Mapping[str, pd.Series], usable: pd.Series
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Integer category of each raked respondent and target shares, per variable."""
    indices, targets = [], []
    for variable, target in shares.items():
        category = codes[variable][usable]
        present = set(category)
        empty = [c for c in target.index if target[c] > 0 and c not in present]
        if empty:
            raise WeightingError(
                f"marge « {variable} » : aucun répondant dans la catégorie "
                f"{', '.join(empty)} ; regroupez-la avec une catégorie voisine (dans le "
                "codebook et les marges) pour pouvoir caler"
            )
        impossible = [c for c in target.index if target[c] == 0 and c in present]
        if impossible:
            raise WeightingError(
                f"marge « {variable} » : des répondants sont dans la "
                f"catégorie {', '.join(impossible)} dont la population "
                "est nulle"
            )
        kept = target[target > 0]
        position = {code: i for i, code in enumerate(kept.index)}
        indices.append(category.map(position).to_numpy(dtype=int))
        targets.append(kept.to_numpy(dtype=float))
    return indices, targets


def _ipf(
    indices: list[np.ndarray],
    targets: list[np.ndarray],
    *,
    low: float,
    high: float,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, bool, int, float]:
    """Iterative proportional fitting with trimming; weights of mean 1."""
    n = len(indices[0])
    weights = np.ones(n)
    gap = _gap(weights, indices, targets)
    iterations = 0
    while iterations < max_iter and not gap < tol:
        iterations += 1
        for index, share in zip(indices, targets):
            sums = np.bincount(index, weights=weights, minlength=len(share))
            weights = weights * (share * n / sums)[index]
        weights = _trim(weights, low, high)
        gap = _gap(weights, indices, targets)
    return weights, bool(gap < tol), iterations, gap


def _gap(weights: np.ndarray, indices: list[np.ndarray], targets: list[np.ndarray]) -> float:
    total = float(weights.sum())
    return max(
        float(
            np.max(
                np.abs(np.bincount(index, weights=weights, minlength=len(share)) / total - share)
            )
        )
        for index, share in zip(indices, targets)
    )


def _trim(weights: np.ndarray, low: float, high: float) -> np.ndarray:
    """``clip(s·w, low, high)`` with the factor ``s`` that makes its mean 1.

    The mean of the clipped weights grows with ``s``; it is 1 somewhere between
    ``s = low / max(w)`` (all at ``low`` or below) and ``s = high / min(w)``.
    Bisection on ``log s`` (200 steps reach machine precision).
    """
    if low == 0.0 and np.isinf(high):
        return weights / weights.mean()
    lo, hi = np.log(low / weights.max()), np.log(high / weights.min())
    for _ in range(200):
        middle = (lo + hi) / 2
        if np.clip(np.exp(middle) * weights, low, high).mean() < 1.0:
            lo = middle
        else:
            hi = middle
    clipped = np.clip(np.exp(hi) * weights, low, high)
    return clipped / clipped.mean()


def _at_bounds(weights: np.ndarray, low: float, high: float, tol: float) -> int:
    margin = max(1e-9, 10 * tol)
    return int(np.sum(weights <= low * (1 + margin)) + np.sum(weights >= high * (1 - margin)))


def _short(value: float) -> str:
    """``0.25 -> '0,25'``, ``4.0 -> '4'`` (bounds in sentences)."""
    text = fr_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _notes(
    margins: Mapping[str, pd.Series],
    shares: Mapping[str, pd.Series],
    *,
    n: int,
    n_raked: int,
    unusable: Mapping[str, int],
    bounds: tuple[float, float],
    converged: bool,
    iterations: int,
    gap: float,
    trimmed: int,
    bounded: bool,
    full_gap: float = 0.0,
    scale: float = 1.0,
    names: Mapping[str, str] | None = None,
) -> list[str]:
    low, high = bounds
    names = names or {}
    variables = ", ".join(f"« {names.get(v, v)} »" for v in shares)
    complete = " complets" if n_raked < n else ""
    notes = [
        f"Calage de {fr_int(n_raked)} répondants{complete} sur les marges {variables}"
        + (
            f" ; poids bornés entre {_short(low)} et {_short(high)} fois le poids moyen"
            if bounded
            else " ; poids non bornés"
        )
        + (
            f" ; convergence atteinte{' pour ces répondants' if complete else ''} en "
            f"{fr_int(iterations)} itération{'s' if iterations > 1 else ''}."
            if converged
            else "."
        )
    ]
    if not converged:
        notes.append(
            f"Le calage n'a pas convergé en {fr_int(iterations)} itération"
            f"{'s' if iterations > 1 else ''} : "
            f"l'écart maximal entre une part pondérée et la part de la population "
            f"est de {fr_number(100 * gap, 1)} point{'s' if 100 * gap >= 2 else ''}. "
            "Les parts pondérées du "
            "tableau des marges ne reproduisent donc pas exactement le recensement "
            "(élargir les bornes ou regrouper des catégories)."
        )
    if trimmed:
        notes.append(
            f"{fr_int(trimmed)} répondant{'s ont' if trimmed > 1 else ' a'} un "
            "poids ramené à une borne (poids tronqué)."
        )
    if unusable:
        detail = " ; ".join(f"{fr_int(k)} pour « {names.get(v, v)} »" for v, k in unusable.items())
        kept = n - n_raked
        plural = kept > 1
        have_not = "n'ont" if plural else "n'a"
        notes.append(
            f"{fr_int(kept)} répondant{'s' if plural else ''} sur {fr_int(n)} "
            f"{have_not} pas de catégorie utilisable pour au moins une "
            f"variable de calage ({detail}) : non calé{'s' if plural else ''}, "
            f"{'ils reçoivent chacun' if plural else 'il reçoit'} le poids moyen des "
            "répondants calés qui ont les mêmes catégories sur les variables "
            f"renseignées (le poids moyen des répondants calés s'{'ils' if plural else 'il'} "
            f"n'en {'ont' if plural else 'a'} aucune), puis tous les poids sont ramenés à "
            f"une moyenne de 1 (facteur {fr_number(scale, 3)}). Sur l'ensemble des "
            "répondants dont la catégorie est connue, les parts pondérées s'écartent donc "
            f"de la population : jusqu'à {fr_number(full_gap, 1)} point"
            f"{'s' if round(full_gap, 1) >= 2 else ''} (colonne « Écart à la population » "
            "du tableau des marges)."
        )
    totals = {v: float(pd.Series(m, dtype=float).sum()) for v, m in margins.items()}
    if max(totals.values()) > 1.01 * min(totals.values()):
        listed = ", ".join(f"{v} : {fr_int(t)}" for v, t in totals.items())
        notes.append(
            f"Les totaux des marges diffèrent de plus de 1 % ({listed}) : chaque "
            "marge est calée sur ses parts ; vérifier qu'elles portent sur le même "
            "univers et la même géographie."
        )
    return notes
