"""Stage 1, load: YAML or JSON into plain data, with a line for every JSON pointer.

Only the safe YAML loader is used (the C one when available). Tags that would
construct objects are refused, alias expansion and nesting depth are capped,
and so is the file size. Relative-file ``$ref``s are resolved here, so that
nothing after this stage reads another file.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic, SpecError, pointer_join

try:  # the C composer is several times faster; the Python one is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 32 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_DEPTH = 200

_SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
}
# Timestamps and binary stay text: OpenAPI has no such types.
_TEXT_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}


@dataclass
class LoadedSpec:
    """A spec as plain data, plus what is needed to locate errors in it."""

    path: Path
    display: str
    source_name: str
    document: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    sha256: str = ""

    def line_of(self, pointer: str) -> int | None:
        """The line of ``pointer``, or of its nearest located ancestor."""
        while True:
            line = self.lines.get(pointer)
            if line is not None or not pointer:
                return line
            pointer = pointer.rsplit("/", 1)[0]

    def diagnostic(self, pointer: str, message: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(self.display, self.line_of(pointer), pointer, message, severity)

    def error(self, pointer: str, message: str) -> SpecError:
        return SpecError([self.diagnostic(pointer, message)])


def source_name(path: Path) -> str:
    """A name for ``path`` that does not depend on the working directory."""
    resolved = path.resolve()
    return f"{resolved.parent.name}/{resolved.name}" if resolved.parent.name else resolved.name


def load_spec(path: str | Path) -> LoadedSpec:
    """Read, parse and ``$ref``-resolve one spec file."""
    path = Path(path)
    display = str(path)
    data, lines, digest = _read_document(path, display)
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {_kind(data)}"
        raise SpecError([Diagnostic(display, 1, "", f"a spec must be a mapping, this file is {kind}")])
    spec = LoadedSpec(path, display, source_name(path), data, lines, digest)
    _resolve_external_refs(spec)
    return spec


def _kind(value: object) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def _read_document(path: Path, display: str) -> tuple[Any, dict[str, int], str]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SpecError([Diagnostic(display, None, "", f"cannot read spec: {exc.strerror or exc}")])
    if size > MAX_BYTES:
        raise SpecError(
            [Diagnostic(display, None, "", f"spec is {size:,} bytes, above the {MAX_BYTES:,}-byte limit")]
        )
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError(
            [Diagnostic(display, line, "", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")]
        )
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SpecError([Diagnostic(display, line, "", "contains a NUL byte; is this a binary file?")])
    if not text.strip():
        raise SpecError([Diagnostic(display, 1, "", "the file is empty")])
    _check_depth(text, display)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "cannot parse"
        kind = "JSON" if path.suffix.lower() == ".json" else "YAML"
        raise SpecError([Diagnostic(display, line, "", f"invalid {kind}: {problem}")])
    except yaml.YAMLError as exc:
        raise SpecError([Diagnostic(display, None, "", f"invalid YAML: {exc}")])
    builder = _Builder(display)
    data = builder.build(node, "", 0) if node is not None else None
    return data, builder.lines, digest


def _check_depth(text: str, display: str) -> None:
    """Refuse flow-style nesting deep enough to exhaust the parser's stack."""
    depth = 0
    for index, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text[:index].count("\n") + 1
                raise SpecError([Diagnostic(display, line, "", f"nesting deeper than {MAX_DEPTH} levels")])
        elif char in "]}":
            depth = max(0, depth - 1)


