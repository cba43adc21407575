"""Territories and geography: composition tables, resolution, harmonisation, aggregation.

Every geography reference carries its COG year (methodology rule 9). A territory is
resolved to its communes with the composition table *of the stated COG year*; sources
published in another geography are harmonised to that year first (merged communes are
summed; a split commune is shared by population; both are recorded), then communes are
aggregated by summing numerators and denominators (rule 11).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ctgstats.core.codes import LEVEL_LABELS, Level
from ctgstats.core.errors import InputError

COMPOSITION_COLUMNS = ["commune", "nom_commune", "epci", "nom_epci", "departement", "region"]
NO_EPCI = "ZZZZZZZZZ"  # INSEE's code for communes outside any EPCI (islands)
FRANCE = "FR"  # France entière (métropole and DOM)
METROPOLE = "FRM"  # France métropolitaine (Filosofi's METROPOLE file)
FRANCE_NAMES = {FRANCE: "France", METROPOLE: "France métropolitaine"}
DEPARTEMENTS_TABLE = "departements_regions.csv"
INCOMPLETE = "composition incomplète"


@lru_cache(maxsize=1)
def cog_departements() -> dict[str, str]:
    """Département → région of the current COG (the 101 départements, DOM included).

    Read from ``ctgstats/data/departements_regions.csv``, a subset of INSEE's
    ``v_departement_YYYY.csv`` (columns ``DEP``, ``REG``; source in the data README).
    """
    path = resources.files("ctgstats") / "data" / DEPARTEMENTS_TABLE
    frame = pd.read_csv(str(path), dtype=str, keep_default_na=False)
    return dict(zip(frame["DEP"], frame["REG"]))


def departements_of(level: Level, code: str) -> list[str] | None:
    """Départements a région or France is made of (None: not a known région).

    ``FR`` is every département (DOM included); ``FRM`` the metropolitan ones (not 97x).
    """
    table = cog_departements()
    if level is Level.FRANCE:
        if code == METROPOLE:
            return sorted(d for d in table if not d.startswith("97"))
        return sorted(table)
    if level is Level.REGION:
        found = sorted(d for d, r in table.items() if r == code)
        return found or None
    return None


def france_code(code: str | None) -> str:
    """Normalise a France code: ``FR`` (default) or ``FRM`` (``1`` is Filosofi's METROPOLE)."""
    return METROPOLE if code in (METROPOLE, "1") else FRANCE


class TerritoryError(InputError, ValueError):
    """A territory that does not exist in the composition table, or cannot be resolved."""


@dataclass(frozen=True)
class Composition:
    """Communes with their EPCI, département and région, at one COG year.

    Attributes
    ----------
    table
        One row per commune, columns :data:`COMPOSITION_COLUMNS` (+ ``population`` when the
        source gives it), all codes as strings.
    cog_year
        The COG year (geography on 1 January of that year).
    source
        File the table was read from, for messages and the report.
    """

    table: pd.DataFrame
    cog_year: int
    source: str

    @property
    def is_national(self) -> bool:
        """True when the table holds every département of France (DOM included)."""
        return not self.missing_departements(Level.FRANCE, FRANCE)

    def missing_departements(self, level: Level, code: str) -> list[str]:
        """Départements of a région or of France (``FR``/``FRM``) absent from the table.

        Empty when the table covers the territory, or when the reference table does not
        know the région (a fictional code: the table's communes are then taken as given).
        """
        expected = departements_of(level, code)
        if expected is None:
            return []
        present = set(self.table["departement"])
        return [d for d in expected if d not in present]

    def communes_of(self, level: Level, code: str) -> list[str]:
        """Commune codes of a territory of ``level`` (commune, epci, departement, region)."""
        column = {
            Level.COMMUNE: "commune",
            Level.EPCI: "epci",
            Level.DEPARTEMENT: "departement",
            Level.REGION: "region",
        }[level]
        return sorted(self.table.loc[self.table[column] == code, "commune"].tolist())

    def name_of(self, level: Level, code: str) -> str | None:
        """Name of a commune or EPCI from the table (None for other levels)."""
        if level is Level.COMMUNE:
            rows = self.table.loc[self.table["commune"] == code, "nom_commune"]
        elif level is Level.EPCI:
            rows = self.table.loc[self.table["epci"] == code, "nom_epci"]
        else:
            return None
        return str(rows.iloc[0]) if len(rows) else None


def composition_from_frame(frame: pd.DataFrame, *, cog_year: int, source: str) -> Composition:
    """Normalise an INSEE or etalab composition table into a :class:`Composition`.

    Accepts INSEE's *Composition_communale* columns (``CODGEO, LIBGEO, EPCI, LIBEPCI, DEP,
    REG``) or the etalab ``communes-epci`` columns (``code, nom, departement, region,
    epci_code, epci_nom`` [, ``population``]).
    """
    if "CODGEO" in frame.columns:
        mapping = {
            "CODGEO": "commune",
            "LIBGEO": "nom_commune",
            "EPCI": "epci",
            "LIBEPCI": "nom_epci",
            "DEP": "departement",
            "REG": "region",
        }
    else:
        mapping = {
            "code": "commune",
            "nom": "nom_commune",
            "epci_code": "epci",
            "epci_nom": "nom_epci",
            "departement": "departement",
            "region": "region",
            "population": "population",
        }
    missing = [c for c in mapping if c not in frame.columns and c != "population"]
    if missing:
        raise TerritoryError(f"{source} : colonnes absentes de la table de composition : {missing}")
    table = frame[[c for c in mapping if c in frame.columns]].rename(columns=mapping)
    table = table.reset_index(drop=True)
    for column in COMPOSITION_COLUMNS:
        table[column] = table[column].astype("string").fillna("").astype(str)
    duplicated = table.loc[table["commune"].duplicated(), "commune"].tolist()
    if duplicated:
        raise TerritoryError(
            f"{source} : communes présentes deux fois dans la composition : {duplicated}"
        )
    return Composition(table=table, cog_year=cog_year, source=source)


@dataclass(frozen=True)
class ResolvedTerritory:
    """A territory with its communes at the composition's COG year.

    ``communes`` is None when the composition table cannot give them (e.g. France from a
    table covering one département): sums of communes are then "non disponible".
    """

    level: Level
    code: str
    name: str
    communes: tuple[str, ...] | None
    cog_year: int
    note: str = ""

    @property
    def id(self) -> str:
        """Territory id used in figure tables: ``'epci:200072635'``."""
        return f"{self.level.value}:{self.code}"

    @property
    def label(self) -> str:
        """French display label."""
        return self.name


def _not_found(
    kind: str, code: str, known: Iterable[str], composition: Composition, field_name: str
) -> TerritoryError:
    known = sorted(set(known))
    close = difflib.get_close_matches(code, known, n=3, cutoff=0.6)
    hint = f" Codes les plus proches : {', '.join(close)}." if close else ""
    return TerritoryError(
        f"{field_name} : {kind} {code!r} n'existe pas dans la table de composition du COG "
        f"{composition.cog_year} ({composition.source}).{hint}"
    )


def _incomplete(
    composition: Composition, level: Level, code: str, label: str
) -> ResolvedTerritory | None:
    """The territory without communes when the composition lacks some of its départements."""
    missing = composition.missing_departements(level, code)
    if not missing:
        return None
    return ResolvedTerritory(
        level, code, label, None, composition.cog_year, note=_incomplete_note(composition, missing)
    )


def resolve(
    level: Level | str,
    code: str,
    *,
    composition: Composition,
    name: str | None = None,
    communes: Sequence[str] | None = None,
    field_name: str = "territory.code",
) -> ResolvedTerritory:
    """Resolve a territory to its communes with the composition of its COG year.

    Raises
    ------
    TerritoryError
        When the code (or a commune of a group) is not in the composition table; the
        message names ``field_name``, the value and the composition file.
    """
    level = Level(level)
    table = composition.table
    if level is Level.FRANCE:
        code = france_code(code)
        label = name or FRANCE_NAMES[code]
        incomplete = _incomplete(composition, level, code, label)
        if incomplete is not None:
            return incomplete
        metropolitan = ~table["departement"].str.startswith("97")
        members = table["commune"] if code == FRANCE else table.loc[metropolitan, "commune"]
        return ResolvedTerritory(level, code, label, tuple(sorted(members)), composition.cog_year)
    if level is Level.GROUPE:
        unknown = [c for c in communes or () if c not in set(table["commune"])]
        if unknown:
            raise TerritoryError(
                f"territory.communes : les communes {unknown} n'existent pas dans la table "
                f"de composition du COG {composition.cog_year} ({composition.source})"
            )
        return ResolvedTerritory(
            level, code, name or code, tuple(sorted(communes or ())), composition.cog_year
        )
    column = {
        Level.COMMUNE: "commune",
        Level.EPCI: "epci",
        Level.DEPARTEMENT: "departement",
        Level.REGION: "region",
    }[level]
    members = composition.communes_of(level, code)
    if not members:
        raise _not_found(LEVEL_LABELS[level].lower(), code, table[column], composition, field_name)
    label = name or composition.name_of(level, code) or f"{LEVEL_LABELS[level]} {code}"
    if level is Level.REGION:
        # A région is computed from communes only when the table holds all its
        # départements (a département table resolves "76" to Haute-Garonne alone).
        # A département is taken as given: without a reference list of communes its
        # completeness cannot be checked (the table is published by département).
        incomplete = _incomplete(composition, level, code, label)
        if incomplete is not None:
            return incomplete
    return ResolvedTerritory(level, code, label, tuple(members), composition.cog_year)


def _incomplete_note(composition: Composition, missing: Sequence[str]) -> str:
    shown = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
    return (
        f"{INCOMPLETE} (COG {composition.cog_year} : il manque {len(missing)} de ses "
        f"départements, {shown}) ; totaux non calculables à partir des communes"
    )


def main_code_of(members: Sequence[str], *, composition: Composition, column: str) -> str:
    """Most frequent ``column`` value (departement, region) among ``members``.

    An EPCI may straddle two départements: the comparator is the one holding most of its
    communes (ties broken by code), and the caller says so in the report.
    """
    rows = composition.table.loc[composition.table["commune"].isin(members), column]
    counts = rows.value_counts()
    best = counts[counts == counts.max()].index
    return sorted(best)[0]


# --------------------------------------------------------------------------- movements


@dataclass(frozen=True)
class Movement:
    """One commune change from INSEE's movements file (old code → new code)."""

    date: str
    mod: str
    old: str
    new: str
    old_name: str
    new_name: str


@dataclass
class HarmonisationRecord:
    """What was done to one source to bring it to the COG year (shown in the report)."""

    source: str
    action: str  # "fusion" or "scission"
    old_codes: tuple[str, ...]
    new_code: str
    detail: str = ""


MERGE_MODS = {"31", "32", "33", "34", "35", "50"}  # fusions, communes nouvelles, changes of code
SPLIT_MODS = {"21"}  # rétablissement


@dataclass(frozen=True)
class Movements:
    """Commune movements up to a COG year, from INSEE's ``v_mvt_commune`` format."""

    moves: tuple[Movement, ...] = field(default_factory=tuple)
    source: str = ""

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, source: str) -> Movements:
        """Keep commune-to-commune rows (``TYPECOM_AV == TYPECOM_AP == 'COM'``)."""
        required = ["MOD", "DATE_EFF", "TYPECOM_AV", "COM_AV", "TYPECOM_AP", "COM_AP"]
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise TerritoryError(
                f"{source} : colonnes absentes du fichier des mouvements : {missing}"
            )
        rows = frame[(frame["TYPECOM_AV"] == "COM") & (frame["TYPECOM_AP"] == "COM")]
        moves = []
        for row in rows.itertuples(index=False):
            get = row._asdict()
            moves.append(
                Movement(
                    date=str(get["DATE_EFF"]),
                    mod=str(get["MOD"]),
                    old=str(get["COM_AV"]),
                    new=str(get["COM_AP"]),
                    old_name=str(get.get("LIBELLE_AV", "")),
                    new_name=str(get.get("LIBELLE_AP", "")),
                )
            )
        moves.sort(key=lambda m: (m.date, m.old, m.new))
        return cls(tuple(moves), source)

    @cached_property
    def _by_old(self) -> dict[str, tuple[Movement, ...]]:
        index: dict[str, list[Movement]] = {}
        for move in self.moves:
            index.setdefault(move.old, []).append(move)
        return {code: tuple(moves) for code, moves in index.items()}

    def predecessors(self, code: str, *, since_year: int, until_year: int) -> set[str]:
        """Codes that became ``code`` between two dates (merges only).

        Codes that existed after 1 January ``since_year`` and became ``code`` by
        1 January ``until_year``; ``code`` itself is excluded.
        """
        found: set[str] = set()
        for move in self.moves:
            if (
                move.old != move.new
                and move.mod not in SPLIT_MODS
                and f"{since_year}-01-01" < move.date <= f"{until_year}-01-01"
            ):
                successors = self.successors(move.old, until_year=until_year, since_year=since_year)
                if set(successors) == {code}:
                    found.add(move.old)
        found.discard(code)
        return found

    def successors(
        self, code: str, *, until_year: int, since_year: int | None = None
    ) -> dict[str, str]:
        """Codes a commune became by 1 January ``until_year``: {new code: MOD}.

        Only movements after 1 January ``since_year`` (the geography of the source) and up
        to 1 January ``until_year`` count. Follows chains (A → B in 2016, B → C in 2019).
        A split gives several codes (the restored commune and the one it came from).
        """
        limit = f"{until_year}-01-01"
        start = f"{since_year}-01-01" if since_year is not None else ""
        return self._follow(code, start, limit, mod="", depth=0)

    def _follow(self, code: str, after: str, limit: str, *, mod: str, depth: int) -> dict[str, str]:
        events = [
            m
            for m in self._by_old.get(code, ())
            if after < m.date <= limit and not (m.old == m.new and m.mod not in SPLIT_MODS)
        ]
        if not events or depth > 50:
            return {code: mod}
        date = min(m.date for m in events)
        event = [m for m in events if m.date == date]
        event_mod = event[0].mod
        targets = {m.new for m in event}
        if event_mod in SPLIT_MODS:
            targets.add(code)
        result: dict[str, str] = {}
        for target in sorted(targets):
            result.update(self._follow(target, date, limit, mod=event_mod, depth=depth + 1))
        return result

    def name_of(self, code: str) -> str:
        """Latest known name of a commune code in the movements (or '')."""
        for move in reversed(self.moves):
            if move.new == code:
                return move.new_name
            if move.old == code:
                return move.old_name
        return ""


