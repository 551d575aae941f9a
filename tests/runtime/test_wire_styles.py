"""Parameter serialization against the OpenAPI 3.1.0 "Style Examples" table, verbatim.

A parameter ``color`` holds ``"blue"``, ``["blue", "black", "brown"]`` or
``{"R": 100, "G": 200, "B": 150}``; each row of the table is one style and
explode, each cell the text on the wire. Every case is sent by a real client
over a mock transport and read back from the raw URL or header, so the
whole path (Param -> Request -> httpx) is what is checked. The deepObject
and form-encoding cases (which the oracle of tests/test_oracle.py cannot
read) are also decoded back by an independent reader here.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from generator.runtime import Client, Operation, Param, Request
from generator.runtime.decode import NONE

STRING = "blue"
ARRAY = ["blue", "black", "brown"]
OBJECT = {"R": 100, "G": 200, "B": 150}

# (style, explode, string, array, object): the table, None where it says n/a.
# The query styles' cells are the query string; the path styles' the path text.
TABLE = [
    ("matrix", False, ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"),
    ("matrix", True, ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"),
    ("label", False, ".blue", ".blue.black.brown", ".R.100.G.200.B.150"),
    ("label", True, ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
    ("form", False, "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
    ("form", True, "color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"),
    ("simple", False, "blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("simple", True, "blue", "blue,black,brown", "R=100,G=200,B=150"),
    ("spaceDelimited", False, None, "blue%20black%20brown", "R%20100%20G%20200%20B%20150"),
    ("pipeDelimited", False, None, "blue|black|brown", "R|100|G|200|B|150"),
    ("deepObject", True, None, None, "color[R]=100&color[G]=200&color[B]=150"),
]
LOCATION = {"matrix": "path", "label": "path", "simple": "path"}
CASES = [
    pytest.param(style, explode, value, cell, id=f"{style}-{explode}-{kind}")
    for style, explode, *cells in TABLE
    for kind, value, cell in zip(("string", "array", "object"), (STRING, ARRAY, OBJECT), cells)
    if cell is not None
]


def _send(param: Param, value: Any, path: str = "/things") -> httpx.Request:
    operation: Operation[None] = Operation(
        name="op", method="GET", path=path, params=(param,), response=NONE
    )
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    with Client("u", "p", base_url="https://api.test", transport=httpx.MockTransport(handler)) as client:
        client.send(Request(operation, {"color": value}))
    return seen[0]


def _normal(text: str) -> str:
    """Percent-escapes of brackets and pipes read as the characters (the table
    shows them raw; a URL must escape them); spaces stay ``%20``."""
    return re.sub(r"%(5B|5D|7C|5b|5d|7c)", lambda m: unquote(m.group(0)), text)


@pytest.mark.parametrize(("style", "explode", "value", "cell"), CASES)
def test_style_table(style: str, explode: bool, value: Any, cell: str) -> None:
    location = LOCATION.get(style, "query")
    param = Param("color", location, "color", style=style, explode=explode)  # type: ignore[arg-type]
    if location == "path":
        sent = _send(param, value, path="/things/{color}")
        assert sent.url.raw_path.decode("ascii") == "/things/" + cell
    else:
        sent = _send(param, value)
        if style.endswith("Delimited"):  # the table shows these rows' values only
            cell = "color=" + cell
        assert _normal(sent.url.query.decode("ascii")) == cell


@pytest.mark.parametrize(("explode", "value", "cell"), [
    (False, STRING, "blue"), (False, ARRAY, "blue,black,brown"), (False, OBJECT, "R,100,G,200,B,150"),
    (True, STRING, "blue"), (True, ARRAY, "blue,black,brown"), (True, OBJECT, "R=100,G=200,B=150"),
])
def test_header_is_simple(explode: bool, value: Any, cell: str) -> None:
    sent = _send(Param("color", "header", "color", explode=explode), value)
    assert sent.headers["color"] == cell


def test_defaults_per_location() -> None:
    """No style given: query and cookie form+explode, path and header simple."""
    assert _send(Param("color", "query", "color"), ARRAY).url.query == b"color=blue&color=black&color=brown"
    assert _send(Param("color", "query", "color"), OBJECT).url.query == b"R=100&G=200&B=150"
    path = _send(Param("color", "path", "color"), OBJECT, "/x/{color}").url.raw_path
    assert path == b"/x/R,100,G,200,B,150"
    cookie = _send(Param("color", "cookie", "color"), ARRAY).headers["cookie"]
    assert cookie == "color=blue; color=black; color=brown"


def test_allow_reserved_keeps_reserved_characters() -> None:
    value = "a/b:c?d@e,f"
    kept = _send(Param("q", "query", "color", allow_reserved=True), value).url.query
    assert kept == b"q=a/b:c?d@e,f"
    plain = _send(Param("q", "query", "color"), value).url.query
    assert plain == b"q=a%2Fb%3Ac%3Fd%40e%2Cf"
    # what a query cannot carry raw is escaped even so
    assert _send(Param("q", "query", "color", allow_reserved=True), "a&b=c#d+e").url.query == (
        b"q=a%26b%3Dc%23d%2Be"
    )


def _read_deep(query: str) -> dict[str, Any]:
    """An independent deepObject reader: ``a[b][c]=v`` pairs into nested dicts."""
    out: dict[str, Any] = {}
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        name, *path = re.findall(r"[^\[\]]+", unquote(key))
        node = out.setdefault(name, {})
        for step in path[:-1]:
            node = node.setdefault(step, {})
        node[path[-1]] = unquote(value)
    return out


def test_deep_object_reads_back() -> None:
    value = {"R": 100, "meta": {"key": "a b", "n": True}}
    sent = _send(Param("color", "query", "color", style="deepObject", explode=True), value)
    assert _read_deep(sent.url.query.decode()) == {"color": {"R": "100", "meta": {"key": "a b", "n": "true"}}}


def test_form_body_encoding_deep_object() -> None:
    """Stripe's ``metadata[key]=value``: a form field with encoding style deepObject."""
    param = Param("metadata", "form", "color", style="deepObject", explode=True)
    sent = _send(param, {"order": "6735", "tier": "gold"})
    body = sent.content.decode()
    assert _normal(body) == "metadata[order]=6735&metadata[tier]=gold"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"


