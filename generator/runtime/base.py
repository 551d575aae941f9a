"""Machinery shared by the synchronous and asynchronous clients.

Everything here is I/O-free: building ``httpx.Request`` objects, deciding
whether and how long to wait before a retry, mapping error responses to
exceptions and decoding bodies. ``client.py`` adds the send loops.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar

import httpx

from .auth import install_log_filter, redact_text
from .errors import (
    ApiConnectionError,
    ApiTimeoutError,
    DeadlineExceededError,
    error_from_response,
    redact_url,
)
from .limits import Deadline, check_deadline, check_max_bytes, default_deadline
from . import wire
from .operation import Operation, Request
from .problems import DecodeProblem
from .responses import Decoded, decode_error, decode_success, is_success
from .security import (
    CredentialsAuth,
    Requirements,
    Scheme,
    choose,
    legacy_schemes,
    resolve,
)
from .retry import (
    IDEMPOTENT_METHODS,
    RETRY_STATUSES,
    backoff_delay,
    is_retryable_exception,
    parse_retry_after,
)

__all__ = ["ApiResponse", "BaseClient", "DEFAULT_TIMEOUT", "RawPage"]

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""30 s to read, write or get a pooled connection; 5 s to connect."""


@dataclasses.dataclass(frozen=True)
class ApiResponse(Generic[T]):
    """A decoded response together with its HTTP details (raw access).

    ``problems`` lists the values of the body that broke their schema and
    were kept as received (paths from the body; see ``tolerant``).
    """

    parsed: T
    status_code: int
    headers: httpx.Headers
    response: httpx.Response
    problems: tuple[DecodeProblem, ...] = ()


class RawPage(NamedTuple, Generic[T]):
    """One fetched page: the response, its parsed JSON and decoded model."""

    response: httpx.Response
    data: object
    parsed: T


