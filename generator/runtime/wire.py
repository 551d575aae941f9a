"""Parameter serialization: OpenAPI ``style`` and ``explode`` for every location.

The rules are the OpenAPI 3.1.0 "Style Examples" table (a parameter ``color``
holding ``"blue"``, ``["blue", "black", "brown"]`` or ``{"R": 100, "G": 200,
"B": 150}``). A value is a scalar, a list or an object (a mapping or a model,
by wire names). Query, cookie and form values come out as decoded
``(key, value)`` pairs, percent-encoded (but for the delimiters between list
and object members); path values come out percent-encoded; header values as
text.
"""

from __future__ import annotations

import enum as _enum
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import cast
from urllib.parse import quote

from .decode import format_datetime, is_array, is_object
from .model import Model, request_items

__all__ = [
    "DEFAULT_STYLES",
    "scalar",
    "to_wire",
    "pairs",
    "path_text",
    "header_text",
    "escape",
    "join_pairs",
    "cookie_header",
    "is_json_media",
    "media_text",
    "check_part_header",
]

#: The style of a location when the spec names none (explode defaults to
#: ``style == "form"``).
DEFAULT_STYLES = {
    "path": "simple",
    "header": "simple",
    "query": "form",
    "cookie": "form",
    "form": "form",
    "multipart": "form",
}
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}
# RFC 3986 reserved characters left as they are with ``allowReserved``, but
# for those a query string cannot carry unescaped: ``[]#`` and ``&=+``.
_RESERVED_SAFE = ":/?@!$'()*,;"

Pairs = list[tuple[str, str]]


def scalar(value: object) -> str:
    """One primitive value as text: enums by value, booleans in lower case,
    date-times in ISO 8601."""
    if isinstance(value, _enum.Enum):
        value = value.value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_wire(value: object) -> object:
    """A value as JSON data: models by their wire names (unset optional fields
    left out), enums by value, dates as ISO 8601, containers recursively."""
    if isinstance(value, Model):
        return {
            wire: to_wire(item)
            for wire, item, required in request_items(value)
            if item is not None or required
        }
    if isinstance(value, _enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in cast("Iterable[object]", value)]
    if isinstance(value, Mapping):
        members = cast("Mapping[object, object]", value)
        return {str(k): to_wire(v) for k, v in members.items()}
    return value


def is_json_media(media: str) -> bool:
    """Whether ``media`` is JSON: ``application/json`` or a ``+json`` type."""
    base = media.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def media_text(value: object, media: str) -> str:
    """A value serialized as ``media`` says (a parameter's ``content``, a form
    field's ``contentType``): compact JSON text for a JSON type, else the
    primitive's text (anything else as JSON too)."""
    data = to_wire(value)
    if is_json_media(media) or isinstance(data, (dict, list)):
        return json.dumps(data, separators=(",", ":"))
    return scalar(data)


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE = re.compile(r"[^\x00-\x08\x0a-\x1f\x7f]*")


def check_part_header(name: str, value: object) -> str:
    """A multipart part's header, checked: a token name and a one-line value
    (a CR or LF would start a header or a part of its own)."""
    if not isinstance(value, str):
        raise ValueError(
            f"part header {name!r}: expected a string, got {type(value).__name__}"
        )
    if not _TOKEN.fullmatch(name) or not _HEADER_VALUE.fullmatch(value):
        raise ValueError(
            f"part header {name!r}: not a valid header name and one-line value"
        )
    return value


def _text(value: object) -> str:
    """A member of a list or object: a primitive as text, anything nested as JSON."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return scalar(value)


def _object_items(value: Mapping[str, object]) -> list[tuple[str, str]]:
    return [(k, _text(v)) for k, v in value.items() if v is not None]


def escape(text: str, reserved: bool = False) -> str:
    """Percent-encode ``text`` for a query string or form body; with
    ``reserved``, RFC 3986 reserved characters a query can carry stay."""
    return quote(text, safe=_RESERVED_SAFE if reserved else "")


def pairs(
    name: str,
    value: object,
    style: str,
    explode: bool,
    enc: Callable[[str], str] = escape,
) -> Pairs:
    """A query, cookie or form value as ``(key, value)`` pairs, each key and
    member passed through ``enc`` (percent-encoding, by default) and the
    delimiters between members left as they are, so that a ``,`` inside a
    member (``%2C``) differs from one between members."""
    data = to_wire(value)
    if style == "deepObject":
        return [(enc(k), enc(v)) for k, v in _deep(name, data)]
    delimiter = _DELIMITERS.get(style, ",")
    delimiter = enc(delimiter) if delimiter == " " else delimiter
    if is_array(data):
        items = [enc(_text(v)) for v in data if v is not None]
        if explode:
            return [(enc(name), item) for item in items]
        return [(enc(name), delimiter.join(items))]
    if is_object(data):
        members = [(enc(k), enc(v)) for k, v in _object_items(data)]
        if explode and style == "form":
            return members
        flat = [part for member in members for part in member]
        return [(enc(name), delimiter.join(flat))]
    return [(enc(name), enc(scalar(data)))]


def _deep(name: str, data: object) -> list[tuple[str, str]]:
    """``name[key]=value`` for each member; nested objects and lists go deeper
    (``name[a][b]``, ``name[a][0]``), as Stripe and Rails read them."""
    if is_object(data):
        return [
            pair
            for key, item in data.items()
            if item is not None
            for pair in _deep(f"{name}[{key}]", item)
        ]
    if is_array(data):
        return [
            pair for i, item in enumerate(data) for pair in _deep(f"{name}[{i}]", item)
        ]
    return [(name, scalar(data))]


def _path_escape(text: str) -> str:
    return quote(text, safe="")


def path_text(name: str, value: object, style: str, explode: bool) -> str:
    """A path parameter's text, percent-encoded (delimiters left as they are)."""
    data = to_wire(value)
    enc = _path_escape
    if is_array(data):
        items = [enc(_text(v)) for v in data]
        if style == "label":
            return "." + ".".join(items)
        if style == "matrix":
            if explode:
                return "".join(f";{enc(name)}={item}" for item in items)
            return f";{enc(name)}=" + ",".join(items)
        return ",".join(items)
    if is_object(data):
        members = [(enc(k), enc(v)) for k, v in _object_items(data)]
        if style == "label":
            return "." + ".".join(
                f"{k}={v}" if explode else f"{k}.{v}" for k, v in members
            )
        if style == "matrix":
            if explode:
                return "".join(f";{k}={v}" for k, v in members)
            return f";{enc(name)}=" + ",".join(f"{k},{v}" for k, v in members)
        return ",".join(f"{k}={v}" if explode else f"{k},{v}" for k, v in members)
    text = enc(scalar(data))
    if style == "label":
        return "." + text
    if style == "matrix":
        return f";{enc(name)}" + (f"={text}" if text else "")
    return text


def header_text(value: object, explode: bool) -> str:
    """A header value (``simple`` style): list members and object members
    joined by commas, ``key=value`` when exploded."""
    data = to_wire(value)
    if is_array(data):
        return ",".join(_text(v) for v in data)
    if is_object(data):
        members = _object_items(data)
        return ",".join(f"{k}={v}" if explode else f"{k},{v}" for k, v in members)
    return scalar(data)


def join_pairs(items: Pairs) -> str:
    """A query string or form body from encoded pairs."""
    return "&".join(f"{key}={value}" for key, value in items)


def cookie_header(items: Pairs) -> str:
    """A ``Cookie`` header from encoded form-style pairs."""
    return "; ".join(f"{key}={value}" for key, value in items)
