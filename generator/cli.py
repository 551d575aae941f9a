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
import io
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NoReturn, Sequence, TextIO

from . import __version__
from .cache import PACKAGE_GENERATIONS, Cache, digest, package_key, spec_fingerprint
from .config import Config, ConfigError, SpecEntry, load_config
from .errors import Diagnostic, SpecError
from .fsguard import (
    NotRegular,
    PackageScan,
    PathError,
    check_replaceable,
    file_to_write,
    kind_of,
    link_text,
    open_regular,
    scan_package,
    spec_file_problem,
)
from .manifest import MANIFEST_NAME, Integrity, Manifest, ManifestError, parse_manifest, verify
from .lock import LockError, hold
from .naming import module_name
from .options import Options
from .pipeline_types import Generated
from .ruff_format import FORMATTERS, RuffNotFound, find_ruff
from .terminal import escape
from .write import Staged, commit, diff, discard, signals_held, split_packages, stage_package

if TYPE_CHECKING:
    from .format_helper import FormatHelper
    from .watch import Inputs


def _print_traceback() -> None:
    """--debug: the traceback of the exception being handled (traceback is imported only then),
    its messages escaped as all output is (terminal.py)."""
    import traceback

    if sys.stderr is not None:
        sys.stderr.write(escape(traceback.format_exc()))


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse builds a formatter for every argument it adds (to check its
    metavar), and each asked for the terminal's size through shutil, whose
    import (with its compression modules) was ~3 ms of every run."""

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


EXIT_OK, EXIT_STALE, EXIT_INPUT, EXIT_INTERNAL, EXIT_EDITED, EXIT_BREAKING = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT), or SIGTERM for watch
EXIT_FLUSH_FAILED = 120  # output lost (stdout closed early); CPython's own code when stdout cannot be flushed
SPEC_SUFFIXES = (".yaml", ".yml", ".json")

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


# -- output ----------------------------------------------------------------

_STYLES = {"red": "31", "green": "32", "yellow": "33", "cyan": "36", "bold": "1"}
# The only escape sequences the Ui prints raw: its own colours, and the
# progress line's erase. Everything else it prints is escaped (terminal.py).
_COLOURS = (*(f"\033[{code}m" for code in _STYLES.values()), "\033[0m")
_ERASE_LINE = "\r\033[K"


def _colour_enabled(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Ui:
    """Where and how to print: quiet/verbose, colour and progress on terminals only.

    A stream that cannot be written (a closed pipe: `specgen check --diff | head`,
    or a closed descriptor) is dropped, and the command goes on: its files are
    written, its verdict kept. ``lost_output`` then says that some of stdout was
    lost, and a command that otherwise succeeded exits 120 (see :func:`main`).

    All output passes ``_out``/``_err``, which escape control and bidi
    characters (messages quote the spec) but for the Ui's own colour and
    progress sequences.
    """

    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose and not quiet
        self.out: TextIO = sys.stdout if sys.stdout is not None else _discard()
        self.err: TextIO = sys.stderr if sys.stderr is not None else _discard()
        self.lost_output = False  # stdout None (closed at start, `>&-`): output not wanted, as print() has it
        self.colour_out = _colour_enabled(self.out)
        self.colour_err = _colour_enabled(self.err)
        self._progress_shown = False
        self._keep_out = _COLOURS if self.colour_out else ()
        self._keep_err = (*(_COLOURS if self.colour_err else ()), _ERASE_LINE)

    def paint(self, text: str, style: str, stream: TextIO | None = None) -> str:
        enabled = self.colour_err if stream is self.err else self.colour_out
        return f"\033[{_STYLES[style]}m{text}\033[0m" if enabled else text

    def info(self, text: str) -> None:
        """Normal output (stdout); hidden by --quiet."""
        if not self.quiet:
            self.clear_progress()
            self._out(text + "\n")

    def detail(self, text: str) -> None:
        """Extra output for --verbose (stdout)."""
        if self.verbose:
            self.clear_progress()
            self._out(text + "\n")

    def result(self, text: str) -> None:
        """Output that is the command's answer (stdout), printed even with --quiet."""
        self.clear_progress()
        self._out(text if text.endswith("\n") else text + "\n")

    def error(self, text: str) -> None:
        self.clear_progress()
        self._err(text + "\n")

    def _out(self, text: str) -> None:
        try:
            self.out.write(escape(text, keep=self._keep_out))
        except (OSError, ValueError):  # BrokenPipeError among them; ValueError: closed
            self.out = _discard()
            self.lost_output = True

    def _err(self, text: str, flush: bool = False) -> None:
        try:
            self.err.write(escape(text, keep=self._keep_err))
            if flush:
                self.err.flush()
        except (OSError, ValueError):
            self.err = _discard()

    def note(self, text: str) -> None:
        """A message on stderr; hidden by --quiet."""
        if not self.quiet:
            self.error(text)

    def progress(self, index: int, total: int, label: str) -> None:
        """``[2/5] spec/x.yaml`` on one stderr line, only on a terminal and for several specs."""
        if self.quiet or total < 2 or not self._err_is_tty() or os.environ.get("TERM") == "dumb":
            return
        self._err(f"\r\033[K[{index}/{total}] {label}", flush=True)
        self._progress_shown = True

    def clear_progress(self) -> None:
        if self._progress_shown:
            self._progress_shown = False
            self._err("\r\033[K", flush=True)

    def _err_is_tty(self) -> bool:
        try:
            return self.err.isatty()
        except (AttributeError, ValueError):
            return False


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _colour_diff(text: str, ui: Ui) -> str:
    if not ui.colour_out:
        return text
    lines = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        end = line[len(body) :]
        if line.startswith(("+++", "---")):
            lines.append(ui.paint(body, "bold") + end)
        elif line.startswith("@@"):
            lines.append(ui.paint(body, "cyan") + end)
        elif line.startswith("+"):
            lines.append(ui.paint(body, "green") + end)
        elif line.startswith("-"):
            lines.append(ui.paint(body, "red") + end)
        else:
            lines.append(line)
    return "".join(lines)


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
    p.add_argument("--out", type=Path, default=None, help="output root (config: out; default generated/)")
    p.add_argument(
        "--templates",
        type=Path,
        default=None,
        help="folder of templates overriding the built-in ones (config: templates)",
    )
    p.add_argument(
        "--line-length",
        type=int,
        default=None,
        metavar="N",
        help="line length of the generated code, for black or ruff (config: line-length; default 88)",
    )
    p.add_argument(
        "--formatter",
        choices=FORMATTERS,
        default=None,
        help="black, or ruff if installed: same style, faster, other bytes (config: formatter; default black)",
    )
    p.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="treat warnings as errors (config: strict)",
    )
    _lenient_argument(p)
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="do not read or write the cache (SPECGEN_CACHE_DIR; default ~/.cache/specgen)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes that format in parallel; above 1, a spec is also validated in a process of its own "
        "beside the rest, and a helper process imports black meanwhile (default: the number of CPUs)",
    )
    if name == "check":
        p.add_argument("--diff", action="store_true", help="print the unified diff of every differing file")
    elif name == "watch":
        from .watch import DEFAULT_INTERVAL  # not imported by the other commands

        p.add_argument(
            "--interval",
            type=float,
            default=DEFAULT_INTERVAL,
            metavar="SECONDS",
            help=f"seconds between two looks at the inputs (default {DEFAULT_INTERVAL}; 0.01 to 60)",
        )
    else:
        p.add_argument(
            "--changelog",
            type=Path,
            default=None,
            metavar="FILE",
            help="prepend API changes to this Markdown file (config: changelog)",
        )


