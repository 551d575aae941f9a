"""Bounds on one call: a total deadline and a maximum response body size.

``Deadline`` is the time budget of one call (every attempt, redirect and
retry wait included). ``read_body``/``aread_body`` read a streamed response
into memory, stopping as soon as it passes ``max_response_bytes`` (checked
against ``Content-Length`` first, then against the decoded bytes read) or
the deadline passes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import httpx

from .errors import ResponseTooLargeError, redact_url

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEADLINE_FACTOR",
    "Deadline",
    "DeadlinePassed",
    "aread_body",
    "check_deadline",
    "check_max_bytes",
    "default_deadline",
    "read_body",
]

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""64 MiB: the largest response body a client reads by default."""

DEADLINE_FACTOR = 4
"""Without an explicit ``deadline``, a call may last this many times the
longest value of its ``timeout`` (120 s with the default timeout)."""

# The smallest network timeout handed to httpx: a zero one would not block.
_MIN_WAIT = 0.001


class DeadlinePassed(Exception):
    """Internal: the deadline passed; the client raises ``DeadlineExceededError``."""


def default_deadline(timeout: float | httpx.Timeout | None) -> float | None:
    """The deadline used when none is given: ``DEADLINE_FACTOR`` times the
    longest of the timeout's values, or ``None`` if every value is ``None``."""
    if isinstance(timeout, httpx.Timeout):
        values = [timeout.connect, timeout.read, timeout.write, timeout.pool]
        known = [v for v in values if v is not None]
        return DEADLINE_FACTOR * max(known) if known else None
    return None if timeout is None else DEADLINE_FACTOR * float(timeout)


def check_deadline(deadline: object) -> float | None:
    """``deadline`` if it is ``None`` or a positive finite number of seconds."""
    if deadline is None:
        return None
    if (
        isinstance(deadline, bool)
        or not isinstance(deadline, (int, float))
        or not (0 < deadline < math.inf)
    ):
        raise ValueError(
            f"deadline must be a positive number of seconds or None, got {deadline!r}"
        )
    return float(deadline)


def check_max_bytes(max_bytes: object) -> int | None:
    """``max_bytes`` if it is ``None`` or a positive integer."""
    if max_bytes is None:
        return None
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(
            f"max_response_bytes must be a positive integer or None, got {max_bytes!r}"
        )
    return max_bytes


class Deadline:
    """The end of one call's time budget; ``seconds=None`` never ends."""

    def __init__(
        self, seconds: float | None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = None if seconds is None else clock() + seconds

    def remaining(self) -> float | None:
        """Seconds left (never negative), or ``None`` without a deadline."""
        if self._end is None:
            return None
        return max(0.0, self._end - self._clock())

    def expired(self) -> bool:
        """Whether the budget is used up."""
        return self._end is not None and self._clock() >= self._end

    def check(self) -> None:
        """Raise ``DeadlinePassed`` if the budget is used up."""
        if self.expired():
            raise DeadlinePassed

    def allows(self, delay: float) -> bool:
        """Whether waiting ``delay`` seconds still leaves time for a try."""
        remaining = self.remaining()
        return remaining is None or delay < remaining

    def limit(self, request: httpx.Request, timeouts: dict[str, Any]) -> None:
        """Set ``request``'s network timeouts to ``timeouts``, each lowered to
        the time left, so that no single wait outlasts the deadline."""
        self.check()
        remaining = self.remaining()
        if remaining is None:
            request.extensions["timeout"] = dict(timeouts)
            return
        remaining = max(remaining, _MIN_WAIT)
        request.extensions["timeout"] = {
            key: remaining if value is None else min(value, remaining)
            for key, value in timeouts.items()
        }


def _too_large(response: httpx.Response, limit: int, what: str) -> Exception:
    request = response.request
    url = redact_url(request.url)
    return ResponseTooLargeError(
        f"{request.method} {url}: the response body ({what}) exceeds"
        f" max_response_bytes={limit}; pass a larger max_response_bytes to"
        " the client or to with_options() to accept it",
        method=request.method,
        url=url,
        status=response.status_code,
        limit=limit,
    )


def _check_length(response: httpx.Response, limit: int | None) -> None:
    """Refuse a body whose announced ``Content-Length`` is over ``limit``."""
    if limit is None:
        return
    value = response.headers.get("Content-Length", "")
    if value.strip().isdigit() and int(value) > limit:
        raise _too_large(response, limit, f"Content-Length {int(value)}")


def _store(response: httpx.Response, chunks: list[bytes]) -> None:
    # What ``Response.read()`` does once the stream is consumed: httpx has no
    # public way to set the body it read, hence its private attribute.
    response._content = b"".join(chunks)  # pyright: ignore[reportPrivateUsage]


def read_body(response: httpx.Response, limit: int | None, deadline: Deadline) -> None:
    """Read a streamed ``response``'s body within ``limit`` bytes and the
    deadline; the response is closed in any case."""
    chunks: list[bytes] = []
    size = 0
    try:
        _check_length(response, limit)
        for chunk in response.iter_bytes():
            size += len(chunk)
            if limit is not None and size > limit:
                raise _too_large(response, limit, f"more than {limit} bytes")
            chunks.append(chunk)
            deadline.check()
    finally:
        response.close()
    _store(response, chunks)


async def aread_body(
    response: httpx.Response, limit: int | None, deadline: Deadline
) -> None:
    """The asynchronous ``read_body``."""
    chunks: list[bytes] = []
    size = 0
    try:
        _check_length(response, limit)
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if limit is not None and size > limit:
                raise _too_large(response, limit, f"more than {limit} bytes")
            chunks.append(chunk)
            deadline.check()
    finally:
        await response.aclose()
    _store(response, chunks)
