"""``$ref``s to other files, resolved.

Referenced files are read through :mod:`generator.load.document` (same limits, same
safe loader), so nothing after the load stage reads another file. Imported
values count toward the same caps as an alias expansion.

A ``$ref`` to another file where a schema belongs (a ``schema``, a property,
``items``, ``additionalProperties``, ``allOf``/``oneOf``/``anyOf``, an entry of
``components/schemas``, a ``discriminator`` mapping), or to an entry of
another file's ``components/schemas`` wherever it is, imports its target once
under ``components/schemas`` and becomes a local ``$ref`` to it, like a schema
of the spec's own: the same schema reached twice, by any relative path, is one
entry (told apart by resolved file and pointer), and a schema that refers to
itself, through any number of files, is a cycle of local ``$ref``s, not an
endless expansion. Its entry is named after the last name in its pointer, or
its file's stem (``definitions.yml#/apiAgent`` -> ``apiAgent``,
``models/droplet.yml`` -> ``droplet``); :attr:`LoadedSpec.imported` keeps that
name and where it came from, so that ir/naming.py names it and reports a clash
with a schema of the spec's own. An entry of the spec's own
``components/schemas`` that is only a ``$ref`` to another file receives the
target itself, under its own name. Any other ``$ref`` to another file (a
parameter, a response, an example) is inlined, and one that includes itself
is refused as a cycle.

Spec text is untrusted, so a ``$ref`` may only name a file in the spec's folder
or below, checked twice. Lexically: the relative path is joined to the folder of
the file holding the ``$ref`` (where that file was reached, not where a link
points) and normalised without following links, so ``..`` cannot leave the
folder. Then on the resolved path: every link followed, the file must still be
in the spec's folder (itself resolved: links on the way to it are the user's
layout), so a file or folder in it linked to elsewhere (``common.yaml ->
~/.kube/config``) is refused as if named directly. Absolute paths, ``\\``,
drive letters and NUL are refused outright, a refused file is never opened, and
neither is one that is not a regular file (a FIFO would block the read). Only
``.yaml``, ``.yml`` and ``.json`` files (any case) can be referenced: the
package cache and ``specgen watch`` track those. Files are told apart (caching,
cycles, imported schemas) by their resolved path.
"""

from __future__ import annotations

import copy
import os
import re
import stat
from collections import deque
from pathlib import Path
from typing import Any

from . import document as load
from ..paths import SPEC_SUFFIXES
from ..errors import pointer_join, resolve_pointer
from ..fsguard import kind_of, within
from .spec import ImportedSchema, LoadedSpec
from ..suggest import ref_suggestion

_DRIVE = re.compile(r"[A-Za-z]:")
_NOT_KEY = re.compile(r"[^A-Za-z0-9._-]+")  # what OpenAPI allows in a components key

