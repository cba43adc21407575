"""The batch at the scale of France, measured on a sample and extrapolated (prints figures).

Usage: ``.venv/bin/python benchmarks/bench_national.py [--communes 35000] [--epcis 1250]
[--sample 8] [--jobs N] [--keep DIR]``

1. :mod:`national` writes national-size synthetic files in INSEE's formats (about 35 000
   communes, 1 250 EPCIs, every census base and vintage of the demo, Filosofi, NEET, the
   composition table) — timed;
2. the **parse once**: the first portrait reads every national file into the shared
   parquet cache (cold cache) — the cost a national batch pays once;
3. ``ctgstats batch`` over a sample of EPCIs of different départements (the portrait
   chapters, as ``make bench``), on ``--jobs`` local processes: worker seconds per EPCI;
4. the same kind of sample through ``--executor dask`` on a ``distributed.LocalCluster``
   of ``--jobs`` single-threaded worker processes;
5. the extrapolated wall time for every EPCI: parse once + EPCIs × seconds per EPCI /
   cores, on 16 cores and on Dask clusters of 16 and 64 workers. The extrapolation
   assumes the per-territory cost measured here holds on each core (same CPU speed, one
   shared file system, enough memory: see the memory per worker of ``make bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
import national

from ctgstats.core.notebooks import NOTEBOOKS as CATALOGUE

BIN = Path(sys.executable).parent
NOTEBOOKS = [spec.name for spec in CATALOGUE if not spec.territory_specific]
GOAL_MINUTES = 15


def _params(data: Path, epci: str) -> dict:
    return {
        "territory": {"level": "epci", "code": epci},
        "cog_year": 2025,
        "census": {"vintages": [2011, 2016, 2022]},
        "data_dirs": [str(data)],
        "notebooks": NOTEBOOKS,
    }


def _sample(geo: national.Geography, count: int, *, skip: int = 0) -> list[str]:
    """EPCIs of different départements (every n-th EPCI, after the first ``skip``)."""
    epcis = list(geo.epcis)
    step = max(1, len(epcis) // (count + skip))
    return epcis[step * skip :: step][:count]


def _batch(folder: Path, base: Path, out: Path, *, jobs: int, extra: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [
            str(BIN / "ctgstats"),
            "batch",
            str(folder),
            "--base",
            str(base),
            "--output-dir",
            str(out),
            "--jobs",
            str(jobs),
            "--force",
            "--no-progress",
            *extra,
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"ctgstats batch a échoué ({done.returncode}) :\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def _write_sample(root: Path, epcis: list[str]) -> Path:
    root.mkdir()
    for epci in epcis:
        (root / f"epci-{epci}.yaml").write_text(
            yaml.safe_dump({"territory": {"level": "epci", "code": epci}}), encoding="utf-8"
        )
    return root


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=35_000)
    parser.add_argument("--epcis", type=int, default=1_250)
    parser.add_argument("--sample", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="dossier où garder les fichiers générés")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        data = args.keep or tmp / "donnees"
        os.environ["CTGSTATS_CACHE_DIR"] = str(tmp / "cache")
        start = time.perf_counter()
        geo = national.generate(data, communes=args.communes, epcis=args.epcis)
        print(
            f"fichiers nationaux synthétiques : {len(geo.communes)} communes, "
            f"{len(geo.epcis)} EPCI, {len(geo.departements)} départements, écrits en "
            f"{time.perf_counter() - start:.1f} s"
        )
        from ctgstats.portrait.build import build_portrait

        first = next(iter(geo.epcis))
        start = time.perf_counter()
        build_portrait(_params(data, first))
        parse = time.perf_counter() - start
        print(f"lecture des fichiers nationaux (une fois, cache froid) : {parse:.1f} s")

        base = tmp / "base.yaml"
        base.write_text(json.dumps(_params(data, first)), encoding="utf-8")
        sample = _sample(geo, args.sample, skip=1)
        folder = _write_sample(tmp / "echantillon", sample)
        wall = _batch(folder, base, tmp / "out", jobs=args.jobs, extra=[])
        per_epci = wall * args.jobs / len(sample)
        print(
            f"batch local : {len(sample)} EPCI, {len(NOTEBOOKS)} notebooks, {args.jobs} "
            f"processus, {wall:.1f} s, soit {per_epci:.1f} s de travailleur par EPCI"
        )

        from distributed import LocalCluster

        dask_sample = _sample(geo, args.sample, skip=2)
        dask_folder = _write_sample(tmp / "echantillon-dask", dask_sample)
        with LocalCluster(
            n_workers=args.jobs, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            dask_wall = _batch(
                dask_folder,
                base,
                tmp / "out-dask",
                jobs=args.jobs,
                extra=["--executor", "dask", "--scheduler", cluster.scheduler_address],
            )
        dask_per_epci = dask_wall * args.jobs / len(dask_sample)
        print(
            f"batch Dask (LocalCluster, {args.jobs} travailleurs) : {len(dask_sample)} EPCI, "
            f"{dask_wall:.1f} s, soit {dask_per_epci:.1f} s de travailleur par EPCI"
        )
        total = args.epcis
        for cores in (16,):
            estimate = parse + total * per_epci / cores
            verdict = "objectif atteint" if estimate < GOAL_MINUTES * 60 else "objectif manqué"
            print(
                f"extrapolation, {total} EPCI sur {cores} coeurs : {_minutes(estimate)} "
                f"(objectif < {GOAL_MINUTES} min : {verdict})"
            )
        for workers in (16, 64):
            estimate = parse + total * dask_per_epci / workers
            print(
                f"extrapolation, {total} EPCI sur une grappe Dask de {workers} "
                f"travailleurs : {_minutes(estimate)}"
            )


if __name__ == "__main__":
    main()
