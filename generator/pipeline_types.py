"""What the pipeline returns; apart from it so the CLI can name it without importing black."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .errors import Diagnostic
    from .ir.nodes import Api
    from .load.spec import LoadedSpec


@dataclass(frozen=True)
class Generated:
    """One spec's package: its files keyed by path under the output root."""

    package: str
    files: dict[str, str]
    warnings: tuple[str, ...]
    api: Api | None  # None when the CLI took the package from its cache
    # Lenient mode: the defects it worked around, as located warnings (see validate/lenient.py).
    # Apart from ``warnings``: --strict does not count them, the spec's lenient setting accepted them.
    worked_around: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # renamed names (ir/naming.py's word rule): printed with --verbose


@dataclass(frozen=True)
class Built:
    """One spec loaded, validated and built (what lint and diff read): no rendering."""

    spec: LoadedSpec
    api: Api
    worked_around: tuple[Diagnostic, ...] = ()  # lenient mode's warnings (see validate/lenient.py)
