"""Keeping credentials out of what the runtime prints and logs.

A query-string API key and ``user:password@`` are removed from every URL the
runtime prints (see ``errors.redact_url`` and ``redact_text``, also applied
to httpx's own log lines). How credentials are sent: see ``security``.
"""

from __future__ import annotations

import logging
import re

import httpx

#: Query parameters that carry a secret; their values are redacted in URLs.
SECRET_QUERY_PARAMS: set[str] = set()


def redact_query(url: httpx.URL) -> httpx.URL:
    """``url`` with the values of secret query parameters replaced."""
    secret = SECRET_QUERY_PARAMS.intersection(url.params.keys())
    if not secret:
        return url
    params = [
        (k, "REDACTED" if k in secret else v) for k, v in url.params.multi_items()
    ]
    return url.copy_with(params=params)


# ``scheme://user:password@``: the userinfo of a URL inside some text.
_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s@'\"<>]*@")


def redact_text(text: str) -> str:
    """``text`` with URLs' userinfo removed and the values of secret query
    parameters replaced (URLs in messages and log lines)."""
    text = _USERINFO.sub(r"\1", text)
    for name in SECRET_QUERY_PARAMS:
        text = re.sub(rf"([?&]{re.escape(name)}=)[^&#\s'\"]*", r"\1REDACTED", text)
    return text


class _RedactingFilter(logging.Filter):
    """Redacts userinfo and query API keys from httpx's own request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            # Text, not URL objects, so that every runtime copy's filter (one
            # per generated package) can redact the names it knows.
            record.args = tuple(
                redact_text(str(a)) if isinstance(a, (httpx.URL, str)) else a
                for a in record.args
            )
        return True


_FILTER = _RedactingFilter()


def install_log_filter() -> None:
    """Make sure httpx's logger redacts the URLs it logs (idempotent)."""
    logger = logging.getLogger("httpx")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
