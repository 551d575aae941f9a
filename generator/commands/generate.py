"""``specgen generate``: every spec into its package, swapped in whole, with the API changes reported."""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..write.freshness import package_files, read_manifest
from ..fsguard import PackageScan, PathError, check_replaceable, file_to_write, kind_of, link_text, scan_package
from ..write.lock import hold
from ..write.manifest import MANIFEST_NAME, PACKAGE_KIND, SHARED_RUNTIME_KIND, Manifest, parse_manifest, verify
from ..pipeline_types import Generated
from ..terminal import plural
from ..write.stage import Staged, commit, discard, signals_held, split_packages, stage_package
from .base import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, Settings, Ui, read_settings
from .packages import generate_targets
from .targets import Target, find_targets


def command(args: argparse.Namespace, ui: Ui) -> int:
    """Run ``specgen generate``; return its exit code."""
    from contextlib import ExitStack

    started = time.perf_counter()
    settings = read_settings(args)
    targets = find_targets(args, settings.config, for_check=False)
    roots = list(dict.fromkeys(t.out for t in targets))
    locked: list[bool] = []
    with ExitStack() as held:

        def lock() -> None:
            """Before the first look at the output folders: one run at a time in
            them (write/lock.py), and what a killed run left there cleaned up (write/recover.py).
            Runs into one folder generate side by side, and take turns to write."""
            if locked:
                return
            from ..write.recover import recover

            for root in roots:  # first: taking the lock creates the folder, through a dangling link too
                _check_output_root(root)
            held.enter_context(hold(roots, exclusive=True, say=ui.note))
            locked.append(True)
            for root in roots:
                recover(root, ui.note)

        return _generate(args, ui, settings, targets, started, lock)


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


@dataclass
class _Run:
    """What one run has staged and will report, package by package (see :meth:`take`)."""

    ui: Ui
    lock: Callable[[], None]  # called before each look at the output folders
    shared_runtime: str | None = None  # the shared runtime package's name (write/shared_runtime.py)
    counts: _Counts = field(default_factory=_Counts)
    runtime_roots: set[Path] = field(default_factory=set)  # the output folders whose shared runtime is taken
    staged: list[Staged] = field(default_factory=list)
    reports: list[tuple[str, str]] = field(default_factory=list)  # (text report, changelog entry)

    def take(self, target: Target, result: Generated) -> None:
        """Compare one package with the disk and stage it if it changed."""
        self.lock()
        package_dir = target.out / result.package
        _check_output_root(target.out)
        scan = scan_package(package_dir)
        old_manifest = _replaceable(package_dir, scan, self.ui)
        self._take_runtime(target.out)
        if not _count(self.counts, package_dir, scan.files, package_files(result.files, result.package)):
            return
        self.staged.append(_stage(target.out, result.package, result.files, package_dir))
        if old_manifest is not None and old_manifest.api:
            report = _api_changes(old_manifest, result, self.ui)
            if report is not None:
                self.reports.append(report)

    def _take_runtime(self, out: Path) -> None:
        """The shared runtime of the output folder ``out``, once per run: compared and staged like a package."""
        root = out.resolve()
        if self.shared_runtime is None or root in self.runtime_roots:
            return
        self.runtime_roots.add(root)
        from ..write.shared_runtime import shared_runtime_files

        name = self.shared_runtime
        runtime_dir = out / name
        scan = scan_package(runtime_dir)
        _replaceable(runtime_dir, scan, self.ui, SHARED_RUNTIME_KIND)
        files = shared_runtime_files(name)
        if _count(self.counts, runtime_dir, scan.files, package_files(files, name)):
            self.staged.append(_stage(out, name, files, runtime_dir))


