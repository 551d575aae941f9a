"""Names are a type: every Python name in generated code comes from here.

Spec text is never printed as code directly. A name from the spec is split into
ASCII words, joined in the wanted style, kept clear of keywords, builtins and
names the generated code itself uses, and made unique within its scope.
Collisions are resolved deterministically (in spec order) and reported.

Schema names drop what a segment of a dotted name repeats from the segments
before (see :func:`path_words`): Twilio's ``account.usage.usage_record.usage_record_daily``
is ``AccountUsageRecordDaily``, and an inline schema, named ``Model.property``,
drops what the property repeats of its model's name (``Address.address_type``
is ``AddressType``). Any name longer than ``MAX_LENGTH`` keeps whole words (see
:func:`shorten`): it drops repeated runs of words, then middle words, one at a
time; only a single word longer than the limit is cut. These renames are notes
(``specgen generate --verbose``): the name still says where it comes from and
the user has nothing to change. Collisions, which number a name, are warnings.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

MAX_LENGTH = 80

_OPERATORS = {"<=": " before or equal ", ">=": " after or equal ", "<": " before ", ">": " after "}
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")


class Identifier(str):
    """A string that is a valid, non-keyword Python identifier made by this module."""

    __slots__ = ()

    def __new__(cls, value: str) -> Identifier:
        if not value.isidentifier() or keyword.iskeyword(value) or not value.isascii():
            raise ValueError(f"not a safe identifier: {value!r}")
        return super().__new__(cls, value)


def ascii_words(raw: str) -> list[str]:
    """Split spec text into ASCII words: ``'StartTime<'`` -> start, time, before."""
    return list(_ascii_words(raw))


@functools.lru_cache(maxsize=4096)  # the same names come back for every operation and model
def _ascii_words(raw: str) -> tuple[str, ...]:
    for op, word in _OPERATORS.items():
        raw = raw.replace(op, word)
    if raw.isascii():  # NFKD leaves ASCII alone and it has no combining marks
        text = raw
    else:
        decomposed = unicodedata.normalize("NFKD", raw)
        text = "".join(c if c.isascii() else " " for c in decomposed if not unicodedata.combining(c))
    return tuple(w for chunk in _NON_WORD.split(text) for w in _WORD.findall(chunk))


def snake(raw: str) -> str:
    """``raw`` as ``snake_case`` ASCII words (not yet kept clear of keywords or collisions)."""
    return join_words("snake", ascii_words(raw))


def pascal(raw: str) -> str:
    """``raw`` as ``PascalCase`` ASCII words (not yet kept clear of keywords or collisions)."""
    return join_words("pascal", ascii_words(raw))


def upper_snake(raw: str) -> str:
    """``raw`` as ``UPPER_SNAKE`` ASCII words (not yet kept clear of keywords or collisions)."""
    return join_words("upper", ascii_words(raw))


def join_words(style: str, words: Sequence[str]) -> str:
    """Words as one name: ``snake_case``, ``PascalCase`` or ``UPPER_CASE``."""
    if style == "pascal":
        return "".join(w[:1].upper() + w[1:].lower() if not w.isdigit() else w for w in words)
    name = "_".join(w.lower() for w in words)
    return name.upper() if style == "upper" else name


def path_words(raw: str) -> list[str]:
    """The words of a dotted name, each segment without the words it repeats
    from the end of the segments before (case-blind; one word of each stays):
    ``account.usage.usage_record.usage_record_daily`` is account usage record
    daily, ``Address.address_type`` address type. Words inside a segment are
    the author's (``PayPayDetails``, ``from_number_to_number`` stay whole)."""
    words: list[str] = []
    for segment in raw.split("."):
        new = ascii_words(segment)
        keys, start = [w.lower() for w in words], [w.lower() for w in new]
        overlap = max((k for k in range(1, len(new)) if k <= len(keys) and keys[-k:] == start[:k]), default=0)
        words.extend(new[overlap:])
    return words


