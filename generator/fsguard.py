"""What specgen reads and replaces on disk: symbolic links, special files, proof of authorship.

The rules (README, "Security"):

- Folders on the way to a path the user names (``--out``, a spec, the
  changelog) are followed: a folder linked elsewhere is a normal setup, and
  the output root, the spec's folder are where such links lead.
- A named file that is itself a symbolic link (a spec, the changelog) must
  lead into the folder holding the link, or below. A ``$ref``'d file must
  resolve into the spec's folder (load/refs.py).
- Below an output root nothing is a link: a package folder, its folders and
  files are real. specgen reads none of them through a link, never writes
  through one, and replaces no folder that holds one.
- Only regular files are read. A FIFO, socket or device is refused unopened,
  and a file is opened non-blocking, so a swapped-in FIFO cannot hang a run.
- ``generate`` removes or replaces only what the package's manifest proves it
  wrote (and byte-code caches, made from those files).

A race with someone changing the tree during a run is out of scope: the
checks are made before the work, not on every system call.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO


class PathError(Exception):
    """A path specgen cannot or will not use: bad input (exit 2). The message names it."""


class UnsafePath(PathError, ValueError):
    """A path refused for safety: a link leading out, a special file, files specgen did not write."""


class NotRegular(UnsafePath):
    """A FIFO, socket, device or folder where a regular file was expected."""

    def __init__(self, path: str | Path, kind: str) -> None:
        self.path = str(path)
        self.kind = kind
        super().__init__(f"{path} is {kind}, not a regular file")


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, for messages."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or below it (both absolute and normalised)."""
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # pragma: no cover - another drive on Windows
        return False


def real_folder(path: Path | str) -> str:
    """The folder holding ``path``, with every link on the way followed."""
    return os.path.realpath(os.path.dirname(os.path.abspath(path)))


def link_text(path: Path | str) -> str:
    """What a symbolic link holds, as ``ls -l`` shows it (never resolved further:
    a message tells no more than the link itself does)."""
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def link_leading_out(path: Path | str, folder: str | None = None) -> str | None:
    """If ``path`` is a symbolic link leading out of ``folder`` (default: the
    folder holding the link, resolved), what the link holds; None otherwise."""
    if not os.path.islink(path):
        return None
    real = os.path.realpath(path)
    return None if within(real, folder if folder is not None else real_folder(path)) else link_text(path)


def open_regular(path: Path | str, follow: bool = True) -> BinaryIO:
    """``path`` opened for reading if it is a regular file; :class:`NotRegular` otherwise.

    A FIFO or device is refused before it is opened (stat does not block), and
    the file is opened non-blocking and checked again, so one swapped in
    meanwhile is refused too. ``follow=False`` refuses a symbolic link too
    (as NotRegular; one swapped in meanwhile fails to open, ELOOP). A folder,
    and other failures, are OSErrors, as from :func:`open`.
    """
    st = os.stat(path) if follow else os.lstat(path)
    if stat.S_ISDIR(st.st_mode):  # as open() has it
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(path, kind_of(st.st_mode))
    fd = os.open(path, _READ_FLAGS | (0 if follow else _NOFOLLOW))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(path, kind_of(st.st_mode))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def spec_file_problem(path: Path | str) -> str | None:
    """Why ``path`` cannot be read as a spec (a link leading out of its folder,
    not a regular file); None if it can, or if it is missing (the reader says so)."""
    try:
        os.lstat(path)
    except OSError:
        return None
    leads_to = link_leading_out(path)
    if leads_to is not None:
        return (
            f"is a symbolic link to {leads_to}, outside the folder it is in; specgen reads no spec "
            "through a link that leads out of its folder (name the file itself)"
        )
    try:
        st = os.stat(path)
    except OSError:
        return None  # a dangling link: "cannot read spec: No such file..."
    if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):  # a folder: "cannot read spec: Is a directory"
        return f"is {kind_of(st.st_mode)}, not a regular file; a spec must be a regular file"
    return None


def file_to_write(path: Path, what: str) -> Path:
    """Where writing ``path`` (a file specgen updates in place, as the changelog)
    lands: ``path``, or for a link leading into its own folder, the link's target
    (the link stays). :class:`UnsafePath` for a link leading out of that folder,
    and for anything there that is not a regular file."""
    target = path
    if os.path.islink(path):
        leads_to = link_leading_out(path)
        if leads_to is not None:
            raise UnsafePath(
                f"{path} is a symbolic link to {leads_to}, outside the folder it is in; specgen reads and "
                f"writes no {what} through a link that leads out of its folder: replace the link with the file"
            )
        target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError:
        return target  # the write reports it
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(path, kind_of(st.st_mode))
    return target


# -- a package folder on disk ------------------------------------------------


