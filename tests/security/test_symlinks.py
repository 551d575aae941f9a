"""Symbolic links at every level of the output tree and of the spec tree (issue 15).

The rules (generator/fsguard.py): links on the way to a path the user names
(the output root, the spec's folder) are followed, since linking a folder
elsewhere is a normal setup; below an output root nothing is a link (generate:
exit 2, check: a finding, exit 4; neither reads through it); a spec file and a
``$ref``'d file must resolve into the spec's folder (exit 2, unread).

Every case is run with generate, check and check --diff, each link pointing
inside and outside, and asserts the exit code and message, that no file
holding ``MARKER`` was opened or printed, and that nothing changed on disk but
the output (nothing at all when refused).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ._fs_support import (
    MARKER,
    SPEC,
    SPEC_WITH_REF,
    TOKEN,
    changed,
    link,
    marker_files,
    opened,
    run,
    snapshot,
    write,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")

COMMANDS = {"generate": ["generate"], "check": ["check"], "check --diff": ["check", "--diff"]}
WHERE = ["inside", "outside"]


@pytest.fixture(autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """One package cache for the module (outside every project): most runs are hits."""
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "symlinks-cache"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/project (the working directory, with a spec and a user's file) and tmp/elsewhere (a secret)."""
    root = tmp_path / "project"
    write(root / "spec" / "api.yaml", SPEC)
    write(root / "notes.txt", f"the user's notes {MARKER}\n")
    write(tmp_path / "elsewhere" / "secret.txt", f"{MARKER}\n")
    monkeypatch.chdir(root)
    return root


def checked_run(
    capsys: pytest.CaptureFixture[str], tmp: Path, args: list[str], may_change: Path | None
) -> tuple[int, str, str]:
    """Run specgen; assert no file holding MARKER was opened or printed, and that
    nothing changed under ``tmp`` outside ``may_change`` (resolved; None: nothing)."""
    secrets = marker_files(tmp)
    assert secrets, "the test needs a file no run may read"
    before = snapshot(tmp)
    with opened() as seen:
        code, out, err = run(capsys, *args)
    read = {os.path.realpath(p) for p in seen} & secrets
    assert not read, f"read a file it must not: {read}"
    assert MARKER not in out + err
    allowed = os.path.realpath(may_change) if may_change is not None else None
    outside = {
        p for p in changed(before, snapshot(tmp)) if allowed is None or os.path.commonpath([p, allowed]) != allowed
    }
    assert not outside, f"changed outside the output: {sorted(outside)}"
    return code, out, err


def generate(capsys: pytest.CaptureFixture[str], *extra: str) -> None:
    code, _out, err = run(capsys, "generate", "spec/api.yaml", "--out", "out", *extra)
    assert code == 0, err


# -- the output tree -----------------------------------------------------------


def _stash(project: Path, where: str) -> Path:
    """Where a link below the output root points: a folder in the output root, or outside the project."""
    return project / "out" / "stash" if where == "inside" else project.parent / "elsewhere"


