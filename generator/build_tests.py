"""The generated tests' cases: calls with valid arguments, and what to expect."""

from __future__ import annotations

import json
import re
from typing import Any, Callable
from urllib.parse import quote

from .build_types import TypeBuilder
from .examples import parse_date, parse_datetime
from .ir import Model, TypeRef
from .naming import Identifier

MAX_CHECKS = 40
MAX_ITEMS = 1


def encode_query_value(value: Any) -> list[str]:
    """How the runtime writes a query value, as the generated test expects it."""
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, list):
        return [v for item in value for v in encode_query_value(item)]
    return [str(value)]


_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


def _member(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return encode_query_value(value)[0]


def expected_pairs(name: str, value: Any, style: str, explode: bool) -> list[tuple[str, str]]:
    """How a query or form value goes on the wire (the OpenAPI style table), as
    the generated test expects it: written apart from the runtime's serializer."""
    if style == "deepObject" and isinstance(value, (dict, list)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        return [p for k, v in items if v is not None for p in expected_pairs(f"{name}[{k}]", v, style, explode)]
    if isinstance(value, list):
        members = [_member(v) for v in value if v is not None]
        return [(name, m) for m in members] if explode else [(name, _DELIMITERS.get(style, ",").join(members))]
    if isinstance(value, dict):
        fields = [(str(k), _member(v)) for k, v in value.items() if v is not None]
        if explode and style == "form":
            return fields
        return [(name, _DELIMITERS.get(style, ",").join(x for field in fields for x in field))]
    return [(name, _member(value))]


def expected_header(value: Any, explode: bool) -> str:
    """A header value as the test expects it (``simple`` style)."""
    if isinstance(value, list):
        return ",".join(_member(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}={_member(v)}" if explode else f"{k},{_member(v)}" for k, v in value.items() if v is not None)
    return _member(value)


PATH_SAFE = "/:@!$&'()*+,;=-._~"  # what the runtime leaves unescaped in a path


def expected_path_value(name: str, value: Any, style: str, explode: bool) -> str:
    """A path value in its style (``simple``, ``label``, ``matrix``), percent-encoded."""
    members = [quote(_member(v), safe="") for v in (value if isinstance(value, list) else [value])]
    if style == "label":
        return "." + ".".join(members)
    if style == "matrix":
        if explode and isinstance(value, list):
            return "".join(f";{quote(name, safe='')}={m}" for m in members)
        return f";{quote(name, safe='')}=" + ",".join(members)
    return ",".join(members)


def expected_path(path: str, values: dict[str, str]) -> str:
    """The path the client must send: literal text percent-encoded, values as given (encoded)."""
    out = []
    for index, part in enumerate(re.split(r"\{([^{}]+)\}", path)):
        if index % 2:
            out.append(values[part] if part in values else "{" + part + "}")
        else:
            out.append(quote(part, safe=PATH_SAFE))
    return "".join(out)


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
