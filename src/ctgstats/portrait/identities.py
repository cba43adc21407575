"""Additive identities of the census files, checked on their raw commune rows.

INSEE's census bases hold totals and their parts (households = one-person households +
households without family + households with family(ies), population = its age groups …).
The published values are weighted estimates with decimals (methodology rule 3) and add up
to within rounding. A file that breaks an identity was altered (shifted columns, edited
cells, a wrong extract); a file that holds only whole numbers was rounded or truncated by
whoever redistributed it. Both are said in the portrait's "points de vigilance".

Rules (the variant chosen is written here and in the sentences):

* **Identities.** For every vintage prefix of a file (``P22_``, ``C16_`` …), the identities
  of :data:`IDENTITIES` whose columns are all present, plus the age identities: every
  total ``P{yy}_POP`` / ``P{yy}_POPH`` / ``P{yy}_POPF`` and every published age group
  (``P22_POP15P``, ``P22_POP1564`` …) equals the sum of any chain of disjoint published
  groups of the same vintage and sex that covers its ages exactly (the groups are those
  :func:`ctgstats.portrait.demography.age_groups` reads), and ``P{yy}_POP{ages}`` =
  ``P{yy}_H{ages}`` + ``P{yy}_F{ages}``. A commune with a missing value in an identity is
  not checked on it. The residual is ``total − Σ parts``.
* **Decimal values** (the identity's columns hold non-integers somewhere in the file): a
  residual breaks the identity when ``|r| > 0.01 × n + 1e-6`` for ``n`` parts (INSEE
  publishes about 15 significant digits, so this also admits files rounded to two
  decimals: each of the ``n + 1`` values is then off by at most 0.005). When every value
  has at most ``d`` decimals (``d`` = 1 … 6) the bound is at least the rounding bound
  ``0.5 × 10^-d × (n + 1)``.
* **Whole numbers** (every value of the identity's columns is an integer). Truncating each
  value to its integer part gives ``r ∈ [0, n − 1]``; rounding it to the nearest integer
  gives ``|r| ≤ ⌊(n + 1) / 2⌋``. The file's pattern is the hypothesis (truncation or
  rounding) that the fewest (commune, identity) residuals violate, truncation on a tie;
  the residuals violating it are breaks. No sentence when every residual is 0.
* **Whole numbers where INSEE publishes decimals**: ``C`` variables (complementary
  exploitation, a weighted sample) in every commune, and ``P`` variables of the communes
  with ``P{yy}_POP`` ≥ 10,000 (weighted sample of the annual surveys). When at least
  :data:`MIN_INTEGER_CELLS` non-zero such cells are all integers, the file gets the
  "nombres entiers" point (zeros and a handful of cells prove nothing). INSEE's ``P``
  variables of smaller communes are usually decimals too (counts brought to the reference
  year), but a whole number there is not proof of rounding, so they do not count.

The checks run in :func:`ctgstats.portrait.build.load_census` on each file's rows as read
(before harmonisation, so that a merge does not add residuals up) and their sentences
(:func:`identity_points`) join the portrait's vigilance list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ctgstats.data.variables import full_year
from ctgstats.portrait.demography import AgeGroup, Sex, age_groups
from ctgstats.present.formatting import fr_number

__all__ = [
    "IDENTITIES",
    "LARGE_COMMUNE",
    "MIN_INTEGER_CELLS",
    "TOLERANCE_PER_PART",
    "FileIdentities",
    "Identity",
    "IdentityTemplate",
    "check_file",
    "decimal_tolerance",
    "file_points",
    "identities_of",
    "identity_points",
]

TOLERANCE_PER_PART = 0.01
"""Allowed ``|total − Σ parts|`` per part for decimal values (plus :data:`ABSOLUTE_TOLERANCE`)."""
ABSOLUTE_TOLERANCE = 1e-6
LARGE_COMMUNE = 10_000
"""From this population INSEE's ``P`` variables come from a sample too (decimals)."""
MIN_INTEGER_CELLS = 20
"""Non-zero cells expected to hold decimals needed before "whole numbers" is said."""
MAX_CODES = 5
"""Commune codes shown in a sentence."""
MAX_AGE_CHAINS = 8
"""Age chains checked per total (the published partitions are far fewer)."""
MAX_DECIMALS = 6

