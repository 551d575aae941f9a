"""Exceptions raised by generated clients.

Hierarchy::

    SpecgenError
    ├── DecodeError                 (a ValueError) a value does not match its schema
    ├── ResponseParseError          a success body is not JSON (or, strict: not decoded)
    ├── ApiError                    the server answered with an error status
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401
    │   ├── PermissionDeniedError       403
    │   ├── NotFoundError               404
    │   ├── ConflictError               409
    │   ├── UnprocessableEntityError    422
    │   ├── RateLimitError              429
    │   └── ServerError                 5xx
    ├── ApiConnectionError          transport failure after all retries
    │   └── ApiTimeoutError             ... that was a timeout
    │       └── DeadlineExceededError       ... of the whole call (``deadline``)
    ├── ResponseTooLargeError       a body larger than ``max_response_bytes``
    ├── RedirectError               a redirect to another origin, or a bad one
    └── PaginationError             an unsafe or looping next-page link
        └── TooManyPagesError           more pages than ``max_pages``

Invalid arguments to an operation raise a plain ``ValueError`` before any I/O.

No exception text ever contains credentials: URLs are stripped of userinfo and
query API keys (``redact_url``), and request headers are never included.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

import httpx

from .auth import redact_query, redact_text

__all__ = [
    "SpecgenError",
    "DecodeError",
    "ResponseParseError",
    "ApiError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "ServerError",
    "ApiConnectionError",
    "ApiTimeoutError",
    "DeadlineExceededError",
    "ResponseTooLargeError",
    "RedirectError",
    "PaginationError",
    "TooManyPagesError",
    "error_from_response",
    "redact_url",
]

_SNIPPET_LENGTH = 200


class SpecgenError(Exception):
    """Base class of every exception defined by the runtime."""


class DecodeError(SpecgenError, ValueError):
    """A JSON value does not match the type its schema declares.

    ``path`` locates the value inside the document (keys and list indexes,
    outermost first); ``location`` renders it like ``items[0].date_created``.
    The path is filled in while the error propagates out of nested decoders.
    """

    def __init__(self, reason: str, path: Sequence[str | int] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path: list[str | int] = list(path)

    def prepend(self, segment: str | int) -> None:
        """Record that the failing value sits under ``segment``."""
        self.path.insert(0, segment)

    @property
    def location(self) -> str:
        """The JSON path of the failing value, '' for the document itself."""
        out: list[str] = []
        for segment in self.path:
            if isinstance(segment, int):
                out.append(f"[{segment}]")
            elif segment.isidentifier():
                out.append(f".{segment}" if out else segment)
            else:
                out.append(f"[{segment!r}]")
        return "".join(out)

    def __str__(self) -> str:
        location = self.location
        return f"{location}: {self.reason}" if location else self.reason


class ResponseParseError(SpecgenError):
    """A success response body is not valid JSON, or, with a client made
    with ``strict=True``, does not decode (by default a mismatch is kept and
    recorded instead, see ``tolerant``).

    ``field`` is the JSON path of the offending value (``None`` when the body
    as a whole is unusable), ``message`` the reason.
    """

    def __init__(
        self,
        operation: str,
        message: str,
        *,
        field: str | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        self.operation = operation
        self.field = field
        self.message = message
        self.response = response
        where = f"response field {field}" if field else "response body"
        super().__init__(f"{operation}: {where}: {message}")


class ApiError(SpecgenError):
    """The server answered with an error status: 4xx, 5xx, or a 1xx-3xx
    the operation does not document with a body.

    Attributes: ``status`` (HTTP status), ``code`` (API-specific error code,
    e.g. Twilio's 20404), ``message``, ``more_info`` (documentation link),
    ``method``, ``url`` (without userinfo), ``body`` (the full response text),
    ``parsed`` (the body decoded by the schema the operation documents for
    this status, read tolerantly; ``None`` when none is documented or the
    body is not JSON), ``headers`` (response headers) and ``response`` (the
    ``httpx.Response``).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        method: str,
        url: str,
        body: str = "",
        code: int | str | None = None,
        more_info: str | None = None,
        response: httpx.Response | None = None,
        parsed: object = None,
    ) -> None:
        self.status = status
        self.parsed = parsed
        self.code = code
        self.message = message
        self.more_info = more_info
        self.method = method
        self.url = url
        self.body = body
        self.response = response
        self.headers = response.headers if response is not None else httpx.Headers()
        super().__init__(self._describe())

    def _describe(self) -> str:
        reason = httpx.codes.get_reason_phrase(self.status)
        text = f"{self.status} {reason}".rstrip()
        text += f": {self.method} {self.url}: {self.message}"
        details: list[str] = []
        if self.code is not None:
            details.append(f"code {self.code}")
        if self.more_info:
            details.append(f"more info: {self.more_info}")
        if details:
            text += f" ({', '.join(details)})"
        return text


