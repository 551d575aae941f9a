"""Regressions found on the Twilio corpus, each on a minimal spec."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import yaml

from generator.pipeline import generate_package
from generator.write.stage import write_packages

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/things": {
            "get": {
                "operationId": "getThing",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {
                    # twilio_messaging_v2: a nullable enum with a default; the server sends null
                    "method": {"type": "string", "enum": ["sms", "voice"], "default": "sms", "nullable": True},
                    "retries": {"type": "integer", "default": 3},
                },
            }
        }
    },
}


def test_nullable_field_with_a_default_accepts_null(tmp_path: Path) -> None:
    spec = tmp_path / "nullable_default.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    write_packages(tmp_path / "out", generate_package(spec).files)
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        models = importlib.import_module("nullable_default.models")
        assert models.Thing.from_dict({"method": None}).method is None
        assert models.Thing.from_dict({}).method == "sms"
        assert models.Thing.from_dict({}).retries == 3
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [m for m in sys.modules if m.startswith("nullable_default")]:
            del sys.modules[name]


def test_equal_length_bounds_are_documented_once_and_repeated_params_shared(tmp_path: Path) -> None:
    sid = {"type": "string", "minLength": 34, "maxLength": 34, "pattern": "^TK[0-9a-f]{32}$"}
    name = {"type": "string", "minLength": 2, "maxLength": 5}
    ok = {"200": {"description": "ok"}}
    params = [{"name": "TrunkSid", "in": "path", "required": True, "schema": sid}, {"name": "Name", "in": "query", "schema": name}]
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {
            "/Trunks/{TrunkSid}": {
                "get": {"operationId": "FetchTrunk", "parameters": params, "responses": ok},
                "delete": {"operationId": "DeleteTrunk", "parameters": params[:1], "responses": ok},
            }
        },
    }
    path = tmp_path / "shared.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    files = generate_package(path).files
    module = files["shared/operations/trunks.py"]
    assert "Exactly 34 characters." in module and "At least 34" not in module
    assert "At least 2 characters. At most 5 characters." in module
    # the constrained TrunkSid is written once and used by both operations
    assert module.count('_rt.Param(\n    "TrunkSid"') + module.count('_rt.Param("TrunkSid"') == 1
    assert module.count("_TRUNK_SID_PARAM,") == 2
    assert module.count('_rt.Param("Name"') == 1, "used once: written in place"


def test_example_date_times_in_both_twilio_formats() -> None:
    from datetime import datetime, timezone

    from generator.ir.examples import parse_datetime

    utc = datetime(2019, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert parse_datetime("2019-01-01T12:00:00Z") == utc
    assert parse_datetime("2019-01-01T12:00:00") == utc  # naive means UTC
    assert parse_datetime("Tue, 01 Jan 2019 12:00:00 +0000") == utc
    assert parse_datetime("Tue, 01 Jan 2019 13:00:00 +0100") == utc
    assert parse_datetime("yesterday") is None


def test_a_path_level_header_openapi_ignores_is_warned_about_once(tmp_path: Path) -> None:
    """A path-level Accept parameter serves every method below it: one warning at
    its pointer, not one per method (--strict counted it three times)."""
    spec = {
        **SPEC,
        "paths": {
            "/things": {
                "parameters": [{"name": "Accept", "in": "header", "schema": {"type": "string"}}],
                **{
                    method: {"operationId": f"{method}Thing", "responses": {"204": {"description": "done"}}}
                    for method in ("get", "put", "delete")
                },
            }
        },
    }
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    warnings = [w for w in generate_package(path).warnings if "is ignored, as OpenAPI says" in w]
    assert len(warnings) == 1, warnings
