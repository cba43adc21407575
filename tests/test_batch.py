"""Batches over many territories: expansion, parallel runs, skipping, failures, fingerprint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from ctgstats.core.params import load_params, parse_params
from ctgstats.pipeline import batch
from ctgstats.pipeline.batch import (
    STATUS_FAILED,
    STATUS_OK,
    STATUS_SKIPPED,
    BatchError,
    BatchItem,
    expand_departement,
    expand_epci,
    fingerprint,
    items_from_files,
    run_batch,
)

REPO = Path(__file__).resolve().parents[1]

BASE = {
    "territory": {"level": "epci", "code": "000000101"},
    "cog_year": 2025,
    "data_dirs": ["ctgstats:demo"],
    "notebooks": ["01_demographie"],
    "comparators": [{"level": "departement"}, {"level": "france"}],
}
DEMO_EPCIS = ["000000101", "000000102", "000000103", "000000104"]
HAUT_VAL = [
    "00001",
    "00002",
    "00003",
    "00004",
    "00005",
    "00006",
    "00007",
    "00008",
    "00009",
    "00010",
    "00011",
    "00012",
    "00014",
    "00015",
    "00016",
    "00017",
]


def _base(**changes):
    return parse_params({**BASE, **changes}, source="test")


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _quiet(lines: list[str]):
    return lines.append


# ------------------------------------------------------------------ expansion (no kernel)


def test_expand_departement_gives_the_four_demo_epcis():
    items = expand_departement(_base(), "00")
    assert [i.slug for i in items] == [f"epci-{c}" for c in DEMO_EPCIS]
    assert [i.source for i in items] == [f"departement:00 → epci:{c}" for c in DEMO_EPCIS]
    for item, code in zip(items, DEMO_EPCIS, strict=True):
        assert item.params.territory.level.value == "epci"
        assert item.params.territory.code == code
        assert item.params.comparators == _base().comparators  # kept
        assert item.params.cog_year == 2025 and item.params.notebooks == ("01_demographie",)


def test_expand_departement_by_commune():
    items = expand_departement(_base(), "00", level="commune")
    codes = [i.params.territory.code for i in items]
    assert len(codes) == 42 and codes == sorted(codes)
    assert set(HAUT_VAL) <= set(codes)
    assert all(i.slug == f"commune-{i.params.territory.code}" for i in items)


def test_expand_epci_gives_its_sixteen_communes():
    items = expand_epci(_base(), "000000101")
    assert [i.params.territory.code for i in items] == HAUT_VAL
    assert items[0].source == "epci:000000101 → commune:00001"
    assert items[0].slug == "commune-00001"


def test_expansion_drops_what_belongs_to_one_territory():
    demo = load_params(Path(__file__).resolve().parents[1] / "params" / "demo.yaml")
    assert demo.surveys and demo.indicators.action_plan
    item = expand_departement(demo, "00")[1]
    assert item.params.territory.code == "000000102"
    assert item.params.surveys == () and not item.params.indicators.action_plan
    assert item.params.notebook_names == (
        "01_demographie",
        "02_familles_menages",
        "05_logement",
        "06_emploi_jeunesse",
        "07_pauvrete_caf",
        "08_offre_services",
        "09_cartes",
        "10_dispositifs",
    )
    assert item.params.slug is None


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: expand_departement(_base(), "99"), "département '99'"),
        (lambda: expand_departement(_base(), "9"), "département '9'"),
        (lambda: expand_epci(_base(), "000000109"), "EPCI '000000109'"),
    ],
)
def test_unknown_codes_are_refused_in_french(call, fragment):
    with pytest.raises(BatchError) as caught:
        call()
    assert fragment in str(caught.value)


def test_items_from_a_folder_validate_each_file(tmp_path):
    _write(tmp_path / "b.yaml", {**BASE, "territory": {"level": "epci", "code": "000000102"}})
    _write(tmp_path / "a.yaml", BASE)
    _write(tmp_path / "c.yaml", {**BASE, "colour": "blue"})
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    items = items_from_files([tmp_path])
    assert [i.slug for i in items] == ["epci-000000101", "epci-000000102", "c"]
    assert items[2].params is None and "colour" in items[2].error
    (tmp_path / "vide").mkdir()
    with pytest.raises(BatchError, match="aucun fichier"):
        items_from_files([tmp_path / "vide"])


def test_territory_files_over_a_base_take_the_shared_settings(tmp_path):
    """`ctgstats batch FOLDER --base FILE`: each file gives its territory, the base the rest
    (what `make bench` runs); the base's surveys and follow-up never leak into another
    territory, and a file's own relative paths resolve against its folder."""
    base = load_params(REPO / "params" / "demo.yaml")
    folder = tmp_path / "territoires"
    folder.mkdir()
    _write(folder / "t2.yaml", {"territory": {"level": "epci", "code": "000000102"}})
    _write(
        folder / "t3.yaml",
        {
            "territory": {"level": "epci", "code": "000000103"},
            "census": {"vintages": [2022]},
            "data_dirs": ["ctgstats:demo", "donnees"],
        },
    )
    _write(folder / "bad.yaml", {"territory": {"level": "epci", "code": "000000104"}, "x": 1})
    items = items_from_files([folder], base=base)
    by_slug = {i.slug: i for i in items}
    two = by_slug["epci-000000102"].params
    assert two.cog_year == base.cog_year and two.census.vintages == base.census.vintages
    assert not two.surveys and not two.indicators.action_plan_file
    assert "03_enquete" not in (two.notebooks or ())
    three = by_slug["epci-000000103"].params
    assert list(three.census.vintages) == [2022]
    assert three.data_dirs[1] == str(folder / "donnees")
    assert by_slug["bad"].params is None and "x" in by_slug["bad"].error


