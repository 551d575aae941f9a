"""generator/ir/constraints.py names the runtime's own keyword arguments: those of
``Param`` and ``Rules`` (runtime/operation.py, runtime/rules.py)."""

from __future__ import annotations

import dataclasses

from generator.ir.constraints import EXCLUSIVE_KEYWORDS, ITEM_KEYWORDS, SCALAR_KEYWORDS
from generator.runtime.operation import Param
from generator.runtime.rules import Rules


def test_the_keywords_are_the_runtimes_fields() -> None:
    param = {f.name for f in dataclasses.fields(Param)}
    rules = {f.name for f in dataclasses.fields(Rules)}
    shared = {k for _, k in SCALAR_KEYWORDS} | {k for _, k, _ in EXCLUSIVE_KEYWORDS}
    items = {k for _, k in ITEM_KEYWORDS}
    assert shared <= param & rules
    assert items <= rules - param
    # what both declare besides: enum (open enums are not checked by the generated code)
    assert (param & rules) - shared == {"enum"}
