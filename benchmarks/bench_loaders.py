"""Benchmark the table loaders on a synthetic national-size census file.

Builds, in a temporary directory, an RP-like CSV of ~35,000 communes × ~100 columns
(``;`` separator, decimal point, weighted counts with decimals, a few blanks), then
prints for each step its wall time and peak memory:

1. first parse (``read_table`` with a cache directory: parse + parquet write);
2. cached re-read of 20 columns for 80 communes;
3. the same re-read uncached (full parse), for comparison;

and the size of the cache. Each step runs in a fresh Python process so that its peak
resident memory (``ru_maxrss``) is its own; ``tracemalloc`` peaks are also shown (they
miss Arrow's allocations, hence both). Figures only, no assertions.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_loaders.py [--communes N] [--columns M]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

REQUESTED_COLUMNS = 20
REQUESTED_COMMUNES = 80


def build_csv(path: Path, *, communes: int, columns: int, seed: int = 0) -> list[str]:
    """Write the synthetic file; return its commune codes."""
    rng = np.random.default_rng(seed)
    codes = [f"{dep:02d}{i:03d}" for dep in range(1, 96) for i in range(1, 1000)][:communes]
    names = ["CODGEO"] + [f"P22_V{j:03d}" for j in range(columns)]
    values = np.round(rng.gamma(2.0, 400.0, size=(communes, columns)), 4)
    blanks = rng.random((communes, columns)) < 0.01
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(";".join(names) + "\n")
        for code, row, blank in zip(codes, values, blanks, strict=True):
            cells = ["" if b else repr(float(v)) for v, b in zip(row, blank, strict=True)]
            stream.write(code + ";" + ";".join(cells) + "\n")
    return codes


def run_step(step: str, csv_path: Path, cache_dir: Path, codes: list[str]) -> dict:
    """Run one step in this process and return its measures."""
    from ctgstats.data import cache, readers

    columns = [f"P22_V{j:03d}" for j in range(0, 100, 5)][:REQUESTED_COLUMNS]
    wanted = codes[:: max(1, len(codes) // REQUESTED_COMMUNES)][:REQUESTED_COMMUNES]
    tracemalloc.start()
    start = time.perf_counter()
    if step == "first_parse":
        table = cache.read_table(csv_path, cache_dir=cache_dir)
    elif step == "cached_subset":
        table = cache.read_table(csv_path, required=columns, codes=wanted, cache_dir=cache_dir)
    elif step == "uncached_subset":
        table = readers.read_table(csv_path, required=columns, codes=wanted)
    else:
        raise ValueError(step)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "step": step,
        "seconds": elapsed,
        "tracemalloc_peak_mib": peak / 2**20,
        "max_rss_mib": rss_kib / 1024,
        "shape": list(table.shape),
    }


def child(step: str, csv_path: str, cache_dir: str, codes_path: str) -> None:
    codes = Path(codes_path).read_text().split()
    print(json.dumps(run_step(step, Path(csv_path), Path(cache_dir), codes)))


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--communes", type=int, default=35_000)
    parser.add_argument("--columns", type=int, default=100)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="ctgstats-bench-") as tmp:
        root = Path(tmp)
        csv_path = root / "base-cc-evol-struct-pop-2022.csv"
        start = time.perf_counter()
        codes = build_csv(csv_path, communes=args.communes, columns=args.columns)
        codes_path = root / "codes.txt"
        codes_path.write_text("\n".join(codes))
        print(
            f"synthetic file: {len(codes):,} communes × {args.columns + 1} columns, "
            f"{csv_path.stat().st_size / 2**20:.1f} MiB, built in "
            f"{time.perf_counter() - start:.1f} s"
        )
        cache_dir = root / "cache"
        for step in ("first_parse", "cached_subset", "uncached_subset"):
            result = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    step,
                    str(csv_path),
                    str(cache_dir),
                    str(codes_path),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            measures = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{step:>16}: {measures['seconds']:7.3f} s, peak RSS "
                f"{measures['max_rss_mib']:7.1f} MiB, tracemalloc peak "
                f"{measures['tracemalloc_peak_mib']:7.1f} MiB, result "
                f"{measures['shape'][0]} × {measures['shape'][1]}"
            )
        print(
            f"cache size: {directory_size(cache_dir) / 2**20:.1f} MiB "
            f"({len(list(cache_dir.rglob('*.parquet')))} parquet file)"
        )


if __name__ == "__main__":
    main()
