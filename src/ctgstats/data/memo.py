"""A small content-keyed store of computed results, shared between processes.

A result is stored as a pickle file ``<cache_dir>/memo/<namespace>/<key>.pickle`` where
``key`` is the sha256 of everything the result depends on (:func:`content_key`: the
caller's parts, the ctgstats version and a digest of its installed sources, so that an
edited checkout never reuses a stale result). A run computes its portrait once in the
preparation; each notebook's kernel then finds it here instead of computing it again.

Files are written atomically (temporary file + :func:`os.replace`). Each file starts with
the SHA-256 of its pickle, verified before unpickling: a file whose checksum differs (a
flipped bit would change a published figure), or that cannot be read back (truncated,
written by another Python), is never used: it is deleted and the result recomputed, with
a warning in French.
Only the newest :data:`MAX_ENTRIES` files of a namespace are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import warnings
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["MAX_ENTRIES", "content_key", "memo_path", "memoised"]

T = TypeVar("T")

#: Files kept per namespace (the oldest are deleted beyond).
MAX_ENTRIES = 64
_SUFFIX = ".pickle"
_MAGIC = b"ctgstats-memo sha256 "


@lru_cache(maxsize=1)
def code_version() -> str:
    """The version of ctgstats and a sha256 of its installed ``.py`` sources."""
    from ctgstats import __version__

    digest = hashlib.sha256(__version__.encode())
    root = Path(str(resources.files("ctgstats")))
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def content_key(*parts: Any) -> str:
    """sha256 of ``parts`` (JSON, sorted keys) and of :func:`code_version`."""
    text = json.dumps(
        {"code": code_version(), "parts": parts}, sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def memo_path(namespace: str, key: str, *, cache_dir: Path | None = None) -> Path:
    """Where the result of ``key`` is stored (default cache: ``$CTGSTATS_CACHE_DIR``)."""
    from ctgstats.data.cache import default_cache_dir

    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return folder / "memo" / namespace / f"{key}{_SUFFIX}"


def _load(path: Path) -> tuple[bool, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return False, None
    except OSError as exc:
        return _discard(path, f"illisible : {exc}")
    header, _, payload = data.partition(b"\n")
    if not header.startswith(_MAGIC):
        return _discard(path, "en-tête d'empreinte absent")
    if hashlib.sha256(payload).hexdigest().encode("ascii") != header[len(_MAGIC) :]:
        return _discard(path, "empreinte SHA-256 différente de celle enregistrée à l'écriture")
    try:
        return True, pickle.loads(payload)  # our own cache folder, checksum verified
    except Exception as exc:  # noqa: BLE001 - any unreadable file is recomputed
        return _discard(path, f"illisible : {exc}")


def _discard(path: Path, problem: str) -> tuple[bool, Any]:
    warnings.warn(
        f"cache {path} corrompu ({problem}) : résultat ignoré, supprimé et recalculé",
        UserWarning,
        stacklevel=4,
    )
    path.unlink(missing_ok=True)
    return False, None


def _store(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(payload).hexdigest().encode("ascii")
        with os.fdopen(handle, "wb") as stream:
            stream.write(_MAGIC + digest + b"\n" + payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _prune(path.parent)


def _prune(folder: Path) -> None:
    entries = []
    for path in folder.glob(f"*{_SUFFIX}"):
        try:
            entries.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _, path in sorted(entries, reverse=True)[MAX_ENTRIES:]:
        path.unlink(missing_ok=True)


def memoised(
    namespace: str, key: str, compute: Callable[[], T], *, cache_dir: Path | None = None
) -> T:
    """The stored result of ``key``, else ``compute()`` stored under ``key``.

    Parameters
    ----------
    namespace
        Sub-folder of the kind of result (``"portrait"``).
    key
        :func:`content_key` of everything the result depends on.
    compute
        Computes the result (its exceptions propagate; nothing is stored then).
    cache_dir
        Cache folder (default :func:`ctgstats.data.cache.default_cache_dir`).
    """
    path = memo_path(namespace, key, cache_dir=cache_dir)
    found, value = _load(path)
    if found:
        return value
    value = compute()
    try:
        _store(path, value)
    except (OSError, pickle.PicklingError):  # the memo is an optimisation only
        pass
    return value
