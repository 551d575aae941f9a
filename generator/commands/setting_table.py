"""The settings table: each setting's flag, ``[tool.specgen]`` key, kind, default and help.

The command line (cli.py) makes its flags from :data:`SETTINGS`, the
configuration reader (commands/config.py) reads its keys from it, and the run's
settings and each package's Options (commands/) take their values from it.
A new setting is one entry here; one that shapes output is marked ``option``
and is the :class:`~generator.options.Options` field of the same name.

Not here: what a spec's ``[[tool.specgen.specs]]`` entry may override
(commands/config.py reads those keys), and ``specs`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ..options import DEFAULT_LINE_LENGTH
from ..format.ruff import FORMATTERS
from ..ir.runtime_import import runtime_name_problem

RUN_COMMANDS = ("generate", "watch", "check")  # the commands that generate packages


def _templates_exist(value: Any) -> str | None:
    return f"templates folder {value} does not exist" if value is not None and not value.is_dir() else None


def _runtime_name(value: Any) -> str | None:
    problem = runtime_name_problem(value) if value is not None else None
    return f"--shared-runtime: {problem}" if problem is not None else None


@dataclass(frozen=True)
class Setting:
    """One setting: where it is given (flag, key), what it is, and whether it shapes output."""

    # The flag's dest (the flag is --name with dashes), the key of Config.values and
    # Settings.values, and the Options field when ``option``.
    name: str
    # How [tool.specgen] gives it (commands/config.py reads each kind): "int" (within ``bounds``),
    # "bool", "choice" (one of ``choices``), "path" (relative to pyproject.toml), "env-names",
    # "media-types", "warnings", "package-name"; "" for a flag only.
    kind: str = ""
    help: str = ""  # the flag's help; no flag if empty
    commands: tuple[str, ...] = RUN_COMMANDS  # the commands that have the flag
    key: str | None = None  # the [tool.specgen] key; None: command line only
    default: Any = None  # without flag and key ("path": relative to pyproject.toml)
    choices: tuple[str, ...] = ()
    bounds: tuple[int, int] | None = None  # an "int"'s range, for the key and the flag alike
    check: Callable[[Any], str | None] | None = None  # the chosen value's problem (exit 2), for commands with the flag
    argument: Mapping[str, Any] = field(default_factory=dict)  # more argparse keywords (metavar, action)
    help_for: Mapping[str, str] = field(default_factory=dict)  # another help for some commands
    option: bool = False  # shapes output: an Options field, in the cache key and the manifest

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


SETTINGS: tuple[Setting, ...] = (
    Setting("out", "path", "output root (config: out; default generated/)", key="out", default="generated"),
    Setting("spec_dir", "path", commands=(), key="spec-dir", default="spec"),
    Setting(
        "templates",
        "path",
        "folder of templates overriding the built-in ones (config: templates)",
        key="templates",
        check=_templates_exist,
        option=True,
    ),
    Setting(
        "line_length",
        "int",
        "line length of the generated code, for black or ruff (config: line-length; default 88)",
        key="line-length",
        default=DEFAULT_LINE_LENGTH,
        bounds=(20, 400),
        argument={"metavar": "N"},
        option=True,
    ),
    Setting(
        "formatter",
        "choice",
        "black, or ruff if installed: same style, faster, other bytes (config: formatter; default black)",
        key="formatter",
        default="black",
        choices=FORMATTERS,
        option=True,
    ),
    Setting(
        "strict",
        "bool",
        "treat warnings as errors (config: strict)",
        commands=(*RUN_COMMANDS, "lint"),
        key="strict",
        default=False,
        help_for={"lint": "exit 2 on any warning (config: strict)"},
    ),
    Setting(
        "lenient",
        "bool",
        "published specs: report harmless defects (a default that fails its schema, a 3.0 keyword in "
        "3.1, ...) as warnings and generate anyway; other problems stay errors "
        "(config: lenient, also per spec; default off)",
        commands=(*RUN_COMMANDS, "diff", "lint"),
        key="lenient",
        default=False,
        option=True,  # each spec's own (its entry's, else this)
    ),
    Setting(
        "no_cache",
        help="do not read or write the cache (SPECGEN_CACHE_DIR; default ~/.cache/specgen)",
        default=False,
        argument={"action": "store_true"},
    ),
    Setting(
        "jobs",
        help="processes that format in parallel; above 1, a spec is also validated in a process of its own "
        "beside the rest, and a helper process imports black meanwhile (default: the number of CPUs)",
        argument={"type": int, "metavar": "N"},
    ),
    Setting(
        "changelog",
        "path",
        "prepend API changes to this Markdown file (config: changelog)",
        commands=("generate",),
        key="changelog",
        argument={"metavar": "FILE"},
    ),
    Setting("allow_env", "env-names", commands=(), key="allow-env", default=frozenset(), option=True),
    Setting("prefer_media_types", "media-types", commands=(), key="prefer-media-types", default=(), option=True),
    Setting("lint_acknowledged", "warnings", commands=(), key="lint-acknowledged", default=()),
    Setting(
        "shared_runtime",
        "package-name",
        "generated packages import one shared runtime package NAME, written once beside them, instead of "
        "a _runtime copy each: one exception hierarchy, one copy to vendor (config: shared-runtime; "
        "default: a copy in each package)",
        key="shared-runtime",
        check=_runtime_name,
        argument={"metavar": "NAME"},
        option=True,
    ),
)

