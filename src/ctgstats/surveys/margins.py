"""Census margins of the territory for raking a survey (methodology rule 13).

The margins come from the portrait of the same territory and COG year, last census
vintage, principal exploitation (``P`` variables), restricted to the survey's universe:
the age groups its ``age`` question maps to (e.g. 15 years or more). Each option of an
``age`` or ``sexe`` descriptor lists the census groups it covers (codebook ``census``);
``commune`` options are commune codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ctgstats.data.variables import yy
from ctgstats.surveys.codebook import Codebook


class MarginsUnavailable(ValueError):
    """The census files cannot give the requested margins (the message says why).

    An internal signal, not a :class:`~ctgstats.core.errors.CtgstatsError`:
    :func:`ctgstats.surveys.analysis.analyse` catches it and reports unweighted results
    with the reason; it never reaches the user as an error.
    """


@dataclass
class CensusMargins:
    """Population totals by category (option code) for each raked descriptor."""

    margins: dict[str, pd.Series]
    year: int
    universe: str
    notes: list[str] = field(default_factory=list)


def _groups_of(codebook: Codebook, descriptor: str) -> dict[str, tuple[str, ...]]:
    question = codebook.descriptors.get(descriptor)
    if question is None:
        raise MarginsUnavailable(
            f"le codebook ne déclare pas de question décrivant « "
            f"{descriptor} » (describes: {descriptor})"
        )
    return {o.code: o.census for o in question.options if o.census}


def _column(year: int, prefix: str, group: str) -> str:
    return f"P{yy(year)}_{prefix}{group}"


def _sum(values: pd.Series, columns: Sequence[str], what: str) -> float:
    missing = [c for c in columns if c not in values.index or pd.isna(values[c])]
    if missing:
        raise MarginsUnavailable(
            f"{what} : variables {', '.join(missing)} absentes des fichiers du recensement"
        )
    return float(values[list(columns)].sum())


def census_margins(portrait, codebook: Codebook, *, descriptors: Sequence[str]) -> CensusMargins:
    """Margins of ``descriptors`` (age, sexe, commune) for the portrait's territory.

    Raises
    ------
    MarginsUnavailable
        When the codebook or the census files cannot give a margin.
    """
    year = portrait.last_year
    totals = portrait.census_totals.loc[portrait.territory.id]
    age_groups = _groups_of(codebook, "age") if "age" in codebook.descriptors else {}
    universe = sorted({g for groups in age_groups.values() for g in groups})
    margins: dict[str, pd.Series] = {}
    for descriptor in descriptors:
        if descriptor == "age":
            margins["age"] = pd.Series(
                {
                    code: _sum(totals, [_column(year, "POP", g) for g in groups], "âge")
                    for code, groups in age_groups.items()
                }
            )
        elif descriptor == "sexe":
            sexes = _groups_of(codebook, "sexe")
            values = {}
            for code, groups in sexes.items():
                columns = (
                    [_column(year, sex, g) for sex in groups for g in universe]
                    if universe
                    else [f"P{yy(year)}_POP{sex}" for sex in groups]
                )
                values[code] = _sum(totals, columns, "sexe")
            margins["sexe"] = pd.Series(values)
        elif descriptor == "commune":
            margins["commune"] = _commune_margin(portrait, codebook, universe, year)
        else:
            raise MarginsUnavailable(f"pas de marge du recensement pour « {descriptor} »")
    label = (
        f"population de {_universe_label(universe)} du territoire, RP{year}"
        if universe
        else f"population du territoire, RP{year}"
    )
    return CensusMargins(margins=margins, year=year, universe=label)


def _commune_margin(portrait, codebook: Codebook, universe: Sequence[str], year: int) -> pd.Series:
    question = codebook.descriptors.get("commune")
    if question is None:
        raise MarginsUnavailable("le codebook ne déclare pas de question « commune »")
    members = set(portrait.territory.communes or ())
    communes = portrait.census_communes
    columns = [_column(year, "POP", g) for g in universe] or [f"P{yy(year)}_POP"]
    values = {}
    for option in question.options:
        if option.code in members:
            if option.code not in communes.index:
                raise MarginsUnavailable(f"commune {option.code} absente du recensement")
            values[option.code] = _sum(communes.loc[option.code], columns, "commune")
    return pd.Series(values)


def _universe_label(groups: Sequence[str]) -> str:
    starts = sorted(int(g[:2]) for g in groups)
    return f"{starts[0]} ans ou plus" if starts else "tous âges"
