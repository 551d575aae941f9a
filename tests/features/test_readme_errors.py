"""The generated README's Errors section tells the truth about the runtime.

Every exception class it names exists in the package, the tree it draws is
the real class hierarchy (each class listed under its direct base), and it
names every exception class the package exports (issue 18, item 5).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from ._specs import generated

ITEM = re.compile(r"^(?P<indent> *)- `(?P<name>\w+)`: ")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, str]]:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Errors", "version": "1"},
        "paths": {"/things": {"get": {"operationId": "listThings", "responses": {"200": {"description": "ok"}}}}},
    }
    root = tmp_path_factory.mktemp("readme_errors")
    for module, _warnings in generated(root, "readme_errors", document):
        yield module, (root / "out" / "readme_errors" / "README.md").read_text(encoding="utf-8")


def _section(readme: str) -> str:
    return readme.split("\n## Errors\n", 1)[1].split("\n## ", 1)[0]


def _exceptions(module: ModuleType) -> set[str]:
    return {
        name
        for name in module.__all__
        if isinstance(getattr(module, name), type) and issubclass(getattr(module, name), BaseException)
    }


def test_the_error_tree_is_the_class_hierarchy(package: tuple[ModuleType, str]) -> None:
    module, readme = package
    items = [m for m in map(ITEM.match, _section(readme).splitlines()) if m]
    assert items, "the Errors section lists no classes"
    stack: list[type] = []
    for item in items:
        depth, rest = divmod(len(item["indent"]), 2)
        assert rest == 0 and depth <= len(stack), item.group(0)
        cls = getattr(module, item["name"])
        del stack[depth:]
        if stack:
            assert stack[-1] in cls.__bases__, f"{cls.__name__} is listed under {stack[-1].__name__}, not its base"
        else:
            assert not stack and item is items[0], f"{cls.__name__} is a second root: the list is not a tree"
        stack.append(cls)
    listed = [item["name"] for item in items]
    assert len(listed) == len(set(listed))
    assert set(listed) == _exceptions(module)


def test_the_catch_all_base_catches_everything(package: tuple[ModuleType, str]) -> None:
    module, readme = package
    assert "Every exception the client raises is a `SpecgenError`" in readme
    for name in _exceptions(module):
        assert issubclass(getattr(module, name), module.SpecgenError), name


def test_every_class_the_readme_names_exists(package: tuple[ModuleType, str]) -> None:
    module, readme = package
    named = set(re.findall(r"`(\w+(?:Error|Exception))`", readme))
    assert {"ApiError", "SpecgenError", "ApiConnectionError"} <= named
    assert named <= _exceptions(module) | {"TypeError", "ValueError"}, named - _exceptions(module)

