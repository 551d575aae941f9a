"""methods_bodies: every HTTP method; form, JSON, +json, multipart bodies; path, query, header params."""

from __future__ import annotations

import asyncio
import inspect
import json
from datetime import UTC, datetime

import pytest

from ._support import (
    Recorder,
    Reply,
    body_json,
    form,
    grouped,
    load_case,
    multipart,
    query,
    raw_path,
)

load_case("methods_bodies")

from methods_bodies import AsyncClient, Client, operations as ops  # noqa: E402
from methods_bodies.models import (
    GetFileResponse,
    Item,
    ItemPatch,
    Message,
    ScimUser,
    UploadFileResponse,
)  # noqa: E402

ITEM = {"id": "it_1", "name": "Bolt", "quantity": 3, "tags": ["metal"]}


def client(recorder: Recorder) -> Client:
    return Client(transport=recorder.transport)


# -- methods ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "method", "status"),
    [
        (lambda c: c.get_item("it_1"), "GET", 200),
        (lambda c: c.replace_item("it_1", body=Item(name="Bolt")), "PUT", 200),
        (lambda c: c.update_item("it_1", body=ItemPatch(quantity=4)), "PATCH", 200),
        (lambda c: c.create_item(body=Item(name="Bolt")), "POST", 201),
    ],
    ids=["get", "put", "patch", "post"],
)
def test_methods_with_a_json_response(call: object, method: str, status: int) -> None:
    recorder = Recorder(Reply(status, ITEM))
    with client(recorder) as c:
        result = call(c)  # type: ignore[operator]
    assert recorder.last.method == method
    assert raw_path(recorder.last) == (
        "/v1/items" if method == "POST" else "/v1/items/it_1"
    )
    assert isinstance(result, Item)
    assert result == Item(id="it_1", name="Bolt", quantity=3, tags=["metal"])


@pytest.mark.parametrize(
    ("name", "method", "status"),
    [
        ("delete_item", "DELETE", 204),
        ("item_exists", "HEAD", 200),
        ("item_options", "OPTIONS", 204),
    ],
)
def test_methods_without_a_response_body(name: str, method: str, status: int) -> None:
    recorder = Recorder(Reply(status, headers={"Allow": "GET, PUT"}))
    with client(recorder) as c:
        result = getattr(c, name)("it 1")
    assert result is None
    request = recorder.last
    assert request.method == method
    assert raw_path(request) == "/v1/items/it%201"
    assert request.content == b""
    assert "Content-Type" not in request.headers


def test_head_and_options_return_raw_headers_through_send_raw() -> None:
    recorder = Recorder(Reply(204, headers={"Allow": "GET, PUT, DELETE"}))
    with client(recorder) as c:
        response = c.send_raw(ops.item_options("it_1"))
    assert response.parsed is None
    assert response.status_code == 204
    assert response.headers["Allow"] == "GET, PUT, DELETE"


# -- parameters -------------------------------------------------------------


def test_query_arrays_follow_style_and_explode_and_headers_are_sent() -> None:
    recorder = Recorder(Reply(200, [ITEM]))
    with client(recorder) as c:
        result = c.list_items(
            x_request_id="req-42",
            tag=["a", "b c"],
            ids=[1, 2, 3],
            colors=["red", "blue"],
            active=False,
            x_retry_count=2,
        )
    request = recorder.last
    assert request.method == "GET"
    assert raw_path(request) == "/v1/items"
    assert grouped(query(request)) == {
        "Tag": ["a", "b c"],  # explode true (the default): one key per value
        "Ids": ["1,2,3"],  # form, explode false: comma-joined
        "Colors": ["red|blue"],  # pipeDelimited, explode false
        "Active": ["false"],
    }
    assert request.headers["X-Request-Id"] == "req-42"
    assert request.headers["X-Retry-Count"] == "2"
    assert [type(i) for i in result] == [Item]
    assert result[0].tags == ["metal"]


def test_optional_parameters_left_out_are_not_sent() -> None:
    recorder = Recorder(Reply(200, []))
    with client(recorder) as c:
        assert c.list_items(x_request_id="r") == []
    assert query(recorder.last) == []
    assert "X-Retry-Count" not in recorder.last.headers


