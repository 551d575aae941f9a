"""Regressions found on the wild corpus (``../shared/specs/wild``), each on a minimal spec.

Each spec here is the construct alone, so the test runs without the corpus:
generate the package, then run its own generated tests (a subprocess, bounded
in time).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from generator.pipeline import generate_package
from generator.write.stage import write_packages

OK = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def spec_with(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        **extra,
    }


def generated_tests(
    tmp_path: Path, name: str, spec: dict[str, Any], **options: Any
) -> subprocess.CompletedProcess[str]:
    """Generate ``spec`` as package ``name`` and run the package's own tests."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    write_packages(tmp_path / "out", generate_package(path, **options).files)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_date_time_arguments_are_expected_as_the_client_sends_them(
    tmp_path: Path,
) -> None:
    """Xero: an example date-time in a header (``If-Modified-Since``) with
    milliseconds and an offset; the client sends ``datetime.isoformat()``
    (``.202000-08:00``), the test expected the example's own text."""
    params = [
        {
            "name": "If-Modified-Since",
            "in": "header",
            "schema": {"type": "string", "format": "date-time"},
            "example": "2020-02-06T12:17:43.202-08:00",
        },
        {
            "name": "since",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "format": "date-time"},
            "example": "2020-02-06T12:17:43+00:00",
        },
        {
            "name": "days",
            "in": "query",
            "schema": {
                "type": "array",
                "items": {"type": "string", "format": "date-time"},
            },
            "example": ["2020-02-06T12:17:43.5+01:00"],
        },
    ]
    spec = spec_with(
        {
            "/users": {
                "get": {
                    "operationId": "getUsers",
                    "parameters": params,
                    "responses": OK,
                }
            }
        }
    )
    run = generated_tests(tmp_path, "dates", spec)
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout


def test_a_body_example_is_expected_as_the_client_sends_it(tmp_path: Path) -> None:
    """DigitalOcean: a request body example spells out ``null`` for optional
    fields (``priority: null``); the client leaves an optional field at its
    default out, and a read-only one, and writes a date-time anew."""
    record = {
        "type": "object",
        "required": ["type", "data"],
        "properties": {
            "type": {"type": "string"},
            "data": {"type": "string"},
            "priority": {"type": "integer", "nullable": True},
            "ttl": {"type": "integer", "default": 1800},
            "id": {"type": "integer", "readOnly": True},
            "created": {"type": "string", "format": "date-time"},
            "labels": {
                "type": "object",
                "additionalProperties": {"type": "string", "format": "date-time"},
            },
        },
    }
    example = {
        "type": "A",
        "data": "162.10.66.0",
        "priority": None,
        "ttl": 1800,
        "id": 7,
        "created": "2020-02-06T12:17:43.202-08:00",
        "labels": {"seen": "2020-02-06T12:17:43+00:00"},
    }
    # a union, as DigitalOcean's: the example is the argument (a model alone gets a made-up one)
    union = {"anyOf": [{"$ref": "#/components/schemas/Record"}, {"type": "string"}]}
    body = {"content": {"application/json": {"schema": union, "example": example}}}
    spec = spec_with(
        {
            "/records": {
                "post": {
                    "operationId": "createRecord",
                    "requestBody": body,
                    "responses": OK,
                }
            }
        },
        components={"schemas": {"Record": record}},
    )
    run = generated_tests(tmp_path, "records", spec)
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout


def test_a_server_without_a_host_falls_back_to_the_base_url(tmp_path: Path) -> None:
    """DigitalOcean: an operation's ``servers: [{url: "https://"}]`` (its URL is
    known only at run time) made the client send to ``https:/path``."""
    op = {
        "operationId": "upload",
        "servers": [{"url": "https://"}],
        "requestBody": {
            "content": {
                "application/octet-stream": {
                    "schema": {"type": "string", "format": "binary"}
                }
            }
        },
        "responses": {"200": {"description": "ok"}},
    }
    spec = spec_with({"/<upload_url>": {"put": op}})
    path = tmp_path / "hostless.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    warnings = generate_package(path).warnings
    assert any(
        "/paths/~1<upload_url>/put/servers/0/url" in w and "names no host" in w
        for w in warnings
    ), warnings
    run = generated_tests(tmp_path, "hostless", spec)
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout


def test_a_made_up_map_of_a_union_is_tested(tmp_path: Path) -> None:
    """OpenAI: a response map whose values are a union (``additionalProperties:
    {oneOf: [string, object]}``, ResponsePromptVariables); the made-up response
    ``{"key": "example"}`` was refused by the example checker ("not an object
    of union"), and the operation left untested."""
    value = {
        "oneOf": [
            {"type": "string"},
            {"type": "object", "properties": {"text": {"type": "string"}}},
        ]
    }
    schema = {
        "type": "object",
        "properties": {"variables": {"type": "object", "additionalProperties": value}},
    }
    ok = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": schema}},
        }
    }
    spec = spec_with(
        {"/prompts": {"get": {"operationId": "getPrompt", "responses": ok}}}
    )
    path = tmp_path / "maps.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    warnings = generate_package(path).warnings
    assert not warnings, warnings
    run = generated_tests(tmp_path, "maps", spec)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "1 passed" in run.stdout
