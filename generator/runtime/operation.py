"""Operations, their parameters, and validated requests.

Generated code declares one ``Operation`` per API endpoint and one function
per operation that returns a ``Request`` (or ``PagedRequest``). Building a
request validates and serializes the arguments immediately, so mistakes
surface as ``ValueError`` at the call site, before any I/O.
"""

from __future__ import annotations

import dataclasses
import enum as _enum
import json as _json
import os
import inspect
import re
import warnings
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Generic, Literal, Self, TypeGuard, TypeVar, cast
from urllib.parse import quote, unquote

from . import regex, wire
from .decode import Decoder, is_array
from .rules import Rules, check_scalar

__all__ = ["Param", "Operation", "Request", "PagedRequest", "Location"]

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741  (the item type of a paginated operation)

#: What a file parameter accepts: the content, or (file name, content[, media
#: type[, part headers]]). A media type of ``None`` is the encoding's (if any).
FileContent = (
    bytes
    | tuple[str | None, bytes]
    | tuple[str | None, bytes, str | None]
    | tuple[str | None, bytes, str | None, Mapping[str, str]]
)

Location = Literal[
    "path",
    "query",
    "header",
    "cookie",
    "form",
    "multipart",
    "file",
    "body",
    "content",
]
"""Where an argument goes: the URL path, the query string, a header, a
cookie, an ``application/x-www-form-urlencoded`` body field, a multipart text
or file part, the whole JSON body or the whole raw body."""
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_UNSET: Any = object()
# Where a ``content_type`` decides the serialization (see Param).
_MEDIA_LOCATIONS = ("path", "query", "header", "cookie", "form")


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

    ``content_type`` is the media type a value is serialized as: a
    parameter's ``content`` (path, query, header, cookie: JSON text for JSON,
    then encoded for its location), a form field's JSON ``contentType``, a
    multipart part's ``contentType``. ``part_headers`` are a multipart part's
    fixed headers (from its ``encoding``).
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
    allow_reserved: bool = False
    content_type: str | None = None
    part_headers: tuple[tuple[str, str], ...] = ()
    deprecated: bool = False
    rules: Rules | None = None  # inside a body: checked on its JSON form

    @property
    def wire_style(self) -> str:
        """The ``style``: as given, else the location's default."""
        return self.style or wire.DEFAULT_STYLES.get(self.location, "form")

    @property
    def wire_explode(self) -> bool:
        """The ``explode``: as given, else true for ``form`` style only."""
        return self.wire_style == "form" if self.explode is None else self.explode

    @cached_property
    def _regex(self) -> regex.Matcher | None:
        return None if self.pattern is None else regex.compile(self.pattern)

    def check(self, value: object) -> None:
        """Raise ``ValueError`` if ``value`` (not ``None``) breaks a constraint."""
        if isinstance(value, (list, tuple)):
            for item in cast("list[object] | tuple[object, ...]", value):
                self._check_scalar(item)
        else:
            self._check_scalar(value)

    def _check_scalar(self, value: object) -> None:
        if isinstance(value, _enum.Enum):
            value = value.value
        check_scalar(self, self._regex, value, self.python_name)


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
    ``query`` holds fixed query pairs sent before the arguments' (from a path
    key such as ``/files?action=copy``).
    """

    name: str
    method: str
    path: str
    params: tuple[Param, ...] = ()
    response: Decoder[T]
    responses: Mapping[str, Decoder[Any]] = dataclasses.field(
        default_factory=dict[str, "Decoder[Any]"]
    )
    errors: Mapping[str, Decoder[Any]] = dataclasses.field(
        default_factory=dict[str, "Decoder[Any]"]
    )
    items: Decoder[Any] | None = None
    items_key: str | None = None
    page_size_param: str | None = None
    deprecated: bool = False
    server: str | None = None
    content_type: str = "application/json"
    accept: str = "application/json"
    security: tuple[tuple[str, ...], ...] | None = None
    query: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        if self.page_size_param is not None and self.page_size is None:
            raise ValueError(
                f"{self.name}: page_size_param {self.page_size_param!r}"
                " is not a parameter"
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


_THIS_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_OUTER_PACKAGE = os.path.dirname(_THIS_PACKAGE) + os.sep


def _caller_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside the generated package.

    Called by the function that calls ``warnings.warn``; skips the runtime
    and generated code (e.g. the operation function and client method).
    """
    level = 1
    here = inspect.currentframe()  # (inspect is imported by httpx already)
    frame = here.f_back if here is not None else None
    if frame is None:  # a Python without frame objects
        return level
    while frame.f_back is not None and frame.f_code.co_filename.startswith(
        _OUTER_PACKAGE
    ):
        frame = frame.f_back
        level += 1
    return level