def _lenient_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lenient",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="published specs: report harmless defects (a default that fails its schema, a 3.0 keyword in "
        "3.1, ...) as warnings and generate anyway; other problems stay errors "
        "(config: lenient, also per spec; default off)",
    )


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
    _lenient_argument(p)


def _lint_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument("specs", nargs="*", type=Path, metavar="SPEC", help="spec files (default: the configured specs)")
    p.add_argument(
        "--strict", action=argparse.BooleanOptionalAction, default=None, help="exit 2 on any warning (config: strict)"
    )
    _lenient_argument(p)


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
    words = sys.argv[1:] if argv is None else list(argv)
    args = _parser(words[0] if words and words[0] in _ARGUMENTS else None).parse_args(words)
    ui = Ui(quiet=args.quiet, verbose=args.verbose)
    code = _run_command(COMMANDS[args.command], args, ui)
    return EXIT_FLUSH_FAILED if ui.lost_output and code == EXIT_OK else code


class _Discard(io.StringIO):
    """Where the output of a stream that cannot be written goes."""

    def write(self, text: str) -> int:
        return len(text)


def _discard() -> TextIO:
    return _Discard()



def run() -> NoReturn:
    """The ``specgen`` program (and ``python -m generator``): :func:`main`, then a hard exit.

    When ``main`` returns, the command is over: what it wrote is on disk (each
    file renamed into place, every file object closed by its ``with``), its
    helper processes are reaped, and only the interpreter's teardown is left,
    freeing every module and object: ~15-25 ms, as long as a no-op's own work.
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


def _check_hint(limit: int = 2000) -> str:
    """For a bare ``check`` without specs: where vendored packages are, or what to run.

    Looks at the folders of the working folder and their subfolders (at most
    ``limit`` entries) for a package's manifest; no link is followed.
    """
    found: list[str] = []
    budget = limit
    try:
        with os.scandir(".") as top:
            folders = sorted(e.name for e in top if not e.name.startswith(".") and e.is_dir(follow_symlinks=False))
    except OSError:
        folders = []
    for name in folders[:limit]:
        try:
            with os.scandir(name) as inner:
                for entry in inner:
                    budget -= 1
                    if budget < 0 or entry.is_dir(follow_symlinks=False) and os.path.isfile(
                        os.path.join(entry.path, MANIFEST_NAME)
                    ):
                        break
                else:
                    continue
        except OSError:
            continue
        if budget < 0:
            break
        found.append(f"`specgen check {name}/`")
    if found:
        return f"; to check the vendored packages against their manifests, run {' or '.join(found[:3])}"
    return "; to check vendored packages, run `specgen check <folder of packages>`; to start a spec, `specgen init`"


def _run_command(command: Callable[[argparse.Namespace, Ui], int], args: argparse.Namespace, ui: Ui) -> int:
    """Run one command: errors printed for people, and mapped to exit codes."""
    try:
        return command(args, ui)
    except SpecError as exc:
        if not exc.diagnostics:
            ui.error(
                "specgen: no specs given and none found (configure [tool.specgen] specs, or put them in spec/)"
                + (_check_hint() if args.command == "check" else "")
            )
        for diagnostic in exc.diagnostics:
            ui.error(str(diagnostic))
        if args.debug:
            _print_traceback()
        return EXIT_INPUT
    except ConfigError as exc:
        ui.error(str(exc))
        if args.debug:
            _print_traceback()
        return EXIT_INPUT
    except (UsageError, PathError) as exc:
        ui.error(f"specgen {args.command}: {exc}")
        return EXIT_INPUT
    except LockError as exc:
        ui.error(f"specgen {args.command}: {exc}")
        return EXIT_INPUT
    except KeyboardInterrupt:
        ui.error("specgen: interrupted; nothing was written")
        return EXIT_INTERRUPTED
    except Exception as exc:
        if args.debug:
            _print_traceback()
        ui.error(f"specgen: internal error: {type(exc).__name__}: {exc} (rerun with --debug for a traceback)")
        return EXIT_INTERNAL
    finally:
        ui.clear_progress()


class UsageError(Exception):
    """A command-line mistake that argparse cannot see (exit 2)."""


def result_diag(spec: Path, message: str) -> Diagnostic:
    return Diagnostic(str(spec), None, "", message)


# -- targets: which specs and packages a run is about ------------------------


@dataclass
class Target:
    spec: Path | None  # None: check a package against its manifest only
    package: str | None  # the configured package name, if any
    out: Path
    note: str = ""
    allow_env: frozenset[str] = frozenset()  # environment variables the spec may name (config allow-env)
    lenient: bool = False
    prefer_media_types: tuple[str, ...] = ()  # config prefer-media-types


@dataclass
class Settings:
    config: Config
    templates: Path | None
    line_length: int
    strict: bool
    cache: Cache | None = None
    jobs: int = 1
    formatter: str = "black"
    formatter_origin: str = ""  # where the choice came from, for messages
    # A helper process that imports black while the pipeline loads (one-shot
    # runs); a resident process (watch) imports black itself, once.
    format_helper: bool = True


def _settings(args: argparse.Namespace) -> Settings:
    config = load_config()
    line_length = args.line_length if getattr(args, "line_length", None) is not None else config.line_length
    if not 20 <= line_length <= 400:
        raise UsageError(f"--line-length: expected 20 to 400, got {line_length}")
    strict = args.strict if args.strict is not None else config.strict
    templates = None
    if hasattr(args, "templates"):  # generate and check
        templates = args.templates or config.templates
        if templates is not None and not templates.is_dir():
            raise UsageError(f"templates folder {templates} does not exist")
    jobs = getattr(args, "jobs", None) or os.cpu_count() or 1
    if jobs < 1:
        raise UsageError(f"--jobs: expected a positive number, got {jobs}")
    cache = None if getattr(args, "no_cache", False) else Cache.from_env()
    formatter = getattr(args, "formatter", None)
    if formatter is not None:
        origin = f"--formatter {formatter}"
    else:
        formatter = config.formatter
        origin = f'{config.label}: [tool.specgen] formatter = "{formatter}"'
    resident = args.command == "watch"
    return Settings(config, templates, line_length, strict, cache, jobs, formatter, origin, not resident)


def _formatter_version(settings: Settings) -> str:
    """The formatter's version; UsageError if ruff is missing."""
    if settings.formatter != "ruff":
        from .versions import black_version

        return black_version()
    try:
        return find_ruff().version
    except RuffNotFound as exc:
        raise UsageError(f"{settings.formatter_origin}: {exc}") from None


