"""Package names: what a spec's file name (or the package option) becomes on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import cli

TINY = {
    "openapi": "3.0.3",
    "info": {"title": "Tiny", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"204": {"description": "done"}}}}},
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_same_spec_under_two_names_gives_two_packages(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The package cache's key holds the spec's file name: two copies of one spec
    once got the first one's package (a cache hit), and the run failed."""
    for name in ("first.yaml", "second.yaml"):
        (workdir / name).write_text(json.dumps(TINY), encoding="utf-8")
    assert cli.main(["generate", "first.yaml", "second.yaml", "--out", "out"]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (workdir / "out").iterdir()) == ["first", "second"]
    header = (workdir / "out" / "second" / "client.py").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith("/second.yaml. Do not edit.")
