"""The statistical portrait of a territory: from params to figures, tables and findings.

:func:`build_portrait` is what the runner calls (before any kernel starts, so that bad
parameters and bad data fail early) and what the notebooks call to display. It resolves
the territory and its comparators in one COG year, harmonises and aggregates the census
files, reads Filosofi from the file of each territory's own level, and runs the pure
computations of :mod:`ctgstats.portrait.demography`, :mod:`ctgstats.portrait.families` and
:mod:`ctgstats.portrait.income`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ctgstats.core import comparability
from ctgstats.core.codes import Level
from ctgstats.core.files import file_sha256, resolve_path
from ctgstats.core.params import Params, ParamsError, params_from
from ctgstats.core.territories import (
    DEPARTEMENTS_TABLE,
    INCOMPLETE,
    METROPOLE,
    SPLIT_MODS,
    Composition,
    HarmonisationRecord,
    Movements,
    ResolvedTerritory,
    aggregate,
    france_code,
    harmonise,
    main_code_of,
    resolve,
)
from ctgstats.data import memo
from ctgstats.data.catalog import (
    BUILTIN_MOVEMENTS,
    Catalog,
    DataNotFoundError,
    rp_geography_year,
)
from ctgstats.data.variables import parse_rp, rp_vintages
from ctgstats.portrait import (
    chapters,
    demography,
    families,
    findings,
    identities,
    income,
    precision,
)
from ctgstats.portrait.model import Portrait
from ctgstats.present.formatting import fr_number
from ctgstats.present.labels import indicator_label

FILOSOFI_LEVEL = {
    Level.COMMUNE: "COM",
    Level.EPCI: "EPCI",
    Level.DEPARTEMENT: "DEP",
    Level.REGION: "REG",
    Level.FRANCE: "METROPOLE",
}
# ---------------------------------------------------------------------- territories


def resolve_territories(
    params: Params, composition: Composition, catalog: Catalog
) -> tuple[ResolvedTerritory, list[ResolvedTerritory], list[str]]:
    """Resolve the territory and its comparators; returns notes for the report."""
    spec = params.territory
    territory = resolve(
        spec.level, spec.code, composition=composition, name=spec.name, communes=spec.communes
    )
    notes: list[str] = []
    wanted = params.comparators
    if wanted is None:
        wanted = _default_comparators(territory, catalog)
    comparators: list[ResolvedTerritory] = []
    for index, comparator in enumerate(wanted):
        level = Level(comparator.level)
        code = comparator.code
        if level is Level.FRANCE:
            code = france_code(code)
        elif code is None:
            code, note = _infer_code(level, territory, composition)
            if note:
                notes.append(note)
        resolved = resolve(
            level, code, composition=composition, field_name=f"comparators.{index}.code"
        )
        if resolved.level is Level.DEPARTEMENT or resolved.level is Level.REGION:
            resolved = _name_from_filosofi(resolved, catalog)
        if resolved.id != territory.id and resolved.id not in {c.id for c in comparators}:
            comparators.append(resolved)
            if resolved.communes is None and resolved.note.startswith(INCOMPLETE):
                notes.append(
                    f"Comparateur « {resolved.label} » : {resolved.note}. Ses chiffres du "
                    "recensement sont « non disponibles » ; seuls les chiffres publiés "
                    "pour ce niveau (Filosofi) sont donnés."
                )
    return territory, comparators, notes


def _default_comparators(territory: ResolvedTerritory, catalog: Catalog):
    from ctgstats.core.params import Comparator

    levels: list[Literal["departement", "region", "france", "epci", "commune"]] = []
    if territory.level is Level.COMMUNE:
        levels.append("epci")
    if territory.level not in (Level.DEPARTEMENT, Level.REGION):
        levels.append("departement")
    if territory.level is not Level.REGION and catalog.files("filosofi_disp", level="REG"):
        levels.append("region")
    # France métropolitaine: the level Filosofi publishes (METROPOLE file), so that census
    # and income figures of the comparator cover the same communes (no DOM in one only).
    return [Comparator(level=level) for level in levels] + [
        Comparator(level="france", code=METROPOLE)
    ]


def _infer_code(
    level: Level, territory: ResolvedTerritory, composition: Composition
) -> tuple[str, str]:
    column = {
        Level.DEPARTEMENT: "departement",
        Level.REGION: "region",
        Level.EPCI: "epci",
        Level.COMMUNE: "commune",
    }[level]
    members = territory.communes or ()
    codes = set(composition.table.loc[composition.table["commune"].isin(members), column])
    code = main_code_of(members, composition=composition, column=column)
    note = ""
    if len(codes) > 1:
        note = (
            f"Le territoire s'étend sur plusieurs {column}s ({', '.join(sorted(codes))}) : "
            f"le comparateur retenu est {code}, qui en regroupe le plus de communes."
        )
    return code, note


def _name_from_filosofi(territory: ResolvedTerritory, catalog: Catalog) -> ResolvedTerritory:
    level = FILOSOFI_LEVEL[territory.level]
    for year in reversed(catalog.filosofi_years()):
        table = catalog.filosofi_table(year=year, level=level)
        if table is not None and territory.code in table.index and "LIBGEO" in table:
            name = str(table.loc[territory.code, "LIBGEO"])
            return ResolvedTerritory(
                territory.level,
                territory.code,
                name,
                territory.communes,
                territory.cog_year,
                territory.note,
            )
    return territory


# --------------------------------------------------------------------------- census


@dataclass
class CensusData:
    """Census variables of every territory, and what it took to get them."""

    totals: pd.DataFrame
    notes: dict[str, str]
    records: list[HarmonisationRecord]
    unknown: dict[str, list[str]]
    communes: pd.DataFrame
    provenance: dict[str, str]
    weights: dict[str, float] = field(default_factory=dict)
    weights_source: dict[str, str] = field(default_factory=dict)
    variances: pd.DataFrame | None = None
    """Sampling-variance terms of each territory (rule 4b), summed over its communes."""
    identity_points: list[str] = field(default_factory=list)
    """Vigilance points of the additive-identity checks of each file's raw rows."""


