"""Helpers for the tests specgen writes beside each generated package.

The package never imports this module, so it costs users nothing; the
generated test modules do. Each generated test sends one request through the
synchronous and the asynchronous client over ``httpx.MockTransport`` and then
checks what went over the wire and what came back.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import httpx

from .client import AsyncClient, Client
from .operation import Request

__all__ = ["Recorder", "example", "send_both"]

T = TypeVar("T")


def example(module_file: str, name: str) -> Any:
    """A response body from the spec's examples, kept as JSON in ``examples/``
    beside the test module whose ``__file__`` is ``module_file``."""
    return json.loads(
        (Path(module_file).parent / "examples" / name).read_text(encoding="utf-8")
    )


class Recorder:
    """A mock transport answering every request with one canned response."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.body is None:
            return httpx.Response(self.status)
        return httpx.Response(self.status, json=self.body)

    def transport(self) -> httpx.MockTransport:
        """A transport for a client: every request it sends is recorded here."""
        return httpx.MockTransport(self)

    def path(self, index: int = 0) -> str:
        """The request's path as sent (percent-encoded), without the query."""
        return self.requests[index].url.raw_path.decode("ascii").partition("?")[0]

    def query(self, index: int = 0) -> list[tuple[str, str]]:
        return sorted(self.requests[index].url.params.multi_items())

    def form(self, index: int = 0) -> list[tuple[str, str]]:
        content = self.requests[index].content.decode()
        return sorted(parse_qsl(content, keep_blank_values=True))

    def json(self, index: int = 0) -> Any:
        return json.loads(self.requests[index].content)


def send_both(
    client: type[Client],
    async_client: type[AsyncClient],
    request: Request[T],
    recorder: Recorder,
) -> T:
    """Send ``request`` with ``client`` and with ``async_client``, both over
    ``recorder``; return the decoded result.

    Raises ``AssertionError`` unless both clients sent the same request (method,
    URL and body) and decoded the same result.
    """
    transport = recorder.transport()
    with client("ACtest", "secret", transport=transport) as sync:
        result = sync.send(request)

    async def call_async() -> T:
        async with async_client("ACtest", "secret", transport=transport) as other:
            return await other.send(request)

    again = asyncio.run(call_async())
    if len(recorder.requests) != 2:
        raise AssertionError(
            f"expected one request from each client, got {len(recorder.requests)}"
        )
    first, second = recorder.requests
    multipart = first.headers.get("Content-Type", "").startswith("multipart/")
    same_body = multipart or first.content == second.content  # a random boundary
    if (first.method, first.url) != (second.method, second.url) or not same_body:
        raise AssertionError(
            f"the clients sent different requests: {first.method} {first.url} {first.content!r}"
            f" and {second.method} {second.url} {second.content!r}"
        )
    if again != result:
        raise AssertionError(
            f"the clients decoded different results: {result!r} and {again!r}"
        )
    return result
