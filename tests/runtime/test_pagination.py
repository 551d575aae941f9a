"""Pagination over httpx.MockTransport: laziness, limits, page sizes, safety."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import generator.runtime as rt

from . import sample_api as api
from .mock import Script, json_response
from .sample_api import BASE_URL, TRUNK_SID, phone_number_json

LIST_PATH = f"/v1/Trunks/{TRUNK_SID}/PhoneNumbers"


def page_url(page: int, size: int, base: str = BASE_URL) -> str:
    return f"{base}{LIST_PATH}?PageSize={size}&Page={page}&PageToken=PT{page}"


def pager(pages: int, per_page: int = 3, next_base: str = BASE_URL) -> Script:
    """Serves ``pages`` pages of ``per_page`` items; item ``page`` numbers
    are 100 * page index + position."""

    def handler(request: httpx.Request) -> httpx.Response:
        index = int(request.url.params.get("Page", "0"))
        size = int(request.url.params.get("PageSize", "50"))
        last = index + 1 >= pages
        body = {
            "phone_numbers": [
                phone_number_json(page=index * 100 + i) for i in range(per_page)
            ],
            "meta": {
                "key": "phone_numbers",
                "page_size": size,
                "next_page_url": None if last else page_url(index + 1, size, next_base),
            },
        }
        return json_response(200, body)

    return Script(fallback=handler)


def client_for(script: Script) -> api.Client:
    client = api.Client("AC1", "secret", transport=script.transport())
    client._sleep = lambda seconds: None
    return client


def item_ids(items: Any) -> list[int]:
    return [item.page for item in items]


def test_iterates_items_across_pages() -> None:
    script = pager(pages=3)
    with client_for(script) as client:
        ids = item_ids(client.paginate(api.list_phone_numbers(TRUNK_SID)))
    assert ids == [0, 1, 2, 100, 101, 102, 200, 201, 202]
    assert len(script.requests) == 3
    assert script.urls[1] == page_url(1, 50)
    # headers and auth are sent on every page
    assert all(r.headers["Authorization"].startswith("Basic ") for r in script.requests)


def test_is_lazy() -> None:
    script = pager(pages=3)
    with client_for(script) as client:
        paginator = client.paginate(api.list_phone_numbers(TRUNK_SID))
        assert script.requests == []
        iterator = iter(paginator)
        next(iterator)
        assert len(script.requests) == 1
        next(iterator), next(iterator)
        assert len(script.requests) == 1
        next(iterator)
        assert len(script.requests) == 2


@pytest.mark.parametrize(
    ("limit", "ids", "requests"),
    [(6, [0, 1, 2, 100, 101, 102], 2), (4, [0, 1, 2, 100], 2), (2, [0, 1], 1)],
)
def test_limit_stops_without_extra_requests(
    limit: int, ids: list[int], requests: int
) -> None:
    script = pager(pages=5)
    with client_for(script) as client:
        assert (
            item_ids(client.paginate(api.list_phone_numbers(TRUNK_SID), limit=limit))
            == ids
        )
    assert len(script.requests) == requests


def test_limit_zero_sends_nothing() -> None:
    script = pager(pages=5)
    with client_for(script) as client:
        paginator = client.paginate(api.list_phone_numbers(TRUNK_SID), limit=0)
        assert list(paginator) == [] and list(paginator.pages()) == []
    assert script.requests == []


def test_negative_limit() -> None:
    with client_for(pager(1)) as client, pytest.raises(ValueError):
        client.paginate(api.list_phone_numbers(TRUNK_SID), limit=-1)


@pytest.mark.parametrize(
    ("page_size", "limit", "sent"),
    [
        (5000, None, "1000"),  # clamped to the maximum
        (0, None, "1"),  # clamped to the minimum
        (50, 3, "3"),  # lowered to the limit
        (None, 7, "7"),  # the limit alone sets it
        (None, 10_000, "1000"),
        (20, 100, "20"),
        (None, None, None),
    ],
)
def test_page_size(page_size: int | None, limit: int | None, sent: str | None) -> None:
    script = pager(pages=1)
    with client_for(script) as client:
        list(
            client.paginate(
                api.list_phone_numbers(TRUNK_SID), page_size=page_size, limit=limit
            )
        )
    assert script.requests[0].url.params.get("PageSize") == sent


def test_page_size_from_the_request_is_lowered_to_limit() -> None:
    script = pager(pages=1)
    with client_for(script) as client:
        list(client.paginate(api.list_phone_numbers(TRUNK_SID, page_size=100), limit=2))
    assert script.requests[0].url.params["PageSize"] == "2"


def test_pages() -> None:
    script = pager(pages=2, per_page=2)
    with client_for(script) as client:
        pages = list(
            client.paginate(api.list_phone_numbers(TRUNK_SID), page_size=2).pages()
        )
    assert [item_ids(p.items) for p in pages] == [[0, 1], [100, 101]]
    first = pages[0]
    assert isinstance(first.parsed, api.ListPhoneNumberResponse)
    assert first.items is first.parsed.phone_numbers  # decoded once, shared
    assert first.next_url == page_url(1, 2)
    assert first.response.status_code == 200
    assert pages[1].next_url is None


def test_iterating_twice_starts_over() -> None:
    script = pager(pages=2, per_page=1)
    with client_for(script) as client:
        paginator = client.paginate(api.list_phone_numbers(TRUNK_SID))
        assert item_ids(paginator) == item_ids(paginator) == [0, 100]
    assert len(script.requests) == 4


def test_next_page_on_another_host_is_refused() -> None:
    script = pager(pages=3, next_base="https://evil.example.test")
    with client_for(script) as client:
        iterator = iter(client.paginate(api.list_phone_numbers(TRUNK_SID)))
        assert item_ids([next(iterator) for _ in range(3)]) == [0, 1, 2]
        with pytest.raises(rt.PaginationError, match="another origin") as info:
            next(iterator)
    assert "secret" not in str(info.value)
    assert {r.url.host for r in script.requests} == {"trunking.example.test"}
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    "base", ["http://trunking.example.test", "https://trunking.example.test:8443"]
)
def test_next_page_with_other_scheme_or_port_is_refused(base: str) -> None:
    script = pager(pages=2, next_base=base)
    with client_for(script) as client, pytest.raises(rt.PaginationError):
        list(client.paginate(api.list_phone_numbers(TRUNK_SID)))
    assert len(script.requests) == 1


def test_next_page_loop_is_detected() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        index = int(request.url.params.get("Page", "0"))
        body = {
            "phone_numbers": [phone_number_json(page=index)],
            "meta": {
                "key": "phone_numbers",
                "next_page_url": page_url(index % 2 + 1, 50),
            },
        }
        return json_response(200, body)

    script = Script(fallback=handler)
    with (
        client_for(script) as client,
        pytest.raises(rt.PaginationError, match="repeats"),
    ):
        list(client.paginate(api.list_phone_numbers(TRUNK_SID)))
    assert len(script.requests) == 3  # pages 0, 1, 2; page 2 links back to page 1


def test_link_to_the_first_page_is_a_loop() -> None:
    first = f"{BASE_URL}{LIST_PATH}"
    body = {
        "phone_numbers": [],
        "meta": {"key": "phone_numbers", "next_page_url": first},
    }
    script = Script(fallback=json_response(200, body))
    with client_for(script) as client, pytest.raises(rt.PaginationError):
        list(client.paginate(api.list_phone_numbers(TRUNK_SID)))
    assert len(script.requests) == 1


def test_max_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt.Paginator, "MAX_PAGES", 3)
    script = pager(pages=10, per_page=1)
    with (
        client_for(script) as client,
        pytest.raises(rt.PaginationError, match="3 pages"),
    ):
        list(client.paginate(api.list_phone_numbers(TRUNK_SID)))
    assert len(script.requests) == 3


def test_bad_item_is_a_parse_error() -> None:
    body = {"phone_numbers": [phone_number_json(), {"page": "x", "url": None}]}
    script = Script(json_response(200, body))
    client = client_for(script).with_options(strict=True)
    with client, pytest.raises(rt.ResponseParseError) as info:
        list(client.paginate(api.list_phone_numbers(TRUNK_SID)))
    assert info.value.field == "phone_numbers[1].page"


# --- Twilio api_v2010 style: top-level relative next_page_uri, no meta --------------------


class Call(rt.Model):
    sid: str = rt.field("sid", rt.STR)


class CallPage(rt.Model):
    calls: list[Call] | None = rt.field(
        "calls", rt.list_of(rt.model(Call)), default=None
    )
    next_page_uri: str | None = rt.field("next_page_uri", rt.STR, default=None)
    page_size: int | None = rt.field("page_size", rt.INT, default=None)


_LIST_CALLS = rt.Operation(
    name="list_calls",
    method="GET",
    path="/2010-04-01/Accounts/{AccountSid}/Calls.json",
    params=(
        rt.Param("AccountSid", "path", "account_sid", required=True),
        rt.Param("PageSize", "query", "page_size", minimum=1, maximum=1000),
    ),
    response=rt.model(CallPage),
    items=rt.model(Call),
    page_size_param="PageSize",
)


def test_relative_next_page_uri() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        index = int(request.url.params.get("Page", "0"))
        next_uri = (
            f"/2010-04-01/Accounts/AC1/Calls.json?PageSize=2&Page={index + 1}"
            if index < 2
            else None
        )
        body = {
            "calls": [{"sid": f"CA{index}{i}"} for i in range(2)],
            "next_page_uri": next_uri,
            "page_size": 2,
            "uri": "/2010-04-01/Accounts/AC1/Calls.json",
        }
        return json_response(200, body)

    script = Script(fallback=handler)
    client = rt.Client(
        base_url="https://api.example.test", transport=script.transport()
    )
    with client:
        request: rt.PagedRequest[CallPage, Call] = rt.PagedRequest(
            _LIST_CALLS, {"account_sid": "AC1"}
        )
        sids = [call.sid for call in client.paginate(request, page_size=2)]
    assert sids == ["CA00", "CA01", "CA10", "CA11", "CA20", "CA21"]
    assert (
        script.urls[2]
        == "https://api.example.test/2010-04-01/Accounts/AC1/Calls.json?PageSize=2&Page=2"
    )


def test_items_key_is_required_when_ambiguous() -> None:
    body: dict[str, list[int]] = {"a": [], "b": []}
    script = Script(json_response(200, body))
    client = rt.Client(
        base_url="https://api.example.test", transport=script.transport()
    )
    with client, pytest.raises(rt.ResponseParseError, match="which property"):
        list(client.paginate(rt.PagedRequest(_LIST_CALLS, {"account_sid": "AC1"})))


def test_explicit_items_key() -> None:
    op = rt.Operation(
        name="list_things",
        method="GET",
        path="/things",
        response=rt.ANY,
        items=rt.model(Call),
        items_key="things",
    )
    body = {"things": [{"sid": "A"}], "others": [1]}
    script = Script(json_response(200, body))
    client = rt.Client(
        base_url="https://api.example.test", transport=script.transport()
    )
    with client:
        request: rt.PagedRequest[Any, Call] = rt.PagedRequest(op, {})
        assert [c.sid for c in client.paginate(request)] == ["A"]


# --- async --------------------------------------------------------------------------------------


def async_client_for(script: Script) -> api.AsyncClient:
    return api.AsyncClient("AC1", "secret", transport=script.async_transport())


def test_async_pagination_is_lazy_and_limited() -> None:
    script = pager(pages=5)

    async def main() -> list[int]:
        async with async_client_for(script) as client:
            paginator = client.paginate(api.list_phone_numbers(TRUNK_SID), limit=4)
            ids = []
            async for item in paginator:
                ids.append(item.page)
                if len(ids) == 1:
                    assert len(script.requests) == 1
            return ids

    assert asyncio.run(main()) == [0, 1, 2, 100]
    assert len(script.requests) == 2
    assert script.requests[0].url.params["PageSize"] == "4"


def test_async_pages_and_other_host() -> None:
    script = pager(pages=3, next_base="https://evil.example.test")

    async def main() -> None:
        async with async_client_for(script) as client:
            pages = []
            with pytest.raises(rt.PaginationError):
                async for page in client.paginate(
                    api.list_phone_numbers(TRUNK_SID)
                ).pages():
                    pages.append(page)
            assert len(pages) == 1

    asyncio.run(main())
    assert len(script.requests) == 1
