"""Where the oracle (openapi-core 0.23.1) is wrong, and how each case is checked instead.

Each gap is matched by a regular expression on the oracle's error text (and
optionally on the spec's file name). A rejection matching a gap does not fail
``tests/test_oracle.py``; the ``checked_by`` test covers that case instead.
Keep the list short: every entry is a place where the oracle says nothing.

Gaps closed inside ``oracle.py`` itself (the request is still judged, on a
corrected view of the spec), not listed here:

- ``+json`` media types other than ``application/json`` are registered as
  JSON (openapi-core reads them as bytes);
- an operation's ``servers`` replace its path's (openapi-core prefers the path's);
- a 3.1 parameter type ``[T, "null"]`` is read as ``T`` (openapi-core
  crashes on a type list; a parameter value on the wire is never null);
- a path key's ``#...``/``?...`` suffix is cut (the request goes to the plain path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Gap:
    name: str
    error: str  # regex searched in the oracle's error text
    why: str
    checked_by: str
    spec: str = ".*"  # regex matched against the spec's file name

    def matches(self, spec: str, error: str) -> bool:
        return re.search(self.spec, spec) is not None and re.search(self.error, error) is not None


GAPS: tuple[Gap, ...] = (
    Gap(
        "deepObject and form encoding",
        r"ValueError: not available|deepObject",
        "openapi-core cannot deserialize deepObject parameters nor a form body's"
        " encoding (style/explode) entries",
        "tests/runtime/test_wire_styles.py: our serializer against the OpenAPI style table,"
        " and decoded back by an independent deepObject reader",
    ),
)


def gap_for(spec: str, error: str) -> Gap | None:
    return next((g for g in GAPS if g.matches(spec, error)), None)
