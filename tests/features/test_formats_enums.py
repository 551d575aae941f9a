"""formats_enums: enums (colliding names, unknown values), formats, defaults, readOnly/writeOnly, deprecation."""

from __future__ import annotations

import asyncio
import inspect
import warnings
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from ._support import Recorder, Reply, body_json, grouped, load_case, query, raw_path

load_case("formats_enums")

from formats_enums import (
    AsyncClient,
    Client,
    ResponseParseError,
    operations as ops,
)  # noqa: E402
from formats_enums.models import Color, Event, EventStatus, Priority  # noqa: E402

EVENT = {
    "id": "EV0001",
    "title": "Launch",
    "color": "light-blue",
    "priority": 2,
    "status": "paused",
    "day": "2019-01-01",
    "at": "2019-01-01T12:00:00Z",
    "date_created": "Tue, 01 Jan 2019 12:00:00 +0000",
    "link": "https://example.com/events/EV0001",
    "small": 7,
    "big": 9007199254740993,
    "ratio": 0.5,
    "precise": 0.1,
    "sid": "EV0001",
    "count": 3,
    "amount": "12.50",
    "retries": 5,
}


def get_event(data: dict[str, Any]) -> Event:
    recorder = Recorder(Reply(200, data))
    with Client(transport=recorder.transport, strict=True) as c:  # strict: these tests check the schema (see test_responses.py for tolerant reading)
        return c.get_event("EV0001")


# -- enums ------------------------------------------------------------------


def test_colliding_enum_values_get_distinct_members() -> None:
    assert {m.name: m.value for m in Color} == {
        "RED": "red",
        "RED_2": "Red",
        "RED_3": "RED",
        "LIGHT_BLUE": "light-blue",
        "LIGHT_BLUE_2": "light_blue",
        "VALUE_1_ST": "1st",
        "EMPTY": "",
    }
    assert all(m.is_known for m in Color)
    assert Color("Red") is Color.RED_2 and Color("") is Color.EMPTY


def test_integer_enum_members() -> None:
    assert {m.name: m.value for m in Priority} == {
        "VALUE_1": 1,
        "VALUE_2": 2,
        "VALUE_3": 3,
        "VALUE_10": 10,
    }
    assert Priority(10) is Priority.VALUE_10


def test_enums_are_sent_by_value() -> None:
    recorder = Recorder(Reply(200, []))
    with Client(transport=recorder.transport) as c:
        c.list_events(
            color=Color.LIGHT_BLUE_2,
            priority=Priority.VALUE_10,
            colors=[Color.RED_2, Color.VALUE_1_ST, Color.RED_3],
        )
    assert grouped(query(recorder.last)) == {
        "Color": ["light_blue"],
        "Priority": ["10"],
        "Colors": ["Red", "1st", "RED"],
    }


def test_known_enum_values_are_decoded_to_members() -> None:
    event = get_event(EVENT)
    assert event.color is Color.LIGHT_BLUE
    assert event.priority is Priority.VALUE_2
    assert event.status is EventStatus.PAUSED


def test_unknown_enum_values_from_the_server_are_kept() -> None:
    event = get_event(
        {**EVENT, "color": "ultraviolet", "priority": 7, "status": "archived"}
    )
    assert (
        isinstance(event.color, Color)
        and event.color == "ultraviolet"
        and not event.color.is_known
    )
    assert (
        isinstance(event.priority, Priority)
        and event.priority == 7
        and not event.priority.is_known
    )
    assert (
        isinstance(event.status, EventStatus)
        and event.status == "archived"
        and not event.status.is_known
    )
    assert event.to_dict()["color"] == "ultraviolet"
    assert event.to_dict()["priority"] == 7


def test_unknown_enum_values_can_be_sent() -> None:
    recorder = Recorder(Reply(200, []))
    with Client(transport=recorder.transport) as c:
        c.list_events(color=Color("ultraviolet"), priority=Priority(7))
    assert query(recorder.last) == [("Color", "ultraviolet"), ("Priority", "7")]


def test_wrong_type_for_an_enum_is_a_parse_error() -> None:
    with pytest.raises(ResponseParseError, match="priority"):
        get_event({**EVENT, "priority": "high"})


# -- formats ----------------------------------------------------------------


