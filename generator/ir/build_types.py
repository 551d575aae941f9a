"""Schemas to types: models, enums and type references of the IR."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Callable

from .build_models import ModelDraft, PropertyDraft, freeze_models
from ..errors import pointer_join, resolve_pointer
from .nodes import Alias, Code, Enum, EnumMember, Model, TypeRef
from ..load.spec import ImportedSchema
from .naming import Identifier, Scope, content_name, pascal, value_words
from ..validate.schema_check import read_only as is_read_only
from .schema_shapes import (
    annotation_only,
    common_dotted_prefix,
    enum_key,
    format_of,
    is_enum,
    is_null,
    is_nullable,
    is_object,
    is_union,
    nullable_mark,
    schema_type,
    shared_inline_enums,
    text_of,
)
from .type_table import annotation

SCALARS = {
    "boolean": TypeRef("bool"),
    "integer": TypeRef("int"),
    "number": TypeRef("float"),
    "string": TypeRef("str"),
}
_STRING_FORMATS = {"date-time": "datetime", "date-time-rfc-2822": "datetime", "date": "date"}
MODEL_RESERVED = frozenset({"extra", "from_dict", "to_dict"})
_UNION_OPTION = re.compile(r"Option[0-9]+$")  # the context _union gives its variants

Warn = Callable[[str, str], None]
MAX_TYPE_PARTS = 200  # parts of one shared type spelled out (see TypeBuilder._bounded)


class TypeBuilder:
    """Turns schemas into :class:`TypeRef`s, collecting the models and enums met."""

    def __init__(
        self,
        document: dict[str, Any],
        scope: Scope,
        warn: Warn,
        model_reserved: frozenset[str] = MODEL_RESERVED,
        note: Warn | None = None,
        imported: dict[str, ImportedSchema] | None = None,
    ) -> None:
        self.doc = document
        self.imported = imported or {}  # schemas from other files, by key (see load/refs.py)
        self.model_reserved = model_reserved
        self.scope = scope
        self.warn = warn
        self.note = note or warn  # renames by the word rule (ir/naming.py)
        self.drafts: dict[Identifier, ModelDraft] = {}
        self.enums: dict[Identifier, Enum] = {}
        self._enum_index: dict[tuple[tuple[str, ...], str | None], Identifier] = {}
        self._shared_enums = shared_inline_enums(document)
        self._components: dict[str, TypeRef] = {}
        self._component_names: dict[str, Identifier] = {}
        self._resolving: set[str] = set()
        self._expanding: dict[int, TypeRef] = {}  # inline allOf schemas being merged into models, by id
        self.aliases: dict[Identifier, Alias] = {}
        # id of a schema (kept alive beside its result) and depth -> merged allOf
        self._merged: dict[tuple[int, int], tuple[dict[str, Any], dict[str, Any] | None]] = {}
        self._claim_component_names()

    # -- components ---------------------------------------------------------

    def _claim_component_names(self) -> None:
        """Name the components that become classes: the spec's own first, in spec order, then those
        imported from other files (named after their pointer or file; a clash is renamed and reported)."""
        schemas = (self.doc.get("components") or {}).get("schemas") or {}
        prefix = common_dotted_prefix([name for name in schemas if name not in self.imported])
        for raw_name, schema in schemas.items():
            if isinstance(schema, dict) and (self._is_objectish(schema) or is_enum(schema) or is_union(schema, self.doc)):
                ref = "#" + pointer_join("/components/schemas", raw_name)
                imported = self.imported.get(raw_name)
                if imported is not None:
                    self._component_names[ref] = self.scope.claim(imported.name, where=imported.origin)
                    continue
                short = raw_name[len(prefix) :] if raw_name.startswith(prefix) else raw_name
                self._component_names[ref] = self.scope.claim(short, where=ref[1:])

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
            if ref in self._resolving or (isinstance(schema, dict) and schema.get("$ref") == ref):
                self.warn(pointer, "schema refers to itself without an object in between; typed as Any there")
                return TypeRef("any")
            self._resolving.add(ref)
            try:
                result = self._bounded(self.type_of(schema, pointer, pascal(self._raw_name(ref)) or "Schema"), pointer)
            finally:
                self._resolving.discard(ref)
            self._components[ref] = result
            return result
        assert isinstance(schema, dict)  # _claim_component_names names only the refs to object schemas
        if is_enum(schema):
            result = self._enum(schema, pointer, name)
        elif is_union(schema, self.doc) and not self._is_objectish(schema):
            if ref in self._resolving:
                self.warn(pointer, f"{name} refers to itself through a union; typed as Any there")
                return TypeRef("any")
            self._resolving.add(ref)
            try:
                result = self._bounded(self.type_of(schema, pointer, name), pointer)
            finally:
                self._resolving.discard(ref)
            if result.kind == "union":
                result = TypeRef(
                    "union", name, None, result.nullable, None, result.variants, result.discriminator, result.mapping
                )
                self.aliases[name] = Alias(name, Code(annotation(result, expand=True)), text_of(schema.get("description")))
        elif "allOf" in schema and not schema.get("properties") and self._merge_all_of(schema) is None:
            result = self.type_of(schema, pointer, name)
        else:
            # a nullable object component is nullable wherever it is referred to
            result = TypeRef("model", name=name, nullable=is_nullable(schema, self.doc))
            self._components[ref] = result  # before the fields: recursion ends here
            self._model(self._merge_all_of(schema) or schema, pointer, name)
        if is_nullable(schema, self.doc) and not result.nullable:
            result = replace(result, nullable=True)  # an enum with null among its values, say
        self._components[ref] = result
        return result

    def _bounded(self, result: TypeRef, pointer: str) -> TypeRef:
        """``result``, or Any if spelling it out takes more than MAX_TYPE_PARTS parts.

        Only a ``$ref`` shares a type: an alias (array, union) inlined
        wherever it is used can double at each level (``A2: oneOf: [A1,
        {items: A1}]``), and annotations and decoders spell types out.
        Every shared type is checked here, so none is larger than the cap.
        """
        if _parts(result, MAX_TYPE_PARTS) <= MAX_TYPE_PARTS:
            return result
        self.warn(pointer, f"type spells out to more than {MAX_TYPE_PARTS} parts (aliases repeated in unions or lists); typed as Any")
        return TypeRef("any", nullable=result.nullable)
    def _raw_name(self, ref: str) -> str:
        """The name a schema's ``$ref`` gives it: its key, or for an imported one, what it is named after."""
        parts = ref.split("/")
        imported = self.imported.get(parts[3]) if parts[:3] == ["#", "components", "schemas"] and len(parts) == 4 else None
        return imported.name if imported is not None else parts[-1]

    # -- schemas ------------------------------------------------------------

    def type_of(self, schema: Any, pointer: str, context: str) -> TypeRef:
        """The type of ``schema``; ``context`` names inline models and enums."""
        if not isinstance(schema, dict):
            return TypeRef("any")
        nullable = is_nullable(schema, self.doc)
        result = self._type_of(schema, pointer, context)
        if nullable and not result.nullable:
            result = replace(result, nullable=True)  # a union keeps its variants and discriminator
        return result

    def _adds_required(self, schema: dict[str, Any], part: Any) -> bool:
        """Whether ``schema``'s own ``required`` names a property its one ``allOf``
        part has but does not require (DigitalOcean's uptime check body requires
        ``enabled``, optional in the shared model): then it is a model of its own."""
        listed = schema.get("required")
        if not isinstance(listed, list) or not listed:
            return False
        resolved = self._merge_all_of({"allOf": [part]})
        if resolved is None:
            return False
        properties = resolved.get("properties") or {}
        already = set(resolved.get("required") or [])
        return any(isinstance(n, str) and n in properties and n not in already for n in listed)

    def _type_of(self, schema: dict[str, Any], pointer: str, context: str) -> TypeRef:
        if "$ref" in schema:
            return self.resolve_ref(schema["$ref"])
        parts = schema.get("allOf")
        if isinstance(parts, list):
            # allOf: [$ref, {description: ...}] is a $ref with a description: not a new model
            non_null = [p for p in parts if not (is_null(p, self.doc) or annotation_only(p) or nullable_mark(p))]
            if len(non_null) == 1 and not schema.get("properties") and not self._adds_required(schema, non_null[0]):
                return self.type_of(non_null[0], pointer_join(pointer, "allOf", 0), context)
            merged = self._merge_all_of(schema)
            if merged is None:
                self.warn(pointer, "allOf of schemas that are not all objects is not supported; typed as Any")
                return TypeRef("any")
            if id(schema) in self._expanding:  # met again inside its own properties: the same model
                return self._expanding[id(schema)]
            if not merged["properties"]:
                return self._object(merged, pointer, context)
            name = self.scope.claim(context, where=pointer)
            result = TypeRef("model", name=name)
            self._expanding[id(schema)] = result  # before the fields: recursion ends here
            try:
                self._model(merged, pointer, name)
            finally:
                del self._expanding[id(schema)]
            return result
        for combiner in ("oneOf", "anyOf"):
            parts = schema.get(combiner)
            if isinstance(parts, list):
                return self._union(schema, combiner, parts, pointer, context)
        if "const" in schema and "enum" not in schema:
            schema = {**schema, "enum": [schema["const"]]}
            if "type" not in schema:
                value = schema["const"]
                inferred = {str: "string", bool: "boolean", int: "integer", float: "number"}.get(type(value))
                if inferred is not None:
                    schema["type"] = inferred
        kind = schema_type(schema)
        fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
        if kind == "object" or (kind is None and ("properties" in schema or "additionalProperties" in schema)):
            return self._object(schema, pointer, context)
        if kind == "array":
            items = self.type_of(schema.get("items"), pointer_join(pointer, "items"), f"{context}Item")
            return TypeRef("list", item=items)
        if is_enum(schema):
            return self._enum(schema, pointer, None, context)
        if kind == "string":
            return TypeRef(_STRING_FORMATS.get(fmt or "", "str"), format=fmt)
        if kind in SCALARS:
            return TypeRef(SCALARS[kind].kind, format=fmt)
        return TypeRef("any")

    def _union(self, schema: dict[str, Any], combiner: str, parts: list[Any], pointer: str, context: str) -> TypeRef:
        indexed = [(i, p) for i, p in enumerate(parts) if not is_null(p, self.doc)]
        if not indexed:  # only null variants
            return TypeRef("any")
        if len(indexed) == 1:
            return self.type_of(indexed[0][1], pointer_join(pointer, combiner, indexed[0][0]), context)
        variants: list[TypeRef] = []
        by_ref: dict[str, TypeRef] = {}
        nullable = False  # a nullable variant makes the union nullable: null is one more choice
        for number, (index, part) in enumerate(indexed, start=1):
            variant = self.type_of(part, pointer_join(pointer, combiner, index), f"{context}Option{number}")
            if variant.kind == "any":
                return TypeRef("any")
            nullable = nullable or variant.nullable
            variant = replace(variant, nullable=False)
            if isinstance(part, dict) and isinstance(part.get("$ref"), str):
                by_ref[part["$ref"]] = variant
            # an inline union without a discriminator is a list of more choices
            nested = variant.variants if variant.kind == "union" and variant.name is None and variant.discriminator is None else (variant,)
            for choice in nested:
                if choice not in variants:
                    variants.append(choice)
        discriminator = schema["discriminator"] if isinstance(schema.get("discriminator"), dict) else {}
        prop = discriminator.get("propertyName") if isinstance(discriminator.get("propertyName"), str) else None
        mapping: list[tuple[str, TypeRef]] = []
        if prop is not None:
            explicit = discriminator["mapping"] if isinstance(discriminator.get("mapping"), dict) else {}
            for value, target in explicit.items():
                ref = target if str(target).startswith("#") else f"#/components/schemas/{target}"
                if ref in by_ref:
                    mapping.append((str(value), by_ref[ref]))
                else:
                    self.warn(pointer_join(pointer, "discriminator", "mapping", value), f"mapping target {target!r} is not one of the {combiner} schemas")
            mapped_values = {v for v, _ in mapping}
            mapped_targets = {t for _, t in mapping}
            for ref, variant in by_ref.items():
                # OpenAPI: schemas the mapping does not name keep their implicit name
                implicit = ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
                if variant not in mapped_targets and implicit not in mapped_values:
                    mapping.append((implicit, variant))
        return TypeRef("union", nullable=nullable, variants=tuple(variants), discriminator=prop, mapping=tuple(mapping))

    def _merge_all_of(self, schema: dict[str, Any], depth: int = 0) -> dict[str, Any] | None:
        """One object schema with the properties and requirements of every allOf part.

        Memoised per schema and depth (read-only results): ``L2: allOf: [L1, L1]``
        at each level would otherwise merge ``L1`` 2**depth times.
        """
        key = (id(schema), depth)
        if key not in self._merged:
            self._merged[key] = (schema, self._merge_all_of_once(schema, depth))
        return self._merged[key][1]

    def _merge_all_of_once(self, schema: dict[str, Any], depth: int) -> dict[str, Any] | None:
        parts = schema.get("allOf")
        if not isinstance(parts, list) or depth > 20:
            return None
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in [*parts, {k: v for k, v in schema.items() if k != "allOf"}]:
            seen = 0
            while isinstance(part, dict) and "$ref" in part and seen < 50:
                part = resolve_pointer(self.doc, part["$ref"])
                seen += 1
            if not isinstance(part, dict):
                return None
            if "allOf" in part:
                part = self._merge_all_of(part, depth + 1)
                if part is None:
                    return None
            if not part.get("properties") and schema_type(part) not in ("object", None):
                return None
            merged["properties"].update(part.get("properties") or {})
            merged["required"].extend(r for r in part.get("required") or [] if r not in merged["required"])
            for key in ("description", "title"):
                if key in part and key not in merged:
                    merged[key] = part[key]
            if part.get("nullable") is True:
                merged["nullable"] = True
        return merged

    def _is_objectish(self, schema: dict[str, Any]) -> bool:
        if is_object(schema):
            return True
        merged = self._merge_all_of(schema) if "allOf" in schema else None
        return merged is not None and bool(merged["properties"])

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
        description = text_of(schema.get("description")) or text_of(schema.get("title"))
        draft = ModelDraft(name, description, pointer)
        self.drafts[name] = draft
        required = set(schema.get("required") or [])
        for wire_name, prop in (schema.get("properties") or {}).items():
            prop_pointer = pointer_join(pointer, "properties", wire_name)
            # dotted: the schema scope drops what the property repeats of the
            # model's name (Address.address_type is AddressType; naming.path_words)
            prop_type = self.type_of(prop, prop_pointer, f"{name}.{wire_name}")
            read_only = is_read_only(prop, self.doc)
            write_only = isinstance(prop, dict) and prop.get("writeOnly") is True
            draft.properties.append(
                PropertyDraft(
                    wire_name=wire_name,
                    type=prop_type,
                    # read-only fields need not be given, write-only ones are not sent back
                    required=wire_name in required and not read_only and not write_only,
                    nullable=prop_type.nullable,
                    description=text_of(prop.get("description")) if isinstance(prop, dict) else "",
                    read_only=read_only,
                    default=prop.get("default") if isinstance(prop, dict) else None,
                )
            )

    def _enum(self, schema: dict[str, Any], pointer: str, name: Identifier | None, context: str = "") -> TypeRef:
        is_int = schema_type(schema) == "integer"
        raw = [v for v in schema["enum"] if v is not None]
        values: tuple[str | int, ...] = tuple(
            dict.fromkeys(int(v) if is_int else str(v) for v in raw if not isinstance(v, bool))
        )
        fmt = format_of(schema)
        key = enum_key(schema)
        if name is None and key in self._enum_index:
            return TypeRef("enum", name=self._enum_index[key])
        if name is None:
            # A union option's enum met in several places is named by its values
            # (Stripe's [''] to unset an address or metadata is EmptyString), not
            # after the first place (PostAccountsBusinessProfileSupportUrlOption2).
            # A property's keeps the property's name, which says more (Box's FileMiniType).
            option = _UNION_OPTION.search(context) is not None and key in self._shared_enums
            shared = content_name([str(v) for v in values]) if option and not is_int else None
            if shared is not None and self.scope.candidate(shared) in self.scope.taken:
                shared = None  # a schema's own name wins: no number for either
            name = self.scope.claim(pascal(fmt) if fmt and not is_int else shared or context, where=pointer)
            self._enum_index[key] = name
        members_scope = Scope("enum member", "upper", "VALUE")
        members = tuple(EnumMember(members_scope.claim(value_words(str(v)), where=pointer), v) for v in values)
        for message in members_scope.collisions:
            self.warn(pointer, message)
        for message in members_scope.renames:
            self.note(pointer, message)
        description = text_of(schema.get("description")) if context == "" else ""
        description = description or "One of: " + ", ".join(repr(v) for v in values) + "."
        base = Identifier("OpenIntEnum" if is_int else "OpenEnum")
        self.enums[name] = Enum(name, base, description, members, pointer)
        return TypeRef("enum", name=name, format=fmt)

    def models(self) -> tuple[Model, ...]:
        """All models, frozen, each after the models its fields need at class creation."""
        return freeze_models(self.drafts, self.enums, self.model_reserved, self.warn, self.note)


def _parts(t: TypeRef, limit: int) -> int:
    """How many parts spelling out ``t`` takes (models and enums by name), counted up to ``limit + 1``."""
    count = 0
    stack = [t]
    while stack and count <= limit:
        current = stack.pop()
        count += 1
        if current.item is not None:
            stack.append(current.item)
        stack.extend(current.variants)
        stack.extend(variant for _, variant in current.mapping)
    return count
