"""Drift checks: the manifest, and `specgen check` telling fresh, stale and hand-edited apart."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import yaml

from conftest import ROOT
from generator import __version__
from generator.commands.base import EXIT_EDITED, EXIT_INPUT, EXIT_OK, EXIT_STALE
from generator.pipeline import generate_package

from .conftest import PACKAGE, SEED, CliRunner, make_repo, run_on_terminal

MANIFEST = "_specgen.json"


def _package(repo: Path, out: str = "generated") -> Path:
    return repo / out / PACKAGE


def test_manifest_records_spec_generator_templates_and_every_file(generated_repo: Path) -> None:
    package = _package(generated_repo)
    text = (package / MANIFEST).read_text()
    data = json.loads(text)
    assert data["spec"] == {
        "source": f"spec/{SEED.name}",
        "sha256": hashlib.sha256(SEED.read_bytes()).hexdigest(),
    }
    assert data["generator"] == {"name": "specgen", "version": __version__}
    assert len(data["templates_sha256"]) == 64
    on_disk = {
        p.relative_to(package).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in package.rglob("*")
        if p.is_file() and p.name != MANIFEST and "__pycache__" not in p.parts
    }
    assert data["files"] == on_disk
    assert {"README.md", "client.py", "_runtime/client.py"} <= set(data["files"])
    assert "list_phone_numbers" in data["api"]["operations"]
    # Deterministic: sorted keys, no timestamps, no absolute paths.
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    assert str(generated_repo) not in text and "/tmp" not in text


def test_manifest_is_part_of_generate_package_and_deterministic(tmp_path: Path) -> None:
    first = generate_package(SEED).files
    copy = tmp_path / "elsewhere" / "spec" / SEED.name  # same "spec/<file>" source name
    copy.parent.mkdir(parents=True)
    shutil.copy(SEED, copy)
    second = generate_package(copy).files
    key = f"{PACKAGE}/{MANIFEST}"
    assert key in first
    assert first == second


def test_fresh_package_passes(generated_repo: Path, cli: CliRunner) -> None:
    result = cli("check", cwd=generated_repo)
    assert result.code == EXIT_OK, result.out + result.err
    assert "1 package in generated/ is up to date" in result.out
    verbose = cli("check", "-v", cwd=generated_repo)
    assert "fresh" in verbose.out


def test_hand_edit_is_told_apart(generated_repo: Path, cli: CliRunner) -> None:
    models = _package(generated_repo) / "models.py"
    models.write_text(models.read_text().replace("class PhoneNumber(", "class PhoneNumbr("))
    result = cli("check", cwd=generated_repo)
    assert result.code == EXIT_EDITED
    assert f"generated/{PACKAGE}/models.py: edited by hand" in result.out
    assert "hand-edited" in result.err and "specgen generate" in result.err
    assert "--- a/" not in result.out  # the diff only with --diff
    with_diff = cli("check", "--diff", cwd=generated_repo)
    assert with_diff.code == EXIT_EDITED
    assert "-class PhoneNumbr(_rt.Model):" in with_diff.out
    assert "+class PhoneNumber(_rt.Model):" in with_diff.out
    assert "\033[" not in with_diff.out  # not a terminal: no colour


def test_added_and_deleted_files_are_hand_edits(generated_repo: Path, cli: CliRunner) -> None:
    package = _package(generated_repo)
    (package / "extra.py").write_text("x = 1\n")
    (package / "py.typed").unlink()
    result = cli("check", cwd=generated_repo)
    assert result.code == EXIT_EDITED
    assert f"{PACKAGE}/extra.py: added by hand" in result.out
    assert f"{PACKAGE}/py.typed: deleted" in result.out
    # Byte-code caches are not edits.
    (package / "extra.py").unlink()
    (package / "py.typed").write_text("")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "client.cpython-311.pyc").write_bytes(b"\0")
    assert cli("check", cwd=generated_repo).code == EXIT_OK


def test_spec_change_is_stale_with_the_reason(generated_repo: Path, cli: CliRunner) -> None:
    spec = generated_repo / "spec" / SEED.name
    old = "The API version used to start a new TwiML session."
    spec.write_text(spec.read_text().replace(old, "The API version."))
    result = cli("check", cwd=generated_repo)
    assert result.code == EXIT_STALE
    assert "stale: the spec changed (spec/twilio_trunking_v1.yaml)" in result.err
    assert f"generated/{PACKAGE}/models.py: out of date" in result.out
    with_diff = cli("check", "--diff", cwd=generated_repo)
    changed = [l for l in with_diff.out.splitlines() if l[:1] in "+-" and not l.startswith(("+++", "---"))]
    assert changed == [f'-    """{old}"""', '+    """The API version."""']  # no manifest noise
    # Hand edits win over staleness: they would be lost by regenerating.
    models = _package(generated_repo) / "models.py"
    models.write_text(models.read_text() + "# mine\n")
    assert cli("check", cwd=generated_repo).code == EXIT_EDITED


def test_generator_change_is_stale_with_the_reason(generated_repo: Path, cli: CliRunner) -> None:
    manifest_path = _package(generated_repo) / MANIFEST
    data = json.loads(manifest_path.read_text())
    data["generator"]["version"] = "0.0.1"
    data["templates_sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(data))
    result = cli("check", cwd=generated_repo)
    assert result.code == EXIT_STALE
    assert f"specgen changed (0.0.1 -> {__version__})" in result.err
    assert "the templates or the runtime changed" in result.err


def test_missing_package_is_stale(repo: Path, cli: CliRunner) -> None:
    result = cli("check", cwd=repo)
    assert result.code == EXIT_STALE
    assert "not generated yet" in result.err


def test_unreadable_manifest_is_a_hand_edit(generated_repo: Path, cli: CliRunner) -> None:
    (_package(generated_repo) / MANIFEST).write_text("{not json")
    result = cli("check", cwd=generated_repo)
    assert result.code == EXIT_EDITED
    assert "unreadable" in result.err


def test_vendored_package_without_its_spec(generated_repo: Path, tmp_path: Path, cli: CliRunner) -> None:
    consumer = make_repo(tmp_path / "consumer", None, spec=None)
    shutil.copytree(_package(generated_repo), consumer / "vendor" / PACKAGE)
    # By folder name: the package, or the folder holding packages.
    ok = cli("check", f"vendor/{PACKAGE}", cwd=consumer)
    assert ok.code == EXIT_OK, ok.err
    assert cli("check", "vendor", cwd=consumer).code == EXIT_OK
    # From the consumer's config: no specs there, so the packages under `out`.
    (consumer / "pyproject.toml").write_text('[tool.specgen]\nout = "vendor"\n')
    configured = cli("check", "-v", cwd=consumer)
    assert configured.code == EXIT_OK, configured.err
    assert "intact" in configured.out
    client = consumer / "vendor" / PACKAGE / "client.py"
    client.write_text(client.read_text().replace("DEFAULT_BASE_URL", "DEFAULT_BASE_URL  # patched"))
    edited = cli("check", cwd=consumer)
    assert edited.code == EXIT_EDITED
    assert f"vendor/{PACKAGE}/client.py: edited by hand" in edited.out


def test_vendored_package_is_reported_intact_not_up_to_date(generated_repo: Path, tmp_path: Path, cli: CliRunner) -> None:
    consumer = make_repo(tmp_path / "consumer", None, spec=None)
    shutil.copytree(_package(generated_repo), consumer / "vendor" / PACKAGE)
    result = cli("check", "vendor", cwd=consumer)
    assert result.code == EXIT_OK, result.err
    # No spec was compared: the package matches its manifest, which says nothing of freshness.
    assert "1 package in vendor/ is intact (no spec to compare with)" in result.out + result.err
    assert "up to date" not in result.out + result.err
    # With the spec beside it as well, both kinds are told apart.
    both = cli("check", cwd=generated_repo)
    assert "1 package in generated/ is up to date" in both.out


OS_JUNK = (".DS_Store", "Thumbs.db", "desktop.ini", "._client.py", "client.py.swp", ".client.py.swo", "client.py~")


def test_os_and_editor_junk_is_not_a_hand_edit(generated_repo: Path, tmp_path: Path, cli: CliRunner) -> None:
    consumer = make_repo(tmp_path / "consumer", None, spec=None)
    vendored = consumer / "vendor" / PACKAGE
    shutil.copytree(_package(generated_repo), vendored)
    package = _package(generated_repo)
    for folder in (vendored, vendored / "_runtime", package, package / "_runtime"):
        for name in OS_JUNK:
            (folder / name).write_bytes(b"\x00\x01junk")
    vendored_check = cli("check", "vendor", cwd=consumer)
    assert vendored_check.code == EXIT_OK, vendored_check.out + vendored_check.err
    spec_check = cli("check", "--diff", cwd=generated_repo)
    assert spec_check.code == EXIT_OK, spec_check.out + spec_check.err
    # A real hand-added file next to the junk is still found.
    (vendored / "extra.py").write_text("x = 1\n")
    added = cli("check", "vendor", cwd=consumer)
    assert added.code == EXIT_EDITED
    assert f"vendor/{PACKAGE}/extra.py: added by hand" in added.out
    assert not any(name in added.out for name in OS_JUNK)
    # generate replaces a package folder that holds junk (it is not a hand-added file).
    regenerated = cli("generate", cwd=generated_repo)
    assert regenerated.code == EXIT_OK, regenerated.err


def test_bare_check_in_a_repo_that_only_vendors_points_to_the_packages(
    generated_repo: Path, tmp_path: Path, cli: CliRunner
) -> None:
    consumer = make_repo(tmp_path / "consumer", None, spec=None)
    shutil.copytree(_package(generated_repo), consumer / "third_party" / PACKAGE)
    result = cli("check", cwd=consumer)
    assert result.code == EXIT_INPUT
    assert "no specs given and none found" in result.err
    assert "`specgen check third_party/`" in result.err  # where the vendored packages are
    empty = cli("check", cwd=make_repo(tmp_path / "empty", None, spec=None))
    assert empty.code == EXIT_INPUT
    assert "`specgen check <folder of packages>`" in empty.err and "`specgen init`" in empty.err


def test_configured_spec_missing_falls_back_to_the_manifest(generated_repo: Path, cli: CliRunner) -> None:
    (generated_repo / "spec" / SEED.name).unlink()
    result = cli("check", cwd=generated_repo)
    assert result.code == EXIT_OK, result.err
    assert "against its manifest only" in result.err


def test_not_a_package_is_an_input_error(tmp_path: Path, cli: CliRunner) -> None:
    consumer = make_repo(tmp_path / "c", None, spec=None)
    (consumer / "vendor" / "thing").mkdir(parents=True)
    result = cli("check", "vendor/thing", cwd=consumer)
    assert result.code == EXIT_INPUT
    assert "no _specgen.json found" in result.err


def test_diff_is_coloured_on_a_terminal_only(generated_repo: Path) -> None:
    models = _package(generated_repo) / "models.py"
    models.write_text(models.read_text().replace("class PhoneNumber(", "class PhoneNumbr("))
    code, shown, _ = run_on_terminal(["check", "--diff"], generated_repo, {"TERM": "xterm", "NO_COLOR": ""})
    assert code == EXIT_EDITED
    assert "\033[32m+class PhoneNumber(_rt.Model):\033[0m" in shown
    code, shown, _ = run_on_terminal(["check", "--diff"], generated_repo, {"TERM": "xterm", "NO_COLOR": "1"})
    assert code == EXIT_EDITED
    assert "+class PhoneNumber(_rt.Model):" in shown and "\033[" not in shown
    # Piped (not a terminal): see test_hand_edit_is_told_apart.


def test_pre_commit_hook_runs_specgen_check() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    by_id = {hook["id"]: hook for hook in hooks}
    check = by_id["specgen-check"]
    assert check["entry"] == "specgen check"
    assert check["language"] == "python" and check["pass_filenames"] is False
    assert by_id["specgen-lint"]["entry"] == "specgen lint"