def _options(target: Target, settings: Settings) -> Options:
    """What shapes ``target``'s package: the run's settings and the spec's own."""
    return Options(
        package=target.package,
        line_length=settings.line_length,
        formatter=settings.formatter,
        formatter_version=_formatter_version(settings),
        templates=settings.templates,
        allow_env=target.allow_env,
        lenient=target.lenient,
        prefer_media_types=target.prefer_media_types,
    )


def lenient_for(args: argparse.Namespace, config: Config, path: Path) -> bool:
    """Whether ``path`` is read in lenient mode: --lenient/--no-lenient, else its
    [[tool.specgen.specs]] entry's setting, else the top-level one."""
    chosen: bool | None = getattr(args, "lenient", None)
    if chosen is not None:
        return chosen
    entry = config.entry_for(path)
    return entry.lenient if entry is not None else config.lenient


def _targets(args: argparse.Namespace, config: Config, for_check: bool) -> list[Target]:
    out_override: Path | None = getattr(args, "out", None)
    targets: list[Target] = []
    if args.specs:
        for path in args.specs:
            if for_check and path.is_dir():
                targets.extend(_package_targets(path))
                continue
            entry = config.entry_for(path)
            out = out_override or (entry.out if entry else config.out)
            targets.append(
                Target(
                    path,
                    entry.package if entry else None,
                    out,
                    allow_env=_allow_env(config, entry),
                    lenient=lenient_for(args, config, path),
                    prefer_media_types=entry.prefer_media_types if entry else config.prefer_media_types,
                )
            )
        return targets
    chosen: bool | None = getattr(args, "lenient", None)
    for entry in config.discover_specs():
        out = out_override or entry.out
        if for_check and not entry.path.exists():
            package = entry.package or module_name(entry.path.stem)
            note = f"{entry.path} not found; checking {out / package} against its manifest only"
            targets.append(Target(None, package, out, note))
        else:
            lenient = chosen if chosen is not None else entry.lenient
            targets.append(
                Target(
                    entry.path,
                    entry.package,
                    out,
                    allow_env=entry.allow_env,
                    lenient=lenient,
                    prefer_media_types=entry.prefer_media_types,
                )
            )
    if not targets and for_check:
        root = out_override or config.out
        if root.is_dir():
            targets = _package_targets(root)
    if not targets:
        raise SpecError([])
    return targets


def _allow_env(config: Config, entry: SpecEntry | None) -> frozenset[str]:
    """The environment variables a spec may name: its entry's, else the top-level list."""
    return entry.allow_env if entry is not None else config.allow_env


def _package_targets(folder: Path) -> list[Target]:
    """A package folder (with a manifest), or a folder of them."""
    if (folder / MANIFEST_NAME).is_file():
        return [Target(None, folder.name, folder.parent)]
    found = (
        sorted(p for p in folder.iterdir() if not p.name.startswith(".") and (p / MANIFEST_NAME).is_file())
        if folder.is_dir()
        else []
    )  # hidden: a run's staging folders (recover.py), never packages
    if not found:
        raise UsageError(f"{folder} is neither a generated package nor a folder of them (no {MANIFEST_NAME} found)")
    return [Target(None, p.name, folder) for p in found]


