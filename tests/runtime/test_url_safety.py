"""What URLs the client sends and shows, on the wire (127.0.0.1): path values
stay inside their template (defect 14) and no userinfo is ever shown
(defect 19)."""

from __future__ import annotations

import asyncio
import logging
import socket

import httpx
import pytest

import generator.runtime as rt

from . import sample_api as api
from .fault_server import FaultServer, Reply
from .sample_api import TRUNK_SID, phone_number_json

PASSWORD = "pw-s3cret"


@pytest.mark.parametrize(
    ("trunk", "sid", "sent"),
    [
        ("..", "..", "/v1/Trunks/%2E%2E/PhoneNumbers/%2E%2E"),
        (".", ".", "/v1/Trunks/%2E/PhoneNumbers/%2E"),
        ("a", "../../../admin", "/v1/Trunks/a/PhoneNumbers/..%2F..%2F..%2Fadmin"),
        ("a", "x/y", "/v1/Trunks/a/PhoneNumbers/x%2Fy"),
        ("a", "x?admin=1", "/v1/Trunks/a/PhoneNumbers/x%3Fadmin%3D1"),
        ("a", "x#frag", "/v1/Trunks/a/PhoneNumbers/x%23frag"),
        ("a", "%2E%2E", "/v1/Trunks/a/PhoneNumbers/%252E%252E"),
        ("a", "\t\r\n\x00", "/v1/Trunks/a/PhoneNumbers/%09%0D%0A%00"),
        ("a", "a.b", "/v1/Trunks/a/PhoneNumbers/a.b"),
    ],
)
def test_path_values_stay_in_their_template_on_the_wire(
    trunk: str, sid: str, sent: str, server: FaultServer
) -> None:
    server.script(Reply(200, phone_number_json()))
    with api.Client("AC1", "x", base_url=f"{server.url}/prefix") as client:
        client.fetch_phone_number(trunk, sid)
    assert server.paths == [f"/prefix{sent}"]  # the raw request target


def test_async_path_values_on_the_wire(server: FaultServer) -> None:
    server.script(Reply(200, phone_number_json()))

    async def main() -> None:
        async with api.AsyncClient("AC1", "x", base_url=f"{server.url}/p") as client:
            await client.fetch_phone_number("..", ".")

    asyncio.run(main())
    assert server.paths == ["/p/v1/Trunks/%2E%2E/PhoneNumbers/%2E"]


def test_empty_path_value_sends_nothing(server: FaultServer) -> None:
    with api.Client("AC1", "x", base_url=server.url) as client:
        with pytest.raises(ValueError, match="must not be empty"):
            client.fetch_phone_number(TRUNK_SID, "")
    assert server.requests == []


# --- userinfo (defect 19) -------------------------------------------------------------------


def test_repr_and_str_hide_userinfo() -> None:
    for cls in (api.Client, api.AsyncClient):
        client = cls(base_url=f"https://user:{PASSWORD}@api.example.test/v1")
        for text in (repr(client), str(client)):
            assert PASSWORD not in text and "user" not in text
            assert "https://api.example.test/v1" in text


def test_errors_and_logs_hide_userinfo(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    host = f"127.0.0.1:{server.port}"
    server.script(Reply(404, {"message": "nope"}))
    with socket.socket() as sock:  # a port with nothing listening
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    texts: list[str] = []
    for base in (
        f"http://user:{PASSWORD}@{host}",
        f"http://u:{PASSWORD}@127.0.0.1:{closed}",
    ):
        client = api.Client(base_url=base, max_retries=0, timeout=2.0)
        with client, pytest.raises(rt.SpecgenError) as info:
            client.fetch_phone_number(TRUNK_SID, "PN1")
        texts += [str(info.value), repr(info.value), repr(info.value.args)]
        texts.append(getattr(info.value, "url", ""))
    texts += [record.getMessage() for record in caplog.records]
    assert any("HTTP Request" in t for t in texts)  # httpx's own log line was seen
    assert [t for t in texts if PASSWORD in t] == []


def test_page_repr_hides_userinfo_and_query_keys() -> None:
    class KeyClient(api.Client):
        AUTH = "query"
        API_KEY_NAME = "ApiKey"

    KeyClient(token="k")  # registers ApiKey as a secret query parameter
    page: rt.Page[object, object] = rt.Page(
        None,
        [],
        httpx.Response(200),
        "https://api.example.test/next?ApiKey=k3y-s3cret&Page=2",
    )
    assert "k3y-s3cret" not in repr(page)
    assert "Page=2" in repr(page)
