"""Parquet cache of parsed tables, keyed by file content.

National INSEE files are large (35,000 communes × hundreds of columns) and slow to
parse, above all as xlsx. :func:`cached_parse` parses a file once with
:func:`ctgstats.data.readers.parse_file` (this module imports the readers, never the
reverse) and stores the full typed table as parquet under
``<cache_dir>/<key[:2]>/<key>.parquet``; later calls read only the requested columns.

The key is the SHA-256 of the file's bytes, the archive member, the sheet,
:data:`CACHE_FORMAT_VERSION` and the reader version, so a changed file, a changed
reader or a changed cache layout never reuses a stale table. Files are written
atomically (temporary file + :func:`os.replace`).

The key says which source a table comes from, not that the parquet file still holds
what was written: each entry has a sidecar ``<key>.sha256`` with the SHA-256 of the
parquet file, written with it and verified before every read. An entry whose checksum
is missing or differs (one flipped bit changes a published figure), or which cannot be
read, is never used: it is deleted and rebuilt from the source, with a
:class:`~ctgstats.data.readers.DataFileWarning` in French.

The source's real type (a workbook renamed ``.csv``…) is checked
(:func:`~ctgstats.data.readers.check_file_type`) before any cache lookup, so that a
file refused with a cold cache is refused with a warm one too.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from ctgstats.core.files import file_sha256
from ctgstats.data.readers import (
    READER_VERSION,
    DataFileWarning,
    check_file_type,
    parse_file,
    select_table,
)

__all__ = [
    "CACHE_FORMAT_VERSION",
    "cache_key",
    "cache_path",
    "cached_column_names",
    "checksum_path",
    "cached_parse",
    "default_cache_dir",
    "read_table",
]

#: Bumped whenever the layout of cached parquet files changes.
CACHE_FORMAT_VERSION = 2

#: Environment variable overriding the default cache directory.
CACHE_DIR_ENV = "CTGSTATS_CACHE_DIR"

_INDEX_NAME = "line"


def default_cache_dir() -> Path:
    """``$CTGSTATS_CACHE_DIR`` if set and non-empty, else ``~/.cache/ctgstats``."""
    value = os.environ.get(CACHE_DIR_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    return Path.home() / ".cache" / "ctgstats"


def cache_key(path: Path | str, *, member: str | None = None, sheet: str | None = None) -> str:
    """Content key of a parsed table: file hash, member, sheet and format versions."""
    payload = json.dumps(
        {
            "sha256": file_sha256(path),
            "member": member,
            "sheet": sheet,
            "format": CACHE_FORMAT_VERSION,
            "reader": READER_VERSION,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_path(cache_dir: Path | str, key: str) -> Path:
    """Location of the parquet file of ``key``: ``<cache_dir>/<key[:2]>/<key>.parquet``."""
    return Path(cache_dir) / key[:2] / f"{key}.parquet"


def checksum_path(target: Path | str) -> Path:
    """Sidecar holding the SHA-256 of a cache entry: ``<key>.sha256`` beside it."""
    return Path(target).with_suffix(".sha256")


def cached_parse(
    path: Path | str,
    *,
    cache_dir: Path | str,
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
    member, sheet : str, optional
        Archive member and workbook sheet, passed to the parser.
    columns : sequence of str, optional
        Only read these columns from the cache (all when None).

    Returns
    -------
    pandas.DataFrame
        The typed table, index ``line`` as produced by the parser.
    """
    target = _ensure_cached(Path(path), Path(cache_dir), member, sheet)
    try:
        return _read_parquet(target, columns)
    except _CorruptCache as exc:
        _discard(target, Path(path), str(exc))
        table = _parse_and_store(Path(path), target, member, sheet)
        return table if columns is None else table.loc[:, list(columns)]


