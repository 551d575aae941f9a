"""Tolerant reading: the acceptance table per type, mismatches kept and
recorded (default) or raised (strict=True), logging once per field, and the
exact value of a number received as a string."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

import generator.runtime as rt
from generator.runtime import problems as problems_module

from .mock import Script, json_response

BASE = "https://tolerant.example.test"


class Color(rt.OpenEnum):
    RED = "red"


class Line(rt.Model):
    amount: float = rt.field("amount", rt.FLOAT)
    sku: str | None = rt.field("sku", rt.STR, default=None)


class Invoice(rt.Model):
    number: str = rt.field("number", rt.STR)
    count: int | None = rt.field("count", rt.INT, default=None)
    price: float | None = rt.field("price", rt.FLOAT, default=None, nullable=True)
    paid: bool | None = rt.field("paid", rt.BOOL, default=None)
    at: datetime | None = rt.field("at", rt.DATETIME, default=None)
    day: date | None = rt.field("day", rt.DATE, default=None)
    color: Color | None = rt.field("color", rt.enum(Color), default=None)
    lines: list[Line] | None = rt.field(
        "lines", rt.list_of(rt.model(Line)), default=None
    )
    counts: dict[str, int] | None = rt.field("counts", rt.dict_of(rt.INT), default=None)


_GET = rt.Operation(
    name="get_invoice", method="GET", path="/invoice", response=rt.model(Invoice)
)
_LIST = rt.Operation(
    name="list_invoices",
    method="GET",
    path="/invoices",
    response=rt.list_of(rt.model(Invoice)),
)
_COUNT = rt.Operation(name="count", method="GET", path="/count", response=rt.INT)


class Client(rt.Client):
    DEFAULT_BASE_URL = BASE
    AUTH = "none"
    PACKAGE = "tolerant_api"


class AsyncClient(rt.AsyncClient):
    DEFAULT_BASE_URL = BASE
    AUTH = "none"
    PACKAGE = "tolerant_api"


@pytest.fixture(autouse=True)
def fresh_log_memory(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with no field logged yet."""
    monkeypatch.setattr(problems_module, "_logged", set())
    yield


def call(
    mode: str,
    body: object,
    operation: rt.Operation[Any] = _GET,
    times: int = 1,
    **options: Any,
) -> list[rt.ApiResponse[Any]]:
    """``send_raw`` of ``operation`` ``times`` times, each answered with ``body``."""
    script = Script(fallback=lambda request: json_response(200, body))
    if mode == "sync":
        with Client(transport=script.transport(), **options) as client:
            return [client.send_raw(rt.Request(operation, {})) for _ in range(times)]

    async def main() -> list[rt.ApiResponse[Any]]:
        async with AsyncClient(transport=script.async_transport(), **options) as c:
            return [await c.send_raw(rt.Request(operation, {})) for _ in range(times)]

    return asyncio.run(main())


MODES = pytest.mark.parametrize("mode", ["sync", "async"])

# -- the table: what each type accepts (the same in both modes) ----------------


@pytest.mark.parametrize(
    ("decoder", "value", "expected"),
    [
        (rt.STR, "0", "0"),
        (rt.INT, 2, 2),
        (rt.INT, 2.0, 2),
        (rt.INT, "2", 2),
        (rt.INT, "-3", -3),
        (rt.INT, "0", 0),
        (rt.FLOAT, 1.5, 1.5),
        (rt.FLOAT, 2, 2.0),
        (rt.FLOAT, "-0.0075", -0.0075),
        (rt.FLOAT, "1e3", 1000.0),
        (rt.BOOL, True, True),
        (rt.BOOL, "true", True),
        (rt.BOOL, "false", False),
        (
            rt.DATETIME,
            "2024-01-02T03:04:05Z",
            datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        ),
        (rt.DATE, "2024-02-29", date(2024, 2, 29)),
        (rt.enum(Color), "blue", "blue"),
    ],
)
def test_table_accepts(
    decoder: rt.Decoder[Any], value: object, expected: object
) -> None:
    result = decoder.decode(value)
    assert result == expected
    assert type(result) is type(expected) or isinstance(result, Color)


