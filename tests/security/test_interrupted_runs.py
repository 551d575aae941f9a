"""Interrupted and concurrent runs (issue 15, defect 4).

A generate killed with SIGKILL at each point of the package swap (driven by
the ``SPECGEN_TEST_KILL_AT`` hook, generator/killpoint.py) leaves nothing the
next run does not recover; ``check`` never counts the hidden staging folders
as packages; concurrent runs into one folder take turns (generator/write/lock.py);
the helper processes of a SIGKILLed run die with it (generator/children.py).

Every run is a real ``python -m generator`` process. The two versions of the
package come from one spec in two folders (``a/`` and ``b/``: the generated
header names the spec's folder), generated once to fill a shared cache, so
that each run here is short.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.killpoint import VARIABLE as KILL_AT
from generator.write.lock import LOCK_NAME, TIMEOUT_VARIABLE

from ._support import ROOT

SEED = ROOT / "spec" / "twilio_trunking_v1.yaml"
PACKAGE = "api"  # from the spec file's name, api.yaml
HANG_GUARD = 240  # seconds for one run; a guard against hangs on a loaded machine, not a speed assertion
POINTS_BEFORE_SWAP = ["stage-created", "stage-manifest", "commit", "swap-old-moved"]
POINTS_AFTER_SWAP = ["swap-new-moved", "old-emptied"]


def _env(cache: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (KILL_AT, TIMEOUT_VARIABLE)}
    env.update(PYTHONDONTWRITEBYTECODE="1", SPECGEN_CACHE_DIR=str(cache), NO_COLOR="1", **extra)
    return env


def _specgen(*args: str, cwd: Path, cache: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=_env(cache, **extra),
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )


def _hidden(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a folder with a/api.yaml, b/api.yaml and out/ generated from a/, the cache)."""
    base = tmp_path_factory.mktemp("interrupted")
    (base / ".git").mkdir()  # bounds the search for a pyproject.toml
    for side in ("a", "b"):
        (base / side).mkdir()
        shutil.copy(SEED, base / side / "api.yaml")
    cache = base / "cache"
    for side in ("b", "a"):  # fills the cache with both; out/ ends as a
        done = _specgen("generate", f"{side}/api.yaml", "--out", "out", "-q", cwd=base, cache=cache)
        assert done.returncode == 0, done.stderr
    return base, cache


