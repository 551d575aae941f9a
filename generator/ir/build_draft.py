"""An operation's draft: what the IR builder knows of it before every model is known."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from .build_responses import Responses
from .nodes import Parameter, Requirements, TypeRef
from .naming import Identifier


@dataclass
class OperationDraft:
    """One operation as collected from the spec, finished into an :class:`~generator.ir.nodes.Operation`
    once the models are frozen. Mutable while building: its tests fill ``test_needs`` and ``test_models``."""

    name: Identifier
    op_id: str  # the spec's operationId, else "method path"
    path: str  # the spec's path key
    method: str  # upper case
    op: dict[str, Any]  # the spec's operation object
    pointer: str
    params: list[tuple[Parameter, Any]]  # each argument, with its sample value (None: no sample)
    responses: Responses
    content_type: str | None  # media type of the body, when not application/json
    security: Requirements
    own_security: bool  # differs from the API's default: the operation declares it
    server: str | None  # the operation's own base URL, when it differs from the API's
    test_needs: set[str] = field(default_factory=set)  # names its tests' arguments import
    test_models: set[Identifier] = field(default_factory=set)  # models its tests' arguments name

    @property
    def response(self) -> TypeRef | None:
        """The primary success's type (None: no body)."""
        return self.responses.primary.type if self.responses.primary is not None else None

    @property
    def status(self) -> int:
        """The status a generated test serves."""
        return self.responses.primary.number if self.responses.primary is not None else 204

    @property
    def examples(self) -> list[tuple[str, Any]]:
        """The primary success's named examples."""
        return list(self.responses.primary.examples) if self.responses.primary is not None else []

    @property
    def accept(self) -> str | None:
        """The media type of a non-JSON primary response."""
        return self.responses.primary.accept if self.responses.primary is not None else None


def request_path(key: str) -> str:
    """The path a path key requests: what precedes a ``#`` or ``?`` (``/shared_items#folders``
    is a second operation on ``/shared_items``)."""
    return re.split(r"[#?]", key, maxsplit=1)[0]


def fixed_query(key: str) -> tuple[tuple[str, str], ...]:
    """The query pairs a path key fixes (``/files?action=copy``), fragment cut."""
    if "?" not in key.split("#", 1)[0]:
        return ()
    return tuple(parse_qsl(key.split("#", 1)[0].split("?", 1)[1], keep_blank_values=True))
