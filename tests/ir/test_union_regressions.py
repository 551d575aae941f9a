"""Regressions of oneOf/anyOf unions and their null forms, each on a minimal spec.

Issue 16: a nullable union of two or more variants crashed the generator
(IndexError: the nullable TypeRef was rebuilt without its variants), and the
3.1 null forms (``type: 'null'`` variants, type lists) gave invalid code.
"""

from __future__ import annotations

import importlib
import json
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import generate_package
from generator.write.stage import write_packages

R = {"Cat": {"$ref": "#/components/schemas/Cat"}, "Dog": {"$ref": "#/components/schemas/Dog"}}
NULL = {"type": "null"}
ANIMALS = {
    "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "meow": {"type": "string"}}},
    "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "bark": {"type": "integer"}}},
}


def spec(version: str, properties: dict[str, Any], extra: dict[str, Any] | None = None, response: Any = None) -> dict[str, Any]:
    """One operation returning ``response`` (default: the Holder model) and a Holder
    with ``properties``, all required."""
    schemas = {**ANIMALS, **(extra or {}), "Holder": {"type": "object", "required": sorted(properties), "properties": properties}}
    body = response if response is not None else {"$ref": "#/components/schemas/Holder"}
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {
            "/holder": {
                "get": {
                    "operationId": "getHolder",
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": body}}}},
                }
            }
        },
        "components": {"schemas": schemas},
    }


class Generated:
    def __init__(self, package: str, files: dict[str, str], root: Path) -> None:
        self.package, self.files, self.root = package, files, root

    def models(self) -> Any:
        return importlib.import_module(f"{self.package}.models")

    def module(self, name: str) -> Any:
        return importlib.import_module(f"{self.package}.{name}")

    def field_line(self, name: str) -> str:
        text = self.files[f"{self.package}/models.py"]
        return " ".join(next(line for line in text.splitlines() if line.lstrip().startswith(f"{name}:")).split())


@pytest.fixture
def generate(tmp_path: Path) -> Iterator[Any]:
    made: list[str] = []
    (tmp_path / "out").mkdir()
    sys.path.insert(0, str(tmp_path / "out"))

    def run(name: str, document: dict[str, Any]) -> Generated:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        result = generate_package(path)  # raised IndexError or black's FormatError before the fix
        for file, text in result.files.items():
            if file.endswith(".py"):
                compile(text, file, "exec", dont_inherit=True)
        write_packages(tmp_path / "out", result.files)
        importlib.invalidate_caches()
        made.append(result.package)
        return Generated(result.package, result.files, tmp_path / "out")

    try:
        yield run
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for module in [m for m in sys.modules if any(m == p or m.startswith(p + ".") for p in made)]:
            del sys.modules[module]


def test_nullable_union_of_two_refs_keeps_its_variants(generate: Any) -> None:
    """3.0: ``nullable: true`` beside a oneOf/anyOf of two schemas (Stripe 2023-09)."""
    pet = {"nullable": True, "anyOf": [R["Cat"], R["Dog"]]}
    tagged = {"nullable": True, "oneOf": [R["Cat"], R["Dog"]], "discriminator": {"propertyName": "kind", "mapping": {"c": "#/components/schemas/Cat", "d": "Dog"}}}
    g = generate("nullable_union", spec("3.0.3", {"pet": pet, "tagged": tagged, "pets": {"type": "array", "items": pet}}))
    assert g.field_line("pet").startswith("pet: Cat | Dog | None = ")
    assert g.field_line("pets").startswith("pets: list[Cat | Dog | None] = ")
    models = g.models()
    holder = models.Holder.from_dict({"pet": None, "tagged": {"kind": "d", "bark": 2}, "pets": [None, {"kind": "c", "meow": "m"}]})
    assert holder.pet is None
    assert holder.tagged == models.Dog(kind="d", bark=2)
    assert holder.pets == [None, models.Cat(kind="c", meow="m")]
    assert models.Holder.from_dict(holder.to_dict()) == holder