_POP_COLUMN = re.compile(r"^P(\d{2})_POP$")


def split_weights(
    tables: Sequence[tuple[Any, pd.DataFrame]], movements: Movements, *, cog_year: int
) -> tuple[dict[str, float], dict[str, str]]:
    """Population of the pieces of every split commune, to share the older files' values.

    For a commune split on 1 January ``Y`` (INSEE MOD 21, a commune restored), each piece
    is weighted by its population ``P{yy}_POP`` of the first census vintage from ``Y``
    on, read from a census file published in a geography after the split (where both
    pieces exist); without such a vintage, the most recent one of such a file.

    Returns
    -------
    weights by commune code, and per code the French description of where they come
    from (for the harmonisation table).
    """
    weights: dict[str, float] = {}
    described: dict[str, str] = {}
    limit = f"{cog_year}-01-01"
    populations = [
        (rp_geography_year(found.vintage), found.path.name, table, column, 2000 + int(m[1]))
        for found, table in tables
        for column in table.columns
        if (m := _POP_COLUMN.match(str(column)))
    ]
    for move in movements.moves:
        if move.mod not in SPLIT_MODS or move.old == move.new or move.date > limit:
            continue
        year = int(move.date[:4])
        pieces = sorted({move.old, move.new})
        candidates = []
        for geography, name, table, column, vintage in populations:
            if f"{geography}-01-01" < move.date or not all(p in table.index for p in pieces):
                continue  # published before the split: the pieces are not there
            values = table.loc[pieces, column]
            if values.notna().all() and values.sum() > 0:
                # first vintage from the split year on, else the most recent one
                rank = (vintage < year, vintage if vintage >= year else -vintage)
                candidates.append((rank, column, name, values))
        if not candidates:
            continue
        _, column, name, values = min(candidates, key=lambda c: c[0])
        for piece in pieces:
            weights[piece] = float(values[piece])
            described[piece] = f"population {column} de {name}"
    return weights, described


@dataclass
class CensusBlock:
    """What the census files give every territory alike: the harmonised commune table.

    Independent of the territory portrayed (only of the files, the COG year and the
    chapters), so a batch over every EPCI of a département or of France computes it once
    (:func:`census_block`) and each territory only sums its communes.
    """

    communes: pd.DataFrame
    provenance: dict[str, str]
    records: list[HarmonisationRecord]
    unknown: dict[str, list[str]]
    weights: dict[str, float]
    weights_source: dict[str, str]
    variances: pd.DataFrame
    identity_points: list[str]
    uses: list[Any]
    """The catalogue's records of the files read (:class:`ctgstats.data.catalog.FileUse`)."""


_BLOCKS: dict[str, CensusBlock] = {}  # this process's last block (a batch worker's)


