"""Fixtures for the workflow tests: temporary user repos driven through the real CLI.

Most tests call ``generator.cli.main`` in-process (fast, same code path as the
``specgen`` command); the few that need a real terminal, a pipe or the
``python -m generator`` entry point use ``conftest.run_specgen`` in a subprocess.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT
from generator.cli import main

SEED = ROOT / "spec" / "twilio_trunking_v1.yaml"
PACKAGE = "twilio_trunking_v1"


@dataclass
class Run:
    code: int
    out: str
    err: str


CliRunner = Callable[..., Run]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """``cli("generate", cwd=repo)``: run specgen in-process in ``cwd``."""
    monkeypatch.delenv("NO_COLOR", raising=False)

    def run(*args: str, cwd: Path) -> Run:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help, usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def make_repo(root: Path, pyproject: str | None = None, spec: Path | None = SEED) -> Path:
    """A user's repository: .git (bounds the pyproject.toml search), spec/, pyproject.toml."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".git").mkdir()
    if spec is not None:
        (root / "spec").mkdir()
        shutil.copy(spec, root / "spec" / spec.name)
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject)
    return root


DEFAULT_PYPROJECT = """\
[project]
name = "user-project"
version = "0.1.0"

[tool.specgen]
out = "generated"

[[tool.specgen.specs]]
path = "spec/twilio_trunking_v1.yaml"
allow-env = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]  # the seed's x-specgen-env names
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A user's repository with the seed spec configured in pyproject.toml (not generated yet)."""
    return make_repo(tmp_path / "repo", DEFAULT_PYPROJECT)


@pytest.fixture(scope="session")
def _seed_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``generated/`` for the seed spec, made once per session by the real CLI."""
    repo = make_repo(tmp_path_factory.mktemp("seed") / "repo", DEFAULT_PYPROJECT)
    before = Path.cwd()
    os.chdir(repo)
    try:
        assert main(["generate", "-q"]) == 0
    finally:
        os.chdir(before)
    return repo / "generated"


@pytest.fixture
def generated_repo(repo: Path, _seed_output: Path) -> Path:
    """``repo`` after ``specgen generate`` (a copy of one real run, to keep the tests fast)."""
    shutil.copytree(_seed_output, repo / "generated")
    return repo


def run_on_terminal(args: list[str], cwd: Path, env: dict[str, str], stream: str = "stdout") -> tuple[int, str, str]:
    """``python -m generator`` with ``stream`` (stdout or stderr) on a pseudo-terminal.

    Returns (exit code, what went to the terminal, what went to the other stream).
    """
    leader, follower = pty.openpty()
    other = subprocess.PIPE
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=follower if stream == "stdout" else other,
        stderr=follower if stream == "stderr" else other,
        stdin=subprocess.DEVNULL,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed (EIO) once the process ended
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    out, err = proc.communicate(timeout=60)
    piped = (err if stream == "stdout" else out) or b""
    return proc.returncode, b"".join(chunks).decode(), piped.decode()
