"""Schemas to types: models, enums and type references of the IR."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from .errors import pointer_join, resolve_pointer
from .filters import literal
from .ir import Alias, Code, Enum, EnumMember, Field, Model, TypeRef
from .load import ImportedSchema
from .naming import Identifier, Scope, content_name, pascal, value_words
from .schema_check import read_only as is_read_only

SCALARS = {
    "boolean": TypeRef("bool"),
    "integer": TypeRef("int"),
    "number": TypeRef("float"),
    "string": TypeRef("str"),
}
_STRING_FORMATS = {"date-time": "datetime", "date-time-rfc-2822": "datetime", "date": "date"}
_ANNOTATIONS = {"bytes": "bytes", "str": "str", "int": "int", "float": "float", "bool": "bool", "datetime": "datetime", "date": "date", "any": "Any"}
_DECODERS = {
    "bytes": "_rt.BYTES",
    "str": "_rt.STR",
    "int": "_rt.INT",
    "float": "_rt.FLOAT",
    "bool": "_rt.BOOL",
    "datetime": "_rt.DATETIME",
    "date": "_rt.DATE",
    "any": "_rt.ANY",
}
MODEL_RESERVED = frozenset({"extra", "from_dict", "to_dict"})
_NAME_IN_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_UNION_OPTION = re.compile(r"Option[0-9]+$")  # the context _union gives its variants

Warn = Callable[[str, str], None]
MAX_TYPE_PARTS = 200  # parts of one shared type spelled out (see TypeBuilder._bounded)


@dataclass
class _Property:
    wire_name: str
    type: TypeRef
    required: bool
    nullable: bool
    description: str
    read_only: bool = False
    default: Any = None


@dataclass
class _ModelDraft:
    name: Identifier
    description: str
    pointer: str
    properties: list[_Property] = field(default_factory=list)


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
        self.imported = imported or {}  # schemas from other files, by key (see refs.py)
        self.model_reserved = model_reserved
        self.scope = scope
        self.warn = warn
        self.note = note or warn  # renames by the word rule (naming.py)
        self.drafts: dict[Identifier, _ModelDraft] = {}
        self.enums: dict[Identifier, Enum] = {}
        self._enum_index: dict[tuple[tuple[str, ...], str | None], Identifier] = {}
        self._shared_enums = _shared_inline_enums(document)
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
        prefix = _common_dotted_prefix([name for name in schemas if name not in self.imported])
        for raw_name, schema in schemas.items():
            if isinstance(schema, dict) and (self._is_objectish(schema) or _is_enum(schema) or _is_union(schema, self.doc)):
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
        if _is_enum(schema):
            result = self._enum(schema, pointer, name)
        elif _is_union(schema, self.doc) and not self._is_objectish(schema):
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
                self.aliases[name] = Alias(name, Code(annotation(result, expand=True)), _text(schema.get("description")))
        elif "allOf" in schema and not schema.get("properties") and self._merge_all_of(schema) is None:
            result = self.type_of(schema, pointer, name)
        else:
            # a nullable object component is nullable wherever it is referred to
            result = TypeRef("model", name=name, nullable=_nullable(schema, self.doc))
            self._components[ref] = result  # before the fields: recursion ends here
            self._model(self._merge_all_of(schema) or schema, pointer, name)
        if _nullable(schema, self.doc) and not result.nullable:
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
        nullable = _nullable(schema, self.doc)
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
            non_null = [p for p in parts if not (_is_null(p, self.doc) or _annotation_only(p) or _nullable_mark(p))]
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
        kind = _schema_type(schema)
        fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
        if kind == "object" or (kind is None and ("properties" in schema or "additionalProperties" in schema)):
            return self._object(schema, pointer, context)
        if kind == "array":
            items = self.type_of(schema.get("items"), pointer_join(pointer, "items"), f"{context}Item")
            return TypeRef("list", item=items)
        if _is_enum(schema):
            return self._enum(schema, pointer, None, context)
        if kind == "string":
            return TypeRef(_STRING_FORMATS.get(fmt or "", "str"), format=fmt)
        if kind in SCALARS:
            return TypeRef(SCALARS[kind].kind, format=fmt)
        return TypeRef("any")

    def _union(self, schema: dict[str, Any], combiner: str, parts: list[Any], pointer: str, context: str) -> TypeRef:
        indexed = [(i, p) for i, p in enumerate(parts) if not _is_null(p, self.doc)]
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
            if not part.get("properties") and _schema_type(part) not in ("object", None):
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
        if _is_object(schema):
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
        description = _text(schema.get("description")) or _text(schema.get("title"))
        draft = _ModelDraft(name, description, pointer)
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
                _Property(
                    wire_name=wire_name,
                    type=prop_type,
                    # read-only fields need not be given, write-only ones are not sent back
                    required=wire_name in required and not read_only and not write_only,
                    nullable=prop_type.nullable,
                    description=_text(prop.get("description")) if isinstance(prop, dict) else "",
                    read_only=read_only,
                    default=prop.get("default") if isinstance(prop, dict) else None,
                )
            )

    def _enum(self, schema: dict[str, Any], pointer: str, name: Identifier | None, context: str = "") -> TypeRef:
        is_int = _schema_type(schema) == "integer"
        raw = [v for v in schema["enum"] if v is not None]
        values: tuple[str | int, ...] = tuple(
            dict.fromkeys(int(v) if is_int else str(v) for v in raw if not isinstance(v, bool))
        )
        fmt = _format(schema)
        key = _enum_key(schema)
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
        description = _text(schema.get("description")) if context == "" else ""
        description = description or "One of: " + ", ".join(repr(v) for v in values) + "."
        base = Identifier("OpenIntEnum" if is_int else "OpenEnum")
        self.enums[name] = Enum(name, base, description, members, pointer)
        return TypeRef("enum", name=name, format=fmt)

    def _default_code(self, prop: _Property) -> Code | None:
        """The spec's default of an optional scalar field, as a literal (immutable only)."""
        value, t = prop.default, prop.type
        if value is None or isinstance(value, (dict, list)):
            return None
        if t.kind == "enum" and t.name is not None:
            member = next((m for m in self.enums[t.name].members if m.value == value), None)
            return Code(f"{t.name}.{member.name}") if member is not None else None
        checks: dict[str, type[Any] | tuple[type[Any], ...]] = {"str": str, "int": int, "float": (int, float), "bool": bool}
        expected = checks.get(t.kind)
        if expected is None or not isinstance(value, expected) or (isinstance(value, bool) and t.kind != "bool"):
            return None
        return literal(float(value) if t.kind == "float" else value)

    # -- freezing -----------------------------------------------------------

    def models(self) -> tuple[Model, ...]:
        """All models, each after the models its fields need at class creation."""
        order = _definition_order(self.drafts)
        position = {name: i for i, name in enumerate(order)}
        result = []
        for name in order:
            draft = self.drafts[name]
            # A field named like a name its class's annotations use (``int``, ``date``)
            # would shadow it for mypy, which reads annotations in the class body.
            annotated = {w for p in draft.properties for w in _NAME_IN_CODE.findall(field_annotation(p.type, p.required))}
            scope = Scope("property", "snake", "field", reserved=self.model_reserved | annotated)
            fields = []
            for prop in draft.properties:
                py_name = scope.claim(prop.wire_name, where=draft.pointer)
                has_default = not prop.required
                default = self._default_code(prop) if not prop.required else None
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
                        # null is allowed by default=None already, not by another default
                        nullable_flag=prop.nullable and (prop.required or default is not None),
                        read_only=prop.read_only,
                        default=default,
                        description=prop.description,
                    )
                )
            for message in scope.collisions:
                self.warn(draft.pointer, message)
            for message in scope.renames:
                self.note(draft.pointer, message)
            result.append(Model(name, draft.description or f"The {draft.name} object.", tuple(fields), draft.pointer))
        return tuple(result)


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
def _format(schema: dict[str, Any]) -> str | None:
    return schema["format"] if isinstance(schema.get("format"), str) else None