def _generate_targets(
    targets: list[Target],
    settings: Settings,
    ui: Ui,
    on_result: Callable[[Target, Generated], None],
    checking: bool = False,
) -> list[tuple[Target, str]] | None:
    """Generate every spec target in memory, handing each result to ``on_result``
    as it comes (and keeping none: a run holds one package at a time).

    Returns ``(target, package name)`` pairs; None if --strict refuses the
    warnings. Raises :class:`SpecError` with every spec's errors at the end.
    """
    results: list[tuple[Target, str]] = []
    errors: list[Diagnostic] = []
    warnings: list[str] = []
    worked_around: list[str] = []  # lenient mode's: printed as warnings, not counted by --strict
    notes: list[str] = []  # renames by the word rule: --verbose only, never a --strict failure
    seen: dict[tuple[Path, str], Path] = {}
    with_spec = [t for t in targets if t.spec is not None]
    if with_spec:
        _formatter_version(settings)  # a missing ruff stops the run before any work
    helper = _RunHelper(settings)
    try:
        for index, target in enumerate(with_spec, 1):
            assert target.spec is not None
            ui.progress(index, len(with_spec), str(target.spec))
            started = time.perf_counter()
            try:
                result = _generate_cached(target, settings, helper)
            except SpecError as exc:
                errors.extend(exc.diagnostics)
                continue
            ui.detail(f"specgen: {target.spec} -> {target.out / result.package} ({time.perf_counter() - started:.2f}s)")
            key = (target.out.resolve(), result.package)
            if key in seen:
                raise SpecError(
                    [result_diag(target.spec, f"package {result.package!r} is also generated from {seen[key]}")]
                )
            seen[key] = target.spec
            results.append((target, result.package))
            warnings.extend(result.warnings)
            worked_around.extend(result.worked_around)
            notes.extend(result.notes)
            if not errors:  # after an error nothing is written or reported: skip the work
                on_result(target, result)
            del result
    finally:
        helper.close()  # the format helper, if a cache miss started one
    ui.clear_progress()
    if errors:
        raise SpecError(errors)
    for warning in worked_around:
        ui.note(warning)  # --quiet: errors only
    for note in notes:
        ui.detail(note)
    for warning in warnings:
        if settings.strict:
            ui.error(warning)
        else:
            ui.note(warning)  # --quiet: errors only
    if settings.strict and warnings:
        ui.error(
            f"specgen: {_plural(len(warnings), 'warning')} and --strict given"
            + ("" if checking else "; nothing was written")
        )
        return None
    return results


class _RunHelper:
    """The run's format helper (see format_helper.py): forked on the first
    cache miss, before the pipeline is imported, with ``--jobs`` above 1 and
    black formatting; one attempt per run, closed when the run ends."""

    def __init__(self, settings: Settings) -> None:
        self._wanted = settings.format_helper and settings.jobs > 1 and settings.formatter == "black"
        self._helper: FormatHelper | None = None

    def get(self) -> FormatHelper | None:
        if self._wanted:
            self._wanted = False
            from .format_helper import FormatHelper

            self._helper = FormatHelper.start()
        return self._helper

    def close(self) -> None:
        if self._helper is not None:
            self._helper.close()


def _generate_cached(target: Target, settings: Settings, helper: _RunHelper | None = None) -> Generated:
    """``generate_package``, or its result from the cache when nothing it depends on changed."""
    assert target.spec is not None
    problem = spec_file_problem(target.spec)  # before any read: a FIFO would block it
    if problem is not None:
        raise SpecError([result_diag(target.spec, problem)])
    cache = settings.cache
    options = _options(target, settings)
    key = None
    if cache is not None and target.spec.is_file():
        resolved = target.spec.resolve()
        key = package_key(
            options,
            spec_fingerprint(target.spec),
            str(target.spec),  # the package is named from this file name; warnings name the path
            f"{resolved.parent.name}/{resolved.name}",  # the manifest and the headers name the spec so
        )
        hit = cache.get("package", key)
        if hit is not None:
            try:
                entry = json.loads(hit)
                found = Generated(
                    entry["package"],
                    entry["files"],
                    tuple(entry["warnings"]),
                    None,
                    tuple(entry["worked_around"]),
                    tuple(entry.get("notes", ())),
                )
            except (ValueError, KeyError, TypeError):
                pass
            else:
                cache.mark_used("package", _package_slot(target), key)  # the newest of its slot
                return found
    format_helper = helper.get() if helper is not None else None  # before the imports it overlaps
    from .pipeline import generate_package  # imports Jinja2, PyYAML...: only on a cache miss

    result = generate_package(target.spec, options, cache=cache, jobs=settings.jobs, format_helper=format_helper)
    if cache is not None and key is not None:
        entry = {
            "package": result.package,
            "files": result.files,
            "warnings": list(result.warnings),
            "worked_around": list(result.worked_around),
            "notes": list(result.notes),
        }
        cache.put("package", key, json.dumps(entry).encode("utf-8"))
        cache.keep_recent("package", _package_slot(target), key, PACKAGE_GENERATIONS)  # one entry per edit otherwise
    return result


def _package_slot(target: Target) -> str:
    """The package cache entries of one spec path and package name, of which the last few are kept."""
    return digest("package-slot", os.path.abspath(str(target.spec)), str(target.package))


def _read_manifest(files: dict[str, bytes]) -> tuple[Manifest | None, str | None]:
    """The manifest among a package's files: (manifest, None) or (None, why not)."""
    raw = files.get(MANIFEST_NAME)
    if raw is None:
        return None, f"it has no {MANIFEST_NAME}"
    try:
        return parse_manifest(raw.decode("utf-8")), None
    except (ManifestError, UnicodeDecodeError) as exc:
        return None, f"its {MANIFEST_NAME} is unreadable ({exc})"


def _inner(files: dict[str, str], package: str) -> dict[str, bytes]:
    prefix = f"{package}/"
    return {k[len(prefix) :]: v.encode("utf-8") for k, v in files.items() if k.startswith(prefix)}


# -- generate --------------------------------------------------------------


def _check_output_root(root: Path) -> None:
    """An output root that can take packages: missing (it is created), or a folder
    (through links: a linked output folder is a normal setup) that can be written."""
    if not os.path.lexists(root):
        return
    if os.path.isdir(root):
        if not os.access(root, os.W_OK | os.X_OK):
            raise PathError(f"output folder {root} is read-only; specgen cannot write packages there")
        return
    if os.path.islink(root):
        where = "to no folder" if os.path.exists(root) else "nowhere"
        raise PathError(f"output folder {root} is a symbolic link (to {link_text(root)}) that leads {where}")
    raise PathError(f"output folder {root} is {kind_of(os.lstat(root).st_mode)}, not a folder")


@dataclass
class _Counts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    per_file: list[tuple[str, str]] = field(default_factory=list)


