"""The CLI people use: help, summaries, --quiet/--verbose, progress, colour, exit codes."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import GOLDEN, ROOT, run_specgen
from generator.cli import EXIT_CODES

from .conftest import PACKAGE, SEED, CliRunner, make_repo, run_on_terminal

COMMANDS = ("generate", "check", "diff", "lint", "init")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(tmp_path: Path, cli: CliRunner, command: str) -> None:
    result = cli(command, "--help", cwd=tmp_path)
    assert result.code == 0
    assert f"usage: specgen {command}" in result.out
    assert "examples:" in result.out and f"specgen {command}" in result.out.split("examples:")[1]


def test_top_level_help_lists_commands_and_exit_codes(tmp_path: Path, cli: CliRunner) -> None:
    result = cli("--help", cwd=tmp_path)
    for command in COMMANDS:
        assert command in result.out
    assert "exit codes:" in result.out and "4  check: a generated file was edited by hand" in result.out


def test_readme_documents_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text()
    table = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", readme, flags=re.M))
    documented = {int(code) for code in re.findall(r"^  (\d)  ", EXIT_CODES, flags=re.M)}
    assert documented == {0, 1, 2, 3, 4, 5}
    assert {int(code) for code in table} >= documented
    assert "hand" in table["4"] and "breaking" in table["5"]


def test_generate_summary_counts_new_changed_and_unchanged(repo: Path, cli: CliRunner) -> None:
    first = cli("generate", cwd=repo)
    total = sum(1 for p in (repo / "generated" / PACKAGE).rglob("*") if p.is_file())
    assert re.fullmatch(
        rf"specgen: wrote {total} files \({total} new, 0 changed\), 0 unchanged, 0 removed; "
        r"1 package in generated/ in \d+\.\d\ds\n",
        first.out,
    ), first.out
    models = repo / "generated" / PACKAGE / "models.py"
    inode = models.stat().st_ino
    second = cli("generate", cwd=repo)
    assert f"wrote 0 files (0 new, 0 changed), {total} unchanged, 0 removed" in second.out
    assert models.stat().st_ino == inode  # nothing rewritten
    spec = repo / "spec" / SEED.name
    spec.write_text(spec.read_text().replace("The API version used to start a new TwiML session.", "Changed."))
    stray = repo / "generated" / PACKAGE / "stray.txt"
    stray.write_text("x")
    # A file specgen did not write is never removed (test_symlinks.py has the rest).
    refused = cli("generate", cwd=repo)
    assert refused.code == 2 and f"generated/{PACKAGE}/stray.txt: not written by specgen" in refused.err
    assert stray.read_text() == "x" and models.stat().st_ino == inode
    # One an older generation wrote (its manifest lists it) is removed.
    manifest = repo / "generated" / PACKAGE / "_specgen.json"
    data = json.loads(manifest.read_text())
    data["files"]["stray.txt"] = hashlib.sha256(b"x").hexdigest()
    manifest.write_text(json.dumps(data))
    third = cli("generate", cwd=repo)
    # models.py and the manifest change; the file no longer generated goes.
    assert f"wrote 2 files (0 new, 2 changed), {total - 2} unchanged, 1 removed" in third.out
    assert not stray.exists()


def test_quiet_and_verbose(repo: Path, cli: CliRunner) -> None:
    verbose = cli("generate", "--verbose", cwd=repo)
    assert f"  new       generated/{PACKAGE}/models.py" in verbose.out
    assert f"spec/{SEED.name} -> generated/{PACKAGE}" in verbose.out
    quiet = cli("generate", "-q", cwd=repo)
    assert quiet.code == 0 and quiet.out == "" and quiet.err == ""
    assert cli("check", "-q", cwd=repo).out == ""
    both = cli("generate", "-q", "-v", cwd=repo)
    assert both.code == 2 and "not allowed with" in both.err


def test_progress_only_on_a_terminal(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", None)
    shutil.copy(GOLDEN / "widgets" / "widgets.yaml", repo / "spec" / "widgets.yaml")
    code, terminal, stdout = run_on_terminal(["generate"], repo, {"TERM": "xterm"}, stream="stderr")
    assert code == 0, terminal
    assert "[1/2] spec/twilio_trunking_v1.yaml" in terminal and "[2/2] spec/widgets.yaml" in terminal
    assert "\r\033[K" in terminal  # the line is cleared before the summary
    assert "wrote" in stdout and "[1/2]" not in stdout
    piped = run_specgen("check", cwd=repo, env={"TERM": "xterm"})
    assert piped.returncode == 0, piped.stderr
    assert "[1/2]" not in piped.stderr and "\r" not in piped.stderr


def test_usage_errors_exit_2(tmp_path: Path, cli: CliRunner) -> None:
    assert cli("frobnicate", cwd=tmp_path).code == 2
    assert cli("generate", "--line-length", "x", cwd=tmp_path).code == 2
    result = cli("generate", str(SEED), "--line-length", "5", cwd=tmp_path)
    assert result.code == 2 and "--line-length: expected 20 to 400, got 5" in result.err
    nothing = cli("generate", cwd=tmp_path)
    assert nothing.code == 2 and "no specs given and none found" in nothing.err
