"""Bounds on one call, on the wire (127.0.0.1): the response size cap and the
total deadline, sync and async.

Every server behaviour is bounded in bytes and time (see ``Stream``), so a
client without these bounds fails the assertions instead of hanging.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

import generator.runtime as rt

from . import sample_api as api
from .fault_server import FaultServer, Reply, Stream
from .test_faults import PAGE, list_numbers, page_body, run, collect
from .sample_api import TRUNK_SID

MiB = 1024 * 1024


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


# --- max_response_bytes (defect 12) ---------------------------------------------------------


def test_endless_chunked_body_stops_at_the_cap(mode: str, server: FaultServer) -> None:
    # 64 KiB chunks, up to 4 GiB: only the cap can end this early.
    stream = Stream(count=65536)
    server.script(stream)
    started = time.monotonic()
    with pytest.raises(rt.ResponseTooLargeError) as info:
        run(mode, server, list_numbers, max_response_bytes=MiB)
    assert time.monotonic() - started < 5.0
    assert info.value.limit == MiB and info.value.status == 200
    assert "max_response_bytes" in str(info.value)
    assert len(stream.sent) < 1000  # a few MiB at most went out before it stopped
    assert len(server.requests) == 1  # not retried


def test_default_cap(server: FaultServer) -> None:
    # 96 MiB of chunks against the default cap of 64 MiB.
    stream = Stream(chunk=b"x" * MiB, count=96)
    server.script(stream)
    with pytest.raises(rt.ResponseTooLargeError) as info:
        run("sync", server, list_numbers)
    assert info.value.limit == rt.DEFAULT_MAX_RESPONSE_BYTES == 64 * MiB
    assert len(stream.sent) < 96


def test_huge_content_length_is_refused_before_reading(
    mode: str, server: FaultServer
) -> None:
    stream = Stream(chunk=b"x" * 1024, count=64, content_length=2 * 1024 * MiB)
    server.script(stream)
    with pytest.raises(rt.ResponseTooLargeError, match="Content-Length 2147483648"):
        run(mode, server, list_numbers)
    assert len(server.requests) == 1


def test_error_bodies_are_capped_too(mode: str, server: FaultServer) -> None:
    server.script(Stream(count=65536, status=400))
    with pytest.raises(rt.ResponseTooLargeError) as info:
        run(mode, server, list_numbers, max_response_bytes=MiB)
    assert info.value.status == 400


def test_cap_from_with_options(mode: str, server: FaultServer) -> None:
    body = page_body(50, None)  # about 16 KB of JSON
    server.script(Reply(200, body), Reply(200, body))

    async def both_async(client: api.AsyncClient) -> None:
        with pytest.raises(rt.ResponseTooLargeError):
            await client.with_options(max_response_bytes=1000).list_phone_numbers(
                TRUNK_SID
            )
        small = client.with_options(max_response_bytes=1000)
        await small.with_options(max_response_bytes=None).list_phone_numbers(TRUNK_SID)

    def both(client: api.Client | api.AsyncClient) -> object:
        if isinstance(client, api.AsyncClient):
            return both_async(client)
        with pytest.raises(rt.ResponseTooLargeError):
            client.with_options(max_response_bytes=1000).list_phone_numbers(TRUNK_SID)
        small = client.with_options(max_response_bytes=1000)
        return small.with_options(max_response_bytes=None).list_phone_numbers(TRUNK_SID)

    run(mode, server, both)
    assert len(server.requests) == 2


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
def test_invalid_cap(bad: object) -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        api.Client("AC1", "x", max_response_bytes=bad)  # type: ignore[arg-type]
    with api.Client("AC1", "x") as client, pytest.raises(ValueError):
        client.with_options(max_response_bytes=bad)  # type: ignore[arg-type]


# --- deadline (defect 13) -------------------------------------------------------------------


def test_dripping_body_is_cut_at_the_deadline(mode: str, server: FaultServer) -> None:
    # One byte every 0.1 s for 8 s: each read is quick, so only a deadline helps.
    server.script(Stream(chunk=b" ", count=80, delay=0.1))
    started = time.monotonic()
    with pytest.raises(rt.DeadlineExceededError) as info:
        run(mode, server, list_numbers, timeout=3.0, deadline=1.0)
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 2.5
    assert isinstance(info.value, rt.ApiTimeoutError)
    assert info.value.deadline == 1.0 and info.value.attempts == 1
    assert "deadline of 1 s" in str(info.value)


def test_default_deadline_follows_the_timeout(mode: str, server: FaultServer) -> None:
    # timeout=0.3 gives a deadline of 1.2 s, well before the 8 s drip ends.
    server.script(Stream(chunk=b" ", count=80, delay=0.1))
    started = time.monotonic()
    with pytest.raises(rt.DeadlineExceededError):
        run(mode, server, list_numbers, timeout=0.3)
    assert time.monotonic() - started < 3.0


def test_a_stalled_response_ends_at_the_deadline(
    mode: str, server: FaultServer
) -> None:
    server.script(Reply(200, PAGE, delay=4.0))
    started = time.monotonic()
    with pytest.raises(rt.DeadlineExceededError):
        run(mode, server, list_numbers, timeout=10.0, deadline=0.5)
    assert time.monotonic() - started < 2.0


def test_no_retry_wait_past_the_deadline(mode: str, server: FaultServer) -> None:
    server.script(*[Reply(503, {"message": "busy"}, headers={"Retry-After": "5"})] * 3)
    with pytest.raises(rt.ServerError):
        run(mode, server, list_numbers, deadline=2.0, max_retries=2)
    assert len(server.requests) == 1  # the 5 s wait would pass the deadline


def test_retries_and_waits_count_against_the_deadline(
    mode: str, server: FaultServer
) -> None:
    # Each attempt stalls 0.4 s (timeout 0.4); 5 of them cannot fit into 1 s.
    server.script(*[Reply(200, PAGE, delay=2.0)] * 6)
    started = time.monotonic()
    with pytest.raises(rt.ApiTimeoutError) as info:
        run(mode, server, list_numbers, timeout=0.4, max_retries=5, deadline=1.0)
    assert time.monotonic() - started < 2.0
    assert len(server.requests) <= 3
    assert info.value.attempts == len(server.requests)


def test_each_page_has_its_own_deadline(mode: str, server: FaultServer) -> None:
    second = f"{server.url}/v1/Trunks/{TRUNK_SID}/PhoneNumbers?Page=1"
    server.script(
        Reply(200, page_body(1, second), delay=0.6),
        Reply(200, page_body(1, None), delay=0.6),
    )
    items, _ = run(
        mode,
        server,
        lambda c: collect(c, api.list_phone_numbers(TRUNK_SID)),
        deadline=1.0,
    )
    assert len(items) == 2  # 1.2 s in all, under 1 s per page


def test_deadline_settings() -> None:
    assert api.Client("AC1", "x").deadline == 120.0
    assert api.Client("AC1", "x", timeout=3).deadline == 12.0
    assert api.Client("AC1", "x", timeout=None).deadline is None
    timeout = httpx.Timeout(None, connect=2.0)
    assert api.Client("AC1", "x", timeout=timeout).deadline == 8.0
    client = api.Client("AC1", "x", deadline=7)
    assert client.deadline == 7.0
    assert client.with_options(timeout=1).deadline == 7.0  # explicit: kept
    derived = api.Client("AC1", "x")
    assert derived.with_options(timeout=1).deadline == 4.0  # follows the timeout
    assert derived.with_options(deadline=None).deadline is None
    assert derived.with_options(deadline=2.5).deadline == 2.5
    assert derived.deadline == 120.0
    for bad in (0, -1, float("inf"), float("nan"), "5", True):
        with pytest.raises(ValueError, match="deadline"):
            api.Client("AC1", "x", deadline=bad)  # type: ignore[arg-type]
