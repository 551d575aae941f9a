"""Property-based: random valid specs generate, compile and import, and models round-trip.

A spec here is a handful of component models with random names (drawn from
the hostile alphabet: quotes, backslashes, braces, newlines, keywords,
look-alikes, ...), nested and inline models, enums, optional, nullable and
required fields, arrays, maps, dates and date-times; one operation returns
each model. For every model, instances decoded from random JSON data that
conforms to its schema satisfy ``Model.from_dict(x.to_dict()) == x``.

Profiles (``HYPOTHESIS_PROFILE``): ``default`` runs 15 examples, derandomized
so CI is deterministic; ``long`` runs 500 random ones::

    HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/security/test_fuzz.py -q
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime as rfc2822
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as openapi_validate

from generator.pipeline import generate_package

PROFILES = {
    "default": settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    ),
    "long": settings(
        max_examples=500,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    ),
}
PROFILE = PROFILES[os.environ.get("HYPOTHESIS_PROFILE", "default")]

ALPHABET = "aZz_0 -.\"'\\#{}%\n\t\u2028é\u0430\U0001f600"
NAME_POOL = [
    "id",
    "name",
    "class",
    "type",
    "match",
    "_",
    "__init__",
    "__class__",
    "to_dict",
    "from_dict",
    "extra",
    "Foo",
    "foo",
    "foo_bar",
    "FooBar",
    "1st",
    "",
    "naïve",
    "data",
    "dаta",
    '"',
    "'''",
    '"""',
    "\\",
    "a\nb",
    "{{ x }}",
    "{% raw %}",
    "#",
    "x" * 90,
    "self",
    "None",
    "list",
    "Model",
    "Client",
]
names = st.one_of(st.sampled_from(NAME_POOL), st.text(alphabet=ALPHABET, max_size=10))
texts = st.text(alphabet=ALPHABET + "xyz\r", max_size=30)
# The validator allows these in component names.
component_names = st.one_of(
    st.sampled_from(
        [
            "Foo",
            "foo",
            "FooBar",
            "foo_bar",
            "1st",
            "_",
            "class",
            "Model",
            "Client",
            "list",
            "x" * 90,
        ]
    ),
    st.text(alphabet="aZz_0-.", min_size=1, max_size=10),
)

SCALARS = [
    {"type": "string"},
    {"type": "integer"},
    {"type": "number"},
    {"type": "boolean"},
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "date"},
]


