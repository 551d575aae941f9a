"""Formatting started early: black imported in a forked child while the
parent imports and runs the rest of the pipeline.

Importing black is a large part of a regeneration after a one-line spec
change, where black then formats one or two blocks (docs/speed.md). With
``jobs > 1`` the CLI forks this helper as soon as it knows the cache cannot
answer, before it imports the pipeline: the child imports black on the other
core while the parent imports Jinja2 and PyYAML, loads, builds and renders.
:func:`generator.format.files.format_files` then sends the blocks it has to format
to the helper, unless there are enough of them for a pool of workers (then
the parent imports black, forks the pool, and closes the helper).

The helper is only ever a speed-up. It answers each request over a pipe,
pickled and length-prefixed: ``("ok", [formatted text, ...])`` or
``("error", message)``. An error, a crash, a short or garbled reply, or a
helper that is gone means formatting in the parent, as without a helper; it
is then closed for the rest of the run. The output is the same bytes either
way: the same black, the same mode, the same function
(:func:`generator.format.blocks.format_block`).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Any

from ..children import die_with_parent

_HEADER = 8  # bytes of the big-endian length before each message


class FormatHelper:
    """A forked child with black imported, formatting blocks on request."""

    def __init__(self, pid: int, requests: int, replies: int) -> None:
        self.pid = pid
        self._requests = requests  # write end: parent -> child
        self._replies = replies  # read end: child -> parent
        self.closed = False

    @classmethod
    def start(cls) -> FormatHelper | None:
        """Fork the helper; None where that is not possible or not safe
        (no ``os.fork``, or other threads running: a fork copies only this one)."""
        if not hasattr(os, "fork") or os.name != "posix":
            return None
        import threading

        if threading.active_count() != 1:
            return None
        requests_r, requests_w = os.pipe()
        replies_r, replies_w = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            try:
                if stream is not None:  # None: a descriptor closed when Python started
                    stream.flush()
            except (OSError, ValueError):
                pass
        # Ctrl-C is held back until the helper is recorded: an interrupt between
        # the fork and here would leave a child nobody closes, or (in the child)
        # unwind into the parent's code.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        parent = os.getpid()
        pid = 0
        parent_ends = [requests_r, requests_w, replies_r, replies_w]  # open in this process
        helper: FormatHelper | None = None
        try:
            try:
                pid = os.fork()
            except OSError:
                return None
            if pid == 0:  # pragma: no cover - the child; its work is checked through the parent
                try:
                    die_with_parent(parent)  # a SIGKILLed run cleans up nothing
                    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it; the parent cleans up
                    signal.pthread_sigmask(signal.SIG_SETMASK, held)
                    os.close(requests_w)
                    os.close(replies_r)
                    _serve(requests_r, replies_w)
                finally:
                    os._exit(1)  # never back into the parent's code
            for fd in (requests_r, replies_w):  # the child's ends
                parent_ends.remove(fd)
                os.close(fd)
            helper = cls(pid, requests_w, replies_r)
            parent_ends = []  # the helper owns them now
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a held Ctrl-C is raised here
        except BaseException:
            if helper is not None:
                helper.close()
            else:
                _stop(pid, parent_ends)
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            if pid == 0:
                _stop(0, parent_ends)  # the fork failed: only pipes to close
        return helper

    def format(self, items: list[tuple[str, int]]) -> list[str] | None:
        """Each ``(text, line_length)`` formatted by the helper, in order; None
        if the helper did not answer properly (it is closed then)."""
        if self.closed:
            return None
        try:
            _send(self._requests, items)
            reply = _receive(self._replies)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, IndexError):
            reply = None
        if (
            isinstance(reply, tuple)
            and len(reply) == 2
            and reply[0] == "ok"
            and isinstance(reply[1], list)
            and len(reply[1]) == len(items)
            and all(isinstance(text, str) for text in reply[1])
        ):
            return reply[1]
        self.close()
        return None

    def close(self) -> None:
        """Stop the child and reap it; safe to call twice."""
        if self.closed:
            return
        self.closed = True
        _stop(self.pid, [self._requests, self._replies])


def _stop(pid: int, fds: list[int]) -> None:
    """Close ``fds``; kill child ``pid`` (0: none) and reap it."""
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
    fds.clear()
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _send(fd: int, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(fd: int) -> Any:
    size = int.from_bytes(_read_exactly(fd, _HEADER), "big")
    return pickle.loads(_read_exactly(fd, size))


def _serve(requests: int, replies: int) -> None:  # pragma: no cover - runs in the child
    """The child: import black, then answer requests until the pipe closes."""
    code = 0
    try:
        from .blocks import format_block

        format_block(("x = 1\n", 88))  # imports black and loads its grammar: the point of the helper
        while True:
            try:
                items = _receive(requests)
            except EOFError:
                break
            try:
                reply: tuple[str, Any] = ("ok", [format_block(item) for item in items])
            except Exception as exc:  # the parent formats inline and reports it
                reply = ("error", f"{type(exc).__name__}: {exc}")
            _send(replies, reply)
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # never the parent's atexit handlers or buffered output
