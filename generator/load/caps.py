"""Caps on what one spec may declare, beyond its bytes and values (load/document.py).

The cost of a spec is the code it turns into, formatted by black (~8 ms a
property on a busy 2-core machine), and it grows linearly with the number of
properties once no schema is huge: one giant class is what black takes
longer than linear on (a 1.5 MB spec of one schema with 40,000 properties
took minutes and a gigabyte). Real schemas have at most a few hundred
properties, hence 1,000 in one schema (~9 s). The total cap leaves room for
the largest public specs (GitHub's and Stripe's have tens of thousands of
properties), whose first, uncached run takes minutes: a cap that refused them
would protect nobody. Each names the environment variable that changes it.
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