def test_path_parameters_are_percent_encoded_in_order() -> None:
    recorder = Recorder(Reply(200, {"folder": "a b/c", "file_name": "ü.txt"}))
    with client(recorder) as c:
        result = c.get_file("a b/c", "ü.txt", version=2)
    assert raw_path(recorder.last) == "/v1/folders/a%20b%2Fc/files/%C3%BC.txt"
    assert query(recorder.last) == [("version", "2")]
    assert isinstance(result, GetFileResponse)
    assert (result.folder, result.file_name) == ("a b/c", "ü.txt")


def test_path_parameters_are_positional_and_the_rest_keyword_only() -> None:
    signature = inspect.signature(ops.get_file)
    kinds = {name: p.kind for name, p in signature.parameters.items()}
    assert kinds == {
        "folder": inspect.Parameter.POSITIONAL_OR_KEYWORD,
        "file_name": inspect.Parameter.POSITIONAL_OR_KEYWORD,
        "version": inspect.Parameter.KEYWORD_ONLY,
    }


# -- JSON bodies ------------------------------------------------------------


def test_json_body_is_the_model_minus_read_only_and_unset_fields() -> None:
    recorder = Recorder(Reply(201, ITEM))
    with client(recorder) as c:
        result = c.create_item(body=Item(id="ignored", name="Bolt", quantity=3))
    request = recorder.last
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/json"
    assert body_json(request) == {"name": "Bolt", "quantity": 3}
    assert result.id == "it_1"


def test_put_sends_the_whole_model() -> None:
    recorder = Recorder(Reply(200, ITEM))
    with client(recorder) as c:
        c.replace_item("it_1", body=Item(name="Bolt", quantity=0, tags=[]))
    assert recorder.last.headers["Content-Type"] == "application/json"
    assert body_json(recorder.last) == {"name": "Bolt", "quantity": 0, "tags": []}


def test_merge_patch_json_is_sent_with_its_own_media_type() -> None:
    recorder = Recorder(Reply(200, ITEM))
    with client(recorder) as c:
        c.update_item("it_1", body=ItemPatch(quantity=4))
    assert recorder.last.method == "PATCH"
    assert recorder.last.headers["Content-Type"] == "application/merge-patch+json"
    assert body_json(recorder.last) == {"quantity": 4}


def test_scim_json_request_and_response() -> None:
    user = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "bjensen",
        "active": True,
    }
    recorder = Recorder(
        Reply(
            201,
            content=json.dumps(user).encode(),
            headers={"Content-Type": "application/scim+json"},
        )
    )
    with client(recorder) as c:
        result = c.create_user(body=ScimUser(schemas=user["schemas"], user_name="bjensen"))  # type: ignore[arg-type]
    request = recorder.last
    assert raw_path(request) == "/v1/Users"
    assert request.headers["Content-Type"] == "application/scim+json"
    assert (
        request.content
        == b'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}'
    )
    assert isinstance(result, ScimUser)
    assert result.user_name == "bjensen" and result.active is True


# -- form bodies ------------------------------------------------------------


def test_form_fields_are_snake_case_keyword_arguments() -> None:
    names = list(inspect.signature(ops.create_message).parameters)
    assert names == [
        "to",
        "from_",
        "body",
        "media_url",
        "status_callback",
        "max_price",
        "validity_period",
        "smart_encoded",
        "send_at",
    ]
    assert all(
        p.kind is inspect.Parameter.KEYWORD_ONLY
        for p in inspect.signature(ops.create_message).parameters.values()
    )


