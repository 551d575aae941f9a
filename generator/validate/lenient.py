"""Lenient mode: published specs that break the letter of OpenAPI harmlessly.

Specs from other companies often carry defects the validator rightly reports
but code generation does not care about. In lenient mode (``--lenient``,
``lenient = true``) each is a located warning saying what specgen made of it,
and generation goes on:

- a ``default`` that fails its own schema (``default: "false"`` on a boolean,
  ``default: null`` on an object that is not nullable) is dropped;
- ``exclusiveMinimum``/``exclusiveMaximum`` in the other version's form (a
  boolean in 3.1, a number in 3.0) is read in that form;
- ``$recursiveAnchor`` (JSON Schema 2019-09) is ignored, and ``$recursiveRef:
  "#"`` is read as a ``$ref`` to the schema holding the anchor;
- a ``required`` list naming a property twice keeps each name once.

Every other validator finding, and every problem specgen's own checks find,
stays an error: generating from such a spec would guess.

The last three are mended here, before the validator runs (it stops checking
a schema at the first keyword it refuses, so mending them first lets it check
the rest); bad defaults are found by the validator and dropped afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import Diagnostic, SpecError, pointer_join, resolve_pointer
from ..load.spec import LoadedSpec
from .messages import BAD_DEFAULT, Finding

if TYPE_CHECKING:
    from ..store import Store

# Keys whose values are data, not schema keywords: never mended.
_VALUE_KEYS = frozenset({"default", "example", "examples", "enum", "const"})
# Keys whose mappings are keyed by names (a property may be called "default").
_NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "schemas",
        "responses",
        "parameters",
        "headers",
        "requestBodies",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "paths",
        "content",
        "encoding",
        "variables",
        "webhooks",
    }
)
_TAG = " (lenient)"


@dataclass(frozen=True)
class Verdict:
    """What the validator found that lenient mode works around: the warnings, and the defaults to drop."""

    warnings: tuple[Diagnostic, ...]
    drop: tuple[str, ...]  # pointers of defaults that fail their schema


def validate_lenient(
    spec: LoadedSpec, cache: Store | None = None, key_of: Callable[[LoadedSpec], str | None] | None = None
) -> Verdict:
    """Validate ``spec`` in lenient mode: mend it, validate it, drop the defaults
    that fail their schema. Returns every warning (ordered by line); raises
    :class:`SpecError` with what it cannot work around (and the warnings).

    With ``cache``, the validator's part of the verdict is kept under
    ``key_of(mended spec)`` as the strict verdict is (see pipeline.py)."""
    mended = mend(spec)
    key = key_of(spec) if cache is not None and key_of is not None else None
    found = cached_verdict(spec, cache, key)
    if found is None:
        found = verdict_with(spec, mended)
        remember(cache, key, found)
    apply(spec, found)
    return with_mended(mended, found)


def verdict_with(spec: LoadedSpec, mended: list[Diagnostic]) -> Verdict:
    """:func:`verdict`, its :class:`SpecError` holding the warnings ``mended`` too."""
    try:
        return verdict(spec)
    except SpecError as exc:
        raise SpecError(sorted(mended + exc.diagnostics, key=lambda d: d.line or 0)) from None


def with_mended(mended: list[Diagnostic], found: Verdict) -> Verdict:
    """``found`` with the warnings of :func:`mend` among its own, ordered by line."""
    return Verdict(tuple(sorted([*mended, *found.warnings], key=lambda d: d.line or 0)), found.drop)


def remember(cache: Store | None, key: str | None, found: Verdict) -> None:
    """Keep the validator's part of a verdict under ``key`` (see :func:`validate_lenient`)."""
    if cache is not None and key is not None:
        entry = {"warnings": [[w.line, w.pointer, w.message] for w in found.warnings], "drop": list(found.drop)}
        cache.put("valid", key, json.dumps(entry).encode("utf-8"))


def cached_verdict(spec: LoadedSpec, cache: Store | None, key: str | None) -> Verdict | None:
    """The verdict kept under ``key``, if any and readable."""
    if cache is None or key is None:
        return None
    raw = cache.get("valid", key)
    if raw is None:
        return None
    try:
        entry = json.loads(raw)
        warnings = tuple(Diagnostic(spec.display, w[0], w[1], w[2], "warning") for w in entry["warnings"])
        return Verdict(warnings, tuple(str(p) for p in entry["drop"]))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def mend(spec: LoadedSpec) -> list[Diagnostic]:
    """Mend the defects that stop the validator from checking a schema (see the module's
    docstring), in ``spec.document``; one warning for each."""
    version_31 = str(spec.document.get("openapi", "")).startswith("3.1")
    warnings: list[Diagnostic] = []
    # (node, pointer, is a mapping of names, pointer of the nearest schema with $recursiveAnchor)
    stack: list[tuple[Any, str, bool, str | None]] = [(spec.document, "", False, None)]
    while stack:
        node, pointer, names, anchor = stack.pop()
        if isinstance(node, list):
            stack.extend((v, pointer_join(pointer, i), False, anchor) for i, v in reversed(list(enumerate(node))))
            continue
        if not isinstance(node, dict):
            continue
        if not names:
            if node.get("$recursiveAnchor") is True:
                anchor = pointer
            warnings.extend(_mend_schema(spec, node, pointer, anchor, version_31))
        children = []
        for key, value in node.items():
            if not names and (key in _VALUE_KEYS or (isinstance(key, str) and key.startswith("x-"))):
                continue
            children.append((value, pointer_join(pointer, key), not names and key in _NAME_MAPS, anchor))
        stack.extend(reversed(children))
    return warnings


