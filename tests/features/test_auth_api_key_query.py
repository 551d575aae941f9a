"""auth_api_key_query: an apiKey sent in the query string, never shown in errors or logs.

The redaction tests run against the generated ``Client`` and against
``Configured``, a runtime client subclass with the same class attributes, so
that the runtime half of the feature is covered on its own too.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from ._support import Recorder, Reply, load_case, query

load_case("auth_api_key_query")

from auth_api_key_query import (
    ApiConnectionError,
    Client,
    NotFoundError,
    ResponseParseError,
)  # noqa: E402
from auth_api_key_query._runtime import Scheme  # noqa: E402

ENV = "AUTH_API_KEY_QUERY_API_KEY"
KEY = "sk-Zq9-very-secret"


class Configured(Client):
    """What the generated Client should say for this spec."""

    SECURITY_SCHEMES = (Scheme("key", "query", ("token",), (ENV,), "appid"),)
    SECURITY = (("key",),)


CLIENTS = [
    pytest.param(Client, id="generated"),
    pytest.param(Configured, id="configured"),
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


def sent_key(request: httpx.Request) -> None:
    """Precondition of the redaction tests: the key really went out."""
    assert ("appid", KEY) in query(request)


@pytest.mark.parametrize("cls", CLIENTS)
def test_key_is_sent_as_a_query_parameter(cls: type[Client]) -> None:
    recorder = Recorder(Reply(200, {"city": "Oslo", "temperature": -3}))
    with cls(token=KEY, transport=recorder.transport) as c:
        result = c.get_forecast(city="Oslo")
    assert result.temperature == -3.0
    assert sorted(query(recorder.last)) == [("appid", KEY), ("city", "Oslo")]
    assert "Authorization" not in recorder.last.headers


def test_key_defaults_to_the_package_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [s.envs for s in Client.SECURITY_SCHEMES] == [(ENV,)]
    monkeypatch.setenv(ENV, KEY)
    recorder = Recorder(Reply(200, {"city": "Oslo", "temperature": 1}))
    with Client(transport=recorder.transport) as c:
        c.get_forecast(city="Oslo")
    sent_key(recorder.last)


@pytest.mark.parametrize("cls", CLIENTS)
def test_key_is_not_in_api_error_text(cls: type[Client]) -> None:
    recorder = Recorder(Reply(404, {"message": "no such city"}))
    with (
        cls(token=KEY, transport=recorder.transport) as c,
        pytest.raises(NotFoundError) as caught,
    ):
        c.get_forecast(city="Atlantis")
    sent_key(recorder.last)
    error = caught.value
    assert KEY not in str(error) and KEY not in repr(error) and KEY not in error.url
    assert "appid=REDACTED" in str(error)
    assert "city=Atlantis" in str(error)


@pytest.mark.parametrize("cls", CLIENTS)
def test_key_is_not_in_parse_error_text(cls: type[Client]) -> None:
    recorder = Recorder(Reply(200, {"city": "Oslo"}))
    with (
        cls(token=KEY, transport=recorder.transport, strict=True) as c,
        pytest.raises(ResponseParseError) as caught,
    ):
        c.get_forecast(city="Oslo")
    sent_key(recorder.last)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("cls", "text"),
    [
        pytest.param(Client, "[Errno 111] Connection refused", id="generated"),
        pytest.param(Configured, "[Errno 111] Connection refused", id="configured"),
        pytest.param(
            Client,
            "cannot connect to {url}",
            id="generated-url-in-text",
        ),
        pytest.param(
            Configured,
            "cannot connect to {url}",
            id="configured-url-in-text",
        ),
    ],
)
def test_key_is_not_in_connection_error_text(cls: type[Client], text: str) -> None:
    requests: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        raise httpx.ConnectError(text.format(url=request.url), request=request)

    with cls(token=KEY, transport=httpx.MockTransport(refuse), max_retries=0) as c:
        with pytest.raises(ApiConnectionError) as caught:
            c.get_forecast(city="Oslo")
    sent_key(requests[0])
    error = caught.value
    assert KEY not in error.url
    assert "appid=REDACTED" in str(error)
    assert KEY not in str(error), str(error)


@pytest.mark.parametrize("cls", CLIENTS)
def test_key_is_not_in_logs(
    cls: type[Client], caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder(Reply(200, {"city": "Oslo", "temperature": 1}), Reply(404, {}))
    with caplog.at_level(logging.DEBUG):
        with cls(token=KEY, transport=recorder.transport, max_retries=0) as c:
            c.get_forecast(city="Oslo")
            with pytest.raises(NotFoundError):
                c.get_forecast(city="Oslo")
    sent_key(recorder.last)
    messages = [record.getMessage() for record in caplog.records]
    assert any("forecast" in m for m in messages), messages  # something was logged
    leaked: list[Any] = [m for m in messages if KEY in m]
    assert leaked == []
