"""Helpers shared by the feature tests: importing golden packages, recording requests."""

from __future__ import annotations

import atexit
import importlib
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import httpx

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


_ASSEMBLED: list[Path] = []  # this process's copies of the golden packages, runtime included


def load_case(case: str) -> ModuleType:
    """Import the package generated for golden case ``case`` (each has a unique name),
    from a copy with its runtime put back (see tests/golden_runtime.py)."""
    from golden_runtime import assemble

    if not _ASSEMBLED:
        _ASSEMBLED.append(Path(tempfile.mkdtemp(prefix="specgen-goldens-")))
        atexit.register(shutil.rmtree, _ASSEMBLED[0], True)
    root = _ASSEMBLED[0] / case
    if not root.exists():
        assemble(case, root)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return importlib.import_module(case)


@dataclass
class Reply:
    """One canned response."""

    status: int = 200
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] | None = None

    def response(self) -> httpx.Response:
        headers = dict(self.headers or {})
        if self.content is not None:
            return httpx.Response(self.status, content=self.content, headers=headers)
        if self.json is None:
            return httpx.Response(self.status, headers=headers)
        body = json.dumps(self.json).encode()
        headers.setdefault("Content-Type", "application/json")
        return httpx.Response(self.status, content=body, headers=headers)


class Recorder:
    """A ``MockTransport`` handler: records every request, answers with the replies in turn.

    The last reply is repeated once the others are used up.
    """

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies) or [Reply()]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        return reply.response()

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    @property
    def last(self) -> httpx.Request:
        assert self.requests, "no request was sent"
        return self.requests[-1]


def raw_path(request: httpx.Request) -> str:
    """The request path as sent, percent-encoding included, without the query."""
    return request.url.raw_path.decode("ascii").partition("?")[0]


def query(request: httpx.Request) -> list[tuple[str, str]]:
    """The query pairs in order, decoded."""
    return parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)


def form(request: httpx.Request) -> list[tuple[str, str]]:
    """The pairs of an ``application/x-www-form-urlencoded`` body, in order."""
    return parse_qsl(
        request.content.decode("ascii"), keep_blank_values=True, strict_parsing=True
    )


def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Pairs as key -> values (order of repeated keys kept)."""
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def body_json(request: httpx.Request) -> Any:
    return json.loads(request.content)


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def multipart(request: httpx.Request) -> list[Part]:
    """The parts of a ``multipart/form-data`` body, in order."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    assert isinstance(message, Message) and message.is_multipart()
    parts = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        parts.append(
            Part(
                name=str(part.get_param("name", header="content-disposition")),
                filename=part.get_filename(),
                content_type=part["Content-Type"],
                data=payload,
            )
        )
    return parts
