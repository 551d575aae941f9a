"""Security as the spec says: every scheme, OR across requirements, AND within one,
per-operation ``security`` (``[]``: public, ``{}``: anonymous allowed), a clear
error before sending when credentials are missing, and the header parameters
OpenAPI says to ignore. Checked on the wire (a mock transport), from a spec
written here: independent of the goldens.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from ._specs import generated, get, spec
from ._support import Recorder, Reply, query

SCHEMES = {
    "basicAuth": {"type": "http", "scheme": "basic"},
    "bearerAuth": {"type": "http", "scheme": "bearer"},
    "keyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "keyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
    "session": {"type": "apiKey", "in": "cookie", "name": "SESSION"},
    "tokenAuth": {"type": "http", "scheme": "Token"},
    "oauth": {
        "type": "oauth2",
        "flows": {"clientCredentials": {"tokenUrl": "https://api.example.com/token", "scopes": {"read": "r"}}},
    },
    "tls": {"type": "mutualTLS"},
}
HEADERS = [
    {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
    for name in ("Authorization", "accept", "Content-Type", "X-Trace")
]
DOCUMENT = spec(
    "Security matrix",
    {
        "/default": get("either_way"),
        "/and": get("both_keys", security=[{"keyHeader": [], "keyQuery": []}]),
        "/public": get("no_security", security=[]),
        "/optional": get("maybe_key", security=[{}, {"keyHeader": []}]),
        "/cookie": get("by_cookie", security=[{"session": []}]),
        "/raw": get("raw_token", security=[{"tokenAuth": []}]),
        "/oauth": get("oauth_call", security=[{"oauth": ["read"]}]),
        "/tls": get("tls_call", security=[{"tls": []}]),
        "/headers": get("with_headers", parameters=HEADERS),
    },
    SCHEMES,
    security=[{"bearerAuth": []}, {"basicAuth": []}],
)
ENVS = [
    "SEC_MATRIX_USERNAME",
    "SEC_MATRIX_PASSWORD",
    "SEC_MATRIX_BEARER_AUTH",
    "SEC_MATRIX_KEY_HEADER",
    "SEC_MATRIX_KEY_QUERY",
    "SEC_MATRIX_SESSION",
    "SEC_MATRIX_TOKEN_AUTH",
    "SEC_MATRIX_OAUTH",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, tuple[str, ...]]]:
    yield from generated(tmp_path_factory.mktemp("matrix"), "sec_matrix", DOCUMENT)


@pytest.fixture
def api(built: tuple[ModuleType, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    for name in ENVS:
        monkeypatch.delenv(name, raising=False)
    return built[0]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def call(api: ModuleType, operation: str, **credentials: Any) -> httpx.Request:
    """Call ``operation`` with a client holding ``credentials``; the request sent."""
    recorder = Recorder(Reply(200, {}))
    with api.Client(transport=recorder.transport, **credentials) as client:
        getattr(client, operation)()
    assert len(recorder.requests) == 1
    return recorder.last


def auth_headers(request: httpx.Request) -> dict[str, str]:
    """The headers that can carry credentials, as sent."""
    names = ("authorization", "x-api-key", "cookie")
    return {k: v for k, v in request.headers.items() if k in names}


def test_every_scheme_has_its_own_arguments_and_variables(api: ModuleType) -> None:
    schemes = {s.key: (s.kind, s.args, s.envs, s.name) for s in api.Client.SECURITY_SCHEMES}
    assert schemes == {
        "basic_auth": ("basic", ("username", "password"), ("SEC_MATRIX_USERNAME", "SEC_MATRIX_PASSWORD"), ""),
        "bearer_auth": ("bearer", ("bearer_auth",), ("SEC_MATRIX_BEARER_AUTH",), ""),
        "key_header": ("header", ("key_header",), ("SEC_MATRIX_KEY_HEADER",), "X-API-Key"),
        "key_query": ("query", ("key_query",), ("SEC_MATRIX_KEY_QUERY",), "api_key"),
        "session": ("cookie", ("session",), ("SEC_MATRIX_SESSION",), "SESSION"),
        "token_auth": ("authorization", ("token_auth",), ("SEC_MATRIX_TOKEN_AUTH",), ""),
        "oauth": ("bearer", ("oauth",), ("SEC_MATRIX_OAUTH",), ""),
    }


def test_or_the_first_alternative_with_credentials_is_sent(api: ModuleType) -> None:
    both = call(api, "either_way", bearer_auth="t", username="u", password="p")
    assert auth_headers(both) == {"authorization": "Bearer t"}
    only_basic = call(api, "either_way", username="u", password="p")
    assert auth_headers(only_basic) == {"authorization": basic("u", "p")}
    assert query(only_basic) == []


def test_and_both_api_keys_are_sent(api: ModuleType) -> None:
    request = call(api, "both_keys", key_header="h1", key_query="q1", bearer_auth="t")
    assert auth_headers(request) == {"x-api-key": "h1"}
    assert query(request) == [("api_key", "q1")]


def test_and_with_one_key_missing_raises_before_sending(api: ModuleType) -> None:
    recorder = Recorder(Reply(200, {}))
    with api.Client(key_header="h1", transport=recorder.transport) as client:
        with pytest.raises(api.MissingCredentialsError) as caught:
            client.both_keys()
    assert recorder.requests == []
    assert "key_header= (or set SEC_MATRIX_KEY_HEADER) and key_query= (or set SEC_MATRIX_KEY_QUERY)" in str(
        caught.value
    )
    assert caught.value.alternatives == (("key_header", "key_query"),)
    assert "h1" not in str(caught.value)


def test_security_empty_list_sends_nothing(api: ModuleType) -> None:
    request = call(api, "no_security", bearer_auth="t", key_header="h", session="s", key_query="q")
    assert auth_headers(request) == {} and query(request) == []


def test_anonymous_alternative_sends_the_key_when_there_is_one_and_goes_without_otherwise(
    api: ModuleType,
) -> None:
    assert auth_headers(call(api, "maybe_key", key_header="h")) == {"x-api-key": "h"}
    assert auth_headers(call(api, "maybe_key", bearer_auth="t")) == {}  # not an alternative here
    assert auth_headers(call(api, "maybe_key")) == {}


def test_api_key_in_a_cookie(api: ModuleType) -> None:
    request = call(api, "by_cookie", session="abc123", bearer_auth="t")
    assert auth_headers(request) == {"cookie": "SESSION=abc123"}


def test_other_http_scheme_sends_the_value_as_the_authorization_header(api: ModuleType) -> None:
    assert auth_headers(call(api, "raw_token", token_auth="Token xyz")) == {"authorization": "Token xyz"}


def test_oauth2_is_a_bearer_token_the_user_supplies(api: ModuleType) -> None:
    assert auth_headers(call(api, "oauth_call", oauth="access-1")) == {"authorization": "Bearer access-1"}


def test_unsupported_scheme_is_left_to_the_http_client(
    api: ModuleType, built: tuple[ModuleType, tuple[str, ...]]
) -> None:
    assert auth_headers(call(api, "tls_call")) == {}
    assert any("/components/securitySchemes/tls" in w and "not supported" in w for w in built[1])


def test_credentials_come_from_the_environment(api: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEC_MATRIX_SESSION", "from-env")
    monkeypatch.setenv("SEC_MATRIX_KEY_HEADER", "")  # empty: unset
    assert auth_headers(call(api, "by_cookie")) == {"cookie": "SESSION=from-env"}
    with pytest.raises(api.MissingCredentialsError):
        call(api, "both_keys", key_query="q")


def test_missing_credentials_error_names_every_alternative(api: ModuleType) -> None:
    recorder = Recorder(Reply(200, {}))
    with api.Client(transport=recorder.transport) as client:
        with pytest.raises(api.MissingCredentialsError) as caught:
            client.either_way()
    assert recorder.requests == []
    assert isinstance(caught.value, api.SpecgenError)
    assert str(caught.value) == (
        "either_way needs credentials the client was not given: pass bearer_auth= (or set SEC_MATRIX_BEARER_AUTH);"
        " or username= and password= (or set SEC_MATRIX_USERNAME and SEC_MATRIX_PASSWORD)"
    )
    assert caught.value.operation == "either_way"


def test_async_client_picks_and_refuses_alike(api: ModuleType) -> None:
    recorder = Recorder(Reply(200, {}))

    async def run() -> None:
        async with api.AsyncClient(key_header="h", key_query="q", transport=recorder.transport) as client:
            await client.both_keys()
            with pytest.raises(api.MissingCredentialsError):
                await client.either_way()

    asyncio.run(run())
    assert len(recorder.requests) == 1
    assert auth_headers(recorder.last) == {"x-api-key": "h"} and query(recorder.last) == [("api_key", "q")]


def test_a_credential_the_api_has_no_scheme_for_is_a_type_error(api: ModuleType) -> None:
    with pytest.raises(TypeError, match="token"):
        api.Client(token="t")


def test_query_key_is_redacted_from_errors(api: ModuleType) -> None:
    recorder = Recorder(Reply(404, {"message": "no"}))
    with api.Client(key_header="h", key_query="s3cret-q", transport=recorder.transport) as client:
        with pytest.raises(api.NotFoundError) as caught:
            client.both_keys()
    assert "s3cret-q" not in str(caught.value) and "s3cret-q" not in caught.value.url


def test_header_parameters_openapi_ignores_are_not_arguments(
    api: ModuleType, built: tuple[ModuleType, tuple[str, ...]]
) -> None:
    assert list(inspect.signature(api.operations.with_headers).parameters) == ["x_trace"]
    ignored = [w for w in built[1] if "is ignored, as OpenAPI says" in w]
    assert len(ignored) == 3 and all("/paths/~1headers/get/parameters/" in w for w in ignored)
    recorder = Recorder(Reply(200, {}))
    with api.Client(bearer_auth="t", transport=recorder.transport) as client:
        client.with_headers(x_trace="tr-1")
    sent = recorder.last.headers
    assert (sent["authorization"], sent["x-trace"], sent["accept"]) == ("Bearer t", "tr-1", "application/json")


def test_readme_documents_schemes_and_per_operation_credentials(built: tuple[ModuleType, tuple[str, ...]]) -> None:
    readme = (Path(built[0].__file__).parent / "README.md").read_text(encoding="utf-8")
    assert "- `session`: API key in the `SESSION` cookie." in readme
    assert "Arguments: `session=` (`SEC_MATRIX_SESSION`)." in readme
    assert "Operations need `bearer_auth`, or `username` and `password`, unless noted below." in readme
    assert "Credentials: `key_header` and `key_query`." in readme
    assert "Credentials: none (sent without)." in readme
    assert "Credentials: `key_header`, or none." in readme
    assert "`Authorization`, `Content-Type`, `accept` are not arguments" in readme
    for name in ENVS:
        assert f"- `{name}`" in readme


def test_the_generated_tests_agree(built: tuple[ModuleType, tuple[str, ...]]) -> None:
    """The package's own tests pass: its clients have every credential, a query
    API key is expected in the query, and an Authorization header parameter
    (which basic auth used to overwrite) is no longer an argument."""
    package = Path(built[0].__file__).parent
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(package / "tests")],
        cwd=package.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout and " failed" not in result.stdout
