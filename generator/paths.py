"""Where the generator's own files are: its runtime and its built-in templates.

A module of its own so that the CLI's fast paths (a cache hit, ``check``) can
find them without importing Jinja2.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
RUNTIME_DIR = PACKAGE_DIR / "runtime"
SPEC_SUFFIXES = (".yaml", ".yml", ".json")  # what a spec file and a $ref'd file may be


def templates_dir() -> Path:
    """Built-in templates: inside the installed wheel, or at the repo root."""
    bundled = PACKAGE_DIR / "templates"
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / "templates"
