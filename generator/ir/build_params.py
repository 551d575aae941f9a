"""Parameters and request bodies of one operation, as typed function arguments.

Path, query and header parameters become arguments as they are. A form or
multipart body becomes one keyword argument per field (Twilio's PascalCase
form fields become snake_case); a JSON body becomes one ``body`` argument.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from . import build_types as bt
from .. import patterns
from .build_media import media_order, param_content, part_headers, part_media
from .build_rules import body_rules
from .constraints import EXCLUSIVE_KEYWORDS, SCALAR_KEYWORDS
from ..errors import pointer_join, resolve_pointer
from .examples import parse_date, parse_datetime
from .literals import literal
from .nodes import Code, Constraint, Parameter, Serialization, TypeRef
from .naming import Identifier, Scope, pascal
from .sample_values import NoValue, synthesise
from .type_table import field_annotation

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
_RULES = {
    "minLength": "At least {} characters.",
    "maxLength": "At most {} characters.",
    "pattern": "Must match ``{}``.",
    "minimum": "At least {}.",
    "maximum": "At most {}.",
}
_LOCATIONS = ("path", "query", "header", "cookie", "form", "multipart", "file", "body", "content")
_STYLES = {  # the styles each location allows, the first being its default
    "path": ("simple", "label", "matrix"),
    "header": ("simple",),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "cookie": ("form",),
    "form": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "multipart": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
}
_ORDER = {"path": 0}

Raw = tuple[dict[str, Any], str]  # a parameter object and its pointer
_COMPOUND = ("model", "list", "dict", "union", "any")


def is_json_media(media: str) -> bool:
    """Whether a media type is JSON (``application/json`` or any ``+json``)."""
    base = media.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


class ParamBuilder:
    """Builds one operation's parameters and request body as IR arguments."""

    def __init__(
        self, doc: dict[str, Any], types: bt.TypeBuilder, warn: Callable[[str, str], None], prefer: tuple[str, ...] = ()
    ) -> None:
        self.doc = doc
        self.types = types
        self.warn = warn
        self.prefer = prefer  # prefer-media-types: request body media types tried first
        self._warned_patterns: set[str] = set()

    def request_body(self, op: dict[str, Any], pointer: str) -> tuple[list[Raw], str | None]:
        """Pseudo parameter objects for the body, and its media type when it is
        not a form or multipart one.

        The media type is the first one that can be sent, in the spec's order
        (those matching ``prefer-media-types`` first): a form or multipart
        type needs an object schema with properties (one argument per field),
        else the next type is tried; when none is left, the whole form body is
        one ``body`` argument (its members become the fields). With several
        media types, a note (``--verbose``) says which one is sent.
        """
        body = op.get("requestBody")
        body_pointer = pointer_join(pointer, "requestBody")
        if isinstance(body, dict) and "$ref" in body:
            body = resolve_pointer(self.doc, body["$ref"])
        if not isinstance(body, dict):
            return [], None
        content = body["content"] if isinstance(body.get("content"), dict) else {}
        if not content:
            return [], None
        required = bool(body.get("required"))
        description = body.get("description") or ""
        order = media_order(content, self.prefer)
        for media in order:
            entry = content[media] if isinstance(content[media], dict) else {}
            schema = entry["schema"] if isinstance(entry.get("schema"), dict) else {}
            schema_pointer = pointer_join(body_pointer, "content", media, "schema")
            base = media.split(";")[0].strip().lower()
            if base in (FORM, MULTIPART):
                fields = self._form_fields(base, entry, schema, schema_pointer)
                if fields:
                    self._note_choice(order, media, body_pointer)
                    return fields, None
                continue
            if is_json_media(media):
                pseudo = {"name": "body", "in": "body", "required": required, "schema": schema,
                          "description": description or "The request body."}
                if "example" in entry:
                    pseudo["example"] = entry["example"]
                self._note_choice(order, media, body_pointer)
                return [(pseudo, schema_pointer)], media
            pseudo = {
                "name": "body",
                "in": "content",
                "required": required,
                "schema": {"type": "string", "format": "text" if media.startswith("text/") else "binary"},
                "description": description or f"The request body, sent as {media}.",
            }
            self._note_choice(order, media, body_pointer)
            return [(pseudo, pointer_join(body_pointer, "content", media))], media
        media = next(m for m in order if m.split(";")[0].strip().lower() in (FORM, MULTIPART))
        self._note_choice(order, media, body_pointer)
        entry = content[media] if isinstance(content[media], dict) else {}
        schema = entry["schema"] if isinstance(entry.get("schema"), dict) else {}
        location = "form" if media.split(";")[0].strip().lower() == FORM else "multipart"
        pseudo = {"name": "body", "in": location, "required": required, "schema": schema, "style": "form",
                  "explode": True, "description": description or "The request body; its members are sent as the form's fields."}
        return [(pseudo, pointer_join(body_pointer, "content", media, "schema"))], None

    def _note_choice(self, order: list[str], media: str, pointer: str) -> None:
        """A note of the media type sent when the spec lists several (once per body)."""
        if len(order) > 1:
            others = ", ".join(m for m in order if m != media)
            self.types.note(pointer, f"request body sent as {media} (also accepted: {others}; see prefer-media-types)")

    def _form_fields(self, media: str, entry: dict[str, Any], schema: dict[str, Any], schema_pointer: str) -> list[Raw]:
        """One pseudo parameter per property of a form or multipart body, with
        the ``encoding`` entry of the field as its serialization: ``style``,
        ``explode``, ``allowReserved``; ``contentType`` (a form field's when
        JSON and no style is named: its value is JSON text; a multipart part's
        first concrete one) and a part's fixed ``headers``. A binary string,
        or an array of them, is a file part (an array: one part each)."""
        resolved = self._object_schema(schema)
        if resolved is None or not resolved.get("properties"):
            return []
        encoding = entry["encoding"] if isinstance(entry.get("encoding"), dict) else {}
        required = set(resolved.get("required") or [])
        fields = []
        for name, prop in resolved["properties"].items():
            prop = prop if isinstance(prop, dict) else {}
            location = "form" if media == FORM else "multipart"
            flat = self._follow(prop)
            shape = self._file_shape(flat)
            if media == MULTIPART and shape is not None:
                location = "file"
            pseudo: dict[str, Any] = {
                "name": name,
                "in": location,
                "required": name in required,
                "schema": prop,
                "description": self._follow(prop).get("description") or "",
            }
            field_encoding = encoding.get(name)
            field_encoding = field_encoding if isinstance(field_encoding, dict) else {}
            for key in ("style", "explode", "allowReserved"):
                if key in field_encoding:
                    pseudo[key] = field_encoding[key]
            content_type = field_encoding.get("contentType")
            if media == MULTIPART:
                default = shape[1].get("contentMediaType") if shape is not None else None
                pseudo["contentType"] = part_media(content_type) or part_media(default)
                pseudo["fileShape"] = shape[0] if shape is not None else None
                where = pointer_join(schema_pointer[: -len("/schema")], "encoding", name)
                pseudo["partHeaders"] = part_headers(self.doc, field_encoding, where, name, location == "file", self.warn)
            elif isinstance(content_type, str) and is_json_media(content_type) and not {"style", "explode"} & set(field_encoding):
                pseudo["contentType"] = content_type.split(",")[0].strip()  # JSON text (no style: contentType rules)
            fields.append((pseudo, pointer_join(schema_pointer, "properties", name)))
        for name in sorted(required - set(resolved["properties"])):  # a valid request must send these too
            if isinstance(name, str):
                self.warn(pointer_join(schema_pointer, "required"), f"required field {name!r} is not among the properties; it is an untyped argument")
                untyped: dict[str, Any] = {"name": name, "in": "form" if media == FORM else "multipart", "required": True, "schema": {}}
                fields.append((untyped, pointer_join(schema_pointer, "required")))
        return fields

    def _file_shape(self, schema: dict[str, Any], depth: int = 0) -> tuple[str, dict[str, Any]] | None:
        """Whether a multipart property is a file part, and its shape with the
        binary schema: ``one`` (a binary string), ``list`` (an array of them)
        or ``either`` (a oneOf/anyOf of both: OpenAI's ``image``); None: not a
        file (nor a oneOf nested deeper than a few levels, or cyclic)."""
        if depth > 3:
            return None
        if _is_binary(schema):
            return "one", schema
        items = self._follow(schema["items"]) if schema.get("type") == "array" and isinstance(schema.get("items"), dict) else {}
        if _is_binary(items):
            return "list", items
        choices = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(choices, list) and choices and all(isinstance(c, dict) for c in choices):
            shapes = [self._file_shape(self._follow(c), depth + 1) for c in choices]
            kinds = {shape[0] for shape in shapes if shape is not None}
            if None not in shapes and kinds <= {"one", "list"}:
                binary = next(shape[1] for shape in shapes if shape is not None)
                return ("either" if len(kinds) > 1 else kinds.pop()), binary
        return None

    def _follow(self, schema: dict[str, Any]) -> dict[str, Any]:
        for _ in range(50):
            if "$ref" not in schema:
                break
            target = resolve_pointer(self.doc, schema["$ref"])
            schema = target if isinstance(target, dict) else {}
        return schema

    def _object_schema(self, schema: dict[str, Any]) -> dict[str, Any] | None:
        schema = self._follow(schema)
        if "allOf" in schema:
            return self.types._merge_all_of(schema)
        return schema

    def parameters(self, path: str, raw: list[Raw], context: str) -> list[tuple[Parameter, Any]]:
        """Typed arguments, path ones first (positional), then required, then optional."""
        scope = Scope("parameter", "snake", "param", reserved=frozenset({"self", "cls"}))
        order = re.findall(r"{([^}]*)}", path)

        def key(pair: Raw) -> tuple[int, int]:
            param = pair[0]
            if param.get("in") == "path":
                return (0, order.index(param["name"]) if param.get("name") in order else 0)
            return (1 if param.get("required") else 2, 0)

        result: list[tuple[Parameter, Any]] = []
        for param, pointer in sorted(raw, key=key):
            location = param.get("in")
            if location not in _LOCATIONS:
                self.warn(pointer, f"{location} parameters are not supported yet; {param.get('name')!r} is not sent")
                continue
            result.append(self._parameter(param, pointer, str(location), scope, context, result))
        for message in scope.collisions:
            self.warn(pointer_join("/paths", path), message)
        for message in scope.renames:
            self.types.note(pointer_join("/paths", path), message)
        return result

    def _parameter(
        self, param: dict[str, Any], pointer: str, location: str, scope: Scope, context: str, before: list[tuple[Parameter, Any]]
    ) -> tuple[Parameter, Any]:
        schema = param["schema"] if isinstance(param.get("schema"), dict) else {}
        wire = str(param.get("name"))
        content = param_content(param, pointer) if location in ("path", "query", "header", "cookie") else None
        schema_pointer = pointer if location in ("body", "form", "multipart") else pointer_join(pointer, "schema")
        if content is not None:  # serialized as its media type says; typed by its schema
            param = {**param, "contentType": content[0]}
            schema, schema_pointer = content[1], content[2]
        if location == "file":  # an array of files: a list, one part each
            shape = param.get("fileShape") or "one"
            listed = TypeRef("list", item=TypeRef("file"))
            t = {"one": TypeRef("file"), "list": listed}.get(shape, TypeRef("union", variants=(TypeRef("file"), listed)))
        elif location == "content":
            t = TypeRef("str" if schema.get("format") == "text" else "bytes")
        else:
            suffix = "Request" if location == "body" else pascal(wire)
            t = self.types.type_of(schema, schema_pointer, f"{context}{suffix}")
        required = bool(param.get("required")) or location == "path"
        py_name = scope.claim(wire, where=pointer)
        flat = self._follow(schema)
        constraints, rules = _constraints(flat)
        self._check_pattern(schema, schema_pointer)
        serialization = self._serialization(param, pointer, location)
        if param.get("deprecated") is True:
            constraints.append(Constraint(Identifier("deprecated"), True))
            rules.append("Deprecated.")
        description = str(param.get("description") or flat.get("description") or "").strip()
        where = {"form": "form field", "multipart": "form field", "file": "file part", "body": "body"}.get(location, f"{location} parameter")
        doc = " ".join(filter(None, [description or f"The {wire} {where}.", *rules]))
        parameter = Parameter(
            name=py_name,
            wire_name=wire,
            location=location,
            type=t,
            annotation=field_annotation(t, required),
            required=required,
            positional=location == "path",
            star_before=location != "path" and not any(not p.positional for p, _ in before),
            description=description,
            constraints=tuple(constraints),
            doc=doc,
            runtime_param=_runtime_param(
                wire, location, py_name, required, constraints, serialization,
                body_rules(schema, self.doc) if location == "body" else None,
            ),
            serialization=serialization,
        )
        return parameter, self._sample(param, flat, t)

    def _check_pattern(self, schema: dict[str, Any], pointer: str) -> None:
        """Warn (once per schema) of a ``pattern`` the client will not check (see runtime/regex.py)."""
        for _ in range(50):
            if not isinstance(schema.get("$ref"), str):
                break
            pointer = schema["$ref"][1:]
            target = resolve_pointer(self.doc, schema["$ref"])
            schema = target if isinstance(target, dict) else {}
        pattern = schema.get("pattern")
        if not isinstance(pattern, str) or pointer in self._warned_patterns:
            return
        why = patterns.refusal(pattern)
        if why is not None:
            self._warned_patterns.add(pointer)
            shown = pattern if len(pattern) <= 60 else pattern[:57] + "..."
            self.warn(
                pointer_join(pointer, "pattern"),
                f"pattern {shown!r} cannot be checked in linear time ({why}); the client does not check it",
            )
    def _serialization(self, param: dict[str, Any], pointer: str, location: str) -> Serialization | None:
        """The argument's ``style``, ``explode`` and ``allowReserved`` (for a form
        field, from its ``encoding``), defaults resolved; None for whole bodies
        and files. A style the location does not allow is warned about and
        the default used."""
        styles = _STYLES.get(location)
        content_type = param.get("contentType") if isinstance(param.get("contentType"), str) else None
        headers = tuple(param.get("partHeaders") or ())
        if location == "file":  # no style; a media type and headers, if any
            return Serialization("form", True, False, content_type, False, headers) if content_type or headers else None
        if styles is None:
            return None
        style = param.get("style")
        if style is not None and style not in styles:
            self.warn(pointer, f"style {style!r} is not allowed in {location}; {styles[0]!r} is used")
            style = None
        style = style or styles[0]
        explode = param.get("explode")
        explode = style == "form" if not isinstance(explode, bool) else explode
        explicit = "style" in param or "explode" in param
        return Serialization(style, explode, param.get("allowReserved") is True, content_type, explicit, headers)

    def _sample(self, param: dict[str, Any], schema: dict[str, Any], t: TypeRef) -> Any:
        """The test's value of an argument, valid for its schema (see ir/sample_values.py);
        None when no value is known to be valid (the argument is left out, or the test)."""
        if t.kind == "list" and t.item is not None and t.item.kind == "file":
            return [b"example"]
        if t.kind == "union" and t.variants and t.variants[0].kind == "file":
            return b"example"  # one file, or a list of them
        if t.kind in ("file", "bytes"):
            return b"example"
        if t.kind == "any" and param.get("in") in ("form", "multipart") and "example" not in param:
            return "example"  # an untyped form field: text goes as it is (an object would be spread into fields)
        examples = schema.get("examples") if isinstance(schema.get("examples"), list) else []
        extra = {"example": param["example"]} if "example" in param else {"example": examples[0]} if examples else {}
        try:
            return synthesise({**schema, **extra}, self.doc, use_example=t.kind not in _COMPOUND)
        except NoValue:
            return None


