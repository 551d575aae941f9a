"""Static typing of the runtime as generated code uses it, checked by mypy.

One mypy run (``--strict``) over a generated-style package: the runtime copied
to ``_runtime``, the sample API, and a usage module whose lines either pass
``assert_type`` checks or carry ``# E: <text>``: the error mypy must report
on that line. Any other error fails the test.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from .conftest import build_generated_package

mypy_api = pytest.importorskip("mypy.api")

USAGE = """\
from __future__ import annotations

from collections.abc import Coroutine
from datetime import datetime
from typing import Any, assert_type

from . import _runtime as _rt
from . import api
from .api import TRUNK_SID, ListPhoneNumberResponse, PhoneNumber


def sync_usage(client: api.Client) -> None:
    assert_type(client.list_phone_numbers(TRUNK_SID, page_size=5), ListPhoneNumberResponse)
    assert_type(client.fetch_phone_number("TK1", "PN1", trace="t"), PhoneNumber)
    assert_type(client.delete_phone_number("TK1", "PN1"), None)
    client.list_phone_numbers(TRUNK_SID, page_sise=5)  # E: Unexpected keyword argument "page_sise"
    client.list_phone_numbers(123)  # E: has incompatible type "int"; expected "str"
    client.list_phone_numbers(TRUNK_SID, 5)  # E: Too many positional arguments
    client.fetch_phone_number("TK1")  # E: Too few arguments
    paginator = client.paginate(api.list_phone_numbers(TRUNK_SID), limit=10, page_size=5)
    assert_type(paginator, _rt.Paginator[ListPhoneNumberResponse, PhoneNumber])
    for item in paginator:
        assert_type(item, PhoneNumber)
    for page in paginator.pages():
        assert_type(page.parsed, ListPhoneNumberResponse)
        assert_type(page.items, list[PhoneNumber])
        assert_type(page.next_url, str | None)
    client.paginate(api.fetch_phone_number("TK1", "PN1"))  # E: incompatible type "Request[PhoneNumber]"
    raw = client.send_raw(api.fetch_phone_number("TK1", "PN1"))
    assert_type(raw, _rt.ApiResponse[PhoneNumber])
    assert_type(raw.parsed, PhoneNumber)
    assert_type(client.send(api.list_phone_numbers(TRUNK_SID)), ListPhoneNumberResponse)
    assert_type(client.with_options(timeout=1.0, max_retries=0), api.Client)
    client.with_options(retries=1)  # E: Unexpected keyword argument "retries"
    with api.Client("AC1", "token", timeout=None) as entered:
        assert_type(entered, api.Client)


async def async_usage(client: api.AsyncClient) -> None:
    assert_type(await client.list_phone_numbers(TRUNK_SID, page_size=5), ListPhoneNumberResponse)
    pending = client.fetch_phone_number("TK1", "PN1")
    assert_type(pending, Coroutine[Any, Any, PhoneNumber]).close()
    await client.list_phone_numbers(TRUNK_SID, page_sise=5)  # E: Unexpected keyword argument "page_sise"
    async for item in client.paginate(api.list_phone_numbers(TRUNK_SID)):
        assert_type(item, PhoneNumber)
    async for page in client.paginate(api.list_phone_numbers(TRUNK_SID)).pages():
        assert_type(page.parsed, ListPhoneNumberResponse)
    assert_type(await client.send_raw(api.fetch_phone_number("TK1", "PN1")), _rt.ApiResponse[PhoneNumber])
    async with api.AsyncClient() as entered:
        assert_type(entered, api.AsyncClient)


def model_usage() -> None:
    PhoneNumber(page=1, url=None)
    PhoneNumber(page=1, url="u", account_sid="AC1", class_="local", extra={"links": {}})
    PhoneNumber(url=None)  # E: Missing named argument "page" for "PhoneNumber"
    PhoneNumber(page=1)  # E: Missing named argument "url" for "PhoneNumber"
    PhoneNumber(page="1", url=None)  # E: Argument "page" to "PhoneNumber" has incompatible type "str"
    PhoneNumber(page=1, url=None, bogus=1)  # E: Unexpected keyword argument "bogus"
    PhoneNumber(1, None)  # E: Too many positional arguments
    number = PhoneNumber.from_dict({"page": 1, "url": None})
    assert_type(number, PhoneNumber)
    assert_type(number.capabilities, dict[str, bool] | None)
    assert_type(number.extra, dict[str, Any])
    assert_type(number.to_dict(), dict[str, Any])
    assert_type(api.Tree.from_dict({}).children, list[api.Tree] | None)
    assert_type(api.HttpMethod("PATCH").is_known, bool)
    number.page = "x"  # E: Incompatible types in assignment


class Mismatch(_rt.Model):
    ok: int | None = _rt.field("ok", _rt.INT, default=None)
    wrong: int = _rt.field("wrong", _rt.STR)  # E: Incompatible types in assignment


def request_usage() -> None:
    op = _rt.Operation(name="x", method="GET", path="/", response=_rt.model(PhoneNumber))
    assert_type(op, _rt.Operation[PhoneNumber])
    assert_type(_rt.Request(op, {}), _rt.Request[PhoneNumber])
    bad: _rt.Request[api.Tree] = _rt.Request(op, {})  # E: Argument 1 to "Request" has incompatible type
    assert_type(api.list_phone_numbers(TRUNK_SID), _rt.PagedRequest[ListPhoneNumberResponse, PhoneNumber])
    assert_type(_rt.list_of(_rt.DATETIME), _rt.Decoder[list[datetime]])
    assert_type(_rt.lazy(lambda: api.Tree), _rt.Decoder[api.Tree])
    assert_type(_rt.enum(api.HttpMethod), _rt.Decoder[api.HttpMethod])

"""

_ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*)$")


def test_mypy_strict_accepts_usage_and_reports_expected_errors(tmp_path: Path) -> None:
    package = build_generated_package(tmp_path, "specgen_typing_pkg")
    (package / "usage.py").write_text(USAGE)
    cache_dir = Path(tempfile.gettempdir()) / "specgen-runtime-test-mypy-cache"
    stdout, stderr, _ = mypy_api.run(
        [
            "--strict",
            "--no-error-summary",
            "--show-error-codes",
            "--no-pretty",
            "--cache-dir",
            str(cache_dir),
            str(package),
        ]
    )
    assert stderr == "", stderr
    expected = {
        number: text.split("# E: ", 1)[1].strip()
        for number, text in enumerate(USAGE.splitlines(), start=1)
        if "# E: " in text
    }
    assert len(expected) >= 15
    errors: dict[tuple[str, int], list[str]] = {}
    for line in stdout.splitlines():
        match = _ERROR.match(line)
        if match:
            key = (Path(match["file"]).name, int(match["line"]))
            errors.setdefault(key, []).append(match["message"])
    unexpected = {
        key: messages
        for key, messages in errors.items()
        if key[0] != "usage.py" or key[1] not in expected
    }
    assert not unexpected, f"unexpected mypy errors: {unexpected}\n{stdout}"
    for number, text in expected.items():
        messages = errors.get(("usage.py", number), [])
        assert any(
            text in m for m in messages
        ), f"line {number}: want {text!r}, got {messages}"
