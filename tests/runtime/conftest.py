"""Fixtures shared by the runtime tests."""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from .fault_server import FaultServer

RUNTIME_DIR = Path(__file__).resolve().parents[2] / "generator" / "runtime"
SAMPLE_API = Path(__file__).resolve().parent / "sample_api.py"


def build_generated_package(root: Path, name: str) -> Path:
    """Lay out a package like the generator does: ``<name>/_runtime`` (a
    verbatim copy of the runtime) plus ``<name>/api.py`` (the sample API with
    the generated import style)."""
    package = root / name
    shutil.copytree(
        RUNTIME_DIR, package / "_runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    (package / "__init__.py").write_text('"""A generated package."""\n')
    source = SAMPLE_API.read_text()
    generated_import = "from . import _runtime as _rt"
    source = source.replace("import generator.runtime as _rt", generated_import)
    assert generated_import in source
    (package / "api.py").write_text(source)
    (package / "py.typed").write_text("")
    return package


@pytest.fixture(scope="session")
def generated_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The sample API imported from a generated-style package."""
    root = tmp_path_factory.mktemp("generated")
    name = "specgen_sample_pkg"
    build_generated_package(root, name)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(f"{name}.api")
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]


@pytest.fixture
def server() -> Iterator[FaultServer]:
    """A scripted HTTP server on 127.0.0.1 (see fault_server.py)."""
    with FaultServer() as instance:
        yield instance


@pytest.fixture
def other_server() -> Iterator[FaultServer]:
    """A second server, on another port, that should never be contacted."""
    with FaultServer() as instance:
        yield instance