def _replaceable(package_dir: Path, scan: PackageScan, ui: Ui, kind: str = PACKAGE_KIND) -> Manifest | None:
    """The package's manifest on disk, if any, once the folder may be replaced.

    Only what the manifest proves specgen wrote is replaced (fsguard.py), and
    only by the same ``kind`` (a package, or the shared runtime):
    PathError (exit 2) otherwise. A file edited by hand is noted, then overwritten.
    """
    old_manifest, _why = read_manifest(scan.files)
    check_replaceable(package_dir, scan, None if old_manifest is None else {*old_manifest.files, MANIFEST_NAME})
    if old_manifest is not None and old_manifest.kind != kind:
        what = {PACKAGE_KIND: "a generated package", SHARED_RUNTIME_KIND: "specgen's shared runtime"}
        raise PathError(
            f"{package_dir} holds {what.get(old_manifest.kind, old_manifest.kind)}, not "
            f"{what[kind]}: specgen does not replace it (choose another name, or remove the folder)"
        )
    if old_manifest is not None:
        integrity = verify(old_manifest, scan.files)
        for path in integrity.modified:
            ui.note(f"specgen: note: {package_dir / path} had been edited by hand; the edit is overwritten")
    return old_manifest


def _count(counts: _Counts, package_dir: Path, disk: dict[str, bytes], new: dict[str, bytes]) -> bool:
    """Each file of the package counted as new, removed, changed or unchanged; whether any is not unchanged."""
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
    return package_changed


def _stage(out: Path, package: str, files: dict[str, str], package_dir: Path) -> Staged:
    """The package written beside its folder (write/stage.py), to be swapped in when every spec succeeded."""
    try:
        return stage_package(out, package, split_packages(files)[package])
    except OSError as exc:  # a full disk, a folder made read-only meanwhile: bad ground, not a bug
        raise PathError(f"cannot write {package_dir}: {exc.strerror or exc}") from None


def _api_changes(old_manifest: Manifest, result: Generated, ui: Ui) -> tuple[str, str] | None:
    """The API changes since the last generation, as (text report, changelog entry); None if there are none."""
    from ..render.specdiff import compare, render_markdown, render_text

    assert old_manifest.api
    new_manifest = parse_manifest(result.files[f"{result.package}/{MANIFEST_NAME}"])
    changes = compare(old_manifest.api, new_manifest.api)
    if not changes:
        return None
    label = f"{result.package}: API changes since the last generation"
    text = render_text(changes, label, lambda t, s: ui.paint(t, s))
    entry = render_markdown(
        changes,
        result.package,
        str(old_manifest.api.get("version", "?")),
        str(new_manifest.api.get("version", "?")),
    )
    return text, entry


def _generate(
    args: argparse.Namespace,
    ui: Ui,
    settings: Settings,
    targets: list[Target],
    started: float,
    lock: Callable[[], None],
) -> int:
    """``generate``; ``lock`` is called before each look at the output folders."""
    run = _Run(ui, lock, settings.values["shared_runtime"])
    staged, reports = run.staged, run.reports
    changelog: Path | None = None if args.command == "watch" else settings.values["changelog"]
    committed = interrupted = False
    try:
        results = generate_targets(targets, settings, ui, run.take)
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
                    from ..render.specdiff import prepend_changelog

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
    _summarise(ui, run, changelog, [t for t, _ in results], started)
    return EXIT_OK


def _summarise(ui: Ui, run: _Run, changelog: Path | None, written_to: list[Target], started: float) -> None:
    """The API changes, every file's status with --verbose, and the closing line."""
    counts = run.counts
    for text, _entry in run.reports:
        ui.info(text.rstrip("\n"))
    if run.reports and changelog is not None:
        ui.note(f"specgen: API changes prepended to {changelog}")
    for status, path in counts.per_file:
        ui.detail(f"  {status:<9} {path}")
    elapsed = time.perf_counter() - started
    written = counts.new + counts.changed
    outs = sorted({str(t.out) for t in written_to})
    shared = f" and their shared runtime {run.shared_runtime}" if run.runtime_roots else ""
    ui.info(
        f"specgen: wrote {plural(written, 'file')} ({counts.new} new, {counts.changed} changed), "
        f"{counts.unchanged} unchanged, {counts.removed} removed; "
        f"{plural(len(written_to), 'package')}{shared} in {', '.join(o + '/' for o in outs)} in {elapsed:.2f}s"
    )
