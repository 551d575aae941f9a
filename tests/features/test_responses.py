"""responses: a 307 with a body, 2XX, default, error bodies, and a field that
breaks its schema in the default (tolerant) and strict modes, through the
generated package."""

from __future__ import annotations

import asyncio
import importlib
import logging
import typing
from decimal import Decimal
from typing import Any

import pytest

from ._support import Recorder, Reply, load_case

load_case("responses")

from responses import (  # noqa: E402
    ApiError,
    AsyncClient,
    BadRequestError,
    Client,
    DecodeProblem,
    NotFoundError,
    ResponseParseError,
    ServerError,
    operations as ops,
)
from responses.models import ErrorBody, Invoice, Job, Line, Moved, Outage, Queued, Status  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_log_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no field logged yet (it is once per process)."""
    monkeypatch.setattr(importlib.import_module("responses._runtime.problems"), "_logged", set())


def call(reply: Reply, fn: str, *args: Any, **options: Any) -> Any:
    recorder = Recorder(reply)
    with Client(transport=recorder.transport, **options) as client:
        return getattr(client, fn)(*args)


def acall(reply: Reply, fn: str, *args: Any, **options: Any) -> Any:
    recorder = Recorder(reply)

    async def main() -> Any:
        async with AsyncClient(transport=recorder.transport, **options) as client:
            return await getattr(client, fn)(*args)

    return asyncio.run(main())


CALLS = pytest.mark.parametrize("run", [call, acall], ids=["sync", "async"])


# -- several documented responses -----------------------------------------------


@CALLS
def test_a_307_with_a_body_is_decoded_and_returned(run: Any) -> None:
    reply = Reply(307, {"location": "/jobs/2", "retry_in": 5}, headers={"Location": "/jobs/2"})
    assert run(reply, "get_job", "1") == Moved(location="/jobs/2", retry_in=5)
    assert run(Reply(200, {"id": "1", "state": "done"}), "get_job", "1") == Job(id="1", state="done")


def test_the_return_type_is_the_union_of_the_successes() -> None:
    assert typing.get_type_hints(ops.get_job)["return"].__args__ == (Job | Moved,)
    assert typing.get_type_hints(ops.delete_job)["return"].__args__ == (Job | None,)


@CALLS
def test_a_204_beside_a_200_returns_none(run: Any) -> None:
    assert run(Reply(204), "delete_job", "1") is None
    assert run(Reply(200, {"id": "1", "state": "gone"}), "delete_job", "1") == Job(id="1", state="gone")


@CALLS
def test_exact_status_then_2xx_range(run: Any) -> None:
    assert run(Reply(201, {"id": "9", "state": "new"}), "create_job") == Job(id="9", state="new")
    for status in (200, 202):
        assert run(Reply(status, {"ticket": "t1"}), "create_job") == Queued(ticket="t1")
    assert typing.get_type_hints(ops.create_job)["return"].__args__ == (Job | Queued,)


@CALLS
def test_error_bodies_exact_range_and_default(run: Any) -> None:
    with pytest.raises(NotFoundError) as not_found:
        run(Reply(404, {"code": 20404, "message": "no job"}), "get_job", "1")
    assert not_found.value.parsed == ErrorBody(code=20404, message="no job")
    assert not_found.value.message == "no job"
    with pytest.raises(BadRequestError) as bad:
        run(Reply(400, {"code": 1, "message": "bad"}), "create_job")
    assert bad.value.parsed == ErrorBody(code=1, message="bad")  # 4XX
    with pytest.raises(ServerError) as down:
        run(Reply(503, {"outage": "db"}), "create_job", max_retries=0)
    assert down.value.parsed == Outage(outage="db")  # default


@CALLS
def test_default_alone_is_the_success_and_the_error(run: Any) -> None:
    assert run(Reply(200, {"healthy": True}), "get_status") == Status(healthy=True)
    with pytest.raises(ServerError) as info:
        run(Reply(500, {"healthy": False, "detail": "db"}), "get_status", max_retries=0)
    assert info.value.parsed == Status(healthy=False, detail="db")


# -- a field that breaks its schema ------------------------------------------------

BROKEN = {"number": "INV-1", "count": "several", "price": "-0.0075", "paid": "true"}


@CALLS
def test_default_mode_keeps_the_field_and_records_it(run: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="responses.schema"):
        invoice = run(Reply(200, BROKEN), "get_invoice", "1")
    assert isinstance(invoice, Invoice)
    assert invoice.number == "INV-1" and invoice.paid is True  # "true": in the table
    assert invoice.count == "several"  # kept as received
    assert invoice.problems == (DecodeProblem("count", "count", "expected an integer, got 'several'", "several"),)
    assert any(r.name == "responses.schema" and "Invoice.count" in r.getMessage() for r in caplog.records)


@CALLS
def test_strict_mode_raises(run: Any) -> None:
    with pytest.raises(ResponseParseError) as info:
        run(Reply(200, BROKEN), "get_invoice", "1", strict=True)
    assert info.value.field == "count"


def test_with_options_strict_and_send_raw_problems() -> None:
    recorder = Recorder(Reply(200, {"number": "1", "count": 1, "lines": [{"amount": "x"}]}))
    with Client(transport=recorder.transport) as client:
        raw = client.send_raw(ops.get_invoice("1"))
        with pytest.raises(ResponseParseError, match=r"lines\[0\]\.amount"):
            client.with_options(strict=True).get_invoice("1")
    assert [p.location for p in raw.problems] == ["lines[0].amount"]
    lines = raw.parsed.lines
    assert lines is not None and lines[0] == Line(amount="x")  # type: ignore[arg-type]


@CALLS
def test_a_price_string_keeps_its_exact_value(run: Any) -> None:
    invoice = run(Reply(200, {"number": "1", "count": "2", "price": "-0.0075"}), "get_invoice", "1")
    assert invoice.count == 2  # a quoted integer is in the table
    assert invoice.price == -0.0075
    assert invoice.decimals == {"price": Decimal("-0.0075")}
    assert invoice.problems == ()
    assert invoice.to_dict()["price"] == "-0.0075"


def test_the_readme_documents_the_policy() -> None:
    from ._support import GOLDEN

    readme = (GOLDEN / "responses" / "expected" / "responses" / "README.md").read_text()
    for text in ("strict=True", "responses.schema", "model.problems", "model.decimals", "`ApiError.parsed`"):
        assert text in readme, text


def test_an_undocumented_redirect_is_still_an_error() -> None:
    with pytest.raises(ApiError) as info:
        call(Reply(302, {"location": "/x"}, headers={"Location": "/x"}), "get_invoice", "1")
    assert info.value.status == 302 and info.value.parsed is None