def census_block(
    catalog: Catalog, composition: Composition, *, extra: Sequence[chapters.Chapter] = ()
) -> CensusBlock:
    """The harmonised census block of ``catalog``, memoised by content.

    Kept in this process (the last one) and in the shared memo (:mod:`ctgstats.data.memo`)
    under the checksums of every input file, the COG year and the chapters' ids.
    """
    key = memo.content_key(
        "recensement",
        input_checksums(catalog),
        composition.cog_year,
        [chapter.id for chapter in extra],
    )
    block = _BLOCKS.get(key)
    if block is None:
        block = memo.memoised(
            "census",
            key,
            lambda: _compute_block(catalog, composition, extra=extra),
            cache_dir=catalog.cache_dir,
        )
        _BLOCKS.clear()
        _BLOCKS[key] = block
    for use in block.uses:
        catalog.used.setdefault(use.path, use)
    return block


def _compute_block(
    catalog: Catalog, composition: Composition, *, extra: Sequence[chapters.Chapter] = ()
) -> CensusBlock:
    """:func:`census_block` without the memo."""
    movements = catalog.load_movements()
    targets = set(composition.table["commune"])
    departements = set(composition.table["departement"])
    merged: pd.DataFrame | None = None
    provenance: dict[str, str] = {}
    records: list[HarmonisationRecord] = []
    unknown: dict[str, list[str]] = {}
    checks: list[str] = []
    tables = [(found, table.select_dtypes("number")) for found, table in catalog.rp_tables()]
    weights, weights_source = split_weights(tables, movements, cog_year=composition.cog_year)
    for found, numeric in tables:
        label = found.path.name
        checks.extend(identities.identity_points(numeric, label=found.source.title))
        harmonised, recs, unk = harmonise(
            numeric,
            target_codes=targets,
            movements=movements,
            cog_year=composition.cog_year,
            source=label,
            departements=departements,
            source_year=rp_geography_year(found.vintage),
            weights=weights,
            weights_source=weights_source,
        )
        records.extend(recs)
        if unk:
            unknown[label] = unk
        new_columns = [c for c in harmonised.columns if c not in provenance]
        for column in new_columns:
            provenance[column] = label
        block = harmonised[new_columns]
        merged = block if merged is None else merged.join(block, how="outer")
    if merged is None:
        merged = pd.DataFrame(index=pd.Index([], name="CODGEO"))
    return CensusBlock(
        communes=merged,
        provenance=provenance,
        records=records,
        unknown=unknown,
        weights=weights,
        weights_source=weights_source,
        variances=commune_variances(merged, extra=extra),
        identity_points=checks,
        uses=[catalog.used[found.path] for found, _ in tables if found.path in catalog.used],
    )


def load_census(
    catalog: Catalog,
    territories: Sequence[ResolvedTerritory],
    composition: Composition,
    *,
    extra: Sequence[chapters.Chapter] = (),
) -> CensusData:
    """Read every census file, harmonise it to the COG year, merge and aggregate.

    A variable present in several files (e.g. ``P16_POP`` in the RP2022 and RP2016 bases)
    is taken from the most recent publication (its geography is the closest to the COG
    year); the file of each variable is recorded in ``provenance``. The harmonised block
    is the same for every territory (:func:`census_block`); only the sums are theirs.
    """
    block = census_block(catalog, composition, extra=extra)
    totals, notes = aggregate(block.communes, territories)
    variances, _ = aggregate(block.variances, territories)
    return CensusData(
        totals,
        notes,
        list(block.records),
        dict(block.unknown),
        block.communes,
        dict(block.provenance),
        dict(block.weights),
        dict(block.weights_source),
        variances=variances,
        identity_points=list(block.identity_points),
    )


def commune_variances(
    communes: pd.DataFrame, *, extra: Sequence[chapters.Chapter] = ()
) -> pd.DataFrame:
    """Sampling-variance terms of every vintage, one row per commune (rule 4b).

    Each commune is a stratum whose sampling fraction follows its population of the same
    vintage (:func:`ctgstats.portrait.precision.design_factor`). ``extra`` chapters add the
    terms of their own complementary-exploitation figures.
    """
    frames = [pd.DataFrame(index=communes.index)]
    for year in rp_vintages(list(communes.columns)):
        population = communes.get(f"P{year % 100:02d}_POP")
        if population is None:
            population = pd.Series(float("nan"), index=communes.index)
        design = precision.design_factor(population)
        frames.append(families.variance_terms(communes, year=year, design=design))
        for chapter in extra:
            if chapter.variance_terms is not None:
                frames.append(chapter.variance_terms(communes, year=year, design=design))
    merged = pd.concat(frames, axis=1)
    return merged.loc[:, ~merged.columns.duplicated()]


