"""Lenient validation beside the build, as strict validation runs (validate/beside.py).

Serially, lenient mode validates the mended spec, drops the defaults the
validator refuses, and only then builds. Here the validator runs in a forked
child on the mended spec while the build goes on with the defaults dropped that
specgen's own check (:func:`generator.validate.schema_check.conforms`) predicts it will
refuse. When the verdict drops other defaults than predicted, the pipeline
builds again with the verdict's (:meth:`LenientRun.redo`): the bytes are those
of the serial path either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import Diagnostic, pointer_join
from .lenient import (
    _NAME_MAPS,
    _VALUE_KEYS,
    Verdict,
    apply,
    cached_verdict,
    mend,
    remember,
    verdict_with,
    with_mended,
)
from ..load.spec import LoadedSpec
from .schema_check import conforms
from .beside import BackgroundValidation, start_validation

if TYPE_CHECKING:
    from ..store import Store


class LenientRun:
    """Lenient validation of one spec: known at once (cached, or run inline), or
    running in a child while the spec holds the predicted drops.

    It waits, is ready and closes as :class:`BackgroundValidation` does, so the
    pipeline treats it as it treats strict validation beside the build."""

    def __init__(
        self,
        spec: LoadedSpec,
        mended: list[Diagnostic],
        background: BackgroundValidation | None = None,
        known: Verdict | None = None,
        cache: Store | None = None,
        key: str | None = None,
    ) -> None:
        self.spec = spec
        self.mended = mended
        self.background = background
        self.known = known  # the verdict, mend's warnings among its own
        self.cache, self.key = cache, key
        self.predicted: tuple[str, ...] = ()
        self._undo: list[tuple[dict[str, Any], list[tuple[Any, Any]]]] = []  # dicts as they were

    @property
    def finished(self) -> bool:
        return self.background is None or self.background.finished

    def ready(self) -> bool:
        return self.background is None or self.background.ready()

    def wait(self) -> Verdict:
        """The verdict (raises the :class:`SpecError` lenient validation raises)."""
        if self.known is None:
            assert self.background is not None
            found = self.background.wait()
            assert isinstance(found, Verdict)
            remember(self.cache, self.key, found)
            self.known = with_mended(self.mended, found)
        return self.known

    def close(self) -> None:
        if self.background is not None:
            self.background.close()

    @property
    def mispredicted(self) -> bool:
        """Whether the verdict drops other defaults than the build assumed (False until it is known)."""
        return self.background is not None and self.known is not None and set(self.known.drop) != set(self.predicted)

    def redo(self) -> None:
        """Put the spec as the serial path has it: the predicted drops undone, the verdict's made."""
        self._restore()
        apply(self.spec, self.wait())

    def _predict(self) -> None:
        self.predicted = predicted_drops(self.spec)
        for pointer in self.predicted:
            parent = _parent(self.spec, pointer)
            if isinstance(parent, dict):
                self._undo.append((parent, list(parent.items())))
        apply(self.spec, Verdict((), self.predicted))

    def _restore(self) -> None:
        for parent, items in reversed(self._undo):
            parent.clear()
            parent.update(items)  # in their order: a key put back would go last
        self._undo = []

    def _check_here(self, spec: LoadedSpec) -> Verdict:
        """The child's check, run here when the child failed: on the spec as mended, not as predicted."""
        self._restore()
        try:
            return verdict_with(spec, [])
        finally:
            self._predict()


def start_lenient(
    spec: LoadedSpec, cache: Store | None, key_of: Callable[[LoadedSpec], str | None], jobs: int
) -> LenientRun:
    """Mend ``spec`` and validate it leniently: from the cache, inline (see
    :func:`start_validation` for when), or in a child while ``spec`` holds the
    predicted drops. Inline, an invalid spec raises :class:`SpecError` here."""
    mended = mend(spec)
    key = key_of(spec) if cache is not None else None
    found = cached_verdict(spec, cache, key)
    if found is None:
        run = LenientRun(spec, mended, cache=cache, key=key)
        background = start_validation(spec, jobs, _child_check)
        if background is not None:
            background.check = run._check_here
            run.background = background
            run._predict()
            return run
        found = verdict_with(spec, mended)
        remember(cache, key, found)
    apply(spec, found)
    return LenientRun(spec, mended, known=with_mended(mended, found))


def _child_check(spec: LoadedSpec) -> Verdict:
    return verdict_with(spec, [])


# Keys under which the validator checks no default: schemas it does not descend
# into (it follows allOf, anyOf, oneOf, not, items and properties), and servers.
_UNCHECKED = frozenset(
    {
        "additionalProperties",
        "patternProperties",
        "prefixItems",
        "additionalItems",
        "contains",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "dependentSchemas",
        "if",
        "then",
        "else",
        "$defs",
        "definitions",
        "contentSchema",
        "servers",
    }
)


def predicted_drops(spec: LoadedSpec) -> tuple[str, ...]:
    """Pointers of the defaults that fail their schema, by specgen's own check:
    what the validator is expected to find (a wrong guess costs a second build).

    As the validator, it skips a schema holding a ``$ref`` (the validator reads
    the target in its place) and the places in ``_UNCHECKED``."""
    doc = spec.document
    drops: list[str] = []
    stack: list[tuple[Any, str, bool]] = [(doc, "", False)]
    while stack:
        node, pointer, names = stack.pop()
        if isinstance(node, list):
            stack.extend((v, pointer_join(pointer, i), False) for i, v in reversed(list(enumerate(node))))
            continue
        if not isinstance(node, dict):
            continue
        if not names and "default" in node and not isinstance(node.get("$ref"), str):
            if conforms(node["default"], node, doc) is False:
                drops.append(pointer_join(pointer, "default"))
        children = []
        for key, value in node.items():
            if not names and (key in _VALUE_KEYS or key in _UNCHECKED or (isinstance(key, str) and key.startswith("x-"))):
                continue
            children.append((value, pointer_join(pointer, key), not names and key in _NAME_MAPS))
        stack.extend(reversed(children))
    return tuple(drops)


def _parent(spec: LoadedSpec, pointer: str) -> Any:
    from ..errors import resolve_pointer

    return resolve_pointer(spec.document, "#" + pointer.rsplit("/", 1)[0])
