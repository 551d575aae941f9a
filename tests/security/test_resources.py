"""Small specs that used to cost exponential time or memory (issue 15, defects 8-10).

Each test runs the generator in-process under a deadline (SIGALRM: it stops
Python loops and ``re``'s backtracking alike), so a regression fails in
seconds instead of hanging; and asserts what bounds the work (output size,
warnings, a refusal). Every input takes the old code more than 10 s (or
megabytes of output where it was quick).
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import generator.runtime as rt
from generator import SpecError
from generator import patterns
from generator.ir.build import build_api
from generator.ir.build_tests import MAX_SAMPLE_VALUES
from generator.ir.examples import string_for_pattern
from generator.lint.checks import lint
from generator.pipeline import build_ir
from generator.lint.keywords import MAX_STEPS
from generator.load.loader import load_spec
from generator.ir.naming import Scope
from generator.render.package import render
from generator.validate.checks import validate

DEADLINE = 20  # seconds; the fixed code needs well under 2 for any test here
OUTPUT_CAP = 400_000  # characters of rendered (unformatted) package; ~90 KB for these specs


class Hung(Exception):
    pass


@contextmanager
def deadline(seconds: float = DEADLINE) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def spec_file(tmp_path: Path, schemas: dict[str, Any], operation: dict[str, Any], version: str = "3.0.3") -> Path:
    doc = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://example.com"}],
        "paths": {"/x": {"post": {"operationId": "op", **operation}}},
        "components": {"schemas": schemas},
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(doc))
    return path


def rendered_size(path: Path) -> tuple[int, tuple[str, ...]]:
    with deadline():
        spec = load_spec(path)
        validate(spec)
        api = build_api(spec)
        return sum(len(text) for text in render(api).values()), api.warnings


# -- defect 8: samples, examples and types that grow exponentially ------------


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def chain(levels: int, level: Any) -> dict[str, Any]:
    """L0 an object; each Li built by ``level(ref to Li-1)``."""
    schemas = {"L0": {"type": "object", "properties": {"v": {"type": "string"}}, "required": ["v"]}}
    for i in range(1, levels + 1):
        schemas[f"L{i}"] = level(ref(f"L{i - 1}"))
    return schemas


SHAPES = {
    # two required properties of the level below: 2**n values in a sample
    "properties": lambda below: {"type": "object", "properties": {"a": below, "b": below}, "required": ["a", "b"]},
    # allOf parts with required object properties
    "allOf": lambda below: {
        "allOf": [{"type": "object", "properties": {"a": below, "b": below}, "required": ["a", "b"]}]
    },
    # a named union whose decoder spells out the one below twice
    "oneOf": lambda below: {"oneOf": [below, {"type": "array", "items": below}]},
    "anyOf": lambda below: {"anyOf": [below, {"type": "object", "additionalProperties": below}]},
    # an alias (inlined wherever used) of a union of the one below, twice
    "items": lambda below: {"type": "array", "items": {"oneOf": [below, {"type": "object", "additionalProperties": below}]}},
    "additionalProperties": lambda below: {
        "type": "object",
        "additionalProperties": {"anyOf": [below, {"type": "array", "items": below}]},
    },
}
PLACES = {
    "request body": lambda top: {
        "requestBody": {"required": True, "content": {"application/json": {"schema": top}}},
        "responses": {"204": {"description": "none"}},
    },
    "response": lambda top: {
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": top}}}},
    },
    "query parameter": lambda top: {
        "parameters": [{"name": "q", "in": "query", "required": True, "schema": top}],
        "responses": {"204": {"description": "none"}},
    },
}


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("shape", list(SHAPES))
def test_exponential_schemas_give_bounded_output(tmp_path: Path, shape: str, place: str) -> None:
    """18 levels: 2**18 values or type parts; the old code wrote megabytes of
    samples, decoders and annotations (then black ran for minutes on them)."""
    levels = 18
    path = spec_file(tmp_path, chain(levels, SHAPES[shape]), PLACES[place](ref(f"L{levels}")))
    size, warnings = rendered_size(path)
    assert size < OUTPUT_CAP
    if shape in ("properties", "allOf"):  # a valid sample would be exponential: no test, said so
        assert any("no test" in w for w in warnings), warnings
    else:  # the type is too large to spell out: Any, said so
        assert any("typed as Any" in w for w in warnings), warnings


def test_a_sample_under_the_cap_is_kept(tmp_path: Path) -> None:
    """A few levels: the usual made-up body and its test, as before."""
    path = spec_file(tmp_path, chain(4, SHAPES["properties"]), PLACES["request body"](ref("L4")))
    with deadline():
        api = build_api(load_spec(path))
    assert not any("no test" in w for w in api.warnings)
    assert api.operations[0].tests
    assert 2**4 < MAX_SAMPLE_VALUES


def test_all_of_that_the_validator_would_expand_for_hours_is_refused(tmp_path: Path) -> None:
    """``L14: allOf: [L13, L13]``: openapi-spec-validator walks 2**15 schemas
    at ~1 ms each (and 2**20 for 20 levels); refused before it starts."""
    schemas = chain(14, lambda below: {"allOf": [below, below]})
    path = spec_file(tmp_path, schemas, PLACES["response"](ref("L14")))
    with deadline(), pytest.raises(SpecError) as raised:
        validate(load_spec(path))
    assert "allOf expands to more than" in str(raised.value)
    assert "/components/schemas/L14/allOf" in str(raised.value)


def test_lint_stops_checking_an_example_that_branches_exponentially(tmp_path: Path) -> None:
    """``L22: anyOf: [L21, L21]`` with an example that fails at the bottom:
    jsonschema tried 2**22 branches (old code: minutes and 600 MB)."""
    schemas = chain(22, lambda below: {"anyOf": [below, below]})
    operation = {
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": ref("L22"), "example": {"v": 1}}},
            }
        }
    }
    with deadline():
        found = _lint(load_spec(spec_file(tmp_path, schemas, operation)))
    assert any(f"more than {MAX_STEPS} steps" in line for line in found), found


def test_lint_has_a_budget_for_all_examples(tmp_path: Path) -> None:
    """Many examples each just under the per-example budget stop at the spec's."""
    schemas = chain(11, lambda below: {"anyOf": [below, below]})
    params = [
        {"name": f"p{i}", "in": "query", "description": "d", "schema": ref("L11"), "example": {"v": 1}}
        for i in range(60)
    ]
    with deadline():
        found = _lint(load_spec(spec_file(tmp_path, schemas, {"parameters": params, "responses": {"204": {"description": "x"}}})))
    assert sum("the ones after it are not checked" in line for line in found) == 1, found


