"""Names: styles, keywords, builtins, collisions, and the Identifier type."""

from __future__ import annotations

import json
import keyword
import os
import subprocess
import sys

import pytest

from generator.ir.naming import Identifier, Scope, module_name, pascal, snake


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


# -- names that read (issue 16.9) ---------------------------------------------
# The new helpers are reached through the module, so that the tests above still
# run on code without them.
from generator.ir import naming  # noqa: E402


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Twilio's dotted schema names repeat the segment before them
        ("account.usage.usage_record.usage_record_daily", "AccountUsageRecordDaily"),
        ("credential.credential_aws", "CredentialAws"),
        ("service.service_conversation.service_conversation_message.service_conversation_message_receipt", "ServiceConversationMessageReceipt"),
        (
            "account.incoming_phone_number.incoming_phone_number_assigned_add_on"
            ".incoming_phone_number_assigned_add_on_extension",
            "AccountIncomingPhoneNumberAssignedAddOnExtension",
        ),
        (
            "account.sip.sip_domain.sip_auth.sip_auth_registrations.sip_auth_registrations_credential_list_mapping",
            "AccountSipDomainSipAuthRegistrationsCredentialListMapping",
        ),
        # an inline schema is Model.property: what the property repeats of the model goes
        ("Address.address_type", "AddressType"),
        ("TaskAssignment.assignment_status", "TaskAssignmentStatus"),
        ("Folder.folder", "FolderFolder"),  # one word of each segment stays
        # words inside one segment are the author's
        ("PayPayDetails", "PayPayDetails"),  # Adyen: PayPay, a payment method
        ("from_number_to_number", "FromNumberToNumber"),
        ("account_usage_usage", "AccountUsageUsage"),
        ("widget", "Widget"),
    ],
)
def test_schema_names_drop_what_a_segment_repeats(raw: str, expected: str) -> None:
    assert Scope("schema", "pascal", "Model", compact=True).claim(raw) == expected


def test_only_schema_scopes_drop_repeated_words() -> None:
    assert Scope("property", "snake", "field").claim("usage.usage_type") == "usage_usage_type"
    assert Scope("enum member", "upper", "VALUE").claim("no.no_no") == "NO_NO_NO"


MACHINE = "AccountAvailablePhoneNumberCountryAvailablePhoneNumberMachineToMachine"
WORDS = " ".join(f"word{i}" for i in range(30))


@pytest.mark.parametrize(
    ("raw", "style", "expected"),
    [
        # the Twilio names that were cut mid-word at 80 characters
        (MACHINE + "Capabilities", "pascal", "AccountAvailablePhoneNumberCountryMachineToMachineCapabilities"),
        (
            "AccountRecordingRecordingAddOnResultRecordingAddOnResultPayloadRecordingAddOnResultPayloadData",
            "pascal",
            "AccountRecordingAddOnResultPayloadRecordingAddOnResultPayloadData",  # fits: no more dropped
        ),
        # nothing repeated: the middle words go, the first and last stay
        (WORDS, "snake", "word0_word1_word2_word3_word4_word5_word24_word25_word26_word27_word28_word29"),
        (WORDS, "pascal", "Word0Word1Word2Word3Word4Word5Word6Word23Word24Word25Word26Word27Word28Word29"),
        (WORDS, "upper", "WORD0_WORD1_WORD2_WORD3_WORD4_WORD5_WORD24_WORD25_WORD26_WORD27_WORD28_WORD29"),
        # a name that fits is left alone
        ("a" * 80, "snake", "a" * 80),
        # one word longer than the limit: the only name that is cut
        ("a" * 300, "snake", "a" * 80),
    ],
)
def test_long_names_keep_whole_words(raw: str, style: str, expected: str) -> None:
    name = Scope("x", style, "field").claim(raw)
    assert name == expected
    assert len(name) <= naming.MAX_LENGTH


