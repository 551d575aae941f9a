"""Param validation and request serialization (no I/O)."""

from __future__ import annotations

import asyncio
import warnings
from datetime import UTC, date, datetime
from types import ModuleType
from typing import Any

import httpx
import pytest

import generator.runtime as rt

from . import sample_api as api
from .sample_api import TRUNK_SID, HttpMethod


def make_op(
    *params: rt.Param, method: str = "GET", path: str = "/x"
) -> rt.Operation[Any]:
    return rt.Operation(
        name="op", method=method, path=path, params=params, response=rt.ANY
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"trunk_sid": "XX"},
            "trunk_sid: must be at least 34 characters long, got 'XX'",
        ),
        (
            {"trunk_sid": "XX" + "0" * 32},
            f"trunk_sid: must match pattern ^TK[0-9a-fA-F]{{32}}$, got 'XX{'0' * 32}'",
        ),
        (
            {"trunk_sid": TRUNK_SID + "0"},
            "trunk_sid: must be at most 34 characters long",
        ),
        (
            {"trunk_sid": TRUNK_SID, "page_size": 5000},
            "page_size: must be <= 1000, got 5000",
        ),
        ({"trunk_sid": TRUNK_SID, "page_size": 0}, "page_size: must be >= 1, got 0"),
        ({"trunk_sid": TRUNK_SID, "page": -1}, "page: must be >= 0, got -1"),
        ({"trunk_sid": None}, "trunk_sid: is required"),
    ],
)
def test_validation_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as info:
        api.list_phone_numbers(**kwargs)
    assert str(info.value).startswith(message)


def test_pattern_uses_search_semantics() -> None:
    op = make_op(rt.Param("q", "query", "q", pattern="[0-9]"))
    assert rt.Request(op, {"q": "abc1def"}).query == [("q", "abc1def")]
    with pytest.raises(ValueError, match="q: must match pattern"):
        rt.Request(op, {"q": "abc"})


def test_exclusive_bounds_and_enum() -> None:
    op = make_op(
        rt.Param("n", "query", "n", exclusive_minimum=0, exclusive_maximum=10),
        rt.Param("m", "query", "method", enum=("GET", "POST")),
    )
    with pytest.raises(ValueError, match="n: must be > 0, got 0"):
        rt.Request(op, {"n": 0})
    with pytest.raises(ValueError, match="n: must be < 10, got 10"):
        rt.Request(op, {"n": 10})
    with pytest.raises(
        ValueError, match="method: must be one of 'GET', 'POST', got 'PUT'"
    ):
        rt.Request(op, {"method": "PUT"})
    request = rt.Request(op, {"n": 5, "method": HttpMethod.POST})
    assert request.query == [("n", "5"), ("m", "POST")]


def test_list_values_are_checked_item_by_item() -> None:
    op = make_op(rt.Param("n", "query", "n", maximum=3))
    with pytest.raises(ValueError, match="n: must be <= 3, got 4"):
        rt.Request(op, {"n": [1, 4]})


def test_none_values_are_dropped() -> None:
    request = api.list_phone_numbers(TRUNK_SID, page_size=None)
    assert request.args == {"trunk_sid": TRUNK_SID}
    assert request.query == []


def test_arguments_are_keyed_by_python_name_so_wire_names_may_repeat() -> None:
    # Twilio: AccountSid is both the path's account and a form field (the new owner).
    op = make_op(
        rt.Param("AccountSid", "path", "account_sid", required=True),
        rt.Param("AccountSid", "form", "account_sid_2"),
        method="POST",
        path="/Accounts/{AccountSid}/Numbers",
    )
    request = rt.Request(op, {"account_sid": "AC1", "account_sid_2": "AC2"})
    assert request.path == "/Accounts/AC1/Numbers"
    assert request.form == [("AccountSid", "AC2")]


def test_unknown_argument() -> None:
    with pytest.raises(ValueError, match="unknown parameter 'Nope'"):
        rt.Request(make_op(), {"Nope": 1})


