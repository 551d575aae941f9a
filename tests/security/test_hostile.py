"""Hostile but valid specs: generated code is inert and spec text reaches the wire as written.

Each case is one spec built in code and written as JSON (so NUL can be
written, as ``\\u0000``), with its payload in every position below. For every
case: openapi-spec-validator accepts the spec (a position it refuses for that
payload is dropped and recorded in ``EXPECTED_SKIPS``; one it accepts but no
client could honour, such as a header name that is not an HTTP token, specgen
refuses with a located error, checked by ``expected_refusals``); generation succeeds;
every file compiles; the package imports; ``mypy --strict`` passes (one run
over all packages); every client method, sync and async, called against an
``httpx.MockTransport``, sends the spec's names exactly as written and runs
no payload; and the package's own generated tests pass (one pytest run).

Known bugs outside this suite's remit are ``xfail(strict=True,
raises=KnownBug)``: only their symptom counts as the expected failure.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import json
import os
import re
import subprocess
import sys
import typing
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import httpx
import jinja2
import jinja2.nodes as jn
import pytest
from openapi_spec_validator import validate as openapi_validate

from generator.ir import nodes as ir
from generator.errors import SpecError, TemplateSafetyError
from generator.load.loader import load_spec
from generator.ir.examples import string_for_pattern
from generator.render.filters import FILTERS
from generator.ir.naming import Identifier
from generator.pipeline import Generated, generate_package
from generator.render.package import environment, templates_dir
from generator.validate.checks import validate
from generator.write.stage import write_packages

from ._support import HANG_GUARD, ROOT, KnownBug, run_cli

MARKER = "@MARKER@"  # replaced by a real path in the test's temporary folder
BASE = "https://api.example.com/base"
USER_AGENT = {"User-Agent": "specgen-hostile-tests"}

# case id -> names; the first is "the" payload, the others collide with it or each other.
CASES: dict[str, tuple[str, ...]] = {
    "double_quote": ('"',),
    "triple_double_quote": ('"""',),
    "triple_single_quote": ("'''",),
    "backslash": ("\\",),
    "trailing_backslash": ("end\\",),
    "newline": ("a\nb",),
    "carriage_return": ("a\rb",),
    "line_separator": ("a\u2028b",),
    "nul": ("a\x00b",),
    "jinja_expression": ("{{ 7*7 }}",),
    "jinja_raw": ("{% raw %}",),
    "jinja_endraw": ("{% endraw %}",),
    "hash": ("#",),
    "code": (f"__import__('os').system('touch {MARKER}')",),
    "docstring_escape": (f'"""); __import__("os").system("touch {MARKER}"); ("""',),
    "comment_escape": (f"x\n__import__('os').system('touch {MARKER}')\n#",),
    # Python's reserved words, soft keywords, builtins, dunders, names the runtime
    # uses, and leading digits: all in one namespace, where they also collide.
    "reserved_names": (
        "class",
        "def",
        "None",
        "match",
        "case",
        "type",
        "_",
        "list",
        "print",
        "id",
        "Exception",
        "__class__",
        "__init__",
        "__dict__",
        "to_dict",
        "from_dict",
        "extra",
        "send",
        "close",
        "_rt",
        "ops",
        "1st",
        "2",
    ),
    "empty": ("",),
    "non_ascii": ("naïve café ☃",),
    # Collide after snake-casing, differ only by case, or only look alike (a Cyrillic а).
    "collisions": (
        "FooBar",
        "foo_bar",
        "foo-bar",
        "FOO BAR",
        "Foo",
        "foo",
        "data",
        "dаta",
    ),
    "bidi": ("a\u202eb",),
    "emoji": ("\U0001f600",),
    "long": ("x" * 300,),
}

# Positions openapi-spec-validator refuses for a payload (the payload is dropped there):
# a pattern that is not a regex, and braces in a path key that do not name a parameter.
EXPECTED_SKIPS: dict[str, set[str]] = {
    "backslash": {"pattern"},
    "trailing_backslash": {"pattern"},
    "docstring_escape": {"pattern"},
    "jinja_expression": {"path.param"},
    "jinja_raw": {"path.literal", "path.param"},
    "jinja_endraw": {"path.literal", "path.param"},
    "empty": {"path.param"},
}
HEADER_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 9110 field-name


def is_token(name: str) -> bool:
    return HEADER_TOKEN.match(name) is not None


def expected_refusals(case_id: str) -> dict[str, tuple[str, ...]]:
    """Positions openapi-spec-validator accepts but specgen refuses, with a clear error.

    A header name no HTTP library can send (not an RFC 9110 token, or equal to
    another but for case), and a path key with braces around no parameter name.
    """
    names = [n.replace(MARKER, "/m") for n in CASES[case_id]]
    refusals: dict[str, tuple[str, ...]] = {}
    tokens = [n for n in names if HEADER_TOKEN.match(n)]
    header: tuple[str, ...] = (
        ("is not a valid HTTP header name",) if len(tokens) < len(names) else ()
    )
    if len({n.lower() for n in tokens}) < len(tokens):
        header += ("are the same HTTP header (header names ignore case)",)
    if header:
        refusals["header.name"] = header
    literal = "/lit/" + names[0] + "/{pid}"
    if "path.literal" not in EXPECTED_SKIPS.get(case_id, set()) and re.search(
        r"[{}]", re.sub(r"{[^{}]*}", "", literal)
    ):
        refusals["path.literal"] = ("that does not enclose a parameter name",)
    return refusals


# -- the spec -----------------------------------------------------------------


def _response() -> dict[str, Any]:
    return {
        "description": "ok",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
        },
    }


def base_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hostile", "version": "1"},
        "servers": [{"url": BASE}],
        "paths": {
            "/things/{thing_id}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [
                        {
                            "name": "thing_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {"200": _response()},
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {"type": "object", "properties": {"id": {"type": "string"}}}
            }
        },
    }


