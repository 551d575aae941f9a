"""Shared pieces: paths, statistics, and one measured process."""

from __future__ import annotations

import dataclasses
import datetime
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / ".work"
VENV = BENCH / ".venv"
VENV_BIN = VENV / "bin"
CORPUS = ROOT.parent / "shared" / "specs" / "twilio"
SEED_SPEC = ROOT / "spec" / "twilio_trunking_v1.yaml"
GENERATED = ROOT / "generated"

# Caches that tools leave in their output; not part of what they generate.
CACHE_DIRS = frozenset({"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"})


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_python() -> Path:
    """The bench venv's interpreter (the one running this, when run via make)."""
    candidate = VENV_BIN / "python"
    return candidate if candidate.exists() else Path(sys.executable)


def tool(name: str) -> Path:
    """A console script of the bench venv (specgen, openapi-python-client, ruff)."""
    for folder in (VENV_BIN, Path(sys.executable).parent):
        if (folder / name).exists():
            return folder / name
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed in {VENV}; run `make bench`")
    return Path(found)


def tool_env(**extra: str) -> dict[str, str]:
    """The environment for measured processes: the bench venv first on PATH
    (openapi-python-client runs ``ruff`` from PATH), no colours, no progress."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


# -- statistics ---------------------------------------------------------------


@dataclasses.dataclass
class Stats:
    """Median and spread (min-max) of repeated measurements."""

    values: list[float]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def min(self) -> float:
        return min(self.values) if self.values else float("nan")

    @property
    def max(self) -> float:
        return max(self.values) if self.values else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {"values": self.values, "median": self.median, "min": self.min, "max": self.max, "n": self.n}


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or a != a or b != b:  # NaN checks
        return None
    return a / b


# -- one measured process -----------------------------------------------------


@dataclasses.dataclass
class Measured:
    seconds: float
    returncode: int
    max_rss_kb: int  # exact: the largest single process of the tree (wait4)
    tree_rss_kb: int  # sampled: the largest sum of PSS (else RSS) over the live tree
    stdout: str
    stderr: str
    timed_out: bool = False

    @property
    def peak_rss_kb(self) -> int:
        """Peak memory: the sampled tree sum, or the exact single-process peak if larger."""
        return max(self.max_rss_kb, self.tree_rss_kb)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def describe_failure(self) -> str:
        if self.timed_out:
            return "timed out"
        tail = (self.stderr.strip() or self.stdout.strip()).splitlines()[-3:]
        return f"exit {self.returncode}: " + " | ".join(tail)


def _tree_rss_sampler(pid: int, stop: threading.Event, result: list[int], interval: float) -> None:
    """Sum the memory of ``pid`` and its descendants every ``interval`` seconds
    (PSS where the kernel reports it, else RSS)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is in bench/requirements.txt
        return
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.is_set():
        total = 0
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            break
        for proc in procs:
            try:  # PSS: pages shared with forked workers are split, not counted twice
                total += proc.memory_full_info().pss
            except (psutil.Error, AttributeError):
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
        result[0] = max(result[0], total // 1024)
        stop.wait(interval)


def _argv(cmd: Sequence[object]) -> list[str]:
    return [os.fspath(c) if isinstance(c, (str, os.PathLike)) else str(c) for c in cmd]


def run_measured(
    cmd: Sequence[object],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    sample_interval: float = 0.05,
) -> Measured:
    """Run ``cmd`` to completion and measure wall time and peak memory.

    Wall time is from spawn to reaping. Peak memory comes from ``wait4``'s
    rusage (the largest resident set of the process or any descendant it
    waited for, exactly) and from sampling the whole tree's summed PSS with
    psutil (catches concurrent workers without counting pages they share
    with their parent twice). The process group is killed after
    ``timeout`` seconds.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            _argv(cmd),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        stop = threading.Event()
        tree = [0]
        sampler = threading.Thread(target=_tree_rss_sampler, args=(proc.pid, stop, tree, sample_interval), daemon=True)
        sampler.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            elapsed = time.perf_counter() - started
            timer.cancel()
            stop.set()
            sampler.join(timeout=5)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if timed_out.is_set():  # stragglers of the killed group
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        out.seek(0)
        err.seek(0)
        return Measured(
            seconds=elapsed,
            returncode=proc.returncode,
            max_rss_kb=int(usage.ru_maxrss),  # kilobytes on Linux
            tree_rss_kb=tree[0],
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            timed_out=timed_out.is_set(),
        )


def run_checked(cmd: Sequence[object], *, timeout: float, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """A helper process that is not measured; its failure is an error."""
    return subprocess.run(
        _argv(cmd),
        timeout=timeout,
        check=True,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        **kwargs,
    )


# -- what a tool generated ----------------------------------------------------


@dataclasses.dataclass
class TreeCount:
    files: int = 0
    py_files: int = 0
    py_lines: int = 0
    runtime_py_lines: int = 0  # lines under a `_runtime/` folder (specgen's copied runtime)
    runtime_py_files: int = 0

    def add(self, other: TreeCount) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def to_json(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def count_tree(root: Path) -> TreeCount:
    """Files and Python lines under ``root``, caches (``__pycache__``, ``.ruff_cache``) excluded."""
    count = TreeCount()
    if not root.exists():
        return count
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in CACHE_DIRS)
        in_runtime = "_runtime" in Path(dirpath).relative_to(root).parts
        for name in filenames:
            count.files += 1
            if not name.endswith(".py"):
                continue
            with open(os.path.join(dirpath, name), "rb") as handle:
                lines = handle.read().count(b"\n")
            count.py_files += 1
            count.py_lines += lines
            if in_runtime:
                count.runtime_py_files += 1
                count.runtime_py_lines += lines
    return count


def fresh_dir(path: Path) -> Path:
    """Remove ``path`` (which must be under bench/.work) and create it empty."""
    if WORK not in path.resolve().parents and path.resolve() != WORK:
        raise ValueError(f"refusing to wipe {path}: not under {WORK}")
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


# -- the machine ----------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version_of(distribution: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, Any]:
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    try:
        mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem_gib = float("nan")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": round(mem_gib, 1),
        "load_average_at_start": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "versions": {
            name: _version_of(name)
            for name in (
                "specgen",
                "openapi-python-client",
                "black",
                "ruff",
                "pydantic",
                "httpx",
                "matplotlib",
                "psutil",
            )
        },
    }


# -- what was measured ---------------------------------------------------------------


def source_fingerprint() -> str:
    """sha256 over specgen's sources (generator/, templates/, pyproject.toml).

    Taken at the start and at the end of a run: if they differ, the code
    changed during the run (specgen is installed editable) and the rows mix
    versions.
    """
    import hashlib

    h = hashlib.sha256()
    paths = [ROOT / "pyproject.toml"]
    for folder in (ROOT / "generator", ROOT / "templates"):
        paths += sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def git_state() -> dict[str, Any]:
    """The commit and the uncommitted files of generator/ and templates/ (read-only git commands)."""
    state: dict[str, Any] = {}
    try:
        state["commit"] = run_checked(["git", "rev-parse", "--short", "HEAD"], timeout=30, cwd=ROOT).stdout.strip()
        status = run_checked(
            ["git", "status", "--porcelain", "--", "generator", "templates"], timeout=30, cwd=ROOT
        ).stdout
        state["uncommitted"] = [line[3:] for line in status.splitlines() if line.strip()]
    except (OSError, subprocess.SubprocessError) as exc:
        state["error"] = f"{type(exc).__name__}: {exc}"
    return state
