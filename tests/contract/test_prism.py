"""The generated Twilio Trunking client against a real Prism mock server.

Prism validates each request against the spec and answers with the spec's
``read_full`` example. What it reports (see conftest.py for the flags):

* an invalid request gets a 422 problem document listing the violations;
* a request without credentials gets a 401 problem document;
* a valid request gets the example, with response violations, if any, in the
  ``sl-violations`` header: a JSON list of objects with ``location`` (a list
  starting with "request" or "response"), ``severity``, ``code``, ``message``.
"""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from twilio_trunking_v1 import (
    AsyncClient,
    AuthenticationError,
    Client,
    HttpMethod,
    ListPhoneNumberResponse,
    MissingCredentialsError,
    PhoneNumber,
    PhoneNumberAddressRequirements,
)
from twilio_trunking_v1 import operations as ops

ACCOUNT_SID = "AC" + "a" * 32
AUTH_TOKEN = "token"
TRUNK_SID = "TK" + "a" * 32
PHONE_SID = "PN" + "a" * 32
TIMEOUT = 10.0  # seconds, per request

PATH = f"/v1/Trunks/{TRUNK_SID}/PhoneNumbers"
BASIC = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()

# What Prism reports for the spec's own ``read_full`` example once it can
# compile the response schema: empty strings where a URI or an AP... SID is
# required. (location, code) pairs.
_ITEM = ("response", "body", "phone_numbers", "0")
EXAMPLE_RESPONSE_VIOLATIONS: set[tuple[tuple[str, ...], str]] = {
    ((*_ITEM, "sms_fallback_url"), "format"),
    ((*_ITEM, "status_callback"), "format"),
    ((*_ITEM, "voice_application_sid"), "minLength"),
    ((*_ITEM, "voice_application_sid"), "pattern"),
}


def make_client(base_url: str) -> Client:
    return Client(
        ACCOUNT_SID, AUTH_TOKEN, base_url=base_url, timeout=TIMEOUT, max_retries=0
    )


def make_async_client(base_url: str) -> AsyncClient:
    return AsyncClient(
        ACCOUNT_SID, AUTH_TOKEN, base_url=base_url, timeout=TIMEOUT, max_retries=0
    )


def violations(response: httpx.Response) -> list[dict[str, Any]]:
    """The parsed ``sl-violations`` header; [] when Prism sent none."""
    header = response.headers.get("sl-violations")
    if header is None:
        return []
    assert not header.startswith("Too many violations!"), header[:500]
    parsed = json.loads(header)
    assert isinstance(parsed, list), header
    for violation in parsed:
        location = violation["location"]
        assert location and location[0] in ("request", "response"), violation
    return parsed


def request_violations(response: httpx.Response) -> list[dict[str, Any]]:
    return [v for v in violations(response) if v["location"][0] == "request"]


def response_violations(response: httpx.Response) -> set[tuple[tuple[str, ...], str]]:
    return {
        (tuple(v["location"]), v["code"])
        for v in violations(response)
        if v["location"][0] == "response"
    }


def check_sent(response: httpx.Response, params: dict[str, str]) -> None:
    """The request behind ``response`` went to the operation with basic auth."""
    request = response.request
    assert request.method == "GET"
    assert request.url.path == PATH
    assert dict(request.url.params) == params
    assert request.headers["authorization"] == BASIC


def check_phone_number(phone: PhoneNumber) -> None:
    assert isinstance(phone, PhoneNumber)
    assert phone.sid == PHONE_SID
    assert phone.sid.startswith("PN")
    assert phone.account_sid == ACCOUNT_SID
    assert phone.trunk_sid == TRUNK_SID
    assert phone.phone_number == "+14158675309"
    assert phone.beta is False
    assert phone.capabilities == {"mms": True, "sms": True, "voice": True}
    assert phone.sms_method is HttpMethod.POST
    assert phone.voice_fallback_method is None
    assert phone.address_requirements is PhoneNumberAddressRequirements.NONE
    assert phone.voice_caller_id_lookup is None
    # RFC 3339 with "Z": an aware datetime in UTC.
    assert phone.date_created == datetime(2010, 12, 10, 17, 27, 34, tzinfo=UTC)
    assert phone.date_created.tzinfo is not None
    assert phone.date_created.utcoffset() == timedelta(0)
    assert phone.date_updated == datetime(2015, 10, 9, 11, 36, 32, tzinfo=UTC)
    # The values the spec forbids (Prism flags them once it can) are kept.
    assert phone.sms_fallback_url == ""
    assert phone.status_callback == ""
    assert phone.voice_application_sid == ""
    # "links" is not in the schema: it is kept in extra, and only it.
    assert set(phone.extra) == {"links"}
    assert phone.extra["links"] == {
        "phone_number": "https://api.twilio.com/2010-04-01/Accounts/"
        f"{ACCOUNT_SID}/IncomingPhoneNumbers/{PHONE_SID}.json"
    }


