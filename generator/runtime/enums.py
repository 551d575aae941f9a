"""``OpenEnum``: a string enum that tolerates values added to the API later."""

from __future__ import annotations

import enum
import threading
from typing import Any

__all__ = ["OpenEnum", "OpenIntEnum"]

# Unknown values seen per enum class, so that repeated values share one
# pseudo-member. Bounded so a misbehaving server cannot grow it forever.
_UNKNOWN: dict[type, dict[str, Any]] = {}
_UNKNOWN_LIMIT = 1024
_LOCK = threading.Lock()


class _Open:
    """What the open enums share: telling declared members from kept unknown values."""

    _name_: str
    _value_: Any
    _member_map_: dict[str, Any]

    @property
    def is_known(self) -> bool:
        """Whether this value is declared in the API specification."""
        return type(self)._member_map_.get(self._name_) is self

    def __repr__(self) -> str:
        # Not super().__repr__(): Enum's repr formats the value with the
        # class's own __repr__, which is this one, and a plain value has no
        # is_known. The format is Enum's.
        if self.is_known:
            return f"<{type(self).__name__}.{self._name_}: {self._value_!r}>"
        return f"<{type(self).__name__} (unknown): {self._value_!r}>"


class OpenEnum(_Open, enum.StrEnum):
    """Base class of generated string enums.

    Unknown values do not raise: ``HttpMethod("PATCH")`` returns a
    pseudo-member that is an instance of ``HttpMethod``, equals ``"PATCH"``,
    has ``.value == .name == "PATCH"`` and ``.is_known`` false. Iteration,
    ``len()`` and ``__members__`` only cover the declared members.
    ``str(member)`` is its value.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        value = str(value)
        with _LOCK:
            seen = _UNKNOWN.setdefault(cls, {})
            member = seen.get(value)
            if member is None:
                member = str.__new__(cls, value)
                member._value_ = value
                member._name_ = value
                if len(seen) < _UNKNOWN_LIMIT:
                    seen[value] = member
        return member


class OpenIntEnum(_Open, enum.IntEnum):
    """Base class of generated integer enums; unknown integers are kept.

    ``Level(7)`` for an undeclared 7 returns a pseudo-member equal to 7 with
    ``.is_known`` false, as :class:`OpenEnum` does for strings.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        with _LOCK:
            seen = _UNKNOWN.setdefault(cls, {})
            member = seen.get(value)  # type: ignore[call-overload]
            if member is None:
                member = int.__new__(cls, value)
                member._value_ = value
                member._name_ = f"VALUE_{value}".replace("-", "MINUS_")
                if len(seen) < _UNKNOWN_LIMIT:
                    seen[value] = member  # type: ignore[index]
        return member
