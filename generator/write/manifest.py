"""The manifest: ``<package>/_specgen.json``, what a generated package was made from.

It records the spec's sha256 (of its raw bytes), the specgen version, one hash
over the templates used and the runtime sources, the options that change the
output (line length; the formatter and its version when it is ruff, not
black), a sha256 for every other file of the package, and a
summary of the client's API (:func:`generator.render.specdiff.summarize`).

With it, ``specgen check`` works where only the generated package is, as in a
repository that vendors it: a file whose bytes no longer match its recorded
hash was edited by hand. And ``specgen generate`` can report how a new spec
changes the client's API without the old spec file.

The text is deterministic: sorted keys, no timestamps, no absolute paths.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..paths import RUNTIME_DIR

if TYPE_CHECKING:  # the CLI reads manifests without importing the IR
    from ..ir.nodes import Api

MANIFEST_NAME = "_specgen.json"
FORMAT = 1
PACKAGE_KIND = "package"  # a package's manifest names no kind
SHARED_RUNTIME_KIND = "shared-runtime"  # the shared runtime's (write/shared_runtime.py): no spec, no options, no API


class ManifestError(Exception):
    """A manifest that cannot be read: not JSON, or not one specgen wrote."""


def templates_digest(sources: dict[str, str]) -> str:
    """One sha256 over the templates used (name and text) and the runtime sources."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(b"template\0" + name.encode() + b"\0" + sources[name].encode("utf-8") + b"\0")
    for path in sorted(RUNTIME_DIR.glob("*.py")):
        digest.update(b"runtime\0" + path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    """The hex sha256 of ``text`` as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_path(package: str) -> str:
    """The manifest's path, relative to the output root."""
    return f"{package}/{MANIFEST_NAME}"


def _summarize(api: Api) -> dict[str, Any]:
    from ..render.specdiff import summarize

    return summarize(api)


def build_manifest(
    api: Api, spec_sha256: str, files: dict[str, str], templates_sha256: str, options: dict[str, Any]
) -> str:
    """The manifest text for ``files`` (keyed ``<package>/<path>``, the manifest excluded)."""
    prefix = f"{api.package}/"
    data = {
        "format": FORMAT,
        "generator": {"name": "specgen", "version": __version__},
        "package": str(api.package),
        "spec": {"source": api.source_name, "sha256": spec_sha256},
        "templates_sha256": templates_sha256,
        "options": dict(options),
        "files": {
            path[len(prefix) :]: sha256_text(text)
            for path, text in sorted(files.items())
            if path.startswith(prefix) and path != manifest_path(api.package)
        },
        "api": _summarize(api),
    }
    return dumps(data)


def dumps(data: dict[str, Any]) -> str:
    """JSON text as the manifest is written: indented, sorted keys, ASCII, deterministic."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


@dataclass(frozen=True)
class Manifest:
    """A package's manifest, as read from or written to ``_specgen.json``."""

    package: str
    generator_version: str
    spec_source: str
    spec_sha256: str
    templates_sha256: str
    options: dict[str, Any]
    files: dict[str, str]
    api: dict[str, Any]
    kind: str = PACKAGE_KIND


def parse_manifest(text: str) -> Manifest:
    """Read a manifest; :class:`ManifestError` if it is not one specgen wrote."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ManifestError(f"not valid JSON ({exc})") from None
    try:
        if data.get("format") != FORMAT:
            raise ManifestError(f"unknown manifest format {data.get('format')!r}")
        files = data["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise ManifestError("'files' must map paths to sha256 hashes")
        kind = data.get("kind", PACKAGE_KIND)
        if kind == SHARED_RUNTIME_KIND:
            return Manifest(
                package=str(data["package"]),
                generator_version=str(data["generator"]["version"]),
                spec_source="",
                spec_sha256="",
                templates_sha256=str(data["templates_sha256"]),
                options={},
                files=dict(files),
                api={},
                kind=kind,
            )
        if kind != PACKAGE_KIND:
            raise ManifestError(f"unknown kind {kind!r}")
        return Manifest(
            package=str(data["package"]),
            generator_version=str(data["generator"]["version"]),
            spec_source=str(data["spec"]["source"]),
            spec_sha256=str(data["spec"]["sha256"]),
            templates_sha256=str(data["templates_sha256"]),
            options=dict(data.get("options") or {}),
            files=dict(files),
            api=dict(data.get("api") or {}),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(f"missing or malformed entry {exc}") from None


def read_files(package_dir: Path) -> dict[str, bytes]:
    """Every regular file under ``package_dir`` as bytes, keyed by its path inside it.

    Byte-code caches are skipped: they are not part of what specgen writes.
    Nothing is read through a symbolic link, nor opened if it is not a regular
    file: :func:`generator.fsguard.scan_package` tells what was left out.
    """
    from ..fsguard import scan_package

    return scan_package(package_dir).files


@dataclass(frozen=True)
class Integrity:
    """How the files on disk differ from the hashes their manifest records."""

    modified: tuple[str, ...]
    missing: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not (self.modified or self.missing or self.added)


def verify(manifest: Manifest, files: dict[str, bytes]) -> Integrity:
    """Compare files on disk (as from :func:`read_files`) with ``manifest``."""
    on_disk = {k: v for k, v in files.items() if k != MANIFEST_NAME}
    modified = tuple(
        sorted(
            p
            for p, data in on_disk.items()
            if p in manifest.files and hashlib.sha256(data).hexdigest() != manifest.files[p]
        )
    )
    missing = tuple(sorted(p for p in manifest.files if p not in on_disk))
    added = tuple(sorted(p for p in on_disk if p not in manifest.files))
    return Integrity(modified, missing, added)