def check_page(page: ListPhoneNumberResponse) -> None:
    assert isinstance(page, ListPhoneNumberResponse)
    assert page.meta is not None
    assert page.meta.key == "phone_numbers"
    assert page.meta.page == 0
    assert page.meta.page_size == 1
    assert page.meta.next_page_url is None
    assert page.meta.previous_page_url is None
    assert page.meta.extra == {}
    assert page.extra == {}
    assert page.phone_numbers is not None
    assert len(page.phone_numbers) == 1
    check_phone_number(page.phone_numbers[0])


def test_sync_client_lists_phone_numbers(prism: str) -> None:
    with make_client(prism) as client:
        page = client.list_phone_numbers(TRUNK_SID, page_size=20)
        raw = client.send_raw(ops.list_phone_numbers(TRUNK_SID, page_size=20))

    check_page(page)
    check_page(raw.parsed)
    assert raw.status_code == 200
    assert raw.headers is raw.response.headers
    assert raw.response.headers["content-type"] == "application/json"
    check_sent(raw.response, {"PageSize": "20"})
    assert request_violations(raw.response) == []
    assert response_violations(raw.response) == EXAMPLE_RESPONSE_VIOLATIONS


def test_violation_severities_are_errors_and_the_client_parses_anyway(
    prism: str,
) -> None:
    """Prism flags the spec's own example (empty URI and SID); the client keeps it."""
    with make_client(prism) as client:
        raw = client.send_raw(ops.list_phone_numbers(TRUNK_SID, page_size=20))

    assert raw.status_code == 200
    assert {v["severity"] for v in violations(raw.response)} == {"Error"}
    check_page(raw.parsed)


def test_async_client_lists_and_paginates_phone_numbers(prism: str) -> None:
    async def run() -> tuple[Any, Any, list[PhoneNumber]]:
        async with make_async_client(prism) as client:
            page = await client.list_phone_numbers(TRUNK_SID, page_size=20)
            raw = await client.send_raw(ops.list_phone_numbers(TRUNK_SID, page_size=20))
            items = [
                item
                async for item in client.paginate(
                    ops.list_phone_numbers(TRUNK_SID), limit=5
                )
            ]
        return page, raw, items

    page, raw, items = asyncio.run(run())

    check_page(page)
    check_page(raw.parsed)
    assert raw.status_code == 200
    check_sent(raw.response, {"PageSize": "20"})
    assert request_violations(raw.response) == []
    assert response_violations(raw.response) == EXAMPLE_RESPONSE_VIOLATIONS
    assert len(items) == 1
    check_phone_number(items[0])


def test_paginate_stops_after_the_only_page(prism: str) -> None:
    with make_client(prism) as client:
        items = list(client.paginate(ops.list_phone_numbers(TRUNK_SID), limit=5))
        pages = list(
            client.paginate(ops.list_phone_numbers(TRUNK_SID), limit=5).pages()
        )

    assert len(items) == 1
    check_phone_number(items[0])
    assert len(pages) == 1
    (page,) = pages
    assert page.next_url is None
    check_page(page.parsed)
    assert page.items == page.parsed.phone_numbers
    # limit=5 lowers the page size of the first (here only) request to 5.
    check_sent(page.response, {"PageSize": "5"})
    assert request_violations(page.response) == []


@pytest.mark.parametrize(
    "kwargs, params",
    [
        pytest.param({"page_size": 1}, {"PageSize": "1"}, id="page_size-min"),
        pytest.param({"page_size": 1000}, {"PageSize": "1000"}, id="page_size-max"),
        pytest.param({"page": 0}, {"Page": "0"}, id="page-min"),
        pytest.param(
            {"page_token": "PT1", "page": 3, "page_size": 50},
            {"PageSize": "50", "Page": "3", "PageToken": "PT1"},
            id="all",
        ),
    ],
)
def test_arguments_the_client_accepts_pass_prism_validation(
    prism: str, kwargs: dict[str, Any], params: dict[str, str]
) -> None:
    with make_client(prism) as client:
        raw = client.send_raw(ops.list_phone_numbers(TRUNK_SID, **kwargs))

    assert raw.status_code == 200
    check_sent(raw.response, params)
    assert request_violations(raw.response) == []


