"""Example values: from the spec when it has them, synthesised when it does not.

Used for the generated tests. Synthesised values satisfy the schema's rules
(a string that matches a pattern is built from the pattern itself), so every
generated test can call the real function with valid arguments.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re._constants import (  # type: ignore[import-not-found]
        ANY,
        AT,
        BRANCH,
        CATEGORY,
        CATEGORY_DIGIT,
        CATEGORY_SPACE,
        CATEGORY_WORD,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        NEGATE,
        NOT_LITERAL,
        RANGE,
        SUBPATTERN,
    )
except ImportError:  # pragma: no cover
    import sre_parse
    from sre_constants import *  # noqa: F403

from .. import patterns
from .nodes import TypeRef

MAX_DEPTH = 4
MAX_PATTERN_EXAMPLE = 10_000  # characters of a string made to match a pattern


def string_for_pattern(pattern: str, min_length: int = 0, variant: int = 0) -> str | None:
    """A simple string matching ``pattern`` (search semantics), or None.

    The shortest one, or with repeats stretched towards ``min_length``
    characters. At most :data:`MAX_PATTERN_EXAMPLE` characters, built in
    time linear in the pattern; checked with the linear-time matcher (a
    pattern it cannot check keeps the string as built: the client does not
    check it either).
    """
    if len(pattern) > patterns.MAX_PATTERN:
        return None
    try:
        parsed = sre_parse.parse(pattern)
        text = _emit(parsed, [0], variant)
        if len(text) < min_length:
            text = _emit(parsed, [min(min_length, MAX_PATTERN_EXAMPLE) - len(text)], variant)
    except Exception:
        return None
    return None if patterns.search(pattern, text) is False else text


def _emit(items: Any, need: list[int], variant: int = 0) -> str:
    """The text of ``items``; ``need[0]`` characters still wanted beyond the shortest match."""
    out = []
    size = 0
    for op, arg in items:
        if op is LITERAL:
            out.append(chr(arg))
        elif op is NOT_LITERAL:
            out.append("a" if chr(arg) != "a" else "b")
        elif op is ANY:
            out.append("a")
        elif op is IN:
            out.append(_from_set(arg, variant))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            low, high, sub = arg
            once = _emit(sub, [0], variant)
            count = low
            if need[0] > 0 and once and high > low:
                extra = min(high - low, -(-need[0] // len(once)))
                count += extra
                need[0] -= extra * len(once)
            if len(once) * count > MAX_PATTERN_EXAMPLE:
                raise ValueError("the shortest match is too long")
            out.append(once * count)
        elif op is SUBPATTERN:
            out.append(_emit(arg[-1], need, variant))
        elif op is BRANCH:
            out.append(_emit(arg[1][0], need, variant))
        elif op is AT:
            continue
        else:
            raise ValueError(f"unsupported regex construct {op}")
        size += len(out[-1])
        if size > MAX_PATTERN_EXAMPLE:
            raise ValueError("the shortest match is too long")
    return "".join(out)


def _from_set(items: Any, variant: int = 0) -> str:
    """A character of the class ``items``: its first member, else a common one it accepts
    (another one for another ``variant``)."""
    negated = bool(items) and items[0][0] is NEGATE
    members = items[1:] if negated else items
    firsts: list[str] = []
    if not negated and members:
        op, arg = members[0]
        firsts = [chr(arg)] if op is LITERAL else [chr(arg[0]), chr(arg[1])] if op is RANGE else []
    accepted: list[str] = [
        c for c in dict.fromkeys([*firsts, *"a0A_-. x9Zb1B"]) if any(_set_has(op, arg, c) for op, arg in members) != negated
    ]
    if not accepted:
        raise ValueError("unsupported set")
    return accepted[variant % len(accepted)]


_CATEGORY_TESTS = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _set_has(op: Any, arg: Any, char: str) -> bool:
    if op is LITERAL:
        return chr(arg) == char
    if op is RANGE:
        return bool(arg[0] <= ord(char) <= arg[1])
    if op is CATEGORY:
        test = _CATEGORY_TESTS.get(str(arg))
        if test is None:
            raise ValueError("unsupported category")
        return re.match(test, char) is not None
    raise ValueError("unsupported set member")


def satisfies(value: Any, t: TypeRef, schema: dict[str, Any]) -> bool:
    """Whether ``value`` has the type of ``t`` and keeps the schema's rules."""
    if t.kind == "str" or t.kind in ("datetime", "date"):
        if not isinstance(value, str):
            return False
        pattern = schema.get("pattern")
        # linear time; a pattern that cannot be checked safely is not (as in the client)
        if isinstance(pattern, str) and patterns.search(pattern, value) is False:
            return False
        low, high = schema.get("minLength"), schema.get("maxLength")
        return not (isinstance(low, int) and len(value) < low) and not (isinstance(high, int) and len(value) > high)
    if t.kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (t.kind == "int" and not isinstance(value, int)):
            return False
        low, high = schema.get("minimum"), schema.get("maximum")
        return not (isinstance(low, (int, float)) and value < low) and not (isinstance(high, (int, float)) and value > high)
    if t.kind == "bool":
        return isinstance(value, bool)
    return True


