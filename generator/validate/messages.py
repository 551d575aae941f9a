"""The validator's findings as located lines in plain words.

Each finding of openapi-spec-validator (see :mod:`generator.validate.located`)
becomes one or more :class:`Finding`: where it is, what is wrong there, and
its kind, which says whether lenient mode (:mod:`generator.validate.lenient`) works
around it.

A failed ``oneOf``/``anyOf`` is described by what went wrong inside it, not as
"is not valid under any of the given schemas": when only one of its branches
can be meant (the others only miss a ``$ref``: "a Schema or a Reference"),
every problem in that branch is a finding of its own; otherwise the sub-error
that fits best (jsonschema's ``best_match``), or, when no branch fits better
than another, what the branches say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import Diagnostic, pointer_join, resolve_pointer
from ..load.spec import LoadedSpec
from ..suggest import did_you_mean

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

# Kinds of findings lenient mode works around (see validate/lenient.py); any other is "other".
BAD_DEFAULT = "bad-default"
EXCLUSIVE_BOUND = "exclusive-bound"
RECURSIVE_KEYWORD = "recursive-keyword"  # $recursiveAnchor, $recursiveRef
DUPLICATE_REQUIRED = "duplicate-required"
OTHER = "other"

_LENIENT_HINT = {
    BAD_DEFAULT: "--lenient drops such a default",
    EXCLUSIVE_BOUND: "--lenient reads it in the form it is written in",
    RECURSIVE_KEYWORD: "--lenient ignores $recursiveAnchor and reads $recursiveRef as a $ref",
    DUPLICATE_REQUIRED: "--lenient keeps each name once",
}
_RECURSIVE = ("$recursiveAnchor", "$recursiveRef")
_BOUNDS = {"exclusiveMinimum": "minimum", "exclusiveMaximum": "maximum"}
_UNIONS = ("oneOf", "anyOf")
_MAX_REASONS = 3  # branches' reasons quoted when no branch of a union fits better


@dataclass(frozen=True)
class Finding:
    """One validator finding: the located diagnostic, and what kind of defect it is."""

    diagnostic: Diagnostic
    kind: str
    error_type: (
        str  # the validator's error class, to tell its versions of our own checks
    )
    target: str  # what lenient mode works on: the finding's pointer, or the whole default it is in


def findings(
    spec: LoadedSpec, error: Exception, lenient_hints: bool = True
) -> list[Finding]:
    """``error`` from the located validator as :class:`Finding` s; ``lenient_hints``
    adds what ``--lenient`` would do with a defect it works around."""
    from jsonschema.exceptions import ValidationError

    if not isinstance(error, ValidationError):
        return [
            Finding(
                spec.diagnostic("", shorten(str(error))),
                OTHER,
                type(error).__name__,
                "",
            )
        ]
    found: dict[str, Finding] = {}
    for part in _parts(error):
        finding = _finding(spec, error, part, lenient_hints)
        found.setdefault(str(finding.diagnostic), finding)  # each line once
    return list(found.values())


def _parts(error: ValidationError) -> list[ValidationError]:
    """The problems ``error`` stands for: itself, or those of the one branch of a union that can be meant."""
    if error.validator not in _UNIONS or not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for child in error.context:
        branches.setdefault(
            child.relative_schema_path[0] if child.relative_schema_path else None, []
        ).append(child)
    meant = [
        errors
        for errors in branches.values()
        if not all(_only_misses_ref(e) for e in errors)
    ]
    if len(meant) != 1:
        return [error]
    return [part for child in meant[0] for part in _parts(child)]


def _only_misses_ref(error: ValidationError) -> bool:
    return (
        error.validator == "required"
        and error.message == "'$ref' is a required property"
    )


def _finding(
    spec: LoadedSpec, top: ValidationError, error: ValidationError, lenient_hints: bool
) -> Finding:
    from jsonschema.exceptions import best_match

    from .located import DefaultValueError, is_located, located_steps, physical_path

    best = best_match([error], key=_relevance) or error
    best = _one_of_values(best) or best
    doc = spec.document
    where = physical_path(doc, list(best.absolute_path), into_last=is_located(top))
    kind, where = _kind(top, best, where)
    pointer = pointer_join("", *where)
    message = _message(best)
    target = pointer
    if isinstance(top, DefaultValueError):
        steps = located_steps(top) or 0
        default_at = physical_path(doc, list(top.absolute_path)[:steps])
        target = pointer_join("", *default_at)
        inner = len(best.absolute_path) > steps
        subject = (
            f"{_show(best.instance)} in the default"
            if inner
            else f"the default {_show(best.instance)}"
        )
        message = _replace_subject(message, best.instance, subject)
        if (
            not inner
            and default_at[-2:-1] == ["items"]
            and isinstance(best.instance, list)
        ):
            message += " (a default under items is for one item; the list's default belongs beside items)"
    elif kind == EXCLUSIVE_BOUND:
        message = _exclusive_message(doc, where)
    elif kind == RECURSIVE_KEYWORD:
        modern = "$dynamicAnchor" if where[-1] == "$recursiveAnchor" else "$dynamicRef"
        message = f"{where[-1]} is a JSON Schema 2019-09 keyword, not OpenAPI's (JSON Schema 2020-12 has {modern})"
    elif kind == DUPLICATE_REQUIRED:
        names = list(best.instance) if isinstance(best.instance, list) else []
        repeated = [
            n for i, n in enumerate(names) if names.count(n) > 1 and names.index(n) == i
        ]
        message = (
            f"required lists {', '.join(repr(n) for n in repeated)} more than once"
        )
    elif type(top).__name__ == "UnresolvableParameterError":
        message = _unresolvable_message(top.message)
    elif (parameter := _path_parameter_not_required(doc, where)) is not None:
        pointer = pointer_join("", *where[: _parameter_depth(where)])
        message = f"path parameter {parameter.get('name')!r} must have `required: true`"
    elif where and where[-1] == "type" and isinstance(best.instance, str):
        types = (
            [*_TYPES, "null"]
            if str(doc.get("openapi", "")).startswith("3.1")
            else list(_TYPES)
        )
        if best.instance not in types:
            message = f"{best.instance!r} is not a type (the types are {', '.join(types)}){did_you_mean(best.instance, types)}"
    if lenient_hints and kind in _LENIENT_HINT:
        message += f"; harmless for code generation: {_LENIENT_HINT[kind]}"
    return Finding(spec.diagnostic(pointer, message), kind, type(top).__name__, target)


_TYPES = ("array", "boolean", "integer", "number", "object", "string")


def _parameter_depth(where: list[Any]) -> int:
    """How many steps of ``where`` lead to the Parameter Object it is in (0: none)."""
    for index in range(len(where) - 1, 0, -1):
        if where[index - 1] == "parameters" and (
            isinstance(where[index], int) or where[:1] == ["components"]
        ):
            return index + 1
    return 0


def _path_parameter_not_required(doc: Any, where: list[Any]) -> dict[str, Any] | None:
    """The Parameter Object a finding is about (on it, its ``in`` or its ``required``)
    when it is ``in: path`` without ``required: true``, which OpenAPI demands."""
    depth = _parameter_depth(where)
    if not depth or where[depth:] not in ([], ["in"], ["required"]):
        return None
    parameter = resolve_pointer(doc, "#" + pointer_join("", *where[:depth]))
    if (
        isinstance(parameter, dict)
        and parameter.get("in") == "path"
        and parameter.get("required") is not True
    ):
        return parameter
    return None


def _one_of_values(error: ValidationError) -> ValidationError | None:
    """A union whose branches each allow other values at the same place (a Parameter
    Object's ``in``, say) as one ``enum`` error there, listing every allowed value;
    one whose branches each require another key, as one error naming them all."""
    if error.validator not in _UNIONS or not error.context:
        return None
    children = [c for c in error.context if not _only_misses_ref(c)]
    if children and all(c.validator == "required" and not c.path for c in children):
        present = error.instance if isinstance(error.instance, dict) else {}
        keys = [
            k
            for c in children
            if isinstance(c.validator_value, list)
            for k in c.validator_value
            if k not in present
        ]
        if keys:
            named = " or ".join(repr(k) for k in dict.fromkeys(keys))
            first = children[0]
            return type(first)(
                f"{named} is required here",
                validator="required",
                instance=error.instance,
                parent=first.parent,
            )
    if not children or any(
        c.validator != "enum" or not c.path or c.path != children[0].path
        for c in children
    ):
        return None
    allowed: list[Any] = []
    for child in children:
        values = (
            child.validator_value if isinstance(child.validator_value, list) else []
        )
        allowed.extend(v for v in values if v not in allowed)
    first = children[0]
    return type(first)(
        f"{first.instance!r} is not one of {allowed!r}",
        validator="enum",
        validator_value=allowed,
        instance=first.instance,
        path=first.path,
        parent=first.parent,
    )


def _relevance(error: ValidationError) -> tuple[Any, ...]:
    """jsonschema's ``relevance``, also for the validator's copies of errors, which
    lack the type checker its last criterion asks (they count as not matching)."""
    from jsonschema.exceptions import STRONG_MATCHES, WEAK_MATCHES

    try:
        matches = bool(getattr(error, "_matches_type")())
    except AttributeError:
        matches = False
    validator = error.validator
    return (
        -len(error.path),
        error.path,
        validator not in WEAK_MATCHES,
        validator in STRONG_MATCHES,
        not matches,
    )


def _kind(
    top: ValidationError, best: ValidationError, where: list[Any]
) -> tuple[str, list[Any]]:
    """The finding's kind, and its place (the keyword itself, for a problem found at its schema)."""
    from .located import DefaultValueError

    if isinstance(top, DefaultValueError):
        return BAD_DEFAULT, where
    last = where[-1] if where else None
    instance = best.instance
    if (
        last in _BOUNDS
        and best.validator == "type"
        and isinstance(instance, (bool, int, float))
    ):
        return EXCLUSIVE_BOUND, where
    if best.validator in ("dependencies", "dependentRequired") and isinstance(
        instance, dict
    ):
        # draft 4 (OpenAPI 3.0): exclusiveMinimum needs minimum; the 3.1 form has none
        keyword = next(
            (
                k
                for k in _BOUNDS
                if _is_number(instance.get(k)) and _BOUNDS[k] not in instance
            ),
            None,
        )
        if keyword is not None:
            return EXCLUSIVE_BOUND, [*where, keyword]
    if last in _RECURSIVE:
        return RECURSIVE_KEYWORD, where
    if best.validator == "additionalProperties" and isinstance(instance, dict):
        extra = _unexpected(best)
        if extra and all(k in _RECURSIVE for k in extra):
            return RECURSIVE_KEYWORD, [*where, extra[0]]
    if last == "required" and best.validator == "uniqueItems":
        return DUPLICATE_REQUIRED, where
    return OTHER, where


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _unexpected(error: ValidationError) -> list[str]:
    """The keys an ``additionalProperties: false`` error is about."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = schema.get("properties") or {}
    patterns = schema.get("patternProperties") or {}
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [
        k
        for k in instance
        if k not in known and not any(re.search(p, k) for p in patterns)
    ]


def _message(error: ValidationError) -> str:
    """What ``error`` says, with its value shown short; a failed union by what its branches say."""
    if error.validator in _UNIONS and error.context:
        reasons: list[str] = []
        for child in error.context:
            if _only_misses_ref(child):
                continue
            text = _message(child)
            if child.path:
                text = f"at {pointer_join('', *child.path)}: {text}"
            if text not in reasons:
                reasons.append(text)
        count = (
            len(error.validator_value)
            if isinstance(error.validator_value, list)
            else len(reasons)
        )
        shown = "; ".join(reasons[:_MAX_REASONS]) + (
            "; ..." if len(reasons) > _MAX_REASONS else ""
        )
        return shorten(
            f"{_show(error.instance)} matches none of the {count} schemas of its {error.validator} ({shown})"
        )
    if error.validator in _CLOSED and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        extra = (
            _unexpected(error)
            if error.validator == "additionalProperties"
            else _named_unexpected(error)
        )
        if extra:
            known = [*(schema.get("properties") or {})]
            keys = ", ".join(f"{k!r}{_guess(k, known)}" for k in extra)
            extensible = (
                "^x-" in (schema.get("patternProperties") or {})
                or error.validator == "unevaluatedProperties"
            )
            only = " (only x- extensions may be added)" if extensible else ""
            return shorten(
                f"{keys} {'is' if len(extra) == 1 else 'are'} not allowed here{only}"
            )
    if error.message.endswith(" for not nullable"):  # openapi-schema-validator's words
        return f"{_show(error.instance)} is not allowed: the schema is not nullable"
    return shorten(
        _replace_subject(error.message, error.instance, _show(error.instance))
    )


_CLOSED = ("additionalProperties", "unevaluatedProperties")


def _named_unexpected(error: ValidationError) -> list[str]:
    """The keys an ``unevaluatedProperties: false`` error names ("('a', 'b' were unexpected)")."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    match = re.search(r"\((.*) (?:was|were) unexpected\)", error.message, re.DOTALL)
    named = re.findall(r"'((?:[^'\\]|\\.)*)'", match.group(1)) if match else []
    return [k for k in named if k in instance]


def _guess(key: str, known: list[str]) -> str:
    """`` (did you mean 'x'?)`` for a key close to a known one."""
    hint = did_you_mean(str(key), known)
    return f" ({hint[2:]})" if hint else ""


def _replace_subject(text: str, instance: Any, subject: str) -> str:
    """``text`` with the value it starts with (as jsonschema, or this module, writes it) replaced by ``subject``."""
    for written in (repr(instance), _show(instance)):
        if text.startswith(written):
            return subject + text[len(written) :]
    return text


def _show(value: Any) -> str:
    """A value as a message shows it: YAML's words for null and booleans, long ones cut short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "this object"
    text = repr(value)
    if isinstance(value, list) and len(text) > 60:
        return f"this list ({len(value)} items)"
    return text if len(text) <= 60 else text[:57] + "..."


def _exclusive_message(doc: Any, where: list[Any]) -> str:
    keyword = str(where[-1])
    bound = _BOUNDS[keyword]
    schema = resolve_pointer(doc, "#" + pointer_join("", *where[:-1]))
    schema = schema if isinstance(schema, dict) else {}
    value, limit = schema.get(keyword), schema.get(bound)
    if isinstance(value, bool):  # the 3.0 form in a 3.1 spec
        instead = (
            f" ({keyword}: {limit!r} in place of {bound}: {limit!r})"
            if _is_number(limit) and value
            else ""
        )
        return f"{keyword}: {_show(value)} is the OpenAPI 3.0 form; in 3.1 {keyword} is the bound itself{instead}"
    return f"{keyword}: {value!r} is the OpenAPI 3.1 form; in 3.0 it is {bound}: {value!r} with {keyword}: true"


_UNRESOLVED = re.compile(
    r"Path parameter '(?P<name>.*)' for '(?P<method>.*)' operation in '(?P<path>.*)' was not resolved"
)


def _unresolvable_message(text: str) -> str:
    match = _UNRESOLVED.fullmatch(text)
    if match is None:
        return shorten(text)
    name, path = match["name"], match["path"]
    if "{" + name + "}" in path:
        return f"path parameter {{{name}}} is not declared in parameters"
    return (
        f"path parameter {name!r} is declared, but the path {path!r} has no {{{name}}}"
    )


def shorten(text: str, limit: int = 300) -> str:
    """``text`` on one line, cut with ``...`` at ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
