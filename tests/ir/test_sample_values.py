"""The generated tests' arguments and bodies satisfy their schemas (generator/ir/sample_values.py).

Checked against an independent validator: openapi-schema-validator's OAS 3.0
validator with its format checker (what the oracle, openapi-core, uses),
which openapi-spec-validator brings into the test venv.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from generator.ir.sample_values import NoValue, synthesise
from generator.validate.schema_check import conforms


def _valid(value: Any, schema: dict[str, Any], doc: dict[str, Any] | None = None) -> bool:
    full = {**(doc or {}), **schema}
    return not list(OAS30Validator(full, format_checker=oas30_format_checker).iter_errors(value))


PATTERNS = [r"^[A-Z]{2}$", r"^AC[0-9a-fA-F]{32}$", r"^\d{3,}-[^x]+$", r"[a-z]+@[a-z]+\.com", r"^(foo|bar)+$", r"^\w{4,8}$"]
FORMATS = ["date", "date-time", "uuid", "email", "ipv4", "ipv6", "byte", "hostname", "uri"]

strings = st.fixed_dictionaries(
    {"type": st.just("string")},
    optional={
        "minLength": st.integers(0, 12),
        "maxLength": st.integers(12, 40),
        "pattern": st.sampled_from(PATTERNS),
        "format": st.sampled_from(FORMATS),
    },
)


@st.composite
def numbers(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": draw(st.sampled_from(["integer", "number"]))}
    low = draw(st.none() | st.integers(-50, 50))
    high = None if low is None else draw(st.none() | st.integers(low + 10, low + 100))
    if low is not None:
        schema["minimum"] = low
        schema["exclusiveMinimum"] = draw(st.booleans())
    if high is not None:
        schema["maximum"] = high
    if draw(st.booleans()):
        schema["multipleOf"] = draw(st.sampled_from([2, 3, 5]))
    return schema


plain_strings = (
    st.fixed_dictionaries({"type": st.just("string")}, optional={"minLength": st.integers(0, 12), "maxLength": st.integers(12, 40)})
    | st.builds(lambda p: {"type": "string", "pattern": p}, st.sampled_from(PATTERNS))
    | st.builds(lambda f: {"type": "string", "format": f}, st.sampled_from(FORMATS))
)
scalars = strings | numbers() | st.just({"type": "boolean"}) | st.just({"type": "string", "enum": ["a", "b", "c"]})


def _objects(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    def build(props: dict[str, dict[str, Any]], required: list[str], read_only: bool) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object", "properties": props}
        names = [n for n in required if n in props]
        if names:
            schema["required"] = names
        if read_only and props:
            first = next(iter(props))
            props[first] = {**props[first], "readOnly": True}
        return schema

    names = st.sampled_from(["a", "b", "c", "d"])
    return st.builds(build, st.dictionaries(names, children, max_size=3), st.lists(names, max_size=3), st.booleans())


def _arrays(children: st.SearchStrategy[dict[str, Any]], unique: st.SearchStrategy[bool] = st.booleans()) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda items, low, unique: {"type": "array", "items": items, "minItems": low, "uniqueItems": unique},
        children,
        st.integers(0, 3),
        unique,
    )


def _unions(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(lambda c, parts: {c: parts}, st.sampled_from(["oneOf", "anyOf", "allOf"]), st.lists(children, min_size=1, max_size=3))


schemas = st.recursive(scalars, lambda children: _objects(children) | _arrays(children) | _unions(children), max_leaves=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemas)
def test_every_made_up_value_is_valid(schema: dict[str, Any]) -> None:
    try:
        value = synthesise(schema, {})
    except NoValue:
        return  # contradictory schemas (oneOf of overlapping members, allOf of a string and a number)
    assert _valid(value, schema), (value, schema)


satisfiable = plain_strings | numbers() | st.just({"type": "boolean"}) | st.just({"type": "string", "enum": ["a", "b", "c"]})


@settings(max_examples=60, deadline=None)
@given(st.recursive(satisfiable, lambda children: _objects(children) | _arrays(children, st.just(False)), max_leaves=8))
def test_satisfiable_schemas_get_a_value(schema: dict[str, Any]) -> None:
    """Without unions nothing here contradicts itself: a value is always found."""
    value = synthesise(schema, {})
    assert _valid(value, schema), (value, schema)


@settings(max_examples=60, deadline=None)
@example({"oneOf": [{"type": "integer", "multipleOf": 5}]}, 25_471_228_715_371_727)  # found by this test: float division
@given(schemas, st.integers() | st.text(st.characters(codec="ascii"), max_size=5) | st.none() | st.lists(st.integers(), max_size=2))
def test_the_checker_agrees_with_the_oracle(schema: dict[str, Any], value: Any) -> None:
    verdict = conforms(value, schema, {}, request=False)
    if verdict is not None:
        assert verdict == _valid(value, schema), (value, schema)


DOC = {
    "components": {
        "schemas": {
            "Cat": {"type": "object", "required": ["kind", "lives"], "properties": {"kind": {"type": "string"}, "lives": {"type": "integer", "maximum": 9}}},
            "Dog": {"type": "object", "required": ["kind", "bark"], "properties": {"kind": {"type": "string"}, "bark": {"type": "string", "maxLength": 3}}},
        }
    }
}


@pytest.mark.parametrize(
    "schema, expected",
    [
        ({"type": "string", "maxLength": 3, "pattern": "^[A-Z]{3}$"}, "AAA"),
        ({"type": "string", "format": "uuid"}, "123e4567-e89b-42d3-a456-426614174000"),
        ({"type": "string", "minLength": 34, "maxLength": 34, "pattern": "^AC[0-9a-fA-F]{32}$"}, "AC" + "0" * 32),
        ({"type": "integer", "minimum": 3, "maximum": 10, "multipleOf": 4}, 4),
        ({"type": "object", "properties": {"x": {}}}, {"x": "example"}),  # not {"any": "value"}
        ({"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "readOnly": True}, "pw": {"type": "string", "writeOnly": True}}}, {"pw": "example"}),
        (
            {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}], "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
            {"kind": "cat", "lives": 1},
        ),
        ({"type": "array", "minItems": 2, "uniqueItems": True, "items": {"type": "integer", "maximum": 5}}, [1, 2]),
        # box.json: "required": ["id"] beside properties without one
        ({"type": "object", "required": ["id"], "properties": {"login": {"type": "string"}}}, {"login": "example", "id": "example"}),
    ],
)
def test_values(schema: dict[str, Any], expected: Any) -> None:
    assert synthesise(schema, DOC) == expected
    assert _valid(expected, schema, DOC)


@pytest.mark.parametrize(
    "value, step, expected",
    [
        (25_471_228_715_371_727, 5, False),  # value / 5 as a float is a whole number
        (25_471_228_715_371_725, 5, True),
        (2**63 + 1, 2, False),
        (9, 3, True),
        (0.75, 0.25, True),
        (0.7, 0.25, False),
    ],
)
def test_multiple_of_is_exact_for_integers(value: Any, step: Any, expected: bool) -> None:
    schema = {"type": "number", "multipleOf": step}
    assert conforms(value, schema, {}, request=False) is expected
    assert _valid(value, schema) is expected


def test_a_pattern_it_cannot_check_gives_no_value() -> None:
    with pytest.raises(NoValue):
        synthesise({"type": "string", "pattern": "^(?=a)ab$"}, {})
    assert synthesise({"type": "string", "pattern": "^(?=a)ab$", "example": "ab"}, {}) == "ab"