def test_only_and_limit_select_items():
    items = expand_departement(_base(), "00")
    assert [i.slug for i in batch.select(items, only=["000000103", "epci-000000101"])] == [
        "epci-000000101",
        "epci-000000103",
    ]
    assert [i.slug for i in batch.select(items, only=["epci:000000104"])] == ["epci-000000104"]
    assert len(batch.select(items, limit=3)) == 3
    with pytest.raises(BatchError, match="000000999"):
        batch.select(items, only=["000000999"])


# ------------------------------------------------------------------------ fingerprint


def test_fingerprint_follows_params_data_and_version(tmp_path, monkeypatch):
    from ctgstats.demo import DATA_DIR

    data = tmp_path / "insee"
    shutil.copytree(Path(DATA_DIR) / "insee", data)
    item = BatchItem(slug="epci-000000101", params=_base(data_dirs=[str(data)]), source="t")
    first = fingerprint(item)
    assert fingerprint(item) == first and len(first) == 64
    other = BatchItem(
        slug=item.slug,
        params=_base(data_dirs=[str(data)], census={"vintages": [2016, 2022]}),
        source="t",
    )
    assert fingerprint(other) != first  # params
    filosofi = data / "filosofi" / "FILO2019_DISP_EPCI.csv"
    filosofi.write_bytes(filosofi.read_bytes().replace(b"\n", b"\r\n", 1))
    changed = fingerprint(item)
    assert changed != first  # a data file
    monkeypatch.setattr("ctgstats.__version__", "99.0")
    assert fingerprint(item) != changed  # the version


def test_fingerprint_follows_notebook_templates(tmp_path, monkeypatch):
    item = BatchItem(slug="epci-000000101", params=_base(), source="t")
    first = fingerprint(item)
    templates = _templates(tmp_path, "print('autre version')")
    monkeypatch.setenv("CTGSTATS_NOTEBOOKS_DIR", str(templates))
    assert fingerprint(item) != first


def _templates(folder: Path, code: str) -> Path:
    """A copy of the notebook templates with ``code`` inserted into 01_demographie."""
    from ctgstats.pipeline.plan import notebooks_dir

    templates = folder / "templates"
    shutil.copytree(notebooks_dir(), templates)
    path = templates / "01_demographie.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(4, nbformat.v4.new_code_cell(code))
    nbformat.write(notebook, path)
    return templates


# -------------------------------------------------------------------------- executors


def _square_or_die(task):
    if task == "meurt":
        import os

        os._exit(3)
    return task * 2


def test_a_dead_worker_fails_its_task_and_the_pool_recovers():
    with batch.ProcessExecutor(1) as pool:
        outcomes = dict(pool.map(_square_or_die, ["meurt", 21]))
    assert isinstance(outcomes["meurt"], BaseException)
    assert outcomes[21] == 42


