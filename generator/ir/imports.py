"""Standard-library import lines of generated modules, read off what they print.

A module imports the names its annotations (and example values) use, found in
the text itself: ``dict[str, Any]`` in a response type, a type alias or a
test's helper needs ``Any`` as much as a field does. Names after a dot
(``_rt.ANY``) are the runtime's, not these.
"""

from __future__ import annotations

import re
from typing import Iterable

from .nodes import Code

# The standard names generated code may print, and their modules.
STANDARD_NAMES = {"Any": "typing", "TypeAlias": "typing", "date": "datetime", "datetime": "datetime"}
_NAME = re.compile(r"(?<![\w.])[A-Za-z_][A-Za-z0-9_]*")


def standard_imports(texts: Iterable[str], also: Iterable[str] = ()) -> tuple[Code, ...]:
    """``from datetime import date`` and ``from typing import Any`` lines for the
    standard names used in ``texts`` (annotations), plus the names ``also``
    lists (what example values need); one line per module, sorted."""
    used = {name for text in texts for name in _NAME.findall(text) if name in STANDARD_NAMES}
    used.update(name for name in also if name in STANDARD_NAMES)
    modules: dict[str, list[str]] = {}
    for name in sorted(used):
        modules.setdefault(STANDARD_NAMES[name], []).append(name)
    return tuple(Code(f"from {module} import {', '.join(names)}") for module, names in sorted(modules.items()))
