"""The package's layers, read from the source: no cycle, no upward import, no private import.

Every module of ``src/ctgstats`` is parsed with :mod:`ast` and **every** import statement
counts: at module level, inside functions (lazy imports) and under ``TYPE_CHECKING``.
The layers, from the bottom::

    core → data → present → portrait → surveys → indicators → publish → pipeline → cli

A module imports only from its own layer or the layers below. ``ctgstats.demo`` (the
fictional data generators) imports only ``core`` and ``data``; the layers above ``data``
may use it. ``ctgstats/__init__.py`` defines only ``__version__``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src"
ROOT = "ctgstats"

LAYERS = (
    "core",
    "data",
    "present",
    "portrait",
    "surveys",
    "indicators",
    "publish",
    "pipeline",
    "cli",
)
# ``demo`` sits just above ``data``: it may import core and data, and what is above
# data may import it.
RANK = {name: float(index) for index, name in enumerate(LAYERS)} | {"demo": 1.5}


@dataclass(frozen=True)
class Import:
    """One import of a ctgstats module by another, where it is written."""

    source: str  # importing module
    target: str  # imported module
    names: tuple[str, ...]  # names taken with ``from target import ...``
    line: int

    def where(self, source_root: Path) -> str:
        return f"{_path_of(self.source, source_root)}:{self.line}"


# ------------------------------------------------------------------------ the graph


def _module_name(path: Path, source_root: Path) -> str:
    parts = list(path.relative_to(source_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _path_of(module: str, source_root: Path) -> str:
    base = source_root.joinpath(*module.split("."))
    path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    return path.relative_to(source_root.parent).as_posix()


def modules_of(source_root: Path, root: str = ROOT) -> dict[str, ast.Module]:
    """Every module of the package ``root`` under ``source_root``, parsed."""
    return {
        _module_name(path, source_root): ast.parse(
            path.read_text(encoding="utf-8"), filename=str(path)
        )
        for path in sorted((source_root / root).rglob("*.py"))
    }


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module name of a (possibly relative) ``from`` import."""
    if level == 0:
        return name or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports_of(modules: dict[str, ast.Module], root: str = ROOT) -> list[Import]:
    """Every import between modules of ``root``, wherever the statement stands."""
    packages = {name for name in modules if any(m.startswith(name + ".") for m in modules)}
    packages |= {name for name, tree in modules.items() if name == root}
    found: list[Import] = []
    for source, tree in modules.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == root or alias.name.startswith(root + "."):
                        found.append(Import(source, alias.name, (), node.lineno))
            elif isinstance(node, ast.ImportFrom):
                target = _absolute(source, source in packages, node.level, node.module)
                if target != root and not target.startswith(root + "."):
                    continue
                names = tuple(alias.name for alias in node.names)
                submodules = [f"{target}.{name}" for name in names if f"{target}.{name}" in modules]
                others = tuple(n for n in names if f"{target}.{n}" not in modules)
                for submodule in submodules:
                    found.append(Import(source, submodule, (), node.lineno))
                if others or not submodules:
                    found.append(Import(source, target, others, node.lineno))
    return found


def graph_of(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for edge in imports:
        if edge.source != edge.target:
            graph.setdefault(edge.source, set()).add(edge.target)
    return graph


def cycles_of(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``a → b → … → a``) per strongly connected component of the graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_one_cycle(graph, component) for component in components]


def _one_cycle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the first module of ``component`` (breadth-first)."""
    start = min(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in sorted(graph.get(node, set()) & component):
                if successor == start:
                    return [*paths[node], start]
                if successor not in paths:
                    paths[successor] = [*paths[node], successor]
                    following.append(successor)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover


# ----------------------------------------------------------------------- the rules


def layer_of(module: str, root: str = ROOT) -> str | None:
    """The layer of a module (``None`` for the root package itself)."""
    parts = module.split(".")
    if parts == [root]:
        return None
    return parts[1] if parts[1] in RANK else f"<{parts[1]}: in no layer>"


def upward_imports(imports: list[Import]) -> list[Import]:
    """Imports from a layer above the importer's (``demo``: only core and data)."""
    wrong = []
    for edge in imports:
        source, target = layer_of(edge.source), layer_of(edge.target)
        if source is None or target is None or source == target:
            continue
        if source == "demo":
            if target not in ("core", "data"):
                wrong.append(edge)
        elif RANK[target] > RANK[source]:
            wrong.append(edge)
    return wrong


def _private(names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name.startswith("_") and not name.startswith("__")]


def private_imports(imports: list[Import]) -> list[Import]:
    """``from x import _y`` of another module's private name.

    A private *submodule* (``from ctgstats.pipeline import _items``) may be imported by
    the modules of its own package.
    """
    wrong = []
    for edge in imports:
        if _private(edge.names):
            wrong.append(edge)
        leaf = edge.target.rsplit(".", 1)[-1]
        package = edge.target.rsplit(".", 1)[0]
        if (
            leaf.startswith("_")
            and not leaf.startswith("__")
            and not edge.source.startswith(package + ".")
        ):
            wrong.append(edge)
    return wrong


