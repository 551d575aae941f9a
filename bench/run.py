"""specgen's benchmark suite (issue 7): specgen beside openapi-python-client 0.29.1.

    make bench                       # sets up bench/.venv, then runs this
    make bench BENCH_ARGS=--quick    # one repeat, small specs only: a smoke run
    bench/.venv/bin/python -m bench.run [--quick] [--out docs/benchmarks.md] ...

Measures, in one run: whole-process generation times (cold, warm no-op,
one-line change, check) and peak memory and output size of both tools per
spec; specgen's stages in-process; the generated client's parse speed,
pagination memory and import time. Writes the Markdown report (``--out``),
a PNG chart beside it, and every number to ``bench/.work/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from . import client_speed, processes, report, wild
from .common import (
    GENERATED,
    ROOT,
    VENV,
    WORK,
    bench_python,
    fresh_dir,
    git_state,
    log,
    machine_info,
    run_measured,
    source_fingerprint,
    tool_env,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 1 repeat, small specs only, short client loops"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the Markdown report; the chart goes beside it as .png (default: docs/benchmarks.md, "
        "or bench/.work/benchmarks.md when --rows leaves rows out, so a partial run keeps the committed report)",
    )
    parser.add_argument(
        "--rows",
        choices=("all", "twilio", "wild"),
        default="all",
        help="twilio: the Twilio rows and the generated-client measurements; wild: the published specs of "
        "other companies only (issue 16; `make bench BENCH_ARGS='--rows wild'`)",
    )
    parser.add_argument(
        "--wild",
        metavar="KEYS",
        default=None,
        help="comma-separated wild specs to measure (default all: "
        + ", ".join(s.key for s in wild.SPECS)
        + ")",
    )
    parser.add_argument(
        "--wild-stages",
        action="store_true",
        help="also split one cold run of each wild spec into specgen's stages (one more run each: minutes)",
    )
    parser.add_argument(
        "--repeat-wild",
        type=int,
        default=None,
        help="runs per measurement for every wild spec (default per spec: "
        + ", ".join(f"{s.key} {s.repeats}" for s in wild.SPECS)
        + ")",
    )
    parser.add_argument("--json", type=Path, default=WORK / "results.json", help="every measurement, as JSON")
    parser.add_argument("--repeat-small", type=int, default=9, help="runs per measurement for the seed fragment")
    parser.add_argument(
        "--repeat-medium", type=int, default=3, help="runs per measurement for the full twilio_trunking_v1"
    )
    parser.add_argument("--repeat-large", type=int, default=3, help="runs per measurement for twilio_api_v2010")
    parser.add_argument("--repeat-corpus", type=int, default=1, help="runs of the whole-corpus cold generation")
    parser.add_argument("--no-corpus", action="store_true", help="skip the whole-corpus row (the longest)")
    parser.add_argument("--parse-reps", type=int, default=40, help="repetitions of each parse timing")
    parser.add_argument("--import-runs", type=int, default=7, help="fresh processes per import-time statement")
    parser.add_argument(
        "--pages", type=int, default=100, help="pages in the pagination memory test (1,000 records each)"
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="RESULTS",
        help="measure nothing: write the report from the results file of an earlier run",
    )
    return parser


def _ensure_bench_venv(argv: list[str]) -> None:
    """Re-run under bench/.venv's interpreter if started with another one."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = VENV / "bin" / "python"
    if not python.exists():
        sys.exit(f"bench: {VENV} does not exist; run `make bench` (it creates it)")
    os.execv(str(python), [str(python), "-m", "bench.run", *argv])


def _stages(chosen: list[processes.Case], timeout_scale: float = 1.0) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for case in chosen:
        if len(case.specs) != 1 or not case.stages:
            continue  # per spec: the corpus row has no stage split; the wild rows only with --wild-stages
        base = fresh_dir(WORK / "stages" / case.key)
        out_json = base / "stages.json"
        log(f"stages: {case.label}")
        lenient = ["--lenient"] if "--lenient" in case.specgen_args else []
        m = run_measured(
            [bench_python(), "-m", "bench.stages", case.specs[0], "--out-dir", base / "out", "--json", out_json, *lenient],
            timeout=case.timeout * timeout_scale,
            cwd=ROOT,
            env=tool_env(SPECGEN_CACHE_DIR=str(base / "cache")),
        )
        if m.ok and out_json.exists():
            value = json.loads(out_json.read_text(encoding="utf-8"))
            log("  " + ", ".join(f"{k} {v:.2f}s" for k, v in value["stages"].items()))
        else:
            value = {"error": m.describe_failure()}
            log(f"  FAILED: {value['error']}")
        value["short"] = case.short
        results[case.key] = value
    return results


def _subprocess_json(args: list[Any], out_json: Path, timeout: float) -> dict[str, Any]:
    m = run_measured(
        [bench_python(), "-m", "bench.client_speed", *args, "--json", out_json],
        timeout=timeout,
        cwd=ROOT,
        env=tool_env(),
    )
    if not m.ok or not out_json.exists():
        raise RuntimeError(m.describe_failure())
    return dict(json.loads(out_json.read_text(encoding="utf-8")))


def _largest_package(process_results: dict[str, Any]) -> tuple[Path, str] | None:
    best: tuple[int, Path, str] | None = None
    for case in process_results.values():
        out = case["specgen"].get("out")
        if not out or not Path(out).is_dir():
            continue
        for package in Path(out).iterdir():
            if (package / "__init__.py").exists():
                lines = sum(p.read_bytes().count(b"\n") for p in package.rglob("*.py"))
                if best is None or lines > best[0]:
                    best = (lines, Path(out), package.name)
    return None if best is None else (best[1], best[2])


