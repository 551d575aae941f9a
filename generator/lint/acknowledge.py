"""Lint warnings the user has acknowledged (``lint-acknowledged``), kept quiet.

An entry is a warning as ``specgen lint`` prints it, without its
``file:line:`` (lines move as a spec is edited; pointers do not), and with or
without its ``warning:`` word. It quiets every warning that starts with it, so
an entry may stop after the pointer to quiet all of one place. An entry that
quiets nothing any more is reported, so the list does not outlive its
warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_LOCATION = re.compile(r"^.*?:\d+: ")


@dataclass
class Sorted:
    """Lint warnings sorted out: those to print, how many were acknowledged, and unused entries."""

    shown: list[str] = field(default_factory=list)  # warnings to print
    quiet: int = 0  # warnings an entry acknowledged
    unused: list[str] = field(default_factory=list)  # entries that matched no warning


def _key(text: str) -> str:
    return text.replace(": warning: ", ": ", 1).strip()


def sort_out(lines: Iterable[str], acknowledged: Iterable[str]) -> Sorted:
    """Which of ``lines`` (located warnings) to print, given the acknowledged entries."""
    given = list(acknowledged)
    entries = [_key(e) for e in given]
    used: set[int] = set()
    out = Sorted()
    for line in lines:
        key = _key(_LOCATION.sub("", line, count=1))
        hit = next(
            (i for i, entry in enumerate(entries) if key.startswith(entry)), None
        )
        if hit is None:
            out.shown.append(line)
        else:
            used.add(hit)
            out.quiet += 1
    out.unused = [e for i, e in enumerate(given) if i not in used]
    return out