def census_vintages(params: Params, totals: pd.DataFrame) -> list[int]:
    """Vintages to portray: the params' list, checked against the files, or all found."""
    available = rp_vintages(list(totals.columns))
    if params.census.vintages is None:
        if not available:
            raise DataNotFoundError(
                "aucune colonne de population du recensement (P{aa}_POP) dans les fichiers "
                "des dossiers de données (data_dirs) : ajoutez une base communale du "
                "recensement de l'Insee (base-cc-evol-struct-pop-AAAA)"
            )
        return available
    missing = [v for v in params.census.vintages if v not in available]
    if missing:
        shown = ", ".join(str(v) for v in missing)
        found = ", ".join(str(v) for v in available) or "aucun"
        raise ParamsError(
            f"census.vintages : millésime(s) {shown} absent(s) des fichiers du recensement "
            f"(millésimes disponibles : {found})"
        )
    return list(params.census.vintages)


def derive_period_columns(totals: pd.DataFrame, vintages: Sequence[int]) -> pd.DataFrame:
    """Births and deaths over a period made of published sub-periods.

    ``NAIS1122`` (2011 → 2022) is not published, but ``NAIS1116 + NAIS1622`` is exactly
    the births of 1 January 2011 to 1 January 2022. Only exact chains are summed.
    """
    from ctgstats.data.variables import births, deaths

    result = totals.copy()
    for start, end in _pairs(vintages):
        for name in (births, deaths):
            target = name(start, end)
            if target in result.columns:
                continue
            chain = [v for v in vintages if start <= v <= end]
            parts = [name(a, b) for a, b in zip(chain, chain[1:])]
            if len(parts) > 1 and all(p in result.columns for p in parts):
                result[target] = result[parts].sum(axis=1, skipna=False)
    return result


# --------------------------------------------------------------------------- income


def load_income(
    catalog: Catalog,
    territories: Sequence[ResolvedTerritory],
    year: int | None,
    movements_records: list[HarmonisationRecord],  # noqa: ARG001 - signature shared with the callers; unused here
    composition: Composition,  # noqa: ARG001 - signature shared with the callers; unused here
) -> tuple[int | None, pd.DataFrame, list[str]]:
    """Filosofi rows of each territory, from the file of its own level (never averaged)."""
    years = catalog.filosofi_years()
    notes: list[str] = []
    if not years:
        return (
            None,
            pd.DataFrame(index=[t.id for t in territories]),
            ["Aucun fichier Filosofi dans les données : revenus non disponibles."],
        )
    if year is None:
        year = years[-1]
    elif year not in years:
        raise ValueError(f"income.year: Filosofi {year} not found (available: {years})")
    rows = {}
    for territory in territories:
        level = FILOSOFI_LEVEL.get(territory.level)
        table = catalog.filosofi_table(year=year, level=level) if level else None
        code = territory.code
        if territory.level is Level.FRANCE and territory.code != METROPOLE:
            # Filosofi publishes France métropolitaine only: never give its value to France
            rows[territory.id] = pd.Series(
                {
                    "_absent": True,
                    "_note": "non disponible : Filosofi ne publie que la France "
                    "métropolitaine (fichier METROPOLE), pas la France entière",
                }
            )
            continue
        if territory.level is Level.FRANCE and table is not None and len(table) == 1:
            code = table.index[0]  # METROPOLE file: a single row, CODGEO "1"
        if table is not None and code in table.index:
            values = table.loc[code].drop(labels=["LIBGEO"], errors="ignore")
            row = pd.Series({**pd.to_numeric(values).to_dict(), "_absent": False}, dtype=object)
        else:
            row = pd.Series({"_absent": True})
            if territory.level is Level.GROUPE:
                notes.append(
                    "Revenus : les médianes ne s'additionnent pas ; Filosofi ne "
                    "publie pas de valeur pour un groupe de communes."
                )
        rows[territory.id] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame["_absent"] = frame["_absent"].astype(bool)
    frame.index.name = "territoire"
    return year, frame, notes


# --------------------------------------------------------------------------- figures


