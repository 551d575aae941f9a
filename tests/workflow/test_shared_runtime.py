"""One shared runtime for several generated packages (issue 18, item 6).

Two specs, one ``shared-runtime`` name: both packages import the top-level
package, which ``generate`` writes once beside them; ``check`` verifies it like
a package; the packages' own tests, ``mypy --strict`` and one ``except`` over
both clients work. Without the option nothing changes (tests/test_golden.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOLDEN
from generator.cli import main
from generator.commands.base import EXIT_EDITED, EXIT_INPUT, EXIT_OK, EXIT_STALE
from generator.paths import RUNTIME_DIR

from .conftest import SEED, CliRunner, make_repo

NAME = "apis_runtime"
WIDGETS = GOLDEN / "widgets" / "widgets.yaml"
PACKAGES = ("twilio_trunking_v1", "widgets")
PYPROJECT = f"""\
[tool.specgen]
out = "vendor"
shared-runtime = "{NAME}"

[[tool.specgen.specs]]
path = "spec/twilio_trunking_v1.yaml"
allow-env = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]

[[tool.specgen.specs]]
path = "spec/widgets.yaml"
"""


def _repo(root: Path, pyproject: str = PYPROJECT) -> Path:
    repo = make_repo(root, pyproject)
    shutil.copy(WIDGETS, repo / "spec" / WIDGETS.name)
    return repo


@pytest.fixture(scope="module")
def _generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two specs generated with one shared runtime, once per module, by the real CLI."""
    repo = _repo(tmp_path_factory.mktemp("shared") / "repo")
    before = Path.cwd()
    os.chdir(repo)
    try:
        assert main(["generate", "-q"]) == EXIT_OK
    finally:
        os.chdir(before)
    return repo


@pytest.fixture
def repo(_generated: Path, tmp_path: Path) -> Path:
    """A copy of the generated repo, free to edit."""
    copy = tmp_path / "repo"
    shutil.copytree(_generated, copy)
    return copy


def _run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_both_packages_import_one_runtime_written_once(_generated: Path) -> None:
    vendor = _generated / "vendor"
    assert sorted(p.name for p in vendor.iterdir()) == sorted([NAME, *PACKAGES])
    for package in PACKAGES:
        assert not (vendor / package / "_runtime").exists()
        manifest = json.loads((vendor / package / "_specgen.json").read_text())
        assert manifest["options"]["shared_runtime"] == NAME
        assert not any(path.startswith("_runtime/") for path in manifest["files"])
        assert f"import {NAME} as _rt\n" in (vendor / package / "client.py").read_text()
        assert f"from {NAME}.errors import (" in (vendor / package / "__init__.py").read_text()
    runtime = vendor / NAME
    sources = sorted(p.name for p in RUNTIME_DIR.glob("*.py"))
    assert sorted(p.name for p in runtime.iterdir()) == sorted([*sources, "py.typed", "_specgen.json"])
    for source in sources:  # the runtime's modules, each after one header line
        text = (runtime / source).read_text()
        assert text.split("\n", 1)[1] == (RUNTIME_DIR / source).read_text()
    manifest = json.loads((runtime / "_specgen.json").read_text())
    assert (manifest["kind"], manifest["package"]) == ("shared-runtime", NAME)
    assert manifest["files"] == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in runtime.iterdir() if p.name != "_specgen.json"
    }


def test_check_is_fresh_and_generate_again_writes_nothing(repo: Path, cli: CliRunner) -> None:
    run = cli("check", "-v", cwd=repo)
    assert run.code == EXIT_OK, run.err
    assert f"vendor/{NAME}: fresh (matches specgen's runtime)" in run.err + run.out
    run = cli("check", "vendor", cwd=repo)  # vendored: every folder against its manifest
    assert run.code == EXIT_OK, run.err
    assert "3 packages in vendor/ are intact" in run.out
    run = cli("generate", cwd=repo)
    assert run.code == EXIT_OK, run.err
    assert "wrote 0 files" in run.out


