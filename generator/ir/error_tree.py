"""The runtime's exception classes as a tree, for the generated README.

Read from the runtime's own source (class statements and the first sentence
of each docstring), so the README names exactly the classes a package
exports and says truly which one catches which.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from .nodes import Code, ErrorClass
from .naming import Identifier
from ..paths import RUNTIME_DIR

_ROOT = "SpecgenError"
_memo: dict[bytes, tuple[ErrorClass, ...]] = {}


def error_tree(exported: Iterable[str]) -> tuple[ErrorClass, ...]:
    """The exported exception classes, depth first from the base, siblings by name."""
    names = frozenset(exported)
    sources = [path.read_bytes() for path in sorted(RUNTIME_DIR.glob("*.py"))]
    key = b"\0".join([*sources, *sorted(n.encode() for n in names)])
    found = _memo.get(key)
    if found is None:
        found = _memo[key] = _tree(_classes(sources), names)
    return found


def _classes(sources: Iterable[bytes]) -> dict[str, tuple[str, str]]:
    """Each class that subclasses another by name: its first base named here, and its summary."""
    found: dict[str, tuple[str, str]] = {}
    for source in sources:
        if b"Error" not in source:
            continue
        for node in ast.parse(source).body:
            if isinstance(node, ast.ClassDef):
                bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
                found[node.name] = (bases[0] if bases else "", _summary(ast.get_docstring(node) or ""))
    return found


def _summary(doc: str) -> str:
    """The docstring's first sentence, on one line (the runtime's own text, not the spec's)."""
    text = " ".join(doc.split("\n\n")[0].split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _tree(classes: dict[str, tuple[str, str]], exported: frozenset[str]) -> tuple[ErrorClass, ...]:
    children: dict[str, list[str]] = {}
    for name, (base, _doc) in classes.items():
        children.setdefault(base, []).append(name)
    out: list[ErrorClass] = []

    def visit(name: str, depth: int) -> None:
        out.append(ErrorClass(Identifier(name), Code("  " * depth), Code(classes[name][1].replace("``", "`"))))
        for child in sorted(children.get(name, ())):
            if child in exported:
                visit(child, depth + 1)

    if _ROOT in classes and _ROOT in exported:
        visit(_ROOT, 0)
    return tuple(out)