@pytest.mark.parametrize(
    ("words", "limit", "expected"),
    [
        (["alpha", "beta", "gamma"], 20, ("alpha_beta_gamma", False)),
        (["alpha", "beta", "gamma", "delta"], 16, ("alpha_beta_delta", False)),
        (["alpha", "beta", "gamma", "delta"], 11, ("alpha_delta", False)),
        (["alpha", "beta", "alpha", "beta", "gamma"], 16, ("alpha_beta_gamma", False)),  # the repeated run goes first
        (["alpha", "delta"], 8, ("alpha_de", True)),  # first and last word too long together: cut
    ],
)
def test_shorten(words: list[str], limit: int, expected: tuple[str, bool]) -> None:
    assert naming.shorten(words, "snake", limit) == expected


def test_shortening_is_stable() -> None:
    """The same names in the same order give the same result, under any hash seed."""
    raws = [MACHINE + "Capabilities", WORDS, "account.usage.usage_record.usage_record_daily", "a" * 300]
    code = (
        "import json, sys; from generator.ir.naming import Scope; "
        "s = Scope('schema', 'pascal', 'Model', compact=True); "
        "print(json.dumps([s.claim(r) for r in json.loads(sys.argv[1])] + s.renames))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code, json.dumps(raws)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(runs) == 1


def test_renames_are_reported_and_collisions_still_numbered() -> None:
    scope = Scope("schema", "pascal", "Model", compact=True)
    assert scope.claim("Address") == "Address"
    assert scope.claim("AddressType") == "AddressType"
    # the short form is taken: the name in full rather than a number, and no rename
    assert scope.claim("Address.address_type", where="/a") == "AddressAddressType"
    assert scope.claim("account.usage.usage_record", where="/b") == "AccountUsageRecord"
    # short and full forms taken: a number, and a collision warning
    assert scope.claim("account.usage_record") == "AccountUsageRecord2"
    assert scope.claim(MACHINE + "Capabilities", where="/c") == "AccountAvailablePhoneNumberCountryMachineToMachineCapabilities"
    assert scope.collisions == [
        "schema 'account.usage_record' and 'account.usage.usage_record' both map to 'AccountUsageRecord'; "
        "renamed to 'AccountUsageRecord2'"
    ]
    assert scope.renames == [
        "schema 'account.usage.usage_record' at /b is named 'AccountUsageRecord' (repeated words dropped)",
        f"schema '{MACHINE}Capabilities' at /c is named 'AccountAvailablePhoneNumberCountryMachineToMachineCapabilities'"
        " (longer than 80 characters: words dropped)",
    ]


@pytest.mark.parametrize(
    ("value", "member"),
    [
        ("", "EMPTY"),  # was VALUE, which says nothing
        ("   ", "BLANK"),
        ("*", "STAR"),
        ("-1", "MINUS_1"),  # was VALUE_1, and "1" became VALUE_1_2
        ("+1", "PLUS_1"),
        ("1", "VALUE_1"),
        ("light-blue", "LIGHT_BLUE"),
        ("<=", "BEFORE_OR_EQUAL"),
        ("名前", "VALUE"),
    ],
)
def test_enum_member_names(value: str, member: str) -> None:
    assert Scope("enum member", "upper", "VALUE").claim(naming.value_words(value)) == member


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ([""], "EmptyString"),
        (["list"], "ListValue"),
        (["asc", "desc"], "AscOrDesc"),
        (["year", "month", "day"], "YearOrMonthOrDay"),
        (["a", "b", "c", "d"], None),  # past three values the first place names it
        (["名前"], None),
    ],
)
def test_content_names_of_shared_enums(values: list[str], name: str | None) -> None:
    assert naming.content_name(values) == name


def test_long_package_names_keep_whole_words_and_say_so() -> None:
    name, note = naming.package_name("twilio_" + "_".join(["messaging"] * 3) + "_" + WORDS)
    assert len(name) <= naming.MAX_LENGTH and name.startswith("twilio_messaging_word0_") and name.endswith("_word29")
    assert note is not None and "package = " in note
    assert naming.package_name("twilio_trunking_v1") == ("twilio_trunking_v1", None)
