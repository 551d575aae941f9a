"""servers_auth_bearer: several servers, path- and operation-level servers, HTTP bearer auth."""

from __future__ import annotations

import asyncio

import pytest

from ._support import GOLDEN, Recorder, Reply, load_case

load_case("servers_auth_bearer")

from servers_auth_bearer import (  # noqa: E402
    AsyncClient,
    Client,
    MissingCredentialsError,
    operations as ops,
)
from servers_auth_bearer.models import CreateUploadRequest  # noqa: E402

ENV = "SERVERS_AUTH_BEARER_TOKEN"


@pytest.fixture(autouse=True)
def _no_token_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


def urls(recorder: Recorder) -> list[str]:
    return [str(r.url) for r in recorder.requests]


# -- servers ----------------------------------------------------------------


def test_first_server_is_the_default_with_variables_substituted() -> None:
    assert Client.DEFAULT_BASE_URL == "https://eu.api.example.com/v2"
    recorder = Recorder(Reply(200, ["a"]))
    with Client(token="t", transport=recorder.transport) as c:
        assert c.list_things() == ["a"]
    assert urls(recorder) == ["https://eu.api.example.com/v2/things"]


def test_base_url_chooses_another_server() -> None:
    recorder = Recorder(Reply(200, []))
    with Client(
        base_url="https://sandbox.example.com/v2/",
        token="t",
        transport=recorder.transport,
    ) as c:
        c.list_things()
    assert urls(recorder) == ["https://sandbox.example.com/v2/things"]


def test_path_level_server_overrides_the_default() -> None:
    recorder = Recorder(Reply(200, {"ok": True}))
    with Client(token="t", transport=recorder.transport) as c:
        assert c.get_status().ok is True
    assert urls(recorder) == ["https://status.example.com/status"]


def test_operation_level_server_overrides_the_path_level_one() -> None:
    recorder = Recorder(Reply(201, {"id": "u1"}))
    with Client(token="t", transport=recorder.transport) as c:
        result = c.create_upload(body=CreateUploadRequest(name="n"))
    assert result.id == "u1"
    assert urls(recorder) == [
        "https://upload.example.com/v2/uploads"
    ]  # no double slash


def test_async_client_uses_the_same_servers() -> None:
    recorder = Recorder(Reply(200, {"ok": True}), Reply(200, []))

    async def run() -> None:
        async with AsyncClient(token="t", transport=recorder.transport) as c:
            await c.get_status()
            await c.list_things()

    asyncio.run(run())
    assert urls(recorder) == [
        "https://status.example.com/status",
        "https://eu.api.example.com/v2/things",
    ]


# -- bearer auth ------------------------------------------------------------


def test_no_token_is_an_error_before_sending() -> None:
    recorder = Recorder(Reply(200, []))
    with Client(transport=recorder.transport) as c:
        with pytest.raises(MissingCredentialsError, match="token="):
            c.list_things()
    assert recorder.requests == []


def test_token_argument_is_sent_as_a_bearer_token() -> None:
    recorder = Recorder(Reply(200, []))
    with Client(token="t0k3n", transport=recorder.transport) as c:
        c.list_things()
    assert recorder.last.headers["Authorization"] == "Bearer t0k3n"


def test_token_defaults_to_the_package_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [s.envs for s in Client.SECURITY_SCHEMES] == [(ENV,)]
    monkeypatch.setenv(ENV, "from-env")
    recorder = Recorder(Reply(200, []))
    with Client(transport=recorder.transport) as c:
        c.list_things()
    assert recorder.last.headers["Authorization"] == "Bearer from-env"


def test_async_client_sends_the_bearer_token() -> None:
    recorder = Recorder(Reply(200, []))

    async def run() -> None:
        async with AsyncClient(token="t0k3n", transport=recorder.transport) as c:
            await c.list_things()

    asyncio.run(run())
    assert recorder.last.headers["Authorization"] == "Bearer t0k3n"


def test_operation_with_empty_security_sends_no_token() -> None:
    recorder = Recorder(Reply(200, []), Reply(200, {"ok": True}))
    with Client(token="t0k3n", transport=recorder.transport) as c:
        c.list_things()
        c.get_status()
    things, status = recorder.requests
    assert things.headers["Authorization"] == "Bearer t0k3n"
    assert "Authorization" not in status.headers


def test_token_is_not_in_the_client_repr() -> None:
    with Client(token="t0k3n", transport=Recorder().transport) as c:
        assert "t0k3n" not in repr(c)
        assert "t0k3n" not in repr(ops.list_things())


def test_readme_documents_the_token() -> None:
    readme = (
        GOLDEN
        / "servers_auth_bearer"
        / "expected"
        / "servers_auth_bearer"
        / "README.md"
    ).read_text()
    assert ENV in readme
    assert "token=" in readme
