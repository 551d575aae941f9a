"""Mapping of error responses to exceptions."""

from __future__ import annotations

import httpx
import pytest

import generator.runtime as rt
from generator.runtime.errors import error_from_response

TWILIO_404 = {
    "code": 20404,
    "message": "The requested resource /v1/Trunks/TK1 was not found",
    "more_info": "https://www.twilio.com/docs/errors/20404",
    "status": 404,
}


def response(status: int, **kwargs: object) -> httpx.Response:
    request = httpx.Request("GET", "https://user:secret@api.example.test/v1/x?a=1")
    return httpx.Response(status, request=request, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, rt.BadRequestError),
        (401, rt.AuthenticationError),
        (403, rt.PermissionDeniedError),
        (404, rt.NotFoundError),
        (409, rt.ConflictError),
        (422, rt.UnprocessableEntityError),
        (429, rt.RateLimitError),
        (500, rt.ServerError),
        (503, rt.ServerError),
        (418, rt.ApiError),
        (302, rt.ApiError),
    ],
)
def test_status_classes(status: int, cls: type[rt.ApiError]) -> None:
    error = error_from_response(response(status, json={"message": "m"}))
    assert type(error) is cls
    assert isinstance(error, rt.ApiError) and isinstance(error, rt.SpecgenError)
    assert error.status == status


def test_twilio_error_body() -> None:
    error = error_from_response(response(404, json=TWILIO_404))
    assert error.code == 20404
    assert error.message == TWILIO_404["message"]
    assert error.more_info == TWILIO_404["more_info"]
    assert error.method == "GET"
    assert error.url == "https://api.example.test/v1/x?a=1"
    assert error.headers["content-type"] == "application/json"
    assert str(error) == (
        "404 Not Found: GET https://api.example.test/v1/x?a=1: "
        "The requested resource /v1/Trunks/TK1 was not found "
        "(code 20404, more info: https://www.twilio.com/docs/errors/20404)"
    )
    assert "secret" not in str(error) and "user" not in str(error)
    assert "secret" not in repr(error)


def test_non_json_body_is_truncated_in_message_but_kept_whole() -> None:
    body = "<html>" + "oops " * 200 + "</html>"
    error = error_from_response(response(502, text=body))
    assert isinstance(error, rt.ServerError)
    assert error.body == body
    assert error.code is None and error.more_info is None
    assert len(str(error)) < 300
    assert str(error).startswith(
        "502 Bad Gateway: GET https://api.example.test/v1/x?a=1: <html>oops"
    )
    assert str(error).endswith("...")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"detail": "bad thing"}, "bad thing"),
        ({"error": {"message": "nested"}}, "nested"),
        ({"error": "plain", "code": "E1"}, "plain"),
        ({"unexpected": 1}, '{"unexpected":1}'),
        ([1, 2], "[1,2]"),
    ],
)
def test_other_body_shapes(body: object, message: str) -> None:
    error = error_from_response(response(400, json=body))
    assert error.message == message


def test_empty_body() -> None:
    error = error_from_response(response(500, content=b""))
    assert error.message == "(empty body)"


def test_code_must_be_int_or_str() -> None:
    assert error_from_response(response(400, json={"code": True})).code is None
    assert error_from_response(response(400, json={"code": "E1"})).code == "E1"


def test_rate_limit_error_carries_retry_after() -> None:
    error = error_from_response(response(429, json={}), retry_after=3.0)
    assert isinstance(error, rt.RateLimitError)
    assert error.retry_after == 3.0


def test_decode_error_location_rendering() -> None:
    error = rt.DecodeError("boom", ["a", 0, "b c", "d"])
    assert error.location == "a[0]['b c'].d"
    assert str(error) == "a[0]['b c'].d: boom"
    assert str(rt.DecodeError("boom")) == "boom"


def test_response_parse_error_text() -> None:
    error = rt.ResponseParseError("op", "expected a boolean, got 'yes'", field="a[0].b")
    assert str(error) == "op: response field a[0].b: expected a boolean, got 'yes'"
    assert str(rt.ResponseParseError("op", "empty")) == "op: response body: empty"
