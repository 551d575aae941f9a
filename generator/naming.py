"""Names are a type: every Python name in generated code comes from here.

Spec text is never printed as code directly. A name from the spec is split into
ASCII words, joined in the wanted style, kept clear of keywords, builtins and
names the generated code itself uses, and made unique within its scope.
Collisions are resolved deterministically (in spec order) and reported.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass, field

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
    return "_".join(w.lower() for w in ascii_words(raw))


def pascal(raw: str) -> str:
    return "".join(w[:1].upper() + w[1:].lower() if not w.isdigit() else w for w in ascii_words(raw))


def upper_snake(raw: str) -> str:
    return snake(raw).upper()


# Names Windows reserves for devices, in any case and with any extension: a
# package folder ``con`` or a module ``aux.py`` cannot be created there.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
)
# Scopes whose names become file or folder names.
FILE_SCOPES = frozenset({"module", "package"})

_STYLES = {"snake": snake, "pascal": pascal, "upper": upper_snake}
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
    taken: dict[str, str] = field(default_factory=dict)
    collisions: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)  # base -> the next number to try

    def claim(self, raw: str, *, where: str = "") -> Identifier:
        """A unique identifier for spec name ``raw`` in this scope."""
        base = self.candidate(raw)
        name = base
        # where the last search for this base stopped: the numbers below were taken
        # then and still are (names are never given back), so n names of one base cost n, not n**2
        counter = self.counters.get(base, 2)
        while name in self.taken or self._blocked(name):
            name = f"{base}_{counter}" if self.style != "pascal" else f"{base}{counter}"
            counter += 1
        self.counters[base] = counter
        if name != base and base in self.taken:
            self.collisions.append(
                f"{self.kind} {raw!r}{' at ' + where if where else ''} and {self.taken[base]!r} "
                f"both map to {base!r}; renamed to {name!r}"
            )
        self.taken[name] = raw
        return Identifier(name)

    def candidate(self, raw: str) -> str:
        name = _STYLES[self.style](raw)
        if not name:
            name = self.fallback
        elif name[0].isdigit():
            name = f"{self.fallback}_{name}" if self.style != "pascal" else f"{self.fallback}{name}"
        name = name[:MAX_LENGTH].rstrip("_") or self.fallback
        if self._blocked(name):
            name = f"{name}_"
        return name

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
    name = snake(raw) or "api"
    if name[0].isdigit():
        name = f"api_{name}"
    if keyword.iskeyword(name) or name in _BUILTINS or name in WINDOWS_RESERVED:
        name = f"{name}_"
    name = name[:MAX_LENGTH]
    what = shadows(name)
    if what is None:
        return Identifier(name), None
    renamed = name[: MAX_LENGTH - len(PACKAGE_SUFFIX)] + PACKAGE_SUFFIX
    note = (
        f"the package is named {renamed!r}, not {name!r}: that would shadow {what} {name} for anyone "
        f"who puts the output folder on sys.path (choose the name with package = \"...\" in the "
        "spec's [[tool.specgen.specs]] entry of pyproject.toml)"
    )
    return Identifier(renamed), note
