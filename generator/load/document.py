"""YAML or JSON into plain data, with a line for every JSON pointer.

Only the safe YAML loader is used (the C one when available). Tags that would
construct objects are refused, alias expansion and nesting depth are capped,
and so is the file size. A plain document (no anchors) is built in one pass
over the parser's events; anything else goes through the composer, which also
reports every problem, so both paths give the same data, lines and messages.
Files a ``$ref`` names are read through here too (load/refs.py).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import yaml

from ..errors import Diagnostic, SpecError, pointer_join
from ..fsguard import NotRegular, open_regular

try:  # the C composer is several times faster; the Python one is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# Room for the largest public specs (docs/security.md); the node cap below bounds
# what a file of that size can cost. SPECGEN_MAX_BYTES raises or lowers it.
_BYTES_ENV = "SPECGEN_MAX_BYTES"
MAX_BYTES = int(os.environ[_BYTES_ENV]) if os.environ.get(_BYTES_ENV, "").isdigit() else 32 * 1024 * 1024
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
# JSON is read with the YAML parser, whose YAML 1.1 rules differ on two points:
# numbers such as 1e3 or 1.5e3 are text there, and a non-BMP character written
# as a surrogate pair (json.dumps does so by default) is refused.
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_JSON_SURROGATE_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")


def _join_surrogate_pairs(text: str) -> str:
    """``\\ud83d\\ude00`` escapes in JSON text as the one character they encode."""

    def character(match: re.Match[str]) -> str:
        high, low = int(match[2], 16), int(match[3], 16)
        return match[1] + chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))

    return _JSON_SURROGATE_PAIR.sub(character, text) if "\\u" in text else text


def _read_document(path: Path, display: str) -> tuple[Any, dict[str, int], str]:
    try:
        with open_regular(path) as handle:  # a FIFO or device is refused unopened, never waited on
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise SpecError(
                    [
                        Diagnostic(
                            display,
                            None,
                            "",
                            f"spec is {size:,} bytes, above the {MAX_BYTES:,}-byte limit (set {_BYTES_ENV} to raise it)",
                        )
                    ]
                )
            raw = handle.read(MAX_BYTES + 1)  # never more than the limit, even if it grows meanwhile
    except NotRegular as exc:
        raise SpecError(
            [Diagnostic(display, None, "", f"is {exc.kind}, not a regular file; specs and the files they $ref must be")]
        ) from None
    except OSError as exc:
        raise SpecError([Diagnostic(display, None, "", f"cannot read spec: {exc.strerror or exc}")])
    if len(raw) > MAX_BYTES:
        raise SpecError([Diagnostic(display, None, "", f"spec is above the {MAX_BYTES:,}-byte limit (set {_BYTES_ENV} to raise it)")])
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
    is_json = path.suffix.lower() == ".json"
    if is_json:
        text = _join_surrogate_pairs(text)
    built = _build_from_events(text, display, is_json)
    if built is not None:
        return built[0], built[1], digest
    try:
        has_aliases = _check_depth(text, display)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "cannot parse"
        if exc.problem and exc.context and exc.context_mark is not None and exc.context_mark.line + 1 != where:
            problem = f"{problem} ({exc.context} started on line {exc.context_mark.line + 1})"
        kind = "JSON" if is_json else "YAML"
        raise SpecError([Diagnostic(display, where, "", f"invalid {kind}: {problem}")])
    except yaml.YAMLError as exc:
        raise SpecError([Diagnostic(display, None, "", f"invalid YAML: {exc}")])
    if node is not None and has_aliases:
        # Without aliases the graph is a tree: the builder's own count and depth
        # limits bound it. With them, find a bomb before expanding it.
        _check_expansion(node, display)
    builder = _Builder(display, is_json)
    data = builder.build(node, "", 0) if node is not None else None
    return data, builder.lines, digest


_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _check_depth(text: str, display: str) -> bool:
    """Refuse nesting deep enough to exhaust the composer's stack, before composing.

    Measured on the parser's event stream (the parser keeps an explicit stack,
    the composer recurses), so flow and block nesting both count, and brackets
    inside strings do not. Returns whether the text uses aliases.
    """
    depth = 0
    aliases = False
    for event in yaml.parse(text, Loader=_Loader):
        if event.__class__ is yaml.AliasEvent:
            aliases = True
        elif isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark is not None else None
                raise SpecError([Diagnostic(display, line, "", f"nesting deeper than {MAX_DEPTH} levels")])
        elif isinstance(event, _CLOSE):
            depth -= 1
    return aliases


def _check_expansion(root: yaml.Node, display: str) -> None:
    """Refuse aliases that expand to more than ``MAX_NODES`` values, or into themselves.

    Counted on the composed graph without expanding it: each node once, its
    expanded size from its children's, so an alias bomb fails at once.
    """
    sizes: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, yaml.MappingNode):
            children = [value for _key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        if leaving:
            size = 1 + sum(sizes[id(child)] for child in children)
            if size > MAX_NODES:
                raise SpecError(
                    [
                        Diagnostic(
                            display,
                            node.start_mark.line + 1,
                            "",
                            f"more than {MAX_NODES:,} values after alias expansion (an alias bomb?)",
                        )
                    ]
                )
            sizes[id(node)] = size
            continue
        if id(node) in sizes:
            continue
        entered.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in sizes:
                continue
            if id(child) in entered:  # entered, not left: an ancestor
                line = child.start_mark.line + 1
                raise SpecError([Diagnostic(display, line, "", "an alias refers to a collection that contains it")])
            stack.append((child, False))


class _Builder:
    """Turn a composed YAML node graph into plain data, recording lines."""

    def __init__(self, display: str, is_json: bool = False) -> None:
        self.display = display
        self.is_json = is_json
        self.lines: dict[str, int] = {}
        self.visited = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str, pointer: str = "") -> SpecError:
        return SpecError([Diagnostic(self.display, node.start_mark.line + 1, pointer, message)])

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
                raise self.fail(node, f"YAML tag {node.tag!r} is not allowed", pointer)
            return [self.build(item, pointer_join(pointer, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, pointer)

    def _mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        if node.tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:merge"):
            raise self.fail(node, f"YAML tag {node.tag!r} is not allowed", pointer)
        self.constructor.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "mapping keys must be plain strings", pointer)
            key = self.key_of(key_node, pointer)
            if key is None:
                raise self.fail(key_node, f"mapping key {key_node.value!r} must be a string", pointer)
            if key in result:
                raise self.fail(key_node, f"duplicate key {key!r}", pointer)
            child = pointer_join(pointer, key)
            self.lines.setdefault(child, key_node.start_mark.line + 1)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def key_of(self, node: yaml.ScalarNode, pointer: str) -> str | None:
        """A mapping key as text (``200`` as written); None for one that is not a name (null, a bool, a float)."""
        if node.tag == _STR and not self.is_json:
            return str(node.value)
        if node.tag == _MERGE:
            return None
        key = self._scalar(node, pointer)
        if key is None or isinstance(key, (bool, float)):
            return None
        return str(node.value) if not isinstance(key, str) else key

    def _scalar(self, node: yaml.Node, pointer: str) -> Any:
        if node.tag in _TEXT_TAGS:
            return str(node.value)
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, f"YAML tag {node.tag!r} is not allowed", pointer)
        try:
            if self.is_json and _is_json_number(node):
                value = json.loads(node.value)
            else:
                value = self.constructor.construct_object(node, deep=True)
        except ValueError:  # e.g. an integer above Python's int/str conversion limit
            raise self.fail(node, f"cannot read the number {_shorten(str(node.value))}", pointer) from None
        if isinstance(value, float) and value != value:
            raise self.fail(node, "NaN is not a valid value in a spec", pointer)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(node, "an infinite number is not a valid value in a spec", pointer)
        return value


_STR, _MAP, _SEQ, _MERGE = (f"tag:yaml.org,2002:{name}" for name in ("str", "map", "seq", "merge"))
_RESOLVER = yaml.resolver.Resolver()  # what the safe loaders resolve untagged nodes with
_Frame = list[Any]  # [container, pointer, depth, is a mapping, (key, pointer) of a key awaiting its value]


def _build_from_events(text: str, display: str, is_json: bool) -> tuple[Any, dict[str, int]] | None:
    """The data and lines :class:`_Builder` makes of the composed document, in one
    pass over the parser's events (no second parse for the depth check, no node
    graph): about twice as fast on a large spec.

    ``None`` whenever the text needs the composer: anchors or aliases, merge
    keys, more than one document, or any problem at all (an invalid value,
    a refused tag, a duplicate key, too deep, too many values, a YAML error).
    The composer's path then runs and reports the problem, so messages and
    their precedence are the same as without this path.
    """
    builder = _Builder(display, is_json)
    lines = builder.lines
    resolve: Any = _RESOLVER.resolve
    stack: list[_Frame] = []
    root: Any = None
    started = finished = False
    try:
        events: Iterator[Any] = yaml.parse(text, Loader=_Loader)  # told apart by class below
        for event in events:
            kind = event.__class__
            if kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or finished:
                    return None
                parent: Any = None
                key: Any = None
                pointer, depth = "", 0
                if stack:
                    frame = stack[-1]
                    parent = frame[0]
                    if frame[3] and frame[4] is None:  # a mapping key
                        if kind is not yaml.ScalarEvent:
                            return None
                        tag = _scalar_tag(event, resolve)
                        if tag == _STR and not is_json:
                            key = event.value
                        else:
                            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
                            key = builder.key_of(node, frame[1])
                        if key is None or key in parent:
                            return None
                        child = pointer_join(frame[1], key)
                        lines.setdefault(child, event.start_mark.line + 1)
                        frame[4] = (key, child)
                        continue
                    if frame[3]:
                        (key, pointer), frame[4] = frame[4], None
                    else:
                        key = len(parent)
                        pointer = pointer_join(frame[1], key)
                    depth = frame[2] + 1
                builder.visited += 1
                if builder.visited > MAX_NODES or depth > MAX_DEPTH:
                    return None
                lines.setdefault(pointer, event.start_mark.line + 1)
                new_frame: _Frame | None = None
                if kind is yaml.ScalarEvent:
                    tag = _scalar_tag(event, resolve)
                    if tag == _STR and not is_json:
                        value = event.value
                    else:
                        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
                        value = builder._scalar(node, pointer)
                else:
                    is_mapping = kind is yaml.MappingStartEvent
                    tag = event.tag
                    if tag is None or tag == "!":
                        tag = resolve(yaml.MappingNode if is_mapping else yaml.SequenceNode, None, event.implicit)
                    if tag != (_MAP if is_mapping else _SEQ):
                        return None
                    value = {} if is_mapping else []
                    new_frame = [value, pointer, depth, is_mapping, None]
                if parent is None:
                    root, started, finished = value, True, new_frame is None
                elif isinstance(parent, dict):
                    parent[key] = value
                else:
                    parent.append(value)
                if new_frame is not None:
                    stack.append(new_frame)
                    if len(stack) > MAX_DEPTH:  # what _check_depth counts: open collections
                        return None
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                finished = not stack
            elif kind is yaml.AliasEvent:
                return None
    except (yaml.YAMLError, SpecError, ValueError, RecursionError, MemoryError):
        return None
    return (root, lines) if started and finished else None


# The resolver only matches a plain scalar against the patterns registered for
# its first character (by default none are registered for any character, nor
# by path): text starting with any other character, or quoted, is a string.
_RESOLVED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)
_SHORTCUT = None not in _RESOLVED_FIRST and not _RESOLVER.yaml_path_resolvers


def _scalar_tag(event: Any, resolve: Any) -> str:
    """The tag the composer gives ``event``'s node."""
    tag = event.tag
    if tag is not None and tag != "!":
        return str(tag)
    value = event.value
    if _SHORTCUT and (not event.implicit[0] or (value and value[0] not in _RESOLVED_FIRST)):
        return _STR
    return str(resolve(yaml.ScalarNode, value, event.implicit))


def _is_json_number(node: yaml.Node) -> bool:
    """A plain scalar that YAML 1.1 reads as text but JSON reads as a number (1e3)."""
    return (
        isinstance(node, yaml.ScalarNode)
        and not node.style
        and node.tag == "tag:yaml.org,2002:str"
        and _JSON_NUMBER.fullmatch(node.value) is not None
    )


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit - 3]}... ({len(text):,} characters)"


def dump_json(data: Any) -> str:
    """Canonical JSON text, used for hashing and for embedding examples."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