def harmonise(
    frame: pd.DataFrame,
    *,
    target_codes: Iterable[str],
    movements: Movements,
    cog_year: int,
    source: str,
    non_additive: Sequence[str] = (),
    weights: Mapping[str, float] | None = None,
    departements: Iterable[str] | None = None,
    source_year: int | None = None,
    weights_source: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[HarmonisationRecord], list[str]]:
    """Bring a commune-indexed table to the geography of ``cog_year``.

    Parameters
    ----------
    frame
        Indexed by commune code (strings), numeric columns.
    target_codes
        Commune codes of the composition table of ``cog_year``.
    movements
        Commune movements; codes absent from ``target_codes`` are followed to their
        successors at ``cog_year``.
    non_additive
        Columns that cannot be summed (medians, deciles, rates): a merged commune gets NaN
        there, and the record says so.
    weights
        Population by commune code at ``cog_year`` (to share a split commune); required
        only when a split is met.
    weights_source
        Per commune code, where its weight comes from (e.g. ``"population P22_POP de
        base-cc-evol-struct-pop-2022.csv"``), written in the split's record.
    source_year
        COG year of the source's geography: only later movements apply (without it,
        every movement up to ``cog_year`` is applied, which is wrong for splits).
    departements
        Départements covered by the composition; unknown codes outside them are ignored
        (a national file read for one département), unknown codes inside them are returned.

    Returns
    -------
    harmonised frame, records of what was done, unknown codes (inside the covered
    départements, neither in the composition nor in the movements).
    """
    targets = set(target_codes)
    covered = set(departements) if departements is not None else None
    non_additive_present = [c for c in non_additive if c in frame.columns]
    records: list[HarmonisationRecord] = []
    unknown: list[str] = []
    mapping: dict[str, str] = {}
    split_parts: list[pd.DataFrame] = []
    codes = [str(c) for c in frame.index.tolist()]  # one bulk conversion (arrow strings)
    for code in codes:
        if code in targets and code not in movements._by_old:
            mapping[code] = code  # the common case, without looking at movements
            continue
        # A code of the target geography only changes through a later split; any other
        # code is followed through every movement up to the COG year (the geography a
        # file is published in is not always the one its vintage suggests).
        since = source_year if code in targets else None
        successors = movements.successors(code, until_year=cog_year, since_year=since)
        successors = {c: m for c, m in successors.items() if c in targets}
        if not successors:
            if covered is None or _departement(code) in covered:
                unknown.append(code)
            continue
        if len(successors) == 1:
            mapping[code] = next(iter(successors))
            continue
        shares = _split_shares(code, successors, weights, source)
        row = frame.loc[[code]]
        for new, share in shares.items():
            part = row * share
            part[non_additive_present] = np.nan
            part.index = pd.Index([new], name=frame.index.name)
            split_parts.append(part)
        records.append(
            HarmonisationRecord(
                source,
                "scission",
                (code,),
                ", ".join(sorted(shares)),
                "répartie au prorata de la population : "
                + ", ".join(f"{c} {s:.1%}".replace(".", ",") for c, s in sorted(shares.items()))
                + _weights_origin(shares, weights_source),
            )
        )
    kept_codes = [c for c in codes if c in mapping]
    kept = frame.loc[kept_codes]
    new_codes = pd.Index([mapping[c] for c in kept_codes], name=frame.index.name)
    grouped = kept.set_axis(new_codes).groupby(level=0, sort=True)
    result = grouped.sum(min_count=1)
    contributors: dict[str, list[str]] = {}
    for old in kept_codes:  # a dict, not a groupby: 35 000 groups of one
        contributors.setdefault(mapping[old], []).append(old)
    for new, olds in sorted(contributors.items()):
        olds = sorted(olds)
        if olds == [new]:
            continue
        if non_additive_present and len(olds) > 1:
            result.loc[new, non_additive_present] = np.nan
        detail = f"{len(olds)} communes additionnées"
        if non_additive_present and len(olds) > 1:
            detail += " ; indicateurs non additifs (médianes, déciles) non calculables"
        action = "fusion" if len(olds) > 1 else "changement de code"
        records.append(HarmonisationRecord(source, action, tuple(olds), str(new), detail))
    if source_year is not None:
        present = set(codes)
        for new in list(result.index):
            expected = movements.predecessors(str(new), since_year=source_year, until_year=cog_year)
            missing = sorted(expected - present)
            if expected and missing:
                result.loc[new] = np.nan
                records.append(
                    HarmonisationRecord(
                        source,
                        "fusion incomplète",
                        tuple(sorted(expected | {str(new)})),
                        str(new),
                        f"commune(s) {', '.join(missing)} absente(s) du fichier "
                        "(secret statistique ou non publiée) : valeurs non calculables",
                    )
                )
    if split_parts:
        combined = pd.concat([result, *split_parts])
        result = combined.groupby(level=0, sort=True).sum(min_count=1)
        for new in {p.index[0] for p in split_parts}:
            result.loc[new, non_additive_present] = np.nan
    result = result.reindex(columns=frame.columns)
    result.index.name = frame.index.name
    return result.sort_index(), records, sorted(unknown)


