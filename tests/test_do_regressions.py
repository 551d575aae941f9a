"""Regressions the oracle found on DigitalOcean's spec, each on a minimal spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.ir import Model
from generator.pipeline import generate_package
from generator.sample_values import synthesise
from test_wild_regressions import generated_tests, spec_with

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