@pytest.mark.parametrize(
    ("decoder", "value"),
    [
        (rt.STR, 0),  # no value is made a string
        (rt.STR, True),
        (rt.INT, "2.0"),  # not the spelling of a JSON integer
        (rt.INT, " 2"),
        (rt.INT, "1_000"),
        (rt.INT, "+2"),
        (rt.INT, "0x10"),
        (rt.INT, True),
        (rt.INT, "9" * 5000),  # longer than any int() accepts
        (rt.FLOAT, "NaN"),
        (rt.FLOAT, "Infinity"),
        (rt.FLOAT, "1e99999"),  # not finite
        (rt.FLOAT, "1_0"),
        (rt.FLOAT, " 1.5"),
        (rt.FLOAT, ".5"),
        (rt.FLOAT, False),
        (rt.BOOL, "True"),
        (rt.BOOL, "yes"),
        (rt.BOOL, 1),
        (rt.DATETIME, 0),
        (rt.DATE, "yesterday"),
        (rt.enum(Color), 3),
    ],
)
def test_table_rejects(decoder: rt.Decoder[Any], value: object) -> None:
    with pytest.raises(rt.DecodeError):
        decoder.decode(value)


# -- default: a mismatch is kept, recorded and logged once ----------------------


BROKEN_FIELD = {"number": "INV-1", "count": "many", "paid": True}


@MODES
def test_one_broken_field_keeps_the_rest_and_is_recorded(mode: str) -> None:
    (response,) = call(mode, BROKEN_FIELD)
    invoice = response.parsed
    assert isinstance(invoice, Invoice)
    assert invoice.number == "INV-1" and invoice.paid is True
    assert invoice.count == "many"  # kept as received
    problem = rt.DecodeProblem(
        "count", "count", "expected an integer, got 'many'", "many"
    )
    assert invoice.problems == (problem,)
    assert response.problems == (problem,)


@MODES
def test_strict_raises_as_before(mode: str) -> None:
    with pytest.raises(rt.ResponseParseError) as info:
        call(mode, BROKEN_FIELD, strict=True)
    assert info.value.field == "count"
    assert str(info.value) == (
        "get_invoice: response field count: expected an integer, got 'many'"
    )


@MODES
def test_with_options_switches_strictness_both_ways(mode: str) -> None:
    script = Script(fallback=lambda request: json_response(200, BROKEN_FIELD))

    async def run_async() -> Any:
        async with AsyncClient(transport=script.async_transport()) as client:
            with pytest.raises(rt.ResponseParseError):
                await client.with_options(strict=True).send(rt.Request(_GET, {}))
            lax = client.with_options(strict=True).with_options(strict=False)
            return await lax.send(rt.Request(_GET, {}))

    if mode == "sync":
        with Client(transport=script.transport()) as client:
            with pytest.raises(rt.ResponseParseError):
                client.with_options(strict=True).send(rt.Request(_GET, {}))
            assert client.strict is False  # the copy's setting only
            lax = client.with_options(strict=True).with_options(strict=False)
            invoice = lax.send(rt.Request(_GET, {}))
    else:
        invoice = asyncio.run(run_async())
    assert invoice.count == "many"


def test_strict_must_be_a_boolean() -> None:
    with pytest.raises(ValueError, match="strict must be True or False"):
        Client(strict="yes")  # type: ignore[arg-type]


