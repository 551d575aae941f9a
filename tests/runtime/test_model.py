"""Model and OpenEnum semantics."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.runtime as rt

from .sample_api import (
    HttpMethod,
    ListPhoneNumberResponse,
    PhoneNumber,
    Tree,
    phone_number_json,
)


def test_from_dict_decodes_every_field() -> None:
    number = PhoneNumber.from_dict(phone_number_json(page=3))
    assert number.account_sid == "AC" + "0" * 32
    assert number.capabilities == {"voice": True, "sms": False}
    assert number.date_created == datetime(2010, 12, 10, 17, 27, 34, tzinfo=UTC)
    assert number.sms_method is HttpMethod.POST
    assert number.beta is False
    assert number.price == 1.0 and type(number.price) is float
    assert number.page == 3
    assert number.class_ == "local"
    assert number.extra == {"links": {"self": "https://example.test/x"}}


def test_missing_optional_fields_default_to_none() -> None:
    number = PhoneNumber.from_dict({"page": 1, "url": None})
    assert number == PhoneNumber(page=1, url=None)
    assert number.account_sid is None and number.extra == {}


def test_missing_required_field() -> None:
    with pytest.raises(rt.DecodeError) as info:
        PhoneNumber.from_dict({"page": 1})
    assert str(info.value) == "url: required field is missing"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"page": None, "url": None}, "page: must not be null"),
        (
            {"page": 1, "url": None, "beta": "yes"},
            "beta: expected a boolean, got 'yes'",
        ),
        ({"page": "one", "url": None}, "page: expected an integer, got 'one'"),
        ({"page": True, "url": None}, "page: expected an integer, got True"),
        ({"page": 1, "url": 5}, "url: expected a string, got 5"),
        ({"page": 1, "url": None, "price": "x1"}, "price: expected a number, got 'x1'"),
        (
            {"page": 1, "url": None, "capabilities": {"sms": "no"}},
            "capabilities.sms: expected a boolean, got 'no'",
        ),
        (
            {"page": 1, "url": None, "date_created": "abc"},
            "date_created: expected a date-time, got 'abc'",
        ),
    ],
)
def test_type_errors_name_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(rt.DecodeError) as info:
        PhoneNumber.from_dict(data)
    assert str(info.value) == message


def test_null_allowed_for_nullable_and_optional_fields() -> None:
    number = PhoneNumber.from_dict(
        {"page": 1, "url": None, "sms_method": None, "account_sid": None}
    )
    assert number.sms_method is None and number.account_sid is None


def test_nested_error_path() -> None:
    data = {
        "phone_numbers": [phone_number_json(), phone_number_json(date_created="abc")]
    }
    with pytest.raises(rt.DecodeError) as info:
        ListPhoneNumberResponse.from_dict(data)
    assert (
        str(info.value)
        == "phone_numbers[1].date_created: expected a date-time, got 'abc'"
    )


@pytest.mark.parametrize("data", [[], "x", None, 5])
def test_non_mapping_input(data: Any) -> None:
    with pytest.raises(rt.DecodeError, match="expected an object"):
        PhoneNumber.from_dict(data)


def test_accepts_any_mapping() -> None:
    data = OrderedDict(page=1, url="u")
    assert PhoneNumber.from_dict(data) == PhoneNumber(page=1, url="u")


def test_extra_participates_in_equality_and_to_dict() -> None:
    a = PhoneNumber.from_dict({"page": 1, "url": None, "links": {"x": 1}})
    b = PhoneNumber.from_dict({"page": 1, "url": None})
    assert a != b
    assert a.to_dict() == {"page": 1, "url": None, "links": {"x": 1}}
    b.extra["links"] = {"x": 1}
    assert a == b


def test_to_dict_wire_names_and_formats() -> None:
    number = PhoneNumber(
        page=2,
        url=None,
        class_="mobile",
        sms_method=HttpMethod("PATCH"),
        date_created=datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    assert number.to_dict() == {
        "date_created": "2020-01-02T03:04:05Z",
        "sms_method": "PATCH",
        "page": 2,
        "url": None,  # required and nullable: sent as null
        "class": "mobile",
    }


def test_round_trip_of_server_data() -> None:
    original = phone_number_json()
    number = PhoneNumber.from_dict(original)
    assert PhoneNumber.from_dict(number.to_dict()) == number
    response = ListPhoneNumberResponse.from_dict(
        {"phone_numbers": [original, original], "meta": {"key": "phone_numbers"}}
    )
    assert ListPhoneNumberResponse.from_dict(response.to_dict()) == response


def test_recursive_model() -> None:
    data = {"name": "root", "children": [{"name": "a", "children": [{"name": "b"}]}]}
    tree = Tree.from_dict(data)
    assert tree.children is not None and tree.children[0].children is not None
    assert tree.children[0].children[0].name == "b"
    assert tree.to_dict() == data
    with pytest.raises(rt.DecodeError) as info:
        Tree.from_dict({"name": "root", "children": [{"name": "a", "children": [{}]}]})
    assert str(info.value) == "children[0].children[0].name: required field is missing"


def test_models_are_mutable_unhashable_keyword_only_dataclasses() -> None:
    number = PhoneNumber(page=1, url=None)
    assert dataclasses.is_dataclass(number)
    number.page = 5
    assert number.page == 5
    with pytest.raises(TypeError):
        hash(number)
    with pytest.raises(TypeError):
        PhoneNumber(1, None)  # type: ignore[call-arg, arg-type]
    with pytest.raises(TypeError):
        PhoneNumber(url=None)  # type: ignore[call-arg]


def test_constructor_accepts_extra() -> None:
    number = PhoneNumber(page=1, url=None, extra={"x": 1})
    assert number.to_dict()["x"] == 1


def test_repr_omits_unset_optional_fields() -> None:
    number = PhoneNumber(page=1, url=None, beta=True)
    assert repr(number) == "PhoneNumber(beta=True, page=1, url=None)"


def test_copy_and_pickle() -> None:
    number = PhoneNumber.from_dict(phone_number_json())
    assert copy.deepcopy(number) == number
    assert pickle.loads(pickle.dumps(number)) == number


# --- OpenEnum -----------------------------------------------------------------


def test_open_enum_known_members() -> None:
    assert HttpMethod("GET") is HttpMethod.GET
    assert HttpMethod.GET.is_known
    assert str(HttpMethod.GET) == "GET" and f"{HttpMethod.POST}" == "POST"
    assert HttpMethod.GET == "GET"
    assert list(HttpMethod) == [HttpMethod.GET, HttpMethod.POST]


def test_open_enum_known_members_have_the_enum_repr() -> None:
    assert repr(HttpMethod.GET) == "<HttpMethod.GET: 'GET'>"
    number = PhoneNumber.from_dict({**phone_number_json(), "sms_method": "POST"})
    assert "sms_method=<HttpMethod.POST: 'POST'>" in repr(number)


def test_open_enum_unknown_values() -> None:
    patch = HttpMethod("PATCH")
    assert isinstance(patch, HttpMethod)
    assert patch.value == "PATCH" and patch == "PATCH" and str(patch) == "PATCH"
    assert not patch.is_known
    assert HttpMethod("PATCH") is patch  # cached
    assert "unknown" in repr(patch)
    assert len(HttpMethod) == 2 and "PATCH" not in HttpMethod.__members__
    assert {"PATCH": 1}[patch] == 1
    assert pickle.loads(pickle.dumps(patch)) == patch


def test_open_enum_rejects_non_strings() -> None:
    with pytest.raises(ValueError):
        HttpMethod(5)  # type: ignore[arg-type]


# --- property-based round trip ---------------------------------------------------

_text = st.text(max_size=20)
_json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), _text)


@st.composite
def phone_numbers(draw: st.DrawFn) -> PhoneNumber:
    return PhoneNumber(
        account_sid=draw(st.none() | _text),
        capabilities=draw(
            st.none() | st.dictionaries(_text, st.booleans(), max_size=3)
        ),
        date_created=draw(
            st.none()
            | st.datetimes(min_value=datetime(1900, 1, 1), timezones=st.just(UTC))
        ),
        sms_method=draw(
            st.none() | st.sampled_from(["GET", "POST", "PUT"]).map(HttpMethod)
        ),
        beta=draw(st.none() | st.booleans()),
        price=draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)),
        page=draw(st.integers()),
        url=draw(st.none() | _text),
        class_=draw(st.none() | _text),
        extra=draw(
            st.dictionaries(_text.filter(lambda k: k not in _WIRE_NAMES), _json_scalars)
        ),
    )


_WIRE_NAMES = {
    "account_sid",
    "capabilities",
    "date_created",
    "sms_method",
    "beta",
    "price",
    "page",
    "url",
    "class",
}


@settings(max_examples=150, deadline=None)
@given(phone_numbers())
def test_to_dict_from_dict_round_trip(number: PhoneNumber) -> None:
    assert PhoneNumber.from_dict(number.to_dict()) == number
