"""Helpers for the tests specgen writes beside each generated package.

The package never imports this module, so it costs users nothing; the
generated test modules do. Each generated test sends one request through the
synchronous and the asynchronous client over ``httpx.MockTransport`` and then
checks what went over the wire and what came back.

What came back is checked against data: specgen writes the values it expects
in the decoded result (computed from the spec's example, independently of the
runtime's decoding) to ``examples/<case>.expected.json``, and :func:`check`
compares them. Such a file is a JSON list of checks, in order::

    {"path": ["phone_numbers", 0, "date_created"], "op": "==",
     "type": "datetime", "value": "2010-12-10T17:27:34+00:00"}

``path`` leads from the result: a string is an attribute, an integer a list
index, and ``{"key": k}`` a mapping key. ``op`` is ``"=="``, ``"is"`` (with
``value`` null, true or false), ``"is not"`` (with ``value`` null) or
``"len"`` (the length ``==`` ``value``). ``value`` is always plain JSON: the
optional ``type`` (``"datetime"`` or ``"date"``, parsed with
``fromisoformat``) sits beside it, so no data in an example can be read as a
tag.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl

import httpx

from .client import AsyncClient, Client
from .decode import is_array, is_object
from .operation import Request

__all__ = ["Recorder", "check", "credentials", "example", "expected", "send_both"]

T = TypeVar("T")


def example(module_file: str, name: str) -> Any:
    """A response body from the spec's examples, kept as JSON in ``examples/``
    beside the test module whose ``__file__`` is ``module_file``."""
    return json.loads(
        (Path(module_file).parent / "examples" / name).read_text(encoding="utf-8")
    )


def expected(module_file: str, case: str) -> list[dict[str, Any]]:
    """The checks on test ``case``'s decoded result (see :func:`check`): kept in
    ``examples/<module>.expected.json`` beside the test module whose ``__file__``
    is ``module_file``, one entry per test."""
    name = f"{Path(module_file).stem}.expected.json"
    cases = _expected_file(str(Path(module_file).parent / "examples" / name))
    checks = cases.get(case) if is_object(cases) else None
    if not is_array(checks):
        raise ValueError(f"{name}: no list of checks for {case!r}")
    return checks


@functools.lru_cache(maxsize=8)
def _expected_file(path: str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


_TYPES: dict[str, Any] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
}
_OPS = ("==", "is", "is not", "len")
_MISSING = object()


def check(result: object, checks: Sequence[Mapping[str, Any]]) -> None:
    """Compare ``result`` with every check (see the module docstring).

    Raises ``AssertionError`` listing each check that fails, by its path from
    ``result`` (for example ``result.items[0].created: expected == datetime...``);
    raises ``ValueError`` for a check it cannot read.
    """
    failures: list[str] = []
    for index, item in enumerate(checks):
        op, wanted, where, actual = _prepare(result, item, index)
        if actual is _MISSING:
            failures.append(where)
            continue
        if op == "len":
            op, where, actual = "==", f"len({where})", _length(actual)
        if op == "==":
            ok = bool(actual == wanted)
        elif op == "is":
            ok = actual is wanted
        else:
            ok = actual is not wanted
        if not ok:
            failures.append(f"{where}: expected {op} {wanted!r}, got {actual!r}")
    if failures:
        raise AssertionError(
            f"{len(failures)} of {len(checks)} checks failed:\n  "
            + "\n  ".join(failures)
        )


def _prepare(
    result: object, item: Mapping[str, Any], index: int
) -> tuple[str, Any, str, Any]:
    """(operator, expected value, path as Python, actual value or _MISSING);
    when the path cannot be followed, the path slot holds the failure."""
    unknown = set(item) - {"path", "op", "value", "type"}
    op, path, wanted = item.get("op"), item.get("path"), item.get("value")
    if unknown or op not in _OPS or not isinstance(path, list) or "value" not in item:
        raise ValueError(f"check {index}: not a check: {item!r}")
    kind = item.get("type")
    if kind is not None:
        if kind not in _TYPES or op != "==" or not isinstance(wanted, str):
            raise ValueError(f"check {index}: bad type {kind!r}: {item!r}")
        wanted = _TYPES[kind](wanted)
    elif op in ("is", "is not") and not (wanted is None or isinstance(wanted, bool)):
        raise ValueError(f"check {index}: {op!r} needs null, true or false: {item!r}")
    elif op == "is not" and wanted is not None:
        raise ValueError(f"check {index}: 'is not' needs null: {item!r}")
    elif op == "len" and (not isinstance(wanted, int) or isinstance(wanted, bool)):
        raise ValueError(f"check {index}: 'len' needs an integer: {item!r}")
    where = "result"
    actual: Any = result
    for step in cast("list[object]", path):
        try:
            if isinstance(step, str):
                where += f".{step}"
                actual = getattr(actual, step)
            elif isinstance(step, int) and not isinstance(step, bool):
                where += f"[{step}]"
                actual = actual[step]
            elif is_object(step) and set(step) == {"key"}:
                where += f"[{step['key']!r}]"
                actual = actual[step["key"]]
            else:
                raise ValueError(f"check {index}: bad path step {step!r}")
        except (AttributeError, LookupError, TypeError) as exc:
            return (
                op,
                wanted,
                f"{where}: cannot be read ({type(exc).__name__}: {exc})",
                _MISSING,
            )
    return op, wanted, where, actual


def _length(value: Any) -> Any:
    """``len(value)``, or a note saying why there is none (never equal to a length)."""
    try:
        return len(value)
    except TypeError:
        return f"<no len() for {type(value).__name__}>"


class Recorder:
    """A mock transport answering every request with one canned response."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.body is None:
            return httpx.Response(self.status)
        return httpx.Response(self.status, json=self.body)

    def transport(self) -> httpx.MockTransport:
        """A transport for a client: every request it sends is recorded here."""
        return httpx.MockTransport(self)

    def path(self, index: int = 0) -> str:
        """The request's path as sent (percent-encoded), without the query."""
        return self.requests[index].url.raw_path.decode("ascii").partition("?")[0]

    def query(self, index: int = 0) -> list[tuple[str, str]]:
        return sorted(self.requests[index].url.params.multi_items())

    def form(self, index: int = 0) -> list[tuple[str, str]]:
        content = self.requests[index].content.decode()
        return sorted(parse_qsl(content, keep_blank_values=True))

    def json(self, index: int = 0) -> Any:
        return json.loads(self.requests[index].content)