class _Unset:
    """Marker type of ``UNSET``: an argument that was not given."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


class BaseClient:
    """State and helpers common to ``Client`` and ``AsyncClient``.

    Generated subclasses set the class attributes below. The retry settings
    are class attributes too, so a subclass can tune them.
    """

    DEFAULT_BASE_URL: ClassVar[str] = ""
    #: Every security scheme of the API (see ``security.Scheme``); each
    #: scheme's ``args`` are keyword arguments of the client.
    SECURITY_SCHEMES: ClassVar[tuple[Scheme, ...] | None] = None
    #: The requirements of an operation that declares none of its own:
    #: alternatives, each the scheme keys it needs (see ``security``).
    SECURITY: ClassVar[Requirements | None] = None
    # The older, one-scheme configuration, used when SECURITY_SCHEMES is
    # None: AUTH is "basic" (username and password), "bearer", "header" or
    # "query" (``token`` sent as ``Authorization: Bearer``, or as the header
    # or query parameter named ``API_KEY_NAME``), or "none"; credentials are
    # then optional for every operation.
    USERNAME_ENV: ClassVar[str | None] = None
    PASSWORD_ENV: ClassVar[str | None] = None
    AUTH: ClassVar[str] = "basic"
    API_KEY_NAME: ClassVar[str] = ""
    TOKEN_ENV: ClassVar[str | None] = None
    PACKAGE: ClassVar[str] = "specgen_client"
    VERSION: ClassVar[str] = "0.0.0"

    RETRY_STATUSES: ClassVar[frozenset[int]] = RETRY_STATUSES
    RETRY_METHODS: ClassVar[frozenset[str]] = IDEMPOTENT_METHODS
    RETRY_BACKOFF_BASE: ClassVar[float] = 0.5
    RETRY_BACKOFF_MAX: ClassVar[float] = 8.0
    RETRY_AFTER_MAX: ClassVar[float] = 60.0

    base_url: str
    timeout: float | httpx.Timeout | None
    max_retries: int
    #: The largest response body read, in bytes (``None``: no limit).
    max_response_bytes: int | None
    #: Raise ``ResponseParseError`` when a body breaks its schema, rather
    #: than keep the value and record a ``DecodeProblem`` (see ``tolerant``).
    strict: bool
    _deadline: float | None | _Unset
    _credentials: dict[str, tuple[str, ...]]
    _headers: dict[str, str]
    _owns_http: bool
    _logger: logging.Logger
    _schema_logger: logging.Logger
    _random: Callable[[], float]
    _clock: Callable[[], float]
    _monotonic: Callable[[], float]

    def _configure(
        self,
        username: str | None,
        password: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        headers: Mapping[str, str] | None,
        token: str | None = None,
        deadline: float | None | _Unset = UNSET,
        max_response_bytes: int | None = None,
        strict: bool = False,
        credentials: Mapping[str, str | None] | None = None,
    ) -> None:
        install_log_filter()
        given = {"username": username, "password": password, "token": token}
        given.update(credentials or {})
        self._credentials = self._resolve_credentials(given)
        self.base_url = (base_url or self.DEFAULT_BASE_URL).rstrip("/")
        if not self.base_url:
            raise ValueError("base_url is required")
        self.timeout = timeout
        self.max_retries = _check_retries(max_retries)
        self._deadline = (
            deadline if isinstance(deadline, _Unset) else check_deadline(deadline)
        )
        self.max_response_bytes = check_max_bytes(max_response_bytes)
        self.strict = _check_strict(strict)
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        self._headers = {
            "User-Agent": f"{_token(self.PACKAGE)}/{_token(self.VERSION)}"
            f" specgen-runtime python/{version} httpx/{httpx.__version__}",
            "Accept": "application/json",
            **(headers or {}),
        }
        self._logger = logging.getLogger(self.PACKAGE)
        self._schema_logger = logging.getLogger(f"{self.PACKAGE}.schema")
        self._random = random.random
        self._clock = time.time
        self._monotonic = time.monotonic

    @classmethod
    def security_schemes(cls) -> tuple[Scheme, ...]:
        """The API's security schemes (from ``SECURITY_SCHEMES``, or ``AUTH``)."""
        if cls.SECURITY_SCHEMES is not None:
            return cls.SECURITY_SCHEMES
        return legacy_schemes(
            cls.AUTH,
            cls.USERNAME_ENV,
            cls.PASSWORD_ENV,
            cls.TOKEN_ENV,
            cls.API_KEY_NAME,
        )

    def _resolve_credentials(
        self, given: Mapping[str, str | None]
    ) -> dict[str, tuple[str, ...]]:
        """The credentials of each scheme, from the arguments or the environment.

        A credential argument no scheme of this API takes is a ``TypeError``
        (it would otherwise be silently ignored).
        """
        schemes = self.security_schemes()
        known = {arg for scheme in schemes for arg in scheme.args}
        unknown = sorted(
            k for k, v in given.items() if v is not None and k not in known
        )
        if unknown:
            takes = ", ".join(sorted(known)) or "none"
            raise TypeError(
                f"{type(self).__name__}() got credentials this API does not use:"
                f" {', '.join(unknown)} (its credential arguments: {takes})"
            )
        return resolve(schemes, given)

    def _requirements(self, operation: Operation[Any]) -> Requirements:
        """What ``operation`` needs: its own requirements or the API's."""
        if operation.security is not None:
            return operation.security
        if self.SECURITY is not None:
            return self.SECURITY
        # Older configuration: any one scheme, or none.
        return (*((s.key,) for s in self.security_schemes()), ())

    def _auth_for(self, operation: Operation[Any]) -> httpx.Auth | None:
        """The credentials to send with ``operation``; raises
        ``MissingCredentialsError`` when it needs some the client lacks."""
        schemes = self.security_schemes()
        keys = choose(
            operation.name, self._requirements(operation), schemes, self._credentials
        )
        if not keys:
            return None
        by_key = {s.key: s for s in schemes}
        return CredentialsAuth(tuple((by_key[k], self._credentials[k]) for k in keys))

    @property
    def deadline(self) -> float | None:
        """Seconds one call may take in all (``None``: unbounded).

        It covers every attempt, redirect, body read and the waits between
        retries; a retry whose wait would pass it is not made. Unless set,
        it is ``DEADLINE_FACTOR`` (4) times the longest value of
        ``timeout``: 120 s by default, none with ``timeout=None``. In
        ``paginate`` it applies to each page's call.
        """
        if isinstance(self._deadline, _Unset):
            return default_deadline(self.timeout)
        return self._deadline

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={redact_url(self.base_url)!r})"

    def _apply_options(
        self,
        timeout: Any,
        max_retries: Any,
        deadline: Any,
        max_response_bytes: Any,
        strict: Any = UNSET,
    ) -> None:
        """Apply ``with_options`` arguments to a fresh copy of a client."""
        self._owns_http = False
        if timeout is not UNSET:
            self.timeout = timeout
        if max_retries is not UNSET:
            self.max_retries = _check_retries(max_retries)
        if deadline is not UNSET:
            self._deadline = check_deadline(deadline)
        if max_response_bytes is not UNSET:
            self.max_response_bytes = check_max_bytes(max_response_bytes)
        if strict is not UNSET:
            self.strict = _check_strict(strict)

    def _start_deadline(self) -> Deadline:
        """The time budget of a call starting now."""
        return Deadline(self.deadline, self._monotonic)

    def _secret_params(self) -> frozenset[str]:
        """Query parameters that carry this client's credentials."""
        return frozenset(
            s.name
            for s in self.security_schemes()
            if s.kind == "query" and s.name and s.key in self._credentials
        )

    def _base_for(self, operation: Operation[Any]) -> str:
        return (operation.server or self.base_url).rstrip("/")

    def _build(
        self,
        http: httpx.Client | httpx.AsyncClient,
        request: Request[Any],
        url: str | None,
    ) -> httpx.Request:
        """The ``httpx.Request`` for ``request``, or for a next-page ``url``."""
        operation = request.operation
        headers = {**self._headers, **request.headers}
        if operation.accept != "application/json":
            headers["Accept"] = operation.accept
        content: bytes | None = None
        files: list[tuple[str, Any]] | None = None
        if request.has_json:
            content = json.dumps(request.json, separators=(",", ":")).encode()
            headers["Content-Type"] = operation.content_type
        elif request.content is not None:
            content = request.content
            headers["Content-Type"] = operation.content_type
        elif request.multipart:
            # Text fields as parts without a file name, so the body is
            # multipart even when no file is given.
            files = [
                (key, _text_part(text, media, request.part_headers.get(key)))
                for key, text, media in request.parts
            ]
            files.extend(request.files or ())
        elif request.form is not None:
            content = wire.join_pairs(request.wire_form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if request.cookies:
            cookie = wire.cookie_header(request.cookies)
            headers["Cookie"] = "; ".join(filter(None, (headers.get("Cookie"), cookie)))
        if url is None:
            url = self._base_for(operation) + request.path
            if request.wire_query:
                url += "?" + wire.join_pairs(request.wire_query)
        return http.build_request(
            operation.method,
            url,
            headers=headers,
            content=content,
            files=files,
            timeout=self.timeout,
        )

    def _send_kwargs(self, operation: Operation[Any]) -> dict[str, Any]:
        """What ``exchange`` passes to ``send``: the call's credentials.

        Raises ``MissingCredentialsError`` before anything is sent when the
        operation needs credentials the client lacks.
        """
        auth = self._auth_for(operation)
        return {"auth": auth if auth is not None else httpx.USE_CLIENT_DEFAULT}

    def _retry_delay(
        self,
        attempt: int,
        method: str,
        response: httpx.Response | None = None,
        exc: Exception | None = None,
        deadline: Deadline | None = None,
    ) -> float | None:
        """Seconds to wait before retrying failed ``attempt``; None: give up
        (also when the wait would not end before ``deadline``)."""
        if attempt >= self.max_retries:
            return None
        delay = self._retry_wait(attempt, method, response, exc)
        if delay is None or (deadline is not None and not deadline.allows(delay)):
            return None
        return delay

    def _retry_wait(
        self,
        attempt: int,
        method: str,
        response: httpx.Response | None,
        exc: Exception | None,
    ) -> float | None:
        """The wait the retry policy asks for after a failed attempt."""
        retry_after = None
        if response is not None:
            if response.status_code not in self.RETRY_STATUSES:
                return None
            if method not in self.RETRY_METHODS:
                return None
            retry_after = parse_retry_after(
                response.headers.get("Retry-After"), self._clock()
            )
        elif exc is None or not is_retryable_exception(exc, method, self.RETRY_METHODS):
            return None
        if retry_after is not None:
            return min(retry_after, self.RETRY_AFTER_MAX)
        return backoff_delay(
            attempt, self.RETRY_BACKOFF_BASE, self.RETRY_BACKOFF_MAX, self._random()
        )

    def _log_attempt(
        self,
        http_request: httpx.Request,
        attempt: int,
        outcome: httpx.Response | Exception,
        delay: float | None,
    ) -> None:
        """Log one attempt at DEBUG: method, URL (no userinfo), result."""
        logger = self._logger
        if not logger.isEnabledFor(logging.DEBUG):
            return
        result = (
            str(outcome.status_code)
            if isinstance(outcome, httpx.Response)
            else type(outcome).__name__
        )
        retry = f"; retrying in {delay:.3f} s" if delay is not None else ""
        logger.debug(
            "%s %s -> %s (attempt %d of %d)%s",
            http_request.method,
            redact_url(http_request.url),
            result,
            attempt + 1,
            self.max_retries + 1,
            retry,
        )

    def _deadline_error(
        self, http_request: httpx.Request, attempts: int, deadline: Deadline
    ) -> DeadlineExceededError:
        url = redact_url(http_request.url)
        seconds = deadline.seconds or 0.0
        tries = "attempt" if attempts == 1 else "attempts"
        return DeadlineExceededError(
            f"{http_request.method} {url} did not finish within its deadline of"
            f" {seconds:g} s ({attempts} {tries})",
            method=http_request.method,
            url=url,
            attempts=attempts,
            deadline=seconds,
        )

    def _connection_error(
        self,
        exc: httpx.TransportError,
        http_request: httpx.Request,
        attempts: int,
        deadline: Deadline | None = None,
    ) -> ApiConnectionError:
        timed_out = isinstance(exc, httpx.TimeoutException)
        if timed_out and deadline is not None and deadline.expired():
            return self._deadline_error(http_request, attempts, deadline)
        url = redact_url(http_request.url)
        cls = (
            ApiTimeoutError
            if isinstance(exc, httpx.TimeoutException)
            else ApiConnectionError
        )
        what = "timed out" if cls is ApiTimeoutError else "failed"
        tries = "attempt" if attempts == 1 else "attempts"
        message = (
            f"{http_request.method} {url} {what} after {attempts} {tries}:"
            f" {type(exc).__name__}: {redact_text(str(exc))}"
        )
        return cls(message, method=http_request.method, url=url, attempts=attempts)

    def _raise_for_status(
        self, response: httpx.Response, operation: Operation[Any]
    ) -> None:
        """Raise the ``ApiError`` of ``response`` unless it is a success of
        ``operation`` (see ``responses``)."""
        status = response.status_code
        if is_success(operation, status):
            return
        retry_after = None
        if status == 429:
            retry_after = parse_retry_after(
                response.headers.get("Retry-After"), self._clock()
            )
        raise error_from_response(
            response, retry_after=retry_after, parsed=decode_error(operation, response)
        )

    def _decode(self, operation: Operation[T], response: httpx.Response) -> Decoded:
        """Parse and decode a success body: raw JSON, value and problems."""
        return decode_success(operation, response, self.strict, self._schema_logger)


def _token(text: str) -> str:
    """``text`` as a User-Agent product token: visible ASCII, no separators."""
    return (
        "".join(
            (
                c
                if c.isascii() and c.isprintable() and c not in ' ()<>@,;:\\"/[]?={}'
                else "_"
            )
            for c in text
        )
        or "_"
    )


def _check_retries(max_retries: object) -> int:
    if (
        isinstance(max_retries, bool)
        or not isinstance(max_retries, int)
        or max_retries < 0
    ):
        raise ValueError(
            f"max_retries must be a non-negative integer, got {max_retries!r}"
        )
    return max_retries


def _check_strict(strict: object) -> bool:
    if not isinstance(strict, bool):
        raise ValueError(f"strict must be True or False, got {strict!r}")
    return strict


def _text_part(text: str, media: str | None, headers: dict[str, str] | None) -> Any:
    """A multipart text part as httpx takes it: no file name, its media type
    and headers when it has them (a fresh dict: httpx adds to it)."""
    if headers:
        return (None, text, media, dict(headers))
    return (None, text) if media is None else (None, text, media)