def test_form_body_uses_wire_names_and_repeats_list_values() -> None:
    recorder = Recorder(
        Reply(201, {"sid": "SM1", "from": "+15550001111", "status": "queued"})
    )
    with client(recorder) as c:
        result = c.create_message(
            to="+15552223333",
            from_="+15550001111",
            body="Hi & bye = ok?",
            media_url=["https://a.example/1.png", "https://a.example/2.png"],
            max_price=0.5,
            validity_period=60,
            smart_encoded=True,
            send_at=datetime(2024, 1, 31, 9, 30, tzinfo=UTC),
        )
    request = recorder.last
    assert request.method == "POST"
    assert raw_path(request) == "/v1/Messages.json"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert grouped(form(request)) == {
        "To": ["+15552223333"],
        "From": ["+15550001111"],
        "Body": ["Hi & bye = ok?"],
        "MediaUrl": ["https://a.example/1.png", "https://a.example/2.png"],
        "MaxPrice": ["0.5"],
        "ValidityPeriod": ["60"],
        "SmartEncoded": ["true"],
        "SendAt": ["2024-01-31T09:30:00Z"],
    }
    assert isinstance(result, Message)
    assert result.from_ == "+15550001111" and result.status == "queued"


def test_form_body_leaves_out_optional_fields_not_given() -> None:
    recorder = Recorder(Reply(201, {}))
    with client(recorder) as c:
        c.create_message(to="+1", from_="+2")
    assert form(recorder.last) == [("To", "+1"), ("From", "+2")]


def test_required_form_field_given_as_none_fails_before_sending() -> None:
    recorder = Recorder(Reply(201, {}))
    with client(recorder) as c, pytest.raises(ValueError, match="^to: is required"):
        c.create_message(to=None, from_="+2")  # type: ignore[arg-type]
    assert recorder.requests == []


# -- multipart --------------------------------------------------------------


def test_multipart_text_fields_and_a_file_part() -> None:
    recorder = Recorder(Reply(201, {"id": "up_1", "size": 4}))
    with client(recorder) as c:
        result = c.upload_file(
            title="Report",
            labels=["q1", "draft"],
            content=("r.csv", b"a,b\n", "text/csv"),
        )
    request = recorder.last
    assert request.method == "POST"
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    parts = {(p.name, p.filename, p.content_type, p.data) for p in multipart(request)}
    assert parts == {
        ("Title", None, None, b"Report"),
        ("Labels", None, None, b"q1"),
        ("Labels", None, None, b"draft"),
        ("Content", "r.csv", "text/csv", b"a,b\n"),
    }
    assert isinstance(result, UploadFileResponse) and result.size == 4


def test_multipart_file_given_as_bare_bytes() -> None:
    recorder = Recorder(Reply(201, {}))
    with client(recorder) as c:
        c.upload_file(title="T", content=b"\x00\x01binary")
    parts = multipart(recorder.last)
    assert [p.name for p in parts] == ["Title", "Content"]
    assert parts[1].data == b"\x00\x01binary"
    assert parts[1].filename  # some file name, so servers treat it as a file


def test_raw_binary_request_body() -> None:
    recorder = Recorder(Reply(204))
    with client(recorder) as c:
        c.put_item_image("it_1", body=b"\x89PNG\r\n")  # type: ignore[call-arg]
    assert recorder.last.headers["Content-Type"] == "image/png"
    assert recorder.last.content == b"\x89PNG\r\n"


# -- async ------------------------------------------------------------------


def test_async_client_sends_the_same_requests() -> None:
    sync_recorder = Recorder(Reply(201, {}))
    async_recorder = Recorder(Reply(201, {}))
    kwargs = {"to": "+1", "from_": "+2", "media_url": ["u1", "u2"]}
    with Client(transport=sync_recorder.transport) as c:
        c.create_message(**kwargs)  # type: ignore[arg-type]

    async def run() -> None:
        async with AsyncClient(transport=async_recorder.transport) as c:
            await c.create_message(**kwargs)  # type: ignore[arg-type]
            await c.upload_file(title="T", content=("a.txt", b"x"))

    asyncio.run(run())
    sync_request, async_request = sync_recorder.requests[0], async_recorder.requests[0]
    assert async_request.method == sync_request.method
    assert async_request.url == sync_request.url
    assert async_request.content == sync_request.content
    assert async_request.headers["Content-Type"] == sync_request.headers["Content-Type"]
    assert [p.name for p in multipart(async_recorder.requests[1])] == [
        "Title",
        "Content",
    ]
