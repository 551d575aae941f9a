"""Names: styles, keywords, builtins, collisions, and the Identifier type."""

from __future__ import annotations

import keyword

import pytest

from generator.naming import Identifier, Scope, module_name, pascal, snake


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("TrunkSid", "trunk_sid"),
        ("PageSize", "page_size"),
        ("HTTPMethod", "http_method"),
        ("voice_caller_id_lookup", "voice_caller_id_lookup"),
        ("StartTime<", "start_time_before"),
        ("StartTime>", "start_time_after"),
        ("light-blue", "light_blue"),
        ("twilio_trunking_v1", "twilio_trunking_v1"),
        ("Café au lait", "cafe_au_lait"),
        ("", ""),
    ],
)
def test_snake(raw: str, expected: str) -> None:
    assert snake(raw) == expected


def test_pascal() -> None:
    assert pascal("trunking.v1.trunk.phone_number") == "TrunkingV1TrunkPhoneNumber"
    assert pascal("http-method") == "HttpMethod"


def test_keywords_get_a_trailing_underscore() -> None:
    scope = Scope("property", "snake", "field")
    assert scope.claim("class") == "class_"
    assert scope.claim("from") == "from_"
    assert all(scope.candidate(k) != k for k in keyword.kwlist if k.islower())


def test_builtins_are_avoided_only_where_asked() -> None:
    module = Scope("schema", "pascal", "Model", avoid_builtins=True)
    assert module.claim("exception") == "Exception_"
    attrs = Scope("property", "snake", "field")
    assert attrs.claim("id") == "id"


def test_collisions_are_resolved_in_order_and_reported() -> None:
    scope = Scope("parameter", "snake", "param")
    names = [scope.claim(raw) for raw in ("StartTime", "start_time", "Start-Time")]
    assert names == ["start_time", "start_time_2", "start_time_3"]
    assert len(scope.collisions) == 2
    assert "'start_time'" in scope.collisions[0] and "renamed to 'start_time_2'" in scope.collisions[0]


def test_reserved_names_are_never_handed_out() -> None:
    scope = Scope("property", "snake", "field", reserved=frozenset({"extra", "to_dict"}))
    assert scope.claim("extra") == "extra_"
    assert scope.claim("to_dict") == "to_dict_"


@pytest.mark.parametrize("raw", ["", "!!!", "123", "__init__", "名前", "\u202e"])
def test_every_name_is_a_safe_identifier(raw: str) -> None:
    for style, fallback in (("snake", "field"), ("pascal", "Model"), ("upper", "VALUE")):
        name = Scope("x", style, fallback).claim(raw)
        assert isinstance(name, Identifier)
        assert name.isidentifier() and name.isascii() and not keyword.iskeyword(name)
        assert not name.startswith("_")


def test_long_names_are_capped() -> None:
    assert len(Scope("x", "snake", "field").claim("a" * 300)) <= 80


def test_identifier_refuses_unsafe_strings() -> None:
    for bad in ("class", "a b", "x;import os", "é"):
        with pytest.raises(ValueError):
            Identifier(bad)


def test_module_name() -> None:
    assert module_name("twilio_trunking_v1") == "twilio_trunking_v1"
    assert module_name("1password") == "api_1_password"
    assert module_name("import") == "import_"