def _mend_schema(
    spec: LoadedSpec, node: dict[str, Any], pointer: str, anchor: str | None, version_31: bool
) -> list[Diagnostic]:
    warnings = []
    for keyword, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if keyword in node:
            message = _mend_bound(node, keyword, bound, version_31)
            if message:
                warnings.append(spec.diagnostic(pointer_join(pointer, keyword), message + _TAG, "warning"))
    required = node.get("required")
    if isinstance(required, list) and len(set(map(repr, required))) < len(required):
        kept: list[Any] = []
        for name in required:
            if name not in kept:
                kept.append(name)
        repeated = [n for n in kept if required.count(n) > 1]
        node["required"] = kept
        shown = ", ".join(repr(n) for n in repeated)
        warnings.append(
            spec.diagnostic(
                pointer_join(pointer, "required"),
                f"required lists {shown} more than once; each is kept once" + _TAG,
                "warning",
            )
        )
    if "$recursiveAnchor" in node:
        del node["$recursiveAnchor"]
        message = "$recursiveAnchor (JSON Schema 2019-09, not OpenAPI) is ignored"
        warnings.append(spec.diagnostic(pointer_join(pointer, "$recursiveAnchor"), message + _TAG, "warning"))
    target = node.get("$recursiveRef")
    if isinstance(target, str) and "$ref" not in node:
        where = pointer_join(pointer, "$recursiveRef")
        home = anchor if target == "#" else None
        if home is None and target == "#":
            home = _component_schema(pointer)
        if home is not None:
            del node["$recursiveRef"]
            node["$ref"] = "#" + home
            message = f"$recursiveRef {target!r} (JSON Schema 2019-09) is read as $ref {'#' + home!r}"
        else:
            message = f"$recursiveRef {target!r} (JSON Schema 2019-09) is not understood; any value is accepted there"
        warnings.append(spec.diagnostic(where, message + _TAG, "warning"))
    return warnings


def _mend_bound(node: dict[str, Any], keyword: str, bound: str, version_31: bool) -> str | None:
    """Read ``keyword`` in the form it was written in; what was done, or None if it was in this version's form."""
    value, limit = node[keyword], node.get(bound)
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if version_31 and isinstance(value, bool):
        del node[keyword]
        if not value:
            return f"{keyword}: false is the OpenAPI 3.0 form of an inclusive bound; ignored"
        if not isinstance(limit, (int, float)) or isinstance(limit, bool):
            return f"{keyword}: true without a {bound} bounds nothing; ignored"
        del node[bound]
        node[keyword] = limit
        return f"{keyword}: true is the OpenAPI 3.0 form; read as {keyword}: {limit!r} in place of {bound}: {limit!r}"
    if not version_31 and is_number:
        del node[keyword]
        tighter = limit is None or (limit <= value if keyword == "exclusiveMinimum" else limit >= value)
        if not tighter:
            return f"{keyword}: {value!r} is the OpenAPI 3.1 form; {bound}: {limit!r} is tighter, {keyword} ignored"
        node[bound] = value
        node[keyword] = True
        return f"{keyword}: {value!r} is the OpenAPI 3.1 form; read as {bound}: {value!r} with {keyword}: true"
    return None


def _component_schema(pointer: str) -> str | None:
    """The pointer of the component schema holding ``pointer``, if any."""
    parts = pointer.split("/")
    if len(parts) >= 4 and parts[1:3] == ["components", "schemas"]:
        return "/".join(parts[:4])
    return None


def verdict(spec: LoadedSpec) -> Verdict:
    """Validate the mended spec: what lenient mode works around, or :class:`SpecError`
    with every problem it does not (and the warnings, for the whole picture)."""
    from .checks import check

    semantic, found = check(spec, lenient_hints=False)
    warnings: list[Diagnostic] = []
    errors: list[Diagnostic] = list(semantic)
    drop: list[str] = []
    for item in found:
        if item.kind == BAD_DEFAULT:
            warnings.append(_as_warning(item, "; the default is dropped"))
            if item.target not in drop:
                drop.append(item.target)
        else:
            errors.append(item.diagnostic)
    if errors:
        raise SpecError(sorted(warnings + errors, key=lambda d: d.line or 0))
    return Verdict(tuple(warnings), tuple(drop))


def _as_warning(item: Finding, done: str) -> Diagnostic:
    d = item.diagnostic
    return Diagnostic(d.file, d.line, d.pointer, d.message + done + _TAG, "warning")


def apply(spec: LoadedSpec, found: Verdict) -> None:
    """Drop the defaults ``found`` lists from ``spec.document``."""
    for pointer in found.drop:
        parent = resolve_pointer(spec.document, "#" + pointer.rsplit("/", 1)[0])
        if isinstance(parent, dict):
            parent.pop("default", None)
