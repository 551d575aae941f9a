"""Client behaviour against httpx.MockTransport: requests, auth, retries,
options, credential hygiene. Nothing sleeps: the sleep function is faked."""

from __future__ import annotations

import asyncio
import base64
import inspect
import logging
import sys
from email.utils import format_datetime as http_date
from datetime import UTC, datetime

import httpx
import pytest

import generator.runtime as rt

from . import sample_api as api
from .mock import FakeSleep, Script, json_response
from .sample_api import BASE_URL, TRUNK_SID, phone_number_json

USERNAME = "ACusername0000secret"
PASSWORD = "tok3n-very-secret"
LIST_OK = {"phone_numbers": [phone_number_json()], "meta": {"key": "phone_numbers"}}


def make_client(script: Script, **kwargs: object) -> tuple[api.Client, FakeSleep]:
    client = api.Client(USERNAME, PASSWORD, transport=script.transport(), **kwargs)  # type: ignore[arg-type]
    sleep = FakeSleep()
    client._sleep = sleep
    client._random = lambda: 0.5
    return client, sleep


def make_async_client(
    script: Script, **kwargs: object
) -> tuple[api.AsyncClient, FakeSleep]:
    client = api.AsyncClient(
        USERNAME, PASSWORD, transport=script.async_transport(), **kwargs  # type: ignore[arg-type]
    )
    sleep = FakeSleep()
    client._sleep = sleep.asleep
    client._random = lambda: 0.5
    return client, sleep


# --- requests -----------------------------------------------------------------


def test_send_builds_the_request() -> None:
    script = Script(json_response(200, LIST_OK))
    client, _ = make_client(script)
    with client:
        result = client.list_phone_numbers(TRUNK_SID, page_size=5, page=0)
    assert isinstance(result, api.ListPhoneNumberResponse)
    assert result.phone_numbers is not None and result.phone_numbers[0].page == 0
    (request,) = script.requests
    assert request.method == "GET"
    assert (
        str(request.url)
        == f"{BASE_URL}/v1/Trunks/{TRUNK_SID}/PhoneNumbers?PageSize=5&Page=0"
    )
    expected_auth = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected_auth}"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert request.headers["User-Agent"] == (
        f"sample_api/1.2.3 specgen-runtime python/{version} httpx/{httpx.__version__}"
    )
    assert request.headers["Accept"] == "application/json"


def test_header_params_custom_headers_and_path_encoding() -> None:
    script = Script(json_response(200, phone_number_json()))
    client, _ = make_client(script, headers={"X-Custom": "1"})
    with client:
        client.fetch_phone_number("TK/1", "PN?'", trace="abc")
    (request,) = script.requests
    assert request.url.raw_path == b"/v1/Trunks/TK%2F1/PhoneNumbers/PN%3F%27"
    assert request.headers["X-Trace"] == "abc"
    assert request.headers["X-Custom"] == "1"


def test_form_post() -> None:
    script = Script(json_response(201, phone_number_json()))
    client, _ = make_client(script)
    with client:
        client.create_phone_number(
            TRUNK_SID, phone_number_sid="PN1", method=api.HttpMethod.POST
        )
    (request,) = script.requests
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.content == b"PhoneNumberSid=PN1&Method=POST"


def test_no_body_operation_returns_none() -> None:
    script = Script(httpx.Response(204))
    client, _ = make_client(script)
    with client:
        assert client.delete_phone_number(TRUNK_SID, "PN1") is None


def test_send_raw() -> None:
    script = Script(json_response(200, phone_number_json(), **{"X-Request-Id": "r1"}))
    client, _ = make_client(script)
    with client:
        raw = client.send_raw(api.fetch_phone_number(TRUNK_SID, "PN1"))
    assert isinstance(raw, rt.ApiResponse)
    assert isinstance(raw.parsed, api.PhoneNumber)
    assert raw.status_code == 200
    assert raw.headers["X-Request-Id"] == "r1"
    assert raw.response.json()["page"] == 0


def test_operation_server_overrides_base_url() -> None:
    op = rt.Operation(
        name="elsewhere",
        method="GET",
        path="/ping",
        response=rt.ANY,
        server="https://o.test/",
    )
    script = Script(json_response(200, {"ok": True}))
    client, _ = make_client(script)
    with client:
        assert client.send(rt.Request(op, {})) == {"ok": True}
    assert script.urls == ["https://o.test/ping"]


