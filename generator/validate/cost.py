"""What the validator would spend on ``allOf``, counted before it runs.

openapi-spec-validator collects the property names under every ``allOf``
part by walking ``allOf``/``anyOf``/``oneOf``/``items``/``not`` through
``$ref``s, without remembering what it walked: ``L20: allOf: [L19, L19]``
(1 KB) takes it 2**20 steps. The same walk is
counted here with memoisation (linear time), and a spec over
:data:`MAX_ALL_OF_STEPS` is refused before the validator starts.
"""

from __future__ import annotations

from typing import Any

from ..errors import Diagnostic, pointer_join, resolve_pointer
from ..load.spec import LoadedSpec

MAX_ALL_OF_STEPS = 5_000  # far above real specs (docs/security.md)
_CHILD_LISTS = ("allOf", "anyOf", "oneOf")
_CHILDREN = ("items", "not")


def check_all_of_cost(spec: LoadedSpec, doc: dict[str, Any]) -> list[Diagnostic]:
    """One problem, at the costliest ``allOf``, if all of them together are over the cap."""
    try:
        return _check(spec, doc)
    except RecursionError:  # $refs chained thousands deep: the validator reports those itself
        return []


def _check(spec: LoadedSpec, doc: dict[str, Any]) -> list[Diagnostic]:
    sizes: dict[int, int] = {}
    total = 0
    worst = ("", 0)
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            parts = node.get("allOf")
            if isinstance(parts, list):
                cost = sum(_size(part, doc, sizes) for part in parts)
                total += cost
                worst = max(worst, (pointer, cost), key=lambda pair: pair[1])
            stack.extend((value, pointer_join(pointer, key)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, pointer_join(pointer, index)) for index, value in enumerate(node))
        if total > MAX_ALL_OF_STEPS:
            break
    if total <= MAX_ALL_OF_STEPS:
        return []
    return [
        spec.diagnostic(
            pointer_join(worst[0], "allOf"),
            f"allOf expands to more than {MAX_ALL_OF_STEPS} schemas (the same schemas reached again and again "
            "through $ref, allOf, anyOf, oneOf, items or not): too costly to validate",
        )
    ]


def _size(schema: Any, doc: dict[str, Any], sizes: dict[int, int]) -> int:
    """The schemas the validator walks from ``schema`` (a cycle is cut: it stops there).

    Capped just over MAX_ALL_OF_STEPS, so the numbers stay small.
    """
    for _ in range(50):
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#"):
            break
        schema = resolve_pointer(doc, ref)
    if not isinstance(schema, dict):
        return 1
    key = id(schema)
    if key in sizes:
        return sizes[key]
    sizes[key] = 0  # while being counted: a cycle back here counts nothing
    children = [child for name in _CHILD_LISTS if isinstance(schema.get(name), list) for child in schema[name]]
    children += [schema[name] for name in _CHILDREN if name in schema]
    size = 1
    for child in children:
        size = min(size + _size(child, doc, sizes), MAX_ALL_OF_STEPS + 1)
    sizes[key] = size
    return size
