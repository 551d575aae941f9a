"""The generated tests' cases: calls with valid arguments, and what to expect."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Callable
from urllib.parse import quote, urlsplit

from .. import patterns
from .build_draft import OperationDraft, fixed_query, request_path
from .build_media import expected_media_text
from .build_params import arg_code
from .build_request_checks import request_checks
from .build_types import TypeBuilder
from .build_wire import PATH_SAFE, expected_header, expected_pairs, expected_path, expected_path_value
from .examples import parse_date, parse_datetime
from .literals import literal
from .nodes import Code, InvalidCall, Model, Parameter, TestCase, TypeRef
from .naming import Identifier, Scope

MAX_CHECKS = 40
MAX_ITEMS = 1
MAX_OPTIONAL_ARGS = 8  # optional arguments a generated test passes, beyond the required ones
MAX_SAMPLE_VALUES = 2_000  # JSON values in one made-up body
_MINIMAL = 4  # the depth from which a sample is its smallest: required fields only, empty lists


class _TooBig(Exception):
    pass


def sample_body(t: TypeRef, types: TypeBuilder, request: bool = False) -> Any:
    """A JSON value of type ``t``, for a response without example or a request body.

    A request sample has no nulls and no read-only fields, so that what the
    client sends can be predicted exactly. Models refer to each other, so a
    sample can grow exponentially with the depth of a spec (``L16`` with two
    required ``L15``...): past :data:`MAX_SAMPLE_VALUES` values the smallest
    valid value is tried, and past that too there is none: ``None`` (the test
    is left out, with a warning). Each try stops at the cap: bounded time.
    """
    for depth in (0, _MINIMAL):
        try:
            return _sample(t, types, depth, request, [MAX_SAMPLE_VALUES])
        except _TooBig:
            continue
    return None


def _sample(t: TypeRef, types: TypeBuilder, depth: int, request: bool, left: list[int]) -> Any:
    left[0] -= 1
    if left[0] < 0:
        raise _TooBig
    if t.nullable and depth > 2 and (not request or depth > 8):  # deep enough: a required self-reference ends
        return None
    if t.kind == "model":
        draft = types.drafts[t.name]  # type: ignore[index]
        return {
            p.wire_name: _sample(p.type, types, depth + 1, request, left)
            for p in draft.properties
            # a request sample leaves out fields with defaults: the runtime does not send those
            if p.required or (depth < 3 and not (request and (p.read_only or p.default is not None)))
        }
    if t.kind == "list":
        return [] if depth > 3 else [_sample(t.item, types, depth + 1, request, left)]  # type: ignore[arg-type]
    if t.kind == "dict":
        return {} if depth > 3 else {"key": _sample(t.item, types, depth + 1, request, left)}  # type: ignore[arg-type]
    if t.kind == "enum":
        return types.enums[t.name].members[0].value  # type: ignore[index]
    if t.kind == "union":
        return _sample(t.variants[0], types, depth, request, left)
    return {
        "str": "example",
        "int": 1,
        "float": 1.5,
        "bool": True,
        "datetime": "2020-01-02T03:04:05Z",
        "date": "2020-01-02",
        "any": "example",
    }[t.kind]


Step = str | int | dict[str, str]  # attribute, list index, mapping key ({"key": k})


def expected_json(cases: dict[str, list[dict[str, Any]]]) -> str:
    """The text of an ``examples/test_<module>.expected.json`` file (read by the
    runtime's ``testing.expected``): each test's checks under its name, in test
    order, one check a line, keys sorted, all-ASCII."""

    def one(checks: list[dict[str, Any]]) -> str:
        return ",\n".join(json.dumps(c, sort_keys=True, ensure_ascii=True, allow_nan=False) for c in checks)

    entries = (f"{json.dumps(case, ensure_ascii=True)}: [\n{one(checks)}\n]" for case, checks in cases.items())
    return "{\n" + ",\n".join(entries) + "\n}\n"


class CheckBuilder:
    """Walks an example alongside its type, producing the checks on the parsed result.

    Each check is data for the runtime's ``testing.check``: a path from the
    result, an operator (``==``, ``is``, ``is not``, ``len``) and the expected
    value as plain JSON, with ``type`` beside it for a date-time or a date.
    """

    def __init__(self, models: dict[Identifier, Model], warn: Callable[[str], None]) -> None:
        self.models = models
        self.warn = warn
        self.checks: list[dict[str, Any]] = []
        self.valid = True

    def add(self, path: tuple[Step, ...], operator: str, expected: Any, kind: str | None = None) -> None:
        if len(self.checks) < MAX_CHECKS:
            check = {"path": list(path), "op": operator, "value": expected}
            if kind is not None:
                check["type"] = kind
            self.checks.append(check)

    def walk(self, value: Any, t: TypeRef, path: tuple[Step, ...], where: str) -> None:
        if value is None:
            self.add(path, "is", None)
            return
        kind = t.kind
        if kind == "model":
            self._model(value, t, path, where)
        elif kind == "list":
            if not isinstance(value, list):
                return self._mismatch(where, "a list", value)
            self.add(path, "len", len(value))
            assert t.item is not None
            for index, item in enumerate(value[:MAX_ITEMS]):
                self._narrowed(item, t.item, (*path, index), f"{where}[{index}]")
        elif kind == "dict":
            if not isinstance(value, dict):
                return self._mismatch(where, "an object", value)
            assert t.item is not None
            if t.item.kind in ("model", "list", "dict", "datetime", "date", "union"):
                for key, item in list(value.items())[:MAX_ITEMS]:
                    self._narrowed(item, t.item, (*path, {"key": str(key)}), f"{where}.{key}")
            elif all(self._scalar_ok(v, t.item) for v in value.values()):
                self.add(path, "==", value)
            else:
                return self._mismatch(where, f"an object of {t.item.kind}", value)
        elif kind in ("datetime", "date"):
            parsed = parse_datetime(value) if kind == "datetime" and isinstance(value, str) else None
            if kind == "date" and isinstance(value, str):
                parsed_date = parse_date(value)
                if parsed_date is None:
                    return self._mismatch(where, "a date", value)
                self.add(path, "==", parsed_date.isoformat(), "date")
                return
            if parsed is None:
                return self._mismatch(where, "a date-time", value)
            self.add(path, "==", parsed.isoformat(), "datetime")
        elif kind == "any":
            self.add(path, "==", value)
        elif kind == "union":
            if isinstance(value, (str, int, float, bool)) and _union_keeps(value, t):
                self.add(path, "is" if isinstance(value, bool) else "==", value)
        elif self._scalar_ok(value, t):
            if t.kind == "float" and isinstance(value, str):
                value = float(value)  # the runtime reads numeric strings as numbers
            self.add(path, "is" if isinstance(value, bool) else "==", value)
        else:
            self._mismatch(where, kind, value)

    def _narrowed(self, value: Any, t: TypeRef, path: tuple[Step, ...], where: str) -> None:
        if value is not None and t.kind in ("model", "list", "dict") and t.nullable:
            self.add(path, "is not", None)
        self.walk(value, t, path, where)

    def _model(self, value: Any, t: TypeRef, path: tuple[Step, ...], where: str) -> None:
        if not isinstance(value, dict):
            return self._mismatch(where, "an object", value)
        model = self.models[t.name]  # type: ignore[index]
        known = set()
        for f in model.fields:
            known.add(f.wire_name)
            if f.wire_name not in value:
                if f.required:
                    self._mismatch(f"{where}.{f.wire_name}", "a value (required)", None)
                continue
            item = value[f.wire_name]
            sub_path = (*path, str(f.name))
            if item is not None and f.type.kind in ("model", "list", "dict") and not (f.required and not f.nullable):
                self.add(sub_path, "is not", None)
            if item is None and f.required and not f.nullable:
                self._mismatch(f"{where}.{f.wire_name}", "a value (not nullable)", None)
                continue
            self.walk(item, f.type, sub_path, f"{where}.{f.wire_name}")
        for key, item in value.items():
            if key not in known:
                self.add((*path, "extra", {"key": str(key)}), "==", item)

    def _scalar_ok(self, value: Any, t: TypeRef) -> bool:
        if t.kind == "any":
            return True
        if value is None:
            return t.nullable
        if t.kind == "enum":
            return isinstance(value, (str, int)) and not isinstance(value, bool)
        if t.kind == "str":
            return isinstance(value, str)
        if t.kind == "bool":
            return isinstance(value, bool)
        if t.kind == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if t.kind == "float":
            return _is_number(value)
        return t.kind == "any"

    def _mismatch(self, where: str, expected: str, value: Any) -> None:
        self.valid = False
        self.warn(f"example value at {where or 'the top'} is not {expected} ({value!r:.40}); the example is not tested")


def _union_keeps(value: Any, t: TypeRef) -> bool:
    """Whether the runtime's ``one_of`` decodes the scalar ``value`` to an equal value:
    not when a date or date-time choice may parse a string, nor when a number
    choice reads a numeric string that no string choice takes as it is."""
    kinds = {v.kind for v in t.variants}
    if not isinstance(value, str):
        return True
    if kinds & {"datetime", "date"}:
        return False
    return "float" not in kinds or "str" in kinds or not _is_number(value)


def _is_number(value: Any) -> bool:
    """A JSON number, or a numeric string (the runtime accepts those for numbers)."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool)


Warn = Callable[[str, str], None]


class OperationTests:
    """Writes each operation's generated tests, and the data files they read."""

    def __init__(self, types: TypeBuilder, warn: Warn) -> None:
        self.types = types
        self.warn = warn
        self.data_files: list[tuple[str, str]] = []  # (path in the package, text): example bodies
        self.expected_checks: dict[Identifier, list[dict[str, Any]]] = {}  # test name -> checks on its result

    def build(
        self, draft: OperationDraft, models: dict[Identifier, Model], base_url: str, credentials: tuple[tuple[str, str], ...]
    ) -> tuple[tuple[TestCase, ...], tuple[InvalidCall, ...], set[str], set[Identifier]]:
        """The tests of one operation sent to ``base_url`` with the query ``credentials``; the
        import lines and models its arguments need."""
        name = draft.name
        response = draft.response
        needs: set[str] = set()
        used_models: set[Identifier] = set()
        entries: list[tuple[Parameter, Code, Any]] = []
        for param, sample in draft.params:
            code = arg_code(param.type, sample, self.types, needs, used_models) if sample is not None else None
            if code is None:
                if param.required:
                    self.warn(draft.pointer, f"no test: cannot write an example value for {param.name!r}")
                    return (), (), set(), set()
                continue
            if not param.required and sum(1 for p, _, _ in entries if not p.required) >= MAX_OPTIONAL_ARGS:
                continue  # enough to check how optional arguments are sent; keeps tests short
            entries.append((param, code, _as_sent(param.type, sample, self.types)))
        args = tuple((None if p.positional else p.name, code) for p, code, _ in entries)
        warns = bool(draft.op.get("deprecated")) or any(
            c.keyword == "deprecated" for p, _, _ in entries for c in p.constraints
        )
        base_path = quote(urlsplit(base_url).path.rstrip("/"), safe=PATH_SAFE + "%")
        path_values = {
            p.wire_name: (
                quote(expected_media_text(s, p.serialization.content_type), safe="")
                if p.serialization.content_type is not None
                else expected_path_value(p.wire_name, s, p.serialization.style, p.serialization.explode)
            )
            for p, _, s in entries
            if p.location == "path" and p.serialization is not None
        }

        def pairs(location: str) -> tuple[tuple[str, str], ...]:
            found = [
                pair
                for p, _, s in entries
                if p.location == location and p.serialization is not None
                for pair in (
                    [(p.wire_name, expected_media_text(s, p.serialization.content_type))]
                    if p.serialization.content_type is not None
                    else expected_pairs(p.wire_name, s, p.serialization.style, p.serialization.explode)
                )
            ]
            return tuple(sorted([*found, *credentials] if location == "query" else found))

        body = next((s for p, _, s in entries if p.location == "body"), None)
        headers = tuple(
            (
                p.wire_name,
                expected_media_text(s, p.serialization.content_type)
                if p.serialization is not None and p.serialization.content_type is not None
                else expected_header(s, p.serialization.explode if p.serialization else False),
            )
            for p, _, s in entries
            if p.location == "header"
        )
        request = request_checks(
            method=draft.method,
            path=base_path + expected_path(request_path(draft.path), path_values),
            query=tuple(sorted([*fixed_query(draft.path), *pairs("query")])),
            form=pairs("form"),
            json=literal(_json_form(body)) if any(p.location == "body" for p, _, _ in entries) else None,
            content=next((code for p, code, _ in entries if p.location == "content"), None),
            multipart=any(p.location in ("multipart", "file") for p, _, _ in entries),
            headers=headers,
        )
        examples = draft.examples
        raw = response is not None and response.format == "raw"
        if raw:
            examples = [("raw_body", None)]
        elif not examples and response is not None:
            synthesised = sample_body(response, self.types)
            if synthesised is None:
                self.warn(draft.pointer, f"no test: the smallest made-up response has more than {MAX_SAMPLE_VALUES} values")
                return (), (), set(), set()
            examples = [("synthesised", synthesised)]
        if response is None:
            examples = [("no_content", None)]
        cases = []
        test_scope = Scope("test", "snake", "example")
        for example_name, example in examples:
            checker = CheckBuilder(models, lambda m: self.warn(draft.pointer, m))
            if response is not None and not raw:
                checker.walk(example, response, (), "")
            if not checker.valid:
                continue
            case_name = Identifier(f"test_{name}_{test_scope.claim(example_name)}")
            body_file = None
            if example is not None:
                body_file = f"{case_name[len('test_'):]}.json"
                self.data_files.append((f"tests/examples/{body_file}", json.dumps(example, indent=2, ensure_ascii=True) + "\n"))
            expected_case = None
            if checker.checks:
                expected_case = case_name[len("test_") :]
                self.expected_checks[case_name] = checker.checks
            cases.append(
                TestCase(
                    name=case_name,
                    title=example_name,
                    status=draft.status,
                    body_file=body_file,
                    args=args,
                    request_checks=request,
                    expected_case=expected_case,
                    has_result=response is not None,
                    warns=warns,
                    binds_result=response is None or expected_case is not None,
                )
            )
        invalid = []
        for param, _code, _sample in entries:
            bad = _invalid_value(param)
            if bad is None:
                continue
            # only what the call needs: the required arguments and the bad one
            bad_args = tuple(
                (None if p.positional else p.name, literal(bad) if p is param else code)
                for p, code, _ in entries
                if p.required or p is param
            )
            invalid.append(
                InvalidCall(
                    Identifier(f"test_{name}_rejects_bad_{param.name}"), param.name, f"^{param.name}: ", bad_args, warns
                )
            )
        return tuple(cases), tuple(invalid), needs, used_models


def _as_sent(t: TypeRef, sample: Any, types: TypeBuilder) -> Any:
    """An argument's sample as the runtime sends the value ``arg_code`` makes of
    it, for the test's expectations (mirrors ``Model._request_items`` and
    ``format_datetime``): a model leaves out read-only fields and optional ones
    at their default (DigitalOcean's body example spells out ``priority: null``),
    a date-time is written anew (Xero's ``.202-08:00`` goes as ``.202000-08:00``,
    ``+00:00`` as ``Z``)."""
    if t.kind == "union" and t.variants:
        return _as_sent(t.variants[0], sample, types)  # the variant arg_code writes
    if t.kind == "list" and t.item is not None and isinstance(sample, list):
        return [_as_sent(t.item, item, types) for item in sample]
    if t.kind == "dict" and t.item is not None and isinstance(sample, dict):
        return {key: _as_sent(t.item, value, types) for key, value in sample.items()}
    if t.kind == "model" and isinstance(sample, dict) and t.name in types.drafts:
        fields = {p.wire_name: p for p in types.drafts[t.name].properties}
        sent = {}
        for key, value in sample.items():
            field = fields.get(key)
            if field is not None and (field.read_only or (not field.required and value == field.default)):
                continue  # extra keys (no field) are sent as they are
            sent[key] = value if field is None else _as_sent(field.type, value, types)
        return sent
    if t.kind != "datetime" or not isinstance(sample, str):
        return sample
    try:
        value = datetime.fromisoformat(sample.replace("Z", "+00:00"))
    except ValueError:
        return sample
    if value.tzinfo is None or value.utcoffset() == timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()


def _json_form(value: Any) -> Any:
    """How the runtime writes a sample body: date-times with ``Z`` for UTC."""
    if isinstance(value, dict):
        return {k: _json_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_form(v) for v in value]
    return value


def _invalid_value(param: Parameter) -> Any:
    rules: dict[str, Any] = {c.keyword: c.value for c in param.constraints}
    if param.type.kind == "str":
        if "pattern" in rules:
            matcher = patterns.compile(rules["pattern"])
            if matcher is None:
                return None  # the client does not check this pattern (see runtime/regex.py)
            for candidate in ("!", "", "x" * 2000):  # linear time: at most 2001 steps each
                if not matcher.search(candidate):
                    return candidate
        if "min_length" in rules and rules["min_length"] > 0:
            return ""
        if "max_length" in rules and rules["max_length"] < 10_000:
            return "x" * (rules["max_length"] + 1)
    if param.type.kind in ("int", "float"):
        if "maximum" in rules:
            return rules["maximum"] + 1
        if "minimum" in rules:
            return rules["minimum"] - 1
    return None
