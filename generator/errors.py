"""Diagnostics: located, one-line messages for people, never tracebacks."""

from __future__ import annotations

from dataclasses import dataclass

from .terminal import escape


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a spec, located by file, line and JSON pointer."""

    file: str
    line: int | None
    pointer: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        # one line, whatever the spec's keys and the file's name hold (terminal.py)
        return escape(f"{where}: {self.pointer or '/'}: {prefix}{self.message}", one_line=True)


class SpecError(Exception):
    """A spec cannot be turned into a client; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


class TemplateSafetyError(Exception):
    """A template printed a value that did not go through a context filter."""


def pointer_join(pointer: str, *parts: object) -> str:
    """Append reference tokens to a JSON pointer, escaping ``~`` and ``/``."""
    for part in parts:
        token = str(part).replace("~", "~0").replace("/", "~1")
        pointer = f"{pointer}/{token}"
    return pointer


def resolve_pointer(doc: object, ref: str) -> object:
    """Follow a local ``#/...`` reference; None when it leads nowhere."""
    if not ref.startswith("#"):
        return None
    node = doc
    for raw in ref[1:].split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node