def sample_scalar(t: TypeRef, schema: dict[str, Any]) -> Any:
    """A valid JSON value for a scalar parameter or property schema.

    The schema's own example or default when it keeps the schema's rules
    (transcribed specs sometimes contradict themselves), else a made-up one.
    """
    for key in ("example", "default"):
        if schema.get(key) is not None and satisfies(schema[key], t, schema):
            return schema[key]
    if t.kind == "bool":
        return True
    if t.kind in ("int", "float"):
        return _number(t.kind == "int", schema)
    if t.kind == "datetime":
        return "2020-01-02T03:04:05Z"
    if t.kind == "date":
        return "2020-01-02"
    if t.kind == "enum":
        return None  # the caller picks a member
    text = "example"
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        text = string_for_pattern(pattern) or text
    low = schema.get("minLength")
    high = schema.get("maxLength")
    if isinstance(low, int) and low > 10_000:
        return None  # no sensible example; the generated test is left out (with a warning)
    if isinstance(low, int) and len(text) < low:
        text = text + "x" * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[:high]
    return text


def _bound(schema: dict[str, Any], key: str) -> float | None:
    value = schema.get(key)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _number(is_int: bool, schema: dict[str, Any]) -> int | float:
    """A number inside every bound, inclusive and exclusive (3.0 booleans or 3.1 numbers)."""
    low, high = _bound(schema, "minimum"), _bound(schema, "maximum")
    ex_low, ex_high = _bound(schema, "exclusiveMinimum"), _bound(schema, "exclusiveMaximum")
    if schema.get("exclusiveMinimum") is True:
        ex_low, low = low, None
    if schema.get("exclusiveMaximum") is True:
        ex_high, high = high, None

    def ok(v: float) -> bool:
        return (
            (low is None or v >= low)
            and (high is None or v <= high)
            and (ex_low is None or v > ex_low)
            and (ex_high is None or v < ex_high)
        )

    floor = low if low is not None else ex_low
    ceiling = high if high is not None else ex_high
    candidates: list[float] = [1]
    candidates += [b for b in (low, high) if b is not None]
    candidates += [ex_low + 1] if ex_low is not None else []
    candidates += [ex_high - 1] if ex_high is not None else []
    if floor is not None and ceiling is not None:
        candidates.append((floor + ceiling) / 2)
    candidates.append(0)
    for candidate in candidates:
        value: int | float = candidate
        if is_int:
            value = int(candidate) if float(candidate).is_integer() else int(candidate) + 1
        else:
            value = float(candidate)
        if ok(value):
            return value
    return 1 if is_int else 1.0


def parse_datetime(text: str) -> datetime | None:
    """The generator's own reading of an example date-time, for test expectations."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime  # slow to import (docs/speed.md): only for RFC 2822

        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def parse_date(text: str) -> date | None:
    """The generator's own reading of an example date, or None if it is not ISO 8601."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
