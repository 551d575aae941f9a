"""Spec -> client for values sent as a media type says: parameters with
``content`` (typed by the content's schema, sent as JSON text), multipart
``encoding`` (a ``contentType`` list: its first; fixed part headers; arrays of
files as repeated parts), a form field's JSON ``contentType``, and the media
type of a body the spec offers in several (the spec's first, unless
``prefer-media-types`` names another). The spec is the oracle's own
(tests/oracle/specs/wire_media.yaml): tests/test_oracle.py judges the same
requests independently."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import yaml

from generator.pipeline import generate_package

from ._specs import generated
from ._support import form, multipart, query

SPEC = Path(__file__).resolve().parent.parent / "oracle" / "specs" / "wire_media.yaml"
DOCUMENT: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def _package(root: Path, name: str, prefer: tuple[str, ...] = ()) -> Iterator[tuple[ModuleType, Any]]:
    """The spec generated as package ``name`` (with ``prefer_media_types``), imported."""
    spec = root / f"{name}.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    result = generate_package(spec, prefer_media_types=prefer)
    out = root / "out"
    for relative, text in result.files.items():
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(name), result
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, Any]]:
    yield from _package(tmp_path_factory.mktemp("media"), "wire_media")


def _sent(package: ModuleType, request: Any) -> httpx.Request:
    seen: list[httpx.Request] = []

    def handler(sent: httpx.Request) -> httpx.Response:
        sent.read()
        seen.append(sent)
        return httpx.Response(204)

    with package.Client(transport=httpx.MockTransport(handler)) as client:
        client.send(request)
    return seen[0]


def test_content_parameters_are_typed_by_the_content_schema(media: tuple[ModuleType, Any]) -> None:
    package, _ = media
    ops = importlib.import_module("wire_media.operations")
    hints = typing.get_type_hints(ops.get_report, vars(importlib.import_module("wire_media.models")))
    models = importlib.import_module("wire_media.models")
    assert (hints["range"], hints["filter"], hints["x_context"]) == (list[int], models.Filter, models.GetReportXContext)


def test_content_parameters_are_sent_as_json_text(media: tuple[ModuleType, Any]) -> None:
    package, _ = media
    from wire_media.models import Filter, GetReportXContext

    ops = importlib.import_module("wire_media.operations")
    request = ops.get_report(
        [2020, 2021], filter=Filter(status="open", limit=5), x_context=GetReportXContext(tenant="a b")
    )
    sent = _sent(package, request)
    assert sent.url.raw_path.decode().partition("?")[0] == "/v1/reports/%5B2020%2C2021%5D"
    assert query(sent) == [("filter", '{"status":"open","limit":5}')]
    assert sent.headers["X-Context"] == '{"tenant":"a b"}'
    cookie = _sent(package, ops.get_preferences(prefs={"theme": "dark"})).headers["cookie"]
    assert cookie == "prefs=" + "%7B%22theme%22%3A%22dark%22%7D"
    assert json.loads(unquote(cookie.partition("=")[2])) == {"theme": "dark"}


def test_multipart_encoding_content_types_headers_and_file_arrays(media: tuple[ModuleType, Any]) -> None:
    package, result = media
    ops = importlib.import_module("wire_media.operations")
    request = ops.upload(meta={"album": "trip"}, pics=[b"one", ("b.jpg", b"two", "image/jpeg")], title="t")
    sent = _sent(package, request)
    parts = multipart(sent)
    assert [(p.name, p.filename, p.content_type, p.data) for p in parts] == [
        ("meta", None, "application/json", b'{"album":"trip"}'),
        ("title", None, None, b"t"),
        ("pics", "upload", "image/png", b"one"),  # the first of "image/png, image/jpeg"
        ("pics", "b.jpg", "image/jpeg", b"two"),  # the caller's own media type wins
    ]
    body = sent.content.decode()
    assert body.count("X-Schema-Version: 2\r\n") == 1 and body.count("X-Kind: photo\r\n") == 2
    assert not result.warnings


def test_one_file_or_a_list_of_them(media: tuple[ModuleType, Any]) -> None:
    """A oneOf/anyOf of a binary string and an array of them (OpenAI's image
    edits): a file or a list of files, never the bytes' repr as text."""
    package, _ = media
    ops = importlib.import_module("wire_media.operations")
    hints = typing.get_type_hints(ops.upload, vars(importlib.import_module("wire_media.models")))
    assert "list[" in str(hints["cover"]) and "bytes" in str(hints["cover"])
    for cover, expected in ((b"c1", [b"c1"]), ([b"c1", ("c2.png", b"c2")], [b"c1", b"c2"])):
        parts = multipart(_sent(package, ops.upload(meta={"album": "a"}, pics=[], cover=cover)))
        assert [p.data for p in parts if p.name == "cover"] == expected
        assert all(p.filename for p in parts if p.name == "cover")


def test_form_field_with_json_content_type(media: tuple[ModuleType, Any]) -> None:
    package, _ = media
    ops = importlib.import_module("wire_media.operations")
    sent = _sent(package, ops.save_settings(name="n", prefs={"theme": "dark", "sizes": [1, 2]}))
    assert form(sent) == [("name", "n"), ("prefs", '{"theme":"dark","sizes":[1,2]}')]


def test_several_media_types_the_spec_first_and_a_note_says_so(media: tuple[ModuleType, Any]) -> None:
    package, result = media
    from wire_media.models import Note

    ops = importlib.import_module("wire_media.operations")
    sent = _sent(package, ops.create_note(body=Note(text="hi")))
    assert (sent.headers["Content-Type"], sent.content) == ("application/json", b'{"text":"hi"}')
    assert any(
        "request body sent as application/json (also accepted: application/x-www-form-urlencoded, "
        "multipart/form-data; see prefer-media-types)" in note
        for note in result.notes
    ), result.notes


