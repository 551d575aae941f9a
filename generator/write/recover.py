"""What an interrupted run left in an output folder, found and cleaned up.

A run writes each package to a hidden folder ``.<package>.new-XXXXXXXX``
beside its place, its manifest first (write/stage.py); then swaps it in: the old
package renamed to ``.<package>.old-XXXXXXXX``, the new one to ``<package>``;
then removes the old one, its manifest last. Killed (SIGKILL, a power cut)
along the way, it leaves:

- ``.X.new-*`` alone (killed while staging, or before the swap): removed;
- ``.X.old-*`` and no ``X`` (killed between the two renames): put back as
  ``X``. The killed run never finished, so the package it replaced is the
  last one a run completed; its staged ``.X.new-*``, complete or not, is
  removed. The next ``generate`` then writes its own, as usual;
- ``.X.old-*`` beside ``X`` (killed while removing it): removed.

``generate`` recovers under the output folder's exclusive lock (write/lock.py), so
no live run's folder is touched; ``check`` only reports. Only folders that
are provably specgen's are touched: the name pattern, a real folder (not a
link) holding a ``_specgen.json`` that names package ``X``; an empty folder of
that name is removed too (``rmdir`` removes nothing else). Anything else is
left alone, with a note.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .manifest import MANIFEST_NAME, ManifestError, parse_manifest

# tempfile.mkdtemp's names: the prefix, then 8 of [a-z0-9_]
PATTERN = re.compile(r"\.(?P<package>\w+)\.(?P<kind>new|old)-[a-z0-9_]{8}\Z")
_MAX_MANIFEST = 256 * 1024 * 1024  # bytes; a manifest is far smaller (one hash a file and an API summary)


@dataclass(frozen=True)
class Leftover:
    """A hidden staging (``new``) or swapped-out (``old``) folder of ``package``."""

    path: Path
    package: str
    kind: str
    state: str  # "ours" (its manifest names the package), "empty", or "unknown"


def find(root: Path) -> list[Leftover]:
    """The folders in ``root`` named like an interrupted run's, sorted by name."""
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError:  # no such folder, or not one
        return []
    found = []
    for entry in entries:
        match = PATTERN.match(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        path = Path(entry.path)
        found.append(Leftover(path, match["package"], match["kind"], _state(path, match["package"])))
    return found


def _state(folder: Path, package: str) -> str:
    try:
        with os.scandir(folder) as entries:
            if next(entries, None) is None:
                return "empty"
        manifest = folder / MANIFEST_NAME
        if not manifest.is_file() or manifest.is_symlink() or manifest.stat().st_size > _MAX_MANIFEST:
            return "unknown"
        found = parse_manifest(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ManifestError, RecursionError):
        return "unknown"
    return "ours" if found.package == package else "unknown"


def recover(root: Path, say: Callable[[str], None]) -> None:
    """Put back or remove what interrupted runs left in ``root`` (see the module's
    docstring), saying what was done. Call it with ``root``'s exclusive lock held."""
    leftovers = find(root)
    restored: set[Path] = set()
    for package in sorted({item.package for item in leftovers}):
        final = root / package
        olds = [item for item in leftovers if item.package == package and item.kind == "old" and item.state == "ours"]
        if not olds or os.path.lexists(final):
            continue
        if len(olds) > 1:
            names = ", ".join(item.path.name for item in olds)
            say(
                f"specgen: note: {final} is missing and several interrupted runs moved it aside ({names}); "
                "left as they are: rename the one to keep to its name"
            )
            restored.update(item.path for item in olds)  # not removed either
            continue
        try:
            os.rename(olds[0].path, final)
        except OSError as exc:
            say(f"specgen: note: could not put back {final} from {olds[0].path.name}: {exc.strerror or exc}")
        else:
            say(f"specgen: note: put back {final}, moved aside by an interrupted run ({olds[0].path.name})")
        restored.add(olds[0].path)
    for item in leftovers:
        if item.path in restored:
            continue
        if item.state == "unknown":
            say(
                f"specgen: note: left {item.path} alone: named like an interrupted run's folder, but it has "
                f"no {MANIFEST_NAME} of package {item.package}; remove it if it is not yours"
            )
            continue
        try:
            if item.state == "empty":
                item.path.rmdir()
            else:
                remove_package(item.path)
        except OSError as exc:
            say(f"specgen: note: could not remove {item.path}, left by an interrupted run: {exc.strerror or exc}")
        else:
            say(f"specgen: note: removed {item.path}, left by an interrupted run")


def describe(root: Path) -> list[str]:
    """Notes on what interrupted runs left in ``root``, for ``check`` (which changes nothing)."""
    notes = []
    for item in find(root):
        if item.state == "unknown":
            continue
        missing = item.kind == "old" and not os.path.lexists(root / item.package)
        what = f"puts back {root / item.package} from it" if missing else "removes it"
        notes.append(f"specgen: note: {item.path} was left by an interrupted run; the next `specgen generate` {what}")
    return notes


def remove_package(folder: Path, emptied: Callable[[], None] | None = None) -> None:
    """Remove a package folder, its manifest last: until the folder is gone or
    empty, it is provably specgen's (see the module's docstring). ``emptied`` is
    called once only the manifest is left (a test hook's point)."""
    import shutil

    with os.scandir(folder) as entries:
        names = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    for name, is_folder in names:
        if name == MANIFEST_NAME:
            continue
        if is_folder:
            shutil.rmtree(folder / name)
        else:
            os.unlink(folder / name)
    if emptied is not None:
        emptied()
    with_manifest = any(name == MANIFEST_NAME for name, _ in names)
    if with_manifest:
        os.unlink(folder / MANIFEST_NAME)
    folder.rmdir()