def _runtime_param(
    wire: str,
    location: str,
    name: Identifier,
    required: bool,
    constraints: list[Constraint],
    serialization: Serialization | None,
    rules: Code | None = None,
) -> Code:
    args = [literal(wire), literal(location), literal(name)]
    if required:
        args.append(Code("required=True"))
    args += [Code(f"{c.keyword}={literal(c.value)}") for c in constraints]
    if rules is not None:  # inside a JSON body (ir/build_rules.py)
        args.append(Code(f"rules={rules}"))
    if serialization is not None and location == "file":
        if serialization.content_type is not None:
            args.append(Code(f"content_type={literal(serialization.content_type)}"))
    elif serialization is not None:  # only what differs from the runtime's defaults
        default_style = _STYLES[location][0]
        if serialization.style != default_style or (location == "multipart" and serialization.explicit):
            args.append(Code(f"style={literal(serialization.style)}"))
        if serialization.explode != (serialization.style == "form"):
            args.append(Code(f"explode={literal(serialization.explode)}"))
        if serialization.allow_reserved:
            args.append(Code("allow_reserved=True"))
        if serialization.content_type is not None:
            args.append(Code(f"content_type={literal(serialization.content_type)}"))
    if serialization is not None and serialization.part_headers:
        args.append(Code(f"part_headers={literal(serialization.part_headers)}"))
    return Code(f"_rt.Param({', '.join(args)})")


