"""Tolerant reading: a response is decoded even where it breaks its schema.

The policy of a client by default (``Client(strict=False)``), after the SDKs
Stainless generates, which build response models without validating them
and offer validation as an option:

- What each schema type accepts is one table (see ``decode``), the same in
  both modes; a value outside it is a mismatch.
- On a mismatch the value is kept as received where it is: in the model
  field (``model.price == "n/a"``), the list item or the map value that
  holds it. Models, lists and maps are read item by item, so a bad value
  costs only itself. A missing required field or a ``null`` one that may
  not be null becomes ``None``.
- Each mismatch is recorded as a ``DecodeProblem``: on the model that holds it
  (``model.problems``, paths from that model) and on the response
  (``ApiResponse.problems``, paths from the body), and logged at WARNING
  once per model field (logger ``<package>.schema``, see ``problems``).
- A union, enum, date or date-time that does not match is kept whole.

With ``Client(strict=True)`` (or ``with_options(strict=True)``) the first
mismatch raises ``ResponseParseError`` instead, naming the field. A body
that is not JSON at all raises ``ResponseParseError`` in both modes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, TypeVar, cast

from .decode import Decoder, DictOf, ListOf, OptionalOf
from .errors import DecodeError
from .model import (
    NO_DEFAULT,
    LazyDecoder,
    Model,
    ModelDecoder,
    exact_decimals,
    new_instance,
    table_of,
)
from .problems import DecodeProblem, render_path

__all__ = ["decode_model", "decode_tolerant"]

M = TypeVar("M", bound=Model)


class Found(NamedTuple):
    """A problem, with what it is logged under: ``owner`` (a model class, or
    ``None`` for the body itself) and ``wire_name`` (its field, or "")."""

    owner: str | None
    wire_name: str
    problem: DecodeProblem


class _Frame(NamedTuple):
    """The model field being read: where its problems go."""

    problems: list[DecodeProblem]
    base: int  # the length of the path at the model
    owner: str
    attr: str
    wire_name: str


def decode_tolerant(decoder: Decoder[Any], value: object) -> tuple[Any, list[Found]]:
    """``value`` decoded by ``decoder``, mismatches kept (see the module doc),
    and the problems found (paths from ``value``)."""
    try:
        return decoder.decode(value), []
    except DecodeError:
        pass
    found: list[Found] = []
    return _walk(decoder, value, [], None, found), found


def decode_model(cls: type[M], data: object) -> M:
    """``cls.from_dict(data, strict=False)``: raises ``DecodeError`` only when
    ``data`` is no JSON object."""
    if not isinstance(data, Mapping):
        return cls.from_dict(data)  # type: ignore[arg-type]  # raises
    members = cast("Mapping[str, Any]", data)  # JSON
    try:
        return cls.from_dict(members)
    except DecodeError:
        return _model(cls, members, [], [])


def _walk(
    decoder: Decoder[Any],
    value: object,
    path: list[str | int],
    frame: _Frame | None,
    found: list[Found],
) -> Any:
    if isinstance(decoder, OptionalOf):
        if value is None:
            return None
        decoder = decoder.inner
    if isinstance(decoder, (ModelDecoder, LazyDecoder)) and isinstance(value, Mapping):
        cls = decoder.cls if isinstance(decoder, ModelDecoder) else decoder.target()
        return _model(cls, cast("Mapping[str, Any]", value), path, found)
    if isinstance(decoder, ListOf) and isinstance(value, list):
        item_decoder = cast("ListOf[object]", decoder).item
        items: list[Any] = []
        for index, item in enumerate(cast("list[object]", value)):
            path.append(index)
            items.append(_walk(item_decoder, item, path, frame, found))
            path.pop()
        return items
    if isinstance(decoder, DictOf) and isinstance(value, Mapping):
        item_decoder = cast("DictOf[object]", decoder).item
        out: dict[str, Any] = {}
        for key, item in cast("Mapping[str, object]", value).items():
            path.append(key)
            out[key] = _walk(item_decoder, item, path, frame, found)
            path.pop()
        return out
    try:
        # (any decoder: the checks above narrowed it to no one class)
        return cast("Decoder[object]", decoder).decode(value)
    except DecodeError as exc:
        reason = f"{exc.location}: {exc.reason}" if exc.path else exc.reason
        _record(path, reason, value, frame, found)
        return value


def _model(
    cls: type[M], data: Mapping[str, Any], path: list[str | int], found: list[Found]
) -> M:
    """An instance of ``cls`` from ``data``, read field by field."""
    table = table_of(cls)
    decoders = {
        attr: declared.spec.decoder for attr, declared in cls.__specgen_fields__
    }
    owner = cls.__qualname__
    base = len(path)
    problems: list[DecodeProblem] = []
    values = table.defaults.copy()
    extra: dict[str, Any] = {}
    for key, value in data.items():
        step = table.by_wire.get(key)
        if step is None:
            extra[key] = value
            continue
        attr, accepts_null = step[0], step[4]
        frame = _Frame(problems, base, owner, attr, key)
        path.append(key)
        if value is None:
            if not accepts_null:
                _record(path, "must not be null", None, frame, found)
            values[attr] = None
        else:
            values[attr] = _walk(decoders[attr], value, path, frame, found)
        path.pop()
    for f in table.fields:
        if f.default is NO_DEFAULT and f.wire not in data:
            path.append(f.wire)
            frame = _Frame(problems, base, owner, f.attr, f.wire)
            _record(path, "required field is missing", None, frame, found)
            path.pop()
            values[f.attr] = None
    values["extra"] = extra
    decimals = exact_decimals(table, data, values) if table.floats else None
    return new_instance(cls, values, tuple(problems), decimals)


def _record(
    path: list[str | int],
    reason: str,
    value: object,
    frame: _Frame | None,
    found: list[Found],
) -> None:
    attr = None
    if frame is not None:
        attr = frame.attr
        local = render_path(path[frame.base :])
        frame.problems.append(DecodeProblem(local, attr, reason, value))
    problem = DecodeProblem(render_path(path), attr, reason, value)
    if frame is None:
        found.append(Found(None, "", problem))
    else:
        found.append(Found(frame.owner, frame.wire_name, problem))
