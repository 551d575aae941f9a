"""The auth of real APIs' specs (issue 16, item 7), in small specs shaped like them.

- petstore: ``getInventory`` needs the ``api_key`` header; the other calls OAuth 2.
- Stripe: ``basicAuth`` OR ``bearerAuth``; ``Client(token=...)`` was ignored.
- Ory: no top-level ``security``; most calls bearer, some basic (they all got basic).
- Twilio: one basic scheme; a client without credentials sent unauthenticated requests.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest

from ._specs import generated, get, spec
from ._support import Recorder, Reply

PETSTORE = spec(
    "Petstore",
    {
        "/store/inventory": get("getInventory", security=[{"api_key": []}]),
        "/pet/{petId}": get(
            "getPetById",
            parameters=[{"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}],
            security=[{"api_key": []}, {"petstore_auth": ["read:pets"]}],
        ),
        "/pet/findByStatus": get("findPetsByStatus", security=[{"petstore_auth": ["read:pets"]}]),
    },
    {
        "petstore_auth": {
            "type": "oauth2",
            "flows": {
                "implicit": {"authorizationUrl": "https://petstore.example.com/oauth", "scopes": {"read:pets": "r"}}
            },
        },
        "api_key": {"type": "apiKey", "name": "api_key", "in": "header"},
    },
)
STRIPE = spec(
    "Stripe",
    {"/v1/balance": get("GetBalance"), "/v1/charges": get("GetCharges")},
    {"basicAuth": {"type": "http", "scheme": "basic"}, "bearerAuth": {"type": "http", "scheme": "bearer"}},
    security=[{"basicAuth": []}, {"bearerAuth": []}],
)
ORY = spec(
    "Ory",
    {
        "/admin/identities": get("listIdentities", security=[{"oryAccessToken": []}]),
        "/admin/sessions": get("listSessions", security=[{"oryAccessToken": []}]),
        "/admin/clients": get("listClients", security=[{"basic": []}]),
        "/health/alive": get("isAlive", security=[]),
    },
    {
        "basic": {"type": "http", "scheme": "basic"},
        "bearer": {"type": "http", "scheme": "bearer"},
        "oryAccessToken": {"type": "http", "scheme": "bearer"},
    },
)
TWILIO = spec(
    "Twilio",
    {"/v1/Trunks": get("ListTrunk")},
    {"accountSid_authToken": {"type": "http", "scheme": "basic"}},
    security=[{"accountSid_authToken": []}],
)
ENVS = [
    "SEC_PETSTORE_API_KEY",
    "SEC_PETSTORE_TOKEN",
    "SEC_STRIPE_USERNAME",
    "SEC_STRIPE_PASSWORD",
    "SEC_STRIPE_TOKEN",
    "SEC_ORY_USERNAME",
    "SEC_ORY_PASSWORD",
    "SEC_ORY_BEARER",
    "SEC_ORY_ORY_ACCESS_TOKEN",
    "SEC_TWILIO_USERNAME",
    "SEC_TWILIO_PASSWORD",
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVS:
        monkeypatch.delenv(name, raising=False)


def _package(factory: pytest.TempPathFactory, name: str, document: dict[str, object]) -> Iterator[ModuleType]:
    for package, _warnings in generated(factory.mktemp(name), name, document):
        yield package


@pytest.fixture(scope="module")
def petstore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _package(tmp_path_factory, "sec_petstore", PETSTORE)


@pytest.fixture(scope="module")
def stripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _package(tmp_path_factory, "sec_stripe", STRIPE)


@pytest.fixture(scope="module")
def ory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _package(tmp_path_factory, "sec_ory", ORY)


@pytest.fixture(scope="module")
def twilio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _package(tmp_path_factory, "sec_twilio", TWILIO)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def credentials_sent(request: httpx.Request) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k in ("authorization", "api_key")}


# -- petstore -----------------------------------------------------------------


def test_petstore_get_inventory_sends_its_api_key(petstore: ModuleType) -> None:
    recorder = Recorder(Reply(200, {}))
    with petstore.Client(api_key="special-key", token="oauth-t", transport=recorder.transport) as client:
        client.get_inventory()
        client.find_pets_by_status()
        client.get_pet_by_id(1)
    inventory, by_status, by_id = recorder.requests
    assert credentials_sent(inventory) == {"api_key": "special-key"}
    assert credentials_sent(by_status) == {"authorization": "Bearer oauth-t"}
    assert credentials_sent(by_id) == {"api_key": "special-key"}  # the first alternative


def test_petstore_key_from_its_variable(petstore: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEC_PETSTORE_API_KEY", "from-env")
    recorder = Recorder(Reply(200, {}))
    with petstore.Client(transport=recorder.transport) as client:
        client.get_inventory()
        client.get_pet_by_id(1)
        with pytest.raises(petstore.MissingCredentialsError, match=r"token= \(or set SEC_PETSTORE_TOKEN\)"):
            client.find_pets_by_status()
    assert [credentials_sent(r) for r in recorder.requests] == [{"api_key": "from-env"}] * 2


# -- Stripe -------------------------------------------------------------------


def test_stripe_token_is_sent_as_a_bearer_token(stripe: ModuleType) -> None:
    recorder = Recorder(Reply(200, {}))
    with stripe.Client(token="sk_test_123", transport=recorder.transport) as client:
        client.get_balance()
    assert credentials_sent(recorder.last) == {"authorization": "Bearer sk_test_123"}
    # basic still works, and is the first alternative
    with stripe.Client("sk_test_123", "", token="other", transport=recorder.transport) as client:
        client.get_charges()
    assert credentials_sent(recorder.last) == {"authorization": basic("sk_test_123", "")}


def test_stripe_token_from_its_variable(stripe: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEC_STRIPE_TOKEN", "sk_env")
    recorder = Recorder(Reply(200, {}))

    async def run() -> None:
        async with stripe.AsyncClient(transport=recorder.transport) as client:
            await client.get_balance()

    asyncio.run(run())
    assert credentials_sent(recorder.last) == {"authorization": "Bearer sk_env"}


# -- Ory ----------------------------------------------------------------------


def test_ory_bearer_operations_get_the_token_and_basic_ones_basic(ory: ModuleType) -> None:
    recorder = Recorder(Reply(200, {}))
    with ory.Client("admin", "pw", ory_access_token="ory_at_1", transport=recorder.transport) as client:
        client.list_identities()
        client.list_sessions()
        client.list_clients()
        client.is_alive()
    sent = [credentials_sent(r) for r in recorder.requests]
    assert sent == [
        {"authorization": "Bearer ory_at_1"},
        {"authorization": "Bearer ory_at_1"},
        {"authorization": basic("admin", "pw")},
        {},
    ]


def test_ory_bearer_operation_without_a_token_raises_before_sending(ory: ModuleType) -> None:
    recorder = Recorder(Reply(200, {}))
    with ory.Client("admin", "pw", transport=recorder.transport) as client:
        with pytest.raises(ory.MissingCredentialsError, match="ory_access_token="):
            client.list_identities()
    assert recorder.requests == []


# -- Twilio -------------------------------------------------------------------


def test_twilio_without_credentials_raises_before_sending(twilio: ModuleType) -> None:
    recorder = Recorder(Reply(200, {}))
    with twilio.Client(transport=recorder.transport) as client:
        with pytest.raises(twilio.MissingCredentialsError) as caught:
            client.list_trunk()
    assert recorder.requests == []
    assert str(caught.value) == (
        "list_trunk needs credentials the client was not given: pass username= and password="
        " (or set SEC_TWILIO_USERNAME and SEC_TWILIO_PASSWORD)"
    )

    # positional credentials keep working
    with twilio.Client("AC1", "tok", transport=recorder.transport) as client:
        client.list_trunk()
    assert credentials_sent(recorder.last) == {"authorization": basic("AC1", "tok")}
