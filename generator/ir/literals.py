"""Python literals of spec values (``Code``), made safe for generated source."""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from .naming import Identifier
from ..terminal import escape_char as _escape_char
from .nodes import Code


# Categories escaped everywhere: controls, format (bidi overrides, zero-width),
# line and paragraph separators, surrogates, private use, unassigned.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def _is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def _plain(text: str) -> bool:
    """Printable ASCII only: no character of ``text`` needs escaping as unsafe.

    The fast path of every filter below; the per-character loops handle the rest.
    """
    return text.isascii() and text.isprintable()


_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"'})


def literal(value: Any) -> Code:
    """A Python literal for a JSON-like value; strings are double-quoted and all-ASCII."""
    if isinstance(value, Identifier):
        value = str(value)
    if value is None or isinstance(value, bool):
        return Code(repr(value))
    if isinstance(value, int):
        return Code(repr(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} as a literal")
        return Code(repr(value))
    if isinstance(value, str):
        return Code(_string_literal(value))
    if isinstance(value, bytes):
        return Code(repr(value))
    if isinstance(value, (list, tuple)):
        items = ", ".join(literal(v) for v in value)
        if isinstance(value, tuple):
            return Code(f"({items},)" if len(value) == 1 else f"({items})")
        return Code(f"[{items}]")
    if isinstance(value, dict):
        return Code("{" + ", ".join(f"{literal(str(k))}: {literal(v)}" for k, v in value.items()) + "}")
    raise TypeError(f"no literal for {type(value).__name__}")


def _string_literal(text: str) -> str:
    if _plain(text):
        return '"' + text.translate(_LITERAL_ESCAPES) + '"'
    out = ['"']
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif " " <= char <= "~":
            out.append(char)
        else:
            out.append(_escape_char(char))
    out.append('"')
    return "".join(out)
