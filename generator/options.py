"""Options: every setting that shapes a package's bytes, in one frozen record.

The CLI builds one per spec (from the command line, ``[tool.specgen]`` and the
spec's entry) and the pipeline reads it. The package cache's key and the
manifest's ``options`` are derived from :func:`dataclasses.fields`, never from
a hand-kept list: a new field is part of both as soon as it exists. A field
whose manifest entry is not simply ``{name: value}`` says so in its metadata
(``manifest``: a function of the field's value and the whole record).

Not here: what only makes a run faster (cache, jobs, the format helper), and
``--strict``, which decides whether a run writes, not what it writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

DEFAULT_LINE_LENGTH = 88  # black's default (format/files.py and commands/config.py say the same)

# (field name, value, the whole record) -> the field's entries in the manifest's options
ManifestEntry = Callable[[str, Any, "Options"], dict[str, Any]]


def _nothing(name: str, value: Any, options: Options) -> dict[str, Any]:
    return {}


def _formatter(name: str, value: Any, options: Options) -> dict[str, Any]:
    # black, the default, is pinned by specgen's dependencies: its manifests do not name it
    if value == "black":
        return {}
    return {name: value, f"{value}_version": options.formatter_version}


def _if_true(name: str, value: Any, options: Options) -> dict[str, Any]:
    # manifests from before the setting existed stay fresh while it is off
    return {name: True} if value else {}


def _if_any(name: str, value: Any, options: Options) -> dict[str, Any]:
    # likewise while the list is empty
    return {name: _plain(value)} if value else {}


@dataclass(frozen=True)
class Options:
    """The settings of one package's generation."""

    # None: from the spec's file name. The manifest records the package at its top level.
    package: str | None = field(default=None, metadata={"manifest": _nothing})
    line_length: int = DEFAULT_LINE_LENGTH  # black's, and the docstrings' wrapping width
    formatter: str = field(default="black", metadata={"manifest": _formatter})  # or "ruff" (format/ruff.py)
    # The formatter's version (the CLI finds it); recorded beside a formatter other than black.
    formatter_version: str = field(default="", metadata={"manifest": _nothing})
    # Template overrides. The manifest hashes the templates used (templates_sha256);
    # the cache key reads the folder's bytes (cache.generator_fingerprint).
    templates: Path | None = field(default=None, metadata={"manifest": _nothing})
    # Environment variables a spec may name (config allow-env); client.py lists the ones it reads.
    allow_env: frozenset[str] = field(default=frozenset(), metadata={"manifest": _nothing})
    lenient: bool = field(default=False, metadata={"manifest": _if_true})  # see validate/lenient.py
    # Request body media types sent rather than the spec's first (config prefer-media-types; ir/build_media.py).
    prefer_media_types: tuple[str, ...] = field(default=(), metadata={"manifest": _if_any})
    # The shared runtime package the package imports instead of its own ``_runtime`` copy
    # (config shared-runtime; ir/runtime_import.py, render/shared_runtime.py).
    shared_runtime: str | None = field(default=None, metadata={"manifest": _if_any})

    def manifest_options(self) -> dict[str, Any]:
        """The manifest's ``options``: each field's entry (``{name: value}`` unless its metadata says otherwise)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            entry: ManifestEntry | None = f.metadata.get("manifest")
            out.update(entry(f.name, value, self) if entry is not None else {f.name: _plain(value)})
        return out

    def key_text(self) -> str:
        """Every field, as text for a cache key: two records differing in any field differ here."""
        return json.dumps({f.name: _plain(getattr(self, f.name)) for f in fields(self)}, sort_keys=True)


def _plain(value: Any) -> Any:
    """A JSON value for a field's value: sets sorted, paths as text."""
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value
