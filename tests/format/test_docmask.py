"""Docstring masking (generator/format/docmask.py): the format stage never shows black a
settled docstring, so its bytes must be black's own, and a change of
descriptions only must need no black at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.format.files as fmt
from conftest import GOLDEN, ROOT
from generator.ir.build import build_api
from generator.commands.cache import Cache
from generator.format.docmask import MARK, unmask
from generator.render.filters import docstring, doctext
from generator.format.files import format_block, format_files, masked_blocks, split_blocks
from generator.load.loader import load_spec
from generator.render.package import environment, render

SEED = ROOT / "spec" / "twilio_trunking_v1.yaml"
SPECS = [SEED, *sorted(GOLDEN.glob("*/*.yaml"))]


def _black(text: str, line_length: int = 88) -> str:
    return format_block((text, line_length))


def _masked_route(source: str, line_length: int = 88) -> int:
    """Check each block of ``source`` as the format stage makes it (formatted masked,
    docstrings put back) against black on the block itself; the number of blocks
    that took their docstrings back (the others are formatted whole instead)."""
    real = split_blocks(source)
    split = masked_blocks(source, line_length)
    assert real is not None and split is not None
    assert [unmask(text, docs) for _, text, docs in split] == [text for _, text in real], "masking loses nothing"
    returned = 0
    for (_, block), (_, text, docs) in zip(real, split):
        if docs:
            got = unmask(_black(text, line_length), docs)
            assert got is None or got == _black(block, line_length), block
            returned += got is not None
    return returned


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_golden_block_with_docstrings_masked_gives_blacks_bytes(spec: Path) -> None:
    files = render(build_api(load_spec(spec)), environment())
    masked = returned = 0
    for path, source in files.items():
        if fmt._needs_black(path):
            assert MARK not in source
            masked += sum(len(docs) > 0 for _, _, docs in masked_blocks(source, 88) or [])
            returned += _masked_route(source)
    assert returned == masked, "every golden block takes its docstrings back"
    if spec == SEED:
        assert masked >= 8, "the seed's docstrings are no longer masked: is docmask still wired in?"


# Text a description may hold: words, quotes, escapes, tabs, separators, wide characters.
DESCRIPTION = st.text(alphabet="ab Z.,-:\"'\\\n\t\u2028é\u4e00\U0001f600", max_size=200)


def _function(text: str, indent: int, line_length: int) -> str:
    """A function documented as templates/operations/group.py.jinja documents one."""
    pad = " " * indent
    return (
        f"{pad}def f(sid: str) -> None:\n"
        f'{pad}    """{doctext(text, indent + 4, line_length, hanging=True)}\n\n'
        f"{doctext(text, indent + 4, line_length)}\n\n"
        f"{pad}    Args:\n"
        f"{pad}        sid: {doctext(text, indent + 12, line_length, hanging=True)}\n"
        f'{pad}    """\n'
        f"{pad}    return None\n"
    )


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(DESCRIPTION, st.sampled_from([40, 88]))
def test_any_description_as_any_docstring_gives_blacks_bytes(text: str, line_length: int) -> None:
    """Through the filters that write docstrings, in each place they go: masked or
    left to black, the bytes are black's own."""
    blocks = [
        f"{docstring(text)}\n",  # a module's
        f"x: int = 1\n{docstring(text)}\n",  # an attribute's, at the top level
        f"class C:\n    {docstring(text, 4)}\n\n    x: int = 1\n    {docstring(text, 4)}\n\n{_function(text, 4, line_length)}",
        _function(text, 0, line_length),
    ]
    for block in blocks:
        _masked_route(block, line_length)