_VINTAGE = re.compile(r"^(?P<expl>[PC])(?P<yy>\d{2})_")

_HOUSEHOLDS = {
    "MEN": "ménages",
    "MENPSEUL": "ménages d'une personne seule",
    "MENHSEUL": "hommes seuls",
    "MENFSEUL": "femmes seules",
    "MENSFAM": "autres ménages sans famille",
    "MENFAM": "ménages avec famille(s)",
    "MENCOUPSENF": "ménages dont la famille principale est un couple sans enfant",
    "MENCOUPAENF": "ménages dont la famille principale est un couple avec enfant(s)",
    "MENFAMMONO": "ménages dont la famille principale est monoparentale",
}
LABELS: dict[str, str] = {
    "FAM": "familles",
    "COUPAENF": "couples avec enfant(s)",
    "FAMMONO": "familles monoparentales",
    "COUPSENF": "couples sans enfant",
    "HMONO": "pères seuls avec enfant(s)",
    "FMONO": "mères seules avec enfant(s)",
    "NE24F0": "familles sans enfant de moins de 25 ans",
    "NE24F1": "avec 1 enfant de moins de 25 ans",
    "NE24F2": "avec 2",
    "NE24F3": "avec 3",
    "NE24F4P": "avec 4 ou plus",
    **_HOUSEHOLDS,
    "PMEN": "population des ménages",
    **{
        f"PMEN_{key}": f"personnes des {label}"
        for key, label in _HOUSEHOLDS.items()
        if key != "MEN"
    },
    "POP": "population",
    "POPH": "hommes",
    "POPF": "femmes",
    "POP15P": "population de 15 ans ou plus",
    "POP15P_MARIEE": "personnes mariées",
    "POP15P_PACSEE": "pacsées",
    "POP15P_CONCUB_UNION_LIBRE": "en concubinage ou union libre",
    "POP15P_VEUFS": "veuves",
    "POP15P_DIVORCEE": "divorcées",
    "POP15P_CELIBATAIRE": "célibataires",
    "LOG": "logements",
    "RP": "résidences principales",
    "RSECOCC": "résidences secondaires et logements occasionnels",
    "LOGVAC": "logements vacants",
    "RP_PROP": "propriétaires",
    "RP_LOC": "locataires",
    "RP_GRAT": "logés gratuitement",
}
"""French words of the variables (without vintage prefix)."""


@dataclass(frozen=True)
class IdentityTemplate:
    """``total = Σ parts`` for one exploitation, names without the vintage prefix."""

    exploitation: Literal["P", "C"]
    total: str
    parts: tuple[str, ...]


def _t(expl: Literal["P", "C"], total: str, *parts: str) -> IdentityTemplate:
    return IdentityTemplate(expl, total, parts)


