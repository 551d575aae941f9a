"""Targets: which specs and packages a run is about, and the Options of each."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from . import setting_table
from .config import Config, SpecEntry
from ..errors import SpecError
from ..write.manifest import MANIFEST_NAME
from ..ir.naming import module_name
from ..options import Options
from .base import Settings, UsageError, formatter_version


@dataclass
class Target:
    """One spec (or a package checked against its manifest only) and the settings it is generated with."""

    spec: Path | None  # None: check a package against its manifest only
    package: str | None  # the configured package name, if any
    out: Path
    note: str = ""
    allow_env: frozenset[str] = frozenset()  # environment variables the spec may name (config allow-env)
    lenient: bool = False
    prefer_media_types: tuple[str, ...] = ()  # config prefer-media-types


def lenient_for(args: argparse.Namespace, config: Config, path: Path) -> bool:
    """Whether ``path`` is read in lenient mode: --lenient/--no-lenient, else its
    [[tool.specgen.specs]] entry's setting, else the top-level one."""
    chosen: bool | None = getattr(args, "lenient", None)
    if chosen is not None:
        return chosen
    entry = config.entry_for(path)
    return entry.lenient if entry is not None else config.lenient


def find_targets(args: argparse.Namespace, config: Config, for_check: bool) -> list[Target]:
    """The targets of a run: the specs named on the command line, else those the configuration lists or finds."""
    out_override: Path | None = getattr(args, "out", None)
    targets: list[Target] = []
    if args.specs:
        for path in args.specs:
            if for_check and path.is_dir():
                targets.extend(package_targets(path))
                continue
            entry = config.entry_for(path)
            out = out_override or (entry.out if entry else config.out)
            targets.append(
                Target(
                    path,
                    entry.package if entry else None,
                    out,
                    allow_env=allow_env_for(config, entry),
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
            targets = package_targets(root)
    if not targets:
        raise SpecError([])
    return targets


def allow_env_for(config: Config, entry: SpecEntry | None) -> frozenset[str]:
    """The environment variables a spec may name: its entry's, else the top-level list."""
    return entry.allow_env if entry is not None else config.allow_env


def package_targets(folder: Path) -> list[Target]:
    """A package folder (with a manifest), or a folder of them."""
    if (folder / MANIFEST_NAME).is_file():
        return [Target(None, folder.name, folder.parent)]
    found = (
        sorted(p for p in folder.iterdir() if not p.name.startswith(".") and (p / MANIFEST_NAME).is_file())
        if folder.is_dir()
        else []
    )  # hidden: a run's staging folders (write/recover.py), never packages
    if not found:
        raise UsageError(f"{folder} is neither a generated package nor a folder of them (no {MANIFEST_NAME} found)")
    return [Target(None, p.name, folder) for p in found]


def options_for(target: Target, settings: Settings) -> Options:
    """What shapes ``target``'s package: the run's settings marked ``option`` in the table, and the spec's own."""
    chosen = {s.name: settings.values[s.name] for s in setting_table.SETTINGS if s.option}
    chosen.update(
        package=target.package,
        formatter_version=formatter_version(settings),
        allow_env=target.allow_env,
        lenient=target.lenient,
        prefer_media_types=target.prefer_media_types,
    )
    return Options(**chosen)
