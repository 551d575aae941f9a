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
    import sre_parse  # type: ignore[no-redef]
    from sre_constants import *  # type: ignore[assignment]  # noqa: F403

from .ir import TypeRef

MAX_DEPTH = 4


def string_for_pattern(pattern: str) -> str | None:
    """The shortest simple string matching ``pattern`` (search semantics), or None."""
    try:
        parsed = sre_parse.parse(pattern)
        text = _emit(parsed)
    except Exception:
        return None
    try:
        return text if re.search(pattern, text) else None
    except re.error:
        return None


def _emit(items: Any) -> str:
    out = []
    for op, arg in items:
        if op is LITERAL:
            out.append(chr(arg))
        elif op is NOT_LITERAL:
            out.append("a" if chr(arg) != "a" else "b")
        elif op is ANY:
            out.append("a")
        elif op is IN:
            out.append(_from_set(arg))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            low, _high, sub = arg
            out.append(_emit(sub) * low)
        elif op is SUBPATTERN:
            out.append(_emit(arg[-1]))
        elif op is BRANCH:
            out.append(_emit(arg[1][0]))
        elif op is AT:
            continue
        else:
            raise ValueError(f"unsupported regex construct {op}")
    return "".join(out)


def _from_set(items: Any) -> str:
    if items and items[0][0] is NEGATE:
        for candidate in "a0_-":
            if not any(_set_has(op, arg, candidate) for op, arg in items[1:]):
                return candidate
        raise ValueError("negated set")
    op, arg = items[0]
    if op is LITERAL:
        return chr(arg)
    if op is RANGE:
        return chr(arg[0])
    if op is CATEGORY:
        return {CATEGORY_DIGIT: "0", CATEGORY_SPACE: " ", CATEGORY_WORD: "a"}.get(arg, "a")
    raise ValueError("unsupported set")


def _set_has(op: Any, arg: Any, char: str) -> bool:
    if op is LITERAL:
        return chr(arg) == char
    if op is RANGE:
        return arg[0] <= ord(char) <= arg[1]
    if op is CATEGORY:
        return bool(re.match({CATEGORY_DIGIT: r"\d", CATEGORY_SPACE: r"\s"}.get(arg, r"\w"), char))
    return False


def sample_scalar(t: TypeRef, schema: dict[str, Any]) -> Any:
    """A valid JSON value for a scalar parameter or property schema."""
    if "example" in schema and schema["example"] is not None:
        return schema["example"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if t.kind == "bool":
        return True
    if t.kind in ("int", "float"):
        low = schema.get("minimum")
        high = schema.get("maximum")
        value = low if isinstance(low, (int, float)) and not isinstance(low, bool) else 1
        if schema.get("exclusiveMinimum") is True or (
            isinstance(schema.get("exclusiveMinimum"), (int, float)) and value <= schema["exclusiveMinimum"]
        ):
            value = (schema["exclusiveMinimum"] if not isinstance(schema["exclusiveMinimum"], bool) else value) + 1
        if isinstance(high, (int, float)) and value > high:
            value = high
        return int(value) if t.kind == "int" else float(value)
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
    if isinstance(low, int) and len(text) < low:
        text = text + "x" * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[:high]
    return text


def parse_datetime(text: str) -> datetime | None:
    """The generator's own reading of an example date-time, for test expectations."""
    from email.utils import parsedate_to_datetime

    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