def credentials(client: type[Client] | type[AsyncClient]) -> dict[str, str]:
    """A test value for every credential argument of ``client``: ``ACtest``
    and ``secret`` for a basic scheme's user name and password, ``test-<arg>``
    for the others."""
    values: dict[str, str] = {}
    for scheme in client.security_schemes():
        if scheme.kind == "basic":
            values[scheme.args[0]], values[scheme.args[1]] = "ACtest", "secret"
        else:
            values[scheme.args[0]] = f"test-{scheme.args[0]}"
    return values


def send_both(
    client: type[Client],
    async_client: type[AsyncClient],
    request: Request[T],
    recorder: Recorder,
) -> T:
    """Send ``request`` with ``client`` and with ``async_client``, both over
    ``recorder``; return the decoded result. Both clients have every
    credential (see ``credentials``).

    Raises ``AssertionError`` unless both clients sent the same request (method,
    URL and body) and decoded the same result.
    """
    transport = recorder.transport()
    make_sync: Any = client  # the credential arguments are the API's own
    with make_sync(**credentials(client), transport=transport) as sync:
        result: T = sync.send(request)

    async def call_async() -> T:
        make: Any = async_client
        async with make(**credentials(async_client), transport=transport) as other:
            again: T = await other.send(request)
            return again

    again = asyncio.run(call_async())
    if len(recorder.requests) != 2:
        raise AssertionError(
            f"expected one request from each client, got {len(recorder.requests)}"
        )
    first, second = recorder.requests
    multipart = first.headers.get("Content-Type", "").startswith("multipart/")
    same_body = multipart or first.content == second.content  # a random boundary
    if (first.method, first.url) != (second.method, second.url) or not same_body:
        raise AssertionError(
            f"the clients sent different requests: {first.method} {first.url}"
            f" {first.content!r} and {second.method} {second.url} {second.content!r}"
        )
    if again != result:
        raise AssertionError(
            f"the clients decoded different results: {result!r} and {again!r}"
        )
    return result
