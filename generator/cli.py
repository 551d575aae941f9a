"""The command line: ``specgen generate|check|diff|lint|init``.

Exit codes (also in README.md): 0 success; 1 ``check``: stale (the spec or
specgen changed since the package was generated); 2 bad input (a spec or
configuration error, a usage error, ``--strict`` with warnings, another run
holding the output folder past ``SPECGEN_LOCK_TIMEOUT``); 3 an internal
error (a bug: please report); 4 ``check``: a generated file was edited by hand;
5 ``diff --fail-on-breaking``: the new spec breaks client code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn, Sequence, cast

from . import __version__
from .commands import setting_table
from .commands.base import EXIT_BREAKING, EXIT_FLUSH_FAILED, EXIT_OK, Ui, run_command


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help formatter, without importing shutil: argparse builds one for
    every argument it adds, and each would ask shutil for the terminal's size
    (docs/speed.md)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_help_width())


def _help_width() -> int:
    """What argparse's default is: the terminal's columns (``$COLUMNS`` first, as
    :func:`shutil.get_terminal_size` reads them), less 2; 80 columns without a terminal."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


EXIT_CODES = """exit codes:
  0  success (check: every package is fresh)
  1  check: stale, the spec or specgen changed since generation
  2  bad input: spec or pyproject.toml error, usage error, --strict with warnings,
     a path it must not read or replace (a link, a FIFO, files it did not write) or cannot write,
     or another run held the output folder longer than SPECGEN_LOCK_TIMEOUT
  3  internal error in specgen (a bug; --debug shows the traceback)
  4  check: a generated file was edited by hand
  5  diff --fail-on-breaking: the new spec breaks client code
  120 output lost (stdout closed early, as by `| head`), the command otherwise fine
  130 interrupted (Ctrl-C) during a run: nothing was written
"""

EPILOG = f"""examples:
  specgen init                          add [tool.specgen] to pyproject.toml and a spec skeleton
  specgen lint                          check the specs' examples against their schemas
  specgen generate                      every configured spec (default: spec/*) into generated/
  specgen watch                         generate, then again on every change of a spec
  specgen check --diff                  is generated/ fresh? show what would change
  specgen diff old.yaml new.yaml        what a new spec changes for client code

Settings come from [tool.specgen] in pyproject.toml (found from the working
directory upward); command-line options override them.

{EXIT_CODES}"""

