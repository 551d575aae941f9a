"""A content-addressed cache on disk, for the CLI only (the core stays pure).

Entries, each keyed by sha256 of everything that decides it (docs/speed.md
lists what goes into each key):

- ``pack``: a package's formatted blocks and file layouts, one file per
  package and formatter (black's, or ruff's with ``formatter = "ruff"``);
- ``valid``: the validator's verdict on a spec;
- ``names``: the names the runtime defines (ir/runtime_names.py);
- ``package``: a whole generated package; only the last
  ``PACKAGE_GENERATIONS`` of each spec path and package name are kept
  (:meth:`Cache.keep_recent`).

Beside them, ``jinja/`` holds Jinja2's compiled templates, and ``recent/``
marks the package entries kept for each spec.

Entries are written atomically; a cache that cannot be read or written is
ignored, never an error. ``SPECGEN_CACHE_DIR`` sets the folder (empty:
no cache); the default is ``$XDG_CACHE_HOME/specgen`` or ``~/.cache/specgen``.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..fsguard import within
from ..paths import PACKAGE_DIR, SPEC_SUFFIXES as SPEC_SUFFIXES, templates_dir
from ..store import digest as digest  # the keys of every kind of entry

if TYPE_CHECKING:
    from ..options import Options

_MAX_SPEC_FILES = 500
PACKAGE_GENERATIONS = 4  # package entries kept per spec path and package name
_KEY = re.compile(r"[0-9a-f]{64}")
_LEGACY_FOLDERS = ("block", "file", "ruff")  # older versions' formatting caches


class Cache:
    """The disk cache under one folder: entries by kind and key (see the module's docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_env(cls) -> Cache | None:
        configured = os.environ.get("SPECGEN_CACHE_DIR")
        if configured is not None:
            return cls(Path(configured)) if configured.strip() else None
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return cls(Path(base) / "specgen")

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / key

    def get(self, kind: str, key: str) -> bytes | None:
        try:
            return self._path(kind, key).read_bytes()
        except OSError:
            return None

    def put(self, kind: str, key: str, data: bytes) -> None:
        self._write(self._path(kind, key), data)
        if kind == "pack":
            self.drop_legacy()

    def folder(self, kind: str) -> Path | None:
        """``root/kind``, for a cache that keeps its own files there (Jinja2's)."""
        return self.root / kind


    def keep_recent(self, kind: str, slot: str, key: str, keep: int) -> None:
        """Mark ``key`` as the newest ``kind`` entry of ``slot`` (on a write; a
        hit uses :meth:`mark_used`), and delete the entries that fall out of the slot's last
        ``keep``. One marker file per key (``recent/KIND/SLOT/KEY``, its mtime
        the last use): concurrent runs need no lock, and an entry they both
        use survives. Another slot that shared a deleted entry (the same
        content) just misses once."""
        folder = self.root / "recent" / kind / slot
        marker = folder / key
        try:
            folder.mkdir(parents=True, exist_ok=True)
            marker.touch()
            os.utime(marker)  # now, also when it existed
            used = []
            for name in os.listdir(folder):
                if _KEY.fullmatch(name):  # never a path, nor a temporary file
                    try:
                        used.append((os.stat(folder / name).st_mtime_ns, name))
                    except OSError:
                        pass
        except OSError:
            return
        used.sort(reverse=True)
        for _mtime, gone in used[keep:]:
            if gone == key:
                continue
            for path in (self._path(kind, gone), folder / gone):
                try:
                    path.unlink()
                except OSError:
                    pass

    def mark_used(self, kind: str, slot: str, key: str) -> None:
        """On a hit: make ``key`` the newest of ``slot`` (see :meth:`keep_recent`)
        with one ``utime``; nothing is listed or evicted on this hot path."""
        marker = self.root / "recent" / kind / slot / key
        try:
            os.utime(marker)
        except FileNotFoundError:  # an entry from before markers, or a lost one
            try:
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.touch()
            except OSError:
                pass
        except OSError:
            pass

    def drop_legacy(self) -> None:
        """Delete the folders of older specgen versions' formatting caches
        (one file per entry; no longer read). Called when a pack is written."""
        import shutil

        for name in _LEGACY_FOLDERS:
            folder = self.root / name
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)

    def _write(self, path: Path, data: bytes) -> None:
        import tempfile  # only when writing: a cache hit needs none of it

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except OSError:
            pass


