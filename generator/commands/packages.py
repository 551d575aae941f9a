"""Packages generated in memory, from the package cache when it can: what generate, check and watch share."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .cache import PACKAGE_GENERATIONS, digest, package_key, spec_fingerprint
from ..errors import Diagnostic, SpecError
from ..fsguard import spec_file_problem
from ..pipeline_types import Generated
from ..terminal import plural
from .base import Settings, Ui, formatter_version, result_diag
from .targets import Target, options_for

if TYPE_CHECKING:
    from ..format.helper import FormatHelper


def generate_targets(
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
        formatter_version(settings)  # a missing ruff stops the run before any work
    helper = _RunHelper(settings)
    try:
        for index, target in enumerate(with_spec, 1):
            assert target.spec is not None
            ui.progress(index, len(with_spec), str(target.spec))
            started = time.perf_counter()
            try:
                result = generate_cached(target, settings, helper)
            except SpecError as exc:
                errors.extend(exc.diagnostics)
                continue
            ui.detail(f"specgen: {target.spec} -> {target.out / result.package} ({time.perf_counter() - started:.2f}s)")
            key = (target.out.resolve(), result.package)
            if key in seen:
                raise SpecError(
                    [result_diag(target.spec, f"package {result.package!r} is also generated from {seen[key]}")]
                )
            if result.package == settings.values["shared_runtime"]:
                raise SpecError(
                    [
                        result_diag(
                            target.spec,
                            f"package {result.package!r} has the name of the shared runtime (shared-runtime): "
                            "choose another name for one of them",
                        )
                    ]
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
            f"specgen: {plural(len(warnings), 'warning')} and --strict given"
            + ("" if checking else "; nothing was written")
        )
        return None
    return results


class _RunHelper:
    """The run's format helper (see format/helper.py): forked on the first
    cache miss, before the pipeline is imported, with ``--jobs`` above 1 and
    black formatting; one attempt per run, closed when the run ends."""

    def __init__(self, settings: Settings) -> None:
        self._wanted = settings.format_helper and settings.jobs > 1 and settings.formatter == "black"
        self._helper: FormatHelper | None = None

    def get(self) -> FormatHelper | None:
        if self._wanted:
            self._wanted = False
            from ..format.helper import FormatHelper

            self._helper = FormatHelper.start()
        return self._helper

    def close(self) -> None:
        if self._helper is not None:
            self._helper.close()


def generate_cached(target: Target, settings: Settings, helper: _RunHelper | None = None) -> Generated:
    """``generate_package``, or its result from the cache when nothing it depends on changed."""
    assert target.spec is not None
    problem = spec_file_problem(target.spec)  # before any read: a FIFO would block it
    if problem is not None:
        raise SpecError([result_diag(target.spec, problem)])
    cache = settings.cache
    options = options_for(target, settings)
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
    from ..pipeline import generate_package  # imports Jinja2, PyYAML...: only on a cache miss

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
