"""The helpers the generated tests use (generator/runtime/testing.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.runtime.testing import Recorder, example, send_both

from . import sample_api as api
from .sample_api import BASE_URL, TRUNK_SID, phone_number_json

PAGE = {"phone_numbers": [phone_number_json(0)], "meta": {"key": "phone_numbers", "next_page_url": None}}


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
        send_both(api.Client, Elsewhere, api.list_phone_numbers(TRUNK_SID), Recorder(200, PAGE))


def test_send_both_refuses_clients_that_decode_differently() -> None:
    class Changing(Recorder):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            self.body = {**PAGE, "phone_numbers": [phone_number_json(len(self.requests))]}
            return super().__call__(request)

    with pytest.raises(AssertionError, match="different results"):
        send_both(api.Client, api.AsyncClient, api.list_phone_numbers(TRUNK_SID), Changing(200, PAGE))


def test_send_both_needs_one_request_from_each_client() -> None:
    recorder = Recorder(200, PAGE)
    recorder.requests.append(httpx.Request("GET", BASE_URL))  # a stray earlier request
    with pytest.raises(AssertionError, match="one request from each client, got 3"):
        send_both(api.Client, api.AsyncClient, api.list_phone_numbers(TRUNK_SID), recorder)


def test_recorder_reads_form_json_and_empty_bodies() -> None:
    recorder = Recorder(204, None)
    transport = recorder.transport()
    with httpx.Client(transport=transport) as client:
        assert client.post("https://x.test/a%20b?z=1&a=2", data={"B": "2", "A": "1"}).status_code == 204
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