def _cmd_generate(args: argparse.Namespace, ui: Ui) -> int:
    from contextlib import ExitStack

    started = time.perf_counter()
    settings = _settings(args)
    targets = _targets(args, settings.config, for_check=False)
    roots = list(dict.fromkeys(t.out for t in targets))
    locked: list[bool] = []
    with ExitStack() as held:

        def lock() -> None:
            """Before the first look at the output folders: one run at a time in
            them (lock.py), and what a killed run left there cleaned up (recover.py).
            Runs into one folder generate side by side, and take turns to write."""
            if locked:
                return
            from .recover import recover

            for root in roots:  # first: taking the lock creates the folder, through a dangling link too
                _check_output_root(root)
            held.enter_context(hold(roots, exclusive=True, say=ui.note))
            locked.append(True)
            for root in roots:
                recover(root, ui.note)

        return _generate(args, ui, settings, targets, started, lock)


def _generate(
    args: argparse.Namespace,
    ui: Ui,
    settings: Settings,
    targets: list[Target],
    started: float,
    lock: Callable[[], None],
) -> int:
    """``generate``; ``lock`` is called before each look at the output folders."""
    counts = _Counts()
    staged: list[Staged] = []
    reports: list[tuple[str, str]] = []  # (text report, changelog entry)

    def take(target: Target, result: Generated) -> None:
        """Compare one package with the disk and stage it if it changed."""
        lock()
        package_dir = target.out / result.package
        _check_output_root(target.out)
        scan = scan_package(package_dir)
        disk = scan.files
        new = _inner(result.files, result.package)
        old_manifest, _why = _read_manifest(disk)
        # Only what the manifest proves specgen wrote is replaced (fsguard.py): exit 2 otherwise.
        check_replaceable(package_dir, scan, None if old_manifest is None else {*old_manifest.files, MANIFEST_NAME})
        if old_manifest is not None:
            integrity = verify(old_manifest, disk)
            for path in integrity.modified:
                ui.note(f"specgen: note: {package_dir / path} had been edited by hand; the edit is overwritten")
        package_changed = False
        for path in sorted(set(new) | set(disk)):
            if path not in disk:
                counts.new += 1
                status = "new"
            elif path not in new:
                counts.removed += 1
                status = "removed"
            elif disk[path] != new[path]:
                counts.changed += 1
                status = "changed"
            else:
                counts.unchanged += 1
                status = "unchanged"
            package_changed = package_changed or status != "unchanged"
            counts.per_file.append((status, f"{package_dir / path}"))
        if package_changed:
            try:
                staged.append(stage_package(target.out, result.package, split_packages(result.files)[result.package]))
            except OSError as exc:  # a full disk, a folder made read-only meanwhile: bad ground, not a bug
                raise PathError(f"cannot write {package_dir}: {exc.strerror or exc}") from None
        if old_manifest is not None and old_manifest.api and package_changed:
            from .specdiff import compare, render_markdown, render_text

            new_manifest = parse_manifest(result.files[f"{result.package}/{MANIFEST_NAME}"])
            changes = compare(old_manifest.api, new_manifest.api)
            if changes:
                label = f"{result.package}: API changes since the last generation"
                text = render_text(changes, label, lambda t, s: ui.paint(t, s))
                entry = render_markdown(
                    changes,
                    result.package,
                    str(old_manifest.api.get("version", "?")),
                    str(new_manifest.api.get("version", "?")),
                )
                reports.append((text, entry))

    changelog = None if args.command == "watch" else args.changelog or settings.config.changelog
    committed = interrupted = False
    try:
        results = _generate_targets(targets, settings, ui, take)
        if results is None:
            return EXIT_INPUT
        if changelog is not None and reports:
            file_to_write(changelog, "changelog")  # a link leading out, a FIFO: refused before any package is written
        if staged:
            # Ctrl-C (and SIGTERM) wait for the swaps and the changelog, then come
            # here: no package is left half swapped, nor written without its entry.
            with signals_held():
                commit(staged)
                committed = True
                if changelog is not None and reports:
                    from .specdiff import prepend_changelog

                    for _text, entry in reports:
                        prepend_changelog(changelog, entry)
        committed = True
    except KeyboardInterrupt:
        if not committed:
            raise  # main: "interrupted; nothing was written"
        interrupted = True
    finally:
        if not committed:
            discard(staged)
    if interrupted:
        entries = " and the changelog entries" if changelog is not None and reports else ""
        ui.error(f"specgen: interrupted once the packages{entries} were written")
        return EXIT_INTERRUPTED
    assert results is not None  # returned above otherwise
    for text, _entry in reports:
        ui.info(text.rstrip("\n"))
    if reports and changelog is not None:
        ui.note(f"specgen: API changes prepended to {changelog}")
    for status, path in counts.per_file:
        ui.detail(f"  {status:<9} {path}")
    elapsed = time.perf_counter() - started
    written = counts.new + counts.changed
    outs = sorted({str(t.out) for t, _ in results})
    ui.info(
        f"specgen: wrote {_plural(written, 'file')} ({counts.new} new, {counts.changed} changed), "
        f"{counts.unchanged} unchanged, {counts.removed} removed; "
        f"{_plural(len(results), 'package')} in {', '.join(o + '/' for o in outs)} in {elapsed:.2f}s"
    )
    return EXIT_OK


# -- check -----------------------------------------------------------------


@dataclass
class _Verdict:
    label: str  # out/package
    status: str  # fresh, stale, edited
    reason: str = ""
    lines: list[str] = field(default_factory=list)  # per-file findings for stdout
    diffs: list[str] = field(default_factory=list)
    intact_only: bool = False  # fresh against its manifest; no spec was compared


def _cmd_check(args: argparse.Namespace, ui: Ui) -> int:
    settings = _settings(args)
    roots = _check_roots(args, settings.config)
    with hold(roots, exclusive=False, say=ui.note):  # no package is read half swapped (lock.py)
        return _check(args, ui, settings, roots)


def _check_roots(args: argparse.Namespace, config: Config) -> list[Path]:
    """The output folders ``check`` reads, to lock before it lists them; never a
    package folder (its lock file would be a file added by hand)."""
    out: Path | None = getattr(args, "out", None)
    if not args.specs:
        roots = [out or entry.out for entry in config.discover_specs()] + [out or config.out]
    else:
        roots = []
        for path in args.specs:
            if path.is_dir():  # a folder of packages, or a package
                roots.append(path.parent if (path / MANIFEST_NAME).is_file() else path)
            elif path.exists() or path.suffix.lower() in SPEC_SUFFIXES:
                entry = config.entry_for(path)
                roots.append(out or (entry.out if entry else config.out))
            else:  # a package a run is swapping in right now, or a mistake
                roots.append(path.parent)
    return [root for root in dict.fromkeys(roots) if not (root / MANIFEST_NAME).exists()]


