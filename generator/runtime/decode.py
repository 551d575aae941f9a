"""Decoders: converters between parsed JSON values and typed Python values.

A ``Decoder[T]`` has ``decode(value) -> T`` (JSON value to Python, raising
``DecodeError`` on a type mismatch) and ``encode(value)`` (Python back to a
JSON-compatible value). Decoders are immutable and shared; generated code
composes them, e.g. ``list_of(model(PhoneNumber))``.

What each schema type accepts (one table, the same for every client mode;
anything else is a mismatch, see ``tolerant`` for what a client does then):

==========  =============================================================
schema      accepted JSON values
==========  =============================================================
string      a string only (``0`` is a mismatch, never ``"0"``)
integer     an integer; a number with no fraction (``2.0``); a string
            spelling a JSON integer (``"2"``, ``"-3"``; not ``"2.0"``)
number      a number (returned as ``float``); a string spelling a JSON
            number (``"-0.0075"``: a model keeps its exact ``Decimal``
            in ``model.decimals``)
boolean     ``true``/``false``; the strings ``"true"``/``"false"``
date-time   an ISO 8601 or RFC 2822 string
date        an ISO 8601 date string
enum        one of its values; an open enum also any other string
==========  =============================================================

The rule behind it: a scalar that arrives quoted is unquoted when the text
is exactly the JSON spelling of a value of the declared type (servers send
prices and counts as strings); no value is ever turned into a string.
``bool`` is never a number.
"""

from __future__ import annotations

import enum as _enum
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Generic, TypeGuard, TypeVar, cast

from .errors import DecodeError

__all__ = [
    "Decoder",
    "STR",
    "INT",
    "FLOAT",
    "BOOL",
    "ANY",
    "DATETIME",
    "DATE",
    "NONE",
    "list_of",
    "dict_of",
    "enum",
    "describe",
    "parse_datetime",
    "format_datetime",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
E = TypeVar("E", bound=_enum.Enum)

# Kinds let Model.from_dict inline the common scalar checks instead of
# calling a method per field.
KIND_OTHER = 0
KIND_STR = 1
KIND_INT = 2
KIND_BOOL = 3
KIND_FLOAT = 4
KIND_ANY = 5

# The JSON spellings a quoted scalar may have (RFC 8259 section 6), bounded
# in length: 4300 digits is CPython's limit for int(); no price is longer.
JSON_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,4299})")
JSON_NUMBER = re.compile(
    r"-?(?:0|[1-9][0-9]{0,4299})(?:\.[0-9]{1,4300})?(?:[eE][+-]?[0-9]{1,5})?"
)


def describe(value: object) -> str:
    """Describe ``value`` for an error message, briefly."""
    if value is None or isinstance(value, (bool, int, float, str)):
        try:
            text = repr(value)
        except ValueError:  # an int too large to print
            return "a very large integer"
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


class _Unmatched:
    """A class no JSON value belongs to: the "no fast path" of ``fast_path``."""

    __slots__ = ()


class Decoder(Generic[T_co]):
    """Converts one JSON value to ``T_co`` (``decode``) and back (``encode``)."""

    __slots__ = ()
    kind: int = KIND_OTHER
    # See fast_path: the class of the values that decode to themselves.
    exact: type = _Unmatched

    def decode(self, value: object) -> T_co:
        """Return ``value`` as a ``T_co`` or raise ``DecodeError``."""
        raise NotImplementedError

    def encode(self, value: Any) -> Any:
        """Return the JSON-compatible form of ``value``."""
        return value

    def function(self) -> Callable[[object], T_co]:
        """The fastest callable equivalent to ``decode`` (for hot loops)."""
        return self.decode

    def fast_path(self) -> tuple[type, Mapping[Any, Any] | None]:
        """``(cls, members)`` letting hot loops skip calling ``decode``.

        ``decode(value)`` is ``value`` itself when the class of ``value`` is
        exactly ``cls`` and ``members`` is None; with ``members``, it is
        ``members[value]`` whenever that key is present. Other values must
        go through ``decode``.
        """
        return self.exact, None


class _Str(Decoder[str]):
    __slots__ = ()
    kind = KIND_STR
    exact = str

    def decode(self, value: object) -> str:
        if isinstance(value, str):
            return value
        raise DecodeError(f"expected a string, got {describe(value)}")


