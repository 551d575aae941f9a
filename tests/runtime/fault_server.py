"""A small scripted HTTP/1.1 server on 127.0.0.1 for fault-injection tests.

Each test queues the behaviours of the next requests, in order::

    with FaultServer() as server:
        server.script(Reply(429, headers={"Retry-After": "2"}), Reply(200, {"ok": 1}))
        ...  # point a client at server.url
        assert len(server.requests) == 2

Behaviours: ``Reply`` (optionally after a delay), ``Reset`` (abort the TCP
connection without answering), ``Truncate`` (announce a longer body than
is sent, then close) and ``Stream`` (a long or slow body, chunk by chunk).
An unscripted request gets a 599 reply, so a test
fails loudly instead of hanging. Nothing blocks for long: delays are cut
short when the server stops, idle connections time out, and the serving
thread is a daemon.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import struct
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["FaultServer", "Reply", "Reset", "Truncate", "Stream", "Recorded"]


@dataclasses.dataclass(frozen=True)
class Reply:
    """Answer with ``status`` and ``body`` (JSON-encoded unless bytes/str),
    after waiting ``delay`` seconds."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    delay: float = 0.0

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode(), "application/json"


@dataclasses.dataclass(frozen=True)
class Reset:
    """Abort the connection (TCP RST) without sending anything."""


@dataclasses.dataclass(frozen=True)
class Truncate:
    """Send a 200 whose Content-Length exceeds ``body``, then close."""

    body: bytes = b'{"phone_numbers": ['


@dataclasses.dataclass(frozen=True)
class Stream:
    """Answer ``status`` with ``chunk`` sent ``count`` times, ``delay`` seconds
    apart: chunked, or with ``content_length`` announced (then close).

    Bounded: it stops after ``count`` chunks, when the server stops, or when
    the client goes away (a write fails, or blocks for the handler timeout).
    ``sent`` counts the chunks written, across uses of this instance.
    """

    chunk: bytes = b"x" * 65536
    count: int = 1
    delay: float = 0.0
    content_length: int | None = None
    status: int = 200
    sent: list[int] = dataclasses.field(default_factory=list, compare=False)


Behaviour = Reply | Reset | Truncate | Stream


@dataclasses.dataclass(frozen=True)
class Recorded:
    """A request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real APIs
    timeout = 5  # an idle connection's handler thread ends after this
    server: _Server
    _aborted = False

    def do_GET(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20)) if length else b""
        owner.record(
            Recorded(self.command, self.path, dict(self.headers.items()), body)
        )
        behaviour = owner.next_behaviour()
        try:
            if isinstance(behaviour, Reset):
                self._reset()
            elif isinstance(behaviour, Truncate):
                self._truncate(behaviour)
            elif isinstance(behaviour, Stream):
                self._stream(behaviour, owner)
            else:
                self._reply(behaviour, owner)
        except OSError:  # the client went away (e.g. it timed out)
            self.close_connection = True

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _reply(self, reply: Reply, owner: FaultServer) -> None:
        if reply.delay and owner.stopping.wait(reply.delay):
            self.close_connection = True
            return
        payload, content_type = reply.encoded()
        self.send_response(reply.status)
        headers = {"Content-Type": content_type, **reply.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _truncate(self, truncate: Truncate) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(truncate.body) + 100))
        self.end_headers()
        self.wfile.write(truncate.body)
        self.wfile.flush()
        self.close_connection = True

    def _stream(self, stream: Stream, owner: FaultServer) -> None:
        self.send_response(stream.status)
        self.send_header("Content-Type", "application/json")
        chunked = stream.content_length is None
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(stream.content_length))
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        for _ in range(stream.count):
            if stream.delay and owner.stopping.wait(stream.delay):
                return
            if owner.stopping.is_set():
                return
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(stream.chunk), stream.chunk))
            else:
                self.wfile.write(stream.chunk)
            self.wfile.flush()
            stream.sent.append(1)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST, not FIN.
        self.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        self.rfile.close()
        self.wfile.close()
        self.connection.close()
        self._aborted = True
        self.close_connection = True

    def finish(self) -> None:
        if not self._aborted:
            try:
                super().finish()
            except OSError:
                pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # keep test output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FaultServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # aborted connections are expected here


class FaultServer:
    """A scripted server; use as a context manager (starts and stops it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._script: deque[Behaviour] = deque()
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def script(self, *behaviours: Behaviour) -> None:
        """Queue the behaviours of the next requests."""
        with self._lock:
            self._script.extend(behaviours)

    def next_behaviour(self) -> Behaviour:
        with self._lock:
            if self._script:
                return self._script.popleft()
        return Reply(599, {"message": "unscripted request"})

    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    @property
    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FaultServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
