"""Values sent as a media type says: parameters with ``content`` (JSON text,
then encoded for the location), a form field's JSON ``contentType``, and
multipart parts' ``contentType`` and headers (arrays of files as repeated
parts). Each request goes through a real client over a mock transport and is
read back from the raw URL, header or body."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
import pytest

from generator.runtime import Client, Operation, Param, Request
from generator.runtime.decode import NONE

VALUE = {"a": 1, "tags": ["x y", "z,w"], "ok": True}
TEXT = '{"a":1,"tags":["x y","z,w"],"ok":true}'


def _send(*params: tuple[Param, Any], path: str = "/things", method: str = "GET") -> httpx.Request:
    operation: Operation[None] = Operation(
        name="op", method=method, path=path, params=tuple(p for p, _ in params), response=NONE
    )
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    with Client("u", "p", base_url="https://api.test", transport=httpx.MockTransport(handler)) as client:
        client.send(Request(operation, {p.python_name: v for p, v in params}))
    seen[0].read()
    return seen[0]


def _parts(request: httpx.Request) -> list[tuple[str | None, str | None, dict[str, str], bytes]]:
    """(name, file name, headers, content) of each part, by the stdlib's MIME parser."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    return [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            {k: str(v) for k, v in part.items()},
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ]


def test_query_content_parameter_is_json_text_percent_encoded() -> None:
    sent = _send((Param("filter", "query", "filter", content_type="application/json"), VALUE))
    query = sent.url.query.decode("ascii")
    assert query.startswith("filter=%7B%22a%22%3A1")  # every delimiter of the JSON escaped
    assert [(k, json.loads(v)) for k, v in parse_qsl(query)] == [("filter", VALUE)]


def test_header_content_parameter_is_json_text() -> None:
    sent = _send((Param("X-Filter", "header", "x_filter", content_type="application/json"), VALUE))
    assert sent.headers["X-Filter"] == TEXT


def test_path_content_parameter_is_json_text_in_one_segment() -> None:
    sent = _send((Param("ids", "path", "ids", content_type="application/json"), [1, "a/b"]), path="/things/{ids}")
    raw = sent.url.raw_path.decode("ascii")
    assert raw == "/things/%5B1%2C%22a%2Fb%22%5D"
    assert json.loads(unquote(raw.rsplit("/", 1)[1])) == [1, "a/b"]


def test_cookie_content_parameter_is_json_text_percent_encoded() -> None:
    sent = _send((Param("prefs", "cookie", "prefs", content_type="application/json"), {"theme": "dark mode"}))
    name, _, value = sent.headers["cookie"].partition("=")
    assert (name, json.loads(unquote(value))) == ("prefs", {"theme": "dark mode"})
    assert ";" not in value and '"' not in value and " " not in value


@pytest.mark.parametrize(
    ("media", "value", "text"),
    [
        ("application/vnd.api+json", {"a": 1}, '{"a":1}'),
        ("application/json; charset=utf-8", "plain", '"plain"'),  # a JSON string is quoted
        ("text/plain", "plain", "plain"),
        ("text/plain", True, "true"),
    ],
)
def test_content_media_types(media: str, value: Any, text: str) -> None:
    assert _send((Param("X-V", "header", "v", content_type=media), value)).headers["X-V"] == text


def test_a_content_header_value_must_be_one_line() -> None:
    with pytest.raises(ValueError, match="^v: a header value must be one line"):
        _send((Param("X-V", "header", "v", content_type="text/plain"), "a\r\nInjected: 1"))


def test_form_field_with_json_content_type_is_json_text() -> None:
    sent = _send(
        (Param("meta", "form", "meta", content_type="application/json"), {"k": ["v"]}),
        (Param("name", "form", "name"), "n"),
        method="POST",
    )
    assert parse_qsl(sent.content.decode()) == [("meta", '{"k":["v"]}'), ("name", "n")]


def test_form_field_with_another_content_type_keeps_its_style() -> None:
    sent = _send((Param("tags", "form", "tags", content_type="text/plain"), ["a", "b"]), method="POST")
    assert sent.content == b"tags=a&tags=b"


def test_multipart_json_content_type_makes_json_text() -> None:
    sent = _send((Param("label", "multipart", "label", content_type="application/json"), "hi"), method="POST")
    [(name, filename, headers, content)] = _parts(sent)
    assert (name, filename, headers["Content-Type"], content) == ("label", None, "application/json", b'"hi"')


def test_multipart_text_part_carries_its_fixed_headers() -> None:
    param = Param("meta", "multipart", "meta", part_headers=(("X-Schema", "v2"),))
    sent = _send((param, {"a": 1}), (Param("note", "multipart", "note"), "n"), method="POST")
    parts = {name: (headers, content) for name, _, headers, content in _parts(sent)}
    assert parts["meta"][0]["X-Schema"] == "v2" and parts["meta"][1] == b'{"a":1}'
    assert "X-Schema" not in parts["note"][0]


def test_file_parts_media_type_headers_and_arrays() -> None:
    """An array of files is one part each; the encoding's media type applies
    unless the caller names one; the caller's headers add to the fixed ones."""
    param = Param("pics", "file", "pics", content_type="image/png", part_headers=(("X-Kind", "photo"),))
    files = [b"one", ("two.jpg", b"two", "image/jpeg"), ("three.png", b"three", None, {"X-Id": "3"})]
    sent = _send((param, files), method="POST")
    parts = _parts(sent)
    assert [(n, f, h["Content-Type"], c) for n, f, h, c in parts] == [
        ("pics", "upload", "image/png", b"one"),
        ("pics", "two.jpg", "image/jpeg", b"two"),
        ("pics", "three.png", "image/png", b"three"),
    ]
    assert [h.get("X-Kind") for _, _, h, _ in parts] == ["photo", "photo", "photo"]
    assert [h.get("X-Id") for _, _, h, _ in parts] == [None, None, "3"]


def test_a_file_without_encoding_is_sent_as_given() -> None:
    sent = _send((Param("doc", "file", "doc"), ("a.txt", b"text")), method="POST")
    [(name, filename, headers, content)] = _parts(sent)
    assert (name, filename, headers["Content-Type"], content) == ("doc", "a.txt", "text/plain", b"text")


@pytest.mark.parametrize(
    "headers", [{"X-Id": "1\r\nX-Injected: 1"}, {"Bad Name": "1"}, {"X-Id": 3}], ids=["crlf", "name", "type"]
)
def test_part_headers_are_checked_before_sending(headers: dict[str, Any]) -> None:
    param = Param("doc", "file", "doc")
    with pytest.raises(ValueError, match="^part header "):
        _send((param, ("a.bin", b"x", None, headers)), method="POST")
