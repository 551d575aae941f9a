"""Integer enums and oneOf/anyOf unions, with and without a discriminator."""

from __future__ import annotations

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