def test_query_serialization() -> None:
    op = make_op(
        rt.Param("flag", "query", "flag"),
        rt.Param("many", "query", "many"),
        rt.Param("csv", "query", "csv", explode=False),
        rt.Param("pipes", "query", "pipes", explode=False, style="pipeDelimited"),
        rt.Param("when", "query", "when"),
        rt.Param("day", "query", "day"),
        rt.Param("e", "query", "e"),
    )
    request = rt.Request(
        op,
        {
            "flag": False,
            "many": [1, True],
            "csv": ["a", "b"],
            "pipes": ("a", "b"),
            "when": datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
            "day": date(2020, 1, 2),
            "e": HttpMethod("PATCH"),
        },
    )
    assert request.query == [
        ("flag", "false"),
        ("many", "1"),
        ("many", "true"),
        ("csv", "a,b"),
        ("pipes", "a|b"),
        ("when", "2020-01-02T03:04:05Z"),
        ("day", "2020-01-02"),
        ("e", "PATCH"),
    ]


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a/b", "a%2Fb"),
        ("a?b#c", "a%3Fb%23c"),
        ("it's", "it%27s"),
        ("..", "%2E%2E"),  # a dot segment would climb out of the template
        (".", "%2E"),
        ("...", "%2E%2E%2E"),
        ("a.b", "a.b"),  # dots inside a value need no escaping
        ("..a", "..a"),
        ("50%", "50%25"),
        ("a\tb\r\n", "a%09b%0D%0A"),
        ("sp ace", "sp%20ace"),
        ("ü", "%C3%BC"),
    ],
)
def test_path_values_are_fully_percent_encoded(value: str, encoded: str) -> None:
    op = make_op(rt.Param("id", "path", "id", required=True), path="/items/{id}/x")
    assert rt.Request(op, {"id": value}).path == f"/items/{encoded}/x"


@pytest.mark.parametrize("value", ["", []])
def test_empty_path_value_is_refused(value: object) -> None:
    op = make_op(rt.Param("id", "path", "id", required=True), path="/items/{id}")
    with pytest.raises(ValueError, match="id: a path parameter must not be empty"):
        rt.Request(op, {"id": value})


def test_path_encoding_survives_httpx() -> None:
    op = make_op(rt.Param("id", "path", "id", required=True), path="/items/{id}")
    request = rt.Request(op, {"id": "a/../b?c"})
    url = httpx.URL("https://h.test" + request.path)
    assert url.raw_path == b"/items/a%2F..%2Fb%3Fc"


def test_headers_form_and_json_body() -> None:
    op = make_op(
        rt.Param("X-Ids", "header", "ids"),
        rt.Param("Name", "form", "name"),
        rt.Param("Tag", "form", "tags"),
        method="POST",
    )
    request = rt.Request(op, {"ids": [1, 2], "name": "n", "tags": ["a", "b"]})
    assert request.headers == {"X-Ids": "1,2"}
    assert request.form == [("Name", "n"), ("Tag", "a"), ("Tag", "b")]
    assert not request.has_json

    body_op = make_op(rt.Param("body", "body", "body", required=True), method="POST")
    number = api.PhoneNumber(page=1, url=None, sms_method=HttpMethod.GET)
    request = rt.Request(body_op, {"body": number})
    assert request.has_json
    assert request.json == {"page": 1, "url": None, "sms_method": "GET"}


def test_operation_checks_page_size_param() -> None:
    with pytest.raises(ValueError, match="page_size_param"):
        rt.Operation(
            name="x", method="get", path="/", response=rt.ANY, page_size_param="Nope"
        )
    assert make_op(method="get").method == "GET"


def test_paged_request_needs_items() -> None:
    with pytest.raises(ValueError, match="not a paginated operation"):
        rt.PagedRequest(make_op(), {})


def test_replace_revalidates() -> None:
    request = api.list_phone_numbers(TRUNK_SID, page_size=5)
    assert request.replace({"page_size": 7}).query == [("PageSize", "7")]
    assert request.query == [("PageSize", "5")]
    with pytest.raises(ValueError):
        request.replace({"page_size": 0})


def test_deprecated_operation_warns_at_the_caller(generated_api: ModuleType) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        generated_api.old_thing()  # the warning must point here
        line = _line()
    assert len(caught) == 1
    warning = caught[0]
    assert warning.category is DeprecationWarning
    assert "old_thing is deprecated" in str(warning.message)
    assert warning.filename == __file__
    assert warning.lineno == line - 1


def test_deprecated_operation_warns_at_the_caller_through_client(
    generated_api: ModuleType,
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    with generated_api.Client(transport=transport) as client:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            client.old_thing()
            line = _line()
    assert [w.category for w in caught] == [DeprecationWarning]
    assert caught[0].filename == __file__
    assert caught[0].lineno == line - 1


def test_deprecated_async_method_warns_at_the_caller(generated_api: ModuleType) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))

    async def main() -> int:
        async with generated_api.AsyncClient(transport=transport) as client:
            await client.old_thing()
            return _line()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = asyncio.run(main())
    deprecations = [w for w in caught if w.category is DeprecationWarning]
    assert len(deprecations) == 1
    assert deprecations[0].filename == __file__
    assert deprecations[0].lineno == line - 1


def test_non_deprecated_operation_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        api.list_phone_numbers(TRUNK_SID)


def _line() -> int:
    import sys

    return sys._getframe(1).f_lineno
