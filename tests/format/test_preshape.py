"""The pre-shaping pass only saves black work: black's output is the same with or without it."""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from conftest import GOLDEN, ROOT
from generator.ir.build import build_api
from generator.format.files import black_mode, split_blocks
from generator.load.loader import load_spec
from generator.format.preshape import preshape
from generator.render.package import environment, render

SPECS = [ROOT / "spec" / "twilio_trunking_v1.yaml", *sorted(GOLDEN.glob("*/*.yaml"))]


def _black(text: str, line_length: int = 88) -> str:
    return black.format_str(text, mode=black_mode(line_length))


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_black_gives_the_same_bytes_with_and_without_preshaping(spec: Path) -> None:
    files = render(build_api(load_spec(spec)), environment())
    shaped = 0
    for path, source in files.items():
        if not path.endswith(".py") or "_runtime/" in path:
            continue
        for _, block in split_blocks(source) or [(0, source)]:
            after = preshape(block)
            if after != block:
                shaped += 1
                assert _black(after) == _black(block), f"{path}: {block[:120]}"
    if spec.stem == "twilio_trunking_v1":
        assert shaped, "the pass had nothing to do on the seed: is it still wired in?"


# Each form the pass knows, as the template writes it (one long line), and what
# black makes of it: the pass must produce black's output itself.
CASES = {
    "call, arguments on one line": '    recorder = _Recorder(200, _example(__file__, "list_available_phone_number_local.json"))\n',
    "call, one argument per line": '    result = _send_both(Client, AsyncClient, _list_available_phone_number_local_request(), recorder, extra_argument_here=1)\n',
    "annotated field": '    date_updated: datetime | None = _rt.field("date_updated", _rt.DATETIME_RFC2822, default=None)\n',
    "return": '    return _ops.list_phone_numbers("TKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", page_size=50, page=1, page_token="x")\n',
    "def with parameters": "def update_account(sid: str, *, friendly_name: str | None = None, status: Status | None = None) -> _rt.Request[Account]:\n    pass\n",
    "def, parameters on one line": "def update(sid: str, *, friendly_name: str | None = None, page: int | None = None) -> _rt.Request[AccountsX]:\n    pass\n",
    "def without parameters": "def _list_phone_numbers_request() -> _rt.PagedRequest[ListPhoneNumberResponse, PhoneNumberWithALongName]:\n    pass\n",
    "assert, test on one line": '    assert recorder.path() == "/v1/Trunks/TKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/PhoneNumbersX"\n',
    "assert, operand per line": '    assert recorder.path() == "/2010-04-01/Accounts/AC00000000000000000000000000000000/IncomingPhoneNumbers/Local.json"\n',
    "assert, list": '    assert recorder.query() == [("Page", "1"), ("PageSize", "50"), ("PageToken", "example")]\n',
    "assert, one-item list": '    assert recorder.form() == [("IpAccessControlListSid", "AL00000000000000000000000000000000")]\n',
    "assert, dict": '    assert recorder.json() == {"name": "example", "tags": ["a"], "owner": {"id": 1}, "x": 1}\n',
    "import": "from ..models import ListPhoneNumberResponse, PhoneNumber, PhoneNumberCapabilities, MetaData\n",
    "field, value in parentheses": '    address_requirements: IncomingPhoneNumberLocalEnumAddressRequirement | None = _rt.field("address_requirements", _rt.enum(IncomingPhoneNumberLocalEnumAddressRequirement), default=None)\n',
    "field, annotation in parentheses": '    capabilities: AccountIncomingPhoneNumberIncomingPhoneNumberLocalCapabilities | None = _rt.field("capabilities", _rt.model(AccountIncomingPhoneNumberIncomingPhoneNumberLocalCapabilities), default=None)\n',
    "call, an argument split again": '    recorder = _Recorder(201, _example(__file__, "create_brand_registrations_create_sole_proprietor_brand.json"))\n',
    "call, a long string argument": '    recorder = _Recorder(200, _example(__file__, "create_phone_number_create_with_capabilities_when_downstream_response200.json"))\n',
    "list": '__all__ = ["create_access_token", "fetch_access_token", "create_bucket", "list_bucket", "update_bucket"]\n',
    "list, one per line": '__all__ = ["create_access_token", "fetch_access_token", "create_bucket", "list_bucket", "update_bucket", "fetch_bucket", "delete_bucket"]\n',
    "class bases": "class AccountAvailablePhoneNumberCountryAvailablePhoneNumberLocalCapabilities(_rt.Model):\n    pass\n",
    "def, subscript return in parentheses": "def _create_sip_auth_calls_ip_access_control_list_mapping_request() -> _rt.Request[AccountSipSipDomainSipAuthSipAuthCallsSipAuthCallsIpAccessControlListMapping]:\n    pass\n",
    "def, two-item subscript return in parentheses": "def _list_conference_recording_request() -> _rt.PagedRequest[ListConferenceRecordingResponse, AccountConferenceConferenceRecording]:\n    pass\n",
    "def, two-item subscript return hugged": "def _list_available_phone_number_local_request() -> _rt.PagedRequest[ListAvailablePhoneNumberLocalResponse, AccountAvailablePhoneNumberCountryAvailablePhoneNumberLocal]:\n    pass\n",
    "def, parameters and a split return": "def create_sip_auth_calls_credential_list_mapping(account_sid: str, domain_sid: str, *, credential_list_sid: str) -> _rt.Request[AccountSipSipDomainSipAuthSipAuthCallsSipAuthCallsCredentialListMapping]:\n    pass\n",
    "def, a lone parameter gets a comma": "def create_brand_registration_otp(brand_registration_sid: str) -> _rt.Request[BrandRegistrationOtpWithALongerName]:\n    pass\n",
    "argument line of a split call": '    x = f(\n        _rt.Param("PublicApplicationConnectEnabled", "form", "public_application_connect_enabled"),\n        other,\n    )\n',
    "keyword argument line of a split call": "    x = f(\n        response=_rt.model(AccountSipSipDomainSipAuthSipAuthCallsSipAuthCallsCredentialListMapping),\n        other=1,\n    )\n",
    "ASCII line of a non-ASCII block": '    """Ménage à trois: ast offsets are in bytes on this line only."""\n    recorder = _Recorder(200, _example(__file__, "list_available_phone_number_local.json"))\n',
    "dict argument line of a split call": '    x = f(\n        errors={"401": _rt.model(GetRecommendationsError401), "403": _rt.model(GetRecommendationsError403)},\n        other=1,\n    )\n',
    "dict argument of a call, exploded": '    return _rt.Request(_GET_RECOMMENDATIONS, {"limit": limit, "market": market, "seed_artists": seed_artists, "seed_genres": seed_genres})\n',
    "dict in a call in a call": '    item: TrackObject | EpisodeObject | None = _rt.field("item", _rt.one_of(_rt.model(TrackObject), _rt.model(EpisodeObject), discriminator="type", mapping={"TrackObject": _rt.model(TrackObject), "EpisodeObject": _rt.model(EpisodeObject)}), default=None)\n',
    "assert, dict of dicts": '    assert recorder.json() == {"accountInfo": {"accountAgeIndicator": "notApplicable", "accountChangeDate": "2020-01-02T03:04:05Z", "accountType": "x"}, "amount": {"currency": "example", "value": 1}}\n',
    "assert, one-item list of a long dict": '    assert recorder.json() == {"lineItems": [{"amountExcludingTax": 1, "amountIncludingTax": 1, "description": "example"}], "x": 1}\n',
    "one-item tuple joined": '    x = f(\n        params=(\n            _rt.Param("FriendlyName", "form", "friendly_name"),\n        ),\n        other=1,\n    )\n',
}


