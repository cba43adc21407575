"""The JupyterLab guard of the notebook templates (``make lab``), as pure functions."""

from __future__ import annotations

import copy
import json
import runpy
from pathlib import Path

import pytest

from ctgstats.core import lab

REPO = Path(__file__).resolve().parents[1]


def _notebook() -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (x)", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
            "widgets": {"state": {}},
        },
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# Titre"},
            {
                "cell_type": "code",
                "id": "b",
                "metadata": {"tags": ["parameters"], "execution": {"busy": "x"}, "scrolled": True},
                "execution_count": 7,
                "source": "params = {}",
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "sortie\n"}],
            },
        ],
    }


def _model(content: dict) -> dict:
    return {"type": "notebook", "format": "json", "content": content}


def test_a_template_saved_with_outputs_is_stored_without_them(tmp_path):
    model = _model(_notebook())
    assert lab.strip_template(model, tmp_path / "01_x.ipynb", templates_dir=tmp_path)
    cells = model["content"]["cells"]
    assert cells[1]["outputs"] == [] and cells[1]["execution_count"] is None
    assert cells[1]["metadata"] == {"tags": ["parameters"]}  # the tag stays
    assert cells[0] == _notebook()["cells"][0]
    assert model["content"]["metadata"] == lab.CANONICAL_METADATA


def test_a_notebook_elsewhere_keeps_its_outputs(tmp_path):
    model = _model(_notebook())
    (tmp_path / "mes_carnets").mkdir()
    elsewhere = tmp_path / "mes_carnets" / "01_x.ipynb"
    assert not lab.strip_template(model, elsewhere, templates_dir=tmp_path)
    assert not lab.strip_template(model, tmp_path / "notes.txt", templates_dir=tmp_path)
    assert model == _model(_notebook())


def test_directories_and_files_without_content_are_left_alone(tmp_path):
    folder = {"type": "directory", "content": []}
    assert not lab.strip_template(folder, tmp_path / "x.ipynb", templates_dir=tmp_path)
    bare = {"type": "notebook", "content": None}
    assert lab.as_served(bare, tmp_path / "x.ipynb", **_kernel(tmp_path)) == bare


def _kernel(tmp_path: Path) -> dict:
    return {"kernel_display_name": "Python 3 (ctgstats)", "python_version": "3.12.1"} | {
        "templates_dir": tmp_path
    }


def test_a_template_is_served_with_the_kernel_metadata_jupyterlab_writes(tmp_path):
    model = _model(_notebook())
    lab.as_served(model, tmp_path / "01_x.ipynb", **_kernel(tmp_path))
    metadata = model["content"]["metadata"]
    assert metadata["kernelspec"] == {
        "display_name": "Python 3 (ctgstats)",
        "language": "python",
        "name": "python3",
    }
    # what ipykernel's kernel_info reply says for Python 3.12.1
    assert metadata["language_info"] == {
        "name": "python",
        "version": "3.12.1",
        "mimetype": "text/x-python",
        "codemirror_mode": {"name": "ipython", "version": 3},
        "pygments_lexer": "ipython3",
        "nbconvert_exporter": "python",
        "file_extension": ".py",
    }
    other = _model(_notebook())
    (tmp_path / "a").mkdir()
    lab.as_served(other, tmp_path / "a" / "01_x.ipynb", **_kernel(tmp_path))
    assert other == _model(_notebook())


@pytest.mark.parametrize("path", sorted((REPO / "src/ctgstats/notebooks").glob("*.ipynb")))
def test_open_then_save_leaves_every_stored_template_byte_for_byte(path):
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert lab.is_template(path)
    model = _model(copy.deepcopy(stored))
    lab.as_served(model, path, kernel_display_name="Python 3 (ctgstats)", python_version="3.11.7")
    assert lab.strip_template(model, path)
    assert model["content"] == stored
    assert stored["metadata"] == lab.CANONICAL_METADATA
    assert (stored["nbformat"], stored["nbformat_minor"]) == (4, 5)  # what JupyterLab 4 writes


def test_the_server_config_of_make_lab_plugs_the_hooks(monkeypatch):
    pytest.importorskip("jupyter_server")
    from traitlets.config import Config

    config = Config()
    namespace = runpy.run_path(
        str(REPO / "jupyter_server_config.py"), init_globals={"get_config": lambda: config}
    )
    assert config.FileContentsManager.pre_save_hook is namespace["strip_template_outputs"]
    assert config.ServerApp.contents_manager_class is namespace["TemplateContentsManager"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "--config=jupyter_server_config.py --ServerApp.root_dir=." in makefile
    assert (REPO / "COMMENCER_ICI.md").is_file()
