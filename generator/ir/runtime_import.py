"""Where a package's modules import the runtime from: their own copy, or a shared package.

By default each package holds a copy of ``generator/runtime/`` as ``_runtime``.
With the option ``shared_runtime = NAME``, several packages import one
top-level package ``NAME`` instead (written once beside them; see
render/shared_runtime.py): one exception hierarchy, one copy to vendor.
The templates print what :func:`runtime_import` computes and never branch on it.
"""

from __future__ import annotations

from .naming import Identifier, shadows
from .nodes import BUNDLED_RUNTIME, Code, RuntimeImport


def runtime_import(shared: str | None) -> RuntimeImport:
    """The runtime's imports for a package: the bundled copy's, or those of the shared package ``shared``."""
    if shared is None:
        return BUNDLED_RUNTIME
    name = Identifier(shared)  # checked by the settings (runtime_name_problem): a bug here if not
    line = Code(f"import {name} as _rt")
    return RuntimeImport(line, line, Code(name), Code(name), name)


def runtime_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a shared runtime package's name, or None."""
    if not (name.isidentifier() and name.isascii()):
        return f"expected a Python package name, got {name!r}"
    try:
        Identifier(name)
    except ValueError:
        return f"{name!r} is a Python keyword, not a package name"
    what = shadows(name)
    if what is not None:
        return (
            f"{name!r} is the name of {what} {name}; the shared runtime would shadow it for anyone who "
            "puts the output folder on sys.path: choose another name"
        )
    return None
