"""What the core asks of a cache: a key-value store handed in by its caller.

The pure core (load, build, render, format: ``pipeline.generate_package``)
never makes one and never names a folder of its own: the CLI passes its disk
cache (:class:`generator.commands.cache.Cache`), a test may pass a dict. Without one the
core writes nothing anywhere (tests/test_pure_core.py). Entries are only ever
a speed-up: a store that loses or refuses them changes no output byte.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol


class Store(Protocol):
    """A key-value store of bytes by kind and key; losing an entry is never an error."""

    def get(self, kind: str, key: str) -> bytes | None:
        """The entry, or None (missing or unreadable)."""

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Keep an entry; a store that cannot is no error."""

    def folder(self, kind: str) -> Path | None:
        """A folder for a cache that keeps its own files (Jinja2's compiled
        templates), or None: that cache is not kept."""


def digest(*parts: bytes | str) -> str:
    """A key: sha256 over the parts, each length-prefixed (no two lists of parts share one)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()
