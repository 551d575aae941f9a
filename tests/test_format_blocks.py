"""The format stage formats a file one top-level statement at a time (format.py):
where the blocks meet, the bytes must still be what black makes of the whole file."""

from __future__ import annotations

import pytest

from generator.format import format_files, format_source

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
    "the generated shape": '# Generated.\n"""Doc."""\n\nfrom __future__ import annotations\n\nX = 1\n"""The x."""\n\n\nclass A:\n    """A."""\n',
}


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_blocks_meet_as_black_joins_them(source: str) -> None:
    assert format_files({"m.py": source}, jobs=1)["m.py"] == format_source("m.py", source)
