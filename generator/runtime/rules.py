"""The rules inside a request body, checked before sending, as ``Param`` checks its own.

A ``Rules`` tree mirrors the body's schema where it has rules: a value's
string, number, enum and item-count constraints, its properties' rules by
wire name (``fields``) and its items' or map values' rules (``items``). It is
checked against the JSON form of the body, so a model, a list of models or a
plain dict are checked alike. Patterns are matched in linear time by
:mod:`.regex` (a pattern it cannot run is not checked); the walk visits each
value of the body once. ``null`` is never checked here: the model decides
where it may be sent.
"""

from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import Protocol, cast

from . import regex
from .decode import describe

__all__ = ["Rules"]


class Constrained(Protocol):
    """What :func:`check_scalar` reads: a ``Param``'s or a ``Rules``' constraints."""

    @property
    def enum(self) -> tuple[object, ...] | None: ...
    @property
    def min_length(self) -> int | None: ...
    @property
    def max_length(self) -> int | None: ...
    @property
    def pattern(self) -> str | None: ...
    @property
    def minimum(self) -> float | None: ...
    @property
    def maximum(self) -> float | None: ...
    @property
    def exclusive_minimum(self) -> float | None: ...
    @property
    def exclusive_maximum(self) -> float | None: ...


def check_scalar(
    rules: Constrained, matcher: regex.Matcher | None, value: object, name: str
) -> None:
    """Raise ``ValueError`` naming ``name`` if a string or number breaks a rule."""
    if rules.enum is not None and value not in rules.enum:
        allowed = ", ".join(repr(v) for v in rules.enum)
        raise ValueError(f"{name}: must be one of {allowed}, got {describe(value)}")
    if isinstance(value, str):
        if rules.min_length is not None and len(value) < rules.min_length:
            raise ValueError(
                f"{name}: must be at least {rules.min_length} characters long,"
                f" got {describe(value)}"
            )
        if rules.max_length is not None and len(value) > rules.max_length:
            raise ValueError(
                f"{name}: must be at most {rules.max_length} characters long,"
                f" got {describe(value)}"
            )
        if matcher is not None and not matcher.search(value):
            raise ValueError(
                f"{name}: must match pattern {rules.pattern}, got {describe(value)}"
            )
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        rule: str | None = None
        if rules.minimum is not None and value < rules.minimum:
            rule = f">= {rules.minimum}"
        elif rules.maximum is not None and value > rules.maximum:
            rule = f"<= {rules.maximum}"
        elif rules.exclusive_minimum is not None and value <= rules.exclusive_minimum:
            rule = f"> {rules.exclusive_minimum}"
        elif rules.exclusive_maximum is not None and value >= rules.exclusive_maximum:
            rule = f"< {rules.exclusive_maximum}"
        if rule is not None:
            raise ValueError(f"{name}: must be {rule}, got {value}")


@dataclasses.dataclass(frozen=True)
class Rules:
    """The constraints of one value in a body, and of the values inside it."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    enum: tuple[object, ...] | None = None
    min_items: int | None = None
    max_items: int | None = None
    fields: tuple[tuple[str, Rules], ...] = ()  # by wire name
    items: Rules | None = None  # of a list's items or a map's values

    @cached_property
    def _regex(self) -> regex.Matcher | None:
        return None if self.pattern is None else regex.compile(self.pattern)

    @cached_property
    def _fields(self) -> dict[str, Rules]:
        return dict(self.fields)

    def check(self, value: object, where: str) -> None:
        """Raise ``ValueError`` naming the value's path if ``value`` breaks a rule."""
        stack: list[tuple[Rules, object, str]] = [(self, value, where)]
        while stack:
            rules, item, path = stack.pop()
            if item is None:
                continue
            rules._check_one(item, path)
            if isinstance(item, dict) and rules.fields:
                members = cast("dict[str, object]", item)  # JSON
                for key, sub in rules._fields.items():
                    if key in members:
                        stack.append((sub, members[key], f"{path}.{key}"))
            if rules.items is not None:
                if isinstance(item, list):
                    array = cast("list[object]", item)  # JSON
                    stack.extend(
                        (rules.items, v, f"{path}[{i}]") for i, v in enumerate(array)
                    )
                elif isinstance(item, dict) and not rules.fields:
                    members = cast("dict[str, object]", item)
                    stack.extend(
                        (rules.items, v, f"{path}.{k}") for k, v in members.items()
                    )

    def _check_one(self, value: object, path: str) -> None:
        if not isinstance(value, list):
            check_scalar(self, self._regex, value, path)
        else:
            count = len(cast("list[object]", value))
            if self.min_items is not None and count < self.min_items:
                least = f"at least {self.min_items}"
                raise ValueError(f"{path}: must have {least} items, got {count}")
            if self.max_items is not None and count > self.max_items:
                most = f"at most {self.max_items}"
                raise ValueError(f"{path}: must have {most} items, got {count}")
