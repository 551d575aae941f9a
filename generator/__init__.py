"""specgen: typed Python clients from hand-transcribed OpenAPI specs."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import Diagnostic, SpecError  # noqa: E402
from .pipeline import generate, generate_package  # noqa: E402

__all__ = ["Diagnostic", "SpecError", "__version__", "generate", "generate_package"]
