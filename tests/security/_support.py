"""Helpers shared by the security tests."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1536 * 1024 * 1024  # bytes of address space for a CLI run
HANG_GUARD = 60  # seconds; a guard against hangs, not a speed assertion


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli(
    *args: str, cwd: Path, timeout: float = HANG_GUARD
) -> subprocess.CompletedProcess[str]:
    """``python -m generator ARGS`` in a subprocess with a memory cap and a hang guard."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        preexec_fn=_cap_memory,
    )


class KnownBug(Exception):
    """Raised by a test when it sees the symptom of a known, reported bug.

    Tests use ``pytest.mark.xfail(strict=True, raises=KnownBug, reason=...)``:
    only this symptom counts as the expected failure; any other failure fails.
    """