def test_the_serial_executor_reports_exceptions_as_outcomes():
    with batch.SerialExecutor() as pool:
        outcomes = list(pool.map(lambda task: 1 / task, [1, 0]))
    assert outcomes[0] == (1, 1.0) and isinstance(outcomes[1][1], ZeroDivisionError)


# --------------------------------------------------------------------------- CLI (fast)


def _cli():
    from ctgstats.cli import app

    return app


def test_cli_refuses_bad_arguments_with_exit_2(tmp_path):
    from typer.testing import CliRunner

    runner = CliRunner()
    base = _write(tmp_path / "base.yaml", BASE)
    result = runner.invoke(_cli(), ["batch", "--departement", "99", "--base", str(base)])
    assert result.exit_code == 2
    assert "département '99'" in result.output
    result = runner.invoke(_cli(), ["batch"])
    assert result.exit_code == 2 and "--departement" in result.output
    result = runner.invoke(_cli(), ["batch", str(base), "--epci", "000000101"])
    assert result.exit_code == 2


# ---------------------------------------------------------------------- runs (kernels)


@pytest.fixture(scope="module")
def two_epcis(tmp_path_factory):
    """A batch over two EPCIs of the demo département, run once for the module."""
    out = tmp_path_factory.mktemp("lot") / "outputs"
    items = expand_departement(_base(), "00")
    lines: list[str] = []
    result = run_batch(
        items,
        output_dir=out,
        jobs=2,
        only=["000000101", "epci-000000102"],
        progress=False,
        echo=_quiet(lines),
    )
    return result, out, lines


@pytest.mark.notebooks
def test_a_batch_over_two_epcis_writes_both_reports(two_epcis):
    result, out, lines = two_epcis
    assert result.exit_code == 0, result.summary.to_string()
    assert [r.status for r in result.items] == [STATUS_OK, STATUS_OK]
    assert result.executor == "process" and result.jobs == 2
    for code in ("000000101", "000000102"):
        folder = out / f"epci-{code}"
        assert (folder / "index.html").is_file() and (folder / "01_demographie.html").is_file()
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "success"
        assert manifest["fingerprint"] == fingerprint(
            expand_departement(_base(), "00")[DEMO_EPCIS.index(code)]
        )
    assert not (out / "epci-000000103").exists()
    batch_manifest = json.loads((out / "batch-manifest.json").read_text(encoding="utf-8"))
    assert batch_manifest["jobs"] == 2 and batch_manifest["executor"] == "process"
    assert batch_manifest["exit_code"] == 0
    assert [i["statut"] for i in batch_manifest["items"]] == [STATUS_OK, STATUS_OK]
    assert batch_manifest["items"][0]["nom"] == "CC du Haut-Val fictif"
    assert all(i["empreinte"] and i["dossier"] for i in batch_manifest["items"])
    assert list(result.summary.columns) == [
        "territoire",
        "statut",
        "duree_s",
        "notebook_en_echec",
        "cellule",
        "message",
    ]
    assert "Bilan du lot : 2 territoire(s) — 2 réussi(s)" in lines[0]


