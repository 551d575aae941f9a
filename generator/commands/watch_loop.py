"""The watch loop: which files are inputs, how a change is seen, and when a run starts.

The inputs are each spec; for a spec with ``$ref``s to other files, every
spec file under its folder (where load/refs.py reads them), output folders and
hidden folders left out; the spec folder's own listing when the specs are
discovered there (a new spec file is a new package); the configuration file
(or, without one, where it would be); and the ``.jinja`` files of a
``--templates`` folder. Hidden files (``.#x.yaml``) and backups (``x.yaml~``)
are never inputs.

They are compared by ``stat`` (mtime, size, inode) every ``interval`` seconds:
no dependency, the same on every platform. A file modified in the last two
seconds is also compared by content, since a coarse file-system clock can
give two quick saves of the same size one mtime (as git does for "racy"
files). On Linux, inotify (see commands/inotify.py) also wakes the loop as soon as
something changes in the inputs' folders; the comparison still decides, so
a missed event costs at most an interval. Looking is kept to about a tenth
of the time: the next look waits at least ten times as long as the last one
took, however early inotify wakes the loop.

A change starts a run once the inputs stop changing (an editor may write a
file in several steps): a look ``_SETTLE`` seconds of real time after the
last one agrees with it. A run is the ``generate`` command's own, with its
output, its errors and its atomicity: a spec error is printed, nothing is
written, and the watch goes on. Inputs are snapshot *before* each run, so an
edit saved while a run reads the spec starts another run.

The process stays resident: black, Jinja2, PyYAML and the validator are
imported once, so a regeneration after a one-line change costs the work
alone (see ``docs/benchmarks.md``).
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from .cache import SPEC_SUFFIXES, refers_to_files, spec_folder, tree_files
from ..fsguard import spec_file_problem
from .inotify import Notifier

__all__ = [
    "Inputs",
    "Tree",
    "StopWatching",
    "inputs_for",
    "snapshot",
    "changed",
    "watch",
    "DEFAULT_INTERVAL",
    "EXIT_INTERRUPTED",
]

DEFAULT_INTERVAL = 0.1  # seconds between polls: ~10 stat() calls a second per input
EXIT_INTERRUPTED = 130  # what a run returns when Ctrl-C stopped it
_SETTLE = 0.02  # seconds of real time between two looks that must agree before a run
_MAX_SETTLE_LOOKS = 50  # then the run starts anyway (a file that never stops changing)
_LOOK_SHARE = 10  # wait at least this many times as long as the last look took
_RACY_NS = 2_000_000_000  # files modified this recently are also compared by content
_clock = time.monotonic


class StopWatching(Exception):
    """Raised by a run that must not happen, or by ``say`` (the caller said why): the
    watch ends with ``code``, 0 unless given."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = code


class Tree(NamedTuple):
    """A folder whose files with one of ``suffixes`` are inputs; with
    ``recursive``, those of its subfolders too, but for hidden folders,
    ``__pycache__`` and the folders in ``skip`` (absolute paths)."""

    folder: str
    suffixes: tuple[str, ...]
    recursive: bool
    skip: frozenset[str] = frozenset()

    def files(self) -> list[str]:
        """The input files under the folder now (absolute paths, sorted, bounded)."""
        found = tree_files(
            Path(self.folder), self.suffixes, hidden=False, recursive=self.recursive, skip=self.skip
        )
        return [os.path.join(self.folder, name) for name in found]


class Inputs(NamedTuple):
    """What a run depends on: files, and trees listed anew at every look."""

    files: tuple[str, ...]
    trees: tuple[Tree, ...]

    def all_files(self) -> set[str]:
        paths = set(self.files)
        for tree in self.trees:
            paths.update(tree.files())
        return paths

    def folders(self) -> set[str]:
        """The folders holding the inputs (to be told of changes in them)."""
        found = {os.path.dirname(path) for path in self.all_files()}
        found.update(tree.folder for tree in self.trees)
        return found

    def watched(self) -> int:
        """How many files are watched now."""
        return len(self.all_files())


def inputs_for(
    specs: Sequence[Path],
    config_file: Path | None,
    templates: Path | None,
    discovered_in: Path | None = None,
    outputs: Iterable[Path] = (),
) -> Inputs:
    """The inputs of a run over ``specs``; ``discovered_in`` is the folder the
    specs were found in (a spec file added there is a change too);
    ``outputs`` are output roots, never inputs (the watch's own writes)."""
    skip = frozenset(os.path.abspath(out) for out in outputs)
    files = {os.path.abspath(spec) for spec in specs}
    trees: set[Tree] = set()
    for spec in specs:
        if spec_file_problem(spec) is not None:
            continue  # a FIFO would block the read; the run says what is wrong
        try:
            raw = spec.read_bytes()
        except OSError:
            continue  # a missing spec is watched until it appears
        if refers_to_files(raw):
            trees.add(Tree(str(spec_folder(spec)), SPEC_SUFFIXES, True, skip))
    if discovered_in is not None:
        trees.add(Tree(os.path.abspath(discovered_in), SPEC_SUFFIXES, False))
    if config_file is not None:
        files.add(os.path.abspath(config_file))
    if templates is not None:
        trees.add(Tree(os.path.abspath(templates), (".jinja",), True))
    return Inputs(tuple(sorted(files)), tuple(sorted(trees)))


