"""The union space of issue 16, shared by the union fuzz and the union grid.

Schemas: oneOf/anyOf/allOf of inline and ``$ref`` variants, with and without
a discriminator (with and without a mapping, by ref and by name), each null
form of its version (3.0 ``nullable: true``; 3.1 ``type: 'null'`` variants,
type lists, ``type: ['null']``, ``const: null``, a ``$ref`` to a null schema),
nested in arrays, maps, other unions and named components. And JSON values
that conform to them, for the decoder round trips.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

V30, V31 = "3.0.3", "3.1.0"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def components(version: str) -> dict[str, Any]:
    """The component schemas every union spec may refer to."""
    kind = {"type": "string"}
    schemas: dict[str, Any] = {
        "Cat": {
            "type": "object",
            "required": ["kind", "meow"],
            "properties": {"kind": kind, "meow": {"type": "string"}},
        },
        "Dog": {
            "type": "object",
            "required": ["kind", "bark"],
            "properties": {"kind": kind, "bark": {"type": "integer"}},
        },
        # A named union: a TypeAlias in models.py.
        "Pet": {
            "oneOf": [ref("Cat"), ref("Dog")],
            "discriminator": {"propertyName": "kind"},
        },
        "Stamp": {"type": "string", "format": "date-time"},
        "Color": {"type": "string", "enum": ["red", "green"]},
    }
    if version == V31:
        schemas["Nothing"] = {"type": "null"}
    return schemas


SCALARS: list[dict[str, Any]] = [
    {"type": "string"},
    {"type": "integer"},
    {"type": "number"},
    {"type": "boolean"},
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "date"},
    {"type": "string", "enum": ["a", "b"]},
    {"type": "integer", "enum": [1, 2]},
]
INLINE_OBJECT = {
    "type": "object",
    "required": ["x"],
    "properties": {"x": {"type": "integer"}, "y": {"type": "string"}},
}
OBJECT_REFS = ["Cat", "Dog"]
REFS = ["Cat", "Dog", "Pet", "Stamp", "Color"]
# The first choice of each list is the one drawn first (the simplest example
# hypothesis tries): a nullable union of two variants, issue 16's crash.
NULL_FORMS = {
    V30: ["nullable", "none", "variant-nullable"],
    V31: ["null-variant", "none", "null-ref", "null-list", "null-const", "type-list"],
}


@st.composite
def variant(draw: Any, version: str, depth: int) -> dict[str, Any]:
    """A non-null schema: the choices of a union."""
    kinds = ["scalar", "ref", "object"] + (["array", "map", "union"] if depth > 0 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return dict(draw(st.sampled_from(SCALARS)))
    if kind == "ref":
        return ref(draw(st.sampled_from(REFS)))
    if kind == "object":
        return dict(INLINE_OBJECT)
    if kind == "array":
        return {"type": "array", "items": draw(variant(version, depth - 1))}
    if kind == "map":
        return {"type": "object", "additionalProperties": draw(variant(version, depth - 1))}
    return draw(union(version, depth - 1))


@st.composite
def union(draw: Any, version: str, depth: int = 1) -> dict[str, Any]:
    """A oneOf/anyOf/allOf schema with one null form of ``version`` (or none)."""
    combiner = draw(st.sampled_from(["anyOf", "oneOf", "allOf"]))
    form = draw(st.sampled_from(NULL_FORMS[version]))
    if combiner == "allOf":
        parts = draw(st.lists(st.sampled_from([*OBJECT_REFS, "inline"]), min_size=1, max_size=2, unique=True))
        schema: dict[str, Any] = {"allOf": [dict(INLINE_OBJECT) if p == "inline" else ref(p) for p in parts]}
        if form == "none":
            return schema
        if version == V30:
            return {**schema, "nullable": True}
        return {"anyOf": [schema, {"type": "null"}]}
    count = draw(st.sampled_from([2, 1, 3]))  # one: the ``anyOf: [X, null]`` form
    variants = [draw(variant(version, depth)) for _ in range(count)]
    schema = {combiner: variants}
    if all(v.get("$ref") in (ref("Cat")["$ref"], ref("Dog")["$ref"]) for v in variants) or draw(st.booleans()):
        schema.update(draw(discriminator(variants)))
    return with_null(draw, schema, combiner, version, form)


@st.composite
def discriminator(draw: Any, variants: list[dict[str, Any]]) -> dict[str, Any]:
    """No discriminator, a propertyName alone, or one with a mapping (full refs,
    bare names, a target outside the union)."""
    style = draw(st.sampled_from(["none", "name", "mapping"]))
    if style == "none":
        return {}
    if style == "name":
        return {"discriminator": {"propertyName": "kind"}}
    targets = [v["$ref"] for v in variants if "$ref" in v] + ["#/components/schemas/Cat"]
    mapping = {}
    for index, target in enumerate(draw(st.lists(st.sampled_from(targets), min_size=1, max_size=3))):
        name = target.rsplit("/", 1)[1]
        # a key names its target, so that a value's tag means one schema in every union
        mapping[f"{name.lower()}{index}"] = name if draw(st.booleans()) else target
    return {"discriminator": {"propertyName": "kind", "mapping": mapping}}


def with_null(draw: Any, schema: dict[str, Any], combiner: str, version: str, form: str) -> dict[str, Any]:
    """``schema`` (a oneOf/anyOf) with the null form ``form``."""
    variants: list[dict[str, Any]] = list(schema[combiner])
    at = draw(st.integers(0, len(variants)))
    if form == "nullable":
        return {**schema, "nullable": True}
    if form == "variant-nullable":  # 3.0: one typed variant allows null
        typed = [i for i, v in enumerate(variants) if "type" in v]
        if typed:
            i = draw(st.sampled_from(typed))
            variants[i] = {**variants[i], "nullable": True}
    elif form == "null-variant":
        variants.insert(at, {"type": "null"})
    elif form == "null-ref":
        variants.insert(at, ref("Nothing"))
    elif form == "null-list":
        variants.insert(at, {"type": ["null"]})
    elif form == "null-const":
        variants.insert(at, {"const": None})
    elif form == "type-list":  # 3.1: one typed variant's type is a list with null
        typed = [i for i, v in enumerate(variants) if isinstance(v.get("type"), str)]
        if typed:
            i = draw(st.sampled_from(typed))
            variants[i] = {**variants[i], "type": [variants[i]["type"], "null"]}
            if "enum" in variants[i]:
                variants[i]["enum"] = [*variants[i]["enum"], None]
    return {**schema, combiner: variants}


# -- what a schema accepts ----------------------------------------------------------


def target(schema: dict[str, Any], comps: dict[str, Any]) -> dict[str, Any]:
    return resolve(schema, comps)[1]


def resolve(schema: dict[str, Any], comps: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The component ``schema`` refers to (its name), or ``schema`` itself (None)."""
    name = None
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = comps[name]
    return name, schema


