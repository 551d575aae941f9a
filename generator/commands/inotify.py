"""Wake a polling loop as soon as something changes in a set of folders.

Linux's inotify, called through ctypes (no dependency). It is only an early
wake-up for ``specgen watch``: the watch still decides what changed by
comparing ``stat`` snapshots, and still looks every interval, so a missed or
spurious event (another file in the folder, an overflowing queue, a folder
that did not exist yet) costs at most one interval, never a wrong result.
Where inotify is missing (macOS, Windows, a libc without it, the per-user
limit reached), :meth:`Notifier.create` returns None and the watch polls.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import select
import sys
from collections.abc import Iterable

__all__ = ["Notifier"]

# <sys/inotify.h>
_IN_MODIFY = 0x002
_IN_ATTRIB = 0x004
_IN_CLOSE_WRITE = 0x008
_IN_MOVED_FROM = 0x040
_IN_MOVED_TO = 0x080
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_MOVE_SELF = 0x800
_IN_ONLYDIR = 0x01000000
_MASK = (
    _IN_MODIFY
    | _IN_ATTRIB
    | _IN_CLOSE_WRITE
    | _IN_MOVED_FROM
    | _IN_MOVED_TO
    | _IN_CREATE
    | _IN_DELETE
    | _IN_DELETE_SELF
    | _IN_MOVE_SELF
    | _IN_ONLYDIR
)


class Notifier:
    """An inotify instance watching folders (not recursively: name each one)."""

    def __init__(self, libc: ctypes.CDLL, fd: int) -> None:
        self._libc = libc
        self._fd = fd
        self._watches: dict[str, int] = {}  # folder -> watch descriptor

    @classmethod
    def create(cls) -> Notifier | None:
        """A notifier, or None where inotify cannot be used."""
        if not sys.platform.startswith("linux"):
            return None
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            init = libc.inotify_init1
            libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
            libc.inotify_rm_watch.argtypes = [ctypes.c_int, ctypes.c_int]
        except (OSError, AttributeError):
            return None
        fd = init(os.O_NONBLOCK | os.O_CLOEXEC)
        return None if fd < 0 else cls(libc, fd)

    def watch(self, folders: Iterable[str]) -> None:
        """Watch exactly ``folders`` from now on (missing ones are skipped).

        Every wanted folder is added again: for one still watched the kernel
        returns the same descriptor, and one deleted and made anew since (whose
        old watch the kernel dropped) is watched again."""
        wanted = set(folders)
        for folder in sorted(set(self._watches) - wanted):
            self._libc.inotify_rm_watch(self._fd, self._watches.pop(folder))  # fails harmlessly if gone
        for folder in sorted(wanted):
            wd = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), _MASK)
            if wd >= 0:
                self._watches[folder] = wd
            else:
                self._watches.pop(folder, None)  # gone, or the watch limit reached: polling covers it

    @property
    def watched(self) -> frozenset[str]:
        return frozenset(self._watches)

    def wait(self, timeout: float) -> bool:
        """Block until an event or ``timeout`` seconds; True if there were events
        (all of them read: the next wait waits for new ones)."""
        try:
            ready, _, _ = select.select([self._fd], [], [], timeout)
        except InterruptedError:  # pragma: no cover - retried by select itself since 3.5
            return False
        if not ready:
            return False
        while True:  # drain: the events themselves do not matter, only that there were some
            try:
                if not os.read(self._fd, 65536):
                    break
            except BlockingIOError:
                break
            except OSError as exc:  # pragma: no cover - EINTR is retried by os.read
                if exc.errno != errno.EINTR:
                    break
        return True

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
            self._watches.clear()

    def __enter__(self) -> Notifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
