"""The names the runtime defines, which a spec's names must never take.

Read from the runtime's own source with :mod:`ast`, so that a spec can never
produce an operation called ``send`` or a property called ``to_dict``.
Parsing the runtime is a large part of a regeneration after a one-line change
(docs/speed.md), so the result is kept in the cache
(kind ``names``), keyed by the runtime's bytes and this module's, and in a
per-process memo.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..store import Store, digest
from ..paths import RUNTIME_DIR

_CLIENT_CLASSES = ("Client", "AsyncClient", "BaseClient")
_FORMAT = "1"  # the entry's layout


@dataclass(frozen=True)
class RuntimeNames:
    """The names the runtime defines, by where a spec's name could clash with them."""

    exports: frozenset[str]  # every module's __all__
    client: frozenset[str]  # attributes of the client classes
    model: frozenset[str]  # attributes of Model


_memo: dict[str, RuntimeNames] = {}


def runtime_names(cache: Store | None = None) -> RuntimeNames:
    """The runtime's exports, client attributes and model attributes."""
    sources = [(path.name, path.read_bytes()) for path in sorted(RUNTIME_DIR.glob("*.py"))]
    this = Path(__file__).read_bytes()  # how the names are read is part of the key too
    key = digest("names", _FORMAT, this, *(part for name, data in sources for part in (name, data)))
    found = _memo.get(key)
    if found is None and cache is not None:
        found = _decode(cache.get("names", key))
    if found is None:
        found = _parse(source for _name, source in sources)
        if cache is not None:
            cache.put("names", key, _encode(found))
    _memo[key] = found
    return found


def _parse(sources: Iterable[bytes]) -> RuntimeNames:
    exports: set[str] = set()
    client: set[str] = set()
    model: set[str] = set()
    for source in sources:
        tree = ast.parse(source)
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                exports.update(ast.literal_eval(node.value))
            if isinstance(node, ast.ClassDef) and node.name in (*_CLIENT_CLASSES, "Model"):
                target = model if node.name == "Model" else client
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        target.add(item.name)
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        target.add(item.target.id)
                    elif isinstance(item, ast.Assign):
                        target.update(t.id for t in item.targets if isinstance(t, ast.Name))
    return RuntimeNames(frozenset(exports), frozenset(client), frozenset(model))


def _encode(names: RuntimeNames) -> bytes:
    return json.dumps({"exports": sorted(names.exports), "client": sorted(names.client), "model": sorted(names.model)}).encode()


def _decode(raw: bytes | None) -> RuntimeNames | None:
    """A cache entry, or None for a missing or unreadable one (then the source is parsed)."""
    if raw is None:
        return None
    try:
        entry = json.loads(raw)
        fields = [entry[name] for name in ("exports", "client", "model")]
        if not all(isinstance(f, list) and all(isinstance(n, str) for n in f) for f in fields):
            return None
        return RuntimeNames(*(frozenset(f) for f in fields))
    except (ValueError, KeyError, TypeError):
        return None


_origins_memo: dict[bytes, dict[str, str]] = {}


def runtime_origins() -> dict[str, str]:
    """name -> the runtime module it comes from, as the runtime's ``__init__``
    imports it (``ApiError`` -> ``errors``). A package's ``__init__`` imports its
    runtime names from there, not from ``._runtime``: pyright then sees no
    private ``_runtime`` name in it for the package's modules to import (its
    reportPrivateUsage). One small file: parsed per process, not cached."""
    source = (RUNTIME_DIR / "__init__.py").read_bytes()
    found = _origins_memo.get(source)
    if found is None:
        found = {}
        for node in ast.parse(source).body:
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                found.update((alias.asname or alias.name, node.module) for alias in node.names)
        _origins_memo[source] = found
    return found


def by_origin(names: Iterable[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``names`` grouped by the runtime module each comes from, both sorted."""
    origins = runtime_origins()
    grouped: dict[str, list[str]] = {}
    for name in sorted(names):
        grouped.setdefault(origins[name], []).append(name)
    return tuple((module, tuple(found)) for module, found in sorted(grouped.items()))
