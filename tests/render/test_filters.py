"""Context filters: spec text is inert wherever it lands."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.filters import comment, docstring, doctext, ident
from generator.ir.literals import literal
from generator.ir.naming import Identifier

PAYLOADS = [
    'plain',
    '"',
    '"""',
    "'''",
    "\\",
    'ends with quote"',
    "ends with backslash\\",
    "line\nbreak",
    "carriage\rreturn",
    "sep\u2028arator",
    "nul\x00byte",
    "{{ 7*7 }} {% if x %}",
    "# not a comment",
    "__import__('os').system('touch /tmp/pwned')",
    '"""; import os; os.system("x"); """',
    "bidi \u202e override",
    "snowman \u2603 and \U0001f600",
]


@pytest.mark.parametrize("text", PAYLOADS)
def test_literal_round_trips(text: str) -> None:
    code = literal(text)
    assert code.isascii()
    assert ast.literal_eval(code) == text


def test_literal_of_structures() -> None:
    value = {"a": [1, 2.5, True, None, "x\"y"], "b": {}}
    assert ast.literal_eval(literal(value)) == value
    assert ast.literal_eval(literal((1,))) == (1,)


@pytest.mark.parametrize("text", PAYLOADS)
def test_docstring_is_one_inert_string(text: str) -> None:
    source = f"def f():\n    {docstring(text, 4)}\n"
    tree = ast.parse(source)
    body = tree.body[0].body  # type: ignore[attr-defined]
    assert len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    assert "\u2028" not in source and "\x00" not in source and "\u202e" not in source


@pytest.mark.parametrize("text", PAYLOADS)
def test_doctext_inside_a_docstring_is_inert(text: str) -> None:
    source = f'def f():\n    """Title\n\n{doctext(text, 4)}\n    """\n'
    tree = ast.parse(source)
    assert len(tree.body[0].body) == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", PAYLOADS)
def test_comment_stays_on_one_line(text: str) -> None:
    source = f"# {comment(text)}\nx = 1\n"
    assert len(source.splitlines()) == 2
    tree = ast.parse(source)
    assert len(tree.body) == 1


def test_docstring_wraps_long_text() -> None:
    text = "word " * 60
    lines = docstring(text, 4).splitlines()
    assert len(lines) > 2 and all(len(line) <= 88 for line in lines)


def test_ident_accepts_only_identifiers() -> None:
    assert ident(Identifier("ok")) == "ok"
    with pytest.raises(TypeError):
        ident("ok")


def _every_filter(text: str) -> list[object]:
    from generator.render import filters

    return [
        literal(text),
        docstring(text, 4),
        doctext(text, 8),
        comment(text),
        filters.markdown(text),
        filters.markdown(text, code=True),
    ]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=60) | st.text(max_size=20))
def test_fast_paths_give_the_bytes_of_the_per_character_loops(text: str) -> None:
    """Printable ASCII takes a shortcut in every filter; it must change nothing."""
    from generator.render import filters

    outputs = _every_filter(text)
    original = filters._plain
    try:
        filters._plain = lambda _text: False
        slow = _every_filter(text)
    finally:
        filters._plain = original
    assert outputs == slow