def test_base_url_argument() -> None:
    script = Script(json_response(200, phone_number_json()))
    client, _ = make_client(script, base_url="http://localhost:1234/prefix/")
    with client:
        client.fetch_phone_number("TK1", "PN1")
    assert client.base_url == "http://localhost:1234/prefix"
    assert script.urls == [
        "http://localhost:1234/prefix/v1/Trunks/TK1/PhoneNumbers/PN1"
    ]


# --- response problems -------------------------------------------------------------


def test_response_parse_error_names_operation_and_field() -> None:
    body = {"phone_numbers": [phone_number_json(beta="yes")]}
    client, _ = make_client(Script(json_response(200, body)), strict=True)
    with client, pytest.raises(rt.ResponseParseError) as info:
        client.list_phone_numbers(TRUNK_SID)
    assert str(info.value) == (
        "list_phone_numbers: response field phone_numbers[0].beta:"
        " expected a boolean, got 'yes'"
    )
    assert info.value.operation == "list_phone_numbers"
    assert info.value.field == "phone_numbers[0].beta"


@pytest.mark.parametrize(
    "content", [b"", b"{not json", b'{"phone_numbers": [', b"\xff\xfe"]
)
def test_invalid_json_is_a_parse_error(content: bytes) -> None:
    client, _ = make_client(Script(httpx.Response(200, content=content)))
    with client, pytest.raises(rt.ResponseParseError) as info:
        client.list_phone_numbers(TRUNK_SID)
    assert info.value.field is None
    assert str(info.value).startswith("list_phone_numbers: response body:")


def test_error_status_raises_mapped_error() -> None:
    body = {
        "code": 20404,
        "message": "not found",
        "more_info": "https://x",
        "status": 404,
    }
    client, sleep = make_client(Script(json_response(404, body)))
    with client, pytest.raises(rt.NotFoundError) as info:
        client.fetch_phone_number(TRUNK_SID, "PN1")
    assert info.value.code == 20404
    assert info.value.url == f"{BASE_URL}/v1/Trunks/{TRUNK_SID}/PhoneNumbers/PN1"
    assert sleep.delays == []  # 404 is not retried


# --- credentials ---------------------------------------------------------------------


def test_credentials_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMPLE_ACCOUNT_SID", "ACenv")
    monkeypatch.setenv("SAMPLE_AUTH_TOKEN", "envtoken")
    script = Script(json_response(200, {}))
    with api.Client(transport=script.transport()) as client:
        client.send(_any_request())
    expected = base64.b64encode(b"ACenv:envtoken").decode()
    assert script.requests[0].headers["Authorization"] == f"Basic {expected}"


def test_explicit_credentials_win_over_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAMPLE_ACCOUNT_SID", "ACenv")
    monkeypatch.setenv("SAMPLE_AUTH_TOKEN", "envtoken")
    script = Script(json_response(200, {}))
    with api.Client("ACarg", "argtoken", transport=script.transport()) as client:
        client.send(_any_request())
    expected = base64.b64encode(b"ACarg:argtoken").decode()
    assert script.requests[0].headers["Authorization"] == f"Basic {expected}"


