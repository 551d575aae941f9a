"""generator/commands/watch_loop.py and generator/commands/inotify.py: the loop behind `specgen watch`,
what it watches, how it tells a change, and the inotify wake-up.

The loop runs in-process with a scripted ``sleep`` (no real waiting, and a
script always ends in Ctrl-C: bounded). The command itself is tested in
tests/workflow/test_watch.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import generator.commands.watch_loop as watch_module
from generator.commands.watch_loop import (
    EXIT_INTERRUPTED,
    Inputs,
    Snapshot,
    StopWatching,
    changed,
    inputs_for,
    snapshot,
    watch,
)


class Script:
    """A ``sleep`` that runs the next scripted action at each call, then
    raises KeyboardInterrupt (Ctrl-C) once the script is done: bounded."""

    def __init__(self, *actions: Callable[[], None]) -> None:
        self.actions = list(actions)
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if not self.actions:
            raise KeyboardInterrupt
        self.actions.pop(0)()


def _nothing() -> None:
    pass


def _touch(path: Path, text: str) -> Callable[[], None]:
    return lambda: path.write_text(text)


def _loop(path: Path, script: Script, codes: Iterator[int] | None = None) -> tuple[int, list[str], list[str]]:
    """Run ``watch`` over one file; (exit code, the file's text at each run, what it said)."""
    seen: list[str] = []
    said: list[str] = []

    def run() -> int:
        seen.append(path.read_text() if path.exists() else "<missing>")
        return next(codes) if codes is not None else 0

    code = watch(run, lambda: inputs_for([path], None, None), 0.1, said.append, sleep=script)
    return code, seen, said


# -- the loop ----------------------------------------------------------------------------


def test_runs_once_then_again_after_each_change_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("one")
    script = Script(_nothing, _nothing, _touch(spec, "two"), _nothing, _nothing, _touch(spec, "three"), _nothing)
    code, seen, said = _loop(spec, script)
    assert code == 0
    assert seen == ["one", "two", "three"]  # no run while nothing changed
    assert said[-1] == "specgen: stopped watching"
    assert said.count("specgen: watching 1 file for changes (Ctrl-C to stop)") == 3


def test_a_file_still_being_written_is_run_once_it_settles(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("v0")
    # Seen changed, then changed again at the first settling look, then stable.
    script = Script(_touch(spec, "v1-partial"), _touch(spec, "v1-complete!"), _nothing)
    code, seen, _ = _loop(spec, script)
    assert code == 0
    assert seen == ["v0", "v1-complete!"]


def test_an_edit_during_a_run_starts_another_run(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("before")
    seen: list[str] = []

    def run() -> int:
        seen.append(spec.read_text())
        if len(seen) == 1:
            spec.write_text("saved while the first run was reading")
        return 0

    code = watch(run, lambda: inputs_for([spec], None, None), 0.1, lambda _: None, sleep=Script(_nothing, _nothing))
    assert code == 0
    assert seen == ["before", "saved while the first run was reading"]


def test_an_interrupted_run_ends_the_watch_with_130(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("one")
    script = Script(_touch(spec, "two"), _nothing, _nothing)
    code, seen, _ = _loop(spec, script, iter([0, EXIT_INTERRUPTED]))
    assert code == EXIT_INTERRUPTED
    assert seen == ["one", "two"]


def test_a_failed_run_keeps_watching(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("broken")
    script = Script(_touch(spec, "mended"), _nothing)
    code, seen, _ = _loop(spec, script, iter([2, 0]))
    assert (code, seen) == (0, ["broken", "mended"])


def test_a_deleted_spec_is_a_change_and_so_is_its_return(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("here")
    script = Script(spec.unlink, _nothing, _touch(spec, "back"), _nothing)
    code, seen, _ = _loop(spec, script)
    assert (code, seen) == (0, ["here", "<missing>", "back"])


def test_a_run_may_stop_the_watch(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("one")
    runs: list[int] = []

    def run() -> int:
        runs.append(1)
        if len(runs) == 2:
            raise StopWatching
        return 0

    script = Script(_touch(spec, "two"), _nothing, _nothing, _nothing)
    assert watch(run, lambda: inputs_for([spec], None, None), 0.1, lambda _: None, sleep=script) == 0
    assert len(runs) == 2 and script.actions  # stopped by the run, not by the script's Ctrl-C


def test_ctrl_c_while_finding_the_inputs_stops_with_0(tmp_path: Path) -> None:
    said: list[str] = []

    def find_inputs() -> Inputs:
        raise KeyboardInterrupt

    code = watch(lambda: 0, find_inputs, 0.1, said.append, sleep=Script())
    assert (code, said) == (0, ["specgen: stopped watching"])


def test_warm_up_runs_once_after_the_first_run_and_may_fail(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("one")
    events: list[str] = []

    def run() -> int:
        events.append("run")
        return 0

    def warm_up() -> None:
        events.append("warm-up")
        raise ImportError("a speed-up only")

    script = Script(_touch(spec, "two"), _nothing, _touch(spec, "three"), _nothing)
    code = watch(run, lambda: inputs_for([spec], None, None), 0.1, lambda _: None, sleep=script, warm_up=warm_up)
    assert code == 0
    assert events == ["run", "warm-up", "run", "run"]


# -- waiting: settling, and the share of time spent looking --------------------------------


def test_settling_waits_real_time_even_when_woken_early(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("v0")
    inputs = inputs_for([spec], None, None)
    before = snapshot(inputs)
    woken: list[float] = []
    slept: list[float] = []

    def wake(seconds: float) -> None:  # inotify: returns at once, here because of the save below
        woken.append(seconds)
        spec.write_text("v1")

    watch_module._wait_for_change(inputs, before, 0.1, wake, slept.append)
    assert woken == [0.1]
    assert slept and slept[-1] >= watch_module._SETTLE  # the settling look waited, whatever woke it


def test_a_slow_look_lengthens_the_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    looks = [0]

    def slow_snapshot(inputs: Inputs) -> Snapshot:
        now[0] += 2.0  # every look takes 2 s
        looks[0] += 1
        if looks[0] > 3:
            raise KeyboardInterrupt
        return Snapshot({}, {})

    monkeypatch.setattr(watch_module, "_clock", lambda: now[0])
    monkeypatch.setattr(watch_module, "snapshot", slow_snapshot)
    woken: list[float] = []
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    def early_wake(seconds: float) -> None:  # an event at once, every time
        woken.append(seconds)

    with pytest.raises(KeyboardInterrupt):
        watch_module._wait_for_change(Inputs((), ()), Snapshot({}, {}), 0.1, early_wake, sleep)
    assert woken == [0.1, 20.0, 20.0, 20.0]  # the interval first, then ten times the look
    assert slept == [20.0, 20.0, 20.0]  # woken early: the rest of the ten-fold wait is slept


# -- what is watched, and what counts as a change --------------------------------------------


def _changes(inputs: Inputs, change: Callable[[], None]) -> bool:
    before = snapshot(inputs)
    change()
    return changed(before, snapshot(inputs))


def test_inputs_are_the_spec_config_and_template_files(tmp_path: Path) -> None:
    spec = tmp_path / "spec" / "api.yaml"
    spec.parent.mkdir()
    spec.write_text("openapi: 3.0.3\n")
    (tmp_path / "spec" / "other.yaml").write_text("x: 1\n")
    config = tmp_path / "pyproject.toml"
    config.write_text("")
    templates = tmp_path / "templates"
    (templates / "operations").mkdir(parents=True)
    (templates / "models.py.jinja").write_text("{# x #}")
    inputs = inputs_for([spec], config, templates)
    assert inputs.files == tuple(sorted((str(spec), str(config))))
    assert inputs.watched() == 3  # no $ref to other files: other.yaml is not an input
    assert _changes(inputs, lambda: spec.write_text("openapi: 3.0.4\n"))
    assert _changes(inputs, lambda: config.write_text("[tool.specgen]\n"))
    assert _changes(inputs, lambda: (templates / "models.py.jinja").write_text("{# y #}"))
    assert _changes(inputs, lambda: (templates / "operations" / "group.py.jinja").write_text(""))
    assert not _changes(inputs, lambda: (tmp_path / "spec" / "other.yaml").write_text("x: 2\n"))
    # An editor's files beside the templates are not templates.
    assert not _changes(inputs, lambda: (templates / ".models.py.jinja.swp").write_text("swap"))
    assert not _changes(inputs, lambda: (templates / "models.py.jinja~").write_text("backup"))


def test_a_spec_with_file_refs_watches_the_spec_files_under_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    (folder / "schemas").mkdir(parents=True)
    spec = folder / "api.yaml"
    spec.write_text("components:\n  schemas:\n    A:\n      $ref: 'schemas/a.yaml'\n")
    (folder / "schemas" / "a.yaml").write_text("type: string\n")
    out = folder / "generated"
    (out / "api" / "tests").mkdir(parents=True)
    (folder / ".git").mkdir()
    inputs = inputs_for([spec], None, None, outputs=[out])
    assert inputs.watched() == 2
    assert _changes(inputs, lambda: (folder / "schemas" / "a.yaml").write_text("type: integer\n"))
    assert _changes(inputs, lambda: (folder / "schemas" / "b.json").write_text("{}"))
    # An editor's swap, lock and backup files are not spec files.
    assert not _changes(inputs, lambda: (folder / ".api.yaml.swp").write_text("swap"))
    assert not _changes(inputs, lambda: (folder / ".#api.yaml").write_text("lock"))
    assert not _changes(inputs, lambda: (folder / "api.yaml~").write_text("backup"))
    # The watch's own output, and hidden folders, are not inputs.
    assert not _changes(inputs, lambda: (out / "api" / "tests" / "example.json").write_text("{}"))
    assert not _changes(inputs, lambda: (folder / ".git" / "config.json").write_text("{}"))


def test_the_discovery_folder_is_listed_not_walked(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    (folder / "examples").mkdir(parents=True)
    spec = folder / "api.yaml"
    spec.write_text("openapi: 3.0.3\n")
    inputs = inputs_for([spec], None, None, discovered_in=folder)
    assert _changes(inputs, lambda: (folder / "second.json").write_text("{}"))  # a new package
    assert not _changes(inputs, lambda: (folder / "notes.txt").write_text("not a spec"))
    assert not _changes(inputs, lambda: (folder / "examples" / "sample.json").write_text("{}"))


def test_a_quick_same_size_rewrite_is_seen_whatever_the_clock(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("one")
    inputs = inputs_for([spec], None, None)
    before = snapshot(inputs)
    stat = spec.stat()
    spec.write_text("two")  # same size, same inode...
    os.utime(spec, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # ...and, on a coarse clock, the same mtime
    after = snapshot(inputs)
    assert after.stamps == before.stamps
    assert changed(before, after)  # told apart by content: modified in the last two seconds


def test_an_old_files_content_is_not_read_at_every_look(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("one")
    old = time.time_ns() - 60 * 1_000_000_000
    os.utime(spec, ns=(old, old))
    assert snapshot(inputs_for([spec], None, None)).hashes == {}


def test_inputs_folders_cover_files_and_tree_subfolders(tmp_path: Path) -> None:
    (tmp_path / "spec" / "schemas").mkdir(parents=True)
    spec = tmp_path / "spec" / "api.yaml"
    spec.write_text("a:\n  $ref: 'schemas/a.yaml'\n")
    (tmp_path / "spec" / "schemas" / "a.yaml").write_text("type: string\n")
    config = tmp_path / "pyproject.toml"
    config.write_text("")
    inputs = inputs_for([spec], config, None)
    assert inputs.folders() == {str(tmp_path), str(tmp_path / "spec"), str(tmp_path / "spec" / "schemas")}


# -- the inotify wake-up (Linux) -------------------------------------------------------------

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="inotify is Linux's; elsewhere the watch polls (tested above)"
)


@linux_only
def test_notifier_wakes_on_a_change_in_a_watched_folder_only(tmp_path: Path) -> None:
    from generator.commands.inotify import Notifier

    watched, other = tmp_path / "spec", tmp_path / "elsewhere"
    watched.mkdir()
    other.mkdir()
    notifier = Notifier.create()
    assert notifier is not None, "inotify_init1 failed on Linux"
    with notifier:
        notifier.watch([str(watched), str(tmp_path / "missing")])
        assert notifier.watched == {str(watched)}  # a missing folder is left to polling
        assert notifier.wait(0.05) is False  # nothing happened: the timeout
        (other / "api.yaml").write_text("x")
        assert notifier.wait(0.05) is False  # not a watched folder
        (watched / "api.yaml").write_text("x")
        assert notifier.wait(30) is True
        assert notifier.wait(0.05) is False  # the events were all read
        notifier.watch([str(other)])  # the set is replaced
        assert notifier.watched == {str(other)}
        notifier.wait(0.05)  # the kernel's IN_IGNORED for the removed watch (a harmless wake-up)
        (watched / "api.yaml").write_text("y")
        assert notifier.wait(0.05) is False
        os.replace(other / "api.yaml", other / "renamed.yaml")  # an editor's atomic save
        assert notifier.wait(30) is True


@linux_only
def test_notifier_watches_a_folder_made_anew(tmp_path: Path) -> None:
    from generator.commands.inotify import Notifier

    folder = tmp_path / "spec"
    folder.mkdir()
    notifier = Notifier.create()
    assert notifier is not None
    with notifier:
        notifier.watch([str(folder)])
        folder.rmdir()
        folder.mkdir()
        notifier.wait(0.05)  # the deletion's events
        notifier.watch([str(folder)])  # the next run's inputs: the same folder, made anew
        (folder / "api.yaml").write_text("x")
        assert notifier.wait(30) is True


def test_pipeline_warm_up_imports_black_and_the_validator() -> None:
    code = (
        "import sys\n"
        "from generator.pipeline import warm_up\n"
        "assert 'black' not in sys.modules and 'openapi_spec_validator' not in sys.modules\n"
        "warm_up('black', 88)\n"
        "assert 'black' in sys.modules and 'openapi_spec_validator' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_file_hashed_before_is_compared_by_content_even_when_no_longer_recent(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("one")
    inputs = inputs_for([spec], None, None)
    before = snapshot(inputs)
    assert str(spec) in before.hashes
    stat = spec.stat()
    spec.write_text("two")
    os.utime(spec, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    # The next look came more than two seconds later: it hashed nothing.
    late = Snapshot(dict(before.stamps), {})
    assert changed(before, late)
    spec.write_text("one")
    os.utime(spec, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not changed(before, late)
