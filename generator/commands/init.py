"""``specgen init``: writes the starter files (commands/scaffold.py) and says what it did."""

from __future__ import annotations

import argparse
from pathlib import Path

from .base import EXIT_OK, Ui


def command(args: argparse.Namespace, ui: Ui) -> int:
    """Run ``specgen init`` in the working directory; return its exit code."""
    from .scaffold import init_project

    result = init_project(Path.cwd())
    verb = "created" if result.created_pyproject else "added [tool.specgen] to"
    ui.info(f"specgen: {verb} {result.pyproject.name}")
    if result.wrote_spec:
        ui.info(f"specgen: wrote {result.spec.relative_to(Path.cwd())}")
    else:
        ui.info(f"specgen: kept the existing {result.spec.relative_to(Path.cwd())}")
    ui.info("next: edit the spec, then `specgen lint` and `specgen generate`")
    return EXIT_OK