def cached_column_names(
    path: Path | str, *, cache_dir: Path | str, member: str | None = None, sheet: str | None = None
) -> tuple[list[str], dict[str, Any]]:
    """Column names of the cached table (parsing the file if needed) and its source info.

    Returns
    -------
    tuple of (list of str, dict)
        The column names, without the ``line`` index, and ``attrs["source"]`` as
        recorded by the parser (path, member, sheet, encoding, decimal mark).
    """
    target = _ensure_cached(Path(path), Path(cache_dir), member, sheet)
    try:
        schema = pq.read_schema(target)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a corrupt cache entry
        _discard(target, Path(path), f"illisible : {exc}")
        table = _parse_and_store(Path(path), target, member, sheet)
        return list(table.columns), dict(table.attrs.get("source", {}))
    names = [
        name
        for name in schema.names
        if name != _INDEX_NAME and not name.startswith("__index_level_")
    ]
    return names, _source_attrs(schema)


def read_table(
    path: Path | str,
    *,
    cache_dir: Path | str,
    required: Sequence[str] = (),
    optional: Sequence[str] = (),
    pattern: str | None = None,
    codes: Collection[str] | None = None,
    code_column: str | None = None,
    member: str | None = None,
    sheet: str | None = None,
    unique_codes: bool = True,
    commune_codes: bool = False,
) -> pd.DataFrame:
    """:func:`ctgstats.data.readers.read_table` through the parquet cache.

    The file is parsed once; later calls read only the requested columns back.
    Parameters and result are those of :func:`ctgstats.data.readers.read_table`.
    """
    names, source = cached_column_names(path, cache_dir=cache_dir, member=member, sheet=sheet)
    return select_table(
        Path(path),
        names,
        source,
        lambda selection: cached_parse(
            path, cache_dir=cache_dir, member=member, sheet=sheet, columns=selection
        ),
        required=required,
        optional=optional,
        pattern=pattern,
        codes=codes,
        code_column=code_column,
        unique_codes=unique_codes,
        commune_codes=commune_codes,
    )


class _CorruptCache(Exception):
    """Internal: a cache file cannot be read."""


def _ensure_cached(path: Path, cache_dir: Path, member: str | None, sheet: str | None) -> Path:
    """The verified cache entry of ``path`` (parsed and stored when absent or corrupt)."""
    if path.is_file():
        check_file_type(path)  # before any lookup: the cache never hides a mistyped file
    target = cache_path(cache_dir, cache_key(path, member=member, sheet=sheet))
    if target.is_file():
        problem = _checksum_problem(target)
        if problem is None:
            return target
        _discard(target, path, problem)
    _parse_and_store(path, target, member, sheet)
    return target


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksum_problem(target: Path) -> str | None:
    """Why the entry cannot be trusted (French), or None when its checksum matches."""
    try:
        expected = checksum_path(target).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return "empreinte SHA-256 absente"
    try:
        actual = _file_digest(target)
    except OSError as exc:
        return f"illisible : {exc}"
    if actual != expected:
        return "empreinte SHA-256 différente de celle enregistrée à l'écriture"
    return None


def _discard(target: Path, source: Path, problem: str) -> None:
    warnings.warn(
        f"cache {target} corrompu ({problem}) : entrée ignorée, supprimée et reconstruite "
        f"à partir de {source}",
        DataFileWarning,
        stacklevel=4,
    )
    target.unlink(missing_ok=True)
    checksum_path(target).unlink(missing_ok=True)


def _parse_and_store(
    path: Path, target: Path, member: str | None, sheet: str | None
) -> pd.DataFrame:
    table = parse_file(path, member=member, sheet=sheet)
    _write_atomic(table, target)
    return table


def _write_atomic(table: pd.DataFrame, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".parquet")
    os.close(handle)
    handle, temp_sum = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".sha256")
    os.close(handle)
    try:
        table.to_parquet(temp_name, engine="pyarrow", index=True)
        Path(temp_sum).write_text(_file_digest(Path(temp_name)) + "\n", encoding="ascii")
        os.replace(temp_sum, checksum_path(target))
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        Path(temp_sum).unlink(missing_ok=True)
        raise


def _read_parquet(target: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    try:
        names = pq.read_schema(target).names
    except Exception as exc:
        raise _CorruptCache(str(exc)) from exc
    unknown = [name for name in columns or () if name not in names]
    if unknown:
        raise KeyError(f"columns not in the cached table of {target}: {unknown}")
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
