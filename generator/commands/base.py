"""What every command shares: the Ui, exit codes, errors for people, and the run's settings."""

from __future__ import annotations

import argparse
import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, TextIO

from . import setting_table
from .cache import Cache
from .config import Config, ConfigError, load_config
from ..errors import Diagnostic, SpecError
from ..fsguard import PathError
from ..write.lock import LockError
from ..format.ruff import RuffNotFound, find_ruff
from .setting_table import Setting
from ..terminal import escape


def print_traceback() -> None:
    """--debug: the traceback of the exception being handled (traceback is imported only then),
    its messages escaped as all output is (terminal.py)."""
    import traceback

    if sys.stderr is not None:
        sys.stderr.write(escape(traceback.format_exc()))


EXIT_OK, EXIT_STALE, EXIT_INPUT, EXIT_INTERNAL, EXIT_EDITED, EXIT_BREAKING = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT), or SIGTERM for watch
EXIT_FLUSH_FAILED = 120  # output lost (stdout closed early); CPython's own code when stdout cannot be flushed
SPEC_SUFFIXES = (".yaml", ".yml", ".json")


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


def colour_diff(text: str, ui: Ui) -> str:
    """A unified diff coloured for the terminal (additions green, removals red), if ``ui`` colours."""
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


class _Discard(io.StringIO):
    """Where the output of a stream that cannot be written goes."""

    def write(self, text: str) -> int:
        return len(text)


def _discard() -> TextIO:
    return _Discard()


def run_command(command: Callable[[argparse.Namespace, Ui], int], args: argparse.Namespace, ui: Ui) -> int:
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
            print_traceback()
        return EXIT_INPUT
    except ConfigError as exc:
        ui.error(str(exc))
        if args.debug:
            print_traceback()
        return EXIT_INPUT
    except (UsageError, PathError, LockError) as exc:
        ui.error(f"specgen {args.command}: {exc}")
        return EXIT_INPUT
    except KeyboardInterrupt:
        ui.error("specgen: interrupted; nothing was written")
        return EXIT_INTERRUPTED
    except Exception as exc:
        if args.debug:
            print_traceback()
        ui.error(f"specgen: internal error: {type(exc).__name__}: {exc} (rerun with --debug for a traceback)")
        return EXIT_INTERNAL
    finally:
        ui.clear_progress()


def _check_hint() -> str:
    from .hints import check_hint  # check's own advice, for a bare `specgen check`

    return check_hint()


class UsageError(Exception):
    """A command-line mistake that argparse cannot see (exit 2)."""


def result_diag(spec: Path, message: str) -> Diagnostic:
    """A diagnostic about a whole spec, with no line or pointer."""
    return Diagnostic(str(spec), None, "", message)


@dataclass
class Settings:
    """The run's settings: each from its flag, else [tool.specgen], else its default (commands/setting_table.py)."""

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
    values: Mapping[str, Any] = field(default_factory=dict)  # every setting of the table, by name


def read_settings(args: argparse.Namespace) -> Settings:
    """The run's :class:`Settings`, from the command line, ``[tool.specgen]`` and the defaults."""
    config = load_config()
    values = {s.name: _chosen(s, args, config) for s in setting_table.SETTINGS}
    _check(args, values)
    jobs = values["jobs"] or os.cpu_count() or 1
    if jobs < 1:
        raise UsageError(f"--jobs: expected a positive number, got {jobs}")
    cache = None if values["no_cache"] else Cache.from_env()
    formatter = values["formatter"]
    if getattr(args, "formatter", None) is not None:
        origin = f"--formatter {formatter}"
    else:
        origin = f'{config.label}: [tool.specgen] formatter = "{formatter}"'
    resident = args.command == "watch"
    return Settings(
        config,
        values["templates"],
        values["line_length"],
        values["strict"],
        cache,
        jobs,
        formatter,
        origin,
        not resident,
        values,
    )


def _chosen(setting: Setting, args: argparse.Namespace, config: Config) -> Any:
    """A setting's value: its flag's if the command has it and it was given, else the
    configuration's (if it has a key), else its default."""
    value = getattr(args, setting.name, None) if args.command in setting.commands else None
    if value is None:
        value = config.values[setting.name] if setting.key is not None else setting.default
    return value


def _check(args: argparse.Namespace, values: dict[str, Any]) -> None:
    """UsageError for the first value out of its bounds, then for the first a setting's check refuses
    (the order the messages always came in); only settings whose flag the command has are checked."""
    flagged = [s for s in setting_table.SETTINGS if args.command in s.commands]
    for setting in flagged:
        value = values[setting.name]
        if setting.bounds is not None and not setting.bounds[0] <= value <= setting.bounds[1]:
            raise UsageError(f"{setting.flag}: expected {setting.bounds[0]} to {setting.bounds[1]}, got {value}")
    for setting in flagged:
        problem = setting.check(values[setting.name]) if setting.check is not None else None
        if problem is not None:
            raise UsageError(problem)


def formatter_version(settings: Settings) -> str:
    """The formatter's version; UsageError if ruff is missing."""
    if settings.formatter != "ruff":
        from ..versions import black_version

        return black_version()
    try:
        return find_ruff().version
    except RuffNotFound as exc:
        raise UsageError(f"{settings.formatter_origin}: {exc}") from None

