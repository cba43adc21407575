"""Time and memory of one portrait run on the demo territory (prints figures, asserts nothing).

Usage: ``.venv/bin/python benchmarks/bench_run.py``

Measures, in this process: the portrait computation (cold cache, then warm cache), then
the whole ``ctgstats run`` (two notebooks executed with papermill and exported) in a
subprocess, with its peak resident memory.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARAMS = {
    "territory": {"level": "epci", "code": "000000101"},
    "cog_year": 2025,
    "data_dirs": ["ctgstats:demo"],
}


def _portrait(cache: Path) -> tuple[float, float]:
    from ctgstats.portrait.build import build_portrait

    tracemalloc.start()
    start = time.perf_counter()
    build_portrait(PARAMS, cache_dir=cache)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        cold, cold_mem = _portrait(cache)
        warm, warm_mem = _portrait(cache)
        print(f"portrait, cold cache: {cold:.2f} s, peak Python allocations {cold_mem:.1f} MiB")
        print(f"portrait, warm cache: {warm:.2f} s, peak Python allocations {warm_mem:.1f} MiB")
        start = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).parent / "ctgstats"),
                "run",
                str(REPO / "params" / "demo.yaml"),
                "--output-dir",
                str(Path(tmp) / "out"),
                "--quiet",
            ],
            check=True,
            cwd=REPO,
        )
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"ctgstats run (2 notebooks + HTML export): {elapsed:.2f} s, "
            f"peak RSS of a child process {peak:.0f} MiB"
        )


if __name__ == "__main__":
    main()
