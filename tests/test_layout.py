"""The layout is the pipeline: each stage is a folder of generator/, and imports
only go down the stages, never up, and never round in a circle.

The ranks below are the picture in docs/architecture.md. A module that lands
outside every listed place fails the test, so that a new module is placed on
purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parent.parent / "generator"

# Lower ranks are lower stages. Modules of one rank may import each other
# (within one folder), but not across folders of the same rank.
RANKS: dict[str, int] = {
    # the floor: what every stage may use
    "errors": 0,
    "options": 0,
    "store": 0,
    "paths": 0,
    "terminal": 0,
    "suggest": 0,
    "fsguard": 0,
    "children": 0,
    "killpoint": 0,
    "versions": 0,
    "patterns": 0,
    "workers": 0,
    "load": 1,
    "validate": 2,
    "ir": 3,
    "lint": 4,
    "render": 4,
    "format": 5,
    "write": 6,
    "pipeline": 7,
    "pipeline_types": 7,
    "commands": 8,
    "cli": 9,
    "__main__": 9,
    "__init__": 9,
}


def _place(module: tuple[str, ...]) -> str:
    """The rank key of a module given as parts below ``generator``."""
    return module[0] if module else "__init__"


def _modules() -> dict[tuple[str, ...], Path]:
    found = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        parts = path.relative_to(GENERATOR).with_suffix("").parts
        if parts[0] == "runtime":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[parts] = path
    return found


def _imports(module: tuple[str, ...], path: Path, known: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """The generator modules ``module`` imports (runtime excluded)."""
    package = module if path.name == "__init__.py" else module[:-1]  # () for generator itself
    out: set[tuple[str, ...]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = base + tuple(node.module.split(".") if node.module else ())
            elif node.module and node.module.split(".")[0] == "generator":
                target = tuple(node.module.split(".")[1:])
            else:
                continue
            names = [target + (alias.name,) for alias in node.names]
            modules = [name for name in names if name in known] or [target]
            out.update(modules)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bits = alias.name.split(".")
                if bits[0] == "generator":
                    out.add(tuple(bits[1:]))
    return {m for m in out if m and m[0] != "runtime" and m != module}


@pytest.fixture(scope="module")
def graph() -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    modules = _modules()
    known = set(modules)
    return {module: _imports(module, path, known) for module, path in modules.items()}


def test_every_module_has_a_place(graph: dict[tuple[str, ...], set[tuple[str, ...]]]) -> None:
    unplaced = sorted(".".join(m) for m in graph if _place(m) not in RANKS)
    assert not unplaced, f"modules outside every stage (add them to RANKS, or move them): {unplaced}"


def upward_imports(graph: dict[tuple[str, ...], set[tuple[str, ...]]]) -> list[str]:
    """Each import from a stage to the same rank's other folder or a higher one."""
    upward = []
    for module, targets in graph.items():
        for target in targets:
            here, there = _place(module), _place(target)
            if here == there or there not in RANKS or here not in RANKS:
                continue
            if RANKS[there] == RANKS[here] and len(module) == len(target) == 1:
                continue  # single modules of one rank (the floor; the spine): cycles are caught below
            if RANKS[there] >= RANKS[here]:
                upward.append(f"generator.{'.'.join(module)} imports generator.{'.'.join(target)}")
    return sorted(upward)


def cycles(graph: dict[tuple[str, ...], set[tuple[str, ...]]]) -> list[str]:
    """Each import cycle, found by a depth-first walk."""
    found: list[str] = []
    state: dict[tuple[str, ...], int] = {}  # 1: on the stack, 2: done
    stack: list[tuple[str, ...]] = []

    def visit(node: tuple[str, ...]) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                found.append(" -> ".join(".".join(m) for m in stack[stack.index(target) :]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_imports_go_down_the_stages(graph: dict[tuple[str, ...], set[tuple[str, ...]]]) -> None:
    upward = upward_imports(graph)
    assert not upward, "imports that do not go down the stages:\n" + "\n".join(upward)


def test_no_import_cycles(graph: dict[tuple[str, ...], set[tuple[str, ...]]]) -> None:
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(found)


def test_the_runtime_imports_nothing_of_the_generator() -> None:
    offending = []
    for path in sorted((GENERATOR / "runtime").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level > 1 or (node.module or "").startswith("generator")):
                offending.append(f"{path.name}:{node.lineno}")
    assert not offending, f"the runtime is copied into packages alone; it cannot import the generator: {offending}"


def test_the_checks_can_fail() -> None:
    """A made-up upward import, a same-rank import across folders and a cycle are caught."""
    graph = {
        ("ir", "build"): {("format", "files")},
        ("format", "files"): {("ir", "build")},
        ("lint", "checks"): {("render", "package")},
        ("render", "package"): set(),
    }
    assert upward_imports(graph) == [
        "generator.ir.build imports generator.format.files",
        "generator.lint.checks imports generator.render.package",
    ]
    assert cycles(graph) == ["format.files -> ir.build"]
