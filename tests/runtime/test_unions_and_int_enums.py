"""Integer enums and oneOf/anyOf unions, with and without a discriminator."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

import generator.runtime as rt


class Level(rt.OpenIntEnum):
    LOW = 1
    HIGH = 2


class Cat(rt.Model):
    kind: str = rt.field("kind", rt.STR)
    meows: bool | None = rt.field("meows", rt.BOOL, default=None)


class Dog(rt.Model):
    kind: str = rt.field("kind", rt.STR)
    barks: bool = rt.field("barks", rt.BOOL)


def test_int_enum_keeps_unknown_values() -> None:
    decoder = rt.enum(Level)
    assert decoder.decode(2) is Level.HIGH
    unknown = decoder.decode(7)
    assert isinstance(unknown, Level) and unknown == 7 and not unknown.is_known
    assert Level.LOW.is_known
    assert decoder.encode(unknown) == 7
    with pytest.raises(rt.DecodeError):
        decoder.decode("2")
    with pytest.raises(rt.DecodeError):
        decoder.decode(True)


def test_discriminated_union_picks_the_mapped_model() -> None:
    pet = rt.one_of(
        rt.model(Cat),
        rt.model(Dog),
        discriminator="kind",
        mapping={"cat": rt.model(Cat), "dog": rt.model(Dog)},
    )
    assert pet.decode({"kind": "dog", "barks": True}) == Dog(kind="dog", barks=True)
    assert pet.decode({"kind": "cat"}) == Cat(kind="cat")
    assert pet.encode(Dog(kind="dog", barks=False)) == {"kind": "dog", "barks": False}


def test_undiscriminated_union_tries_in_order() -> None:
    value = rt.one_of(rt.INT, rt.STR, rt.list_of(rt.STR))
    assert value.decode(3) == 3
    assert value.decode("x") == "x"
    assert value.decode(["a"]) == ["a"]
    with pytest.raises(rt.DecodeError, match="matches none of 3 alternatives"):
        value.decode({"a": 1})


def test_unknown_discriminator_value_falls_back_to_trying_each() -> None:
    pet = rt.one_of(
        rt.model(Dog),
        rt.model(Cat),
        discriminator="kind",
        mapping={"dog": rt.model(Dog)},
    )
    assert pet.decode({"kind": "lizard"}) == Cat(kind="lizard")


def test_union_encodes_each_variant_by_the_value_s_class() -> None:
    """Every choice's value comes back as JSON, whichever choice comes first: a
    model's encode passed a list of models or a datetime through unchanged, and
    ``to_dict`` returned values ``json.dumps`` refuses."""
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    value = rt.one_of(
        rt.model(Cat),
        rt.DATETIME,
        rt.list_of(rt.model(Dog)),
        rt.dict_of(rt.DATE),
        rt.enum(Level),
    )
    assert value.encode(when) == "2024-05-06T07:08:09Z"
    assert value.encode([Dog(kind="d", barks=True)]) == [{"kind": "d", "barks": True}]
    assert value.encode({"a": date(2024, 1, 2)}) == {"a": "2024-01-02"}
    assert value.encode(Level.HIGH) == 2
    assert value.encode(Cat(kind="c")) == {"kind": "c"}
    for raw in ("2024-05-06T07:08:09Z", [{"kind": "d", "barks": True}], {"a": "2024-01-02"}, 2):
        decoded = value.decode(raw)
        assert value.decode(json.loads(json.dumps(value.encode(decoded)))) == decoded


def test_union_keeps_a_value_a_choice_takes_as_it_is() -> None:
    """An int stays an int beside FLOAT, a numeric string a str: a number choice
    that would convert the value no longer wins over a later exact one."""
    assert type(rt.one_of(rt.FLOAT, rt.INT).decode(1)) is int
    assert type(rt.one_of(rt.INT, rt.FLOAT).decode(1.0)) is float
    assert rt.one_of(rt.FLOAT, rt.STR).decode("1.5") == "1.5"
    assert rt.one_of(rt.FLOAT, rt.STR).decode(2) == 2.0  # no exact choice: converted
    assert rt.one_of(rt.enum(Level), rt.INT).decode(1) is Level.LOW  # the order still rules
