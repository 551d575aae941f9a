"""``DecodeProblem``: a received value that breaks its schema and was kept as it came.

A client reads responses tolerantly unless made with ``strict=True`` (see
``tolerant``): a field whose value does not match its schema keeps the value
as received, and the mismatch is recorded as a ``DecodeProblem`` on the model that
holds it (``model.problems``) and on the response (``ApiResponse.problems``),
and logged once per field (see ``log_once``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

__all__ = ["DecodeProblem", "render_path", "log_once"]

#: Distinct fields logged per process at most; later ones are not logged
#: (they are still recorded on the models and responses).
MAX_LOGGED_FIELDS = 4096

_logged: set[tuple[str, str, str]] = set()


@dataclasses.dataclass(frozen=True, slots=True)
class DecodeProblem:
    """One value that does not match its schema, kept as received.

    ``location`` is the JSON path of the value from the model holding it
    (``model.problems``) or from the response body (``ApiResponse.problems``),
    e.g. ``price`` or ``lines[2].amount``; ``field`` is the attribute of the
    model that holds the raw value (``None`` when the body itself is kept);
    ``reason`` says what was expected; ``value`` is the value as received.
    """

    location: str
    field: str | None
    reason: str
    value: object

    def __str__(self) -> str:
        where = self.location or "response body"
        return f"{where}: {self.reason}"


def render_path(path: Sequence[str | int]) -> str:
    """``path`` as ``a.b[0]['odd key']`` (like ``DecodeError.location``)."""
    out: list[str] = []
    for segment in path:
        if isinstance(segment, int):
            out.append(f"[{segment}]")
        elif segment.isidentifier():
            out.append(f".{segment}" if out else segment)
        else:
            out.append(f"[{segment!r}]")
    return "".join(out)


def log_once(
    logger: logging.Logger, owner: str, wire_name: str, problem: DecodeProblem
) -> None:
    """Log ``problem`` at WARNING unless this ``owner``/``wire_name`` (a model
    class and field, or an operation and ``""`` for its body) already was."""
    key = (logger.name, owner, wire_name)
    if key in _logged or len(_logged) >= MAX_LOGGED_FIELDS:
        return
    _logged.add(key)
    if logger.isEnabledFor(logging.WARNING):
        where = f"{owner}.{wire_name}" if wire_name else owner
        logger.warning(
            "%s: %s; kept as received (further mismatches of this field are"
            " recorded, not logged)",
            where,
            problem.reason,
        )
