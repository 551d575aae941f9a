"""openapi-spec-validator, with every finding leading to its place in the spec.

The validator checks each schema on its own (its keywords against the JSON
Schema dialect, its ``default`` against the schema itself), and each parameter
list, operation and tag list, and reports what it finds relative to that piece
only: a bad default came out as ``/``. The keyword validators here are the
validator's own, each putting where its piece is in front of its findings'
paths, so that ``absolute_path`` leads from the document's root to every
finding. Such a path is the validator's walk, through ``$ref``s:
:func:`physical_path` turns it into the place in the document.

Each finding of a check the validator makes beside the OpenAPI meta-schema is
an instance of one of the classes below (they are the validator's own error
classes), which is how :mod:`generator.validate.messages` tells them apart.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import referencing
import referencing.jsonschema
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from jsonschema_path.paths import SchemaPath
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    ExtraParametersError,
    OpenAPIValidationError,
    ParameterDuplicateError,
)

from ..errors import resolve_pointer

_LOCATED = "_specgen_located"
MAX_REF_HOPS = 100  # $refs whose targets are $refs, followed in one step of a walk


class DefaultValueError(OpenAPIValidationError):
    """A schema's ``default`` fails the schema itself."""


class SchemaKeywordError(OpenAPIValidationError):
    """A schema's keywords break the JSON Schema dialect (the OpenAPI version's)."""


def _located(error: ValidationError, parts: Sequence[Any], cls: type[ValidationError] | None = None) -> ValidationError:
    """``error`` with ``parts`` in front of its path, as ``cls`` if given, marked as located."""
    error.path.extendleft(reversed(list(parts)))
    if cls is not None and type(error) is not cls:
        error = cls.create_from(error)
        for child in error.context or ():  # their paths go on from this copy's, not the original's
            child.parent = error
    setattr(error, _LOCATED, len(parts))
    return error


def is_located(error: ValidationError) -> bool:
    """Whether a keyword validator here located ``error`` (its path is a walk through ``$ref``s)."""
    return located_steps(error) is not None


def located_steps(error: ValidationError) -> int | None:
    """How many steps of ``error``'s path lead to the piece a keyword validator checked; None if none did."""
    steps = getattr(error, _LOCATED, None)
    return steps if isinstance(steps, int) else None


def _value_validator(base: type[keywords.ValueValidator]) -> type[keywords.ValueValidator]:
    class LocatedValueValidator(base):  # type: ignore[valid-type,misc]
        def __call__(self, schema: SchemaPath, value: Any) -> Iterator[ValidationError]:
            for error in super().__call__(schema, value):
                yield _located(error, (*schema.parts, "default"), DefaultValueError)

    return LocatedValueValidator


def _schema_validator(base: type[keywords.SchemaValidator]) -> type[keywords.SchemaValidator]:
    class LocatedSchemaValidator(base):  # type: ignore[valid-type,misc]
        """The validator's own, reporting every keyword of a schema that breaks the
        dialect (the validator's check stops at the first), each located."""

        def __call__(
            self, schema: SchemaPath, require_properties: bool = True, meta_checked: bool = False
        ) -> Iterator[ValidationError]:
            if not meta_checked:
                value = schema.read_value()
                if isinstance(value, (Mapping, bool)) and id(value) not in self.meta_checked_schema_ids:
                    self.meta_checked_schema_ids.append(id(value))
                    broken = self._meta_errors(schema, value)
                    if broken:  # as the validator: the schema's contents are not checked further
                        for error in broken:
                            yield _located(error, schema.parts, SchemaKeywordError)
                        return
                    meta_checked = True
            # The schemas it contains are checked by calls of this method too: their findings come located.
            for error in super().__call__(schema, require_properties, meta_checked):
                if not is_located(error):
                    extra = isinstance(error, ExtraParametersError)
                    error = _located(error, (*schema.parts, "required") if extra else schema.parts)
                yield error

        def _meta_errors(self, schema: SchemaPath, value: Any) -> list[ValidationError]:
            """What ``check_schema`` finds in ``value``: all of it, where it raises the first."""
            if isinstance(self, keywords.OpenAPIV31SchemaValidator):
                dialect = self._get_schema_dialect_id(schema, value)
                checker = self._get_validator_class_for_dialect(dialect)
                if checker is None:
                    return [OpenAPIValidationError(f"Unknown JSON Schema dialect: {dialect!r}")]
                format_checker = self.schema_validator_format_checker
            else:
                checker, format_checker = self.schema_validator_cls, None
            return list(_meta_validator(checker, format_checker).iter_errors(value))

    return LocatedSchemaValidator


