"""Forked helper processes die with the process that forked them.

A run forks helpers: the format helper (format/helper.py), the validation
child (validate/beside.py) and black's pool of workers (format/files.py). Killed
with SIGKILL, the run cleans up nothing; a helper then waits for work that
never comes (a pool worker reads a queue whose write end its siblings hold
open) and would sleep on, orphaned. Each helper calls :func:`die_with_parent`
first thing after the fork.
"""

from __future__ import annotations

import os
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h
_POLL = 0.5  # seconds between two looks at the parent, where prctl is missing


def die_with_parent(parent: int, use_prctl: bool = True) -> None:
    """In a forked child of ``parent`` (its pid, taken before the fork): end
    this process when the parent ends, and now if it already has.

    On Linux, the kernel sends SIGKILL when the parent dies (prctl
    PR_SET_PDEATHSIG; ctypes is imported here, in the child, only). Elsewhere,
    or if that fails, a daemon thread looks at the parent every half second.
    The parent may have died before the signal was asked for: checked after.
    """
    asked = use_prctl and sys.platform.startswith("linux") and _ask_for_signal()
    if os.getppid() != parent:  # reparented: the parent is gone already
        os._exit(1)
    if not asked:
        import threading

        threading.Thread(target=_watch_parent, args=(parent,), name="specgen-parent-watch", daemon=True).start()


def _ask_for_signal() -> bool:
    """prctl(PR_SET_PDEATHSIG, SIGKILL); False where it cannot be had."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (ImportError, OSError, AttributeError, TypeError):  # no ctypes, no libc, no prctl
        return False


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(_POLL)
    os._exit(1)
