"""`specgen watch`: generate, then again on every change of a spec.

The loop itself is tested in-process with a scripted ``sleep`` (no real
waiting); the command end to end in a subprocess, as a user runs it, with
every wait bounded by a deadline.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.watch import EXIT_INTERRUPTED, Inputs, inputs_for, snapshot, watch

from .conftest import DEFAULT_PYPROJECT, PACKAGE, CliRunner, make_repo

# -- the loop, with a scripted clock ----------------------------------------------


class Script:
    """A ``sleep`` that runs the next scripted action at each call, then
    raises KeyboardInterrupt (Ctrl-C) once the script is done: bounded."""

    def __init__(self, *actions: Callable[[], None]) -> None:
        self.actions = list(actions)
        self.calls = 0

    def __call__(self, seconds: float) -> None:
        self.calls += 1
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


# -- what is watched ---------------------------------------------------------------


def _changes(inputs: Inputs, change: Callable[[], None]) -> bool:
    before = snapshot(inputs)
    time.sleep(0.002)  # distinct mtimes even on a coarse clock: size and inode help too
    change()
    return snapshot(inputs) != before


def test_inputs_are_the_spec_config_and_templates(tmp_path: Path) -> None:
    spec = tmp_path / "spec" / "api.yaml"
    spec.parent.mkdir()
    spec.write_text("openapi: 3.0.3\n")
    (tmp_path / "spec" / "other.yaml").write_text("x: 1\n")
    config = tmp_path / "pyproject.toml"
    config.write_text("")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "models.py.jinja").write_text("{# x #}")
    inputs = inputs_for([spec], config, templates)
    assert inputs.files == tuple(sorted((str(spec), str(config))))
    assert inputs.watched() == 3  # no $ref to other files: other.yaml is not an input
    assert _changes(inputs, lambda: spec.write_text("openapi: 3.0.4\n"))
    assert _changes(inputs, lambda: config.write_text("[tool.specgen]\n"))
    assert _changes(inputs, lambda: (templates / "models.py.jinja").write_text("{# y #}"))
    assert _changes(inputs, lambda: (templates / "client.py.jinja").write_text(""))
    assert not _changes(inputs, lambda: (tmp_path / "spec" / "other.yaml").write_text("x: 2\n"))


def test_a_spec_with_file_refs_watches_the_spec_files_beside_it(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    (folder / "schemas").mkdir(parents=True)
    spec = folder / "api.yaml"
    spec.write_text("components:\n  schemas:\n    A:\n      $ref: 'schemas/a.yaml'\n")
    (folder / "schemas" / "a.yaml").write_text("type: string\n")
    inputs = inputs_for([spec], None, None)
    assert inputs.watched() == 2
    assert _changes(inputs, lambda: (folder / "schemas" / "a.yaml").write_text("type: integer\n"))
    assert _changes(inputs, lambda: (folder / "schemas" / "b.json").write_text("{}"))
    # An editor's swap and backup files are not spec files.
    assert not _changes(inputs, lambda: (folder / ".api.yaml.swp").write_text("swap"))
    assert not _changes(inputs, lambda: (folder / "api.yaml~").write_text("backup"))


def test_a_new_spec_in_the_discovery_folder_is_a_change(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    folder.mkdir()
    spec = folder / "api.yaml"
    spec.write_text("openapi: 3.0.3\n")
    inputs = inputs_for([spec], None, None, discovered_in=folder)
    assert _changes(inputs, lambda: (folder / "second.json").write_text("{}"))
    assert not _changes(inputs, lambda: (folder / "notes.txt").write_text("not a spec"))


# -- the command: start-up errors (in-process) ----------------------------------------


def test_bad_interval_is_a_usage_error(repo: Path, cli: CliRunner) -> None:
    run = cli("watch", "--interval", "0", cwd=repo)
    assert run.code == 2
    assert "--interval: expected 0.01 to 60 seconds, got 0" in run.err
    assert not (repo / "generated").exists()


def test_no_specs_stops_before_watching(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "empty", spec=None)
    run = cli("watch", cwd=repo)
    assert run.code == 2
    assert "no specs given and none found" in run.err


def test_a_broken_pyproject_stops_before_watching(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r", "[tool.specgen\n")
    run = cli("watch", cwd=repo)
    assert run.code == 2
    assert "invalid TOML" in run.err


# -- the command end to end (a subprocess, as a user runs it) ----------------------------


WATCHING = ("out", "specgen: watching")


class Watcher:
    """``python -m generator watch`` in ``repo``; its output read line by line."""

    DEADLINE = 90.0  # seconds any one expected line may take (a loaded 2-core machine)

    def __init__(self, repo: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "watch", "--interval", "0.05", "--jobs", "2", *args],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self.pumps = []
        for name in ("out", "err"):
            pump = threading.Thread(target=self._pump, args=(name, getattr(self.proc, f"std{name}")), daemon=True)
            pump.start()
            self.pumps.append(pump)

    def _pump(self, name: str, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]  # ends when the process closes it
            self.lines.put((name, line.rstrip("\n")))

    def expect(self, *wanted: tuple[str, str]) -> list[tuple[str, str]]:
        """The lines read from now on until, for each ``(stream, text)`` wanted,
        one on that stream contains that text (stdout and stderr are two pipes:
        their lines may arrive in either order)."""
        got: list[tuple[str, str]] = []
        deadline = time.monotonic() + self.DEADLINE
        while time.monotonic() < deadline:
            if all(any(s == stream and text in line for s, line in got) for stream, text in wanted):
                return got
            try:
                item = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            got.append(item)
            self.seen.append(item)
        raise AssertionError(f"not all of {wanted!r} within {self.DEADLINE}s; saw {self.seen!r}")

    def stop(self, signum: int) -> int:
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=self.DEADLINE)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=self.DEADLINE)
        for pump in self.pumps:  # they end at the pipes' EOF, once the process is gone
            pump.join(timeout=self.DEADLINE)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def watched_repo(tmp_path: Path) -> Iterator[tuple[Path, Callable[..., Watcher]]]:
    repo = make_repo(tmp_path / "repo", DEFAULT_PYPROJECT)
    started: list[Watcher] = []

    def start(*args: str) -> Watcher:
        watcher = Watcher(repo, *args)
        started.append(watcher)
        return watcher

    yield repo, start
    for watcher in started:
        watcher.close()


def _staging_left(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_watch_regenerates_on_save_survives_errors_and_stops_cleanly(
    watched_repo: tuple[Path, Callable[..., Watcher]], signum: int
) -> None:
    repo, start = watched_repo
    spec = repo / "spec" / "twilio_trunking_v1.yaml"
    models = repo / "generated" / PACKAGE / "models.py"
    watcher = start()
    first = watcher.expect(WATCHING)
    assert any("wrote 25 files (25 new" in line for _, line in first), first
    original = spec.read_text()

    # A saved description: the model's docstring follows, two files rewritten.
    spec.write_text(original.replace("A phone number associated", "Watched. A phone number associated", 1))
    lines = watcher.expect(WATCHING)
    assert any("wrote 2 files (0 new, 2 changed)" in line for _, line in lines), lines
    assert '"""Watched. A phone number associated' in models.read_text()

    # A broken save: the error is printed, nothing is written, the watch goes on.
    before = models.read_bytes()
    spec.write_text(original + "garbage: [\n")
    lines = watcher.expect(WATCHING, ("err", "invalid YAML"))
    assert any(s == "err" and line.startswith("spec/twilio_trunking_v1.yaml:") for s, line in lines), lines
    assert models.read_bytes() == before
    assert watcher.proc.poll() is None

    # Mended: generated again.
    spec.write_text(original)
    lines = watcher.expect(WATCHING)
    assert any("wrote 2 files" in line for _, line in lines), lines
    assert "Watched." not in models.read_text()

    assert watcher.stop(signum) == 0
    assert any("specgen: stopped watching" in line for _, line in watcher.expect(("out", "stopped watching")))
    assert _staging_left(repo / "generated") == []


