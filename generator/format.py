"""Stage 5, format: black, in-process, with a mode pinned in code."""

from __future__ import annotations

import functools

import black

DEFAULT_LINE_LENGTH = 88
MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=DEFAULT_LINE_LENGTH)


class FormatError(Exception):
    """black could not parse generated code: a generator bug, never a spec error."""


@functools.lru_cache(maxsize=8)
def _mode(line_length: int) -> black.Mode:
    if line_length == DEFAULT_LINE_LENGTH:
        return MODE
    return black.Mode(target_versions={black.TargetVersion.PY311}, line_length=line_length)


def format_source(path: str, source: str, line_length: int = DEFAULT_LINE_LENGTH) -> str:
    if not path.endswith(".py") or path.startswith("_runtime/"):
        return source  # the runtime is black-clean at source (checked by the tests)
    try:
        return black.format_str(source, mode=_mode(line_length))
    except Exception as exc:
        raise FormatError(f"black cannot format generated {path}: {exc}") from exc