class _Int(Decoder[int]):
    __slots__ = ()
    kind = KIND_INT
    exact = int

    def decode(self, value: object) -> int:
        if type(value) is int:
            return value
        if type(value) is float and value.is_integer():
            return int(value)
        if type(value) is str and JSON_INTEGER.fullmatch(value):
            return int(value)  # a quoted integer ("2")
        raise DecodeError(f"expected an integer, got {describe(value)}")


class _Float(Decoder[float]):
    __slots__ = ()
    kind = KIND_FLOAT
    exact = float

    def decode(self, value: object) -> float:
        if type(value) is float:
            return value
        if type(value) is int:
            try:
                return float(value)
            except OverflowError:
                raise DecodeError(f"number out of range: {describe(value)}") from None
        if type(value) is str and JSON_NUMBER.fullmatch(value):
            # Some servers send decimals as strings (Twilio's prices: "-0.0075").
            number = float(value)
            if math.isfinite(number):
                return number
        raise DecodeError(f"expected a number, got {describe(value)}")


class _Bool(Decoder[bool]):
    __slots__ = ()
    kind = KIND_BOOL
    exact = bool

    def decode(self, value: object) -> bool:
        if value is True or value is False:
            return value
        if value == "true" or value == "false":
            return value == "true"  # a quoted boolean
        raise DecodeError(f"expected a boolean, got {describe(value)}")


class _Any(Decoder[Any]):
    __slots__ = ()
    kind = KIND_ANY

    def decode(self, value: object) -> Any:
        return value


class _None(Decoder[None]):
    """The decoder of an operation without a response body."""

    __slots__ = ()

    def decode(self, value: object) -> None:
        return None


class _Raw(Decoder[T]):
    """A non-JSON response body: the bytes (``BYTES``) or the text (``TEXT``)."""

    __slots__ = ()


