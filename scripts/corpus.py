"""Generate a client for every spec of a corpus and check each package.

For each spec: generate (in worker processes), count operations in the spec
and in the package (none may be dropped), then one ``mypy --strict`` run and
one ``black --check`` run over all packages, then each package's own
generated tests. ``tests/test_corpus.py`` asserts on the results;
``--report`` writes them as Markdown (``docs/coverage.md``).

    python scripts/corpus.py --report docs/coverage.md
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "specs" / "twilio"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class SpecResult:
    spec: str
    package: str = ""
    spec_operations: int = 0
    operations: int = 0
    models: int = 0
    warnings: list[str] = field(default_factory=list)
    files: int = 0
    lines: int = 0
    seconds: float = 0.0
    error: str | None = None
    mypy_errors: list[str] = field(default_factory=list)
    black_failures: list[str] = field(default_factory=list)
    tests_passed: int = 0
    tests_failed: int = 0
    tests_output: str = ""


def spec_operation_count(path: Path) -> int:
    """Operations as the spec lists them, read independently of the generator."""
    document = yaml.load(
        path.read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    count = 0
    for item in (document.get("paths") or {}).values():
        if isinstance(item, dict):
            count += sum(1 for method in METHODS if isinstance(item.get(method), dict))
    return count


def _generate_one(spec: str, out: str) -> SpecResult:
    from generator.pipeline import generate_package
    from generator.write import write_packages

    result = SpecResult(Path(spec).name)
    started = time.perf_counter()
    try:
        result.spec_operations = spec_operation_count(Path(spec))
        generated = generate_package(spec)
        write_packages(Path(out), generated.files)
    except (
        Exception
    ) as exc:  # reported, not raised: one bad spec must not hide the others
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.package = generated.package
    assert generated.api is not None  # no cache here
    result.operations = len(generated.api.operations)
    result.models = len(generated.api.models) + len(generated.api.enums)
    result.warnings = list(generated.warnings)
    python = {
        p: t
        for p, t in generated.files.items()
        if p.endswith(".py") and "/_runtime/" not in p
    }
    result.files = len(python)
    result.lines = sum(text.count("\n") for text in python.values())
    result.seconds = time.perf_counter() - started
    return result


def generate_all(specs: list[Path], out: Path, jobs: int) -> list[SpecResult]:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # relative paths, so that warnings in the report do not name this machine's folders
        futures = [pool.submit(_generate_one, os.path.relpath(spec), str(out)) for spec in specs]
        return [f.result() for f in futures]


def run_mypy(out: Path, results: list[SpecResult]) -> None:
    packages = [r.package for r in results if r.package]
    if not packages:
        return
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--cache-dir",
        str(out / ".mypy_cache"),
    ]
    for package in packages:
        command += ["-p", package]
    proc = subprocess.run(
        command, cwd=out, capture_output=True, text=True, timeout=3600
    )
    by_package = {r.package: r for r in results if r.package}
    for line in proc.stdout.splitlines():
        match = re.match(r"([^/:]+)/[^:]*:\d+: error:", line)
        if match and match.group(1) in by_package:
            by_package[match.group(1)].mypy_errors.append(line)
    if proc.returncode not in (0, 1):  # 2: mypy itself failed
        for result in by_package.values():
            result.mypy_errors.append(f"mypy failed: {proc.stderr.strip()[-500:]}")


def run_black(out: Path, results: list[SpecResult]) -> None:
    packages = [r.package for r in results if r.package]
    if not packages:
        return
    proc = subprocess.run(
        [sys.executable, "-m", "black", "--check", *packages],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    by_package = {r.package: r for r in results if r.package}
    for line in proc.stderr.splitlines():
        match = re.match(r"would reformat (\S+)", line)
        if match:
            package = (
                Path(match.group(1)).parts[0]
                if not Path(match.group(1)).is_absolute()
                else ""
            )
            if package in by_package:
                by_package[package].black_failures.append(match.group(1))


def run_tests(out: Path, result: SpecResult) -> None:
    if not result.package:
        return
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::ResourceWarning",
            result.package,
        ],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    passed = re.search(r"(\d+) passed", tail)
    failed = re.search(r"(\d+) (failed|error)", tail)
    result.tests_passed = int(passed.group(1)) if passed else 0
    result.tests_failed = (
        int(failed.group(1)) if failed else (0 if proc.returncode in (0, 5) else 1)
    )
    if proc.returncode not in (0, 5):
        result.tests_output = proc.stdout[-4000:] + proc.stderr[-2000:]


def check_corpus(corpus: Path, out: Path, jobs: int = 2) -> list[SpecResult]:
    specs = sorted(corpus.glob("*.yaml"))
    results = generate_all(specs, out, jobs)
    run_mypy(out, results)
    run_black(out, results)
    for result in results:
        run_tests(out, result)
    return results


def report(results: list[SpecResult], corpus: Path) -> str:
    lines = [
        "# Corpus coverage",
        "",
        f"Produced by `python scripts/corpus.py --report docs/coverage.md` from the {len(results)} specs in "
        f"`{os.path.relpath(corpus, ROOT)}`. Numbers only.",
        "",
        "| spec | operations in spec | operations generated | models and enums | warnings | generated lines | "
        "mypy --strict | black --check | generated tests |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for r in results:
        if r.error:
            lines.append(f"| {r.spec} | {r.spec_operations} | error | | | | | | |")
            continue
        mypy = "ok" if not r.mypy_errors else f"{len(r.mypy_errors)} errors"
        black = "ok" if not r.black_failures else f"{len(r.black_failures)} files"
        tests = f"{r.tests_passed} passed" + (
            f", {r.tests_failed} failed" if r.tests_failed else ""
        )
        lines.append(
            f"| {r.spec} | {r.spec_operations} | {r.operations} | {r.models} | {len(r.warnings)} | "
            f"{r.lines:,} | {mypy} | {black} | {tests} |"
        )
    total = lambda attr: sum(getattr(r, attr) for r in results)  # noqa: E731
    lines += [
        f"| **total** | {total('spec_operations')} | {total('operations')} | {total('models')} | "
        f"{sum(len(r.warnings) for r in results)} | {total('lines'):,} | "
        f"{sum(1 for r in results if not r.mypy_errors and not r.error)} of {len(results)} clean | "
        f"{sum(1 for r in results if not r.black_failures and not r.error)} of {len(results)} clean | "
        f"{total('tests_passed')} passed, {total('tests_failed')} failed |",
        "",
    ]
    warnings = [w for r in results for w in r.warnings]
    if warnings:
        lines += ["## Warnings", "", "```", *warnings, "```", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to generate (default: a temporary folder)",
    )
    parser.add_argument(
        "--report", type=Path, default=None, help="write the Markdown report here"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus folder {args.corpus} not found", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        results = check_corpus(args.corpus, out, args.jobs)
    text = report(results, args.corpus)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text, encoding="utf-8")
    else:
        print(text)
    bad = [
        r
        for r in results
        if r.error
        or r.mypy_errors
        or r.black_failures
        or r.tests_failed
        or r.operations != r.spec_operations
    ]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
