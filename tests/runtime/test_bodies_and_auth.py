"""Request bodies (multipart, JSON media types, read-only fields) and token auth."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

import generator.runtime as rt
from generator.runtime.errors import redact_url


class Thing(rt.Model):
    id: str | None = rt.field("id", rt.STR, default=None, read_only=True)
    name: str = rt.field("name", rt.STR)
    tags: list[str] | None = rt.field("tags", rt.list_of(rt.STR), default=None)


UPLOAD = rt.Operation(
    name="upload",
    method="POST",
    path="/files",
    params=(
        rt.Param("Title", "multipart", "title"),
        rt.Param("Data", "file", "data"),
    ),
    response=rt.NONE,
)
CREATE = rt.Operation(
    name="create",
    method="POST",
    path="/things",
    params=(rt.Param("body", "body", "body", required=True),),
    response=rt.model(Thing),
    content_type="application/scim+json",
)


class Recorder:
    def __init__(self, status: int = 200, body: Any = None) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status
        self.body = body

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.body is None:
            return httpx.Response(self.status)
        return httpx.Response(self.status, json=self.body)


def make(
    recorder: Recorder, cls: type[rt.Client] = rt.Client, **kwargs: Any
) -> rt.Client:
    return cls(
        base_url="https://api.example.com",
        transport=httpx.MockTransport(recorder),
        **kwargs,
    )


def test_multipart_with_file_and_text_parts() -> None:
    recorder = Recorder(204)
    with make(recorder) as client:
        client.send(
            rt.Request(
                UPLOAD, {"title": "report", "data": ("r.txt", b"hello", "text/plain")}
            )
        )
    request = recorder.requests[0]
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = request.content
    assert b'name="Title"' in body and b"report" in body
    assert b'name="Data"; filename="r.txt"' in body and b"hello" in body


def test_multipart_without_a_file_is_still_multipart() -> None:
    recorder = Recorder(204)
    with make(recorder) as client:
        client.send(rt.Request(UPLOAD, {"title": "only text"}))
    assert (
        recorder.requests[0].headers["content-type"].startswith("multipart/form-data")
    )


def test_json_body_uses_the_operation_media_type_and_drops_read_only_fields() -> None:
    recorder = Recorder(200, {"id": "T1", "name": "n"})
    with make(recorder) as client:
        result = client.send(
            rt.Request(CREATE, {"body": Thing(id="ignored", name="n", tags=["a"])})
        )
    request = recorder.requests[0]
    assert request.headers["content-type"] == "application/scim+json"
    assert json.loads(request.content) == {"name": "n", "tags": ["a"]}
    assert result == Thing(id="T1", name="n")


class BearerClient(rt.Client):
    AUTH = "bearer"
    TOKEN_ENV = "SPECGEN_TEST_TOKEN"


class HeaderKeyClient(rt.Client):
    AUTH = "header"
    API_KEY_NAME = "X-Api-Key"


class QueryKeyClient(rt.Client):
    AUTH = "query"
    API_KEY_NAME = "api_key"


LIST = rt.Operation(name="list", method="GET", path="/things", response=rt.ANY)


def test_bearer_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_TEST_TOKEN", "s3cret-token")
    recorder = Recorder(200, {})
    with make(recorder, BearerClient) as client:
        client.send(rt.Request(LIST, {}))
        assert "s3cret" not in repr(client)
    assert recorder.requests[0].headers["authorization"] == "Bearer s3cret-token"


def test_api_key_in_a_header() -> None:
    recorder = Recorder(200, {})
    with make(recorder, HeaderKeyClient, token="k-123") as client:
        client.send(rt.Request(LIST, {}))
    assert recorder.requests[0].headers["x-api-key"] == "k-123"
    assert "authorization" not in recorder.requests[0].headers


def test_api_key_in_the_query_is_sent_but_never_printed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder(404, {"message": "nope"})
    caplog.set_level(logging.DEBUG)
    with make(recorder, QueryKeyClient, token="k-secret-456", max_retries=0) as client:
        with pytest.raises(rt.NotFoundError) as info:
            client.send(rt.Request(LIST, {}))
    assert recorder.requests[0].url.params["api_key"] == "k-secret-456"
    assert "k-secret-456" not in str(info.value)
    assert "k-secret-456" not in info.value.url
    assert "k-secret-456" not in caplog.text
    assert (
        redact_url("https://x/y?api_key=abc&b=1") == "https://x/y?api_key=REDACTED&b=1"
    )


def test_no_token_means_no_auth() -> None:
    recorder = Recorder(200, {})
    with make(recorder, HeaderKeyClient) as client:
        client.send(rt.Request(LIST, {}))
    assert "x-api-key" not in recorder.requests[0].headers


def test_raw_responses_are_not_parsed_as_json() -> None:
    download = rt.Operation(name="download", method="GET", path="/f", response=rt.BYTES)
    csv = rt.Operation(name="csv", method="GET", path="/c", response=rt.TEXT)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"\x00\x01a,b")

    with rt.Client(
        base_url="https://x", transport=httpx.MockTransport(handler)
    ) as client:
        assert client.send(rt.Request(download, {})) == b"\x00\x01a,b"
        assert client.send(rt.Request(csv, {})) == "\x00\x01a,b"


def test_responses_are_freed_without_the_cyclic_collector() -> None:
    # httpx links a response and its stream both ways; a pagination would then
    # keep every page until a full collection. The runtime unlinks them.
    import gc
    import weakref

    op = rt.Operation(name="get", method="GET", path="/x", response=rt.ANY)
    recorder = Recorder(200, {"a": 1})
    with make(recorder) as client:
        gc.disable()
        try:
            raw = client.send_raw(rt.Request(op, {}))
            assert raw.parsed == {"a": 1} and raw.response.json() == {"a": 1}
            assert list(raw.response.iter_bytes()) == [b'{"a":1}']
            ref = weakref.ref(raw.response)
            del raw
            assert ref() is None
        finally:
            gc.enable()