_fromisoformat = datetime.fromisoformat
_MONTHS = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun")
        + ("Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}
_MONTHS.update({name.lower(): number for name, number in _MONTHS.items()})
_UTC_NAMES = {"GMT": "+00:00", "UT": "+00:00", "UTC": "+00:00", "Z": "+00:00"}


def _parse_rfc2822(text: str) -> datetime:
    """Parse ``[Day,] DD Mon YYYY HH:MM[:SS] (+HHMM|GMT)`` (RFC 2822).

    The common form is rewritten as ISO 8601 for the fast C parser; other
    variants (obsolete zone names, two-digit years) go to ``email.utils``.
    """
    parts = text.split()
    if len(parts) == 6 and parts[0].endswith(","):
        del parts[0]
    if len(parts) == 5:
        day, month_name, year, clock, zone = parts
        month = _MONTHS.get(month_name) or _MONTHS.get(month_name.lower(), "")
        if len(year) == 4 and len(day) <= 2 and month and 1 <= clock.count(":") <= 2:
            iso = f"{year}-{month}-{day.zfill(2)}T{clock}{_UTC_NAMES.get(zone, zone)}"
            try:
                parsed = _fromisoformat(iso)
            except ValueError:
                pass
            else:
                if parsed.tzinfo is not None:
                    return parsed
    parsed = parsedate_to_datetime(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_datetime(text: str) -> datetime:
    """Parse ISO 8601 or RFC 2822 into an aware datetime (naive means UTC).

    Raises ``ValueError`` when ``text`` is neither.
    """
    if text[:1].isdigit():
        try:
            parsed = _fromisoformat(text)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    try:
        return _parse_rfc2822(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        raise ValueError(f"not an ISO 8601 or RFC 2822 date-time: {text!r}") from None


def format_datetime(value: datetime) -> str:
    """Render ``value`` as ISO 8601, using ``Z`` for UTC (naive means UTC)."""
    if value.tzinfo is None or value.utcoffset() == timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()


class _DateTime(Decoder[datetime]):
    __slots__ = ()

    def decode(self, value: object) -> datetime:
        if isinstance(value, str):
            try:
                return parse_datetime(value)
            except ValueError:
                pass
        raise DecodeError(f"expected a date-time, got {describe(value)}")

    def function(self) -> Callable[[object], datetime]:
        return _decode_datetime

    def encode(self, value: Any) -> Any:
        return format_datetime(value) if isinstance(value, datetime) else value


def _decode_datetime(value: object) -> datetime:
    """``DATETIME.decode`` with the common ISO 8601 case inlined."""
    if type(value) is str and value[:1].isdigit():
        try:
            parsed = _fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return DATETIME.decode(value)


class _Date(Decoder[date]):
    __slots__ = ()

    def decode(self, value: object) -> date:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise DecodeError(f"expected a date, got {describe(value)}")

    def encode(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value


def _plain_class(item: Decoder[Any]) -> type | None:
    """The class whose instances ``item`` decodes to themselves, if any.

    ``object`` means every value (``ANY``).
    """
    if item.kind == KIND_ANY:
        return object
    exact, members = item.fast_path()
    return exact if members is None and exact is not _Unmatched else None


class ListOf(Decoder[list[T]]):
    __slots__ = ("item", "_plain")

    def __init__(self, item: Decoder[T]) -> None:
        self.item = item
        self._plain = _plain_class(item)

    def decode(self, value: object) -> list[T]:
        if not is_array(value):
            raise DecodeError(f"expected an array, got {describe(value)}")
        items = value
        plain = self._plain
        if plain is not None:  # the items may all decode to themselves
            if plain is object:
                return list(items)
            for item in items:
                if item.__class__ is not plain:
                    break
            else:
                return list(items)
        decode = self.item.function()
        out: list[T] = []
        append = out.append
        try:
            for item in items:
                append(decode(item))
        except DecodeError as exc:
            exc.prepend(len(out))  # the index of the failing item
            raise
        return out

    def encode(self, value: Any) -> Any:
        if self.item.kind != KIND_OTHER or not is_array(value):
            return value
        encode = self.item.encode
        return [None if item is None else encode(item) for item in value]


class DictOf(Decoder[dict[str, T]]):
    __slots__ = ("item", "_plain")

    def __init__(self, item: Decoder[T]) -> None:
        self.item = item
        self._plain = _plain_class(item)

    def decode(self, value: object) -> dict[str, T]:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise DecodeError(f"expected an object, got {describe(value)}")
        members = cast("Mapping[str, Any]", value)  # JSON: its values are not known yet
        plain = self._plain
        if plain is not None:  # the values may all decode to themselves
            if plain is object:
                return dict(members)
            for item in members.values():
                if item.__class__ is not plain:
                    break
            else:
                return dict(members)
        decode = self.item.function()
        out: dict[str, T] = {}
        key = ""
        try:
            for key, item in members.items():
                out[key] = decode(item)
        except DecodeError as exc:
            exc.prepend(key)
            raise
        return out

    def encode(self, value: Any) -> Any:
        if self.item.kind != KIND_OTHER or not isinstance(value, Mapping):
            return value
        encode = self.item.encode
        members = cast("Mapping[str, Any]", value)
        return {k: None if v is None else encode(v) for k, v in members.items()}


class _Enum(Decoder[E]):
    """Decodes enum values; an ``OpenEnum`` also accepts unknown strings."""

    __slots__ = ("cls", "_members", "_exact")

    def __init__(self, cls: type[E]) -> None:
        self.cls = cls
        self._members: dict[object, E] = {
            member.value: member for member in cls if not isinstance(member.value, bool)
        }
        classes = {type(value) for value in self._members}
        self._exact: type = (
            str if str in classes else int if int in classes else _Unmatched
        )

    def fast_path(self) -> tuple[type, Mapping[Any, Any] | None]:
        return self._exact, self._members

    def decode(self, value: object) -> E:
        if type(value) is str or type(value) is int:
            member = self._members.get(value)
            if member is not None:
                return member
        if not isinstance(value, bool):
            try:
                return self.cls(value)
            except (ValueError, TypeError):
                pass
        allowed = ", ".join(repr(v) for v in self._members)
        raise DecodeError(f"expected one of {allowed}, got {describe(value)}")

    def encode(self, value: Any) -> Any:
        return value.value if isinstance(value, _enum.Enum) else value


STR: Decoder[str] = _Str()
"""A JSON string."""
INT: Decoder[int] = _Int()
"""A JSON integer (not a boolean), or one quoted (``"2"``)."""
FLOAT: Decoder[float] = _Float()
"""A JSON number, or one quoted (``"-0.0075"``), always returned as ``float``."""
BOOL: Decoder[bool] = _Bool()
"""A JSON boolean, or one quoted (``"true"``)."""
ANY: Decoder[Any] = _Any()
"""Any JSON value, returned unchanged."""
DATETIME: Decoder[datetime] = _DateTime()
"""An ISO 8601 or RFC 2822 date-time string, returned as an aware datetime."""
DATE: Decoder[date] = _Date()
"""An ISO 8601 date string."""
NONE: Decoder[None] = _None()
"""No response body: the operation returns ``None``."""
BYTES: Decoder[bytes] = _Raw()
"""A binary response body, returned as bytes (not parsed as JSON)."""
TEXT: Decoder[str] = _Raw()
"""A text response body (e.g. XML or CSV), returned as str (not parsed as JSON)."""


class OptionalOf(Decoder[T | None]):
    __slots__ = ("inner",)

    def __init__(self, inner: Decoder[T]) -> None:
        self.inner = inner

    def decode(self, value: object) -> T | None:
        return None if value is None else self.inner.decode(value)

    def encode(self, value: Any) -> Any:
        return None if value is None else self.inner.encode(value)


# The scalar decoders that accept a value of another class (1 -> 1.0).
_CONVERTING = frozenset({KIND_INT, KIND_FLOAT})


class _OneOf(Decoder[Any]):
    """A value of one of several types (``oneOf``/``anyOf``).

    With a ``discriminator`` property and a ``mapping`` from its values to
    decoders, an object is decoded by the mapped decoder. Otherwise each
    decoder is tried in order and the first that succeeds wins.
    """

    __slots__ = ("choices", "discriminator", "mapping")

    def __init__(
        self,
        choices: tuple[Decoder[Any], ...],
        discriminator: str | None,
        mapping: Mapping[str, Decoder[Any]],
    ) -> None:
        self.choices = choices
        self.discriminator = discriminator
        self.mapping = dict(mapping)

    def decode(self, value: object) -> Any:
        if self.discriminator is not None:
            tag = _member(value, self.discriminator)
            chosen = self.mapping.get(tag) if isinstance(tag, str) else None
            if chosen is not None:
                return chosen.decode(value)
        reasons: list[str] = []
        for choice in self.choices:
            try:
                result = choice.decode(value)
            except DecodeError as exc:
                reasons.append(exc.reason)
                continue
            if result is not value and choice.kind in _CONVERTING:
                # A scalar choice converted the value (1 -> 1.0, "1.5" -> 1.5):
                # a choice taking it as it is wins (1 stays an int beside FLOAT).
                for other in self.choices:
                    exact, members = other.fast_path()
                    if exact is value.__class__ and members is None:
                        return value
            return result
        raise DecodeError(
            f"matches none of {len(self.choices)} alternatives ({'; '.join(reasons)})"
        )

    def encode(self, value: Any) -> Any:
        # The value's own class says which choice it came from: no choice's
        # encode is tried on another's value (a model's passes a list through).
        return _plain_json(value)


def is_array(value: object) -> TypeGuard[list[Any]]:
    """Whether ``value`` is a JSON array (a list; its items are not checked)."""
    return isinstance(value, list)


def is_object(value: object) -> TypeGuard[dict[str, Any]]:
    """Whether ``value`` is a JSON object (a dict; its values are not checked)."""
    return isinstance(value, dict)


def _member(value: object, name: str) -> object:
    """``value[name]`` when ``value`` is a JSON object that has it, else None."""
    if isinstance(value, Mapping):
        return cast("Mapping[str, object]", value).get(name)
    return None


def _plain_json(value: Any) -> Any:
    """``value`` (decoded by any decoder) as JSON: models, enums, dates, containers."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, _enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if is_array(value):
        return [_plain_json(item) for item in value]
    if is_object(value):
        return {key: _plain_json(item) for key, item in value.items()}
    return value


def one_of(
    *choices: Decoder[Any],
    discriminator: str | None = None,
    mapping: Mapping[str, Decoder[Any]] | None = None,
) -> Decoder[Any]:
    """One of ``choices`` (a union); see :class:`_OneOf`. Typed by the field."""
    return _OneOf(choices, discriminator, mapping or {})


def optional(inner: Decoder[T]) -> Decoder[T | None]:
    """``inner``, or null: for nullable array items and map values."""
    return OptionalOf(inner)


def list_of(item: Decoder[T]) -> Decoder[list[T]]:
    """A JSON array whose elements are decoded by ``item``."""
    return ListOf(item)


def dict_of(item: Decoder[T]) -> Decoder[dict[str, T]]:
    """A JSON object with arbitrary keys whose values are decoded by ``item``."""
    return DictOf(item)


def enum(cls: type[E]) -> Decoder[E]:
    """A member of the enum ``cls`` given its value."""
    return _Enum(cls)
