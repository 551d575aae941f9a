"""specgen: typed Python clients from hand-transcribed OpenAPI specs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import Diagnostic, SpecError

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .pipeline import generate, generate_package

__all__ = ["Diagnostic", "SpecError", "__version__", "generate", "generate_package"]


def __getattr__(name: str) -> Any:
    # The pipeline imports black and the validator; the CLI's fast paths need neither.
    if name in ("generate", "generate_package"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
