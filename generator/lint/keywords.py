"""JSON Schema keywords for ``specgen lint`` that a hostile spec cannot make hang.

jsonschema runs a spec's ``pattern`` (and ``patternProperties``) with ``re``,
which backtracks: ``^(x+)+$`` against a 40-character example never ends. Here
they run on the client's linear-time matcher (:mod:`generator.patterns`); a
pattern it cannot check safely is not checked, as in the client.

And a schema can branch exponentially on one value (``L20: allOf: [L19, L19]``
checks ``L0`` a million times): every keyword call is counted, and an example
whose check takes more than :data:`MAX_STEPS` is not checked (:class:`TooCostly`),
nor any example once a spec's have taken :data:`MAX_TOTAL_STEPS`.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import jsonschema
from jsonschema.exceptions import ValidationError

from .. import patterns

MAX_STEPS = 20_000  # keyword calls for one example, far above real specs (docs/security.md)
MAX_TOTAL_STEPS = 400_000  # for all the examples of one spec
Keyword = Callable[[Any, Any, Any, Any], Any]


class TooCostly(Exception):
    """Checking one example took more than :data:`MAX_STEPS` keyword calls,
    or all of them together more than :data:`MAX_TOTAL_STEPS`."""


class Budget:
    """Keyword calls left for the example being checked, and for the spec."""

    def __init__(self) -> None:
        self.left = MAX_STEPS
        self.total_left = MAX_TOTAL_STEPS

    def start_spec(self) -> None:
        self.total_left = MAX_TOTAL_STEPS

    def start_example(self) -> None:
        self.left = MAX_STEPS

    def spent(self) -> bool:
        """Whether the spec's budget is spent (no further example is checked)."""
        return self.total_left <= 0


BUDGET = Budget()


def safe_validator(
    base: type[Any], wrap: Callable[[Keyword], Keyword] = lambda keyword: keyword, pattern_properties: bool = False
) -> type[Any]:
    """``base`` with the safe keywords, every keyword counted, and ``wrap`` around each.

    ``pattern_properties``: the spec uses ``patternProperties`` somewhere.
    jsonschema's ``unevaluatedProperties`` matches them with ``re``, deep
    inside; in such a spec it is not checked.
    """
    keywords: dict[str, Keyword] = dict(base.VALIDATORS)
    keywords.update(pattern=_pattern, patternProperties=_pattern_properties, additionalProperties=_additional_properties)
    if pattern_properties and "unevaluatedProperties" in keywords:
        keywords["unevaluatedProperties"] = _not_checked
    counted = {name: _counted(wrap(fn)) if name != "$ref" else _counted(fn) for name, fn in keywords.items()}
    # types-jsonschema leaves extend() unannotated; it returns a validator class
    extended: type[Any] = jsonschema.validators.extend(base, counted)  # type: ignore[no-untyped-call]
    return extended


def _counted(keyword: Keyword) -> Keyword:
    def check(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        BUDGET.left -= 1
        BUDGET.total_left -= 1
        if BUDGET.left < 0 or BUDGET.total_left < 0:
            raise TooCostly
        return keyword(validator, value, instance, schema)

    return check


def _matches(pattern: Any, text: str) -> bool:
    """Whether ``pattern`` matches; True when it cannot be checked safely (not checked)."""
    return not isinstance(pattern, str) or patterns.search(pattern, text) is not False


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _matched_keys(instance: dict[str, Any], pattern: Any) -> list[str]:
    matcher = patterns.compile(pattern) if isinstance(pattern, str) else None
    return [] if matcher is None else [key for key in instance if matcher.search(key)]


def _pattern_properties(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object") or not isinstance(value, dict):
        return
    for pattern, subschema in value.items():
        for key in _matched_keys(instance, pattern):
            yield from validator.descend(instance[key], subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    by_pattern = schema.get("patternProperties") if isinstance(schema.get("patternProperties"), dict) else {}
    matched = {key for pattern in by_pattern for key in _matched_keys(instance, pattern)}
    extras = [key for key in instance if key not in properties and key not in matched]
    if validator.is_type(value, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], value, path=extra)
    elif value is False and extras:
        names = ", ".join(repr(extra) for extra in sorted(extras, key=str))
        yield ValidationError(f"Additional properties are not allowed ({names} {'was' if len(extras) == 1 else 'were'} unexpected)")


def _not_checked(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    return iter(())


def uses_pattern_properties(document: Any) -> bool:
    """Whether ``patternProperties`` is a key anywhere in ``document``."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "patternProperties" in node:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False
