"""The optional formatter ``ruff format`` (``formatter = "ruff"``).

ruff gives black's style, not black's bytes, so black stays the default and
every golden file is black's. ruff is not a dependency of specgen: it is found
at run time, first the executable of the ``ruff`` Python package importable
here (the one ``pip install ruff`` put beside specgen), then ``ruff`` on PATH.

ruff runs once per package, over a temporary folder holding the files to
format, with ``--isolated`` so that no ``ruff.toml`` or ``pyproject.toml`` of
the user's changes the output: it depends only on specgen's options and on
ruff's version, which the manifest and the cache keys record.

This module does not import black, and imports what running ruff needs only
when it runs ruff: the CLI imports it on its fast paths.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

FORMATTERS = ("black", "ruff")
DEFAULT_FORMATTER = "black"
TARGET_VERSION = "py311"
NOT_FOUND = "ruff not found; install it with pip install ruff"
_BATCH = 500  # files per ruff process (keeps the command line short)


class RuffNotFound(Exception):
    """Neither the ruff Python package nor ``ruff`` on PATH gives a working ruff."""


class RuffError(Exception):
    """ruff could not format generated code: a generator bug, never a spec error."""


@dataclass(frozen=True)
class Ruff:
    """A ruff executable found at run time, and its version."""

    executable: str
    version: str  # as ``ruff --version`` prints it, e.g. "0.17.6"


def find_ruff() -> Ruff:
    """The ruff to use; :class:`RuffNotFound` if there is none."""
    for executable in _candidates():
        version = _version(executable)
        if version is not None:
            return Ruff(executable, version)
    raise RuffNotFound(NOT_FOUND)


def _candidates() -> list[str]:
    import importlib
    import shutil

    found: list[str] = []
    try:  # the ruff package; its find_ruff_bin is in ruff.__main__ in every release
        module = importlib.import_module("ruff.__main__")
        found.append(os.fspath(module.find_ruff_bin()))
    except Exception:  # not installed, or installed without its binary
        pass
    on_path = shutil.which("ruff")
    if on_path is not None:
        found.append(on_path)
    return found


@functools.lru_cache(maxsize=8)
def _version(executable: str) -> str | None:
    import subprocess

    try:
        done = subprocess.run(
            [executable, "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            env=_environment(),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    words = done.stdout.split()
    if done.returncode != 0 or len(words) < 2 or words[0] != "ruff":
        return None
    return words[1]


def forget_versions() -> None:
    """Ask each ruff its version again (a resident process: ruff may be upgraded meanwhile)."""
    _version.cache_clear()


def _environment() -> dict[str, str]:
    # RUFF_* variables (cache folder, output format, ...) are the user's
    # settings for their own runs, not for specgen's.
    return {k: v for k, v in os.environ.items() if not k.startswith("RUFF_")}


def command(ruff: Ruff, line_length: int) -> list[str]:
    """The ``ruff format`` command line, without the files."""
    return [
        ruff.executable,
        "format",
        "--isolated",
        "--no-cache",
        "--line-length",
        str(line_length),
        "--target-version",
        TARGET_VERSION,
    ]


def format_with_ruff(
    ruff: Ruff, files: dict[str, str], line_length: int
) -> dict[str, str]:
    """``files`` (relative paths) formatted by ``ruff format`` in a temporary folder."""
    if not files:
        return {}
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="specgen-ruff-") as folder:
        root = Path(folder)
        paths = sorted(files)
        for path in paths:
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[path].encode("utf-8"))
        for start in range(0, len(paths), _BATCH):
            # Files named on the command line are formatted even where ruff's
            # default excludes (build/, dist/, ...) would skip a folder.
            batch = paths[start : start + _BATCH]
            try:
                done = subprocess.run(
                    [*command(ruff, line_length), "--", *batch],
                    cwd=root,
                    capture_output=True,
                    text=True,
                    timeout=600,
                    env=_environment(),
                )
            except (OSError, subprocess.SubprocessError) as exc:
                raise RuffError(f"cannot run {ruff.executable}: {exc}") from exc
            if done.returncode != 0:
                message = (
                    done.stderr or done.stdout
                ).strip() or f"exit {done.returncode}"
                raise RuffError(
                    f"ruff {ruff.version} cannot format generated code: {message}"
                )
        return {path: (root / path).read_bytes().decode("utf-8") for path in paths}
