"""Corrections to openapi-core's view of a spec, where it misreads the spec.

Each correction keeps the request judged: it rewrites the spec the oracle
validates against, never the request.

- ``discriminator`` without a full ``mapping``: openapi-schema-validator looks
  a value up as ``#/components/schemas/<value>`` (OpenAI's
  ``ChunkingStrategyRequestParam`` maps ``auto`` to
  ``AutoChunkingStrategyRequestParam``; inline members have no name at all), so
  a valid value is refused. The mapping is completed from each ``$ref``
  member's ``const``/``enum`` of the property; where that cannot be done
  (inline members, another file's schema) a discriminator without a mapping
  is dropped and ``oneOf``/``anyOf`` judge alone (the discriminator is a hint
  in OpenAPI; the union is the rule), one with a mapping is kept as it is.
- ``multipart/form-data`` parts (3.1): openapi-core validates a file part's
  bytes against ``type: string`` and does not read a text part ``true`` or
  ``1`` as a boolean or integer. A binary part (``format: binary``,
  ``contentMediaType``, or a union holding one) is not judged (as a file
  part's media type is not), nor is a part whose ``encoding`` sends it as a
  media type other than text or JSON (``application/sdp``). A
  boolean/integer/number part is judged as the text of one (its bounds,
  ``minimum`` and the like, are not judged); a union of strings gets
  ``type: string`` so openapi-core decodes it as text, not bytes.
"""

from __future__ import annotations

import copy
from typing import Any

NUMBER_TEXT = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
TEXT_OF = {
    "boolean": {"type": "string", "enum": ["true", "false"]},
    "integer": {"type": "string", "pattern": r"^-?[0-9]+$"},
    "number": {"type": "string", "pattern": NUMBER_TEXT},
}


def resolve(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """``node`` with a local ``$ref`` followed (a few hops at most)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and depth < 10:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node, depth = target, depth + 1
    return node


def _tag(document: dict[str, Any], member: Any, prop: str) -> list[str] | None:
    """The discriminator values a ``$ref`` member admits, or None."""
    schema = resolve(document, member)
    if not isinstance(schema, dict):
        return None
    parts = [schema, *(resolve(document, s) for s in schema.get("allOf") or ())]
    for part in parts:
        field = resolve(document, ((part or {}).get("properties") or {}).get(prop))
        if isinstance(field, dict):
            if isinstance(field.get("const"), str):
                return [field["const"]]
            if isinstance(field.get("enum"), list) and all(isinstance(e, str) for e in field["enum"]):
                return list(field["enum"])
    return None


def fix_discriminators(document: dict[str, Any], node: Any, depth: int = 0) -> None:
    """Complete or drop every discriminator under ``node``, in place."""
    if depth > 200:
        return
    if isinstance(node, dict):
        disc = node.get("discriminator")
        if isinstance(disc, dict):
            members = node.get("oneOf") or node.get("anyOf")
            mapping = dict(disc.get("mapping") or {})
            prop = disc.get("propertyName")
            complete = isinstance(members, list) and isinstance(prop, str)
            for member in members if complete else ():
                ref = member.get("$ref") if isinstance(member, dict) else None
                tags = _tag(document, member, prop) if isinstance(ref, str) else None
                if tags is None:
                    complete = False
                    break
                for tag in tags:
                    mapping.setdefault(tag, ref)
            if complete:
                node["discriminator"] = {**disc, "mapping": mapping}
            elif not disc.get("mapping"):
                del node["discriminator"]
        for value in node.values():
            fix_discriminators(document, value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            fix_discriminators(document, value, depth + 1)


def _binary(document: dict[str, Any], schema: Any, depth: int = 0) -> bool:
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or depth > 10:
        return False
    if schema.get("format") == "binary" or "contentMediaType" in schema:
        return True
    return any(_binary(document, s, depth + 1) for s in (schema.get("oneOf") or []) + (schema.get("anyOf") or []))


def _strings(document: dict[str, Any], schema: Any, depth: int = 0) -> bool:
    """Whether every member of a union is a string schema."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or depth > 10:
        return False
    union = (schema.get("oneOf") or []) + (schema.get("anyOf") or [])
    if union and "type" not in schema:
        return all(_strings(document, s, depth + 1) for s in union)
    return schema.get("type") == "string"


def part_schema(document: dict[str, Any], schema: Any) -> Any:
    """A multipart part's schema as openapi-core can judge it."""
    if _binary(document, schema):
        return {}
    resolved = resolve(document, schema)
    if not isinstance(resolved, dict):
        return schema
    kind = resolved.get("type")
    if isinstance(kind, str) and kind in TEXT_OF:
        return {**TEXT_OF[kind], **({"enum": [str(e).lower() for e in resolved["enum"]]} if "enum" in resolved else {})}
    if kind == "array":
        return {**resolved, "items": part_schema(document, resolved.get("items"))}
    if "type" not in resolved and _strings(document, resolved):
        return {**resolved, "type": "string"}
    return schema


def _raw(encoding: Any) -> bool:
    """Whether a part is sent raw as a media type that is not text or JSON
    (openapi-core reads it as bytes)."""
    kind = encoding.get("contentType") if isinstance(encoding, dict) else None
    if not isinstance(kind, str):
        return False
    kinds = [k.split(";")[0].strip().lower() for k in kind.split(",")]
    return not any(k == "text/plain" or k.endswith("json") for k in kinds)


def multipart_body(document: dict[str, Any], body: Any) -> Any:
    """An operation's requestBody with its multipart/form-data schema corrected."""
    body = resolve(document, body)
    media = ((body or {}).get("content") or {}).get("multipart/form-data") if isinstance(body, dict) else None
    schema = resolve(document, (media or {}).get("schema"))
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return body
    encoding = media.get("encoding") if isinstance(media.get("encoding"), dict) else {}
    props = {
        name: {} if _raw(encoding.get(name)) else part_schema(document, s) for name, s in schema["properties"].items()
    }
    fixed = {**media, "schema": {**schema, "properties": props}}
    return {**body, "content": {**body["content"], "multipart/form-data": fixed}}


def corrected(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with the discriminator correction applied."""
    document = copy.deepcopy(document)
    fix_discriminators(document, document)
    return document