def _departement(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def _weights_origin(shares: Mapping[str, float], origin: Mapping[str, str] | None) -> str:
    described = sorted({origin[c] for c in shares if c in origin}) if origin else []
    return f" ({' ; '.join(described)})" if described else ""


def _split_shares(
    code: str, successors: Mapping[str, str], weights: Mapping[str, float] | None, source: str
) -> dict[str, float]:
    if not weights or any(c not in weights for c in successors):
        raise TerritoryError(
            f"{source} : la commune {code} a été scindée en {sorted(successors)} ; répartir "
            "ses valeurs demande la population de chaque nouvelle commune (un fichier du "
            "recensement publié après la scission, avec sa colonne P{aa}_POP)"
        )
    total = sum(float(weights[c]) for c in successors)
    return {c: float(weights[c]) / total for c in successors}


# ------------------------------------------------------------------------- aggregation


def aggregate(
    frame: pd.DataFrame, territories: Sequence[ResolvedTerritory]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Sum the communes of each territory (numerators and denominators, never ratios).

    Returns the totals (index = territory ids, same columns) and, per territory id, a
    French note when it could not be computed (communes missing from the source, or no
    commune list). A value missing for one commune makes that territory's total missing
    (never a partial sum presented as complete).
    """
    rows: dict[str, pd.Series] = {}
    notes: dict[str, str] = {}
    for territory in territories:
        if territory.communes is None:
            rows[territory.id] = pd.Series(np.nan, index=frame.columns)
            notes[territory.id] = territory.note or "liste des communes non disponible"
            continue
        missing = [c for c in territory.communes if c not in frame.index]
        if missing:
            rows[territory.id] = pd.Series(np.nan, index=frame.columns)
            shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
            notes[territory.id] = f"{len(missing)} commune(s) absente(s) du fichier ({shown})"
            continue
        block = frame.loc[list(territory.communes)]
        rows[territory.id] = block.sum(axis=0, skipna=False, min_count=1)
    totals = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=frame.columns)
    totals.index.name = "territoire"
    return totals.astype("float64"), notes
