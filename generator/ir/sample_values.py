"""Made-up values that satisfy their schemas: the generated tests' arguments and request bodies.

:func:`synthesise` walks the schema itself (not the type it became), so a
value keeps every rule the spec states: lengths, patterns (a string built
from the pattern), formats, bounds and ``multipleOf``, ``enum``/``const``,
item counts and uniqueness, required properties however deep, one whole
``oneOf``/``anyOf`` member with its discriminator value, ``allOf`` merged,
``additionalProperties``; a request value leaves out read-only properties
and keeps write-only ones. Every value is checked with
:func:`schema_check.conforms` before it is returned: a value that is not
known to be valid is never returned as one (:class:`NoValue` instead, and
the test leaves out that argument, or is itself left out with a warning).
Deterministic: no randomness, dictionaries in spec order.
"""

from __future__ import annotations

import math
from typing import Any

from .examples import _number, string_for_pattern
from ..validate.schema_check import conforms, follow, read_only, type_of

MAX_VALUES = 2_000  # JSON values in one made-up value (as build_tests.MAX_SAMPLE_VALUES)
_OPTIONAL_DEPTH = 3  # optional properties and a first list item only above this depth
_MINIMAL = 4  # the depth from which a value is its smallest: required parts only
_MAX_DEPTH = 60

FORMAT_VALUES = {
    "date-time": "2020-01-02T03:04:05Z",
    "date": "2020-01-02",
    "time": "03:04:05Z",
    "uuid": "123e4567-e89b-42d3-a456-426614174000",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "ZXhhbXBsZQ==",
    "duration": "P1D",
}


class NoValue(Exception):
    """No value known to keep the schema's rules could be made (the message says why)."""


class _TooBig(Exception):
    pass


def synthesise(schema: Any, doc: dict[str, Any], request: bool = True, use_example: bool = True) -> Any:
    """A JSON value valid for ``schema`` (``$ref``s resolved in ``doc``), or :class:`NoValue`.

    The schema's own ``example``/``default`` first when they are scalars not
    known to be invalid (``use_example``), else a made-up value: first a generous one
    (optional properties near the top), then the smallest one, each try
    stopped at :data:`MAX_VALUES` values: bounded time.
    """
    if use_example:
        flat = follow(schema, doc)
        if isinstance(flat, dict):
            listed = flat.get("examples")
            examples: list[Any] = listed if isinstance(listed, list) else []
            for candidate in [flat.get("example"), flat.get("default"), *examples[:1]]:
                if candidate is not None and not isinstance(candidate, (dict, list)):
                    # the spec's own value stands unless known to be invalid: a
                    # pattern the linear-time matcher refuses leaves it untold
                    if conforms(candidate, flat, doc, request) is not False:
                        return candidate
    why = "no value"
    for depth in (0, _MINIMAL):
        try:
            value = _Maker(doc, request).make(schema, depth, 0)
        except _TooBig:
            why = f"the smallest made-up value has more than {MAX_VALUES} values"
            continue
        except NoValue as error:
            why = str(error)
            continue
        verdict = conforms(value, schema, doc, request)
        if verdict is True:
            return value
        why = "a made-up value does not keep the schema's rules" if verdict is False else "its pattern cannot be checked"
    raise NoValue(why)


