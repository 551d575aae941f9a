"""The runtime's linear-time matcher (``_runtime/regex.py``): same answers as
``re.search``, in bounded time on the patterns that make ``re`` backtrack."""

from __future__ import annotations

import os
import re
import time
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.runtime import regex

EXAMPLES = 200 if os.environ.get("HYPOTHESIS_PROFILE") != "long" else 3000
ALPHABET = "ab1 _\n-é"

# -- differential: agrees with re where re is fast ------------------------

_ATOMS = st.sampled_from(
    ["a", "b", "1", " ", "_", "\\n", "-", "é", ".", r"\d", r"\D", r"\w", r"\W", r"\s", r"\S"]
    + ["[ab]", "[^a]", "[a-c1]", r"[\d_]", r"[^\w]", "[-a]", r"\.", r"\-"]
    + ["^", "$", r"\A", r"\Z", r"\b", r"\B", "()", "(?:)"]
)
_QUANTIFIERS = st.sampled_from(
    ["", "", "", "*", "+", "?", "*?", "+?", "??", "{2}", "{0,2}", "{1,3}", "{2,}", "{,2}", "{1,2}?"]
)


def _pattern(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    group = children.map(lambda p: f"({p})") | children.map(lambda p: f"(?:{p})")
    alternation = st.lists(children, min_size=2, max_size=3).map("|".join)
    concatenation = st.lists(children, min_size=1, max_size=3).map("".join)
    quantified = st.tuples(group | _ATOMS, _QUANTIFIERS).map("".join)
    return alternation | concatenation | quantified


PATTERNS = st.recursive(st.tuples(_ATOMS, _QUANTIFIERS).map("".join), _pattern, max_leaves=8)
TEXTS = st.text(alphabet=ALPHABET, max_size=10)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(PATTERNS, st.lists(TEXTS, min_size=1, max_size=5))
def test_agrees_with_re(pattern: str, texts: list[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = re.compile(pattern)
        except re.error:
            assert regex.compile(pattern) is None
            return
    matcher = regex.compile(pattern)
    assert matcher is not None, regex.refusal(pattern)
    for text in texts:
        assert matcher.search(text) == (expected.search(text) is not None), (pattern, text)


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (r"^\d{3}-\w+$", "123-abc", True),
        (r"^IT[0-9a-fA-F]{32}$", "IT" + "0a" * 16, True),
        (r"^IT[0-9a-fA-F]{32}$", "IT" + "0a" * 15, False),
        ("b", "abc", True),  # unanchored: search, not match
        ("a$", "a\n", True),  # $ before a final newline, as in re
        (r"a\Z", "a\n", False),
        (r"\bfoo\b", "a foo.", True),
        (r"\bfoo\b", "afoo", False),
        ("^$", "", True),
        ("x*", "", True),
        ("[^a]", "\n", True),
        (".", "\n", False),  # no DOTALL
        (r"\d", "\u0663", True),  # Unicode digits, as re on str
        ("(?x) a b  # comment", "ab", True),  # verbose only changes parsing
    ],
)
def test_examples(pattern: str, text: str, found: bool) -> None:
    matcher = regex.compile(pattern)
    assert matcher is not None
    assert matcher.search(text) is found
    assert (re.search(pattern, text) is not None) is found


# -- refused: cannot be checked safely -------------------------------------


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"(a)\1", "backreferences"),
        (r"(?=a)b", "lookaround"),
        (r"(?<!a)b", "lookaround"),
        (r"(a)?(?(1)b|c)", "conditionals"),
        ("a*+", "possessive"),
        ("(?>a)", "atomic"),
        ("(?i)a", "inline flags"),
        ("(?s:.)", "inline flags"),
        ("(", "not a valid regular expression"),
        ("a{2,1}", "not a valid regular expression"),
        ("x{0,4294967294}", "instructions"),
        ("((a{50}){50}){50}", "instructions"),
        ("a" * (regex.MAX_PATTERN + 1), "longer than"),
        ("(" * 2000 + ")" * 2000, ""),
    ],
)
def test_refused(pattern: str, why: str) -> None:
    assert regex.compile(pattern) is None
    reason = regex.refusal(pattern)
    assert reason is not None and why in reason


def test_accepted_has_no_refusal() -> None:
    assert regex.refusal("^a+$") is None
    assert regex.compile("(?:){1000000000}") is not None  # nothing repeated is nothing


# -- catastrophic for re, linear here --------------------------------------

CATASTROPHIC = [
    (r"^(a+)+$", "a" * 5000 + "!"),
    (r"(a+)+$", "a" * 5000 + "!"),
    (r"^(a|a)*$", "a" * 5000 + "!"),
    (r"(a|aa)+$", "a" * 5000 + "!"),
    (r"(.*a){20}", "a" * 19 + "b" * 5000),
    (r"^(x+)+$", "x" * 5000 + "y"),
    (r"^!?$|^(x+)+y", "x" * 5000),
    (r"^(\w+\s?)*$", "word " * 1000 + "!"),
    (r"(\d+)*[a-z]{0,50}!", "1" * 3000),
]


@pytest.mark.parametrize(("pattern", "text"), CATASTROPHIC)
def test_catastrophic_patterns_are_linear(pattern: str, text: str) -> None:
    """Each of these takes ``re`` longer than the universe's age; here well under a second."""
    matcher = regex.compile(pattern)
    assert matcher is not None
    started = time.perf_counter()
    assert matcher.search(text) is False
    assert time.perf_counter() - started < 5  # generous: ~0.05 s on a loaded machine