class BadRequestError(ApiError):
    """400 Bad Request."""


class AuthenticationError(ApiError):
    """401 Unauthorized: missing or wrong credentials."""


class PermissionDeniedError(ApiError):
    """403 Forbidden."""


class NotFoundError(ApiError):
    """404 Not Found."""


class ConflictError(ApiError):
    """409 Conflict."""


class UnprocessableEntityError(ApiError):
    """422 Unprocessable Entity."""


class RateLimitError(ApiError):
    """429 Too Many Requests; ``retry_after`` is the server's hint in seconds."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, **kwargs: Any
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(ApiError):
    """Any 5xx status."""


class ApiConnectionError(SpecgenError):
    """The request failed at the transport level and retries are exhausted.

    The underlying ``httpx`` exception is chained as ``__cause__``.
    """

    def __init__(self, message: str, *, method: str, url: str, attempts: int) -> None:
        self.method = method
        self.url = url
        self.attempts = attempts
        super().__init__(message)


class ApiTimeoutError(ApiConnectionError):
    """The request timed out (connect, read, write or pool) on every attempt."""


class DeadlineExceededError(ApiTimeoutError):
    """The call (every attempt and the waits between them) outlasted its
    ``deadline``; ``deadline`` is that budget in seconds."""

    def __init__(
        self, message: str, *, method: str, url: str, attempts: int, deadline: float
    ) -> None:
        self.deadline = deadline
        super().__init__(message, method=method, url=url, attempts=attempts)


class ResponseTooLargeError(SpecgenError):
    """A response body is larger than the client's ``max_response_bytes``.

    Raised as soon as the ``Content-Length`` or the bytes read so far pass
    ``limit``; the rest of the body is never read. ``status`` is the
    response's HTTP status. Not retried.
    """

    def __init__(
        self, message: str, *, method: str, url: str, status: int, limit: int
    ) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.limit = limit
        super().__init__(message)


class RedirectError(SpecgenError):
    """A redirect the client does not follow: one to another origin (scheme,
    host or port), whose request would carry the credentials there, one
    with an invalid ``Location``, or one too many. ``location`` is the
    target without userinfo or query API keys ("" when invalid). Not retried.
    """

    def __init__(self, message: str, *, method: str, url: str, location: str) -> None:
        self.method = method
        self.url = url
        self.location = location
        super().__init__(message)


class PaginationError(SpecgenError):
    """A next-page link is unsafe (another origin), invalid, or repeats a
    previous page."""


class TooManyPagesError(PaginationError):
    """A pagination fetched ``max_pages`` pages and had yet another link."""


_STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def redact_url(url: httpx.URL | str) -> str:
    """Render ``url`` without ``user:password@`` and without query API keys.

    Text that is no valid URL is redacted as text (``auth.redact_text``).
    """
    try:
        url = httpx.URL(url)
    except httpx.InvalidURL:
        return redact_text(str(url))
    if url.userinfo:
        url = url.copy_with(username=None, password=None)
    return str(redact_query(url))


def snippet(text: str, limit: int = _SNIPPET_LENGTH) -> str:
    """Collapse whitespace and truncate ``text`` for use in a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _message_from(data: object) -> tuple[str | None, int | str | None, str | None]:
    """Extract (message, code, more_info) from a parsed error body."""
    if not isinstance(data, dict):
        return None, None, None
    body = cast("dict[str, object]", data)  # parsed JSON
    message: str | None = None
    for key in ("message", "detail", "error_description", "error", "title"):
        value = body.get(key)
        if isinstance(value, dict):
            value = cast("dict[str, object]", value).get("message")
        if isinstance(value, str) and value:
            message = value
            break
    code = body.get("code")
    if isinstance(code, bool) or not isinstance(code, (int, str)):
        code = None
    more_info = body.get("more_info")
    return message, code, more_info if isinstance(more_info, str) else None


def error_from_response(
    response: httpx.Response,
    *,
    retry_after: float | None = None,
    parsed: object = None,
) -> ApiError:
    """Build the ``ApiError`` subclass matching an error ``response``;
    ``parsed`` is its documented body, decoded."""
    status = response.status_code
    body = response.text
    try:
        data: object = json.loads(body)
    except (ValueError, RecursionError):
        data = None
    message, code, more_info = _message_from(data)
    if message is None:
        message = snippet(body) or "(empty body)"
    kwargs: dict[str, Any] = {
        "status": status,
        "method": response.request.method,
        "url": redact_url(response.request.url),
        "body": body,
        "code": code,
        "more_info": more_info,
        "response": response,
        "parsed": parsed,
    }
    cls = _STATUS_ERRORS.get(status)
    if cls is RateLimitError:
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    if cls is None:
        cls = ServerError if status >= 500 else ApiError
    return cls(message, **kwargs)
