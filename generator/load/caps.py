"""Caps on what one spec may declare, beyond its bytes and values (load/document.py).

Black's time grows with the number of properties, faster than linearly in one
huge schema: so one schema is capped far below the whole spec, and the total
leaves room for the largest public specs (docs/security.md). Each cap names
the environment variable that changes it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..errors import SpecError, pointer_join

if TYPE_CHECKING:
    from .spec import LoadedSpec

CAPS = {
    # name: (environment variable, default)
    "properties": ("SPECGEN_MAX_PROPERTIES", 1_000),  # in one schema
    "total": ("SPECGEN_MAX_TOTAL_PROPERTIES", 100_000),  # in the whole spec
}


def cap(name: str) -> int:
    """The cap in force: its environment variable (a positive integer) or the default."""
    variable, default = CAPS[name]
    raw = os.environ.get(variable, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


def check_properties(spec: LoadedSpec) -> None:
    """Raise :class:`SpecError` if a schema, or the spec, declares more properties than its cap."""
    per_schema, total_cap = cap("properties"), cap("total")
    total = 0
    stack: list[tuple[Any, Any]] = [(spec.document, None)]  # (node, (key, parent's link)): a pointer, built on demand
    while stack:
        node, link = stack.pop()
        if isinstance(node, dict):
            found = node.get("properties")
            if isinstance(found, dict):
                total += len(found)
                if len(found) > per_schema:
                    raise _over(spec, link, f"a schema with {len(found):,} properties", "properties", per_schema)
                if total > total_cap:
                    raise _over(spec, link, f"more than {total_cap:,} properties in all schemas", "total", total_cap)
            stack.extend((value, (key, link)) for key, value in node.items() if isinstance(value, (dict, list)))
        elif isinstance(node, list):
            stack.extend((value, (index, link)) for index, value in enumerate(node) if isinstance(value, (dict, list)))


def _over(spec: LoadedSpec, link: Any, what: str, name: str, limit: int) -> SpecError:
    keys = []
    while link is not None:
        key, link = link
        keys.append(key)
    pointer = pointer_join("", *reversed(keys), "properties")
    variable = CAPS[name][0]
    return spec.error(pointer, f"{what}, above the limit of {limit:,} (set {variable} to raise it)")