def _package_differences(checked_in: Path, fresh: Path) -> list[str]:
    """Files that differ between two generated packages (header comment lines ignored)."""

    def files(root: Path) -> dict[str, list[str]]:
        found = {}
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.name != "_specgen.json":
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
                found[path.relative_to(root).as_posix()] = [
                    x for x in lines if not x.startswith("# Generated by specgen")
                ]
        return found

    a, b = files(checked_in), files(fresh)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def _client(args: argparse.Namespace, process_results: dict[str, Any]) -> dict[str, Any]:
    base = fresh_dir(WORK / "client")
    results: dict[str, Any] = {}
    checked_in = GENERATED / "twilio_trunking_v1"
    fresh = WORK / "specgen" / "fragment" / "out" / "twilio_trunking_v1"
    if fresh.is_dir():
        results["generated_differences"] = _package_differences(checked_in, fresh)
        if results["generated_differences"]:
            log(f"note: {checked_in} differs from what this specgen generates: {results['generated_differences'][:5]}")
    opc_root = WORK / "opc" / "fragment" / "twilio_trunking_v1"  # the reference's project for the seed fragment
    log("client: parsing one 1,000-record page")
    try:
        results["parse"] = _subprocess_json(
            ["parse", "--opc-root", opc_root, "--reps", args.parse_reps], base / "parse.json", timeout=900
        )
    except Exception as exc:
        results["parse_error"] = str(exc)
        log(f"  FAILED: {exc}")
    log(f"client: paginating {args.pages} pages of 1,000 records")
    try:
        results["paginate"] = _subprocess_json(["paginate", "--pages", args.pages], base / "paginate.json", timeout=900)
    except Exception as exc:
        results["paginate_error"] = str(exc)
        log(f"  FAILED: {exc}")
    largest = None
    note = ""
    v2010 = process_results.get("api_v2010", {}).get("specgen", {}).get("out")
    if v2010 and (Path(v2010) / "twilio_api_v2010" / "__init__.py").exists():
        largest = (Path(v2010), "twilio_api_v2010")
    else:
        largest = _largest_package(process_results)
        if largest is not None:
            note = (
                f"twilio_api_v2010 was not generated in this run, so the largest package generated here, "
                f"`{largest[1]}`, stands in for it."
            )
    if largest is None:
        results["import_error"] = "no generated package to import"
    else:
        log(f"client: import time of {largest[1]}")
        try:
            results["import"] = client_speed.measure_import(largest[0], largest[1], args.import_runs)
            if note:
                results["import"]["note"] = note
        except Exception as exc:
            results["import_error"] = f"{type(exc).__name__}: {exc}"
            log(f"  FAILED: {exc}")
    return results


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _ensure_bench_venv(argv)
    args = _parser().parse_args(argv)
    if args.quick:
        args.repeat_small = args.repeat_medium = args.repeat_large = args.repeat_corpus = 1
        args.parse_reps = min(args.parse_reps, 5)
        args.import_runs = min(args.import_runs, 2)
    if args.out is None:
        args.out = ROOT / "docs" / "benchmarks.md" if args.rows == "all" else WORK / "benchmarks.md"
    try:
        wild.selected(args.wild)
    except ValueError as exc:
        sys.exit(f"bench: --wild: {exc}")
    if args.repeat_wild is not None and not 1 <= args.repeat_wild <= 1000:
        sys.exit("bench: --repeat-wild must be between 1 and 1000")
    for name in (
        "repeat_small",
        "repeat_medium",
        "repeat_large",
        "repeat_corpus",
        "parse_reps",
        "import_runs",
        "pages",
    ):
        if not 1 <= getattr(args, name) <= 1000:
            sys.exit(f"bench: --{name.replace('_', '-')} must be between 1 and 1000")
    if args.pages < 11:
        sys.exit("bench: --pages must be at least 11 (memory is compared after 10 pages and at the end)")
    if args.from_json is not None:
        earlier = json.loads(args.from_json.read_text(encoding="utf-8"))
        _finish(earlier, args.out, None)
        return 0
    started = time.perf_counter()
    fresh_dir(WORK)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine_info(), "quick": args.quick, "argv": argv}
    results["specgen_source"] = {"git": git_state(), "fingerprint_at_start": source_fingerprint()}
    log(f"machine: {results['machine']['cpu_count']} CPUs, Python {results['machine']['python']}")
    chosen, skipped = processes.cases(args)
    results["skipped"] = skipped
    for message in skipped:
        log(f"skipped: {message}")
    results["processes"] = processes.run_all(chosen)
    results["startup"] = processes.startup_floor()
    results["stages"] = _stages(chosen)
    if "fragment" in results["processes"]:  # the client measurements use the seed fragment's outputs
        results["client"] = _client(args, results["processes"])
    results["elapsed_seconds"] = time.perf_counter() - started
    results["specgen_source"]["fingerprint_at_end"] = source_fingerprint()
    if results["specgen_source"]["fingerprint_at_end"] != results["specgen_source"]["fingerprint_at_start"]:
        log("WARNING: specgen's sources changed during the run; its rows mix versions")
    _finish(results, args.out, args.json)
    return 0


def _finish(results: dict[str, Any], out: Path, json_path: Path | None) -> None:
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    verdicts = report.write(results, out)
    log(f"wrote {out} and {out.with_suffix('.png')}" + (f"; all numbers in {json_path}" if json_path else ""))
    print()
    for v in verdicts:
        word = {True: "MET", False: "MISSED", None: "NOT MEASURED"}[v.met]
        print(f"{word:<13} {v.target}: {v.measured}")
    print(f"\nbench: measured in {results['elapsed_seconds'] / 60:.1f} min; see {out}")


if __name__ == "__main__":
    sys.exit(main())
