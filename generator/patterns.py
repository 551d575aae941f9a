"""A spec's ``pattern``, checked by the generator as the generated client does.

Spec patterns are untrusted: ``re`` backtracks (``^(a+)+$`` hangs on 40
characters), so the generator (example checks, invalid test values, lint)
uses the runtime's linear-time matcher, ``runtime/regex.py``. It is loaded by
path, as a module of its own: importing ``generator.runtime.regex`` would
import the whole runtime (httpx) first (docs/speed.md).
"""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

from .paths import RUNTIME_DIR

if TYPE_CHECKING:
    from .runtime.regex import MAX_PATTERN, MAX_PROGRAM, Matcher, compile, refusal
else:
    _NAME = "generator._runtime_regex"
    _module = sys.modules.get(_NAME)
    if _module is None:
        _spec = importlib.util.spec_from_file_location(_NAME, RUNTIME_DIR / "regex.py")
        _module = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(_module)
        sys.modules[_NAME] = _module
    MAX_PATTERN, MAX_PROGRAM = _module.MAX_PATTERN, _module.MAX_PROGRAM
    Matcher, compile, refusal = _module.Matcher, _module.compile, _module.refusal

__all__ = ["MAX_PATTERN", "MAX_PROGRAM", "Matcher", "compile", "refusal", "search"]


def search(pattern: str, text: str) -> bool | None:
    """Whether ``pattern`` matches somewhere in ``text``; None if it cannot be checked safely."""
    matcher = compile(pattern)
    return None if matcher is None else matcher.search(text)
