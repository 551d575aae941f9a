"""Lenient mode and located validator messages (issue 16, item 3).

Each spec in ``tests/lenient/`` carries one kind of harmless defect that
published specs have (a default that fails its schema, an exclusive bound in
the other version's form, ``$recursiveAnchor``, duplicate ``required``
entries). For each: strict mode (the default) refuses it with exit 2 and one
located line per finding, and lenient mode generates a package that works,
warning once per defect. Both stderrs are snapshots next to the spec::

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/validate/test_lenient.py

``not_harmless_31.yaml`` has a defect lenient mode does not work around: it
stays an error there.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from conftest import ROOT
from generator import cli

CASES_DIR = ROOT / "tests" / "lenient"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
HARMLESS = sorted(p.name for p in CASES_DIR.glob("*.yaml") if not p.name.startswith("not_harmless"))
# file:line: /pointer: message -- every line located, never at the root.
LOCATED = re.compile(r"^(?P<file>[^\s:]+):(?P<line>[1-9][0-9]*): (?P<pointer>/\S+): (?P<message>\S.*)$")
TIMEOUT = 120  # seconds; a guard against hangs, not a speed assertion


def run(
    args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    code = cli.main(args)
    return code, capsys.readouterr().err  # stdout: the summary line, with a timing


def check_snapshot(name: str, text: str) -> None:
    snapshot = CASES_DIR / name
    if UPDATE:
        snapshot.write_text(text, encoding="utf-8")
    assert snapshot.is_file(), f"no snapshot {name}; run with UPDATE_SNAPSHOTS=1"
    assert text == snapshot.read_text(encoding="utf-8"), f"stderr differs from {name} (UPDATE_SNAPSHOTS=1 refreshes it)"


def package_of(case: str) -> str:
    return Path(case).stem


def import_package(out: Path, case: str) -> ModuleType:
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    for name in [m for m in sys.modules if m == package_of(case) or m.startswith(package_of(case) + ".")]:
        del sys.modules[name]  # another test's generation of the same case
    return importlib.import_module(package_of(case))


@pytest.mark.parametrize("case", HARMLESS)
def test_strict_mode_refuses_with_every_finding_located(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    code, stderr = run(["generate", case, "--out", str(out), "--no-cache"], CASES_DIR, capsys, monkeypatch)
    assert code == 2
    assert not out.exists(), "nothing is written"
    lines = stderr.splitlines()
    assert lines
    for line in lines:
        match = LOCATED.match(line)
        assert match, f"not located: {line}"
        assert match["file"] == case
        assert "harmless for code generation: --lenient" in match["message"], line
    check_snapshot(f"{case}.strict.expected", stderr)


@pytest.mark.parametrize("case", HARMLESS)
def test_lenient_mode_warns_and_generates(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    code, stderr = run(["generate", case, "--out", str(out), "--no-cache", "--lenient"], CASES_DIR, capsys, monkeypatch)
    assert code == 0, stderr
    lenient_lines = [line for line in stderr.splitlines() if line.endswith("(lenient)")]
    assert lenient_lines
    for line in lenient_lines:
        match = LOCATED.match(line)
        assert match and match["message"].startswith("warning: "), line
    check_snapshot(f"{case}.lenient.expected", stderr)
    manifest = (out / package_of(case) / "_specgen.json").read_text()
    assert '"lenient": true' in manifest


def test_strict_and_lenient_name_the_same_places(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every finding of strict mode is a warning of lenient mode, at the same line and pointer."""
    for case in HARMLESS:
        _code, strict = run(
            ["generate", case, "--out", str(tmp_path / "s"), "--no-cache"], CASES_DIR, capsys, monkeypatch
        )
        _code, lenient = run(
            ["generate", case, "--out", str(tmp_path / "l"), "--no-cache", "--lenient"], CASES_DIR, capsys, monkeypatch
        )
        where = {
            line.split(": ")[0] + ": " + line.split(": ")[1] for line in lenient.splitlines() if "(lenient)" in line
        }
        for line in strict.splitlines():
            assert line.split(": ")[0] + ": " + line.split(": ")[1] in where, (case, line)


# -- the generated code makes sense of each defect ----------------------------


def generate_lenient(case: str, out: Path) -> ModuleType:
    assert cli.main(["generate", "-q", str(CASES_DIR / case), "--out", str(out), "--no-cache", "--lenient"]) == 0
    return import_package(out, case)


