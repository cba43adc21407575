"""Population, growth, natural balance and age structure from census totals.

Every public computation takes ``totals``: one row per territory (index = territory id,
a string), one column per INSEE variable (``P22_POP``, ``NAIS1622`` …), float values that
are sums of communes (numerators and denominators summed before any ratio, rule 11). It
returns a figures frame (:data:`ctgstats.core.figures.FIGURE_COLUMNS`). A figure that cannot be
computed — column absent from the files, NaN for a territory, age groups not published —
is kept as a row with ``disponible=False`` and the French reason in ``note``.

Age groups are read from the column names: ``P22_POP0014`` is 0-14 years, ``P22_POP80P``
80 years or more, ``P22_H0014`` / ``P22_F0014`` the same by sex. Several partitions coexist
(0-14/15-29/…/90+, 0-2/3-5/…/80+, 0-19/20-64/65+, 15-19/20-24/…/80+ in the households
file); an age band is derived only when a set of disjoint published groups of the same
vintage covers it exactly (:func:`find_age_cover`). Nothing is ever interpolated.

The helpers :func:`lookup`, :func:`join_notes`, :func:`census_source` and
:func:`small_count_note` are shared with :mod:`ctgstats.portrait.families`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal, cast

import pandas as pd

from ctgstats.core.comparability import check_vintages
from ctgstats.core.figures import figure, to_frame
from ctgstats.data.variables import births, deaths, rp, yy
from ctgstats.present.formatting import fr_number, fr_percent, fr_period

__all__ = [
    "DEFAULT_SMALL_COUNT_THRESHOLD",
    "AGE_BANDS",
    "PREFERRED_PARTITIONS",
    "AgeGroup",
    "lookup",
    "join_notes",
    "figure_note",
    "census_source",
    "small_count_note",
    "tcam",
    "split_growth_rate",
    "population",
    "population_change",
    "natural_balance",
    "age_label",
    "age_groups",
    "find_age_cover",
    "age_cover",
    "age_total",
    "age_structure",
    "age_groups_table",
    "pyramid",
]

DEFAULT_SMALL_COUNT_THRESHOLD = 200.0
"""Counts below this are flagged as small (methodology rule 4)."""

MIGRATION_NOTE = "apparent : inclut les écarts de mesure du recensement"

Sex = Literal["H", "F"]

# ------------------------------------------------------------------ shared helpers


def _check_totals(totals: pd.DataFrame) -> None:
    if not totals.index.is_unique:
        duplicated = sorted(set(map(str, totals.index[totals.index.duplicated()])))
        raise ValueError(f"totals: duplicated territory ids {duplicated[:5]}")


def _plural(columns: Sequence[str], singular: str, plural: str) -> str:
    names = ", ".join(columns)
    return f"{'variable' if len(columns) == 1 else 'variables'} {names} " + (
        singular if len(columns) == 1 else plural
    )


def lookup(
    totals: pd.DataFrame, territory: object, columns: Sequence[str]
) -> tuple[dict[str, float] | None, str]:
    """Values of ``columns`` for one territory, or None and the French reason.

    Parameters
    ----------
    totals
        Census totals (index = territory ids, columns = INSEE variables).
    territory
        One index value of ``totals``.
    columns
        Column names needed by a figure.

    Returns
    -------
    (dict or None, str)
        ``({column: value}, "")`` when every column exists and is a number for that
        territory; ``(None, "non disponible : …")`` naming the absent columns first, then
        the NaN ones.
    """
    absent = [c for c in columns if c not in totals.columns]
    if absent:
        return None, "non disponible : " + _plural(
            absent, "absente des fichiers", "absentes des fichiers"
        )
    values = {c: float(totals.at[territory, c]) for c in columns}
    empty = [c for c in columns if math.isnan(values[c])]
    if empty:
        return None, "non disponible : " + _plural(
            empty, "non renseignée pour ce territoire", "non renseignées pour ce territoire"
        )
    return values, ""


def join_notes(*parts: str) -> str:
    """Join the non-empty French notes with ``" ; "``."""
    return " ; ".join(p for p in parts if p)


def figure_note(reason: str, *cautions: str) -> str:
    """The note of a figure: its "non disponible" reason alone, else the joined cautions."""
    return reason if reason else join_notes(*cautions)


def census_source(*years: int, exploitation: Literal["P", "C"] = "P") -> str:
    """``"Insee, RP2022, exploitation principale"`` / ``"Insee, RP2011 et RP2022, …"``."""
    label = "exploitation principale" if exploitation == "P" else "exploitation complémentaire"
    vintages = [f"RP{y}" for y in years]
    joined = vintages[0] if len(vintages) == 1 else ", ".join(vintages[:-1]) + " et " + vintages[-1]
    return f"Insee, {joined}, {label}"


def _threshold_text(threshold: float) -> str:
    return fr_number(threshold, 0 if float(threshold).is_integer() else 1)


def small_count_note(
    counts: Iterable[float], threshold: float | None, *, sampled: bool, when: str = ""
) -> str:
    """Caution when any of ``counts`` is below ``threshold`` (rule 4), else ``""``.

    Parameters
    ----------
    counts
        The counts a figure rests on (numerator, and denominator for a ratio).
    threshold
        The documented threshold; None disables the flag.
    sampled
        True for complementary-exploitation (``C``) counts, which are sample estimates.
    when
        Optional French precision inserted after the threshold, e.g. ``" en 2016 ou 2022"``.
    """
    if threshold is None or not any(c < threshold for c in counts):
        return ""
    text = f"effectif faible (< {_threshold_text(threshold)}){when}"
    if sampled:
        return text + " : estimation par sondage, à interpréter avec prudence"
    return text + " : à interpréter avec prudence"


def _period_years(start: int, end: int) -> int:
    if end <= start:
        raise ValueError(f"end ({end}) must be after start ({start})")
    return end - start


# ------------------------------------------------------------------ population


def population(totals: pd.DataFrame, *, years: Iterable[int] | int) -> pd.DataFrame:
    """Population of each territory for each census vintage.

    Parameters
    ----------
    totals
        Census totals with ``P{yy}_POP`` columns.
    years
        Census vintages (e.g. ``[2011, 2016, 2022]``).

    Returns
    -------
    pandas.DataFrame
        Figures ``population`` (unite "habitants"), one row per territory and vintage.
    """
    _check_totals(totals)
    vintages = [years] if isinstance(years, int) else list(years)
    rows = []
    for territory in totals.index:
        for year in vintages:
            column = rp("P", year, "POP")
            values, reason = lookup(totals, territory, [column])
            rows.append(
                figure(
                    territory,
                    "population",
                    year,
                    values[column] if values else None,
                    unite="habitants",
                    source=census_source(year),
                    definition=f"Population municipale au recensement de {year}",
                    note=reason,
                )
            )
    return to_frame(rows)


def tcam(p_start: float, p_end: float, years: float) -> float:
    """Annual average growth rate in percent: ``((p_end / p_start) ** (1 / years) - 1) * 100``.

    ``years`` is the real gap between the two vintages (never a hard-coded 5).
    """
    return ((p_end / p_start) ** (1.0 / years) - 1.0) * 100.0


def population_change(totals: pd.DataFrame, *, start: int, end: int) -> pd.DataFrame:
    """Change of population between two census vintages.

    Parameters
    ----------
    totals
        Census totals with ``P{yy}_POP`` for both vintages.
    start, end
        Census vintages, ``start < end``; ``n = end - start`` is the real gap.

    Returns
    -------
    pandas.DataFrame
        ``population_evolution`` (habitants), ``population_evolution_pct`` (%) and
        ``population_tcam`` (%/an), with the vintage-gap warning (rule 1) in ``note``.
    """
    _check_totals(totals)
    n = _period_years(start, end)
    p0, p1 = rp("P", start, "POP"), rp("P", end, "POP")
    period = fr_period(start, end)
    source = census_source(start, end)
    caution = join_notes(*check_vintages(start, end))
    rows = []
    for territory in totals.index:
        values, reason = lookup(totals, territory, [p0, p1])
        change = pct = rate = None
        ratio_reason = reason
        if values:
            change = values[p1] - values[p0]
            if values[p0] > 0:
                pct = (values[p1] / values[p0] - 1.0) * 100.0
                rate = tcam(values[p0], values[p1], n)
            else:
                ratio_reason = f"non disponible : population nulle en {start}"
        rows.append(
            figure(
                territory,
                "population_evolution",
                period,
                change,
                unite="habitants",
                source=source,
                definition=f"Variation de la population municipale entre {start} et {end} "
                f"(population {end} − population {start})",
                note=figure_note(reason, caution),
            )
        )
        rows.append(
            figure(
                territory,
                "population_evolution_pct",
                period,
                pct,
                unite="%",
                source=source,
                definition=f"Variation relative de la population municipale entre {start} et "
                f"{end} : (population {end} / population {start} − 1) × 100",
                note=figure_note(ratio_reason, caution),
            )
        )
        rows.append(
            figure(
                territory,
                "population_tcam",
                period,
                rate,
                unite="%/an",
                source=source,
                definition=f"Taux de croissance annuel moyen de la population entre {start} et "
                f"{end} : ((population {end} / population {start})^(1/{n}) − 1) × 100, "
                f"sur {n} ans",
                note=figure_note(ratio_reason, caution),
            )
        )
    return to_frame(rows)


def split_growth_rate(
    p_start: float,
    p_end: float,
    natural: float,
    years: float,
    *,
    stable_share: float = 0.001,
    stable_count: float = 1.0,
) -> tuple[float, float, bool]:
    """Split the TCAM into the parts due to the natural and the apparent migration balance.

    INSEE-style: natural part = TCAM × natural balance / population change, migration part
    = TCAM − natural part. When the population change is about zero
    (``|ΔP| < stable_share × p_start`` or ``|ΔP| < stable_count``) that ratio is unstable,
    so the natural part is ``natural / (years × mean population) × 100`` instead (mean of
    the two populations) and the migration part is still the remainder.

    Parameters
    ----------
    p_start, p_end
        Populations at both vintages (``p_start > 0``).
    natural
        Births − deaths over the same period.
    years
        Real number of years between the vintages.
    stable_share, stable_count
        Thresholds of the "about zero" guard (0.1 % of ``p_start``, 1 person).

    Returns
    -------
    (float, float, bool)
        Natural part and migration part in %/an, and whether the guard was used.
    """
    rate = tcam(p_start, p_end, years)
    change = p_end - p_start
    stable = abs(change) < stable_share * p_start or abs(change) < stable_count
    if stable:
        natural_rate = natural / (years * (p_start + p_end) / 2.0) * 100.0
    else:
        natural_rate = rate * natural / change
    return natural_rate, rate - natural_rate, stable


def _period_figure(
    territory: str,
    ident: str,
    value: float | None,
    unite: str,
    definition: str,
    note: str,
    *,
    period: str,
    source: str,
) -> dict[str, object]:
    return figure(
        territory,
        ident,
        period,
        value,
        unite=unite,
        source=source,
        definition=definition,
        note=note,
    )


def natural_balance(
    totals: pd.DataFrame,
    *,
    start: int,
    end: int,
    stable_share: float = 0.001,
    stable_count: float = 1.0,
) -> pd.DataFrame:
    """Births, deaths, natural and apparent migration balances, and the split of the TCAM.

    Parameters
    ----------
    totals
        Census totals with ``NAIS{yy0}{yy1}``, ``DECE{yy0}{yy1}`` (séries historiques,
        births and deaths between 1 January ``start`` and 1 January ``end``) and
        ``P{yy}_POP`` for both vintages.
    start, end
        Census vintages, ``start < end``.
    stable_share, stable_count
        Guard of :func:`split_growth_rate` (population change about zero).

    Returns
    -------
    pandas.DataFrame
        ``naissances``, ``deces``, ``solde_naturel``, ``solde_migratoire_apparent``
        (habitants) and ``taux_variation_solde_naturel``,
        ``taux_variation_solde_migratoire`` (%/an). Not available, with the missing
        columns named, when births, deaths or a population are absent.
    """
    _check_totals(totals)
    n = _period_years(start, end)
    nais, dece = births(start, end), deaths(start, end)
    p0, p1 = rp("P", start, "POP"), rp("P", end, "POP")
    period = fr_period(start, end)
    source = f"Insee, RP{start}-{end} (séries historiques), état civil"
    caution = join_notes(*check_vintages(start, end))
    between = f"entre le 1er janvier {start} et le 1er janvier {end}"
    rows = []
    for territory in totals.index:
        row = partial(_period_figure, territory, period=period, source=source)
        b, b_reason = lookup(totals, territory, [nais])
        d, d_reason = lookup(totals, territory, [dece])
        rows.append(
            row(
                "naissances",
                b[nais] if b else None,
                "naissances",
                f"Naissances domiciliées {between} (état civil)",
                b_reason,
            )
        )
        rows.append(
            row(
                "deces",
                d[dece] if d else None,
                "décès",
                f"Décès domiciliés {between} (état civil)",
                d_reason,
            )
        )
        both, n_reason = lookup(totals, territory, [nais, dece])
        natural = both[nais] - both[dece] if both else None
        rows.append(
            row(
                "solde_naturel",
                natural,
                "habitants",
                f"Solde naturel {between} : naissances − décès",
                n_reason,
            )
        )
        values, reason = lookup(totals, territory, [nais, dece, p0, p1])
        migration = natural_rate = migration_rate = None
        rate_reason, guard = reason, ""
        if values:
            natural_value = values[nais] - values[dece]
            migration = (values[p1] - values[p0]) - natural_value
            if values[p0] > 0:
                natural_rate, migration_rate, stable = split_growth_rate(
                    values[p0],
                    values[p1],
                    natural_value,
                    n,
                    stable_share=stable_share,
                    stable_count=stable_count,
                )
                if stable:
                    guard = (
                        f"variation de population quasi nulle (moins de "
                        f"{fr_percent(stable_share * 100, 1)} de la population de {start} "
                        f"ou moins de {fr_number(stable_count, 0)} habitant) : taux dû au "
                        f"solde naturel calculé comme solde naturel / ({n} × population "
                        f"moyenne) × 100, taux dû au solde migratoire apparent par "
                        f"différence avec le taux de croissance annuel moyen"
                    )
            else:
                rate_reason = f"non disponible : population nulle en {start}"
        rows.append(
            row(
                "solde_migratoire_apparent",
                migration,
                "habitants",
                f"Solde migratoire apparent entre {start} et {end} : variation de "
                f"population − solde naturel",
                figure_note(reason, MIGRATION_NOTE, caution),
            )
        )
        rows.append(
            row(
                "taux_variation_solde_naturel",
                natural_rate,
                "%/an",
                f"Part du taux de croissance annuel moyen {period} due au solde "
                f"naturel : taux de croissance annuel moyen × solde naturel / "
                f"variation de population",
                figure_note(rate_reason, guard, caution),
            )
        )
        rows.append(
            row(
                "taux_variation_solde_migratoire",
                migration_rate,
                "%/an",
                f"Part du taux de croissance annuel moyen {period} due au solde "
                f"migratoire apparent : taux de croissance annuel moyen − taux dû au "
                f"solde naturel",
                figure_note(rate_reason, guard, MIGRATION_NOTE, caution),
            )
        )
    return to_frame(rows)


# ------------------------------------------------------------------ age groups

_AGE_COLUMN = re.compile(r"^P(?P<yy>\d{2})_(?P<who>POP|H|F)(?P<low>\d{2})(?:(?P<last>\d{2})|P)$")


@dataclass(frozen=True)
class AgeGroup:
    """A published age group: ages ``low`` ≤ age < ``high`` (``high`` None = open-ended)."""

    column: str
    low: int
    high: int | None

    @property
    def end(self) -> float:
        """Exclusive upper bound, ``inf`` for an open group."""
        return math.inf if self.high is None else float(self.high)

    @property
    def label(self) -> str:
        """French label, e.g. ``"0 à 14 ans"``, ``"90 ans ou plus"``."""
        return age_label(self.low, self.high)


def age_label(low: int, high: int | None) -> str:
    """French label of ages ``low`` ≤ age < ``high``: ``(0, 15) -> '0 à 14 ans'``."""
    if high is None:
        return f"{low} an ou plus" if low == 1 else f"{low} ans ou plus"
    last = high - 1
    return f"{low} à {last} {'an' if last <= 1 else 'ans'}"


def _age_phrase(low: int, high: int | None) -> str:
    """Band as said in a definition: ``'moins de 20 ans'``, ``'65 ans ou plus'``."""
    if low == 0 and high is not None:
        return f"moins de {high} ans"
    return age_label(low, high)


def age_groups(columns: Iterable[str], *, year: int, sex: Sex | None = None) -> list[AgeGroup]:
    """Published age groups of a vintage, parsed from the column names.

    Only ``P{yy}_POP{aa}{bb}`` and ``P{yy}_POP{aa}P`` (or ``H``/``F`` for ``sex``) are
    age groups; ``P22_POPMEN1519``, ``P22_POP1519_PSEUL`` or ``P22_POPH`` are not.

    Parameters
    ----------
    columns
        Column names (e.g. ``totals.columns``).
    year
        Census vintage.
    sex
        None for both sexes, ``"H"`` for men, ``"F"`` for women.

    Returns
    -------
    list of AgeGroup
        Sorted by lower bound, then upper bound.
    """
    who = "POP" if sex is None else sex
    groups = []
    for column in columns:
        match = _AGE_COLUMN.match(str(column))
        if not match or match["yy"] != yy(year) or match["who"] != who:
            continue
        low = int(match["low"])
        high = None if match["last"] is None else int(match["last"]) + 1
        if high is not None and high <= low:
            continue
        groups.append(AgeGroup(str(column), low, high))
    return sorted(groups, key=lambda g: (g.low, g.end, g.column))


def _best_path(
    groups: Sequence[AgeGroup],
    low: int,
    target: float,
    better: Callable[[list[AgeGroup], list[AgeGroup]], bool],
) -> list[AgeGroup] | None:
    """Chain of contiguous groups from ``low`` to ``target`` preferred by ``better``."""
    best: dict[float, list[AgeGroup]] = {float(low): []}
    for bound in sorted({float(low)} | {float(g.low) for g in groups}):
        if bound not in best or bound >= target:
            continue
        for group in groups:
            if group.low != bound or group.end > target:
                continue
            path = best[bound] + [group]
            if group.end not in best or better(path, best[group.end]):
                best[group.end] = path
    return best.get(target)


def _fewer(path: list[AgeGroup], other: list[AgeGroup]) -> bool:
    return (len(path), [g.column for g in path]) < (len(other), [g.column for g in other])


def _finer(path: list[AgeGroup], other: list[AgeGroup]) -> bool:
    return (-len(path), [g.column for g in path]) < (-len(other), [g.column for g in other])


def find_age_cover(
    groups: Sequence[AgeGroup], *, low: int, high: int | None = None
) -> list[AgeGroup] | None:
    """Disjoint published groups covering exactly the ages ``low`` ≤ age < ``high``.

    Exact cover by dynamic programming over the age bounds: a cover is a chain of groups
    where each starts where the previous one ends; groups are never cut or subtracted.
    Among several covers the one with the fewest groups wins (ties: column names).

    Parameters
    ----------
    groups
        Published groups (:func:`age_groups`), possibly from several partitions.
    low
        First age of the band.
    high
        Exclusive upper bound; None for an open-ended band (``low`` years or more).

    Returns
    -------
    list of AgeGroup or None
        The cover in age order, or None when the published groups cannot give the band
        (e.g. 65+ from 0-14, …, 60-74, 75-89, 90+).
    """
    target = math.inf if high is None else float(high)
    if target <= low:
        raise ValueError(f"empty age band [{low}, {high})")
    return _best_path(groups, low, target, _fewer)


def age_cover(
    columns: Iterable[str], *, year: int, low: int, high: int | None = None, sex: Sex | None = None
) -> list[str] | None:
    """Column names of :func:`find_age_cover` for a vintage, or None when impossible."""
    cover = find_age_cover(age_groups(columns, year=year, sex=sex), low=low, high=high)
    return None if cover is None else [g.column for g in cover]


def age_total(
    totals: pd.DataFrame, *, year: int, low: int, high: int | None = None
) -> pd.Series | None:
    """Population aged ``low`` ≤ age < ``high`` (``high`` None: ``low`` or more).

    Parameters
    ----------
    totals
        Census totals.
    year
        Census vintage.
    low, high
        The age band, ``high`` exclusive.

    Returns
    -------
    pandas.Series or None
        Sum of the disjoint published groups covering the band exactly (NaN where one of
        them is NaN), named with the band's French label; None when no exact cover exists.
    """
    columns = age_cover(totals.columns, year=year, low=low, high=high)
    if columns is None:
        return None
    return totals[columns].astype("float64").sum(axis=1, skipna=False).rename(age_label(low, high))


AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("moins_15", 0, 15),
    ("moins_20", 0, 20),
    ("15_29", 15, 30),
    ("60_plus", 60, None),
    ("65_plus", 65, None),
    ("75_plus", 75, None),
    ("80_plus", 80, None),
)
"""Bands of :func:`age_structure`: id suffix, first age, exclusive upper bound."""


def _no_cover_note(low: int, high: int | None, year: int, groups: Sequence[AgeGroup]) -> str:
    published = ", ".join(g.label for g in groups)
    available = (
        f"tranches publiées pour {year} : {published}"
        if published
        else f"aucune tranche d'âge publiée pour {year}"
    )
    return (
        f"non disponible : les tranches d'âge publiées ne permettent pas de calculer les "
        f"{_age_phrase(low, high)} ({available})"
    )


def _groups_text(cover: Sequence[AgeGroup]) -> str:
    return f" (tranches publiées utilisées : {', '.join(g.label for g in cover)})"


def _band_rows(
    totals: pd.DataFrame,
    territory: str,
    *,
    year: int,
    suffix: str,
    low: int,
    high: int | None,
    cover: list[AgeGroup] | None,
    groups: Sequence[AgeGroup],
    threshold: float | None,
) -> list[dict[str, object]]:
    """``population_<suffix>`` and ``part_<suffix>`` of one territory."""
    phrase = _age_phrase(low, high)
    source = census_source(year)
    pop = rp("P", year, "POP")
    count_def = f"Population âgée de {phrase}"
    share_def = f"Part des personnes âgées de {phrase} dans la population municipale"
    if cover is None:
        note = _no_cover_note(low, high, year, groups)
        return [
            figure(
                territory,
                f"population_{suffix}",
                year,
                None,
                unite="habitants",
                source=source,
                definition=count_def,
                note=note,
            ),
            figure(
                territory,
                f"part_{suffix}",
                year,
                None,
                unite="%",
                source=source,
                definition=share_def,
                note=note,
            ),
        ]
    columns = [g.column for g in cover]
    used = _groups_text(cover) if len(cover) > 1 else ""
    values, reason = lookup(totals, territory, columns)
    count = sum(values[c] for c in columns) if values else None
    rows = [
        figure(
            territory,
            f"population_{suffix}",
            year,
            count,
            unite="habitants",
            source=source,
            definition=count_def + used,
            note=reason or small_count_note([cast(float, count)], threshold, sampled=False),
        )
    ]
    share, note = None, reason
    if values:
        assert count is not None
        denominator, note = lookup(totals, territory, [pop])
        if denominator and denominator[pop] > 0:
            share = count / denominator[pop] * 100.0
            note = small_count_note([count, denominator[pop]], threshold, sampled=False)
        elif denominator:
            note = f"non disponible : population nulle ({pop} = 0)"
    rows.append(
        figure(
            territory,
            f"part_{suffix}",
            year,
            share,
            unite="%",
            source=source,
            definition=share_def + used,
            note=note,
        )
    )
    return rows


def _ageing_row(
    totals: pd.DataFrame,
    territory: str,
    *,
    year: int,
    variant: str,
    old: list[AgeGroup] | None,
    young: list[AgeGroup] | None,
    groups: Sequence[AgeGroup],
    threshold: float | None,
) -> dict[str, object]:
    old_age = int(variant)
    definition = (
        f"Indice de vieillissement (variante {variant} ans) : population de "
        f"{old_age} ans ou plus pour 100 personnes de moins de 20 ans"
    )
    source = census_source(year)
    missing = [
        _no_cover_note(low, None if low else 20, year, groups)
        for low, cover in ((old_age, old), (0, young))
        if cover is None
    ]
    if missing:
        return figure(
            territory,
            "indice_vieillissement",
            year,
            None,
            unite="indice",
            source=source,
            definition=definition,
            note=join_notes(*missing),
        )
    assert old is not None and young is not None
    values, reason = lookup(totals, territory, [g.column for g in old + young])
    value = None
    note = reason
    if values:
        n_old = sum(values[g.column] for g in old)
        n_young = sum(values[g.column] for g in young)
        if n_young > 0:
            value = n_old / n_young * 100.0
            note = small_count_note([n_old, n_young], threshold, sampled=False)
        else:
            note = "non disponible : aucune personne de moins de 20 ans"
    return figure(
        territory,
        "indice_vieillissement",
        year,
        value,
        unite="indice",
        source=source,
        definition=definition,
        note=note,
    )


def age_structure(
    totals: pd.DataFrame,
    *,
    year: int,
    small_count_threshold: float | None = DEFAULT_SMALL_COUNT_THRESHOLD,
    ageing_variant: Literal["65", "60"] = "65",
) -> pd.DataFrame:
    """Age structure of one vintage: counts and shares of the bands, ageing index.

    Parameters
    ----------
    totals
        Census totals with age-group columns (``P22_POP0014`` …) and ``P{yy}_POP``.
    year
        Census vintage.
    small_count_threshold
        Counts below it are flagged in ``note`` (rule 4); None disables.
    ageing_variant
        ``"65"``: population 65+ / population under 20 × 100 (default, rule 6);
        ``"60"``: 60+ / under 20 × 100.

    Returns
    -------
    pandas.DataFrame
        For each band of :data:`AGE_BANDS` (``moins_15``, ``moins_20``, ``15_29``,
        ``60_plus``, ``65_plus``, ``75_plus``, ``80_plus``): ``population_<band>``
        (habitants) and ``part_<band>`` (%), then ``indice_vieillissement`` (indice).
        A band that the published groups cannot give exactly is not available, the note
        naming the band and the groups published.
    """
    _check_totals(totals)
    if ageing_variant not in ("65", "60"):
        raise ValueError(f"ageing_variant must be '65' or '60', got {ageing_variant!r}")
    groups = age_groups(totals.columns, year=year)
    covers = {suffix: find_age_cover(groups, low=low, high=high) for suffix, low, high in AGE_BANDS}
    old = find_age_cover(groups, low=int(ageing_variant))
    young = covers["moins_20"]
    rows = []
    for territory in totals.index:
        for suffix, low, high in AGE_BANDS:
            rows.extend(
                _band_rows(
                    totals,
                    territory,
                    year=year,
                    suffix=suffix,
                    low=low,
                    high=high,
                    cover=covers[suffix],
                    groups=groups,
                    threshold=small_count_threshold,
                )
            )
        rows.append(
            _ageing_row(
                totals,
                territory,
                year=year,
                variant=ageing_variant,
                old=old,
                young=young,
                groups=groups,
                threshold=small_count_threshold,
            )
        )
    return to_frame(rows)


# ------------------------------------------------------------------ tables for charts

PREFERRED_PARTITIONS: tuple[tuple[str, ...], ...] = (
    ("0014", "1529", "3044", "4559", "6074", "7589", "90P"),
    ("0002", "0305", "0610", "1117", "1824", "2539", "4054", "5564", "6579", "80P"),
    ("0019", "2064", "65P"),
)
"""INSEE partitions of the whole population, in order of preference for charts."""


def _partition(
    columns: Sequence[str], *, year: int, sexes: Sequence[Sex | None]
) -> list[tuple[int, int | None]] | None:
    """Age bounds of one partition of all ages published for every one of ``sexes``.

    The first complete partition of :data:`PREFERRED_PARTITIONS` wins; otherwise the
    finest exact cover of all ages (most groups) made of bounds published for every sex.
    """
    per_sex = [age_groups(columns, year=year, sex=s) for s in sexes]
    names = set(map(str, columns))
    for partition in PREFERRED_PARTITIONS:
        if all(f"P{yy(year)}_{s or 'POP'}{part}" in names for s in sexes for part in partition):
            groups = age_groups([f"P{yy(year)}_POP{part}" for part in partition], year=year)
            return [(g.low, g.high) for g in groups]
    common = set.intersection(*[{(g.low, g.high) for g in groups} for groups in per_sex])
    candidates = [g for g in per_sex[0] if (g.low, g.high) in common]
    cover = _best_path(candidates, 0, math.inf, _finer)
    return None if cover is None else [(g.low, g.high) for g in cover]


def _group_column(year: int, who: str, low: int, high: int | None) -> str:
    return (
        f"P{yy(year)}_{who}{low:02d}P"
        if high is None
        else f"P{yy(year)}_{who}{low:02d}{high - 1:02d}"
    )


def age_groups_table(totals: pd.DataFrame, *, year: int) -> pd.DataFrame | None:
    """Tidy table of one age partition, for charts.

    The partition is the first complete one of :data:`PREFERRED_PARTITIONS` (0-14, 15-29,
    …, 90+ first), else the finest exact cover of all ages by published groups.

    Parameters
    ----------
    totals
        Census totals.
    year
        Census vintage.

    Returns
    -------
    pandas.DataFrame or None
        Columns ``territoire``, ``annee``, ``tranche`` (``"0 à 14 ans"`` …
        ``"90 ans ou plus"``), ``age_min``, ``effectif`` and ``part`` (% of ``P{yy}_POP``,
        the denominator of :func:`age_structure`; of the sum of the partition when
        ``P{yy}_POP`` is absent or NaN); rows in territory then age order. None when no
        partition of all ages is published.
    """
    _check_totals(totals)
    bounds = _partition(list(totals.columns), year=year, sexes=[None])
    if bounds is None:
        return None
    columns = [_group_column(year, "POP", low, high) for low, high in bounds]
    values = totals[columns].astype("float64")
    total = values.sum(axis=1, skipna=False)
    pop = rp("P", year, "POP")
    if pop in totals.columns:
        total = totals[pop].astype("float64").fillna(total)
    rows = []
    for territory in totals.index:
        for (low, high), column in zip(bounds, columns):
            count = float(values.at[territory, column])
            denominator = float(total.at[territory])
            share = count / denominator * 100.0 if denominator > 0 else math.nan
            rows.append(
                {
                    "territoire": str(territory),
                    "annee": str(year),
                    "tranche": age_label(low, high),
                    "age_min": low,
                    "effectif": count,
                    "part": share,
                }
            )
    return pd.DataFrame(
        rows, columns=["territoire", "annee", "tranche", "age_min", "effectif", "part"]
    )


def pyramid(totals: pd.DataFrame, *, year: int) -> pd.DataFrame | None:
    """Tidy age pyramid (age group × sex) of one vintage, for charts.

    Parameters
    ----------
    totals
        Census totals with ``P{yy}_H{aa}{bb}`` / ``P{yy}_F{aa}{bb}`` columns.
    year
        Census vintage.

    Returns
    -------
    pandas.DataFrame or None
        Columns ``territoire``, ``annee``, ``tranche``, ``age_min``, ``sexe``
        (``"Hommes"``/``"Femmes"``) and ``effectif`` (positive for both sexes); None when
        no partition of all ages is published for both sexes.
    """
    _check_totals(totals)
    bounds = _partition(list(totals.columns), year=year, sexes=["H", "F"])
    if bounds is None:
        return None
    rows = []
    for territory in totals.index:
        for low, high in bounds:
            for who, label in (("H", "Hommes"), ("F", "Femmes")):
                column = _group_column(year, who, low, high)
                rows.append(
                    {
                        "territoire": str(territory),
                        "annee": str(year),
                        "tranche": age_label(low, high),
                        "age_min": low,
                        "sexe": label,
                        "effectif": float(totals.at[territory, column]),
                    }
                )
    return pd.DataFrame(
        rows, columns=["territoire", "annee", "tranche", "age_min", "sexe", "effectif"]
    )