def test_3_1_null_forms_become_optional(generate: Any) -> None:
    """3.1: the null variant and the type list, with one and with several other variants."""
    properties = {
        "ref_or_null": {"anyOf": [R["Cat"], NULL]},
        "type_list": {"type": ["string", "null"]},
        "str_or_null": {"oneOf": [{"type": "string"}, NULL]},
        "refs_or_null": {"anyOf": [R["Cat"], R["Dog"], NULL]},
        "scalars_or_null": {"oneOf": [NULL, {"type": "string"}, {"type": "integer"}]},
        "list_or_null": {"type": ["array", "null"], "items": {"anyOf": [R["Cat"], R["Dog"], NULL]}},
        "map": {"type": "object", "additionalProperties": {"oneOf": [{"type": "integer"}, {"type": "boolean"}, NULL]}},
        "ref_to_null": {"anyOf": [{"type": "integer"}, {"type": "string"}, {"$ref": "#/components/schemas/Nothing"}]},
        "null_type_list": {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": ["null"]}]},
        "const_null": {"anyOf": [{"type": "integer"}, {"type": "boolean"}, {"const": None}]},
    }
    g = generate("null_forms", spec("3.1.0", properties, {"Nothing": NULL}))
    expected = {
        "ref_or_null": "Cat | None",
        "type_list": "str | None",
        "str_or_null": "str | None",
        "refs_or_null": "Cat | Dog | None",
        "scalars_or_null": "str | int | None",
        "list_or_null": "list[Cat | Dog | None] | None",
        "map": "dict[str, int | bool | None]",
        "ref_to_null": "int | str | None",
        "null_type_list": "int | str | None",
        "const_null": "int | bool | None",
    }
    for name, annotation in expected.items():
        assert g.field_line(name).startswith(f"{name}: {annotation} = "), g.field_line(name)
    models = g.models()
    nulls = {name: None for name in properties if name != "map"}
    holder = models.Holder.from_dict({**nulls, "map": {"a": None, "b": 1, "c": True}})
    assert all(getattr(holder, name) is None for name in nulls)
    assert holder.map == {"a": None, "b": 1, "c": True}
    values = {
        "ref_or_null": {"kind": "x"},
        "type_list": "s",
        "str_or_null": "s",
        "refs_or_null": {"kind": "y", "bark": 1},
        "scalars_or_null": 3,
        "list_or_null": [None, {"kind": "z"}],
        "map": {},
        "ref_to_null": "s",
        "null_type_list": 4,
        "const_null": False,
    }
    holder = models.Holder.from_dict(values)
    assert holder.scalars_or_null == 3 and holder.const_null is False
    assert models.Holder.from_dict(holder.to_dict()) == holder
    assert json.loads(json.dumps(holder.to_dict())) == holder.to_dict()


def test_a_nullable_variant_makes_a_required_union_accept_null(generate: Any) -> None:
    """``oneOf: [{type: string, nullable: true}, {type: integer}]``: null is one of the
    choices, so a required field of that type takes null (it was refused)."""
    g = generate("nullable_variant", spec("3.0.3", {"v": {"oneOf": [{"type": "string", "nullable": True}, {"type": "integer"}]}}))
    assert g.field_line("v").startswith("v: str | int | None = ")
    models = g.models()
    assert models.Holder.from_dict({"v": None}).v is None
    assert models.Holder.from_dict({"v": 2}).v == 2


@pytest.mark.parametrize(
    ("response", "annotation", "value", "decoded"),
    [
        ({"type": "string", "nullable": True}, "str | None", "s", "s"),
        ({"nullable": True, "oneOf": [R["Cat"], {"type": "integer"}]}, "Cat | int | None", 3, 3),
    ],
)
def test_a_nullable_response_decodes_null(generate: Any, response: Any, annotation: str, value: Any, decoded: Any) -> None:
    """A response body of a nullable type: a ``null`` body is the ``None`` its
    annotation promises (the decoder refused it)."""
    g = generate("nullable_response", spec("3.0.3", {"v": {"type": "string"}}, response=response))
    ops = g.module("operations.holder")
    assert f"def get_holder() -> _rt.Request[{annotation}]:" in g.files[f"{g.package}/operations/holder.py"]
    decoder = ops._GET_HOLDER.response
    assert decoder.decode(None) is None
    assert decoder.decode(value) == decoded


def test_a_union_of_only_null_is_any(generate: Any) -> None:
    g = generate("only_null", spec("3.1.0", {"v": {"anyOf": [NULL, NULL]}, "w": {"oneOf": [NULL, {"type": ["null"]}]}}))
    assert g.field_line("v").startswith("v: Any = ")
    assert g.field_line("w").startswith("w: Any = ")
    assert g.models().Holder.from_dict({"v": None, "w": None}).v is None


def test_a_nullable_component_is_nullable_where_it_is_referred_to(generate: Any) -> None:
    """An object or enum component with ``nullable: true`` (3.0) or a type list with
    null (3.1): a property referring to it takes null (its nullability was dropped
    at the ``$ref``, and the server's null failed to decode)."""
    extra = {
        "Box": {"type": "object", "nullable": True, "properties": {"size": {"type": "integer"}}},
        "Shade": {"type": "string", "enum": ["dark", "light", None], "nullable": True},
        "Both": {"allOf": [R["Cat"]], "nullable": True},
    }
    properties = {name.lower(): {"$ref": f"#/components/schemas/{name}"} for name in extra}
    g = generate("nullable_components", spec("3.0.3", properties, extra))
    assert g.field_line("box").startswith("box: Box | None = ")
    assert g.field_line("shade").startswith("shade: Shade | None = ")
    models = g.models()
    holder = models.Holder.from_dict({"box": None, "shade": None, "both": None})
    assert (holder.box, holder.shade, holder.both) == (None, None, None)
    assert models.Holder.from_dict({"box": {"size": 1}, "shade": "dark", "both": {"kind": "k"}}).box == models.Box(size=1)


def _ok(schema: Any) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("u", {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "integer"}]}),
        ("d", {"type": "string", "format": "date"}),
        ("a", {}),
    ],
)
def test_response_annotations_import_their_names(generate: Any, name: str, schema: Any) -> None:
    """``Request[datetime | int]``, ``Request[date]``, ``Request[Any]``: the generated
    test of a union with a date-time choice expects the decoded datetime, not the
    string served (it failed), and the operations module and its tests import the
    names (mypy: "Name 'date' is not defined")."""
    document = spec("3.0.3", {"v": {"type": "string"}})
    document["paths"] = {f"/{name}": {"get": {"operationId": f"get{name.upper()}", "responses": _ok(schema)}}}
    g = generate(f"response_names_{name}", document)
    call = f"get_{name}"
    ops = g.module(f"operations.{name}")
    tests = g.module(f"tests.test_{name}")
    getattr(tests, f"test_{call}_synthesised")()
    typing.get_type_hints(getattr(ops, call))  # NameError when a name is not imported
    typing.get_type_hints(getattr(tests, f"_{call}_request"))
