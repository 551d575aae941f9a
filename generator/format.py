"""Stage 5, format: black, in-process, with a mode pinned in code."""

from __future__ import annotations

import black

MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=88)


class FormatError(Exception):
    """black could not parse generated code: a generator bug, never a spec error."""


def format_source(path: str, source: str) -> str:
    if not path.endswith(".py") or path.startswith("_runtime/"):
        return source  # the runtime is black-clean at source (checked by the tests)
    try:
        return black.format_str(source, mode=MODE)
    except Exception as exc:
        raise FormatError(f"black cannot format generated {path}: {exc}") from exc
