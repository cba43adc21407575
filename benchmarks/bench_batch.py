"""ctgstats batch against the naive loop, on the demo département (prints figures only).

Usage: ``.venv/bin/python benchmarks/bench_batch.py [--jobs N] [--scaling]``

* naive: for each territory and notebook, the ``papermill`` CLI then the
  ``jupyter nbconvert`` CLI, one process each (what a consultant's script does);
* ctgstats: ``ctgstats batch --departement 00 --force`` (parallel workers, one kernel per
  worker, data parsed once into the shared cache, HTML exported in-process).

Both produce the HTML of notebooks 01 and 02 for the 4 EPCIs of the fictional
département. The last line is exactly ``ratio naive/ctgstats: <number>``.
With ``--scaling``, also times 1, 10 and 100 territories (synthetic copies of the demo
EPCIs under different output folders) and prints the peak memory per worker.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ctgstats.core.notebooks import NOTEBOOKS as CATALOGUE

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EPCIS = ("000000101", "000000102", "000000103", "000000104")
NOTEBOOKS = tuple(spec.name for spec in CATALOGUE if not spec.territory_specific)


def _params(code: str) -> dict:
    return {
        "territory": {"level": "epci", "code": code},
        "cog_year": 2025,
        "census": {"vintages": [2011, 2016, 2022]},
        "data_dirs": ["ctgstats:demo"],
    }


def naive(out: Path) -> float:
    """papermill CLI then nbconvert CLI, one process per territory and notebook."""
    start = time.perf_counter()
    for code in EPCIS:
        folder = out / f"epci-{code}"
        folder.mkdir(parents=True)
        parameters = json.dumps({"params": _params(code)})
        for name in NOTEBOOKS:
            executed = folder / f"{name}.ipynb"
            subprocess.run(
                [
                    str(BIN / "papermill"),
                    str(REPO / "src" / "ctgstats" / "notebooks" / f"{name}.ipynb"),
                    str(executed),
                    "-y",
                    parameters,
                    "--no-progress-bar",
                    "--log-level",
                    "ERROR",
                ],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                check=True,
                capture_output=True,
            )
    return time.perf_counter() - start


def ctgstats_batch(out: Path, *, jobs: int, extra: list[str] | None = None) -> float:
    """The ctgstats batch over the same territories and notebooks."""
    base = out.parent / "base.yaml"
    base.write_text(
        json.dumps(_params(EPCIS[0]) | {"notebooks": list(NOTEBOOKS)}), encoding="utf-8"
    )
    start = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "ctgstats"),
            "batch",
            *(extra or ["--departement", "00"]),
            "--base",
            str(base),
            "--output-dir",
            str(out),
            "--jobs",
            str(jobs),
            "--force",
            "--no-progress",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def scaling(tmp: Path, *, jobs: int) -> None:
    """Time for 1, 10 and 100 territories (copies of the demo EPCIs)."""
    import yaml

    for count in (1, 10, 100):
        folder = tmp / f"scaling-{count}"
        folder.mkdir()
        for index in range(count):
            params = _params(EPCIS[index % 4]) | {
                "notebooks": list(NOTEBOOKS),
                "slug": f"copie-{index:03d}",
            }
            (folder / f"t{index:03d}.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
        seconds = ctgstats_batch(tmp / f"out-{count}", jobs=jobs, extra=[str(folder)])
        print(
            f"scaling: {count} territoire(s) en {seconds:.1f} s "
            f"({seconds / count:.2f} s par territoire)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scaling", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("CTGSTATS_CACHE_DIR", tempfile.mkdtemp(prefix="ctgstats-bench-"))
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        ctgstats_batch(tmp / "warm", jobs=args.jobs)  # fills the shared parquet cache
        naive_s = naive(tmp / "naive")
        naive_mem = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        batch_s = ctgstats_batch(tmp / "batch", jobs=args.jobs)
        batch_mem = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"territoires : {len(EPCIS)} EPCI x {len(NOTEBOOKS)} notebooks, "
            f"{args.jobs} processus, machine à {os.cpu_count()} coeurs"
        )
        print(
            f"naive (papermill CLI + nbconvert CLI) : {naive_s:.1f} s, "
            f"pic mémoire d'un processus enfant {naive_mem:.0f} MiB"
        )
        print(
            f"ctgstats batch : {batch_s:.1f} s, pic mémoire d'un processus enfant "
            f"{batch_mem:.0f} MiB (un travailleur)"
        )
        if args.scaling:
            scaling(tmp, jobs=args.jobs)
        print(f"ratio naive/ctgstats: {naive_s / batch_s:.2f}")


if __name__ == "__main__":
    main()
