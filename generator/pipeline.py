"""The pure core: spec file in, ``{relative path: text}`` out. Nothing here writes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .ir.build import build_api
from .store import Store, digest
from .errors import Diagnostic, SpecError
from .format.files import format_files
from .pipeline_types import Built, Generated
from .load.spec import LoadedSpec
from .load.document import dump_json
from .load.loader import load_spec
from .options import DEFAULT_LINE_LENGTH, Options
from .format.ruff import find_ruff
from .write.manifest import build_manifest, manifest_path, templates_digest
from .render.package import environment, record_templates, render
from .validate import checks as validate_module
from .validate.lenient import validate_lenient
from .validate.lenient_beside import LenientRun, start_lenient
from .validate.checks import validate, validation_view
from .validate.beside import BackgroundValidation, start_validation
from .versions import installed_version

if TYPE_CHECKING:
    from .format.helper import FormatHelper

# What validation's verdict depends on beside validate/checks.py, in its folder (read, not imported:
# they import the validator, slow to import).
_CHECK_FILES = ("located.py", "messages.py", "cost.py", "lenient.py")


def generate_package(
    spec_path: str | Path,
    options: Options | None = None,
    *,
    cache: Store | None = None,
    jobs: int = 1,
    format_helper: FormatHelper | None = None,
    **settings: Any,
) -> Generated:
    """One spec's package in memory, made as ``options`` say (see options.py);
    ``settings`` replace fields of it (``package="x"``, ``lenient=True``...).
    ``cache`` and ``jobs`` only make it faster: with or without them the bytes
    are the same (the CLI passes them).
    ``format_helper`` (the CLI's; see format/helper.py) formats small batches of
    blocks in a child that imported black while this process did the rest.

    With ``jobs > 1`` (and ``os.fork``), validation runs in a forked child beside
    the IR build, rendering and formatting (see
    :func:`generator.validate.beside.start_validation` for when it stays inline), and
    its verdict is awaited before returning. The outcome is the serial
    pipeline's: an invalid spec raises the same :class:`SpecError`, even if a
    later stage failed on it meanwhile (that failure is its ``__cause__``).

    ``options.lenient``: harmless defects are warnings, the spec mended where needed
    (see validate/lenient.py); validation runs beside the rest in the same way, the build
    reading the spec as validate/lenient_beside.py predicts the verdict leaves it, and
    building again if the verdict leaves it otherwise."""
    options = replace(options or Options(), **settings)
    if options.formatter == "ruff" and not options.formatter_version:
        options = replace(options, formatter_version=find_ruff().version)  # the manifest records it
    spec = load_spec(spec_path)
    background: BackgroundValidation | LenientRun | None
    if options.lenient:
        run = start_lenient(spec, cache, lambda mended: _validated_key(mended, lenient=True), jobs)
        validating, background = False, (None if run.finished else run)
    else:
        validated_key = _validated_key(spec) if cache is not None else None
        validating = cache is None or validated_key is None or cache.get("valid", validated_key) is None
        background = start_validation(spec, jobs) if validating else None
        if validating and background is None:
            validate(spec)
    try:
        files, api = _build(spec, options, cache, jobs, format_helper, background)
    except Exception as exc:
        if background is None:
            raise
        if not background.finished:
            try:
                background.wait()  # as when validating first: an invalid spec's errors win
            except SpecError as invalid:
                raise invalid from exc
        if not (isinstance(background, LenientRun) and background.mispredicted):
            raise  # the verdict itself, or a failure after a valid verdict
        files = {}  # built on a wrong guess: built again below
    finally:
        if background is not None:
            background.close()  # kills the child if it still runs (an interrupt), and reaps it
    if options.lenient and run.mispredicted:
        run.redo()
        files, api = _build(spec, options, cache, jobs, format_helper, None)
    if validating and cache is not None and validated_key is not None:
        cache.put("valid", validated_key, b"ok")
    worked_around = tuple(str(w) for w in run.wait().warnings) if options.lenient else ()
    return Generated(api.package, dict(sorted(files.items())), api.warnings, api, worked_around, api.notes)


def _build(
    spec: LoadedSpec,
    options: Options,
    cache: Store | None,
    jobs: int,
    format_helper: FormatHelper | None,
    background: BackgroundValidation | LenientRun | None,
) -> tuple[dict[str, str], Any]:
    """The package's files, the manifest last, and the API they came from; the
    verdict of ``background`` awaited before the longest stage if it is there, and at the end.

    A lenient verdict is always awaited before formatting: its child, checking a
    large 3.1 spec, holds the validator's memory, and black's workers beside it
    would raise the run's peak (OpenAI's spec: 259 MiB summed over the processes
    against 204 MiB), for little time (formatting keeps both cores busy anyway)."""
    api = build_api(spec, options.package, cache, options.allow_env, options.prefer_media_types, options.shared_runtime)
    env = environment(options.templates, cache.folder("jinja") if cache is not None else None, options.line_length)
    used = record_templates(env)  # the manifest hashes the templates actually loaded
    rendered = render(api, env)
    if background is not None and (background.ready() or isinstance(background, LenientRun)):
        background.wait()  # an invalid spec stops here, before the longest stage
        if isinstance(background, LenientRun) and background.mispredicted:
            return {}, api  # built on a wrong guess: the caller builds again
    formatted = format_files(
        dict(sorted(rendered.items())),
        options.line_length,
        cache,
        jobs,
        options.formatter,
        group=api.package,
        helper=format_helper,
    )
    files = {f"{api.package}/{path}": text for path, text in formatted.items()}
    # Last: the manifest records the hash of every file above (see write/manifest.py).
    manifest = build_manifest(api, spec.sha256, files, templates_digest(used.sources), options.manifest_options())
    files[manifest_path(api.package)] = manifest
    if background is not None:
        background.wait()
    return files, api


def warm_up(formatter: str = "black", line_length: int = DEFAULT_LINE_LENGTH) -> None:
    """Import what a cache miss needs beyond this module: black (with its
    grammar loaded, by formatting one line) and the validator. For a resident
    process (``specgen watch``), between runs rather than after the next save."""
    import openapi_spec_validator  # noqa: F401  (slow to import; see validate/checks.py)

    if formatter == "black":
        from .format.blocks import format_block

        format_block(("x = 1\n", line_length))


def _validated_key(spec: LoadedSpec, lenient: bool = False) -> str | None:
    """What validation depends on: the validator's version, specgen's own checks
    (the bytes of the modules that make them: a new check must not be skipped
    by an old verdict), the mode, and the resolved document, prose left out
    (see :func:`generator.validate.checks.validation_view`). A lenient verdict holds
    messages: there the line of each pointer counts too."""
    try:
        validator = installed_version("openapi_spec_validator", "openapi-spec-validator")
        checks = Path(validate_module.__file__).read_bytes()
        checks += b"".join(Path(validate_module.__file__).with_name(name).read_bytes() for name in _CHECK_FILES)
    except Exception:
        return None
    lines = dump_json(spec.lines) if lenient else ""
    mode = "lenient" if lenient else "strict"
    return digest("valid", __version__, validator, checks, mode, lines, dump_json(validation_view(spec.document)))


def build_ir(
    spec: str | Path | LoadedSpec,
    *,
    lenient: bool = False,
    package: str | None = None,
    allow_env: frozenset[str] = frozenset(),
) -> Built:
    """Load (unless given loaded), validate and build one spec: the IR that
    ``lint`` and ``diff`` read. Raises :class:`SpecError` for a spec that cannot
    be used; ``lenient``: harmless defects are worked around (see validate/lenient.py)."""
    loaded = spec if isinstance(spec, LoadedSpec) else load_spec(spec)
    worked_around: tuple[Diagnostic, ...] = ()
    if lenient:
        worked_around = validate_lenient(loaded).warnings
    else:
        validate(loaded)
    return Built(loaded, build_api(loaded, package, allow_env=allow_env), worked_around)


def generate(spec_path: str | Path) -> dict[str, str]:
    """Generate the client package for one spec, in memory.

    Raises :class:`generator.errors.SpecError` for a spec that cannot be used.
    """
    return generate_package(spec_path).files