def test_format_annotations() -> None:
    annotations = Event.__annotations__
    assert annotations["day"] == "date | None"
    assert annotations["at"] == "datetime | None"
    assert annotations["date_created"] == "datetime | None"
    assert annotations["link"] == "str | None"
    assert annotations["small"] == annotations["big"] == "int | None"
    assert annotations["ratio"] == annotations["precise"] == "float | None"
    # Unknown formats fall back to the base type.
    assert annotations["sid"] == "str | None"
    assert annotations["count"] == "int | None"
    assert annotations["amount"] == "float | None"


def test_formats_are_decoded() -> None:
    event = get_event(EVENT)
    assert event.day == date(2019, 1, 1) and type(event.day) is date
    assert (
        event.at == datetime(2019, 1, 1, 12, tzinfo=UTC) and event.at.tzinfo is not None
    )
    assert event.link == "https://example.com/events/EV0001"
    assert event.small == 7
    assert event.big == 9007199254740993  # beyond a double's precision: kept exact
    assert event.ratio == 0.5 and event.precise == 0.1
    assert event.sid == "EV0001" and event.count == 3
    assert event.amount == 12.5  # a decimal sent as a string, as Twilio does


def test_rfc_2822_dates_are_parsed_to_aware_datetimes() -> None:
    event = get_event(EVENT)
    assert event.date_created == datetime(2019, 1, 1, 12, tzinfo=UTC)
    assert event.date_created.utcoffset() == timedelta(0)
    other = get_event({**EVENT, "date_created": "Wed, 02 Oct 2002 08:00:00 +0530"})
    assert other.date_created == datetime(
        2002, 10, 2, 8, tzinfo=timezone(timedelta(hours=5, minutes=30))
    )
    assert other.date_created.utcoffset() == timedelta(hours=5, minutes=30)
    gmt = get_event({**EVENT, "date_created": "Tue, 01 Jan 2019 12:00:00 GMT"})
    assert gmt.date_created == datetime(2019, 1, 1, 12, tzinfo=UTC)


def test_bad_dates_are_parse_errors_naming_the_field() -> None:
    with pytest.raises(ResponseParseError, match="date_created"):
        get_event({**EVENT, "date_created": "yesterday"})
    with pytest.raises(ResponseParseError, match="day"):
        get_event({**EVENT, "day": "01/01/2019"})


def test_dates_in_the_query() -> None:
    recorder = Recorder(Reply(200, []))
    with Client(transport=recorder.transport) as c:
        c.list_events(
            since=date(2024, 1, 31), before=datetime(2024, 1, 31, 12, 30, tzinfo=UTC)
        )
        c.list_events(
            before=datetime(2024, 1, 31, 12, 30, tzinfo=timezone(timedelta(hours=2)))
        )
    assert query(recorder.requests[0]) == [
        ("Since", "2024-01-31"),
        ("Before", "2024-01-31T12:30:00Z"),
    ]
    assert query(recorder.requests[1]) == [("Before", "2024-01-31T12:30:00+02:00")]


def test_binary_response_is_bytes() -> None:
    payload = bytes(range(256))
    recorder = Recorder(
        Reply(
            200, content=payload, headers={"Content-Type": "application/octet-stream"}
        )
    )
    with Client(transport=recorder.transport) as c:
        result = c.get_attachment("EV 1")
    assert raw_path(recorder.last) == "/events/EV%201/attachment"
    assert type(result) is bytes and result == payload


def test_text_response_is_str() -> None:
    recorder = Recorder(
        Reply(
            200,
            content="id,title\nEV1,Ünïcode\n".encode(),
            headers={"Content-Type": "text/csv; charset=utf-8"},
        )
    )
    with Client(transport=recorder.transport) as c:
        result = c.export_events()
    assert result == "id,title\nEV1,Ünïcode\n"


def test_binary_download_accepts_its_media_type() -> None:
    recorder = Recorder(Reply(200, content=b"x"))
    with Client(transport=recorder.transport) as c:
        c.get_attachment("EV1")
        c.export_events()
    assert "application/octet-stream" in recorder.requests[0].headers["Accept"]
    assert "text/csv" in recorder.requests[1].headers["Accept"]


