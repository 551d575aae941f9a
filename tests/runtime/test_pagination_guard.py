"""The pagination loop guard (defect 17) and invalid next-page links
(defect 20).

Links that name an already fetched page in another spelling must stop the
pagination; the pages are capped as a last resort. Every loop here is
bounded: ``Paginator.MAX_PAGES`` is lowered, so a guard that misses a
repeat ends with the wrong error after a few pages instead of running on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import generator.runtime as rt

from . import sample_api as api
from .fault_server import FaultServer, Reply
from .mock import Script, json_response
from .sample_api import BASE_URL, TRUNK_SID, phone_number_json
from .test_faults import page_body

LIST_PATH = f"/v1/Trunks/{TRUNK_SID}/PhoneNumbers"
NEXT = f"{BASE_URL}/v1/next?Page=1&PageToken=PT1"
KEY = "k3y-s3cret"
CAP = 12  # pages before MAX_PAGES ends a missed loop


class KeyClient(api.Client):
    """Credentials in the query string, as ``ApiKey``."""

    AUTH = "query"
    API_KEY_NAME = "ApiKey"


class AsyncKeyClient(api.AsyncClient):
    AUTH = "query"
    API_KEY_NAME = "ApiKey"


@pytest.fixture(autouse=True)
def low_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt.Paginator, "MAX_PAGES", CAP)
    monkeypatch.setattr(rt.AsyncPaginator, "MAX_PAGES", CAP)


def linking(links: Callable[[int], str]) -> Script:
    """Serves pages whose next link is ``links(n)`` on the n-th request."""

    def handler(request: httpx.Request) -> httpx.Response:
        n = len(script.requests)
        body = {
            "phone_numbers": [phone_number_json(page=n)],
            "meta": {"key": "phone_numbers", "next_page_url": links(n)},
        }
        return json_response(200, body)

    script = Script(fallback=handler)
    return script


def alternate(a: str, b: str) -> Callable[[int], str]:
    """Links ``a``, ``b``, ``a``, ``b``, ...: two spellings of one page."""
    return lambda n: a if n % 2 else b


# Each pair spells one page twice; the guard must refuse the second spelling.
VARIANTS = {
    "fragment": (NEXT + "#1", NEXT + "#2"),
    "fragment-vs-none": (NEXT, NEXT + "#top"),
    "key-in-query": (NEXT, NEXT + "&ApiKey=other"),
    "userinfo": (NEXT.replace("https://", "https://u:p@"), NEXT),
    "default-port": (NEXT.replace(".test/", ".test:443/"), NEXT),
    "host-case": (NEXT.replace("trunking.example", "TRUNKING.Example"), NEXT),
    "scheme-case": (NEXT.replace("https:", "HTTPS:"), NEXT),
    "escape-case": (f"{BASE_URL}/v1/a%2fb?Page=1", f"{BASE_URL}/v1/a%2Fb?Page=1"),
    "escaped-unreserved": (f"{BASE_URL}/v1/n%7Ext%41", f"{BASE_URL}/v1/n~xtA"),
    "query-escape-case": (NEXT + "&T=a%2fb", NEXT + "&T=a%2Fb"),
    "trailing-question-mark": (f"{BASE_URL}/v1/next?", f"{BASE_URL}/v1/next"),
    "empty-path": (BASE_URL, BASE_URL + "/"),
    "relative-vs-absolute": ("/v1/next?Page=1&PageToken=PT1", NEXT),
    "query-order": (NEXT, f"{BASE_URL}/v1/next?PageToken=PT1&Page=1"),
}


@pytest.mark.parametrize(("first", "second"), VARIANTS.values(), ids=VARIANTS.keys())
def test_spellings_of_a_fetched_page_stop(first: str, second: str) -> None:
    script = linking(alternate(first, second))
    with KeyClient(token=KEY, transport=script.transport()) as client:
        with pytest.raises(rt.PaginationError, match="repeats") as info:
            list(client.paginate(api.list_phone_numbers(TRUNK_SID)))
    assert len(script.requests) == 2  # the first page, then ``first`` once
    assert KEY not in str(info.value)


def test_static_link_with_a_query_key_stops() -> None:
    # The sent URLs carry ?ApiKey=...; the link does not.
    script = linking(lambda n: NEXT)
    with KeyClient(token=KEY, transport=script.transport()) as client:
        with pytest.raises(rt.PaginationError, match="repeats"):
            list(client.paginate(api.list_phone_numbers(TRUNK_SID)))
    assert len(script.requests) == 2
    assert script.requests[1].url.params["ApiKey"] == KEY


def test_link_back_to_the_first_page_with_a_query_key() -> None:
    script = linking(lambda n: f"{BASE_URL}{LIST_PATH}#again")
    with KeyClient(token=KEY, transport=script.transport()) as client:
        with pytest.raises(rt.PaginationError, match="repeats"):
            list(client.paginate(api.list_phone_numbers(TRUNK_SID)))
    assert len(script.requests) == 1


def test_distinct_pages_are_not_mistaken_for_repeats() -> None:
    links = [
        f"{BASE_URL}/v1/next?Page=1",
        f"{BASE_URL}/v1/next?Page=1&Extra=",  # an empty value is a value
        f"{BASE_URL}/v1/next?Page=1&Page=2",
        f"{BASE_URL}/v1/a%2Fb",
        f"{BASE_URL}/v1/a/b",  # an escaped slash is not a slash
        f"{BASE_URL}/v1/Next",  # paths are case-sensitive
    ]
    script = linking(lambda n: links[n - 1] if n <= len(links) else "")
    with KeyClient(token=KEY, transport=script.transport()) as client:
        items = list(client.paginate(api.list_phone_numbers(TRUNK_SID)))
    assert len(items) == len(script.requests) == len(links) + 1


def test_page_cap_is_a_typed_error() -> None:
    script = linking(lambda n: f"{BASE_URL}/v1/next?Page={n}")
    with KeyClient(token=KEY, transport=script.transport()) as client:
        with pytest.raises(rt.TooManyPagesError, match="3 pages") as info:
            list(client.paginate(api.list_phone_numbers(TRUNK_SID), max_pages=3))
        assert isinstance(info.value, rt.PaginationError)
        assert len(script.requests) == 3
        with pytest.raises(rt.TooManyPagesError, match=f"{CAP} pages"):
            list(client.paginate(api.list_phone_numbers(TRUNK_SID)))
        with pytest.raises(ValueError, match="max_pages"):
            client.paginate(api.list_phone_numbers(TRUNK_SID), max_pages=0)
    assert rt.pagination.MAX_PAGES == 10_000


# --- on the wire ----------------------------------------------------------------------------


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


def paginate_all(mode: str, server: FaultServer, **options: Any) -> list[Any]:
    request = api.list_phone_numbers(TRUNK_SID)
    if mode == "sync":
        with KeyClient(token=KEY, base_url=server.url, timeout=5.0) as client:
            return list(client.paginate(request, **options))

    async def main() -> list[Any]:
        async with AsyncKeyClient(token=KEY, base_url=server.url, timeout=5.0) as c:
            return [item async for item in c.paginate(request, **options)]

    return asyncio.run(main())


def test_on_the_wire_static_link_with_query_key(mode: str, server: FaultServer) -> None:
    link = f"{server.url}{LIST_PATH}?Page=1"
    server.script(*[Reply(200, page_body(1, link))] * CAP)
    with pytest.raises(rt.PaginationError, match="repeats") as info:
        paginate_all(mode, server)
    assert len(server.requests) == 2
    assert all(f"ApiKey={KEY}" in path for path in server.paths)
    assert KEY not in str(info.value)


def test_on_the_wire_fragment_loop(mode: str, server: FaultServer) -> None:
    server.script(
        *[
            Reply(200, page_body(1, f"{server.url}{LIST_PATH}?Page=1#{n}"))
            for n in range(CAP)
        ]
    )
    with pytest.raises(rt.PaginationError, match="repeats"):
        paginate_all(mode, server)
    assert len(server.requests) == 2


def test_on_the_wire_page_cap(mode: str, server: FaultServer) -> None:
    server.script(
        *[
            Reply(200, page_body(1, f"{server.url}{LIST_PATH}?Page={n + 1}"))
            for n in range(5)
        ]
    )
    with pytest.raises(rt.TooManyPagesError):
        paginate_all(mode, server, max_pages=3)
    assert len(server.requests) == 3


# --- invalid links (defect 20) --------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    ["/v1/next\t?Page=2", "https://trunking.example.test/a b\x00", "http://[::1/x"],
)
def test_invalid_next_link_is_a_pagination_error(link: str) -> None:
    script = linking(lambda n: link)
    with KeyClient(token=KEY, transport=script.transport()) as client:
        iterator = iter(client.paginate(api.list_phone_numbers(TRUNK_SID)))
        assert next(iterator).page == 1  # the page's items come first
        with pytest.raises(rt.PaginationError, match="not a valid URL"):
            next(iterator)
    assert len(script.requests) == 1


def test_on_the_wire_invalid_next_link(mode: str, server: FaultServer) -> None:
    server.script(Reply(200, page_body(2, f"{server.url}{LIST_PATH}?Page=\t2")))
    with pytest.raises(rt.PaginationError, match="not a valid URL"):
        paginate_all(mode, server)
    assert len(server.requests) == 1
