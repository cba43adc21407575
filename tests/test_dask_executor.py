"""The batch on a Dask cluster (a LocalCluster on 127.0.0.1 started by the test)."""

from __future__ import annotations

import json

import pytest

from ctgstats.core.params import parse_params
from ctgstats.pipeline.batch import expand_departement, run_batch, use_dask

distributed = pytest.importorskip("distributed", reason="Dask 'distributed' not installed")
pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local:
        yield local


def test_batch_runs_on_a_dask_cluster(cluster, tmp_path):
    base = parse_params(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "cog_year": 2025,
            "data_dirs": ["ctgstats:demo"],
            "notebooks": ["01_demographie"],
        }
    )
    items = expand_departement(base, "00")[:2]
    use_dask(cluster.scheduler_address)
    result = run_batch(
        items, output_dir=tmp_path, jobs=2, executor="dask", progress=False, echo=lambda *_: None
    )
    assert result.exit_code == 0
    assert result.executor == "dask"
    for item in items:
        manifest = json.loads((tmp_path / item.slug / "manifest.json").read_text("utf-8"))
        assert manifest["status"] == "success"
    batch = json.loads((tmp_path / "batch-manifest.json").read_text(encoding="utf-8"))
    assert batch["executor"] == "dask"


def test_dask_needs_a_scheduler(tmp_path):
    from tests.helpers import run_cli as _run

    result = _run(
        "batch",
        "--departement",
        "00",
        "--executor",
        "dask",
        "--output-dir",
        tmp_path,
        "--no-progress",
    )
    assert result.returncode == 2 and "--scheduler" in result.stderr
