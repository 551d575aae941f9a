"""Regular expressions matched in linear time: a spec's ``pattern`` is untrusted.

Python's ``re`` backtracks: ``^(a+)+$`` takes seconds on 30 characters and
years on 60. Here a pattern is parsed by Python's own parser and run as a
Thompson NFA: all alternatives advance together, one character at a time, so
a search costs at most ``len(text) * len(program)`` steps, whatever the
pattern. The answer is ``re.search``'s (Python's syntax and semantics).

Supported: literals, classes, ``\\d \\s \\w`` and their negations, ``.``,
anchors (``^ $ \\A \\Z \\b \\B``), groups, alternation and every repeat
(``{m,n}`` is expanded).

The rule for the rest: :func:`compile` gives ``None`` for a pattern that does
not compile, that uses what a linear-time engine cannot run (backreferences,
lookaround, conditionals, possessive repeats and atomic groups, inline flags),
that is longer than :data:`MAX_PATTERN` characters, or whose program would
exceed :data:`MAX_PROGRAM` instructions; :func:`refusal` says why. A caller
then skips the check: such a pattern is never handed to ``re``.
"""

from __future__ import annotations

import functools
import importlib
import re
import warnings
from typing import Any, Callable

# re's own parser and opcodes (Python 3.11+): untyped, so Any on purpose.
_c: Any = importlib.import_module("re._constants")
_parser: Any = importlib.import_module("re._parser")

MAX_PATTERN = 5_000  # characters
MAX_PROGRAM = 5_000  # instructions, after repeats are expanded
_CACHE_SIZE = 4_096  # transitions a matcher remembers

# Instructions: (op, arg). CHAR consumes one character that ``arg`` accepts;
# SPLIT continues at both targets, JMP at one; ASSERT checks a position.
_CHAR, _SPLIT, _JMP, _ASSERT, _MATCH = range(5)
_ALLOWED_FLAGS = (
    _c.SRE_FLAG_UNICODE | _c.SRE_FLAG_VERBOSE
)  # VERBOSE only changes parsing
# Python 3.14 lets \B match the empty string; 3.11-3.13 do not.
_NON_BOUNDARY_EMPTY = re.search(r"\B", "") is not None

Instruction = tuple[int, Any]


class _Refused(Exception):
    """The pattern cannot be run in linear time (the message says why)."""


class Matcher:
    """A compiled pattern; :meth:`search` is ``re.search(...) is not None``."""

    def __init__(self, program: list[Instruction], anchored: bool) -> None:
        self._program = program
        self._anchored = anchored  # starts with ^ or \A: no match can start later
        self._cache: dict[tuple[Any, ...], tuple[bool, frozenset[int]]] = {}

    def search(self, text: str) -> bool:
        """Whether the pattern matches somewhere in ``text``."""
        states: frozenset[int] = frozenset()
        size = len(text)
        prev_word = False
        cache = self._cache
        for index in range(size + 1):
            char = text[index] if index < size else ""
            end = 2 if index == size else 1 if index == size - 1 and char == "\n" else 0
            key = (states, index == 0, prev_word, end, char)
            found = cache.get(key)
            if found is None:
                if len(cache) >= _CACHE_SIZE:
                    cache.clear()
                found = cache[key] = self._step(
                    states, index == 0, prev_word, end, char
                )
            matched, states = found
            if matched:
                return True
            if not states and self._anchored:
                return False
            prev_word = _is_word(char)
        return False

    def _step(
        self, states: frozenset[int], first: bool, prev_word: bool, end: int, char: str
    ) -> tuple[bool, frozenset[int]]:
        """The states before ``char`` closed over empty moves, then ``char`` taken."""
        program = self._program
        pending = list(states)
        if first or not self._anchored:
            pending.append(0)  # a match may start here (search semantics)
        seen: set[int] = set()
        following: set[int] = set()
        matched = False
        word = _is_word(char)
        while pending:
            pc = pending.pop()
            if pc in seen:
                continue
            seen.add(pc)
            op, arg = program[pc]
            if op == _CHAR:
                if char and arg(char):
                    following.add(pc + 1)
            elif op == _SPLIT:
                pending.extend(arg)
            elif op == _JMP:
                pending.append(arg)
            elif op == _ASSERT:
                if _holds(arg, first, prev_word, word, end):
                    pending.append(pc + 1)
            else:
                matched = True
        return matched, frozenset(following)


def _holds(at: Any, first: bool, prev_word: bool, word: bool, end: int) -> bool:
    if at in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING):
        return first
    if at == _c.AT_END:
        return end > 0
    if at == _c.AT_END_STRING:
        return end == 2
    empty = first and end == 2
    if at == _c.AT_BOUNDARY:
        return prev_word != word
    return prev_word == word and (_NON_BOUNDARY_EMPTY or not empty)  # AT_NON_BOUNDARY


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


@functools.lru_cache(maxsize=256)
def _build(pattern: str) -> Matcher | str:
    """A matcher for ``pattern``, or why there is none."""
    if len(pattern) > MAX_PATTERN:
        return f"longer than {MAX_PATTERN} characters"
    try:
        with (
            warnings.catch_warnings()
        ):  # re's FutureWarnings about sets: not the caller's business
            warnings.simplefilter("ignore")
            parsed = _parser.parse(pattern)
        if parsed.state.flags & ~_ALLOWED_FLAGS:
            raise _Refused("inline flags")
        compiler = _Compiler()
        compiler.emit(list(parsed))
        compiler.add(_MATCH, None)
    except _Refused as exc:
        return str(exc)
    except re.error as exc:
        return f"not a valid regular expression ({exc})"
    except Exception as exc:  # RecursionError for deep nesting, OverflowError, ...
        return f"not supported ({type(exc).__name__})"
    first = list(parsed)[:1]
    anchored = first in ([(_c.AT, _c.AT_BEGINNING)], [(_c.AT, _c.AT_BEGINNING_STRING)])
    return Matcher(compiler.program, anchored)


