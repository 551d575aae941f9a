"""`specgen watch`, the command: start-up errors and settings in-process
(bounded: the wait for a change is replaced by Ctrl-C), and end to end in a
subprocess, as a user runs it, with every wait bounded by a deadline. The
loop itself is tested in tests/commands/test_watch_loop.py.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import generator.commands.watch_loop
from generator.cli import _parser
from generator.commands.base import read_settings
from generator.commands.watch import watch_inputs

from .conftest import DEFAULT_PYPROJECT, PACKAGE, CliRunner, make_repo


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process watches never wait: waiting for a change is Ctrl-C at once,
    so a test of what must stop before any wait cannot hang if it does not."""

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(generator.commands.watch_loop, "_wait_for_change", interrupted)


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


def test_watch_stops_when_specgens_own_code_changes_on_disk(
    repo: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.commands.cache

    fingerprints = iter(["code at start", "code after an upgrade"])
    monkeypatch.setattr(generator.commands.cache, "code_fingerprint", lambda: next(fingerprints))
    run = cli("watch", cwd=repo)
    assert run.code == 0
    assert "specgen's own code changed on disk (an upgrade?); restart `specgen watch`" in run.err
    assert not (repo / "generated").exists()  # no run with code the cache would misname


def test_watch_formats_in_process_and_generate_in_a_helper(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    assert read_settings(_parser("watch").parse_args(["watch"])).format_helper is False
    assert read_settings(_parser("generate").parse_args(["generate"])).format_helper is True


def test_watch_inputs_follow_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "r", DEFAULT_PYPROJECT)
    monkeypatch.chdir(repo)
    inputs = watch_inputs(_parser("watch").parse_args(["watch"]))
    spec = str(repo / "spec" / "twilio_trunking_v1.yaml")
    assert inputs.files == (str(repo / "pyproject.toml"), spec)
    assert inputs.trees == ()  # the specs are listed in pyproject.toml: no folder to discover

    # No [tool.specgen] specs: spec/ is listed for new specs; --templates' files are inputs.
    (repo / "pyproject.toml").write_text("[tool.specgen]\n")
    (repo / "tpl").mkdir()
    (repo / "tpl" / "models.py.jinja").write_text("")
    inputs = watch_inputs(_parser("watch").parse_args(["watch", "--templates", "tpl"]))
    assert [(t.folder, t.recursive) for t in inputs.trees] == [
        (str(repo / "spec"), False),
        (str(repo / "tpl"), True),
    ]
    assert inputs.all_files() == {str(repo / "pyproject.toml"), spec, str(repo / "tpl" / "models.py.jinja")}

    # No pyproject.toml at all: where it would be is watched, for when one is made.
    (repo / "pyproject.toml").unlink()
    inputs = watch_inputs(_parser("watch").parse_args(["watch"]))
    assert str(repo / "pyproject.toml") in inputs.files


def test_an_interrupt_during_the_swap_waits_for_it(repo: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.commands.generate
    from generator.write.stage import commit

    def commit_then_ctrl_c(staged: list[object]) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C as the swap starts: held until it is done
        commit(staged)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.commands.generate, "commit", commit_then_ctrl_c)
    run = cli("generate", cwd=repo)
    assert run.code == 130
    assert "interrupted once the packages were written" in run.err
    out = repo / "generated"
    assert sorted(p.name for p in out.iterdir()) == [PACKAGE]  # whole, and no staging or .old folder
    assert (out / PACKAGE / "models.py").is_file()


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
    # The first run writes every file of the package, all new.
    assert any(re.search(r"wrote (\d+) files \(\1 new", line) for _, line in first), first
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




def test_watch_stops_when_nobody_reads_its_output(watched_repo: tuple[Path, Callable[..., Watcher]], tmp_path: Path) -> None:
    """`specgen watch | head -2`: once head has gone, the next output fails and the
    watch ends with 120 instead of regenerating for nobody."""
    repo, _ = watched_repo
    spec = repo / "spec" / "twilio_trunking_v1.yaml"
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "watch", "--interval", "0.05"],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=err,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert proc.stdout is not None
            deadline = time.monotonic() + Watcher.DEADLINE
            while "specgen: watching" not in proc.stdout.readline():  # readline: ends at EOF too
                assert proc.poll() is None and time.monotonic() < deadline
            proc.stdout.close()  # the reader is gone
            spec.write_text(spec.read_text().replace("A phone number associated", "Unread. A phone number associated", 1))
            code = proc.wait(timeout=Watcher.DEADLINE)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=Watcher.DEADLINE)
    assert code == 120, errors.read_text()
    assert "Traceback" not in errors.read_text() and "internal error" not in errors.read_text()
    assert "Unread." in (repo / "generated" / PACKAGE / "models.py").read_text()  # that run's work is written


def test_signals_held_delays_ctrl_c_until_the_block_is_done() -> None:
    from generator.write.stage import signals_held

    reached = []
    with pytest.raises(KeyboardInterrupt):
        with signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # a signal handler would have run by now
            reached.append("end of block")
    assert reached == ["end of block"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_an_interrupt_after_the_swap_still_writes_the_changelog(
    generated_repo: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.commands.generate
    from generator.write.stage import commit

    spec = generated_repo / "spec" / "twilio_trunking_v1.yaml"
    spec.write_text(spec.read_text().replace("enum: [none, any, local, foreign]", "enum: [none, any, local]", 1))

    def commit_then_ctrl_c(staged: list[object]) -> None:
        commit(staged)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGINT)  # after the swap, before the changelog: held

    monkeypatch.setattr(generator.commands.generate, "commit", commit_then_ctrl_c)
    run = cli("generate", "--changelog", "CHANGES.md", cwd=generated_repo)
    assert run.code == 130
    assert "interrupted once the packages and the changelog entries were written" in run.err
    assert "foreign" in (generated_repo / "CHANGES.md").read_text()
