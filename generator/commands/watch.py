"""``specgen watch``: generate, then again on every change of its inputs (the loop is generator/commands/watch_loop.py)."""

from __future__ import annotations

import argparse
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .config import ConfigError, load_config
from .base import EXIT_FLUSH_FAILED, Settings, Ui, UsageError, formatter_version, read_settings, run_command
from .generate import command as generate
from .targets import find_targets

if TYPE_CHECKING:
    from .watch_loop import Inputs


def command(args: argparse.Namespace, ui: Ui) -> int:
    """generate, then again on every change of its inputs (see commands/watch_loop.py)."""
    import signal

    from .cache import code_fingerprint
    from ..format.ruff import forget_versions
    from .watch_loop import StopWatching, watch

    if not 0.01 <= args.interval <= 60:
        raise UsageError(f"--interval: expected 0.01 to 60 seconds, got {args.interval:g}")
    # What would stop every run stops the watch before it starts (exit 2):
    # bad options, a broken pyproject.toml, no specs, ruff missing.
    settings = read_settings(args)
    if any(t.spec is not None for t in find_targets(args, settings.config, for_check=False)):
        formatter_version(settings)
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
        code = run_command(generate, args, ui)
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
        return watch(run, lambda: watch_inputs(args), args.interval, say, warm_up=lambda: _warm_up(settings))
    finally:
        signal.signal(signal.SIGTERM, previous)


def watch_inputs(args: argparse.Namespace) -> Inputs:
    """What the next run of ``specgen watch`` depends on (see commands/watch_loop.py)."""
    from .config import PYPROJECT, find_pyproject
    from .watch_loop import inputs_for

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
    from ..pipeline import warm_up

    warm_up(settings.formatter, settings.line_length)
