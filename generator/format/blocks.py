"""black on one block of generated code, with the one mode specgen pins (line length, Python 3.11)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from ..options import DEFAULT_LINE_LENGTH
from .preshape import preshape

if TYPE_CHECKING:
    import black


_TARGET = "py311"  # black's target version, pinned: part of every cache key


class FormatError(Exception):
    """black could not parse generated code: a generator bug, never a spec error."""


def _mode_options(line_length: int) -> dict[str, Any]:
    """Every option specgen sets on black's mode, the one source of both the mode
    and the cache keys (the rest are black's defaults, which its version decides)."""
    return {"target_versions": [_TARGET], "line_length": line_length}


@functools.lru_cache(maxsize=8)
def black_mode(line_length: int = DEFAULT_LINE_LENGTH) -> black.Mode:
    """The one mode specgen runs black with: Python 3.11, ``line_length``."""
    import black
    from black.mode import TargetVersion  # black's __init__ imports it without re-exporting it (mypy)

    options = _mode_options(line_length)
    return black.Mode(
        target_versions={TargetVersion[name.upper()] for name in options["target_versions"]},
        line_length=options["line_length"],
    )


@functools.lru_cache(maxsize=8)
def mode_id(line_length: int) -> str:
    """What the cache keys say of the mode."""
    import json

    return json.dumps(_mode_options(line_length), sort_keys=True)


def format_block(item: tuple[str, int]) -> str:
    """One block ``(text, line_length)``, pre-shaped and formatted by black."""
    import black

    text, line_length = item
    return black.format_str(preshape(text, line_length), mode=black_mode(line_length))