def compute_figures(
    totals: pd.DataFrame,
    *,
    vintages: Sequence[int],
    options: Any,
    income_rows: pd.DataFrame,
    income_year: int | None,
    notes: Mapping[str, str],
    variances: pd.DataFrame | None = None,
    extra: Sequence[pd.DataFrame] = (),
) -> pd.DataFrame:
    """Run every computation and stack the figures (territory order preserved).

    ``variances`` are the census sampling-variance terms of each territory (summed over its
    communes); when None, each territory is treated as one stratum. ``extra`` are the
    figures of the catalogue's chapters (:mod:`ctgstats.portrait.chapters`).
    """
    frames = [demography.population(totals, years=vintages)]
    pairs = _pairs(vintages)
    for start, end in pairs:
        frames.append(demography.population_change(totals, start=start, end=end))
        frames.append(demography.natural_balance(totals, start=start, end=end))
        frames.append(
            families.families_change(
                totals,
                start=start,
                end=end,
                small_count_threshold=options.small_count_threshold,
                variances=variances,
            )
        )
    for year in vintages:
        frames.append(
            demography.age_structure(
                totals,
                year=year,
                small_count_threshold=options.small_count_threshold,
                ageing_variant=options.ageing_index,
            )
        )
        frames.append(
            families.households_and_families(
                totals,
                year=year,
                small_count_threshold=options.small_count_threshold,
                variances=variances,
            )
        )
    if income_year is not None:
        frames.append(income.income_figures(income_rows, year=income_year))
    frames.extend(extra)
    result = pd.concat([f for f in frames if len(f)], ignore_index=True)
    result = result.drop_duplicates(subset=["territoire", "indicateur", "annee"], keep="first")
    for territory, note in notes.items():
        mask = (
            (result["territoire"] == territory)
            & ~result["disponible"]
            & (result["source"].str.contains("RP"))
        )
        result.loc[mask, "note"] = f"non disponible : {note}"
    order = {t: i for i, t in enumerate(totals.index)}
    result["_order"] = result["territoire"].map(order).fillna(len(order))
    result = result.sort_values(["_order"], kind="stable").drop(columns="_order")
    return result.reset_index(drop=True)


def _pairs(vintages: Sequence[int]) -> list[tuple[int, int]]:
    """Main period (first → last) then each consecutive pair, without duplicates."""
    pairs = []
    if len(vintages) >= 2:
        pairs.append((vintages[0], vintages[-1]))
        for start, end in zip(vintages, vintages[1:]):
            if (start, end) not in pairs:
                pairs.append((start, end))
    return pairs


# ------------------------------------------------------------------------ vigilance


def vigilance_points(
    *,
    vintages: Sequence[int],
    figures: pd.DataFrame,
    census: CensusData,
    extra: Sequence[str],
    territory: ResolvedTerritory,
    cog_year: int,
    composition_source: str,
    threshold: float,
    titles: Mapping[str, str] | None = None,
) -> list[str]:
    """French "points de vigilance" from the methodology's comparability checks.

    ``titles`` maps the files read to the French titles of their sources: a reader sees
    "Couples - Familles - Ménages en 2016 — recensement, base communale", not a file name.
    """
    titles = titles or {}
    points: list[str] = list(extra)
    for start, end in _pairs(vintages):
        points.extend(comparability.check_vintages(start, end))
    if len(vintages) >= 2:
        # the portrait shows couples and families, not marital status
        points.extend(comparability.concept_breaks(vintages[0], vintages[-1], topics=("couples",)))
    points.append(
        "Ménages et familles (variables « C ») proviennent de l'exploitation complémentaire "
        "du recensement (un échantillon) ; population et âges (variables « P ») de "
        "l'exploitation principale. Chaque ratio rapporte des variables d'une même "
        "exploitation."
    )
    points.append(
        "Précision : l'exploitation complémentaire repose sur environ un ménage sur quatre "
        "dans les communes de moins de 10 000 habitants. Chaque chiffre des ménages et des "
        "familles est donné avec un intervalle de confiance à 95 % approché dans les "
        "tableaux ; une évolution dont l'intervalle contient zéro "
        "est dite « non significative au regard de la précision du recensement »."
    )
    points.append(
        "« Ménages avec famille(s) avec enfant(s) » compte des ménages (selon leur famille "
        "principale), « familles avec enfant(s) » compte des familles : un ménage peut "
        "abriter plusieurs familles, les deux séries ne se comparent pas entre elles."
    )
    points.append(
        "« Familles avec enfant(s) » : enfants sans limite d'âge (définition du recensement) ; "
        "les « familles avec enfant(s) de moins de 25 ans » et les familles nombreuses "
        "(3 enfants ou plus de moins de 25 ans) ne sont calculées que pour les millésimes "
        "qui publient le nombre d'enfants de moins de 25 ans."
    )
    small = figures[
        figures["note"].str.contains("effectif faible", na=False)
        & (figures["territoire"] == territory.id)
    ]
    if len(small):
        names = sorted({indicator_label(i).lower() for i in small["indicateur"]})
        points.append(
            f"{len(small)} chiffre(s) du territoire reposent sur des effectifs inférieurs à "
            f"{fr_number(threshold, 0)} (estimations par sondage peu précises) : "
            f"{' ; '.join(names)}."
        )
    for label, codes in census.unknown.items():
        points.append(
            f"{label} : {len(codes)} code(s) commune inconnu(s) du COG {cog_year} "
            f"et de la table des mouvements, non rattaché(s) : "
            f"{', '.join(codes[:10])}{' …' if len(codes) > 10 else ''}."
        )
    points.extend(census.identity_points)
    for file_label in sorted({r.source for r in census.records}):
        geo = [r for r in census.records if r.source == file_label]
        points.append(
            f"{titles.get(file_label, file_label)} : {len(geo)} commune(s) harmonisée(s) "
            f"vers le COG {cog_year} (voir le tableau des communes harmonisées)."
        )
    composition_title = titles.get(Path(composition_source).name)
    points.append(
        f"Géographie : COG {cog_year} (communes et EPCI au 1er janvier {cog_year}"
        + (f", {composition_title}" if composition_title else "")
        + ") ; territoires « à périmètre constant » pour tous les millésimes."
    )
    return points


