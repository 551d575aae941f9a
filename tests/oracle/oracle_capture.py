"""A pytest plugin that records every request a generated package's tests send.

Loaded with ``-p oracle_capture`` (``tests/oracle`` on ``PYTHONPATH``) when a
package's own tests run; writes one JSON line per test to the file named by
``SPECGEN_ORACLE_CAPTURE``. Nothing of this ships in the package: the plugin
wraps, from outside, ``httpx.MockTransport`` (the transport every generated
test sends through) and the runtime's ``BaseClient._build`` (to tag each
request with the operation it was built for: its name, method and path).

A test sends the same request twice (sync and async client); the first one
is recorded.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from typing import Any

import httpx
import pytest

_OUT = os.environ.get("SPECGEN_ORACLE_CAPTURE")
_TAG = "specgen_oracle_operation"
_current: dict[str, Any] = {"test": None, "seen": set()}


def _record(request: httpx.Request) -> None:
    test = _current["test"]
    if _OUT is None or test is None or test in _current["seen"]:
        return
    _current["seen"].add(test)
    body = request.read()
    name, method, path = request.extensions.get(_TAG, (None, None, None))
    line = {
        "test": test,
        "operation": {"name": name, "method": method, "path": path},
        "method": request.method,
        "url": str(request.url),
        "headers": [[k, v] for k, v in request.headers.multi_items()],
        "body": base64.b64encode(body).decode("ascii"),
        "content_type": request.headers.get("content-type", ""),
    }
    with open(_OUT, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, sort_keys=True) + "\n")


_handle = httpx.MockTransport.handle_request
_handle_async = httpx.MockTransport.handle_async_request


def _handle_request(self: httpx.MockTransport, request: httpx.Request) -> httpx.Response:
    _record(request)
    return _handle(self, request)


async def _handle_async_request(
    self: httpx.MockTransport, request: httpx.Request
) -> httpx.Response:
    _record(request)
    return await _handle_async(self, request)


httpx.MockTransport.handle_request = _handle_request  # type: ignore[method-assign]
httpx.MockTransport.handle_async_request = _handle_async_request  # type: ignore[method-assign]


def _tag_builds() -> None:
    """Wrap ``_build`` of every generated package's runtime loaded so far."""
    for name, module in list(sys.modules.items()):
        if not name.endswith("._runtime.base") or getattr(module, "_oracle_tagged", False):
            continue
        cls = module.BaseClient
        original = cls._build

        def _build(self: Any, http: Any, request: Any, url: Any, _original: Any = original) -> Any:
            built = _original(self, http, request, url)
            operation = request.operation
            built.extensions[_TAG] = (operation.name, operation.method, operation.path)
            return built

        cls._build = _build
        module._oracle_tagged = True


def pytest_collection_finish(session: pytest.Session) -> None:
    _tag_builds()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    _current["test"] = item.nodeid
    try:
        yield
    finally:
        _current["test"] = None
