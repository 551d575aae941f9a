"""A test hook: the process kills itself at a named point, to test what an
interrupted run leaves behind (tests/security/test_interrupted_runs.py).

``SPECGEN_TEST_KILL_AT=<point>`` makes :func:`reached` send SIGKILL to this
process at ``<point>``; ``<point>:stop`` sends SIGSTOP instead, for a test to
look at the process (its children) before it kills it. Inert unless the
variable is set: one environment look-up per point. The points:

- ``stage-created``: a package's hidden staging folder made, still empty (write/stage.py);
- ``stage-manifest``: its manifest written there, no other file yet;
- ``commit``: every package staged, none swapped in yet;
- ``swap-old-moved``: the old package moved aside, the new one not in place;
- ``swap-new-moved``: the new one in place, the old one not removed yet;
- ``old-emptied``: the old one removed but for its manifest;
- ``format-pool``: black's pool of worker processes started (format/files.py).
"""

from __future__ import annotations

import os

VARIABLE = "SPECGEN_TEST_KILL_AT"


def reached(point: str) -> None:
    """Kill (or stop) this process here if the test hook asks for ``point``."""
    wanted = os.environ.get(VARIABLE)
    if wanted and wanted.partition(":")[0] == point:
        import signal

        os.kill(os.getpid(), signal.SIGSTOP if wanted.endswith(":stop") else signal.SIGKILL)