@pytest.mark.parametrize("source", list(CASES.values()), ids=list(CASES))
def test_each_shape_is_blacks_own(source: str) -> None:
    block = source if not source.startswith(" ") else "def f() -> None:\n" + source
    shaped = preshape(block)
    assert shaped != block, "the pass left the line alone"
    assert _black(shaped) == shaped, "black still had work to do"
    assert _black(block) == shaped


@pytest.mark.parametrize(
    "source",
    [
        "x = 1\n",  # short
        '    text = "é" * 2  # non-ASCII: byte offsets would be off' + " " * 60 + "\n",
        "    call(*args, keyword_argument_that_is_long=1, another_keyword_argument=2, third=3)\n",
        "def f(a, /, b) -> None:  # positional-only: not handled" + " " * 50 + "\n    pass\n",
        "    assert some_function(argument_one, argument_two) == other_function(argument_three, four)\n",
    ],
)
def test_other_lines_are_left_to_black(source: str) -> None:
    block = source if not source.startswith(" ") else "def f() -> None:\n" + source
    assert preshape(block) == block


def test_the_line_length_option_is_respected() -> None:
    block = 'def f() -> None:\n    x = call(first_argument, second_argument, third_argument)\n'
    assert preshape(block, 40) == _black(block, 40)
    assert preshape(block, 88) == block
