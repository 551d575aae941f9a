"""Fixtures that run the Prism mock server (``@stoplight/prism-cli``) on the spec.

Prism is installed from ``package.json``/``package-lock.json`` by ``npm ci`` at
the repo root (``make test`` does this). Without it these tests are skipped
locally, but fail under CI (the ``CI`` environment variable), which must run
them.

Prism runs as ``prism mock SPEC -h 127.0.0.1 -p PORT --errors=false``:

* it serves the spec's examples (static mode, first example: ``read_full``);
* request violations of severity error are answered with a 422 problem
  document, whatever ``--errors`` says (mock mode always validates requests);
* missing credentials are answered with a 401 problem document, whatever
  ``--errors`` says (the security check is always on);
* response violations are reported in the ``sl-violations`` header of the
  otherwise normal response. ``--errors=true`` would instead replace such a
  response with a 500 problem document, hiding the body from the client.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent  # the parent of tests/
GENERATED = ROOT / "generated"
SPEC = ROOT / "spec" / "twilio_trunking_v1.yaml"
PRISM = ROOT / "node_modules" / ".bin" / "prism"

STARTUP_TIMEOUT = 60.0  # seconds, for Prism to load the spec and answer
POLL_INTERVAL = 0.1
STOP_TIMEOUT = 10.0
PORT_ATTEMPTS = 3  # a free port can be taken between probing and binding
LOG_TAIL_LINES = 40

# The generated package is imported as ``twilio_trunking_v1``.
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))

# Seconds each Prism took to answer its first request, for the summary.
STARTUP_SECONDS: dict[str, float] = {}

_PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def prism_executable() -> Path:
    """``node_modules/.bin/prism``; skips (locally) or fails (CI) without it."""
    if PRISM.is_file() and os.access(PRISM, os.X_OK):
        return PRISM
    if _in_ci():
        pytest.fail(
            f"Prism is not installed ({PRISM} is missing) but CI must run the"
            " contract tests: run `npm ci` at the repo root first"
            " (make test does this)",
            pytrace=False,
        )
    pytest.skip(
        "Prism is not installed: run `npm ci` at the repo root (make test does this)"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError as exc:
        return f"(cannot read {log}: {exc})"
    return "\n".join(lines[-LOG_TAIL_LINES:]) or "(no output)"


def _wait_until_answering(proc: subprocess.Popen[bytes], base_url: str) -> str | None:
    """Poll until Prism answers HTTP; None when it does, else why it did not.

    Prism binds its port only after loading the spec, so any HTTP answer (a
    404 problem document for ``/``) means it is ready.
    """
    deadline = time.monotonic() + STARTUP_TIMEOUT
    with httpx.Client(timeout=2.0, trust_env=False) as http:
        while True:
            if proc.poll() is not None:
                return f"Prism exited with status {proc.returncode} during startup"
            try:
                http.get(base_url + "/")
            except httpx.TransportError:
                pass
            else:
                return None
            if time.monotonic() >= deadline:
                return (
                    f"Prism did not answer on {base_url} within {STARTUP_TIMEOUT:.0f} s"
                )
            time.sleep(POLL_INTERVAL)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate Prism and its process group (its own session), then reap it."""
    pgid = proc.pid  # start_new_session=True: the group id is the leader's pid
    if proc.poll() is None:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=STOP_TIMEOUT)
    # Anything the leader left behind in its group goes too.
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def run_prism(spec: Path, workdir: Path, name: str) -> Iterator[str]:
    """Run ``prism mock spec`` on a free loopback port; yield its base URL."""
    executable = prism_executable()
    for attempt in range(1, PORT_ATTEMPTS + 1):
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        command = [
            str(executable),
            "mock",
            str(spec),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "--errors=false",
        ]
        log = workdir / f"{name}-{port}.log"
        started = time.monotonic()
        with log.open("wb") as out:
            proc = subprocess.Popen(
                command,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
            )
        try:
            problem = _wait_until_answering(proc, base_url)
            if problem is None:
                STARTUP_SECONDS[name] = time.monotonic() - started
                yield base_url
                return
            tail = _tail(log)
            if "EADDRINUSE" in tail and attempt < PORT_ATTEMPTS:
                continue
            pytest.fail(
                f"{problem}.\ncommand: {' '.join(command)}\n"
                f"last lines of its output ({log}):\n{tail}",
                pytrace=False,
            )
        finally:
            _stop(proc)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the clients' traffic on loopback even if a proxy is configured."""
    for variable in _PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of Prism mocking ``spec/twilio_trunking_v1.yaml`` as it is."""
    workdir = tmp_path_factory.mktemp("prism")
    with run_prism(SPEC, workdir, "prism") as base_url:
        yield base_url


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for name, seconds in STARTUP_SECONDS.items():
        terminalreporter.write_line(f"{name}: Prism answered after {seconds:.2f} s")
