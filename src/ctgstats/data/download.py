"""Download source files once, verify their checksums, and work offline.

:func:`fetch` stores each file under ``<cache_dir>/downloads/<id>/<vintage>/<filename>``
using `pooch <https://www.fatiando.org/pooch/>`_ for HTTP and hashing:

* when the spec pins a SHA-256, the download must match it, else
  :class:`ChecksumError` and nothing is kept;
* otherwise the first download's hash is recorded in
  ``<cache_dir>/downloads/sources.lock.json`` (trust on first use) and every later
  download or cached copy must match it — a file silently revised by its producer is
  reported, not mixed with the old one;
* with ``offline=True`` or ``CTGSTATS_OFFLINE=1`` the network is never touched: the
  cached file is returned, or :class:`OfflineError` says which file is missing and how
  to fetch it.

A URL containing "latest" is refused: every download is pinned to a vintage.
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ctgstats.core.errors import InputError
from ctgstats.core.files import file_sha256, write_text_atomic
from ctgstats.core.params import Params, ParamsError
from ctgstats.data.cache import default_cache_dir
from ctgstats.data.sources import SOURCE_IDS, SourceSpec

__all__ = [
    "LOCK_FILE_NAME",
    "OFFLINE_ENV",
    "ChecksumError",
    "DownloadError",
    "OfflineError",
    "check_download_sources",
    "download_path",
    "fetch",
    "is_offline",
    "lock_path",
]

#: Environment variable forcing offline mode when set to 1/true/yes.
OFFLINE_ENV = "CTGSTATS_OFFLINE"

#: Trust-on-first-use hashes, in ``<cache_dir>/downloads/``.
LOCK_FILE_NAME = "sources.lock.json"

#: Seconds before an HTTP connection or read is abandoned.
HTTP_TIMEOUT = 60

_LOCK_VERSION = 1
_TRUE = {"1", "true", "yes", "on"}


class DownloadError(InputError, RuntimeError):
    """A source file cannot be obtained (exit code 2, like any input that is missing)."""


class ChecksumError(DownloadError):
    """A downloaded or cached file does not have the expected SHA-256.

    Attributes
    ----------
    url : str
        Where the file came from.
    expected, actual : str
        The expected and the actual hex SHA-256.
    """

    def __init__(self, message: str, *, url: str, expected: str, actual: str) -> None:
        self.url = url
        self.expected = expected
        self.actual = actual
        super().__init__(message)


class OfflineError(DownloadError):
    """Offline mode, and the file is not in the cache."""


def check_download_sources(params: Params) -> None:
    """Refuse an unknown source id in ``params.download.sources`` before fetching anything.

    Raises
    ------
    ParamsError
        Naming the field (``download.sources[0].id``), the value and the known ids.
    """
    for index, item in enumerate(params.download.sources):
        if item.id not in SOURCE_IDS:
            raise ParamsError(
                f"download.sources[{index}].id : identifiant de source inconnu {item.id!r} "
                f"(connus : {', '.join(SOURCE_IDS)})"
            )


def is_offline() -> bool:
    """True when ``$CTGSTATS_OFFLINE`` is set to 1, true, yes or on."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in _TRUE


def lock_path(cache_dir: Path | None = None) -> Path:
    """The trust-on-first-use lock file of a cache directory."""
    return _downloads_root(cache_dir) / LOCK_FILE_NAME


def download_path(
    spec: SourceSpec, *, cache_dir: Path | None = None, url: str | None = None
) -> Path:
    """Where :func:`fetch` stores the file of ``spec`` (downloaded or not)."""
    source_url = _resolve_url(spec, url)
    return _downloads_root(cache_dir) / spec.id / str(spec.vintage) / _filename(source_url)


def fetch(
    spec: SourceSpec,
    *,
    cache_dir: Path | None = None,
    offline: bool = False,
    url: str | None = None,
) -> Path:
    """Local path of the file of ``spec``, downloading and verifying it if needed.

    Parameters
    ----------
    spec : SourceSpec
        The source (see :func:`ctgstats.data.sources.get_source`).
    cache_dir : Path, optional
        Cache root (default :func:`ctgstats.data.cache.default_cache_dir`).
    offline : bool
        Never use the network (also forced by ``CTGSTATS_OFFLINE=1``).
    url : str, optional
        Download from this URL instead of ``spec.url``.

    Returns
    -------
    pathlib.Path
        ``<cache_dir>/downloads/<id>/<vintage>/<filename>``.

    Raises
    ------
    OfflineError
        Offline and the file is not cached.
    ChecksumError
        The file's SHA-256 differs from the pinned or recorded one.
    DownloadError
        No URL, a "latest" URL, or an HTTP failure.
    """
    source_url = _resolve_url(spec, url)
    target = download_path(spec, cache_dir=cache_dir, url=source_url)
    lock_key = f"{spec.id}/{spec.vintage}/{target.name}"
    expected = spec.sha256 or _read_lock(cache_dir).get(lock_key, {}).get("sha256")
    offline = offline or is_offline()
    if target.is_file():
        cached = _check_cached(target, expected, source_url, offline=offline)
        if cached:
            if expected is None:
                _record(cache_dir, lock_key, target, source_url)
            return target
    if offline:
        raise OfflineError(_offline_message(spec, target, source_url))
    _download(source_url, target, expected)
    if expected is None:
        _record(cache_dir, lock_key, target, source_url)
    return target


