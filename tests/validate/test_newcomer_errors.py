"""Errors a newcomer can act on (issue 18, item 4): in our words, one line a
problem, with the nearest name for a misspelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.load.loader import load_spec
from generator.suggest import nearest
from generator.validate.checks import validate

SPEC = """\
openapi: {version}
info: {{title: T, version: "1"}}
paths:
  /things/{{Sid}}:
    get:
      operationId: getThing
      parameters:
        - name: Sid
          in: path
          {required}
          schema: {{type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: "{ref}"}}
components:
  schemas:
    Thing:
      type: object
      {properties}:
        n: {{type: {type}}}
"""

GOOD = {
    "required": "required: true",
    "ref": "#/components/schemas/Thing",
    "properties": "properties",
    "type": "integer",
}


def errors(tmp_path: Path, version: str = "3.0.3", **changes: str) -> list[str]:
    path = tmp_path / "api.yaml"
    path.write_text(SPEC.format(version=version, **{**GOOD, **changes}))
    with pytest.raises(SpecError) as info:
        validate(load_spec(path))
    return [str(d) for d in info.value.diagnostics]


def test_the_fixture_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(SPEC.format(version="3.0.3", **GOOD))
    validate(load_spec(path))


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_path_parameter_without_required_true(tmp_path: Path, version: str) -> None:
    for required in ("", "required: false"):
        [error] = errors(tmp_path, version, required=required)
        assert error.endswith(
            "/paths/~1things~1{Sid}/get/parameters/0: path parameter 'Sid' must have `required: true`"
        )
        assert ":8: " in error


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_an_unknown_type_is_one_error_with_the_valid_types(
    tmp_path: Path, version: str
) -> None:
    [error] = errors(tmp_path, version, type="int")
    types = "array, boolean, integer, number, object, string" + (
        ", null" if version.startswith("3.1") else ""
    )
    assert error.endswith(
        f"/components/schemas/Thing/properties/n/type: 'int' is not a type (the types are {types}); did you mean 'integer'?"
    )


def test_a_dangling_ref_suggests_the_nearest_name(tmp_path: Path) -> None:
    [error] = errors(tmp_path, ref="#/components/schemas/Thng")
    assert error.endswith(
        "$ref target '#/components/schemas/Thng' does not exist; did you mean '#/components/schemas/Thing'?"
    )
    [far] = errors(tmp_path, ref="#/components/schemas/Zebra")
    assert "did you mean" not in far


def test_a_misspelled_schema_keyword_suggests_the_nearest_one(tmp_path: Path) -> None:
    # OpenAPI 3.0 only: a 3.1 schema is JSON Schema 2020-12, where unknown keywords are allowed
    found = errors(tmp_path, properties="propertes")
    assert any(
        "'propertes' (did you mean 'properties'?) is not allowed here" in e
        for e in found
    ), found


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_misspelled_operation_keywords_suggest_the_nearest_ones(
    tmp_path: Path, version: str
) -> None:
    path = tmp_path / "api.yaml"
    good = SPEC.format(version=version, **GOOD)
    path.write_text(
        good.replace("operationId:", "operationID:").replace("responses:", "respones:")
    )
    with pytest.raises(SpecError) as info:
        validate(load_spec(path))
    found = [str(d) for d in info.value.diagnostics]
    expected = (
        "/paths/~1things~1{Sid}/get: 'operationID' (did you mean 'operationId'?), "
        "'respones' (did you mean 'responses'?) are not allowed here (only x- extensions may be added)"
    )
    assert any(e.endswith(expected) for e in found), found


def test_nearest() -> None:
    assert nearest("Thng", ["Thing", "Other"]) == "Thing"
    assert nearest("int", ["integer", "string", "number"]) == "integer"
    assert nearest("zzz", ["Thing"]) is None
    assert nearest("a", ["b", "a"]) == "a"
