"""Installed versions of the libraries whose output the cache depends on.

The validator's version keys every cached verdict. :mod:`importlib.metadata`
would give it, but importing it (it imports the ``email`` package) and
searching ``sys.path`` is slow (docs/speed.md). So the version is read from the name of the
``<name>-<version>.dist-info`` folder beside the module that an import would
load (the wheel and install specs require that name), without importing the
module. Anything unusual (no such folder, or more than one) falls back to
:mod:`importlib.metadata`. black's version comes from black's own
``_black_version`` module, as ``black.__version__`` does.
"""

from __future__ import annotations

import functools
import os
import re

_SEPARATORS = re.compile(r"[-_.]+")


@functools.lru_cache(maxsize=None)
def installed_version(module: str, distribution: str) -> str:
    """The version of ``distribution``, which provides the top-level ``module``."""
    found = _from_dist_info(module, distribution)
    if found is not None:
        return found
    from importlib.metadata import version

    return version(distribution)


def _normalise(name: str) -> str:
    return _SEPARATORS.sub("_", name).lower()


def _from_dist_info(module: str, distribution: str) -> str | None:
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:  # a package: the folder holding it
        locations = list(spec.submodule_search_locations)
        if len(locations) != 1:
            return None
        folder = os.path.dirname(os.path.normpath(locations[0]))
    elif spec.origin and os.path.isabs(spec.origin):  # a module file
        folder = os.path.dirname(spec.origin)
    else:
        return None
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    wanted = _normalise(distribution)
    versions = []
    for name in names:
        if not name.endswith(".dist-info"):
            continue
        project, dash, version = name[: -len(".dist-info")].partition("-")
        if dash and version and _normalise(project) == wanted:
            versions.append(version)
    return versions[0] if len(versions) == 1 else None


def black_version() -> str:
    """``black.__version__``, without importing black: black takes it from
    its top-level ``_black_version`` module, and so does this."""
    try:
        from _black_version import version  # type: ignore[import-untyped]  # black's own, typed by its .pyi only
    except ImportError:  # pragma: no cover - a black that does not ship it
        import black

        return str(black.__version__)  # type: ignore[attr-defined]  # imported, not re-exported (mypy)
    return str(version)
