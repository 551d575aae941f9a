"""Models: their drafts while schemas are read, then frozen into IR models in definition order."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .literals import literal
from .nodes import Code, Enum, Field, Model, TypeRef
from .naming import Identifier, Scope
from .type_table import decoder, field_annotation

_NAME_IN_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Warn = Callable[[str, str], None]


@dataclass
class PropertyDraft:
    """One property of a model being built."""

    wire_name: str
    type: TypeRef
    required: bool
    nullable: bool
    description: str
    read_only: bool = False
    default: Any = None


@dataclass
class ModelDraft:
    """A model being built: its properties grow as its schema (and allOf parts) are read."""

    name: Identifier
    description: str
    pointer: str
    properties: list[PropertyDraft] = field(default_factory=list)


def freeze_models(
    drafts: dict[Identifier, ModelDraft], enums: dict[Identifier, Enum], reserved: frozenset[str], warn: Warn, note: Warn
) -> tuple[Model, ...]:
    """All models, each after the models its fields need at class creation.

    ``reserved``: names no field may take; ``note``: renames by the word rule (ir/naming.py).
    """
    order = _definition_order(drafts)
    position = {name: i for i, name in enumerate(order)}
    result = []
    for name in order:
        draft = drafts[name]
        # A field named like a name its class's annotations use (``int``, ``date``)
        # would shadow it for mypy, which reads annotations in the class body.
        annotated = {w for p in draft.properties for w in _NAME_IN_CODE.findall(field_annotation(p.type, p.required))}
        scope = Scope("property", "snake", "field", reserved=reserved | annotated)
        fields = []
        for prop in draft.properties:
            py_name = scope.claim(prop.wire_name, where=draft.pointer)
            has_default = not prop.required
            default = _default_code(prop, enums) if not prop.required else None
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
            warn(draft.pointer, message)
        for message in scope.renames:
            note(draft.pointer, message)
        result.append(Model(name, draft.description or f"The {draft.name} object.", tuple(fields), draft.pointer))
    return tuple(result)


def _default_code(prop: PropertyDraft, enums: dict[Identifier, Enum]) -> Code | None:
    """The spec's default of an optional scalar field, as a literal (immutable only)."""
    value, t = prop.default, prop.type
    if value is None or isinstance(value, (dict, list)):
        return None
    if t.kind == "enum" and t.name is not None:
        member = next((m for m in enums[t.name].members if m.value == value), None)
        return Code(f"{t.name}.{member.name}") if member is not None else None
    checks: dict[str, type[Any] | tuple[type[Any], ...]] = {"str": str, "int": int, "float": (int, float), "bool": bool}
    expected = checks.get(t.kind)
    if expected is None or not isinstance(value, expected) or (isinstance(value, bool) and t.kind != "bool"):
        return None
    return literal(float(value) if t.kind == "float" else value)


def _definition_order(drafts: dict[Identifier, ModelDraft]) -> list[Identifier]:
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


def _model_refs(draft: ModelDraft) -> list[Identifier]:
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