@dataclass(frozen=True)
class PackageScan:
    """A package folder as found, links never followed.

    ``files``: each regular file's bytes by its path inside the folder
    (byte-code caches and OS or editor leftovers, :func:`is_junk`, left out); ``odd``: what is there instead of a regular
    file or folder, by path (a symbolic link, a FIFO...), neither followed
    nor opened; ``folder``: what the package path itself is when it is not a
    real folder ("" when it is one, or missing); ``read_only``: folders whose
    entries cannot be removed.
    """

    files: dict[str, bytes] = field(default_factory=dict)
    odd: dict[str, str] = field(default_factory=dict)
    folder: str = ""
    read_only: tuple[str, ...] = ()


#: Files that operating systems and editors drop into any folder (Finder's
#: ``.DS_Store`` and ``._*`` resource forks, Explorer's ``Thumbs.db`` and
#: ``desktop.ini``, vim's swap files, backup files ending in ``~``). Like
#: byte-code caches they are neither read, nor hand edits, nor kept when
#: ``generate`` replaces the folder.
_JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_JUNK_SUFFIXES = (".swp", ".swo", "~")


def _bytecode(name: str) -> bool:
    return name == "__pycache__" or name.endswith((".pyc", ".pyo"))


def is_junk(name: str) -> bool:
    """Whether a file name is a byte-code cache or an OS or editor leftover."""
    return _bytecode(name) or name in _JUNK_NAMES or name.startswith("._") or name.endswith(_JUNK_SUFFIXES)


def scan_package(folder: Path) -> PackageScan:
    """Read a package folder as :class:`PackageScan` describes."""
    try:
        st = os.lstat(folder)
    except OSError:
        return PackageScan()
    if stat.S_ISLNK(st.st_mode):
        return PackageScan(folder=f"a symbolic link (to {link_text(folder)})")
    if not stat.S_ISDIR(st.st_mode):
        return PackageScan(folder=kind_of(st.st_mode))
    files: dict[str, bytes] = {}
    odd: dict[str, str] = {}
    read_only: list[str] = []
    pending = [""]
    while pending:
        inner = pending.pop()
        here = os.path.join(folder, inner) if inner else str(folder)
        if not os.access(here, os.W_OK | os.X_OK):
            read_only.append(inner)
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError as exc:
            odd[inner] = f"a folder that cannot be read ({exc.strerror or exc})"
            continue
        for entry in entries:
            relative = f"{inner}/{entry.name}" if inner else entry.name
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue  # gone meanwhile
            if stat.S_ISLNK(mode):
                odd[relative] = f"a symbolic link (to {link_text(entry.path)})"
            elif _bytecode(entry.name) or (is_junk(entry.name) and not stat.S_ISDIR(mode)):
                continue  # made by Python, the OS or an editor from the files below, removed with them
            elif stat.S_ISDIR(mode):
                pending.append(relative)
            elif stat.S_ISREG(mode):
                try:
                    with open_regular(entry.path, follow=False) as handle:
                        files[relative] = handle.read()
                except NotRegular as exc:  # swapped meanwhile
                    odd[relative] = exc.kind
                except OSError as exc:
                    odd[relative] = f"a file that cannot be read ({exc.strerror or exc})"
            else:
                odd[relative] = kind_of(mode)
    return PackageScan(dict(sorted(files.items())), dict(sorted(odd.items())), "", tuple(sorted(read_only)))


def _listed(paths: list[str], limit: int = 3) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


def check_replaceable(package_dir: Path, scan: PackageScan, written: Collection[str] | None) -> None:
    """Refuse (:class:`UnsafePath`) to replace ``package_dir`` unless specgen wrote all of it.

    ``written``: the paths its manifest lists (the manifest among them); None
    when there is no readable manifest. Byte-code caches go with the files
    they were made from; anything else not listed would be lost.
    """
    if scan.folder:
        raise UnsafePath(
            f"{package_dir} is {scan.folder}, not a package folder specgen wrote; specgen replaces only "
            "folders it wrote: move it away, or choose another output folder (--out)"
        )
    if scan.odd:
        paths = [f"{package_dir / p} ({kind})" for p, kind in scan.odd.items()]
        raise UnsafePath(
            f"{_listed(paths)}: not something specgen writes, and replacing the package would delete it; "
            "remove it, or choose another output folder (--out)"
        )
    if not scan.files:
        return  # missing, or only empty folders and byte-code caches
    if written is None:
        raise UnsafePath(
            f"{package_dir} holds files specgen did not write (it has no readable _specgen.json): "
            f"{_listed(sorted(scan.files))}; move them away, or choose another output folder (--out)"
        )
    unlisted = [str(package_dir / p) for p in scan.files if p not in written]
    if unlisted:
        raise UnsafePath(
            f"{_listed(unlisted)}: not written by specgen (not in {package_dir / '_specgen.json'}), and "
            "replacing the package would delete it; move it out of the package folder"
        )
    if scan.read_only:
        folders = [str(package_dir / p) if p else str(package_dir) for p in scan.read_only]
        raise PathError(f"{_listed(folders)}: read-only; specgen could not replace the package there")