@pytest.fixture
def work(seeded: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the seeded folder for one test: (the folder, the shared cache)."""
    base, cache = seeded
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / ".git").mkdir()
    for name in ("a", "b", "out"):
        shutil.copytree(base / name, folder / name, symlinks=True)
    return folder, cache


def _generate(folder: Path, cache: Path, side: str, *more: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return _specgen(
        "generate", f"{side}/api.yaml", "--out", "out", "--jobs", "1", *more, cwd=folder, cache=cache, **extra
    )


# -- SIGKILL at each point of the swap ------------------------------------------


@pytest.mark.parametrize("point", POINTS_BEFORE_SWAP + POINTS_AFTER_SWAP)
def test_a_run_killed_at_any_point_is_recovered_by_the_next(work: tuple[Path, Path], point: str) -> None:
    folder, cache = work
    out = folder / "out"
    killed = _generate(folder, cache, "b", **{KILL_AT: point})
    assert killed.returncode == -signal.SIGKILL, f"the hook did not kill the run at {point}: {killed.stderr}"
    leftovers = [name for name in _hidden(out) if name != LOCK_NAME]
    assert leftovers, f"a run killed at {point} should leave its staging folder"

    # check, before any recovery: the staging folders are no packages
    checked = _specgen("check", "out", cwd=folder, cache=cache)
    assert "Traceback" not in checked.stderr
    if point == "swap-old-moved":  # the package is moved aside: check says so and where it is
        assert checked.returncode == 2
        assert "the next `specgen generate` puts back" in checked.stderr
    else:
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "specgen: 1 package in out/ is intact (no spec to compare with)" in checked.stdout + checked.stderr

    # the next run recovers first, then does its own work
    again = _generate(folder, cache, "a")
    assert again.returncode == 0, again.stderr
    if point == "swap-old-moved":
        assert f"put back {Path('out') / PACKAGE}" in again.stderr
    if point in POINTS_BEFORE_SWAP:  # the killed run changed nothing: the package is still a's
        assert "wrote 0 files" in again.stdout, again.stdout + again.stderr
    else:  # it had swapped b in: now a again
        assert "(0 new," in again.stdout and "wrote 0 files" not in again.stdout, again.stdout + again.stderr
    assert sorted(p.name for p in out.iterdir()) == [PACKAGE], "leftovers, or the lock file, are still there"
    fresh = _specgen("check", "a/api.yaml", "--out", "out", cwd=folder, cache=cache)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr


def _copy_package(out: Path, name: str) -> Path:
    target = out / name
    shutil.copytree(out / PACKAGE, target)
    return target


def test_check_never_counts_staging_folders_as_packages(work: tuple[Path, Path]) -> None:
    folder, cache = work
    out = folder / "out"
    _copy_package(out, f".{PACKAGE}.new-abcd1234")  # complete, with its manifest
    _copy_package(out, f".{PACKAGE}.old-efgh5678")
    checked = _specgen("check", "out", cwd=folder, cache=cache)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "specgen: 1 package in out/ is intact (no spec to compare with)" in checked.stderr + checked.stdout
    assert f"{PACKAGE}.new-abcd1234 was left by an interrupted run; the next `specgen generate` removes it" in (
        checked.stderr
    )
    assert _hidden(out) == [f".{PACKAGE}.new-abcd1234", f".{PACKAGE}.old-efgh5678"]  # check changes nothing


def test_a_package_moved_aside_is_put_back_and_staging_removed(work: tuple[Path, Path]) -> None:
    """The state a SIGKILL between the two renames leaves, made by hand."""
    folder, cache = work
    out = folder / "out"
    _copy_package(out, f".{PACKAGE}.new-efgh5678")  # what the killed run staged (complete or not)
    (out / PACKAGE).rename(out / f".{PACKAGE}.old-abcd1234")
    (out / LOCK_NAME).write_text("999999\n")  # the killed run's lock file, no longer locked
    again = _generate(folder, cache, "a")
    assert again.returncode == 0, again.stderr
    assert f"put back {Path('out') / PACKAGE}" in again.stderr
    assert f"removed {Path('out') / f'.{PACKAGE}.new-efgh5678'}" in again.stderr
    assert "wrote 0 files" in again.stdout  # the old package, back in place
    assert sorted(p.name for p in out.iterdir()) == [PACKAGE]


def test_recovery_touches_only_what_is_provably_ours(work: tuple[Path, Path], tmp_path: Path) -> None:
    folder, cache = work
    out = folder / "out"
    foreign = out / f".{PACKAGE}.new-abcd1234"  # the right name, but no manifest
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine\n")
    other = _copy_package(out, f".{PACKAGE}.old-abcd1234")  # a manifest, of another package
    manifest = other / "_specgen.json"
    manifest.write_text(manifest.read_text().replace(f'"package": "{PACKAGE}"', '"package": "other"'))
    target = tmp_path / "elsewhere"
    shutil.copytree(out / PACKAGE, target)
    (out / f".{PACKAGE}.new-zzzz9999").symlink_to(target)  # a link: never followed
    _copy_package(out, f".{PACKAGE}.new-short")  # not tempfile's name
    again = _generate(folder, cache, "a")
    assert again.returncode == 0, again.stderr
    assert f"left {foreign.relative_to(folder)} alone" in again.stderr
    assert f"left {other.relative_to(folder)} alone" in again.stderr
    assert (foreign / "notes.txt").read_text() == "mine\n"
    assert '"package": "other"' in manifest.read_text()
    assert (target / "_specgen.json").is_file()
    assert _hidden(out) == [
        f".{PACKAGE}.new-abcd1234",
        f".{PACKAGE}.new-short",
        f".{PACKAGE}.new-zzzz9999",
        f".{PACKAGE}.old-abcd1234",
    ]


def test_two_packages_moved_aside_are_left_for_a_person(work: tuple[Path, Path]) -> None:
    folder, cache = work
    out = folder / "out"
    _copy_package(out, f".{PACKAGE}.old-abcd1234")
    (out / PACKAGE).rename(out / f".{PACKAGE}.old-efgh5678")
    again = _generate(folder, cache, "a")
    assert again.returncode == 0, again.stderr
    assert "several interrupted runs moved it aside" in again.stderr
    assert _hidden(out) == [f".{PACKAGE}.old-abcd1234", f".{PACKAGE}.old-efgh5678"]


# -- the output folder's lock -------------------------------------------------


@pytest.fixture
def held_lock(work: tuple[Path, Path]) -> Iterator[int]:
    """out/.specgen.lock held exclusively by this process, as a run would; its descriptor."""
    path = work[0] / "out" / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, f"{os.getpid()}\n".encode())
    try:
        yield fd
    finally:
        os.close(fd)


def test_generate_gives_up_cleanly_on_a_held_lock(work: tuple[Path, Path], held_lock: int) -> None:
    folder, cache = work
    done = _generate(folder, cache, "b", **{TIMEOUT_VARIABLE: "0.5"})
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"specgen: waiting for another specgen run (pid {os.getpid()}) on out/" in done.stderr
    assert f"another specgen run (pid {os.getpid()}) still holds out/{LOCK_NAME}" in done.stderr
    assert "Traceback" not in done.stderr
    fresh = _specgen("check", "a/api.yaml", "--out", "out", cwd=folder, cache=cache, **{TIMEOUT_VARIABLE: "0"})
    assert fresh.returncode == 2, fresh.stdout + fresh.stderr  # check waits for a generate too (here: not at all)
    assert "still holds" in fresh.stderr


def test_generate_waits_for_the_lock_then_runs(work: tuple[Path, Path], held_lock: int) -> None:
    folder, cache = work
    release = threading.Timer(1.0, fcntl.flock, (held_lock, fcntl.LOCK_UN))
    release.start()
    try:
        done = _generate(folder, cache, "b", **{TIMEOUT_VARIABLE: "120"})
    finally:
        release.join()
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"waiting for another specgen run (pid {os.getpid()}) on out/" in done.stderr
    fresh = _specgen("check", "b/api.yaml", "--out", "out", cwd=folder, cache=cache)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr


def test_a_lock_file_that_is_a_link_is_never_followed(work: tuple[Path, Path], tmp_path: Path) -> None:
    folder, cache = work
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (folder / "out" / LOCK_NAME).symlink_to(victim)
    done = _generate(folder, cache, "b")
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"cannot lock out/ for this run: out/{LOCK_NAME}" in done.stderr
    assert victim.read_text() == "keep me\n"
    assert (folder / "out" / LOCK_NAME).is_symlink()


def test_a_failed_first_run_leaves_no_output_folder(work: tuple[Path, Path]) -> None:
    folder, cache = work
    (folder / "bad.yaml").write_text("openapi: 3.0.3\ninfo: [\n")
    done = _specgen("generate", "a/api.yaml", "bad.yaml", "--out", "new/out", cwd=folder, cache=cache)
    assert done.returncode == 2, done.stderr
    assert not (folder / "new").exists()


CONCURRENT_GENERATES = 20
CONCURRENT_CHECKS = 10


def test_concurrent_generates_and_checks_take_turns(work: tuple[Path, Path]) -> None:
    """20 generates into one folder (a's and b's in turn) and 10 checks of it, all at once."""
    folder, cache = work
    env = _env(cache, **{TIMEOUT_VARIABLE: "200"})
    runs: list[tuple[str, subprocess.Popen[str]]] = []
    try:
        for index in range(CONCURRENT_GENERATES):
            side = "ab"[index % 2]
            command = ["generate", f"{side}/api.yaml", "--out", "out", "-q", "--jobs", "1"]
            runs.append(("generate", _start(command, folder, env)))
            if index % 2:
                runs.append(("check", _start(["check", "out"], folder, env)))
        results = [(kind, proc, *proc.communicate(timeout=HANG_GUARD)) for kind, proc in runs]
    finally:
        for _, proc in runs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for kind, proc, stdout, stderr in results:
        said = stdout + stderr
        assert "Traceback" not in said and "internal error" not in said, said
        assert proc.returncode in (0, 2), f"{kind} exited {proc.returncode}: {said}"
        if proc.returncode == 2:  # only a lock given up on is a clean failure here
            assert "still holds" in stderr, said
        elif kind == "check":
            assert "specgen: 1 package in out/ is intact (no spec to compare with)" in said, said
    out = folder / "out"
    assert sorted(p.name for p in out.iterdir()) == [PACKAGE]
    final = _specgen("check", "out", cwd=folder, cache=cache)
    assert final.returncode == 0, final.stdout + final.stderr


def _start(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# -- helper processes die with a SIGKILLed run ------------------------------------

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, parent = text[text.rindex(")") + 2 :].split()[:2]
    return state, int(parent)


def _children(pid: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            info = _stat(int(name))
            if info is not None and info[1] == pid:
                found.append(int(name))
    return found


def _alive(pids: list[int]) -> list[int]:
    return [pid for pid in pids if (info := _stat(pid)) is not None and info[0] not in ("Z", "X")]


def _big_spec(schemas: int) -> str:
    """A spec whose models make black's pool start (over 1,000 lines to format)."""
    import json

    paths = {}
    components = {}
    for index in range(schemas):
        components[f"Thing{index}"] = {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "count": {"type": "integer"},
                "ratio": {"type": "number"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "kind": {"type": "string", "enum": ["a", "b", "c"]},
                "active": {"type": "boolean"},
            },
        }
        paths[f"/things{index}/{{id}}"] = {
            "get": {
                "operationId": f"getThing{index}",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/Thing{index}"}}},
                    }
                },
            }
        }
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Big", "version": "1.0"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        "components": {"schemas": components},
    }
    return json.dumps(spec, indent=1)


