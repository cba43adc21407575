"""Shared fixtures, test tiers and the kernel guard.

Tiers (markers registered in ``pyproject.toml``): every test belongs to at least one of
``unit`` (pure functions on hand-made frames), ``loaders`` (fixture or demo files read
from disk), ``cli`` (the command line) and ``notebooks`` (starts a kernel). The default
tier of each test file is in :data:`TIERS`; a test that starts a kernel carries
``@pytest.mark.notebooks`` (or its file has ``pytestmark = pytest.mark.notebooks``).

The **kernel guard** makes that marking reliable: for a test not marked ``notebooks``,

* starting a kernel in the test process raises at once (jupyter_client's kernel start
  is patched), and
* a subprocess (``ctgstats run`` or ``batch`` in a console script, spawned batch
  workers) finds a ``python3`` kernel spec first on ``JUPYTER_PATH`` that records the
  attempt and exits; the test then errors in its teardown, naming itself.

``make test-fast`` (``-m "(unit or loaders) and not notebooks"``) therefore starts no
kernel, or fails saying which test did.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from tests.helpers import SHARED_INSEE as INSEE
from tests.helpers import run_cli as _run_cli

SHARED_ABSENT = "../shared/data is absent (a user's clone has no ../shared): real-data test skipped"

TIER_MARKERS = ("unit", "loaders", "cli", "notebooks")

# The default tier(s) of each test file; ``notebooks`` is added per test where needed.
TIERS: dict[str, tuple[str, ...]] = {
    # pure functions on hand-made frames
    "test_architecture.py": ("unit",),
    "test_errors.py": ("unit",),
    "test_labels.py": ("unit",),
    "test_lab.py": ("unit",),
    "test_memo.py": ("unit",),
    "test_notebook_catalogue.py": ("unit",),
    "test_notebook_templates.py": ("unit",),
    "test_files.py": ("loaders",),
    "test_tabular.py": ("loaders",),
    "test_cli_errors.py": ("cli",),
    "test_reliability_run.py": ("cli",),
    "test_charts.py": ("unit",),
    "test_chapters.py": ("loaders",),
    "test_employment.py": ("loaders",),
    "test_employment_real.py": ("loaders",),
    "test_poverty.py": ("loaders",),
    "test_childcare.py": ("loaders",),
    "test_poverty_caf.py": ("loaders",),
    "test_poverty_panorama.py": ("loaders",),
    "test_ownership.py": ("cli",),
    "test_census_identities.py": ("unit",),
    "test_comparability.py": ("unit",),
    "test_demography.py": ("unit",),
    "test_display.py": ("unit",),
    "test_evaluation.py": ("unit",),
    "test_families.py": ("unit",),
    "test_housing.py": ("loaders",),
    "test_maps.py": ("loaders",),
    "test_maps_real.py": ("loaders",),
    "test_rpls.py": ("loaders",),
    "test_services.py": ("loaders",),
    "test_dispositifs.py": ("loaders",),
    "test_precision.py": ("unit",),
    "test_methodology_rules.py": ("unit",),
    "test_synthesis.py": ("unit",),
    "test_formatting.py": ("unit",),
    "test_income.py": ("unit",),
    "test_indicator_registry.py": ("unit",),
    "test_kernel_guard.py": ("unit",),
    "test_params.py": ("unit",),
    "test_portal.py": ("unit",),
    "test_runner_plan.py": ("unit",),
    "test_survey_estimates.py": ("unit",),
    "test_survey_margins.py": ("unit",),
    "test_survey_redact.py": ("unit",),
    "test_survey_sentences.py": ("unit",),
    "test_survey_waves.py": ("unit",),
    "test_survey_weighting.py": ("unit",),
    "test_territories.py": ("unit",),
    # files read from disk (fixtures in INSEE's formats, the demo data, the templates)
    "test_batch.py": ("loaders",),
    "test_ccphg_real.py": ("loaders",),
    "test_demo_followup.py": ("loaders",),
    "test_demo_generator.py": ("loaders",),
    "test_demo_surveys.py": ("loaders",),
    "test_download.py": ("loaders",),
    "test_export.py": ("loaders",),
    "test_notebooks.py": ("loaders",),
    "test_portrait_demo.py": ("loaders",),
    "test_portrait_geography.py": ("loaders",),
    "test_portrait_download.py": ("loaders",),
    "test_readers.py": ("loaders",),
    "test_reliability_data.py": ("loaders",),
    "test_sources.py": ("loaders",),
    "test_survey_adapters.py": ("loaders",),
    "test_survey_analysis.py": ("loaders",),
    "test_survey_draft.py": ("loaders",),
    "test_survey_quality.py": ("loaders",),
    "test_usertables.py": ("loaders",),
    "test_workbook.py": ("loaders",),
    # the command line
    "test_cli.py": ("cli",),
    "test_cli_survey.py": ("cli",),
    "test_followup_demo.py": ("cli",),
    # kernels
    "test_browser.py": ("notebooks", "browser"),
    "test_dask_executor.py": ("notebooks",),
    "test_install.py": ("notebooks", "install"),
    "test_kernel_session.py": ("notebooks",),
}


# ----------------------------------------------------------------------------- tiers


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give each test its file's tiers; skip ``shared`` tests when ../shared is absent."""
    unclassified: set[str] = set()
    for item in items:
        for name in TIERS.get(item.path.name, ()):
            item.add_marker(getattr(pytest.mark, name))
        if not any(item.get_closest_marker(name) for name in TIER_MARKERS):
            unclassified.add(item.path.name)
        if item.get_closest_marker("shared") and not INSEE.is_dir():
            item.add_marker(pytest.mark.skip(reason=SHARED_ABSENT))
    if unclassified:
        raise pytest.UsageError(
            "tests without a tier (unit, loaders, cli or notebooks): add their file to "
            f"TIERS in tests/conftest.py or give them a marker: {', '.join(sorted(unclassified))}"
        )


