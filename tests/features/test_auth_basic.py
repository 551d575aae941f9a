"""auth_basic: HTTP basic auth, credentials from arguments or the x-specgen-env variables."""

from __future__ import annotations

import base64

import pytest

from ._support import Recorder, Reply, load_case

load_case("auth_basic")

from auth_basic import AuthenticationError, Client, MissingCredentialsError  # noqa: E402

USER_ENV, PASSWORD_ENV = "ACME_ACCOUNT_SID", "ACME_AUTH_TOKEN"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (USER_ENV, PASSWORD_ENV, "AUTH_BASIC_USERNAME", "AUTH_BASIC_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_env_var_names_come_from_x_specgen_env() -> None:
    (scheme,) = Client.SECURITY_SCHEMES
    assert (scheme.args, scheme.envs) == (("username", "password"), (USER_ENV, PASSWORD_ENV))


def test_explicit_credentials() -> None:
    recorder = Recorder(Reply(200, {"sid": "AC1"}))
    with Client("AC1", "s3cret", transport=recorder.transport) as c:
        assert c.who_am_i().sid == "AC1"
    assert recorder.last.headers["Authorization"] == basic("AC1", "s3cret")
    assert str(recorder.last.url) == "https://basic.example.com/me"


def test_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USER_ENV, "ACenv")
    monkeypatch.setenv(PASSWORD_ENV, "envpw")
    monkeypatch.setenv("AUTH_BASIC_USERNAME", "wrong")
    recorder = Recorder(Reply(200, {}))
    with Client(transport=recorder.transport) as c:
        c.who_am_i()
    assert recorder.last.headers["Authorization"] == basic("ACenv", "envpw")


def test_half_the_credentials_is_an_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(USER_ENV, "ACenv")
    with pytest.raises(ValueError, match=PASSWORD_ENV):
        Client(transport=Recorder().transport)


def test_no_credentials_is_an_error_before_sending() -> None:
    recorder = Recorder(Reply(200, {}))
    with Client(transport=recorder.transport) as c:
        with pytest.raises(MissingCredentialsError, match=f"or set {USER_ENV} and {PASSWORD_ENV}"):
            c.who_am_i()
    assert recorder.requests == []


def test_password_is_never_in_error_text() -> None:
    recorder = Recorder(Reply(401, {"message": "Authenticate"}))
    with (
        Client("AC1", "s3cret", transport=recorder.transport) as c,
        pytest.raises(AuthenticationError) as caught,
    ):
        c.who_am_i()
    assert "s3cret" not in str(caught.value) and "s3cret" not in caught.value.url
    assert "s3cret" not in repr(c)