# ------------------------------------------------------------------------- building


def build_portrait(
    params: Params | Mapping[str, Any] | None,
    *,
    params_file: Path | str | None = None,
    cache_dir: Path | None = None,
) -> Portrait:
    """Compute the whole portrait of the territory described by ``params``.

    ``params_file``, when given, is read instead of ``params``
    (:func:`ctgstats.core.params.params_from`): a notebook opened in JupyterLab is pointed
    at a real territory's params file without editing its ``params`` dict.

    The result is memoised by content (:mod:`ctgstats.data.memo`): params, sha256 of every
    input file, ctgstats version. A run computes it once before any kernel starts and the
    notebooks' own calls find it; a notebook opened alone computes it.

    Raises
    ------
    ParamsError, TerritoryError, DataNotFoundError, DataFileError
        With a message naming the field, file, column or value at fault.
    """
    params = params_from(params, params_file)
    extra_dirs = fetch_sources(params, cache_dir=cache_dir)
    catalog = Catalog.from_dirs([*params.data_dirs, *extra_dirs], cache_dir=cache_dir)
    key = memo.content_key(params.to_jsonable(), input_checksums(catalog), _own_files(params))
    portrait = memo.memoised(
        "portrait", key, lambda: compute_portrait(params, catalog), cache_dir=cache_dir
    )
    return replace(portrait, params=params, content_key=key)


def _own_files(params: Params) -> list[tuple[str, str | None]]:
    """``(path, sha256)`` of the params' own input files a chapter reads (the inventory).

    A missing file has no checksum: the chapter then refuses it, naming it.
    """
    if params.dispositifs is None:
        return []
    path = resolve_path(params.dispositifs)
    return [(str(path), file_sha256(path) if path.is_file() else None)]


def input_checksums(catalog: Catalog) -> list[tuple[str, str | None, str | None, str]]:
    """``(path, member, sheet, sha256)`` of every file the portrait may read.

    Every file discovered in the data folders (not only those read: a new file may change
    the defaults, e.g. the most recent vintage), the commune-movements complement and
    the départements → régions table shipped with ctgstats.
    """
    rows = [
        (str(found.path), found.member, found.sheet, file_sha256(found.path))
        for found in catalog.found
    ]
    for name in (BUILTIN_MOVEMENTS, DEPARTEMENTS_TABLE):
        builtin = Path(str(resources.files("ctgstats") / "data" / name))
        rows.append((name, None, None, file_sha256(builtin)))
    return sorted(rows, key=lambda row: tuple(str(part) for part in row))


def _require_census(territory: ResolvedTerritory, communes: pd.DataFrame, params: Params) -> None:
    """The territory has at least one commune in the census files read.

    A territory of the composition table none of whose communes is in the census files
    (data folders of another territory) would give a report where every figure is « non
    disponible »: refused. Some communes missing make the sums not available, with a
    note naming them (:func:`ctgstats.core.territories.aggregate`).

    Raises
    ------
    DataNotFoundError
        Naming the territory and the data folders.
    """
    if not territory.communes or any(c in communes.index for c in territory.communes):
        return
    folders = ", ".join(params.data_dirs)
    raise DataNotFoundError(
        f"territoire {territory.id} ({territory.label}) : aucune de ses "
        f"{len(territory.communes)} communes n'est dans les fichiers du recensement des "
        f"dossiers de données (data_dirs : {folders}) ; ajouter le dossier des fichiers "
        "Insee qui couvrent ce territoire"
    )