def _check(args: argparse.Namespace, ui: Ui, settings: Settings, folders: list[Path]) -> int:
    """``check``, its output ``folders`` locked."""
    from .recover import describe

    for folder in folders:
        for line in describe(folder):
            ui.note(line)
    targets = _targets(args, settings.config, for_check=True)
    against_spec: dict[int, _Verdict] = {}

    def take(target: Target, result: Generated) -> None:
        against_spec[id(target)] = _check_against_spec(target, result, args.diff)

    results = _generate_targets(targets, settings, ui, take, checking=True)
    if results is None:
        return EXIT_INPUT
    verdicts: list[_Verdict] = []
    for target in targets:
        if target.note:
            ui.note(f"specgen: note: {target.note}")
        verdict = against_spec.get(id(target))
        verdicts.append(verdict if verdict is not None else _check_against_manifest(target))
    for verdict in verdicts:
        for line in verdict.lines:
            ui.result(line)
        for text in verdict.diffs:
            ui.result(_colour_diff(text, ui))
    worst = EXIT_OK
    for verdict in verdicts:
        if verdict.status == "fresh":
            ui.detail(f"specgen: {verdict.label}: {ui.paint('fresh', 'green')}{verdict.reason}")
        elif verdict.status == "stale":
            word = ui.paint("stale", "yellow", ui.err)
            ui.error(f"specgen: {verdict.label}: {word}: {verdict.reason}; run `specgen generate` to refresh it")
            worst = max(worst, EXIT_STALE)
        else:
            word = ui.paint("hand-edited", "red", ui.err)
            ui.error(
                f"specgen: {verdict.label}: {word}: {verdict.reason}; move the change into the spec or a "
                "template (--templates), then run `specgen generate`"
            )
            worst = EXIT_EDITED
    if worst == EXIT_OK:
        roots = sorted({str(t.out) for t in targets})
        ui.info(f"specgen: {_summary(verdicts, ', '.join(r + '/' for r in roots))}")
    return worst


def _summary(verdicts: list[_Verdict], where: str) -> str:
    """The closing line: "up to date" only where a spec was compared, else "intact"."""
    packages = f"{_plural(len(verdicts), 'package')} in {where}"
    intact = sum(1 for v in verdicts if v.intact_only)
    if intact and intact < len(verdicts):
        return f"{packages}: {len(verdicts) - intact} up to date, {intact} intact (no spec to compare with)"
    verb = "is" if len(verdicts) == 1 else "are"
    return f"{packages} {verb} {'intact (no spec to compare with)' if intact else 'up to date'}"


def _integrity_lines(label: str, integrity: Integrity) -> list[str]:
    lines = [f"{label}/{p}: edited by hand (its sha256 differs from {MANIFEST_NAME})" for p in integrity.modified]
    lines += [f"{label}/{p}: deleted (listed in {MANIFEST_NAME})" for p in integrity.missing]
    lines += [f"{label}/{p}: added by hand (not in {MANIFEST_NAME})" for p in integrity.added]
    return lines


def _edit_reason(integrity: Integrity) -> str:
    parts = []
    if integrity.modified:
        parts.append(f"{_plural(len(integrity.modified), 'file')} changed")
    if integrity.missing:
        parts.append(f"{_plural(len(integrity.missing), 'file')} deleted")
    if integrity.added:
        parts.append(f"{_plural(len(integrity.added), 'file')} added")
    return ", ".join(parts) + f" since generation (see {MANIFEST_NAME})"


def _verify(manifest: Manifest, scan: PackageScan) -> Integrity:
    """:func:`verify`, a listed file found as a link or special file not called deleted (it is reported as such)."""
    integrity = verify(manifest, scan.files)
    missing = tuple(p for p in integrity.missing if p not in scan.odd)
    return Integrity(integrity.modified, missing, integrity.added)


def _odd_verdict(label: str, scan: PackageScan, manifest: Manifest | None, diffs: list[str]) -> _Verdict | None:
    """check's finding for what specgen never writes in a package: a package folder that
    is a link or no folder, links or special files inside one. None is followed or read."""
    if scan.folder:
        line = f"{label}: {scan.folder}, not a folder specgen wrote (not followed)"
        return _Verdict(label, "edited", f"it is {scan.folder}, not a folder specgen wrote", [line], diffs)
    if not scan.odd:
        return None
    lines = [
        f"{label}/{path}: {kind}; specgen writes none (not read)" if path else f"{label}: {kind}"
        for path, kind in scan.odd.items()
    ]
    if manifest is not None:
        lines += _integrity_lines(label, _verify(manifest, scan))
    reason = f"{_plural(len(scan.odd), 'path')} that specgen never writes (a symbolic link or special file; not read)"
    return _Verdict(label, "edited", reason, lines, diffs)


def _check_against_manifest(target: Target) -> _Verdict:
    assert target.package is not None
    folder = target.out / target.package
    label = str(folder)
    scan = scan_package(folder)
    files = scan.files
    manifest, why = _read_manifest(files)
    odd = _odd_verdict(label, scan, manifest, [])
    if odd is not None:
        return odd
    if not files:
        raise UsageError(f"{folder} does not exist; nothing to check")
    if manifest is None:
        if MANIFEST_NAME in files:
            return _Verdict(label, "edited", f"{why}")
        raise UsageError(f"{folder}: {why}; was it generated by specgen?")
    integrity = verify(manifest, files)
    if not integrity.intact:
        return _Verdict(label, "edited", _edit_reason(integrity), _integrity_lines(label, integrity))
    return _Verdict(
        label,
        "fresh",
        f" (intact; generated from {manifest.spec_source} by specgen {manifest.generator_version})",
        intact_only=True,
    )


