"""Parameters and fields named after every builtin, and after every local name of the templates.

One generated package holds an operation per place a name can come from:
path, query and header parameters, form fields (keyword arguments) and a JSON
body's properties (model fields). Every name of ``dir(builtins)`` and every
local name the templates or the runtime use is one of each. The package must
import, pass ``mypy --strict``, and each call must send each value under its
wire name: a parameter named ``locals`` once made every call fail, because the
function body called ``locals()``; a field named ``int`` broke mypy for the
fields after it.
"""

from __future__ import annotations

import builtins
import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
import pytest

from generator.ir import nodes as ir
from generator.pipeline import Generated, generate_package
from generator.write.stage import write_packages

from ._support import HANG_GUARD

# Local names of the templates and of the runtime code a call runs through.
TEMPLATE_LOCALS = (
    "request",
    "client",
    "params",
    "param",
    "body",
    "headers",
    "result",
    "recorder",
    "args",
    "kwargs",
    "value",
    "values",
    "operation",
    "fn",
    "obj",
    "bound",
    "rt",
    "_rt",
    "ops",
    "_ops",
    "response",
    "query",
    "form",
    "files",
    "content",
    "path",
    "json",
    "pytest",
)
# dunders snake-case to their plain word (``__import__`` -> ``import_``), so keep both
NAMES = tuple(dict.fromkeys([*sorted(dir(builtins)), *TEMPLATE_LOCALS]))
BASE = "https://api.example.com/v1"
PACKAGE = "builtin_names"
# Path parameters in chunks: YAML (which reads the spec, JSON included) caps a key at 1024 characters.
CHUNK = 40
PATH_CHUNKS = [NAMES[i : i + CHUNK] for i in range(0, len(NAMES), CHUNK)]


def _spec() -> dict[str, Any]:
    def params(location: str, names: tuple[str, ...] = NAMES) -> list[dict[str, Any]]:
        return [{"name": n, "in": location, "required": location == "path", "schema": {"type": "string"}} for n in names]

    properties = {n: {"type": "string"} for n in NAMES}
    ok = {"204": {"description": "done"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Builtin names", "version": "1"},
        "servers": [{"url": BASE}],
        "paths": {
            **{
                f"/path{i}/" + "/".join("{" + n + "}" for n in names): {
                    "get": {"operationId": f"in_path_{i}", "parameters": params("path", names), "responses": ok}
                }
                for i, names in enumerate(PATH_CHUNKS)
            },
            "/query": {"get": {"operationId": "in_query", "parameters": params("query"), "responses": ok}},
            "/header": {"get": {"operationId": "in_header", "parameters": params("header"), "responses": ok}},
            "/form": {
                "post": {
                    "operationId": "in_form",
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {"type": "object", "properties": properties}
                            }
                        }
                    },
                    "responses": ok,
                }
            },
            "/json": {
                "post": {
                    "operationId": "in_json",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Names"}}},
                    },
                    "responses": ok,
                }
            },
        },
        "components": {"schemas": {"Names": {"type": "object", "properties": properties}}},
    }


def _value(wire: str) -> str:
    return f"v-{wire}"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Generated]:
    root = tmp_path_factory.mktemp("builtins")
    spec = root / f"{PACKAGE}.json"
    spec.write_text(json.dumps(_spec()), encoding="utf-8")
    result = generate_package(spec)
    out = root / "out"
    write_packages(out, result.files)
    return out, result


@pytest.fixture(scope="module")
def imported(package: tuple[Path, Generated]) -> ModuleType:
    out, _result = package
    sys.path.insert(0, str(out))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))


def test_every_name_is_a_parameter_in_every_place(package: tuple[Path, Generated]) -> None:
    _out, result = package
    assert result.api is not None
    by_op = {op.operation_id: op for op in result.api.operations}
    path_names = [p.wire_name for i in range(len(PATH_CHUNKS)) for p in by_op[f"in_path_{i}"].parameters]
    assert sorted(path_names) == sorted(NAMES)
    for op_id, location in (("in_query", "query"), ("in_header", "header"), ("in_form", "form")):
        assert sorted(p.wire_name for p in by_op[op_id].parameters) == sorted(NAMES), op_id
        assert {p.location for p in by_op[op_id].parameters} == {location}
    model = next(m for m in result.api.models if m.name == "Names")
    assert sorted(f.wire_name for f in model.fields) == sorted(NAMES)
    assert "locals" in {p.name for p in by_op["in_query"].parameters}  # the name of the old bug, kept


def test_mypy_strict(package: tuple[Path, Generated]) -> None:
    out, _result = package
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-version",
            "3.11",
            "--cache-dir",
            str(out.parent / ".mypy_cache"),
            "--config-file",
            "",
            PACKAGE,
        ],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD * 4,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _call(module: ModuleType, op: ir.Operation, kwargs: dict[str, Any]) -> httpx.Request:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(204)

    with module.Client(transport=httpx.MockTransport(handler)) as client:
        assert getattr(client, op.name)(**kwargs) is None
    assert len(seen) == 1
    return seen[0]


def _arguments(op: ir.Operation) -> dict[str, Any]:
    return {p.name: _value(p.wire_name) for p in op.parameters}


def _operation(package: tuple[Path, Generated], op_id: str) -> ir.Operation:
    api = package[1].api
    assert api is not None
    return next(op for op in api.operations if op.operation_id == op_id)


@pytest.mark.parametrize("chunk", range(len(PATH_CHUNKS)))
def test_path_parameters_are_sent(package: tuple[Path, Generated], imported: ModuleType, chunk: int) -> None:
    op = _operation(package, f"in_path_{chunk}")
    sent = _call(imported, op, _arguments(op))
    segments = [unquote(s) for s in sent.url.path.split("/")]
    assert segments == ["", "v1", f"path{chunk}", *(_value(n) for n in PATH_CHUNKS[chunk])]


def test_query_parameters_are_sent(package: tuple[Path, Generated], imported: ModuleType) -> None:
    op = _operation(package, "in_query")
    sent = _call(imported, op, _arguments(op))
    assert sorted(parse_qsl(sent.url.query.decode(), keep_blank_values=True)) == sorted(
        (n, _value(n)) for n in NAMES
    )


def test_header_parameters_are_sent(package: tuple[Path, Generated], imported: ModuleType) -> None:
    op = _operation(package, "in_header")
    sent = _call(imported, op, _arguments(op))
    for name in NAMES:
        assert sent.headers[name] == _value(name), name


def test_form_fields_are_sent(package: tuple[Path, Generated], imported: ModuleType) -> None:
    op = _operation(package, "in_form")
    sent = _call(imported, op, _arguments(op))
    assert sorted(parse_qsl(sent.content.decode(), keep_blank_values=True)) == sorted((n, _value(n)) for n in NAMES)


def test_json_body_properties_are_sent(package: tuple[Path, Generated], imported: ModuleType) -> None:
    api = package[1].api
    assert api is not None
    model = next(m for m in api.models if m.name == "Names")
    names = importlib.import_module(f"{PACKAGE}.models").Names(**{f.name: _value(f.wire_name) for f in model.fields})
    op = _operation(package, "in_json")
    (body,) = op.parameters
    sent = _call(imported, op, {body.name: names})
    assert json.loads(sent.content) == {n: _value(n) for n in NAMES}
