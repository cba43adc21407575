"""Every notebook template, executed on the demo territory as committed.

That the templates stay thin templates is checked without a kernel in
``tests/test_notebook_templates.py``.
"""

from __future__ import annotations

import json

import nbformat
import papermill as pm
import pytest

from ctgstats.core.notebooks import NOTEBOOKS as CATALOGUE
from ctgstats.pipeline.plan import notebooks_dir

NOTEBOOKS = [notebooks_dir() / spec.template for spec in CATALOGUE]
WITHOUT_CHARTS = {"10_dispositifs"}  # the inventory is read as tables, not charts


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
    if path.stem not in WITHOUT_CHARTS:
        assert "image/png" in text
    assert '"output_type": "error"' not in text
    expected = {"04_indicateurs": "en bonne voie"}.get(path.stem, "Points de vigilance")
    assert expected in text
