"""What a raw schema is (null, nullable, an enum, a union, an object): the tests the type builder decides by."""

from __future__ import annotations

from typing import Any

from ..errors import resolve_pointer

# Keywords that say something about a value (a description), not what the value is.
ANNOTATIONS_ONLY = frozenset({"description", "title", "example", "examples", "deprecated", "externalDocs", "xml", "$comment"})


def format_of(schema: dict[str, Any]) -> str | None:
    """The schema's ``format``, if it is a string."""
    return schema["format"] if isinstance(schema.get("format"), str) else None


def enum_key(schema: dict[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """What makes two enum schemas one type: their values (deduplicated, in order) and format."""
    is_int = schema_type(schema) == "integer"
    raw = schema["enum"] if isinstance(schema.get("enum"), list) else [schema.get("const")]
    values = dict.fromkeys(int(v) if is_int else str(v) for v in raw if v is not None and not isinstance(v, bool))
    return tuple(f"{type(v).__name__}:{v}" for v in values), format_of(schema)


def shared_inline_enums(document: dict[str, Any]) -> frozenset[tuple[tuple[str, ...], str | None]]:
    """The keys of the anonymous enum schemas that occur in more than one place
    (a component schema is named by its own name; examples are data)."""
    seen: set[tuple[tuple[str, ...], str | None]] = set()
    shared: set[tuple[tuple[str, ...], str | None]] = set()
    components = (document.get("components") or {}).get("schemas") or {}
    named = {id(s) for s in components.values()} if isinstance(components, dict) else set()
    stack: list[Any] = [document]
    visited: set[int] = set()  # YAML aliases may share a node, or make a loop
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, list)):
            if id(node) in visited:
                continue
            visited.add(id(node))
        if isinstance(node, dict):
            if id(node) not in named and is_enum(node):
                key = enum_key(node)
                (shared if key in seen else seen).add(key)
            stack.extend(v for k, v in node.items() if k not in ("example", "examples", "default", "enum", "const"))
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(shared)


def common_dotted_prefix(names: list[str]) -> str:
    """The dotted prefix every dotted schema name shares (``trunking.v1.``), if any.

    Twilio names schemas ``trunking.v1.trunk.phone_number``; dropping what all
    of them share gives ``TrunkPhoneNumber`` rather than ``TrunkingV1TrunkPhoneNumber``.
    """
    dotted = [name.split(".") for name in names if "." in name]
    if len(dotted) < 2:
        return ""
    common: list[str] = []
    for parts in zip(*dotted):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    common = common[: min(len(parts) for parts in dotted) - 1]
    return "".join(f"{part}." for part in common)


def schema_type(schema: dict[str, Any]) -> str | None:
    """The one non-null ``type`` a schema names (``[string, null]`` is string), else None."""
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        return non_null[0] if len(non_null) == 1 else None
    return kind if isinstance(kind, str) else None


def is_nullable(schema: dict[str, Any], doc: dict[str, Any]) -> bool:
    """Whether null is a value of the schema, in any of the ways 3.0 and 3.1 say so."""
    kind = schema.get("type")
    if schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind):
        return True
    if isinstance(schema.get("enum"), list) and None in schema["enum"]:
        return True
    if "const" in schema and schema["const"] is None:
        return True
    for combiner in ("oneOf", "anyOf"):
        parts = schema.get(combiner)
        if isinstance(parts, list) and any(is_null(p, doc) for p in parts):
            return True
    parts = schema.get("allOf")
    return isinstance(parts, list) and any(nullable_mark(p) for p in parts)


def nullable_mark(schema: Any) -> bool:
    """An allOf part that only says ``nullable: true`` (beside annotations): the
    3.0 way to make a ``$ref`` nullable, ``allOf: [{$ref: X}, {nullable: true}]``."""
    return (
        isinstance(schema, dict)
        and schema.get("nullable") is True
        and all(key == "nullable" or key in ANNOTATIONS_ONLY or str(key).startswith("x-") for key in schema)
    )


def is_null(schema: Any, doc: dict[str, Any]) -> bool:
    """A schema only null satisfies: ``type: 'null'`` (or ``['null']``), ``const: null``,
    ``enum: [null]``, or a ``$ref`` to one of those (the 3.1 way to make a union nullable)."""
    for _ in range(50):  # a chain of refs, bounded (a cycle is no null schema)
        if not isinstance(schema, dict) or not isinstance(schema.get("$ref"), str):
            break
        schema = resolve_pointer(doc, schema["$ref"])
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    if kind == "null" or kind == ["null"]:
        return True
    if "const" in schema:
        return schema["const"] is None
    return schema.get("enum") == [None]


def annotation_only(schema: Any) -> bool:
    """A schema that only says something about a value (a description), not what the value is."""
    return isinstance(schema, dict) and bool(schema) and all(
        key in ANNOTATIONS_ONLY or str(key).startswith("x-") for key in schema
    )


def is_object(schema: dict[str, Any]) -> bool:
    """An object schema with properties of its own (a model)."""
    return bool(schema.get("properties")) and schema_type(schema) in ("object", None)


def is_union(schema: Any, doc: dict[str, Any]) -> bool:
    """A oneOf/anyOf of more than one non-null schema."""
    if not isinstance(schema, dict):
        return False
    for combiner in ("oneOf", "anyOf"):
        parts = schema.get(combiner)
        if isinstance(parts, list):
            return len([p for p in parts if not is_null(p, doc)]) > 1
    return False


def is_enum(schema: Any) -> bool:
    """A string enum, or an integer enum (every value an int)."""
    if not isinstance(schema, dict):
        return False
    values = schema.get("enum")
    if "const" in schema and values is None:
        values = [schema["const"]]
    if not isinstance(values, list):
        return False
    kind = schema_type(schema)
    non_null = [v for v in values if v is not None]
    if kind == "string":
        return any(isinstance(v, str) for v in non_null)
    if kind == "integer":
        return bool(non_null) and all(isinstance(v, int) and not isinstance(v, bool) for v in non_null)
    return False


def text_of(value: Any) -> str:
    """A description or title as text: ``""`` unless a string."""
    return value if isinstance(value, str) else ""
