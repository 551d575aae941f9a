"""black in a forked helper, imported while the parent does the rest (``jobs > 1``).

The helper is only a speed-up: the same bytes with or without it, and any
failure of it means formatting in the parent. No helper outlives its run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import generator.format.files as fmt
import generator.format.helper as helper_module
from generator.format.files import FormatError, format_block, format_files
from generator.format.helper import FormatHelper

from conftest import ROOT

SEED = ROOT / "spec" / "twilio_trunking_v1.yaml"
BLOCKS = [
    "def f(a,b):\n  return {'a':a,'b':b}\n",
    "class C( object ):\n  x : int=1\n",
    "x = [1,\n 2]\n",
]

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the format helper needs os.fork")


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture
def helper() -> Any:
    started = FormatHelper.start()
    assert started is not None
    yield started
    started.close()


def test_the_helper_formats_as_the_parent_does(helper: FormatHelper) -> None:
    items = [(text, 88) for text in BLOCKS] + [(BLOCKS[0], 20)]
    assert helper.format(items) == [format_block(item) for item in items]
    assert helper.format([(BLOCKS[1], 88)]) == [format_block((BLOCKS[1], 88))]  # it serves more than once
    helper.close()
    assert _reaped(helper.pid)
    helper.close()  # twice is fine


def test_a_dead_helper_means_formatting_in_the_parent(helper: FormatHelper) -> None:
    os.kill(helper.pid, signal.SIGKILL)
    files = {"m.py": "".join(BLOCKS)}
    assert format_files(files, helper=helper) == format_files(files)
    assert helper.closed and _reaped(helper.pid)


@pytest.mark.parametrize(
    "reply",
    [("ok", ["one"]), ("ok", [1, 2, 3]), ("error", "boom"), ["ok", ["a", "b", "c"]], None, ("ok",)],
)
def test_a_wrong_reply_closes_the_helper(helper: FormatHelper, monkeypatch: pytest.MonkeyPatch, reply: Any) -> None:
    monkeypatch.setattr(helper_module, "_receive", lambda fd: reply)
    assert helper.format([(text, 88) for text in BLOCKS]) is None
    assert helper.closed and _reaped(helper.pid)
    assert helper.format([(BLOCKS[0], 88)]) is None  # closed for the rest of the run


def test_code_black_cannot_parse_is_reported_by_the_parent(helper: FormatHelper) -> None:
    assert helper.format([("def (:\n", 88)]) is None
    with pytest.raises(FormatError, match="m.py"):
        format_files({"m.py": "x = 1\n\n\ndef (:\n"}, helper=helper)


def test_no_helper_while_other_threads_run() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert FormatHelper.start() is None
    finally:
        stop.set()
        thread.join(timeout=10)


def test_a_pool_closes_the_helper(helper: FormatHelper, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "_PARALLEL_MIN_LINES", 1)
    texts = [text for text, _ in ((b, 88) for b in BLOCKS)]
    assert list(fmt._run(texts, 88, 2, helper)) == [format_block((text, 88)) for text in texts]
    assert helper.closed and _reaped(helper.pid)


PROBE = """
import os, sys
from generator.cli import main
assert main(['generate', {spec!r}, '--out', {out!r}, '--jobs', {jobs!r}, '-q']) == 0
try:
    os.waitpid(-1, os.WNOHANG)
    children = 'children left'
except ChildProcessError:
    children = 'no children'
print('black' in sys.modules, children)
"""


def _probe(spec: Path, out: Path, jobs: int, cache: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(spec=str(spec), out=str(out), jobs=str(jobs))],
        cwd=ROOT,
        env={**os.environ, "SPECGEN_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_a_one_line_change_is_formatted_by_the_helper(tmp_path: Path) -> None:
    """With jobs > 1 the parent never imports black for a small change, leaves no
    child behind, and writes what a serial run writes."""
    spec = tmp_path / "spec" / SEED.name
    spec.parent.mkdir()
    text = SEED.read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    # cold: the seed's ~500 lines are too few for a pool, so the helper formats them all
    assert _probe(spec, tmp_path / "out", 2, tmp_path / "cache") == "False no children"
    edited = text.replace("enum: [none, any, local, foreign]", "enum: [none, any, local, foreign, mixed]", 1)
    assert edited != text  # code changes, not only a docstring (that needs no black: format/docmask.py)
    spec.write_text(edited, encoding="utf-8")
    assert _probe(spec, tmp_path / "out", 2, tmp_path / "cache") == "False no children"
    assert _probe(spec, tmp_path / "serial", 1, tmp_path / "serial-cache") == "True no children"
    parallel = {p.relative_to(tmp_path / "out"): p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    serial = {
        p.relative_to(tmp_path / "serial"): p.read_bytes() for p in (tmp_path / "serial").rglob("*") if p.is_file()
    }
    assert parallel == serial


def test_cache_keys_name_the_black_that_formats() -> None:
    """Keys are made without importing black: from its metadata and the pinned mode."""
    import black

    assert fmt.black_version() == black.__version__
    assert fmt.black_mode(88) == black.Mode(target_versions={black.TargetVersion.PY311}, line_length=88)
    assert fmt.black_mode(100).line_length == 100


def _recording_fork(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pids: list[int] = []
    real = os.fork

    def fork() -> int:
        pid = real()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return pids


def test_an_interrupt_while_starting_leaves_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    pids = _recording_fork(monkeypatch)

    def interrupted(self: FormatHelper, *args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(FormatHelper, "__init__", interrupted)
    with pytest.raises(KeyboardInterrupt):
        FormatHelper.start()
    assert len(pids) == 1 and _reaped(pids[0])
    assert not signal.pthread_sigmask(signal.SIG_BLOCK, set()), "Ctrl-C is not left blocked"


def test_an_interrupt_in_the_child_never_runs_the_parents_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def interrupted(requests: int, replies: int) -> None:
        raise KeyboardInterrupt  # in the child, before it serves anything

    monkeypatch.setattr(helper_module, "_serve", interrupted)
    marker = tmp_path / "unwound"
    parent = os.getpid()
    try:
        started = FormatHelper.start()
    except KeyboardInterrupt:
        marker.write_text(str(os.getpid()))
        os._exit(0) if os.getpid() != parent else None
        raise
    assert started is not None
    assert started.format([(BLOCKS[0], 88)]) is None  # the child is gone
    assert started.closed and _reaped(started.pid)
    assert not marker.exists(), "the child unwound into the caller's code"
