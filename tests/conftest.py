"""Shared fixtures: where the real extracts are, and skipping when they are absent."""

from __future__ import annotations

import os
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


#: A stand-in ``ipykernel_launcher`` put first on PYTHONPATH for every test that is not
#: marked ``notebooks``: a kernel started by such a test (in-process or by a ``ctgstats``
#: subprocess, which inherits the environment) dies at once and the test fails. So the
#: ``notebooks`` marker is proved, not trusted, and ``make test-fast`` starts no kernel.
_KERNEL_GUARD = (
    "import sys\n"
    "sys.exit('ctgstats tests: a test not marked \"notebooks\" tried to start a kernel')\n"
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Forbid kernels in tests not marked ``notebooks`` (their fixtures included)."""
    if item.get_closest_marker("notebooks") is not None:
        yield
        return
    guard = Path(item.config._tmp_path_factory.getbasetemp()) / "kernel-guard"
    launcher = guard / "ipykernel_launcher.py"
    if not launcher.is_file():
        guard.mkdir(parents=True, exist_ok=True)
        launcher.write_text(_KERNEL_GUARD, encoding="utf-8")
    existing = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(guard), existing]))
    try:
        yield
    finally:
        if existing is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = existing
