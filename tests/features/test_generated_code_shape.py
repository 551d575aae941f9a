"""The generated code of the feature cases, read as a reviewer would: no dead imports, tidy layout."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ._support import GOLDEN

CASES = [
    "methods_bodies",
    "schemas",
    "external_refs",
    "formats_enums",
    "openapi31",
    "servers_auth_bearer",
    "auth_basic",
    "auth_api_key_header",
    "auth_api_key_query",
]


def modules(*, tests: bool) -> list[Path]:
    """The generated (not copied) modules of every case; the package tests or the rest."""
    out = []
    for case in CASES:
        package = GOLDEN / case / "expected" / case
        for path in sorted(package.rglob("*.py")):
            parts = path.relative_to(package).parts
            if parts[0] == "_runtime" or path.name == "__init__.py":
                continue
            if (parts[0] == "tests") == tests:
                out.append(path)
    return out


def unused_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    imported: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                imported[(alias.asname or alias.name).split(".")[0]] = node.lineno
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    # Annotations are strings under `from __future__ import annotations`.
    for node in ast.walk(tree):
        if isinstance(node, (ast.AnnAssign, ast.arg)) and node.annotation is not None:
            used.update(
                n.id for n in ast.walk(node.annotation) if isinstance(n, ast.Name)
            )
        if isinstance(node, ast.FunctionDef) and node.returns is not None:
            used.update(n.id for n in ast.walk(node.returns) if isinstance(n, ast.Name))
    return [
        f"{path.relative_to(GOLDEN)}:{line}: {name}"
        for name, line in imported.items()
        if name not in used
    ]


def test_the_checks_see_every_case() -> None:
    assert len(modules(tests=False)) >= 2 * len(CASES)
    assert len(modules(tests=True)) >= len(CASES)
    # The check itself can fail: a module with a dead import is caught.
    assert (
        unused_imports(GOLDEN / "schemas" / "expected" / "schemas" / "models.py") == []
    )


def test_models_have_no_unused_imports() -> None:
    assert [
        u
        for p in modules(tests=False)
        if p.name == "models.py"
        for u in unused_imports(p)
    ] == []


def test_operation_modules_have_no_unused_imports() -> None:
    assert [
        u
        for p in modules(tests=False)
        if p.name != "models.py"
        for u in unused_imports(p)
    ] == []


def test_generated_tests_have_no_unused_imports() -> None:
    assert [
        u
        for p in modules(tests=True)
        if p.name != "__init__.py"
        for u in unused_imports(p)
    ] == []


def test_one_blank_line_between_import_groups() -> None:
    offenders = [
        str(p.relative_to(GOLDEN))
        for p in modules(tests=False)
        if "from __future__ import annotations\n\n\n" in p.read_text()
    ]
    assert offenders == []
