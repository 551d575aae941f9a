"""Operations, their parameters, and validated requests.

Generated code declares one ``Operation`` per API endpoint and one function
per operation that returns a ``Request`` (or ``PagedRequest``). Building a
request validates and serializes the arguments immediately, so mistakes
surface as ``ValueError`` at the call site, before any I/O.
"""

from __future__ import annotations

import dataclasses
import enum as _enum
import os
import re
import sys
import warnings
from collections.abc import Mapping
from datetime import date, datetime
from functools import cached_property
from typing import Any, Generic, Literal, Self, TypeVar
from urllib.parse import quote

from . import regex
from .decode import Decoder, describe, format_datetime
from .model import Model

__all__ = ["Param", "Operation", "Request", "PagedRequest", "Location"]

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741  (the item type of a paginated operation)

#: What a file parameter accepts: the content, or (file name, content[, media type]).
FileContent = bytes | tuple[str | None, bytes] | tuple[str | None, bytes, str]

Location = Literal[
    "path", "query", "header", "form", "multipart", "file", "body", "content"
]
"""Where an argument goes: the URL path, the query string, a header, an
``application/x-www-form-urlencoded`` body field, or the whole JSON body."""

_DELIMITERS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_UNSET: Any = object()


@dataclasses.dataclass(frozen=True)
class Param:
    """One operation parameter and its JSON Schema constraints.

    String constraints (lengths, ``pattern`` with ``re.search`` semantics,
    matched in linear time by :mod:`.regex`) apply to string values, range
    constraints to numbers (never ``bool``), ``enum`` to any value; enum
    members are checked by their value. For a list argument every element is
    checked. A ``pattern`` that cannot be checked in linear time (a
    backreference, a lookaround, ...: see :mod:`.regex`) or does not compile
    is not checked: a spec's pattern can never make a call hang.
    """

    wire_name: str
    location: Location
    python_name: str
    _: dataclasses.KW_ONLY
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    enum: tuple[object, ...] | None = None
    style: str | None = None
    explode: bool | None = None
    deprecated: bool = False

    @cached_property
    def _regex(self) -> regex.Matcher | None:
        return None if self.pattern is None else regex.compile(self.pattern)

    def check(self, value: object) -> None:
        """Raise ``ValueError`` if ``value`` (not ``None``) breaks a constraint."""
        if isinstance(value, (list, tuple)):
            for item in value:
                self._check_scalar(item)
        else:
            self._check_scalar(value)

    def _check_scalar(self, value: object) -> None:
        if isinstance(value, _enum.Enum):
            value = value.value
        name = self.python_name
        if self.enum is not None and value not in self.enum:
            allowed = ", ".join(repr(v) for v in self.enum)
            raise ValueError(f"{name}: must be one of {allowed}, got {describe(value)}")
        if isinstance(value, str):
            if self.min_length is not None and len(value) < self.min_length:
                raise ValueError(
                    f"{name}: must be at least {self.min_length} characters long,"
                    f" got {describe(value)}"
                )
            if self.max_length is not None and len(value) > self.max_length:
                raise ValueError(
                    f"{name}: must be at most {self.max_length} characters long,"
                    f" got {describe(value)}"
                )
            matcher = self._regex
            if matcher is not None and not matcher.search(value):
                raise ValueError(
                    f"{name}: must match pattern {self.pattern}, got {describe(value)}"
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
                raise ValueError(f"{name}: must be {rule}, got {value}")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Operation(Generic[T]):
    """A static description of one API endpoint.

    ``response`` decodes a 2xx body (``NONE`` when there is none).
    ``responses`` maps the documented success statuses (``"200"``, ``"307"``,
    ``"2XX"``, ``"default"``) to their decoders when they differ; ``errors``
    maps error statuses (``"404"``, ``"4XX"``, ``"default"``) to the decoders
    of their documented bodies. See ``success_decoder`` and ``error_decoder``.
    Paginated
    operations also set ``items`` (the decoder of one list element) and
    ``page_size_param`` (the wire name of the page-size parameter);
    ``items_key`` optionally names the response property holding the list
    (otherwise ``meta.key`` or the only list-valued property is used).
    ``server`` overrides the client's base URL for this operation.
    ``security`` overrides the client's ``SECURITY``: alternatives of the
    scheme keys to send (``()``: never any credentials; see ``security``).
    """

    name: str
    method: str
    path: str
    params: tuple[Param, ...] = ()
    response: Decoder[T]
    responses: Mapping[str, Decoder[Any]] = dataclasses.field(default_factory=dict)
    errors: Mapping[str, Decoder[Any]] = dataclasses.field(default_factory=dict)
    items: Decoder[Any] | None = None
    items_key: str | None = None
    page_size_param: str | None = None
    deprecated: bool = False
    server: str | None = None
    content_type: str = "application/json"
    accept: str = "application/json"
    security: tuple[tuple[str, ...], ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        if self.page_size_param is not None and self.page_size is None:
            raise ValueError(
                f"{self.name}: page_size_param {self.page_size_param!r} is not a parameter"
            )

    def success_decoder(self, status: int) -> Decoder[Any] | None:
        """The decoder of a success response with ``status``; None: an error.

        The exact status first, then its range (``"2XX"``), then ``default``
        (for 2xx only); any other 2xx is decoded by ``response``. A 1xx or
        3xx is a success only when documented with a body (e.g. a 307).
        """
        table = self.responses
        chosen = table.get(str(status)) or table.get(f"{status // 100}XX")
        if 200 <= status < 300:
            return chosen or table.get("default") or self.response
        return chosen if 100 <= status < 400 else None

    def error_decoder(self, status: int) -> Decoder[Any] | None:
        """The decoder of the documented body of an error ``status``, if any:
        the exact status, its range (``"4XX"``), then ``default``."""
        table = self.errors
        return (
            table.get(str(status))
            or table.get(f"{status // 100}XX")
            or table.get("default")
        )

    @cached_property
    def _params_by_name(self) -> dict[str, Param]:
        return {p.python_name: p for p in self.params}

    def param(self, python_name: str) -> Param | None:
        """The parameter passed as ``python_name``, if any."""
        return self._params_by_name.get(python_name)

    @property
    def page_size(self) -> Param | None:
        """The query parameter named by ``page_size_param``, if any."""
        for param in self.params:
            if param.wire_name == self.page_size_param and param.location == "query":
                return param
        return None


def _scalar(value: object) -> str:
    """Serialize one parameter value for a URL, header or form field."""
    if isinstance(value, _enum.Enum):
        value = value.value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json(value: object) -> object:
    """Convert a body argument (models, enums, dates, containers) to JSON."""
    if isinstance(value, Model):
        return {
            wire: _json(item)
            for wire, item, required in value._request_items()
            if item is not None or required
        }
    if isinstance(value, _enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    return value


_THIS_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_OUTER_PACKAGE = os.path.dirname(_THIS_PACKAGE) + os.sep


def _caller_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside the generated package.

    Called by the function that calls ``warnings.warn``; skips the runtime
    and generated code (e.g. the operation function and client method).
    """
    level = 1
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(
        _OUTER_PACKAGE
    ):
        frame = frame.f_back
        level += 1
    return level


# RFC 3986 path characters that need no escaping (``%`` is escaped: the
# template is literal text, not already-encoded).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def _path_value(name: str, parts: tuple[object, ...] | list[object]) -> str:
    """One path parameter's value, percent-encoded so that it stays one
    segment's worth of text inside its template.

    Every character but the unreserved ones is escaped (``/``, ``?``, ``#``,
    ``%``, controls, non-ASCII included); a value of only dots is escaped
    too (``..`` becomes ``%2E%2E``), since a dot segment would move the
    request up the path once a URL parser normalises it. An empty value is
    refused: it would change the route (``/things/{id}`` to ``/things/``).
    """
    value = ",".join(quote(_scalar(v), safe="") for v in parts)
    if not value:
        raise ValueError(f"{name}: a path parameter must not be empty")
    if value.strip(".") == "":
        value = value.replace(".", "%2E")
    return value


def _expand_path(operation: Operation[Any], values: Mapping[str, str]) -> str:
    """The path with its parameters substituted and its literal text percent-encoded."""
    out = []
    last = 0
    template = operation.path
    for match in _PLACEHOLDER.finditer(template):
        out.append(quote(template[last : match.start()], safe=_PATH_SAFE))
        value = values.get(match.group(1))
        if value is None:
            raise ValueError(f"{operation.name}: no value for path {match.group(0)}")
        out.append(value)
        last = match.end()
    out.append(quote(template[last:], safe=_PATH_SAFE))
    return "".join(out)


class Request(Generic[T]):
    """A validated call of ``operation``; send it with ``Client.send``.

    ``args`` maps wire names to the given (non-``None``) values. The
    serialized parts are ``path`` (placeholders substituted, percent-encoded
    with no safe characters), ``query`` and ``form`` (lists of pairs; lists
    become repeated keys unless ``explode=False``), ``headers`` and ``json``.
    """

    operation: Operation[T]
    args: dict[str, object]
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    form: list[tuple[str, str]] | None
    json: object
    files: list[tuple[str, object]] | None
    multipart: bool
    content: bytes | None

    def __init__(self, operation: Operation[T], args: Mapping[str, object]) -> None:
        if operation.deprecated:
            warnings.warn(
                f"operation {operation.name} is deprecated",
                DeprecationWarning,
                stacklevel=_caller_stacklevel(),
            )
        self._bind(operation, args)

    def _bind(self, operation: Operation[T], args: Mapping[str, object]) -> None:
        self.operation = operation
        self.args = {}
        self.query = []
        self.headers = {}
        self.form = None
        self.json = _UNSET
        self.files = None
        self.content = None
        self.multipart = any(
            p.location in ("multipart", "file") for p in operation.params
        )
        path_values: dict[str, str] = {}
        for key in args:
            if operation.param(key) is None:
                raise ValueError(f"{operation.name}: unknown parameter {key!r}")
        for param in operation.params:
            value = args.get(param.python_name)
            if value is None:
                if param.required:
                    raise ValueError(f"{param.python_name}: is required")
                continue
            param.check(value)
            if param.deprecated:
                warnings.warn(
                    f"{operation.name}: parameter {param.python_name} is deprecated",
                    DeprecationWarning,
                    stacklevel=_caller_stacklevel(),
                )
            self.args[param.python_name] = value
            self._place(param, value, path_values)
        self.path = _expand_path(operation, path_values)

    def _place(self, param: Param, value: object, path_values: dict[str, str]) -> None:
        items = value if isinstance(value, (list, tuple)) else None
        if param.location == "body":
            self.json = _json(value)
        elif param.location == "content":
            self.content = value if isinstance(value, bytes) else str(value).encode()
        elif param.location == "file":
            if self.files is None:
                self.files = []
            self.files.append((param.wire_name, value))
        elif param.location == "path":
            parts = items if items is not None else (value,)
            path_values[param.wire_name] = _path_value(param.python_name, parts)
        elif param.location == "header":
            parts = items if items is not None else (value,)
            self.headers[param.wire_name] = ",".join(_scalar(v) for v in parts)
        else:
            # "form": url-encoded body fields; "multipart": text parts
            pairs = self.query if param.location == "query" else self._form_pairs()
            if items is None:
                pairs.append((param.wire_name, _scalar(value)))
            elif param.explode is False:
                delimiter = _DELIMITERS.get(param.style or "form", ",")
                pairs.append(
                    (param.wire_name, delimiter.join(_scalar(v) for v in items))
                )
            else:
                pairs.extend((param.wire_name, _scalar(v)) for v in items)

    def _form_pairs(self) -> list[tuple[str, str]]:
        if self.form is None:
            self.form = []
        return self.form

    @property
    def has_json(self) -> bool:
        """Whether the request carries a JSON body."""
        return self.json is not _UNSET

    def replace(self, updates: Mapping[str, object]) -> Self:
        """A copy with some arguments (by wire name) changed; no warning."""
        clone = object.__new__(type(self))
        clone._bind(self.operation, {**self.args, **updates})
        return clone

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.operation.name}, {self.args!r})"


class PagedRequest(Request[T], Generic[T, I]):
    """A request of a paginated operation; ``Client.paginate`` iterates it.

    ``T`` is the page (response) type, ``I`` the item type.
    """

    def _bind(self, operation: Operation[T], args: Mapping[str, object]) -> None:
        if operation.items is None:
            raise ValueError(f"{operation.name}: not a paginated operation")
        super()._bind(operation, args)
