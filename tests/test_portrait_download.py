"""A run whose Filosofi files come from the downloader (local server on 127.0.0.1 only)."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from tests.helpers import LocalServer

from ctgstats.data import sources
from ctgstats.data.download import OfflineError
from ctgstats.demo import DATA_DIR
from ctgstats.portrait.build import build_portrait

pytestmark = pytest.mark.usefixtures("loopback_only")

LEVELS = ("EPCI", "DEP", "METROPOLE")


@pytest.fixture
def served(tmp_path, monkeypatch):
    remote = tmp_path / "remote"
    remote.mkdir()
    for level in LEVELS:
        shutil.copy(DATA_DIR / "insee" / "filosofi" / f"FILO2019_DISP_{level}.csv", remote)
    server = LocalServer(remote)
    original = sources.get_source

    def local_spec(id, vintage, level=None):  # noqa: A002 - same signature
        spec = original(id, vintage, level=level)
        return replace(
            spec, url=server.url(f"FILO2019_DISP_{level}.csv"), sha256=None, archive_member=None
        )

    monkeypatch.setattr(sources, "get_source", local_spec)
    yield server
    server.stop()


@pytest.fixture
def census_only(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR / "insee" / "rp", folder / "rp")
    shutil.copytree(DATA_DIR / "insee" / "cog", folder / "cog")
    return folder


def _params(folder, *, offline=False):
    return {
        "territory": {"level": "epci", "code": "000000101"},
        "cog_year": 2025,
        "data_dirs": [str(folder)],
        "download": {
            "offline": offline,
            "sources": [
                {"id": "filosofi_disp", "vintage": 2019, "level": level} for level in LEVELS
            ],
        },
    }


def test_downloaded_files_are_read_then_reused_offline(served, census_only, tmp_path):
    cache = tmp_path / "cache"
    first = build_portrait(_params(census_only), cache_dir=cache)
    assert first.value("revenu_median_uc", 2019) == 19000.0
    served.stop()
    again = build_portrait(_params(census_only, offline=True), cache_dir=cache)
    assert again.value("revenu_median_uc", 2019) == 19000.0
    assert any(f.source_id == "filosofi_disp" for f in again.files)


def test_offline_without_cache_names_the_missing_file(served, census_only, tmp_path):
    with pytest.raises(OfflineError, match="FILO2019_DISP_EPCI"):
        build_portrait(_params(census_only, offline=True), cache_dir=tmp_path / "empty")