def test_form_body_object_default_is_form_explode() -> None:
    sent = _send(Param("address", "form", "color"), {"city": "Oslo", "zip": "0150"})
    assert sent.content == b"city=Oslo&zip=0150"


def test_multipart_object_is_a_json_part_and_list_repeats() -> None:
    obj = _send(Param("meta", "multipart", "color"), {"a": 1}).read().decode()
    assert 'name="meta"' in obj and "Content-Type: application/json" in obj and '{"a":1}' in obj
    listed = _send(Param("tags", "multipart", "color"), ["x", "y"]).read().decode()
    assert listed.count('name="tags"') == 2


def test_multipart_encoding_content_type() -> None:
    sent = _send(Param("doc", "multipart", "color", content_type="text/csv"), "a,b").read().decode()
    assert "Content-Type: text/csv" in sent


def test_raw_body_is_sent_as_given() -> None:
    """A body of another media type (an image, text) goes out byte for byte
    with its media type: the oracle cannot judge it (bytes against ``type: string``)."""
    operation: Operation[None] = Operation(
        name="op",
        method="PUT",
        path="/image",
        params=(Param("body", "content", "body", required=True),),
        response=NONE,
        content_type="image/jpeg",
    )
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(204))
    with Client("u", "p", base_url="https://api.test", transport=transport) as client:
        client.send(Request(operation, {"body": b"\xff\xd8jpeg"}))
    assert (seen[0].content, seen[0].headers["content-type"]) == (b"\xff\xd8jpeg", "image/jpeg")
