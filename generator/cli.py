"""The command line: ``specgen generate`` and ``specgen check``.

Exit codes: 0 success; 1 ``check`` found generated code out of date; 2 bad
input (a spec error, a usage error); 3 an internal error (a bug: please report).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path
from typing import Sequence

from . import __version__
from .errors import Diagnostic, SpecError
from .pipeline import generate_package
from .write import diff, read_package, write_packages

EXIT_OK, EXIT_STALE, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
SPEC_SUFFIXES = (".yaml", ".yml", ".json")

EPILOG = """examples:
  specgen generate                      every spec in spec/ into generated/
  specgen generate spec/api.yaml --out vendor/
  specgen check                         exit 1 and print a diff if generated/ is stale
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="specgen",
        description="Generate typed Python clients from OpenAPI specs.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"specgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in (
        ("generate", "generate client packages from specs"),
        ("check", "exit 1 if the generated packages differ from what the specs produce"),
    ):
        sub = commands.add_parser(name, help=help_text, description=help_text, epilog=EPILOG,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.add_argument("specs", nargs="*", type=Path, help="spec files (default: every spec in spec/)")
        sub.add_argument("--out", type=Path, default=Path("generated"), help="output root (default: generated/)")
        sub.add_argument("--templates", type=Path, default=None, help="folder of templates overriding the built-in ones")
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")
        sub.add_argument("-q", "--quiet", action="store_true", help="print errors only")
        sub.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def _find_specs(paths: list[Path]) -> list[Path]:
    if paths:
        return paths
    folder = Path("spec")
    found = sorted(p for p in folder.glob("*") if p.suffix.lower() in SPEC_SUFFIXES) if folder.is_dir() else []
    if not found:
        raise SpecError([])
    return found


def result_diag(spec: Path, message: str) -> "Diagnostic":
    return Diagnostic(str(spec), None, "", message)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except SpecError as exc:
        if not exc.diagnostics:
            print("specgen: no specs given and none found in spec/", file=sys.stderr)
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("specgen: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        print(f"specgen: internal error: {type(exc).__name__}: {exc} (rerun with --debug for a traceback)", file=sys.stderr)
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    specs = _find_specs(args.specs)
    files: dict[str, str] = {}
    packages: dict[str, Path] = {}
    warnings: list[str] = []
    errors = []
    for spec in specs:
        try:
            result = generate_package(spec, templates=args.templates)
        except SpecError as exc:
            errors.extend(exc.diagnostics)
            continue
        if result.package in packages:
            raise SpecError(
                [result_diag(spec, f"package {result.package!r} is also generated from {packages[result.package]}")]
            )
        packages[result.package] = spec
        files.update(result.files)
        warnings.extend(result.warnings)
    if errors:
        raise SpecError(errors)
    for warning in warnings:
        print(warning, file=sys.stderr)
    if args.strict and warnings:
        print(f"specgen: {len(warnings)} warning(s) and --strict given; nothing was written", file=sys.stderr)
        return EXIT_INPUT
    if args.command == "check":
        return _check(args, files, list(packages))
    write_packages(args.out, files)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        print(f"specgen: wrote {len(files)} files for {len(packages)} package(s) into {args.out}/ in {elapsed:.2f}s")
    return EXIT_OK


def _check(args: argparse.Namespace, files: dict[str, str], packages: list[str]) -> int:
    on_disk: dict[str, str] = {}
    for package in packages:
        on_disk.update(read_package(args.out, package))
    diffs = diff(files, on_disk)
    if not diffs:
        if not args.quiet:
            print(f"specgen: {len(packages)} package(s) in {args.out}/ are up to date")
        return EXIT_OK
    for text in diffs:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    print(
        f"specgen: {len(diffs)} file(s) in {args.out}/ differ from what the specs produce; "
        "run `specgen generate` to refresh them",
        file=sys.stderr,
    )
    return EXIT_STALE
