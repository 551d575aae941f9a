"""A hand-written stand-in for a generated package, used by the tests.

It follows the generator's output contract: models, operations and clients
built from ``generator.runtime``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import generator.runtime as _rt

TRUNK_SID = "TK" + "0123456789abcdef" * 2
BASE_URL = "https://trunking.example.test"


class HttpMethod(_rt.OpenEnum):
    """HTTP method."""

    GET = "GET"
    POST = "POST"


class PhoneNumber(_rt.Model):
    """A phone number."""

    account_sid: str | None = _rt.field("account_sid", _rt.STR, default=None)
    """The SID of the Account."""
    capabilities: dict[str, bool] | None = _rt.field(
        "capabilities", _rt.dict_of(_rt.BOOL), default=None
    )
    date_created: datetime | None = _rt.field(
        "date_created", _rt.DATETIME, default=None
    )
    sms_method: HttpMethod | None = _rt.field(
        "sms_method", _rt.enum(HttpMethod), default=None, nullable=True
    )
    beta: bool | None = _rt.field("beta", _rt.BOOL, default=None)
    price: float | None = _rt.field("price", _rt.FLOAT, default=None)
    page: int = _rt.field("page", _rt.INT)
    url: str | None = _rt.field("url", _rt.STR, nullable=True)
    class_: str | None = _rt.field("class", _rt.STR, default=None)


class ListMeta(_rt.Model):
    key: str | None = _rt.field("key", _rt.STR, default=None)
    next_page_url: str | None = _rt.field("next_page_url", _rt.STR, default=None)
    page_size: int | None = _rt.field("page_size", _rt.INT, default=None)


class ListPhoneNumberResponse(_rt.Model):
    phone_numbers: list[PhoneNumber] | None = _rt.field(
        "phone_numbers", _rt.list_of(_rt.model(PhoneNumber)), default=None
    )
    meta: ListMeta | None = _rt.field("meta", _rt.model(ListMeta), default=None)


class Tree(_rt.Model):
    name: str = _rt.field("name", _rt.STR)
    children: list[Tree] | None = _rt.field(
        "children", _rt.list_of(_rt.lazy(lambda: Tree)), default=None
    )


_LIST_PHONE_NUMBERS = _rt.Operation(
    name="list_phone_numbers",
    method="GET",
    path="/v1/Trunks/{TrunkSid}/PhoneNumbers",
    params=(
        _rt.Param(
            "TrunkSid",
            "path",
            "trunk_sid",
            required=True,
            min_length=34,
            max_length=34,
            pattern=r"^TK[0-9a-fA-F]{32}$",
        ),
        _rt.Param("PageSize", "query", "page_size", minimum=1, maximum=1000),
        _rt.Param("Page", "query", "page", minimum=0),
        _rt.Param("PageToken", "query", "page_token"),
    ),
    response=_rt.model(ListPhoneNumberResponse),
    items=_rt.model(PhoneNumber),
    page_size_param="PageSize",
)

_FETCH_PHONE_NUMBER = _rt.Operation(
    name="fetch_phone_number",
    method="GET",
    path="/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}",
    params=(
        _rt.Param("TrunkSid", "path", "trunk_sid", required=True),
        _rt.Param("Sid", "path", "sid", required=True),
        _rt.Param("X-Trace", "header", "trace"),
    ),
    response=_rt.model(PhoneNumber),
)

_CREATE_PHONE_NUMBER = _rt.Operation(
    name="create_phone_number",
    method="POST",
    path="/v1/Trunks/{TrunkSid}/PhoneNumbers",
    params=(
        _rt.Param("TrunkSid", "path", "trunk_sid", required=True),
        _rt.Param("PhoneNumberSid", "form", "phone_number_sid", required=True),
        _rt.Param("Method", "form", "method", enum=("GET", "POST")),
    ),
    response=_rt.model(PhoneNumber),
)

_DELETE_PHONE_NUMBER = _rt.Operation(
    name="delete_phone_number",
    method="DELETE",
    path="/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}",
    params=(
        _rt.Param("TrunkSid", "path", "trunk_sid", required=True),
        _rt.Param("Sid", "path", "sid", required=True),
    ),
    response=_rt.NONE,
)

_OLD_THING = _rt.Operation(
    name="old_thing",
    method="GET",
    path="/v1/Old",
    params=(),
    response=_rt.ANY,
    deprecated=True,
)


def list_phone_numbers(
    trunk_sid: str,
    *,
    page_size: int | None = None,
    page: int | None = None,
    page_token: str | None = None,
) -> _rt.PagedRequest[ListPhoneNumberResponse, PhoneNumber]:
    """List phone numbers."""
    return _rt.PagedRequest(
        _LIST_PHONE_NUMBERS,
        {
            "trunk_sid": trunk_sid,
            "page_size": page_size,
            "page": page,
            "page_token": page_token,
        },
    )


def fetch_phone_number(
    trunk_sid: str, sid: str, *, trace: str | None = None
) -> _rt.Request[PhoneNumber]:
    """Fetch one phone number."""
    return _rt.Request(
        _FETCH_PHONE_NUMBER, {"trunk_sid": trunk_sid, "sid": sid, "trace": trace}
    )


def create_phone_number(
    trunk_sid: str, *, phone_number_sid: str, method: HttpMethod | None = None
) -> _rt.Request[PhoneNumber]:
    """Associate a phone number with a trunk."""
    return _rt.Request(
        _CREATE_PHONE_NUMBER,
        {
            "trunk_sid": trunk_sid,
            "phone_number_sid": phone_number_sid,
            "method": method,
        },
    )


def delete_phone_number(trunk_sid: str, sid: str) -> _rt.Request[None]:
    """Remove a phone number from a trunk."""
    return _rt.Request(_DELETE_PHONE_NUMBER, {"trunk_sid": trunk_sid, "sid": sid})


def old_thing() -> _rt.Request[Any]:
    """A deprecated operation."""
    return _rt.Request(_OLD_THING, {})


class Client(_rt.Client):
    """Synchronous client for the sample API."""

    DEFAULT_BASE_URL = BASE_URL
    USERNAME_ENV = "SAMPLE_ACCOUNT_SID"
    PASSWORD_ENV = "SAMPLE_AUTH_TOKEN"
    PACKAGE = "sample_api"
    VERSION = "1.2.3"

    list_phone_numbers = _rt.method(list_phone_numbers)
    fetch_phone_number = _rt.method(fetch_phone_number)
    create_phone_number = _rt.method(create_phone_number)
    delete_phone_number = _rt.method(delete_phone_number)
    old_thing = _rt.method(old_thing)


class AsyncClient(_rt.AsyncClient):
    """Asynchronous client for the sample API."""

    DEFAULT_BASE_URL = BASE_URL
    USERNAME_ENV = "SAMPLE_ACCOUNT_SID"
    PASSWORD_ENV = "SAMPLE_AUTH_TOKEN"
    PACKAGE = "sample_api"
    VERSION = "1.2.3"

    list_phone_numbers = _rt.async_method(list_phone_numbers)
    fetch_phone_number = _rt.async_method(fetch_phone_number)
    create_phone_number = _rt.async_method(create_phone_number)
    delete_phone_number = _rt.async_method(delete_phone_number)
    old_thing = _rt.async_method(old_thing)


def phone_number_json(page: int = 0, **overrides: Any) -> dict[str, Any]:
    """A valid PhoneNumber object as the server sends it."""
    data: dict[str, Any] = {
        "account_sid": "AC" + "0" * 32,
        "capabilities": {"voice": True, "sms": False},
        "date_created": "Fri, 10 Dec 2010 17:27:34 +0000",
        "sms_method": "POST",
        "beta": False,
        "price": 1,
        "page": page,
        "url": f"{BASE_URL}/v1/PhoneNumbers/{page}",
        "class": "local",
        "links": {"self": "https://example.test/x"},
    }
    data.update(overrides)
    return data
