"""Context filters: the only way spec text reaches generated code.

Each filter turns untrusted text into a :class:`Code` fragment that is inert in
its context: a docstring, a string literal, a comment, or an identifier. The
render stage refuses to print any plain ``str`` (``finalize`` in
render/package.py), so a template that forgets a filter fails loudly instead
of emitting spec text.
"""

from __future__ import annotations

import functools
import textwrap
from typing import Any, Callable

from ..ir.nodes import Code
from ..ir.naming import Identifier
from ..ir.literals import _is_unsafe, _plain, literal
from ..options import DEFAULT_LINE_LENGTH
from ..terminal import escape_char as _escape_char


def _docstring_text(text: str) -> str:
    """Make text safe inside a non-raw triple-quoted string, keeping it readable."""
    if _plain(text):
        return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char in "\n\t":
            out.append(char)
        elif _is_unsafe(char):
            out.append(_escape_char(char))
        else:
            out.append(char)
    escaped = "".join(out).replace('"""', '\\"\\"\\"')
    return escaped


def _paragraphs(text: str, width: int, first: int | None = None) -> list[str]:
    """Paragraphs wrapped at ``width``; the very first line at ``first`` if given."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] = []
    for para in text.split("\n\n"):
        para = " ".join(para.split())
        if not para:
            continue
        if lines:
            lines.append("")
        # the first line's narrower width as an indent textwrap counts, then takes off again
        lead = " " * max(width - first, 0) if first is not None and not lines else ""
        wrapped = textwrap.wrap(
            para, width=max(width, 20), initial_indent=lead, break_long_words=False, break_on_hyphens=False
        )
        if lead:
            wrapped[0] = wrapped[0][len(lead) :]
        lines.extend(wrapped)
    return lines


def docstring_lines(text: str, width: int = 80, first: int | None = None) -> list[str]:
    """Spec text as wrapped, escaped docstring lines (no quotes, no indent);
    ``first``: the first line's width, if it differs."""
    return [_docstring_text(line) for line in _paragraphs(text, width, first)]


def docstring(text: str, indent: int = 0, line_length: int = DEFAULT_LINE_LENGTH) -> Code:
    """A complete docstring (with quotes) for text, indented for its block,
    its lines and quotes within ``line_length``."""
    pad = " " * indent
    lines = docstring_lines(text, line_length - indent - 6)
    if not lines:
        lines = ["(No description.)"]
    if lines[-1].endswith('"'):
        lines[-1] += " "
    if len(lines) == 1:
        return Code(f'"""{lines[0]}"""')
    body = "\n".join(f"{pad}{line}" if line else "" for line in lines[1:])
    return Code(f'"""{lines[0]}\n{body}\n{pad}"""')


def doctext(
    text: str, indent: int = 0, width: int = DEFAULT_LINE_LENGTH, hanging: bool = False, lead: int | None = None
) -> Code:
    """Lines to embed inside a docstring that the template opens and closes,
    within ``width`` columns (the line length).

    With ``hanging``, the first line is not indented (it follows other text);
    ``lead`` is then the column it starts at (default ``indent``).
    """
    pad = " " * indent
    first = width - lead if hanging and lead is not None else None
    lines = docstring_lines(text, width - indent, first)
    out = "\n".join(f"{pad}{line}" if line else "" for line in lines)
    return Code(out[indent:] if hanging and lines else out)


def comment(text: str) -> Code:
    """Text for one comment line: newlines folded, unsafe characters escaped."""
    folded = " ".join(text.replace("\r", "\n").split())
    if _plain(folded):
        return Code(folded)
    return Code("".join(_escape_char(c) if _is_unsafe(c) else c for c in folded))


def ident(value: Any) -> Code:
    """An identifier made by :mod:`generator.ir.naming`; anything else is refused."""
    if not isinstance(value, Identifier):
        raise TypeError(f"{value!r} is not an Identifier from generator.ir.naming")
    return Code(value)


# -- Markdown (README.md of a generated package, changelogs) -------------------

# Characters with inline meaning in CommonMark/GFM: code, emphasis, links,
# raw HTML, entities, tables, strikethrough, and the escape character itself.
_MD_INLINE = set("\\`*_[]<>&|~")
_MD_ESCAPES = str.maketrans({char: "\\" + char for char in _MD_INLINE})
# Characters that start a block (heading, list, quote, ...) at a line's start.
_MD_BLOCK_START = set("#-+*>=:")


def _md_text(text: str) -> str:
    if _plain(text):
        line = text.translate(_MD_ESCAPES)
    else:
        out = []
        for char in text:
            if char in _MD_INLINE:
                out.append("\\" + char)
            elif _is_unsafe(char):
                out.append(_escape_char(char).replace("\\", "\\\\"))
            else:
                out.append(char)
        line = "".join(out)
    if line[:1] in _MD_BLOCK_START:
        line = "\\" + line
    # "1." or "1)" at the start would open an ordered list.
    digits = len(line) - len(line.lstrip("0123456789"))
    if digits and line[digits : digits + 1] in (".", ")"):
        line = line[:digits] + "\\" + line[digits:]
    return line


def markdown(text: Any, code: bool = False) -> Code:
    """Spec text as inert Markdown: plain paragraphs, or one inline code span.

    Text: paragraphs (split on blank lines) are folded to one line each and every
    character with Markdown meaning is backslash-escaped, so the text cannot
    open a heading, list, link, image, HTML tag or code block. ``code=True``:
    one line inside a code span whose backtick fence is longer than any run of
    backticks in the text. Control and bidi characters are escaped in both.
    """
    text = str(text)
    if code:
        folded = " ".join(text.replace("\r", "\n").split())
        safe = folded if _plain(folded) else "".join(_escape_char(c) if _is_unsafe(c) else c for c in folded)
        longest, run = 0, 0
        for char in safe:
            run = run + 1 if char == "`" else 0
            longest = max(longest, run)
        fence = "`" * (longest + 1)
        pad = " " if safe.startswith("`") or safe.endswith("`") or not safe.strip() else ""
        return Code(f"{fence}{pad}{safe}{pad}{fence}")
    paragraphs = text.replace("\r\n", "\n").replace("\r", "\n").split("\n\n")
    folded_paragraphs = [" ".join(p.split()) for p in paragraphs]
    return Code("\n\n".join(_md_text(p) for p in folded_paragraphs if p))


FILTERS: dict[str, Callable[..., Code]] = {
    "literal": literal,
    "docstring": docstring,
    "doctext": doctext,
    "comment": comment,
    "ident": ident,
    "markdown": markdown,
}


def filters(line_length: int = DEFAULT_LINE_LENGTH) -> dict[str, Callable[..., Code]]:
    """The filters for one package: the docstring ones wrap at its ``line_length``."""
    return {
        **FILTERS,
        "docstring": functools.partial(docstring, line_length=line_length),
        "doctext": functools.partial(doctext, width=line_length),
    }