class Snapshot(NamedTuple):
    """What a look saw: each input's ``stat``, and the contents' hashes of
    those modified in the last two seconds."""

    stamps: dict[str, tuple[int, int, int] | None]  # None: missing
    hashes: dict[str, str]


def snapshot(inputs: Inputs) -> Snapshot:
    """The inputs' ``stat`` stamps now, and the content hash of each changed too recently to trust its mtime."""
    stamps: dict[str, tuple[int, int, int] | None] = {}
    hashes: dict[str, str] = {}
    now = time.time_ns()
    for path in sorted(inputs.all_files()):
        try:
            st = os.stat(path)
        except OSError:
            stamps[path] = None  # missing (or unreadable): its appearance is a change
            continue
        stamps[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
        if now - st.st_mtime_ns < _RACY_NS and stat.S_ISREG(st.st_mode):  # a FIFO would block the read
            found = _content_hash(path)
            if found is not None:
                hashes[path] = found
    return Snapshot(stamps, hashes)


def _content_hash(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def changed(before: Snapshot, after: Snapshot) -> bool:
    """Whether an input changed, appeared or went between two looks. A file
    hashed in ``before`` (recently modified then) is compared by content even
    if ``after`` came too late to hash it: same stat, other bytes is a change."""
    if before.stamps != after.stamps:
        return True
    for path, old in before.hashes.items():
        new = after.hashes[path] if path in after.hashes else _content_hash(path)
        if new != old:
            return True
    return False


def _wait_for_change(
    inputs: Inputs,
    before: Snapshot,
    interval: float,
    wake: Callable[[float], object],
    sleep: Callable[[float], None],
) -> None:
    """Return once the inputs differ from ``before`` and have stopped changing.
    ``wake(seconds)`` waits but may return early (inotify); ``sleep`` waits."""
    cost = 0.0  # seconds the last look took
    last = _clock()
    while True:
        wake(max(interval, _LOOK_SHARE * cost))
        if wake is not sleep:  # it may have returned early: looking stays ~10% of the time
            rest = _LOOK_SHARE * cost - (_clock() - last)
            if rest > 0:
                sleep(rest)
        started = _clock()
        seen = snapshot(inputs)
        last = _clock()
        cost = last - started
        if changed(before, seen):
            break
    for _ in range(_MAX_SETTLE_LOOKS):
        sleep(max(_SETTLE, _LOOK_SHARE * cost))  # real time: an event must not cut it short
        again = snapshot(inputs)
        if not changed(seen, again):
            return
        seen = again


def watch(
    run: Callable[[], int],
    find_inputs: Callable[[], Inputs],
    interval: float,
    say: Callable[[str], None],
    sleep: Callable[[float], None] | None = None,
    warm_up: Callable[[], None] | None = None,
) -> int:
    """Run, then run again after every change of the inputs, until Ctrl-C.

    ``run`` is one ``generate`` (its exit code; :data:`EXIT_INTERRUPTED`
    when Ctrl-C stopped it, which ends the watch with that code); a
    ``KeyboardInterrupt`` outside a run ends it with 0;
    :class:`StopWatching`, from a run or from ``say``, with its code.
    ``sleep`` is ``time.sleep`` unless given
    (tests: a given ``sleep`` also leaves inotify out, so that the script
    decides every wake-up). ``warm_up`` is called once, after the first run
    (which may have been a cache hit that imported nothing), so that the
    first save does not wait for imports; if it fails, the runs import what
    they need themselves.
    """
    notifier = Notifier.create() if sleep is None else None
    pause = sleep or time.sleep
    wake: Callable[[float], object] = notifier.wait if notifier is not None else pause
    try:
        while True:
            try:
                inputs = find_inputs()
                if notifier is not None:
                    notifier.watch(inputs.folders())
                before = snapshot(inputs)  # before the run: an edit made during it is a change
            except KeyboardInterrupt:
                say("specgen: stopped watching")
                return 0
            code = run()
            if code == EXIT_INTERRUPTED:
                return code
            try:
                if warm_up is not None:
                    try:
                        warm_up()
                    except Exception:  # noqa: BLE001  (a speed-up only: a run reports a real failure)
                        pass
                    warm_up = None
                count = inputs.watched()
                say(f"specgen: watching {count} file{'' if count == 1 else 's'} for changes (Ctrl-C to stop)")
                _wait_for_change(inputs, before, interval, wake, pause)
            except KeyboardInterrupt:
                say("specgen: stopped watching")
                return 0
    except StopWatching as stop:
        return stop.code
    finally:
        if notifier is not None:
            notifier.close()