def _enum_key(schema: dict[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """What makes two enum schemas one type: their values (deduplicated, in order) and format."""
    is_int = _schema_type(schema) == "integer"
    raw = schema["enum"] if isinstance(schema.get("enum"), list) else [schema.get("const")]
    values = dict.fromkeys(int(v) if is_int else str(v) for v in raw if v is not None and not isinstance(v, bool))
    return tuple(f"{type(v).__name__}:{v}" for v in values), _format(schema)


def _shared_inline_enums(document: dict[str, Any]) -> frozenset[tuple[tuple[str, ...], str | None]]:
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
            if id(node) not in named and _is_enum(node):
                key = _enum_key(node)
                (shared if key in seen else seen).add(key)
            stack.extend(v for k, v in node.items() if k not in ("example", "examples", "default", "enum", "const"))
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(shared)


def _common_dotted_prefix(names: list[str]) -> str:
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

    def walk(t: TypeRef | None) -> None:
        while t is not None:
            if t.kind == "model" and t.name is not None:
                refs.append(t.name)
            for variant in t.variants:
                walk(variant)
            t = t.item

    for prop in draft.properties:
        walk(prop.type)
    return refs


def annotation(t: TypeRef, expand: bool = False) -> str:
    if t.kind == "union" and t.name is not None and not expand:
        return f"{t.name} | None" if t.nullable else str(t.name)
    if t.kind == "union":
        parts = list(dict.fromkeys(annotation(v) for v in t.variants))
        base = " | ".join(parts)
        return f"{base} | None" if t.nullable and "None" not in parts else base
    if t.kind == "file":
        return "_rt.FileContent"
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
    if t.kind == "union":
        choices = [_item_decoder(v, is_lazy) for v in t.variants]
        text = f"_rt.one_of({', '.join(choices)}"
        if t.discriminator is not None:
            mapping = ", ".join(f"{literal(k)}: {_item_decoder(v, is_lazy)}" for k, v in t.mapping)
            text += f", discriminator={literal(t.discriminator)}, mapping={{{mapping}}}"
        return Code(text + ")")
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


def value_decoder(t: TypeRef) -> Code:
    """The decoder of a whole value (a response body, a page's item): it accepts
    null when ``t`` is nullable, as a model field's ``nullable`` flag does."""
    return Code(_item_decoder(t, lambda name: False))


def _schema_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        return non_null[0] if len(non_null) == 1 else None
    return kind if isinstance(kind, str) else None


def _nullable(schema: dict[str, Any], doc: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind):
        return True
    if isinstance(schema.get("enum"), list) and None in schema["enum"]:
        return True
    if "const" in schema and schema["const"] is None:
        return True
    for combiner in ("oneOf", "anyOf"):
        parts = schema.get(combiner)
        if isinstance(parts, list) and any(_is_null(p, doc) for p in parts):
            return True
    parts = schema.get("allOf")
    return isinstance(parts, list) and any(_nullable_mark(p) for p in parts)


def _nullable_mark(schema: Any) -> bool:
    """An allOf part that only says ``nullable: true`` (beside annotations): the
    3.0 way to make a ``$ref`` nullable, ``allOf: [{$ref: X}, {nullable: true}]``."""
    return (
        isinstance(schema, dict)
        and schema.get("nullable") is True
        and all(key == "nullable" or key in _ANNOTATIONS_ONLY or str(key).startswith("x-") for key in schema)
    )


def _is_null(schema: Any, doc: dict[str, Any]) -> bool:
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
_ANNOTATIONS_ONLY = frozenset({"description", "title", "example", "examples", "deprecated", "externalDocs", "xml", "$comment"})


def _annotation_only(schema: Any) -> bool:
    """A schema that only says something about a value (a description), not what the value is."""
    return isinstance(schema, dict) and bool(schema) and all(
        key in _ANNOTATIONS_ONLY or str(key).startswith("x-") for key in schema
    )


def _is_object(schema: dict[str, Any]) -> bool:
    return bool(schema.get("properties")) and _schema_type(schema) in ("object", None)


def _is_union(schema: Any, doc: dict[str, Any]) -> bool:
    """A oneOf/anyOf of more than one non-null schema."""
    if not isinstance(schema, dict):
        return False
    for combiner in ("oneOf", "anyOf"):
        parts = schema.get(combiner)
        if isinstance(parts, list):
            return len([p for p in parts if not _is_null(p, doc)]) > 1
    return False


def _is_enum(schema: Any) -> bool:
    """A string enum, or an integer enum (every value an int)."""
    if not isinstance(schema, dict):
        return False
    values = schema.get("enum")
    if "const" in schema and values is None:
        values = [schema["const"]]
    if not isinstance(values, list):
        return False
    kind = _schema_type(schema)
    non_null = [v for v in values if v is not None]
    if kind == "string":
        return any(isinstance(v, str) for v in non_null)
    if kind == "integer":
        return bool(non_null) and all(isinstance(v, int) and not isinstance(v, bool) for v in non_null)
    return False


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