# RFC 3986 path characters that need no escaping (``%`` is escaped: the
# template is literal text, not already-encoded).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def _path_value(param: Param, value: object, text: str | None = None) -> str:
    """One path parameter's value in its style, percent-encoded so that it
    stays one segment's worth of text inside its template.

    Every character of a value but the unreserved ones is escaped (``/``,
    ``?``, ``#``, ``%``, controls, non-ASCII included); a value of only dots is
    escaped too (``..`` becomes ``%2E%2E``), since a dot segment would move
    the request up the path once a URL parser normalises it. An empty value
    is refused: it would change the route (``/things/{id}`` to ``/things/``).
    """
    name = param.python_name
    if text is not None:  # a ``content`` parameter's media text
        value = quote(text, safe="")
    else:
        value = wire.path_text(
            param.wire_name, value, param.wire_style, param.wire_explode
        )
    if not value:
        raise ValueError(f"{name}: a path parameter must not be empty")
    if value.strip(".") == "":
        value = value.replace(".", "%2E")
    return value


def _expand_path(operation: Operation[Any], values: Mapping[str, str]) -> str:
    """The path with its parameters substituted and its literal text percent-encoded."""
    out: list[str] = []
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


def _is_tuple(value: object) -> TypeGuard[tuple[Any, ...]]:
    """Whether ``value`` is a tuple (a file as (name, content[, media[, headers]]))."""
    return isinstance(value, tuple)


def _file_part(param: Param, value: Any) -> Any:
    """One file part as httpx takes it: with the encoding's media type unless
    the caller named one, and the encoding's fixed part headers updated by the
    caller's (each checked: one line, a token name)."""
    given = _is_tuple(value) and len(value) == 4
    if param.content_type is None and not param.part_headers and not given:
        return value
    rest: list[Any]
    if _is_tuple(value):
        filename, content, *rest = value
    else:
        filename = os.path.basename(str(getattr(value, "name", "upload")))
        content, rest = value, []
    media = rest[0] if rest and rest[0] is not None else param.content_type
    extra: dict[str, str] = dict(rest[1]) if len(rest) > 1 else {}
    headers = {**dict(param.part_headers), **extra}
    checked = {k: wire.check_part_header(k, v) for k, v in headers.items()}
    return (filename, content, media, checked)


