"""The operation draft (generator/ir/build_draft.py): what an operation's tests and
IR read of its primary response, and what a path key requests."""

from __future__ import annotations

from typing import Any

import pytest

from generator.ir.build_draft import OperationDraft, fixed_query, request_path
from generator.ir.build_responses import ResponseDraft, Responses
from generator.ir.nodes import Code, Requirements, TypeRef
from generator.ir.naming import Identifier

ANYONE = Requirements((), (), True, Code("()"), Code(""))


def draft(primary: ResponseDraft | None) -> OperationDraft:
    responses = Responses(primary, (primary,) if primary is not None else (), ())
    return OperationDraft(
        Identifier("get_pet"), "getPet", "/pets/{id}", "GET", {}, "/paths/~1pets~1{id}/get", [], responses, None, ANYONE, False, None
    )


# (id, primary response, (response type, status served, examples, accept))
ROWS: list[tuple[str, ResponseDraft | None, tuple[Any, ...]]] = [
    ("no-success", None, (None, 204, [], None)),
    ("no-body", ResponseDraft("204", 204, None, (), None, False), (None, 204, [], None)),
    (
        "json-with-examples",
        ResponseDraft("201", 201, TypeRef("str"), (("one", "a"), ("two", "b")), None, True),
        (TypeRef("str"), 201, [("one", "a"), ("two", "b")], None),
    ),
    (
        "raw",
        ResponseDraft("2XX", 200, TypeRef("bytes", format="raw"), (), "image/png", True),
        (TypeRef("bytes", format="raw"), 200, [], "image/png"),
    ),
]


@pytest.mark.parametrize(("primary", "expected"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_a_draft_reads_its_primary_response(primary: ResponseDraft | None, expected: tuple[Any, ...]) -> None:
    d = draft(primary)
    assert (d.response, d.status, d.examples, d.accept) == expected


def test_the_examples_are_the_drafts_own_list() -> None:
    d = draft(ResponseDraft("200", 200, TypeRef("str"), (("one", "a"),), None, True))
    d.examples.append(("two", "b"))
    assert d.examples == [("one", "a")]


@pytest.mark.parametrize(
    ("key", "path", "query"),
    [
        ("/pets", "/pets", ()),
        ("/shared_items#folders", "/shared_items", ()),
        ("/files?action=copy", "/files", (("action", "copy"),)),
        ("/files?action=copy&x=#frag", "/files", (("action", "copy"), ("x", ""))),
    ],
)
def test_a_path_key_requests_its_path_and_fixed_query(key: str, path: str, query: tuple[tuple[str, str], ...]) -> None:
    assert (request_path(key), fixed_query(key)) == (path, query)
