"""The kernel guard of conftest.py: a test not marked ``notebooks`` cannot start a kernel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

START_A_KERNEL = (
    "from jupyter_client.manager import start_new_kernel\n"
    "start_new_kernel(kernel_name='python3', startup_timeout=30)\n"
)


def test_a_kernel_started_in_process_is_refused_naming_the_test():
    with pytest.raises(RuntimeError, match="test_a_kernel_started_in_process_is_refused"):
        KernelManager(kernel_name="python3").start_kernel()


def test_a_kernel_started_by_a_subprocess_is_recorded():
    marker = Path(os.environ["CTGSTATS_TESTS_KERNEL_MARKER"])
    result = subprocess.run(
        [sys.executable, "-c", START_A_KERNEL],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert marker.is_file(), result.stderr
    marker.unlink()  # consumed here, or the guard would fail this test in its teardown


@pytest.mark.notebooks
def test_a_notebooks_test_is_not_guarded():
    assert "CTGSTATS_TESTS_KERNEL_MARKER" not in os.environ
    assert KernelManager.__dict__["_async_pre_start_kernel"].__name__ == "_async_pre_start_kernel"
