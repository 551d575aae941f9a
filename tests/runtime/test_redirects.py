"""Redirects and credentials, on the wire: two real servers on 127.0.0.1 with
different ports stand for the API and another origin (defects 16 and 20).

A user's ``httpx`` client that follows redirects must never carry the
credentials the runtime adds to another origin.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import generator.runtime as rt

from . import sample_api as api
from .fault_server import FaultServer, Reply
from .sample_api import TRUNK_SID, phone_number_json

SID = "PN1"
PATH = f"/v1/Trunks/{TRUNK_SID}/PhoneNumbers/{SID}"
SECRET = "t0ps3cret"


class HeaderKeyClient(api.Client):
    AUTH = "header"
    API_KEY_NAME = "X-Api-Key"


class QueryKeyClient(api.Client):
    AUTH = "query"
    API_KEY_NAME = "ApiKey"


class BearerClient(api.Client):
    AUTH = "bearer"


class AsyncHeaderKeyClient(api.AsyncClient):
    AUTH = "header"
    API_KEY_NAME = "X-Api-Key"


def make(kind: str, base_url: str, http: httpx.Client) -> api.Client:
    if kind == "basic":
        return api.Client("AC1", SECRET, base_url=base_url, http_client=http)
    cls = {"header": HeaderKeyClient, "query": QueryKeyClient, "bearer": BearerClient}
    return cls[kind](token=SECRET, base_url=base_url, http_client=http)


def leaked(server: FaultServer) -> list[str]:
    """Where ``SECRET`` (or its basic-auth form) reached ``server``."""
    found = []
    for request in server.requests:
        text = request.path + repr(request.headers)
        if SECRET in text or "Basic " in text:
            found.append(text)
    return found


@pytest.fixture
def following() -> Iterator[httpx.Client]:
    with httpx.Client(follow_redirects=True, timeout=5.0) as http:
        yield http


@pytest.mark.parametrize("kind", ["header", "query", "bearer", "basic"])
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_to_another_origin_is_refused(
    kind: str,
    status: int,
    server: FaultServer,
    other_server: FaultServer,
    following: httpx.Client,
) -> None:
    target = f"{other_server.url}/stolen"
    server.script(Reply(status, "", headers={"Location": target}))
    other_server.script(Reply(200, phone_number_json()))
    client = make(kind, server.url, following)
    with pytest.raises(rt.RedirectError, match="another origin") as info:
        client.fetch_phone_number(TRUNK_SID, SID)
    assert other_server.requests == []
    assert leaked(other_server) == []
    assert info.value.location == target
    assert len(server.requests) == 1  # not retried
    assert SECRET not in str(info.value)


def test_redirect_to_another_port_of_the_same_host_is_refused(
    server: FaultServer, other_server: FaultServer, following: httpx.Client
) -> None:
    target = f"http://localhost:{other_server.port}/x"  # same machine, other origin
    server.script(Reply(302, "", headers={"Location": target}))
    with pytest.raises(rt.RedirectError):
        make("header", server.url, following).fetch_phone_number(TRUNK_SID, SID)
    assert other_server.requests == []


@pytest.mark.parametrize("kind", ["header", "query", "bearer", "basic"])
def test_same_origin_redirect_is_followed_with_credentials(
    kind: str, server: FaultServer, following: httpx.Client
) -> None:
    server.script(
        Reply(307, "", headers={"Location": "/v2/moved"}),
        Reply(200, phone_number_json(page=7)),
    )
    result = make(kind, server.url, following).fetch_phone_number(TRUNK_SID, SID)
    assert result.page == 7
    assert [r.path.split("?")[0] for r in server.requests] == [PATH, "/v2/moved"]
    assert len(leaked(server)) == 2  # the credentials went along, to the same origin


def test_redirect_loop_is_bounded(server: FaultServer) -> None:
    server.script(*[Reply(302, "", headers={"Location": "/again"})] * 10)
    with httpx.Client(follow_redirects=True, max_redirects=3, timeout=5.0) as http:
        client = make("header", server.url, http)
        with pytest.raises(rt.RedirectError, match="more than 3 redirects"):
            client.fetch_phone_number(TRUNK_SID, SID)
    assert len(server.requests) == 4


def test_a_client_that_does_not_follow_gets_the_redirect_as_an_error(
    server: FaultServer, other_server: FaultServer
) -> None:
    server.script(Reply(302, "", headers={"Location": f"{other_server.url}/x"}))
    with HeaderKeyClient(token=SECRET, base_url=server.url) as client:
        with pytest.raises(rt.ApiError) as info:
            client.fetch_phone_number(TRUNK_SID, SID)
    assert info.value.status == 302
    assert other_server.requests == []


def test_async_redirect_to_another_origin_is_refused(
    server: FaultServer, other_server: FaultServer
) -> None:
    server.script(Reply(302, "", headers={"Location": f"{other_server.url}/x"}))

    async def main() -> None:
        async with httpx.AsyncClient(follow_redirects=True, timeout=5.0) as http:
            client = AsyncHeaderKeyClient(
                token=SECRET, base_url=server.url, http_client=http
            )
            with pytest.raises(rt.RedirectError):
                await client.fetch_phone_number(TRUNK_SID, SID)

    asyncio.run(main())
    assert other_server.requests == []


def test_async_same_origin_redirect_is_followed(server: FaultServer) -> None:
    server.script(
        Reply(302, "", headers={"Location": "/v2/moved"}),
        Reply(200, phone_number_json(page=3)),
    )

    async def main() -> Any:
        async with httpx.AsyncClient(follow_redirects=True, timeout=5.0) as http:
            client = AsyncHeaderKeyClient(
                token=SECRET, base_url=server.url, http_client=http
            )
            return await client.fetch_phone_number(TRUNK_SID, SID)

    assert asyncio.run(main()).page == 3
    assert server.requests[1].headers["X-Api-Key"] == SECRET


# --- invalid Location (defect 20) -----------------------------------------------------------


@pytest.mark.parametrize("follow", [True, False])
def test_invalid_location_is_a_redirect_error(
    follow: bool, server: FaultServer
) -> None:
    server.script(*[Reply(302, "", headers={"Location": "/a\tb"})] * 3)
    with httpx.Client(follow_redirects=follow, timeout=5.0) as http:
        client = make("header", server.url, http)
        with pytest.raises(rt.RedirectError, match="invalid URL") as info:
            client.fetch_phone_number(TRUNK_SID, SID)
    assert info.value.location == ""
    assert len(server.requests) == 1  # not retried as a connection error


def test_async_invalid_location(server: FaultServer) -> None:
    server.script(*[Reply(302, "", headers={"Location": "/a\tb"})] * 3)

    async def main() -> None:
        async with AsyncHeaderKeyClient(token=SECRET, base_url=server.url) as client:
            with pytest.raises(rt.RedirectError):
                await client.fetch_phone_number(TRUNK_SID, SID)

    asyncio.run(main())
    assert len(server.requests) == 1
