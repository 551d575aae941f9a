"""How a generated test expects arguments on the wire: the OpenAPI style
table, written apart from the runtime's serializer so that each checks the other."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote


def encode_query_value(value: Any) -> list[str]:
    """How the runtime writes a query value, as the generated test expects it."""
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, list):
        return [v for item in value for v in encode_query_value(item)]
    return [str(value)]


_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


def _member(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return encode_query_value(value)[0]


def expected_pairs(name: str, value: Any, style: str, explode: bool) -> list[tuple[str, str]]:
    """How a query or form value goes on the wire (the OpenAPI style table), as
    the generated test expects it: written apart from the runtime's serializer."""
    if style == "deepObject" and isinstance(value, (dict, list)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        return [p for k, v in items if v is not None for p in expected_pairs(f"{name}[{k}]", v, style, explode)]
    if isinstance(value, list):
        members = [_member(v) for v in value if v is not None]
        return [(name, m) for m in members] if explode else [(name, _DELIMITERS.get(style, ",").join(members))]
    if isinstance(value, dict):
        fields = [(str(k), _member(v)) for k, v in value.items() if v is not None]
        if explode and style == "form":
            return fields
        return [(name, _DELIMITERS.get(style, ",").join(x for field in fields for x in field))]
    return [(name, _member(value))]


def expected_header(value: Any, explode: bool) -> str:
    """A header value as the test expects it (``simple`` style)."""
    if isinstance(value, list):
        return ",".join(_member(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}={_member(v)}" if explode else f"{k},{_member(v)}" for k, v in value.items() if v is not None)
    return _member(value)


PATH_SAFE = "/:@!$&'()*+,;=-._~"  # what the runtime leaves unescaped in a path


def expected_path_value(name: str, value: Any, style: str, explode: bool) -> str:
    """A path value in its style (``simple``, ``label``, ``matrix``), percent-encoded."""
    members = [quote(_member(v), safe="") for v in (value if isinstance(value, list) else [value])]
    if style == "label":
        return "." + ".".join(members)
    if style == "matrix":
        if explode and isinstance(value, list):
            return "".join(f";{quote(name, safe='')}={m}" for m in members)
        return f";{quote(name, safe='')}=" + ",".join(members)
    return ",".join(members)


def expected_path(path: str, values: dict[str, str]) -> str:
    """The path the client must send: literal text percent-encoded, values as given (encoded)."""
    out = []
    for index, part in enumerate(re.split(r"\{([^{}]+)\}", path)):
        if index % 2:
            out.append(values[part] if part in values else "{" + part + "}")
        else:
            out.append(quote(part, safe=PATH_SAFE))
    return "".join(out)
