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

from . import regex
from .decode import describe

__all__ = ["Rules"]


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
                for key, sub in rules._fields.items():
                    if key in item:
                        stack.append((sub, item[key], f"{path}.{key}"))
            if rules.items is not None:
                if isinstance(item, list):
                    stack.extend(
                        (rules.items, v, f"{path}[{i}]") for i, v in enumerate(item)
                    )
                elif isinstance(item, dict) and not rules.fields:
                    stack.extend(
                        (rules.items, v, f"{path}.{k}") for k, v in item.items()
                    )

    def _check_one(self, value: object, path: str) -> None:
        if self.enum is not None and value not in self.enum:
            allowed = ", ".join(repr(v) for v in self.enum)
            raise ValueError(f"{path}: must be one of {allowed}, got {describe(value)}")
        if isinstance(value, str):
            if self.min_length is not None and len(value) < self.min_length:
                raise ValueError(
                    f"{path}: must be at least {self.min_length} characters long,"
                    f" got {describe(value)}"
                )
            if self.max_length is not None and len(value) > self.max_length:
                raise ValueError(
                    f"{path}: must be at most {self.max_length} characters long,"
                    f" got {describe(value)}"
                )
            matcher = self._regex
            if matcher is not None and not matcher.search(value):
                raise ValueError(
                    f"{path}: must match pattern {self.pattern}, got {describe(value)}"
                )
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            rule: str | None = None
            if self.minimum is not None and value < self.minimum:
                rule = f">= {self.minimum}"
            elif self.maximum is not None and value > self.maximum:
                rule = f"<= {self.maximum}"
            elif self.exclusive_minimum is not None and value <= self.exclusive_minimum:
                rule = f"> {self.exclusive_minimum}"
            elif self.exclusive_maximum is not None and value >= self.exclusive_maximum:
                rule = f"< {self.exclusive_maximum}"
            if rule is not None:
                raise ValueError(f"{path}: must be {rule}, got {value}")
        elif isinstance(value, list):
            count = len(value)
            if self.min_items is not None and count < self.min_items:
                least = f"at least {self.min_items}"
                raise ValueError(f"{path}: must have {least} items, got {count}")
            if self.max_items is not None and count > self.max_items:
                most = f"at most {self.max_items}"
                raise ValueError(f"{path}: must have {most} items, got {count}")