def test_watch_reports_api_changes_but_never_writes_the_changelog(
    watched_repo: tuple[Path, Callable[..., Watcher]],
) -> None:
    repo, start = watched_repo
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('out = "generated"', 'out = "generated"\nchangelog = "CHANGES.md"'))
    spec = repo / "spec" / "twilio_trunking_v1.yaml"
    watcher = start()
    watcher.expect(WATCHING)
    spec.write_text(spec.read_text().replace("enum: [none, any, local, foreign]", "enum: [none, any, local]", 1))
    lines = watcher.expect(WATCHING)
    assert any("foreign" in line for _, line in lines), lines  # the removed enum value is reported
    assert watcher.stop(signal.SIGINT) == 0
    assert not (repo / "CHANGES.md").exists()
    assert os.listdir(repo / "generated") == [PACKAGE]


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


# -- the inotify wake-up (Linux) -----------------------------------------------------

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="inotify is Linux's; elsewhere the watch polls (tested above)"
)


@linux_only
def test_notifier_wakes_on_a_change_in_a_watched_folder_only(tmp_path: Path) -> None:
    from generator.inotify import Notifier

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
        os.replace(tmp_path / "elsewhere" / "api.yaml", other / "renamed.yaml")  # an editor's atomic save
        assert notifier.wait(30) is True


def test_inputs_folders_cover_files_and_tree_subfolders(tmp_path: Path) -> None:
    (tmp_path / "spec" / "schemas").mkdir(parents=True)
    spec = tmp_path / "spec" / "api.yaml"
    spec.write_text("a:\n  $ref: 'schemas/a.yaml'\n")
    (tmp_path / "spec" / "schemas" / "a.yaml").write_text("type: string\n")
    config = tmp_path / "pyproject.toml"
    config.write_text("")
    inputs = inputs_for([spec], config, None)
    assert inputs.folders() == {str(tmp_path), str(tmp_path / "spec"), str(tmp_path / "spec" / "schemas")}


def test_a_run_may_stop_the_watch(tmp_path: Path) -> None:
    from generator.watch import StopWatching

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


def test_watch_stops_when_specgens_own_code_changes_on_disk(
    repo: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.cache

    fingerprints = iter(["code at start", "code after an upgrade"])
    monkeypatch.setattr(generator.cache, "code_fingerprint", lambda: next(fingerprints))
    run = cli("watch", cwd=repo)
    assert run.code == 0
    assert "specgen's own code changed on disk (an upgrade?); restart `specgen watch`" in run.err
    assert not (repo / "generated").exists()  # no run with code the cache would misname


def test_a_slow_look_lengthens_the_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.watch as watch_module

    spec = tmp_path / "api.yaml"
    spec.write_text("one")
    clock = iter(float(t) for t in range(0, 1000, 2))  # every look seems to take 2 s
    monkeypatch.setattr(watch_module, "_clock", lambda: next(clock))
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            raise KeyboardInterrupt

    code = watch(lambda: 0, lambda: inputs_for([spec], None, None), 0.1, lambda _: None, sleep=sleep)
    assert code == 0
    assert waits == [0.1, 20.0, 20.0]  # the interval first, then ten times the look