IDENTITIES: tuple[IdentityTemplate, ...] = (
    _t("C", "FAM", "COUPAENF", "FAMMONO", "COUPSENF"),
    _t("C", "FAM", "NE24F0", "NE24F1", "NE24F2", "NE24F3", "NE24F4P"),
    _t("C", "FAMMONO", "HMONO", "FMONO"),
    _t("C", "MEN", "MENPSEUL", "MENSFAM", "MENFAM"),
    _t("C", "MENPSEUL", "MENHSEUL", "MENFSEUL"),
    _t("C", "MENFAM", "MENCOUPSENF", "MENCOUPAENF", "MENFAMMONO"),
    _t("C", "PMEN", "PMEN_MENPSEUL", "PMEN_MENSFAM", "PMEN_MENFAM"),
    _t("C", "PMEN_MENPSEUL", "PMEN_MENHSEUL", "PMEN_MENFSEUL"),
    _t("C", "PMEN_MENFAM", "PMEN_MENCOUPSENF", "PMEN_MENCOUPAENF", "PMEN_MENFAMMONO"),
    _t("P", "POP", "POPH", "POPF"),
    _t(
        "P",
        "POP15P",
        "POP15P_MARIEE",
        "POP15P_PACSEE",
        "POP15P_CONCUB_UNION_LIBRE",
        "POP15P_VEUFS",
        "POP15P_DIVORCEE",
        "POP15P_CELIBATAIRE",
    ),
    _t("P", "LOG", "RP", "RSECOCC", "LOGVAC"),
    _t("P", "RP", "RP_PROP", "RP_LOC", "RP_GRAT"),
    # emploi - population active, diplômes - formation, caractéristiques de l'emploi
    _t("P", "POP1564", "POP1524", "POP2554", "POP5564"),
    _t("P", "ACT1564", "ACTOCC1564", "CHOM1564"),
    _t("P", "ACT1524", "ACTOCC1524", "CHOM1524"),
    _t("P", "INACT1564", "ETUD1564", "RETR1564", "AINACT1564"),
    _t(
        "P",
        "NSCOL15P",
        "NSCOL15P_DIPLMIN",
        "NSCOL15P_BEPC",
        "NSCOL15P_CAPBEP",
        "NSCOL15P_BAC",
        "NSCOL15P_SUP2",
        "NSCOL15P_SUP34",
        "NSCOL15P_SUP5",
    ),
    _t("P", "NSCOL15P", "NSCOL15P_DIPLMIN", "NSCOL15P_CAPBEP", "NSCOL15P_BAC", "NSCOL15P_SUP"),
    _t("P", "ACTOCC15P", "ACTOCC15P_ILT1", "ACTOCC15P_ILT2P"),
)
"""Identities checked for every vintage whose columns are all present (age ones apart)."""


@dataclass(frozen=True)
class Identity:
    """One identity on actual columns: ``total = Σ parts``, described in French."""

    total: str
    parts: tuple[str, ...]
    description: str

    @property
    def columns(self) -> list[str]:
        """Total first, then the parts."""
        return [self.total, *self.parts]


# ----------------------------------------------------------------------- identities


def _vintages(columns: Iterable[str]) -> list[tuple[str, str]]:
    """``(exploitation, yy)`` prefixes present, newest vintage first."""
    found = {(m["expl"], m["yy"]) for c in columns if (m := _VINTAGE.match(str(c)))}
    return sorted(found, key=lambda item: (-full_year(item[1]), item[0]))


def _words(name: str) -> str:
    return LABELS.get(name, name)


def _template_identity(template: IdentityTemplate, yy: str) -> Identity:
    prefix = f"{template.exploitation}{yy}_"
    parts = " + ".join(_words(p) for p in template.parts)
    description = f"{_words(template.total)} ({prefix}{template.total}) = {parts}"
    return Identity(
        f"{prefix}{template.total}", tuple(prefix + p for p in template.parts), description
    )


def _chains(groups: Sequence[AgeGroup], low: int, end: float) -> list[list[AgeGroup]]:
    """Chains of contiguous groups covering exactly ``[low, end)`` (at most MAX_AGE_CHAINS)."""
    found: list[list[AgeGroup]] = []

    def extend(path: list[AgeGroup], at: float) -> None:
        if len(found) >= MAX_AGE_CHAINS:
            return
        if at == end:
            found.append(path)
            return
        for group in groups:
            if group.low == at and group.end <= end and not (group.low == low and group.end == end):
                extend([*path, group], group.end)

    extend([], float(low))
    return found


def _who_words(who: str) -> str:
    return {"POP": "population", "H": "hommes", "F": "femmes"}[who]


