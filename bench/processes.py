"""Whole-process timings: specgen and openapi-python-client on the same specs.

For specgen, per spec: cold generation (empty output, empty cache), warm no-op
regeneration (same output, same cache, nothing changed), regeneration after
a one-line description change, and ``specgen check``. For the reference,
openapi-python-client 0.29.1, cold generation of the same spec (it has no
incremental mode and no check; its cold generation is the reference for
every specgen row, as issue 7 states the targets), one run right after each
specgen run (:class:`ReferenceRuns`).

specgen's cache is pointed at a fresh temporary folder through
``SPECGEN_CACHE_DIR`` (a specgen without a cache ignores the variable).
"""

from __future__ import annotations

import dataclasses
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import wild
from .common import (
    CORPUS,
    ROOT,
    SEED_SPEC,
    WORK,
    Measured,
    Stats,
    TreeCount,
    count_tree,
    fresh_dir,
    log,
    run_measured,
    tool,
    tool_env,
)

SPECGEN_MODES = ("cold", "warm", "change", "check", "watch")
WATCH_EDITS = 1000  # the watch's edits are numbered from here: never a sentence a one-shot change cached


@dataclasses.dataclass
class Case:
    key: str
    short: str  # the row label in the report
    label: str
    specs: list[Path]
    repeats: int
    timeout: float  # seconds, per process
    modes: tuple[str, ...] = SPECGEN_MODES
    group: str = "twilio"  # "wild": a row of the published specs' section (see wild.py)
    specgen_args: tuple[str, ...] = ()  # beyond the specs and --out
    copy_root: Path | None = None  # a multi-file spec: this folder is copied whole, not the spec alone
    stages: bool = True  # also split one cold run into specgen's stages (bench.stages)


def cases(args: Any) -> tuple[list[Case], list[str]]:
    """The specs to measure (``args.rows``: all, twilio or wild), and messages about those skipped."""
    rows = getattr(args, "rows", "all")
    chosen: list[Case] = []
    skipped: list[str] = []
    if rows != "wild":
        chosen, skipped = _twilio_cases(args)
    else:
        skipped.append("--rows wild: skipped the Twilio rows and the generated-client measurements")
    if rows == "twilio":
        skipped.append("--rows twilio: skipped the published specs of other companies")
    elif args.quick:
        skipped.append("--quick: skipped the published specs of other companies")
    else:
        chosen += _wild_cases(args, skipped)
    return chosen, skipped


def _wild_cases(args: Any, skipped: list[str]) -> list[Case]:
    if not wild.WILD.is_dir():
        skipped.append(f"folder {wild.WILD} is absent: skipped the published specs of other companies")
        return []
    chosen = []
    for spec in wild.selected(getattr(args, "wild", None)):
        entry = wild.WILD / spec.entry
        if not entry.exists():
            skipped.append(f"{entry} is absent: skipped its row")
            continue
        chosen.append(
            Case(
                f"wild_{spec.key}",
                spec.short,
                f"{spec.entry} (published, {entry.stat().st_size / 1e6:.1f} MB)",
                [entry],
                getattr(args, "repeat_wild", None) or spec.repeats,
                600,
                modes=("cold",),
                group="wild",
                specgen_args=("--lenient",) if spec.lenient else (),
                copy_root=wild.copy_root(spec),
                stages=getattr(args, "wild_stages", False),
            )
        )
    return chosen


def _twilio_cases(args: Any) -> tuple[list[Case], list[str]]:
    chosen = [
        Case(
            "fragment",
            "seed fragment",
            "seed fragment (spec/twilio_trunking_v1.yaml, 1 operation)",
            [SEED_SPEC],
            args.repeat_small,
            300,
        )
    ]
    skipped: list[str] = []
    corpus_specs = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []
    if not corpus_specs:
        skipped.append(
            f"corpus folder {CORPUS} is absent (or has no *.yaml): skipped the full twilio_trunking_v1, "
            "twilio_api_v2010 and whole-corpus rows"
        )
        return chosen, skipped
    chosen.append(
        Case(
            "trunking",
            "trunking_v1 (full)",
            "twilio_trunking_v1.yaml (corpus, full)",
            [CORPUS / "twilio_trunking_v1.yaml"],
            args.repeat_medium,
            600,
        )
    )
    if args.quick:
        skipped.append("--quick: skipped twilio_api_v2010 and the whole corpus")
        return chosen, skipped
    chosen.append(
        Case(
            "api_v2010",
            "api_v2010",
            "twilio_api_v2010.yaml (corpus, largest)",
            [CORPUS / "twilio_api_v2010.yaml"],
            args.repeat_large,
            1200,
        )
    )
    if args.no_corpus:
        skipped.append("--no-corpus: skipped the whole-corpus row")
    else:
        chosen.append(
            Case(
                "corpus",
                f"corpus ({len(corpus_specs)} specs)",
                f"whole corpus ({len(corpus_specs)} specs, one after another)",
                corpus_specs,
                args.repeat_corpus,
                2400,
                modes=("cold",),
            )
        )
    return chosen, skipped


