"""The nearest name for a misspelling: "did you mean ...?" in error messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from .errors import pointer_join, resolve_pointer

_MAX_CANDIDATES = 5000  # names compared at most (difflib is quadratic in a name's length, linear in their number)


def nearest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word`` (difflib's ratio, at least ``cutoff``), or None."""
    names = sorted({c for c in candidates if isinstance(c, str)})[:_MAX_CANDIDATES]
    if word in names:
        return word
    found = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the nearest candidate, or ""."""
    found = nearest(word, candidates)
    return f"; did you mean {found!r}?" if found is not None and found != word else ""


def ref_suggestion(document: Any, ref: str) -> str:
    """For a local ``$ref`` whose target is missing: the same pointer with its first
    missing name replaced by the nearest existing one, as ``"; did you mean '#/...'?"``.
    """
    if not ref.startswith("#/"):
        return ""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in ref[2:].split("/")]
    node = document
    for index, token in enumerate(tokens):
        if isinstance(node, dict) and token in node:
            node = node[token]
            continue
        if not isinstance(node, dict):
            return ""
        found = nearest(token, node.keys())
        if found is None:
            return ""
        guess = "#" + pointer_join("", *tokens[:index], found, *tokens[index + 1 :])
        return (
            f"; did you mean {guess!r}?"
            if resolve_pointer(document, guess) is not None
            else ""
        )
    return ""