def _age_identities(columns: Sequence[str], yy: str) -> list[Identity]:
    year = full_year(yy)
    present = set(columns)
    result: list[Identity] = []
    sexes: tuple[tuple[str, str, Sex | None], ...] = (
        ("POP", "POP", None),
        ("H", "POPH", "H"),
        ("F", "POPF", "F"),
    )
    for who, whole, sex in sexes:
        groups = age_groups(columns, year=year, sex=sex)
        totals: list[tuple[str, int, float, str]] = []
        if f"P{yy}_{whole}" in present:
            totals.append((f"P{yy}_{whole}", 0, math.inf, _words(whole)))
        totals.extend((g.column, g.low, g.end, f"{_who_words(who)} de {g.label}") for g in groups)
        for column, low, end, words in totals:
            for chain in _chains(groups, low, end):
                span = ", …, ".join(dict.fromkeys([chain[0].label, chain[-1].label]))
                description = f"{words} ({column}) = somme de {len(chain)} tranches d'âge ({span})"
                result.append(Identity(column, tuple(g.column for g in chain), description))
    # population of an age group = men + women of the same ages
    for group in age_groups(columns, year=year):
        ages = group.column[len(f"P{yy}_POP") :]
        men, women = f"P{yy}_H{ages}", f"P{yy}_F{ages}"
        if men in present and women in present:
            description = (
                f"population de {group.label} ({group.column}) = hommes + femmes du même âge"
            )
            result.append(Identity(group.column, (men, women), description))
    return result


def identities_of(columns: Iterable[str]) -> list[Identity]:
    """Every identity whose columns are all in ``columns``, for every vintage present.

    Parameters
    ----------
    columns
        Column names of a census file (``P22_POP``, ``C16_MEN`` …).

    Returns
    -------
    list of Identity
        Newest vintage first; the :data:`IDENTITIES` of each exploitation, then the age
        identities of the ``P`` vintages.
    """
    names = [str(c) for c in columns]
    present = set(names)
    result: list[Identity] = []
    for expl, yy in _vintages(names):
        for template in IDENTITIES:
            if template.exploitation != expl:
                continue
            identity = _template_identity(template, yy)
            if all(c in present for c in identity.columns):
                result.append(identity)
        if expl == "P":
            result.extend(_age_identities(names, yy))
    return result


# --------------------------------------------------------------------------- checking


def decimal_tolerance(parts: int, decimals: int | None = None) -> float:
    """Largest ``|total − Σ parts|`` accepted for decimal values.

    Parameters
    ----------
    parts
        Number of parts ``n``.
    decimals
        Number of decimals every value has at most (None: full precision).

    Returns
    -------
    float
        ``0.01 × n + 1e-6``, or the rounding bound ``0.5 × 10^-d × (n + 1) + 1e-6`` when it is
        larger.
    """
    tolerance = TOLERANCE_PER_PART * parts
    if decimals is not None:
        tolerance = max(tolerance, 0.5 * 10.0**-decimals * (parts + 1))
    return tolerance + ABSOLUTE_TOLERANCE


def _decimals(values: np.ndarray) -> int | None:
    """Fewest decimals (0 … MAX_DECIMALS) that every value has, None for more."""
    for digits in range(MAX_DECIMALS + 1):
        scaled = values * 10.0**digits
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-6):
            return digits
    return None


@dataclass
class Residuals:
    """Residuals ``total − Σ parts`` of one identity over the communes where it is defined."""

    identity: Identity
    values: pd.Series
    decimals: int | None

    @property
    def n(self) -> int:
        """Number of parts."""
        return len(self.identity.parts)

    @property
    def integer(self) -> bool:
        """Every value of the identity's columns is a whole number."""
        return self.decimals == 0


@dataclass
class Break:
    """Communes where an identity fails, with their residuals (code order)."""

    identity: Identity
    residuals: pd.Series
    bound: str  # French: what was expected


