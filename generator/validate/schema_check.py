"""Whether a JSON value keeps a schema's rules: the check of every made-up test value.

A subset of JSON Schema as OpenAPI 3.0 and 3.1 use it (``$ref``, ``allOf``,
``oneOf``, ``anyOf``, ``not``, ``enum``, ``const``, ``type``, ``nullable``,
lengths, ``pattern``, ``format``, bounds, ``multipleOf``, items, properties,
``required``, ``additionalProperties``). The answer is True, False, or None
for "cannot tell" (a pattern the linear-time matcher refuses, too much work):
a caller never treats None as valid for a value it made up itself.
Each call does at most :data:`MAX_STEPS` steps.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
import uuid
from datetime import date, datetime, time
from typing import Any

from .. import patterns
from ..errors import resolve_pointer

MAX_STEPS = 20_000
MAX_REFS = 50  # $ref hops followed in a row

_HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")


class _Unknown(Exception):
    pass


def _date_time(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", text):
        return False
    try:
        datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _time(text: str) -> bool:
    if not re.fullmatch(r"\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", text):
        return False
    try:
        time.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _date(text: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d\d-\d\d", text)) and date.fromisoformat(text) is not None
    except ValueError:
        return False


def _uuid(text: str) -> bool:
    try:
        return bool(re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", text)) and uuid.UUID(text) is not None
    except ValueError:
        return False


def _ip(text: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(text).version == version
    except ValueError:
        return False


def _byte(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


FORMATS = {
    "date-time": _date_time,
    "date": _date,
    "time": _time,
    "uuid": _uuid,
    "email": lambda t: bool(_EMAIL.match(t)),
    "hostname": lambda t: bool(_HOSTNAME.match(t)),
    "ipv4": lambda t: _ip(t, 4),
    "ipv6": lambda t: _ip(t, 6),
    "uri": lambda t: bool(_URI.match(t)),
    "url": lambda t: bool(_URI.match(t)),
    "byte": _byte,
}


def follow(schema: Any, doc: dict[str, Any]) -> Any:
    """``schema`` with its ``$ref`` chain followed (None when it leads nowhere or loops)."""
    for _ in range(MAX_REFS):
        if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
            return schema
        schema = resolve_pointer(doc, schema["$ref"])
    return None


def type_of(value: Any) -> str:
    """The JSON Schema type name of a JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "unknown"


def conforms(value: Any, schema: Any, doc: dict[str, Any], request: bool = True) -> bool | None:
    """Whether ``value`` keeps ``schema``'s rules; None if that cannot be told."""
    try:
        return _Checker(doc, request).check(value, schema)
    except _Unknown:
        return None


class _Checker:
    def __init__(self, doc: dict[str, Any], request: bool) -> None:
        self.doc = doc
        self.request = request
        self.steps = MAX_STEPS

    def check(self, value: Any, schema: Any) -> bool:
        self.steps -= 1
        if self.steps < 0:
            raise _Unknown
        schema = follow(schema, self.doc)
        if schema is None:
            raise _Unknown
        if schema is True or not isinstance(schema, dict):
            return schema is not False
        if value is None and schema.get("nullable") is True:
            return True
        for part in schema.get("allOf") or []:
            if not self.check(value, part):
                return False
        if isinstance(schema.get("anyOf"), list) and not any(self.check(value, p) for p in schema["anyOf"]):
            return False
        if isinstance(schema.get("oneOf"), list) and sum(1 for p in schema["oneOf"] if self.check(value, p)) != 1:
            return False
        if "not" in schema and self.check(value, schema["not"]):
            return False
        if isinstance(schema.get("enum"), list) and not any(_same(value, v) for v in schema["enum"]):
            return False
        if "const" in schema and not _same(value, schema["const"]):
            return False
        if not self._type(value, schema):
            return False
        if isinstance(value, str):
            return self._string(value, schema)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _number(value, schema)
        if isinstance(value, list):
            return self._array(value, schema)
        if isinstance(value, dict):
            return self._object(value, schema)
        return True

    def _type(self, value: Any, schema: dict[str, Any]) -> bool:
        declared = schema.get("type")
        if declared is None:
            return True
        kinds = declared if isinstance(declared, list) else [declared]
        actual = type_of(value)
        return actual in kinds or (actual == "integer" and "number" in kinds)

    def _string(self, value: str, schema: dict[str, Any]) -> bool:
        low, high = schema.get("minLength"), schema.get("maxLength")
        if (isinstance(low, int) and len(value) < low) or (isinstance(high, int) and len(value) > high):
            return False
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            found = patterns.search(pattern, value)
            if found is None:
                raise _Unknown
            if not found:
                return False
        test = FORMATS.get(str(schema.get("format")))
        return test is None or test(value)

    def _array(self, value: list[Any], schema: dict[str, Any]) -> bool:
        low, high = schema.get("minItems"), schema.get("maxItems")
        if (isinstance(low, int) and len(value) < low) or (isinstance(high, int) and len(value) > high):
            return False
        if schema.get("uniqueItems") is True:
            keys = [json.dumps(v, sort_keys=True) for v in value]
            if len(set(keys)) != len(keys):
                return False
        items = schema.get("items")
        return items is None or all(self.check(v, items) for v in value)

    def _object(self, value: dict[str, Any], schema: dict[str, Any]) -> bool:
        found = schema.get("properties")
        properties: dict[str, Any] = found if isinstance(found, dict) else {}
        for name in schema.get("required") or []:
            if name not in value and not (self.request and _read_only(properties.get(name), self.doc)):
                return False
        low, high = schema.get("minProperties"), schema.get("maxProperties")
        if (isinstance(low, int) and len(value) < low) or (isinstance(high, int) and len(value) > high):
            return False
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                if not self.check(item, properties[key]):
                    return False
            elif extra is False or (isinstance(extra, dict) and not self.check(item, extra)):
                return False
        return True


def _read_only(schema: Any, doc: dict[str, Any]) -> bool:
    return read_only(schema, doc)


def read_only(schema: Any, doc: dict[str, Any], depth: int = 0) -> bool:
    """Whether a property's schema is ``readOnly``: its own flag or an ``allOf``
    part's (DigitalOcean's ``allOf: [{$ref: connection}, {readOnly: true}]``)."""
    schema = follow(schema, doc)
    if not isinstance(schema, dict) or depth > MAX_REFS:
        return False
    if schema.get("readOnly") is True:
        return True
    parts = schema.get("allOf")
    return isinstance(parts, list) and any(read_only(part, doc, depth + 1) for part in parts)


def _same(a: Any, b: Any) -> bool:
    return type_of(a) == type_of(b) and a == b


def _number(value: float, schema: dict[str, Any]) -> bool:
    def bound(key: str) -> float | None:
        found = schema.get(key)
        return found if isinstance(found, (int, float)) and not isinstance(found, bool) else None

    low, high, ex_low, ex_high = bound("minimum"), bound("maximum"), bound("exclusiveMinimum"), bound("exclusiveMaximum")
    if schema.get("exclusiveMinimum") is True:
        ex_low, low = low, None
    if schema.get("exclusiveMaximum") is True:
        ex_high, high = high, None
    if (low is not None and value < low) or (high is not None and value > high):
        return False
    if (ex_low is not None and value <= ex_low) or (ex_high is not None and value >= ex_high):
        return False
    step = bound("multipleOf")
    if step is not None and step > 0:
        if isinstance(value, int) and isinstance(step, int):
            return value % step == 0  # exact: a float quotient rounds above 2**53
        ratio = value / step
        return abs(ratio - round(ratio)) < 1e-9
    return True