def _check_against_spec(target: Target, result: Generated, show_diff: bool) -> _Verdict:
    folder = target.out / result.package
    label = str(folder)
    scan = scan_package(folder)  # no link followed, no special file opened: --diff prints only real files
    disk = scan.files
    expected = _inner(result.files, result.package)
    diffs: list[str] = []
    if show_diff:
        on_disk = {
            f"{result.package}/{k}": v.decode("utf-8", errors="replace") for k, v in disk.items() if k != MANIFEST_NAME
        }
        wanted = {k: v for k, v in result.files.items() if not k.endswith(f"/{MANIFEST_NAME}")}
        diffs = diff(wanted, on_disk)
    manifest, why = _read_manifest(disk)
    odd = _odd_verdict(label, scan, manifest, diffs)
    if odd is not None:
        return odd
    if manifest is not None:
        integrity = verify(manifest, disk)
        if not integrity.intact:
            return _Verdict(label, "edited", _edit_reason(integrity), _integrity_lines(label, integrity), diffs)
    elif MANIFEST_NAME in disk:
        return _Verdict(label, "edited", str(why), [], diffs)
    if disk == expected:
        return _Verdict(label, "fresh", f" (matches {target.spec})")
    lines = []
    for path in sorted(set(disk) | set(expected)):
        if path == MANIFEST_NAME or disk.get(path) == expected.get(path):
            continue
        what = "missing" if path not in disk else "no longer generated" if path not in expected else "out of date"
        lines.append(f"{label}/{path}: {what}")
    return _Verdict(label, "stale", _stale_reason(disk, manifest, why, result), lines, diffs)


def _stale_reason(disk: dict[str, bytes], old: Manifest | None, why: str | None, result: Generated) -> str:
    if not disk:
        return "not generated yet"
    if old is None:
        return f"{why} (generated by an older specgen?) and differs from what the spec produces"
    new = parse_manifest(result.files[f"{result.package}/{MANIFEST_NAME}"])
    reasons = []
    if old.spec_sha256 != new.spec_sha256:
        reasons.append(f"the spec changed ({new.spec_source})")
    if old.generator_version != new.generator_version:
        reasons.append(f"specgen changed ({old.generator_version} -> {new.generator_version})")
    if old.templates_sha256 != new.templates_sha256:
        reasons.append("the templates or the runtime changed")
    if old.options != new.options:
        before, after = _shown_options(old.options), _shown_options(new.options)
        changed = ", ".join(
            f"{k} {before.get(k)} -> {after.get(k)}"
            for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)
        )
        reasons.append(f"options changed ({changed})")
    if old.package != new.package:
        reasons.append(f"the package name changed ({old.package} -> {new.package})")
    return ", ".join(reasons) or "specgen's output changed"


def _shown_options(options: dict[str, Any]) -> dict[str, Any]:
    """Manifest options for a message: the formatter as "black" or "ruff 0.17.6"."""
    shown = {k: v for k, v in options.items() if k not in ("formatter", "ruff_version")}
    formatter = str(options.get("formatter", "black"))  # black manifests do not name it
    if "ruff_version" in options:
        formatter += f" {options['ruff_version']}"
    shown["formatter"] = formatter
    shown["lenient"] = "on" if options.get("lenient") else "off"  # strict manifests do not name it
    return shown


# -- diff ------------------------------------------------------------------


def _api_side(path: Path, lenient: bool, ui: Ui) -> tuple[dict[str, Any], str, str]:
    """(API summary, package name, version) of a spec, a package folder or a manifest."""
    manifest_file = None
    if path.is_dir():
        manifest_file = path / MANIFEST_NAME
        if not manifest_file.is_file():
            raise UsageError(f"{path} is a folder without {MANIFEST_NAME}; give a spec or a generated package")
    elif path.name == MANIFEST_NAME:
        manifest_file = path
    if manifest_file is not None:
        if manifest_file.is_symlink():
            raise UsageError(f"{manifest_file} is a symbolic link; specgen reads no manifest through one")
        try:
            with open_regular(manifest_file) as handle:  # a FIFO is refused, never waited on
                manifest = parse_manifest(handle.read().decode("utf-8"))
        except (ManifestError, OSError, UnicodeDecodeError, NotRegular) as exc:
            raise UsageError(f"{manifest_file}: {exc}") from None
        if not manifest.api:
            raise UsageError(f"{manifest_file} has no API summary")
        return manifest.api, manifest.package, str(manifest.api.get("version", "?"))
    from .build import build_api
    from .load import load_spec
    from .specdiff import summarize
    from .validate import validate

    spec = load_spec(path)
    if lenient:
        from .lenient import validate_lenient

        for warning in validate_lenient(spec).warnings:
            ui.note(str(warning))
    else:
        validate(spec)
    api = build_api(spec)
    return summarize(api), str(api.package), api.version


def _cmd_diff(args: argparse.Namespace, ui: Ui) -> int:
    from .specdiff import compare, prepend_changelog, render_markdown, render_text

    errors: list[Diagnostic] = []
    sides = []
    config = load_config() if args.lenient is None else None  # only for lenient = true there
    for path in (args.old, args.new):
        try:
            lenient = args.lenient if config is None else lenient_for(args, config, path)
            sides.append(_api_side(path, lenient, ui))
        except SpecError as exc:
            errors.extend(exc.diagnostics)
    if errors:
        raise SpecError(errors)
    (old, _old_package, old_version), (new, new_package, new_version) = sides
    changes = compare(old, new)
    package = args.package or new_package
    entry = render_markdown(changes, package, old_version, new_version)
    if args.format == "markdown":
        ui.result(entry)
    else:
        label = f"{args.old} -> {args.new}"
        ui.result(render_text(changes, label, lambda t, s: ui.paint(t, s)))
    if args.changelog is not None:
        prepend_changelog(args.changelog, entry)
        ui.note(f"specgen: changelog entry prepended to {args.changelog}")
    breaking = [c for c in changes if c.breaking]
    if breaking and args.fail_on_breaking:
        ui.error(f"specgen: {_plural(len(breaking), 'breaking change')} and --fail-on-breaking given")
        return EXIT_BREAKING
    return EXIT_OK


# -- lint ------------------------------------------------------------------


