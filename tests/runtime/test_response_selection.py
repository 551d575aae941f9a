"""Response selection by status: exact, then range, then default; documented
1xx-3xx bodies returned; documented error bodies decoded onto the ApiError."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import generator.runtime as rt

from .mock import Script, json_response

BASE = "https://responses.example.test"


class Thing(rt.Model):
    id: int = rt.field("id", rt.INT)


class Moved(rt.Model):
    location: str = rt.field("location", rt.STR)


class Accepted(rt.Model):
    job: str = rt.field("job", rt.STR)


class Problem(rt.Model):
    detail: str = rt.field("detail", rt.STR)


class Fault(rt.Model):
    fault: str = rt.field("fault", rt.STR)


_OP: rt.Operation[Thing | Moved | Accepted | None] = rt.Operation(
    name="get_thing",
    method="GET",
    path="/thing",
    response=rt.model(Thing),
    responses={
        "200": rt.model(Thing),
        "2XX": rt.model(Accepted),
        "204": rt.NONE,
        "307": rt.model(Moved),
    },
    errors={
        "404": rt.model(Problem),
        "4XX": rt.model(Fault),
        "default": rt.model(Problem),
    },
)
_PLAIN = rt.Operation(
    name="plain", method="GET", path="/plain", response=rt.model(Thing)
)
_ONLY_DEFAULT = rt.Operation(
    name="only_default",
    method="GET",
    path="/d",
    response=rt.model(Thing),
    responses={"default": rt.model(Thing)},
    errors={"default": rt.model(Problem)},
)


class Client(rt.Client):
    DEFAULT_BASE_URL = BASE
    AUTH = "none"
    PACKAGE = "responses_api"


class AsyncClient(rt.AsyncClient):
    DEFAULT_BASE_URL = BASE
    AUTH = "none"
    PACKAGE = "responses_api"


def send(
    mode: str, response: httpx.Response, operation: rt.Operation[Any] = _OP
) -> Any:
    script = Script(response)
    request = rt.Request(operation, {})
    if mode == "sync":
        with Client(transport=script.transport(), max_retries=0) as client:
            return client.send(request)

    async def main() -> Any:
        async with AsyncClient(
            transport=script.async_transport(), max_retries=0
        ) as client:
            return await client.send(request)

    return asyncio.run(main())


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@MODES
def test_a_documented_307_with_a_body_is_decoded_and_returned(mode: str) -> None:
    reply = httpx.Response(
        307, json={"location": "/elsewhere"}, headers={"Location": "/elsewhere"}
    )
    assert send(mode, reply) == Moved(location="/elsewhere")


@MODES
def test_an_undocumented_3xx_is_still_an_error(mode: str) -> None:
    reply = httpx.Response(302, json={"location": "/x"}, headers={"Location": "/x"})
    with pytest.raises(rt.ApiError) as info:
        send(mode, reply)
    assert info.value.status == 302
    with pytest.raises(rt.ApiError):
        send(mode, httpx.Response(307, json={}), _PLAIN)


@MODES
@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"id": 1}, Thing(id=1)),  # the exact status wins over 2XX
        (201, {"job": "j"}, Accepted(job="j")),  # the range
        (202, {"job": "k"}, Accepted(job="k")),
        (204, None, None),
    ],
)
def test_exact_then_range(mode: str, status: int, body: Any, expected: Any) -> None:
    reply = json_response(status, body) if body is not None else httpx.Response(204)
    assert send(mode, reply) == expected


@MODES
def test_default_is_the_success_of_an_operation_documenting_no_other(mode: str) -> None:
    assert send(mode, json_response(201, {"id": 7}), _ONLY_DEFAULT) == Thing(id=7)
    with pytest.raises(rt.BadRequestError) as info:
        send(mode, json_response(400, {"detail": "no"}), _ONLY_DEFAULT)
    assert info.value.parsed == Problem(detail="no")


@MODES
@pytest.mark.parametrize(
    ("status", "body", "error", "parsed"),
    [
        (404, {"detail": "gone"}, rt.NotFoundError, Problem(detail="gone")),
        (409, {"fault": "clash"}, rt.ConflictError, Fault(fault="clash")),  # 4XX
        (500, {"detail": "boom"}, rt.ServerError, Problem(detail="boom")),  # default
    ],
)
def test_error_bodies_are_decoded_onto_the_error(
    mode: str, status: int, body: Any, error: type[rt.ApiError], parsed: Any
) -> None:
    with pytest.raises(error) as info:
        send(mode, json_response(status, body))
    assert info.value.parsed == parsed
    assert info.value.body == httpx.Response(status, json=body).text  # still the text


@MODES
def test_an_error_body_that_breaks_its_schema_is_kept_tolerantly(mode: str) -> None:
    with pytest.raises(rt.NotFoundError) as info:
        send(mode, json_response(404, {"detail": 404, "code": 20404}))
    parsed = info.value.parsed
    assert isinstance(parsed, Problem) and parsed.detail == 404
    assert [p.location for p in parsed.problems] == ["detail"]
    assert info.value.code == 20404


@MODES
def test_no_error_body_without_a_documented_schema_or_json(mode: str) -> None:
    with pytest.raises(rt.NotFoundError) as info:
        send(mode, json_response(404, {"detail": "x"}), _PLAIN)
    assert info.value.parsed is None
    with pytest.raises(rt.NotFoundError) as info:
        send(mode, httpx.Response(404, content=b"<html>"))
    assert info.value.parsed is None


def test_selection_order() -> None:
    assert _OP.success_decoder(200) is _OP.responses["200"]
    assert _OP.success_decoder(299) is _OP.responses["2XX"]
    assert _OP.success_decoder(307) is _OP.responses["307"]
    assert _OP.success_decoder(308) is None
    assert _OP.success_decoder(404) is None
    assert _PLAIN.success_decoder(201) is _PLAIN.response  # any 2xx, as before
    assert _OP.error_decoder(404) is _OP.errors["404"]
    assert _OP.error_decoder(418) is _OP.errors["4XX"]
    assert _OP.error_decoder(503) is _OP.errors["default"]
    assert _PLAIN.error_decoder(404) is None
