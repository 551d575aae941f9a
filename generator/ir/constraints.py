"""The JSON Schema constraints the runtime checks, each with its keyword there.

One declaration for both places the generator writes them: a parameter's
``_rt.Param(...)`` (build_params) and a body's ``_rt.Rules(...)`` (build_rules),
whose shared fields are runtime/rules.py's ``Constrained``.
"""

from __future__ import annotations

# (JSON Schema keyword, the runtime's keyword argument), in the order they are written
SCALAR_KEYWORDS = (
    ("minLength", "min_length"),
    ("maxLength", "max_length"),
    ("pattern", "pattern"),
    ("minimum", "minimum"),
    ("maximum", "maximum"),
)
# (JSON Schema keyword, the runtime's, the bound a 3.0 boolean form makes exclusive)
EXCLUSIVE_KEYWORDS = (
    ("exclusiveMinimum", "exclusive_minimum", "minimum"),
    ("exclusiveMaximum", "exclusive_maximum", "maximum"),
)
ITEM_KEYWORDS = (("minItems", "min_items"), ("maxItems", "max_items"))  # a body's lists only: Rules, not Param