def _constraints(schema: dict[str, Any]) -> tuple[list[Constraint], list[str]]:
    constraints = []
    rules: list[str] = []
    for key, keyword in SCALAR_KEYWORDS:
        value = schema.get(key)
        if value is None or isinstance(value, bool) or (key == "pattern" and not isinstance(value, str)):
            continue
        constraints.append(Constraint(Identifier(keyword), value))
        if key == "maxLength" and rules and rules[-1] == _RULES["minLength"].format(value):
            rules[-1] = f"Exactly {value} characters."  # minLength comes just before: one rule, not two
            continue
        rules.append(_RULES[key].format(value))
    for key, keyword, bound_key in EXCLUSIVE_KEYWORDS:
        value = schema.get(key)
        bound = schema.get(bound_key)
        if value is True and bound is not None:
            constraints.append(Constraint(Identifier(keyword), bound))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            constraints.append(Constraint(Identifier(keyword), value))
            rules.append(f"{'Greater' if 'Min' in key else 'Less'} than {value}.")
    if "default" in schema:
        rules.append(f"The server's default is {schema['default']!r}.")
    return constraints, rules


def _is_binary(schema: dict[str, Any]) -> bool:
    """A file's content: ``format: binary``, or (OpenAPI 3.1) a ``contentMediaType`` without ``contentEncoding``."""
    if schema.get("type") != "string":
        return False
    return schema.get("format") == "binary" or ("contentMediaType" in schema and "contentEncoding" not in schema)