# -- defect 9: catastrophic patterns, wherever patterns are used ---------------

CATASTROPHIC = ["^(a+)+$", "(a+)+$", "^(a|a)*$", "(a|aa)+$", "(.*a){20}$"]
BAD_TEXT = "a" * 40 + "!"  # seconds to years for re on each pattern above


def pattern_spec(tmp_path: Path, pattern: str, example: str) -> Path:
    string = {"type": "string", "pattern": pattern, "example": example}
    operation = {
        "parameters": [{"name": "q", "in": "query", "description": "d", "required": True, "schema": string}],
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"Field": string}, "required": ["Field"]}
                },
            }
        },
        "responses": {"204": {"description": "none"}},
    }
    return spec_file(tmp_path, {"Thing": {"type": "object", "properties": {"name": string}}}, operation)


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_generate_checks_examples_against_patterns_in_linear_time(tmp_path: Path, pattern: str) -> None:
    """``examples.satisfies`` (the parameter's example) and ``_invalid_value``
    (the generated test's bad value) both ran ``re.search`` on these."""
    with deadline():
        api = build_api(load_spec(pattern_spec(tmp_path, pattern, BAD_TEXT)))
    (op,) = api.operations
    assert op.tests  # a test with valid arguments: the example was rejected, one was made
    query = next(p for p in op.parameters if p.wire_name == "q")
    assert patterns.compile(pattern) is not None


def test_invalid_value_is_bounded(tmp_path: Path) -> None:
    """``^!?$|^(x+)+y``: "!" and "" match, and "x" * 2000 made re backtrack for ever."""
    with deadline():
        api = build_api(load_spec(pattern_spec(tmp_path, "^!?$|^(x+)+y", "xy")))
    (op,) = api.operations
    assert any(call.param == "q" for call in op.invalid_calls)


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_lint_checks_patterns_in_linear_time(tmp_path: Path, pattern: str) -> None:
    """Parameter and schema examples, and a form body property's."""
    with deadline():
        found = _lint(load_spec(pattern_spec(tmp_path, pattern, BAD_TEXT)))
    mismatches = [line for line in found if "does not match pattern" in line]
    assert len(mismatches) >= 3, found


