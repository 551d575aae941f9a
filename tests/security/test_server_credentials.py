"""Credentials in a spec's server URL never reach the generated package.

``servers: [{url: https://user:hunter2@api.example.com}]`` was copied into
``client.py`` and ``README.md`` without a word (and httpx turns such a URL's
userinfo into basic auth on every request). specgen drops the userinfo and
warns, located at the URL: top-level, path-level and operation-level servers,
userinfo written out or from a server variable's default, a user name alone
or a percent-encoded password. An ``@`` after the host (in the path) is kept.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator import cli

PASSWORD = "hunter2"
LOCATED = re.compile(r"^(?P<file>[^\s:]+):(?P<line>[1-9][0-9]*): (?P<pointer>/\S*): warning: (?P<message>.+)$")


def _spec() -> dict[str, Any]:
    ok = {"204": {"description": "done"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Servers", "version": "1"},
        "servers": [{"url": f"https://admin:{PASSWORD}@api.example.com/v1"}],
        "paths": {
            "/top": {"get": {"operationId": "top", "responses": ok}},
            "/by_path": {
                "servers": [
                    {"url": "https://{auth}path.example.com/v2", "variables": {"auth": {"default": f"u:{PASSWORD}@"}}}
                ],
                "get": {"operationId": "by_path_get", "responses": ok},
                "delete": {"operationId": "by_path_delete", "responses": ok},
            },
            "/by_operation": {
                "get": {
                    "operationId": "by_operation",
                    "servers": [{"url": f"https://only-a-token-{PASSWORD}@op.example.com/v3"}],
                    "responses": ok,
                }
            },
            "/encoded": {
                "get": {
                    "operationId": "encoded",
                    "servers": [{"url": f"https://user:{PASSWORD}%40x@enc.example.com"}],
                    "responses": ok,
                }
            },
            "/at_in_path": {
                "get": {
                    "operationId": "at_in_path",
                    "servers": [{"url": "https://at.example.com/users/@me"}],
                    "responses": ok,
                }
            },
        },
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    root = tmp_path_factory.mktemp("servers")
    spec = root / "servers_api.yaml"
    spec.write_text(json.dumps(_spec(), indent=1), encoding="utf-8")  # one key per line
    err = io.StringIO()  # capsys is per test; this fixture is per module
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stderr(err):
            code = cli.main(["generate", spec.name, "--out", "out"])
    finally:
        os.chdir(cwd)
    assert code == 0, err.getvalue()
    return root, err.getvalue(), spec.read_text(encoding="utf-8")


@pytest.fixture
def package(generated: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.syspath_prepend(str(generated[0] / "out"))
    before = set(sys.modules)
    yield importlib.import_module("servers_api")
    for name in set(sys.modules) - before:
        del sys.modules[name]


def test_no_generated_file_holds_the_credentials(generated: tuple[Path, str, str]) -> None:
    root = generated[0]
    files = [p for p in (root / "out" / "servers_api").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert PASSWORD not in text, path
        assert "admin" not in text, path


def test_each_url_with_credentials_is_warned_about_once_where_it_is(generated: tuple[Path, str, str]) -> None:
    _root, err, text = generated
    lines = text.splitlines()
    found = [m for m in map(LOCATED.match, err.splitlines()) if m and "holds credentials" in m["message"]]
    assert sorted(m["pointer"] for m in found) == sorted(
        [
            "/servers/0/url",
            "/paths/~1by_path/servers/0/url",
            "/paths/~1by_operation/get/servers/0/url",
            "/paths/~1encoded/get/servers/0/url",
        ]
    )
    for match in found:
        assert match["file"] == "servers_api.yaml"
        line = lines[int(match["line"]) - 1]
        assert '"url"' in line, (match["pointer"], line)
    assert PASSWORD not in err  # the warning does not repeat the secret


def test_the_client_sends_to_the_hosts_without_the_credentials(package: Any) -> None:
    assert package.Client.DEFAULT_BASE_URL == "https://api.example.com/v1"
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    with package.Client(transport=httpx.MockTransport(handler)) as client:
        client.top()
        client.by_path_get()
        client.by_path_delete()
        client.by_operation()
        client.encoded()
        client.at_in_path()
    urls = [str(r.url) for r in seen]
    assert urls == [
        "https://api.example.com/v1/top",
        "https://path.example.com/v2/by_path",
        "https://path.example.com/v2/by_path",
        "https://op.example.com/v3/by_operation",
        "https://enc.example.com/encoded",
        "https://at.example.com/users/@me/at_in_path",
    ]
    assert all("authorization" not in r.headers for r in seen)


@pytest.mark.parametrize(
    ("url", "expected", "had"),
    [
        ("https://u:p@h.example.com/x", "https://h.example.com/x", True),
        ("https://u@h.example.com", "https://h.example.com", True),
        ("https://u:p@q@h.example.com:8443/x?y#z", "https://h.example.com:8443/x?y#z", True),
        ("https://@h.example.com", "https://h.example.com", True),
        ("https://h.example.com/@me", "https://h.example.com/@me", False),
        ("https://h.example.com/?a=b@c", "https://h.example.com/?a=b@c", False),
        ("/relative@path", "/relative@path", False),
        ("", "", False),
    ],
)
def test_strip_userinfo(url: str, expected: str, had: bool) -> None:
    from generator.ir.server_urls import strip_userinfo

    assert strip_userinfo(url) == (expected, had)