@dataclass
class FileIdentities:
    """What the identity checks found in one file."""

    label: str
    communes: int
    checked: list[Identity] = field(default_factory=list)
    integer_cells: bool = False
    pattern: Literal["none", "exact", "truncated", "rounded"] = "none"
    excess_communes: int = 0
    residual_range: tuple[float, float] = (0.0, 0.0)
    example: Identity | None = None
    breaks: list[Break] = field(default_factory=list)


def _residuals(table: pd.DataFrame, identity: Identity) -> Residuals:
    frame = table[identity.columns].dropna()
    values = frame.to_numpy().ravel()
    decimals = _decimals(values) if len(values) else 0
    residual = frame[identity.total] - frame[list(identity.parts)].sum(axis=1)
    return Residuals(identity, residual, decimals)


def _expected_decimal_cells(table: pd.DataFrame) -> np.ndarray:
    """Non-zero values of the cells INSEE publishes with decimals (C; P of large communes)."""
    chunks: list[np.ndarray] = []
    for expl, yy in _vintages(table.columns):
        columns = [c for c in table.columns if str(c).startswith(f"{expl}{yy}_")]
        block = table[columns].apply(pd.to_numeric, errors="coerce").astype("float64")
        if expl == "P":
            population = f"P{yy}_POP"
            if population not in table.columns:
                continue
            block = block[pd.to_numeric(table[population], errors="coerce") >= LARGE_COMMUNE]
        values = block.to_numpy().ravel()
        chunks.append(values[~np.isnan(values) & (values != 0)])
    return np.concatenate(chunks) if chunks else np.array([])


