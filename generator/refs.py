"""Stage 1, load (continued): ``$ref``s to other files, inlined.

Referenced files are read through :mod:`generator.load` (same limits, same
safe loader); schemas they hold land under ``components/schemas``, so nothing
after the load stage reads another file. Imported values count toward the
same caps as an alias expansion.

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
cycles) by their resolved path.
"""

from __future__ import annotations

import copy
import os
import re
import stat
from pathlib import Path
from typing import Any

from . import load
from .cache import SPEC_SUFFIXES
from .errors import pointer_join, resolve_pointer
from .fsguard import kind_of, within
from .load import LoadedSpec

_DRIVE = re.compile(r"[A-Za-z]:")


def resolve_external_refs(spec: LoadedSpec) -> None:
    """Inline ``$ref``s to other files; schemas land under ``components/schemas``."""
    resolver = _ExternalRefs(spec)
    try:
        resolver.walk(spec.document, spec.path, "")
    except RecursionError:  # a long chain of refs from file to file
        raise spec.error("", "$refs to other files nest too deeply to resolve") from None


class _ExternalRefs:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.root = os.path.abspath(spec.path.parent)  # lexical, as the user named it
        self.real_root = os.path.realpath(self.root)  # where it is: what the resolved target must be in
        self.cache: dict[Path, Any] = {}
        self.active: set[tuple[Path, str]] = set()
        self.imported: set[tuple[Path, str]] = set()
        self.visited = 0

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
                if within(os.path.realpath(target), self.real_root):
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

    def walk(self, node: Any, base: Path, pointer: str) -> Any:
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
        target_path = self.confined(file_part, ref, base, pointer)
        key = (target_path.resolve(), fragment)
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
            document = self.load(target_path, key[0], pointer)
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
    if not fragment:
        return document
    node = resolve_pointer(document, "#" + ("" if fragment.startswith("/") else "/") + fragment)
    if node is None:
        raise fail(f"$ref target #{fragment} does not exist")
    return node