class _LocatedParametersValidator(keywords.ParametersValidator):
    """The validator's own, with a duplicate located at the second parameter's name."""

    def __call__(self, parameters: SchemaPath) -> Iterator[ValidationError]:
        seen = set()
        for parameter in parameters:
            yield from self.parameter_validator(parameter)
            key = (parameter["name"], parameter["in"])
            if key in seen:
                error = ParameterDuplicateError(f"Duplicate parameter '{parameter['name']}'")
                yield _located(error, (*parameter.parts, "name"))
            seen.add(key)


class _LocatedOperationValidator(keywords.OperationValidator):
    def __call__(
        self, url: str, name: str, operation: SchemaPath, path_parameters: SchemaPath | None
    ) -> Iterator[ValidationError]:
        for error in super().__call__(url, name, operation, path_parameters):
            if not is_located(error):
                duplicate = isinstance(error, DuplicateOperationIDError)
                error = _located(error, (*operation.parts, "operationId") if duplicate else operation.parts)
            yield error


class _LocatedTagsValidator(keywords.TagsValidator):
    """The validator's own, with a duplicate located at the second tag's name."""

    def __call__(self, tags: SchemaPath) -> Iterator[ValidationError]:
        seen: set[str] = set()
        for tag in tags:
            tag_name = (tag / "name").read_str()
            if tag_name in seen:
                yield _located(OpenAPIValidationError(f"Duplicate tag name '{tag_name}'"), (*tag.parts, "name"))
            seen.add(tag_name)


def _located_class(base: type[Any]) -> type[Any]:
    names = dict(base.keyword_validators)
    names.update(
        {
            "default": _value_validator(names["default"]),
            "schema": _schema_validator(names["schema"]),
            "parameters": _LocatedParametersValidator,
            "operation": _LocatedOperationValidator,
            "tags": _LocatedTagsValidator,
        }
    )
    return type(f"Located{base.__name__}", (base,), {"keyword_validators": names})


_V30 = _located_class(OpenAPIV30SpecValidator)
_V31 = _located_class(OpenAPIV31SpecValidator)


def spec_validator(document: dict[str, Any]) -> Any:
    """The validator for ``document``'s OpenAPI version, its findings located."""
    cls = _V31 if str(document.get("openapi")).startswith("3.1") else _V30
    validator = cls(document)
    validator.schema_validator = _crawled(cls is _V31)
    return validator


@functools.cache
def _crawled(version_31: bool) -> Validator:
    """The validator's own check against the OpenAPI meta-schema (the same class
    and schema), its references crawled once.

    jsonschema's registry is not crawled up front; each ``$dynamicRef`` (the 3.1
    meta-schema's ``#meta``) then crawls it anew and throws the result away
    (docs/speed.md)."""
    own = (_V31 if version_31 else _V30).schema_validator
    return _with_crawled_registry(own.__class__, own.schema, own.format_checker)  # own is a lazy proxy


@functools.cache
def _meta_validator(checker: type[Validator], format_checker: Any) -> Validator:
    """One validator of schemas against ``checker``'s dialect, as ``check_schema``
    builds per schema, built once and crawled (see :func:`_crawled`)."""
    meta = validator_for(checker.META_SCHEMA, default=checker)
    return _with_crawled_registry(meta, meta.META_SCHEMA, format_checker or meta.FORMAT_CHECKER)


