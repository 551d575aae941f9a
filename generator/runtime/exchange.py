"""One attempt of a call: send, follow redirects safely, read the body.

httpx would follow a redirect to any host with every header the client set
(it strips only ``Authorization``), so the runtime never lets httpx follow
redirects. When the ``http_client`` passed in has ``follow_redirects=True``
the runtime follows them itself, but only within the request's origin
(scheme, host and port), where the credentials may go; a redirect to another
origin raises ``RedirectError`` before anything is sent there. A client
that does not follow redirects returns the 3xx response (an ``ApiError``).
"""

from __future__ import annotations

from typing import Any

import httpx

from .errors import RedirectError, redact_url
from .limits import Deadline, aread_body, read_body
from .urls import same_origin

__all__ = ["exchange", "aexchange"]


def _invalid_location(exc: httpx.TransportError, request: httpx.Request) -> None:
    """Raise ``RedirectError`` if ``exc`` is httpx rejecting a ``Location``.

    httpx reports it as a ``RemoteProtocolError`` (which would be retried)
    raised from the ``InvalidURL``.
    """
    if isinstance(exc, httpx.RemoteProtocolError) and isinstance(
        exc.__context__, httpx.InvalidURL
    ):
        url = redact_url(request.url)
        raise RedirectError(
            f"{request.method} {url}: the server redirected to an invalid URL"
            f" ({exc.__context__})",
            method=request.method,
            url=url,
            location="",
        ) from None


def _next_hop(
    http: httpx.Client | httpx.AsyncClient,
    request: httpx.Request,
    response: httpx.Response,
    hops: int,
) -> httpx.Request | None:
    """The same-origin request to follow ``response`` with, if any."""
    target = response.next_request
    if target is None or not http.follow_redirects:
        return None
    url = redact_url(request.url)
    location = redact_url(target.url)
    if not same_origin(target.url, request.url):
        message = "refusing to follow a redirect to another origin"
    elif hops >= http.max_redirects:
        message = f"more than {http.max_redirects} redirects"
    else:
        return target
    raise RedirectError(
        f"{request.method} {url}: {message}: {location}",
        method=request.method,
        url=url,
        location=location,
    )


def exchange(
    http: httpx.Client,
    request: httpx.Request,
    send_kwargs: dict[str, Any],
    deadline: Deadline,
    max_bytes: int | None,
) -> httpx.Response:
    """Send ``request`` once, following same-origin redirects, and read the
    final response's body (see ``limits.read_body``)."""
    # After an earlier attempt these are already lowered to the time then
    # left; as that only shrinks, lowering them again gives the same result.
    timeouts = dict(request.extensions.get("timeout", {}))
    history: list[httpx.Response] = []
    while True:
        deadline.limit(request, timeouts)
        try:
            response = http.send(
                request, stream=True, follow_redirects=False, **send_kwargs
            )
        except httpx.TransportError as exc:
            _invalid_location(exc, request)
            raise
        try:
            target = _next_hop(http, request, response, len(history))
        finally:
            if response.next_request is not None and http.follow_redirects:
                response.close()
        if target is None:
            break
        history.append(response)
        request = target
    response.history = history
    read_body(response, max_bytes, deadline)
    return response


async def aexchange(
    http: httpx.AsyncClient,
    request: httpx.Request,
    send_kwargs: dict[str, Any],
    deadline: Deadline,
    max_bytes: int | None,
) -> httpx.Response:
    """The asynchronous ``exchange``."""
    timeouts = dict(request.extensions.get("timeout", {}))
    history: list[httpx.Response] = []
    while True:
        deadline.limit(request, timeouts)
        try:
            response = await http.send(
                request, stream=True, follow_redirects=False, **send_kwargs
            )
        except httpx.TransportError as exc:
            _invalid_location(exc, request)
            raise
        try:
            target = _next_hop(http, request, response, len(history))
        finally:
            if response.next_request is not None and http.follow_redirects:
                await response.aclose()
        if target is None:
            break
        history.append(response)
        request = target
    response.history = history
    await aread_body(response, max_bytes, deadline)
    return response
