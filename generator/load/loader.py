"""Load one spec: read it, resolve its external ``$ref``s, check its caps."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostic, SpecError
from ..fsguard import spec_file_problem
from .caps import check_properties
from . import document
from .refs import resolve_external_refs
from .spec import LoadedSpec, source_name


def load_spec(path: str | Path) -> LoadedSpec:
    """Read, parse and ``$ref``-resolve one spec file."""
    path = Path(path)
    display = str(path)
    problem = spec_file_problem(path)  # a link leading out of its folder, a FIFO: refused unread
    if problem is not None:
        raise SpecError([Diagnostic(display, None, "", problem)])
    data, lines, digest = document._read_document(path, display)
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {_kind(data)}"
        raise SpecError([Diagnostic(display, 1, "", f"a spec must be a mapping, this file is {kind}")])
    spec = LoadedSpec(path, display, source_name(path), data, lines, digest)
    resolve_external_refs(spec)
    check_properties(spec)
    return spec


def _kind(value: object) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )
