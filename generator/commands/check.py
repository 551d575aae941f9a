"""``specgen check``: is every package fresh (write/freshness.py gives each verdict), and what would change."""

from __future__ import annotations

import argparse
from pathlib import Path

from .config import Config
from ..write.freshness import NothingToCheck, Verdict, against_manifest, against_spec
from ..write.lock import hold
from ..write.manifest import MANIFEST_NAME
from ..pipeline_types import Generated
from ..terminal import plural
from .base import (
    EXIT_EDITED,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_STALE,
    SPEC_SUFFIXES,
    Settings,
    Ui,
    UsageError,
    colour_diff,
    read_settings,
)
from .packages import generate_targets
from .targets import Target, find_targets


def command(args: argparse.Namespace, ui: Ui) -> int:
    """Run ``specgen check``; return its exit code."""
    settings = read_settings(args)
    roots = _check_roots(args, settings.config)
    with hold(roots, exclusive=False, say=ui.note):  # no package is read half swapped (write/lock.py)
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
    from ..write.recover import describe

    for folder in folders:
        for line in describe(folder):
            ui.note(line)
    targets = find_targets(args, settings.config, for_check=True)
    compared: dict[int, Verdict] = {}

    def take(target: Target, result: Generated) -> None:
        assert target.spec is not None
        compared[id(target)] = against_spec(target.out / result.package, target.spec, result.files, result.package, args.diff)

    results = generate_targets(targets, settings, ui, take, checking=True)
    if results is None:
        return EXIT_INPUT
    verdicts: list[Verdict] = []
    for target in targets:
        if target.note:
            ui.note(f"specgen: note: {target.note}")
        verdict = compared.get(id(target))
        verdicts.append(verdict if verdict is not None else _manifest_verdict(target))
    verdicts += _runtime_verdicts(settings.values["shared_runtime"], targets, args.diff)
    for verdict in verdicts:
        for line in verdict.lines:
            ui.result(line)
        for text in verdict.diffs:
            ui.result(colour_diff(text, ui))
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


def _runtime_verdicts(name: str | None, targets: list[Target], show_diff: bool) -> list[Verdict]:
    """The shared runtime of each output folder a spec was compared in, against this specgen's runtime."""
    if name is None:
        return []
    from ..write.shared_runtime import shared_runtime_files

    files = shared_runtime_files(name)
    roots = dict.fromkeys(t.out for t in targets if t.spec is not None)
    return [against_spec(root / name, None, files, name, show_diff) for root in roots]


def _manifest_verdict(target: Target) -> Verdict:
    """A target without a spec, against its manifest; UsageError if there is nothing to check."""
    assert target.package is not None
    try:
        return against_manifest(target.out / target.package)
    except NothingToCheck as exc:
        raise UsageError(str(exc)) from None


def _summary(verdicts: list[Verdict], where: str) -> str:
    """The closing line: "up to date" only where a spec was compared, else "intact"."""
    packages = f"{plural(len(verdicts), 'package')} in {where}"
    intact = sum(1 for v in verdicts if v.intact_only)
    if intact and intact < len(verdicts):
        return f"{packages}: {len(verdicts) - intact} up to date, {intact} intact (no spec to compare with)"
    verb = "is" if len(verdicts) == 1 else "are"
    return f"{packages} {verb} {'intact (no spec to compare with)' if intact else 'up to date'}"
