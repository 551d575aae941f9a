"""Generate a client for every spec of the shared corpora and check each package.

Two corpora, one code path: Twilio's published specs (``twilio/``, every
``*.yaml``) and public specs from other companies (``wild/``, the entries of
:data:`WILD` below; sources in that folder's README). Both live outside the
repo, in ``../shared/specs/`` (or wherever ``SPECGEN_CORPUS_DIR`` points).

For each spec: generate (in worker processes), count operations in the spec
and in the package (none may be dropped), then one ``mypy --strict`` run and
one ``black --check`` run over a corpus's packages, then each package's own
generated tests. ``tests/test_corpus.py`` asserts on the results;
``--report`` writes them as Markdown (``docs/coverage.md``).

    python scripts/corpus.py --report docs/coverage.md       # both corpora
    python scripts/corpus.py --corpus wild                    # one of them, printed
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
from typing import Any

import yaml

import warning_kinds

ROOT = Path(__file__).resolve().parent.parent
# The folder holding twilio/ and wild/: the workspace's shared/specs, or a copy of it.
SHARED = Path(os.environ.get("SPECGEN_CORPUS_DIR") or ROOT.parent / "shared" / "specs")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Entry:
    """One spec of a corpus: its entry file, and why it needs lenient mode ("": it does not)."""

    path: str  # relative to the corpus folder (a multi-file spec: its entry file)
    lenient: str = ""


# The wild corpus, in ONE place (this script, tests/test_corpus.py and
# tests/test_oracle.py read it). Lenient where the validator finds harmless
# defects (see generator/validate/lenient.py); the reason is what it finds.
WILD = (
    Entry("adyen_checkout.yaml"),
    Entry("box.json"),
    Entry(
        "digitalocean/specification/DigitalOcean-public.v2.yaml",
        "1 finding: default: null on a oneOf that is not nullable (chat_completion_request.stop)",
    ),
    Entry(
        "openai.yaml",
        "25 findings: defaults that fail their schema, exclusiveMinimum: true (3.0's form) in 3.1, "
        "$recursiveAnchor, a required list naming a property twice",
    ),
    Entry("spotify.yml"),
    Entry("xero_accounting.yaml", "23 findings: default: \"false\" on a boolean"),
)
CORPORA = ("twilio", "wild")
SOURCES = {
    "twilio": "twilio/twilio-oai (its spec/yaml folder)",
    "wild": "openai/openai-openapi, digitalocean/openapi, box/box-openapi, XeroAPI/Xero-OpenAPI, "
    "sonallux/spotify-web-api, Adyen/adyen-openapi; commits and paths in wild/README.md",
}


def entries(corpus: str) -> list[Entry]:
    """The specs of ``corpus`` ("twilio" or "wild"); empty when its folder is absent."""
    folder = SHARED / corpus
    if not folder.is_dir():
        return []
    if corpus == "twilio":
        return [Entry(p.name) for p in sorted(folder.glob("*.yaml"))]
    return list(WILD)


def needs_lenient(spec: Path) -> bool:
    """Whether ``spec`` (a path to a corpus's entry file) is generated with ``--lenient``."""
    return any(e.lenient and (SHARED / name / e.path) == spec for name in CORPORA for e in entries(name))


def skip_reason(corpus: str) -> str:
    """Why the tests of ``corpus`` skip: where its specs come from, how to point at a copy."""
    return (
        f"the {corpus} corpus is not at {SHARED / corpus} (specs from {SOURCES[corpus]}); "
        "set SPECGEN_CORPUS_DIR to a folder holding twilio/ and wild/ to use a copy"
    )


@dataclass
class SpecResult:
    spec: str  # the entry's path, relative to its corpus folder
    package: str = ""
    spec_operations: int = 0
    operations: int = 0
    models: int = 0
    warnings: list[str] = field(default_factory=list)
    worked_around: list[str] = field(default_factory=list)  # lenient mode's warnings
    lenient: str = ""
    files: int = 0
    lines: int = 0
    seconds: float = 0.0
    error: str | None = None
    mypy_errors: list[str] = field(default_factory=list)
    black_failures: list[str] = field(default_factory=list)
    tests_passed: int = 0
    tests_failed: int = 0
    tests_output: str = ""


def _read(path: Path) -> Any:
    return yaml.load(
        path.read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )


def spec_operation_count(path: Path) -> int:
    """Operations as the spec lists them, read independently of the generator
    (a path item that is a ``$ref`` to another file is read from that file)."""
    count = 0
    for item in (_read(path).get("paths") or {}).values():
        if isinstance(item, dict) and isinstance(item.get("$ref"), str) and not item["$ref"].startswith("#"):
            item = _read(path.parent / item["$ref"].split("#")[0])
        if isinstance(item, dict):
            count += sum(1 for method in METHODS if isinstance(item.get(method), dict))
    return count


def _generate_one(spec: str, name: str, lenient: str, out: str) -> SpecResult:
    from generator.commands.cache import Cache
    from generator.pipeline import generate_package
    from generator.write.stage import write_packages

    result = SpecResult(name, lenient=lenient)
    started = time.perf_counter()
    try:
        result.spec_operations = spec_operation_count(Path(spec))
        # the cache (SPECGEN_CACHE_DIR; a test session's own) spares tests/test_oracle.py
        # formatting the same specs again; the bytes are the same with or without it
        generated = generate_package(spec, lenient=bool(lenient), cache=Cache.from_env())
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
    result.worked_around = list(generated.worked_around)
    python = {
        p: t
        for p, t in generated.files.items()
        if p.endswith(".py") and "/_runtime/" not in p
    }
    result.files = len(python)
    result.lines = sum(text.count("\n") for text in python.values())
    result.seconds = time.perf_counter() - started
    return result


def generate_all(folder: Path, specs: list[Entry], out: Path, jobs: int) -> list[SpecResult]:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # relative paths, so that warnings in the report do not name this machine's folders
        futures = [
            pool.submit(_generate_one, os.path.relpath(folder / e.path), e.path, e.lenient, str(out))
            for e in specs
        ]
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


def check_corpus(corpus: str, out: Path, jobs: int = 2) -> list[SpecResult]:
    """Generate and check every spec of ``corpus`` ("twilio" or "wild") under ``out``."""
    results = generate_all(SHARED / corpus, entries(corpus), out, jobs)
    run_mypy(out, results)
    run_black(out, results)
    for result in results:
        run_tests(out, result)
    return results


def _table(results: list[SpecResult]) -> list[str]:
    lines = [
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
    return lines


def report(runs: dict[str, list[SpecResult]]) -> str:
    """Markdown: per corpus a table, the lenient specs, warnings by kind, every warning."""
    lines = [
        "# Corpus coverage",
        "",
        "Produced by `python scripts/corpus.py --report docs/coverage.md` from the shared corpora "
        f"(`{os.path.relpath(SHARED, ROOT)}`). Numbers only.",
        "",
    ]
    for corpus, results in runs.items():
        lines += [f"## {corpus} ({len(results)} specs; {SOURCES[corpus]})", "", *_table(results)]
        lenient = [r for r in results if r.lenient]
        if lenient:
            lines += ["Generated with `--lenient` (the validator's findings, each a located warning below):", ""]
            lines += [f"- {r.spec}: {r.lenient}" for r in lenient]
            lines.append("")
        lines += warning_kinds.section(results)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus",
        choices=(*CORPORA, "all"),
        default="all",
        help=f"which corpus of {SHARED} (SPECGEN_CORPUS_DIR); default all",
    )
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
    names = CORPORA if args.corpus == "all" else (args.corpus,)
    missing = [name for name in names if not entries(name)]
    if missing:
        for name in missing:
            print(skip_reason(name), file=sys.stderr)
        return 2
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        for name in names:
            (out / name).mkdir(parents=True, exist_ok=True)
            runs[name] = check_corpus(name, out / name, args.jobs)
    text = report(runs)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text, encoding="utf-8")
    else:
        print(text)
    bad = [
        r
        for results in runs.values()
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