def send(package: ModuleType, call: str, **kwargs: Any) -> httpx.Request:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    with package.Client(transport=httpx.MockTransport(handler)) as client:
        try:
            getattr(client, call)(**kwargs)
        except package._runtime.errors.ResponseParseError:
            pass  # the canned reply is empty; the request is what counts
    assert len(sent) == 1
    return sent[0]


def test_a_default_that_fails_its_schema_is_dropped_not_emitted(tmp_path: Path) -> None:
    package = generate_lenient("bad_default_30.yaml", tmp_path)
    models = importlib.import_module("bad_default_30.models")
    account = models.Account()
    assert account.has_attachments is None  # not the string "false"
    assert account.settings is None
    generated = tmp_path / "bad_default_30"
    source = "".join(p.read_text() for p in [generated / "models.py", *(generated / "operations").glob("*.py")])
    assert "'false'" not in source and '"false"' not in source
    assert "default is" not in source  # no docstring quoting the broken default
    assert models.Account.from_dict({"HasAttachments": True}).has_attachments is True
    request = send(package, "list_accounts", archived=False)
    assert request.url.params["archived"] == "false"


def test_the_3_0_exclusive_minimum_in_3_1_is_read_as_3_0(tmp_path: Path) -> None:
    package = generate_lenient("exclusive_bound_31.yaml", tmp_path)
    with pytest.raises(ValueError, match="learning_rate: must be > 0"):
        send(package, "list_jobs", learning_rate=0)
    assert send(package, "list_jobs", learning_rate=0.5).url.params["learning_rate"] == "0.5"
    with pytest.raises(ValueError, match="limit: must be < 100"):
        send(package, "list_jobs", limit=100)
    assert send(package, "list_jobs", limit=1).url.params["limit"] == "1"  # exclusiveMinimum: false: 1 is allowed


def test_the_3_1_exclusive_minimum_in_3_0_is_read_as_3_1(tmp_path: Path) -> None:
    package = generate_lenient("exclusive_bound_30.yaml", tmp_path)
    with pytest.raises(ValueError, match="learning_rate: must be > 0"):
        send(package, "list_jobs", learning_rate=0)
    assert send(package, "list_jobs", learning_rate=2).url.params["learning_rate"] == "2"


def test_recursive_ref_is_read_as_a_ref_to_the_anchored_schema(tmp_path: Path) -> None:
    generate_lenient("recursive_anchor_31.yaml", tmp_path)
    models = importlib.import_module("recursive_anchor_31.models")
    data = {
        "type": "and",
        "filters": [{"key": "a", "value": "1"}, {"type": "or", "filters": [{"key": "b", "value": "2"}]}],
    }
    parsed = models.CompoundFilter.from_dict(data)
    assert isinstance(parsed.filters[0], models.ComparisonFilter)
    assert isinstance(parsed.filters[1], models.CompoundFilter)
    assert isinstance(parsed.filters[1].filters[0], models.ComparisonFilter)
    assert parsed.to_dict() == data


@pytest.mark.parametrize("case", ["duplicate_required_31.yaml", "duplicate_required_30.yaml"])
def test_duplicate_required_names_are_kept_once(case: str, tmp_path: Path) -> None:
    generate_lenient(case, tmp_path)
    models = importlib.import_module(f"{package_of(case)}.models")
    container = models.Container(id="c1", name="box")
    assert container.to_dict() == {"id": "c1", "name": "box"}
    with pytest.raises(TypeError):
        models.Container(id="c1")  # name is required (once)


def test_lenient_packages_pass_their_own_tests_and_mypy(tmp_path: Path) -> None:
    """The generated packages are what a strict run makes of a valid spec: typed, tested."""
    out = tmp_path / "out"
    for case in HARMLESS:
        assert cli.main(["generate", "-q", str(CASES_DIR / case), "--out", str(out), "--no-cache", "--lenient"]) == 0
    packages = [package_of(case) for case in HARMLESS]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *packages],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *packages],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 3,
    )
    assert typed.returncode == 0, typed.stdout[-3000:]


# -- what lenient mode does not work around, and how it is configured --------------


def test_lenient_mode_keeps_other_findings_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = "not_harmless_31.yaml"
    out = tmp_path / "out"
    code, stderr = run(["generate", case, "--out", str(out), "--no-cache", "--lenient"], CASES_DIR, capsys, monkeypatch)
    assert code == 2
    assert not out.exists()
    check_snapshot(f"{case}.lenient.expected", stderr)
    errors = [line for line in stderr.splitlines() if ": warning: " not in line]
    assert len(errors) == 1 and "minLength" in errors[0] and errors[0].startswith(f"{case}:32: ")


