"""Shared fixtures: where the real extracts are, and skipping when they are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
INSEE = SHARED_DATA / "insee"


@pytest.fixture
def shared_insee() -> Path:
    """The real INSEE extracts in ../shared/data/insee (skips when absent)."""
    if not INSEE.is_dir():
        pytest.skip(
            "../shared/data is absent (a user's clone has no ../shared): real-data test skipped"
        )
    return INSEE


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test session parses into its own cache, never the user's."""
    cache = tmp_path_factory.getbasetemp() / "ctgstats-cache"
    monkeypatch.setenv("CTGSTATS_CACHE_DIR", str(cache))