def compute_portrait(params: Params, catalog: Catalog) -> Portrait:
    """Compute the portrait of ``params`` from the files of ``catalog`` (no memo)."""
    composition = catalog.load_composition(params.cog_year)
    territory, comparators, notes = resolve_territories(params, composition, catalog)
    territories = [territory, *comparators]
    extra = chapters.load_chapters()
    census = load_census(catalog, territories, composition, extra=extra)
    _require_census(territory, census.communes, params)
    vintages = census_vintages(params, census.totals)
    census.totals = derive_period_columns(census.totals, vintages)
    context = chapters.ChapterContext(
        params=params,
        territory=territory,
        territories=territories,
        totals=census.totals,
        communes=census.communes,
        variances=census.variances,
        vintages=vintages,
        notes=census.notes,
        composition=composition,
        catalog=catalog,
        cog_year=composition.cog_year,
    )
    results = {chapter.id: chapter.compute(context) for chapter in extra}
    notes.extend(_geography_notes(catalog, composition))
    income_year, income_rows, income_notes = load_income(
        catalog, territories, params.income.year, census.records, composition
    )
    notes.extend(income_notes)
    figures = compute_figures(
        census.totals,
        vintages=vintages,
        options=params.options,
        income_rows=income_rows,
        income_year=income_year,
        notes=census.notes,
        variances=census.variances,
        extra=[result.figures for result in results.values()],
    )
    tables = _tables(
        census, territory, territories, vintages, income_rows, income_year, catalog, composition
    )
    for result in results.values():
        tables.update(result.tables)
    vigilance = vigilance_points(
        vintages=vintages,
        figures=figures,
        census=census,
        extra=notes,
        territory=territory,
        cog_year=composition.cog_year,
        composition_source=composition.source,
        threshold=params.options.small_count_threshold,
        titles=source_titles(catalog),
    )
    portrait = Portrait(
        params=params,
        territory=territory,
        comparators=comparators,
        cog_year=composition.cog_year,
        vintages=vintages,
        filosofi_year=income_year,
        figures=figures,
        tables=tables,
        vigilance=vigilance,
        harmonisation=census.records,
        files=list(catalog.used.values()),
        fictional=catalog.is_demo,
        composition_source=composition.source,
        census_totals=census.totals,
        census_communes=_own_communes(census.communes, territory),
        source_titles=source_titles(catalog),
        chapter_vigilance={key: list(result.vigilance) for key, result in results.items()},
    )
    found = [findings.findings_table(portrait)]
    found.extend(chapter.findings(portrait) for chapter in extra if chapter.findings is not None)
    return replace(portrait, findings=pd.concat(found, ignore_index=True))


def _own_communes(communes: pd.DataFrame, territory: ResolvedTerritory) -> pd.DataFrame:
    """The census rows of the territory's own communes (a portrait never carries France's)."""
    members = [c for c in (territory.communes or ()) if c in communes.index]
    return communes.loc[members]


def source_titles(catalog: Catalog) -> dict[str, str]:
    """File name → French title of its source, for every file found."""
    return {found.path.name: found.source.title for found in catalog.found}


def fetch_sources(params: Params, *, cache_dir: Path | None = None) -> list[str]:
    """Download (or find in the cache, offline) the sources listed in ``params.download``.

    Returns the folders holding them, to be searched like the data dirs.
    """
    from ctgstats.data import download, sources

    download.check_download_sources(params)
    folders: list[str] = []
    for item in params.download.sources:
        spec = sources.get_source(item.id, item.vintage, level=item.level)
        path = download.fetch(spec, cache_dir=cache_dir, offline=params.download.offline)
        if str(path.parent) not in folders:
            folders.append(str(path.parent))
    return folders


def _geography_notes(catalog: Catalog, composition: Composition) -> list[str]:
    notes = []
    for source_id in ("rp_evol_struct_pop", "rp_coupl_fam_men", "rp_serie_historique"):
        for found in catalog.files(source_id):
            geo = rp_geography_year(found.vintage)
            if geo > composition.cog_year:
                notes.append(
                    f"{found.path.name} est publié dans la géographie au 1er janvier {geo}, "
                    f"postérieure au COG {composition.cog_year} retenu : les communes créées "
                    f"depuis ne peuvent pas être ramenées à l'ancienne géographie. Choisir un "
                    f"COG au moins égal à {geo}."
                )
    return notes


