"""Project configuration: the ``[tool.specgen]`` table of ``pyproject.toml``.

The file is found from the working directory upward (stopping at the root of a
Git checkout). Every key is checked: an unknown key or a value of the wrong
type is a :class:`ConfigError` naming the key, never a silent default.
Paths in the table are relative to the folder holding ``pyproject.toml``.
The top-level keys, their kinds and defaults come from the settings table
(commands/setting_table.py); a spec's entry may override some of them (``_SPEC_KEYS``).

Example::

    [tool.specgen]
    out = "generated"              # output root (default "generated")
    spec-dir = "spec"              # used when `specs` is absent (default "spec")
    templates = "my_templates"     # template overrides (optional)
    line-length = 88               # the formatter's line length (default 88)
    formatter = "black"            # or "ruff", if installed (default "black")
    strict = false                 # warnings are errors (default false)
    lenient = false                # harmless spec defects are warnings (default false)
    changelog = "CHANGELOG.md"     # `generate` prepends API changes here (optional)
    allow-env = ["TWILIO_AUTH_TOKEN"]  # variables a spec's x-specgen-env may name (optional)
    prefer-media-types = ["application/json"]  # request bodies sent in these first (optional)
    lint-acknowledged = ["/paths/...: warning: ..."]  # lint warnings kept quiet (optional; lint/acknowledge.py)

    [[tool.specgen.specs]]
    path = "spec/twilio_trunking_v1.yaml"
    package = "twilio_trunking_v1" # optional; default from the file name
    out = "generated"              # optional; default the top-level `out`
    allow-env = ["TWILIO_ACCOUNT_SID"]  # optional; added to the top-level list for this spec
    lenient = true                 # optional; default the top-level `lenient`
    prefer-media-types = ["multipart/form-data"]  # optional; default the top-level list

A generated client reads its credentials from environment variables named
after its package (``<PACKAGE>_TOKEN``, ``<PACKAGE>_USERNAME``, ...). A spec
may ask for other names (``x-specgen-env`` on a security scheme); the client
reads such a name only if ``allow-env`` lists it, as spec files may come from
anyone and an environment holds other secrets.

A request body the spec offers in several media types is sent in the spec's
first one the client can send, unless ``prefer-media-types`` names others:
those are tried first, in the list's order (``*`` matches anything:
``"application/*+json"``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from . import setting_table
from ..ir.build_media import MEDIA_PATTERN
from ..ir.naming import ENV_NAME, shadows
from ..ir.runtime_import import runtime_name_problem
from .setting_table import Setting
from ..terminal import escape

PYPROJECT = "pyproject.toml"
SPEC_SUFFIXES = (".yaml", ".yml", ".json")

_SPEC_KEYS = ("path", "package", "out", "allow-env", "lenient", "prefer-media-types", "lint-acknowledged")


class ConfigError(Exception):
    """``pyproject.toml`` cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class SpecEntry:
    """One spec to generate: where it is, its package name, where it goes."""

    path: Path
    package: str | None
    out: Path
    allow_env: frozenset[str] = frozenset()  # the top-level allow-env and this spec's own
    lenient: bool = False  # the entry's own setting, else the top-level one
    prefer_media_types: tuple[str, ...] = ()  # the entry's own list, else the top-level one
    lint_acknowledged: tuple[str, ...] = ()  # the top-level list and this spec's own (see lint/acknowledge.py)


