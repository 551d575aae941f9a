"""``specgen lint``: a transcribed spec's examples against its schemas, and missing docs."""

from __future__ import annotations

import argparse

from ..errors import Diagnostic, SpecError
from ..terminal import plural
from .base import EXIT_INPUT, EXIT_OK, Ui, read_settings
from .targets import allow_env_for, lenient_for


def command(args: argparse.Namespace, ui: Ui) -> int:
    """Run ``specgen lint``; return its exit code."""
    from ..lint.checks import lint
    from ..lint.acknowledge import sort_out
    from ..pipeline import build_ir

    settings = read_settings(args)
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
            built = build_ir(
                path, lenient=lenient, package=entry.package if entry else None, allow_env=allow_env_for(settings.config, entry)
            )
            accepted = built.worked_around
            found = lint(built.spec, built.api)
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
        ui.error(f"specgen: {plural(warnings, 'warning')} and --strict given")
        return EXIT_INPUT
    notes = [f"{quiet} acknowledged (lint-acknowledged)"] if quiet else []
    notes += [f"and {plural(worked_around, 'defect')} lenient mode worked around"] if worked_around else []
    extra = f" ({'; '.join(notes)})" if notes else ""
    ui.note(f"specgen: {plural(warnings, 'warning')} in {plural(len(specs), 'spec')}{extra}")
    return EXIT_OK