def check_file(
    table: pd.DataFrame, *, label: str, min_integer_cells: int = MIN_INTEGER_CELLS
) -> FileIdentities:
    """Check the additive identities on the raw commune rows of one census file.

    Parameters
    ----------
    table
        The file's rows (one per commune, code-indexed), as read.
    label
        The file's name, for the sentences.
    min_integer_cells
        Non-zero cells expected to hold decimals needed to call the file "whole numbers".

    Returns
    -------
    FileIdentities
        Identities checked, integer finding, truncation/rounding pattern and breaks (see the
        module docstring for the rules).
    """
    numeric = table.select_dtypes("number").astype("float64")  # converted once, not per identity
    report = FileIdentities(label=label, communes=len(table))
    report.checked = identities_of(numeric.columns)
    cells = _expected_decimal_cells(numeric)
    report.integer_cells = len(cells) >= min_integer_cells and bool(
        np.all(np.abs(cells - np.round(cells)) <= 1e-9)
    )
    results = [_residuals(numeric, identity) for identity in report.checked]
    for result in results:
        if result.integer:
            continue
        tolerance = decimal_tolerance(result.n, result.decimals)
        bad = result.values[result.values.abs() > tolerance]
        if len(bad):
            report.breaks.append(
                Break(result.identity, bad, f"au plus {fr_number(tolerance, 2)} en valeur absolue")
            )
    whole = [r for r in results if r.integer and len(r.values)]
    if not whole:
        return report
    nonzero = [r for r in whole if (r.values != 0).any()]
    if not nonzero:
        report.pattern = "exact"
        return report

    def truncation_breaks(r: Residuals) -> pd.Series:
        return r.values[(r.values < 0) | (r.values > r.n - 1)]

    def rounding_breaks(r: Residuals) -> pd.Series:
        return r.values[r.values.abs() > (r.n + 1) // 2]

    truncated = sum(len(truncation_breaks(r)) for r in whole)
    rounded = sum(len(rounding_breaks(r)) for r in whole)
    report.pattern = "truncated" if truncated <= rounded else "rounded"
    violations = truncation_breaks if report.pattern == "truncated" else rounding_breaks
    kept: list[pd.Series] = []
    for r in whole:
        bad = violations(r)
        if len(bad):
            bound = (
                f"entre 0 et {r.n - 1} pour un fichier tronqué à l'entier"
                if report.pattern == "truncated"
                else f"au plus {(r.n + 1) // 2} en valeur absolue pour un fichier arrondi"
            )
            report.breaks.append(Break(r.identity, bad, bound))
        kept.append(r.values.drop(bad.index))
    good = pd.concat(kept, axis=1) if kept else pd.DataFrame()
    nonzero_rows = good.fillna(0).ne(0).any(axis=1)
    report.excess_communes = int(nonzero_rows.sum())
    flat = good.stack()
    report.residual_range = (float(flat.min()), float(flat.max())) if len(flat) else (0.0, 0.0)
    report.example = max(
        nonzero,
        key=lambda r: float(
            np.max(r.values.drop(violations(r).index).abs().to_numpy(), initial=0.0)
        ),
    ).identity
    return report


# -------------------------------------------------------------------------- sentences

INTEGER_SENTENCE = (
    "les effectifs de ce fichier sont des nombres entiers alors que l'Insee publie des "
    "effectifs pondérés à décimales : le fichier a probablement été arrondi ou tronqué ; "
    "les totaux peuvent être légèrement sous-estimés."
)


def _fr_residual(value: float) -> str:
    return fr_number(value, 0 if value.is_integer() else 2, typographic_minus=True)


def _codes(residuals: pd.Series) -> str:
    ordered = residuals.sort_index()
    shown = [
        f"{code} : écart {_fr_residual(float(value))}"
        for code, value in ordered.head(MAX_CODES).items()
    ]
    more = " …" if len(ordered) > MAX_CODES else ""
    return " ; ".join(shown) + more


def file_points(report: FileIdentities) -> list[str]:
    """French vigilance points of one file's identity checks (empty when all is well)."""
    points: list[str] = []
    label = report.label
    if report.integer_cells:
        points.append(f"{label} : {INTEGER_SENTENCE}")
    low, high = report.residual_range
    example = f" (par exemple {report.example.description})" if report.example else ""
    after = " (hors les écarts signalés ci-après)" if report.breaks else ""
    if report.pattern == "truncated" and report.excess_communes:
        points.append(
            f"{label} : effectifs tronqués à l'entier. Dans {report.excess_communes} commune(s) "
            f"sur {report.communes}, un total dépasse la somme de ses parties, d'au plus "
            f"{fr_number(high, 0)}{example}, sans jamais lui être inférieur{after} : c'est la "
            "signature de valeurs dont la partie décimale a été supprimée (un total de n parties "
            "dépasse alors leur somme de 0 à n − 1). Chaque effectif est inférieur de moins "
            "d'une unité à celui de l'Insee : les totaux sont légèrement sous-estimés."
        )
    elif report.pattern == "rounded" and report.excess_communes:
        points.append(
            f"{label} : effectifs arrondis à l'entier. Dans {report.excess_communes} commune(s) "
            f"sur {report.communes}, un total diffère de la somme de ses parties (de "
            f"{fr_number(low, 0, typographic_minus=True)} à {fr_number(high, 0)}){example}"
            f"{after}, dans les bornes de l'arrondi (au plus la moitié de n + 1 pour un total "
            "de n parties). Chaque effectif peut différer d'une demi-unité de celui de l'Insee."
        )
    for found in report.breaks:
        count = len(found.residuals)
        points.append(
            f"{label} : l'identité « {found.identity.description} » n'est pas vérifiée dans "
            f"{count} commune(s) ({_codes(found.residuals)}) ; l'écart total − somme des parties "
            f"devrait être {found.bound}. Vérifier ces lignes du fichier (colonnes décalées, "
            "valeurs modifiées ou extrait d'une autre base) avant d'en utiliser les chiffres."
        )
    return points


def identity_points(
    table: pd.DataFrame, *, label: str, min_integer_cells: int = MIN_INTEGER_CELLS
) -> list[str]:
    """:func:`check_file` then :func:`file_points`: the vigilance points of one census file."""
    return file_points(check_file(table, label=label, min_integer_cells=min_integer_cells))
