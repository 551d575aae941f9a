"""Names that read (issue 16.9), on one small spec with what the wild specs had.

Spotify's ``search`` operation in a ``search`` module (the function hid the
module: a failing generated test and two mypy errors), Plaid's field named
``date``, ``dict[str, Any]`` in an alias, a response and a test helper without
``Any`` imported (Ory, Plaid), Stripe's ``''`` enum shared by several union
options, and Twilio's names that repeat their segments or pass 80 characters.
The package must import, pass ``mypy --strict`` and its own tests.
"""

from __future__ import annotations

import enum
import importlib
import json
import os
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.pipeline import Generated, generate_package
from generator.write.stage import write_packages

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "names_that_read"
TIMEOUT = 300  # seconds; a guard against hangs, not a speed assertion
EMPTY = {"type": "string", "enum": [""]}
MACHINE = "account_available_phone_number_country_available_phone_number_machine_to_machine"  # no shared dotted prefix
DAILY = "account.usage.usage_record.usage_record_daily"


def _spec() -> dict[str, Any]:
    def ok(schema: dict[str, Any]) -> dict[str, Any]:
        return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}

    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    return {
        "openapi": "3.0.3",
        "info": {"title": "Names", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {
            "/search": {
                "get": {
                    "operationId": "search",
                    "parameters": [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}],
                    # dict[str, Any] only in the return annotation
                    "responses": ok({"type": "object", "additionalProperties": True}),
                }
            },
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": ok(ref("Thing")),
                }
            },
            "/usage": {"get": {"operationId": "listUsage", "responses": ok(ref(DAILY))}},
            "/numbers": {"get": {"operationId": "listNumbers", "responses": ok(ref(MACHINE))}},
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string"},
                        "date": {"type": "string", "format": "date"},  # Plaid: a field named like its type
                        "address": {"anyOf": [ref("Address"), EMPTY]},  # Stripe: '' to unset
                        "metadata": {"anyOf": [{"type": "object", "additionalProperties": {"type": "string"}}, EMPTY]},
                        "sort": {"type": "string", "enum": ["", "*", "-1", "1"]},
                        "thing_kind": {"type": "string", "enum": ["big", "small"]},  # ThingKind, not ThingThingKind
                    },
                },
                "Address": {"type": "object", "properties": {"line1": {"type": "string"}}},
                # dict[str, Any] only in a type alias, which runs at import
                "Payload": {"oneOf": [{"type": "object", "additionalProperties": True}, ref("Address")]},
                DAILY: {"type": "object", "properties": {"count": {"type": "integer"}}},
                MACHINE: {
                    "type": "object",
                    "properties": {"capabilities": {"type": "object", "properties": {"sms": {"type": "boolean"}}}},
                },
            }
        },
    }


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Generated]:
    root = tmp_path_factory.mktemp("names")
    spec = root / f"{PACKAGE}.json"
    spec.write_text(json.dumps(_spec()), encoding="utf-8")
    result = generate_package(spec)
    write_packages(root / "out", result.files)
    return root / "out", result


@pytest.fixture(scope="module")
def imported(package: tuple[Path, Generated]) -> ModuleType:
    out, _result = package
    sys.path.insert(0, str(out))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))