HELP = {
    "generate": (
        "generate client packages from specs",
        """Render every spec into a package, format it with black (or ruff,
with --formatter ruff), and swap each
package folder in whole (nothing on disk changes if any spec fails). Packages
whose files are unchanged are not rewritten. When a package was generated
before, the API changes since then are reported (from its _specgen.json).""",
        """examples:
  specgen generate                                  every configured spec
  specgen generate spec/api.yaml --out vendor/      one spec, another output root
  specgen generate --templates my_templates/        with template overrides
  specgen generate --changelog CHANGELOG.md         also prepend the API changes there
""",
    ),
    "watch": (
        "generate, then generate again whenever a spec changes",
        """Run generate, then watch its inputs and run it again after every change:
the specs, the spec files they $ref, the spec folder (a new spec file), the
pyproject.toml and a --templates folder (polled every --interval seconds).
Each run is generate's own: an error is printed, nothing is written, and the
watch goes on. The process stays resident, so a run after a small edit
imports nothing and takes a fraction of a one-shot generate. API changes are
printed, never written to a changelog (every save would add an entry).""",
        """examples:
  specgen watch                           every configured spec, until Ctrl-C
  specgen watch spec/api.yaml --out vendor/

exit codes: 0 stopped with Ctrl-C while waiting, 130 stopped during a run
(which wrote nothing), 2 bad options or no specs found at the start
""",
    ),
    "check": (
        "check that generated packages are fresh and not hand-edited",
        """Regenerate in memory and compare with the files on disk. Each package's
_specgen.json records a sha256 of every file, so a hand edit is told apart
from a stale package. In a repository that vendors a package without its
spec, name the package folder (or the folder holding packages): the files
are checked against the manifest's hashes only.""",
        """examples:
  specgen check                           every configured spec against generated/
  specgen check --diff                    also print the unified diff
  specgen check vendor/twilio_trunking_v1 a vendored package, without its spec
  specgen check vendor/                   every package (with _specgen.json) in vendor/

exit codes: 0 fresh, 1 stale, 4 hand-edited, 2 bad input
""",
    ),
    "diff": (
        "report the API changes between two specs",
        """Compare two specs the way the generated client sees them: operations,
parameters, models, fields and enum values, added, removed or changed.
Breaking changes (removed operation or field, type change, a parameter that
became required, a removed enum value, a changed path or method) are marked.
Either side may also be a generated package folder or its _specgen.json.""",
        """examples:
  specgen diff old.yaml spec/api.yaml
  specgen diff generated/api spec/api.yaml --fail-on-breaking
  specgen diff old.yaml new.yaml --changelog CHANGELOG.md
  specgen diff old.yaml new.yaml --format markdown

exit codes: 0 done, 5 breaking changes with --fail-on-breaking, 2 bad input
""",
    ),
    "lint": (
        "check a transcribed spec: examples against schemas, missing docs",
        """Validate every example (response, request body, parameter and schema
examples) against its schema: types, nullable, enums, lengths, patterns and
formats (uri, date-time, ...); report fields an example has but its schema
does not declare, operations without a response example, parameters without
a description and enums without values. Warnings look like errors:
file:line: /json/pointer: warning: message.""",
        """examples:
  specgen lint                         every configured spec
  specgen lint spec/api.yaml --strict  exit 2 if there is any warning

exit codes: 0 done (warnings are printed), 2 a spec error, or warnings with --strict
""",
    ),
    "init": (
        "add a [tool.specgen] section and a spec skeleton to this folder",
        """Append a starter [tool.specgen] section to ./pyproject.toml (created if
missing; refused if it already has one) and write spec/example.yaml, a valid
OpenAPI 3.0.3 spec with one GET operation and an example (kept if present).""",
        """examples:
  specgen init && specgen generate
""",
    ),
}


# -- arguments -------------------------------------------------------------


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line. With ``only`` (the command named first on the command
    line), only that command's subparser is built: argparse's set-up is a few ms
    of a no-op run, and a command's usage and errors need no other command."""
    parser = argparse.ArgumentParser(
        prog="specgen",
        description="Generate typed Python clients from OpenAPI specs.",
        epilog=EPILOG,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"specgen {__version__}")
    common = argparse.ArgumentParser(add_help=False, formatter_class=_HelpFormatter)
    loudness = common.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print errors and results only")
    loudness.add_argument(
        "-v", "--verbose", action="store_true", help="print every file, the names shortened to read (notes) and more detail"
    )
    common.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def sub(name: str) -> argparse.ArgumentParser:
        summary, description, epilog = HELP[name]
        return commands.add_parser(
            name,
            help=summary,
            description=description,
            epilog=epilog,
            parents=[common],
            formatter_class=_HelpFormatter,
        )

    for name, add_arguments in _ARGUMENTS.items():
        if only is None or name == only:
            add_arguments(sub(name), name)
    return parser


def _generate_or_check_arguments(p: argparse.ArgumentParser, name: str) -> None:
    if name == "check":
        p.add_argument(
            "specs",
            nargs="*",
            type=Path,
            metavar="SPEC_OR_PACKAGE",
            help="spec files, package folders or output folders (default: the configured specs)",
        )
    else:  # generate, watch
        p.add_argument(
            "specs", nargs="*", type=Path, metavar="SPEC", help="spec files (default: the configured specs)"
        )
    _setting_arguments(p, name)
    if name == "check":
        p.add_argument("--diff", action="store_true", help="print the unified diff of every differing file")
    elif name == "watch":
        from .commands.watch_loop import DEFAULT_INTERVAL  # not imported by the other commands

        p.add_argument(
            "--interval",
            type=float,
            default=DEFAULT_INTERVAL,
            metavar="SECONDS",
            help=f"seconds between two looks at the inputs (default {DEFAULT_INTERVAL}; 0.01 to 60)",
        )