# What a value is, for a ``$ref`` in it: a schema (imported as a named schema),
# a map or list of schemas, anything else of the spec (inlined), or plain data.
SCHEMA, SCHEMAS, OTHER, DATA = "schema", "schemas", "other", "data"
_SUBSCHEMA = frozenset(
    {
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "additionalItems",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)
_SUBSCHEMAS = frozenset(
    {"allOf", "oneOf", "anyOf", "prefixItems", "properties", "patternProperties", "dependentSchemas", "$defs", "definitions"}
)
# Pointer tokens that say where a schema is, not what it is: not names for it.
_STRUCTURE = _SUBSCHEMA | _SUBSCHEMAS | {
    "components",
    "schemas",
    "schema",
    "content",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
}


def resolve_external_refs(spec: LoadedSpec) -> None:
    """Import schemas ``$ref``'d from other files under ``components/schemas``; inline other such ``$ref``s."""
    resolver = _ExternalRefs(spec)
    try:
        resolver.claim_homes()
        resolver.walk(spec.document, spec.path, "", OTHER)
        resolver.import_pending()
    except RecursionError:  # a long chain of refs from file to file
        raise spec.error("", "$refs to other files nest too deeply to resolve") from None


def child_context(context: str, key: str, pointer: str) -> str:
    """What the value under ``key`` is, in a value that is ``context``."""
    if context == SCHEMAS:
        return SCHEMA
    if context == SCHEMA:
        if key in _SUBSCHEMA:
            return SCHEMA
        return SCHEMAS if key in _SUBSCHEMAS else DATA  # examples, defaults, enums, extensions
    if context == OTHER:
        if key == "schema":
            return SCHEMA
        if key == "schemas" and pointer.endswith("/components"):
            return SCHEMAS
        return DATA if key in ("example", "default", "value") or key.startswith("x-") else OTHER
    return DATA


class _ExternalRefs:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.root = os.path.abspath(spec.path.parent)  # lexical, as the user named it
        self.real_root = os.path.realpath(self.root)  # where it is: what the resolved target must be in
        self.spec_file = spec.path.resolve()
        self.cache: dict[Path, Any] = {}
        self.active: set[tuple[Path, str]] = set()
        self.schema_refs: dict[tuple[Path, str], str] = {}  # (file, pointer) -> its local $ref
        self.pending: deque[tuple[str, Any, Path]] = deque()  # imported schemas still to walk
        self.visited = 0
        self.real: dict[str, str] = {}  # lexical path -> resolved: the same file is $ref'd thousands of times

    def realpath(self, path: str) -> str:
        """``os.path.realpath(path)``, once per path and run."""
        real = self.real.get(path)
        if real is None:
            real = self.real[path] = os.path.realpath(path)
        return real

    def load(self, path: Path, resolved: Path, pointer: str) -> Any:
        if resolved not in self.cache:
            try:
                mode = os.stat(resolved).st_mode
            except OSError:
                raise self.spec.error(pointer, f"$ref to a missing file: {resolved.name}") from None
            if not stat.S_ISREG(mode):  # refused unopened: a FIFO would block the read
                raise self.spec.error(pointer, f"$ref to {path.name}, which is {kind_of(mode)}, not a regular file")
            data, _lines, _digest = load._read_document(resolved, self.display(path))
            self.cache[resolved] = data
        return self.cache[resolved]

    def display(self, path: Path | str) -> str:
        """A referenced file as diagnostics name it: next to the spec, named like the spec."""
        try:
            relative = os.path.relpath(path, self.root)
        except ValueError:  # pragma: no cover - another drive on Windows
            return str(path)
        return os.path.normpath(os.path.join(os.path.dirname(self.spec.display), relative))

    def confined(self, file_part: str, ref: str, base: Path, pointer: str) -> Path:
        """The file ``file_part`` names from ``base``, lexically; refused unless in the spec's folder."""
        if "\0" in file_part:
            why = "a NUL character in the path"
        elif "\\" in file_part:
            why = "a '\\' in the path; use '/'"
        elif _DRIVE.match(file_part):
            why = "a drive letter"
        elif file_part.startswith("/") or os.path.isabs(file_part):
            why = "an absolute path"
        else:
            target = os.path.abspath(os.path.join(base.parent, file_part))  # normalised, links not followed
            if os.path.commonpath([self.root, target]) == self.root:
                if os.path.splitext(target)[1].lower() not in SPEC_SUFFIXES:
                    # The package cache and `specgen watch` track the spec files beside
                    # a spec by these names: another file would go unnoticed when edited.
                    raise self.spec.error(
                        pointer, f"$ref {ref!r}: only .yaml, .yml and .json files can be referenced"
                    )
                if within(self.realpath(target), self.real_root):
                    return Path(target)
                why = f"{self.display(self.link_out(target))} is a symbolic link that leads out of it"
            else:
                why = f"it leads to {self.display(target)}"
        folder = os.path.join(os.path.dirname(self.spec.display) or ".", "")
        raise self.spec.error(
            pointer,
            f"$ref {ref!r} points outside the spec's folder ({why}); "
            f"only files in {folder} and below can be referenced",
        )

    def link_out(self, target: str) -> str:
        """The first link on the way from the spec's folder to ``target`` that leads out of the folder."""
        current = self.root
        for part in os.path.relpath(target, self.root).split(os.sep):
            current = os.path.join(current, part)
            if os.path.islink(current) and not within(os.path.realpath(current), self.real_root):
                return current
        return target  # pragma: no cover - only called for a target that resolves outside

    def located(self, pointer: str) -> str:
        """``pointer``, cut back to the nearest place that is in the spec's own text."""
        while pointer and pointer not in self.spec.lines:
            pointer = pointer.rsplit("/", 1)[0]
        return pointer

    def walk(self, node: Any, base: Path, pointer: str, context: str) -> Any:
        """``node`` (from file ``base``, at ``pointer`` of the result) with its ``$ref``s to other files resolved."""
        if isinstance(node, (dict, list)) and base is not self.spec.path:
            # Inlined files multiply: cap what they add like an alias expansion.
            self.visited += len(node) + 1
            if self.visited > load.MAX_NODES:
                raise self.spec.error(
                    self.located(pointer), f"more than {load.MAX_NODES:,} values after resolving $refs to other files"
                )
            if pointer.count("/") > load.MAX_DEPTH:
                raise self.spec.error(
                    self.located(pointer), f"nesting deeper than {load.MAX_DEPTH} levels after resolving $refs to other files"
                )
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and (base is not self.spec.path or not ref.startswith("#")):
                # In another file, a local ref is a ref into that file.
                ref = f"{base.name}{ref}" if ref.startswith("#") else ref
                replaced = self.replace(ref, base, pointer, context)
                if context != SCHEMA or len(node) == 1:
                    return replaced
                # Keywords beside it stay, as beside a local $ref (``nullable``, a ``description``).
                siblings = {key: value for key, value in node.items() if key != "$ref"}
                return {**replaced, **self.walk(siblings, base, pointer, context)}
            for key in list(node):
                child = pointer_join(pointer, key)
                if context == SCHEMA and key == "discriminator" and isinstance(node[key], dict):
                    self.discriminator(node[key], base, child)
                else:
                    node[key] = self.walk(node[key], base, child, child_context(context, str(key), pointer))
        elif isinstance(node, list):
            inner = SCHEMA if context in (SCHEMA, SCHEMAS) else context
            for i, item in enumerate(node):
                node[i] = self.walk(item, base, pointer_join(pointer, i), inner)
        return node

    def replace(self, ref: str, base: Path, pointer: str, context: str) -> Any:
        """What the ``$ref`` ``ref`` (in file ``base``, at ``pointer``) stands for: a local ``$ref`` to a
        schema, or an inlined copy of anything else."""
        file_part, _, fragment = ref.partition("#")
        if "://" in file_part:
            raise self.spec.error(pointer, f"remote $ref {ref!r} is not supported; download the file")
        target_path = self.confined(file_part, ref, base, pointer)
        key = (Path(self.realpath(str(target_path))), _normal(fragment))
        if context == SCHEMA or _is_component_schema(key[1]):  # a schema by where it is or where it points
            return {"$ref": self.import_schema(key, target_path, pointer)}
        if key in self.active:
            raise self.spec.error(pointer, f"$ref cycle through {ref!r}")
        self.active.add(key)
        try:
            target = copy.deepcopy(self.target(key, target_path, pointer))
            return self.walk(target, target_path, pointer, context)
        finally:
            self.active.discard(key)

    def target(self, key: tuple[Path, str], path: Path, pointer: str) -> Any:
        """What ``key`` (a file, reached as ``path``, and a pointer in it) points to; not to be changed."""
        document = self.load(path, key[0], pointer)
        return _follow(document, key[1], lambda m: self.spec.error(pointer, m))

    def import_schema(self, key: tuple[Path, str], path: Path, pointer: str) -> str:
        """The local ``$ref`` to the schema ``key``, imported under ``components/schemas`` when first met.

        It is walked later (:meth:`import_pending`): a schema that refers to
        itself meets its own local ``$ref``, and a long chain of schemas does
        not nest calls."""
        local = self.schema_refs.get(key)
        if local is not None:
            return local
        if key[0] == self.spec_file:  # another file referring back into the spec
            return "#" + key[1]
        target = self.target(key, path, pointer)
        schemas = self.schemas()
        name = _schema_name(path, key[1])
        slot = _NOT_KEY.sub("_", name).strip("_") or "Schema"
        base, counter = slot, 2
        while slot in schemas:
            slot, counter = f"{base}_{counter}", counter + 1
        schemas[slot] = {}  # holds the place, in the order met
        local = "#" + pointer_join("/components/schemas", slot)
        self.schema_refs[key] = local
        origin = os.path.relpath(path, self.root).replace(os.sep, "/") + (f"#{key[1]}" if key[1] else "")
        self.spec.imported[slot] = ImportedSchema(name, origin)
        self.pending.append((slot, copy.deepcopy(target), path))
        return local

    def claim_homes(self) -> None:
        """Entries of the spec's ``components/schemas`` that are only a ``$ref`` to another file's schema
        receive that schema, under their own name (unless another entry already does)."""
        components = self.spec.document.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        if not isinstance(schemas, dict):
            return
        for name, schema in list(schemas.items()):
            ref = schema.get("$ref") if isinstance(schema, dict) and len(schema) == 1 else None
            if not isinstance(ref, str) or ref.startswith("#") or "://" in ref:
                continue  # a remote ref is refused by walk(), keywords beside a ref are kept there
            pointer = pointer_join("/components/schemas", name)
            file_part, _, fragment = ref.partition("#")
            path = self.confined(file_part, ref, self.spec.path, pointer)
            key = (Path(self.realpath(str(path))), _normal(fragment))
            if key in self.schema_refs or key[0] == self.spec_file:
                continue  # walk() makes it a $ref to the first
            target = self.target(key, path, pointer)
            self.schema_refs[key] = "#" + pointer
            schemas[name] = {}
            self.pending.append((name, copy.deepcopy(target), path))

    def import_pending(self) -> None:
        """Walk the imported schemas, and those they import in turn, into their places."""
        schemas = self.schemas()
        while self.pending:
            slot, target, path = self.pending.popleft()
            schemas[slot] = self.walk(target, path, pointer_join("/components/schemas", slot), SCHEMA)

    def schemas(self) -> dict[str, Any]:
        schemas = self.spec.document.setdefault("components", {}).setdefault("schemas", {})
        if not isinstance(schemas, dict):
            raise self.spec.error("/components/schemas", "must be a mapping")
        return schemas

    def discriminator(self, node: dict[str, Any], base: Path, pointer: str) -> None:
        """A discriminator's mapping values that are ``$ref``s to other files, as local ``$ref``s."""
        mapping = node.get("mapping")
        if not isinstance(mapping, dict):
            return
        for value, target in mapping.items():
            if not isinstance(target, str) or not _is_reference(target):
                continue  # a schema's name
            if target.startswith("#"):
                if base is self.spec.path:
                    continue
                target = f"{base.name}{target}"
            where = pointer_join(pointer, "mapping", value)
            mapping[value] = self.replace(target, base, where, SCHEMA)["$ref"]


def _normal(fragment: str) -> str:
    """A ``$ref``'s fragment as one JSON pointer: ``apiAgent`` and ``/apiAgent`` are the same."""
    return fragment if not fragment or fragment.startswith("/") else "/" + fragment


def _is_component_schema(fragment: str) -> bool:
    """Whether ``fragment`` points to an entry of a file's ``components/schemas``."""
    parts = fragment.split("/")
    return len(parts) == 4 and parts[1:3] == ["components", "schemas"] and bool(parts[3])


def _is_reference(target: str) -> bool:
    """Whether a discriminator mapping value is a ``$ref`` (not a schema's name)."""
    return "#" in target or "/" in target or os.path.splitext(target)[1].lower() in SPEC_SUFFIXES


def _schema_name(path: Path, fragment: str) -> str:
    """What an imported schema is named after: the last name in its pointer, or its file's stem."""
    for token in reversed(fragment.split("/")):
        token = token.replace("~1", "/").replace("~0", "~")
        if token and not token.isdigit() and token not in _STRUCTURE and "/" not in token:
            return token
    return path.stem


def _follow(document: Any, fragment: str, fail: Any) -> Any:
    if not fragment:
        return document
    node = resolve_pointer(document, "#" + ("" if fragment.startswith("/") else "/") + fragment)
    if node is None:
        target = "#" + ("" if fragment.startswith("/") else "/") + fragment
        raise fail(f"$ref target #{fragment} does not exist{ref_suggestion(document, target)}")
    return node
