"""The pure core: spec file in, ``{relative path: text}`` out. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .build import build_api
from .format import format_source
from .ir import Api
from .load import load_spec
from .render import environment, render
from .validate import validate


@dataclass(frozen=True)
class Generated:
    """One spec's package: its files keyed by path under the output root."""

    package: str
    files: dict[str, str]
    warnings: tuple[str, ...]
    api: Api


def generate_package(spec_path: str | Path, *, package: str | None = None, templates: Path | None = None) -> Generated:
    spec = load_spec(spec_path)
    validate(spec)
    api = build_api(spec, package)
    rendered = render(api, environment(templates))
    files = {f"{api.package}/{path}": format_source(path, text) for path, text in sorted(rendered.items())}
    return Generated(api.package, files, api.warnings, api)


def generate(spec_path: str | Path) -> dict[str, str]:
    """Generate the client package for one spec, in memory.

    Raises :class:`generator.errors.SpecError` for a spec that cannot be used.
    """
    return generate_package(spec_path).files
