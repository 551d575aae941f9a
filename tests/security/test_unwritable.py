"""Output that cannot be written is bad input (exit 2, naming the path), not a bug (issue 15, defect 5).

Permissions do not stop root, which these tests may run as: then the refusal
is simulated (``os.access`` says no, or the first write fails as it would).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest

from ._fs_support import SPEC, run, snapshot, write

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    write(tmp_path / "project" / "spec" / "api.yaml", SPEC)
    monkeypatch.chdir(tmp_path / "project")
    return tmp_path / "project"


def deny_writes(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``os.access`` says ``folder`` cannot be written, as for a user without the permission."""
    real_access = os.access
    denied = os.path.realpath(folder)

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        if mode & os.W_OK and os.path.realpath(path) == denied:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders")
def test_a_read_only_output_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "out"
    out.mkdir()
    out.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, _out, err = run(capsys, "generate", "spec/api.yaml", "--out", "out")
    finally:
        out.chmod(stat.S_IRWXU)
    assert code == 2, err
    assert err == "specgen generate: output folder out is read-only; specgen cannot write packages there\n"


def test_a_read_only_output_folder_simulated(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "out").mkdir()
    deny_writes(monkeypatch, project / "out")
    code, _out, err = run(capsys, "generate", "spec/api.yaml", "--out", "out")
    assert code == 2, err
    assert err == "specgen generate: output folder out is read-only; specgen cannot write packages there\n"


def test_a_write_that_fails_while_staging(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the permission check cannot foresee (a full disk, a folder made read-only
    meanwhile) is still exit 2, naming the package, and leaves nothing behind."""

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise PermissionError(13, "Permission denied", str(kwargs.get("dir", "?")))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    before = snapshot(project)
    code, _out, err = run(capsys, "generate", "spec/api.yaml", "--out", "out")
    assert code == 2, err
    assert err == "specgen generate: cannot write out/api: Permission denied\n"
    # the output root this run created (for its lock) is removed again once empty (write/lock.py)
    assert set(snapshot(project)) == set(before), "nothing left behind"


def test_a_read_only_package_folder(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its old files could not be removed after the swap: refused before anything is written."""
    code, _out, err = run(capsys, "generate", "spec/api.yaml", "--out", "out")
    assert code == 0, err
    (project / "spec" / "api.yaml").write_text(SPEC.replace("title: T", "title: T2"))
    deny_writes(monkeypatch, project / "out" / "api" / "_runtime")
    before = snapshot(project)
    code, _out, err = run(capsys, "generate", "spec/api.yaml", "--out", "out")
    assert code == 2, err
    assert err == "specgen generate: out/api/_runtime: read-only; specgen could not replace the package there\n"
    assert snapshot(project) == before
