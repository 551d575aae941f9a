"""The real CLI, driven in subprocesses against temporary copies of the repo layout."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SPECS, run_specgen, tree_hash

SEED = ROOT / "spec" / "twilio_trunking_v1.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's project: spec/ with the seed spec and a generated/ from it, configured
    as this repository is for the seed's credentials (allow-env; see commands/config.py)."""
    (tmp_path / "spec").mkdir()
    shutil.copy(SEED, tmp_path / "spec" / SEED.name)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specgen]\nallow-env = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]\n', encoding="utf-8"
    )
    result = run_specgen("generate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_generate_then_check_is_clean(project: Path) -> None:
    result = run_specgen("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_generate_matches_checked_in_output(project: Path) -> None:
    assert tree_hash(project / "generated" / "twilio_trunking_v1") == tree_hash(
        ROOT / "generated" / "twilio_trunking_v1"
    )


def test_check_reports_a_hand_edit_with_a_diff(project: Path) -> None:
    models = project / "generated" / "twilio_trunking_v1" / "models.py"
    models.write_text(models.read_text().replace("class PhoneNumber(", "class PhoneNumbr("))
    result = run_specgen("check", "--diff", cwd=project)
    assert result.returncode == 4  # hand-edited: the file no longer matches its hash in _specgen.json
    assert "--- a/twilio_trunking_v1/models.py" in result.stdout
    assert "-class PhoneNumbr(_rt.Model):" in result.stdout
    assert "+class PhoneNumber(_rt.Model):" in result.stdout
    assert "specgen generate" in result.stderr


def test_check_reports_an_extra_file(project: Path) -> None:
    (project / "generated" / "twilio_trunking_v1" / "stray.py").write_text("x = 1\n")
    result = run_specgen("check", cwd=project)
    assert result.returncode == 4  # hand-edited: a file the manifest does not list
    assert "twilio_trunking_v1/stray.py" in result.stdout


def test_editing_one_description_changes_exactly_its_lines(project: Path) -> None:
    spec = project / "spec" / SEED.name
    old = "The API version used to start a new TwiML session."
    new = "The API version used for a new TwiML session."
    spec.write_text(spec.read_text().replace(old, new))
    result = run_specgen("check", "--diff", cwd=project)
    assert result.returncode == 1
    changed = [
        line
        for line in result.stdout.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [f'-    """{old}"""', f'+    """{new}"""']


def test_broken_spec_gives_located_error_and_changes_nothing(project: Path) -> None:
    spec = project / "spec" / SEED.name
    text = spec.read_text().replace("          in: path\n", "          in: pathway\n", 1)
    spec.write_text(text)
    before = tree_hash(project / "generated")
    result = run_specgen("generate", cwd=project)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines, "an error message is expected"
    line_no = text.splitlines().index("          in: pathway") + 1
    first = lines[0]
    assert first.startswith(f"spec/{SEED.name}:"), first
    assert "/paths/~1v1~1Trunks~1{TrunkSid}~1PhoneNumbers/get/parameters/0" in first
    assert abs(int(first.split(":")[1]) - line_no) <= 2, first
    assert tree_hash(project / "generated") == before


def test_debug_shows_a_traceback(project: Path) -> None:
    (project / "spec" / SEED.name).write_text("openapi: [unclosed\n")
    result = run_specgen("generate", "--debug", cwd=project)
    assert result.returncode == 2
    assert "Traceback" in result.stderr


def test_one_bad_spec_among_good_ones_writes_nothing(project: Path) -> None:
    (project / "spec" / "zz_broken.yaml").write_text("openapi: 3.0.3\ninfo: {}\n")
    before = tree_hash(project / "generated")
    result = run_specgen("generate", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("spec/zz_broken.yaml:")
    assert tree_hash(project / "generated") == before


def test_explicit_paths_and_out(tmp_path: Path) -> None:
    result = run_specgen("generate", str(SEED), "--out", str(tmp_path / "vendor"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "vendor" / "twilio_trunking_v1" / "py.typed").is_file()
    assert "wrote" in result.stdout


def test_no_specs_is_a_usage_error(tmp_path: Path) -> None:
    result = run_specgen("generate", cwd=tmp_path)
    assert result.returncode == 2
    assert "no specs" in result.stderr


def test_missing_spec_file(tmp_path: Path) -> None:
    result = run_specgen("generate", "nope.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("nope.yaml: /: cannot read spec")


def test_help_lists_commands_with_examples() -> None:
    result = run_specgen("--help")
    assert result.returncode == 0
    assert "generate" in result.stdout and "check" in result.stdout and "examples:" in result.stdout


def test_determinism_across_hash_seeds_and_working_directories(tmp_path: Path) -> None:
    first = tmp_path / "a"
    second = tmp_path / "elsewhere" / "b"
    second.parent.mkdir()
    # configured as the repository is (its allow-env names the seed's credentials' variables)
    (second.parent / "pyproject.toml").write_text(
        '[tool.specgen]\nallow-env = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]\n', encoding="utf-8"
    )
    r1 = run_specgen("generate", str(SEED), "--out", str(first), env={"PYTHONHASHSEED": "1"})
    r2 = run_specgen(
        "generate", str(SEED), "--out", str(second), cwd=second.parent, env={"PYTHONHASHSEED": "4242"}
    )
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr + r2.stderr
    package = "twilio_trunking_v1"
    assert tree_hash(first / package) == tree_hash(second / package) == tree_hash(ROOT / "generated" / package)


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_checked_in_generated_is_fresh_via_cli(spec: Path) -> None:
    result = run_specgen("check", str(spec))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr


def test_the_program_ends_with_a_hard_exit_after_flushing(project: Path) -> None:
    """``specgen`` skips the interpreter's teardown (atexit handlers never run)
    but flushes its output first: a piped stdout gets every line."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('teardown ran', file=sys.stderr))\n"
        "sys.argv = ['specgen', 'check']\n"
        "from generator.cli import run\n"
        "run()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as usual
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout  # buffered in a pipe, flushed before the exit
    assert "teardown ran" not in result.stderr


def test_the_program_ends_well_without_a_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cli

    class Exited(Exception):
        pass

    def fake_exit(code: int) -> None:
        raise Exited(code)

    monkeypatch.setattr(cli, "main", lambda: 0)
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(os, "_exit", fake_exit)
    with pytest.raises(Exited) as exited:
        cli.run()
    assert exited.value.args == (0,)


@pytest.mark.parametrize(("returned", "expected"), [(0, 120), (1, 1)])
def test_a_stdout_that_cannot_be_flushed_at_the_end_exits_120(
    monkeypatch: pytest.MonkeyPatch, returned: int, expected: int
) -> None:
    """As CPython's own exit does when it cannot flush stdout (`specgen ... | head`)."""
    from generator import cli

    class ClosedPipe(io.StringIO):
        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    class Exited(Exception):
        pass

    def fake_exit(code: int) -> None:
        raise Exited(code)

    monkeypatch.setattr(cli, "main", lambda: returned)
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(os, "_exit", fake_exit)
    with pytest.raises(Exited) as exited:
        cli.run()
    assert exited.value.args == (expected,)


def _with_closed_stdout(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI with stdout a pipe whose reader is gone before the first line."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "generator", *args],
            cwd=project,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)


def test_a_stdout_closed_early_keeps_the_verdict(project: Path) -> None:
    """`specgen check --diff | head` closing the pipe: the check still ends with its
    verdict (4, hand-edited) and its message on stderr, not "internal error" (3)."""
    models = project / "generated" / "twilio_trunking_v1" / "models.py"
    models.write_text(models.read_text() + "\n".join(f"# edit {n}" for n in range(5000)) + "\n")
    done = _with_closed_stdout(project, "check", "--diff")
    assert done.returncode == 4, done.stderr
    assert "hand-edited" in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


def test_a_stdout_closed_early_loses_output_not_work(project: Path) -> None:
    """`specgen generate -v | head`: the packages are still written; the lost output
    makes the exit code 120 (the command otherwise succeeded)."""
    spec = project / "spec" / SEED.name
    spec.write_text(spec.read_text().replace("description: ", "description: Changed. ", 1))
    done = _with_closed_stdout(project, "generate", "-v")
    assert done.returncode == 120, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert run_specgen("check", cwd=project).returncode == 0  # what the spec says now: written


def test_a_stdout_closed_from_the_start_is_no_error(project: Path) -> None:
    """`specgen check >&-`: Python has no stdout at all; as print() does, the output
    is not wanted, and the verdict is the exit code."""
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
