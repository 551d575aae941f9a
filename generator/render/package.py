"""The output table: the IR through Jinja2 templates into unformatted source, one text per file.

The environment is strict: an undefined name is an error, and ``finalize``
refuses to print any value that is not generator-made code, an identifier or a
number, so spec text can only reach output through a context filter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from ..errors import TemplateSafetyError
from .filters import filters
from ..ir.nodes import Api, Code
from ..ir.naming import Identifier
from ..options import DEFAULT_LINE_LENGTH
from ..paths import RUNTIME_DIR, templates_dir


# (output path inside the package, template name); one template per kind of file.
OUTPUTS = (
    ("__init__.py", "__init__.py.jinja"),
    ("models.py", "models.py.jinja"),
    ("operations/__init__.py", "operations/__init__.py.jinja"),
    ("client.py", "client.py.jinja"),
    ("tests/__init__.py", "tests/__init__.py.jinja"),
    ("README.md", "README.md.jinja"),  # Markdown: spec text through the `markdown` filter
)
# Rendered once per operation group (resource), with ``group`` in the context.
GROUP_OUTPUTS = (
    ("operations/{group}.py", "operations/group.py.jinja"),
    ("tests/test_{group}.py", "tests/test_group.py.jinja"),
)
HEADER_TEMPLATE = "_header.jinja"


def finalize(value: Any) -> Any:
    """Jinja2's ``finalize``: let through only generator-made code, identifiers and numbers."""
    if isinstance(value, (Code, Identifier)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TemplateSafetyError(
        f"a template printed {type(value).__name__} {value!r:.60} without a context filter "
        "(literal, docstring, doctext, comment or ident)"
    )


def environment(
    override: Path | None = None, bytecode_dir: Path | None = None, line_length: int = DEFAULT_LINE_LENGTH
) -> jinja2.Environment:
    """The Jinja2 environment; ``bytecode_dir`` keeps compiled templates between
    runs (Jinja2 keys them by the template's source, so an edit recompiles it).
    Its docstring filters wrap at ``line_length``."""
    search = [str(override)] if override is not None else []
    search.append(str(templates_dir()))
    bytecode = None
    if bytecode_dir is not None:
        try:
            bytecode_dir.mkdir(parents=True, exist_ok=True)
            bytecode = jinja2.FileSystemBytecodeCache(str(bytecode_dir))
        except OSError:
            pass  # a cache that cannot be written is no error
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        bytecode_cache=bytecode,
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(filters(line_length))
    return env


def render(api: Api, env: jinja2.Environment | None = None) -> dict[str, str]:
    """Every file of the package, unformatted, keyed by path inside the package."""
    env = env or environment()
    files = {path: env.get_template(name).render(api=api) for path, name in OUTPUTS}
    for group in api.groups:
        for pattern, name in GROUP_OUTPUTS:
            files[pattern.format(group=group.name)] = env.get_template(name).render(api=api, group=group)
    if api.runtime.shared is None:  # else the modules import the shared runtime package (write/shared_runtime.py)
        files.update(runtime_files(env.get_template(HEADER_TEMPLATE).render(api=api)))
    files["py.typed"] = ""
    files.update(api.data_files)  # JSON example bodies: data, not code, so no template
    return files


def runtime_files(header: str) -> dict[str, str]:
    """The runtime's copy in a package: each module of ``generator/runtime/`` after ``header``."""
    return {
        f"_runtime/{source.name}": header + source.read_text(encoding="utf-8")
        for source in sorted(RUNTIME_DIR.glob("*.py"))
    }


class RecordingLoader(jinja2.BaseLoader):
    """Wraps a loader and keeps the source of every template it loads."""

    def __init__(self, inner: jinja2.BaseLoader) -> None:
        self.inner = inner
        self.sources: dict[str, str] = {}

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        self.sources[template] = source
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


def record_templates(env: jinja2.Environment) -> RecordingLoader:
    """Make ``env`` record the templates it loads (for :func:`templates_digest`)."""
    assert env.loader is not None
    recorder = RecordingLoader(env.loader)
    env.loader = recorder
    return recorder