@pytest.mark.parametrize(
    "kwargs, path, params, error, locations",
    [
        pytest.param(
            {"trunk_sid": "bad"},
            "/v1/Trunks/bad/PhoneNumbers",
            {},
            "trunk_sid",
            {("path", "trunksid")},
            id="trunk_sid-short",
        ),
        pytest.param(
            {"trunk_sid": "TK" + "g" * 32},
            "/v1/Trunks/TK" + "g" * 32 + "/PhoneNumbers",
            {},
            "trunk_sid",
            {("path", "trunksid")},
            id="trunk_sid-not-hex",
        ),
        pytest.param(
            {"trunk_sid": TRUNK_SID, "page_size": 0},
            PATH,
            {"PageSize": "0"},
            "page_size",
            {("query", "pagesize")},
            id="page_size-0",
        ),
        pytest.param(
            {"trunk_sid": TRUNK_SID, "page_size": 1001},
            PATH,
            {"PageSize": "1001"},
            "page_size",
            {("query", "pagesize")},
            id="page_size-1001",
        ),
        pytest.param(
            {"trunk_sid": TRUNK_SID, "page": -1},
            PATH,
            {"Page": "-1"},
            "page",
            {("query", "page")},
            id="page-negative",
        ),
    ],
)
def test_prism_and_client_reject_the_same_arguments(
    prism: str,
    kwargs: dict[str, Any],
    path: str,
    params: dict[str, str],
    error: str,
    locations: set[tuple[str, ...]],
) -> None:
    # Sent as it is, the request breaks the spec: Prism answers 422.
    with httpx.Client(
        base_url=prism,
        auth=(ACCOUNT_SID, AUTH_TOKEN),
        timeout=TIMEOUT,
        trust_env=False,
    ) as http:
        response = http.get(path, params=params)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == "https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY"
    assert {tuple(v["location"]) for v in problem["validation"]} == locations

    # The client refuses to build it: ValueError, and nothing reaches Prism.
    sent: list[httpx.Request] = []
    with (
        httpx.Client(event_hooks={"request": [sent.append]}, trust_env=False) as http,
        Client(
            ACCOUNT_SID,
            AUTH_TOKEN,
            base_url=prism,
            http_client=http,
            timeout=TIMEOUT,
            max_retries=0,
        ) as client,
    ):
        with pytest.raises(ValueError, match=rf"^{error}: "):
            client.list_phone_numbers(**kwargs)
    assert sent == []


def test_missing_credentials_get_prisms_401(
    prism: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWILIO_ACCOUNT_SID", raising=False)
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)

    # The generated client refuses to send without credentials; clients told
    # that no operation needs any send the request, and Prism answers 401.
    with Client(base_url=prism, timeout=TIMEOUT, max_retries=0) as client:
        with pytest.raises(MissingCredentialsError):
            client.list_phone_numbers(TRUNK_SID)

    class Anonymous(Client):
        SECURITY = ()

    class AsyncAnonymous(AsyncClient):
        SECURITY = ()

    with Anonymous(base_url=prism, timeout=TIMEOUT, max_retries=0) as client:
        with pytest.raises(AuthenticationError) as sync_info:
            client.list_phone_numbers(TRUNK_SID)

    async def run() -> None:
        async with AsyncAnonymous(
            base_url=prism, timeout=TIMEOUT, max_retries=0
        ) as client:
            await client.list_phone_numbers(TRUNK_SID)

    with pytest.raises(AuthenticationError) as async_info:
        asyncio.run(run())

    for error in (sync_info.value, async_info.value):
        assert error.status == 401
        assert error.method == "GET"
        assert error.url == f"{prism}{PATH}"
        assert error.response is not None
        assert "authorization" not in error.response.request.headers
        assert error.headers["content-type"] == "application/problem+json"
        assert error.headers["www-authenticate"] == 'Basic realm="*"'
        problem = json.loads(error.body)
        assert problem["type"] == "https://stoplight.io/prism/errors#UNAUTHORIZED"
        assert error.message == problem["detail"]


def test_credentials_from_the_environment_are_sent(
    prism: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)

    with Client(base_url=prism, timeout=TIMEOUT, max_retries=0) as client:
        raw = client.send_raw(ops.list_phone_numbers(TRUNK_SID))

    assert raw.status_code == 200
    check_sent(raw.response, {})
    check_page(raw.parsed)