# ---------------------------------------------------------------------- kernel guard

GUARD_MARKER_VARIABLE = "CTGSTATS_TESTS_KERNEL_MARKER"
GUARD_KERNEL = """\
import os, sys
marker = os.environ.get({variable!r})
if marker:
    with open(marker, "a", encoding="utf-8") as handle:
        handle.write(" ".join(sys.argv) + "\\n")
sys.stderr.write("kernel guard: a test not marked 'notebooks' started a kernel\\n")
sys.exit(1)
"""


class KernelGuard:
    """A ``python3`` kernel spec that refuses to start, and jupyter_client patched."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ctgstats-kernel-guard-"))
        spec = self.root / "kernels" / "python3"
        spec.mkdir(parents=True)
        script = self.root / "guard_kernel.py"
        script.write_text(GUARD_KERNEL.format(variable=GUARD_MARKER_VARIABLE), encoding="utf-8")
        argv = [sys.executable, str(script), "{connection_file}"]
        kernel = {"argv": argv, "display_name": "kernel guard", "language": "python"}
        (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
        self.marker: Path | None = None
        self.saved: dict[str, str | None] = {}
        self.original_start = None

    def arm(self, nodeid: str) -> None:
        """Refuse kernels until :meth:`disarm` (in this process and its children)."""
        from jupyter_client.manager import KernelManager

        self.disarm()  # never stack two patches
        self.marker = self.root / f"started-{uuid.uuid4().hex}"
        self.saved = {
            name: os.environ.get(name) for name in ("JUPYTER_PATH", GUARD_MARKER_VARIABLE)
        }
        paths = [str(self.root), *filter(None, [self.saved["JUPYTER_PATH"]])]
        os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)
        os.environ[GUARD_MARKER_VARIABLE] = str(self.marker)

        async def refuse(manager, **_kwargs):
            raise RuntimeError(
                f"kernel guard: {nodeid} started a kernel but is not marked 'notebooks'"
            )

        self.original_start = KernelManager.__dict__["_async_pre_start_kernel"]
        KernelManager._async_pre_start_kernel = refuse

    def disarm(self) -> str | None:
        """Restore everything; the kernel command a subprocess tried to start, if any."""
        from jupyter_client.manager import KernelManager

        if self.original_start is not None:
            KernelManager._async_pre_start_kernel = self.original_start
            self.original_start = None
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self.saved = {}
        attempt = None
        if self.marker is not None and self.marker.exists():
            attempt = self.marker.read_text(encoding="utf-8").strip()
            self.marker.unlink()
        self.marker = None
        return attempt

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


_GUARD: KernelGuard | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _GUARD
    _GUARD = KernelGuard()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _GUARD is not None:
        _GUARD.remove()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item):
    """Arm the guard before any fixture (module-scoped ones included) of a non-kernel test."""
    if _GUARD is not None and item.get_closest_marker("notebooks") is None:
        _GUARD.arm(item.nodeid)
    return (yield)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Disarm the guard; error if a subprocess of this test tried to start a kernel."""
    try:
        return (yield)
    finally:
        attempt = _GUARD.disarm() if _GUARD is not None else None
        if attempt:
            pytest.fail(
                f"{item.nodeid} started a kernel in a subprocess ({attempt}) but is not "
                "marked 'notebooks'",
                pytrace=False,
            )


# -------------------------------------------------------------------------- fixtures


@pytest.fixture
def shared_insee() -> Path:
    """The real INSEE extracts in ../shared/data/insee (skips when absent)."""
    if not INSEE.is_dir():
        pytest.skip(SHARED_ABSENT)
    return INSEE


@pytest.fixture
def run_cli():
    """Run the ``ctgstats`` console script in a subprocess (see ``helpers.run_cli``)."""
    return _run_cli


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test session parses into its own cache, never the user's."""
    cache = tmp_path_factory.getbasetemp() / "ctgstats-cache"
    monkeypatch.setenv("CTGSTATS_CACHE_DIR", str(cache))


@pytest.fixture
def loopback_only(monkeypatch):
    """Clear proxies and refuse any connection that is not to 127.0.0.1."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("CTGSTATS_OFFLINE", raising=False)
    original = socket.socket.connect

    def guarded(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            assert address[0] == "127.0.0.1", f"test tried to reach {address!r}"
        return original(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