def _arrange_output(project: Path, level: str, where: str) -> None:
    """Replace one level of a generated package with a link (its target holding MARKER)."""
    package = project / "out" / "api"
    stash = _stash(project, where)
    if level == "package":
        shutil.move(package, stash / "api")
        write(stash / "api" / "secret.txt", MARKER)
        link(package, stash / "api")
    elif level == "subfolder":
        shutil.move(package / "_runtime", stash / "_runtime")
        write(stash / "_runtime" / "secret.txt", MARKER)
        link(package / "_runtime", stash / "_runtime")
    elif level == "file":  # the issue's `ln -s /proc/self/environ gen/api/env.txt`
        write(stash / "env.txt", f"TOKEN={MARKER}\n")
        link(package / "env.txt", stash / "env.txt")
    elif level == "manifest":  # a valid manifest, but read through a link
        data = json.loads((package / "_specgen.json").read_text())
        data["x-secret"] = MARKER
        write(stash / "_specgen.json", json.dumps(data))
        (package / "_specgen.json").unlink()
        link(package / "_specgen.json", stash / "_specgen.json")
    else:  # pragma: no cover
        raise AssertionError(level)


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("level", ["package", "subfolder", "file", "manifest"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_link_below_the_output_root_is_refused_unread(
    project: Path, capsys: pytest.CaptureFixture[str], level: str, where: str, command: str
) -> None:
    generate(capsys)
    _arrange_output(project, level, where)
    args = [*COMMANDS[command], "spec/api.yaml", "--out", "out"]
    code, out, err = checked_run(capsys, project.parent, args, None)
    if command == "generate":
        assert code == 2, err
        assert err.startswith("specgen generate: out/api") and "symbolic link" in err, err
        assert "internal error" not in err
    else:
        assert code == 4, err
        assert "hand-edited" in err and "symbolic link" in out, out


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("level", ["root", "ancestor"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_linked_output_root_is_followed(
    project: Path, capsys: pytest.CaptureFixture[str], level: str, where: str, command: str
) -> None:
    """An output folder (or a folder on the way to it) linked elsewhere is a normal
    setup: the output goes where the link leads, and nothing else changes."""
    target = (project if where == "inside" else project.parent / "elsewhere") / "real"
    target.mkdir(parents=True)
    write(target / "beside.txt", MARKER)  # beside the output: never read
    if level == "root":
        link(project / "out", target)
        out = project / "out"
    else:
        link(project / "via", target)
        out = project / "via" / "out"
    if command != "generate":
        generate(capsys, "--out", str(out.relative_to(project)))
    args = [*COMMANDS[command], "spec/api.yaml", "--out", str(out.relative_to(project))]
    code, _out, err = checked_run(capsys, project.parent, args, out if command == "generate" else None)
    assert code == 0, err
    assert (out / "api" / "_specgen.json").is_file()
    assert os.path.realpath(out / "api").startswith(str(target.resolve()))


@pytest.mark.parametrize("where", WHERE)
def test_a_linked_changelog(project: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    """Inside its folder, the link is kept and its target updated; leading out, it is
    refused before anything is written, and its target is neither read nor copied."""
    generate(capsys)
    spec = project / "spec" / "api.yaml"
    spec.write_text(SPEC + "                  age: {type: integer}\n")  # an API change: an entry
    if where == "inside":
        target = write(project / "docs" / "CHANGELOG.md", "# Changelog\n\nolder entries\n")
    else:
        target = write(project.parent / "elsewhere" / "CHANGELOG.md", f"# Changelog\n\n{MARKER}\n")
    link(project / "CHANGELOG.md", target)
    args = ["generate", "spec/api.yaml", "--out", "out", "--changelog", "CHANGELOG.md"]
    if where == "inside":
        code, _out, err = checked_run(capsys, project.parent, args, project)
        assert code == 0, err
        assert (project / "CHANGELOG.md").is_symlink(), "the link is kept"
        text = target.read_text()
        assert "age" in text and text.endswith("older entries\n")
    else:
        models = (project / "out" / "api" / "models.py").read_text()
        code, _out, err = checked_run(capsys, project.parent, args, None)
        assert code == 2, err
        assert err.startswith("specgen generate: CHANGELOG.md is a symbolic link"), err
        assert (project / "out" / "api" / "models.py").read_text() == models, "no package written either"


def test_the_issue_case_a_package_link_to_the_output_root(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`ln -s . api; specgen generate api.yaml --out .` deleted api.yaml and notes.txt."""
    write(tmp_path / "api.yaml", SPEC)
    write(tmp_path / "notes.txt", "notes\n")
    link(tmp_path / "api", ".")
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    code, _out, err = run(capsys, "generate", "api.yaml", "--out", ".")
    assert code == 2, err
    assert err == (
        "specgen generate: api is a symbolic link (to .), not a package folder specgen wrote; specgen replaces "
        "only folders it wrote: move it away, or choose another output folder (--out)\n"
    )
    assert snapshot(tmp_path) == before


def test_the_issue_case_a_package_link_to_its_parent(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`--out gen` with `gen/api -> .`: gen/ was moved out of --out, exit 3."""
    write(tmp_path / "api.yaml", SPEC)
    link(tmp_path / "gen" / "api", ".")
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    code, _out, err = run(capsys, "generate", "api.yaml", "--out", "gen")
    assert code == 2 and "gen/api is a symbolic link (to .)" in err, err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"notes.txt": "mine\n"}, "out/api/notes.txt: not written by specgen"),
        ({"sub/notes.txt": "mine\n"}, "out/api/sub/notes.txt: not written by specgen"),
    ],
)
def test_generate_removes_only_what_the_manifest_lists(
    project: Path, capsys: pytest.CaptureFixture[str], extra: dict[str, str], message: str
) -> None:
    generate(capsys)
    for name, text in extra.items():
        write(project / "out" / "api" / name, text)
    code, _out, err = checked_run(capsys, project.parent, ["generate", "spec/api.yaml", "--out", "out"], None)
    assert code == 2 and message in err, err
    # Byte-code caches are made from the files specgen wrote: they go with them.
    for name in extra:
        (project / "out" / "api" / name).unlink()
    write(project / "out" / "api" / "__pycache__" / "models.cpython-312.pyc", "x")
    (project / "spec" / "api.yaml").write_text(SPEC.replace("title: T", "title: T2"))
    code, _out, err = run(capsys, "generate", "spec/api.yaml", "--out", "out")
    assert code == 0, err


@pytest.mark.parametrize("manifest", ["missing", "not JSON"])
def test_a_package_folder_without_a_manifest_is_not_replaced(
    project: Path, capsys: pytest.CaptureFixture[str], manifest: str
) -> None:
    generate(capsys)
    path = project / "out" / "api" / "_specgen.json"
    if manifest == "missing":
        path.unlink()
    else:
        path.write_text("{")
    code, _out, err = checked_run(capsys, project.parent, ["generate", "spec/api.yaml", "--out", "out"], None)
    assert code == 2 and "out/api holds files specgen did not write" in err, err


def test_an_empty_package_folder_is_taken(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "out" / "api" / "empty").mkdir(parents=True)
    generate(capsys)
    assert (project / "out" / "api" / "_specgen.json").is_file()


@pytest.mark.parametrize("kind", ["dangling link", "link to a file", "file"])
def test_an_output_root_that_is_no_folder(project: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    if kind == "dangling link":
        link(project / "out", "missing")
    elif kind == "link to a file":
        link(project / "out", "notes.txt")
    else:
        write(project / "out", "a file\n")
    code, _out, err = checked_run(capsys, project.parent, ["generate", "spec/api.yaml", "--out", "out"], None)
    assert code == 2 and err.startswith("specgen generate: output folder out is"), err


# -- the spec tree ------------------------------------------------------------


def _arrange_spec(project: Path, level: str, where: str) -> None:
    """A spec tree with one link (a spec file, a folder on the way, a $ref'd file or folder)."""
    spec = project / "spec"
    store = spec / "store" if where == "inside" else project.parent / "elsewhere"
    shutil.rmtree(spec)
    if level == "spec file":
        write(store / "api.yaml", SPEC if where == "inside" else SPEC.replace("title: T", f"title: {MARKER}"))
        link(spec / "api.yaml", store / "api.yaml")
    elif level == "folder on the way":
        real = (project / "specs") if where == "inside" else store / "specs"
        write(real / "api.yaml", SPEC_WITH_REF % "common.yaml")
        write(real / "common.yaml", f"token: {TOKEN}\n")
        link(spec, real)
    elif level == "$ref target":
        write(spec / "api.yaml", SPEC_WITH_REF % "common.yaml")
        write(store / "common.yaml", f"token: {TOKEN if where == 'inside' else MARKER}\n")
        link(spec / "common.yaml", store / "common.yaml")
    elif level == "$ref'd folder":
        write(spec / "api.yaml", SPEC_WITH_REF % "schemas/common.yaml")
        write(store / "schemas" / "common.yaml", f"token: {TOKEN if where == 'inside' else MARKER}\n")
        link(spec / "schemas", store / "schemas")
    else:  # pragma: no cover
        raise AssertionError(level)


SPEC_CASES = [
    # (level, where, allowed)
    ("spec file", "inside", True),
    ("spec file", "outside", False),
    ("folder on the way", "inside", True),
    ("folder on the way", "outside", True),  # the spec's folder is where the link leads
    ("$ref target", "inside", True),
    ("$ref target", "outside", False),
    ("$ref'd folder", "inside", True),
    ("$ref'd folder", "outside", False),
]


@pytest.mark.parametrize(("level", "where", "allowed"), SPEC_CASES)
@pytest.mark.parametrize("command", COMMANDS)
def test_links_in_the_spec_tree(
    project: Path, capsys: pytest.CaptureFixture[str], level: str, where: str, allowed: bool, command: str
) -> None:
    _arrange_spec(project, level, where)
    if allowed and command != "generate":
        generate(capsys)
    args = [*COMMANDS[command], "spec/api.yaml", "--out", "out"]
    may_change = project / "out" if allowed and command == "generate" else None
    code, _out, err = checked_run(capsys, project.parent, args, may_change)
    if allowed:
        assert code == 0, err
        if level != "spec file":
            assert TOKEN in (project / "out" / "api" / "models.py").read_text()
        return
    assert code == 2, err
    assert "symbolic link" in err and "outside" in err, err
    assert not (project / "out").exists()


def test_the_issue_case_a_ref_into_a_linked_kube_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`spec/common.yaml -> ~/.kube/config` and a default that is a $ref into it."""
    kube = write(tmp_path / "home" / ".kube" / "config", f"users:\n- user:\n    token: {MARKER}\n")
    write(tmp_path / "project" / "spec" / "api.yaml", SPEC_WITH_REF.replace("#/token", "#/users/0/user/token") % "common.yaml")
    link(tmp_path / "project" / "spec" / "common.yaml", kube)
    monkeypatch.chdir(tmp_path / "project")
    with opened() as seen:
        code, out, err = run(capsys, "generate", "spec/api.yaml", "--out", "out")
    assert code == 2, err
    assert err == (
        "spec/api.yaml:17: /paths/~1items/get/responses/200/content/application~1json/schema/properties/token/default: "
        "$ref 'common.yaml#/users/0/user/token' points outside the spec's folder (spec/common.yaml is a symbolic "
        "link that leads out of it); only files in spec/ and below can be referenced\n"
    )
    assert str(kube) not in {os.path.realpath(p) for p in seen}
    assert MARKER not in out + err and not (tmp_path / "project" / "out").exists()


@pytest.mark.parametrize("where", WHERE)
def test_init_with_a_linked_pyproject(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """As for the changelog: `specgen init` copied a linked pyproject.toml's target into the folder."""
    project = tmp_path / "project"
    write(tmp_path / "elsewhere" / "secret.txt", MARKER)
    if where == "inside":
        target = write(project / "config" / "pyproject.toml", "[project]\nname = 'x'\n")
    else:
        target = write(tmp_path / "elsewhere" / "pyproject.toml", f"[project]\nname = '{MARKER}'\n")
    link(project / "pyproject.toml", target)
    monkeypatch.chdir(project)
    code, _out, err = checked_run(capsys, tmp_path, ["init"], project if where == "inside" else None)
    if where == "inside":
        assert code == 0, err
        assert (project / "pyproject.toml").is_symlink() and "[tool.specgen]" in target.read_text()
    else:
        assert code == 2, err
        assert err.startswith("specgen init: ") and (
            "/project/pyproject.toml is a symbolic link to ../elsewhere/pyproject.toml, outside the folder it is in" in err
        ), err
