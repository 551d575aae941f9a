"""The IR's type builder, table-driven (issue 17, part 7): schema -> TypeRef ->
annotation and decoder, as the generated code spells them.

Each row is one schema as it may appear in a spec, under ``/x`` and named
``Thing`` when it makes a class; the components below are what a ``$ref``
can point at. The columns are what a model field or response of that schema
is annotated with, and the runtime decoder that reads a whole value of it
(``value_decoder``: ``_rt.optional`` around a nullable one).
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.ir.build_types import TypeBuilder
from generator.ir.nodes import TypeRef
from generator.ir.naming import Scope
from generator.ir.type_table import annotation, field_annotation, value_decoder

COMPONENTS: dict[str, Any] = {
    "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
    "Cat": {"type": "object", "properties": {"kind": {"type": "string"}, "purrs": {"type": "boolean"}}},
    "Dog": {"type": "object", "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}}},
    "Colour": {"type": "string", "enum": ["red", "green"]},
    "MaybePet": {"type": "object", "nullable": True, "properties": {"name": {"type": "string"}}},
    "Ids": {"type": "array", "items": {"type": "integer"}},
    "Nothing": {"type": "null"},
    "Animal": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]},
    "Loop": {"$ref": "#/components/schemas/Loop"},
}


class Built:
    """One schema through a fresh builder: its type, and what the builder met."""

    def __init__(self, schema: Any) -> None:
        self.warnings: list[str] = []
        doc = {"openapi": "3.1.0", "components": {"schemas": COMPONENTS}}
        scope = Scope("schema", "pascal", "Model", avoid_builtins=True, compact=True)
        self.builder = TypeBuilder(doc, scope, lambda pointer, message: self.warnings.append(f"{pointer}: {message}"))
        self.type: TypeRef = self.builder.type_of(schema, "/x", "Thing")


# (id, schema, annotation, whole-value decoder)
ROWS = [
    ("string", {"type": "string"}, "str", "_rt.STR"),
    ("integer", {"type": "integer"}, "int", "_rt.INT"),
    ("int64", {"type": "integer", "format": "int64"}, "int", "_rt.INT"),
    ("number", {"type": "number"}, "float", "_rt.FLOAT"),
    ("float", {"type": "number", "format": "float"}, "float", "_rt.FLOAT"),
    ("boolean", {"type": "boolean"}, "bool", "_rt.BOOL"),
    ("date-time", {"type": "string", "format": "date-time"}, "datetime", "_rt.DATETIME"),
    ("date", {"type": "string", "format": "date"}, "date", "_rt.DATE"),
    ("uuid", {"type": "string", "format": "uuid"}, "str", "_rt.STR"),
    ("binary", {"type": "string", "format": "binary"}, "str", "_rt.STR"),
    ("byte", {"type": "string", "format": "byte"}, "str", "_rt.STR"),
    ("no-type", {}, "Any", "_rt.ANY"),
    ("description-only", {"description": "anything"}, "Any", "_rt.ANY"),
    ("nullable-3.0", {"type": "string", "nullable": True}, "str | None", "_rt.optional(_rt.STR)"),
    ("nullable-3.1", {"type": ["string", "null"]}, "str | None", "_rt.optional(_rt.STR)"),
    ("null-only-union", {"oneOf": [{"type": "null"}]}, "Any", "_rt.ANY"),
    ("multi-type", {"type": ["string", "integer"]}, "Any", "_rt.ANY"),
    ("array", {"type": "array", "items": {"type": "string"}}, "list[str]", "_rt.list_of(_rt.STR)"),
    ("array-no-items", {"type": "array"}, "list[Any]", "_rt.list_of(_rt.ANY)"),
    (
        "array-nullable-items",
        {"type": "array", "items": {"type": "integer", "nullable": True}},
        "list[int | None]",
        "_rt.list_of(_rt.optional(_rt.INT))",
    ),
    ("map", {"type": "object", "additionalProperties": {"type": "integer"}}, "dict[str, int]", "_rt.dict_of(_rt.INT)"),
    ("free-object", {"type": "object"}, "dict[str, Any]", "_rt.dict_of(_rt.ANY)"),
    (
        "map-of-models",
        {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Pet"}},
        "dict[str, Pet]",
        "_rt.dict_of(_rt.model(Pet))",
    ),
    ("ref-model", {"$ref": "#/components/schemas/Pet"}, "Pet", "_rt.model(Pet)"),
    (
        "ref-nullable-model",
        {"$ref": "#/components/schemas/MaybePet"},
        "MaybePet | None",
        "_rt.optional(_rt.model(MaybePet))",
    ),
    ("ref-enum", {"$ref": "#/components/schemas/Colour"}, "Colour", "_rt.enum(Colour)"),
    ("ref-array-alias", {"$ref": "#/components/schemas/Ids"}, "list[int]", "_rt.list_of(_rt.INT)"),
    (
        "ref-union-alias",
        {"$ref": "#/components/schemas/Animal"},
        "Animal",
        "_rt.one_of(_rt.model(Cat), _rt.model(Dog))",
    ),
    ("inline-model", {"type": "object", "properties": {"id": {"type": "integer"}}}, "Thing", "_rt.model(Thing)"),
    ("string-enum", {"type": "string", "enum": ["a", "b"]}, "Thing", "_rt.enum(Thing)"),
    ("int-enum", {"type": "integer", "enum": [1, 2]}, "Thing", "_rt.enum(Thing)"),
    (
        "nullable-enum",
        {"type": "string", "enum": ["a", None], "nullable": True},
        "Thing | None",
        "_rt.optional(_rt.enum(Thing))",
    ),
    ("const", {"const": "fixed"}, "Thing", "_rt.enum(Thing)"),
    (
        "oneOf-scalars",
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "str | int",
        "_rt.one_of(_rt.STR, _rt.INT)",
    ),
    ("anyOf-with-null", {"anyOf": [{"type": "string"}, {"type": "null"}]}, "str | None", "_rt.optional(_rt.STR)"),
    (
        "anyOf-ref-null-3.1",
        {"anyOf": [{"$ref": "#/components/schemas/Pet"}, {"$ref": "#/components/schemas/Nothing"}]},
        "Pet | None",
        "_rt.optional(_rt.model(Pet))",
    ),
    (
        "oneOf-discriminator",
        {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
        },
        "Cat | Dog",
        '_rt.one_of(_rt.model(Cat), _rt.model(Dog), discriminator="kind", mapping={"cat": _rt.model(Cat), "Dog": _rt.model(Dog)})',
    ),
    ("oneOf-with-any", {"oneOf": [{"type": "string"}, {}]}, "Any", "_rt.ANY"),
    (
        "allOf-one-ref",
        {"allOf": [{"$ref": "#/components/schemas/Pet"}], "description": "a pet"},
        "Pet",
        "_rt.model(Pet)",
    ),
    (
        # the 3.0 way to make a $ref nullable (OpenAI's tool_choice: a union of a string enum and a model)
        "allOf-ref-and-nullable",
        {"allOf": [{"$ref": "#/components/schemas/Colour"}, {"nullable": True}]},
        "Colour | None",
        "_rt.optional(_rt.enum(Colour))",
    ),
    (
        "allOf-union-and-nullable",
        {"allOf": [{"$ref": "#/components/schemas/Animal"}, {"nullable": True, "description": "or none"}]},
        "Animal | None",
        "_rt.optional(_rt.one_of(_rt.model(Cat), _rt.model(Dog)))",
    ),
    (
        "allOf-merge",
        {
            "allOf": [
                {"$ref": "#/components/schemas/Pet"},
                {"type": "object", "properties": {"age": {"type": "integer"}}},
            ]
        },
        "Thing",
        "_rt.model(Thing)",
    ),
]


@pytest.mark.parametrize(("schema", "spelled", "decodes"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_schema_to_annotation_and_decoder(schema: Any, spelled: str, decodes: str) -> None:
    built = Built(schema)
    assert (annotation(built.type), str(value_decoder(built.type))) == (spelled, decodes)
    assert built.warnings == [], "these schemas are all supported"


def test_the_table_covers_every_kind_of_type() -> None:
    kinds = {Built(row[1]).type.kind for row in ROWS}
    assert kinds == {"str", "int", "float", "bool", "datetime", "date", "any", "enum", "model", "list", "dict", "union"}


@pytest.mark.parametrize(
    ("schema", "warning"),
    [
        ({"allOf": [{"type": "string"}, {"type": "integer"}]}, "/x: allOf of schemas that are not all objects"),
        ({"$ref": "#/components/schemas/Loop"}, "/components/schemas/Loop: schema refers to itself"),
        ({"allOf": [{"$ref": "#/components/schemas/Ids"}, {"type": "object"}]}, "/x: allOf of schemas that are not"),
    ],
    ids=["allOf-of-scalars", "self-alias", "allOf-array-and-object"],
)
def test_what_is_not_supported_is_any_and_warned(schema: Any, warning: str) -> None:
    built = Built(schema)
    assert (annotation(built.type), str(value_decoder(built.type))) == ("Any", "_rt.ANY")
    assert len(built.warnings) == 1 and built.warnings[0].startswith(warning), built.warnings


def test_a_merged_allof_has_every_parts_fields() -> None:
    built = Built(
        {
            "allOf": [
                {"$ref": "#/components/schemas/Pet"},
                {"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]},
            ]
        }
    )
    (thing,) = [m for m in built.builder.models() if m.name == "Thing"]
    assert [(f.wire_name, str(f.annotation)) for f in thing.fields] == [("name", "str | None"), ("age", "int")]


def test_an_inline_enum_names_its_members() -> None:
    built = Built({"type": "string", "enum": ["red-ish", "blue", "class"]})
    (thing,) = built.builder.enums.values()
    assert [(str(m.name), m.value) for m in thing.members] == [
        ("RED_ISH", "red-ish"),
        ("BLUE", "blue"),
        ("CLASS", "class"),
    ]


@pytest.mark.parametrize(
    ("schema", "required", "spelled"),
    [
        ({"type": "string"}, True, "str"),
        ({"type": "string"}, False, "str | None"),
        ({"type": "string", "nullable": True}, False, "str | None"),
        ({}, False, "Any"),
        ({"type": "array", "items": {"type": "string"}}, False, "list[str] | None"),
    ],
)
def test_an_optional_field_also_takes_none(schema: Any, required: bool, spelled: str) -> None:
    assert str(field_annotation(Built(schema).type, required)) == spelled
