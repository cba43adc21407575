"""The territories of a batch: from params files, or expanding a département or an EPCI.

A batch is a list of :class:`BatchItem` — one territory each, with its validated params —
made from params files (:func:`items_from_files`) or by expanding a département into its
EPCIs or communes (:func:`expand_departement`) or an EPCI into its communes
(:func:`expand_epci`); :func:`select` keeps those named by ``--only`` and ``--limit``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ctgstats.core.errors import InputError
from ctgstats.core.notebooks import get_notebook
from ctgstats.core.params import Params, ParamsError, load_params, parse_params


class BatchError(InputError, ValueError):
    """Bad batch arguments (unknown département or EPCI, nothing selected …), in French."""


@dataclass(frozen=True)
class BatchItem:
    """One territory of a batch.

    ``source`` says where it comes from: a params file path, or
    ``"departement:00 → epci:000000101"`` for an expansion. ``params`` is None for a params
    file that could not be read or validated; ``error`` then holds the message and the item
    fails without running.
    """

    slug: str
    params: Params | None
    source: str
    error: str | None = None

    @property
    def params_file(self) -> str | None:
        """The params file of the item, when it comes from one."""
        return self.source if self.source and Path(self.source).is_file() else None

    def names(self) -> set[str]:
        """What ``only`` may name: slug, code, ``level:code``, file path or stem."""
        names = {self.slug, self.source}
        if self.params is not None:
            names |= {self.params.territory.code, self.params.territory.id}
        if self.params_file:
            names.add(Path(self.source).stem)
        return names


def _catalog(base: Params):
    from ctgstats.data.catalog import Catalog
    from ctgstats.portrait.build import fetch_sources

    return Catalog.from_dirs([*base.data_dirs, *fetch_sources(base)])


def _territory_params(base: Params, level: str, code: str, *, source: str) -> Params:
    """``base`` with the territory replaced; territory-specific settings dropped.

    Kept: COG year, census and income vintages, data folders, downloads, comparators,
    options and the notebooks 01/02. Dropped: the slug, surveys, indicators (T0, action
    plan, local data), the inventory of dispositifs and the notebooks 03/04 that need
    them — they describe one territory.
    The base's own territory keeps everything (its surveys and follow-up included), so a
    batch never replaces its full report by a reduced one.
    """
    if (base.territory.level.value, base.territory.code) == (level, code):
        return base.model_copy(update={"slug": None})
    data = base.to_jsonable()
    data["territory"] = {"level": level, "code": code}
    data["slug"] = None
    data["surveys"] = []
    data.pop("indicators", None)
    data.pop("dispositifs", None)
    if data.get("notebooks"):
        kept = [n for n in data["notebooks"] if not get_notebook(n).territory_specific]
        data["notebooks"] = kept or None
    return parse_params(data, source=source)


def _not_in_composition(kind: str, code: str, known: Iterable[str], composition) -> BatchError:
    known = sorted(set(known))
    close = difflib.get_close_matches(code, known, n=3, cutoff=0.5)
    if len(known) <= 12:
        hint = f" Codes présents : {', '.join(known)}." if known else ""
    elif close:
        hint = f" Codes proches : {', '.join(close)}."
    else:
        hint = f" {len(known)} codes présents, ex. {', '.join(known[:5])}."
    return BatchError(
        f"{kind} {code!r} absent de la table de composition du COG "
        f"{composition.cog_year} ({composition.source}).{hint}"
    )


def expand_departement(base: Params, departement: str, *, level: str = "epci") -> list[BatchItem]:
    """Every EPCI (``level="epci"``) or commune (``level="commune"``) of a département.

    Taken from the composition table of the base params' data (``cog_year``); an EPCI
    straddling départements is included when any of its communes is in ``departement``.
    Each item is ``base`` with the territory replaced (see :func:`_territory_params`) and
    the slug ``f"{level}-{code}"``; items are sorted by code.

    Raises
    ------
    BatchError
        Malformed or unknown département code, or an unknown level.
    """
    from ctgstats.core.codes import CODE_SHAPES, Level, is_valid_code
    from ctgstats.core.territories import NO_EPCI

    if level not in ("epci", "commune"):
        raise BatchError(f"niveau {level!r} inconnu pour un département (epci ou commune)")
    if not is_valid_code(Level.DEPARTEMENT, departement):
        raise BatchError(
            f"département {departement!r} : code mal formé (attendu "
            f"{CODE_SHAPES[Level.DEPARTEMENT]})"
        )
    composition = _catalog(base).load_composition(base.cog_year)
    table = composition.table
    rows = table[table["departement"] == departement]
    if rows.empty:
        raise _not_in_composition("département", departement, table["departement"], composition)
    codes = rows[level]
    codes = sorted({c for c in codes if c and c != NO_EPCI})
    return [_item(base, level, code, origin=f"departement:{departement}") for code in codes]


def expand_epci(base: Params, epci: str) -> list[BatchItem]:
    """Every commune of an EPCI (composition of the base params' ``cog_year``), by code.

    Raises
    ------
    BatchError
        Malformed or unknown EPCI code.
    """
    from ctgstats.core.codes import CODE_SHAPES, Level, is_valid_code

    if not is_valid_code(Level.EPCI, epci):
        raise BatchError(f"EPCI {epci!r} : code mal formé (attendu {CODE_SHAPES[Level.EPCI]})")
    composition = _catalog(base).load_composition(base.cog_year)
    table = composition.table
    rows = table[table["epci"] == epci]
    if rows.empty:
        raise _not_in_composition("EPCI", epci, table["epci"], composition)
    return [
        _item(base, "commune", code, origin=f"epci:{epci}") for code in sorted(set(rows["commune"]))
    ]


def _item(base: Params, level: str, code: str, *, origin: str) -> BatchItem:
    source = f"{origin} → {level}:{code}"
    return BatchItem(
        slug=f"{level}-{code}",
        params=_territory_params(base, level, code, source=source),
        source=source,
    )


def _shared_settings(base: Params) -> dict:
    """The territory-independent settings of ``base`` (as :func:`_territory_params` keeps)."""
    data = base.to_jsonable()
    for key in ("territory", "slug", "indicators", "dispositifs"):
        data.pop(key, None)
    data["surveys"] = []
    if data.get("notebooks"):
        kept = [n for n in data["notebooks"] if not get_notebook(n).territory_specific]
        data["notebooks"] = kept or None
    return data


def params_over_base(path: Path, base: Params) -> Params:
    """A territory's params file read over the shared settings of ``base``.

    The file's top-level keys replace the base's (its ``territory`` always; a key it does
    not give comes from the base: COG year, vintages, data folders, comparators,
    options, notebooks 01/02). Relative paths in the file resolve against the file's
    folder, those of the base against the base's (they are already resolved in ``base``).

    Raises
    ------
    ParamsError
        The file cannot be read, is not a YAML mapping, or the merge is invalid.
    """
    import yaml

    try:
        own = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ParamsError(f"{path} : lecture impossible ({error})") from None
    except yaml.YAMLError as error:
        raise ParamsError(f"{path} : YAML invalide : {error}") from None
    if not isinstance(own, dict):
        raise ParamsError(f"{path} : un fichier de paramètres est un dictionnaire YAML")
    data = {**_shared_settings(base), **own}
    return parse_params(data, source=str(path), base_dir=Path(path).absolute().parent)


def items_from_files(
    paths: Sequence[Path | str], *, base: Params | None = None, base_path: Path | str | None = None
) -> list[BatchItem]:
    """Items from params files: folders (their ``*.yaml``/``*.yml``, sorted) or files.

    ``base_path``, the file ``base`` was read from, is no territory when it sits in one of
    the folders (``ctgstats batch params/ --base params/commun.yaml``).

    Each file is validated; a file that cannot be read or validated becomes an item that
    fails with its message (the batch goes on). With ``base``, each file holds only what
    is proper to its territory (at least ``territory``) and the rest comes from ``base``
    (:func:`params_over_base`).

    Raises
    ------
    BatchError
        A folder without any params file, or no path at all.
    """
    from ctgstats.pipeline.plan import default_slug, slugify

    files: list[Path] = []
    base_file = Path(base_path).resolve() if base_path is not None else None
    for entry in paths:
        entry = Path(entry)
        if entry.is_dir():
            # the --base file kept with the territories' files is no territory of its own
            found = sorted(
                p
                for p in entry.iterdir()
                if p.suffix in (".yaml", ".yml")
                and p.is_file()
                and not p.name.startswith(".")
                and p.resolve() != base_file
            )
            if not found:
                raise BatchError(f"{entry} : aucun fichier de paramètres *.yaml dans ce dossier")
            files.extend(found)
        else:
            files.append(entry)
    if not files:
        raise BatchError("aucun fichier de paramètres donné")
    items = []
    for path in files:
        try:
            params = load_params(path) if base is None else params_over_base(path, base)
        except ParamsError as error:
            items.append(
                BatchItem(slug=slugify(path.stem), params=None, source=str(path), error=str(error))
            )
            continue
        items.append(BatchItem(slug=default_slug(params), params=params, source=str(path)))
    return items


def select(
    items: Sequence[BatchItem], *, only: Sequence[str] = (), limit: int | None = None
) -> list[BatchItem]:
    """Items named in ``only`` (slugs, codes, ``level:code``, files), then the first ``limit``.

    Raises
    ------
    BatchError
        A name in ``only`` matching no item, or a negative limit.
    """
    selected = list(items)
    if only:
        wanted = [str(o).strip() for o in only]
        unknown = [o for o in wanted if not any(o in item.names() for item in selected)]
        if unknown:
            slugs = [item.slug for item in selected]
            close = sorted({c for o in unknown for c in difflib.get_close_matches(o, slugs)})
            hint = f" (proches : {', '.join(close)})" if close else ""
            raise BatchError(
                f"--only : aucun territoire du lot ne correspond à {', '.join(unknown)}{hint}"
            )
        selected = [item for item in selected if item.names() & set(wanted)]
    if limit is not None:
        if limit < 0:
            raise BatchError(f"--limit doit être positif (reçu {limit})")
        selected = selected[:limit]
    return selected


def unique_outputs(items: Sequence[BatchItem]) -> list[BatchItem]:
    """Later items writing into the same output folder as an earlier one become failures."""
    seen: dict[str, BatchItem] = {}
    result = []
    for item in items:
        first = seen.get(item.slug) if item.params is not None else None
        if first is not None:
            item = BatchItem(
                slug=item.slug,
                params=None,
                source=item.source,
                error=f"même dossier de sortie « {item.slug} » que {first.source} "
                "(territoire ou slug en double) : non exécuté",
            )
        elif item.params is not None:
            seen[item.slug] = item
        result.append(item)
    return result
