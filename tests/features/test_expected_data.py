"""The generated tests check a decoded result against data (``examples/<case>.expected.json``),
not one ``assert`` a field: each check keeps its path, operator and typed value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from generator.pipeline import generate_package
from generator.write.stage import write_packages

# Example data shaped like the checks themselves ("type", "value", "$datetime",
# "key"): it must stay data, and the date-time field must be compared as one.
EXAMPLE = {
    "id": 7,
    "ok": False,
    "when": "2020-01-02T03:04:05Z",
    "day": "2020-01-02",
    "tags": {"type": "datetime", "value": "2020-01-02T03:04:05Z"},
    "meta": {"$datetime": "2020-01-02T03:04:05Z", "key": "x"},
    "undeclared": {"type": "date", "value": "2020-01-02"},
}
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
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing"},
                                "example": EXAMPLE,
                            }
                        },
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
                    "id": {"type": "integer"},
                    "ok": {"type": "boolean"},
                    "when": {"type": "string", "format": "date-time"},
                    "day": {"type": "string", "format": "date"},
                    "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                    "meta": {},
                },
            }
        }
    },
}


def _generate(tmp_path: Path) -> Path:
    spec = tmp_path / "checked_data.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    write_packages(tmp_path / "out", generate_package(spec).files)
    return tmp_path / "out" / "checked_data"


def _run_tests(package: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-c", os.devnull]
        + ["--rootdir", str(package.parent), str(package / "tests")],
        capture_output=True,
        text=True,
        cwd=package.parent,
        timeout=120,
    )


def test_expected_data_keeps_types_beside_plain_values(tmp_path: Path) -> None:
    package = _generate(tmp_path)
    examples = package / "tests" / "examples"
    text = (examples / "test_things.expected.json").read_text(encoding="ascii")
    assert text.startswith('{\n"get_thing_example": [\n{') and text.endswith("}\n]\n}\n")  # one check a line
    checks = json.loads(text)["get_thing_example"]
    assert checks == [  # the model's fields in order, then extra keys
        {"op": "==", "path": ["day"], "type": "date", "value": "2020-01-02"},
        {"op": "==", "path": ["id"], "value": 7},
        {"op": "==", "path": ["meta"], "value": EXAMPLE["meta"]},
        {"op": "is", "path": ["ok"], "value": False},
        {"op": "is not", "path": ["tags"], "value": None},
        {"op": "==", "path": ["tags"], "value": EXAMPLE["tags"]},
        {"op": "==", "path": ["when"], "type": "datetime", "value": "2020-01-02T03:04:05+00:00"},
        {"op": "==", "path": ["extra", {"key": "undeclared"}], "value": EXAMPLE["undeclared"]},
    ]
    module = (package / "tests" / "test_things.py").read_text()
    assert '_check(result, _expected(__file__, "get_thing_example"))' in module
    assert "assert result." not in module and "datetime" not in module
    assert _run_tests(package).returncode == 0


def test_a_wrong_expectation_fails_the_generated_test_naming_the_path(tmp_path: Path) -> None:
    package = _generate(tmp_path)
    path = package / "tests" / "examples" / "test_things.expected.json"
    path.write_text(path.read_text().replace("03:04:05+00:00", "03:04:06+00:00"))
    run = _run_tests(package)
    assert run.returncode == 1
    assert "result.when: expected == datetime.datetime(2020, 1, 2, 3, 4, 6" in run.stdout
