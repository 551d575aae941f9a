"""Text for a terminal: the characters that act instead of printing, escaped.

Messages quote spec text (path keys, names, URLs, file names). Printed raw, an
ESC or CSI sequence in it could move the cursor, erase or rewrite lines, set
the window's title or hide what follows; a bidi override (U+202E) could show
the line in another order than it is. :func:`escape` writes each such
character as ``\\xNN``/``\\uNNNN``: C0 controls (but newline and tab in
multi-line text), DEL, C1 controls, format characters (bidi overrides and
isolates, zero-width characters), line and paragraph separators, and lone
surrogates (which an encoder would refuse anyway).

Every message passes :func:`escape` on its way out: ``Diagnostic.__str__``
escapes each located message (as one line), and the CLI's ``Ui`` escapes all
it prints, keeping only the colour sequences it adds itself.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_ASCII_UNSAFE_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # newline and tab kept
_ASCII_UNSAFE_LINE = re.compile(r"[\x00-\x1f\x7f]")


def escape_char(char: str) -> str:
    """``\\x1b``, ``\\u202e``, ``\\U000e0001``: the character as Python would write it."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def is_unsafe(char: str) -> bool:
    """True for a character a terminal would act on (or reorder by) rather than show."""
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def escape(text: str, one_line: bool = False, keep: tuple[str, ...] = ()) -> str:
    """``text`` with every unsafe character escaped.

    ``one_line`` escapes newlines and tabs too (a located message is one line:
    a newline from the spec must not start a line that looks like another
    message). ``keep`` lists exact sequences left as they are: the caller's own
    (the CLI's colours), never text from elsewhere.
    """
    if keep and "\x1b" in text:
        pattern = "|".join(re.escape(k) for k in sorted(keep, key=len, reverse=True))
        parts = re.split(f"({pattern})", text)
        return "".join(part if i % 2 else escape(part, one_line) for i, part in enumerate(parts))
    if text.isascii():
        ascii_pattern = _ASCII_UNSAFE_LINE if one_line else _ASCII_UNSAFE_LINES
        if ascii_pattern.search(text) is None:
            return text
        return ascii_pattern.sub(lambda match: escape_char(match.group()), text)
    allowed = "" if one_line else "\n\t"
    return "".join(escape_char(c) if c not in allowed and is_unsafe(c) else c for c in text)


def plural(count: int, word: str) -> str:
    """``1 file``, ``2 files``: a count and its noun, for messages."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
