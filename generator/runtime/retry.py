"""Retry policy: which failures are retried and how long to wait between tries.

Retried, for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) only:
statuses 429, 500, 502, 503 and 504, timeouts, network errors and remote
protocol errors (e.g. a reset connection). Non-idempotent methods (POST,
PATCH) are retried only when the connection could not be established
(``ConnectError``, ``ConnectTimeout``, ``PoolTimeout``): then nothing was
sent, so a retry cannot duplicate a side effect.

The wait is the server's ``Retry-After`` (seconds or HTTP-date, capped) when
present, otherwise exponential backoff with full jitter:
``random() * min(cap, base * 2 ** attempt)``.
"""

from __future__ import annotations

import math
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx

__all__ = [
    "RETRY_STATUSES",
    "IDEMPOTENT_METHODS",
    "backoff_delay",
    "parse_retry_after",
    "is_retryable_exception",
]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# Failures during which the request may already have reached the server.
_RETRYABLE_ERRORS = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)
# Failures before anything was sent: safe to retry for any method.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def backoff_delay(attempt: int, base: float, cap: float, random: float) -> float:
    """Full-jitter delay after failed attempt number ``attempt`` (0-based).

    ``random`` is a uniform sample from [0, 1).
    """
    return random * min(cap, base * 2.0 ** min(attempt, 64))


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header value.

    Accepts delta-seconds or an HTTP-date (compared with ``now``, a Unix
    timestamp). Returns ``None`` when absent or unparseable; never negative.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


def is_retryable_exception(
    exc: Exception, method: str, methods: frozenset[str]
) -> bool:
    """Whether a transport failure of a ``method`` request may be retried."""
    if isinstance(exc, _NOT_SENT_ERRORS):
        return True
    return method in methods and isinstance(exc, _RETRYABLE_ERRORS)