def compile(
    pattern: str,
) -> Matcher | None:  # noqa: A001  (re.compile's name on purpose)
    """The linear-time matcher for ``pattern``; ``None``: not safely checkable."""
    built = _build(pattern)
    return built if isinstance(built, Matcher) else None


def refusal(pattern: str) -> str | None:
    """Why :func:`compile` gives ``None`` for ``pattern`` (None when it does not)."""
    built = _build(pattern)
    return None if isinstance(built, Matcher) else built


class _Compiler:
    def __init__(self) -> None:
        self.program: list[Instruction] = []

    def add(self, op: int, arg: Any) -> int:
        if len(self.program) >= MAX_PROGRAM:
            raise _Refused(
                f"more than {MAX_PROGRAM} instructions once repeats are expanded"
            )
        self.program.append((op, arg))
        return len(self.program) - 1

    def patch(self, pc: int, op: int, arg: Any) -> None:
        self.program[pc] = (op, arg)

    def emit(self, items: list[tuple[Any, Any]]) -> None:
        for op, arg in items:
            self.emit_one(op, arg)

    def emit_one(self, op: Any, arg: Any) -> None:
        if op == _c.LITERAL:
            char = chr(arg)
            self.add(_CHAR, char.__eq__)
        elif op == _c.NOT_LITERAL:
            char = chr(arg)
            self.add(_CHAR, char.__ne__)
        elif op == _c.ANY:
            self.add(_CHAR, "\n".__ne__)
        elif op == _c.IN:
            self.add(_CHAR, _char_set(arg))
        elif op == _c.AT:
            if arg not in (
                _c.AT_BEGINNING,
                _c.AT_BEGINNING_STRING,
                _c.AT_END,
                _c.AT_END_STRING,
                _c.AT_BOUNDARY,
                _c.AT_NON_BOUNDARY,
            ):
                raise _Refused(f"anchor {arg}")
            self.add(_ASSERT, arg)
        elif op == _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = arg
            if add_flags or del_flags:
                raise _Refused("inline flags")
            self.emit(list(sub))
        elif op == _c.BRANCH:
            self.branch([list(alt) for alt in arg[1]])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            low, high, sub = arg
            self.repeat(list(sub), low, high)
        else:
            names: dict[Any, str] = {
                _c.GROUPREF: "backreferences",
                _c.GROUPREF_EXISTS: "conditionals",
            }
            names.update({_c.ASSERT: "lookaround", _c.ASSERT_NOT: "lookaround"})
            raise _Refused(names.get(op, f"{str(op).lower().replace('_', ' ')}"))

    def branch(self, alternatives: list[list[tuple[Any, Any]]]) -> None:
        jumps: list[int] = []
        for index, alternative in enumerate(alternatives):
            if index < len(alternatives) - 1:
                split = self.add(_SPLIT, None)
                self.emit(alternative)
                jumps.append(self.add(_JMP, None))
                self.patch(split, _SPLIT, (split + 1, len(self.program)))
            else:
                self.emit(alternative)
        for jump in jumps:
            self.patch(jump, _JMP, len(self.program))

    def repeat(self, sub: list[tuple[Any, Any]], low: int, high: int) -> None:
        start = len(self.program)
        if low:
            self.emit(sub)
            size = len(self.program) - start
            if size == 0:
                return  # a repeat of nothing is nothing
            if size * low > MAX_PROGRAM:
                raise _Refused(
                    f"more than {MAX_PROGRAM} instructions once repeats are expanded"
                )
            for _ in range(low - 1):
                self.emit(sub)
        if high == _c.MAXREPEAT:
            split = self.add(_SPLIT, None)
            self.emit(sub)
            self.add(_JMP, split)
            self.patch(split, _SPLIT, (split + 1, len(self.program)))
            return
        splits: list[int] = []
        for _ in range(high - low):
            splits.append(self.add(_SPLIT, None))
            self.emit(sub)
        for split in splits:
            self.patch(split, _SPLIT, (split + 1, len(self.program)))


def _char_set(items: list[tuple[Any, Any]]) -> Callable[[str], bool]:
    """The test of one ``[...]`` class (or ``\\d``, ``\\s``, ``\\w``)."""
    negate: bool = bool(items) and items[0][0] == _c.NEGATE
    chars: set[str] = set()
    ranges: list[tuple[int, int]] = []
    tests: list[Callable[[str], bool]] = []
    for op, arg in items[1:] if negate else items:
        if op == _c.LITERAL:
            chars.add(chr(arg))
        elif op == _c.RANGE:
            ranges.append((arg[0], arg[1]))
        elif op == _c.CATEGORY and arg in _CATEGORIES:
            tests.append(_CATEGORIES[arg])
        else:
            raise _Refused(f"class item {op}")
    frozen = frozenset(chars)

    def accepts(char: str) -> bool:
        code = ord(char)
        inside = (
            char in frozen
            or any(low <= code <= high for low, high in ranges)
            or any(test(char) for test in tests)
        )
        return inside != negate

    return accepts


_CATEGORIES: dict[Any, Callable[[str], bool]] = {
    _c.CATEGORY_DIGIT: str.isdecimal,
    _c.CATEGORY_NOT_DIGIT: lambda char: not char.isdecimal(),
    _c.CATEGORY_SPACE: str.isspace,
    _c.CATEGORY_NOT_SPACE: lambda char: not char.isspace(),
    _c.CATEGORY_WORD: _is_word,
    _c.CATEGORY_NOT_WORD: lambda char: not _is_word(char),
}