def test_a_hand_edit_in_the_shared_runtime_is_reported(repo: Path, cli: CliRunner) -> None:
    errors = repo / "vendor" / NAME / "errors.py"
    errors.write_text(errors.read_text() + "# patched\n")
    for args in (["check"], ["check", "vendor"], ["check", f"vendor/{NAME}"]):
        run = cli(*args, cwd=repo)
        assert run.code == EXIT_EDITED, (args, run.err)
        assert f"vendor/{NAME}/errors.py: edited by hand" in run.out
        assert f"vendor/{NAME}: hand-edited" in run.err


def test_a_changed_runtime_makes_it_stale(repo: Path, cli: CliRunner) -> None:
    """The shared runtime of an older specgen (consistent with its manifest) is stale, not edited."""
    runtime = repo / "vendor" / NAME
    errors = runtime / "errors.py"
    errors.write_text(errors.read_text() + "# an older runtime\n")
    manifest = json.loads((runtime / "_specgen.json").read_text())
    manifest["files"]["errors.py"] = hashlib.sha256(errors.read_bytes()).hexdigest()
    manifest["templates_sha256"] = "0" * 64
    (runtime / "_specgen.json").write_text(json.dumps(manifest))
    run = cli("check", cwd=repo)
    assert run.code == EXIT_STALE, run.err
    assert f"vendor/{NAME}: stale: the runtime changed" in run.err
    assert cli("generate", "-q", cwd=repo).code == EXIT_OK
    assert cli("check", cwd=repo).code == EXIT_OK


def test_a_missing_shared_runtime_is_reported(repo: Path, cli: CliRunner) -> None:
    shutil.rmtree(repo / "vendor" / NAME)
    run = cli("check", cwd=repo)
    assert run.code == EXIT_STALE, run.err
    assert f"vendor/{NAME}: stale: not generated yet" in run.err


def test_a_vendored_package_without_its_shared_runtime_is_reported(repo: Path, cli: CliRunner) -> None:
    shutil.rmtree(repo / "vendor" / NAME)
    run = cli("check", "vendor", cwd=repo)
    assert run.code == EXIT_EDITED, run.err
    assert f"vendor/widgets: imports the shared runtime {NAME}, which is not beside it" in run.out
    assert f"vendor/widgets: hand-edited: its shared runtime vendor/{NAME} is missing" in run.err


def test_both_packages_own_tests_pass(_generated: Path) -> None:
    vendor = _generated / "vendor"
    tests = [f"{p}/tests" for p in PACKAGES]
    done = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], vendor, 300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout


ONE_EXCEPT = f"""
import httpx
import {NAME}
import twilio_trunking_v1
import widgets

assert twilio_trunking_v1.ApiError is widgets.ApiError is {NAME}.ApiError
assert twilio_trunking_v1.ApiConnectionError is widgets.ApiConnectionError

def fail(request):
    return httpx.Response(500, json={{"message": "down"}})

caught = []
calls = [
    lambda: twilio_trunking_v1.Client("AC", "token", transport=httpx.MockTransport(fail), max_retries=0)
    .list_phone_numbers("TK" + "0" * 32),
    lambda: widgets.Client(transport=httpx.MockTransport(fail), max_retries=0).get_widget("W0001"),
]
for call in calls:
    try:
        call()
    except {NAME}.ApiError as exc:
        caught.append((type(exc).__module__, type(exc).__name__, exc.status))
print(caught)
assert caught == [("{NAME}.errors", "ServerError", 500)] * 2, caught
"""