PYPROJECT = """\
[tool.specgen]
out = "generated"
{top}

[[tool.specgen.specs]]
path = "bad_default_31.yaml"
{entry}

[[tool.specgen.specs]]
path = "bad_default_30.yaml"
"""


@pytest.mark.parametrize(
    ("top", "entry", "args", "generated"),
    [
        ("", "", [], set()),  # strict by default
        ("lenient = true", "", [], {"bad_default_31", "bad_default_30"}),
        ("", "lenient = true", [], {"bad_default_31"}),  # per spec: the other spec still fails
        ("lenient = true", "lenient = false", [], {"bad_default_30"}),
        ("", "", ["--lenient"], {"bad_default_31", "bad_default_30"}),
        ("lenient = true", "lenient = true", ["--no-lenient"], set()),
    ],
)
def test_lenient_from_the_command_line_the_config_and_per_spec(
    top: str, entry: str, args: list[str], generated: set[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for case in ("bad_default_31.yaml", "bad_default_30.yaml"):
        (tmp_path / case).write_bytes((CASES_DIR / case).read_bytes())
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.format(top=top, entry=entry))
    monkeypatch.chdir(tmp_path)
    refused = {"bad_default_31", "bad_default_30"} - generated
    code = cli.main(["generate", "-q", "--no-cache", *args])
    assert code == (2 if refused else 0)
    if not refused:
        assert {p.name for p in (tmp_path / "generated").iterdir()} == generated
    # Each spec alone, to see which ones the settings make lenient.
    for case in ("bad_default_31.yaml", "bad_default_30.yaml"):
        code = cli.main(["lint", "-q", case, *args])
        assert code == (0 if package_of(case) in generated else 2), case


def test_lenient_config_values_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specgen]\n\n[[tool.specgen.specs]]\npath = "a.yaml"\nlenient = "yes"\n'
    )
    monkeypatch.chdir(tmp_path)
    assert cli.main(["generate"]) == 2
    assert (
        'pyproject.toml: [[tool.specgen.specs]] #1 lenient: expected true or false, got "yes"'
        in capsys.readouterr().err
    )


def test_strict_does_not_count_what_lenient_mode_worked_around(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    args = ["generate", "duplicate_required_31.yaml", "--out", str(out), "--no-cache", "--lenient", "--strict"]
    code, stderr = run(args, CASES_DIR, capsys, monkeypatch)
    assert code == 0, stderr
    assert "warning: required lists 'id', 'name' more than once; each is kept once (lenient)" in stderr


def test_check_and_the_cache_know_the_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A package generated leniently is fresh for a lenient check; a strict run of the
    same spec, cached or not, still refuses it (the package cache keys on the mode)."""
    out = tmp_path / "out"
    case = "duplicate_required_31.yaml"
    code, _ = run(["generate", case, "--out", str(out), "--lenient"], CASES_DIR, capsys, monkeypatch)
    assert code == 0
    code, stderr = run(["check", case, "--out", str(out), "--lenient"], CASES_DIR, capsys, monkeypatch)
    assert code == 0, stderr
    code, stderr = run(["check", case, "--out", str(out)], CASES_DIR, capsys, monkeypatch)
    assert code == 2 and "required lists 'id', 'name' more than once" in stderr
    code, _ = run(["generate", case, "--out", str(out), "--lenient"], CASES_DIR, capsys, monkeypatch)
    assert code == 0  # from the cache now
    code, stderr = run(["generate", case, "--out", str(out)], CASES_DIR, capsys, monkeypatch)
    assert code == 2


def test_lint_and_diff_take_lenient(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = "bad_default_31.yaml"
    monkeypatch.chdir(CASES_DIR)
    assert cli.main(["lint", case]) == 2
    capsys.readouterr()
    assert cli.main(["lint", case, "--lenient"]) == 0
    captured = capsys.readouterr()
    assert "warning: the default 'false' is not of type 'boolean'; the default is dropped (lenient)" in captured.out
    assert "lenient mode worked around" in captured.err
    assert cli.main(["diff", case, case]) == 2
    assert cli.main(["diff", case, case, "--lenient"]) == 0


def test_a_package_generated_in_the_other_mode_is_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = ROOT / "tests" / "golden" / "widgets" / "widgets.yaml"  # valid: the same files either way
    out = tmp_path / "out"
    code, _ = run(["generate", str(spec), "--out", str(out), "--lenient"], tmp_path, capsys, monkeypatch)
    assert code == 0
    code, stderr = run(["check", str(spec), "--out", str(out)], tmp_path, capsys, monkeypatch)
    assert code == 1
    assert "stale: options changed (lenient on -> off)" in stderr
