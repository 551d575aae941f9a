"""The format stage formats a file one top-level statement at a time (format/files.py):
where the blocks meet, the bytes must still be what black makes of the whole file."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.format.files import format_files, format_source

CASES = {
    "module docstring, then an import": '"""Doc."""\nimport os\n',
    "module docstring, two blank lines, an import": '"""Doc."""\n\n\nimport os\n',
    "module docstring, a decorated function": '"""Doc."""\n@dec\ndef f():\n    pass\n',
    "module docstring, a blank line, a decorated function": '"""Doc."""\n\n@dec\ndef f():\n    pass\n',
    "module docstring, a function": '"""Doc."""\ndef f():\n    pass\n',
    "module docstring, a class": '"""Doc."""\nclass A:\n    pass\n',
    "module docstring, a comment": '"""Doc."""\n# comment\nx = 1\n',
    "module docstring, blank lines, a comment": '"""Doc."""\n\n\n# comment\nx = 1\n',
    "header comment, module docstring, two blank lines": '# header\n"""Doc."""\n\n\nx = 1\n',
    "header comment, a blank line, module docstring": '# header\n\n"""Doc."""\nx = 1\n',
    "a string after a statement is no docstring": 'x = 1\n"""  padded"""\n',
    "an attribute docstring, then a comment": 'X = 1\n"""Attr."""\n# comment\nY = 2\n',
    "an attribute docstring between blank lines": 'X = 1\n\n"""Attr."""\n\n\n\nY = 2\n',
    "an attribute docstring of a class-level name": 'class A:\n    pass\n\n\nA.x = 1\n"""Attr."""\n\n\ndef f():\n    pass\n',
    "a string after a function, then a statement": 'def f():\n    pass\n\n\n"""Section."""\nx = 1\n',
    "a string after a class, a blank line, a statement": 'class A:\n    pass\n\n\n"""S."""\n\nX = 1\n',
    "concatenated strings first are no module docstring": '# c\n"a" "b"\n\n\nx = 1\n',
    "concatenated strings first, then a statement": '"a" "b"\nx = 1\n',
    "a comment right above a class": 'x = 1\n# c\nclass A:\n    pass\n',
    "comments right above a decorated function": 'x = 1\n\n# a\n# b\n@dec\ndef f():\n    pass\n',
    "a comment, a blank line, a class": 'x = 1\n# c\n\nclass A:\n    pass\n',
    "module docstring, a comment, a class": '"""Doc."""\n# c\nclass A:\n    pass\n',
    "module docstring, a blank line, a comment, a function": '"""Doc."""\n\n# c\ndef f():\n    pass\n',
    "a function, a comment, a class": 'def f():\n    pass\n# c\nclass A:\n    pass\n',
    "module docstring, a comment, a decorated function": '"""Doc."""\n# c\n@dec\ndef f():\n    pass\n',
    "imports, then a statement": "import os\nfrom a import (\n    b,\n)\nx = 1\n",
    "a function with a comment ending its body": "def k():\n    pass\n    # inner\nx = 1\n",
    "a comment ending a class body, then a function": "class B:\n    x = 1\n\n    # inner\n@dec\ndef g():\n    pass\n",
    "the generated shape": '# Generated.\n"""Doc."""\n\nfrom __future__ import annotations\n\nX = 1\n"""The x."""\n\n\nclass A:\n    """A."""\n',
}


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_blocks_meet_as_black_joins_them(source: str) -> None:
    assert format_files({"m.py": source}, jobs=1)["m.py"] == format_source("m.py", source)


# Top-level pieces a template may write, joined at random: the bytes must be black's.
# (Not tried: comments indented differently from the code around them between
# top-level statements, which black re-indents by rules of its tokenizer.)
PIECES = [
    "x = 1\n",
    "y = f(1)\n",
    "# c\n",
    "\n",
    "\n\n\n",
    "def f():\n    pass\n",
    "@dec\ndef g():\n    return 1\n",
    'class A:\n    """Doc."""\n\n    x: int = 1\n',
    "async def h():\n    pass\n",
    '"""A string."""\n',
    '"a" "b"\n',
    '"""  padded"""\n',
    "if x:\n    pass\n",
    "import os\n",
    "from a import (\n    b,\n    c,\n)\n",
    "def k():\n    pass\n    # inner\n",
    "@dec\n# between\ndef m():\n    pass\n",
    "try:\n    pass\nexcept E:\n    pass\n",
]


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(
    st.sampled_from(["", "# header\n"]),
    st.sampled_from(["", '"""Module."""\n']),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=7),
)
def test_any_sequence_of_statements_gives_blacks_bytes(header: str, docstring: str, pieces: list[str]) -> None:
    source = header + docstring + "".join(pieces)
    assert format_files({"m.py": source}, jobs=1)["m.py"] == format_source("m.py", source)
