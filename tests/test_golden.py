"""Golden files: what the generator writes, compared byte for byte.

Two kinds: the checked-in ``generated/`` for every spec in ``spec/``, and
``tests/golden/<case>/`` for small fixture specs (``<case>/<case>.yaml`` in,
``<case>/expected/`` out). Refresh them all with ``UPDATE_GOLDEN=1 pytest
tests/test_golden.py`` (or ``specgen generate`` for ``generated/``).

A case's ``expected/`` holds no ``_runtime/`` but in one case (see
golden_runtime.py); a test checks that copy against ``generator/runtime/``.

Each is generated with its configuration: the repository's ``[tool.specgen]``
for ``generated/``, and a case's own ``<case>/pyproject.toml`` if it has one
(its ``allow-env``: the environment variables its spec may name).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import GOLDEN, ROOT, SPECS
from generator.commands.config import load_config, parse_section
from generator.pipeline import generate_package
from golden_runtime import RUNTIME, RUNTIME_CASE, assemble, header_of, runtime_files, without_runtime
from generator.write.stage import diff, read_package, write_packages

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
REFRESH = "UPDATE_GOLDEN=1 pytest tests/test_golden.py"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()) if GOLDEN.is_dir() else []


def _compare(expected_root: Path, files: dict[str, str], package: str, refresh: str) -> None:
    if UPDATE:
        write_packages(expected_root, files)
    on_disk = read_package(expected_root, package)
    diffs = diff(files, on_disk)
    if diffs:
        shown = "\n".join(diffs)
        if len(shown) > 20_000:
            shown = shown[:20_000] + "\n... (diff cut)"
        pytest.fail(f"{len(diffs)} file(s) differ from the golden copy:\n{shown}\nTo refresh: {refresh}", pytrace=False)


def _repo_allow_env(spec: Path) -> frozenset[str]:
    config = load_config(ROOT)
    entry = config.entry_for(spec)
    return entry.allow_env if entry is not None else config.allow_env


def _case_allow_env(folder: Path) -> frozenset[str]:
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return frozenset()
    section = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["specgen"]
    return parse_section(section, folder, str(pyproject)).allow_env


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_generated_is_fresh(spec: Path) -> None:
    result = generate_package(spec, allow_env=_repo_allow_env(spec))
    _compare(ROOT / "generated", result.files, result.package, f"specgen generate (or {REFRESH})")


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str) -> None:
    folder = GOLDEN / case
    specs = sorted(folder.glob(f"{case}.*"))
    assert len(specs) == 1, f"{folder} must hold exactly one spec named {case}.yaml"
    result = generate_package(specs[0], allow_env=_case_allow_env(folder))
    assert result.package == case
    _compare(folder / "expected", without_runtime(result.files, case), result.package, REFRESH)


def test_the_kept_runtime_copy_is_the_runtime_with_its_header() -> None:
    package = GOLDEN / RUNTIME_CASE / "expected" / RUNTIME_CASE
    kept = {
        p.relative_to(package).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((package / RUNTIME).iterdir())
        if p.name != "__pycache__"
    }
    assert kept == runtime_files(header_of(package)), f"the runtime changed: {REFRESH}"


def test_the_golden_packages_own_tests_pass_with_the_runtime_put_back(tmp_path: Path) -> None:
    """Each package's generated tests (``<case>/tests/``), run on a copy with its runtime."""
    for case in CASES:
        assemble(case, tmp_path / case)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1]


def test_the_other_cases_hold_no_runtime() -> None:
    for case in CASES:
        if case != RUNTIME_CASE:
            assert not (GOLDEN / case / "expected" / case / RUNTIME).exists(), f"{case}: {REFRESH}"


def test_golden_cases_exist() -> None:
    assert CASES, "tests/golden/ has no cases"
    for case in CASES:
        leftovers = sorted(p.name for p in (GOLDEN / case / "expected").iterdir() if p.name != case)
        assert not leftovers, f"stale golden output in {case}/expected: {leftovers}; delete them"


def test_every_file_has_the_header() -> None:
    for spec in SPECS:
        for path, text in generate_package(spec, allow_env=_repo_allow_env(spec)).files.items():
            if path.endswith(".py"):
                first = text.splitlines()[0]
                assert first == f"# Generated by specgen from spec/{spec.name}. Do not edit.", path
                assert not any(ch.isdigit() for ch in first.replace(spec.name, "")), "no timestamp in the header"


def test_update_golden_writes_only_when_asked(tmp_path: Path) -> None:
    # The refresh path uses the same atomic writer as the CLI.
    spec = SPECS[0]
    result = generate_package(spec)
    write_packages(tmp_path, result.files)
    assert read_package(tmp_path, result.package) == result.files
    shutil.rmtree(tmp_path / result.package)
