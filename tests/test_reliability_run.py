"""Runs, batches, surveys and the command line under bad input and faults.

Each fault is met where it arises: a dead kernel or a cell over its timeout in
:mod:`ctgstats.pipeline.execute`, survey exports in :mod:`ctgstats.surveys.adapters`,
``validate`` running the checks of ``run``'s preparation, paths the command line cannot
write or read, and batches interrupted or killed.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from ctgstats.core.errors import RunError
from ctgstats.pipeline.execute import KernelSession
from ctgstats.pipeline.plan import NotebookTask

REPO = Path(__file__).resolve().parents[1]
DEMO_PARAMS = REPO / "params" / "demo.yaml"


# ------------------------------------------------------------- kernel faults (item 1)


def _tiny_task(folder: Path, *sources: str, name: str = "minuscule") -> NotebookTask:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"{name}.ipynb"
    nbformat.write(notebook, template)
    return NotebookTask(
        name=name, title=name, template=template, executed=f"{name}.ipynb", html=f"{name}.html"
    )


@pytest.mark.notebooks
def test_a_kernel_dying_mid_cell_fails_within_seconds_naming_the_cell(tmp_path):
    task = _tiny_task(tmp_path / "modeles", "x = 41", "import os; os._exit(1)", "y = 2")
    out = tmp_path / "out"
    out.mkdir()
    with KernelSession(timeout=120) as session:
        start = time.monotonic()
        with pytest.raises(RunError) as caught:
            session.execute(task, folder=out)
        elapsed = time.monotonic() - start
        assert elapsed < 30, f"a dead kernel took {elapsed:.0f} s to be noticed"
        assert caught.value.notebook == "minuscule" and caught.value.cell == 1
        assert "le noyau Python s'est arrêté" in str(caught.value)
        assert "minuscule" in str(caught.value) and "index 1" in str(caught.value)
        kept = nbformat.read(out / "minuscule.ipynb", as_version=4)
        assert kept.cells[0].cell_type == "markdown"
        assert kept.cells[0].source.startswith("**Exécution interrompue** : notebook minuscule")
        assert kept.cells[1].execution_count is not None  # « x = 41 » ran
        assert kept.cells[2].outputs[-1]["output_type"] == "error"
        assert kept.cells[3].source == "y = 2" and not kept.cells[3].get("outputs")
        # the session starts a fresh kernel for the next notebook
        after = _tiny_task(tmp_path / "modeles", "z = 6 * 7\nprint(z)", name="suivant")
        session.execute(after, folder=out)
    done = nbformat.read(out / "suivant.ipynb", as_version=4)
    assert done.cells[0].outputs[0]["text"] == "42\n"


@pytest.mark.notebooks
def test_a_cell_over_the_timeout_is_interrupted_and_reported(tmp_path):
    task = _tiny_task(tmp_path / "modeles", "import time\ntime.sleep(60)")
    out = tmp_path / "out"
    out.mkdir()
    with KernelSession(timeout=3) as session:
        start = time.monotonic()
        with pytest.raises(RunError) as caught:
            session.execute(task, folder=out)
        elapsed = time.monotonic() - start
        assert elapsed < 30, f"a 3 s timeout stopped the cell after {elapsed:.0f} s"
        assert caught.value.cell == 0
        assert "délai de 3 s" in str(caught.value) and "interrompue" in str(caught.value)
        kept = nbformat.read(out / "minuscule.ipynb", as_version=4)
        assert "délai de 3 s" in kept.cells[0].source
        after = _tiny_task(tmp_path / "modeles", "print(2 + 2)", name="suivant")
        session.execute(after, folder=out)
    assert nbformat.read(out / "suivant.ipynb", as_version=4).cells[0].outputs[0]["text"] == "4\n"


def _invoke(*args: object):
    from typer.testing import CliRunner

    from ctgstats.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.notebooks
def test_ctgstats_run_with_a_dying_kernel_exits_1_and_keeps_the_failed_notebook(
    tmp_path, monkeypatch
):
    from ctgstats.pipeline.plan import NOTEBOOKS_DIR_ENV, notebooks_dir

    templates = tmp_path / "modeles"
    templates.mkdir()
    notebook = nbformat.read(notebooks_dir() / "01_demographie.ipynb", as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    nbformat.write(notebook, templates / "01_demographie.ipynb")
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(templates))
    start = time.monotonic()
    result = _invoke("run", DEMO_PARAMS, "-n", "01_demographie", "-o", tmp_path / "out", "-q")
    assert time.monotonic() - start < 120
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    assert "notebook 01_demographie : le noyau Python s'est arrêté" in result.stderr
    assert "Kernel died" not in result.stderr  # nbclient's English log line, silenced
    # papermill injects the parameters cell after the template's « parameters » cell
    (failed,) = (tmp_path / "out").glob("*.echec")
    kept = nbformat.read(failed / "01_demographie.ipynb", as_version=4)
    assert kept.cells[0].source.startswith("**Exécution interrompue**")
    stopped = [c for c in kept.cells if c.source == "import os\nos._exit(1)"]
    assert stopped and stopped[0].outputs[-1]["output_type"] == "error"


# ------------------------------------------------------------ survey exports (2, 3)

SURVEYS = Path(__file__).parent / "fixtures" / "surveys"


@pytest.fixture
def codebook():
    from ctgstats.surveys.codebook import load_codebook

    return load_codebook(SURVEYS / "codebook.yaml")


def _kobo_rows() -> list[list[str]]:
    import csv

    with open(SURVEYS / "kobo.csv", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def _workbook(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([v or None for v in row])
    workbook.save(path)
    return path


def test_kobo_xlsx_with_the_answers_on_the_second_sheet_after_an_empty_one(codebook, tmp_path):
    from ctgstats.surveys.adapters import read_export

    rows = _kobo_rows()
    path = _workbook(tmp_path / "kobo.xlsx", {"Feuil1": [], "Enquête habitants": rows})
    data = read_export(path, codebook=codebook)
    assert len(data.respondents) == len(rows) - 1 == 10
    assert "feuille « Enquête habitants »" in data.notes[0]
    assert "Feuil1" in data.notes[0] and "vide" in data.notes[0]


def test_kobo_xlsx_with_the_answers_after_a_notes_sheet_reads_the_kobo_sheet(codebook, tmp_path):
    from ctgstats.surveys.adapters import read_export

    rows = _kobo_rows()
    notes = [["Export KoboToolbox du 4 mars 2024"], ["Formulaire : enquête habitants"]]
    path = _workbook(tmp_path / "kobo.xlsx", {"Notes": notes, "Réponses": rows})
    data = read_export(path, codebook=codebook)
    assert len(data.respondents) == 10 and data.format == "kobo"
    assert "feuille « Réponses »" in data.notes[0] and "« Notes »" in data.notes[0]


def test_a_workbook_with_its_answers_on_one_of_two_other_sheets_lists_the_sheets(
    codebook, tmp_path
):
    from ctgstats.surveys.adapters import SurveyInputError, read_export

    rows = _kobo_rows()
    path = _workbook(tmp_path / "kobo.xlsx", {"Vide": [], "Vague 1": rows, "Vague 2": rows})
    with pytest.raises(SurveyInputError) as caught:
        read_export(path, codebook=codebook)
    message = str(caught.value)
    assert str(path) in message
    assert "« Vide »" in message and "« Vague 1 »" in message and "« Vague 2 »" in message
    assert "première feuille" in message


def test_an_error_on_the_first_sheet_says_the_other_sheets_were_not_read(codebook, tmp_path):
    from ctgstats.surveys.adapters import SurveyInputError, read_export

    rows = _kobo_rows()
    # another Kobo table first (Kobo markers too): ambiguous, so the first sheet is read
    other = [["_id", "_uuid", "nom"], ["1", "u", "a"]]
    path = _workbook(tmp_path / "kobo.xlsx", {"Synthèse": other, "Données": rows})
    with pytest.raises(SurveyInputError) as caught:
        read_export(path, codebook=codebook, format="kobo")
    assert "seule la feuille « Synthèse » a été lue" in str(caught.value)
    assert "« Données »" in str(caught.value)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_export_with_a_header_and_no_answer_is_refused(tmp_path, suffix):
    from ctgstats.core.errors import InputError
    from ctgstats.core.params import Survey
    from ctgstats.surveys.analysis import analyse

    header = _kobo_rows()[0]
    if suffix == "csv":
        path = tmp_path / "kobo.csv"
        path.write_text(";".join(header) + "\n", encoding="utf-8")
    else:
        path = _workbook(tmp_path / "kobo.xlsx", {"Réponses": [header], "Notes": [["x"]]})
    spec = Survey(id="habitants", export=str(path), codebook=str(SURVEYS / "codebook.yaml"))
    with pytest.raises(InputError) as caught:
        analyse(spec, portrait=None)
    message = str(caught.value)
    assert message.startswith(f"{path} : aucune réponse")
    assert "0 questionnaire(s)" in message
    if suffix == "xlsx":
        assert "feuille « Réponses »" in message and "« Notes »" in message


# ----------------------------------------------- validate = run's preparation (item 4)

SHARED_COG = REPO.parent / "shared" / "data" / "insee"


@pytest.mark.shared
def test_validate_refuses_a_territory_of_the_composition_in_no_census_file(tmp_path):
    # CC Coeur et Coteaux du Comminges is in the composition table of the Haute-Garonne,
    # but the census extract covers the CCPHG communes only.
    import yaml

    params = {
        "territory": {"level": "epci", "code": "200072643"},
        "data_dirs": [str(SHARED_COG / "rp2022-ccphg"), str(SHARED_COG / "cog")],
        "notebooks": ["01_demographie"],
    }
    path = tmp_path / "autre.yaml"
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    result = _invoke("validate", path)
    assert result.exit_code == 2, result.output
    assert "OK" not in result.stdout
    assert "epci:200072643" in result.stderr and "aucune de ses" in result.stderr
    assert "rp2022-ccphg" in result.stderr


def _demo_params(tmp_path: Path, **changes) -> Path:
    import yaml

    data = yaml.safe_load(DEMO_PARAMS.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("notebooks", [None, ["01_demographie"]])
def test_validate_refuses_a_missing_survey_export_as_run_does(tmp_path, notebooks):
    import yaml

    surveys = yaml.safe_load(DEMO_PARAMS.read_text(encoding="utf-8"))["surveys"]
    surveys[2]["export"] = str(tmp_path / "absente.csv")
    changes = {"surveys": surveys} | ({"notebooks": notebooks} if notebooks else {})
    path = _demo_params(tmp_path, **changes)
    result = _invoke("validate", path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr and "inattendue" not in result.stderr
    assert str(tmp_path / "absente.csv") in result.stderr
    assert "elus" in result.stderr
    # run refuses it the same way, before any kernel starts (the guard would fail the test)
    run = _invoke("run", path, "-o", tmp_path / "out", "-q")
    assert run.exit_code == 2 and run.stderr == result.stderr


# ------------------------------------------ paths the command line cannot use (item 5)


def _refused(result, *fragments: object) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr and "inattendue" not in result.stderr
    assert result.stderr.startswith("Erreur : ")
    for fragment in fragments:
        assert str(fragment) in result.stderr, (fragment, result.stderr)


def test_an_output_folder_under_a_file_is_refused_before_any_work(tmp_path):
    somefile = tmp_path / "unfichier"
    somefile.write_text("x", encoding="utf-8")
    result = _invoke("run", DEMO_PARAMS, "-o", somefile / "x", "-q")
    _refused(result, somefile / "x", f"{somefile} est un fichier, pas un dossier")
    result = _invoke("run", DEMO_PARAMS, "-o", somefile, "-q")
    _refused(result, f"dossier de sortie {somefile} : c'est un fichier")
    assert somefile.read_text(encoding="utf-8") == "x"


def test_a_batch_into_an_output_folder_under_a_file_is_refused(tmp_path):
    somefile = tmp_path / "unfichier"
    somefile.write_text("x", encoding="utf-8")
    result = _invoke("batch", DEMO_PARAMS, "-o", somefile / "x", "--no-progress")
    _refused(result, f"{somefile} est un fichier")


def _unwritable(tmp_path: Path) -> Path:
    import os

    if os.geteuid() != 0:
        folder = tmp_path / "lecture-seule"
        folder.mkdir()
        folder.chmod(0o555)
        return folder / "sorties"
    # root writes anywhere a mode allows: /sys refuses new entries even to root
    if not Path("/sys").is_dir() or os.access("/sys", os.W_OK) and _can_create("/sys"):
        pytest.skip("no folder refuses writes to this user")
    return Path("/sys") / "ctgstats-sorties"


def _can_create(folder: str) -> bool:
    import tempfile

    try:
        tempfile.TemporaryDirectory(dir=folder).cleanup()
    except OSError:
        return False
    return True


def test_an_output_folder_that_cannot_be_written_is_refused(tmp_path):
    target = _unwritable(tmp_path)
    try:
        result = _invoke("run", DEMO_PARAMS, "-o", target, "-q")
        _refused(result, target, "écriture impossible")
        batch = _invoke("batch", DEMO_PARAMS, "-o", target, "--no-progress")
        _refused(batch, target, "écriture impossible")
    finally:
        target.parent.chmod(0o755) if target.parent != Path("/sys") else None


def test_a_params_path_that_is_a_folder_is_refused(tmp_path):
    _refused(_invoke("validate", tmp_path), f"{tmp_path} est un dossier")
    _refused(_invoke("run", tmp_path, "-q"), f"{tmp_path} est un dossier")


def test_a_params_file_not_in_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes('territory:\n  level: epci\n  code: "000000101"\n# crèche\n'.encode("cp1252"))
    _refused(_invoke("validate", path), path, "UTF-8")


def test_a_codebook_not_in_utf8_is_refused_naming_it(tmp_path):
    import yaml

    from ctgstats.core.files import resolve_path

    codebook = tmp_path / "codebook_elus.yaml"
    text = resolve_path("ctgstats:demo/enquetes/codebook_elus.yaml").read_text(encoding="utf-8")
    assert "é" in text
    codebook.write_bytes(text.encode("cp1252"))
    surveys = yaml.safe_load(DEMO_PARAMS.read_text(encoding="utf-8"))["surveys"]
    surveys[2]["codebook"] = str(codebook)
    path = _demo_params(tmp_path, surveys=surveys, notebooks=["03_enquete"])
    _refused(_invoke("validate", path), codebook, "UTF-8")


def test_data_list_on_a_missing_folder_fails(tmp_path):
    _refused(_invoke("data", "list", tmp_path / "absent"), tmp_path / "absent", "introuvable")


def test_batch_of_a_folder_with_its_base_file_inside(tmp_path, monkeypatch):
    import shutil

    from ctgstats.cli import batch as cli_batch

    folder = tmp_path / "territoires"
    folder.mkdir()
    shutil.copy(DEMO_PARAMS, folder / "commun.yaml")
    for name, code in (("a", "000000101"), ("b", "000000104")):
        (folder / f"{name}.yaml").write_text(
            f'territory:\n  level: epci\n  code: "{code}"\n', encoding="utf-8"
        )
    seen = []

    class Done:
        exit_code = 0

    def fake_run_batch(items, **options):
        seen.extend(items)
        return Done()

    monkeypatch.setattr(cli_batch, "run_batch", fake_run_batch)
    result = _invoke("batch", folder, "--base", folder / "commun.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert [(i.slug, Path(i.source).name, i.error) for i in seen] == [
        ("epci-000000101", "a.yaml", None),
        ("epci-000000104", "b.yaml", None),
    ]
    assert all(i.params.data_dirs == ("ctgstats:demo",) for i in seen)  # from the base
    # a folder given as --base is refused with a sentence, not a traceback
    _refused(_invoke("batch", folder, "--base", folder), f"{folder} est un dossier")


# --------------------------------------------------------------- batches (item 6)


def _demo(code: str, notebooks=("01_demographie",)):
    from ctgstats.core.params import parse_params

    return parse_params(
        {
            "territory": {"level": "epci", "code": code},
            "cog_year": 2025,
            "data_dirs": ["ctgstats:demo"],
            "notebooks": list(notebooks),
        }
    )


def _without_template(tmp_path, monkeypatch, missing: str) -> None:
    """The shipped templates but ``missing`` (as if deleted from the installation)."""
    import shutil

    from ctgstats.pipeline import plan as planner

    shipped = planner.notebooks_dir()
    folder = tmp_path / "installes"
    shutil.copytree(shipped, folder)
    (folder / f"{missing}.ipynb").unlink()
    monkeypatch.setattr(planner, "notebooks_dir", lambda: folder)


def test_a_run_with_a_missing_template_fails_before_any_notebook(tmp_path, monkeypatch):
    # not marked « notebooks »: the kernel guard fails the test if a kernel starts
    from ctgstats.pipeline.plan import plan_run
    from ctgstats.pipeline.prepare import TemplateNotFoundError
    from ctgstats.pipeline.run import run

    _without_template(tmp_path, monkeypatch, "02_familles_menages")
    plan = plan_run(
        _demo("000000101", ("01_demographie", "02_familles_menages")), output_dir=tmp_path / "out"
    )
    with pytest.raises(TemplateNotFoundError, match="notebook 02_familles_menages : modèle"):
        run(plan)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_batch_with_a_missing_template_runs_no_territory(tmp_path, monkeypatch):
    from ctgstats.pipeline.batch import BatchItem, run_batch
    from ctgstats.pipeline.prepare import TemplateNotFoundError

    _without_template(tmp_path, monkeypatch, "02_familles_menages")
    items = [
        BatchItem(slug="a", params=_demo("000000101"), source="a"),
        BatchItem(
            slug="b",
            params=_demo("000000104", ("01_demographie", "02_familles_menages")),
            source="b",
        ),
    ]
    with pytest.raises(TemplateNotFoundError) as caught:
        run_batch(items, output_dir=tmp_path / "out", jobs=2, progress=False, echo=lambda m: None)
    assert "02_familles_menages" in str(caught.value) and "1 territoire(s), dont b" in str(
        caught.value
    )
    assert not (tmp_path / "out").exists()


class _InterruptedAfterOne:
    """An executor: the first territory finishes, then Ctrl-C."""

    name = "interrompu-apres-un"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def map(self, fn, tasks, *, started=None, tick=None):
        from ctgstats.pipeline.batch import ItemResult

        first = tasks[0]
        yield first, ItemResult(slug=first.item.slug, source=first.item.source, status="ok")
        raise KeyboardInterrupt


def test_ctrl_c_marks_only_the_unfinished_territories_interrupted(tmp_path):
    import json

    from ctgstats.pipeline.batch import BatchItem, run_batch
    from ctgstats.publish.portal import collect_entries

    items = [
        BatchItem(slug=f"t{n}", params=_demo(code), source=f"t{n}.yaml")
        for n, code in enumerate(("000000101", "000000104", "000000101"))
    ]
    result = run_batch(
        items,
        output_dir=tmp_path,
        executor=_InterruptedAfterOne(),
        progress=False,
        echo=lambda m: None,
        force=True,
    )
    assert result.interrupted
    assert [r.status for r in result.items] == ["ok", "interrompu", "interrompu"]
    manifest = json.loads((tmp_path / "batch-manifest.json").read_text(encoding="utf-8"))
    assert [i["statut"] for i in manifest["items"]] == ["ok", "interrompu", "interrompu"]
    failed = {e.slug for e in collect_entries(tmp_path) if e.status == "failed"}
    assert failed == {"t1", "t2"}


def test_stale_staging_folders_of_any_report_are_removed_at_the_start_of_a_run(tmp_path):
    import os
    import subprocess
    import sys

    from ctgstats.pipeline.run import remove_stale_staging, stale_staging

    dead = int(
        subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    killed_run = tmp_path / f".epci-000000104.en-cours-{dead}"
    killed_worker = tmp_path / f".commune-00001.en-cours-lot-{dead}"
    old_report = tmp_path / f".epci-000000101.ancien-{dead}"
    running = tmp_path / f".epci-000000101.en-cours-lot-{os.getppid()}"
    mine = tmp_path / "mon-dossier.en-cours-12"  # not hidden: not ctgstats'
    for folder in (killed_run, killed_worker, old_report, running, mine):
        folder.mkdir()
        (folder / "x.txt").write_text("x", encoding="utf-8")
    # a folder changed after the run started is left alone, even with a dead pid
    assert stale_staging(tmp_path, before=0) == []
    assert remove_stale_staging(tmp_path) == sorted([killed_run, killed_worker, old_report])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, mine.name])


def _children() -> dict[int, list[int]]:
    """ppid -> live (not zombie) pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            tree.setdefault(int(ppid), []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


BATCH_SCRIPT = """
import sys
from ctgstats.core.params import parse_params
from ctgstats.pipeline.batch import BatchItem, run_batch
params = parse_params({"territory": {"level": "epci", "code": "000000101"}, "cog_year": 2025,
                       "data_dirs": ["ctgstats:demo"], "notebooks": ["01_demographie"]})
run_batch([BatchItem(slug="a", params=params, source="a")], output_dir=sys.argv[1], jobs=2,
          executor="process", progress=False, force=True)
"""


@pytest.mark.notebooks
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc needed")
def test_killing_the_batch_parent_ends_its_workers_and_kernels(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from ctgstats.pipeline.plan import notebooks_dir

    templates = tmp_path / "modeles"
    templates.mkdir()
    notebook = nbformat.read(notebooks_dir() / "01_demographie.ipynb", as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("import time\ntime.sleep(300)"))
    nbformat.write(notebook, templates / "01_demographie.ipynb")
    environment = dict(os.environ)
    environment["CTGSTATS_NOTEBOOKS_DIR"] = str(templates)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), environment.get("PYTHONPATH", "")]
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", BATCH_SCRIPT, str(tmp_path / "out")],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        kernels: set[int] = set()
        while time.monotonic() < deadline and parent.poll() is None:
            family = _descendants(parent.pid)
            kernels = {p for p in family if "ipykernel" in _cmdline(p)}
            if kernels:
                break
            time.sleep(0.5)
        assert kernels, "no kernel started by the batch's worker"
        workers = {p for p in _descendants(parent.pid) if p not in kernels}
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(map(_alive, workers | kernels)):
            time.sleep(0.2)
        left = {p: _cmdline(p)[:80] for p in workers | kernels if _alive(p)}
        assert not left, f"still running after the parent was killed: {left}"
    finally:
        for pid in _descendants(parent.pid) if parent.poll() is None else ():
            os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()


def _sleep_then_double(task):
    import time as clock

    clock.sleep(task)
    return task * 2


def test_ctrl_c_in_the_parent_keeps_the_outcomes_of_the_running_workers():
    # SIGINT to the parent only (kill -INT): the running territory ends and is recorded,
    # the pending one never starts.
    import os
    import signal
    import threading

    from ctgstats.pipeline.batch import ProcessExecutor

    seen = []
    with ProcessExecutor(2) as pool:
        timer = threading.Timer(4.0, os.kill, (os.getpid(), signal.SIGINT))
        outcomes = pool.map(_sleep_then_double, [0.1, 8, 0.2], started=seen.append)
        got = []
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            for task, outcome in outcomes:
                got.append((task, outcome))
    timer.cancel()
    assert all(outcome == task * 2 for task, outcome in got)
    assert (8, 16) in got  # running when Ctrl-C came: waited for, not lost


def test_validate_refuses_the_output_folder_run_would_refuse(tmp_path):
    somefile = tmp_path / "unfichier"
    somefile.write_text("x", encoding="utf-8")
    path = _demo_params(tmp_path, output_dir=str(somefile / "sorties"))
    _refused(_invoke("validate", path), f"{somefile} est un fichier")
