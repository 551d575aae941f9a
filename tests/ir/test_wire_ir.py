"""What the IR decides about the wire, on a minimal spec: styles from the
spec, form encodings, path keys with ``#`` or ``?``, body media types in the
spec's order, bodies always sent; and the generated package's own tests agree."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from generator.pipeline import generate_package
from generator.write.stage import write_packages

OK = {"204": {"description": "done"}}
SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/items/{ids}": {
            "get": {
                "operationId": "listItems",
                "parameters": [
                    {"name": "ids", "in": "path", "required": True, "style": "matrix", "explode": True,
                     "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "tags", "in": "query", "required": True, "explode": False,
                     "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "created", "in": "query", "required": True, "style": "deepObject", "explode": True,
                     "schema": {"type": "object", "properties": {"gte": {"type": "integer"}}}},
                    {"name": "next", "in": "query", "required": True, "allowReserved": True,
                     "schema": {"type": "string", "example": "a/b"}},
                ],
                "responses": OK,
            }
        },
        "/shared_items#folders": {"get": {"operationId": "sharedFolder", "responses": OK}},
        "/files?action=copy": {"post": {"operationId": "copyFile", "responses": OK}},
        "/charges": {
            "post": {
                "operationId": "createCharge",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["metadata"],
                                "properties": {
                                    "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                                    "expand": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                            "encoding": {"metadata": {"style": "deepObject", "explode": True}},
                        },
                        "application/json": {"schema": {"type": "object"}},
                    },
                },
                "responses": OK,
            }
        },
        "/login": {
            "post": {
                "operationId": "submitLogin",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {"oneOf": [{"$ref": "#/components/schemas/Password"}]}
                        },
                    },
                },
                "responses": OK,
            }
        },
        "/patch": {
            "patch": {
                "operationId": "patchIt",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json-patch+json": {
                            "schema": {"type": "array", "items": {"type": "object", "properties": {
                                "op": {"type": "string"}, "path": {"type": "string"}}}}
                        },
                        "application/json": {"schema": {"type": "object"}},
                    },
                },
                "responses": OK,
            }
        },
    },
    "components": {
        "schemas": {
            "Password": {
                "type": "object",
                "required": ["method"],
                "properties": {"method": {"type": "string"}, "password": {"type": "string"}},
            }
        }
    },
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    root = tmp_path_factory.mktemp("wire")
    spec = root / "wire_api.yaml"
    spec.write_text(yaml.safe_dump(SPEC, sort_keys=False))
    write_packages(root / "out", generate_package(spec).files)
    sys.path.insert(0, str(root / "out"))
    try:
        yield root / "out", importlib.import_module("wire_api")
    finally:
        sys.path.remove(str(root / "out"))
        for name in [m for m in sys.modules if m.startswith("wire_api")]:
            del sys.modules[name]


def _sent(pkg: Any, call: Any) -> httpx.Request:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    with pkg.Client(transport=httpx.MockTransport(handler)) as client:
        client.send(call)
    return seen[0]


def test_styles_from_the_spec(package: tuple[Path, Any]) -> None:
    _, pkg = package
    ops = importlib.import_module("wire_api.operations")
    sent = _sent(pkg, ops.list_items(["a", "b"], tags=["x", "y"], created={"gte": 5}, next="a/b"))
    assert sent.url.raw_path.decode().partition("?")[0] == "/items/;ids=a;ids=b"
    assert sent.url.query.decode() == "tags=x,y&created%5Bgte%5D=5&next=a/b"


def test_path_key_suffixes_are_not_sent_in_the_path(package: tuple[Path, Any]) -> None:
    _, pkg = package
    ops = importlib.import_module("wire_api.operations")
    assert _sent(pkg, ops.shared_folder()).url.raw_path == b"/shared_items"
    copied = _sent(pkg, ops.copy_file())
    assert (copied.url.raw_path, copied.url.query) == (b"/files?action=copy", b"action=copy")


def test_form_encoding_deep_object_and_media_order(package: tuple[Path, Any]) -> None:
    _, pkg = package
    ops = importlib.import_module("wire_api.operations")
    sent = _sent(pkg, ops.create_charge(metadata={"order": "6735"}, expand=["a", "b"]))
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert sent.content == b"metadata%5Border%5D=6735&expand=a&expand=b"


def test_a_form_body_without_properties_is_still_sent(package: tuple[Path, Any]) -> None:
    _, pkg = package
    from wire_api.models import Password

    ops = importlib.import_module("wire_api.operations")
    sent = _sent(pkg, ops.submit_login(body=Password(method="password", password="s")))
    assert sent.content == b"method=password&password=s"


def test_json_patch_body_first_in_spec_order(package: tuple[Path, Any]) -> None:
    _, pkg = package
    ops = importlib.import_module("wire_api.operations")
    sent = _sent(pkg, ops.patch_it(body=[{"op": "remove", "path": "/a"}]))
    assert sent.headers["Content-Type"] == "application/json-patch+json"
    assert sent.content == b'[{"op":"remove","path":"/a"}]'


def test_generated_tests_agree(package: tuple[Path, Any]) -> None:
    out, _ = package
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "wire_api"],
        cwd=out, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