def test_the_package_passes_mypy_strict(package: tuple[Path, Generated]) -> None:
    out, _result = package
    cache = str(out.parent / ".mypy_cache")
    args = ["--strict", "--no-incremental", "--python-version", "3.11", "--cache-dir", cache, "--config-file", ""]
    run = subprocess.run(
        [sys.executable, "-m", "mypy", *args, PACKAGE], cwd=out, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_package_passes_its_own_tests(package: tuple[Path, Generated]) -> None:
    out, _result = package
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{PACKAGE}/tests"],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " passed" in run.stdout and "test_search" in (out / PACKAGE / "tests" / "test_search_.py").read_text()


# -- a module is never hidden by a function of its name -----------------------


def test_a_module_named_like_an_operation_is_renamed(package: tuple[Path, Generated], imported: ModuleType) -> None:
    out, result = package
    assert (out / PACKAGE / "operations" / "search_.py").is_file()
    assert not (out / PACKAGE / "operations" / "search.py").exists()
    ops = importlib.import_module(f"{PACKAGE}.operations")
    assert callable(ops.search) and not isinstance(ops.search, ModuleType)
    assert isinstance(importlib.import_module(f"{PACKAGE}.operations.search_"), ModuleType)
    assert ops.search_.search is ops.search  # what the generated tests import
    assert imported.Client.search is not None
    assert any("operations.search_: operations.search is the function" in n for n in result.notes)


# -- every name an annotation uses is imported ---------------------------------


def _modules(out: Path) -> list[str]:
    """The package's modules that print annotations: models, operations, tests."""
    root = out / PACKAGE
    paths = [root / "models.py", *sorted((root / "operations").glob("*.py")), *sorted((root / "tests").glob("test_*.py"))]
    return [".".join(p.relative_to(out).with_suffix("").parts) for p in paths if p.name != "__init__.py"]


def test_annotations_resolve(package: tuple[Path, Generated], imported: ModuleType) -> None:
    """Every annotation of every function and class resolves in its module
    (``from __future__ import annotations`` hides a missing import until mypy runs)."""
    out, _result = package
    checked = []
    for name in _modules(out):
        module = importlib.import_module(name)
        for value in list(vars(module).values()):
            if getattr(value, "__module__", None) == name and callable(value) and not isinstance(value, enum.EnumMeta):
                typing.get_type_hints(value)
                checked.append(value)
    assert len(checked) >= 10


def test_any_is_imported_where_dict_of_any_is_printed(package: tuple[Path, Generated]) -> None:
    """In the models (a type alias), an operation's return type, and its test's request helper."""
    out, _result = package
    using: dict[str, bool] = {}
    for name in _modules(out):
        text = (out / Path(*name.split("."))).with_suffix(".py").read_text()
        if "dict[str, Any]" in text:
            imported = "\nfrom typing import Any\n" in text or "\nfrom typing import Any, " in text
            using[name] = imported
    assert {name.split(".")[1] for name in using} == {"models", "operations", "tests"}, using
    assert all(using.values()), using


def test_models_import_what_the_type_alias_needs(imported: ModuleType) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    assert "Payload" in models.__all__  # the alias ran at import: Any was there


# -- enums ------------------------------------------------------------------


def test_the_empty_enum_value_has_a_readable_member(imported: ModuleType) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    assert {m.name: m.value for m in models.ThingSort} == {"EMPTY": "", "STAR": "*", "MINUS_1": "-1", "VALUE_1": "1"}


def test_a_shared_anonymous_enum_is_named_by_its_content(package: tuple[Path, Generated]) -> None:
    _out, result = package
    assert result.api is not None
    fields = {f.wire_name: f for m in result.api.models if m.name == "Thing" for f in m.fields}
    assert str(fields["address"].annotation) == "Address | EmptyString | None"
    assert str(fields["metadata"].annotation) == "dict[str, str] | EmptyString | None"
    empty = next(e for e in result.api.enums if e.name == "EmptyString")
    assert [(m.name, m.value) for m in empty.members] == [("EMPTY", "")]
    assert not any("Option2" in e.name for e in result.api.enums)  # not named after its first place


# -- fields, long names -------------------------------------------------------


def test_a_field_is_not_named_like_its_type(package: tuple[Path, Generated]) -> None:
    _out, result = package
    assert result.api is not None
    thing = next(m for m in result.api.models if m.name == "Thing")
    field = next(f for f in thing.fields if f.wire_name == "date")
    assert field.name != "date" and str(field.annotation) == "date | None"


def test_names_drop_repeated_words_and_keep_whole_words(package: tuple[Path, Generated]) -> None:
    _out, result = package
    assert result.api is not None
    names = {m.name for m in result.api.models}
    assert "AccountUsageRecordDaily" in names
    assert "AccountAvailablePhoneNumberCountryAvailablePhoneNumberMachineToMachine" in names
    assert "AccountAvailablePhoneNumberCountryMachineToMachineCapabilities" in names
    assert all(len(n) <= 80 for n in names)
    assert "ThingKind" in {e.name for e in result.api.enums}


def test_renames_are_notes_not_warnings(package: tuple[Path, Generated]) -> None:
    _out, result = package
    renamed = [n for n in result.notes if "is named" in n]
    assert any(f"'{DAILY}'" in n and "'AccountUsageRecordDaily' (repeated words dropped)" in n for n in renamed)
    assert any("longer than 80 characters: words dropped" in n for n in renamed)
    assert all(": note: " in n for n in result.notes)
    assert not any("is named" in w or "operations.search_" in w for w in result.warnings)


def test_the_cli_prints_notes_with_verbose_only(package: tuple[Path, Generated], tmp_path: Path) -> None:
    spec = package[0].parent / f"{PACKAGE}.json"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    runs = {}
    for flag in ("--verbose", "--quiet", None):
        out = tmp_path / f"out{flag}"
        args = [str(spec), "--out", str(out), "--no-cache", *([flag] if flag else [])]
        runs[flag] = subprocess.run(
            [sys.executable, "-m", "generator", "generate", *args],
            cwd=ROOT,  # this checkout's generator
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert runs[flag].returncode == 0, runs[flag].stderr
    assert "note: schema 'account.usage.usage_record.usage_record_daily'" in runs["--verbose"].stdout
    assert "note:" not in runs[None].stdout + runs[None].stderr
    assert "note:" not in runs["--quiet"].stdout + runs["--quiet"].stderr
