"""``specgen watch``: generate, then generate again whenever an input changes.

The inputs are polled: every ``interval`` seconds each input file is
``stat``-ed (no dependency, the same on every platform, and cheap for the
handful of files a spec has). On Linux, inotify (see inotify.py) also wakes
the loop as soon as something changes in the inputs' folders, so a save is
seen at once rather than up to an interval later; what changed is still
decided by the ``stat`` snapshots. The inputs are each spec; for a spec with
``$ref``s to other files, every spec file in its folder (where refs.py reads
them); the spec folder when the specs are discovered there (a new spec file
is a new package); the configuration file; and a ``--templates`` folder.

A change starts a run once the inputs stop changing (an editor may write a
file in several steps): two looks ``_SETTLE`` apart agree. A run is the ``generate`` command's own, with its
output, its errors and its atomicity: a spec error is printed, nothing is
written, and the watch goes on. Inputs are snapshot *before* each run, so an
edit made while a run reads the spec starts another run.

The process stays resident: black, Jinja2, PyYAML and the validator are
imported once, so a regeneration after a one-line change costs the work
alone (see ``docs/benchmarks.md``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from .cache import SPEC_SUFFIXES, refers_to_files, spec_folder, tree_files
from .inotify import Notifier

__all__ = ["Inputs", "StopWatching", "inputs_for", "snapshot", "watch", "DEFAULT_INTERVAL", "EXIT_INTERRUPTED"]

DEFAULT_INTERVAL = 0.1  # seconds between polls: ~10 stat() calls a second per input
EXIT_INTERRUPTED = 130  # what a run returns when Ctrl-C stopped it (it wrote nothing)
_SETTLE = 0.02  # seconds between two looks once a change is seen, until they agree
_MAX_SETTLE_LOOKS = 50  # then the run starts anyway (a file that never stops changing)
_LOOK_SHARE = 10  # wait at least this many times as long as the last look took
_clock = time.monotonic


class StopWatching(Exception):
    """Raised by a run that must not happen (the caller said why): the watch ends with 0."""


class Inputs(NamedTuple):
    """What a run depends on: files to ``stat``, and folders whose (spec or
    template) files are listed and ``stat``-ed on every look."""

    files: tuple[str, ...]
    trees: tuple[tuple[str, tuple[str, ...] | None], ...]  # (folder, suffixes or None for all)

    def folders(self) -> set[str]:
        """The folders holding the inputs (to be told of changes in them)."""
        found = {os.path.dirname(path) for path in self.files}
        for folder, suffixes in self.trees:
            found.add(folder)
            found.update(os.path.dirname(os.path.join(folder, name)) for name in tree_files(Path(folder), suffixes))
        return found

    def watched(self) -> int:
        """How many files are watched now."""
        paths = set(self.files)
        for folder, suffixes in self.trees:
            paths.update(os.path.join(folder, name) for name in tree_files(Path(folder), suffixes))
        return len(paths)


def inputs_for(
    specs: Sequence[Path],
    config_file: Path | None,
    templates: Path | None,
    discovered_in: Path | None = None,
) -> Inputs:
    """The inputs of a run over ``specs``; ``discovered_in`` is the folder the
    specs were found in (a spec file added there is a change too)."""
    files = {os.path.abspath(spec) for spec in specs}
    trees: set[tuple[str, tuple[str, ...] | None]] = set()
    for spec in specs:
        try:
            raw = spec.read_bytes()
        except OSError:
            continue  # a missing spec is watched until it appears
        if refers_to_files(raw):
            trees.add((str(spec_folder(spec)), SPEC_SUFFIXES))
    if discovered_in is not None:
        trees.add((os.path.abspath(discovered_in), SPEC_SUFFIXES))
    if config_file is not None:
        files.add(os.path.abspath(config_file))
    if templates is not None:
        trees.add((os.path.abspath(templates), None))
    return Inputs(tuple(sorted(files)), tuple(sorted(trees, key=lambda t: (t[0], t[1] or ()))))


_Stamp = tuple[int, int, int] | None


def _stamp(path: str) -> _Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None  # missing (or unreadable): its appearance is a change
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def snapshot(inputs: Inputs) -> tuple[object, ...]:
    """A value that differs whenever an input file changes, appears or goes."""
    stamps: list[object] = [_stamp(path) for path in inputs.files]
    for folder, suffixes in inputs.trees:
        names = tree_files(Path(folder), suffixes)
        stamps.append(tuple((name, _stamp(os.path.join(folder, name))) for name in names))
    return tuple(stamps)


def _wait_for_change(
    inputs: Inputs, before: tuple[object, ...], interval: float, sleep: Callable[[float], object]
) -> None:
    """Return once the inputs differ from ``before`` and have stopped changing.
    ``sleep(seconds)`` may return early (an inotify event)."""
    pause = interval
    while True:
        sleep(pause)
        started = _clock()
        seen = snapshot(inputs)
        if seen != before:
            break
        # A big tree (a spec with $refs at a repository's root) is slow to look
        # at: looking takes at most ~10% of the time, whatever the interval.
        pause = max(interval, _LOOK_SHARE * (_clock() - started))
    for _ in range(_MAX_SETTLE_LOOKS):
        sleep(min(interval, _SETTLE))
        again = snapshot(inputs)
        if again == seen:
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
    ``KeyboardInterrupt`` while waiting ends it with 0. ``sleep`` is
    ``time.sleep`` unless given (tests: a given ``sleep`` also leaves inotify
    out, so that the script decides every wake-up). ``warm_up`` is called once, after the
    first run (which may have been a cache hit that imported nothing), so that
    the first save does not wait for imports; if it fails, the runs import
    what they need themselves.
    """
    notifier = Notifier.create() if sleep is None else None
    try:
        return _loop(run, find_inputs, interval, say, notifier, sleep or time.sleep, warm_up)
    finally:
        if notifier is not None:
            notifier.close()


def _loop(
    run: Callable[[], int],
    find_inputs: Callable[[], Inputs],
    interval: float,
    say: Callable[[str], None],
    notifier: Notifier | None,
    sleep: Callable[[float], None],
    warm_up: Callable[[], None] | None,
) -> int:
    pause: Callable[[float], object] = notifier.wait if notifier is not None else sleep
    while True:
        inputs = find_inputs()
        if notifier is not None:
            notifier.watch(inputs.folders())
        before = snapshot(inputs)  # before the run: an edit made during it is a change
        try:
            code = run()
        except StopWatching:
            return 0
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
            _wait_for_change(inputs, before, interval, pause)
        except KeyboardInterrupt:
            say("specgen: stopped watching")
            return 0
