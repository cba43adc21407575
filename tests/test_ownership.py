"""ctgstats replaces only what it can prove it wrote (issue 14, data loss).

A folder at the report's path without ctgstats' ``manifest.json``, a file there, or an
``index.html`` in the output folder that is not a ctgstats portal: the run is refused
before any kernel starts (exit 2, a French message naming the path) and nothing of the
user's is touched.
"""

from __future__ import annotations

import json
import os

from tests.helpers import run_cli
from tests.test_cli_errors import DEMO_PARAMS

from ctgstats.pipeline.ownership import is_ctgstats_report
from ctgstats.publish.portal import is_ctgstats_page

SLUG = "epci-000000101"


def test_a_folder_ctgstats_did_not_write_is_never_replaced(tmp_path):
    mine = tmp_path / SLUG
    mine.mkdir()
    (mine / "notes.txt").write_text("mes notes", encoding="utf-8")
    result = run_cli("run", DEMO_PARAMS, "--output-dir", tmp_path, "-q")
    assert result.returncode == 2, result.stderr
    assert str(mine) in result.stderr
    assert "n'a pas été écrit par ctgstats" in result.stderr
    assert "Traceback" not in result.stderr
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mes notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == [SLUG]  # no portal, no staging


def test_a_file_at_the_report_path_is_refused(tmp_path):
    (tmp_path / SLUG).write_text("un fichier", encoding="utf-8")
    result = run_cli("run", DEMO_PARAMS, "--output-dir", tmp_path, "-q")
    assert result.returncode == 2
    assert "c'est un fichier" in result.stderr
    assert (tmp_path / SLUG).read_text(encoding="utf-8") == "un fichier"


def test_a_foreign_index_html_is_never_overwritten(tmp_path):
    page = "<html><body>Le site de la mairie</body></html>"
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    result = run_cli("run", DEMO_PARAMS, "--output-dir", tmp_path, "-q")
    assert result.returncode == 2
    assert "n'est pas un portail écrit par ctgstats" in result.stderr
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == page
    assert not (tmp_path / SLUG).exists()


def test_what_counts_as_ours(tmp_path):
    assert not is_ctgstats_report(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"tool": "autre"}), encoding="utf-8")
    assert not is_ctgstats_report(tmp_path)
    (tmp_path / "manifest.json").write_text("{pas du json", encoding="utf-8")
    assert not is_ctgstats_report(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"tool": "ctgstats"}), encoding="utf-8")
    assert is_ctgstats_report(tmp_path)
    page = tmp_path / "index.html"
    page.write_text('<head><meta name="generator" content="ctgstats 0.1.0"></head>')
    assert is_ctgstats_page(page)
    page.write_text("<head><title>Autre</title></head>")
    assert not is_ctgstats_page(page)


def test_a_killed_runs_staging_folder_is_cleaned_by_the_next_run(tmp_path):
    import subprocess
    import sys

    from tests.test_cli_errors import DEMO_PARAMS as params_path

    from ctgstats.core.params import load_params
    from ctgstats.pipeline.plan import plan_run
    from ctgstats.pipeline.run import stale_staging

    # a pid that surely ended: a finished child process
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(child.stdout)
    plan = plan_run(load_params(params_path), output_dir=tmp_path)
    killed = tmp_path / f".{plan.slug}.en-cours-{dead}"
    killed.mkdir()
    alive = tmp_path / f".{plan.slug}.en-cours-{os.getpid()}x"  # not a staging name
    alive.mkdir()
    running = tmp_path / f".{plan.slug}.en-cours-lot-{os.getppid()}"
    running.mkdir()
    other = tmp_path / f".commune-00001.en-cours-{dead}"
    other.mkdir()
    assert stale_staging(plan) == [killed]