def test_lint_pattern_properties_in_linear_time(tmp_path: Path) -> None:
    """OpenAPI 3.1 (3.0 has no patternProperties): the keyword and additionalProperties beside it."""
    schemas = {
        "Map": {
            "type": "object",
            "patternProperties": {"^(a+)+$": {"type": "integer"}},
            "additionalProperties": False,
            "example": {BAD_TEXT: 1, "a": "not an integer"},
        }
    }
    operation = {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": ref("Map")}}}}}
    with deadline():
        found = _lint(load_spec(spec_file(tmp_path, schemas, operation, "3.1.0")))
    assert any("is not of type integer" in line for line in found), found
    assert any("Additional properties are not allowed" in line and "!" in line for line in found), found


@pytest.mark.parametrize("location", ["query", "form"])
@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_client_param_check_is_linear(pattern: str, location: Any) -> None:
    """The generated client's ``Param.check`` (query parameters and form body fields)."""
    param = rt.Param("q", location, "q", pattern=pattern)
    with deadline():
        with pytest.raises(ValueError, match="must match pattern"):
            param.check(BAD_TEXT)
        param.check("a" * 40)


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=a)a", "(?i)A", "(", "x{0,100000}"])
def test_client_skips_patterns_it_cannot_check_safely(pattern: str, tmp_path: Path) -> None:
    """The documented rule: not checked (and the generator says so), never a hang or a crash."""
    rt.Param("q", "query", "q", pattern=pattern).check("b" * 100)
    string = {"type": "string", "pattern": pattern}
    operation = {"parameters": [{"name": "q", "in": "query", "schema": string}], "responses": {"204": {"description": "x"}}}
    path = spec_file(tmp_path, {}, operation)
    api = build_api(load_spec(path))
    assert any("cannot be checked in linear time" in w and "/parameters/0/schema/pattern" in w for w in api.warnings)


def test_string_made_from_a_pattern_is_bounded() -> None:
    """``((a{1000}){1000}){1000}``: the old code built a billion characters."""
    with deadline():
        assert string_for_pattern("((a{1000}){1000}){1000}") is None
        assert string_for_pattern("^a{3}$") == "aaa"


# -- defect 10: size -----------------------------------------------------------


def test_a_schema_with_too_many_properties_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    properties = {f"p{i}": {"type": "string"} for i in range(1001)}
    path = spec_file(tmp_path, {"Big": {"type": "object", "properties": properties}}, PLACES["response"](ref("Big")))
    with pytest.raises(SpecError) as raised:
        load_spec(path)
    assert str(raised.value).endswith(
        "/components/schemas/Big/properties: a schema with 1,001 properties, above the limit of 1,000 "
        "(set SPECGEN_MAX_PROPERTIES to raise it)"
    )
    monkeypatch.setenv("SPECGEN_MAX_PROPERTIES", "2000")
    load_spec(path)


def test_too_many_properties_in_all_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_MAX_TOTAL_PROPERTIES", "50")
    schemas = {f"S{i}": {"type": "object", "properties": {f"p{j}": {"type": "string"} for j in range(10)}} for i in range(6)}
    with pytest.raises(SpecError, match="more than 50 properties in all schemas, above the limit of 50 "):
        load_spec(spec_file(tmp_path, schemas, PLACES["response"](ref("S0"))))


def test_colliding_names_cost_linear_time() -> None:
    """30,000 properties that all map to ``a``: the old scope tried 2, 3, ...
    for each (4.5e8 lookups)."""
    scope = Scope("property", "snake", "field")
    with deadline():
        names = [scope.claim("a" + "!" * (i % 3)) for i in range(30_000)]
    assert names[:3] == ["a", "a_2", "a_3"] and len(set(names)) == 30_000


def _lint(spec: Any) -> list[str]:
    """``specgen lint``'s findings for a loaded spec."""
    built = build_ir(spec)
    return lint(built.spec, built.api)