def test_no_credentials_sends_no_authorization(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMPLE_ACCOUNT_SID", raising=False)
    monkeypatch.delenv("SAMPLE_AUTH_TOKEN", raising=False)
    script = Script(json_response(401, {"message": "auth required", "code": 20003}))
    with api.Client(transport=script.transport()) as client:
        with pytest.raises(rt.AuthenticationError):
            client.send(_any_request())
    assert "Authorization" not in script.requests[0].headers


def test_incomplete_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMPLE_ACCOUNT_SID", raising=False)
    monkeypatch.delenv("SAMPLE_AUTH_TOKEN", raising=False)
    with pytest.raises(ValueError, match="SAMPLE_AUTH_TOKEN") as info:
        api.Client(USERNAME)
    assert USERNAME not in str(info.value)


def test_credentials_never_leak(caplog: pytest.LogCaptureFixture) -> None:
    script = Script(
        json_response(500, {"message": "boom"}),
        httpx.ConnectError("refused"),
        json_response(401, {"message": "denied"}),
        json_response(200, {"phone_numbers": "nope"}),
        httpx.ReadTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.ReadTimeout("slow"),
    )
    client, _ = make_client(script, strict=True)
    texts = [repr(client), str(client)]
    with caplog.at_level(logging.DEBUG), client:
        for _ in range(3):
            with pytest.raises(rt.SpecgenError) as info:
                client.list_phone_numbers(TRUNK_SID)
            texts += [str(info.value), repr(info.value), repr(info.value.args)]
    assert len(script.requests) == 7
    assert caplog.records, "expected DEBUG log lines"
    texts += [record.getMessage() for record in caplog.records]
    encoded = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    for text in texts:
        assert PASSWORD not in text
        assert USERNAME not in text
        assert encoded not in text
    assert repr(client) == f"Client(base_url={BASE_URL!r})"


def test_debug_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    script = Script(json_response(503, {}), json_response(200, LIST_OK))
    client, _ = make_client(script)
    with caplog.at_level(logging.DEBUG, logger="sample_api"), client:
        client.list_phone_numbers(TRUNK_SID)
    messages = [r.getMessage() for r in caplog.records if r.name == "sample_api"]
    url = f"{BASE_URL}/v1/Trunks/{TRUNK_SID}/PhoneNumbers"
    assert messages == [
        f"GET {url} -> 503 (attempt 1 of 3); retrying in 0.250 s",
        f"GET {url} -> 200 (attempt 2 of 3)",
    ]


# --- retries ----------------------------------------------------------------------------


def test_retries_server_errors_with_backoff() -> None:
    script = Script(
        json_response(500, {}), json_response(502, {}), json_response(200, LIST_OK)
    )
    client, sleep = make_client(script)
    with client:
        client.list_phone_numbers(TRUNK_SID)
    assert len(script.requests) == 3
    # full jitter with random() == 0.5: 0.5 * 0.5 * 2**attempt
    assert sleep.delays == [0.25, 0.5]


def test_backoff_is_capped() -> None:
    script = Script(fallback=json_response(503, {}))
    client, sleep = make_client(script, max_retries=7)
    client._random = lambda: 1.0
    with client, pytest.raises(rt.ServerError):
        client.list_phone_numbers(TRUNK_SID)
    assert sleep.delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert len(script.requests) == 8


def test_backoff_uses_full_jitter() -> None:
    script = Script(fallback=json_response(503, {}))
    client, sleep = make_client(script, max_retries=2)
    client._random = lambda: 0.0
    with client, pytest.raises(rt.ServerError):
        client.list_phone_numbers(TRUNK_SID)
    assert sleep.delays == [0.0, 0.0]


def test_retry_after_seconds() -> None:
    script = Script(
        json_response(429, {"message": "slow down"}, **{"Retry-After": "3"}),
        json_response(200, LIST_OK),
    )
    client, sleep = make_client(script)
    with client:
        client.list_phone_numbers(TRUNK_SID)
    assert sleep.delays == [3.0]


def test_retry_after_http_date() -> None:
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    later = datetime(2024, 1, 1, 12, 0, 7, tzinfo=UTC)
    script = Script(
        json_response(503, {}, **{"Retry-After": http_date(later, usegmt=True)}),
        json_response(200, LIST_OK),
    )
    client, sleep = make_client(script)
    client._clock = now.timestamp
    with client:
        client.list_phone_numbers(TRUNK_SID)
    assert sleep.delays == [7.0]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("3600", 60.0),
        ("-5", 0.0),
        ("soon", 0.25),
        ("Thu, 01 Jan 2099 00:00:00 GMT", 60.0),
    ],
)
def test_retry_after_is_capped_and_validated(header: str, expected: float) -> None:
    script = Script(
        json_response(429, {}, **{"Retry-After": header}), json_response(200, LIST_OK)
    )
    client, sleep = make_client(script)
    with client:
        client.list_phone_numbers(TRUNK_SID)
    assert sleep.delays == [expected]


