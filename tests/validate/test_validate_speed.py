"""The validator's references are resolved once, not per schema it checks.

jsonschema crawls an uncrawled registry at every ``$dynamicRef`` (the OpenAPI
3.1 meta-schema's ``#meta``) and throws the result away, and walks each
``$ref`` of the OpenAPI 3.0 schema anew at every place it is used: the
validator's work grew with the spec's schemas times those walks. The findings
must stay those of the stock validator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import referencing
import yaml

from generator.load.loader import load_spec
from generator.validate.checks import check

SCHEMAS = 60  # component schemas in the made-up specs


def spec_with_schemas(tmp_path: Path, version: str, broken: bool = False) -> Path:
    schemas: dict[str, Any] = {
        f"S{i}": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"$ref": f"#/components/schemas/S{(i + 1) % SCHEMAS}"}}}
        for i in range(SCHEMAS)
    }
    if broken:  # findings under a $ref'd schema, as the stock validator words them
        schemas["S3"]["properties"]["a"]["minLength"] = -1
        schemas["S7"]["required"] = "a"
    document = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}}}}},
        "components": {"schemas": schemas},
    }
    path = tmp_path / f"spec_{version}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_the_31_meta_schema_is_crawled_once_not_per_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(spec_with_schemas(tmp_path, "3.1.0"))
    crawls = counting(monkeypatch, referencing.Registry, "crawl")
    check(spec)
    assert len(crawls) < 10, f"{len(crawls)} crawls for {SCHEMAS} schemas"


def test_a_30_ref_is_resolved_once_per_place_not_per_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from referencing._core import Resolver

    spec = load_spec(spec_with_schemas(tmp_path, "3.0.3"))
    check(spec)  # what is resolved once per process is resolved by now
    lookups = counting(monkeypatch, Resolver, "lookup")
    check(spec)
    # About 5 a schema remain (the spec's own $refs, followed by jsonschema-path);
    # each use of a $ref of the OpenAPI schema added 7 more (751 for 60 schemas).
    assert len(lookups) < 8 * SCHEMAS, f"{len(lookups)} lookups for {SCHEMAS} schemas"


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_the_findings_are_the_stock_validators(version: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.validate.located as located

    spec = load_spec(spec_with_schemas(tmp_path, version, broken=True))
    ours = [str(f.diagnostic) for f in check(spec)[1]]
    assert len(ours) >= 2
    cls = located._V31 if version.startswith("3.1") else located._V30
    monkeypatch.setattr(located, "_crawled", lambda version_31: cls.schema_validator)
    monkeypatch.setattr(located, "_meta_validator", lambda checker, fmt: _stock_meta(checker, fmt))
    assert [str(f.diagnostic) for f in check(spec)[1]] == ours


def _stock_meta(checker: Any, format_checker: Any) -> Any:
    from jsonschema.validators import validator_for

    meta = validator_for(checker.META_SCHEMA, default=checker)
    return meta(meta.META_SCHEMA, format_checker=format_checker or meta.FORMAT_CHECKER)
