"""A loaded spec: the document as plain data, and where each pointer came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, SpecError


@dataclass(frozen=True)
class ImportedSchema:
    """A schema ``$ref``'d from another file, imported under ``components/schemas`` (see load/refs.py)."""

    name: str  # what to name it after: the last name in its pointer, or its file's stem
    origin: str  # where it is, from the spec's folder: ``shared/common.yaml#/components/schemas/Money``


@dataclass
class LoadedSpec:
    """A spec as plain data, plus what is needed to locate errors in it.

    ``imported`` holds the schemas that came from other files, by their key
    under ``components/schemas``."""

    path: Path
    display: str
    source_name: str
    document: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    sha256: str = ""
    imported: dict[str, ImportedSchema] = field(default_factory=dict)

    def line_of(self, pointer: str) -> int | None:
        """The line of ``pointer``, or of its nearest located ancestor."""
        while True:
            line = self.lines.get(pointer)
            if line is not None or not pointer:
                return line
            pointer = pointer.rsplit("/", 1)[0]

    def diagnostic(self, pointer: str, message: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(self.display, self.line_of(pointer), pointer, message, severity)

    def error(self, pointer: str, message: str) -> SpecError:
        return SpecError([self.diagnostic(pointer, message)])


def source_name(path: Path) -> str:
    """A name for ``path`` that does not depend on the working directory."""
    resolved = path.resolve()
    return f"{resolved.parent.name}/{resolved.name}" if resolved.parent.name else resolved.name
