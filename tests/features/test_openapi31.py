"""openapi31: type arrays with "null", const, examples lists, numeric exclusive bounds, $ref siblings."""

from __future__ import annotations

import inspect

import pytest

from ._support import GOLDEN, Recorder, Reply, body_json, load_case, query

load_case("openapi31")

import openapi31.models as models  # noqa: E402
from openapi31 import Client, ResponseParseError, operations as ops  # noqa: E402
from openapi31.models import Note, NoteVersion  # noqa: E402

PACKAGE = GOLDEN / "openapi31" / "expected" / "openapi31"
NOTE = {
    "kind": "note",
    "version": 2,
    "title": "Groceries",
    "body": None,
    "score": 0.9,
    "tags": ["home"],
}


def search(reply: Reply, **kwargs: object) -> tuple[list[Note], Recorder]:
    recorder = Recorder(reply)
    with Client(transport=recorder.transport, strict=True) as c:  # strict: these tests check the schema (see test_responses.py for tolerant reading)
        result = c.search_notes(**{"q": "x", **kwargs})  # type: ignore[arg-type]
    return result, recorder


# -- type: [T, "null"] -------------------------------------------------------


def test_type_arrays_with_null_are_optional_types() -> None:
    annotations = Note.__annotations__
    assert annotations["body"] == "str | None"
    assert annotations["score"] == "float | None"
    assert annotations["link"] == "str | None"  # anyOf [string, {type: null}]
    assert (
        inspect.signature(ops.search_notes).parameters["tag"].annotation == "str | None"
    )


def test_required_nullable_fields_accept_null_but_not_absence() -> None:
    (note,), _ = search(Reply(200, [NOTE]))
    assert note.body is None and note.score == 0.9
    with pytest.raises(ResponseParseError, match="body"):
        search(Reply(200, [{k: v for k, v in NOTE.items() if k != "body"}]))
    with pytest.raises(ResponseParseError, match="title"):
        search(Reply(200, [{**NOTE, "title": None}]))


def test_required_nullable_fields_are_sent_as_null() -> None:
    recorder = Recorder(Reply(201, NOTE))
    with Client(transport=recorder.transport) as c:
        c.create_note(body=Note(kind="note", title="t", body=None, score=None))
    assert body_json(recorder.last) == {
        "kind": "note",
        "title": "t",
        "body": None,
        "score": None,
    }


# -- const ------------------------------------------------------------------


def test_typed_const_is_a_one_member_enum() -> None:
    assert [(m.name, m.value) for m in NoteVersion] == [("VALUE_2", 2)]
    (note,), _ = search(Reply(200, [NOTE]))
    assert note.version is NoteVersion.VALUE_2


def test_untyped_const_is_typed_and_checked() -> None:
    assert Note.__annotations__["kind"] != "Any"
    with pytest.raises(ResponseParseError, match="kind"):
        search(Reply(200, [{**NOTE, "kind": 5}]))


# -- examples (a list) --------------------------------------------------------


def test_schema_examples_list_is_used_for_the_generated_example_call() -> None:
    readme = (PACKAGE / "README.md").read_text()
    assert 'client.search_notes(q="groceries")' in readme
    generated = (PACKAGE / "tests" / "test_notes.py").read_text()
    assert 'q="groceries"' in generated


def test_media_type_examples_drive_the_generated_tests() -> None:
    generated = (PACKAGE / "tests" / "test_notes.py").read_text()
    assert "def test_search_notes_two()" in generated
    assert '_example(__file__, "search_notes_two.json")' in generated
    assert '"title": "Chores"' in (PACKAGE / "tests" / "examples" / "search_notes_two.json").read_text()


# -- exclusive bounds as numbers ---------------------------------------------


def test_numeric_exclusive_bounds_are_checked_before_sending() -> None:
    recorder = Recorder(Reply(200, []))
    with Client(transport=recorder.transport) as c:
        with pytest.raises(ValueError, match="^min_score: must be > 0, got 0"):
            c.search_notes(q="x", min_score=0)
        with pytest.raises(ValueError, match="^min_score: must be < 1, got 1"):
            c.search_notes(q="x", min_score=1)
        c.search_notes(q="x", min_score=0.5)
    assert len(recorder.requests) == 1
    assert query(recorder.last) == [("q", "x"), ("min_score", "0.5")]


def test_nullable_query_parameter_left_out_is_not_sent() -> None:
    _, recorder = search(Reply(200, []), tag=None)
    assert query(recorder.last) == [("q", "x")]


# -- $ref with siblings -------------------------------------------------------


def test_ref_with_a_description_sibling_is_the_referenced_type_documented() -> None:
    assert Note.__annotations__["parent"] == "Note | None"
    assert '"""The parent note, if any ($ref with a sibling)."""' in inspect.getsource(
        models
    )
    (note,), _ = search(Reply(200, [{**NOTE, "parent": {**NOTE, "title": "Up"}}]))
    assert type(note.parent) is Note and note.parent.title == "Up"
