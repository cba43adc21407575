"""File helpers shared by every layer: params paths, file hashes and atomic writes.

* Paths of a params file (``data_dirs``, survey exports, codebooks, user tables …) are
  anchored to the params file's folder when it is read (:func:`anchor_path`); paths of a
  params mapping given directly are resolved against the current working directory. The
  ``ctgstats:demo`` marker is the folder of the fictional demo data shipped with the
  package, ``ctgstats:demo/enquetes/x.csv`` a file in it.
* :func:`file_sha256` hashes a file once per (path, modification time, size).
* :func:`atomic_path` and :func:`write_text_atomic` write through a temporary file in
  the same folder and :func:`os.replace`: a reader never sees a half-written file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = [
    "DEMO_DATA_DIR",
    "anchor_path",
    "atomic_path",
    "demo_data_dir",
    "file_sha256",
    "is_demo_path",
    "resolve_data_dir",
    "resolve_path",
    "write_text_atomic",
]

#: The ``data_dirs`` entry (and path prefix) naming the fictional demo data.
DEMO_DATA_DIR = "ctgstats:demo"

_CHUNK = 1 << 20


# --------------------------------------------------------------------------------------
# Paths of a params file
# --------------------------------------------------------------------------------------


def demo_data_dir() -> Path:
    """Folder of the fictional demo data shipped with the package."""
    return Path(str(resources.files("ctgstats") / "demo" / "data"))


def is_demo_path(entry: str) -> bool:
    """True for ``ctgstats:demo`` and the paths inside it (``ctgstats:demo/…``)."""
    return entry == DEMO_DATA_DIR or entry.startswith(DEMO_DATA_DIR + "/")


def resolve_path(entry: str) -> Path:
    """Turn a path of a params file into an absolute path.

    Parameters
    ----------
    entry : str
        A path as written in a params file, or ``ctgstats:demo[/…]``.

    Returns
    -------
    Path
        ``ctgstats:demo/…`` inside :func:`demo_data_dir`; any other path expanded
        (``~``) and resolved against the current working directory.
    """
    if is_demo_path(entry):
        parts = [part for part in entry[len(DEMO_DATA_DIR) :].split("/") if part]
        return demo_data_dir().joinpath(*parts)
    return Path(entry).expanduser().resolve()


def anchor_path(entry: str, base_dir: Path | str) -> str:
    """Make a relative path of a params file relative to ``base_dir`` instead of the cwd.

    Parameters
    ----------
    entry : str
        A path as written in a params file, or ``ctgstats:demo[/…]``.
    base_dir : Path or str
        The folder of the params file (made absolute against the cwd if it is not).

    Returns
    -------
    str
        ``entry`` itself when it is ``ctgstats:demo[/…]`` or absolute (``~`` counts as
        absolute); else ``base_dir / entry``, absolute and normalised (``..`` removed
        without following symbolic links).
    """
    if is_demo_path(entry) or Path(entry).expanduser().is_absolute():
        return entry
    return os.path.normpath(Path(base_dir).absolute() / entry)


def resolve_data_dir(entry: str) -> Path:
    """Turn a ``data_dirs`` entry into a folder (``ctgstats:demo`` → the demo data)."""
    return resolve_path(entry)


# --------------------------------------------------------------------------------------
# Hashes
# --------------------------------------------------------------------------------------


def file_sha256(path: Path | str) -> str:
    """Hex SHA-256 of a file, memoised per (resolved path, mtime, size) in-process.

    Parameters
    ----------
    path : Path or str
        The file.

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return _sha256_of(str(resolved), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _sha256_of(path: str, mtime_ns: int, size: int) -> str:  # noqa: ARG001 - cache key
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------
# Atomic writes
# --------------------------------------------------------------------------------------


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``.

    Write the whole file to the yielded path (``frame.to_csv(tmp)``, an Excel writer …):
    when the block ends normally the temporary file is given the mode of the file it
    replaces (else the usual mode of a new file) and moved over ``path`` with
    :func:`os.replace`; on any error it is deleted and ``path`` is left untouched.
    Parent folders are created.

    Parameters
    ----------
    path : str or os.PathLike
        The file to (re)write.

    Yields
    ------
    Path
        The temporary file to write, in the same folder, with the same suffix.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, _file_mode(target))  # mkstemp makes 0600
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text (Unix line ends) to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        The file to (re)write; parent folders are created.
    text : str
        Its whole content.

    Returns
    -------
    Path
        ``path``.
    """
    target = Path(path)
    with atomic_path(target) as temporary:
        with open(temporary, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
    return target


def _file_mode(target: Path) -> int:
    """Mode of the file being replaced, else the usual mode of a new file (umask)."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
