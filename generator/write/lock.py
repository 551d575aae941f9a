"""One run at a time per output folder: an flock on ``<out>/.specgen.lock``.

``generate`` holds it exclusively from before it looks at the packages on
disk until their swaps are done; ``check`` holds it shared, so that it never
reads a package half swapped. A run that finds it taken says so once
("waiting for another specgen run (pid N) on out/"), waits, and after
``SPECGEN_LOCK_TIMEOUT`` seconds (default 300) gives up with :class:`LockError`
(exit 2). The holder writes its pid in the file, for that message only.

The file is there only while a run holds it: the last holder removes it, and
the output folder too if this run created it and left it empty. A waiter may
then hold a lock on a removed file: it checks, once it has the lock, that the
path still names the file it opened, and starts again if not. A run killed
with SIGKILL leaves the file but not the lock (the kernel drops an flock with
the last descriptor of its open file); the next holder removes the file.
Forked children would inherit that descriptor, and a helper that outlived a
killed run would hold the folder: they close it right after the fork.

Where ``fcntl`` is missing (Windows), runs are not serialised.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME = ".specgen.lock"
TIMEOUT_VARIABLE = "SPECGEN_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 300.0  # seconds; a large generate without a cache takes about a minute
_MAX_DELAY = 0.2  # seconds between two attempts, at most
_PID_WIDTH = 20  # characters of the pid in the lock file, spaces before it

_held: set[int] = set()  # descriptors of the locks this process holds


class LockError(Exception):
    """The output folder could not be locked: another run holds it too long, or
    its lock file is not one specgen made (exit 2)."""


@dataclass
class _Lock:
    fd: int
    path: Path
    exclusive: bool
    created: Path | None  # the outermost folder made for it (exclusive locks only)


@contextlib.contextmanager
def hold(folders: Iterable[Path], exclusive: bool, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the lock of every folder of ``folders`` for the block.

    Exclusive (generate): a missing folder is created (and removed again at the
    end if still empty). Shared (check): a missing folder is not locked, nor
    one where the lock file cannot be made (a read-only checkout). Folders are
    taken in one order (resolved paths, sorted), so two runs never wait for
    each other's second folder.
    """
    try:
        import fcntl  # noqa: F401
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    deadline = time.monotonic() + _timeout()
    shown: dict[Path, Path] = {}  # resolved folder: the path as given, for messages
    for folder in folders:
        shown.setdefault(Path(os.path.abspath(folder)).resolve(), folder)
    locks: list[_Lock] = []
    try:
        for folder in sorted(shown):
            lock = _acquire(folder, shown[folder], exclusive, say, deadline)
            if lock is not None:
                locks.append(lock)
        yield
    finally:
        for lock in reversed(locks):
            _release(lock)


def _timeout() -> float:
    text = os.environ.get(TIMEOUT_VARIABLE, "")
    if not text.strip():
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise LockError(f"{TIMEOUT_VARIABLE}: expected a number of seconds, got {text!r}")
    return seconds


def _acquire(folder: Path, shown: Path, exclusive: bool, say: Callable[[str], None], deadline: float) -> _Lock | None:
    """The lock of ``folder`` (``shown`` in messages), once had; None where a
    shared one is not to be had (see :func:`hold`)."""
    import fcntl

    path = folder / LOCK_NAME
    created: Path | None = None
    delay = 0.01
    told = False
    while True:
        if not folder.is_dir():
            if not exclusive:
                return None  # nothing to read there, nor to wait for
            created = _make_folder(folder) or created
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(path, flags, 0o666)
        except FileNotFoundError:  # the folder was removed meanwhile by the run before
            if time.monotonic() >= deadline:
                raise LockError(f"cannot lock {shown}/ for this run: it keeps disappearing") from None
            continue
        except OSError as exc:
            if not exclusive:
                return None  # check in a folder it cannot write: it reads unlocked
            raise LockError(f"cannot lock {shown}/ for this run: {shown / LOCK_NAME}: {exc.strerror or exc}") from None
        try:
            _check_regular(fd, shown / LOCK_NAME)
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise LockError(
                    f"another specgen run{holder} still holds {shown / LOCK_NAME}; giving up "
                    f"(wait longer with {TIMEOUT_VARIABLE}=seconds, now {_timeout():g})"
                ) from None
            if not told:
                say(f"specgen: waiting for another specgen run{holder} on {shown}/")
                told = True
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, _MAX_DELAY)
            continue
        except BaseException:
            os.close(fd)
            raise
        if not _same_file(fd, path):  # removed by its holder while this run waited: again
            os.close(fd)
            continue
        _held.add(fd)
        if exclusive:  # fixed width, over whatever a killed holder wrote: no truncation,
            # which ext4 would follow with a flush of the file on close (docs/speed.md)
            with contextlib.suppress(OSError):
                os.pwrite(fd, f"{os.getpid():>{_PID_WIDTH}}\n".encode("ascii"), 0)
        return _Lock(fd, path, exclusive, created)


def _make_folder(folder: Path) -> Path | None:
    """Create ``folder`` and its missing parents; the outermost this call made, if any."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.is_dir():
            break
        missing.append(parent)
    outermost = None
    for parent in reversed(missing):
        try:
            parent.mkdir()
        except FileExistsError:  # another run made it: not ours to remove
            continue
        if outermost is None:
            outermost = parent
    return outermost


def _check_regular(fd: int, path: Path) -> None:
    import stat

    if not stat.S_ISREG(os.fstat(fd).st_mode):
        raise LockError(f"{path} is not a lock file specgen made (not a regular file); remove it")


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _holder(fd: int) -> str:
    """`` (pid N)``, as the holder wrote it, or nothing."""
    try:
        text = os.pread(fd, _PID_WIDTH + 1, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {text})" if text.isdigit() else ""


def _release(lock: _Lock) -> None:
    """Remove the lock file if no other run holds it or waits with it, then let go."""
    import fcntl

    if lock.fd not in _held:  # closed already (a forked child's copy of this state)
        return
    try:
        if not lock.exclusive:
            try:  # the last of the shared holders removes it
                fcntl.flock(lock.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return
        if _same_file(lock.fd, lock.path):
            with contextlib.suppress(OSError):
                os.unlink(lock.path)
        folder = lock.path.parent
        while lock.created is not None:  # the folders made for the lock, innermost first, if empty
            try:
                folder.rmdir()
            except OSError:
                break
            if folder == lock.created:
                break
            folder = folder.parent
    finally:
        _held.discard(lock.fd)
        os.close(lock.fd)


def _forget_in_child() -> None:
    """In a forked child: close the inherited lock descriptors (without unlocking:
    the lock is the parent's), so that the child cannot keep it held."""
    for fd in _held:
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
