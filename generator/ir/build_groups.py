"""The generated package's module layout: operations grouped by resource, one module each."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Callable

from .build_draft import OperationDraft
from .build_request_checks import share_request_checks
from .build_tests import OperationTests, expected_json
from .imports import standard_imports
from .nodes import Code, Operation, OperationGroup, Parameter, TypeRef
from .naming import Identifier, Scope, snake

_VERSION_SEGMENT = re.compile(r"^(v\d+(\.\d+)*|\d{4}-\d{2}-\d{2})$", re.IGNORECASE)

Warn = Callable[[str, str], None]


def operation_groups(
    drafts: list[OperationDraft], operations: tuple[Operation, ...], tests: OperationTests, warn: Warn, note: Warn
) -> tuple[OperationGroup, ...]:
    """Operations grouped by resource: the first path segment past the common prefix.

    Adds each module's expected checks to ``tests.data_files``.
    """
    statics = {op.path: _static_segments(op.path) for op in operations}
    common = _common_prefix(list(statics.values()))
    # operations/__init__.py imports every function by name: a module named
    # like one (Spotify's search) would be hidden behind it, so it is renamed.
    functions = frozenset(str(op.name) for op in operations)
    scope = Scope("module", "snake", "resource", reserved=frozenset({"init"}) | functions, avoid_builtins=True)
    by_title: dict[str, list[tuple[Operation, OperationDraft]]] = {}
    for op, draft in zip(operations, drafts):
        segments = statics[op.path]
        cut = min(len(common), max(len(segments) - 1, 0))
        title = segments[cut] if segments else "root"
        by_title.setdefault(title, []).append((op, draft))
    groups = []
    for title, members in sorted(by_title.items(), key=lambda pair: snake(pair[0])):
        ops, shared_params = _share_params(tuple(op for op, _ in members))
        ops = share_request_checks(ops)
        needs = set().union(*(d.test_needs for _, d in members))
        test_models = set().union(*(d.test_models for _, d in members))
        test_models |= set(_operation_imports(tuple(op for op in ops if op.tests), responses_only=True))
        group_name = scope.claim(title)
        if snake(title) in functions:
            note(
                "/paths",
                f"the module of {title!r} is operations.{group_name}: operations.{snake(title)} is the function",
            )
        expected = {
            str(t.expected_case): tests.expected_checks[t.name] for op in ops for t in op.tests if t.expected_case
        }
        if expected:  # one file per test module, beside the example bodies
            tests.data_files.append((f"tests/examples/test_{group_name}.expected.json", expected_json(expected)))
        groups.append(
            OperationGroup(
                name=group_name,
                title=title,
                operations=ops,
                model_imports=_operation_imports(ops),
                imports=standard_imports([*(p.annotation for op in ops for p in op.parameters), *(op.return_annotation for op in ops)]),
                # the tests' request helpers return what the operation returns
                test_imports=standard_imports([op.return_annotation for op in ops if op.tests], also=needs),
                test_model_imports=tuple(sorted(test_models)),
                tests_use_pytest=any(op.invalid_calls or any(t.warns for t in op.tests) for op in ops),
                tests_use_examples=any(t.body_file for op in ops for t in op.tests),
                tests_use_checks=bool(expected),
                shared_params=shared_params,
            )
        )
    for message in scope.collisions:
        warn("/paths", message)
    for message in scope.renames:
        note("/paths", message)
    return tuple(groups)


def _static_segments(path: str) -> list[str]:
    segments = []
    for segment in path.strip("/").split("/"):
        segment = re.sub(r"\.json$", "", segment)
        if not segment or "{" in segment or _VERSION_SEGMENT.match(segment):
            continue
        segments.append(segment)
    return segments


def _common_prefix(paths: list[list[str]]) -> list[str]:
    if len(paths) < 2:
        return paths[0][:-1] if paths else []
    prefix = []
    for parts in zip(*paths):
        if len(set(parts)) != 1:
            break
        prefix.append(parts[0])
    return prefix


def _operation_imports(operations: tuple[Operation, ...], responses_only: bool = False) -> tuple[Identifier, ...]:
    names: set[Identifier] = set()

    def walk(t: TypeRef | None) -> None:
        while t is not None:
            if t.name is not None:
                names.add(t.name)
            if not (responses_only and t.kind == "union" and t.name is not None):
                for variant in t.variants:  # the decoder names the variants, the annotation only the alias
                    walk(variant)
            t = t.item

    for op in operations:
        if op.response is not None and op.response.format != "raw":
            walk(op.response)
        for case in op.responses if responses_only else (*op.responses, *op.errors):
            if case.type is not None and case.type.format != "raw":
                walk(case.type)
        walk(op.pagination.items if op.pagination else None)
        for param in () if responses_only else op.parameters:
            walk(param.type)
    return tuple(sorted(names))


def _share_params(ops: tuple[Operation, ...]) -> tuple[tuple[Operation, ...], tuple[Parameter, ...]]:
    """One module's operations, with the constrained parameters that more than one
    declares alike pointing at one module-level constant; and those constants."""
    counts = Counter(p.runtime_param for op in ops for p in op.parameters if p.constraints)
    if not any(n > 1 for n in counts.values()):
        return ops, ()
    # The constants live beside the operations' own ``_NAME`` constants.
    scope = Scope("shared parameter", "upper", "PARAM", reserved=frozenset(str(op.const_name)[1:] for op in ops))
    names: dict[Code, Identifier] = {}
    shared: list[Parameter] = []
    result = []
    for op in ops:
        params = []
        for p in op.parameters:
            key = p.runtime_param
            if p.constraints and counts[key] > 1:
                if key not in names:
                    names[key] = Identifier("_" + scope.claim(f"{p.name}_param"))
                    shared.append(replace(p, shared=names[key]))
                p = replace(p, shared=names[key])
            params.append(p)
        result.append(replace(op, parameters=tuple(params)))
    return tuple(result), tuple(shared)
