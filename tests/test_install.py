"""ctgstats installed from a wheel, outside the checkout, runs the demo.

An editable install finds everything in the source tree, so it hides a template or a
data file that the wheel forgets. Here the wheel is built from a copy of the sources,
its contents are checked, and it is installed (not editable) into a new virtual
environment that cannot see the checkout: the dependencies come from the test's own
environment through a ``.pth`` file listing its site-packages (``.pth`` files *inside*
that folder, such as the editable install's, are not processed) and links to their data
files in ``share/jupyter`` (kernel specs excepted); nothing is downloaded.
The demo then runs from a temporary folder.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from tests.helpers import REPO

pytestmark = [pytest.mark.install, pytest.mark.notebooks]

PACKAGE = REPO / "src" / "ctgstats"
SLUG = "epci-000000101"


def _call(*command: object, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _clean_environment(tmp: Path) -> dict[str, str]:
    """The test's environment without anything pointing at the checkout or its kernels."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH", "VIRTUAL_ENV"}
    }
    environment["JUPYTER_DATA_DIR"] = str(tmp / "jupyter-data")  # no user kernel spec
    environment["PYTHONNOUSERSITE"] = "1"
    return environment


def _build_wheel(tmp: Path) -> Path:
    """A wheel built from a copy of the sources (no stale build/ of the checkout)."""
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    ignored = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints")
    shutil.copytree(REPO / "src", source / "src", ignore=ignored)
    wheels = tmp / "wheels"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels]
    if all(importlib.util.find_spec(name) for name in ("setuptools", "wheel")):
        command.append("--no-build-isolation")  # offline: the build backend is here
    _call(*command, ".", cwd=source, env=_clean_environment(tmp))
    (wheel,) = wheels.glob("ctgstats-*.whl")
    return wheel


def _expected_members() -> set[str]:
    """Every file the package needs at run time besides its modules."""
    patterns = (
        "notebooks/*.ipynb",
        "publish/templates/**/*",
        "data/*.yaml",
        "data/*.csv",
        "demo/data/**/*",
    )
    found = {
        path.relative_to(PACKAGE.parent).as_posix()
        for pattern in patterns
        for path in PACKAGE.glob(pattern)
        if path.is_file()
    }
    assert any(name.startswith("ctgstats/notebooks/") for name in found)
    assert any(name.startswith("ctgstats/publish/templates/") for name in found)
    assert any(name.startswith("ctgstats/demo/data/") for name in found)
    return found


def _environment_without_the_checkout(tmp: Path) -> Path:
    """A new virtual environment reusing this one's dependencies, not its ctgstats."""
    target = tmp / "env"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(target)
    python = target / "bin" / "python"
    site = Path(
        _call(
            python,
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            cwd=tmp,
            env=_clean_environment(tmp),
        ).strip()
    )
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (site / "_ctgstats_test_dependencies.pth").write_text(
        "".join(f"{path}\n" for path in ours), encoding="utf-8"
    )
    # The dependencies' data files (nbconvert's templates...), as their own install puts
    # them in the environment; not the kernel specs, which name this environment's python.
    data = Path(sys.prefix) / "share" / "jupyter"
    shared = target / "share" / "jupyter"
    shared.mkdir(parents=True)
    for entry in data.iterdir() if data.is_dir() else ():
        if entry.name != "kernels":
            (shared / entry.name).symlink_to(entry)
    return python


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_ships_templates_and_data(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = sorted(_expected_members() - names)
    assert missing == [], f"{wheel.name} lacks {missing}"
    for name in ("ctgstats/py.typed", "ctgstats/cli/__init__.py"):
        assert name in names


def test_the_wheel_runs_the_demo_from_another_folder(wheel, tmp_path):
    python = _environment_without_the_checkout(tmp_path)
    environment = _clean_environment(tmp_path)
    _call(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=tmp_path,
        env=environment,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    imported = _call(
        python, "-c", "import ctgstats; print(ctgstats.__file__)", cwd=elsewhere, env=environment
    )
    location = Path(imported.strip()).resolve()
    assert not location.is_relative_to(REPO.resolve()), location
    assert location.is_relative_to((tmp_path / "env").resolve()), location

    output = elsewhere / "X"
    printed = _call(
        python.parent / "ctgstats",
        "run",
        REPO / "params" / "demo.yaml",
        "--output-dir",
        output,
        "--notebook",
        "01_demographie",
        cwd=elsewhere,
        env=environment,
    )
    assert (output / SLUG / "index.html").is_file()
    assert (output / SLUG / "01_demographie.html").is_file()
    checkout = str((REPO / "src").resolve())
    assert checkout not in printed, printed
    manifest = (output / SLUG / "manifest.json").read_text(encoding="utf-8")
    assert checkout not in manifest, "the manifest names the checkout's src/"