def test_a_description_change_formats_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a change of descriptions only, every block comes from the cache: black
    is not run, and the bytes are those of a run without the cache."""
    spec = tmp_path / "api.yaml"
    text = SEED.read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    cache = Cache(tmp_path / "cache")
    format_files(render(build_api(load_spec(spec)), environment()), cache=cache)
    edited = text.replace("description: ", "description: A new first sentence, and a long one at that. ", 3)
    assert edited != text
    spec.write_text(edited, encoding="utf-8")
    files = render(build_api(load_spec(spec)), environment())

    def no_black(texts: list[str], *args: object) -> list[str]:
        assert not texts, f"black was asked to format {len(texts)} blocks"
        return []

    monkeypatch.setattr(fmt, "_run", no_black)
    warm = format_files(files, cache=cache)
    monkeypatch.undo()
    assert warm == format_files(files)
    assert any("A new first sentence" in source for source in warm.values())


def test_blocks_that_differ_only_in_docstrings_are_formatted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    source = "".join(
        f'class Model{n}:\n    """Model number {n}."""\n\n    x: int = 1\n    """The x of model {n}."""\n\n\n'
        for n in range(3)
    ).replace("Model1:", "Model0:").replace("Model2:", "Model0:")
    calls: list[str] = []
    real = fmt.format_block
    monkeypatch.setattr(fmt, "format_block", lambda item: (calls.append(item[0]), real(item))[1])
    result = format_files({"m.py": source}, jobs=1)
    assert len(calls) == 1
    monkeypatch.undo()
    assert result["m.py"] == fmt.format_source("m.py", source)
    assert "The x of model 2." in result["m.py"]


@pytest.mark.parametrize(
    "block",
    [
        'def f():\n    """"Starts" with a quote."""\n',  # black would pad it
        'def f():\n    """  Starts with spaces."""\n',
        'def f():\n    """Has a \\\\ backslash."""\n',
        'def f():\n    """Has a\ttab."""\n',
        'def f():\n    """First.\n\n        Only deeper lines.\n    """\n',
        'def f():\n    """First.\n    Trailing space. \n    """\n',
        'def f():\n    """First.\n    Closing quotes after text."""\n',
        'def f():\n    """\n    Text on the second line.\n    """\n',
        'def f():\n    r"""A raw docstring."""\n',
        "def f():\n    '''Single quotes.'''\n",
        'def f():\n    """One line."""  # and a comment\n',
        'def f():\n    """' + "x" * 90 + '"""\n',
        'def f():\n    """Café, measured in bytes by ast."""\n',
        'class A:\n    """a"""  """b"""\n    x = 1\n',  # two strings: no docstring to black
        'class A:\n    """One""" \'two\' """three"""\n\n    y = 2\n',
        'class A:\n    """First.\n\n    text\n    """  """\n    """\n    x = 1\n',
    ],
)
def test_docstrings_outside_the_filters_shape_are_left_to_black(block: str) -> None:
    split = masked_blocks(block, 88)
    assert split is not None
    assert split[0][2] == () and split[0][1] == block
    assert format_files({"m.py": block}, jobs=1)["m.py"] == fmt.format_source("m.py", block)


@pytest.mark.parametrize(
    "block",
    [
        'def f():\n    """One line."""\n',
        'def f():\n    """First.\n\n    Second, with\n        a deeper line.\n    """\n',
        'x = 1\n"""An attribute docstring, at the top level."""\n',
        'def f():\n    """x"""\n',  # as short as can be
        'def f():\n    """Caf\u00e9 and \u4e00, over\n    two lines.\n    """\n',
    ],
)
def test_docstrings_in_blacks_shape_are_masked(block: str) -> None:
    split = masked_blocks(block, 88)
    assert split is not None
    _, text, docs = split[-1]
    assert len(docs) == 1 and MARK in text
    assert _masked_route(block) == 1
    assert _black(block) == block


def test_a_source_holding_the_placeholder_text_is_not_masked() -> None:
    block = f'def f():\n    """Mentions {MARK}0 itself."""\n    """Another."""\n'
    split = masked_blocks(block, 88)
    assert split is not None and split[0][2] == ()


@pytest.mark.parametrize(
    "formatted",
    [
        'def f():\n    pass\n',  # the placeholder is gone
        f'def f():\n    """{MARK}0"""\n    """{MARK}0"""\n',  # twice
        f'def f():\n        """{MARK}0"""\n',  # indented otherwise
        f'def f():\n    x = """{MARK}0"""\n',  # not on a line of its own
        f'def f():\n    """{MARK}0\n    -\n    """\n',  # a one-line docstring's placeholder made multi-line
        f'def f():\n    """{MARK}1"""\n',  # another number
    ],
)
def test_docstrings_go_back_only_where_black_left_their_placeholders(formatted: str) -> None:
    assert unmask(formatted, ('    """One line."""',)) is None
