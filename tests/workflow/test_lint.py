"""`specgen lint`: examples against their schemas, and what a transcription forgot."""

from __future__ import annotations

import re
from pathlib import Path

from generator.commands.base import EXIT_INPUT, EXIT_OK

from .conftest import SEED, CliRunner, make_repo

EXAMPLE = "/paths/~1v1~1Trunks~1{TrunkSid}~1PhoneNumbers/get/responses/200/content/application~1json/examples/read_full/value/phone_numbers/0"


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(needle))


def test_seed_spec_findings(tmp_path: Path, cli: CliRunner) -> None:
    # configured as this repository is: the seed's x-specgen-env names are allowed
    repo = make_repo(tmp_path / "r", '[tool.specgen]\nallow-env = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]\n')
    result = cli("lint", cwd=repo)
    assert result.code == EXIT_OK, result.err
    spec_text = SEED.read_text()
    where = f"spec/{SEED.name}"
    expected = [
        f"{where}:{_line_of(spec_text, 'links:')}: {EXAMPLE}/links: warning: undocumented field 'links': "
        "the schema has no such property (add it to the schema, or remove it from the example)",
        f"{where}:{_line_of(spec_text, 'status_callback:')}: {EXAMPLE}/status_callback: warning: "
        "example value '' is not a valid uri",
        f"{where}:{_line_of(spec_text, 'sms_fallback_url:')}: {EXAMPLE}/sms_fallback_url: warning: "
        "example value '' is not a valid uri",
        f"{where}:{_line_of(spec_text, 'voice_application_sid:')}: {EXAMPLE}/voice_application_sid: warning: "
        "example value '' does not match pattern '^AP[0-9a-fA-F]{32}$'",
        f"{where}:{_line_of(spec_text, 'voice_application_sid:')}: {EXAMPLE}/voice_application_sid: warning: "
        "example value '' is shorter than minLength 34",
    ]
    assert result.out.splitlines() == expected
    assert "specgen: 5 warnings in 1 spec" in result.err
    strict = cli("lint", "--strict", cwd=repo)
    assert strict.code == EXIT_INPUT
    assert "5 warnings and --strict given" in strict.err
    (repo / "pyproject.toml").write_text("[tool.specgen]\nstrict = true\n")
    assert cli("lint", cwd=repo).code == EXIT_INPUT
    assert cli("lint", "--no-strict", cwd=repo).code == EXIT_OK


SPEC = """\
openapi: 3.0.3
info: {title: Lint me, version: '1'}
servers: [{url: 'https://api.example.com'}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - name: id
          in: path
          required: true
          description: The id.
          example: nope
          schema: {type: string, pattern: '^T[0-9]+$', maxLength: 5}
        - name: limit
          in: query
          schema: {type: integer, maximum: 10}
          examples:
            too_big: {value: 11}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              example:
                id: T1
                when: yesterday
                note: null
                kind: null
                size: null
                tags: [a, 3]
  /others:
    get:
      operationId: listOthers
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
        when: {type: string, format: date-time}
        note: {type: string, nullable: true}
        kind: {type: string, nullable: true, enum: [a, b]}
        size: {type: integer}
        tags: {type: array, items: {type: string}}
        level:
          type: integer
          format: int32
          example: 99999999999
        empty:
          type: string
          nullable: true
          enum: [null]
"""


