"""Tests of ctgstats.data.download against a local HTTP server on 127.0.0.1 only."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pytest
from tests.helpers import LocalServer

from ctgstats.core.errors import InputError
from ctgstats.core.params import ParamsError, parse_params
from ctgstats.data.download import (
    ChecksumError,
    DownloadError,
    OfflineError,
    check_download_sources,
    download_path,
    fetch,
    lock_path,
)
from ctgstats.data.sources import SOURCE_IDS, get_source

FILE_NAME = "base-cc-evol-struct-pop-2022_csv.zip"
CONTENT = b"PK fake archive bytes, version 1"


pytestmark = pytest.mark.usefixtures("loopback_only")


@pytest.fixture
def served(tmp_path):
    """A directory served over HTTP on 127.0.0.1, with the test file in it."""
    root = tmp_path / "remote"
    root.mkdir()
    (root / FILE_NAME).write_bytes(CONTENT)
    server = LocalServer(root)
    try:
        yield root, server
    finally:
        server.stop()


@pytest.fixture
def spec():
    return get_source("rp_evol_struct_pop", 2022)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_first_fetch_downloads_and_records_the_hash(tmp_path, served, spec):
    _, server = served
    cache_dir = tmp_path / "cache"
    path = fetch(spec, cache_dir=cache_dir, url=server.url(FILE_NAME))
    assert path == cache_dir / "downloads" / "rp_evol_struct_pop" / "2022" / FILE_NAME
    assert path.read_bytes() == CONTENT
    lock = json.loads(lock_path(cache_dir).read_text())
    entry = lock["files"][f"rp_evol_struct_pop/2022/{FILE_NAME}"]
    assert entry["sha256"] == sha256(CONTENT)
    assert entry["url"] == server.url(FILE_NAME)


def test_second_fetch_uses_the_cache_when_the_server_is_gone(tmp_path, served, spec):
    _, server = served
    cache_dir = tmp_path / "cache"
    url = server.url(FILE_NAME)
    first = fetch(spec, cache_dir=cache_dir, url=url)
    server.stop()
    assert fetch(spec, cache_dir=cache_dir, url=url) == first
    assert fetch(spec, cache_dir=cache_dir, url=url, offline=True) == first


def test_offline_fetch_of_a_missing_file_says_what_and_how(tmp_path, spec, monkeypatch):
    cache_dir = tmp_path / "cache"
    with pytest.raises(OfflineError) as caught:
        fetch(spec, cache_dir=cache_dir, offline=True)
    message = str(caught.value)
    assert str(download_path(spec, cache_dir=cache_dir)) in message
    assert "ctgstats data fetch rp_evol_struct_pop --vintage 2022" in message
    assert "python" not in message and "import" not in message
    monkeypatch.setenv("CTGSTATS_OFFLINE", "1")
    with pytest.raises(OfflineError):
        fetch(spec, cache_dir=cache_dir)


def test_wrong_pinned_sha256_raises_and_keeps_nothing(tmp_path, served, spec):
    _, server = served
    cache_dir = tmp_path / "cache"
    pinned = replace(spec, sha256="0" * 64)
    url = server.url(FILE_NAME)
    with pytest.raises(ChecksumError) as caught:
        fetch(pinned, cache_dir=cache_dir, url=url)
    error = caught.value
    assert (error.url, error.expected, error.actual) == (url, "0" * 64, sha256(CONTENT))
    assert url in str(error) and "0" * 64 in str(error) and sha256(CONTENT) in str(error)
    folder = download_path(pinned, cache_dir=cache_dir, url=url).parent
    assert not folder.exists() or not any(folder.iterdir())
    assert not lock_path(cache_dir).exists()


def test_right_pinned_sha256_is_accepted_without_lock_entry(tmp_path, served, spec):
    _, server = served
    cache_dir = tmp_path / "cache"
    pinned = replace(spec, sha256=sha256(CONTENT))
    path = fetch(pinned, cache_dir=cache_dir, url=server.url(FILE_NAME))
    assert path.read_bytes() == CONTENT
    assert not lock_path(cache_dir).exists()


def test_changed_remote_file_under_trust_on_first_use_raises(tmp_path, served, spec):
    root, server = served
    cache_dir = tmp_path / "cache"
    url = server.url(FILE_NAME)
    first = fetch(spec, cache_dir=cache_dir, url=url)
    (root / FILE_NAME).write_bytes(b"PK revised by the producer")
    first.unlink()  # e.g. a fresh machine that kept the lock file
    with pytest.raises(ChecksumError) as caught:
        fetch(spec, cache_dir=cache_dir, url=url)
    assert caught.value.expected == sha256(CONTENT)
    assert caught.value.actual == sha256(b"PK revised by the producer")
    assert not first.exists()


def test_altered_cached_file_is_reported_offline(tmp_path, served, spec):
    _, server = served
    cache_dir = tmp_path / "cache"
    path = fetch(spec, cache_dir=cache_dir, url=server.url(FILE_NAME))
    path.write_bytes(b"tampered")
    with pytest.raises(ChecksumError, match="supprimez-le"):
        fetch(spec, cache_dir=cache_dir, offline=True, url=server.url(FILE_NAME))


def test_latest_and_missing_urls_are_refused(tmp_path, spec):
    with pytest.raises(DownloadError, match="latest"):
        fetch(spec, cache_dir=tmp_path, url="http://127.0.0.1:9/data/latest/file.zip")
    with pytest.raises(DownloadError, match="pas d'adresse de téléchargement"):
        fetch(replace(spec, url=None), cache_dir=tmp_path)


def test_http_error_is_a_download_error(tmp_path, served, spec):
    _, server = served
    with pytest.raises(DownloadError) as caught:
        fetch(spec, cache_dir=tmp_path / "cache", url=server.url("missing.zip"))
    assert not isinstance(caught.value, (ChecksumError, OfflineError))
    assert "missing.zip" in str(caught.value)


def _with_downloads(*sources):
    return parse_params(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "download": {"sources": list(sources)},
        }
    )


def test_unknown_download_source_id_is_refused_naming_the_field():
    params = _with_downloads(
        {"id": "rp_evol_struct_pop", "vintage": 2022},
        {"id": "rp_evol_struct", "vintage": 2022},
    )
    with pytest.raises(ParamsError) as caught:
        check_download_sources(params)
    message = str(caught.value)
    assert message.startswith("download.sources[1].id : identifiant de source inconnu")
    assert "'rp_evol_struct'" in message
    assert all(source_id in message for source_id in SOURCE_IDS)
    check_download_sources(_with_downloads({"id": "filosofi_disp", "vintage": 2021}))


def test_an_unknown_source_id_stops_the_portrait_before_any_download(tmp_path):
    from ctgstats.portrait.build import fetch_sources

    params = _with_downloads({"id": "nope", "vintage": 2022})
    with pytest.raises(ParamsError, match=r"download\.sources\[0\]\.id"):
        fetch_sources(params, cache_dir=tmp_path)
    assert not (tmp_path / "downloads").exists()


def test_download_errors_are_input_errors():
    assert issubclass(OfflineError, InputError) and issubclass(ChecksumError, DownloadError)
    assert issubclass(DownloadError, RuntimeError)  # existing except clauses keep working
