"""Shared fixtures and helpers for the generator's own tests."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "spec").glob("*.yaml"))
GOLDEN = ROOT / "tests" / "golden"
# The golden packages' own tests need their runtime put back: test_golden.py runs them so.
collect_ignore_glob = ["golden/*/expected/*"]


def tree_hash(root: Path) -> str:
    """One hash over every file name and byte under ``root`` (empty if absent)."""
    digest = hashlib.sha256()
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def run_specgen(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, as a user runs it."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every CLI run in the tests uses a fresh cache folder, never the user's."""
    os.environ["SPECGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("specgen-cache"))


@pytest.fixture
def tmp_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    return out


_RECURSION_LIMIT = sys.getrecursionlimit()


@pytest.fixture(autouse=True)
def _recursion_limit_restored() -> Iterator[None]:
    """Each test starts with the interpreter's recursion limit. mypy's API (used
    in-process by tests/runtime/test_typing.py) raises it to 16,384 and leaves it
    there; a later test validating a self-referencing `allOf` then recursed that
    deep before RecursionError and took the test process to ~8 GiB."""
    yield
    sys.setrecursionlimit(_RECURSION_LIMIT)
