"""Every notebook template, executed on the demo territory as committed.

Also checks that the templates stay templates: one ``parameters`` cell, no ``def``, no
file path, no outputs committed.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest

NOTEBOOKS = sorted(
    (Path(__file__).resolve().parents[1] / "src" / "ctgstats" / "notebooks").glob("*.ipynb")
)


def test_there_are_notebooks():
    assert [p.stem for p in NOTEBOOKS] == [
        "01_demographie",
        "02_familles_menages",
        "03_enquete",
        "04_indicateurs",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_a_thin_template(path):
    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and code[0] is tagged[0], "first code cell is the parameters cell"
    for cell in code:
        assert not cell.outputs and cell.execution_count is None, "committed without outputs"
        assert "def " not in cell.source and "lambda" not in cell.source
        for forbidden in ("open(", "read_csv", "read_excel", ".csv", ".xlsx", "/"):
            if cell is not tagged[0]:
                assert forbidden not in cell.source, f"{forbidden!r} in {cell.source!r}"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_demo(path, tmp_path):
    output = tmp_path / path.name
    pm.execute_notebook(
        str(path), str(output), kernel_name="python3", progress_bar=False, cwd=str(tmp_path)
    )
    notebook = nbformat.read(output, as_version=4)
    text = json.dumps([c.get("outputs", []) for c in notebook.cells], ensure_ascii=False)
    assert "Données fictives" in text or "DONNÉES FICTIVES" in text
    assert "image/png" in text
    assert '"output_type": "error"' not in text
    expected = {"04_indicateurs": "en bonne voie"}.get(path.stem, "Points de vigilance")
    assert expected in text
