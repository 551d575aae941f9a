"""auth_api_key_header: an apiKey sent in a header, its env var named by x-specgen-env."""

from __future__ import annotations

import pytest

from ._support import Recorder, Reply, load_case

load_case("auth_api_key_header")

from auth_api_key_header import Client, MissingCredentialsError  # noqa: E402

ENV = "ACME_REPORTS_KEY"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.delenv("AUTH_API_KEY_HEADER_API_KEY", raising=False)


def test_token_is_sent_in_the_named_header() -> None:
    recorder = Recorder(Reply(200, {"id": "r1"}))
    with Client(token="k-123", transport=recorder.transport) as c:
        assert c.get_report("r1").id == "r1"
    assert recorder.last.headers["X-API-Key"] == "k-123"
    assert "Authorization" not in recorder.last.headers
    assert recorder.last.url.query == b""


def test_token_defaults_to_the_x_specgen_env_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert [s.envs for s in Client.SECURITY_SCHEMES] == [(ENV,)]
    monkeypatch.setenv(ENV, "from-env")
    monkeypatch.setenv("AUTH_API_KEY_HEADER_API_KEY", "not-this-one")
    recorder = Recorder(Reply(200, {}))
    with Client(transport=recorder.transport) as c:
        c.get_report("r1")
    assert recorder.last.headers["X-API-Key"] == "from-env"


def test_without_a_key_nothing_is_sent() -> None:
    recorder = Recorder(Reply(200, {}))
    with Client(transport=recorder.transport) as c:
        with pytest.raises(MissingCredentialsError, match=f"token= \\(or set {ENV}\\)"):
            c.get_report("r 1")
    assert recorder.requests == []


def test_key_is_not_in_the_client_repr() -> None:
    with Client(token="k-123", transport=Recorder().transport) as c:
        assert "k-123" not in repr(c)
