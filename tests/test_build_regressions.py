"""Regressions found on the Twilio corpus, each on a minimal spec."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import yaml

from generator.pipeline import generate_package
from generator.write import write_packages

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
