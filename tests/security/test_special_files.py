"""FIFOs, devices and other special files: refused with exit 2, never opened blocking (issue 15, defect 6).

A FIFO opened for reading blocks until a writer comes, so every run here is a
subprocess with a time limit: a hang fails the test instead of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ._fs_support import SPEC, SPEC_WITH_REF, write
from ._support import run_cli

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")

LIMIT = 30  # seconds: a guard against the hang under test, not a speed assertion
FIFO_MESSAGE = "is a FIFO (named pipe), not a regular file"


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))


def fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", ["generate", "check", "lint"])
def test_a_fifo_named_as_the_spec(tmp_path: Path, command: str) -> None:
    fifo(tmp_path / "spec" / "api.yaml")
    extra = ["--out", "out", "--jobs", "1"] if command != "lint" else []
    done = run_cli(command, "spec/api.yaml", *extra, cwd=tmp_path, timeout=LIMIT)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"spec/api.yaml: /: {FIFO_MESSAGE}; a spec must be a regular file\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["generate", "check"])
def test_a_fifo_configured_as_the_spec(tmp_path: Path, command: str) -> None:
    fifo(tmp_path / "spec" / "api.yaml")
    write(tmp_path / "pyproject.toml", '[tool.specgen]\nout = "out"\n\n[[tool.specgen.specs]]\npath = "spec/api.yaml"\n')
    done = run_cli(command, "--jobs", "1", cwd=tmp_path, timeout=LIMIT)
    assert done.returncode == 2, done.stderr
    assert FIFO_MESSAGE in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_fifo_as_a_ref_target(tmp_path: Path) -> None:
    write(tmp_path / "spec" / "api.yaml", SPEC_WITH_REF % "common.yaml")
    fifo(tmp_path / "spec" / "common.yaml")
    done = run_cli("generate", "spec/api.yaml", "--out", "out", "--jobs", "1", cwd=tmp_path, timeout=LIMIT)
    assert done.returncode == 2, done.stderr
    assert "$ref to common.yaml, which is a FIFO (named pipe), not a regular file" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_named_as_the_spec_is_not_read(tmp_path: Path) -> None:
    done = run_cli("generate", "/dev/zero", "--out", "out", "--jobs", "1", cwd=tmp_path, timeout=LIMIT)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "/dev/zero: /: is a device, not a regular file; a spec must be a regular file\n"


@pytest.mark.parametrize("command", ["generate", "check", "check --diff"])
def test_a_fifo_inside_a_package(tmp_path: Path, command: str) -> None:
    write(tmp_path / "spec" / "api.yaml", SPEC)
    args = ["spec/api.yaml", "--out", "out", "--jobs", "1"]
    assert run_cli("generate", *args, cwd=tmp_path, timeout=LIMIT).returncode == 0
    fifo(tmp_path / "out" / "api" / "pipe.txt")
    done = run_cli(*command.split(), *args, cwd=tmp_path, timeout=LIMIT)
    if command == "generate":
        assert done.returncode == 2, done.stderr
        assert "out/api/pipe.txt (a FIFO (named pipe)): not something specgen writes" in done.stderr
        assert (tmp_path / "out" / "api" / "pipe.txt").exists(), "not removed"
    else:
        assert done.returncode == 4, done.stderr
        assert "out/api/pipe.txt: a FIFO (named pipe); specgen writes none (not read)" in done.stdout


def test_a_fifo_as_the_changelog(tmp_path: Path) -> None:
    write(tmp_path / "spec" / "api.yaml", SPEC)
    args = ["spec/api.yaml", "--out", "out", "--jobs", "1"]
    assert run_cli("generate", *args, cwd=tmp_path, timeout=LIMIT).returncode == 0
    (tmp_path / "spec" / "api.yaml").write_text(SPEC + "                  age: {type: integer}\n")
    fifo(tmp_path / "CHANGELOG.md")
    models = (tmp_path / "out" / "api" / "models.py").read_text()
    done = run_cli("generate", *args, "--changelog", "CHANGELOG.md", cwd=tmp_path, timeout=LIMIT)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"specgen generate: CHANGELOG.md {FIFO_MESSAGE}\n"
    assert (tmp_path / "out" / "api" / "models.py").read_text() == models, "nothing written"


def test_watch_does_not_open_a_fifo_named_as_the_spec(tmp_path: Path) -> None:
    """watch works out its inputs from the spec's text: never from a FIFO's."""
    pipe = fifo(tmp_path / "api.yaml")
    code = (
        "import sys; from pathlib import Path; from generator.commands.watch_loop import inputs_for, snapshot\n"
        f"inputs = inputs_for([Path({str(pipe)!r})], None, None)\n"
        "snapshot(inputs); print(len(inputs.files))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=LIMIT, cwd=Path(__file__).parents[2]
    )
    assert done.returncode == 0 and done.stdout == "1\n", done.stderr