class _Builder:
    """Turn a composed YAML node graph into plain data, recording lines."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.lines: dict[str, int] = {}
        self.visited = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str) -> SpecError:
        return SpecError([Diagnostic(self.display, node.start_mark.line + 1, "", message)])

    def build(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise self.fail(node, f"more than {MAX_NODES:,} values after alias expansion (an alias bomb?)")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting deeper than {MAX_DEPTH} levels")
        self.lines.setdefault(pointer, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pointer, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, f"YAML tag {node.tag!r} is not allowed")
            return [self.build(item, pointer_join(pointer, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        if node.tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:merge"):
            raise self.fail(node, f"YAML tag {node.tag!r} is not allowed")
        self.constructor.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "mapping keys must be plain strings")
            key = self._scalar(key_node)
            if key is None or isinstance(key, (bool, float)):
                raise self.fail(key_node, f"mapping key {key_node.value!r} must be a string")
            key = str(key_node.value) if not isinstance(key, str) else key
            if key in result:
                raise self.fail(key_node, f"duplicate key {key!r}")
            child = pointer_join(pointer, key)
            self.lines.setdefault(child, key_node.start_mark.line + 1)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in _TEXT_TAGS:
            return str(node.value)
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, f"YAML tag {node.tag!r} is not allowed")
        value = self.constructor.construct_object(node, deep=True)
        if isinstance(value, float) and value != value:
            raise self.fail(node, "NaN is not a valid value in a spec")
        return value


def _resolve_external_refs(spec: LoadedSpec) -> None:
    """Inline ``$ref``s to other files; schemas land under ``components/schemas``."""
    resolver = _ExternalRefs(spec)
    resolver.walk(spec.document, spec.path, "")


class _ExternalRefs:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.cache: dict[Path, Any] = {}
        self.active: set[tuple[Path, str]] = set()
        self.imported: set[tuple[Path, str]] = set()

    def load(self, path: Path, pointer: str) -> Any:
        path = path.resolve()
        if path not in self.cache:
            if not path.is_file():
                raise self.spec.error(pointer, f"$ref to a missing file: {path.name}")
            data, _lines, _digest = _read_document(path, str(path))
            self.cache[path] = data
        return self.cache[path]

    def walk(self, node: Any, base: Path, pointer: str) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return self.replace(node, ref, base, pointer)
            for key in list(node):
                node[key] = self.walk(node[key], base, pointer_join(pointer, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                node[i] = self.walk(item, base, pointer_join(pointer, i))
        return node

    def replace(self, node: dict[str, Any], ref: str, base: Path, pointer: str) -> Any:
        file_part, _, fragment = ref.partition("#")
        if "://" in file_part:
            raise self.spec.error(pointer, f"remote $ref {ref!r} is not supported; download the file")
        target_path = (base.parent / file_part).resolve()
        key = (target_path, fragment)
        parts = fragment.split("/")
        schema_name = None
        if len(parts) == 4 and parts[1:3] == ["components", "schemas"]:
            schema_name = parts[3].replace("~1", "/").replace("~0", "~")
            local_ref = {"$ref": f"#/components/schemas/{parts[3]}"}
            if key in self.imported:
                return local_ref
        if key in self.active:
            raise self.spec.error(pointer, f"$ref cycle through {ref!r}")
        self.active.add(key)
        try:
            document = self.load(target_path, pointer)
            target = copy.deepcopy(_follow(document, fragment, lambda m: self.spec.error(pointer, m)))
            if schema_name is None:
                return self.walk(self.localise(target, target_path, pointer), target_path, pointer)
            schemas = self.spec.document.setdefault("components", {}).setdefault("schemas", {})
            if not isinstance(schemas, dict):
                raise self.spec.error("/components/schemas", "must be a mapping")
            if schema_name in schemas:
                raise self.spec.error(pointer, f"$ref {ref!r} imports schema {schema_name!r}, which already exists")
            self.imported.add(key)
            schemas[schema_name] = {}
            schemas[schema_name] = self.walk(self.localise(target, target_path, pointer), target_path, pointer)
            return local_ref
        finally:
            self.active.discard(key)

    def localise(self, node: Any, path: Path, pointer: str) -> Any:
        """Rewrite the imported file's own local refs to refs into that file."""
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                return self.replace({"$ref": f"{path.name}{ref}"}, f"{path.name}{ref}", path, pointer)
            return {k: self.localise(v, path, pointer) for k, v in node.items()}
        if isinstance(node, list):
            return [self.localise(v, path, pointer) for v in node]
        return node


def _follow(document: Any, fragment: str, fail: Any) -> Any:
    node = document
    if not fragment:
        return node
    for raw in fragment.lstrip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise fail(f"$ref target #{fragment} does not exist")
    return node


def dump_json(data: Any) -> str:
    """Canonical JSON text, used for hashing and for embedding examples."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