def arg_code(t: TypeRef, sample: Any, types: bt.TypeBuilder, needs: set[str], models: set[Identifier]) -> Code | None:
    """Python source for ``sample`` as an argument of type ``t``; None if it cannot be spelled."""
    if t.kind in ("str", "int", "float", "bool", "any"):
        if t.kind == "float" and isinstance(sample, int) and not isinstance(sample, bool):
            sample = float(sample)
        return literal(sample)
    if t.kind == "enum":
        enum = types.enums[t.name]  # type: ignore[index]
        member = next((m for m in enum.members if m.value == sample), None)
        if member is None:
            return None
        models.add(enum.name)
        return Code(f"{enum.name}.{member.name}")
    if t.kind in ("datetime", "date") and isinstance(sample, str):
        needs.add(t.kind)
        return Code(f"{t.kind}.fromisoformat({literal(sample.replace('Z', '+00:00'))})")
    if t.kind == "list" and isinstance(sample, list) and t.item is not None:
        items = [arg_code(t.item, s, types, needs, models) for s in sample]
        return None if any(i is None for i in items) else Code(f"[{', '.join(str(i) for i in items)}]")
    if t.kind == "dict" and isinstance(sample, dict) and t.item is not None and t.item.kind in ("str", "int", "bool", "any"):
        return literal(sample)
    if t.kind == "model" and isinstance(sample, dict):
        models.add(t.name)  # type: ignore[arg-type]
        return Code(f"{t.name}.from_dict({literal(sample)})")
    if t.kind in ("file", "bytes"):
        return Code('b"example"')
    if t.kind == "union" and t.variants:
        variant = next((v for v in t.variants if _fits(v, sample, types)), t.variants[0])
        return arg_code(variant, sample, types, needs, models)
    return None


def _fits(t: TypeRef, sample: Any, types: bt.TypeBuilder) -> bool:
    """Whether ``sample`` can be a value of the union variant ``t`` (its shape, and a model's fields)."""
    if t.kind == "model" and isinstance(sample, dict):
        fields = types.drafts[t.name].properties  # type: ignore[index]
        names = {p.wire_name for p in fields}
        return all(p.wire_name in sample for p in fields if p.required) and set(sample) <= names
    if t.kind == "enum":
        return any(m.value == sample for m in types.enums[t.name].members)  # type: ignore[index]
    if t.kind in ("datetime", "date"):
        return isinstance(sample, str) and (parse_datetime if t.kind == "datetime" else parse_date)(sample) is not None
    shapes: dict[str, tuple[type[Any], ...]] = {
        "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,),
        "list": (list,), "dict": (dict,),
    }
    expected = shapes.get(t.kind)
    if expected is None:
        return t.kind == "any"
    return isinstance(sample, expected) and (t.kind == "bool" or not isinstance(sample, bool))
