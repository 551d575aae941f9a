"""Spec text in messages cannot act on the user's terminal.

A path key holding ``ESC [2J`` was printed raw in diagnostics: it cleared the
screen of whoever ran ``specgen generate``. Each class of characters a
terminal acts on (C0 controls, DEL, C1 controls, bidi overrides and isolates,
zero-width and separator characters) is put in path keys, and each message
path that quotes the spec is run in-process: a generate error, generate and
check warnings, lint output, ``specgen diff`` (text and Markdown), a
changelog entry (from ``diff --changelog`` and from ``generate``), and a
configuration error. Every output must hold no such character raw (newlines
only between messages), and must show each one escaped where the spec had it.
"""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from generator import cli
from generator.commands.base import Ui
from generator.errors import Diagnostic

# class -> (payload, how messages show it)
CLASSES: dict[str, tuple[str, str]] = {
    "C0 ESC CSI erase": ("\x1b[2J", "\\x1b[2J"),
    "C0 ESC OSC title": ("\x1b]0;owned\x07", "\\x1b]0;owned\\x07"),
    "C0 BEL": ("\x07", "\\x07"),
    "C0 backspace": ("\x08", "\\x08"),
    "C0 carriage return": ("\r", "\\x0d"),
    "C0 newline": ("\n", "\\x0a"),
    "C0 tab": ("\t", "\\x09"),
    "C0 NUL": ("\x00", "\\x00"),
    "DEL": ("\x7f", "\\x7f"),
    "C1 CSI": ("\x9b2J", "\\x9b2J"),
    "C1 NEL": ("\x85", "\\x85"),
    "C1 OSC": ("\x9d0;t\x9c", "\\x9d0;t\\x9c"),
    "bidi RLO": ("\u202e", "\\u202e"),
    "bidi LRI": ("\u2066", "\\u2066"),
    "bidi PDI": ("\u2069", "\\u2069"),
    "bidi RLM": ("\u200f", "\\u200f"),
    "zero width space": ("\u200b", "\\u200b"),
    "line separator": ("\u2028", "\\u2028"),
    "paragraph separator": ("\u2029", "\\u2029"),
}
IDS = list(CLASSES)


