"""Fault injection against a real HTTP server on 127.0.0.1 (sync and async).

Every test is bounded: client timeouts are short, retries few, the sleep
between retries is faked, and server-side delays end when the server stops.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import socket
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import generator.runtime as rt

from . import sample_api as api
from .fault_server import FaultServer, Reply, Reset, Truncate
from .mock import FakeSleep
from .sample_api import TRUNK_SID, phone_number_json

MODES = ["sync", "async"]
LIST_PATH = f"/v1/Trunks/{TRUNK_SID}/PhoneNumbers"
PAGE = {"phone_numbers": [phone_number_json()], "meta": {"key": "phone_numbers"}}

AnyClient = api.Client | api.AsyncClient


def run(
    mode: str, server: FaultServer, action: Callable[[Any], Any], **options: Any
) -> tuple[Any, FakeSleep]:
    """Run ``action(client)`` with a fresh client of ``mode`` aimed at
    ``server``; in async mode the action's result is awaited if needed.
    Returns the action's result and the recorded retry delays."""
    sleep = FakeSleep()
    options.setdefault("timeout", 5.0)
    if mode == "sync":
        with api.Client("AC1", "s3cret", base_url=server.url, **options) as client:
            client._sleep = sleep
            return action(client), sleep

    async def main() -> Any:
        async with api.AsyncClient(
            "AC1", "s3cret", base_url=server.url, **options
        ) as client:
            client._sleep = sleep.asleep
            result = action(client)
            return (await result) if inspect.isawaitable(result) else result

    return asyncio.run(main()), sleep


def collect(client: AnyClient, request: rt.PagedRequest[Any, Any]) -> Any:
    """All items of a pagination (a coroutine for an async client)."""
    if isinstance(client, api.AsyncClient):
        paginator = client.paginate(request)

        async def gather() -> list[Any]:
            return [item async for item in paginator]

        return gather()
    return list(client.paginate(request))


def list_numbers(client: AnyClient) -> Any:
    return client.list_phone_numbers(TRUNK_SID)


def page_body(items: int, next_url: str | None) -> dict[str, Any]:
    return {
        "phone_numbers": [phone_number_json(page=i) for i in range(items)],
        "meta": {"key": "phone_numbers", "next_page_url": next_url},
    }


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


def test_rate_limit_with_retry_after(mode: str, server: FaultServer) -> None:
    server.script(
        Reply(429, {"code": 20429}, headers={"Retry-After": "2"}), Reply(200, PAGE)
    )
    result, sleep = run(mode, server, list_numbers)
    assert isinstance(result, api.ListPhoneNumberResponse)
    assert sleep.delays == [2.0]
    assert server.paths == [LIST_PATH, LIST_PATH]
    assert server.requests[0].headers["Authorization"].startswith("Basic ")


def test_server_error_then_success(mode: str, server: FaultServer) -> None:
    server.script(Reply(500, "Internal Server Error"), Reply(200, PAGE))
    result, sleep = run(mode, server, list_numbers)
    assert result.phone_numbers[0].page == 0
    assert len(sleep.delays) == 1 and len(server.requests) == 2


def test_server_errors_exhaust_retries(mode: str, server: FaultServer) -> None:
    server.script(*[Reply(503, {"message": "down"})] * 3)
    with pytest.raises(rt.ServerError, match="503 Service Unavailable") as info:
        run(mode, server, list_numbers, max_retries=2)
    assert info.value.message == "down"
    assert len(server.requests) == 3


def test_slow_response_times_out(mode: str, server: FaultServer) -> None:
    server.script(Reply(200, PAGE, delay=3.0), Reply(200, PAGE, delay=3.0))
    started = time.monotonic()
    with pytest.raises(rt.ApiTimeoutError) as info:
        run(mode, server, list_numbers, timeout=0.2, max_retries=1)
    assert time.monotonic() - started < 2.0
    assert info.value.attempts == 2
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "body", [b'{"phone_numbers": [{"page": 1', b'{"page": 1,,}', b"<html>oops</html>"]
)
def test_bad_json_on_success(mode: str, server: FaultServer, body: bytes) -> None:
    server.script(Reply(200, body, headers={"Content-Type": "application/json"}))
    with pytest.raises(
        rt.ResponseParseError, match="list_phone_numbers: response body"
    ):
        run(mode, server, list_numbers)
    assert len(server.requests) == 1  # a parse error is not retried


def test_undecodable_json_on_success(mode: str, server: FaultServer) -> None:
    server.script(Reply(200, {"phone_numbers": [phone_number_json(beta="yes")]}))
    with pytest.raises(rt.ResponseParseError) as info:
        run(mode, server, list_numbers, strict=True)
    assert info.value.field == "phone_numbers[0].beta"


def test_connection_reset_is_retried(mode: str, server: FaultServer) -> None:
    server.script(Reset(), Reply(200, PAGE))
    result, sleep = run(mode, server, list_numbers)
    assert isinstance(result, api.ListPhoneNumberResponse)
    assert len(sleep.delays) == 1 and len(server.requests) == 2


