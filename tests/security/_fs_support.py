"""Helpers for the filesystem tests: a project on disk, what a run opened, what it changed.

``opened()`` records every path this process opens or lists while it is
active (a ``sys.addaudithook`` hook: the ``open`` event is raised by
:func:`open` and :func:`os.open`, before the file is opened), so a test can
assert that no file holding ``MARKER`` was read, whatever the route.
``snapshot()`` records a tree without following links, to assert that a run
changed nothing, or nothing outside its output.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import cli

MARKER = "SECRET-MARKER-5b9e"  # in every file that no run may read

SPEC = """openapi: 3.0.3
info: {title: T, version: "1"}
servers: [{url: "https://x.example"}]
paths:
  /items:
    get:
      operationId: listItems
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: {type: string}
"""

# A spec whose default comes from another file (issue 15, defect 3).
SPEC_WITH_REF = SPEC + "                  token: {type: string, default: {$ref: '%s#/token'}}\n"
TOKEN = "token-from-the-spec-folder"

_recording: list[str] | None = None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _recording is None or event not in ("open", "os.scandir", "os.listdir"):
        return
    path = args[0] if args else None
    if isinstance(path, (str, bytes, os.PathLike)):
        try:
            _recording.append(os.path.abspath(os.fsdecode(path)))
        except (TypeError, ValueError):  # pragma: no cover - an odd argument
            pass


sys.addaudithook(_hook)  # once per process; idle unless a test records


@contextlib.contextmanager
def opened() -> Iterator[list[str]]:
    """The paths opened or listed in the block (absolute, as given: links not resolved)."""
    global _recording
    seen: list[str] = []
    _recording = seen
    try:
        yield seen
    finally:
        _recording = None


def marker_files(root: Path) -> set[str]:
    """The real paths of the regular files under ``root`` that hold ``MARKER``."""
    found = set()
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as handle:
                if MARKER.encode() in handle.read():
                    found.add(os.path.realpath(path))
    return found


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under ``root`` (links not followed): its kind and contents or target."""
    entries: dict[str, tuple[object, ...]] = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                entries[path] = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as handle:
                    entries[path] = ("file", hashlib.sha256(handle.read()).hexdigest())
            elif stat.S_ISDIR(st.st_mode):
                entries[path] = ("dir",)
            else:
                entries[path] = ("special", stat.S_IFMT(st.st_mode))
    return entries


def changed(before: dict[str, tuple[object, ...]], after: dict[str, tuple[object, ...]]) -> set[str]:
    return {p for p in set(before) | set(after) if before.get(p) != after.get(p)}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def link(path: Path, target: Path | str) -> Path:
    """``path`` -> ``target`` (a relative target, as a user would write it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(target, path.parent) if os.path.isabs(target) else target
    path.symlink_to(relative, target_is_directory=os.path.isdir(os.path.join(path.parent, relative)))
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``specgen ARGS`` in this process (the audit hook sees it), one job: no child process."""
    code = cli.main([*args, "--jobs", "1"] if args[0] in ("generate", "check") else list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err