# ------------------------------------------------------------ the package as it is


@pytest.fixture(scope="module")
def package() -> tuple[dict[str, ast.Module], list[Import]]:
    modules = modules_of(SOURCE)
    return modules, imports_of(modules)


def test_the_package_is_found(package):
    modules, imports = package
    assert {"ctgstats", "ctgstats.core.errors", "ctgstats.cli"} <= set(modules)
    assert imports, "no import between ctgstats modules found"


def test_every_module_is_in_a_layer(package):
    modules, _ = package
    outside = sorted(m for m in modules if (layer_of(m) or "core").startswith("<"))
    assert outside == [], (
        f"modules in no layer (place them in one of {', '.join(LAYERS)} or demo): {outside}"
    )


def test_no_import_cycle(package):
    _, imports = package
    cycles = cycles_of(graph_of(imports))
    assert cycles == [], "import cycles (lazy imports included):\n" + "\n".join(
        " → ".join(cycle) for cycle in cycles
    )


def test_imports_go_down_the_layers(package):
    _, imports = package
    wrong = upward_imports(imports)
    assert wrong == [], (
        "upward imports ("
        + " → ".join(LAYERS)
        + "; demo: core, data):\n"
        + (
            "\n".join(
                f"{edge.where(SOURCE)}: {edge.source} ({layer_of(edge.source)}) imports "
                f"{edge.target} ({layer_of(edge.target)})"
                for edge in wrong
            )
        )
    )


def test_no_private_name_is_imported_from_another_module(package):
    _, imports = package
    wrong = private_imports(imports)
    assert wrong == [], "private names imported across modules:\n" + "\n".join(
        f"{edge.where(SOURCE)}: {edge.source} imports "
        f"{', '.join(_private(edge.names)) or edge.target} from {edge.target}"
        for edge in wrong
    )


def test_the_root_package_defines_only_its_version(package):
    modules, imports = package
    tree = modules[ROOT]
    assert [edge for edge in imports if edge.source == ROOT] == []
    defined = set()
    for node in tree.body:
        assert not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef), (
            f"ctgstats/__init__.py defines {node.name}"
        )
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                defined.add(sub.id)
    assert defined <= {"__version__", "__all__"}, sorted(defined)
    assert "__version__" in defined


# ------------------------------------------------------- the checks on made-up code


def _write(root: Path, files: dict[str, str]) -> tuple[dict[str, ast.Module], list[Import]]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    modules = modules_of(root)
    return modules, imports_of(modules)


def test_a_cycle_hidden_in_a_function_and_type_checking_is_found(tmp_path):
    _, imports = _write(
        tmp_path,
        {
            "ctgstats/__init__.py": "",
            "ctgstats/data/__init__.py": "",
            "ctgstats/data/cache.py": "def f():\n    from ctgstats.data import readers\n",
            "ctgstats/data/readers.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from .cache import Cache\n"
            ),
            "ctgstats/data/other.py": "import ctgstats.data.cache\n",
        },
    )
    assert cycles_of(graph_of(imports)) == [
        ["ctgstats.data.cache", "ctgstats.data.readers", "ctgstats.data.cache"]
    ]


def test_upward_lazy_import_and_demo_rule(tmp_path):
    _, imports = _write(
        tmp_path,
        {
            "ctgstats/__init__.py": "",
            "ctgstats/core/__init__.py": "",
            "ctgstats/core/params.py": "def f():\n    from ctgstats.data.catalog import x\n",
            "ctgstats/data/__init__.py": "",
            "ctgstats/data/catalog.py": "from ctgstats.core import params\n",
            "ctgstats/demo/__init__.py": "from ctgstats.present.formatting import y\n",
            "ctgstats/present/__init__.py": "",
            "ctgstats/present/formatting.py": "from ctgstats.demo import DATA_DIR\n",
        },
    )
    assert sorted((e.source, e.target) for e in upward_imports(imports)) == [
        ("ctgstats.core.params", "ctgstats.data.catalog"),
        ("ctgstats.demo", "ctgstats.present.formatting"),
    ]


def test_private_names_across_modules_are_found(tmp_path):
    _, imports = _write(
        tmp_path,
        {
            "ctgstats/__init__.py": "",
            "ctgstats/publish/__init__.py": "",
            "ctgstats/publish/export.py": "def _page(): ...\n",
            "ctgstats/publish/portal.py": (
                "from ctgstats import __version__\n"
                "from .export import _page, html\n"
                "from ctgstats.publish import _helpers\n"
            ),
            "ctgstats/publish/_helpers.py": "",
            "ctgstats/cli.py": "from ctgstats.publish import _helpers\n",
        },
    )
    assert sorted((e.source, e.target, e.names) for e in private_imports(imports)) == [
        ("ctgstats.cli", "ctgstats.publish._helpers", ()),
        ("ctgstats.publish.portal", "ctgstats.publish.export", ("_page", "html")),
    ]