def _with_crawled_registry(cls: type[Validator], schema: Any, format_checker: Any) -> Validator:
    import jsonschema.validators

    # The registry validators get by default (it warns on remote references, then fetches them).
    default = getattr(jsonschema.validators, "_REMOTE_WARNING_REGISTRY", referencing.Registry())
    specification = referencing.jsonschema.specification_with(
        schema.get("$schema", ""), default=referencing.jsonschema.DRAFT202012
    )
    resource = specification.create_resource(schema)
    registry = default.with_resource(resource.id() or "", resource).crawl()
    if specification in _STATIC:  # each $ref resolved once (docs/speed.md)
        cls = _once_class(cls)
    return cls(schema, registry=registry, format_checker=format_checker)


# Dialects without dynamic references ($dynamicRef, $recursiveRef): there, what a
# $ref resolves to depends on the base URI and the registry only, not on the path taken.
_STATIC = (referencing.jsonschema.DRAFT4, referencing.jsonschema.DRAFT6, referencing.jsonschema.DRAFT7)
_LOOKUPS: dict[tuple[str, str, int], tuple[Any, Any]] = {}  # (base URI, ref, id(registry)) -> (registry, resolved)
MAX_LOOKUPS = 100_000  # remembered resolutions; past it the memory starts over


@functools.cache
def _once_class(cls: type[Validator]) -> type[Validator]:
    """``cls`` with a ``$ref`` that resolves each JSON-pointer reference once per
    base URI and registry, then validates as ``cls``'s own ``$ref`` does (the
    resolver it goes on with carries the first path's dynamic scope, which no
    keyword of the ``_STATIC`` dialects reads)."""
    from jsonschema import _keywords, validators

    own: Any = _keywords.ref  # what cls's $ref is (the validator's own)
    extend: Any = validators.extend

    def ref(validator: Any, ref: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
        resolver = getattr(validator, "_resolver", None)
        if not isinstance(ref, str) or not ref.startswith("#/") or resolver is None:
            yield from own(validator, ref, instance, schema)
            return
        registry = resolver._registry
        key = (resolver._base_uri, ref, id(registry))
        hit = _LOOKUPS.get(key)
        if hit is None or hit[0] is not registry:
            try:
                resolved = resolver.lookup(ref)
            except Exception:  # as the validator's own $ref reports it
                yield from own(validator, ref, instance, schema)
                return
            if len(_LOOKUPS) >= MAX_LOOKUPS:
                _LOOKUPS.clear()
            hit = _LOOKUPS[key] = (registry, resolved)
        yield from validator.descend(instance, hit[1].contents, resolver=hit[1].resolver)

    if cls.VALIDATORS.get("$ref") is not own:
        return cls  # another jsonschema: its own $ref, unchanged
    once: type[Validator] = extend(cls, {"$ref": ref})
    return once


def physical_path(document: Any, parts: Sequence[Any], into_last: bool = False) -> list[Any]:
    """The place in ``document`` that the validator's walk ``parts`` leads to.

    The walk steps through local ``$ref``s (external ones were made local when
    the spec was loaded): where a step is not a key of a mapping holding a
    ``$ref``, the path goes on from the ``$ref``'s target; with ``into_last``,
    so does a ``$ref`` where the walk ends (the schema the validator checked
    there is its target). A step that leads nowhere ends the path before it.
    """
    path: list[Any] = []
    node = document
    for part in [*parts, None] if into_last else parts:
        for _ in range(MAX_REF_HOPS):  # cycles of $refs were refused before the validator ran
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and part not in node):
                break
            followed = resolve_pointer(document, node["$ref"])
            if followed is None:
                return path
            path, node = _pointer_parts(node["$ref"]), followed
        if part is None:
            break
        if isinstance(node, dict) and str(part) in node:
            part = str(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return path
        path.append(part)
    return path


def _pointer_parts(ref: str) -> list[Any]:
    """The tokens of a local ``#/...`` reference, as text."""
    return [raw.replace("~1", "/").replace("~0", "~") for raw in ref[1:].split("/")[1:]]