def _raw_unsafe(text: str) -> list[str]:
    """Characters a terminal would act on, but the newlines that end lines."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


def _key(index: int, payload: str) -> str:
    return f"/p{index}{payload}x"


def _spec(kind: str) -> dict[str, Any]:
    """``ok``: valid, one operation per class; ``warn``: each with a
    header parameter named Accept (a warning at its path); ``bad``: each without responses (an error);
    ``lint``: each with an example that is not of its schema's type."""
    paths: dict[str, Any] = {}
    for index, (payload, _shown) in enumerate(CLASSES.values()):
        op: dict[str, Any] = {"operationId": f"op{index}", "responses": {"204": {"description": "done"}}}
        if kind == "warn":
            # a header parameter OpenAPI says to ignore: a warning at its path (cookies are sent now)
            op["parameters"] = [{"name": "Accept", "in": "header", "schema": {"type": "string"}}]
        elif kind == "bad":
            del op["responses"]
        elif kind == "lint":
            content = {"application/json": {"schema": {"type": "integer"}, "example": "text"}}
            op["responses"] = {"200": {"description": "ok", "content": content}}
        paths[_key(index, payload)] = {"get": op}
    if kind == "old":
        paths = {"/plain": {"get": {"operationId": "plain", "responses": {"204": {"description": "done"}}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Escapes", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
    }


def _write(folder: Path, name: str, kind: str) -> Path:
    path = folder / name
    path.write_text(json.dumps(_spec(kind)), encoding="utf-8")  # JSON: NUL can be written
    return path


def _assert_inert(output: str, in_pointer: bool = True) -> None:
    """No raw terminal control in ``output``; each payload shown escaped at its key.

    Outside pointers (``specgen diff``, changelogs) spec text is folded to one
    line first: a payload of whitespace (CR, newline, tab, NEL, separators) may
    show as one space there instead.
    """
    assert output, "the path printed nothing"
    assert _raw_unsafe(output) == []
    for index, (payload, shown) in enumerate(CLASSES.values()):
        if in_pointer:
            assert f"~1p{index}{shown}x" in output, f"{IDS[index]}: not shown escaped"
        else:
            folded = " ".join(f"/p{index}{payload}x".split())
            assert f"/p{index}{shown}x" in output or (payload.isspace() and folded in output), IDS[index]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_generate_error(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(workdir, "escapes.json", "bad")
    assert cli.main(["generate", str(spec), "--out", "out"]) == 2
    captured = capsys.readouterr()
    _assert_inert(captured.err)
    assert len(captured.err.splitlines()) == len(CLASSES)  # one line per diagnostic, newline payload too


@pytest.mark.parametrize("strict", [False, True])
def test_generate_warnings(workdir: Path, capsys: pytest.CaptureFixture[str], strict: bool) -> None:
    spec = _write(workdir, "escapes.json", "warn")
    code = cli.main(["generate", str(spec), "--out", "out", *(["--strict"] if strict else [])])
    assert code == (2 if strict else 0)
    _assert_inert(capsys.readouterr().err)


def test_check_warnings(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(workdir, "escapes.json", "warn")
    assert cli.main(["generate", str(spec), "--out", "out", "-q"]) == 0
    capsys.readouterr()
    assert cli.main(["check", str(spec), "--out", "out"]) == 0
    _assert_inert(capsys.readouterr().err)


def test_lint_output(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(workdir, "escapes.json", "lint")
    assert cli.main(["lint", str(spec)]) == 0
    _assert_inert(capsys.readouterr().out)


@pytest.mark.parametrize("form", ["text", "markdown"])
def test_spec_diff_output_and_changelog(workdir: Path, capsys: pytest.CaptureFixture[str], form: str) -> None:
    old = _write(workdir, "old.json", "old")
    new = _write(workdir, "new.json", "ok")
    changelog = workdir / "CHANGELOG.md"
    assert cli.main(["diff", str(old), str(new), "--format", form, "--changelog", str(changelog)]) == 0
    captured = capsys.readouterr()
    _assert_inert(captured.out, in_pointer=False)
    _assert_inert(changelog.read_text(encoding="utf-8"), in_pointer=False)
    assert _raw_unsafe(captured.err) == []


def test_generate_changelog_entry(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "pyproject.toml").write_text(
        '[tool.specgen]\nchangelog = "CHANGELOG.md"\n\n[[tool.specgen.specs]]\npath = "api.json"\n', encoding="utf-8"
    )
    (workdir / "api.json").write_text(json.dumps(_spec("old")), encoding="utf-8")
    assert cli.main(["generate", "-q"]) == 0
    (workdir / "api.json").write_text(json.dumps(_spec("ok")), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["generate"]) == 0
    captured = capsys.readouterr()
    _assert_inert(captured.out, in_pointer=False)
    _assert_inert((workdir / "CHANGELOG.md").read_text(encoding="utf-8"), in_pointer=False)


@pytest.mark.parametrize("name", IDS)
def test_configuration_error(workdir: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    payload, shown = CLASSES[name]
    escaped_toml = "".join(f"\\u{ord(c):04x}" for c in payload)
    (workdir / "pyproject.toml").write_text(
        f'[tool.specgen]\n\n[[tool.specgen.specs]]\npath = "a.json"\npackage = "a{escaped_toml}"\n', encoding="utf-8"
    )
    assert cli.main(["generate"]) == 2
    err = capsys.readouterr().err
    assert _raw_unsafe(err) == []
    assert f'got "a{shown}"' in err


@pytest.mark.parametrize("name", IDS)
def test_diagnostic_is_one_escaped_line(name: str) -> None:
    payload, shown = CLASSES[name]
    text = str(Diagnostic(f"f{payload}.yaml", 3, f"/paths/~1a{payload}", f"name {payload} here", "warning"))
    assert text == f"f{shown}.yaml:3: /paths/~1a{shown}: warning: name {shown} here"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colours_are_the_only_sequences_printed_raw(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = _Terminal(), _Terminal()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    ui = Ui()
    assert ui.colour_out and ui.colour_err
    # the Ui prints text of several lines: newline and tab are kept there (not in diagnostics)
    kept = {"C0 newline", "C0 tab"}
    hostile = "".join(payload for name, (payload, _shown) in CLASSES.items() if name not in kept)
    shown = "".join(s for name, (_p, s) in CLASSES.items() if name not in kept)
    ui.result(ui.paint("fresh", "green") + " " + hostile)
    ui.progress(1, 2, f"spec{hostile}.yaml")
    ui.error(ui.paint("stale", "red", ui.err) + " " + hostile)
    assert out.getvalue() == f"\x1b[32mfresh\x1b[0m {shown}\n"
    assert err.getvalue() == f"\r\x1b[K[1/2] spec{shown}.yaml\r\x1b[K\x1b[31mstale\x1b[0m {shown}\n"
