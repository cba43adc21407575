"""The notebook templates stay thin, stripped and in step with the catalogue (no kernel).

The ``.ipynb`` files in ``ctgstats/notebooks`` are the source: an analyst edits them in
JupyterLab. They must be saved without outputs (``nbstripout``), start with one
``parameters`` cell whose defaults are the demo, and otherwise only import from ctgstats
and call it: every computation lives in the library, where it is tested.
"""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from ctgstats.core.notebooks import NOTEBOOKS
from ctgstats.core.params import parse_params

FOLDER = Path(str(resources.files("ctgstats") / "notebooks"))
TEMPLATES = sorted(FOLDER.glob("*.ipynb"))
DEMO = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "params" / "demo.yaml").read_text(encoding="utf-8")
)
#: Cell metadata nbstripout leaves in place.
KEPT_METADATA = {"tags"}
FORBIDDEN_TEXT = ("open(", "Path(", ".groupby", ".merge", "pd.", "read_csv", "read_excel")
FORBIDDEN_NODES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.For,
    ast.While,
    ast.If,
    ast.With,
    ast.Try,
    ast.Subscript,
    ast.BinOp,
    ast.Compare,
    ast.comprehension,
)


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _code(notebook: nbformat.NotebookNode) -> list[Any]:
    return [c for c in notebook.cells if c.cell_type == "code"]


def _parameters(notebook: nbformat.NotebookNode) -> dict[str, Any]:
    """The variables the parameters cell defines (it holds literals only)."""
    tree = ast.parse(_code(notebook)[0].source)
    values = {}
    for statement in tree.body:
        assert isinstance(statement, ast.Assign), ast.dump(statement)
        (target,) = statement.targets
        values[target.id] = ast.literal_eval(statement.value)
    return values


def _within(default: Any, demo: Any, where: str) -> None:
    """``default`` is ``demo`` or a part of it (lists of surveys matched by id)."""
    if isinstance(default, dict):
        assert isinstance(demo, dict), where
        for key, value in default.items():
            assert key in demo, f"{where}.{key} is not in params/demo.yaml"
            _within(value, demo[key], f"{where}.{key}")
    elif isinstance(default, list) and default and isinstance(default[0], dict):
        by_id = {entry["id"]: entry for entry in demo}
        for entry in default:
            assert entry["id"] in by_id, f"{where}: {entry['id']!r} is not a demo survey"
            _within(entry, by_id[entry["id"]], f"{where}[{entry['id']}]")
    else:
        assert default == demo, f"{where}: {default!r} differs from the demo's {demo!r}"


def test_every_catalogue_entry_has_a_template_and_back():
    assert sorted(p.stem for p in TEMPLATES) == sorted(spec.name for spec in NOTEBOOKS)
    assert all(spec.template == f"{spec.name}.ipynb" for spec in NOTEBOOKS)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_template_is_stripped(path):
    notebook = _read(path)
    for cell in notebook.cells:
        assert not cell.get("outputs"), f"{path.name}: outputs saved (run nbstripout)"
        assert cell.get("execution_count") is None, f"{path.name}: execution count saved"
        assert set(cell.metadata) <= KEPT_METADATA, f"{path.name}: {dict(cell.metadata)}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_template_has_one_parameters_cell_with_the_demo_defaults(path):
    notebook = _read(path)
    code = _code(notebook)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged 'parameters'"
    assert tagged[0] is code[0], "the parameters cell is the first code cell"
    values = _parameters(notebook)
    assert isinstance(values.get("params"), dict)
    _within(values["params"], DEMO, "params")
    parsed = parse_params(values["params"], source=path.name)
    if "survey_id" in values:
        assert values["survey_id"] in {s.id for s in parsed.surveys}
    assert "params_file" in values and values["params_file"] is None, path.name


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_template_passes_its_params_file_to_the_library(path):
    """Setting ``params_file`` in the parameters cell is the only edit a real run needs."""
    calls = [
        node
        for cell in _code(_read(path))[1:]
        for node in ast.walk(ast.parse(cell.source))
        if isinstance(node, ast.Call)
    ]
    passing = [
        call
        for call in calls
        if any(
            k.arg == "params_file" and isinstance(k.value, ast.Name) and k.value.id == "params_file"
            for k in call.keywords
        )
    ]
    assert len(passing) == 1, f"{path.name}: params_file=params_file passed {len(passing)} times"
    assert [ast.unparse(a) for a in passing[0].args][:1] == ["params"]


def _check_calls_only(source: str, known: set[str]) -> None:
    """Imports from ctgstats, and calls into them; ``known`` grows with assigned names."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        assert not isinstance(node, FORBIDDEN_NODES), f"{type(node).__name__} in {source!r}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert "/" not in node.value and "." not in node.value, f"path in {source!r}"
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            module = statement.module if isinstance(statement, ast.ImportFrom) else None
            names = [module] if module else [alias.name for alias in statement.names]
            assert all(n.split(".")[0] == "ctgstats" for n in names), source
            known.update(alias.asname or alias.name.split(".")[0] for alias in statement.names)
            continue
        if isinstance(statement, ast.Assign):
            call = statement.value
            targets = statement.targets[0]
            names = targets.elts if isinstance(targets, ast.Tuple) else [targets]
            assert all(isinstance(n, ast.Name) for n in names), source
        else:
            assert isinstance(statement, ast.Expr), f"{ast.dump(statement)} in {source!r}"
            call = statement.value
            names = []
        assert isinstance(call, ast.Call), f"not a call: {ast.unparse(call)}"
        root = call.func
        while isinstance(root, ast.Attribute):
            root = root.value
        assert isinstance(root, ast.Name) and root.id in known | {"display"}, ast.unparse(call)
        for argument in [*call.args, *(k.value for k in call.keywords)]:
            for leaf in ast.walk(argument):
                if isinstance(leaf, ast.Name):
                    assert leaf.id in known, f"{leaf.id} in {ast.unparse(call)}"
        known.update(n.id for n in names)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_template_only_imports_and_calls_ctgstats(path):
    notebook = _read(path)
    code = _code(notebook)
    known = set(_parameters(notebook))
    for cell in code[1:]:
        for text in FORBIDDEN_TEXT:
            assert text not in cell.source, f"{path.name}: {text!r} in {cell.source!r}"
        _check_calls_only(cell.source, known)


@pytest.mark.parametrize(
    "source",
    [
        "import pandas as pd",
        "def f():\n    return 1",
        "class A:\n    pass",
        "frame = views.table(portrait).groupby('x')",
        "x = 1 + 2",
        "views.header(open('data.csv'))",
        "views.header(undefined_name)",
    ],
)
def test_the_check_refuses_wrangling(source):
    with pytest.raises(AssertionError):
        for text in FORBIDDEN_TEXT:
            assert text not in source
        _check_calls_only(source, {"views", "portrait"})