@pytest.mark.notebooks
def test_a_second_batch_skips_unchanged_territories_and_force_reruns(two_epcis):
    _, out, _ = two_epcis
    items = expand_departement(_base(), "00")[:2]
    before = (out / "epci-000000101" / "manifest.json").stat().st_mtime_ns
    again = run_batch(items, output_dir=out, jobs=2, progress=False, echo=_quiet([]))
    assert [r.status for r in again.items] == [STATUS_SKIPPED, STATUS_SKIPPED]
    assert again.exit_code == 0
    assert (out / "epci-000000101" / "manifest.json").stat().st_mtime_ns == before
    assert "inchangé" in again.summary["statut"].iloc[0]
    forced = run_batch(
        items, output_dir=out, jobs=2, force=True, limit=1, progress=False, echo=_quiet([])
    )
    assert [r.status for r in forced.items] == [STATUS_OK]
    assert (out / "epci-000000101" / "manifest.json").stat().st_mtime_ns != before
    # the CLI over the same département with the same base: nothing to do, bar shown
    from typer.testing import CliRunner

    base = _write(out.parent / "base.yaml", BASE)
    result = CliRunner().invoke(
        _cli(),
        [
            "batch",
            "--departement",
            "00",
            "--base",
            str(base),
            "--only",
            "000000101",
            "--only",
            "000000102",
            "--output-dir",
            str(out),
            "--jobs",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.count(STATUS_SKIPPED) >= 2


@pytest.mark.notebooks
def test_a_broken_territory_never_stops_the_others(tmp_path, monkeypatch):
    templates = _templates(
        tmp_path,
        "if params['territory']['code'] == '000000102':\n    raise RuntimeError('panne simulée')",
    )
    monkeypatch.setenv("CTGSTATS_NOTEBOOKS_DIR", str(templates))
    files = tmp_path / "params"
    files.mkdir()
    _write(files / "1_haut_val.yaml", BASE)
    _write(
        files / "2_fictiville.yaml", {**BASE, "territory": {"level": "epci", "code": "000000102"}}
    )
    _write(files / "3_inconnu.yaml", {**BASE, "territory": {"level": "epci", "code": "000000199"}})
    _write(files / "4_invalide.yaml", {**BASE, "cog_year": "deux mille"})
    out = tmp_path / "outputs"
    lines: list[str] = []
    result = run_batch(
        items_from_files([files]), output_dir=out, jobs=2, progress=False, echo=_quiet(lines)
    )
    assert result.exit_code == 1
    summary = result.summary.set_index("territoire")
    assert summary.loc["epci-000000101", "statut"] == STATUS_OK
    assert (out / "epci-000000101" / "index.html").is_file()
    broken = summary.loc["epci-000000102"]
    assert broken["statut"] == STATUS_FAILED
    # the cell index counts the parameters cell papermill injects
    assert broken["notebook_en_echec"] == "01_demographie" and broken["cellule"] == 5
    assert "panne simulée" in broken["message"]
    assert (out / "epci-000000102.echec" / "01_demographie.ipynb").is_file()
    assert not (out / "epci-000000102").exists()
    unknown = summary.loc["epci-000000199"]
    assert unknown["statut"] == STATUS_FAILED and "000000199" in unknown["message"]
    invalid = summary.loc["4-invalide"]
    assert invalid["statut"] == STATUS_FAILED and "cog_year" in invalid["message"]
    text = lines[0]
    assert "1 réussi(s), 3 en échec" in text
    assert "epci-000000102" in text and "01_demographie" in text and "panne simulée" in text
    manifest = json.loads((out / "batch-manifest.json").read_text(encoding="utf-8"))
    assert manifest["exit_code"] == 1
    failed = {i["territoire"]: i for i in manifest["items"]}["epci-000000102"]
    assert failed["notebook_en_echec"] == "01_demographie" and failed["cellule"] == 5


def test_the_base_territory_keeps_its_surveys_and_follow_up():
    from ctgstats.core.params import load_params
    from ctgstats.pipeline.batch import expand_departement

    base = load_params(Path(__file__).resolve().parents[1] / "params" / "demo.yaml")
    items = {item.slug: item for item in expand_departement(base, "00")}
    assert items["epci-000000101"].params.surveys == base.surveys
    assert items["epci-000000101"].params.indicators == base.indicators
    assert items["epci-000000102"].params.surveys == ()


def test_workers_report_the_current_notebook(tmp_path):
    from ctgstats.pipeline.batch import current_steps, note_progress

    note_progress(tmp_path, "epci-000000101", "exécution de 02_familles_menages.ipynb")
    assert current_steps(tmp_path, ["epci-000000101", "epci-000000102"]) == {
        "epci-000000101": "exécution de 02_familles_menages.ipynb",
        "epci-000000102": "",
    }


def test_batch_errors_are_input_errors():
    from ctgstats.core.errors import InputError

    assert issubclass(BatchError, InputError) and issubclass(BatchError, ValueError)


def test_default_base_needs_no_checkout(tmp_path, monkeypatch):
    from ctgstats.cli.batch import default_base

    monkeypatch.chdir(tmp_path)  # no params/demo.yaml here
    base = default_base()
    assert base.territory.id == "epci:000000101" and base.data_dirs == ("ctgstats:demo",)
    (tmp_path / "params").mkdir()
    _write(tmp_path / "params" / "demo.yaml", {**BASE, "cog_year": 2025})
    assert default_base().notebooks == ("01_demographie",)


def test_the_pipeline_does_not_import_the_command_line():
    import subprocess
    import sys

    code = (
        "import sys, ctgstats.pipeline.batch, ctgstats.pipeline.run;"
        "bad = [m for m in sys.modules if m == 'typer' or m.startswith('ctgstats.cli')];"
        "print(', '.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
