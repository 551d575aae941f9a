"""Stage 2, validate: openapi-spec-validator plus the checks it does not make.

Every problem becomes one located line; all of them are reported at once.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from jsonschema.exceptions import ValidationError
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from .errors import Diagnostic, SpecError, pointer_join
from .load import LoadedSpec

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_VERSION = re.compile(r"^3\.(0|1)\.\d+$")


def validate(spec: LoadedSpec) -> None:
    """Raise :class:`SpecError` listing every problem in ``spec``."""
    doc = spec.document
    problems = _check_version(spec)
    if problems:
        raise SpecError(problems)
    problems = list(_check_refs(spec, doc, "", doc))
    if problems:  # the validator cannot say anything useful about dangling refs
        raise SpecError(problems)
    semantic = list(_check_semantics(spec))
    validator_cls = OpenAPIV31SpecValidator if str(doc["openapi"]).startswith("3.1") else OpenAPIV30SpecValidator
    seen: set[str] = set()
    try:
        for error in validator_cls(doc).iter_errors():
            diagnostic = _from_validation_error(spec, error)
            if str(diagnostic) not in seen:
                seen.add(str(diagnostic))
                problems.append(diagnostic)
    except RecursionError:
        problems.append(spec.diagnostic("", "the spec nests too deeply to validate"))
    except Exception as exc:  # the validator raises plain exceptions for some specs
        problems.append(spec.diagnostic("", f"validator failed: {_shorten(str(exc))}"))
    if semantic:  # ours are located; the validator's versions of them are not
        problems = [p for p in problems if p.pointer] + semantic
    if problems:
        raise SpecError(problems)


def _check_version(spec: LoadedSpec) -> list[Diagnostic]:
    doc = spec.document
    if "swagger" in doc and "openapi" not in doc:
        return [spec.diagnostic("/swagger", "Swagger 2.0 is not supported; convert the spec to OpenAPI 3 first")]
    version = doc.get("openapi")
    if version is None:
        return [spec.diagnostic("", "missing the 'openapi' version field; is this an OpenAPI 3 spec?")]
    if not isinstance(version, str) or not _VERSION.match(version):
        return [spec.diagnostic("/openapi", f"unsupported OpenAPI version {version!r}; specgen reads 3.0.x and 3.1.x")]
    return []


def _check_refs(spec: LoadedSpec, node: Any, pointer: str, doc: dict[str, Any]) -> Iterator[Diagnostic]:
    stack: list[tuple[Any, str]] = [(node, pointer)]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if resolve_pointer(doc, ref) is None:
                    yield spec.diagnostic(pointer_join(pointer, "$ref"), f"$ref target {ref!r} does not exist")
                continue
            stack.extend((v, pointer_join(pointer, k)) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, pointer_join(pointer, i)) for i, v in reversed(list(enumerate(node))))


def resolve_pointer(doc: Any, ref: str) -> Any:
    """Follow a local ``#/...`` reference; None when it leads nowhere."""
    if not ref.startswith("#"):
        return None
    node = doc
    for raw in [t for t in ref[1:].split("/")][1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _from_validation_error(spec: LoadedSpec, error: Exception) -> Diagnostic:
    if not isinstance(error, ValidationError):
        return spec.diagnostic("", _shorten(str(error)))
    leaves = list(_leaves(error))
    useful = [e for e in leaves if "'$ref' is a required property" not in e.message] or leaves
    error = max(useful, key=lambda e: len(e.absolute_path))
    pointer = pointer_join("", *error.absolute_path)
    return spec.diagnostic(pointer, _message(error))


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The innermost errors under a ``oneOf``/``anyOf`` failure (or the error itself)."""
    if not error.context:
        yield error
        return
    for child in error.context:
        yield from _leaves(child)


def _message(error: ValidationError) -> str:
    instance = error.instance
    text = error.message
    short = _short_repr(instance)
    full = repr(instance)
    if full in text and full != short:
        text = text.replace(full, short)
    return _shorten(text)


def _short_repr(value: Any) -> str:
    if isinstance(value, dict):
        return "this object"
    if isinstance(value, list):
        return "this list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _shorten(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_semantics(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """Checks that hold for every spec but that the validator does not make."""
    doc = spec.document
    seen_ids: dict[str, str] = {}
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        path_pointer = pointer_join("/paths", path)
        path_level = _params(doc, item.get("parameters"))
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            pointer = pointer_join(path_pointer, method)
            op_id = operation.get("operationId")
            if isinstance(op_id, str):
                if op_id in seen_ids:
                    yield spec.diagnostic(
                        pointer_join(pointer, "operationId"),
                        f"duplicate operationId {op_id!r} (also at {seen_ids[op_id]})",
                    )
                else:
                    seen_ids[op_id] = pointer
            declared = {
                p.get("name")
                for p in path_level + _params(doc, operation.get("parameters"))
                if p.get("in") == "path"
            }
            for name in re.findall(r"{([^}]*)}", path):
                if name not in declared:
                    yield spec.diagnostic(pointer, f"path parameter {{{name}}} is not declared in parameters")
            for index, param in enumerate(_params(doc, operation.get("parameters"))):
                if "schema" not in param and "content" not in param:
                    yield spec.diagnostic(
                        pointer_join(pointer, "parameters", index),
                        f"parameter {param.get('name')!r} has no schema",
                    )


def _params(doc: dict[str, Any], params: Any) -> list[dict[str, Any]]:
    result = []
    for param in params if isinstance(params, list) else []:
        if isinstance(param, dict) and "$ref" in param:
            param = resolve_pointer(doc, param["$ref"])
        if isinstance(param, dict):
            result.append(param)
    return result