class _Maker:
    def __init__(self, doc: dict[str, Any], request: bool) -> None:
        self.doc = doc
        self.request = request
        self.left = MAX_VALUES

    def make(self, schema: Any, depth: int, salt: int) -> Any:
        self.left -= 1
        if self.left < 0:
            raise _TooBig
        if depth > _MAX_DEPTH:
            raise NoValue("schemas nest too deep")
        schema = follow(schema, self.doc)
        if schema is None or schema is False:
            raise NoValue("a $ref leads nowhere")
        if not isinstance(schema, dict):
            return "example"
        if isinstance(schema.get("allOf"), list):
            return self.make(self.merge(schema), depth, salt)
        for combiner in ("oneOf", "anyOf"):
            if isinstance(schema.get(combiner), list):
                return self.choose(schema, combiner, depth, salt)
        if isinstance(schema.get("enum"), list) or "const" in schema:
            values = schema["enum"] if isinstance(schema.get("enum"), list) else [schema["const"]]
            fits = [v for v in values if v is not None and conforms(v, {k: v2 for k, v2 in schema.items() if k != "enum"}, self.doc) is True]
            if not fits:
                raise NoValue("no enum value keeps the other rules")
            return fits[salt % len(fits)]
        kind = _kind(schema)
        if kind == "object":
            return self.object(schema, depth, salt)
        if kind == "array":
            return self.array(schema, depth)
        if kind == "string":
            return _string(schema, salt)
        if kind in ("integer", "number"):
            return _numeric(schema, kind == "integer", salt)
        if kind == "boolean":
            return salt % 2 == 0
        if kind == "null":
            return None
        return "example" if salt == 0 else f"example{salt}"  # no type: anything goes

    def merge(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``allOf`` parts as one schema: properties and requirements united,
        a property named twice keeping both schemas (an ``allOf`` of its own)."""
        merged: dict[str, Any] = {}
        parts = [*schema["allOf"], {k: v for k, v in schema.items() if k != "allOf"}]
        for part in parts:
            part = follow(part, self.doc)
            if not isinstance(part, dict):
                raise NoValue("an allOf part is not a schema")
            if isinstance(part.get("allOf"), list):
                part = self.merge(part)
            for key, value in part.items():
                if key == "properties" and isinstance(value, dict):
                    props = merged.setdefault("properties", {})
                    for name, sub in value.items():
                        props[name] = {"allOf": [props[name], sub]} if name in props else sub
                elif key == "required" and isinstance(value, list):
                    merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
                elif key in ("oneOf", "anyOf") and ("oneOf" in merged or "anyOf" in merged):
                    raise NoValue("an allOf of several unions")
                elif key not in merged:
                    merged[key] = value
        return merged

    def choose(self, schema: dict[str, Any], combiner: str, depth: int, salt: int) -> Any:
        """One member's value, the member merged with the schema around it;
        a ``oneOf`` value must match that member only."""
        base = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "discriminator")}
        members = schema[combiner]
        tag = _discriminator(schema)
        for member in members:
            resolved = follow(member, self.doc)
            if not isinstance(resolved, dict) or _kind(resolved) == "null":
                continue
            candidate = {"allOf": [base, member]} if base.keys() - {"description", "title", "nullable", "example"} else member
            try:
                value = self.make(candidate, depth, salt)
            except NoValue:
                continue
            if tag is not None and isinstance(value, dict):
                value = {**value, tag[0]: _tag_value(member, tag, self.doc)}
            if conforms(value, candidate, self.doc, self.request) is not True:
                continue
            if combiner == "oneOf" and sum(1 for m in members if conforms(value, m, self.doc, self.request) is not False) != 1:
                continue
            return value
        raise NoValue(f"no {combiner} member can be made")

    def object(self, schema: dict[str, Any], depth: int, salt: int) -> dict[str, Any]:
        found = schema.get("properties")
        properties: dict[str, Any] = found if isinstance(found, dict) else {}
        listed = schema.get("required")
        required = [n for n in listed if isinstance(n, str)] if isinstance(listed, list) else []  # in spec order
        value: dict[str, Any] = {}
        for name, sub in properties.items():
            flat = follow(sub, self.doc)
            flags = flat if isinstance(flat, dict) else {}
            if self.request and read_only(sub, self.doc):
                continue  # never sent
            if not self.request and flags.get("writeOnly") is True and name not in required:
                continue
            vary = salt if not value else 0  # unique items differ in their first property
            if name in required:
                value[name] = self.make(sub, depth + 1, vary)
            elif depth < _OPTIONAL_DEPTH and not (self.request and "default" in flags):
                try:  # a request leaves out fields with defaults: the runtime does not send those
                    value[name] = self.make(sub, depth + 1, vary)
                except NoValue:
                    continue
        extra = schema.get("additionalProperties")
        for name in required:  # required but not among the properties: any value the schema allows
            if name not in properties:
                if extra is False:
                    raise NoValue(f"{name!r} is required but no property may be added")
                value[name] = self.make(extra if isinstance(extra, dict) else {}, depth + 1, 0)
        wanted = max(_int(schema.get("minProperties"), 0), 1 if not properties and depth < _OPTIONAL_DEPTH else 0)
        if extra is not False:
            number = 0
            while len(value) < wanted and number < wanted + 2:
                key = "key" if number == 0 else f"key{number}"
                number += 1
                if key not in value:
                    value[key] = self.make(extra if isinstance(extra, dict) else {}, depth + 1, number - 1)
        return value

    def array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        low = _int(schema.get("minItems"), 0)
        high = _int(schema.get("maxItems"), None)
        count = max(low, 1 if depth < _OPTIONAL_DEPTH else 0)
        if high is not None:
            count = min(count, high)
        if count > MAX_VALUES:
            raise _TooBig
        items = schema.get("items") if isinstance(schema.get("items"), (dict, bool)) else {}
        value = [self.make(items, depth + 1, index if schema.get("uniqueItems") is True else 0) for index in range(count)]
        return value


def _int(value: Any, default: Any) -> Any:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _kind(schema: dict[str, Any]) -> str | None:
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), "null" if declared else None)
    if isinstance(declared, str):
        return declared
    if "properties" in schema or "additionalProperties" in schema or "required" in schema:
        return "object"
    if "items" in schema:
        return "array"
    if any(k in schema for k in ("pattern", "minLength", "maxLength", "format")):
        return "string"
    if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return None


def _discriminator(schema: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    found = schema.get("discriminator")
    if not isinstance(found, dict) or not isinstance(found.get("propertyName"), str):
        return None
    mapping = found["mapping"] if isinstance(found.get("mapping"), dict) else {}
    return found["propertyName"], {str(k): str(v) for k, v in mapping.items()}


def _tag_value(member: Any, tag: tuple[str, dict[str, str]], doc: dict[str, Any]) -> Any:
    """The discriminator value naming ``member``: its mapping key, else its
    schema's name, else the one value its property schema allows."""
    ref = member.get("$ref") if isinstance(member, dict) else None
    if isinstance(ref, str):
        for value, target in tag[1].items():
            if target == ref or f"#/components/schemas/{target}" == ref:
                return value
    resolved = follow(member, doc)
    prop = follow(((resolved or {}).get("properties") or {}).get(tag[0]), doc) if isinstance(resolved, dict) else None
    if isinstance(prop, dict):
        if isinstance(prop.get("enum"), list) and prop["enum"]:
            return prop["enum"][0]
        if "const" in prop:
            return prop["const"]
    if isinstance(ref, str):
        return ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    raise NoValue("a discriminated member has no name")


def _string(schema: dict[str, Any], salt: int) -> str:
    low = _int(schema.get("minLength"), 0)
    high = _int(schema.get("maxLength"), None)
    if low > 10_000:
        raise NoValue(f"minLength {low} is too long for a test value")
    fmt = schema.get("format")
    pattern = schema.get("pattern")
    candidates = []
    if isinstance(fmt, str) and fmt in FORMAT_VALUES:
        candidates.append(FORMAT_VALUES[fmt])
    if isinstance(pattern, str):
        made = string_for_pattern(pattern, low, salt)
        if made is not None:
            candidates.append(made)
    else:
        text = "example" if salt == 0 else f"example{salt}"
        if high is not None and len(text) > high:
            text = text[:high] if salt == 0 else (str(salt) + "x" * high)[:high]
        candidates.append(text + "x" * max(0, low - len(text)))
    for text in candidates:
        if len(text) >= low and (high is None or len(text) <= high):
            if conforms(text, schema, {}) is True:
                return text
    raise NoValue("no string keeps the rules (pattern, lengths, format)")


def _numeric(schema: dict[str, Any], is_int: bool, salt: int) -> int | float:
    value = _number(is_int, schema)
    if not is_int and conforms(1.5, schema, {}) is True:
        value = 1.5  # a fraction: a number read as an int would show
    raw_step = schema.get("multipleOf")
    step = raw_step if isinstance(raw_step, (int, float)) and not isinstance(raw_step, bool) and raw_step > 0 else None
    if step is not None:  # a multiple near the value, else the first ones above the lower bound
        floor = next((schema[k] for k in ("minimum", "exclusiveMinimum") if _is_num(schema.get(k))), value)
        start = math.ceil(floor / step)
        options = [math.floor(value / step), math.ceil(value / step), *range(start, start + 3)]
        value = next((n * step for n in options if conforms(n * step, schema, {}) is True), value)
    if salt:
        shifted = value + salt * (step or 1)
        if conforms(shifted, schema, {}) is True:
            value = shifted
    value = int(value) if is_int and float(value).is_integer() else value
    if not is_int and type_of(value) == "integer":
        value = float(value)
    if conforms(value, schema, {}) is not True:
        raise NoValue("no number keeps the bounds")
    return value


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
