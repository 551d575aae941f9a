"""The generated tests' assertions on the request their call sent: what each
test checks, and which of them an operation's tests share.

Every test of one operation sends the same request (its module's
``_<operation>_request()``), one test per response example. Assertions that
all the tests of an operation make are printed once, as a module-level
function each test calls; a test keeps inline only its own.
"""

from __future__ import annotations

from dataclasses import replace

from .literals import literal
from .nodes import Code, Operation, RequestCheck, RequestChecks
from .naming import Identifier, Scope

# The test module's names starting with "_" besides the request helpers
# (templates/tests/test_group.py.jinja), without that "_": a check helper is never named so.
_MODULE_NAMES = frozenset({"rt", "ops", "check", "example", "expected", "send_both"})

_MULTIPART = Code('recorder.requests[0].headers["Content-Type"].startswith("multipart/form-data")')


def request_checks(
    *,
    method: str,
    path: str,
    query: tuple[tuple[str, str], ...],
    form: tuple[tuple[str, str], ...],
    json: Code | None,
    content: Code | None,
    multipart: bool,
    headers: tuple[tuple[str, str], ...],
) -> tuple[RequestCheck, ...]:
    """Every assertion a test makes on its request, in the order it makes them;
    ``json`` and ``content`` are literals already.

    The query is always checked (an empty one too); the form, bodies and the
    multipart media type only when the call sends them."""
    checks = [
        RequestCheck("method", Code(f"recorder.requests[0].method == {literal(method)}"), value=method),
        RequestCheck("path", Code(f"recorder.path() == {literal(path)}"), value=path),
        RequestCheck("query", Code(f"recorder.query() == {literal(list(query))}"), pairs=query),
    ]
    if form:
        checks.append(RequestCheck("form", Code(f"recorder.form() == {literal(list(form))}"), pairs=form))
    if json is not None:
        checks.append(RequestCheck("json", Code(f"recorder.json() == {json}"), code=json))
    if content is not None:
        checks.append(RequestCheck("content", Code(f"recorder.requests[0].content == {content}"), code=content))
    if multipart:
        checks.append(RequestCheck("multipart", _MULTIPART))
    for name, value in headers:
        assertion = Code(f"recorder.requests[0].headers[{literal(name)}] == {literal(value)}")
        checks.append(RequestCheck("header", assertion, name=name, value=value))
    return tuple(checks)


def share_request_checks(ops: tuple[Operation, ...]) -> tuple[Operation, ...]:
    """One test module's operations, each with the request assertions that all
    of its two or more tests make moved to its ``request_checks`` (a function
    named in the module's scope); each test keeps the rest.

    A single test keeps its assertions inline: a function called once would
    add lines, and the reader would have to look elsewhere for what it checks.
    """
    reserved = _MODULE_NAMES | {f"{op.name}_request" for op in ops}  # the tests' request helpers
    scope = Scope("test helper", "snake", "check", reserved=frozenset(reserved))
    result = []
    for op in ops:
        if len(op.tests) < 2:
            result.append(op)
            continue
        first, *others = op.tests
        shared = tuple(c for c in first.request_checks if all(c in t.request_checks for t in others))
        if not shared:
            result.append(op)
            continue
        name = Identifier("_" + scope.claim(f"check_{op.name}_request"))
        tests = tuple(replace(t, request_checks=tuple(c for c in t.request_checks if c not in shared)) for t in op.tests)
        result.append(replace(op, tests=tests, request_checks=RequestChecks(name, shared)))
    return tuple(result)
