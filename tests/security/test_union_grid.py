"""A fixed grid of the union space (issue 16): mypy, the generated tests, and
decoder round trips of chosen values (null and each variant).

One spec per OpenAPI version holds every case of ``CASES`` as a model
``Case<name>`` whose required fields carry it as it is (``v``), as array items
(``items``), as map values (``map``) and through a named component
(``named``); each case is also a request body, a response and a query
parameter. Both packages are generated once, then checked by ONE
``mypy --strict`` run and ONE run of their generated tests (in the
background, while the round trips run in-process).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate as openapi_validate

from generator.pipeline import generate_package
from generator.write.stage import write_packages

from ._support import HANG_GUARD
from ._unions import V30, V31, components, ref

CAT, DOG, NULL = ref("Cat"), ref("Dog"), {"type": "null"}
A_CAT, A_DOG = {"kind": "c", "meow": "m"}, {"kind": "d", "bark": 2}
X = {"type": "object", "required": ["x"], "properties": {"x": {"type": "integer"}, "kind": {"type": "string"}}}
Y = {"type": "object", "required": ["y"], "properties": {"y": {"type": "string"}, "kind": {"type": "string"}}}
MAPPED = {"propertyName": "kind", "mapping": {"c": "#/components/schemas/Cat", "d": "Dog"}}


@dataclass(frozen=True)
class Case:
    """A union schema, whether it takes null, and values with the class each decodes to
    (a name: a model or enum of the package, or a builtin)."""

    schema: dict[str, Any]
    nullable: bool
    values: tuple[tuple[Any, str], ...]
    # also a query parameter (scalars only: an object in the query is sent as its
    # repr, a limitation of parameters that is not the unions')
    query: bool = False


CASES: dict[str, dict[str, Case]] = {
    V30: {
        "NullableAnyOfRefs": Case({"nullable": True, "anyOf": [CAT, DOG]}, True, ((A_CAT, "Cat"), (A_DOG, "Dog"))),
        "NullableMapped": Case({"nullable": True, "oneOf": [CAT, DOG], "discriminator": MAPPED}, True, ((A_CAT, "Cat"), (A_DOG, "Dog"))),
        "NullableImplicit": Case(
            {"nullable": True, "oneOf": [CAT, DOG], "discriminator": {"propertyName": "kind"}},
            True,
            (({"kind": "Dog", "bark": 1}, "Dog"), ({"kind": "Cat", "meow": "m"}, "Cat")),
        ),
        "Scalars": Case({"nullable": True, "oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "number"}]}, True, (("s", "str"), (3, "int"), (2.5, "float")), True),
        "NotNullable": Case({"oneOf": [{"type": "boolean"}, {"type": "string", "format": "date"}]}, False, ((True, "bool"), ("2024-01-02", "date")), True),
        "AllOfNullable": Case({"allOf": [CAT], "nullable": True}, True, ((A_CAT, "model"),)),
        "AllOfMerged": Case({"allOf": [CAT, X]}, False, (({"kind": "k", "meow": "m", "x": 1}, "model"),)),
        "VariantNullable": Case({"oneOf": [{"type": "string", "nullable": True}, ref("Color")]}, True, (("s", "str"),)),
        "Nested": Case(
            {"nullable": True, "anyOf": [{"oneOf": [{"type": "integer"}, {"type": "boolean"}]}, {"type": "array", "items": ref("Pet")}]},
            True,
            ((1, "int"), (False, "bool"), ([{"kind": "Dog", "bark": 1}], "list")),
        ),
        "Stamps": Case({"oneOf": [ref("Stamp"), {"type": "integer"}]}, False, (("2024-01-02T03:04:05Z", "datetime"), (7, "int")), True),
        "InlineTagged": Case({"nullable": True, "oneOf": [X, Y], "discriminator": {"propertyName": "kind"}}, True, (({"x": 1}, "model"), ({"y": "s"}, "model"))),
    },
    V31: {
        "RefOrNull": Case({"anyOf": [CAT, NULL]}, True, ((A_CAT, "Cat"),)),
        "TypeList": Case({"type": ["string", "null"]}, True, (("s", "str"),), True),
        "StrOrNull": Case({"oneOf": [{"type": "string"}, NULL]}, True, (("s", "str"),)),
        "RefsOrNull": Case({"anyOf": [CAT, DOG, NULL]}, True, ((A_CAT, "Cat"), (A_DOG, "Dog"))),
        "ScalarsOrNull": Case({"oneOf": [NULL, {"type": "string"}, {"type": "integer"}]}, True, (("s", "str"), (4, "int")), True),
        "NullRef": Case({"anyOf": [{"type": "integer"}, {"type": "string"}, ref("Nothing")]}, True, ((1, "int"), ("s", "str")), True),
        "ListOrNull": Case({"type": ["array", "null"], "items": {"anyOf": [CAT, DOG, NULL]}}, True, (([None, A_CAT], "list"),)),
        "ConstNull": Case({"anyOf": [{"type": "integer"}, {"type": "boolean"}, {"const": None}]}, True, ((1, "int"), (True, "bool")), True),
        "NullList": Case({"anyOf": [{"type": "number"}, ref("Color"), {"type": ["null"]}]}, True, ((1.5, "float"), ("red", "Color")), True),
        "TaggedOrNull": Case({"oneOf": [CAT, DOG, NULL], "discriminator": MAPPED}, True, ((A_CAT, "Cat"), (A_DOG, "Dog"))),
        "VariantTypeList": Case({"oneOf": [{"type": ["integer", "null"]}, {"type": "string"}]}, True, ((1, "int"), ("s", "str"))),
        "NoNull": Case({"anyOf": [CAT, {"type": "array", "items": DOG}]}, False, ((A_CAT, "Cat"), ([A_DOG], "list"))),
        "AllOfOrNull": Case({"anyOf": [{"allOf": [CAT, Y]}, NULL]}, True, (({"kind": "k", "meow": "m", "y": "s"}, "model"),)),
    },
}


def build_spec(version: str) -> dict[str, Any]:
    schemas = components(version)
    paths: dict[str, Any] = {}
    for name, case in CASES[version].items():
        schemas[f"Named{name}"] = case.schema
        schemas[f"Case{name}"] = {
            "type": "object",
            "required": ["v", "items", "map", "named"],
            "properties": {
                "v": case.schema,
                "items": {"type": "array", "items": case.schema},
                "map": {"type": "object", "additionalProperties": case.schema},
                "named": ref(f"Named{name}"),
            },
        }
        ok = {"200": {"description": "ok", "content": {"application/json": {"schema": case.schema}}}}
        paths[f"/{name.lower()}"] = {
            "post": {
                "operationId": f"post{name}",
                "requestBody": {"required": True, "content": {"application/json": {"schema": case.schema}}},
                "responses": ok,
            },
            "get": {
                "operationId": f"get{name}",
                "parameters": [{"name": "q", "in": "query", "schema": case.schema}] if case.query else [],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": ref(f"Case{name}")}}}},
            },
        }
    return {
        "openapi": version,
        "info": {"title": "union grid", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


@dataclass
class Grid:
    out: Path
    packages: dict[str, str]  # version -> package
    responses: dict[str, tuple[str, str]]  # operationId -> (module, constant)
    background: dict[str, tuple[subprocess.Popen[bytes], Path]]

    def finish(self, name: str) -> tuple[int, str]:
        process, log = self.background[name]
        try:
            code = process.wait(timeout=HANG_GUARD * 5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        return code, log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Grid]:
    root = tmp_path_factory.mktemp("union-grid")
    out = root / "out"
    files: dict[str, str] = {}
    packages = {}
    responses: dict[str, tuple[str, str]] = {}
    for version in (V30, V31):
        spec = build_spec(version)
        openapi_validate(spec)  # the grid holds valid specs only
        path = root / f"union_grid_{version[:3].replace('.', '')}.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        result = generate_package(path)
        packages[version] = result.package
        files.update(result.files)
        assert result.api is not None
        for group in result.api.groups:
            for op in group.operations:
                responses[op.operation_id] = (f"{result.package}.operations.{group.name}", op.const_name)
    write_packages(out, files)
    state = Grid(out, packages, responses, {})
    mypy = ["-m", "mypy", "--strict", "--no-incremental", "--python-version", "3.11", "--cache-dir", str(root / ".mypy_cache")]
    mypy += ["--config-file", "", "--no-error-summary", *packages.values()]
    pytest_args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(out), "-c", os.devnull, *packages.values()]
    for name, args in (("mypy", mypy), ("pytest", pytest_args)):
        log = root / f"{name}.log"
        with open(log, "wb") as handle:
            process = subprocess.Popen([sys.executable, *args], cwd=out, stdout=handle, stderr=subprocess.STDOUT)
        state.background[name] = (process, log)
    sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    try:
        yield state
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if any(m == p or m.startswith(p + ".") for p in packages.values())]:
            del sys.modules[module]
        for process, _ in state.background.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def _class_name(value: Any) -> str:
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if type(value).__module__.endswith(".models"):
        return type(value).__name__
    return type(value).__name__


@pytest.mark.parametrize(("version", "name"), [(v, n) for v in CASES for n in CASES[v]])
def test_grid_case_decodes_null_and_each_variant(grid: Grid, version: str, name: str) -> None:
    case = CASES[version][name]
    package = grid.packages[version]
    models = importlib.import_module(f"{package}.models")
    cls = getattr(models, f"Case{name}")
    module, constant = grid.responses[f"post{name}"]
    response = getattr(importlib.import_module(module), constant).response
    for value, expected in ((None, "NoneType"), *case.values):
        wire = {"v": value, "items": [value], "map": {"k": value}, "named": value}
        if value is None and not case.nullable:
            with pytest.raises(Exception, match="None|null"):
                cls.from_dict(wire)
            with pytest.raises(Exception, match="None|null"):
                response.decode(None)
            continue
        decoded = cls.from_dict(wire)
        for got in (decoded.v, decoded.items[0], decoded.map["k"], decoded.named, response.decode(value)):
            kind = _class_name(got)
            if expected == "model":
                assert type(got).__module__ == f"{package}.models", (value, kind)
            else:
                assert kind == expected, (value, kind)
        encoded = json.loads(json.dumps(decoded.to_dict()))
        assert cls.from_dict(encoded) == decoded


def test_grid_packages_pass_mypy_strict(grid: Grid) -> None:
    code, output = grid.finish("mypy")
    assert code == 0, output[-5000:]


def test_grid_packages_pass_their_generated_tests(grid: Grid) -> None:
    code, output = grid.finish("pytest")
    assert code == 0, output[-5000:]
