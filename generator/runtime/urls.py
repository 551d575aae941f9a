"""URL comparisons: same origin, and the pagination loop guard's normal form.

An origin is the scheme, host and port (an explicit default port is the
same as none; scheme and host compare without case). For the loop guard, two
URLs are the same page when they differ only in what cannot select a
different resource, or in what the client itself adds: the fragment, the
userinfo, the client's query API key, an explicit default port, the case of
the scheme and host, the case of percent-escapes (``%2f`` and ``%2F``),
escaped unreserved characters (``%7E`` and ``~``), an empty query (a
trailing ``?``), an empty path (``/``) and the order of the query
parameters (treated as not meaningful: a server that reorders them to make a
link look new is still looping).
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection

import httpx

__all__ = ["page_key", "same_origin"]

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")

PageKey = tuple[str, str, int | None, str, tuple[tuple[str, str], ...]]


def _escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    """Whether ``a`` and ``b`` share scheme, host and port."""
    return (a.scheme.lower(), a.host.lower(), a.port) == (
        b.scheme.lower(),
        b.host.lower(),
        b.port,
    )


def page_key(url: httpx.URL, secret_params: Collection[str] = ()) -> PageKey:
    """The normal form of ``url`` compared by the pagination loop guard;
    ``secret_params`` are the query parameters that carry credentials."""
    path = url.raw_path.decode("ascii").partition("?")[0]
    path = _ESCAPE.sub(_escape, path) or "/"
    query = sorted(
        (key, value)
        for key, value in url.params.multi_items()
        if key not in secret_params
    )
    return (url.scheme.lower(), url.host.lower(), url.port, path, tuple(query))
