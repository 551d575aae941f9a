"""The pure core: spec file in, ``{relative path: text}`` out. Nothing here writes."""

from __future__ import annotations

from pathlib import Path

from . import __version__
from .build import build_api
from .cache import Cache, digest
from .format import DEFAULT_LINE_LENGTH, format_files, formatter_options
from .pipeline_types import Generated
from .load import LoadedSpec, dump_json, load_spec
from .manifest import build_manifest, manifest_path, templates_digest
from .render import environment, record_templates, render
from .validate import validate, validation_view


def generate_package(
    spec_path: str | Path,
    *,
    package: str | None = None,
    templates: Path | None = None,
    line_length: int = DEFAULT_LINE_LENGTH,
    cache: Cache | None = None,
    jobs: int = 1,
    formatter: str = "black",
) -> Generated:
    """One spec's package in memory. ``cache`` and ``jobs`` only make it faster:
    with or without them the bytes are the same (the CLI passes them).
    ``formatter`` is "black" or "ruff" (found at run time; see ruff_format.py)."""
    spec = load_spec(spec_path)
    validated_key = _validated_key(spec) if cache is not None else None
    if cache is None or validated_key is None or cache.get("valid", validated_key) is None:
        validate(spec)
        if cache is not None and validated_key is not None:
            cache.put("valid", validated_key, b"ok")
    api = build_api(spec, package)
    env = environment(templates, cache.root / "jinja" if cache is not None else None)
    used = record_templates(env)  # the manifest hashes the templates actually loaded
    rendered = render(api, env)
    formatted = format_files(dict(sorted(rendered.items())), line_length, cache, jobs, formatter, group=api.package)
    files = {f"{api.package}/{path}": text for path, text in formatted.items()}
    # Last: the manifest records the hash of every file above (see manifest.py).
    options = {"line_length": line_length, **formatter_options(formatter)}
    files[manifest_path(api.package)] = build_manifest(api, spec.sha256, files, templates_digest(used.sources), options)
    return Generated(api.package, dict(sorted(files.items())), api.warnings, api)


def _validated_key(spec: LoadedSpec) -> str | None:
    """What validation depends on: the validator's version and the resolved
    document, prose left out (see :func:`generator.validate.validation_view`)."""
    try:
        from importlib.metadata import version

        validator = version("openapi-spec-validator")
    except Exception:
        return None
    return digest("valid", __version__, validator, dump_json(validation_view(spec.document)))


def generate(spec_path: str | Path) -> dict[str, str]:
    """Generate the client package for one spec, in memory.

    Raises :class:`generator.errors.SpecError` for a spec that cannot be used.
    """
    return generate_package(spec_path).files