def test_connection_resets_exhaust_retries(mode: str, server: FaultServer) -> None:
    server.script(Reset(), Reset(), Reset())
    with pytest.raises(rt.ApiConnectionError) as info:
        run(mode, server, list_numbers, max_retries=2)
    assert info.value.attempts == 3
    assert info.value.__cause__ is not None
    assert "s3cret" not in str(info.value)


def test_reset_post_is_not_retried(mode: str, server: FaultServer) -> None:
    server.script(Reset(), Reply(201, phone_number_json()))

    def create(client: AnyClient) -> Any:
        return client.create_phone_number(TRUNK_SID, phone_number_sid="PN1")

    with pytest.raises(rt.ApiConnectionError):
        run(mode, server, create)
    assert len(server.requests) == 1
    assert server.requests[0].body == b"PhoneNumberSid=PN1"


def test_incomplete_body_is_retried(mode: str, server: FaultServer) -> None:
    server.script(Truncate(), Reply(200, PAGE))
    result, _ = run(mode, server, list_numbers)
    assert isinstance(result, api.ListPhoneNumberResponse)
    assert len(server.requests) == 2


def test_pagination_across_pages(mode: str, server: FaultServer) -> None:
    second = f"{server.url}{LIST_PATH}?Page=1"
    server.script(Reply(200, page_body(2, second)), Reply(200, page_body(1, None)))
    items, _ = run(
        mode, server, lambda c: collect(c, api.list_phone_numbers(TRUNK_SID))
    )
    assert [item.page for item in items] == [0, 1, 0]
    assert server.paths == [LIST_PATH, f"{LIST_PATH}?Page=1"]


def test_next_page_on_another_server_is_never_contacted(
    mode: str, server: FaultServer, other_server: FaultServer
) -> None:
    other_server.script(Reply(200, page_body(1, None)))
    server.script(Reply(200, page_body(2, f"{other_server.url}{LIST_PATH}?Page=1")))
    with pytest.raises(rt.PaginationError, match="another origin"):
        run(mode, server, lambda c: collect(c, api.list_phone_numbers(TRUNK_SID)))
    assert len(server.requests) == 1
    assert other_server.requests == []


def test_next_page_loop(mode: str, server: FaultServer) -> None:
    first = f"{server.url}{LIST_PATH}"
    server.script(
        Reply(200, page_body(1, f"{first}?Page=1")),
        Reply(200, page_body(1, first)),
    )
    with pytest.raises(rt.PaginationError, match="repeats"):
        run(mode, server, lambda c: collect(c, api.list_phone_numbers(TRUNK_SID)))
    assert len(server.requests) == 2


# --- resource hygiene ------------------------------------------------------------------------


def _resource_warnings(action: Callable[[], object]) -> list[str]:
    """Run ``action`` and a full GC; return the ResourceWarnings raised,
    including those from finalizers (which go to sys.unraisablehook)."""
    unraisable: list[str] = []
    previous_hook = sys.unraisablehook
    sys.unraisablehook = lambda info: unraisable.append(repr(info.exc_value))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            action()
            gc.collect()
            gc.collect()
    finally:
        sys.unraisablehook = previous_hook
    found = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    return found + [u for u in unraisable if "ResourceWarning" in u]


def test_resource_warning_detector_works(server: FaultServer) -> None:
    def leak() -> None:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=1)
        del sock

    assert _resource_warnings(leak)


def test_no_resource_warnings(mode: str, server: FaultServer) -> None:
    server.script(
        Reply(200, PAGE),
        Reset(),
        Reply(200, PAGE),
        Reply(200, PAGE, delay=3.0),
        Reply(500, "x"),
    )

    def exercise(client: AnyClient) -> Any:
        async def steps_async() -> None:
            assert isinstance(client, api.AsyncClient)
            await client.list_phone_numbers(TRUNK_SID)
            await client.list_phone_numbers(TRUNK_SID)
            with pytest.raises(rt.ApiTimeoutError):
                await client.with_options(
                    timeout=0.2, max_retries=0
                ).list_phone_numbers(TRUNK_SID)
            with pytest.raises(rt.ServerError):
                await client.with_options(max_retries=0).list_phone_numbers(TRUNK_SID)

        if isinstance(client, api.AsyncClient):
            return steps_async()
        client.list_phone_numbers(TRUNK_SID)
        client.list_phone_numbers(TRUNK_SID)
        with pytest.raises(rt.ApiTimeoutError):
            client.with_options(timeout=0.2, max_retries=0).list_phone_numbers(
                TRUNK_SID
            )
        with pytest.raises(rt.ServerError):
            client.with_options(max_retries=0).list_phone_numbers(TRUNK_SID)
        return None

    assert _resource_warnings(lambda: run(mode, server, exercise)) == []
    assert len(server.requests) == 5
