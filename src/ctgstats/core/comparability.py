"""Comparability of census vintages (methodology rules 1 and 8).

A census vintage RP *N* pools the annual surveys N-2 … N+2. Two vintages fewer than five
years apart share surveys, so their difference measures little; INSEE advises at least
5 years between compared vintages, and 6 years when a vintage from 2019 to 2023 is involved
(those vintages pool the 2021 survey slot, and the 2021 survey was postponed to 2022).

Concepts also changed: same-sex couples are counted as couples from RP2013, and the question
on marital status changed with the 2015 annual survey (vintages RP2017 onwards rest entirely
on the new question). A series crossing one of these breaks is not strictly comparable.

Every function here is pure: it only looks at the years and returns French warnings meant for
the report (never only a log).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DEFAULT_MIN_GAP",
    "POSTPONED_SURVEY_MIN_GAP",
    "POSTPONED_SURVEY_VINTAGES",
    "SURVEY_HALF_SPAN",
    "TOPICS",
    "ConceptBreak",
    "CONCEPT_BREAKS",
    "min_comparable_gap",
    "shared_surveys",
    "is_comparable",
    "check_vintages",
    "concept_breaks",
]

SURVEY_HALF_SPAN = 2
"""RP *N* pools the annual surveys N - 2 … N + 2."""

DEFAULT_MIN_GAP = 5
"""Minimum gap (years) advised by INSEE between two compared vintages."""

POSTPONED_SURVEY_MIN_GAP = 6
"""Minimum gap when a vintage pooling the postponed 2021 survey is involved."""

POSTPONED_SURVEY_VINTAGES = range(2019, 2024)
"""Vintages 2019 … 2023, whose pooled surveys include the postponed 2021 one."""


def _check_order(start: int, end: int) -> None:
    if end <= start:
        raise ValueError(f"end vintage ({end}) must be after start vintage ({start})")


def _years(count: int) -> str:
    return f"{count} an" if abs(count) == 1 else f"{count} ans"


def min_comparable_gap(start: int, end: int) -> int:
    """Minimum number of years INSEE advises between two compared census vintages.

    Parameters
    ----------
    start, end
        The two vintages (order does not matter here).

    Returns
    -------
    int
        6 when either vintage is in 2019-2023, 5 otherwise.
    """
    if start in POSTPONED_SURVEY_VINTAGES or end in POSTPONED_SURVEY_VINTAGES:
        return POSTPONED_SURVEY_MIN_GAP
    return DEFAULT_MIN_GAP


def shared_surveys(start: int, end: int) -> int:
    """Number of annual surveys pooled by both vintages (0 when 5 or more years apart)."""
    gap = abs(end - start)
    return max(0, 2 * SURVEY_HALF_SPAN + 1 - gap)


def is_comparable(start: int, end: int) -> bool:
    """True when ``end - start`` is at least :func:`min_comparable_gap`."""
    _check_order(start, end)
    return end - start >= min_comparable_gap(start, end)


def check_vintages(start: int, end: int) -> list[str]:
    """French warnings about comparing census vintages ``start`` and ``end``.

    Parameters
    ----------
    start, end
        Census vintages, ``start < end``.

    Returns
    -------
    list of str
        Empty when the gap is long enough, else one warning stating the real gap, the
        advised minimum and why.

    Raises
    ------
    ValueError
        When ``end <= start``.
    """
    _check_order(start, end)
    gap = end - start
    minimum = min_comparable_gap(start, end)
    if gap >= minimum:
        return []
    why = (
        "l'Insee recommande au moins 6 ans d'écart lorsqu'un millésime de 2019 à 2023 est "
        "concerné, l'enquête annuelle de recensement de 2021 ayant été reportée à 2022"
        if minimum == POSTPONED_SURVEY_MIN_GAP
        else "l'Insee recommande au moins 5 ans d'écart entre deux millésimes comparés"
    )
    shared = shared_surveys(start, end)
    overlap = (
        f" ; les deux millésimes ont {shared} enquête(s) annuelle(s) en commun" if shared else ""
    )
    return [
        f"Les millésimes {start} et {end} ne sont distants que de {_years(gap)} : {why} "
        f"(un millésime N du recensement regroupe les enquêtes annuelles N-2 à "
        f"N+2{overlap}). L'évolution entre ces deux millésimes est à interpréter avec "
        f"prudence."
    ]


@dataclass(frozen=True)
class ConceptBreak:
    """A change of census concept: vintages before ``first_vintage`` use the old one."""

    topic: str
    first_vintage: int
    description: str


TOPICS = ("couples", "etat_matrimonial")
"""Topics of :func:`concept_breaks`: couples and families; legal marital status."""

CONCEPT_BREAKS = (
    ConceptBreak(
        topic="couples",
        first_vintage=2013,
        description="les couples de même sexe sont comptés comme couples (et leurs familles "
        "comme familles) à partir du RP2013",
    ),
    ConceptBreak(
        topic="etat_matrimonial",
        first_vintage=2017,
        description="la question sur l'état matrimonial a changé à partir de l'enquête "
        "annuelle de 2015 ; les millésimes RP2017 et suivants reposent entièrement "
        "sur la nouvelle question",
    ),
)


def concept_breaks(start: int, end: int, *, topics: Iterable[str] = TOPICS) -> list[str]:
    """French warnings for the concept breaks crossed between vintages ``start`` and ``end``.

    A break introduced with vintage ``B`` is crossed when ``start < B <= end``.

    Parameters
    ----------
    start, end
        Census vintages, ``start < end``.
    topics
        Which series the caller compares: ``"couples"`` (couples and families) and/or
        ``"etat_matrimonial"`` (legal marital status). Defaults to both.

    Returns
    -------
    list of str
        One warning per crossed break, in chronological order.

    Raises
    ------
    ValueError
        When ``end <= start`` or a topic is unknown.
    """
    _check_order(start, end)
    wanted = set(topics)
    unknown = wanted - set(TOPICS)
    if unknown:
        raise ValueError(f"unknown topic(s) {sorted(unknown)}; expected some of {TOPICS}")
    return [
        f"Rupture de série entre {start} et {end} : {brk.description} ; les millésimes "
        f"comparés ne reposent pas sur le même concept."
        for brk in CONCEPT_BREAKS
        if brk.topic in wanted and start < brk.first_vintage <= end
    ]