def shorten(words: Sequence[str], style: str, limit: int = MAX_LENGTH) -> tuple[str, bool]:
    """``words`` joined in ``style``, at most ``limit`` characters, whole words
    kept; and whether a word had to be cut.

    A name that is too long loses, one at a time until it fits: a run of words
    that repeats the run just before it; then
    the later copy of a run met anywhere before (the longest run first, then
    the leftmost); then its middle word, the first and last words always kept.
    Only a first and last word longer than the limit together are cut.
    """
    kept = list(words)
    while len(join_words(style, kept)) > limit:
        keys = [w.lower() for w in kept]
        run = _adjacent_run(keys) or _repeated_run(keys)
        if run is not None:
            del kept[run[0] : run[0] + run[1]]
        elif len(kept) > 2:
            del kept[len(kept) // 2]
        else:
            return join_words(style, kept)[:limit].rstrip("_"), True
    return join_words(style, kept), False


def _adjacent_run(keys: list[str]) -> tuple[int, int] | None:
    """(start, size) of the shortest, leftmost run of ``keys`` equal to the run just before it."""
    for size in range(1, len(keys) // 2 + 1):
        for start in range(size, len(keys) - size + 1):
            if keys[start - size : start] == keys[start : start + size]:
                return start, size
    return None


def _repeated_run(keys: list[str]) -> tuple[int, int] | None:
    """(start, size) of the longest run of ``keys`` that repeats an earlier one, leftmost first."""
    for size in range(len(keys) // 2, 0, -1):
        seen: set[tuple[str, ...]] = set()
        for start in range(size, len(keys) - size + 1):
            seen.add(tuple(keys[start - size : start]))  # the runs that end before this one starts
            if tuple(keys[start : start + size]) in seen:
                return start, size
    return None


# Enum values without a word are named by their characters (``*`` STAR); a
# number's sign is spelled (``-1`` MINUS_1, not VALUE_1 beside ``1``).
_SYMBOLS = {
    **{"*": "star", "+": "plus", "-": "minus", ".": "dot", "/": "slash", "\\": "backslash", "#": "hash"},
    **{"@": "at", "%": "percent", "&": "and", "=": "equals", "!": "bang", "?": "question", "~": "tilde"},
    **{"^": "caret", "$": "dollar", ",": "comma", ":": "colon", ";": "semicolon", "|": "pipe", "_": "underscore"},
}


def value_words(value: str) -> str:
    """Text to name an enum member after: the value, or for ``''`` ``empty``, for
    blanks ``blank``, for up to three symbols their names (``*`` star), and a
    sign before a number spelled (``-1`` minus 1)."""
    if value == "":
        return "empty"
    if not value.strip():
        return "blank"
    if ascii_words(value):
        sign = _SYMBOLS.get(value[0]) if value[0] in "+-" and value[1:2].isdigit() else None
        return f"{sign} {value}" if sign else value
    spelled = [_SYMBOLS.get(c) for c in value]
    return " ".join(w for w in spelled if w) if len(value) <= 3 and all(spelled) else value


def content_name(values: Sequence[str]) -> str | None:
    """A type name for a string enum from its values, for one used in several
    places: ``['']`` is ``EmptyString``, ``['list']`` ``ListValue`` (not a
    model's name), ``['asc', 'desc']`` ``AscOrDesc``. None past three values,
    or for a value that gives no word."""
    if not values or len(values) > 3:
        return None
    parts = []
    for value in values:
        words = ascii_words("empty string" if value == "" else value_words(value))
        if not words:
            return None
        parts.append(join_words("pascal", words))
    if len(parts) == 1 and values[0] != "":
        parts[0] += "Value"
    return "Or".join(parts)


# Names Windows reserves for devices, in any case and with any extension: a
# package folder ``con`` or a module ``aux.py`` cannot be created there.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
)
# Scopes whose names become file or folder names.
FILE_SCOPES = frozenset({"module", "package"})

_BUILTINS = frozenset(dir(builtins))
_SOFT_KEYWORDS = frozenset(getattr(keyword, "softkwlist", ()))


@dataclass
class Scope:
    """One namespace of generated code (a module, a class, a parameter list).

    ``reserved`` names are never handed out; ``avoid_builtins`` keeps module-level
    names from shadowing builtins the generated code relies on.
    """

    kind: str
    style: str
    fallback: str
    reserved: frozenset[str] = frozenset()
    avoid_builtins: bool = False
    compact: bool = False  # dotted names drop what a segment repeats (path_words)
    taken: dict[str, str] = field(default_factory=dict)
    collisions: list[str] = field(default_factory=list)  # warnings
    counters: dict[str, int] = field(default_factory=dict)  # base -> the next number to try
    renames: list[str] = field(default_factory=list)  # notes: names the word rule changed

    def claim(self, raw: str, *, where: str = "") -> Identifier:
        """A unique identifier for spec name ``raw`` in this scope."""
        base, why = self._shape(raw, self.compact)
        if why and self.compact and base in self.taken:  # the name in full, rather than a number
            full, full_why = self._shape(raw, False)
            if full not in self.taken:
                base, why = full, full_why
        name = base
        # where the last search for this base stopped: the numbers below were taken
        # then and still are (names are never given back), so n names of one base cost n, not n**2
        counter = self.counters.get(base, 2)
        while name in self.taken or self._blocked(name):
            name = f"{base}_{counter}" if self.style != "pascal" else f"{base}{counter}"
            counter += 1
        self.counters[base] = counter
        at = f" at {where}" if where else ""
        if name != base and base in self.taken:
            self.collisions.append(
                f"{self.kind} {raw!r}{at} and {self.taken[base]!r} both map to {base!r}; renamed to {name!r}"
            )
        if why:
            self.renames.append(f"{self.kind} {raw!r}{at} is named {name!r} ({why})")
        self.taken[name] = raw
        return Identifier(name)

    def candidate(self, raw: str) -> str:
        return self._shape(raw, self.compact)[0]

    def _shape(self, raw: str, compact: bool) -> tuple[str, str]:
        """The name for ``raw`` before collisions, and why words were dropped ('' if none)."""
        words = ascii_words(raw)
        why = []
        if compact:
            fewer = path_words(raw)
            if fewer != words:
                words, why = fewer, ["repeated words dropped"]
        if not words:
            name = self.fallback
        else:
            prefix = ""
            if words[0][0].isdigit():
                prefix = self.fallback if self.style == "pascal" else f"{self.fallback}_"
            short, cut = shorten(words, self.style, MAX_LENGTH - len(prefix))
            name = prefix + short
            if cut:
                why.append(f"cut at {MAX_LENGTH} characters: a word is longer")
            elif name != prefix + join_words(self.style, words):
                why.append(f"longer than {MAX_LENGTH} characters: words dropped")
        if self._blocked(name):
            name = f"{name}_"
        return name, "; ".join(why)

    def _blocked(self, name: str) -> bool:
        return (
            keyword.iskeyword(name)
            or name in _SOFT_KEYWORDS and name == "_"
            or name in self.reserved
            or (self.avoid_builtins and name in _BUILTINS)
            or (self.kind in FILE_SCOPES and name.lower() in WINDOWS_RESERVED)
        )


# Top-level modules a generated package must not be named like: whoever puts
# the output folder on sys.path would import the package instead of the module.
# The standard library (this Python's list, plus the modules Python 3.11 to 3.14
# removed or added, so that the name is the same under any of them), and what
# the generated package imports: httpx and its dependencies, pytest and its
# (for the generated tests). A fixed list, not the installed packages: the
# output must not depend on the environment.
_STDLIB_OTHER_VERSIONS = frozenset(
    {
        *("asynchat", "asyncore", "distutils", "imp", "smtpd"),  # removed in 3.12
        *("aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "lib2to3", "mailcap", "msilib", "nis"),
        *("nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib"),  # 3.13
        *("annotationlib", "compression"),  # added in 3.14
        "test",  # the regression tests: importable, though sys.stdlib_module_names leaves them out
    }
)
CLIENT_DEPENDENCIES = frozenset(
    {
        *("httpx", "httpcore", "h11", "h2", "hpack", "hyperframe", "anyio", "sniffio", "certifi", "idna"),
        *("socksio", "brotli", "brotlicffi", "zstandard", "typing_extensions", "exceptiongroup"),
        *("pytest", "pluggy", "iniconfig", "packaging", "pygments", "tomli", "colorama"),
    }
)
SHADOWED_MODULES = frozenset(
    name.lower() for name in (*sys.stdlib_module_names, *_STDLIB_OTHER_VERSIONS, *CLIENT_DEPENDENCIES)
)
PACKAGE_SUFFIX = "_api"


def shadows(name: str) -> str | None:
    """What a top-level package ``name`` would shadow, or None: case-blind, as
    the file systems of macOS and Windows are (``cprofile`` is ``cProfile``)."""
    if name.lower() not in SHADOWED_MODULES:
        return None
    return "the Python package" if name.lower() in CLIENT_DEPENDENCIES else "the standard library module"


def module_name(raw: str) -> Identifier:
    """A package or module name for spec text, e.g. a spec file's stem."""
    return package_name(raw)[0]


def package_name(raw: str) -> tuple[Identifier, str | None]:
    """The package name for a spec file's stem (or a ``package`` option), and a
    note when it had to be renamed so as not to shadow a module (``json`` ->
    ``json_api``). Keywords, builtins and Windows devices get a ``_`` as ever."""
    words = ascii_words(raw) or ["api"]
    if words[0][0].isdigit():
        words = ["api", *words]
    name = shorten(words, "snake", MAX_LENGTH - 1)[0]
    if keyword.iskeyword(name) or name in _BUILTINS or name in WINDOWS_RESERVED:
        name = f"{name}_"
    option = "(choose the name with package = \"...\" in the spec's [[tool.specgen.specs]] entry of pyproject.toml)"
    what = shadows(name)
    if what is None:
        full = join_words("snake", words)
        if name.rstrip("_") == full:
            return Identifier(name), None
        return Identifier(name), f"the package is named {name!r}: {full!r} is longer than {MAX_LENGTH - 1} characters {option}"
    renamed = name[: MAX_LENGTH - len(PACKAGE_SUFFIX)] + PACKAGE_SUFFIX
    note = (
        f"the package is named {renamed!r}, not {name!r}: that would shadow {what} {name} for anyone "
        f"who puts the output folder on sys.path {option}"
    )
    return Identifier(renamed), note


ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,100}")  # an environment variable a client may read
