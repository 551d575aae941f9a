"""Validation beside the rest: :func:`generator.validate.checks.validate` (or
lenient mode's check) in a forked child process, so that the pipeline builds,
renders and formats on the other core meanwhile (with ``jobs > 1``).

:func:`start_validation` forks the child (or returns None: validate inline);
:func:`wait_for_validation` gives its verdict, the same as the check's.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from . import checks as validate_module  # looked up at call time (tests replace validate)
from ..children import die_with_parent
from ..errors import Diagnostic, SpecError
from ..load.spec import LoadedSpec


def _strict(spec: LoadedSpec) -> None:
    validate_module.validate(spec)  # looked up at call time (tests replace validate)


Check = Callable[[LoadedSpec], Any]


class BackgroundValidation:
    """A check of one spec (:func:`validate` by default), running in a forked child process.

    The child sends its verdict over a pipe, pickled: ``(what the check returned,
    None)``, or ``(None, the diagnostics of the SpecError it raised)``. Anything
    else (the child crashed, was killed, raised another exception, sent a partial
    or garbled verdict) means checking in the parent instead, as without a child.
    """

    def __init__(self, spec: LoadedSpec, pid: int, fd: int, check: Check = _strict) -> None:
        self.spec = spec
        self.check = check
        self.result: Any = None  # what the check returned, once finished without error
        self.pid = pid  # kept after reaping (tests check that it was reaped)
        self._fd = fd  # the pipe's read end; -1 once read to the end
        self._running = True  # not reaped yet
        self._error: SpecError | None = None
        self.finished = False  # the verdict is known (or validating in the parent raised)

    def ready(self) -> bool:
        """Whether the verdict is there (or the child gone), so that waiting costs nothing."""
        try:
            return self.finished or bool(select.select([self._fd], [], [], 0)[0])
        except ValueError:  # a descriptor past FD_SETSIZE: only the final wait will tell
            return False

    def wait(self) -> Any:
        """Block until the verdict; return what the check returned, or raise the
        :class:`SpecError` it raised."""
        if not self.finished:
            verdict = self._collect()
            self.finished = True
            if verdict is _NO_VERDICT:
                try:
                    self.result = self.check(self.spec)  # the child failed: correctness first
                except SpecError as exc:
                    self._error = exc
            elif verdict[1] is not None:
                self._error = SpecError(verdict[1])
            else:
                self.result = verdict[0]
        if self._error is not None:
            raise self._error
        return self.result

    def _collect(self) -> Any:
        """The child's verdict, the child reaped; ``_NO_VERDICT`` if it sent none.

        The pipe is read to its end first (a verdict may be larger than a pipe
        holds). Its only write end is the child's, closed once the verdict is
        written or when the child exits, whatever the way: so the read ends,
        and the child has exited or is about to. A verdict cut short by the
        child's death does not unpickle.
        """
        chunks = []
        try:
            while chunk := os.read(self._fd, 1 << 16):
                chunks.append(chunk)
        except OSError:
            self.close()
            return _NO_VERDICT
        os.close(self._fd)
        self._fd = -1
        with contextlib.suppress(ChildProcessError):  # reaped elsewhere (SIGCHLD ignored)
            os.waitpid(self.pid, 0)
        self._running = False
        try:
            verdict = pickle.loads(b"".join(chunks))
        except Exception:
            return _NO_VERDICT
        if not (isinstance(verdict, tuple) and len(verdict) == 2):
            return _NO_VERDICT
        found = verdict[1]
        if found is None or (isinstance(found, list) and all(isinstance(d, Diagnostic) for d in found)):
            return verdict
        return _NO_VERDICT

    def close(self) -> None:
        """Kill the child if it still runs, and reap it; idempotent."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self._running = False


_NO_VERDICT = object()
_VALIDATOR = "openapi_spec_validator"
# Specs with fewer located nodes (``len(spec.lines)``) validate inline once the
# validator is imported: a fork costs more than such a validation (figures in
# docs/speed.md). The first spec of a process always forks: the child also
# hides the validator's import.
BESIDE_MIN_NODES = 2000
_forked_before = False  # a child imported the validator; later ones could inherit it


def start_validation(spec: LoadedSpec, jobs: int, check: Check = _strict) -> BackgroundValidation | None:
    """Start ``check`` (:func:`validate`) of ``spec`` in a forked child; None if it should run inline.

    Inline means ``jobs <= 1``, no ``os.fork`` (Windows), other threads in this
    process (a forked child could inherit a lock one of them holds, and hang),
    or a spec under ``BESIDE_MIN_NODES`` once the validator is imported.
    The caller must :meth:`~BackgroundValidation.close` what it gets back, and
    :func:`wait_for_validation` for the verdict.
    """
    global _forked_before
    if jobs <= 1 or os.name != "posix" or not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    if _forked_before and _VALIDATOR not in sys.modules:
        # Several specs in one run: import the validator here once (as without a
        # child), for later children to inherit, rather than in each.
        import openapi_spec_validator  # noqa: F401
    if _VALIDATOR in sys.modules and len(spec.lines) < BESIDE_MIN_NODES:
        return None  # a small spec: validating here costs less than a fork
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: never returns
        code = 1
        try:
            die_with_parent(parent)  # a SIGKILLed run cleans up nothing
            os.close(read_fd)
            # Objects inherited from the parent are left alone by the collector:
            # otherwise the child's collections would touch, and so copy, its heap.
            gc.freeze()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            sys.stdout = sys.stderr = open(devnull, "w")  # the parent's (unflushed) ones are left alone
            _validate_in_child(spec, write_fd, check)
            code = 0
        finally:
            os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
    os.close(write_fd)
    _forked_before = True
    return BackgroundValidation(spec, pid, read_fd, check)


def _validate_in_child(spec: LoadedSpec, fd: int, check: Check = _strict) -> None:
    """In the child: check, and write the verdict to ``fd`` (see :class:`BackgroundValidation`)."""
    verdict: tuple[Any, list[Diagnostic] | None]
    try:
        verdict = (check(spec), None)
    except SpecError as exc:
        if type(exc) is not SpecError:
            raise  # the parent validates again, and raises it itself
        verdict = (None, list(exc.diagnostics))
    data = memoryview(pickle.dumps(verdict, protocol=pickle.HIGHEST_PROTOCOL))
    while data:
        data = data[os.write(fd, data) :]
    os.close(fd)


def wait_for_validation(background: BackgroundValidation) -> Any:
    """The verdict of :func:`start_validation`'s child: what the check returned, or raise its :class:`SpecError`."""
    return background.wait()
