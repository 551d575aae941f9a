"""Property-based: no valid spec in the union space crashes the generator (issue 16).

A spec here holds a few union schemas (see ``_unions.py``: oneOf/anyOf/allOf,
discriminators, the 3.0 and 3.1 null forms, inline and ``$ref`` variants,
nesting), each placed in a model property (as it is, as array items, as map
values, or as a named component), a request body, a response and a query
parameter. For each spec: the in-process generate raises nothing, every file
compiles, the package imports, the model decodes random conforming values
(null included where a schema allows it) and round-trips them through
``to_dict`` and JSON, a required field refuses null where its schema does,
and each response decodes a value of its schema. ``mypy --strict`` runs on a
fixed grid in ``test_union_grid.py`` (one run: it is slow).

Profiles (``HYPOTHESIS_PROFILE``): ``default`` runs 10 examples, derandomized;
``long`` runs 300 random ones::

    HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/security/test_union_fuzz.py -q
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as openapi_validate

from generator.errors import SpecError
from generator.pipeline import generate_package

from . import _unions as u

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
PROFILES = {
    "default": settings(max_examples=10, deadline=None, derandomize=True, database=None, suppress_health_check=_SLOW),
    "long": settings(max_examples=300, deadline=None, database=None, suppress_health_check=_SLOW),
}
PROFILE = PROFILES[os.environ.get("HYPOTHESIS_PROFILE", "default")]
SLOTS = ["property", "items", "map", "component"]
Drawn = tuple[dict[str, Any], list[tuple[str, dict[str, Any], str, bool]]]


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


@st.composite
def specs(draw: Any) -> Drawn:
    """A spec and its unions: (property name, schema, slot, required)."""
    version = draw(st.sampled_from([u.V30, u.V31]))
    schemas = u.components(version)
    unions = []
    properties: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for index, schema in enumerate(draw(st.lists(u.union(version), min_size=1, max_size=4))):
        name, slot = f"u{index}", draw(st.sampled_from(SLOTS))
        if slot == "component":
            schemas[f"U{index}"] = schema
            properties[name] = u.ref(f"U{index}")
        elif slot == "items":
            properties[name] = {"type": "array", "items": schema}
        elif slot == "map":
            properties[name] = {"type": "object", "additionalProperties": schema}
        else:
            properties[name] = schema
        unions.append((name, schema, slot, draw(st.booleans())))
        paths[f"/u{index}"] = {
            "post": {
                "operationId": f"post{index}",
                "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                "responses": _ok(schema),
            },
            "get": {
                "operationId": f"get{index}",
                "parameters": [{"name": "q", "in": "query", "required": draw(st.booleans()), "schema": schema}],
                "responses": _ok(u.ref("Holder")),
            },
        }
    required = [name for name, _, _, req in unions if req]
    schemas["Holder"] = {"type": "object", "properties": properties, **({"required": required} if required else {})}
    spec = {
        "openapi": version,
        "info": {"title": "unions", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
    return spec, unions


_COUNTER = itertools.count()


@pytest.fixture(scope="module")
def fuzz_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="specgen-union-fuzz-"))
    sys.path.insert(0, str(root))
    try:
        yield root
    finally:
        sys.path.remove(str(root))
        shutil.rmtree(root, ignore_errors=True)


def _wrap(slot: str, value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    if slot == "items":
        return st.lists(value, max_size=3)
    if slot == "map":
        return st.dictionaries(u.TEXT, value, max_size=3)
    return value


@PROFILE
@given(drawn=specs(), data=st.data())
def test_union_specs_generate_compile_and_round_trip(fuzz_root: Path, drawn: Drawn, data: st.DataObject) -> None:
    spec, unions = drawn
    openapi_validate(spec)  # the strategy builds valid specs only
    package = f"union_fuzz_{next(_COUNTER)}"
    path = fuzz_root / f"{package}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    result = generate_package(path)  # a valid spec: no SpecError, no crash
    for name, text in result.files.items():
        if name.endswith(".py"):
            compile(text, name, "exec", dont_inherit=True)
        target = fuzz_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    importlib.invalidate_caches()
    comps = spec["components"]["schemas"]
    assert result.api is not None
    fields = {f.wire_name: f for m in result.api.models if m.name == "Holder" for f in m.fields}
    try:
        models = importlib.import_module(f"{package}.models")
        values = {name: data.draw(_wrap(slot, u.data_for(schema, comps)), label=name) for name, schema, slot, _ in unions}
        holder = models.Holder.from_dict(values)
        assert models.Holder.from_dict(json.loads(json.dumps(holder.to_dict()))) == holder
        for name, schema, slot, required in unions:
            nullable = u.accepts_null(schema, comps) or fields[name].type.kind == "any"
            if slot in ("property", "component") and required and not nullable:
                with pytest.raises(Exception, match="null|None"):
                    models.Holder.from_dict({**values, name: None})
            index = name[1:]
            response = getattr(importlib.import_module(f"{package}.operations.u{index}"), f"_POST{index}").response
            value = data.draw(u.data_for(schema, comps), label=f"{name} response")
            assert (response.decode(value) is None) == (value is None), name
    finally:
        for module in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[module]
        shutil.rmtree(fuzz_root / package, ignore_errors=True)


INVALID = {
    "oneOf not a list": {"oneOf": {"type": "string"}},
    "empty anyOf": {"anyOf": []},
    "discriminator without propertyName": {"oneOf": [u.ref("Cat"), u.ref("Dog")], "discriminator": {"mapping": {"c": "Cat"}}},
    "nullable not a boolean": {"anyOf": [u.ref("Cat"), u.ref("Dog")], "nullable": "yes"},
    "variant not a schema": {"oneOf": [u.ref("Cat"), 3]},
    "ref to nowhere": {"anyOf": [u.ref("Cat"), u.ref("Nowhere")], "nullable": True},
}


@pytest.mark.parametrize("schema", list(INVALID.values()), ids=list(INVALID))
def test_invalid_union_specs_get_a_located_diagnostic(tmp_path: Path, schema: dict[str, Any]) -> None:
    """An invalid spec in the union space: a ``SpecError`` whose every line is
    ``file:line: /pointer: message`` (the CLI's exit 2), never another exception."""
    schemas = {**u.components(u.V30), "Holder": {"type": "object", "properties": {"v": schema}}}
    spec = {
        "openapi": u.V30,
        "info": {"title": "invalid unions", "version": "1"},
        "paths": {"/h": {"get": {"operationId": "getH", "responses": _ok(u.ref("Holder"))}}},
        "components": {"schemas": schemas},
    }
    path = tmp_path / "invalid.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        generate_package(path)
    lines = str(raised.value).splitlines()
    assert lines and all(re.match(r"^.*invalid\.json(:\d+)?: /\S*: .+", line) for line in lines), lines
