"""Schemas to types: models, enums and type references of the IR."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import pointer_join
from .ir import Code, Enum, EnumMember, Field, Model, TypeRef
from .naming import Identifier, Scope, pascal
from .validate import resolve_pointer

SCALARS = {
    "boolean": TypeRef("bool"),
    "integer": TypeRef("int"),
    "number": TypeRef("float"),
    "string": TypeRef("str"),
}
_STRING_FORMATS = {"date-time": "datetime", "date-time-rfc-2822": "datetime", "date": "date"}
_ANNOTATIONS = {"str": "str", "int": "int", "float": "float", "bool": "bool", "datetime": "datetime", "date": "date", "any": "Any"}
_DECODERS = {
    "str": "_rt.STR",
    "int": "_rt.INT",
    "float": "_rt.FLOAT",
    "bool": "_rt.BOOL",
    "datetime": "_rt.DATETIME",
    "date": "_rt.DATE",
    "any": "_rt.ANY",
}
MODEL_RESERVED = frozenset({"extra", "from_dict", "to_dict"})

Warn = Callable[[str, str], None]


@dataclass
class _Property:
    wire_name: str
    type: TypeRef
    required: bool
    nullable: bool
    description: str


@dataclass
class _ModelDraft:
    name: Identifier
    description: str
    pointer: str
    properties: list[_Property] = field(default_factory=list)


class TypeBuilder:
    """Turns schemas into :class:`TypeRef`s, collecting the models and enums met."""

    def __init__(self, document: dict[str, Any], scope: Scope, warn: Warn) -> None:
        self.doc = document
        self.scope = scope
        self.warn = warn
        self.drafts: dict[Identifier, _ModelDraft] = {}
        self.enums: dict[Identifier, Enum] = {}
        self._enum_index: dict[tuple[tuple[str, ...], str | None], Identifier] = {}
        self._components: dict[str, TypeRef] = {}
        self._component_names: dict[str, Identifier] = {}
        self._claim_component_names()

    # -- components ---------------------------------------------------------

    def _claim_component_names(self) -> None:
        schemas = (self.doc.get("components") or {}).get("schemas") or {}
        for raw_name, schema in schemas.items():
            if isinstance(schema, dict) and (_is_object(schema) or _is_string_enum(schema)):
                ref = "#" + pointer_join("/components/schemas", raw_name)
                self._component_names[ref] = self.scope.claim(raw_name, where=ref[1:])

    def build_components(self) -> None:
        for ref in self._component_names:
            self.resolve_ref(ref)

    def resolve_ref(self, ref: str) -> TypeRef:
        if ref in self._components:
            return self._components[ref]
        schema = resolve_pointer(self.doc, ref)
        pointer = ref[1:]
        name = self._component_names.get(ref)
        if name is None:  # an alias of another type: inline it
            if isinstance(schema, dict) and schema.get("$ref") == ref:
                self.warn(pointer, "schema refers to itself; typed as Any")
                return TypeRef("any")
            result = self.type_of(schema, pointer, pascal(ref.rsplit("/", 1)[-1]) or "Schema")
            self._components[ref] = result
            return result
        if _is_string_enum(schema):
            result = self._enum(schema, pointer, name)
        else:
            result = TypeRef("model", name=name)
            self._components[ref] = result  # before the fields: recursion ends here
            self._model(schema, pointer, name)
        self._components[ref] = result
        return result

    # -- schemas ------------------------------------------------------------

    def type_of(self, schema: Any, pointer: str, context: str) -> TypeRef:
        """The type of ``schema``; ``context`` names inline models and enums."""
        if not isinstance(schema, dict):
            return TypeRef("any")
        nullable = _nullable(schema)
        result = self._type_of(schema, pointer, context)
        if nullable and not result.nullable:
            result = TypeRef(result.kind, result.name, result.item, True, result.format)
        return result

    def _type_of(self, schema: dict[str, Any], pointer: str, context: str) -> TypeRef:
        if "$ref" in schema:
            return self.resolve_ref(schema["$ref"])
        for combiner in ("allOf", "oneOf", "anyOf"):
            parts = schema.get(combiner)
            if isinstance(parts, list):
                non_null = [p for p in parts if not (isinstance(p, dict) and p.get("type") == "null")]
                if len(non_null) == 1:
                    return self.type_of(non_null[0], pointer_join(pointer, combiner, 0), context)
                self.warn(pointer, f"{combiner} with {len(non_null)} schemas is not supported yet; typed as Any")
                return TypeRef("any")
        kind = _schema_type(schema)
        fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
        if kind == "object" or (kind is None and ("properties" in schema or "additionalProperties" in schema)):
            return self._object(schema, pointer, context)
        if kind == "array":
            items = self.type_of(schema.get("items"), pointer_join(pointer, "items"), f"{context}Item")
            return TypeRef("list", item=items)
        if kind == "string":
            if _is_string_enum(schema):
                return self._enum(schema, pointer, None, context)
            return TypeRef(_STRING_FORMATS.get(fmt or "", "str"), format=fmt)
        if kind in SCALARS:
            return TypeRef(SCALARS[kind].kind, format=fmt)
        return TypeRef("any")

    def _object(self, schema: dict[str, Any], pointer: str, context: str) -> TypeRef:
        if schema.get("properties"):
            name = self.scope.claim(context, where=pointer)
            self._model(schema, pointer, name)
            return TypeRef("model", name=name)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            value = self.type_of(extra, pointer_join(pointer, "additionalProperties"), f"{context}Value")
            return TypeRef("dict", item=value)
        return TypeRef("dict", item=TypeRef("any"))

    def _model(self, schema: dict[str, Any], pointer: str, name: Identifier) -> None:
        description = _text(schema.get("description")) or _text(schema.get("title"))
        draft = _ModelDraft(name, description, pointer)
        self.drafts[name] = draft
        required = set(schema.get("required") or [])
        for wire_name, prop in (schema.get("properties") or {}).items():
            prop_pointer = pointer_join(pointer, "properties", wire_name)
            prop_type = self.type_of(prop, prop_pointer, f"{name}{pascal(wire_name)}")
            draft.properties.append(
                _Property(
                    wire_name=wire_name,
                    type=prop_type,
                    required=wire_name in required,
                    nullable=prop_type.nullable,
                    description=_text(prop.get("description")) if isinstance(prop, dict) else "",
                )
            )

    def _enum(self, schema: dict[str, Any], pointer: str, name: Identifier | None, context: str = "") -> TypeRef:
        values = tuple(str(v) for v in schema["enum"] if v is not None)
        fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
        key = (values, fmt)
        if name is None and key in self._enum_index:
            return TypeRef("enum", name=self._enum_index[key])
        if name is None:
            name = self.scope.claim(pascal(fmt) if fmt else context, where=pointer)
            self._enum_index[key] = name
        members_scope = Scope("enum member", "upper", "VALUE")
        members = tuple(EnumMember(members_scope.claim(v, where=pointer), v) for v in dict.fromkeys(values))
        for message in members_scope.collisions:
            self.warn(pointer, message)
        description = _text(schema.get("description")) if context == "" else ""
        description = description or "One of: " + ", ".join(repr(v) for v in values) + "."
        self.enums[name] = Enum(name, description, members, pointer)
        return TypeRef("enum", name=name, format=fmt)

    # -- freezing -----------------------------------------------------------

    def models(self) -> tuple[Model, ...]:
        """All models, each after the models its fields need at class creation."""
        order = _definition_order(self.drafts)
        position = {name: i for i, name in enumerate(order)}
        result = []
        for name in order:
            draft = self.drafts[name]
            scope = Scope("property", "snake", "field", reserved=MODEL_RESERVED)
            fields = []
            for prop in draft.properties:
                py_name = scope.claim(prop.wire_name, where=draft.pointer)
                has_default = not prop.required
                fields.append(
                    Field(
                        name=py_name,
                        wire_name=prop.wire_name,
                        type=prop.type,
                        annotation=field_annotation(prop.type, prop.required),
                        decoder=decoder(prop.type, lambda ref: position[ref] >= position[name]),
                        required=prop.required,
                        nullable=prop.nullable,
                        has_default=has_default,
                        nullable_flag=prop.nullable and prop.required,
                        description=prop.description,
                    )
                )
            for message in scope.collisions:
                self.warn(draft.pointer, message)
            result.append(Model(name, draft.description or f"The {draft.name} object.", tuple(fields), draft.pointer))
        return tuple(result)


def _definition_order(drafts: dict[Identifier, _ModelDraft]) -> list[Identifier]:
    order: list[Identifier] = []
    state: dict[Identifier, int] = {}
    for root in drafts:
        stack: list[tuple[Identifier, list[Identifier]]] = []
        if root in state:
            continue
        state[root] = 1
        stack.append((root, _model_refs(drafts[root])))
        while stack:
            current, pending = stack[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in state and nxt in drafts:
                    state[nxt] = 1
                    stack.append((nxt, _model_refs(drafts[nxt])))
                continue
            stack.pop()
            state[current] = 2
            order.append(current)
    return order


def _model_refs(draft: _ModelDraft) -> list[Identifier]:
    refs: list[Identifier] = []
    for prop in draft.properties:
        t: TypeRef | None = prop.type
        while t is not None:
            if t.kind == "model" and t.name is not None:
                refs.append(t.name)
            t = t.item
    return refs


def annotation(t: TypeRef) -> str:
    if t.kind in ("enum", "model"):
        base = str(t.name)
    elif t.kind == "list":
        assert t.item is not None
        base = f"list[{annotation(t.item)}]"
    elif t.kind == "dict":
        assert t.item is not None
        base = f"dict[str, {annotation(t.item)}]"
    else:
        base = _ANNOTATIONS[t.kind]
    return f"{base} | None" if t.nullable and t.kind != "any" else base


def field_annotation(t: TypeRef, required: bool) -> Code:
    text = annotation(t)
    if not required and t.kind != "any" and not text.endswith("| None"):
        text += " | None"
    return Code(text)


def decoder(t: TypeRef, is_lazy: Callable[[Identifier], bool] = lambda name: False) -> Code:
    if t.kind == "enum":
        text = f"_rt.enum({t.name})"
    elif t.kind == "model":
        assert t.name is not None
        text = f"_rt.lazy(lambda: {t.name})" if is_lazy(t.name) else f"_rt.model({t.name})"
    elif t.kind == "list":
        assert t.item is not None
        text = f"_rt.list_of({_item_decoder(t.item, is_lazy)})"
    elif t.kind == "dict":
        assert t.item is not None
        text = f"_rt.dict_of({_item_decoder(t.item, is_lazy)})"
    else:
        text = _DECODERS[t.kind]
    return Code(text)


def _item_decoder(t: TypeRef, is_lazy: Callable[[Identifier], bool]) -> str:
    inner = decoder(t, is_lazy)
    return f"_rt.optional({inner})" if t.nullable and t.kind != "any" else inner


def _schema_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        return non_null[0] if len(non_null) == 1 else None
    return kind if isinstance(kind, str) else None


def _nullable(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind):
        return True
    if isinstance(schema.get("enum"), list) and None in schema["enum"]:
        return True
    for combiner in ("oneOf", "anyOf"):
        parts = schema.get(combiner)
        if isinstance(parts, list) and any(isinstance(p, dict) and p.get("type") == "null" for p in parts):
            return True
    return False


def _is_object(schema: dict[str, Any]) -> bool:
    return bool(schema.get("properties")) and _schema_type(schema) in ("object", None)


def _is_string_enum(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and _schema_type(schema) == "string"
        and isinstance(schema.get("enum"), list)
        and any(isinstance(v, str) for v in schema["enum"])
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