@linux_only
def test_a_sigkilled_run_leaves_no_helper_process(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "big.json").write_text(_big_spec(25))
    command = ["generate", "big.json", "--out", "out", "--no-cache", "--jobs", "2", "-q"]
    env = _env(tmp_path / "cache", **{KILL_AT: "format-pool:stop"})
    log = tmp_path / "log"
    with open(log, "w") as output:  # not a pipe: orphans holding it would stall the reading of it
        run = subprocess.Popen(
            [sys.executable, "-m", "generator", *command], cwd=tmp_path, env=env, stdout=output, stderr=output
        )
    children: list[int] = []
    try:
        deadline = time.monotonic() + HANG_GUARD
        while (info := _stat(run.pid)) is not None and info[0] != "T" and run.poll() is None:
            assert time.monotonic() < deadline, "the run never reached black's pool"
            time.sleep(0.05)
        assert run.poll() is None, f"the run ended before black's pool started: {log.read_text()}"
        children = _children(run.pid)  # the pool's workers, and the validation child if still running
        assert len(children) >= 2, children
        run.kill()
        run.wait(timeout=HANG_GUARD)
        deadline = time.monotonic() + 10
        while _alive(children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(children), f"helpers outlived their SIGKILLed parent: {_alive(children)}"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        for pid in _alive(children):  # never leave a process behind on the machine
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


LOCK_THEN_DIE = """
import os, signal, sys, time
from pathlib import Path
from generator.write.lock import hold

with hold([Path("out")], exclusive=True, say=print):
    child = os.fork()
    if child == 0:  # lives on, its output closed (the test reads the parent's to its end)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        time.sleep(30)
        os._exit(0)
    print(child, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


@linux_only
def test_a_forked_child_does_not_keep_the_lock(work: tuple[Path, Path]) -> None:
    """A run killed while its lock is held: the lock goes with it, although a
    child it forked (and which would otherwise have inherited it) lives on."""
    folder, cache = work
    script = subprocess.run(
        [sys.executable, "-c", LOCK_THEN_DIE],
        cwd=folder,
        env=_env(cache),
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )
    assert script.returncode == -signal.SIGKILL, script.stderr
    child = int(script.stdout.split()[0])
    try:
        assert _alive([child]), "the forked child should still be sleeping"
        done = _generate(folder, cache, "b", **{TIMEOUT_VARIABLE: "1"})
        assert done.returncode == 0, done.stdout + done.stderr
        assert "waiting" not in done.stderr
    finally:
        try:
            os.kill(child, signal.SIGKILL)
        except OSError:
            pass


ORPHAN = """
import os, sys, time
from generator.children import die_with_parent

parent = os.getpid()
child = os.fork()
if child == 0:
    die_with_parent(parent, use_prctl=sys.argv[1] == "prctl")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    time.sleep(30)
    os._exit(0)
print(child, flush=True)
os._exit(0)
"""


@linux_only
@pytest.mark.parametrize("how", ["prctl", "thread"])
def test_a_forked_helper_dies_with_its_parent(how: str, tmp_path: Path) -> None:
    """children.die_with_parent: by the kernel's signal, or, where prctl is
    missing, by the thread that watches the parent (every half second)."""
    script = subprocess.run(
        [sys.executable, "-c", ORPHAN, how], cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD
    )
    assert script.returncode == 0, script.stderr
    child = int(script.stdout.split()[0])
    try:
        deadline = time.monotonic() + 10
        while _alive([child]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive([child]), f"the child ({how}) outlived its parent"
    finally:
        try:
            os.kill(child, signal.SIGKILL)
        except OSError:
            pass


def test_a_helper_whose_parent_is_already_gone_exits_at_once() -> None:
    """The parent can die between the fork and the prctl: the child looks after it."""
    from generator.children import die_with_parent

    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            die_with_parent(os.getppid() + 1_000_000)  # no such parent: as if reparented
        finally:
            os._exit(0)  # reached only if it did not exit: the test fails
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