def _setting_arguments(p: argparse.ArgumentParser, name: str) -> None:
    """The flags of the settings table (commands/setting_table.py) that command ``name`` has, in the table's order."""
    for setting in setting_table.SETTINGS:
        if name not in setting.commands or not setting.help:
            continue
        keywords: dict[str, Any] = {"default": None, "help": setting.help_for.get(name, setting.help)}
        if setting.kind == "int":
            keywords["type"] = int
        elif setting.kind == "path":
            keywords["type"] = Path
        elif setting.kind == "bool":
            keywords["action"] = argparse.BooleanOptionalAction
        elif setting.kind == "choice":
            keywords["choices"] = setting.choices
        keywords.update(setting.argument)
        if keywords.get("action") == "store_true":
            del keywords["default"]  # False
        p.add_argument(setting.flag, **keywords)


def _diff_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument("old", type=Path, help="the old spec (or a generated package folder, or its _specgen.json)")
    p.add_argument("new", type=Path, help="the new spec (or a generated package folder, or its _specgen.json)")
    p.add_argument("--fail-on-breaking", action="store_true", help=f"exit {EXIT_BREAKING} if any change is breaking")
    p.add_argument(
        "--changelog",
        type=Path,
        default=None,
        metavar="FILE",
        help="prepend a Markdown entry to FILE (created if missing)",
    )
    p.add_argument(
        "--format", choices=("text", "markdown"), default="text", help="report format on stdout (default: text)"
    )
    p.add_argument("--package", default=None, help="package name for the changelog heading (default: the new side's)")
    _setting_arguments(p, name)


def _lint_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument("specs", nargs="*", type=Path, metavar="SPEC", help="spec files (default: the configured specs)")
    _setting_arguments(p, name)


def _no_arguments(p: argparse.ArgumentParser, name: str) -> None:
    pass


_ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser, str], None]] = {
    "generate": _generate_or_check_arguments,
    "watch": _generate_or_check_arguments,
    "check": _generate_or_check_arguments,
    "diff": _diff_arguments,
    "lint": _lint_arguments,
    "init": _no_arguments,
}


# -- entry point -----------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``specgen`` command line; return its exit code (the tests call this)."""
    words = sys.argv[1:] if argv is None else list(argv)
    args = _parser(words[0] if words and words[0] in _ARGUMENTS else None).parse_args(words)
    ui = Ui(quiet=args.quiet, verbose=args.verbose)
    code = run_command(_command(args.command), args, ui)
    return EXIT_FLUSH_FAILED if ui.lost_output and code == EXIT_OK else code


def run() -> NoReturn:
    """The ``specgen`` program (and ``python -m generator``): :func:`main`, then a hard exit.

    When ``main`` returns, the command is over: what it wrote is on disk (each
    file renamed into place, every file object closed by its ``with``), its
    helper processes are reaped, and only the interpreter's teardown is left,
    freeing every module and object, as long as a no-op's own work (docs/speed.md).
    So the program flushes stdout and stderr and ends with ``os._exit``, as mypy
    does. ``main`` itself returns normally: the tests and other callers use it.
    An exception out of ``main`` (SystemExit from ``--help`` too) ends the
    process the usual way.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: the descriptor was closed when Python started
                stream.flush()
        except (OSError, ValueError):  # a closed pipe (`specgen ... | head`)
            if stream is sys.stdout and code == EXIT_OK:
                code = EXIT_FLUSH_FAILED
    os._exit(code)


def _command(name: str) -> Callable[[argparse.Namespace, Ui], int]:
    """The command's function, ``generator/commands/<name>.py``'s ``command``; only that module is imported."""
    module = importlib.import_module(f"{__package__}.commands.{name}")
    return cast(Callable[[argparse.Namespace, Ui], int], module.command)
