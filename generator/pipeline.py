"""The pure core: spec file in, ``{relative path: text}`` out. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .build import build_api
from .format import DEFAULT_LINE_LENGTH, format_source
from .ir import Api
from .load import load_spec
from .manifest import build_manifest, manifest_path, record_templates, templates_digest
from .render import environment, render
from .validate import validate


@dataclass(frozen=True)
class Generated:
    """One spec's package: its files keyed by path under the output root."""

    package: str
    files: dict[str, str]
    warnings: tuple[str, ...]
    api: Api


def generate_package(
    spec_path: str | Path,
    *,
    package: str | None = None,
    templates: Path | None = None,
    line_length: int = DEFAULT_LINE_LENGTH,
) -> Generated:
    spec = load_spec(spec_path)
    validate(spec)
    api = build_api(spec, package)
    env = environment(templates)
    used = record_templates(env)  # the manifest hashes the templates actually loaded
    rendered = render(api, env)
    files = {f"{api.package}/{path}": format_source(path, text, line_length) for path, text in sorted(rendered.items())}
    # Last: the manifest records the hash of every file above (see manifest.py).
    files[manifest_path(api.package)] = build_manifest(
        api, spec.sha256, files, templates_digest(used.sources), line_length
    )
    return Generated(api.package, dict(sorted(files.items())), api.warnings, api)


def generate(spec_path: str | Path) -> dict[str, str]:
    """Generate the client package for one spec, in memory.

    Raises :class:`generator.errors.SpecError` for a spec that cannot be used.
    """
    return generate_package(spec_path).files