def _main(spec: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = spec["paths"]["/things/{thing_id}"]["get"]
    return op


def _thing(spec: dict[str, Any]) -> dict[str, Any]:
    thing: dict[str, Any] = spec["components"]["schemas"]["Thing"]
    return thing


def _pointer_token(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _string_param(name: str, where: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "schema": {"type": "string", **schema}}


def pos_info_title(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    spec["info"]["title"] = names[0]


def pos_info_description(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    spec["info"]["description"] = names[0]


def pos_info_version(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    spec["info"]["version"] = names[0]


def pos_servers(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    p = names[0]
    spec["servers"] = [
        {
            "url": "https://api.example.com/base/{" + p + "}/" + p + "/{v}",
            "description": p,
            "variables": {
                p: {"default": "x", "description": p},
                "v": {"default": p, "enum": [p, "w"]},
            },
        },
        {"url": p, "description": p},
    ]


def pos_tags(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    spec["tags"] = [{"name": n, "description": names[0]} for n in names]
    _main(spec)["tags"] = list(names)


def pos_operation_ids(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    _main(spec)["operationId"] = names[0]
    for i, name in enumerate(names[1:], 1):
        spec["paths"][f"/extra{i}"] = {
            "get": {"operationId": name, "responses": {"200": _response()}}
        }


def pos_texts(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    p = names[0]
    item = spec["paths"]["/things/{thing_id}"]
    item["summary"] = item["description"] = p
    op = _main(spec)
    op["summary"] = op["description"] = p
    op["responses"]["200"]["description"] = p
    op["parameters"][0]["description"] = p


def pos_path_literal(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    spec["paths"]["/lit/" + names[0] + "/{pid}"] = {
        "get": {
            "operationId": "getLiteral",
            "parameters": [
                {
                    "name": "pid",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "responses": {"200": _response()},
        }
    }


def pos_path_params(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    spec["paths"]["/named/" + "/".join("{" + n + "}" for n in names)] = {
        "get": {
            "operationId": "getNamed",
            "parameters": [
                {
                    "name": n,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
                for n in names
            ],
            "responses": {"200": _response()},
        }
    }


def pos_query_names(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    _main(spec)["parameters"].extend(_string_param(n, "query") for n in names)


def pos_header_names(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    _main(spec)["parameters"].extend(_string_param(n, "header") for n in names)


def pos_param_texts(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    p = names[0]
    _main(spec)["parameters"].append(
        {
            "name": "described",
            "in": "query",
            "description": p,
            "example": p,
            "schema": {"type": "string", "default": p, "title": p, "description": p},
        }
    )


def pos_enum(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    values = [*names, "other"]
    spec["components"]["schemas"]["Mode"] = {
        "type": "string",
        "enum": values,
        "description": names[0],
    }
    _thing(spec)["properties"]["mode"] = {"$ref": "#/components/schemas/Mode"}
    _main(spec)["parameters"].append(
        {"name": "mode", "in": "query", "schema": {"$ref": "#/components/schemas/Mode"}}
    )
    _main(spec)["parameters"].append(
        _string_param("inline_mode", "query", enum=values, default=names[0])
    )


def pos_schema_names(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    for i, name in enumerate(names):
        spec["components"]["schemas"][name] = {
            "type": "object",
            "title": name,
            "properties": {"value": {"type": "string"}},
        }
        _thing(spec)["properties"][f"link{i}"] = {
            "$ref": "#/components/schemas/" + _pointer_token(name)
        }


def pos_property_names(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    p = names[0]
    props = _thing(spec)["properties"]
    for name in names:
        props[name] = {"type": "string", "description": p, "default": p, "example": p}
    # An inline object: its class is named after the property.
    props["obj " + p] = {
        "type": "object",
        "properties": {name: {"type": "integer"} for name in names},
    }


def pos_schema_texts(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    _thing(spec)["title"] = _thing(spec)["description"] = names[0]


def pos_pattern(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    _main(spec)["parameters"].append(_string_param("pat", "query", pattern=names[0]))


def pos_examples(spec: dict[str, Any], names: tuple[str, ...]) -> None:
    p = names[0]
    media = _main(spec)["responses"]["200"]["content"]["application/json"]
    media["examples"] = {
        n: {
            "summary": p,
            "description": p,
            "value": {"id": p, n: p, "k" + n: [p, {n: p}]},
        }
        for n in names
    }


POSITIONS: dict[str, Callable[[dict[str, Any], tuple[str, ...]], None]] = {
    "info.title": pos_info_title,
    "info.description": pos_info_description,
    "info.version": pos_info_version,
    "servers": pos_servers,
    "tags": pos_tags,
    "operationId": pos_operation_ids,
    "summaries+descriptions": pos_texts,
    "path.literal": pos_path_literal,
    "path.param": pos_path_params,
    "query.name": pos_query_names,
    "header.name": pos_header_names,
    "param.texts+example+default": pos_param_texts,
    "enum": pos_enum,
    "schema.name": pos_schema_names,
    "property.name": pos_property_names,
    "schema.title+description": pos_schema_texts,
    "pattern": pos_pattern,
    "response.examples": pos_examples,
}


def build_spec(names: tuple[str, ...], positions: list[str]) -> dict[str, Any]:
    spec = base_spec()
    for position in positions:
        POSITIONS[position](spec, names)
    return spec


def specgen_errors(spec: dict[str, Any], path: Path) -> list[str]:
    """What specgen's own validation says about ``spec`` (written to ``path``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spec))
    try:
        validate(load_spec(path))
    except SpecError as exc:
        return [f"{d.pointer}: {d.message}" for d in exc.diagnostics]
    return []


def validator_error(spec: dict[str, Any]) -> str | None:
    try:
        openapi_validate(spec)
    except Exception as exc:  # the validator's own exceptions, or its crashes
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return None


# -- generating every case once ------------------------------------------------


@dataclass
class Case:
    id: str
    names: tuple[str, ...]
    positions: list[str]
    skipped: dict[str, str]  # refused by openapi-spec-validator
    refused: dict[
        str, list[str]
    ]  # accepted by it, refused by specgen with these diagnostics
    spec: dict[str, Any]
    path: Path
    result: Generated | None = None
    error: str | None = None

    @property
    def package(self) -> str:
        return f"hostile_{self.id}"

    def uses(self, position: str) -> bool:
        return position in self.positions


@dataclass
class Hostile:
    root: Path
    out: Path
    marker: Path
    cases: dict[str, Case] = field(default_factory=dict)
    background: dict[str, tuple[subprocess.Popen[bytes], Path]] = field(
        default_factory=dict
    )

    def packages(self) -> list[str]:
        return sorted(c.package for c in self.cases.values() if c.result is not None)

    def start(self, name: str, args: list[str]) -> None:
        """Run ``python ARGS`` in the output folder while the in-process tests go on."""
        log = self.root / f"{name}.log"
        with open(log, "wb") as handle:
            process = subprocess.Popen(
                [sys.executable, *args],
                cwd=self.out,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        self.background[name] = (process, log)

    def finish(self, name: str) -> tuple[int, str]:
        process, log = self.background[name]
        try:
            code = process.wait(timeout=HANG_GUARD * 5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        return code, log.read_text(encoding="utf-8", errors="replace")

    def generated(self, case_id: str) -> tuple[Case, Generated]:
        case = self.cases[case_id]
        assert case.result is not None, f"generation failed: {case.error}"
        return case, case.result


def make_case(
    case_id: str, raw_names: tuple[str, ...], root: Path, marker: Path
) -> Case:
    names = tuple(n.replace(MARKER, str(marker)) for n in raw_names)
    positions = list(POSITIONS)
    skipped: dict[str, str] = {}
    if validator_error(build_spec(names, positions)) is not None:
        for position in list(positions):
            error = validator_error(build_spec(names, [position]))
            if error is not None:
                skipped[position] = error
                positions.remove(position)
    refused: dict[str, list[str]] = {}
    probe = root / "probe" / f"{case_id}.json"
    if specgen_errors(build_spec(names, positions), probe):
        for position in list(positions):
            errors = specgen_errors(build_spec(names, [position]), probe)
            if errors:
                refused[position] = errors
                positions.remove(position)
    spec = build_spec(names, positions)
    path = root / "specs" / f"hostile_{case_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(spec, indent=1)
    )  # ensure_ascii: NUL as \u0000, emoji as a surrogate pair
    return Case(case_id, names, positions, skipped, refused, spec, path)


def _make_and_generate(job: tuple[str, tuple[str, ...], Path, Path]) -> Case:
    case = make_case(*job)
    if validator_error(case.spec) is not None:
        case.error = (
            f"the validator refuses the combined spec: {validator_error(case.spec)}"
        )
        return case
    try:
        case.result = generate_package(case.path)
    except Exception as exc:  # reported by the tests, per case
        case.error = f"{type(exc).__name__}: {exc}"
    return case


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    root = tmp_path_factory.mktemp("hostile")
    state = Hostile(root, root / "pkgs", root / "MARKER")
    jobs = [
        (case_id, raw_names, root, state.marker) for case_id, raw_names in CASES.items()
    ]
    # Validation and generation are CPU-bound (validator, templates, black): one process per core.
    with ProcessPoolExecutor(
        max_workers=max(1, min(4, os.cpu_count() or 1)), mp_context=get_context("fork")
    ) as pool:
        for case in pool.map(_make_and_generate, jobs):
            state.cases[case.id] = case
    files = {
        path: text
        for case in state.cases.values()
        if case.result is not None
        for path, text in case.result.files.items()
    }
    write_packages(state.out, files)
    packages = state.packages()
    # The two slow checks run in the background while the in-process tests go on.
    state.start(
        "mypy",
        [
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-version",
            "3.11",
            "--cache-dir",
            str(root / ".mypy_cache"),
            "--config-file",
            "",
            "--no-error-summary",
            *packages,
        ],
    )
    state.start(
        "pytest",
        [
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--rootdir",
            str(state.out),
            "-c",
            os.devnull,
            f"--junitxml={root / 'generated-tests.xml'}",
            *packages,
        ],
    )
    try:
        yield state
    finally:
        for process, _log in state.background.values():
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def imported(hostile: Hostile) -> Iterator[dict[str, dict[str, ModuleType]]]:
    """Every module of every package, imported from the output folder."""
    sys.path.insert(0, str(hostile.out))
    modules: dict[str, dict[str, ModuleType]] = {}
    try:
        for case_id, case in hostile.cases.items():
            if case.result is None:
                continue
            names = sorted(
                ".".join(Path(path[: -len(".py")]).parts).removesuffix(".__init__")
                for path in case.result.files
                if path.endswith(".py")
                and "/tests/" not in path  # the tests run in their own pytest
            )
            modules[case_id] = {}
            for name in names:
                try:
                    modules[case_id][name] = importlib.import_module(name)
                except Exception as exc:  # reported per case by test_package_imports
                    modules[case_id][name] = ModuleType(
                        f"failed: {type(exc).__name__}: {exc}"
                    )
        yield modules
    finally:
        sys.path.remove(str(hostile.out))
        for name in [m for m in sys.modules if m.startswith("hostile_")]:
            del sys.modules[name]


IDS = list(CASES)


def test_cases_cover_every_payload_kind() -> None:
    everything = "".join(n for names in CASES.values() for n in names)
    for needle in [
        '"',
        '"""',
        "'''",
        "\\",
        "\n",
        "\r",
        "\u2028",
        "\x00",
        "{{",
        "{% raw %}",
        "{% endraw %}",
        "#",
    ]:
        assert needle in everything, needle
    assert any(not n for names in CASES.values() for n in names), "an empty name"


def test_validator_skips_are_recorded(hostile: Hostile) -> None:
    skipped = {
        case_id: set(case.skipped)
        for case_id, case in hostile.cases.items()
        if case.skipped
    }
    details = {
        f"{case_id}/{pos}": msg
        for case_id, case in hostile.cases.items()
        for pos, msg in case.skipped.items()
    }
    assert (
        skipped == EXPECTED_SKIPS
    ), f"the validator refuses other positions now: {details}"


@pytest.mark.parametrize("case_id", IDS)
def test_refusals_are_clear_and_recorded(hostile: Hostile, case_id: str) -> None:
    case = hostile.cases[case_id]
    expected = expected_refusals(case_id)
    assert set(case.refused) == set(expected), case.refused
    for position, fragments in expected.items():
        messages = case.refused[position]
        assert all(any(f in m for f in fragments) for m in messages), messages
        assert all(any(f in m for m in messages) for f in fragments), messages
        assert all(
            m.startswith("/paths/") and "\n" not in m for m in messages
        ), messages


@pytest.mark.parametrize("case_id", IDS)
def test_generates(hostile: Hostile, case_id: str) -> None:
    case = hostile.cases[case_id]
    assert case.error is None, case.error
    assert case.result is not None


@pytest.mark.parametrize("case_id", IDS)
def test_every_file_compiles(hostile: Hostile, case_id: str) -> None:
    _case, result = hostile.generated(case_id)
    python = {path: text for path, text in result.files.items() if path.endswith(".py")}
    assert python
    for path, text in python.items():
        compile(text, path, "exec", dont_inherit=True)
        # No spec character that Python or an editor treats specially is left raw.
        assert (
            "\x00" not in text and "\u2028" not in text and "\u202e" not in text
        ), path
    assert not hostile.marker.exists()


@pytest.mark.parametrize("case_id", IDS)
def test_package_imports(
    hostile: Hostile, imported: dict[str, dict[str, ModuleType]], case_id: str
) -> None:
    hostile.generated(case_id)
    failed = {
        name: mod.__name__
        for name, mod in imported[case_id].items()
        if mod.__name__.startswith("failed:")
    }
    assert not failed
    assert not hostile.marker.exists(), "importing ran a payload"


# -- calls ----------------------------------------------------------------------


@dataclass
class Call:
    operation: ir.Operation
    values: dict[str, str]  # python name -> value
    sent: dict[str, tuple[str, str]]  # python name -> (wire name, location)


def _enum_value(api: ir.Api, param: ir.Parameter) -> str:
    enum = next(e for e in api.enums if e.name == param.type.name)
    return str(enum.members[0].value)


def plan_call(
    case: Case, api: ir.Api, op: ir.Operation, headers: Callable[[str], bool]
) -> Call:
    """Arguments for every parameter the client can send; header names only when ``headers(name)``."""
    p = case.names[0]
    values: dict[str, str] = {}
    sent: dict[str, tuple[str, str]] = {}
    for param in op.parameters:
        value: str | None
        if param.location == "path":
            value = "v-" + p
        elif param.location == "query":
            rules: dict[str, Any] = {str(c.keyword): c.value for c in param.constraints}
            if param.type.kind == "enum":
                value = _enum_value(api, param)
            elif "pattern" in rules:
                value = string_for_pattern(rules["pattern"])
                if value is None or re.search(rules["pattern"], value) is None:
                    continue
            else:
                value = "q-" + p
        elif param.location == "header":
            if not headers(param.wire_name):
                continue
            value = "h"
        else:  # pragma: no cover - the hostile specs have no other locations
            continue
        values[param.name] = value
        sent[param.name] = (param.wire_name, param.location)
    return Call(op, values, sent)


def expected_segments(base: str, call: Call) -> list[str]:
    """The request path's segments: the spec's path key up to a ``#`` or ``?`` (what
    follows is no part of the path), each ``{name}`` its value (one segment)."""
    by_wire = {
        wire: call.values[name]
        for name, (wire, where) in call.sent.items()
        if where == "path"
    }
    segments = httpx.URL(base).raw_path.decode().split("/")
    segments[-1:] = [segments[-1]]
    for part in re.split(r"({[^{}]*})", re.split(r"[#?]", call.operation.path)[0]):
        if part.startswith("{") and part[1:-1] in by_wire:
            segments[-1] += by_wire[part[1:-1]]
        else:
            first, *rest = part.split("/")
            segments[-1] += first
            segments.extend(rest)
    return segments


def check_request(request: httpx.Request, base: str, call: Call) -> None:
    op = call.operation
    assert request.method == op.method
    raw_path = request.url.raw_path.decode("ascii").partition("?")[0]
    assert [unquote(s) for s in raw_path.split("/")] == expected_segments(
        base, call
    ), raw_path
    assert URL_PATH.fullmatch(raw_path), f"not percent-encoded: {raw_path!r}"
    query = sorted(
        (wire, call.values[name])
        for name, (wire, where) in call.sent.items()
        if where == "query"
    )
    assert sorted(request.url.params.multi_items()) == query
    for name, (wire, where) in call.sent.items():
        if where == "header":
            assert (
                wire.encode("ascii"),
                call.values[name].encode("ascii"),
            ) in request.headers.raw, wire


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={})


def client_classes(modules: dict[str, ModuleType], package: str) -> tuple[Any, Any]:
    client_module = modules[f"{package}.client"]
    return client_module.Client, client_module.AsyncClient


def client_method_names(cls: Any) -> set[str]:
    return {
        name
        for name, value in vars(cls).items()
        if type(value).__module__.endswith("._runtime.client")
    }


def send_sync(
    cls: Any, calls: list[Call], headers: dict[str, str] | None = USER_AGENT
) -> list[httpx.Request]:
    recorder = Recorder()
    with cls(
        base_url=BASE, transport=httpx.MockTransport(recorder), headers=headers
    ) as client:
        for call in calls:
            getattr(client, call.operation.name)(**call.values)
    return recorder.requests


def send_async(
    cls: Any, calls: list[Call], headers: dict[str, str] | None = USER_AGENT
) -> list[httpx.Request]:
    recorder = Recorder()

    async def run() -> None:
        async with cls(
            base_url=BASE, transport=httpx.MockTransport(recorder), headers=headers
        ) as client:
            for call in calls:
                await getattr(client, call.operation.name)(**call.values)

    asyncio.run(run())
    return recorder.requests


def is_literal_op(op: ir.Operation) -> bool:
    return op.path.startswith("/lit/")


@pytest.mark.parametrize("case_id", IDS)
def test_every_method_sends_the_spec_names_exactly(
    hostile: Hostile, imported: dict[str, dict[str, ModuleType]], case_id: str
) -> None:
    case, result = hostile.generated(case_id)
    api = result.api
    sync_cls, async_cls = client_classes(imported[case_id], case.package)
    assert (
        client_method_names(sync_cls)
        == client_method_names(async_cls)
        == {op.name for op in api.operations}
    )
    calls = [
        plan_call(case, api, op, is_token)
        for op in api.operations
        if not is_literal_op(op)
    ]
    for send in (send_sync, send_async):
        requests = send(sync_cls if send is send_sync else async_cls, calls)
        assert len(requests) == len(calls)
        for request, call in zip(requests, calls):
            check_request(request, BASE, call)
    if case.uses("query.name"):
        main = next(c for c in calls if c.operation.path == "/things/{thing_id}")
        assert {w for w, where in main.sent.values() if where == "query"} >= set(
            case.names
        )
    assert not hostile.marker.exists(), "a call ran a payload"


def test_every_method_of_every_case_was_called(
    hostile: Hostile, imported: dict[str, dict[str, ModuleType]]
) -> None:
    # Including the literal-path operations, whatever they raise: no payload runs.
    for case_id, case in hostile.cases.items():
        if case.result is None:
            continue
        sync_cls, _ = client_classes(imported[case_id], case.package)
        recorder = Recorder()
        with sync_cls(base_url=BASE, transport=httpx.MockTransport(recorder)) as client:
            for op in case.result.api.operations:
                call = plan_call(case, case.result.api, op, lambda name: True)
                try:
                    getattr(client, op.name)(**call.values)
                except (
                    Exception
                ):  # noqa: BLE001 - known wire bugs are tested on their own
                    pass
    assert not hostile.marker.exists()


def _ua_affected(case_id: str) -> bool:
    version = CASES[case_id][0].replace(MARKER, "/tmp/x")
    return not (version.isascii() and version.isprintable())


@pytest.mark.parametrize(
    "case_id",
    [c for c in IDS],
)
def test_default_user_agent_is_a_valid_header(
    hostile: Hostile, imported: dict[str, dict[str, ModuleType]], case_id: str
) -> None:
    case, result = hostile.generated(case_id)
    sync_cls, _ = client_classes(imported[case_id], case.package)
    main = next(op for op in result.api.operations if op.path == "/things/{thing_id}")
    call = plan_call(case, result.api, main, lambda name: False)
    try:
        [request] = send_sync(sync_cls, [call], headers=None)
    except UnicodeEncodeError as exc:
        raise KnownBug(f"no request could be sent: {exc}") from exc
    agent = request.headers["User-Agent"]
    if not (agent.isascii() and agent.isprintable()):
        raise KnownBug(f"User-Agent {agent!r} is not a valid header value")
    assert agent.startswith(f"{case.package}/")


def _literal(case_id: str) -> str:
    return CASES[case_id][0].replace(MARKER, "/tmp/x")


# What RFC 3986 allows in a path, besides percent-escapes.
URL_PATH = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*")


LITERAL_IDS = [
    c
    for c in IDS
    if "path.literal" not in EXPECTED_SKIPS.get(c, set()) | set(expected_refusals(c))
]


@pytest.mark.parametrize(
    "case_id",
    [c for c in LITERAL_IDS],
)
def test_literal_path_characters_reach_the_wire(
    hostile: Hostile, imported: dict[str, dict[str, ModuleType]], case_id: str
) -> None:
    case, result = hostile.generated(case_id)
    sync_cls, async_cls = client_classes(imported[case_id], case.package)
    [op] = [op for op in result.api.operations if is_literal_op(op)]
    call = plan_call(case, result.api, op, is_token)
    for send, cls in ((send_sync, sync_cls), (send_async, async_cls)):
        try:
            [request] = send(cls, [call])
        except httpx.InvalidURL as exc:
            raise KnownBug(f"the path {op.path!r} cannot be sent: {exc}") from exc
        raw_path = request.url.raw_path.decode("ascii").partition("?")[0]
        if [unquote(s) for s in raw_path.split("/")] != expected_segments(BASE, call):
            raise KnownBug(f"{op.path!r} was sent as {raw_path!r} (url {request.url})")
        if not URL_PATH.fullmatch(raw_path):
            raise KnownBug(
                f"{op.path!r} was sent with characters a URL path cannot hold: {raw_path!r}"
            )
        check_request(request, BASE, call)
    assert not hostile.marker.exists()


def test_server_urls_reach_the_client_as_written(
    hostile: Hostile, imported: dict[str, dict[str, ModuleType]]
) -> None:
    for case_id, case in hostile.cases.items():
        if case.result is None or not case.uses("servers"):
            continue
        server = case.spec["servers"][0]
        expected = server["url"]
        for name, variable in server["variables"].items():
            expected = expected.replace("{" + name + "}", str(variable["default"]))
        sync_cls, async_cls = client_classes(imported[case_id], case.package)
        assert sync_cls.DEFAULT_BASE_URL == async_cls.DEFAULT_BASE_URL, case_id
        # percent-encoded where a URL needs it, the same text once decoded
        assert unquote(sync_cls.DEFAULT_BASE_URL) == expected.rstrip("/"), case_id
        assert (
            sync_cls.DEFAULT_BASE_URL.isascii()
            and sync_cls.DEFAULT_BASE_URL.isprintable()
        ), case_id


def test_texts_reach_the_package_as_written(
    hostile: Hostile, imported: dict[str, dict[str, ModuleType]]
) -> None:
    for case_id, case in hostile.cases.items():
        if case.result is None:
            continue
        p = case.names[0]
        package = imported[case_id][case.package]
        if case.uses("info.version"):
            assert package.__version__ == (
                p or "0"
            ), case_id  # an empty version is written as "0"
        models = imported[case_id][f"{case.package}.models"]
        if case.uses("enum"):
            assert sorted(member.value for member in models.Mode) == sorted(
                [*case.names, "other"]
            ), case_id
        if case.uses("property.name"):
            thing = models.Thing.from_dict({n: f"value of {n}" for n in case.names})
            assert thing.to_dict() == {n: f"value of {n}" for n in case.names}, case_id
        if case.uses("schema.title+description") and p.strip():
            assert models.Thing.__doc__ is not None


# -- type checks and the generated tests, one run each ---------------------------


@pytest.fixture(scope="module")
def mypy_output(hostile: Hostile) -> str:
    code, output = hostile.finish("mypy")
    assert code in (0, 1), output
    return output


SHADOWED = re.compile(
    r'error: (Name "_(rt|ops)" already defined|Module not callable|.* has no attribute)'
)


def _shadow_affected(case_id: str) -> bool:
    return bool({"_rt", "ops"} & set(CASES[case_id]))


@pytest.mark.parametrize(
    "case_id",
    [c for c in IDS],
)
def test_mypy_strict(hostile: Hostile, mypy_output: str, case_id: str) -> None:
    case, _result = hostile.generated(case_id)
    errors = [
        line
        for line in mypy_output.splitlines()
        if line.startswith(f"{case.package}{os.sep}")
    ]
    if errors and all(
        SHADOWED.search(line) and f"{os.sep}tests{os.sep}" in line for line in errors
    ):
        raise KnownBug("\n".join(errors))
    assert errors == []


@pytest.fixture(scope="module")
def generated_test_results(hostile: Hostile) -> dict[str, list[tuple[str, str]]]:
    """package -> [(test name, failure text)] for every failed generated test."""
    packages = hostile.packages()
    report = hostile.root / "generated-tests.xml"
    _code, output = hostile.finish("pytest")
    assert report.is_file(), output[-3000:]
    failures: dict[str, list[tuple[str, str]]] = {p: [] for p in packages}
    seen: dict[str, int] = {p: 0 for p in packages}
    for testcase in ET.parse(report).getroot().iter("testcase"):
        package = testcase.get("classname", "").split(".")[0]
        if package not in seen:
            failures.setdefault("<collection>", []).append(
                (testcase.get("name", ""), ET.tostring(testcase, "unicode"))
            )
            continue
        seen[package] += 1
        for problem in (*testcase.findall("failure"), *testcase.findall("error")):
            failures[package].append(
                (
                    testcase.get("name", ""),
                    (problem.get("message") or "") + (problem.text or ""),
                )
            )
    for package, count in seen.items():
        if count == 0:
            failures[package].append(("<none collected>", output[-2000:]))
    assert not failures.get("<collection>"), failures.get("<collection>")
    return failures


def _sent_as_written(text: str) -> bool:
    """Whether httpx sends URL path text byte for byte (not encoded, not cut at '#' or '?')."""
    try:
        return httpx.URL("https://h/" + text).raw_path == ("/" + text).encode()
    except httpx.InvalidURL:
        return False


def _server_affected(case_id: str) -> bool:
    p = _literal(case_id)
    return not _sent_as_written(f"base/x/{p}/{p}")


def _literal_path_affected(case_id: str) -> bool:
    skipped = EXPECTED_SKIPS.get(case_id, set()) | set(expected_refusals(case_id))
    return "path.literal" not in skipped and not _sent_as_written(
        "lit/" + _literal(case_id) + "/x"
    )


@pytest.mark.parametrize(
    "case_id",
    [c for c in IDS],
)
def test_generated_tests_pass(
    hostile: Hostile,
    generated_test_results: dict[str, list[tuple[str, str]]],
    case_id: str,
) -> None:
    case, result = hostile.generated(case_id)
    failed = generated_test_results[case.package]
    literal_ops = {op.name for op in result.api.operations if is_literal_op(op)}

    def known(name: str, text: str) -> bool:
        if _ua_affected(case_id) and "UnicodeEncodeError" in text:
            return True
        if _shadow_affected(case_id) and "'function' object has no attribute" in text:
            return True
        if "recorder.path()" not in text and "InvalidURL" not in text:
            return False
        return _server_affected(case_id) or (
            _literal_path_affected(case_id) and any(op in name for op in literal_ops)
        )

    if failed and all(known(name, text) for name, text in failed):
        raise KnownBug(
            f"{len(failed)} generated test(s) fail with known symptoms: {[n for n, _ in failed]}"
        )
    assert failed == []


# -- templates --------------------------------------------------------------------


def test_a_template_printing_a_raw_spec_string_fails() -> None:
    env = environment()
    for value in [
        "plain text",
        "__import__('os')",
        Identifier("ok") + "!",
        b"bytes",
        1.5,
        True,
        None,
    ]:
        with pytest.raises(TemplateSafetyError):
            env.from_string("x = {{ value }}").render(value=value)
    with pytest.raises(TemplateSafetyError):
        env.from_string('{{ "a literal in the template" }}').render()
    assert env.from_string("{{ value|literal }}").render(value='"') == '"\\""'
    assert env.from_string("{{ value }}").render(value=Identifier("ok")) == "ok"
    assert env.from_string("{{ value }}").render(value=ir.Code("x = 1")) == "x = 1"
    assert env.from_string("{{ value }}").render(value=3) == "3"


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, globalns=vars(ir), localns=vars(ir))


def _ir_classes() -> dict[str, type]:
    return {
        name: obj
        for name, obj in vars(ir).items()
        if isinstance(obj, type) and is_dataclass(obj) and obj.__module__ == ir.__name__
    }


_SAFE = (ir.Code, Identifier, int)


def _is_safe(tp: Any) -> bool:
    """A type whose values the render stage prints as they are."""
    if tp in (bool, type(None)):
        return tp is type(None)
    if isinstance(tp, type):
        return issubclass(tp, _SAFE) and tp is not bool
    if typing.get_origin(tp) in (
        typing.Union,
        getattr(__import__("types"), "UnionType"),
    ):
        return all(_is_safe(arg) for arg in typing.get_args(tp))
    return False


def allow_list() -> set[tuple[str, str]]:
    """IR fields typed Code, Identifier or int (optionally None): derived from ir/nodes.py."""
    allowed = set()
    for name, cls in _ir_classes().items():
        for f in fields(cls):
            if _is_safe(_hints(cls)[f.name]) and _hints(cls)[f.name] is not type(None):
                allowed.add((name, f.name))
    return allowed


class _Growing:
    """A list a template builds with ``{% set _ = xs.append(x) %}``: the types appended."""

    def __init__(self) -> None:
        self.items: list[Any] = []


def _element(tp: Any) -> Any:
    if isinstance(tp, _Growing):
        kinds = {repr(t): t for t in tp.items}
        return next(iter(kinds.values())) if len(kinds) == 1 else None
    if typing.get_origin(tp) in (
        typing.Union,
        getattr(__import__("types"), "UnionType"),
    ):
        kinds = {
            repr(e): e
            for e in (_element(a) for a in typing.get_args(tp))
            if e is not None
        }
        return next(iter(kinds.values())) if len(kinds) == 1 else None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (tuple, list) and args:
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return args[0]
        if origin is list:
            return args[0]
    return None


def _strip_none(tp: Any) -> Any:
    if typing.get_origin(tp) in (
        typing.Union,
        getattr(__import__("types"), "UnionType"),
    ):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


class _Unknown(Exception):
    pass


@dataclass
class _Printed:
    template: str
    line: int
    source: str
    field: tuple[str, str] | None  # the IR field printed, if it is one
    type: Any


class TemplateScan:
    """Every ``{{ ... }}`` of every template: filtered, or typed by ir/nodes.py."""

    ELEMENT_FILTERS = {
        "list",
        "selectattr",
        "rejectattr",
        "sort",
        "unique",
        "reverse",
        "batch",
    }

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self.printed: list[_Printed] = []
        self.unknown: list[str] = []
        self.filtered = 0

    def type_of(
        self, node: jn.Node, scope: dict[str, Any]
    ) -> tuple[Any, tuple[str, str] | None]:
        if isinstance(node, jn.Name):
            if node.name in scope:
                return scope[node.name], None
            raise _Unknown(f"name {node.name!r}")
        if isinstance(node, jn.Getattr):
            owner, _ = self.type_of(node.node, scope)
            owner = _strip_none(owner)
            if (
                isinstance(owner, type)
                and is_dataclass(owner)
                and owner.__module__ == ir.__name__
            ):
                hints = _hints(owner)
                if node.attr in hints:
                    return hints[node.attr], (owner.__name__, node.attr)
            if owner is _LOOP:
                return int, None
            raise _Unknown(f"attribute {node.attr!r} of {owner!r}")
        if (
            isinstance(node, jn.Getitem)
            and isinstance(node.arg, jn.Const)
            and isinstance(node.arg.value, int)
        ):
            owner, _ = self.type_of(node.node, scope)
            args = typing.get_args(_strip_none(owner))
            if typing.get_origin(owner) is tuple and args and args[-1] is not Ellipsis:
                return args[node.arg.value], None
            element = _element(owner)
            if element is not None:
                return element, None
            raise _Unknown(f"item of {owner!r}")
        if isinstance(node, jn.Filter):
            inner, origin = (
                self.type_of(node.node, scope)
                if node.node is not None
                else (None, None)
            )
            if node.name in self.ELEMENT_FILTERS:
                element = _element(inner) if node.name != "batch" else None
                return (list[element] if element is not None else inner), origin  # type: ignore[valid-type]
            if node.name in ("first", "last"):
                return _element(inner), origin
            if node.name in ("length", "count"):
                return int, None
            raise _Unknown(f"filter {node.name!r}")
        if isinstance(node, jn.Const):
            return type(node.value), None
        if isinstance(node, jn.List) and not node.items:
            return _Growing(), None
        if isinstance(node, jn.Tuple):
            return (
                tuple.__class_getitem__(
                    tuple(self.type_of(item, scope)[0] for item in node.items)
                ),
                None,
            )
        if isinstance(node, jn.CondExpr):
            a, fa = self.type_of(node.expr1, scope)
            b, fb = (
                self.type_of(node.expr2, scope)
                if node.expr2 is not None
                else (type(None), None)
            )
            if isinstance(b, _Growing) and not b.items:
                return a, fa  # "xs if cond else []": the type of xs
            return (a if _is_safe(a) and _is_safe(b) else typing.Union[a, b]), fa or fb
        raise _Unknown(type(node).__name__)

    def bind(self, target: jn.Node, tp: Any, scope: dict[str, Any]) -> None:
        if isinstance(target, jn.Name):
            scope[target.name] = tp
        elif isinstance(target, jn.Tuple):
            args = typing.get_args(_strip_none(tp)) if tp is not None else ()
            for index, item in enumerate(target.items):
                self.bind(
                    item,
                    (
                        args[index]
                        if index < len(args) and args[-1] is not Ellipsis
                        else None
                    ),
                    scope,
                )

    def walk(self, name: str, nodes: list[jn.Node], scope: dict[str, Any]) -> None:
        for node in nodes:
            if isinstance(node, jn.Output):
                for expr in node.nodes:
                    if isinstance(expr, jn.TemplateData):
                        continue
                    if isinstance(expr, jn.Filter) and expr.name in FILTERS:
                        self.filtered += 1
                        continue
                    source = self._source(name, expr)
                    try:
                        tp, origin = self.type_of(expr, scope)
                    except _Unknown as exc:
                        self.unknown.append(
                            f"{name}:{expr.lineno}: {source}: cannot tell its type ({exc})"
                        )
                        continue
                    self.printed.append(_Printed(name, expr.lineno, source, origin, tp))
            elif isinstance(node, jn.For):
                inner = dict(scope)
                try:
                    iterable, _ = self.type_of(node.iter, scope)
                    element = _element(_strip_none(iterable))
                except _Unknown:
                    element = None
                self.bind(node.target, element, inner)
                inner["loop"] = _LOOP
                self.walk(name, node.body, inner)
                self.walk(name, node.else_, scope)
            elif isinstance(node, jn.Assign):
                call = node.node
                if (
                    isinstance(call, jn.Call)
                    and isinstance(call.node, jn.Getattr)
                    and call.node.attr == "append"
                    and isinstance(call.node.node, jn.Name)
                    and isinstance(scope.get(call.node.node.name), _Growing)
                    and len(call.args) == 1
                ):
                    try:
                        appended, _ = self.type_of(call.args[0], scope)
                    except _Unknown:
                        appended = None
                    scope[call.node.node.name].items.append(appended)
                    continue
                try:
                    tp, _ = self.type_of(node.node, scope)
                except _Unknown:
                    tp = None
                self.bind(node.target, tp, scope)
            elif isinstance(node, jn.If):
                self.walk(name, node.body, dict(scope))
                for elif_ in node.elif_:
                    self.walk(name, [elif_], dict(scope))
                self.walk(name, node.else_, dict(scope))
            elif isinstance(node, (jn.Include, jn.Extends, jn.Import, jn.FromImport)):
                continue  # every template is scanned on its own
            elif isinstance(node, jn.Macro):
                self.unknown.append(
                    f"{name}:{node.lineno}: macro {node.name!r}: arguments have no IR type"
                )
            else:
                self.walk(name, list(node.iter_child_nodes()), scope)

    def _source(self, name: str, expr: jn.Node) -> str:
        lines = (self.source_of[name]).splitlines()
        line = lines[expr.lineno - 1] if 0 < expr.lineno <= len(lines) else ""
        found = re.findall(r"\{\{(.*?)\}\}", line)
        return (
            "{{ " + found[0].strip() + " }}"
            if len(found) == 1
            else f"<line {expr.lineno}>"
        )

    def scan(self) -> None:
        self.source_of: dict[str, str] = {}
        classes = _ir_classes()
        root = {"api": classes["Api"]}
        if "OperationGroup" in classes:
            root["group"] = classes["OperationGroup"]
        for path in sorted(templates_dir().rglob("*.jinja")):
            name = path.relative_to(templates_dir()).as_posix()
            source = path.read_text(encoding="utf-8")
            self.source_of[name] = source
            self.walk(name, self.env.parse(source).body, dict(root))


_LOOP = object()


def test_every_template_expression_goes_through_a_filter_or_prints_generator_code() -> (
    None
):
    scan = TemplateScan(environment())
    scan.scan()
    allowed = allow_list()
    assert ("Operation", "return_annotation") in allowed and (
        "Operation",
        "summary",
    ) not in allowed
    assert scan.filtered > 20, "the scan found the templates' filtered expressions"
    assert not scan.unknown, "\n".join(scan.unknown)
    bad = [
        f"{p.template}:{p.line}: {p.source} prints {p.type!r}"
        for p in scan.printed
        if not _is_safe(p.type) or (p.field is not None and p.field not in allowed)
    ]
    listing = "\n".join(
        f"{p.template}:{p.line}: {p.source} -> {p.field} {p.type!r}"
        for p in scan.printed
    )
    assert not bad, (
        "unfiltered expressions that are not generator code:\n"
        + "\n".join(bad)
        + "\nall:\n"
        + listing
    )
    assert (
        scan.printed
    ), "the templates print some Code fields unfiltered (e.g. annotations)"


def test_the_scan_would_catch_an_unfiltered_spec_string(tmp_path: Path) -> None:
    (tmp_path / "bad.py.jinja").write_text(
        "{{ api.title }}\n{% for op in api.operations %}{{ op.summary }}{{ op.name }}{% endfor %}\n"
    )
    env = jinja2.Environment()
    scan = TemplateScan(env)
    scan.source_of = {"bad.py.jinja": (tmp_path / "bad.py.jinja").read_text()}
    scan.walk(
        "bad.py.jinja",
        env.parse(scan.source_of["bad.py.jinja"]).body,
        {"api": _ir_classes()["Api"]},
    )
    unsafe = [p.source for p in scan.printed if not _is_safe(p.type)]
    assert unsafe == ["{{ api.title }}", "<line 2>"]
    assert [p.field for p in scan.printed] == [
        ("Api", "title"),
        ("Operation", "summary"),
        ("Operation", "name"),
    ]


def test_golden_specs_render_through_the_safe_environment() -> None:
    # render() raises TemplateSafetyError on any unfiltered spec string.
    specs = sorted((ROOT / "tests" / "golden").glob("*/*.yaml"))
    assert specs
    for spec in specs:
        result = generate_package(spec)
        for path, text in result.files.items():
            if path.endswith(".py"):
                ast.parse(text, path)


# -- valid specs the generator cannot handle yet ---------------------------------------


def _one_schema_spec(
    schemas: dict[str, Any], parameters: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    first = next(iter(schemas))
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "servers": [{"url": BASE}],
        "paths": {
            "/a": {
                "get": {
                    "parameters": parameters or [],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/{first}"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": schemas},
    }


SCHEMA_CYCLE_BUG = (
    "build_types.TypeBuilder.resolve_ref recurses without end on a schema that contains itself through items or "
    "additionalProperties only (no model in between): RecursionError, exit 3 (internal error) for a valid spec"
)
HUGE_LENGTH_BUG = (
    "examples.sample_scalar pads the sample to minLength ('x' * minLength) and build._invalid_value builds "
    "'x' * (maxLength + 1): a valid spec with minLength or maxLength 2000000000 allocates gigabytes, "
    "MemoryError, exit 3 (internal error)"
)
_REF_A = {"$ref": "#/components/schemas/A"}
CRASHERS = {
    "array_of_itself": (
        _one_schema_spec({"A": {"type": "array", "items": _REF_A}}),
        "RecursionError",
        SCHEMA_CYCLE_BUG,
    ),
    "map_of_itself": (
        _one_schema_spec({"A": {"type": "object", "additionalProperties": _REF_A}}),
        "RecursionError",
        SCHEMA_CYCLE_BUG,
    ),
    "arrays_of_each_other": (
        _one_schema_spec(
            {
                "A": {"type": "array", "items": {"$ref": "#/components/schemas/B"}},
                "B": {"type": "array", "items": _REF_A},
            }
        ),
        "RecursionError",
        SCHEMA_CYCLE_BUG,
    ),
    "huge_min_length": (
        _one_schema_spec(
            {"A": {"type": "string"}},
            [
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string", "minLength": 2_000_000_000},
                }
            ],
        ),
        "MemoryError",
        HUGE_LENGTH_BUG,
    ),
    "huge_max_length": (
        _one_schema_spec(
            {"A": {"type": "string"}},
            [
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string", "maxLength": 2_000_000_000},
                }
            ],
        ),
        "MemoryError",
        HUGE_LENGTH_BUG,
    ),
}


@pytest.mark.parametrize(
    "name",
    [name for name in CRASHERS],
)
def test_valid_specs_never_crash_the_generator(name: str, tmp_path: Path) -> None:
    spec, symptom, _reason = CRASHERS[name]
    openapi_validate(spec)
    (tmp_path / f"{name}.json").write_text(json.dumps(spec))
    result = run_cli("generate", f"{name}.json", "--out", "out", cwd=tmp_path)
    if result.returncode == 3 and f"internal error: {symptom}" in result.stderr:
        raise KnownBug(result.stderr.strip())
    assert result.returncode in (0, 2), result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_each_warning_is_reported_once(tmp_path: Path) -> None:
    spec = _one_schema_spec({"A": {"type": "string"}})
    del spec["servers"]
    (tmp_path / "api.json").write_text(json.dumps(spec))
    warnings = generate_package(tmp_path / "api.json").warnings
    assert any("no servers" in w for w in warnings)
    if len(set(warnings)) != len(warnings):
        raise KnownBug(f"repeated warnings: {warnings}")
