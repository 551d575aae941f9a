"""The generated tests call the client with arguments and bodies that keep their schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from generator.pipeline import generate_package


def _valid(value: Any, schema: dict[str, Any]) -> bool:
    return not list(OAS30Validator(schema, format_checker=oas30_format_checker).iter_errors(value))


SPEC = """
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /payments/{id}:
    post:
      operationId: pay
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: ref, in: query, required: true, schema: {type: string, pattern: "^[A-Z]{2}[0-9]{4}$"}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount]
              properties:
                amount:
                  type: object
                  required: [currency, value]
                  properties:
                    currency: {type: string, maxLength: 3, minLength: 3, pattern: "^[A-Z]{3}$"}
                    value: {type: integer, minimum: 100}
                metadata: {}
      responses:
        "204": {description: done}
"""


def test_generated_test_arguments_keep_their_schemas(tmp_path: Path) -> None:
    """Fails on the old builder: "example" for a uuid, a pattern and a nested currency code,
    {"any": "value"} for an untyped field, 1 for a minimum of 100."""
    path = tmp_path / "pay.yaml"
    path.write_text(SPEC)
    api = generate_package(str(path)).api
    assert api is not None
    (test,) = api.operations[0].tests
    args = dict(test.args)
    assert args[None] == '"123e4567-e89b-42d3-a456-426614174000"'
    assert args["ref"] == '"AA0000"'
    body = yaml.safe_load(str(next(c.code for c in test.request_checks if c.kind == "json")))
    assert body == {"amount": {"currency": "AAA", "value": 100}, "metadata": "example"}
    assert _valid(body, yaml.safe_load(SPEC)["paths"]["/payments/{id}"]["post"]["requestBody"]["content"]["application/json"]["schema"])
    assert json.dumps(body)


def test_body_rules_are_decided_by_the_ir_and_checked_before_sending(tmp_path: Path) -> None:
    """Fails on the old generator: a body's nested rules were not checked at all."""
    import importlib
    import sys

    import pytest

    from generator.write.stage import write_packages

    path = tmp_path / "pay.yaml"
    path.write_text(SPEC)
    generated = generate_package(str(path))
    assert generated.api is not None
    body = next(p for p in generated.api.operations[0].parameters if p.location == "body")
    assert 'fields=(("currency", _rt.Rules(min_length=3, max_length=3, pattern="^[A-Z]{3}$"))' in body.runtime_param
    write_packages(tmp_path / "out", generated.files)
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        package = importlib.import_module(generated.package)
        ops = importlib.import_module(f"{generated.package}.operations")
        names = [n for n in dir(ops) if not n.startswith("_")]
        module = next(getattr(ops, n) for n in names if hasattr(getattr(ops, n), "pay"))
        good = {"amount": {"currency": "EUR", "value": 100}}
        bad = {"amount": {"currency": "eur", "value": 100}}
        model = next(t for t in vars(package.models).values() if isinstance(t, type) and hasattr(t, "from_dict") and "amount" in getattr(t, "__annotations__", {}))
        module.pay("123e4567-e89b-42d3-a456-426614174000", ref="AA0000", body=model.from_dict(good))
        with pytest.raises(ValueError, match=r"^body\.amount\.currency: must match pattern \^\[A-Z\]\{3\}\$, got 'eur'$"):
            module.pay("123e4567-e89b-42d3-a456-426614174000", ref="AA0000", body=model.from_dict(bad))
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [m for m in sys.modules if m.startswith(generated.package)]:
            del sys.modules[name]


FORM_SPEC = """
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /revoke:
    post:
      operationId: revoke
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, required: [grant_type], properties: {token: {type: string}}}
      responses:
        "204": {description: done}
"""


def test_a_required_form_field_missing_from_the_properties_is_an_argument(tmp_path: Path) -> None:
    """box.json's /oauth2/revoke requires grant_type, which its properties leave out:
    the old client had no way to send it, so no valid request."""
    path = tmp_path / "revoke.yaml"
    path.write_text(FORM_SPEC)
    generated = generate_package(str(path))
    assert generated.api is not None
    (test,) = generated.api.operations[0].tests
    (form,) = (c.pairs for c in test.request_checks if c.kind == "form")
    assert ("grant_type", "example") in form
    assert any("'grant_type' is not among the properties" in w for w in generated.warnings)