@pytest.mark.parametrize(
    ("prefer", "content_type"),
    [
        (("application/x-www-form-urlencoded",), "application/x-www-form-urlencoded"),
        (("multipart/*", "application/x-www-form-urlencoded"), "multipart/form-data"),
        (("text/csv", "APPLICATION/X-WWW-FORM-URLENCODED"), "application/x-www-form-urlencoded"),
        (("text/csv",), "application/json"),  # not offered: the spec's order
    ],
)
def test_prefer_media_types_chooses_the_body(tmp_path: Path, prefer: tuple[str, ...], content_type: str) -> None:
    name = f"wire_prefer_{abs(hash(prefer)) % 10_000}"
    for package, result in _package(tmp_path, name, prefer):
        ops = importlib.import_module(f"{name}.operations")
        request = ops.create_note(text="hi", pinned=True) if content_type != "application/json" else None
        if request is None:
            request = ops.create_note(body=importlib.import_module(f"{name}.models").Note(text="hi"))
        sent = _sent(package, request)
        assert sent.headers["Content-Type"].split(";")[0] == content_type
        if content_type == "application/x-www-form-urlencoded":
            assert form(sent) == [("text", "hi"), ("pinned", "true")]
        manifest = json.loads(result.files[f"{name}/_specgen.json"])
        assert manifest["options"]["prefer_media_types"] == list(prefer)


def test_the_packages_own_tests_expect_the_same(media: tuple[ModuleType, Any]) -> None:
    """The generated tests' expected query, header, path and form values
    (ir/build.py, written apart from the runtime) agree with what is sent."""
    package, _ = media
    out = Path(package.__file__).parent.parent
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "wire_media"],
        cwd=out, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "5 passed" in proc.stdout, proc.stdout[-3000:]


def test_no_preference_leaves_the_manifest_as_before(media: tuple[ModuleType, Any]) -> None:
    _, result = media
    assert "prefer_media_types" not in json.loads(result.files["wire_media/_specgen.json"])["options"]


PART = {
    "openapi": "3.0.3",
    "info": {"title": "p", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/up": {
            "post": {
                "operationId": "up",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "doc": {"type": "string", "format": "binary"},
                                    "note": {"type": "string"},
                                },
                            },
                            "encoding": {
                                "doc": {
                                    "contentType": "image/*",
                                    "headers": {
                                        "X-Sum": {"required": True, "schema": {"type": "string"}},
                                        "Content-Type": {"schema": {"type": "string", "enum": ["text/html"]}},
                                    },
                                },
                                "note": {
                                    "headers": {
                                        "X-Lang": {"$ref": "#/components/headers/Lang"},
                                        "X-Evil": {"schema": {"type": "string", "enum": ["a\r\nInjected: 1"]}},
                                    }
                                },
                            },
                        }
                    },
                },
                "responses": {"204": {"description": "done"}},
            }
        }
    },
    "components": {"headers": {"Lang": {"schema": {"type": "string", "enum": ["en"]}}}},
}


def test_part_headers_without_a_fixed_value_are_warned_about(tmp_path: Path) -> None:
    """A required header the spec fixes no value for is the caller's (a file
    part's 4-tuple); an encoding's Content-Type header is ignored, as OpenAPI
    says; a wildcard contentType leaves the media type to the file; a
    ``$ref``'d header is followed; a value that is not one line (spec text is
    untrusted) is warned about and never sent."""
    for package, warnings in generated(tmp_path, "wire_parts", PART):
        encoding = "/paths/~1up/post/requestBody/content/multipart~1form-data/encoding"
        assert [w.split(": ", 1)[1] for w in warnings if "part header" in w] == [
            f"{encoding}/doc/headers/X-Sum: warning: part header 'X-Sum' of 'doc' has no fixed value in the"
            " spec: pass it with the file: (name, content, media type, {header: value})",
            f"{encoding}/note/headers/X-Evil: warning: part header 'X-Evil' of 'note' is not a valid header"
            " name and one-line value; it is not sent",
        ], warnings
        ops = importlib.import_module("wire_parts.operations")
        sent = _sent(package, ops.up(doc=("a.gif", b"GIF", None, {"X-Sum": "abc"}), note="n"))
        parts = multipart(sent)
        assert [(p.name, p.content_type) for p in parts] == [("note", None), ("doc", "image/gif")]
        body = sent.content.decode()
        assert "X-Sum: abc\r\n" in body and "X-Lang: en\r\n" in body and "text/html" not in body
        assert "Injected" not in body and "X-Evil" not in body


def test_a_cyclic_one_of_in_a_multipart_field_ends(tmp_path: Path) -> None:
    """Looking for a file through oneOf stops after a few levels: a schema
    that is a oneOf of itself still generates."""
    document = {
        "openapi": "3.0.3",
        "info": {"title": "c", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {
            "/u": {
                "post": {
                    "operationId": "u",
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {
                                "schema": {"type": "object", "properties": {"f": {"$ref": "#/components/schemas/A"}}}
                            }
                        }
                    },
                    "responses": {"204": {"description": "done"}},
                }
            }
        },
        "components": {
            "schemas": {"A": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "string", "format": "binary"}]}}
        },
    }
    for package, _warnings in generated(tmp_path, "wire_cycle", document):
        assert importlib.import_module("wire_cycle.operations").u is not None