def _cmd_lint(args: argparse.Namespace, ui: Ui) -> int:
    from .lint import lint
    from .lint_ack import sort_out
    from .load import load_spec

    settings = _settings(args)
    specs = list(args.specs) or [e.path for e in settings.config.discover_specs()]
    if not specs:
        raise SpecError([])
    errors: list[Diagnostic] = []
    warnings = worked_around = quiet = 0
    for index, path in enumerate(specs, 1):
        ui.progress(index, len(specs), str(path))
        entry = settings.config.entry_for(path)
        lenient = lenient_for(args, settings.config, path)
        try:
            spec = load_spec(path)
            accepted: tuple[Diagnostic, ...] = ()
            if lenient:
                from .lenient import validate_lenient

                accepted = validate_lenient(spec).warnings
            found = lint(spec, entry.package if entry else None, _allow_env(settings.config, entry), validated=lenient)
        except SpecError as exc:
            errors.extend(exc.diagnostics)
            continue
        acknowledged = entry.lint_acknowledged if entry else settings.config.lint_acknowledged
        sorted_out = sort_out(found, acknowledged)
        warnings += len(sorted_out.shown)
        quiet += sorted_out.quiet
        worked_around += len(accepted)
        for line in [str(d) for d in accepted] + sorted_out.shown:
            ui.result(line)
        for stale in sorted_out.unused:
            ui.note(f"specgen: {path}: lint-acknowledged entry matches no warning any more: {stale!r}")
    ui.clear_progress()
    if errors:
        raise SpecError(errors)
    if settings.strict and warnings:
        ui.error(f"specgen: {_plural(warnings, 'warning')} and --strict given")
        return EXIT_INPUT
    notes = [f"{quiet} acknowledged (lint-acknowledged)"] if quiet else []
    notes += [f"and {_plural(worked_around, 'defect')} lenient mode worked around"] if worked_around else []
    extra = f" ({'; '.join(notes)})" if notes else ""
    ui.note(f"specgen: {_plural(warnings, 'warning')} in {_plural(len(specs), 'spec')}{extra}")
    return EXIT_OK


# -- init ------------------------------------------------------------------


def _cmd_init(args: argparse.Namespace, ui: Ui) -> int:
    from .scaffold import init_project

    result = init_project(Path.cwd())
    verb = "created" if result.created_pyproject else "added [tool.specgen] to"
    ui.info(f"specgen: {verb} {result.pyproject.name}")
    if result.wrote_spec:
        ui.info(f"specgen: wrote {result.spec.relative_to(Path.cwd())}")
    else:
        ui.info(f"specgen: kept the existing {result.spec.relative_to(Path.cwd())}")
    ui.info("next: edit the spec, then `specgen lint` and `specgen generate`")
    return EXIT_OK


# -- watch -----------------------------------------------------------------


def _cmd_watch(args: argparse.Namespace, ui: Ui) -> int:
    """generate, then again on every change of its inputs (see watch.py)."""
    import signal

    from .cache import code_fingerprint
    from .ruff_format import forget_versions
    from .watch import StopWatching, watch

    if not 0.01 <= args.interval <= 60:
        raise UsageError(f"--interval: expected 0.01 to 60 seconds, got {args.interval:g}")
    # What would stop every run stops the watch before it starts (exit 2):
    # bad options, a broken pyproject.toml, no specs, ruff missing.
    settings = _settings(args)
    if any(t.spec is not None for t in _targets(args, settings.config, for_check=False)):
        _formatter_version(settings)
    if isinstance(ui.out, io.TextIOWrapper):
        ui.out.reconfigure(line_buffering=True)  # each run's lines show at once, also in a pipe
    code_at_start = code_fingerprint()

    def run() -> int:
        # The cache keys a package by specgen's code on disk; this process runs
        # the code it imported. After an upgrade they differ: stop rather than
        # cache this code's output under the new code's key.
        if code_fingerprint() != code_at_start:
            ui.error("specgen: specgen's own code changed on disk (an upgrade?); restart `specgen watch`")
            raise StopWatching
        forget_versions()  # ruff runs from disk: an upgraded one is named by its new version
        code = _run_command(_cmd_generate, args, ui)
        say("")
        return code

    def say(text: str) -> None:
        if text:
            ui.info(text)
        if ui.lost_output:  # nobody reads the output any more (`specgen watch | head`)
            raise StopWatching(EXIT_FLUSH_FAILED)

    watcher = os.getpid()

    def stop(signum: int, frame: object) -> None:
        if os.getpid() != watcher:  # a forked worker inherited this handler: die as SIGTERM would
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise KeyboardInterrupt  # SIGTERM ends the watch as Ctrl-C does: staged files removed

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return watch(run, lambda: _watch_inputs(args), args.interval, say, warm_up=lambda: _warm_up(settings))
    finally:
        signal.signal(signal.SIGTERM, previous)


def _watch_inputs(args: argparse.Namespace) -> Inputs:
    """What the next run of ``specgen watch`` depends on (see watch.py)."""
    from .config import PYPROJECT, find_pyproject
    from .watch import inputs_for

    # Without a pyproject.toml, one created here is a change too.
    config_file = find_pyproject(Path.cwd()) or Path.cwd() / PYPROJECT
    try:
        config = load_config()
    except ConfigError:  # reported by the run; watch the file until it is mended
        return inputs_for(list(args.specs), config_file, args.templates)
    if args.specs:
        specs = list(args.specs)
        outputs = [args.out or entry.out for entry in (config.entry_for(p) for p in specs) if entry] + [
            args.out or config.out
        ]
    else:
        entries = config.discover_specs()
        specs = [entry.path for entry in entries]
        outputs = [args.out or entry.out for entry in entries] + [args.out or config.out]
    discovered_in = config.spec_dir if not args.specs and config.specs is None else None
    return inputs_for(specs, config_file, args.templates or config.templates, discovered_in, outputs)


def _warm_up(settings: Settings) -> None:
    from .pipeline import warm_up

    warm_up(settings.formatter, settings.line_length)


COMMANDS: dict[str, Callable[[argparse.Namespace, Ui], int]] = {
    "generate": _cmd_generate,
    "watch": _cmd_watch,
    "check": _cmd_check,
    "diff": _cmd_diff,
    "lint": _cmd_lint,
    "init": _cmd_init,
}
