"""Parquet cache of parsed tables, keyed by file content.

National INSEE files are large (35,000 communes × hundreds of columns) and slow to
parse, above all as xlsx. :func:`cached_parse` parses a file once with
:func:`ctgstats.data.readers.parse_file` and stores the full typed table as parquet under
``<cache_dir>/<key[:2]>/<key>.parquet``; later calls read only the requested columns.

The key is the SHA-256 of the file's bytes, the archive member, the sheet,
:data:`CACHE_FORMAT_VERSION` and the reader version, so a changed file, a changed
reader or a changed cache layout never reuses a stale table. Files are written
atomically (temporary file + :func:`os.replace`); a corrupt cache file is deleted and
the source re-parsed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from ctgstats.core.files import atomic_path, file_sha256

__all__ = [
    "CACHE_FORMAT_VERSION",
    "cache_key",
    "cache_path",
    "cached_column_names",
    "cached_parse",
    "default_cache_dir",
]

#: Bumped whenever the layout of cached parquet files changes.
CACHE_FORMAT_VERSION = 1

#: Environment variable overriding the default cache directory.
CACHE_DIR_ENV = "CTGSTATS_CACHE_DIR"

#: A parser: ``parse(path, member=..., sheet=...)`` → the typed table.
Parser = Callable[..., pd.DataFrame]

_INDEX_NAME = "line"


def default_cache_dir() -> Path:
    """``$CTGSTATS_CACHE_DIR`` if set and non-empty, else ``~/.cache/ctgstats``."""
    value = os.environ.get(CACHE_DIR_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    return Path.home() / ".cache" / "ctgstats"


def cache_key(
    path: Path | str, *, version: str, member: str | None = None, sheet: str | None = None
) -> str:
    """Content key of a parsed table: file hash, member, sheet and format versions.

    ``version`` is the parser's own version (``readers.READER_VERSION``): a changed parser
    never reuses a table parsed by an older one.
    """
    payload = json.dumps(
        {
            "sha256": file_sha256(path),
            "member": member,
            "sheet": sheet,
            "format": CACHE_FORMAT_VERSION,
            "reader": version,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_path(cache_dir: Path | str, key: str) -> Path:
    """Location of the parquet file of ``key``: ``<cache_dir>/<key[:2]>/<key>.parquet``."""
    return Path(cache_dir) / key[:2] / f"{key}.parquet"


def cached_parse(
    path: Path | str,
    *,
    cache_dir: Path | str,
    parse: Parser,
    version: str,
    member: str | None = None,
    sheet: str | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Parse ``path`` once, then read it back from the parquet cache.

    Parameters
    ----------
    path : Path or str
        The data file (see :func:`ctgstats.data.readers.parse_file`).
    cache_dir : Path or str
        Root of the cache.
    parse : callable
        The parser, called as ``parse(path, member=member, sheet=sheet)``
        (:func:`ctgstats.data.readers.parse_file`).
    version : str
        The parser's version, part of the cache key.
    member, sheet : str, optional
        Archive member and workbook sheet, passed to the parser.
    columns : sequence of str, optional
        Only read these columns from the cache (all when None).

    Returns
    -------
    pandas.DataFrame
        The typed table, index ``line`` as produced by the parser.
    """
    source = _Source(Path(path), member, sheet, parse, version)
    target = _ensure_cached(source, Path(cache_dir))
    try:
        return _read_parquet(target, columns)
    except _CorruptCache:
        target.unlink(missing_ok=True)
        table = _parse_and_store(source, target)
        return table if columns is None else table.loc[:, list(columns)]


def cached_column_names(
    path: Path | str,
    *,
    cache_dir: Path | str,
    parse: Parser,
    version: str,
    member: str | None = None,
    sheet: str | None = None,
) -> tuple[list[str], dict[str, Any]]:
    """Column names of the cached table (parsing the file if needed) and its source info.

    Returns
    -------
    tuple of (list of str, dict)
        The column names, without the ``line`` index, and ``attrs["source"]`` as
        recorded by the parser (path, member, sheet, encoding, decimal mark).
    """
    source = _Source(Path(path), member, sheet, parse, version)
    target = _ensure_cached(source, Path(cache_dir))
    try:
        schema = pq.read_schema(target)
    except Exception:  # noqa: BLE001 - any unreadable file is a corrupt cache entry
        target.unlink(missing_ok=True)
        table = _parse_and_store(source, target)
        return list(table.columns), dict(table.attrs.get("source", {}))
    names = [
        name
        for name in schema.names
        if name != _INDEX_NAME and not name.startswith("__index_level_")
    ]
    return names, _source_attrs(schema)


class _CorruptCache(Exception):
    """Internal: a cache file cannot be read."""


@dataclass(frozen=True)
class _Source:
    """A table to parse: file, archive member, workbook sheet, parser and its version."""

    path: Path
    member: str | None
    sheet: str | None
    parse: Parser
    version: str


def _ensure_cached(source: _Source, cache_dir: Path) -> Path:
    key = cache_key(source.path, version=source.version, member=source.member, sheet=source.sheet)
    target = cache_path(cache_dir, key)
    if not target.is_file():
        _parse_and_store(source, target)
    return target


def _parse_and_store(source: _Source, target: Path) -> pd.DataFrame:
    table = source.parse(source.path, member=source.member, sheet=source.sheet)
    _write_atomic(table, target)
    return table


def _write_atomic(table: pd.DataFrame, target: Path) -> None:
    with atomic_path(target) as temporary:
        table.to_parquet(temporary, engine="pyarrow", index=True)


def _read_parquet(target: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    try:
        names = pq.read_schema(target).names
    except Exception as exc:
        raise _CorruptCache(str(exc)) from exc
    unknown = [name for name in columns or () if name not in names]
    if unknown:
        raise KeyError(f"colonnes absentes de la table en cache {target} : {unknown}")
    try:
        table = pd.read_parquet(
            target, engine="pyarrow", columns=None if columns is None else list(columns)
        )
    except Exception as exc:
        raise _CorruptCache(str(exc)) from exc
    if table.index.name != _INDEX_NAME:
        raise _CorruptCache("missing line index")
    return table


def _source_attrs(schema: Any) -> dict[str, Any]:
    metadata = schema.metadata or {}
    raw = metadata.get(b"PANDAS_ATTRS")
    if not raw:
        return {}
    try:
        return dict(json.loads(raw).get("source", {}))
    except (ValueError, AttributeError):
        return {}