# -- readOnly / writeOnly ---------------------------------------------------


def test_read_only_fields_are_not_sent_and_write_only_fields_are() -> None:
    recorder = Recorder(Reply(201, EVENT))
    body = Event(
        id="client-made-up",
        title="Launch",
        password="hunter2",
        date_created=datetime(2020, 1, 1, tzinfo=UTC),
        day=date(2019, 1, 1),
        at=datetime(2019, 1, 1, 12, tzinfo=UTC),
        color=Color.RED_3,
    )
    with Client(transport=recorder.transport) as c:
        result = c.create_event(body=body)
    assert body_json(recorder.last) == {
        "title": "Launch",
        "password": "hunter2",
        "day": "2019-01-01",
        "at": "2019-01-01T12:00:00Z",
        "color": "RED",
    }
    # The write-only password is not expected back; the read-only fields are.
    assert result.password is None
    assert result.id == "EV0001" and result.date_created is not None


def test_read_only_and_write_only_required_fields_may_be_omitted() -> None:
    # Both are in `required`, but readOnly is never sent and writeOnly never returned.
    assert Event.__annotations__["id"] == "str | None"
    assert Event.__annotations__["password"] == "str | None"
    event = get_event({"title": "No id, no password"})
    assert event.id is None and event.password is None


# -- defaults ---------------------------------------------------------------


def test_parameter_defaults_are_documented_and_not_sent() -> None:
    recorder = Recorder(Reply(200, []))
    with Client(transport=recorder.transport) as c:
        c.list_events()
        c.list_events(limit=5)
    assert query(recorder.requests[0]) == []
    assert query(recorder.requests[1]) == [("Limit", "5")]
    doc = inspect.getdoc(ops.list_events) or ""
    assert "The server's default is 20." in doc
    assert "The server's default is 'asc'." in doc


def test_model_defaults_are_not_sent_when_unset() -> None:
    assert Event(title="t").to_dict() == {"title": "t"}


def test_model_defaults_apply_when_the_server_omits_the_field() -> None:
    event = get_event({"title": "t"})
    assert event.status is EventStatus.ACTIVE
    assert event.retries == 3


# -- deprecation ------------------------------------------------------------


def test_deprecated_operation_warns_at_the_callers_line() -> None:
    recorder = Recorder(Reply(204))
    with Client(transport=recorder.transport) as c:
        with pytest.warns(
            DeprecationWarning, match="legacy_ping is deprecated"
        ) as caught:
            line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
            result = c.legacy_ping()
    assert result is None
    assert len(caught) == 1
    assert caught[0].filename == __file__
    assert caught[0].lineno == line
    assert recorder.last.method == "GET"


def test_deprecated_operation_warns_from_the_request_function_and_async_client() -> (
    None
):
    with pytest.warns(DeprecationWarning) as caught:
        line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
        ops.legacy_ping()
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)

    recorder = Recorder(Reply(204))

    async def run() -> int:
        async with AsyncClient(transport=recorder.transport) as c:
            here = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
            await c.legacy_ping()
            return here

    with pytest.warns(DeprecationWarning) as caught:
        line = asyncio.run(run())
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)


def test_operations_that_are_not_deprecated_do_not_warn() -> None:
    recorder = Recorder(Reply(200, []))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with Client(transport=recorder.transport) as c:
            c.list_events(limit=1)


def test_deprecated_parameter_warns_when_used() -> None:
    assert (
        "deprecated"
        in (inspect.getdoc(ops.list_events) or "").lower().split("order:")[1]
    )
    recorder = Recorder(Reply(200, []))
    with Client(transport=recorder.transport) as c:
        with pytest.warns(DeprecationWarning, match="order"):
            c.list_events(order="desc")


def test_lint_accepts_a_response_example_without_write_only_fields() -> None:
    from generator.load.loader import load_spec

    from ._support import GOLDEN

    findings = _lint(load_spec(GOLDEN / "formats_enums" / "formats_enums.yaml"))
    assert [f for f in findings if "password" in f] == []


def _lint(spec: Any) -> list[str]:
    """``specgen lint``'s findings for a loaded spec."""
    from generator.lint.checks import lint
    from generator.pipeline import build_ir

    built = build_ir(spec)
    return lint(built.spec, built.api)
