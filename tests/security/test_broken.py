"""The broken-spec corpus: every case exits 2 with its snapshotted diagnostics.

Cases are the files in ``broken/`` (small, checked in; helpers they ``$ref``
live in ``broken/_ext/``) plus the ones ``broken/_generated.py`` writes at test
time (too big or too binary to check in). ``broken/<case>.expected`` holds the
exact stderr, run from the case's folder so paths are relative. Refresh with::

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/security/test_broken.py

For each case: exit code 2, stderr equal to the snapshot, one
``file:line: /pointer: message`` line per problem, no traceback, no file
created by a payload, and an output folder holding a previous generation is
byte-identical afterwards. Most cases run in-process (``cli.main``); the ones
that attack memory or the parser's stack run the real CLI in a subprocess with
an address-space cap, as does one ``--debug`` run.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import tree_hash
from generator import cli
from generator.ir.naming import module_name
from generator.pipeline import generate_package

from ._support import ROOT, run_cli
from .broken import _generated

CORPUS = Path(__file__).resolve().parent / "broken"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
STATIC = sorted(
    p.name
    for p in CORPUS.iterdir()
    if p.is_file() and not p.name.startswith("_") and p.suffix != ".expected"
)
CASES = sorted(STATIC + list(_generated.CASES))
# Cases that attack memory, the parser's stack, or try to run code: the real
# CLI in a subprocess with RLIMIT_AS, so a regression fails instead of eating
# the machine or the test process.
SUBPROCESS = {
    "alias_bomb.yaml",
    "alias_bomb_merge_keys.yaml",
    "deep_flow.yaml",
    "deep_block_sequences.yaml",
    "deep_block_mappings.yaml",
    "oversize.yaml",
    "python_tag_apply.yaml",
    "python_tag_object_new.yaml",
}
# file[:line]: /pointer: message -- the pointer may hold spaces only if the spec's keys do.
DIAGNOSTIC = re.compile(
    r"^(?P<file>[^\s:]+)(?::(?P<line>[1-9][0-9]*))?: (?P<pointer>/\S*): (?P<message>\S.*)$"
)


def test_corpus_is_complete() -> None:
    assert len(CASES) >= 30
    assert not set(STATIC) & set(_generated.CASES)
    expected = {p.name[: -len(".expected")] for p in CORPUS.glob("*.expected")}
    assert expected == set(
        CASES
    ), "every case needs a snapshot and every snapshot a case"
    assert SUBPROCESS <= set(CASES)


def materialise(case: str, workdir: Path) -> None:
    """Put the case (and what it ``$ref``s) into ``workdir``."""
    workdir.mkdir(parents=True)
    if case in _generated.CASES:
        for relative, data in _generated.CASES[case]().items():
            target = workdir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return
    shutil.copy2(CORPUS / case, workdir / case)
    shutil.copytree(CORPUS / "_ext", workdir / "_ext")


@pytest.fixture(scope="module")
def previous() -> dict[str, str]:
    """A previous, good generation, laid into the output folder before each case."""
    result = generate_package(ROOT / "tests" / "golden" / "widgets" / "widgets.yaml")
    return {path.partition("/")[2]: text for path, text in result.files.items()}


def populate(out: Path, packages: list[str], files: dict[str, str]) -> None:
    for package in packages:
        for relative, text in files.items():
            target = out / package / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    (out / "unrelated.txt").write_text("not generated\n")


def normalise(stderr: str, workdir: Path, out: Path) -> str:
    return stderr.replace(str(workdir) + os.sep, "").replace(str(out), "<out>")


def check_snapshot(case: str, stderr: str) -> None:
    snapshot = CORPUS / f"{case}.expected"
    if UPDATE:
        snapshot.write_text(stderr, encoding="utf-8")
    assert (
        snapshot.is_file()
    ), f"no snapshot {snapshot.name}; run with UPDATE_SNAPSHOTS=1"
    expected = snapshot.read_text(encoding="utf-8")
    assert (
        stderr == expected
    ), f"stderr differs from {snapshot.name} (UPDATE_SNAPSHOTS=1 refreshes it)"


@pytest.mark.parametrize("case", CASES)
def test_broken_spec(
    case: str,
    tmp_path: Path,
    previous: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workdir = tmp_path / "work"
    out = tmp_path / "out"
    materialise(case, workdir)
    populate(out, [module_name(Path(case).stem), "previous"], previous)
    before = tree_hash(out)
    if case in SUBPROCESS:
        result = run_cli("generate", case, "--out", str(out), cwd=workdir)
        code, stderr = result.returncode, result.stderr
        assert result.stdout == ""
    else:
        monkeypatch.chdir(workdir)
        code = cli.main(["generate", case, "--out", str(out)])
        captured = capsys.readouterr()
        stderr = captured.err
        assert captured.out == ""
    stderr = normalise(stderr, workdir, out)
    assert code == 2, f"exit code {code}, stderr:\n{stderr}"
    assert "Traceback" not in stderr
    check_snapshot(case, stderr)
    lines = stderr.splitlines()
    assert lines, "at least one diagnostic"
    for line in lines:
        match = DIAGNOSTIC.match(line)
        assert match, f"not a one-line located diagnostic: {line!r}"
        name = match["file"]
        assert name == case or name.startswith(
            "_"
        ), f"diagnostic names {name!r}, not the case or a file it refers to"
    assert tree_hash(out) == before, "the output folder changed"
    assert not (workdir / "MARKER").exists(), "a payload ran"
    assert not list(workdir.rglob("MARKER"))


def test_debug_shows_a_traceback_for_a_broken_spec(tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    materialise("yaml_unclosed_flow.yaml", workdir)
    result = run_cli(
        "generate",
        "yaml_unclosed_flow.yaml",
        "--out",
        str(tmp_path / "out"),
        "--debug",
        cwd=workdir,
    )
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert "generator.errors.SpecError" in result.stderr
    assert result.stderr.startswith(
        (CORPUS / "yaml_unclosed_flow.yaml.expected").read_text()
    )
    assert not (tmp_path / "out").exists()


def test_check_command_on_a_broken_spec_is_also_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = tmp_path / "work"
    materialise("dangling_ref.yaml", workdir)
    monkeypatch.chdir(workdir)
    assert cli.main(["check", "dangling_ref.yaml", "--out", str(tmp_path / "out")]) == 2
    assert (
        capsys.readouterr().err == (CORPUS / "dangling_ref.yaml.expected").read_text()
    )