@dataclass(frozen=True)
class Config:
    """The settings in effect: from ``[tool.specgen]``, or the defaults."""

    root: Path  # the folder paths are relative to
    file: Path | None  # the pyproject.toml read, if any
    has_section: bool
    out: Path
    spec_dir: Path
    templates: Path | None
    line_length: int
    strict: bool
    changelog: Path | None
    specs: tuple[SpecEntry, ...] | None  # None: every spec in spec_dir
    explicit: frozenset[str] = field(default_factory=frozenset)  # keys set in the file
    formatter: str = "black"
    allow_env: frozenset[str] = frozenset()  # environment variables specs may name (x-specgen-env)
    lenient: bool = False  # for specs without an entry (or whose entry does not say)
    prefer_media_types: tuple[str, ...] = ()  # likewise
    lint_acknowledged: tuple[str, ...] = ()  # lint warnings known and accepted, for every spec
    # Every setting of the settings table with a key (commands/setting_table.py), by name; the
    # fields above are the ones specgen's code reads by name.
    values: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        """The configuration file as messages name it."""
        return str(_display(self.file)) if self.file is not None else PYPROJECT

    def discover_specs(self) -> list[SpecEntry]:
        """The configured specs, or every spec file in ``spec_dir``."""
        if self.specs is not None:
            return list(self.specs)
        folder = self.spec_dir
        if not folder.is_dir():
            return []
        found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SPEC_SUFFIXES)
        return [
            SpecEntry(
                _display(p), None, self.out, self.allow_env, self.lenient, self.prefer_media_types, self.lint_acknowledged
            )
            for p in found
        ]

    def entry_for(self, path: Path) -> SpecEntry | None:
        """The configured entry for a spec named on the command line, if any."""
        if self.specs is None:
            return None
        wanted = path.resolve()
        return next((e for e in self.specs if e.path.resolve() == wanted), None)


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` from ``start`` upward, not past a Git root."""
    folder = start.resolve()
    while True:
        candidate = folder / PYPROJECT
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def load_config(cwd: Path | None = None) -> Config:
    """The configuration for a run started in ``cwd`` (default: the working directory)."""
    cwd = Path.cwd() if cwd is None else cwd
    path = find_pyproject(cwd)
    if path is None:
        return _defaults(cwd, None)
    where = str(_display(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict) or "specgen" not in tool:
        return _defaults(cwd, path)
    return parse_section(tool["specgen"], path.parent, where, path)


def _defaults(cwd: Path, path: Path | None) -> Config:
    # Without a [tool.specgen] section paths are relative to the working
    # directory (docs/architecture.md).
    values = _settings({}, PYPROJECT, cwd)
    return Config(root=cwd, file=path, has_section=False, specs=None, values=values, **_fields(values))


def _settings(section: dict[str, Any], label: str, root: Path) -> dict[str, Any]:
    """The value of every setting with a key (commands/setting_table.py), its default where ``section`` has none.

    Paths are read first, then the rest in the table's order, so that of two
    wrong keys the same one is always reported (docs/architecture.md).
    """
    keyed = [s for s in setting_table.SETTINGS if s.key is not None]
    read = {s.name: _value(s, section, label, root) for s in sorted(keyed, key=lambda s: s.kind != "path")}
    return {s.name: read[s.name] for s in keyed}


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """The values that are fields of :class:`Config` too."""
    return {f.name: values[f.name] for f in fields(Config) if f.name in values}


def _top_keys() -> tuple[str, ...]:
    return (*(s.key for s in setting_table.SETTINGS if s.key is not None), "specs")


def _value(setting: Setting, table: dict[str, Any], label: str, root: Path) -> Any:
    """One setting's value in ``table``, checked as its kind says (ConfigError naming the key)."""
    key, kind = setting.key, setting.kind
    assert key is not None
    if kind == "path":
        text = _string(table, key, label, None)
        if text:
            return _rel(root, text)
        return _rel(root, setting.default) if setting.default is not None else None
    if kind == "int":
        number = table.get(key, setting.default)
        if not isinstance(number, int) or isinstance(number, bool):
            raise ConfigError(f"{label} {key}: expected an integer, got {_show(number)}")
        if setting.bounds is not None and not setting.bounds[0] <= number <= setting.bounds[1]:
            raise ConfigError(f"{label} {key}: expected {setting.bounds[0]} to {setting.bounds[1]}, got {number}")
        return number
    if kind == "choice":
        choice = _string(table, key, label, setting.default)
        if choice not in setting.choices:
            expected = " or ".join(f'"{c}"' for c in setting.choices)
            raise ConfigError(f"{label} {key}: expected {expected}, got {_show(choice)}")
        return choice
    if kind == "bool":
        return _bool(table, key, label, setting.default)
    if kind == "env-names":
        return _env_names(table, label, key)
    if kind == "media-types":
        return _media_types(table, label, setting.default, key)
    if kind == "warnings":
        return _acknowledged(table, label, key)
    if kind == "package-name":
        name = _string(table, key, label, setting.default)
        problem = runtime_name_problem(name) if name is not None else None
        if problem is not None:
            raise ConfigError(f"{label} {key}: {problem}")
        return name
    raise AssertionError(f"setting {setting.name}: no reader for the kind {kind!r}")


def parse_section(section: Any, root: Path, where: str = PYPROJECT, file: Path | None = None) -> Config:
    """Check and resolve a ``[tool.specgen]`` table."""
    table = "[tool.specgen]"
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: {table}: expected a table, got {_show(section)}")
    _unknown(section, _top_keys(), f"{where}: {table}")
    values = _settings(section, f"{where}: {table}", root)
    out, lenient, allow_env = values["out"], values["lenient"], values["allow_env"]
    prefer, acknowledged = values["prefer_media_types"], values["lint_acknowledged"]
    specs: tuple[SpecEntry, ...] | None = None
    if "specs" in section:
        raw = section["specs"]
        if not isinstance(raw, list):
            raise ConfigError(
                f"{where}: {table} specs: expected an array of tables ([[tool.specgen.specs]]), got {_show(raw)}"
            )
        entries = []
        for index, item in enumerate(raw, 1):
            label = f"{where}: [[tool.specgen.specs]] #{index}"
            if not isinstance(item, dict):
                raise ConfigError(f"{label}: expected a table, got {_show(item)}")
            _unknown(item, _SPEC_KEYS, label)
            if "path" not in item:
                raise ConfigError(f"{label}: missing the required key path")
            spec_path = _string(item, "path", label, None)
            assert spec_path is not None
            package = _string(item, "package", label, None)
            if package is not None and not package.isidentifier():
                raise ConfigError(f"{label} package: expected a Python package name, got {_show(package)}")
            if package is not None and shadows(package):
                raise ConfigError(
                    f"{label} package: {_show(package)} is the name of {shadows(package)} {package}; the package "
                    "would shadow it for anyone who puts the output folder on sys.path: choose another name"
                )
            spec_out = _string(item, "out", label, None)
            spec_lenient = _bool(item, "lenient", label, lenient)
            entries.append(
                SpecEntry(
                    _rel(root, spec_path),
                    package,
                    _rel(root, spec_out) if spec_out else out,
                    allow_env | _env_names(item, label),
                    spec_lenient,
                    _media_types(item, label, prefer),
                    acknowledged + _acknowledged(item, label),
                )
            )
        specs = tuple(entries)
    return Config(
        root=root, file=file, has_section=True, specs=specs, explicit=frozenset(section), values=values, **_fields(values)
    )


def _unknown(table: dict[str, Any], known: tuple[str, ...], label: str) -> None:
    for key in table:
        if key not in known:
            hint = ""
            close = [k for k in known if k.replace("-", "_") == key.replace("-", "_")]
            if close:
                hint = f" (did you mean {close[0]}?)"
            raise ConfigError(f"{label}: unknown key {key!r}{hint}; known keys: {', '.join(known)}")


def _env_names(table: dict[str, Any], label: str, key: str = "allow-env") -> frozenset[str]:
    """The ``allow-env`` array of ``table``: environment variable names."""
    value = table.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"{label} {key}: expected an array of environment variable names, got {_show(value)}")
    for name in value:
        if not isinstance(name, str) or not ENV_NAME.fullmatch(name):
            raise ConfigError(f"{label} {key}: expected an environment variable name, got {_show(name)}")
    return frozenset(value)


def _acknowledged(table: dict[str, Any], label: str, key: str = "lint-acknowledged") -> tuple[str, ...]:
    """The ``lint-acknowledged`` array of ``table``: lint warnings as printed, without ``file:line:``."""
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(
            f"{label} {key}: expected an array of warnings (each as `specgen lint` prints it, "
            f"without its file:line:), got {_show(value)}"
        )
    return tuple(v.strip() for v in value)


def _media_types(
    table: dict[str, Any], label: str, default: tuple[str, ...], key: str = "prefer-media-types"
) -> tuple[str, ...]:
    """The ``prefer-media-types`` array of ``table``: ``type/subtype`` patterns."""
    if key not in table:
        return default
    value = table[key]
    if not isinstance(value, list):
        raise ConfigError(f"{label} {key}: expected an array of media types, got {_show(value)}")
    for media in value:
        if not isinstance(media, str) or not MEDIA_PATTERN.fullmatch(media):
            raise ConfigError(
                f'{label} {key}: expected a media type such as "application/json", got {_show(media)}'
            )
    return tuple(value)


def _bool(table: dict[str, Any], key: str, label: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{label} {key}: expected true or false, got {_show(value)}")
    return value


def _string(table: dict[str, Any], key: str, label: str, default: str | None) -> str | None:
    if key not in table:
        return default
    value = table[key]
    if not isinstance(value, str):
        raise ConfigError(f"{label} {key}: expected a string, got {_show(value)}")
    if not value.strip():
        raise ConfigError(f"{label} {key}: expected a non-empty string")
    return value


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:40] + "..."
        return '"' + escape(text.replace("\\", "\\\\").replace('"', '\\"'), one_line=True) + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)


def _rel(root: Path, text: str) -> Path:
    return _display(root / text)


def _display(path: Path) -> Path:
    """``path`` relative to the working directory when inside it, for messages."""
    try:
        absolute = path if path.is_absolute() else Path.cwd() / path
        relative = os.path.relpath(absolute, Path.cwd())
    except ValueError:  # another drive on Windows
        return path
    return Path(relative) if not relative.startswith("..") else Path(os.path.normpath(absolute))


STARTER = """
[tool.specgen]
# Written by `specgen init`. Paths are relative to this file.
out = "generated"            # where generated packages go
line-length = 88             # the formatter's line length for generated code
strict = false               # true: warnings (lint, unsupported constructs) fail the run
# lenient = true             # published specs: harmless defects are warnings, not errors
# templates = "specgen_templates"  # templates overriding the built-in ones
# changelog = "CHANGELOG.md"       # `specgen generate` prepends API changes here

[[tool.specgen.specs]]
path = "spec/example.yaml"
# package = "example"        # default: the spec's file name
# the environment variables the spec's x-specgen-env may name (default: none;
# the client reads EXAMPLE_USERNAME etc., named after its package)
allow-env = ["EXAMPLE_API_USER", "EXAMPLE_API_TOKEN"]
"""
