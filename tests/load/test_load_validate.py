"""Load and validate: line numbers, $refs, and one located line per problem."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.load.loader import load_spec
from generator.validate.checks import validate

ROOT = Path(__file__).resolve().parents[2]

MINIMAL = """\
openapi: 3.0.3
info:
  title: t
  version: "1"
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Thing'
components:
  schemas:
    Thing:
      type: object
      properties:
        when:
          type: string
          format: date-time
"""


def write(tmp_path: Path, text: str, name: str = "api.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(SpecError) as info:
        validate(load_spec(path))
    return [str(d) for d in info.value.diagnostics]


def test_lines_are_recorded_for_pointers(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, MINIMAL))
    assert spec.line_of("/paths/~1things~1{id}/get/operationId") == 8
    assert spec.line_of("/components/schemas/Thing/properties/when/format") == 29
    assert spec.line_of("/components/schemas/Thing/nope/deeper") == 24


def test_yaml_timestamps_stay_strings(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, MINIMAL.replace('version: "1"', "version: 2020-01-01")))
    assert spec.document["info"]["version"] == "2020-01-01"


def test_valid_spec_passes(tmp_path: Path) -> None:
    validate(load_spec(write(tmp_path, MINIMAL)))


def test_json_spec(tmp_path: Path) -> None:
    import json

    import yaml

    data = yaml.safe_load(MINIMAL)
    path = write(tmp_path, json.dumps(data, indent=2), "api.json")
    validate(load_spec(path))


def test_relative_file_refs_are_resolved(tmp_path: Path) -> None:
    write(
        tmp_path,
        "components:\n  schemas:\n    Thing:\n      type: object\n      properties:\n"
        "        child:\n          $ref: '#/components/schemas/Thing'\n",
        "shared.yaml",
    )
    spec = load_spec(write(tmp_path, MINIMAL.replace("'#/components/schemas/Thing'", "'shared.yaml#/components/schemas/Thing'").split("components:\n  schemas:")[0]))
    validate(spec)
    thing = spec.document["components"]["schemas"]["Thing"]
    assert thing["properties"]["child"] == {"$ref": "#/components/schemas/Thing"}


def test_ref_to_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("'#/components/schemas/Thing'", "'nope.yaml#/components/schemas/Thing'"))
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert "missing file" in str(info.value)
    assert str(info.value).startswith(f"{path}:20: /paths/~1things~1{{id}}/get/responses/200/content/application~1json/schema:")


def test_dangling_ref(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, MINIMAL.replace("schemas/Thing'", "schemas/Thingy'")))
    assert error.endswith("$ref target '#/components/schemas/Thingy' does not exist; did you mean '#/components/schemas/Thing'?")
    assert ":21: " in error or ":20: " in error


def test_validator_error_is_located(tmp_path: Path) -> None:
    errors = errors_of(write(tmp_path, MINIMAL.replace("in: path", "in: nowhere")))
    # every kind of parameter allows other values of `in`: one line lists them all
    assert errors[0].endswith(
        ":11: /paths/~1things~1{id}/get/parameters/0/in: 'nowhere' is not one of ['path', 'query', 'header', 'cookie']"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "a spec must be a mapping, this file is a list"),
        ("openapi: [\n", "invalid YAML"),
        ("swagger: '2.0'\ninfo: {}\n", "Swagger 2.0 is not supported"),
        ("openapi: 4.0.0\n", "unsupported OpenAPI version"),
        ("info: {}\n", "missing the 'openapi' version field"),
        ("a: !!python/object:os.system x\n", "YAML tag"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
    ],
)
def test_broken_inputs(tmp_path: Path, text: str, expected: str) -> None:
    errors = errors_of(write(tmp_path, text))
    assert any(expected in e for e in errors), errors


def test_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_bytes(b"openapi: 3.0.3\ninfo:\n  title: \xff\n")
    [error] = errors_of(path)
    assert ":3: /: not valid UTF-8" in error


def test_alias_bomb_is_capped(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    [error] = errors_of(write(tmp_path, "\n".join(lines) + "\n"))
    assert "alias bomb" in error


def test_duplicate_operation_ids_and_undeclared_path_params(tmp_path: Path) -> None:
    text = MINIMAL.replace("paths:\n", "paths:\n  /other/{x}:\n    get:\n      operationId: getThing\n"
                           "      responses:\n        '204':\n          description: none\n")
    errors = errors_of(write(tmp_path, text))
    assert any("duplicate operationId 'getThing'" in e for e in errors)
    assert any("path parameter {x} is not declared" in e for e in errors)


def test_validation_uses_the_pure_python_backend_whatever_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """openapi-spec-validator picks jsonschema-rs when it is installed ("auto"), and its
    messages differ: specgen's error messages must not depend on what else is installed."""
    from generator.validate import checks as validate_module

    seen: list[str | None] = []
    real = validate_module._validator_backend_env

    monkeypatch.setenv("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "jsonschema-rs")  # not installed: would raise
    with real():
        seen.append(os.environ.get("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"))
    assert seen == ["jsonschema"]
    assert os.environ["OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"] == "jsonschema-rs", "restored"
    validate(load_spec(ROOT / "spec" / "twilio_trunking_v1.yaml"))  # and validation works under it


ALL_OF_SPEC = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      KEYWORD:
        - type: object
          properties: {name: {type: string}}
        - PART
"""


@pytest.mark.parametrize(
    ("part", "where"),
    [
        ("{$ref: '#/components/schemas/Thing'}", "/components/schemas/Thing/allOf/1/$ref"),
        ("{allOf: [{$ref: '#/components/schemas/Thing'}]}", "/components/schemas/Thing/allOf/1/allOf/0/$ref"),
    ],
)
def test_a_schema_that_includes_itself_through_all_of_is_refused_before_the_validator(
    tmp_path: Path, part: str, where: str
) -> None:
    """Without the check the validator expanded it until RecursionError, which took
    gigabytes in a process with a raised recursion limit (mypy raises it to 16,384)."""
    import sys

    spec = load_spec(write(tmp_path, ALL_OF_SPEC.replace("KEYWORD", "allOf").replace("PART", part)))
    sys.setrecursionlimit(100_000)  # conftest restores it
    with pytest.raises(SpecError) as info:
        validate(spec)
    (problem,) = info.value.diagnostics
    assert problem.pointer == where
    assert "allOf cycle through '#/components/schemas/Thing'" in problem.message


@pytest.mark.parametrize("keyword", ["anyOf", "oneOf"])
def test_a_schema_may_refer_to_itself_through_any_of_and_one_of(tmp_path: Path, keyword: str) -> None:
    part = "{$ref: '#/components/schemas/Thing'}"
    validate(load_spec(write(tmp_path, ALL_OF_SPEC.replace("KEYWORD", keyword).replace("PART", part))))