def test_one_except_catches_either_packages_error(_generated: Path) -> None:
    done = _run([sys.executable, "-c", ONE_EXCEPT], _generated / "vendor", 60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean_over_the_output_folder(_generated: Path, tmp_path: Path) -> None:
    vendor = _generated / "vendor"
    args = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), NAME, *PACKAGES]
    done = _run(args, vendor, 600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_flag_sets_it_and_a_package_of_that_name_is_refused(tmp_path: Path, cli: CliRunner) -> None:
    repo = _repo(tmp_path / "repo", "[tool.specgen]\nout = 'vendor'\n")
    run = cli("generate", "spec/widgets.yaml", "--shared-runtime", "widgets", cwd=repo)
    assert run.code == EXIT_INPUT
    assert "package 'widgets' has the name of the shared runtime (shared-runtime)" in run.err
    assert not (repo / "vendor").exists()
    run = cli("generate", "spec/widgets.yaml", "--shared-runtime", "widgets_rt", cwd=repo)
    assert run.code == EXIT_OK, run.err
    assert "and their shared runtime widgets_rt" in run.out
    assert (repo / "vendor" / "widgets_rt" / "_specgen.json").is_file()
    assert cli("check", "spec/widgets.yaml", "--shared-runtime", "widgets_rt", cwd=repo).code == EXIT_OK
    # without the flag, the package is stale (it would hold its own copy)
    run = cli("check", "spec/widgets.yaml", cwd=repo)
    assert run.code == EXIT_STALE
    assert "options changed (shared_runtime widgets_rt -> None)" in run.err


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("json", "'json' is the name of the standard library module json"),
        ("httpx", "'httpx' is the name of the Python package httpx"),
        ("class", "'class' is a Python keyword"),
        ("my-runtime", "expected a Python package name, got 'my-runtime'"),
    ],
)
def test_a_bad_name_is_refused_by_flag_and_key(tmp_path: Path, cli: CliRunner, name: str, words: str) -> None:
    repo = _repo(tmp_path / "repo", "[tool.specgen]\nout = 'vendor'\n")
    run = cli("generate", "spec/widgets.yaml", "--shared-runtime", name, cwd=repo)
    assert run.code == EXIT_INPUT
    assert f"--shared-runtime: {words}" in run.err
    (repo / "pyproject.toml").write_text(f"[tool.specgen]\nout = 'vendor'\nshared-runtime = {json.dumps(name)}\n")
    run = cli("generate", "spec/widgets.yaml", cwd=repo)
    assert run.code == EXIT_INPUT
    assert f"[tool.specgen] shared-runtime: {words}" in run.err
    assert not (repo / "vendor").exists()


def test_a_folder_specgen_did_not_write_as_the_runtime_is_not_replaced(tmp_path: Path, cli: CliRunner) -> None:
    repo = _repo(tmp_path / "repo", "[tool.specgen]\nout = 'vendor'\n")
    mine = repo / "vendor" / "shared"
    mine.mkdir(parents=True)
    (mine / "__init__.py").write_text("MINE = 1\n")
    run = cli("generate", "spec/widgets.yaml", "--shared-runtime", "shared", cwd=repo)
    assert run.code == EXIT_INPUT
    assert (mine / "__init__.py").read_text() == "MINE = 1\n"
    assert sorted(p.name for p in (repo / "vendor").iterdir()) == ["shared"]
    # a generated package there is not replaced by the runtime either
    shutil.rmtree(mine)
    assert cli("generate", "spec/widgets.yaml", "-q", cwd=repo).code == EXIT_OK
    before = {p.name: p.read_bytes() for p in (repo / "vendor" / "widgets").iterdir() if p.is_file()}
    shutil.copy(SEED, repo / "spec" / SEED.name)
    run = cli("generate", "spec/twilio_trunking_v1.yaml", "--shared-runtime", "widgets", cwd=repo)
    assert run.code == EXIT_INPUT
    assert "holds a generated package, not specgen's shared runtime" in run.err
    assert before == {p.name: p.read_bytes() for p in (repo / "vendor" / "widgets").iterdir() if p.is_file()}


def test_unset_the_packages_keep_their_own_runtime(tmp_path: Path, cli: CliRunner) -> None:
    repo = _repo(tmp_path / "repo", "[tool.specgen]\nout = 'vendor'\n")
    assert cli("generate", "spec/widgets.yaml", "-q", cwd=repo).code == EXIT_OK
    assert sorted(p.name for p in (repo / "vendor").iterdir()) == ["widgets"]
    assert (repo / "vendor" / "widgets" / "_runtime" / "errors.py").is_file()
    assert "shared_runtime" not in json.loads((repo / "vendor" / "widgets" / "_specgen.json").read_text())["options"]

