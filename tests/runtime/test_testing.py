"""The helpers the generated tests use (generator/runtime/testing.py)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from generator.runtime.testing import Recorder, check, example, expected, send_both

from . import sample_api as api
from .sample_api import BASE_URL, TRUNK_SID, phone_number_json

PAGE = {
    "phone_numbers": [phone_number_json(0)],
    "meta": {"key": "phone_numbers", "next_page_url": None},
}


def test_send_both_sends_with_each_client_and_returns_the_result() -> None:
    recorder = Recorder(200, PAGE)
    request = api.list_phone_numbers(TRUNK_SID, page_size=5)
    result = send_both(api.Client, api.AsyncClient, request, recorder)
    assert isinstance(result, api.ListPhoneNumberResponse)
    assert result.phone_numbers is not None and result.phone_numbers[0].page == 0
    assert len(recorder.requests) == 2
    assert recorder.path() == f"/v1/Trunks/{TRUNK_SID}/PhoneNumbers"
    assert recorder.query() == [("PageSize", "5")]
    assert str(recorder.requests[1].url).startswith(BASE_URL)


def test_send_both_refuses_clients_that_send_different_requests() -> None:
    class Elsewhere(api.AsyncClient):
        DEFAULT_BASE_URL = "https://elsewhere.example.test"

    with pytest.raises(AssertionError, match="different requests"):
        send_both(
            api.Client,
            Elsewhere,
            api.list_phone_numbers(TRUNK_SID),
            Recorder(200, PAGE),
        )


def test_send_both_refuses_clients_that_decode_differently() -> None:
    class Changing(Recorder):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            self.body = {
                **PAGE,
                "phone_numbers": [phone_number_json(len(self.requests))],
            }
            return super().__call__(request)

    with pytest.raises(AssertionError, match="different results"):
        send_both(
            api.Client,
            api.AsyncClient,
            api.list_phone_numbers(TRUNK_SID),
            Changing(200, PAGE),
        )


def test_send_both_needs_one_request_from_each_client() -> None:
    recorder = Recorder(200, PAGE)
    recorder.requests.append(httpx.Request("GET", BASE_URL))  # a stray earlier request
    with pytest.raises(AssertionError, match="one request from each client, got 3"):
        send_both(
            api.Client, api.AsyncClient, api.list_phone_numbers(TRUNK_SID), recorder
        )


def test_recorder_reads_form_json_and_empty_bodies() -> None:
    recorder = Recorder(204, None)
    transport = recorder.transport()
    with httpx.Client(transport=transport) as client:
        assert (
            client.post(
                "https://x.test/a%20b?z=1&a=2", data={"B": "2", "A": "1"}
            ).status_code
            == 204
        )
        client.post("https://x.test/j", json={"k": [1]})
    assert recorder.path() == "/a%20b"
    assert recorder.query() == [("a", "2"), ("z", "1")]
    assert recorder.form() == [("A", "1"), ("B", "2")]
    assert recorder.json(1) == {"k": [1]}


def test_example_reads_json_beside_the_module(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    body: Any = {"a": ["é", None]}
    (tmp_path / "examples" / "one.json").write_text(json.dumps(body), encoding="utf-8")
    assert example(str(tmp_path / "test_x.py"), "one.json") == body


# -- check: the generated tests' comparison of a decoded result with expected data


def _page() -> api.ListPhoneNumberResponse:
    """A decoded page, as a generated test gets it from send_both."""
    recorder = Recorder(200, PAGE)
    return send_both(
        api.Client, api.AsyncClient, api.list_phone_numbers(TRUNK_SID), recorder
    )


def _c(path: list[Any], op: str, value: Any, kind: str | None = None) -> dict[str, Any]:
    return {"path": path, "op": op, "value": value, **({"type": kind} if kind else {})}


NUMBER = ["phone_numbers", 0]
PASSING = [
    _c(["phone_numbers"], "is not", None),
    _c(["phone_numbers"], "len", 1),
    _c([*NUMBER, "account_sid"], "==", "AC" + "0" * 32),
    _c([*NUMBER, "capabilities"], "==", {"voice": True, "sms": False}),
    _c([*NUMBER, "capabilities", {"key": "voice"}], "is", True),
    _c([*NUMBER, "date_created"], "==", "2010-12-10T17:27:34+00:00", "datetime"),
    _c([*NUMBER, "sms_method"], "==", "POST"),  # an enum member equals its value
    _c([*NUMBER, "beta"], "is", False),
    _c([*NUMBER, "price"], "==", 1),
    _c([*NUMBER, "page"], "==", 0),
    _c([*NUMBER, "class_"], "==", "local"),
    _c([*NUMBER, "extra", {"key": "links"}], "==", {"self": "https://example.test/x"}),
    _c(["meta", "next_page_url"], "is", None),
]


def test_check_passes_a_result_matching_every_check() -> None:
    check(_page(), PASSING)
    check(_page(), [])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        # datetimes compare as datetimes: one second off, or the text instead of the value
        (
            _c(
                [*NUMBER, "date_created"], "==", "2010-12-10T17:27:35+00:00", "datetime"
            ),
            "result.phone_numbers[0].date_created: expected == datetime.datetime(2010, 12, 10, 17, 27, 35, "
            "tzinfo=datetime.timezone.utc), got datetime.datetime(2010, 12, 10, 17, 27, 34, tzinfo=",
        ),
        (
            _c([*NUMBER, "date_created"], "==", "2010-12-10T17:27:34+00:00"),
            "result.phone_numbers[0].date_created: expected == '2010-12-10T17:27:34+00:00', got datetime",
        ),
        (
            _c([*NUMBER, "date_created"], "==", "2010-12-10", "date"),
            "result.phone_numbers[0].date_created: expected ==",
        ),
        (
            _c([*NUMBER, "sms_method"], "==", "GET"),
            "result.phone_numbers[0].sms_method: expected == 'GET', got ",
        ),
        (
            _c([*NUMBER, "beta"], "is", True),
            "result.phone_numbers[0].beta: expected is True, got False",
        ),
        (
            _c([*NUMBER, "price"], "==", 2),
            "result.phone_numbers[0].price: expected == 2, got 1.0",
        ),
        (
            _c([*NUMBER, "price"], "==", "1"),
            "result.phone_numbers[0].price: expected == '1', got 1.0",
        ),
        (
            _c([*NUMBER, "account_sid"], "==", "AC"),
            "result.phone_numbers[0].account_sid: expected == 'AC', got 'AC000",
        ),
        (
            _c([*NUMBER, "capabilities"], "==", {"voice": True}),
            "result.phone_numbers[0].capabilities: expected == {'voice': True}, got {'voice': True, 'sms': False}",
        ),
        (
            _c([*NUMBER, "capabilities", {"key": "sms"}], "is", True),
            "result.phone_numbers[0].capabilities['sms']: expected is True, got False",
        ),
        (
            _c([*NUMBER, "extra", {"key": "links"}], "==", {}),
            "result.phone_numbers[0].extra['links']: expected == {}, got {'self': 'https://example.test/x'}",
        ),
        (
            _c([*NUMBER, "extra", {"key": "gone"}], "==", 1),
            "result.phone_numbers[0].extra['gone']: cannot be read (KeyError: 'gone')",
        ),
        (
            _c(["phone_numbers"], "len", 2),
            "len(result.phone_numbers): expected == 2, got 1",
        ),
        (
            _c(["phone_numbers", 1, "page"], "==", 0),
            "result.phone_numbers[1]: cannot be read (IndexError:",
        ),
        (
            _c(["nothing"], "is", None),
            "result.nothing: cannot be read (AttributeError:",
        ),
        (
            _c(["meta", "next_page_url"], "is not", None),
            "result.meta.next_page_url: expected is not None, got None",
        ),
        (_c(["meta"], "is", None), "result.meta: expected is None, got ListMeta("),
        (_c(["meta", "key"], "len", 1), "len(result.meta.key): expected == 1, got 13"),
        (
            _c(["meta"], "len", 1),
            "len(result.meta): expected == 1, got '<no len() for ListMeta>'",
        ),
    ],
)
def test_check_names_the_path_of_each_kind_of_mismatch(
    bad: dict[str, Any], message: str
) -> None:
    with pytest.raises(
        AssertionError, match="^1 of 14 checks failed:\n  " + re.escape(message)
    ):
        check(_page(), [*PASSING, bad])


def test_check_compares_with_the_same_operators_as_python() -> None:
    # `is` for booleans and None: 0 is not False and 1 is not True, though they are equal
    value = SimpleNamespace(
        flag=0,
        one=1,
        none=None,
        when=datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    )
    check(value, [_c(["flag"], "==", False), _c(["one"], "==", 1.0)])
    with pytest.raises(
        AssertionError,
        match=r"result\.flag: expected is False, got 0\n  result\.one: expected is True",
    ):
        check(value, [_c(["flag"], "is", False), _c(["one"], "is", True)])
    # a date is not equal to a date-time on that day, and a naive date-time not to an aware one
    with pytest.raises(AssertionError, match=r"^2 of 2 checks failed"):
        check(
            value,
            [
                _c(["when"], "==", "2020-01-02", "date"),
                _c(["when"], "==", "2020-01-02T03:04:05", "datetime"),
            ],
        )
    check(
        value,
        [
            _c(["when"], "==", "2020-01-02T04:04:05+01:00", "datetime"),
            _c(["none"], "is", None),
        ],
    )


def test_check_reads_every_value_as_data_whatever_its_keys() -> None:
    # only a check's own "type" makes a value a date-time: data shaped like a tag stays data
    tagged = {
        "type": "datetime",
        "value": "2020-01-02T03:04:05Z",
        "$datetime": "2020-01-02T03:04:05Z",
    }
    check(SimpleNamespace(data=dict(tagged)), [_c(["data"], "==", tagged)])
    check(SimpleNamespace(data=[{"key": "k"}]), [_c(["data"], "==", [{"key": "k"}])])
    check({"type": "x"}, [_c([{"key": "type"}], "==", "x")])


def test_check_lists_every_failure() -> None:
    with pytest.raises(AssertionError) as raised:
        check(
            _page(),
            [
                _c([*NUMBER, "page"], "==", 9),
                *PASSING,
                _c([*NUMBER, "beta"], "is", None),
            ],
        )
    assert str(raised.value).splitlines() == [
        "2 of 15 checks failed:",
        "  result.phone_numbers[0].page: expected == 9, got 0",
        "  result.phone_numbers[0].beta: expected is None, got False",
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"path": [], "op": "!=", "value": 1},
        {"path": [], "op": "==", "value": 1, "typo": 1},
        {"path": [], "op": "=="},
        {"path": "x", "op": "==", "value": 1},
        {"path": [1.5], "op": "==", "value": 1},
        {"path": [True], "op": "==", "value": 1},
        {"path": [{"key": "a", "other": "b"}], "op": "==", "value": 1},
        {"path": [], "op": "==", "value": "2020-01-02", "type": "time"},
        {"path": [], "op": "is", "value": "2020-01-02", "type": "date"},
        {"path": [], "op": "==", "value": 20200102, "type": "date"},
        {"path": [], "op": "is", "value": 1},
        {"path": [], "op": "is not", "value": False},
        {"path": [], "op": "len", "value": "1"},
        {"path": [], "op": "len", "value": True},
    ],
)
def test_check_refuses_a_check_it_cannot_read(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="^check 0: "):
        check(SimpleNamespace(), [bad])


def test_expected_reads_a_tests_checks_from_its_modules_file(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    data = {"a": PASSING, "b": {"not": "a list"}}
    (tmp_path / "examples" / "test_x.expected.json").write_text(
        json.dumps(data), encoding="ascii"
    )
    assert expected(str(tmp_path / "test_x.py"), "a") == PASSING
    with pytest.raises(ValueError, match="no list of checks for 'b'"):
        expected(str(tmp_path / "test_x.py"), "b")
    with pytest.raises(ValueError, match="no list of checks for 'c'"):
        expected(str(tmp_path / "test_x.py"), "c")