def test_retry_after_cap_is_configurable() -> None:
    class Patient(api.Client):
        RETRY_AFTER_MAX = 5.0

    script = Script(
        json_response(429, {}, **{"Retry-After": "30"}), json_response(200, LIST_OK)
    )
    client = Patient(transport=script.transport())
    sleep = FakeSleep()
    client._sleep = sleep
    with client:
        client.list_phone_numbers(TRUNK_SID)
    assert sleep.delays == [5.0]


def test_rate_limit_error_after_retries() -> None:
    script = Script(
        fallback=json_response(429, {"code": 20429}, **{"Retry-After": "2"})
    )
    client, sleep = make_client(script, max_retries=1)
    with client, pytest.raises(rt.RateLimitError) as info:
        client.list_phone_numbers(TRUNK_SID)
    assert info.value.retry_after == 2.0
    assert sleep.delays == [2.0]
    assert len(script.requests) == 2


def test_max_retries_zero() -> None:
    script = Script(json_response(503, {}))
    client, sleep = make_client(script, max_retries=0)
    with client, pytest.raises(rt.ServerError):
        client.list_phone_numbers(TRUNK_SID)
    assert sleep.delays == [] and len(script.requests) == 1


def test_invalid_max_retries() -> None:
    with pytest.raises(ValueError):
        api.Client(max_retries=-1)


def test_post_is_not_retried_on_server_error() -> None:
    script = Script(json_response(503, {}))
    client, sleep = make_client(script)
    with client, pytest.raises(rt.ServerError):
        client.create_phone_number(TRUNK_SID, phone_number_sid="PN1")
    assert len(script.requests) == 1 and sleep.delays == []


def test_post_is_not_retried_after_a_read_timeout() -> None:
    script = Script(httpx.ReadTimeout("slow"))
    client, _ = make_client(script)
    with client, pytest.raises(rt.ApiTimeoutError) as info:
        client.create_phone_number(TRUNK_SID, phone_number_sid="PN1")
    assert info.value.attempts == 1 and len(script.requests) == 1


def test_post_is_retried_when_nothing_was_sent() -> None:
    script = Script(
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow connect"),
        json_response(201, phone_number_json()),
    )
    client, sleep = make_client(script)
    with client:
        client.create_phone_number(TRUNK_SID, phone_number_sid="PN1")
    assert len(script.requests) == 3 and sleep.delays == [0.25, 0.5]


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("t"),
        httpx.ReadError("r"),
        httpx.RemoteProtocolError("p"),
        httpx.ConnectError("c"),
        httpx.WriteError("w"),
        httpx.PoolTimeout("p"),
    ],
)
def test_transport_errors_are_retried_for_get(exc: Exception) -> None:
    script = Script(exc, json_response(200, LIST_OK))
    client, sleep = make_client(script)
    with client:
        client.list_phone_numbers(TRUNK_SID)
    assert len(script.requests) == 2 and len(sleep.delays) == 1


def test_transport_error_after_retries_is_wrapped() -> None:
    script = Script(fallback=httpx.ConnectError("refused"))
    client, sleep = make_client(script, max_retries=2)
    with client, pytest.raises(rt.ApiConnectionError) as info:
        client.list_phone_numbers(TRUNK_SID)
    error = info.value
    assert not isinstance(error, rt.ApiTimeoutError)
    assert isinstance(error.__cause__, httpx.ConnectError)
    assert error.attempts == 3 and error.method == "GET"
    assert "after 3 attempts: ConnectError: refused" in str(error)
    assert len(sleep.delays) == 2


def test_timeout_after_retries() -> None:
    script = Script(fallback=httpx.ReadTimeout("slow"))
    client, _ = make_client(script, max_retries=1)
    with client, pytest.raises(rt.ApiTimeoutError) as info:
        client.list_phone_numbers(TRUNK_SID)
    assert "timed out after 2 attempts" in str(info.value)


# --- options and lifecycle ----------------------------------------------------------------


def test_default_and_disabled_timeouts() -> None:
    script = Script(fallback=json_response(200, LIST_OK))
    client, _ = make_client(script)
    none_client, _ = make_client(script, timeout=None)
    with client, none_client:
        client.list_phone_numbers(TRUNK_SID)
        none_client.list_phone_numbers(TRUNK_SID)
    assert script.requests[0].extensions["timeout"] == {
        "connect": 5.0,
        "read": 30.0,
        "write": 30.0,
        "pool": 30.0,
    }
    assert set(script.requests[1].extensions["timeout"].values()) == {None}


