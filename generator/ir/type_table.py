"""How the generated code spells each kind of type: one table of annotations and decoders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .literals import literal
from .nodes import Code, TypeRef
from .naming import Identifier

IsLazy = Callable[[Identifier], bool]  # a model defined after the class that names it: decoded lazily


@dataclass(frozen=True)
class Kind:
    """One kind of :class:`TypeRef`: its annotation and its runtime decoder."""

    annotation: Callable[[TypeRef, bool], str]  # (type, expand a named union): before any ``| None``
    decoder: Callable[[TypeRef, IsLazy], str] | None  # None: never decoded (a file is only sent)
    spells_none: bool = True  # a nullable one is ``X | None``, decoded by ``_rt.optional`` (not Any: it takes None)


def _scalar(name: str, decoder: str) -> Kind:
    return Kind(lambda t, expand: name, lambda t, is_lazy: decoder)


def _item(t: TypeRef) -> TypeRef:
    assert t.item is not None  # a list's or a dict's
    return t.item


def _union_annotation(t: TypeRef, expand: bool) -> str:
    if t.name is not None and not expand:
        return str(t.name)
    return " | ".join(dict.fromkeys(annotation(v) for v in t.variants))


def _union_decoder(t: TypeRef, is_lazy: IsLazy) -> str:
    text = f"_rt.one_of({', '.join(_item_decoder(v, is_lazy) for v in t.variants)}"
    if t.discriminator is not None:
        mapping = ", ".join(f"{literal(k)}: {_item_decoder(v, is_lazy)}" for k, v in t.mapping)
        text += f", discriminator={literal(t.discriminator)}, mapping={{{mapping}}}"
    return text + ")"


def _model_decoder(t: TypeRef, is_lazy: IsLazy) -> str:
    assert t.name is not None
    return f"_rt.lazy(lambda: {t.name})" if is_lazy(t.name) else f"_rt.model({t.name})"


KINDS: dict[str, Kind] = {
    "str": _scalar("str", "_rt.STR"),
    "bytes": _scalar("bytes", "_rt.BYTES"),
    "int": _scalar("int", "_rt.INT"),
    "float": _scalar("float", "_rt.FLOAT"),
    "bool": _scalar("bool", "_rt.BOOL"),
    "datetime": _scalar("datetime", "_rt.DATETIME"),
    "date": _scalar("date", "_rt.DATE"),
    "any": Kind(lambda t, expand: "Any", lambda t, is_lazy: "_rt.ANY", spells_none=False),
    "enum": Kind(lambda t, expand: str(t.name), lambda t, is_lazy: f"_rt.enum({t.name})"),
    "model": Kind(lambda t, expand: str(t.name), _model_decoder),
    "list": Kind(
        lambda t, expand: f"list[{annotation(_item(t))}]",
        lambda t, is_lazy: f"_rt.list_of({_item_decoder(_item(t), is_lazy)})",
    ),
    "dict": Kind(
        lambda t, expand: f"dict[str, {annotation(_item(t))}]",
        lambda t, is_lazy: f"_rt.dict_of({_item_decoder(_item(t), is_lazy)})",
    ),
    "union": Kind(_union_annotation, _union_decoder),
    "file": Kind(lambda t, expand: "_rt.FileContent", None),  # a file to upload: never null, never decoded
}


def annotation(t: TypeRef, expand: bool = False) -> str:
    """The annotation of ``t``; ``expand``: a named union spelled out (its alias's definition)."""
    kind = KINDS[t.kind]
    text = kind.annotation(t, expand)
    return f"{text} | None" if t.nullable and kind.spells_none else text


def field_annotation(t: TypeRef, required: bool) -> Code:
    """The annotation of a field or argument: an optional one also takes None."""
    text = annotation(t)
    if not required and KINDS[t.kind].spells_none and not text.endswith("| None"):
        text += " | None"
    return Code(text)


def decoder(t: TypeRef, is_lazy: IsLazy = lambda name: False) -> Code:
    """The runtime decoder of a non-null value of ``t``."""
    read = KINDS[t.kind].decoder
    if read is None:
        raise ValueError(f"a value of kind {t.kind!r} is never decoded")
    return Code(read(t, is_lazy))


def _item_decoder(t: TypeRef, is_lazy: IsLazy) -> str:
    inner = decoder(t, is_lazy)
    return f"_rt.optional({inner})" if t.nullable and KINDS[t.kind].spells_none else inner


def value_decoder(t: TypeRef) -> Code:
    """The decoder of a whole value (a response body, a page's item): it accepts
    null when ``t`` is nullable, as a model field's ``nullable`` flag does."""
    return Code(_item_decoder(t, lambda name: False))
