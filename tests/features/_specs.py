"""Generating a package from a spec written in a test, independently of the goldens."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from generator.pipeline import generate_package

OK = {"200": {"description": "done", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ok"}}}}}


def get(operation_id: str, **extra: Any) -> dict[str, Any]:
    """A GET operation answering a JSON object."""
    return {"get": {"operationId": operation_id, "responses": OK, **extra}}


def spec(title: str, paths: dict[str, Any], schemes: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        "components": {
            "securitySchemes": schemes,
            "schemas": {"Ok": {"type": "object", "properties": {"ok": {"type": "boolean"}}}},
        },
        **top,
    }


def generated(root: Path, name: str, document: dict[str, Any]) -> Iterator[tuple[ModuleType, tuple[str, ...]]]:
    """Generate ``document`` as package ``name`` under ``root``, import it, and
    yield it with the warnings; on exit forget it (``sys.modules``, ``sys.path``)."""
    path = root / f"{name}.yaml"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    result = generate_package(path)
    out = root / "out"
    for relative, text in result.files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(name), tuple(result.warnings)
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]
