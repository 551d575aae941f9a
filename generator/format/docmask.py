"""Docstrings kept out of black's way, and out of the cache keys.

Descriptions are the spec text edited most, and they reach generated code as
docstrings. black leaves a docstring alone when it is already in black's shape,
and a docstring never changes how black formats the code around it. So a block
is formatted, and cached, with each such docstring replaced by a numbered
placeholder, and the docstrings go back into black's output. A block's cache key
then does not depend on its docstrings' words: after a change of descriptions
only, every block comes from the cache and black is not run (not even imported),
and blocks that differ only in their docstrings are formatted once.

Which docstrings are left to black instead is decided conservatively
(:func:`_settled`): a docstring is masked only in the shape the ``docstring``
and ``doctext`` filters write, that is, a string statement on lines of its own,
one string in triple double quotes (not several concatenated), no escapes, no tabs, no trailing spaces, no character
``str.splitlines`` breaks at but ``\\n``, text starting on the first line, and
for several lines the closing quotes alone on the last line, indented as the
statement, with no text line indented less. A placeholder keeps whether its
docstring is one line or several, which is all black's blank-line rules look
at. Putting a docstring back checks that black left its placeholder, once, on a
line of its own, indented as the docstring was: else the block is formatted
whole (see ``format_files`` in format/files.py).

tests/format/test_docmask.py compares black's own output with this route on every
block of every golden case and on random descriptions, through the filters;
``scripts/preshape_check.py`` does so on the whole Twilio corpus.
"""

from __future__ import annotations

import ast
import re

MARK = "specgen-docstring-"
_PLACEHOLDER = re.compile(r'^( *)"""' + MARK + r'(\d+)(?:\n\1-\n\1)?"""$', re.MULTILINE)
_MIN_TEXT = 1  # a multi-line docstring needs a line of text besides its first


def is_string(node: ast.stmt) -> bool:
    """Whether the statement is a string alone (a docstring, where it stands first)."""
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def string_statements(tree: ast.Module) -> list[ast.Expr]:
    """Every statement of the module, its classes and functions (nested too) that is
    a string alone: docstrings and attribute docstrings; in source order."""
    found: list[ast.Expr] = []
    bodies: list[list[ast.stmt]] = [tree.body]
    while bodies:
        for node in bodies.pop():
            if isinstance(node, ast.Expr) and is_string(node):
                found.append(node)
            elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                bodies.append(node.body)
    found.sort(key=lambda node: node.lineno)
    return found


def mask(
    lines: list[str], first: int, last: int, strings: list[ast.Expr], line_length: int
) -> tuple[str, tuple[str, ...]]:
    """Block text of ``lines[first:last]`` (each line ending in a newline, but maybe
    the file's last) with its settled docstrings among ``strings`` replaced by
    placeholders; and those docstrings, whole lines each, in order."""
    out: list[str] = []
    docs: list[str] = []
    index = first
    for node in strings:
        start, end = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        if start < index or end >= last:
            continue
        if not _settled(lines, node, line_length):
            continue
        out.extend(lines[index:start])
        indent = " " * node.col_offset
        number = f"{MARK}{len(docs)}"
        placeholder = f'{indent}"""{number}"""' if start == end else f'{indent}"""{number}\n{indent}-\n{indent}"""'
        out.append(placeholder + ("\n" if lines[end].endswith("\n") else ""))
        docs.append("".join(lines[start : end + 1]).rstrip("\n"))
        index = end + 1
    if not docs:
        return "".join(lines[first:last]), ()
    out.extend(lines[index:last])
    return "".join(out), tuple(docs)


def unmask(formatted: str, docs: tuple[str, ...]) -> str | None:
    """``formatted`` (black's output for a masked block) with ``docs`` put back; None
    unless black left every placeholder once, in order, as it was written."""
    if not docs:
        return formatted
    matches = list(_PLACEHOLDER.finditer(formatted))
    if len(matches) != len(docs) or formatted.count(MARK) != len(docs):
        return None
    out: list[str] = []
    index = 0
    for number, match in enumerate(matches):
        doc = docs[number]
        multi = "\n" in doc
        if int(match[2]) != number or not doc.startswith(match[1] + '"""') or multi != ("\n" in match[0]):
            return None
        out.append(formatted[index : match.start()])
        out.append(doc)
        index = match.end()
    out.append(formatted[index:])
    return "".join(out)


def _settled(lines: list[str], node: ast.Expr, line_length: int) -> bool:
    """Whether black would leave this docstring as it is (see the module's docstring)."""
    start, end, col = node.lineno - 1, (node.end_lineno or node.lineno) - 1, node.col_offset
    indent = " " * col
    head = lines[start]
    tail = lines[end].rstrip("\n")
    if not head.startswith(indent + '"""') or node.end_col_offset != len(tail) or col + 3 > line_length:
        return False
    if not head.isascii() and start == end:  # ast's offsets are in bytes: only ASCII one-liners are measured
        return False
    text = "".join(lines[start : end + 1])[col + 3 :].rstrip("\n")
    if not text.endswith('"""') or len(text) < 4:
        return False
    content = text[:-3]
    if (
        not content
        or "\\" in content
        or '"""' in content  # strings concatenated ("""a""" """b"""): no docstring to black
        or '"' in (content[0], content[-1])
        or not content.replace("\n", "").isprintable()  # tabs, controls, \x0b \x0c \x1c-\x1e \x85 \u2028 \u2029
    ):
        return False
    parts = content.split("\n")
    opening = parts[0]
    if not opening or opening != opening.strip():
        return False
    if len(parts) == 1:  # one line: as it is, if it fits
        return col + len(text) + 3 <= line_length
    if parts[-1] != indent:  # several: the closing quotes alone, at the statement's indentation
        return False
    body = parts[1:-1]
    texts = 0
    for line in body:
        if not line:
            continue
        if not line.startswith(indent) or line != line.rstrip() or not line.strip():
            return False
        if not line.startswith(indent + " "):
            texts += 1
    return texts >= _MIN_TEXT