def is_null(schema: dict[str, Any], comps: dict[str, Any]) -> bool:
    schema = target(schema, comps)
    return schema.get("type") in ("null", ["null"]) or ("const" in schema and schema["const"] is None)


def accepts_null(schema: dict[str, Any], comps: dict[str, Any]) -> bool:
    """Whether null is a valid value of ``schema`` (as JSON Schema has it)."""
    schema = target(schema, comps)
    kind = schema.get("type")
    if schema.get("nullable") is True or is_null(schema, comps) or (isinstance(kind, list) and "null" in kind):
        return True
    for combiner in ("oneOf", "anyOf"):
        if combiner in schema:
            return any(accepts_null(v, comps) for v in schema[combiner])
    if "allOf" in schema:
        return all(accepts_null(p, comps) for p in schema["allOf"])
    return False


DATE_TIMES = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
)
TEXT = st.text(alphabet="ab1.Z-", max_size=6)


def data_for(schema: dict[str, Any], comps: dict[str, Any]) -> st.SearchStrategy[Any]:
    """JSON values of ``schema``: null included where it accepts null."""
    values = _non_null(schema, comps)
    return st.one_of(st.none(), values) if accepts_null(schema, comps) else values


def tags(name: str | None) -> st.SearchStrategy[str]:
    """The discriminator values of the component ``name``'s objects: its own name,
    the mapping keys naming it (see ``discriminator``), or one no mapping knows."""
    if name is None:
        return st.sampled_from(["other"])
    return st.sampled_from([name, "other", *(f"{name.lower()}{i}" for i in range(3))])


def _non_null(schema: dict[str, Any], comps: dict[str, Any]) -> st.SearchStrategy[Any]:
    name, schema = resolve(schema, comps)
    for combiner in ("oneOf", "anyOf"):
        if combiner in schema:
            choices = [v for v in schema[combiner] if not is_null(v, comps)]
            return st.one_of([_non_null(v, comps) for v in choices])
    if "allOf" in schema:
        # the first part's tag: Cat's in allOf [Cat, Dog], whose merged model has none
        parts = [_non_null(p, comps) for p in schema["allOf"]]
        return st.tuples(*parts).map(lambda dicts: {k: v for d in reversed(dicts) for k, v in d.items()})
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if "enum" in schema:
        return st.one_of(st.sampled_from([v for v in schema["enum"] if v is not None]), TEXT if kind == "string" else st.integers(-5, 5))
    if kind == "string" and schema.get("format") == "date-time":
        return DATE_TIMES
    if kind == "string" and schema.get("format") == "date":
        return st.dates().map(lambda d: d.isoformat())
    if kind == "string":
        return TEXT
    if kind == "integer":
        return st.integers(-(2**53), 2**53)
    if kind == "number":
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-1000, 1000))
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(data_for(schema["items"], comps), max_size=3)
    if "additionalProperties" in schema:
        return st.dictionaries(TEXT, data_for(schema["additionalProperties"], comps), max_size=3)
    properties = schema["properties"]
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {key: tags(name) if key == "kind" else data_for(sub, comps) for key, sub in properties.items() if key in required},
        optional={key: data_for(sub, comps) for key, sub in properties.items() if key not in required},
    )