def test_rules_nullable_formats_and_missing_docs(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r", None, spec=None)
    (repo / "spec").mkdir()
    (repo / "spec" / "things.yaml").write_text(SPEC)
    result = cli("lint", cwd=repo)
    assert result.code == EXIT_OK, result.err
    found = {re.sub(r"^spec/things.yaml:\d+: ", "", line) for line in result.out.splitlines()}
    params = "/paths/~1things~1{id}/get/parameters"
    body = "/paths/~1things~1{id}/get/responses/200/content/application~1json/example"
    for expected in (
        f"{params}/0/example: warning: example value 'nope' does not match pattern '^T[0-9]+$'",
        f"{params}/1: warning: parameter 'limit' has no description (the generated docstring will be generic)",
        f"{params}/1/examples/too_big/value: warning: example value 11 breaks maximum 10",
        f"{body}/when: warning: example value 'yesterday' is not a valid date-time",
        f"{body}/size: warning: example value None is not of type integer",  # not nullable
        f"{body}/tags/1: warning: example value 3 is not of type string",
        "/components/schemas/Thing/properties/level/example: warning: example value 99999999999 is not a valid int32",
        "/components/schemas/Thing/properties/empty/enum: warning: enum has no values: no value can be sent or received",
        "/paths/~1others/get: warning: operation 'listOthers' has no response example; its generated test uses a "
        "made-up body (copy the example from the docs page)",
    ):
        assert expected in found, "\n".join(sorted(found))
    # null is fine where the schema is nullable, with or without an enum.
    assert not any(f"{body}/note" in line or f"{body}/kind" in line for line in found)
    lines = [int(line.split(":")[1]) for line in result.out.splitlines()[:7]]
    assert lines == sorted(lines)


def test_invalid_spec_is_an_error(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r", None, spec=None)
    (repo / "spec").mkdir()
    (repo / "spec" / "bad.yaml").write_text("openapi: 3.0.3\ninfo: {title: x}\npaths: {}\n")
    result = cli("lint", cwd=repo)
    assert result.code == EXIT_INPUT
    assert result.err.startswith("spec/bad.yaml:")


SEED_ACKNOWLEDGED = f"""\
[tool.specgen]
allow-env = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]
lint-acknowledged = [
    "{EXAMPLE}/links: warning: undocumented field 'links'",
    "{EXAMPLE}/status_callback: example value '' is not a valid uri",
    "{EXAMPLE}/sms_fallback_url",
    "{EXAMPLE}/voice_application_sid: warning: example value '' does not match pattern",
    "{EXAMPLE}/voice_application_sid: warning: example value '' is shorter than minLength 34",
]
"""


def test_acknowledged_warnings_keep_lint_quiet_until_something_new(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r", SEED_ACKNOWLEDGED)
    quiet = cli("lint", cwd=repo)
    assert quiet.code == EXIT_OK, quiet.err
    assert quiet.out == ""
    assert "specgen: 0 warnings in 1 spec (5 acknowledged (lint-acknowledged))" in quiet.err
    assert cli("lint", "--strict", cwd=repo).code == EXIT_OK  # acknowledged warnings do not fail --strict
    # something new: a second undocumented field in the same example is not acknowledged
    spec = repo / "spec" / SEED.name
    indent = "\n                        "
    spec.write_text(spec.read_text().replace(f"{indent}links:", f"{indent}extra_field: 1{indent}links:", 1))
    new = cli("lint", "--strict", cwd=repo)
    assert new.code == EXIT_INPUT
    printed = new.out.splitlines()
    assert printed and all("/extra_field: warning: undocumented field 'extra_field'" in line for line in printed), printed
    assert "1 warning and --strict given" in new.err


def test_an_acknowledgement_that_matches_nothing_is_reported(tmp_path: Path, cli: CliRunner) -> None:
    gone = '    "/paths/~1gone: warning: fixed long ago",\n'
    repo = make_repo(tmp_path / "r", SEED_ACKNOWLEDGED.replace("lint-acknowledged = [\n", "lint-acknowledged = [\n" + gone))
    result = cli("lint", cwd=repo)
    assert result.code == EXIT_OK, result.err
    assert "lint-acknowledged entry matches no warning any more: '/paths/~1gone: warning: fixed long ago'" in result.err


def test_acknowledgements_per_spec_and_bad_values(tmp_path: Path, cli: CliRunner) -> None:
    per_spec = (
        '[tool.specgen]\nallow-env = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]\n'
        f'[[tool.specgen.specs]]\npath = "spec/{SEED.name}"\nlint-acknowledged = ["{EXAMPLE}/"]\n'
    )
    repo = make_repo(tmp_path / "r", per_spec)
    result = cli("lint", cwd=repo)
    assert result.code == EXIT_OK and result.out == "", result.out + result.err
    assert "(5 acknowledged (lint-acknowledged))" in result.err
    (repo / "pyproject.toml").write_text("[tool.specgen]\nlint-acknowledged = [1]\n")
    bad = cli("lint", cwd=repo)
    assert bad.code == EXIT_INPUT
    assert "lint-acknowledged: expected an array of warnings" in bad.err
