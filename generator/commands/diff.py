"""``specgen diff``: the API changes between two specs (or generated packages), as client code sees them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .config import load_config
from ..errors import Diagnostic, SpecError
from ..fsguard import NotRegular, open_regular
from ..write.manifest import MANIFEST_NAME, ManifestError, parse_manifest
from ..terminal import plural
from .base import EXIT_BREAKING, EXIT_OK, Ui, UsageError
from .targets import lenient_for


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
    from ..pipeline import build_ir
    from ..render.specdiff import summarize

    built = build_ir(path, lenient=lenient)
    for warning in built.worked_around:
        ui.note(str(warning))
    api = built.api
    return summarize(api), str(api.package), api.version


def command(args: argparse.Namespace, ui: Ui) -> int:
    """Run ``specgen diff``; return its exit code."""
    from ..render.specdiff import compare, prepend_changelog, render_markdown, render_text

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
        ui.error(f"specgen: {plural(len(breaking), 'breaking change')} and --fail-on-breaking given")
        return EXIT_BREAKING
    return EXIT_OK