def tree_files(
    folder: Path,
    suffixes: tuple[str, ...] | None = None,
    *,
    hidden: bool = True,
    recursive: bool = True,
    skip: frozenset[str] = frozenset(),
    confined: bool = False,
) -> list[str]:
    """The files under ``folder`` (relative, ``/``-separated), sorted, links
    followed once, ``__pycache__`` left out; bounded (see ``_MAX_SPEC_FILES``),
    and empty for a missing folder. May name folders' symlinks: check is_file().
    ``suffixes`` match in any case; ``hidden=False`` leaves out hidden files and
    folders, ``recursive=False`` subfolders, and ``skip`` the folders at
    those absolute paths; ``confined=True`` the folders whose links lead out
    of ``folder`` (resolved), where a spec's ``$ref`` cannot reach (load/refs.py)."""
    found: list[str] = []
    seen: set[str] = set()
    top = os.path.realpath(folder)
    for root, dirs, names in os.walk(folder, followlinks=True):  # nothing for a missing folder
        real = os.path.realpath(root)
        if real in seen or (confined and not within(real, top)):  # a symlink loop, a folder linked twice, or out
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = [
            name
            for name in dirs
            if recursive
            and name != "__pycache__"
            and (hidden or not name.startswith("."))
            and os.path.join(root, name) not in skip
        ]
        base = os.path.relpath(root, folder).replace(os.sep, "/")
        for name in names:
            if (suffixes is None or os.path.splitext(name)[1].lower() in suffixes) and (
                hidden or not name.startswith(".")
            ):
                found.append(name if base == "." else f"{base}/{name}")
        if len(found) > 4 * _MAX_SPEC_FILES:
            break
    return sorted(found)


def _tree_bytes(folder: Path, suffixes: tuple[str, ...] | None = None, confined: bool = False) -> list[bytes]:
    """Each file's path (relative, ``/``-separated) and bytes, sorted by path;
    ``__pycache__`` left out, at most ``_MAX_SPEC_FILES`` + 1 files. ``confined``:
    nothing read through a link leading out of ``folder`` (see :func:`tree_files`)."""
    out: list[bytes] = []
    top = os.path.realpath(folder)
    for relative in tree_files(folder, suffixes, confined=confined):
        if len(out) > 2 * _MAX_SPEC_FILES:
            break
        path = folder / relative
        if confined and not within(os.path.realpath(path), top):
            continue  # a $ref to it is refused: no part of the output
        if path.is_file():  # not a folder's symlink, a socket or a FIFO
            out += [relative.encode(), path.read_bytes()]
    return out


def code_fingerprint() -> str:
    """The bytes of specgen's own Python code (the runtime's included)."""
    return digest(*_tree_bytes(PACKAGE_DIR, (".py",)))


def generator_fingerprint(templates: Path | None) -> str:
    """The generator's version and the bytes of its code, templates and runtime."""
    from .. import __version__
    parts: list[bytes] = [__version__.encode()]
    parts += _tree_bytes(PACKAGE_DIR, (".py",))
    parts += _tree_bytes(templates_dir())
    if templates is not None:
        parts += _tree_bytes(templates)
    return digest(*parts)


def package_key(options: Options, spec: str, *names: str) -> str:
    """The ``package`` entry's key: the spec's fingerprint, the names it is
    read by, the generator's fingerprint (with the templates folder's bytes),
    the interpreter (ir/naming.py avoids its builtins and soft keywords) and
    every field of ``options``, listed by :meth:`Options.key_text` itself."""
    interpreter = f"{sys.implementation.name} {sys.version_info[0]}.{sys.version_info[1]}"
    return digest("package", spec, generator_fingerprint(options.templates), interpreter, *names, options.key_text())


_EXTERNAL_REF = re.compile(rb"""\$ref["']?\s*:\s*["']?(?!#)[^\s"']""")


def refers_to_files(raw: bytes) -> bool:
    """Whether a spec's text has a ``$ref`` to another file: then its package
    depends on every spec file in its folder (:func:`spec_folder`)."""
    return _EXTERNAL_REF.search(raw) is not None


def spec_folder(spec: Path) -> Path:
    """The folder a spec's file ``$ref``s are read from (as load/refs.py reads them)."""
    return Path(os.path.abspath(spec)).parent


def spec_fingerprint(spec: Path) -> str:
    """The spec's bytes; with relative-file ``$ref``s, those of every spec file beside it."""
    raw = spec.read_bytes()
    parts: list[bytes] = [raw]
    if refers_to_files(raw):
        parts += _tree_bytes(spec_folder(spec), SPEC_SUFFIXES, confined=True)
    return digest(*parts)
