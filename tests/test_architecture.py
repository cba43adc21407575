"""The package's layers: imports go one way, no cycle, no private name crosses a module.

Every import statement of every module of ``src/ctgstats`` counts, including imports made
inside functions and under ``TYPE_CHECKING``: a lazy import hides a cycle, it does not
remove it. No kernel, no import of ctgstats: the modules are parsed with :mod:`ast`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ctgstats"

#: Layers, lowest first: a module may import its own layer and the layers before it.
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
#: Packages outside the stack, with the layers they may import.
SIDE_PACKAGES = {"demo": ("core", "data", "demo")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(node: ast.ImportFrom, current: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = current.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, str, int]]:
    """``(imported module, imported name or '', line)`` for every ctgstats import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                (a.name, "", node.lineno) for a in node.names if a.name.startswith("ctgstats")
            ]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, name, path.name == "__init__.py")
            if not target.startswith("ctgstats"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append(
                    (sub, "", node.lineno) if sub in known else (target, alias.name, node.lineno)
                )
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for target, _, _ in imports_of(name, path, known):
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in known and target != name:
                edges[name].add(target)
    return edges


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return cycles


def test_the_cycle_finder_finds_a_lazy_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(edges) == [["a", "b", "c"]]


def test_no_import_cycle_between_ctgstats_modules():
    cycles = find_cycles(graph())
    assert not cycles, "import cycles (lazy imports included): " + "; ".join(
        " ↔ ".join(c) for c in cycles
    )


def test_every_subpackage_is_a_known_layer():
    layers = {layer_of(m) for m in modules()} - {None}
    assert layers <= set(LAYERS) | set(SIDE_PACKAGES), layers - set(LAYERS) - set(SIDE_PACKAGES)


def test_imports_go_down_the_layers():
    wrong = []
    for module, targets in graph().items():
        layer = layer_of(module)
        if layer is None:
            wrong += [f"ctgstats/__init__ imports {t}" for t in targets]
            continue
        allowed = (
            SIDE_PACKAGES[layer] if layer in SIDE_PACKAGES else LAYERS[: LAYERS.index(layer) + 1]
        )
        for target in targets:
            if target == "ctgstats":  # __version__
                continue
            if layer_of(target) not in allowed:
                wrong.append(f"{module} → {target}")
    assert not wrong, "imports that go up the layers: " + "; ".join(sorted(wrong))


def test_no_private_name_is_imported_from_another_module():
    mods = modules()
    known = set(mods)
    wrong = [
        f"{name}:{line} imports {target}.{imported}"
        for name, path in mods.items()
        for target, imported, line in imports_of(name, path, known)
        if imported.startswith("_") and imported != "__version__"
    ]
    assert not wrong, "private names imported across modules: " + "; ".join(wrong)