# --------------------------------------------------------------------------- helpers


def _downloads_root(cache_dir: Path | None) -> Path:
    return Path(cache_dir if cache_dir is not None else default_cache_dir()) / "downloads"


def _resolve_url(spec: SourceSpec, url: str | None) -> str:
    source_url = url or spec.url
    if not source_url:
        raise DownloadError(
            f"pas d'adresse de téléchargement pour {_label(spec)} (aucune établie dans le "
            "registre) : téléchargez-le depuis insee.fr et placez-le dans un dossier de données"
        )
    if "latest" in source_url.lower():
        raise DownloadError(
            f"adresse 'latest' refusée pour {_label(spec)} ({source_url}) : "
            "un téléchargement est toujours fixé à un millésime"
        )
    return source_url


def _filename(url: str) -> str:
    name = PurePosixPath(url.split("?", 1)[0].split("#", 1)[0]).name
    if not name or name in (".", ".."):
        raise DownloadError(f"impossible de nommer le fichier téléchargé depuis {url}")
    return name


def _label(spec: SourceSpec) -> str:
    return f"{spec.id} {spec.vintage}{f' {spec.level}' if spec.level else ''}"


def _check_cached(target: Path, expected: str | None, url: str, *, offline: bool) -> bool:
    """True if the cached file can be used; False if it must be downloaded again."""
    if expected is None:
        return True
    actual = file_sha256(target)
    if actual == expected:
        return True
    if offline:
        raise ChecksumError(
            f"le fichier en cache {target} (depuis {url}) a pour SHA-256 {actual}, attendu "
            f"{expected} ; supprimez-le et téléchargez-le à nouveau avec le réseau",
            url=url,
            expected=expected,
            actual=actual,
        )
    target.unlink()
    return False


def _download(url: str, target: Path, expected: str | None) -> None:
    import pooch
    import requests

    target.parent.mkdir(parents=True, exist_ok=True)
    logging.getLogger("pooch").setLevel(logging.WARNING)
    downloader = pooch.HTTPDownloader(progressbar=False, timeout=HTTP_TIMEOUT)
    try:
        pooch.retrieve(
            url,
            known_hash=f"sha256:{expected}" if expected else None,
            fname=target.name,
            path=target.parent,
            downloader=downloader,
            progressbar=False,
        )
    except ValueError as exc:
        if "hash" not in str(exc).lower():
            raise DownloadError(f"échec du téléchargement de {url} : {exc}") from exc
        target.unlink(missing_ok=True)
        actual = _actual_hash(str(exc))
        raise ChecksumError(
            f"SHA-256 différent pour {url} : attendu {expected}, obtenu {actual} ; le fichier "
            "n'a pas été gardé (le producteur l'a peut-être révisé : vérifiez, puis mettez "
            "à jour l'empreinte fixée ou enregistrée)",
            url=url,
            expected=expected or "",
            actual=actual,
        ) from exc
    except requests.RequestException as exc:
        raise DownloadError(f"échec du téléchargement de {url} : {exc}") from exc


def _actual_hash(message: str) -> str:
    match = re.search(r"got\s+(?:sha256:)?([0-9a-fA-F]{64})", message)
    return match.group(1).lower() if match else "inconnue"


def _offline_message(spec: SourceSpec, target: Path, url: str) -> str:
    level = f" --level {spec.level}" if spec.level else ""
    command = f"ctgstats data fetch {spec.id} --vintage {spec.vintage}{level}"
    return (
        f"mode hors ligne : {_label(spec)} n'est pas dans le cache ({target} manque). "
        f"Téléchargez-le une fois avec le réseau ({OFFLINE_ENV} non défini) : {command} "
        f"— ou téléchargez {url} vers {target}."
    )


# --------------------------------------------------------------------------- lock file


def _read_lock(cache_dir: Path | None) -> dict[str, Any]:
    path = lock_path(cache_dir)
    if not path.is_file():
        return {}
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise DownloadError(f"fichier de verrou illisible {path} : {exc}") from exc
    return dict(content.get("files", {}))


def _record(cache_dir: Path | None, key: str, target: Path, url: str) -> None:
    files = _read_lock(cache_dir)
    files[key] = {
        "sha256": file_sha256(target),
        "url": url,
        "recorded": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_json(lock_path(cache_dir), {"version": _LOCK_VERSION, "files": files})


def _write_json(path: Path, content: dict[str, Any]) -> None:
    write_text_atomic(path, json.dumps(content, indent=2, sort_keys=True) + "\n")
