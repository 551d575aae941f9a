"""openapi-spec-validator plus the checks it does not make.

Every problem becomes one located line; all of them are reported at once.

``validate/beside.py`` runs :func:`validate` in a forked child process beside
the rest of the pipeline.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from typing import Any

from ..errors import Diagnostic, SpecError, pointer_join, resolve_pointer
from ..load.spec import LoadedSpec
from ..suggest import ref_suggestion
from .cost import check_all_of_cost
from .messages import OTHER, Finding, findings, shorten

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_VERSION = re.compile(r"^3\.(0|1)\.\d+$")
MAX_REF_CHAIN = 50  # $refs whose targets are $refs, followed before giving up


def validate(spec: LoadedSpec) -> None:
    """Raise :class:`SpecError` listing every problem in ``spec``."""
    semantic, found = check(spec)
    problems = [f.diagnostic for f in found] + semantic
    if problems:
        raise SpecError(problems)


def check(spec: LoadedSpec, lenient_hints: bool = True) -> tuple[list[Diagnostic], list[Finding]]:
    """specgen's own checks of ``spec`` and the validator's findings, each located.

    Problems the validator cannot be run on (an unsupported version, dangling
    ``$ref``s, ``allOf`` cycles) raise :class:`SpecError` at once. Otherwise
    returns our semantic checks' problems and every validator finding (ordered
    by line) that does not repeat one of ours. ``lenient_hints``: see
    :func:`generator.validate.messages.findings`.
    """
    from .located import spec_validator  # imports the validator, which is slow

    doc = spec.document
    problems = _check_version(spec)
    if problems:
        raise SpecError(problems)
    problems = list(_check_refs(spec, doc, "", doc))
    if problems:  # the validator cannot say anything useful about dangling refs
        raise SpecError(problems)
    problems = _check_all_of_cycles(spec, doc) or check_all_of_cost(spec, doc)
    if problems:  # the validator would expand them until RecursionError, or for hours
        raise SpecError(problems)
    semantic = list(_check_semantics(spec))
    found: list[Finding] = []
    try:
        with _validator_backend_env():
            for error in spec_validator(doc).iter_errors():
                found.extend(findings(spec, error, lenient_hints))
    except RecursionError:
        found.append(Finding(spec.diagnostic("", "the spec nests too deeply to validate"), OTHER, "RecursionError", ""))
    except Exception as exc:  # the validator raises plain exceptions for some specs
        if not found and not semantic:  # otherwise it tripped over what it already reported
            message = f"validator failed: {shorten(str(exc)) or type(exc).__name__}"
            found.append(Finding(spec.diagnostic("", message), OTHER, type(exc).__name__, ""))
    ours = {str(d) for d in semantic}
    seen: set[str] = set()
    kept = []
    for item in found:
        text = str(item.diagnostic)
        if text in seen or text in ours or _repeats_ours(item, semantic):
            continue
        seen.add(text)
        kept.append(item)
    kept.sort(key=lambda f: f.diagnostic.line or 0)
    return semantic, kept


def _repeats_ours(item: Finding, semantic: list[Diagnostic]) -> bool:
    """Whether ``item`` is the validator's version of a problem a check of ours reported:
    a duplicate operationId (ours says where the first one is), or a path parameter
    of a path whose braces we found broken (the validator reads ``{{`` as a brace)."""
    pointer = item.diagnostic.pointer
    if item.error_type == "DuplicateOperationIDError":
        return any(d.pointer == pointer for d in semantic)
    if item.error_type == "UnresolvableParameterError":
        return any(pointer.startswith(d.pointer + "/") for d in semantic)
    return False


# Prose the validator only checks to be a string; what values may hold is kept.
_PROSE_KEYS = frozenset({"description", "summary"})
_VALUE_KEYS = frozenset({"default", "example", "examples", "enum", "const", "value"})


def validation_view(node: Any) -> Any:
    """``node`` with every prose string emptied: what validation depends on.

    Whether a spec validates does not depend on the words of a ``description``
    or ``summary`` (the validator and our own checks only require a string
    there), so a spec whose only change is prose keeps its cached verdict.
    Values that are data, not prose (defaults, examples, enums, constants and
    ``x-`` extensions), are copied untouched: the validator checks some of them
    against their schemas, where a key may happen to be called ``description``.
    """
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _PROSE_KEYS and isinstance(value, str):
                out[key] = ""
            elif key in _VALUE_KEYS or (isinstance(key, str) and key.startswith("x-")):
                out[key] = value
            else:
                out[key] = validation_view(value)
        return out
    if isinstance(node, list):
        return [validation_view(item) for item in node]
    return node


_BACKEND_ENV = "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"


@contextlib.contextmanager
def _validator_backend_env() -> Iterator[None]:
    """Run the validator on its pure-Python jsonschema backend.

    By default ("auto") openapi-spec-validator switches to jsonschema-rs when
    that happens to be installed, and its messages differ: specgen's error
    messages (snapshotted in tests/security/broken/) must not depend on what
    else is installed. The previous value is restored afterwards.
    """
    previous = os.environ.get(_BACKEND_ENV)
    os.environ[_BACKEND_ENV] = "jsonschema"
    try:
        yield
    finally:
        if previous is None:
            del os.environ[_BACKEND_ENV]
        else:
            os.environ[_BACKEND_ENV] = previous


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
    reported: set[str] = set()
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if resolve_pointer(doc, ref) is None:
                    yield spec.diagnostic(
                        pointer_join(pointer, "$ref"), f"$ref target {ref!r} does not exist{ref_suggestion(doc, ref)}"
                    )
                else:
                    problem = _ref_chain_problem(doc, ref, reported)
                    if problem:
                        yield spec.diagnostic(pointer_join(pointer, "$ref"), problem)
                continue
            stack.extend((v, pointer_join(pointer, k)) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, pointer_join(pointer, i)) for i, v in reversed(list(enumerate(node))))


def _ref_chain_problem(doc: dict[str, Any], ref: str, reported: set[str]) -> str | None:
    """What is wrong with following ``ref`` through targets that are ``$ref``s themselves.

    A cycle of such refs never reaches a definition, and a chain of more than
    ``MAX_REF_CHAIN`` is refused. Each is reported once, where it is first met.
    """
    if ref in reported:
        return None
    chain, seen = [ref], {ref}
    target = resolve_pointer(doc, ref)
    problem = None
    while isinstance(target, dict) and isinstance(target.get("$ref"), str):
        following = target["$ref"]
        if following in reported:
            return None
        if following in seen:
            cycle = chain[chain.index(following) :]
            shown = " -> ".join(repr(r) for r in [*cycle, following])
            problem = problem or f"$ref cycle: {shorten(shown)} never reaches a definition"
            break
        chain.append(following)
        seen.add(following)
        if len(chain) > MAX_REF_CHAIN:
            problem = problem or f"$ref {ref!r} starts a chain of more than {MAX_REF_CHAIN} $refs"
        target = resolve_pointer(doc, following)
    if problem:
        reported.update(chain)
    return problem  # a dangling ref at the end is reported where it is written


def _check_all_of_cycles(spec: LoadedSpec, doc: dict[str, Any]) -> list[Diagnostic]:
    """Schemas that include themselves through ``allOf`` (and ``$ref``s, and nested ``allOf``).

    No value can be checked against such a schema without expanding it forever:
    the validator recursed until RecursionError, and in a process whose recursion
    limit had been raised that took gigabytes first. Each cycle is reported once,
    at the ``$ref`` that closes it. Cycles of ``$ref``s alone are found before
    (:func:`_ref_chain_problem`); ``anyOf``/``oneOf``/``not`` are not expanded
    in place, so a schema may refer to itself through them.
    """
    problems: list[Diagnostic] = []
    state: dict[str, int] = {}  # pointer -> 1 while on the path, 2 when done

    def edges(pointer: str) -> list[tuple[str, str | None]]:
        """(next schema pointer, the $ref taken to it or None) from the schema at ``pointer``."""
        node = resolve_pointer(doc, "#" + pointer)
        if not isinstance(node, dict):
            return []
        ref = node.get("$ref")
        if isinstance(ref, str):
            return [(ref[1:], ref)] if ref.startswith("#") else []
        parts = node.get("allOf")
        if not isinstance(parts, list):
            return []
        return [(pointer_join(pointer, "allOf", i), None) for i, part in enumerate(parts) if isinstance(part, dict)]

    for start in _all_of_schemas(doc):
        if start in state:
            continue
        state[start] = 1
        path: list[tuple[str, list[tuple[str, str | None]], str | None]] = [(start, edges(start), None)]
        while path:
            pointer, pending, _taken = path[-1]
            if not pending:
                state[pointer] = 2
                path.pop()
                continue
            following, ref = pending.pop(0)
            seen = state.get(following)
            if seen == 1:  # back on the path: a cycle, closed by this $ref
                on_cycle = [p for p, _, _ in path]
                refs = [r for _, _, r in path[on_cycle.index(following) + 1 :] if r is not None] + [ref]
                shown = " -> ".join(repr(r) for r in refs)
                problems.append(
                    spec.diagnostic(
                        pointer_join(pointer, "$ref"),
                        f"allOf cycle through {shorten(shown)}: a schema cannot include itself",
                    )
                )
            elif seen is None:
                state[following] = 1
                path.append((following, edges(following), ref))
    return problems


def _all_of_schemas(doc: Any) -> Iterator[str]:
    """Pointers of every mapping in ``doc`` with an ``allOf`` list, in document order."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("allOf"), list):
                yield pointer
            stack.extend((v, pointer_join(pointer, k)) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, pointer_join(pointer, i)) for i, v in reversed(list(enumerate(node))))


def _check_semantics(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """Checks that hold for every spec but that the validator does not make."""
    doc = spec.document
    seen_ids: dict[str, str] = {}
    paths = doc.get("paths")
    for path, item in (paths if isinstance(paths, dict) else {}).items():
        if not isinstance(item, dict):
            continue
        path_pointer = pointer_join("/paths", path)
        path_level = _params(doc, item.get("parameters"))
        stray = re.sub(r"{[^{}]*}", "", path)
        if "{" in stray or "}" in stray:
            yield spec.diagnostic(path_pointer, f"path {path!r} has a '{{' or '}}' that does not enclose a parameter name")
            continue
        reported: set[str] = set()
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
            for param, param_pointer in _located_params(doc, operation.get("parameters"), pointer):
                if "schema" not in param and "content" not in param:
                    yield spec.diagnostic(param_pointer, f"parameter {param.get('name')!r} has no schema")
            located = [
                *_located_params(doc, item.get("parameters"), path_pointer),
                *_located_params(doc, operation.get("parameters"), pointer),
            ]
            for problem in _header_problems(spec, located):
                if str(problem) not in reported:  # path-level parameters: once, not per method
                    reported.add(str(problem))
                    yield problem


# RFC 9110 field-name: what an HTTP library can put on the wire as a header name.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _header_problems(spec: LoadedSpec, located: list[tuple[dict[str, Any], str]]) -> Iterator[Diagnostic]:
    """Header parameters that no client can send as the spec names them."""
    seen: dict[str, str] = {}
    for param, pointer in located:
        name = param.get("name")
        if param.get("in") != "header" or not isinstance(name, str):
            continue
        if not _HEADER_NAME.fullmatch(name):
            yield spec.diagnostic(
                pointer_join(pointer, "name"),
                f"header parameter name {name!r} is not a valid HTTP header name "
                "(letters, digits and !#$%&'*+-.^_`|~ only)",
            )
            continue
        other = seen.setdefault(name.lower(), name)
        if other != name:
            yield spec.diagnostic(
                pointer_join(pointer, "name"),
                f"header parameters {other!r} and {name!r} are the same HTTP header (header names ignore case)",
            )


def _located_params(doc: dict[str, Any], params: Any, pointer: str) -> list[tuple[dict[str, Any], str]]:
    """The parameters of a list, resolved, each with its pointer in the spec."""
    result = []
    for index, param in enumerate(params if isinstance(params, list) else []):
        for resolved in _params(doc, [param]):
            result.append((resolved, pointer_join(pointer, "parameters", index)))
    return result


def _params(doc: dict[str, Any], params: Any) -> list[dict[str, Any]]:
    result = []
    for param in params if isinstance(params, list) else []:
        if isinstance(param, dict) and "$ref" in param:
            ref = param["$ref"]
            param = resolve_pointer(doc, ref) if isinstance(ref, str) else None
        if isinstance(param, dict):
            result.append(param)
    return result
