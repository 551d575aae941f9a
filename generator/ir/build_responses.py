"""An operation's documented responses: which are successes, which errors,
and the return type they make.

Status keys are exact codes (``"307"``), ranges (``"2XX"``) or ``default``.
A success is a 2xx (exact or ``2XX``), or a 1xx/3xx documented with a body
(a 307 with a schema is decoded and returned, not raised). ``default`` is
the success only of an operation that documents no other; it is always
also the error body of the statuses no other key covers. A 4xx/5xx (exact
or range) is an error; its JSON schema, if any, decodes ``ApiError.parsed``.

The primary success (the first 2xx, else the first other success, else
``default``) drives the generated tests, pagination and ``Accept``; the
return type is the union of every success's type, primary first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import build_types as bt
from ..errors import pointer_join, resolve_pointer
from .nodes import Code, ResponseCase, TypeRef
from .type_table import annotation as type_annotation
from .type_table import value_decoder

_KEY = re.compile(r"^([1-5])([0-9]{2}|XX)$", re.IGNORECASE)


@dataclass(frozen=True)
class ResponseDraft:
    """One documented response of an operation."""

    key: str  # "200", "2XX" or "default", normalised
    number: int  # the status a generated test serves
    type: TypeRef | None  # None: no body
    examples: tuple[tuple[str, Any], ...]
    accept: str | None  # the media type of a non-JSON body
    has_body: bool


@dataclass(frozen=True)
class Responses:
    """An operation's responses, sorted into the primary success, all successes and errors."""

    primary: ResponseDraft | None
    successes: tuple[ResponseDraft, ...]  # primary first
    errors: tuple[ResponseDraft, ...]


def _order(key: str) -> tuple[int, str]:
    """Successes in the order the primary is chosen: 2xx, 2XX, 1xx/3xx, ranges, default."""
    if key == "default":
        return (4, key)
    if key[0] == "2":
        return (0 if key[1:].isdigit() else 1, key)
    return (2 if key[1:].isdigit() else 3, key)


def collect(doc: dict[str, Any], types: bt.TypeBuilder, op: dict[str, Any], pointer: str, context: str) -> Responses:
    """The documented responses of ``op`` (at ``pointer``); ``context`` names inline models."""
    raw = op.get("responses")
    documented: dict[Any, Any] = raw if isinstance(raw, dict) else {}
    entries: dict[str, tuple[Any, Any]] = {}
    for status in sorted(documented, key=str):
        text = str(status)
        if text != "default" and _KEY.match(text) is None:
            continue
        key = text if text == "default" else text.upper()
        entries.setdefault(key, (status, documented[status]))
    successes: list[tuple[str, Any, Any]] = []
    errors: list[tuple[str, Any, Any]] = []
    for key, (status, response) in entries.items():
        if isinstance(response, dict) and "$ref" in response:
            response = resolve_pointer(doc, response["$ref"])
        content = (response or {}).get("content") if isinstance(response, dict) else None
        has_body = isinstance(content, dict) and bool(content)
        if key == "default" or key[0] in "45":
            errors.append((key, status, response))
        elif key[0] == "2" or has_body:
            successes.append((key, status, response))
    if not successes and "default" in entries:
        status, response = entries["default"]
        if isinstance(response, dict) and "$ref" in response:
            response = resolve_pointer(doc, response["$ref"])
        successes.append(("default", status, response))
    successes.sort(key=lambda item: _order(item[0]))
    drafts = []
    for index, (key, status, response) in enumerate(successes):
        name = f"{context}Response" if index == 0 else f"{context}Response{_label(key)}"
        drafts.append(_draft(doc, types, key, response, pointer_join(pointer, "responses", status), name))
    error_drafts = []
    for key, status, response in errors:
        where = pointer_join(pointer, "responses", status)
        draft = _draft(doc, types, key, response, where, f"{context}Error{_label(key)}")
        if draft.type is not None and draft.type.format != "raw":
            error_drafts.append(draft)
    return Responses(drafts[0] if drafts else None, tuple(drafts), tuple(error_drafts))


def _label(key: str) -> str:
    return "Default" if key == "default" else key.upper()


def _draft(
    doc: dict[str, Any], types: bt.TypeBuilder, key: str, response: Any, pointer: str, name: str
) -> ResponseDraft:
    number = int(key) if key.isdigit() else (int(key[0]) * 100 if key[0] != "d" else 200)
    content = (response or {}).get("content") if isinstance(response, dict) else None
    if not isinstance(content, dict) or not content:
        return ResponseDraft(key, number, None, (), None, False)
    media = next((m for m in content if m == "application/json" or str(m).endswith("+json")), None)
    if media is None:
        first = str(next(iter(content)))
        kind = "str" if first.startswith("text/") or first.endswith("xml") else "bytes"
        return ResponseDraft(key, number, TypeRef(kind, format="raw"), (), first, True)
    body = content[media] if isinstance(content[media], dict) else {}
    schema_pointer = pointer_join(pointer, "content", media, "schema")
    t = types.type_of(body.get("schema"), schema_pointer, name)
    examples: list[tuple[str, Any]] = []
    if isinstance(body.get("examples"), dict):
        for example_name, example in body["examples"].items():
            if isinstance(example, dict) and "$ref" in example:
                example = resolve_pointer(doc, example["$ref"])
            if isinstance(example, dict) and "value" in example:
                examples.append((str(example_name), example["value"]))
    elif "example" in body:
        examples.append(("example", body["example"]))
    return ResponseDraft(key, number, t, tuple(examples), None, True)


def annotation(t: TypeRef | None) -> Code:
    """How a response of type ``t`` is spelled (``None``: no body)."""
    if t is None:
        return Code("None")
    if t.format == "raw":
        return Code(t.kind)
    return Code(type_annotation(t))


def decoder(t: TypeRef | None) -> Code:
    """The runtime decoder of a response of type ``t``."""
    if t is None:
        return Code("_rt.NONE")
    if t.format == "raw":
        return Code("_rt.TEXT" if t.kind == "str" else "_rt.BYTES")
    return value_decoder(t)  # null too, where the type is nullable


def return_annotation(responses: Responses) -> Code:
    """The union of the successes' types, primary first, each once."""
    parts = list(dict.fromkeys(str(annotation(d.type)) for d in responses.successes)) or ["None"]
    if "None" in parts and len(parts) > 1:  # ``X | None`` reads better last
        parts = [p for p in parts if p != "None"] + ["None"]
    return Code(" | ".join(parts))


def cases(responses: Responses) -> tuple[tuple[ResponseCase, ...], tuple[ResponseCase, ...]]:
    """The success table the runtime needs (empty when every 2xx decodes like
    the primary and nothing else succeeds) and the error table."""
    primary = responses.primary
    success = tuple(
        ResponseCase(d.key, d.type, annotation(d.type), decoder(d.type)) for d in responses.successes
    )
    main = decoder(primary.type) if primary is not None else Code("_rt.NONE")
    needed = any(c.status[0] in "13" or (c.status != "default" and c.decoder != main) for c in success)
    errors = tuple(ResponseCase(d.key, d.type, annotation(d.type), decoder(d.type)) for d in responses.errors)
    return (success if needed else ()), errors
