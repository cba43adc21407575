"""ctgstats batch against the naive loop, its floor and its marginal cost (prints figures only).

Usage: ``.venv/bin/python benchmarks/bench_batch.py [--jobs N] [--scaling A B]``

Same territories (the 4 EPCIs of the fictional demo département), same notebooks (every
catalogue notebook that is not territory-specific), same number of processes:

* **naive**: for each territory, the ``papermill`` CLI then the ``jupyter nbconvert``
  CLI for each notebook (what a consultant's script does), territories spread over
  ``--jobs`` worker threads, so that the naive loop has as many processes running as the
  batch has workers;
* **ctgstats**: ``ctgstats batch --departement 00 --jobs N`` (one kernel per worker kept
  across territories, data parsed once into the shared cache, HTML exported in-process);
* **floor**: for the same territories, in this one process, the whole run (portrait,
  tables, every notebook's cells and charts, HTML export, index, manifest) with the
  notebooks' cells executed in-process instead of in a kernel
  (:mod:`inprocess`), warm cache as in the batch: what no kernel-based runner can beat;
* **marginal cost**: the batch over ``A`` then ``B`` synthetic territories (copies of the
  demo EPCIs under other output folders); (t_B − t_A)/(B − A) is the wall time one more
  territory adds, times ``--jobs`` the worker time it costs, compared with the floor;
* **memory per worker**: peak resident memory of one worker and its kernel together
  (sampled every 0,2 s with psutil while the batch runs).

Lines printed, in order: the naive loop, the batch, ``ratio naive/ctgstats: <n>``, the
floor, the marginal cost, ``marginal/floor: <n>``, ``memory per worker: <n> MiB``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from ctgstats.core.notebooks import NOTEBOOKS as CATALOGUE

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TEMPLATES = REPO / "src" / "ctgstats" / "notebooks"
EPCIS = ("000000101", "000000102", "000000103", "000000104")
NOTEBOOKS = tuple(spec.name for spec in CATALOGUE if not spec.territory_specific)


def _params(code: str) -> dict:
    return {
        "territory": {"level": "epci", "code": code},
        "cog_year": 2025,
        "census": {"vintages": [2011, 2016, 2022]},
        "data_dirs": ["ctgstats:demo"],
    }


def _naive_territory(out: Path, code: str) -> None:
    folder = out / f"epci-{code}"
    folder.mkdir(parents=True)
    parameters = json.dumps({"params": _params(code)})
    for name in NOTEBOOKS:
        executed = folder / f"{name}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(TEMPLATES / f"{name}.ipynb"),
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


def naive(out: Path, *, jobs: int) -> float:
    """papermill CLI then nbconvert CLI per notebook, territories over ``jobs`` threads."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda code: _naive_territory(out, code), EPCIS))
    return time.perf_counter() - start


class WorkerMemory:
    """Peak RSS of one batch worker plus its descendants (its kernel), sampled."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            try:
                workers = self.root.children()
                for worker in workers:
                    tree = [worker, *worker.children(recursive=True)]
                    rss = sum(p.memory_info().rss for p in tree if p.is_running())
                    self.peak = max(self.peak, rss)
            except psutil.Error:
                continue

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def ctgstats_batch(out: Path, *, jobs: int, extra: list[str] | None = None) -> tuple[float, float]:
    """The ctgstats batch; returns (seconds, peak MiB of one worker with its kernel)."""
    base = out.parent / f"base-{out.name}.yaml"
    base.write_text(
        json.dumps(_params(EPCIS[0]) | {"notebooks": list(NOTEBOOKS)}), encoding="utf-8"
    )
    command = [
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
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    memory = WorkerMemory(process.pid)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    peak = memory.stop()
    if process.returncode:
        sys.exit(f"ctgstats batch a échoué ({process.returncode}) :\n{stderr.decode()}")
    return seconds, peak


def floor(out: Path) -> float:
    """Seconds per territory of the whole run without a kernel, in this process."""
    sys.path.insert(0, str(Path(__file__).parent))
    from inprocess import InProcessSession

    from ctgstats.core.params import parse_params
    from ctgstats.pipeline.plan import plan_run
    from ctgstats.pipeline.run import run

    session = InProcessSession()
    here = Path.cwd()
    start = time.perf_counter()
    try:
        for code in EPCIS:
            params = parse_params(_params(code) | {"notebooks": list(NOTEBOOKS)})
            run(plan_run(params, output_dir=out), session=session)
    finally:
        os.chdir(here)
    return (time.perf_counter() - start) / len(EPCIS)


def copies(folder: Path, count: int) -> Path:
    """``count`` params files: copies of the demo EPCIs under their own slugs."""
    import yaml

    folder.mkdir()
    for index in range(count):
        params = _params(EPCIS[index % len(EPCIS)]) | {
            "notebooks": list(NOTEBOOKS),
            "slug": f"copie-{index:03d}",
        }
        (folder / f"t{index:03d}.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--scaling",
        type=int,
        nargs=2,
        default=(10, 40),
        metavar=("A", "B"),
        help="nombres de territoires des deux batchs du coût marginal",
    )
    args = parser.parse_args()
    small, large = sorted(args.scaling)
    os.environ.setdefault("CTGSTATS_CACHE_DIR", tempfile.mkdtemp(prefix="ctgstats-bench-"))
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        ctgstats_batch(tmp / "warm", jobs=args.jobs)  # fills the shared parquet cache
        print(
            f"territoires : {len(EPCIS)} EPCI x {len(NOTEBOOKS)} notebooks, "
            f"{args.jobs} processus, machine à {os.cpu_count()} coeurs"
        )
        naive_s = naive(tmp / "naive", jobs=args.jobs)
        print(f"naive (papermill CLI + nbconvert CLI, {args.jobs} processus) : {naive_s:.1f} s")
        batch_s, _ = ctgstats_batch(tmp / "batch", jobs=args.jobs)
        print(f"ctgstats batch ({args.jobs} processus) : {batch_s:.1f} s")
        print(f"ratio naive/ctgstats: {naive_s / batch_s:.2f}")
        floor_s = floor(tmp / "floor")
        print(f"plancher (sans noyau, 1 processus, cache chaud) : {floor_s:.2f} s par territoire")
        times, peaks = {}, []
        for count in (small, large):
            folder = copies(tmp / f"copies-{count}", count)
            times[count], peak = ctgstats_batch(
                tmp / f"out-{count}", jobs=args.jobs, extra=[str(folder)]
            )
            peaks.append(peak)
            print(f"batch de {count} territoires : {times[count]:.1f} s")
        marginal = (times[large] - times[small]) / (large - small) * args.jobs
        print(
            f"coût marginal : {marginal:.2f} s de travailleur par territoire "
            f"(({times[large]:.1f} − {times[small]:.1f}) s / {large - small} × {args.jobs})"
        )
        print(f"marginal/floor: {marginal / floor_s:.2f}")
        print(f"memory per worker: {max(peaks):.0f} MiB")


if __name__ == "__main__":
    main()
