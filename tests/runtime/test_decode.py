"""Decoders: strict typing, error locations, date-time parsing."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.runtime as rt
from generator.runtime.decode import format_datetime, parse_datetime


@pytest.mark.parametrize(
    ("decoder", "value", "expected"),
    [
        (rt.STR, "x", "x"),
        (rt.INT, 5, 5),
        (rt.INT, 5.0, 5),
        (rt.FLOAT, 1.5, 1.5),
        (rt.BOOL, True, True),
        (rt.BOOL, False, False),
        (rt.ANY, {"a": [1]}, {"a": [1]}),
        (rt.NONE, {"ignored": 1}, None),
        (rt.DATE, "2024-02-29", date(2024, 2, 29)),
        (rt.list_of(rt.INT), [1, 2], [1, 2]),
        (rt.dict_of(rt.BOOL), {"a": True}, {"a": True}),
    ],
)
def test_accepts_valid_values(
    decoder: rt.Decoder[Any], value: object, expected: object
) -> None:
    result = decoder.decode(value)
    assert result == expected
    assert type(result) is type(expected)


def test_float_accepts_int_and_returns_float() -> None:
    result = rt.FLOAT.decode(3)
    assert result == 3.0 and type(result) is float


@pytest.mark.parametrize(
    ("decoder", "value", "message"),
    [
        (rt.STR, 5, "expected a string, got 5"),
        (rt.STR, None, "expected a string, got None"),
        (rt.INT, True, "expected an integer, got True"),
        (rt.INT, 1.5, "expected an integer, got 1.5"),
        (rt.INT, "1.0", "expected an integer, got '1.0'"),
        (rt.FLOAT, False, "expected a number, got False"),
        (rt.FLOAT, "1.0x", "expected a number, got '1.0x'"),
        (rt.FLOAT, 10**400, "number out of range"),
        (rt.BOOL, 1, "expected a boolean, got 1"),
        (rt.BOOL, "yes", "expected a boolean, got 'yes'"),
        (rt.DATETIME, "abc", "expected a date-time, got 'abc'"),
        (rt.DATETIME, 0, "expected a date-time, got 0"),
        (rt.DATE, "2024-13-01", "expected a date, got '2024-13-01'"),
        (rt.list_of(rt.STR), {"a": 1}, "expected an array, got an object"),
        (rt.dict_of(rt.STR), [1], "expected an object, got an array"),
    ],
)
def test_rejects_wrong_types(
    decoder: rt.Decoder[Any], value: object, message: str
) -> None:
    with pytest.raises(rt.DecodeError) as info:
        decoder.decode(value)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_long_values_are_truncated_in_messages() -> None:
    with pytest.raises(rt.DecodeError) as info:
        rt.INT.decode("x" * 500)
    assert len(str(info.value)) < 100


def test_nested_error_location() -> None:
    decoder = rt.dict_of(rt.list_of(rt.list_of(rt.INT)))
    with pytest.raises(rt.DecodeError) as info:
        decoder.decode({"ok": [[1]], "bad key": [[1], [2, "x"]]})
    assert info.value.path == ["bad key", 1, 1]
    assert str(info.value) == "['bad key'][1][1]: expected an integer, got 'x'"


def test_list_of_str_fast_path_still_checks_every_item() -> None:
    with pytest.raises(rt.DecodeError) as info:
        rt.list_of(rt.STR).decode(["a", "b", 3])
    assert info.value.path == [2]


class Color(enum.Enum):
    RED = "red"
    ONE = 1


class Open(rt.OpenEnum):
    A = "a"


def test_enum_decoder() -> None:
    decoder = rt.enum(Color)
    assert decoder.decode("red") is Color.RED
    assert decoder.decode(1) is Color.ONE
    with pytest.raises(rt.DecodeError, match="expected one of 'red', 1, got 'blue'"):
        decoder.decode("blue")
    with pytest.raises(rt.DecodeError):
        decoder.decode(True)  # bool is not the integer 1 here
    assert decoder.encode(Color.RED) == "red"


def test_open_enum_decoder_accepts_unknown_strings_only() -> None:
    decoder = rt.enum(Open)
    assert decoder.decode("a") is Open.A
    unknown = decoder.decode("zzz")
    assert isinstance(unknown, Open) and not unknown.is_known and unknown == "zzz"
    with pytest.raises(rt.DecodeError):
        decoder.decode(5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-12-10T17:27:34Z", datetime(2010, 12, 10, 17, 27, 34, tzinfo=UTC)),
        ("2010-12-10T17:27:34", datetime(2010, 12, 10, 17, 27, 34, tzinfo=UTC)),
        (
            "2010-12-10T17:27:34.250+05:30",
            datetime(
                2010, 12, 10, 17, 27, 34, 250000, tzinfo=timezone(timedelta(hours=5.5))
            ),
        ),
        (
            "Fri, 10 Dec 2010 17:27:34 +0000",
            datetime(2010, 12, 10, 17, 27, 34, tzinfo=UTC),
        ),
        ("10 Dec 2010 17:27:34 GMT", datetime(2010, 12, 10, 17, 27, 34, tzinfo=UTC)),
        (
            "Fri, 3 dec 2010 07:27 -0130",
            datetime(
                2010, 12, 3, 7, 27, tzinfo=timezone(-timedelta(hours=1, minutes=30))
            ),
        ),
        (
            "Fri, 10 Dec 2010 17:27:34 EST",
            datetime(2010, 12, 10, 17, 27, 34, tzinfo=timezone(timedelta(hours=-5))),
        ),
    ],
)
def test_datetime_formats(text: str, expected: datetime) -> None:
    parsed = rt.DATETIME.decode(text)
    assert parsed == expected
    assert parsed.tzinfo is not None
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "Fri, 32 Dec 2010 17:27:34 +0000",
        "Fri, 10 Foo 2010 17:27:34 +0000",
        "Fri, 10 Dec 2010 17:27:34.5",
        "2010-13-10T00:00:00Z",
    ],
)
def test_datetime_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text)


def test_format_datetime() -> None:
    assert (
        format_datetime(datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC))
        == "2020-01-02T03:04:05Z"
    )
    assert format_datetime(datetime(2020, 1, 2, 3, 4, 5)) == "2020-01-02T03:04:05Z"
    offset = timezone(timedelta(hours=-7))
    assert (
        format_datetime(datetime(2020, 1, 2, tzinfo=offset))
        == "2020-01-02T00:00:00-07:00"
    )


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        timezones=st.one_of(
            st.none(),
            st.just(UTC),
            st.integers(-23 * 60, 23 * 60).map(
                lambda m: timezone(timedelta(minutes=m))
            ),
        ),
    )
)
def test_datetime_round_trip(value: datetime) -> None:
    decoded = rt.DATETIME.decode(rt.DATETIME.encode(value))
    expected = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    assert decoded == expected
    assert decoded.utcoffset() == expected.utcoffset()


def test_optional_items_accept_null_and_decode_the_rest() -> None:
    decoder = rt.list_of(rt.optional(rt.DATETIME))
    decoded = decoder.decode(["2020-01-02T03:04:05Z", None])
    assert (
        decoded[1] is None and decoded[0] is not None and decoded[0].tzinfo is not None
    )
    assert decoder.encode(decoded) == ["2020-01-02T03:04:05Z", None]
    with pytest.raises(rt.DecodeError):
        rt.list_of(rt.DATETIME).decode([None])


def test_float_accepts_numeric_strings_as_twilio_sends_prices() -> None:
    assert rt.FLOAT.decode("-0.0075") == -0.0075
    assert rt.FLOAT.decode("0") == 0.0
    for bad in ("abc", "nan", "inf", ""):
        with pytest.raises(rt.DecodeError):
            rt.FLOAT.decode(bad)
