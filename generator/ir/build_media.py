"""Media types on the request side: a parameter's ``content``, the order in
which a request body's media types are tried (the spec's, or the user's
``prefer-media-types``), and a multipart part's ``contentType`` and headers."""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from typing import Any, Callable

from ..errors import pointer_join, resolve_pointer

# What ``prefer-media-types`` accepts: ``type/subtype``, ``*`` anywhere as a wildcard.
MEDIA_PATTERN = re.compile(r"[A-Za-z0-9*!#$&^_.+-]{1,127}/[A-Za-z0-9*!#$&^_.+-]{1,127}")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}")
_ONE_LINE = re.compile(r"[^\x00-\x08\x0a-\x1f\x7f]{0,1000}")
# Part headers the client writes itself: OpenAPI says an encoding's
# Content-Type header SHALL be ignored; Content-Disposition names the part.
_OWN_HEADERS = ("content-type", "content-disposition")


def base_type(media: str) -> str:
    """``type/subtype`` of a media type, lower case, parameters cut."""
    return media.split(";")[0].strip().lower()


def media_order(content: dict[str, Any], prefer: tuple[str, ...]) -> list[str]:
    """The media types of a ``content`` map in the order they are tried: those
    matching a preference (in the preferences' order; ``*`` a wildcard, case
    ignored), then the rest in the spec's order."""
    spec_order = [str(m) for m in content]
    chosen: list[str] = []
    for pattern in prefer:
        chosen += [m for m in spec_order if m not in chosen and fnmatchcase(base_type(m), pattern.lower())]
    return chosen + [m for m in spec_order if m not in chosen]


def part_media(value: Any) -> str | None:
    """The media type of a part from an encoding's ``contentType``: the first
    concrete one of a list (``image/png, image/jpeg``); None for a wildcard
    only (``image/*``: the caller's file says what it is)."""
    if not isinstance(value, str):
        return None
    for item in value.split(","):
        item = item.strip()
        if item and "*" not in base_type(item) and MEDIA_PATTERN.fullmatch(base_type(item)):
            return item
    return None


def param_content(param: dict[str, Any], pointer: str) -> tuple[str, dict[str, Any], str] | None:
    """A parameter given by ``content`` (not ``schema``): its media type, the
    media type's schema and that schema's pointer; None for a ``schema`` one."""
    content = param.get("content")
    if "schema" in param or not isinstance(content, dict) or not content:
        return None
    media = str(next(iter(content)))
    entry = content[media] if isinstance(content[media], dict) else {}
    schema = entry["schema"] if isinstance(entry.get("schema"), dict) else {}
    return media, schema, pointer_join(pointer, "content", media, "schema")


def part_headers(
    doc: dict[str, Any], encoding: dict[str, Any], pointer: str, field: str, file: bool, warn: Callable[[str, str], None]
) -> tuple[tuple[str, str], ...]:
    """The fixed headers of a multipart part, from its encoding's ``headers``:
    a header whose schema allows one value (``const``, a one-member ``enum``,
    else its ``default``). Others are warned about: the caller passes a file
    part's own headers with the file; a text part cannot carry them."""
    headers = encoding.get("headers")
    if not isinstance(headers, dict):
        return ()
    fixed = []
    for name, header in headers.items():
        where = pointer_join(pointer, "headers", name)
        name = str(name)
        if name.lower() in _OWN_HEADERS:
            continue
        header = _follow(doc, header)
        schema = _follow(doc, header.get("schema"))
        value = _fixed(schema)
        if not _TOKEN.fullmatch(name) or (value is not None and not _ONE_LINE.fullmatch(value)):
            warn(where, f"part header {name!r} of {field!r} is not a valid header name and one-line value; it is not sent")
        elif value is not None:
            fixed.append((name, value))
        elif header.get("required") is True:
            how = "pass it with the file: (name, content, media type, {header: value})" if file else "a text part cannot carry it"
            warn(where, f"part header {name!r} of {field!r} has no fixed value in the spec: {how}")
    return tuple(fixed)


def _follow(doc: dict[str, Any], node: Any) -> dict[str, Any]:
    for _ in range(50):
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
            break
        node = resolve_pointer(doc, node["$ref"])
    return node if isinstance(node, dict) else {}


def _fixed(schema: dict[str, Any]) -> str | None:
    """The one value a header's schema allows, as header text."""
    if "const" in schema:
        value = schema["const"]
    elif isinstance(schema.get("enum"), list) and len(schema["enum"]) == 1:
        value = schema["enum"][0]
    elif "default" in schema:
        value = schema["default"]
    else:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def expected_media_text(value: Any, media: str) -> str:
    """What a generated test expects for a value sent as ``media`` (see
    ``wire.media_text``, written apart from it): compact JSON for a JSON type
    or a container, else the primitive's text."""
    base = base_type(media)
    if base == "application/json" or base.endswith("+json") or isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