@MODES
def test_logged_once_per_field(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    body = {"number": "1", "count": "x", "lines": [{"amount": "a"}, {"amount": "b"}]}
    with caplog.at_level(logging.WARNING, logger="tolerant_api.schema"):
        responses = call(mode, body, times=3)
    messages = [
        r.getMessage() for r in caplog.records if r.name == "tolerant_api.schema"
    ]
    assert messages == [
        "Invoice.count: expected an integer, got 'x'; kept as received"
        " (further mismatches of this field are recorded, not logged)",
        "Line.amount: expected a number, got 'a'; kept as received"
        " (further mismatches of this field are recorded, not logged)",
    ]
    assert all(len(r.problems) == 3 for r in responses)  # still all recorded


@MODES
def test_problems_of_nested_models_stay_on_them(mode: str) -> None:
    body = {
        "number": "1",
        "lines": [{"amount": 1.5}, {"amount": "n/a", "sku": 7}],
        "counts": {"a": 1, "b": "two"},
    }
    (response,) = call(mode, body)
    invoice = response.parsed
    first, second = invoice.lines
    assert first == Line(amount=1.5) and first.problems == ()
    assert second.amount == "n/a" and second.sku == 7
    assert [p.location for p in second.problems] == ["amount", "sku"]
    assert invoice.counts == {"a": 1, "b": "two"}
    assert [(p.location, p.field) for p in invoice.problems] == [("counts.b", "counts")]
    assert [p.location for p in response.problems] == [
        "lines[1].amount",
        "lines[1].sku",
        "counts.b",
    ]


@MODES
def test_missing_required_and_null_become_none(mode: str) -> None:
    body = [{"count": None, "lines": [{"sku": "x"}]}, {"number": None}]
    (response,) = call(mode, body, _LIST)
    first, second = response.parsed
    assert first.number is None and first.count is None
    assert first.problems == (
        rt.DecodeProblem("number", "number", "required field is missing", None),
    )
    assert first.lines[0].amount is None
    assert second.problems == (
        rt.DecodeProblem("number", "number", "must not be null", None),
    )
    assert [p.location for p in response.problems] == [
        "[0].lines[0].amount",
        "[0].number",  # missing fields come after the received ones
        "[1].number",
    ]


@MODES
def test_a_mismatched_body_is_kept_whole(mode: str) -> None:
    (response,) = call(mode, "lots", _COUNT)
    assert response.parsed == "lots"
    assert response.problems == (
        rt.DecodeProblem("", None, "expected an integer, got 'lots'", "lots"),
    )
    with pytest.raises(rt.ResponseParseError, match="count: response body"):
        call(mode, "lots", _COUNT, strict=True)


@MODES
def test_not_json_raises_in_both_modes(mode: str) -> None:
    for strict in (False, True):
        script = Script(httpx.Response(200, content=b"<html>"))
        client = Client(transport=script.transport(), strict=strict)
        with client, pytest.raises(rt.ResponseParseError, match="not valid JSON"):
            client.send(rt.Request(_GET, {}))


def test_from_dict_is_strict_unless_asked() -> None:
    with pytest.raises(rt.DecodeError):
        Invoice.from_dict(BROKEN_FIELD)
    invoice = Invoice.from_dict(BROKEN_FIELD, strict=False)
    assert invoice.count == "many" and len(invoice.problems) == 1
    with pytest.raises(rt.DecodeError, match="expected an object"):
        Invoice.from_dict([], strict=False)  # type: ignore[arg-type]


def test_problems_do_not_change_equality() -> None:
    assert Invoice.from_dict(BROKEN_FIELD, strict=False) == Invoice(
        number="INV-1", count="many", paid=True  # type: ignore[arg-type]
    )


# -- money: a number received as a string keeps its exact value --------------


@MODES
def test_a_price_string_keeps_its_exact_decimal(mode: str) -> None:
    (response,) = call(mode, {"number": "1", "price": "-0.0075"})
    invoice = response.parsed
    assert invoice.price == -0.0075 and type(invoice.price) is float
    assert invoice.decimals == {"price": Decimal("-0.0075")}
    assert str(invoice.decimals["price"]) == "-0.0075"
    assert invoice.problems == () and response.problems == ()
    # sent back exactly as received, and round-trips
    assert invoice.to_dict()["price"] == "-0.0075"
    assert Invoice.from_dict(invoice.to_dict()) == invoice


def test_decimals_only_for_strings_that_became_numbers() -> None:
    assert Invoice.from_dict({"number": "1", "price": -0.0075}).decimals == {}
    kept = Invoice.from_dict({"number": "1", "price": "NaN"}, strict=False)
    assert kept.price == "NaN" and kept.decimals == {}
    lines = Invoice.from_dict({"number": "1", "lines": [{"amount": "10.10"}]}).lines
    assert lines is not None and lines[0].decimals == {"amount": Decimal("10.10")}


def test_a_changed_price_is_sent_as_the_new_float() -> None:
    invoice = Invoice.from_dict({"number": "1", "price": "-0.0075"})
    invoice.price = 2.5
    assert invoice.to_dict()["price"] == 2.5
