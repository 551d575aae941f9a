"""Regressions the oracle found on DigitalOcean's spec, each on a minimal spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.ir.nodes import Model
from generator.pipeline import generate_package
from generator.ir.sample_values import synthesise
from .test_wild_regressions import generated_tests, spec_with

CREATED = {"201": {"description": "created", "content": {"application/json": {"schema": {"type": "object"}}}}}


def _models(tmp_path: Path, spec: dict[str, Any]) -> dict[str, Model]:
    path = tmp_path / "do.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    api = generate_package(path).api
    assert api is not None
    return {m.name: m for m in api.models}


def _post(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "/things": {
            "post": {
                "operationId": "create",
                "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                "responses": CREATED,
            }
        }
    }


def test_a_property_read_only_by_an_all_of_part_is_not_sent(tmp_path: Path) -> None:
    """DigitalOcean's database cluster: ``connection: {allOf: [{$ref: connection},
    {readOnly: true}]}`` was sent (as ``{}``, its own fields being read-only)."""
    components = {
        "schemas": {
            "Connection": {"type": "object", "properties": {"uri": {"type": "string", "readOnly": True}}},
            "Cluster": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "connection": {"allOf": [{"$ref": "#/components/schemas/Connection"}, {"readOnly": True}]},
                },
            },
        }
    }
    spec = spec_with(_post({"$ref": "#/components/schemas/Cluster"}), components=components)
    fields = {f.wire_name: f for f in _models(tmp_path, spec)["Cluster"].fields}
    assert fields["connection"].read_only and not fields["name"].read_only
    assert synthesise({"$ref": "#/components/schemas/Cluster"}, spec) == {"name": "example"}
    run = generated_tests(tmp_path, "do", spec)
    assert run.returncode == 0 and " passed" in run.stdout, run.stdout[-3000:]


def test_a_property_required_beside_a_single_all_of_part_is_required(tmp_path: Path) -> None:
    """DigitalOcean's uptime check body: ``allOf: [{$ref: check_updatable}]`` with
    its own ``required: [..., enabled]``; ``enabled`` (default true) is optional in
    the shared model, and the client left it out at its default."""
    components = {
        "schemas": {
            "Check": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "enabled": {"type": "boolean", "default": True}},
            }
        }
    }
    body = {"type": "object", "allOf": [{"$ref": "#/components/schemas/Check"}], "required": ["name", "enabled"]}
    spec = spec_with(_post(body), components=components)
    models = _models(tmp_path, spec)
    shared = {f.wire_name: f for f in models["Check"].fields}
    assert not shared["enabled"].required  # the shared model keeps its own rules
    own = [m for name, m in models.items() if name != "Check"]
    assert len(own) == 1, sorted(models)
    fields = {f.wire_name: f for f in own[0].fields}
    assert fields["enabled"].required and not fields["enabled"].has_default
    run = generated_tests(tmp_path, "do", spec)
    assert run.returncode == 0 and " passed" in run.stdout, run.stdout[-3000:]


def test_a_path_parameter_of_read_only_schemas_is_sent(tmp_path: Path) -> None:
    """DigitalOcean's ``ssh_key_identifier``: ``anyOf: [a readOnly integer id, a
    readOnly string fingerprint]``. ``readOnly`` concerns properties only
    (OpenAPI 3.0 Schema Object), so the argument is made and sent in the path
    (openapi-core refuses it: a known gap, tests/oracle/known_gaps.py)."""
    components = {
        "schemas": {
            "Id": {"type": "integer", "readOnly": True, "example": 512189},
            "Fingerprint": {"type": "string", "readOnly": True, "example": "3b:16:bf"},
        }
    }
    param = {
        "in": "path",
        "name": "ssh_key_identifier",
        "required": True,
        "schema": {"anyOf": [{"$ref": "#/components/schemas/Id"}, {"$ref": "#/components/schemas/Fingerprint"}]},
    }
    op = {"operationId": "get_key", "parameters": [param], "responses": CREATED}
    spec = spec_with({"/keys/{ssh_key_identifier}": {"get": op}}, components=components)
    path = tmp_path / "keys.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    files = generate_package(path).files
    tests = next(text for name, text in files.items() if name.endswith(".py") and "def test_get_key" in text)
    assert 'assert recorder.path() == "/keys/1"' in tests, tests  # the id member's made-up value
    run = generated_tests(tmp_path, "keys", spec)
    assert run.returncode == 0 and " passed" in run.stdout, run.stdout[-3000:]
