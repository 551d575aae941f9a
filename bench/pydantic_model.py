"""A hand-written pydantic v2 equivalent of the seed spec's ``ListPhoneNumberResponse``.

Same 25 fields of ``PhoneNumber``, all optional and nullable, aware
datetimes, closed enums, ``capabilities`` as ``dict[str, bool]``; unknown keys
are kept (``extra="allow"``), as both generated clients keep them. This is the
floor the issue sets for parsing speed: ``model_validate_json`` parses and
validates in Rust.
"""

from __future__ import annotations

import enum

from pydantic import AwareDatetime, BaseModel, ConfigDict


class AddressRequirements(str, enum.Enum):
    NONE = "none"
    ANY = "any"
    LOCAL = "local"
    FOREIGN = "foreign"


class HttpMethod(str, enum.Enum):
    GET = "GET"
    POST = "POST"


class PhoneNumber(BaseModel):
    model_config = ConfigDict(extra="allow")

    account_sid: str | None = None
    address_requirements: AddressRequirements | None = None
    api_version: str | None = None
    beta: bool | None = None
    capabilities: dict[str, bool] | None = None
    date_created: AwareDatetime | None = None
    date_updated: AwareDatetime | None = None
    friendly_name: str | None = None
    phone_number: str | None = None
    sid: str | None = None
    sms_application_sid: str | None = None
    sms_fallback_method: HttpMethod | None = None
    sms_fallback_url: str | None = None
    sms_method: HttpMethod | None = None
    sms_url: str | None = None
    status_callback: str | None = None
    status_callback_method: HttpMethod | None = None
    trunk_sid: str | None = None
    url: str | None = None
    voice_application_sid: str | None = None
    voice_caller_id_lookup: bool | None = None
    voice_fallback_method: HttpMethod | None = None
    voice_fallback_url: str | None = None
    voice_method: HttpMethod | None = None
    voice_url: str | None = None


class ListPhoneNumberResponseMeta(BaseModel):
    model_config = ConfigDict(extra="allow")

    first_page_url: str | None = None
    key: str | None = None
    next_page_url: str | None = None
    page: int | None = None
    page_size: int | None = None
    previous_page_url: str | None = None
    url: str | None = None


class ListPhoneNumberResponse(BaseModel):
    model_config = ConfigDict(extra="allow")

    phone_numbers: list[PhoneNumber] | None = None
    meta: ListPhoneNumberResponseMeta | None = None


assert len(PhoneNumber.model_fields) == 25
