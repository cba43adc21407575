"""A kernel reused across runs gives the same outputs and keeps failures attributed."""

from __future__ import annotations

import nbformat
import pytest

from ctgstats.core.errors import RunError
from ctgstats.core.params import parse_params
from ctgstats.pipeline.execute import KernelSession
from ctgstats.pipeline.plan import plan_run
from ctgstats.pipeline.run import run

pytestmark = pytest.mark.notebooks


def _params(code: str):
    return parse_params(
        {
            "territory": {"level": "epci", "code": code},
            "cog_year": 2025,
            "data_dirs": ["ctgstats:demo"],
            "notebooks": ["01_demographie"],
        }
    )


def test_one_kernel_for_several_territories(tmp_path):
    with KernelSession() as session:
        first = run(plan_run(_params("000000101"), output_dir=tmp_path), session=session)
        second = run(plan_run(_params("000000104"), output_dir=tmp_path), session=session)
    text = (second / "01_demographie.html").read_text(encoding="utf-8")
    assert "Vallée d" in text and "Haut-Val" not in text  # nothing leaked from the first
    assert (first / "01_demographie.html").is_file()


def test_failure_on_a_session_names_the_cell(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    templates.mkdir()
    from ctgstats.pipeline.plan import notebooks_dir

    notebook = nbformat.read(notebooks_dir() / "01_demographie.ipynb", as_version=4)
    notebook.cells.insert(4, nbformat.v4.new_code_cell("1 / 0"))
    nbformat.write(notebook, templates / "01_demographie.ipynb")
    with KernelSession() as session, pytest.raises(RunError) as caught:
        run(
            plan_run(_params("000000101"), output_dir=tmp_path / "out", templates=templates),
            session=session,
        )
    assert caught.value.notebook == "01_demographie" and caught.value.cell == 5
    assert "ZeroDivisionError" in str(caught.value)
    failed = nbformat.read(caught.value.kept / "01_demographie.ipynb", as_version=4)
    banner = [c for c in failed.cells if "papermill-error-cell-tag" in c.metadata.get("tags", [])]
    assert banner, "papermill's failure banner, as in ctgstats run"


def test_a_run_starts_one_kernel_for_all_its_notebooks(tmp_path, monkeypatch):
    from ctgstats.pipeline import execute

    started = []
    real = KernelSession.start

    def counting(self):
        if self.km is None:
            started.append(self)
        real(self)

    monkeypatch.setattr(KernelSession, "start", counting)
    params = parse_params(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "cog_year": 2025,
            "data_dirs": ["ctgstats:demo"],
            "notebooks": ["01_demographie", "02_familles_menages"],
        }
    )
    folder = run(plan_run(params, output_dir=tmp_path))
    assert (folder / "02_familles_menages.html").is_file()
    assert len(started) == 1
    assert started[0].km is None  # shut down at the end of the run
    assert execute.KERNEL_NAME == "python3"


def test_an_execution_stopped_outside_a_cell_keeps_a_notebook_saying_why(tmp_path, monkeypatch):
    # A timeout or a dead kernel is not a cell error: papermill writes nothing then
    # (the notebook is saved at the end only); ctgstats keeps the template with a banner.
    import papermill

    def stopped(*args, **kwargs):
        raise TimeoutError("Cell execution timed out")

    monkeypatch.setattr(papermill, "execute_notebook", stopped)
    with KernelSession() as session, pytest.raises(RunError) as caught:
        run(plan_run(_params("000000101"), output_dir=tmp_path / "out"), session=session)
    from ctgstats.pipeline.plan import notebooks_dir

    template = nbformat.read(notebooks_dir() / "01_demographie.ipynb", as_version=4)
    kept = nbformat.read(caught.value.kept / "01_demographie.ipynb", as_version=4)
    assert kept.cells[0].cell_type == "markdown"
    assert kept.cells[0].source.startswith("**Exécution interrompue** : TimeoutError")
    assert [c.source for c in kept.cells[1:]] == [c.source for c in template.cells]
