"""The shortcuts of the decoding hot paths give what the decoders give.

``Model.from_dict`` keeps values of exactly the expected class and looks enum
values up in the members without calling the decoder; ``list_of``/``dict_of``
copy items that all decode to themselves. These tests pin the cases next to
those shortcuts: subclasses of the expected class, unknown enum values,
booleans where integers are expected, errors and their paths.
"""

from __future__ import annotations

import enum
from typing import Any

import pytest

import generator.runtime as rt


class Color(enum.Enum):
    RED = "red"
    EMPTY = ""


class Level(rt.OpenIntEnum):
    LOW = 0
    HIGH = 1


class Method(rt.OpenEnum):
    GET = "GET"


class Thing(rt.Model):
    name: str | None = rt.field("name", rt.STR, default=None)
    count: int | None = rt.field("count", rt.INT, default=None)
    ratio: float | None = rt.field("ratio", rt.FLOAT, default=None)
    color: Color | None = rt.field("color", rt.enum(Color), default=None)
    level: Level | None = rt.field("level", rt.enum(Level), default=None)
    method: Method | None = rt.field("method", rt.enum(Method), default=Method.GET)
    tags: list[str] | None = rt.field("tags", rt.list_of(rt.STR), default=None)
    ratios: list[float] | None = rt.field("ratios", rt.list_of(rt.FLOAT), default=None)
    flags: dict[str, bool] | None = rt.field("flags", rt.dict_of(rt.BOOL), default=None)
    anything: list[Any] | None = rt.field("any", rt.list_of(rt.ANY), default=None)


class BigThing(Thing):
    size: int = rt.field("size", rt.INT)


def test_enum_values_decode_to_their_members() -> None:
    thing = Thing.from_dict({"color": "red", "level": 1, "method": "GET"})
    assert thing.color is Color.RED
    assert thing.level is Level.HIGH
    assert thing.method is Method.GET
    # falsy members (value "" and 0) are found too
    thing = Thing.from_dict({"color": "", "level": 0})
    assert thing.color is Color.EMPTY and thing.level is Level.LOW


def test_unknown_enum_values() -> None:
    thing = Thing.from_dict({"method": "PATCH", "level": 7})
    assert thing.method == "PATCH" and not thing.method.is_known
    assert isinstance(thing.method, Method)
    assert thing.level == 7 and not thing.level.is_known
    with pytest.raises(rt.DecodeError) as info:
        Thing.from_dict({"name": "x", "color": "blue"})
    assert info.value.path == ["color"]
    assert "expected one of 'red', ''" in str(info.value)


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"level": True}, ["level"]),  # a boolean is not an integer
        ({"count": False}, ["count"]),
        ({"name": 1}, ["name"]),
        ({"method": None}, ["method"]),  # not nullable: the default is not None
        ({"tags": ["a", 1]}, ["tags", 1]),
        ({"flags": {"a": True, "b": "yes"}}, ["flags", "b"]),
        ({"ratios": [1.5, "x"]}, ["ratios", 1]),
    ],
)
def test_errors_keep_their_paths(data: dict[str, Any], path: list[Any]) -> None:
    with pytest.raises(rt.DecodeError) as info:
        Thing.from_dict(data)
    assert info.value.path == path


def test_first_bad_key_in_the_data_is_reported() -> None:
    with pytest.raises(rt.DecodeError) as info:
        Thing.from_dict({"level": "x", "name": 1})
    assert info.value.path == ["level"]
    with pytest.raises(rt.DecodeError) as info:
        Thing.from_dict({"name": 1, "level": "x"})
    assert info.value.path == ["name"]


def test_collections_of_scalars() -> None:
    thing = Thing.from_dict(
        {
            "tags": ["a", Method.GET],  # a str subclass is a string
            "ratios": [1, 2.5],
            "flags": {"a": True},
            "any": [None, {"x": 1}],
        }
    )
    assert thing.tags == ["a", "GET"] and thing.tags[1] is Method.GET
    assert thing.ratios == [1.0, 2.5] and type(thing.ratios[0]) is float
    assert thing.flags == {"a": True}
    assert thing.anything == [None, {"x": 1}]


def test_collections_are_copied() -> None:
    tags = ["a"]
    flags = {"a": True}
    thing = Thing.from_dict({"tags": tags, "flags": flags})
    assert thing.tags == tags and thing.tags is not tags
    assert thing.flags == flags and thing.flags is not flags


def test_str_subclass_values_are_kept() -> None:
    thing = Thing.from_dict({"name": Method.GET})
    assert thing.name is Method.GET


def test_subclass_has_its_own_fields() -> None:
    assert Thing.from_dict({"size": 3}).extra == {"size": 3}
    big = BigThing.from_dict({"size": 3, "name": "x"})
    assert (big.size, big.name, big.extra) == (3, "x", {})
    with pytest.raises(rt.DecodeError) as info:
        BigThing.from_dict({"name": "x"})
    assert info.value.path == ["size"]
    assert Thing.from_dict({"size": 3}).extra == {"size": 3}
