"""The optional ruff formatter: `formatter = "ruff"` / `--formatter ruff`.

Black stays the default and every golden file is black's; these tests check
that ruff's output is valid and ruff-clean, that the manifest and `check` know
which formatter made a package, and that a missing ruff or a bad setting is a
clear error (exit 2) that leaves the output untouched.

The tests that run ruff skip when it is not installed (`pip install
ruff==0.17.6`, or `make test`, which installs the `[test]` extra); with `CI`
set they fail instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import tree_hash
from generator.commands.cache import Cache
from generator.format.files import FormatError, format_files
from generator.format.ruff import NOT_FOUND, TARGET_VERSION, Ruff, find_ruff
from workflow.conftest import PACKAGE, SEED, CliRunner, cli, make_repo  # noqa: F401

RUFF_PYPROJECT = """\
[tool.specgen]
out = "generated"
formatter = "ruff"

[[tool.specgen.specs]]
path = "spec/twilio_trunking_v1.yaml"
"""


@pytest.fixture
def ruff() -> Ruff:
    """The installed ruff; skips (fails on CI) without one."""
    try:
        return find_ruff()
    except Exception as exc:
        message = (
            f"ruff is not installed ({exc}); run `pip install ruff==0.17.6` "
            "or `make test` (the [test] extra) to run the ruff formatter tests"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def no_ruff(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ruff anywhere: not importable, not on PATH."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setitem(sys.modules, "ruff", None)
    monkeypatch.setitem(sys.modules, "ruff.__main__", None)


def _py_files(package: Path) -> list[Path]:
    return sorted(package.rglob("*.py"))


def _ruff_check(ruff: Ruff, files: list[Path], line_length: int) -> None:
    done = subprocess.run(
        [ruff.executable, "format", "--isolated", "--no-cache", "--check"]
        + ["--line-length", str(line_length), "--target-version", TARGET_VERSION]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("line_length", [88, 100])
def test_ruff_output_compiles_is_ruff_clean_and_checks_fresh(
    tmp_path: Path, cli: CliRunner, ruff: Ruff, line_length: int
) -> None:
    repo = make_repo(tmp_path / "r", RUFF_PYPROJECT)
    length = ["--line-length", str(line_length)]
    result = cli("generate", *length, cwd=repo)
    assert result.code == 0, result.err
    package = repo / "generated" / PACKAGE
    files = _py_files(package)
    assert len(files) > 10
    for path in files:
        compile(path.read_text(), str(path), "exec")
    _ruff_check(ruff, files, line_length)  # the runtime too: ruff formats every .py
    manifest = json.loads((package / "_specgen.json").read_text())
    assert manifest["options"] == {
        "formatter": "ruff",
        "line_length": line_length,
        "ruff_version": ruff.version,
    }
    check = cli("check", *length, cwd=repo)
    assert check.code == 0, check.err
    assert (
        cli("check", *length, "--formatter", "ruff", "--no-cache", cwd=repo).code == 0
    )


def test_switching_formatter_makes_check_stale(
    tmp_path: Path, cli: CliRunner, ruff: Ruff
) -> None:
    repo = make_repo(tmp_path / "r", RUFF_PYPROJECT)
    assert cli("generate", cwd=repo).code == 0
    stale = cli("check", "--formatter", "black", cwd=repo)
    assert stale.code == 1
    assert f"options changed (formatter ruff {ruff.version} -> black)" in stale.err
    # Back to black: same files as a plain black run, and the manifest as before.
    assert cli("generate", "--formatter", "black", cwd=repo).code == 0
    package = repo / "generated" / PACKAGE
    manifest = json.loads((package / "_specgen.json").read_text())
    assert manifest["options"] == {"line_length": 88}
    stale = cli("check", cwd=repo)  # the config says ruff
    assert stale.code == 1
    assert f"options changed (formatter black -> ruff {ruff.version})" in stale.err
    assert cli("check", "--formatter", "black", cwd=repo).code == 0


def test_the_cache_never_mixes_formatters(tmp_path: Path, ruff: Ruff) -> None:
    from generator.pipeline import generate_package

    cache = Cache(tmp_path / "cache")
    fresh = {
        name: generate_package(SEED, formatter=name).files for name in ("black", "ruff")
    }
    assert fresh["black"] != fresh["ruff"]
    for name in ("black", "ruff", "black", "ruff"):  # cold, then warm, one cache
        assert generate_package(SEED, formatter=name, cache=cache).files == fresh[name]


def test_the_users_ruff_settings_do_not_change_the_output(
    tmp_path: Path, cli: CliRunner, ruff: Ruff, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = make_repo(tmp_path / "plain", RUFF_PYPROJECT)
    assert cli("generate", cwd=plain).code == 0
    custom = make_repo(
        tmp_path / "custom", RUFF_PYPROJECT + "\n[tool.ruff]\nline-length = 60\n"
    )
    (custom / "ruff.toml").write_text(
        'line-length = 60\n[format]\nquote-style = "single"\n'
    )
    monkeypatch.setenv("RUFF_LINE_LENGTH", "60")
    assert cli("generate", cwd=custom).code == 0
    assert tree_hash(custom / "generated") == tree_hash(plain / "generated")


def test_ruff_failure_is_a_format_error_naming_the_file(ruff: Ruff) -> None:
    with pytest.raises(FormatError, match=r"broken\.py"):
        format_files({"pkg/broken.py": "def (:\n"}, formatter="ruff")


def test_unknown_formatter_in_the_core() -> None:
    with pytest.raises(ValueError, match="unknown formatter 'yapf'"):
        format_files({"a.py": "x = 1\n"}, formatter="yapf")


def _cache_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_ruff_output_is_cached_in_one_pack(
    tmp_path: Path, ruff: Ruff, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.format.files as fmt

    files = {f"pkg/m{n}.py": f"x=[ {n},{n} ]\n" for n in range(20)}
    files["pkg/README.md"] = "not Python\n"
    cache = Cache(tmp_path)
    cold = format_files(files, formatter="ruff", cache=cache, group="pkg")
    assert cold["pkg/m3.py"] == "x = [3, 3]\n"
    (pack,) = _cache_files(tmp_path)  # one file, not one per module
    written = pack.stat()
    real = fmt.format_with_ruff
    ran: list[str] = []

    def counting(
        ruff: Ruff, missing: dict[str, str], line_length: int
    ) -> dict[str, str]:
        ran.extend(missing)
        return real(ruff, missing, line_length)

    monkeypatch.setattr(fmt, "format_with_ruff", counting)
    assert format_files(files, formatter="ruff", cache=cache, group="pkg") == cold
    assert ran == []
    assert (pack.stat().st_ino, pack.stat().st_mtime_ns) == (
        written.st_ino,
        written.st_mtime_ns,
    ), "nothing changed: not rewritten"
    # a warm run serves what the pack says
    content = json.loads(pack.read_bytes())
    content["files"] = {key: "# from the cache\n" for key in content["files"]}
    pack.write_text(json.dumps(content))
    warm = format_files(files, formatter="ruff", cache=cache, group="pkg")
    assert {p for p, text in warm.items() if text == "# from the cache\n"} == {
        p for p in files if p.endswith(".py")
    }
    # broken: a miss, rewritten; smaller: pruned to what the run used
    version = content["version"]
    wrong_shape = json.dumps({"version": version, "files": {"k": 5}}).encode()
    for bad in (b"", b"[]", b'{"version": "0"}', wrong_shape, pack.read_bytes()[:50]):
        pack.write_bytes(bad)
        assert format_files(files, formatter="ruff", cache=cache, group="pkg") == cold
        assert len(json.loads(pack.read_bytes())["files"]) == 20
    del files["pkg/m0.py"]
    ran.clear()
    format_files(files, formatter="ruff", cache=cache, group="pkg")
    assert ran == []
    assert len(json.loads(pack.read_bytes())["files"]) == 19
    assert len(_cache_files(tmp_path)) == 1


# -- without ruff: clear errors, nothing written -----------------------------


def test_missing_ruff_from_the_command_line(
    tmp_path: Path, cli: CliRunner, no_ruff: None
) -> None:
    repo = make_repo(tmp_path / "r", RUFF_PYPROJECT.replace('formatter = "ruff"\n', ""))
    assert cli("generate", cwd=repo).code == 0  # black needs no ruff
    before = tree_hash(repo)
    for command in ("generate", "check"):
        result = cli(command, "--formatter", "ruff", cwd=repo)
        assert result.code == 2, result.err
        assert f"specgen {command}: --formatter ruff: {NOT_FOUND}" in result.err
        assert "Traceback" not in result.err
        assert tree_hash(repo) == before


def test_missing_ruff_from_the_config(
    tmp_path: Path, cli: CliRunner, no_ruff: None
) -> None:
    repo = make_repo(tmp_path / "r", RUFF_PYPROJECT)
    result = cli("generate", cwd=repo)
    assert result.code == 2
    expected = f'pyproject.toml: [tool.specgen] formatter = "ruff": {NOT_FOUND}'
    assert expected in result.err
    assert not (repo / "generated").exists()
    assert NOT_FOUND == "ruff not found; install it with pip install ruff"
    # Commands that do not format do not need ruff.
    assert cli("lint", cwd=repo).code == 0
    assert cli("generate", "--formatter", "black", cwd=repo).code == 0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "formatter = 1",
            "pyproject.toml: [tool.specgen] formatter: expected a string, got 1",
        ),
        (
            "formatter = true",
            "pyproject.toml: [tool.specgen] formatter: expected a string, got true",
        ),
        (
            'formatter = "yapf"',
            'pyproject.toml: [tool.specgen] formatter: expected "black" or "ruff", got "yapf"',
        ),
        (
            'formatter = "Ruff"',
            'pyproject.toml: [tool.specgen] formatter: expected "black" or "ruff", got "Ruff"',
        ),
    ],
)
def test_formatter_setting_is_validated(
    tmp_path: Path, cli: CliRunner, line: str, message: str
) -> None:
    repo = make_repo(tmp_path / "r", f'[tool.specgen]\nout = "generated"\n{line}\n')
    for command in ("generate", "check", "lint"):
        result = cli(command, cwd=repo)
        assert result.code == 2, result.err
        assert message in result.err
    assert not (repo / "generated").exists()


def test_formatter_flag_is_validated(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r")
    result = cli("generate", "--formatter", "yapf", cwd=repo)
    assert result.code == 2
    assert "argument --formatter: invalid choice: 'yapf'" in result.err
    assert not (repo / "generated").exists()