def with_texts(schema: dict[str, Any], draw: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if draw(st.booleans()):
        extra["description"] = draw(texts)
    if draw(st.booleans()):
        extra["nullable"] = True
    return {**schema, **extra}


@st.composite
def schema_for(draw: Any, refs: list[str], depth: int) -> dict[str, Any]:
    choices = (
        ["scalar", "enum"]
        + (["ref"] if refs else [])
        + (["array", "map", "object"] if depth > 0 else [])
    )
    kind = draw(st.sampled_from(choices))
    if kind == "scalar":
        return with_texts(draw(st.sampled_from(SCALARS)), draw)
    if kind == "enum":
        values = draw(st.lists(texts, min_size=1, max_size=4, unique=True))
        return with_texts({"type": "string", "enum": values}, draw)
    if kind == "ref":
        return {
            "$ref": "#/components/schemas/"
            + draw(st.sampled_from(refs)).replace("~", "~0").replace("/", "~1")
        }
    if kind == "array":
        return with_texts(
            {"type": "array", "items": draw(schema_for(refs, depth - 1))}, draw
        )
    if kind == "map":
        return with_texts(
            {
                "type": "object",
                "additionalProperties": draw(schema_for(refs, depth - 1)),
            },
            draw,
        )
    return with_texts(draw(object_schema(refs, depth - 1)), draw)


@st.composite
def object_schema(draw: Any, refs: list[str], depth: int) -> dict[str, Any]:
    properties = draw(
        st.dictionaries(names, schema_for(refs, depth), min_size=1, max_size=4)
    )
    required = draw(
        st.lists(
            st.sampled_from(sorted(properties)), unique=True, max_size=len(properties)
        )
    )
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if draw(st.booleans()):
        schema["title"] = draw(texts)
    return schema


@st.composite
def specs(draw: Any) -> dict[str, Any]:
    model_names = draw(st.lists(component_names, min_size=1, max_size=4, unique=True))
    schemas: dict[str, Any] = {}
    for index, name in enumerate(model_names):
        # Refs only to earlier models: the data drawn for a model stays finite.
        schemas[name] = draw(object_schema(model_names[:index], depth=2))
    paths = {
        f"/r{index}": {
            "get": {
                "operationId": draw(names),
                "responses": {
                    "200": {
                        "description": draw(texts),
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/" + name}
                            }
                        },
                    }
                },
            }
        }
        for index, name in enumerate(model_names)
    }
    op_ids = [op["get"]["operationId"] for op in paths.values()]
    for index, path in enumerate(paths.values()):
        if op_ids.count(op_ids[index]) > 1:  # operationIds are unique in a valid spec
            path["get"]["operationId"] += f"_{index}"
    return {
        "openapi": "3.0.3",
        "info": {
            "title": draw(texts),
            "description": draw(texts),
            "version": draw(texts),
        },
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


# -- JSON data that conforms to a schema -----------------------------------------

OFFSETS = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
date_times = st.builds(
    lambda moment, tz, form: (
        moment.replace(tzinfo=tz).isoformat()
        if form == "iso"
        else rfc2822(moment.replace(tzinfo=tz, microsecond=0))
    ).replace("+00:00", "Z" if form == "iso" else "+00:00"),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.sampled_from(OFFSETS),
    st.sampled_from(["iso", "rfc2822"]),
)


def data_for(
    schema: dict[str, Any], components: dict[str, Any]
) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        target = components[
            schema["$ref"].rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
        ]
        return data_for(target, components)
    strategy = _data_for(schema, components)
    return st.one_of(st.none(), strategy) if schema.get("nullable") else strategy


def _data_for(
    schema: dict[str, Any], components: dict[str, Any]
) -> st.SearchStrategy[Any]:
    kind = schema.get("type")
    if "enum" in schema:
        # Unknown values are kept too (open enums).
        return st.one_of(
            st.sampled_from(schema["enum"]), st.text(alphabet=ALPHABET, max_size=5)
        )
    if kind == "string" and schema.get("format") == "date-time":
        return date_times
    if kind == "string" and schema.get("format") == "date":
        return st.dates().map(lambda d: d.isoformat())
    if kind == "string":
        return st.text(alphabet=ALPHABET, max_size=8)
    if kind == "integer":
        return st.integers(min_value=-(2**53), max_value=2**53)
    if kind == "number":
        return st.one_of(
            st.floats(allow_nan=False, allow_infinity=False), st.integers(-1000, 1000)
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(data_for(schema["items"], components), max_size=3)
    if "additionalProperties" in schema:
        return st.dictionaries(
            st.text(alphabet=ALPHABET, max_size=5),
            data_for(schema["additionalProperties"], components),
            max_size=3,
        )
    properties = schema["properties"]
    required = set(schema.get("required", []))
    optional = {
        name: st.one_of(st.none(), data_for(sub, components))
        for name, sub in properties.items()
        if name not in required
    }
    return st.fixed_dictionaries(
        {
            name: data_for(sub, components)
            for name, sub in properties.items()
            if name in required
        },
        optional=optional,
    ).flatmap(
        # Keys the schema does not declare are kept in ``extra``.
        lambda value: st.dictionaries(
            st.text(alphabet=ALPHABET, max_size=4).filter(
                lambda k: k not in properties
            ),
            st.integers(),
            max_size=2,
        ).map(lambda extra: {**extra, **value})
    )


# -- the property -----------------------------------------------------------------

_COUNTER = itertools.count()


@pytest.fixture(scope="module")
def fuzz_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="specgen-fuzz-"))
    sys.path.insert(0, str(root))
    try:
        yield root
    finally:
        sys.path.remove(str(root))
        shutil.rmtree(root, ignore_errors=True)


def _pointer_get(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for token in pointer.lstrip("/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


@PROFILE
@given(spec=specs(), data=st.data())
def test_random_valid_specs_generate_and_models_round_trip(
    fuzz_root: Path, spec: dict[str, Any], data: st.DataObject
) -> None:
    openapi_validate(spec)  # the strategy builds valid specs only
    package = f"fuzz_{next(_COUNTER)}"
    path = fuzz_root / f"{package}.json"
    path.write_text(json.dumps(spec))
    result = generate_package(path)
    assert result.package == package
    for name, text in result.files.items():
        if name.endswith(".py"):
            compile(text, name, "exec", dont_inherit=True)
        target = fuzz_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    try:
        importlib.import_module(package)
        models = importlib.import_module(f"{package}.models")
        components = spec["components"]["schemas"]
        for model in result.api.models:
            if (
                not model.pointer.startswith("/components/schemas/")
                or model.pointer.count("/") != 3
            ):
                continue  # inline models are checked through the models that hold them
            cls = getattr(models, model.name)
            schema = _pointer_get(spec, model.pointer)
            value = data.draw(data_for(schema, components), label=model.name)
            instance = cls.from_dict(value)
            encoded = instance.to_dict()
            json.dumps(encoded)  # JSON-compatible
            assert cls.from_dict(encoded) == instance
            assert cls.from_dict(json.loads(json.dumps(encoded))) == instance
    finally:
        for module in [
            m for m in sys.modules if m == package or m.startswith(package + ".")
        ]:
            del sys.modules[module]
        shutil.rmtree(fuzz_root / package, ignore_errors=True)