def _tables(
    census: CensusData,
    territory: ResolvedTerritory,
    territories: Sequence[ResolvedTerritory],  # noqa: ARG001 - signature shared with the callers; unused here
    vintages: Sequence[int],
    income_rows: pd.DataFrame,
    income_year: int | None,
    catalog: Catalog,
    composition: Composition,
) -> dict[str, pd.DataFrame]:
    last = vintages[-1]
    tables: dict[str, pd.DataFrame] = {}
    age = demography.age_groups_table(census.totals, year=last)
    if age is not None:
        tables["structure_par_age"] = age
    pyramid = demography.pyramid(census.totals, year=last)
    if pyramid is not None:
        tables["pyramide"] = pyramid
    if income_year is not None:
        tables["deciles"] = income.deciles_table(income_rows, year=income_year)
    communes = _communes_table(census, territory, vintages, composition)
    if income_year is not None:
        communes, records = _communes_income(
            communes, catalog=catalog, year=income_year, composition=composition, census=census
        )
        census.records.extend(records)
    tables["communes"] = communes
    tables["harmonisation"] = pd.DataFrame(
        [
            {
                "fichier": r.source,
                "operation": r.action,
                "anciens_codes": ", ".join(r.old_codes),
                "code_cog": r.new_code,
                "detail": r.detail,
            }
            for r in census.records
        ],
        columns=["fichier", "operation", "anciens_codes", "code_cog", "detail"],
    )
    return tables


def _communes_table(
    census: CensusData,
    territory: ResolvedTerritory,
    vintages: Sequence[int],
    composition: Composition,
) -> pd.DataFrame:
    """Population of each commune of the territory (sorted by name, never ranked)."""
    members = list(territory.communes or ())
    names = composition.table.set_index("commune")["nom_commune"]
    frame = pd.DataFrame({"code": members, "commune": [names.get(c, "") for c in members]})
    for year in vintages:
        column = f"P{year % 100:02d}_POP"
        values = census.communes[column] if column in census.communes else pd.Series(dtype=float)
        frame[f"population_{year}"] = [values.get(c, np.nan) for c in members]
    return frame.sort_values("commune", kind="stable").reset_index(drop=True)


def filosofi_geography_year(year: int) -> int:
    """COG year of the geography a Filosofi vintage is published in (N → 1 Jan N+1)."""
    return year + 1


def _communes_income(
    table: pd.DataFrame,
    *,
    catalog: Catalog,
    year: int,
    composition: Composition,
    census: CensusData | None = None,
) -> tuple[pd.DataFrame, list[HarmonisationRecord]]:
    """Add each commune's median income (Filosofi COM file, harmonised to the COG year).

    A commune absent from the file or with a blank cell is "secret statistique"; a commune
    made of several communes of the file's geography has no median (medians do not add).
    """
    from ctgstats.data.variables import filosofi

    column = filosofi("Q2", year)
    label = f"revenu_median_uc_{year}"
    source = catalog.filosofi_table(year=year, level="COM")
    result = table.copy()
    if source is None or column not in source.columns:
        result[label] = np.nan
        result[f"statut_revenu_{year}"] = "non disponible : pas de fichier Filosofi communal"
        return result, []
    files = catalog.files("filosofi_disp", vintage=year, level="COM")
    numeric = source.select_dtypes("number")
    harmonised, records, _ = harmonise(
        numeric,
        target_codes=composition.table["commune"],
        movements=catalog.load_movements(),
        cog_year=composition.cog_year,
        source=files[0].path.name,
        non_additive=[c for c in numeric.columns if not c.startswith("NB")],
        departements=set(composition.table["departement"]),
        source_year=filosofi_geography_year(year),
        weights=census.weights if census is not None else None,
        weights_source=census.weights_source if census is not None else None,
    )
    merged = {r.new_code for r in records if r.action.startswith("fusion")}
    split = {c for r in records if r.action == "scission" for c in r.new_code.split(", ")}
    values, status = [], []
    for code in result["code"]:
        value = harmonised[column].get(code, np.nan) if column in harmonised else np.nan
        values.append(value)
        if code in merged:
            status.append("non calculable : commune fusionnée (les médianes ne s'additionnent pas)")
        elif code in split:
            status.append("non calculable : commune scindée (les médianes ne se répartissent pas)")
        elif pd.isna(value):
            status.append("secret statistique : non publié par l'Insee")
        else:
            status.append("publié")
    result[label] = values
    result[f"statut_revenu_{year}"] = status
    codes = set(result["code"])
    relevant = [r for r in records if codes & set(r.new_code.split(", "))]
    return result, relevant


def is_rp_column(column: str) -> bool:
    """True for census columns (``P22_POP``, ``C11_FAM``)."""
    return parse_rp(column) is not None
