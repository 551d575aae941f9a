"""The rules inside a request body, for the runtime to check before sending (runtime/rules.py).

Decided here from the body's schema, printed as an ``_rt.Rules(...)`` call:
string lengths and patterns, number bounds, item counts, by property and by
item, only where the schema states some. ``allOf`` parts are merged; the
members of a ``oneOf``/``anyOf`` are not checked (which one applies is the
decoder's choice); read-only properties are never sent. Enums are not
checked, as for parameters: enums are open (see runtime/enums.py). A
recursive schema is followed once along each path, and the tree is capped at
:data:`MAX_RULES` nodes and :data:`MAX_DEPTH` levels: a spec cannot make the
generated module large.
"""

from __future__ import annotations

from typing import Any

from .constraints import EXCLUSIVE_KEYWORDS, ITEM_KEYWORDS, SCALAR_KEYWORDS
from .literals import literal
from .nodes import Code
from ..validate.schema_check import follow, read_only

MAX_RULES = 200  # Rules(...) calls in one body's tree
MAX_DEPTH = 8
_KEYWORDS = (*SCALAR_KEYWORDS, *ITEM_KEYWORDS)


def body_rules(schema: Any, doc: dict[str, Any]) -> Code | None:
    """The ``_rt.Rules(...)`` of a body schema, or None when it states no rule."""
    return _RulesBuilder(doc).build(schema, 0, ())


# the keyword arguments a Param holds of its own (runtime/operation.py)
_PARAM_OWN = (*(f"{k}=" for _, k in SCALAR_KEYWORDS), *(f"{k}=" for _, k, _ in EXCLUSIVE_KEYWORDS))


class _RulesBuilder:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.left = MAX_RULES

    def build(self, schema: Any, depth: int, refs: tuple[str, ...]) -> Code | None:
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if isinstance(ref, str):
            if ref in refs:
                return None  # recursion: checked once along this path
            refs = (*refs, ref)
        schema = follow(schema, self.doc)
        if not isinstance(schema, dict) or depth > MAX_DEPTH or self.left <= 0:
            return None
        if isinstance(schema.get("allOf"), list):
            schema = self._merge(schema)
            if schema is None:
                return None
        args = _own(schema)
        if depth == 0:  # the body's own scalar rules are the Param's (runtime/operation.py)
            args = [a for a in args if not a.startswith(_PARAM_OWN)]
        fields = []
        properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        for name, sub in properties.items():
            if read_only(sub, self.doc):
                continue
            rules = self.build(sub, depth + 1, refs)
            if rules is not None:
                fields.append(f"({literal(str(name))}, {rules})")
        if fields:
            args.append(f"fields=({', '.join(fields)},)")
        inner = schema.get("items") if isinstance(schema.get("items"), dict) else None
        extra = schema.get("additionalProperties")
        if inner is None and not properties and isinstance(extra, dict):
            inner = extra
        if inner is not None:
            rules = self.build(inner, depth + 1, refs)
            if rules is not None:
                args.append(f"items={rules}")
        if not args:
            return None
        self.left -= 1
        if self.left < 0:
            return None
        return Code(f"_rt.Rules({', '.join(args)})")

    def _merge(self, schema: dict[str, Any]) -> dict[str, Any] | None:
        """An ``allOf``'s parts as one schema (the first part's rule wins a clash)."""
        merged: dict[str, Any] = {"properties": {}}
        parts = [*schema["allOf"], {k: v for k, v in schema.items() if k != "allOf"}]
        for part in parts[:50]:
            part = follow(part, self.doc)
            if not isinstance(part, dict) or "allOf" in part:
                return None  # nested allOf: left unchecked (rare, and bounded this way)
            for key, value in part.items():
                if key == "properties" and isinstance(value, dict):
                    for name, sub in value.items():
                        merged["properties"].setdefault(name, sub)
                elif key not in merged:
                    merged[key] = value
        return merged


def _own(schema: dict[str, Any]) -> list[str]:
    """The keyword arguments of a schema's own rules."""
    args = []
    for key, keyword in _KEYWORDS:
        value = schema.get(key)
        if key == "pattern":
            if isinstance(value, str):
                args.append(f"pattern={literal(value)}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if keyword in ("min_length", "max_length", "min_items", "max_items") and not isinstance(value, int):
                continue
            if keyword == "min_length" and value == 0 or keyword == "min_items" and value == 0:
                continue
            args.append(f"{keyword}={literal(value)}")
    for key, keyword, bound in EXCLUSIVE_KEYWORDS:
        value = schema.get(key)
        if value is True and _number(schema.get(bound)):
            args = [a for a in args if not a.startswith(f"{bound}=")]
            args.append(f"{keyword}={literal(schema[bound])}")
        elif _number(value):
            args.append(f"{keyword}={literal(value)}")
    return args


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
