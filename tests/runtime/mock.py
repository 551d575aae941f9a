"""A scripted ``httpx.MockTransport`` (sync and async) for client tests."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import httpx

Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Script:
    """Answers requests with queued responses, exceptions or callables, and
    records every request. ``fallback`` answers once the queue is empty."""

    def __init__(self, *steps: Step, fallback: Step | None = None) -> None:
        self.steps: deque[Step] = deque(steps)
        self.fallback = fallback
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.steps:
            step = self.steps.popleft()
        elif self.fallback is not None:
            step = self.fallback
        else:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return step(request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        return self(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def async_transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle_async)

    @property
    def urls(self) -> list[str]:
        return [str(r.url) for r in self.requests]


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


class FakeSleep:
    """Records requested delays instead of sleeping (sync and async)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.delays.append(seconds)
