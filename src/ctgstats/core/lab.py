"""Keeping the notebook templates clean when analysts open them in JupyterLab.

``make lab`` starts JupyterLab at the repository root with ``jupyter_server_config.py``,
which plugs the two pure functions of this module into the Jupyter server:

* :func:`as_served` — the model of a template sent to JupyterLab carries the kernel's
  own ``kernelspec`` and ``language_info``, so JupyterLab, which rewrites them when the
  kernel starts, finds nothing to change: opening a template does not mark it modified;
* :func:`strip_template` — the ``pre_save_hook``: a template saved with outputs is stored
  without them (outputs, execution counts, execution metadata) and with its canonical
  metadata, as ``nbstripout`` would. Notebooks elsewhere (an analyst's own copies) are
  saved untouched, outputs included.

Nothing in the package writes the templates: what an analyst saves stays. Standard
library only (the models are plain dicts of the Jupyter contents API).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

__all__ = [
    "CANONICAL_METADATA",
    "TEMPLATES_DIR",
    "as_served",
    "is_template",
    "kernel_language_info",
    "strip_template",
]

#: Folder of the notebook templates shipped in the package.
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "notebooks"

#: Notebook metadata of a stored template (what the repository holds).
CANONICAL_METADATA: dict[str, Any] = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}

#: Cell metadata JupyterLab or the kernel adds while running (nbstripout's list).
_RUN_CELL_METADATA = ("collapsed", "scrolled", "execution", "ExecuteTime", "hidden")
#: Notebook metadata left by widgets or signatures.
_RUN_NOTEBOOK_METADATA = ("widgets", "signature")


def is_template(path: str | Path, *, templates_dir: Path = TEMPLATES_DIR) -> bool:
    """True for a notebook file directly inside the templates folder."""
    file = Path(path).resolve()
    return file.suffix == ".ipynb" and file.parent == templates_dir.resolve()


def kernel_language_info(python_version: str) -> dict[str, Any]:
    """The ``language_info`` ipykernel reports for a Python of this version (``"3.11.7"``)."""
    major = int(python_version.split(".")[0])
    return {
        "codemirror_mode": {"name": "ipython", "version": major},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": f"ipython{major}",
        "version": python_version,
    }


def as_served(
    model: dict[str, Any],
    path: str | Path,
    *,
    kernel_display_name: str,
    python_version: str,
    templates_dir: Path = TEMPLATES_DIR,
) -> dict[str, Any]:
    """The model of a template as sent to JupyterLab: the kernel's metadata already in.

    Parameters
    ----------
    model
        A contents-API model (``{"type": "notebook", "content": {...}, ...}``).
    path
        The file on disk.
    kernel_display_name
        Display name of the ``python3`` kernel JupyterLab will start.
    python_version
        Version of that kernel's Python (``platform.python_version()``).
    templates_dir
        Folder of the templates.

    Returns
    -------
    dict
        ``model``, changed in place for a template with content; other models unchanged.
    """
    content = model.get("content")
    if model.get("type") != "notebook" or not isinstance(content, dict):
        return model
    if not is_template(path, templates_dir=templates_dir):
        return model
    metadata = content.setdefault("metadata", {})
    metadata["kernelspec"] = {
        "display_name": kernel_display_name,
        "language": "python",
        "name": "python3",
    }
    metadata["language_info"] = kernel_language_info(python_version)
    return model


def strip_template(
    model: dict[str, Any], path: str | Path, *, templates_dir: Path = TEMPLATES_DIR
) -> bool:
    """The ``pre_save_hook``: a template is saved without outputs; returns True if stripped.

    Outputs, execution counts and run metadata of every code cell are removed, and the
    notebook metadata set back to :data:`CANONICAL_METADATA` (other keys kept). A
    notebook outside ``templates_dir`` is left as it is, outputs included.
    """
    content = model.get("content")
    if model.get("type") != "notebook" or not isinstance(content, dict):
        return False
    if not is_template(path, templates_dir=templates_dir):
        return False
    for cell in content.get("cells", []):
        metadata = cell.get("metadata", {})
        for key in _RUN_CELL_METADATA:
            metadata.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    metadata = content.setdefault("metadata", {})
    for key in _RUN_NOTEBOOK_METADATA:
        metadata.pop(key, None)
    metadata.update(copy.deepcopy(CANONICAL_METADATA))
    return True
