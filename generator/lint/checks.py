"""The checks a hand transcription needs beyond validity.

A spec copied from a docs page is usually *valid* and still wrong: the page's
example shows a field its schema never declares, an empty string where the
schema says URI, a SID that breaks its own pattern. Generated tests are built
from those examples, so every example is checked here against its schema:

- response and request-body examples (``example`` and ``examples``),
- parameter examples, and
- ``example`` on any schema.

Schemas are OpenAPI 3.0 Schema Objects, checked as JSON Schema draft 4 with
``nullable: true`` meaning "null is also allowed" (for every keyword, ``enum``
and ``allOf`` included). Formats ``uri``, ``uri-reference``, ``date-time``,
``date``, ``email``, ``uuid``, ``int32`` and ``int64`` are checked; others are
free text. An object key that the schema's ``properties`` do not declare is
reported as undocumented (unless the schema says ``additionalProperties`` or
composes with ``allOf``/``anyOf``/``oneOf``). OpenAPI 3.1 schemas are JSON
Schema 2020-12 and are checked as such.

Also flagged: operations without a response example, parameters without a
description, and enums without values. Every finding is a warning located
like an error (``file:line: /pointer: warning: ...``); the generator's own
warnings are included.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any, Callable, Iterator
from urllib.parse import quote, urlsplit

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from ..errors import Diagnostic, pointer_join, resolve_pointer
from .keywords import BUDGET, MAX_STEPS, MAX_TOTAL_STEPS, TooCostly, safe_validator, uses_pattern_properties
from ..ir.nodes import Api
from ..load.spec import LoadedSpec
from ..validate.checks import HTTP_METHODS

_BASE = "urn:specgen:spec"
_SCHEMA_CHILDREN = ("items", "additionalProperties", "not")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def lint(spec: LoadedSpec, api: Api) -> list[str]:
    """Every warning for ``spec`` as a located line, ``api`` being its IR
    (:func:`generator.pipeline.build_ir`).

    The lint findings come first, ordered by line, then the generator's own
    warnings (renamed names, unsupported constructs).
    """
    found = sorted(_Linter(spec).run(), key=lambda d: (d.line or 0, d.pointer, d.message))
    lines: list[str] = []
    for line in [str(d) for d in found] + list(api.warnings):
        if line not in lines:
            lines.append(line)
    return lines


# -- formats ---------------------------------------------------------------

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    def check(name: str) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
        return checker.checks(name, raises=(ValueError, TypeError))

    @check("uri")
    def is_uri(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme) and bool(parts.netloc or parts.path) and not re.search(r"\s", value)

    @check("uri-reference")
    def is_uri_reference(value: Any) -> bool:
        return not isinstance(value, str) or (bool(value) and not re.search(r"\s", value))

    @check("date-time")
    def is_date_time(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        if not _DATE_TIME.match(value):
            return False
        datetime.fromisoformat(value.upper().replace("Z", "+00:00").replace(" ", "T"))
        return True

    @check("date")
    def is_date(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and date.fromisoformat(value) is not None

    @check("email")
    def is_email(value: Any) -> bool:
        return not isinstance(value, str) or bool(_EMAIL.match(value))

    @check("uuid")
    def is_uuid(value: Any) -> bool:
        return not isinstance(value, str) or str(uuid.UUID(value)) == value.lower()

    @check("int32")
    def is_int32(value: Any) -> bool:
        return not isinstance(value, int) or -(2**31) <= value < 2**31

    @check("int64")
    def is_int64(value: Any) -> bool:
        return not isinstance(value, int) or -(2**63) <= value < 2**63

    return checker


def _nullable(keyword: Callable[..., Any]) -> Callable[..., Any]:
    """OpenAPI 3.0: ``nullable: true`` lets ``None`` through every keyword."""

    def check(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        if instance is None and isinstance(schema, dict) and schema.get("nullable") is True:
            return None
        return keyword(validator, value, instance, schema)

    return check


# -- the walk --------------------------------------------------------------


class _Linter:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.doc = spec.document
        self.oas31 = str(self.doc.get("openapi", "")).startswith("3.1")
        spec_kind = DRAFT202012 if self.oas31 else DRAFT4
        self.registry: Registry[Any] = Registry().with_resource(
            _BASE, Resource.from_contents(self.doc, default_specification=spec_kind)
        )
        # patterns in linear time, and a step budget per example (lint/keywords.py)
        pattern_properties = uses_pattern_properties(self.doc)
        if self.oas31:
            self.validator_cls = safe_validator(Draft202012Validator, pattern_properties=pattern_properties)
        else:
            self.validator_cls = safe_validator(Draft4Validator, _nullable)
        self.formats = _format_checker()
        self.found: list[Diagnostic] = []

    def warn(self, pointer: str, message: str) -> None:
        self.found.append(self.spec.diagnostic(pointer, message, "warning"))

    def run(self) -> list[Diagnostic]:
        BUDGET.start_spec()
        components = self.doc.get("components") or {}
        for name, schema in _items(components.get("schemas")):
            self.schema_examples(schema, pointer_join("/components/schemas", name))
        for name, param in _items(components.get("parameters")):
            self.parameter(param, pointer_join("/components/parameters", name))
        for name, response in _items(components.get("responses")):
            self.media(response, pointer_join("/components/responses", name))
        for name, body in _items(components.get("requestBodies")):
            self.media(body, pointer_join("/components/requestBodies", name))
        for path, item in _items(self.doc.get("paths")):
            path_pointer = pointer_join("/paths", path)
            if "$ref" in item:
                continue
            for index, param in enumerate(_list(item.get("parameters"))):
                self.parameter(param, pointer_join(path_pointer, "parameters", index))
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict):
                    self.operation(op, pointer_join(path_pointer, method))
        return self.found

    def operation(self, op: dict[str, Any], pointer: str) -> None:
        for index, param in enumerate(_list(op.get("parameters"))):
            self.parameter(param, pointer_join(pointer, "parameters", index))
        body = op.get("requestBody")
        if isinstance(body, dict) and "$ref" not in body:
            self.media(body, pointer_join(pointer, "requestBody"))
        has_json_success = False
        has_example = False
        for status, response in _items(op.get("responses")):
            response_pointer = pointer_join(pointer, "responses", status)
            if "$ref" in response:
                target = resolve_pointer(self.doc, response["$ref"])
                response = target if isinstance(target, dict) else {}
            else:
                self.media(response, response_pointer)
            if not str(status).startswith("2"):
                continue
            for media_type, media in _items(response.get("content")):
                if media_type == "application/json" or media_type.endswith("+json"):
                    has_json_success = True
                    has_example = has_example or self.media_has_example(media)
        if has_json_success and not has_example:
            name = op.get("operationId") or pointer
            self.warn(
                pointer,
                f"operation {name!r} has no response example; its generated test uses a made-up body "
                "(copy the example from the docs page)",
            )

    def media_has_example(self, media: dict[str, Any]) -> bool:
        if "example" in media or media.get("examples"):
            return True
        schema = media.get("schema")
        if isinstance(schema, dict) and "$ref" in schema:
            schema = resolve_pointer(self.doc, schema["$ref"])
        return isinstance(schema, dict) and "example" in schema

    def parameter(self, param: dict[str, Any], pointer: str) -> None:
        if "$ref" in param:
            return  # checked where it is defined
        name = param.get("name")
        if not str(param.get("description") or "").strip():
            self.warn(pointer, f"parameter {name!r} has no description (the generated docstring will be generic)")
        schema = param.get("schema")
        schema_pointer = pointer_join(pointer, "schema")
        if isinstance(schema, dict):
            self.schema_examples(schema, schema_pointer)
            if "example" in param:
                self.check(param["example"], pointer_join(pointer, "example"), schema_pointer)
            for example_name, example in _items(param.get("examples")):
                self.named_example(example, pointer_join(pointer, "examples", example_name), schema_pointer)
        for media_type, media in _items(param.get("content")):
            self.media_object(media, pointer_join(pointer, "content", media_type))

    def media(self, holder: dict[str, Any], pointer: str) -> None:
        """A response or request body: each of its media types."""
        for media_type, media in _items(holder.get("content")):
            self.media_object(media, pointer_join(pointer, "content", media_type))

    def media_object(self, media: dict[str, Any], pointer: str) -> None:
        schema = media.get("schema")
        if not isinstance(schema, dict):
            return
        schema_pointer = pointer_join(pointer, "schema")
        self.schema_examples(schema, schema_pointer)
        if "example" in media:
            self.check(media["example"], pointer_join(pointer, "example"), schema_pointer)
        for example_name, example in _items(media.get("examples")):
            self.named_example(example, pointer_join(pointer, "examples", example_name), schema_pointer)

    def named_example(self, example: dict[str, Any], pointer: str, schema_pointer: str) -> None:
        if "$ref" in example:
            ref = example["$ref"]
            target = resolve_pointer(self.doc, ref)
            if isinstance(target, dict) and "value" in target:
                self.check(target["value"], pointer_join(ref[1:], "value"), schema_pointer)
            return
        if "value" in example:
            self.check(example["value"], pointer_join(pointer, "value"), schema_pointer)

    def schema_examples(self, schema: Any, pointer: str) -> None:
        """Walk a schema (not following ``$ref``): its ``example`` and enums, and its children."""
        stack = [(schema, pointer)]
        while stack:
            node, where = stack.pop()
            if not isinstance(node, dict) or "$ref" in node:
                continue
            if "enum" in node:
                values = node["enum"]
                if not isinstance(values, list) or not [v for v in values if v is not None]:
                    self.warn(pointer_join(where, "enum"), "enum has no values: no value can be sent or received")
            if "example" in node:
                self.check(node["example"], pointer_join(where, "example"), where)
            if self.oas31 and isinstance(node.get("examples"), list):
                for index, value in enumerate(node["examples"]):
                    self.check(value, pointer_join(where, "examples", index), where)
            for key, child in _items(node.get("properties")):
                stack.append((child, pointer_join(where, "properties", key)))
            for key in _SCHEMA_CHILDREN:
                if isinstance(node.get(key), dict):
                    stack.append((node[key], pointer_join(where, key)))
            for key in _SCHEMA_LISTS:
                for index, child in enumerate(_list(node.get(key))):
                    stack.append((child, pointer_join(where, key, index)))

    # -- checking one example --------------------------------------------

    def check(self, instance: Any, pointer: str, schema_pointer: str) -> None:
        """Validate ``instance`` (found at ``pointer``) against the schema at ``schema_pointer``."""
        ref = {"$ref": f"{_BASE}#{quote(schema_pointer, safe='/~')}"}
        if BUDGET.spent():
            return  # said once, below
        validator = self.validator_cls(ref, registry=self.registry, format_checker=self.formats)
        BUDGET.start_example()
        try:
            errors = sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        except TooCostly:
            if BUDGET.spent():
                message = f"this example and the ones after it are not checked (more than {MAX_TOTAL_STEPS} steps in all)"
            else:
                message = f"example not checked: its schema branches too much (more than {MAX_STEPS} steps)"
            self.warn(pointer, message)
            return
        except Exception as exc:  # an unresolvable ref or a bad pattern in the schema
            self.warn(pointer, f"cannot check this example: {type(exc).__name__}: {_short(str(exc), 120)}")
            return
        for error in errors:
            for leaf in _leaves(error):
                if _only_read_or_write_only_missing(leaf, self.doc):
                    continue
                where = pointer_join(pointer, *leaf.absolute_path)
                self.warn(where, f"example {_describe(leaf)}")
        schema = resolve_pointer(self.doc, "#" + schema_pointer)
        self.undocumented(instance, schema, pointer, depth=0)

    def undocumented(self, instance: Any, schema: Any, pointer: str, depth: int) -> None:
        """Report object keys that the schema does not declare."""
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 50:
            name = schema["$ref"]
            schema = resolve_pointer(self.doc, name)
            seen += 1
        if not isinstance(schema, dict) or depth > 50:
            return
        if any(key in schema for key in _SCHEMA_LISTS):
            return
        if isinstance(instance, dict):
            declared = schema.get("properties")
            properties: dict[str, Any] = declared if isinstance(declared, dict) else {}
            extra = schema.get("additionalProperties")
            for key, value in instance.items():
                if key in properties:
                    self.undocumented(value, properties[key], pointer_join(pointer, key), depth + 1)
                elif isinstance(extra, dict):
                    self.undocumented(value, extra, pointer_join(pointer, key), depth + 1)
                elif extra is None and properties and not schema.get("patternProperties"):
                    self.warn(
                        pointer_join(pointer, key),
                        f"undocumented field {key!r}: the schema has no such property "
                        "(add it to the schema, or remove it from the example)",
                    )
        elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
            for index, value in enumerate(instance):
                self.undocumented(value, schema["items"], pointer_join(pointer, index), depth + 1)


def _only_read_or_write_only_missing(error: ValidationError, doc: Any) -> bool:
    """A ``required`` error for properties that are readOnly or writeOnly.

    OpenAPI lets a response leave out writeOnly properties and a request
    leave out readOnly ones, even when they are listed in ``required``.
    """
    if error.validator != "required" or not isinstance(error.instance, dict):
        return False
    properties = error.schema.get("properties") if isinstance(error.schema, dict) else None
    required = error.validator_value if isinstance(error.validator_value, list) else []
    missing = [name for name in required if name not in error.instance]
    if not missing or not isinstance(properties, dict):
        return False
    for name in missing:
        prop = properties.get(name)
        while isinstance(prop, dict) and "$ref" in prop:
            prop = resolve_pointer(doc, prop["$ref"])
        if not (isinstance(prop, dict) and (prop.get("readOnly") is True or prop.get("writeOnly") is True)):
            return False
    return True


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The errors to show for one failure (anyOf/oneOf: the failure itself)."""
    yield error


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "this object"
    if isinstance(value, list):
        return "this list"
    return _short(repr(value))


def _describe(error: ValidationError) -> str:
    value = _value(error.instance)
    rule: Any = error.validator_value  # the validator sets it on every error it yields (Unset: made by hand)
    kind = error.validator
    if kind == "format":
        return f"value {value} is not a valid {rule}"
    if kind == "minLength":
        return f"value {value} is shorter than minLength {rule}"
    if kind == "maxLength":
        return f"value {value} is longer than maxLength {rule}"
    if kind == "pattern":
        return f"value {value} does not match pattern {_short(repr(rule), 80)}"
    if kind == "type":
        types = rule if isinstance(rule, str) else " or ".join(map(str, rule))
        return f"value {value} is not of type {types}"
    if kind == "enum":
        return f"value {value} is not one of {_short(repr(rule), 80)}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"value {value} breaks {kind} {rule}"
    return f"does not match its schema: {_short(error.message, 160)}"


def _items(value: Any) -> list[tuple[str, Any]]:
    if not isinstance(value, dict):
        return []
    return [(str(k), v) for k, v in value.items() if isinstance(v, dict)]


def _list(value: Any) -> list[Any]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