class Request(Generic[T]):
    """A validated call of ``operation``; send it with ``Client.send``.

    ``args`` maps wire names to the given (non-``None``) values. The
    serialized parts, each in its parameter's ``style`` and ``explode`` (see
    ``wire.py``), are ``path`` (placeholders substituted, percent-encoded),
    ``query``, ``cookies`` and ``form`` (pairs; ``wire_query`` and ``wire_form``
    hold them percent-encoded as sent, delimiters between members raw),
    ``headers``, ``json``, ``content`` (a raw body), and for a multipart body
    ``parts`` (text parts: name, text, media type or ``None``; ``part_headers``
    holds a part's headers by its name) and ``files``.
    """

    operation: Operation[T]
    args: dict[str, object]
    path: str
    query: list[tuple[str, str]]
    wire_query: list[tuple[str, str]]
    wire_form: list[tuple[str, str]]
    cookies: list[tuple[str, str]]
    headers: dict[str, str]
    form: list[tuple[str, str]] | None
    parts: list[tuple[str, str, str | None]]
    part_headers: dict[str, dict[str, str]]
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
        self.query = list(operation.query)
        self.wire_query = [(wire.escape(k), wire.escape(v)) for k, v in operation.query]
        self.wire_form = []
        self.cookies = []
        self.headers = {}
        # a form body is sent even when no field is given
        self.form = [] if any(p.location == "form" for p in operation.params) else None
        self.parts = []
        self.part_headers = {}
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
        location = param.location
        media = param.content_type
        if (
            media is not None
            and location in _MEDIA_LOCATIONS
            and (location != "form" or wire.is_json_media(media))
        ):
            self._place_media(param, value, path_values)
        elif location == "body":
            self.json = wire.to_wire(value)
            if param.rules is not None:
                param.rules.check(self.json, param.python_name)
        elif location == "content":
            self.content = value if isinstance(value, bytes) else str(value).encode()
        elif location == "file":
            if self.files is None:
                self.files = []
            items = value if is_array(value) else [value]  # a list: one part each
            self.files.extend((param.wire_name, _file_part(param, i)) for i in items)
        elif location == "path":
            path_values[param.wire_name] = _path_value(param, value)
        elif location == "header":
            self.headers[param.wire_name] = wire.header_text(value, param.wire_explode)
        elif location == "multipart":
            self._add_parts(param, value)
        else:
            reserved = param.allow_reserved and location == "query"
            pairs = wire.pairs(
                param.wire_name,
                value,
                param.wire_style,
                param.wire_explode,
                lambda text: wire.escape(text, reserved),
            )
            self._add_pairs(location, pairs)

    def _place_media(
        self, param: Param, value: object, path_values: dict[str, str]
    ) -> None:
        """A value serialized as its ``content_type`` says (JSON text for
        JSON), then encoded for its location."""
        assert param.content_type is not None
        text = wire.media_text(value, param.content_type)
        if param.location == "path":
            path_values[param.wire_name] = _path_value(param, value, text)
        elif param.location == "header":
            if "\r" in text or "\n" in text:
                raise ValueError(
                    f"{param.python_name}: a header value must be one line"
                )
            self.headers[param.wire_name] = text
        else:
            pair = (wire.escape(param.wire_name), wire.escape(text))
            self._add_pairs(param.location, [pair])

    def _add_pairs(self, location: str, pairs: list[tuple[str, str]]) -> None:
        """Percent-encoded query, cookie or form pairs."""
        decoded = [(unquote(k), unquote(v)) for k, v in pairs]
        if location == "query":
            self.wire_query.extend(pairs)
            self.query.extend(decoded)
        elif location == "cookie":
            self.cookies.extend(pairs)
        else:
            if self.form is None:
                self.form = []
            self.wire_form.extend(pairs)
            self.form.extend(decoded)

    def _add_parts(self, param: Param, value: object) -> None:
        """Multipart text parts: in the field's ``style`` when its encoding
        names one, else primitives (and each member of a list of primitives)
        as text, objects as JSON (or the encoding's ``contentType``; a JSON
        one makes any value JSON text). Each part carries the field's fixed
        ``part_headers``."""
        name, media = param.wire_name, param.content_type
        data = wire.to_wire(value)
        added: list[tuple[str, str, str | None]]
        if param.style is not None or param.explode is not None:
            pairs = wire.pairs(
                name, value, param.wire_style, param.wire_explode, lambda text: text
            )
            added = [(key, text, None) for key, text in pairs]
        elif media is not None and wire.is_json_media(media):
            added = [(name, wire.media_text(data, media), media)]
        else:
            items = data if is_array(data) else [data]
            if any(isinstance(item, (dict, list)) for item in items):
                text = _json.dumps(data, separators=(",", ":"))
                added = [(name, text, media or "application/json")]
            else:
                added = [(name, wire.scalar(item), media) for item in items]
        self.parts.extend(added)
        if param.part_headers:
            headers = {k: wire.check_part_header(k, v) for k, v in param.part_headers}
            self.part_headers.update((key, headers) for key, _, _ in added)

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