# -- the one-line change --------------------------------------------------------

_DESCRIPTION = re.compile(r"^(?P<indent>\s*)description:(?P<space>\s+)(?P<value>\S.*)$")
_NOT_INLINE = tuple("|>[{&*!%@`#")


def _description_lines(lines: list[str]) -> list[int]:
    """Indexes of one-line-editable ``description:`` lines, those under ``schemas:`` first."""
    schemas = next((i for i, line in enumerate(lines) if re.match(r"^\s+schemas:\s*$", line)), None)
    candidates = []
    for i, line in enumerate(lines):
        match = _DESCRIPTION.match(line)
        if match and not match["value"].startswith(_NOT_INLINE):
            candidates.append(i)
    if schemas is not None:
        candidates.sort(key=lambda i: (i < schemas, i))
    return candidates


def edit_description(text: str, n: int) -> tuple[str, int]:
    """``text`` with one description line changed (a sentence prepended); (new text, 1-based line)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    lines = text.split("\n")
    original = yaml.load(text, Loader=loader)
    for index in _description_lines(lines)[:20]:  # bounded: the first one normally works
        match = _DESCRIPTION.match(lines[index])
        assert match is not None
        value = match["value"]
        note = f"Benchmark edit {n}. "
        new_value = value[0] + note + value[1:] if value[0] in "'\"" else note + value
        edited = list(lines)
        edited[index] = f"{match['indent']}description:{match['space']}{new_value}"
        new_text = "\n".join(edited)
        try:
            if yaml.load(new_text, Loader=loader) != original:
                return new_text, index + 1
        except yaml.YAMLError:
            continue
    raise ValueError("no description line that can be edited on one line")


# -- specgen --------------------------------------------------------------------

_SUMMARY = re.compile(r"wrote (\d+) files? \((\d+) new, (\d+) changed\), (\d+) unchanged, (\d+) removed")


def _written(m: Measured) -> int | None:
    match = _SUMMARY.search(m.stdout + m.stderr)
    return int(match[1]) if match else None


@dataclasses.dataclass
class ModeResult:
    times: list[float] = dataclasses.field(default_factory=list)
    peaks_kb: list[int] = dataclasses.field(default_factory=list)
    failures: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    def record(self, m: Measured, what: str) -> bool:
        if not m.ok:
            self.failures.append(f"{what}: {m.describe_failure()}")
            log(f"  FAILED {what}: {m.describe_failure()}")
            return False
        self.times.append(m.seconds)
        self.peaks_kb.append(m.peak_rss_kb)
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "time": Stats(self.times).to_json(),
            "peak_rss_kb": Stats([float(p) for p in self.peaks_kb]).to_json(),
            "failures": self.failures,
            "notes": self.notes,
        }


def run_specgen(case: Case, between: Callable[[str, int], None] | None = None) -> dict[str, Any]:
    """Every mode of ``case``; ``between(mode, i)`` runs after each timed run
    (the reference's run paired with it: see :class:`ReferenceRuns`)."""
    base = WORK / "specgen" / case.key
    specs_dir = fresh_dir(base / "spec")
    out = base / "out"
    cache = base / "cache"
    copies = []  # copies: the change edits one, and all modes use the same paths
    if case.copy_root is not None:  # a multi-file spec: its files $ref each other by relative paths
        shutil.copytree(case.copy_root, specs_dir / case.copy_root.name)
        copies = [specs_dir / case.copy_root.name / spec.relative_to(case.copy_root) for spec in case.specs]
    else:
        for spec in case.specs:
            copies.append(specs_dir / spec.name)
            shutil.copyfile(spec, copies[-1])
    specgen = tool("specgen")
    env = tool_env(SPECGEN_CACHE_DIR=str(cache))
    generate = [specgen, "generate", *copies, "--out", out, *case.specgen_args]
    results = {mode: ModeResult() for mode in case.modes}

    def measure(cmd: list[Any]) -> Measured:
        return run_measured(cmd, timeout=case.timeout, cwd=base, env=env)

    def paired(mode: str, i: int) -> None:
        if between is not None:
            between(mode, i)

    cold = results["cold"]
    for i in range(case.repeats):
        fresh_dir(out)
        fresh_dir(cache)
        m = measure(generate)
        log(f"  specgen cold #{i + 1}: {m.seconds:.2f}s, {m.peak_rss_kb / 1024:.0f} MiB")
        cold.record(m, f"cold #{i + 1}")
        paired("cold", i)
    if not cold.times:
        for mode in case.modes[1:]:
            results[mode].failures.append("not run: cold generation failed")
        return {"modes": {k: v.to_json() for k, v in results.items()}, "count": None}
    count = TreeCount()
    for package in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        count.add(count_tree(package))

    if "warm" in results:
        for i in range(case.repeats):
            m = measure(generate)
            log(f"  specgen warm no-op #{i + 1}: {m.seconds:.2f}s")
            if results["warm"].record(m, f"warm #{i + 1}") and _written(m) not in (0, None):
                results["warm"].notes.append(f"run #{i + 1} rewrote {_written(m)} files: not a no-op")
            paired("warm", i)
    if "check" in results:
        for i in range(case.repeats):
            m = measure([specgen, "check", *copies, "--out", out, *case.specgen_args])
            log(f"  specgen check #{i + 1}: {m.seconds:.2f}s (exit {m.returncode})")
            results["check"].record(m, f"check #{i + 1}")
            paired("check", i)
    if "change" in results:
        original = copies[0].read_text(encoding="utf-8")
        try:
            for i in range(case.repeats):
                edited, line = edit_description(original, i + 1)
                copies[0].write_text(edited, encoding="utf-8")
                m = measure(generate)
                written = _written(m)
                log(
                    f"  specgen one-line change #{i + 1} ({copies[0].name}:{line}): {m.seconds:.2f}s, {written} files written"
                )
                if results["change"].record(m, f"change #{i + 1}"):
                    results["change"].notes.append(f"{copies[0].name}:{line} edited; {written} files rewritten")
                paired("change", i)
        except ValueError as exc:
            results["change"].failures.append(str(exc))
        finally:
            copies[0].write_text(original, encoding="utf-8")
    if "watch" in results:
        _measure_watch(case, [specgen, "watch", *copies, "--out", out, *case.specgen_args], base, env, copies[0], results["watch"], paired)
    if "change" in results or "watch" in results:
        # Untimed: leave the output matching the spec again (later steps import it).
        m = measure(generate)
        if not m.ok:
            results["change" if "change" in results else "watch"].notes.append(
                f"restoring the output failed: {m.describe_failure()}"
            )
    return {"modes": {k: v.to_json() for k, v in results.items()}, "count": count.to_json(), "out": str(out)}


def _measure_watch(
    case: Case,
    cmd: list[Any],
    cwd: Path,
    env: dict[str, str],
    spec: Path,
    result: ModeResult,
    paired: Callable[[str, int], None],
) -> None:
    """A one-line change under ``specgen watch`` (default polling interval):
    the seconds from writing the edited spec to the watch's ``wrote`` line,
    i.e. the files written. One resident process for all repeats."""
    original = spec.read_text(encoding="utf-8")
    proc = subprocess.Popen(
        [str(c) for c in cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    errors: list[str] = []
    pumps = [
        threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or ()], daemon=True),
        threading.Thread(target=lambda: errors.extend(proc.stderr or ()), daemon=True),
    ]
    for pump in pumps:
        pump.start()

    def until(prefix: str) -> float:
        """Wait (bounded by the case's timeout) for a stdout line starting with ``prefix``."""
        deadline = time.monotonic() + case.timeout
        while True:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no {prefix!r} line in {case.timeout:.0f}s; stderr: {''.join(errors)[-300:]}") from None
            if line.startswith(prefix):
                return time.perf_counter()

    try:
        until("specgen: watching")  # the first run: a warm no-op
        for i in range(case.repeats):
            edited, line = edit_description(original, WATCH_EDITS + i + 1)
            started = time.perf_counter()
            spec.write_text(edited, encoding="utf-8")
            seconds = until("specgen: wrote") - started
            until("specgen: watching")
            result.times.append(seconds)
            log(f"  specgen watch, one-line change #{i + 1} ({spec.name}:{line}): {seconds:.3f}s")
            if i == 0:
                result.notes.append(f"{spec.name}:{line} edited")
            paired("watch", i)
    except (TimeoutError, ValueError) as exc:
        result.failures.append(str(exc))
    finally:
        proc.send_signal(signal.SIGINT)  # before restoring the spec, which would start a run
        try:
            code = proc.wait(timeout=case.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        for pump in pumps:
            pump.join(timeout=case.timeout)
        spec.write_text(original, encoding="utf-8")
        if code != 0:
            result.failures.append(f"the watch ended with exit code {code}: {''.join(errors)[-300:]}")


# -- openapi-python-client ------------------------------------------------------


class ReferenceRuns:
    """openapi-python-client's cold generation of a case, one run at a time, each
    right after the specgen run it is paired with: a burst of noise on a shared
    machine then slows both sides of a ratio, not one. For several specs, one
    process per spec, times summed. Every row's ratio is against the runs
    paired with that row's mode; ``modes["cold"]`` holds them all (memory,
    lines)."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.base = fresh_dir(WORK / "opc" / case.key)
        self.opc = tool("openapi-python-client")
        self.env = tool_env()
        self.all = ModeResult()
        self.by_mode: dict[str, ModeResult] = {}
        self.failed_specs: set[str] = set()
        self.runs = 0

    def run(self, mode: str = "cold", i: int = 0) -> None:
        self.runs += 1
        total = 0.0
        peak = 0
        run_failed = []
        for spec in self.case.specs:
            out = self.base / spec.stem
            if out.exists():
                shutil.rmtree(out)  # cold: no output, no .ruff_cache left from the last run
            m = run_measured(
                [self.opc, "generate", "--path", spec, "--output-path", out, "--overwrite"],
                timeout=self.case.timeout,
                cwd=self.base,
                env=self.env,
            )
            if not m.ok or not out.is_dir():
                run_failed.append(f"{spec.name}: {m.describe_failure()}")
                self.failed_specs.add(spec.name)
                continue
            total += m.seconds
            peak = max(peak, m.peak_rss_kb)
        log(
            f"  openapi-python-client cold #{self.runs} (paired with specgen {mode} #{i + 1}): "
            f"{total:.2f}s, {peak / 1024:.0f} MiB, {len(run_failed)} failed"
        )
        mode_result = self.by_mode.setdefault(mode, ModeResult())
        for result in (self.all, mode_result):
            if run_failed and len(run_failed) == len(self.case.specs):
                result.failures.extend(run_failed)
                continue
            if run_failed:
                result.notes.extend(f"run #{self.runs}: {f}" for f in run_failed)
            result.times.append(total)
            result.peaks_kb.append(peak)

    def to_json(self) -> dict[str, Any]:
        count = TreeCount()
        for spec in self.case.specs:
            if spec.name not in self.failed_specs and (self.base / spec.stem).is_dir():
                count.add(count_tree(self.base / spec.stem))
        return {
            "modes": {"cold": self.all.to_json()},
            "by_mode": {mode: result.to_json() for mode, result in self.by_mode.items()},
            "count": count.to_json(),
            "failed_specs": sorted(self.failed_specs),
            "out": str(self.base),
        }


def warm_up() -> None:
    """One untimed run of each tool so that bytecode and file caches are warm.

    specgen's own modules are compiled to bytecode first, as pip does when it
    installs a wheel (openapi-python-client's were, at install): specgen is
    installed editable, and with PYTHONDONTWRITEBYTECODE set (as on these
    machines) its every run would otherwise compile its sources again (~13 ms
    of a no-op run, more of a cold one)."""
    run_measured(
        [tool("python"), "-m", "compileall", "-q", ROOT / "generator"], timeout=300, cwd=ROOT, env=tool_env()
    )
    scratch = fresh_dir(WORK / "warmup")
    run_measured(
        [tool("specgen"), "generate", SEED_SPEC, "--out", scratch / "specgen"],
        timeout=300,
        cwd=scratch,
        env=tool_env(SPECGEN_CACHE_DIR=str(scratch / "cache")),
    )
    run_measured(
        [
            tool("openapi-python-client"),
            "generate",
            "--path",
            SEED_SPEC,
            "--output-path",
            scratch / "opc",
            "--overwrite",
        ],
        timeout=300,
        cwd=scratch,
        env=tool_env(),
    )


def startup_floor(runs: int = 9) -> dict[str, Any]:
    """What a specgen process costs before it does any work: the interpreter
    starting, importing the CLI (what a cache hit and `check` import), and
    importing the CLI and the pipeline (what any cache miss imports; black
    apart, which a helper process imports beside them with --jobs above 1)."""
    python = tool("python")
    out: dict[str, Any] = {}
    for key, code in (
        ("python", "pass"),
        ("import_cli", "import generator.cli"),
        ("import_pipeline", "import generator.cli, generator.pipeline"),
    ):
        times = []
        for _ in range(runs):
            m = run_measured([python, "-c", code], timeout=60, env=tool_env())
            if m.ok:
                times.append(m.seconds)
        out[key] = Stats(times).to_json()
    return out


def run_all(chosen: list[Case]) -> dict[str, Any]:
    warm_up()
    results: dict[str, Any] = {}
    for case in chosen:
        log(f"processes: {case.label}, {case.repeats} run(s) each")
        reference_runs = ReferenceRuns(case)
        specgen = run_specgen(case, between=reference_runs.run)
        if not reference_runs.runs:  # specgen's cold runs failed: the reference still runs
            for i in range(case.repeats):
                reference_runs.run("cold", i)
        reference = reference_runs.to_json()
        results[case.key] = {
            "label": case.label,
            "short": case.short,
            "group": case.group,
            "specgen_args": list(case.specgen_args),
            "specs": [str(s) for s in case.specs],
            "repeats": case.repeats,
            "specgen": specgen,
            "reference": reference,
        }
    return results
