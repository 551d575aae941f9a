"""The package cache's key holds everything that shapes a package (issue 15, defect 7).

Two specs with the same bytes differ in what their file names make: the
package's name, the manifest's and the headers' source, the warnings' paths.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from generator import cli, pipeline

SPEC = """openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /items:
    get:
      operationId: listItems
      responses:
        '200': {description: ok}
"""


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A fresh cache, and the specs each run had to generate (the cache's misses)."""
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    misses: list[str] = []
    real = pipeline.generate_package

    def counting(spec_path: object, *args: object, **kwargs: object) -> pipeline.Generated:
        misses.append(str(spec_path))
        return real(spec_path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "generate_package", counting)
    return misses


def generate(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = cli.main(["generate", *args, "--jobs", "1"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.err


def test_the_spec_file_name_is_part_of_the_key(tmp_path: Path, cached: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "alpha.yaml").write_text(SPEC)
    (tmp_path / "beta.yaml").write_text(SPEC)
    generate(capsys, "alpha.yaml", "--out", "gen1")
    generate(capsys, "beta.yaml", "--out", "gen2")
    assert sorted(p.name for p in (tmp_path / "gen2").iterdir()) == ["beta"]
    manifest = json.loads((tmp_path / "gen2" / "beta" / "_specgen.json").read_text())
    assert manifest["package"] == "beta" and manifest["spec"]["source"].endswith("/beta.yaml")
    assert cached == ["alpha.yaml", "beta.yaml"]
    generate(capsys, "beta.yaml", "--out", "gen3")
    assert cached == ["alpha.yaml", "beta.yaml"], "the same spec again: a hit"


def test_warnings_name_the_spec_as_given(tmp_path: Path, cached: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "api.yaml").write_text(SPEC)  # no servers: a warning
    first = generate(capsys, "spec/api.yaml", "--out", "gen")
    assert first.startswith("spec/api.yaml:1: /servers: warning:"), first
    absolute = str(tmp_path / "spec" / "api.yaml")
    second = generate(capsys, absolute, "--out", "gen")
    assert second.startswith(f"{absolute}:1: /servers: warning:"), second


def test_the_interpreter_is_part_of_the_key(
    tmp_path: Path, cached: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names avoid the interpreter's builtins and soft keywords (ir/naming.py): another
    Python sharing the cache folder must not take this one's package."""
    (tmp_path / "api.yaml").write_text(SPEC)
    generate(capsys, "api.yaml", "--out", "gen")
    monkeypatch.setattr(sys, "version_info", (3, 99, 0, "final", 0))
    generate(capsys, "api.yaml", "--out", "gen")
    assert cached == ["api.yaml", "api.yaml"]