def test_with_options() -> None:
    script = Script(fallback=json_response(503, {}))
    client, sleep = make_client(script, max_retries=3)
    quick = client.with_options(timeout=1.5, max_retries=0)
    assert type(quick) is api.Client
    assert quick._http is client._http  # shares the connection pool
    assert (client.timeout, client.max_retries) == (rt.DEFAULT_TIMEOUT, 3)
    with pytest.raises(rt.ServerError):
        quick.list_phone_numbers(TRUNK_SID)
    assert len(script.requests) == 1
    assert script.requests[0].extensions["timeout"]["read"] == 1.5
    quick.close()  # must not close the shared pool
    assert not client._http.is_closed
    with pytest.raises(rt.ServerError):
        client.list_phone_numbers(TRUNK_SID)
    assert len(script.requests) == 5
    client.close()
    assert client._http.is_closed
    with pytest.raises(ValueError):
        client.with_options(max_retries=-2)


def test_injected_http_client_is_not_closed() -> None:
    script = Script(json_response(200, LIST_OK))
    http = httpx.Client(transport=script.transport())
    with api.Client(http_client=http) as client:
        client.list_phone_numbers(TRUNK_SID)
    assert not http.is_closed
    http.close()
    with pytest.raises(ValueError):
        api.Client(http_client=http, transport=script.transport())


def test_method_descriptor_metadata() -> None:
    assert isinstance(
        api.Client.__dict__["list_phone_numbers"], type(api.Client.list_phone_numbers)
    )
    client = api.Client()
    bound = client.list_phone_numbers
    assert bound.__name__ == "list_phone_numbers"
    assert bound.__doc__ == "List phone numbers."
    assert str(inspect.signature(bound)).startswith("(trunk_sid: 'str', *, page_size:")
    client.close()


# --- async --------------------------------------------------------------------------------


def test_async_send_retry_and_raw() -> None:
    script = Script(
        json_response(503, {}),
        json_response(200, LIST_OK),
        json_response(200, phone_number_json()),
    )

    async def main() -> None:
        client, sleep = make_async_client(script)
        async with client:
            result = await client.list_phone_numbers(TRUNK_SID, page_size=2)
            assert isinstance(result, api.ListPhoneNumberResponse)
            raw = await client.send_raw(api.fetch_phone_number(TRUNK_SID, "PN1"))
            assert isinstance(raw.parsed, api.PhoneNumber)
        assert sleep.delays == [0.25]
        assert client._http.is_closed

    asyncio.run(main())
    assert len(script.requests) == 3
    assert script.requests[0].headers["Authorization"].startswith("Basic ")


def test_async_errors_and_options() -> None:
    script = Script(
        fallback=json_response(404, {"message": "gone", "code": 20404}),
    )

    async def main() -> None:
        client, sleep = make_async_client(script)
        quick = client.with_options(max_retries=0, timeout=2.0)
        with pytest.raises(rt.NotFoundError):
            await quick.fetch_phone_number(TRUNK_SID, "PN1")
        await quick.close()
        assert not client._http.is_closed
        await client.close()
        assert sleep.delays == []

    asyncio.run(main())


def test_async_transport_error_after_retries() -> None:
    script = Script(fallback=httpx.ReadTimeout("slow"))

    async def main() -> None:
        client, sleep = make_async_client(script, max_retries=2)
        async with client:
            with pytest.raises(rt.ApiTimeoutError):
                await client.list_phone_numbers(TRUNK_SID)
        assert sleep.delays == [0.25, 0.5]

    asyncio.run(main())


def test_async_method_is_a_coroutine_function() -> None:
    client = api.AsyncClient()
    assert inspect.iscoroutinefunction(client.list_phone_numbers)
    assert client.list_phone_numbers.__doc__ == "List phone numbers."
    asyncio.run(client.close())


def _any_request() -> rt.Request[object]:
    op = rt.Operation(name="ping", method="GET", path="/ping", response=rt.ANY)
    return rt.Request(op, {})
