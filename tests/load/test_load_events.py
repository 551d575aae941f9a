"""The one-pass loader gives exactly what the composer's path gives, or steps aside.

``generator.load.document._build_from_events`` builds a spec's data and line map from
the parser's events; anything unusual (anchors, merge keys, several documents,
any problem) makes it return None so that the composer's path runs and reports
the problem with its usual message. These tests compare the two paths.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import document as load
from generator.load.loader import load_spec
from generator.errors import SpecError

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "specs" / "twilio"
SPECS = sorted(
    {*ROOT.glob("spec/*.yaml"), *ROOT.glob("tests/golden/*/*.yaml"), *ROOT.glob("tests/**/broken/*.yaml")}
)


def _composed(text: str, is_json: bool = False) -> tuple[Any, dict[str, int]] | Exception:
    """What the composer's path makes of ``text`` (or the error it raises)."""
    try:
        load._check_depth(text, "x.yaml")
        node = yaml.compose(text, Loader=load._Loader)
        builder = load._Builder("x.yaml", is_json)
        return (builder.build(node, "", 0) if node is not None else None), builder.lines
    except (SpecError, yaml.YAMLError) as exc:
        return exc


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types and key order at every level (1 == 1.0 == True otherwise)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b or (a != a and b != b))


def _check(text: str, is_json: bool = False) -> tuple[Any, dict[str, int]] | None:
    fast = load._build_from_events(text, "x.yaml", is_json)
    composed = _composed(text, is_json)
    if fast is not None:
        assert not isinstance(composed, Exception), f"the one-pass loader accepted what the composer refuses: {composed}"
        assert _same(fast[0], composed[0]), "different data"
        assert fast[1] == composed[1], "different lines"
    return fast


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_data_and_lines_as_the_composer(spec: Path) -> None:
    _check(spec.read_text(encoding="utf-8", errors="replace"))


def test_a_plain_spec_takes_the_one_pass_path() -> None:
    built = _check((ROOT / "spec" / "twilio_trunking_v1.yaml").read_text())
    assert built is not None, "the seed spec fell back to the composer"
    assert built[1]["/paths"] > 1


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the Twilio corpus is not at {CORPUS} (../shared/specs/twilio)")
def test_the_corpus_takes_the_one_pass_path_with_the_same_result() -> None:
    for spec in sorted(CORPUS.glob("*.yaml"))[:12]:
        assert _check(spec.read_text()) is not None, spec.name


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # aliases
        "a: &x 1\n",  # an anchor alone
        "base: {k: 1}\nc: {<<: {k: 2}, j: 3}\n",  # a merge key
        "a: 1\n---\nb: 2\n",  # two documents
        "a: 1\na: 2\n",  # a duplicate key
        "a: !!python/name:os.system\n",  # a refused tag
        "? [1, 2]\n: x\n",  # a key that is not a scalar
        "~: 1\n",  # a null key
        "true: 1\n",  # a bool key
        "1.5: 1\n",  # a float key
        "a: .nan\n",  # NaN
        "a: " + "[" * load.MAX_DEPTH + "]" * load.MAX_DEPTH + "\n",  # one level too deep (the root is one)
        "a: [1, 2\n",  # invalid YAML
        "# only a comment\n",  # no document
    ],
)
def test_anything_unusual_goes_to_the_composer(text: str) -> None:
    assert load._build_from_events(text, "x.yaml", False) is None


def test_the_composer_reports_what_the_one_pass_loader_stepped_aside_for(tmp_path: Path) -> None:
    spec = tmp_path / "dup.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\npaths: {}\n")
    with pytest.raises(SpecError) as info:
        load_spec(spec)
    assert [str(d) for d in info.value.diagnostics] == [f"{spec}:4: /: duplicate key 'paths'"]


def test_json_numbers_and_integer_keys() -> None:
    text = json.dumps({"a": 1e300, "b": [1.5e3, -0.0, 10], "responses": {"200": {"x": True}}})
    assert _check(text.replace("1e+300", "1e300"), is_json=True) is not None
    built = _check("responses:\n  200:\n    description: ok\n  0x1F: hex\n  2020-01-01: day\n")
    assert built is not None
    assert list(built[0]["responses"]) == ["200", "0x1F", "2020-01-01"]


_SCALARS = st.sampled_from(
    ["yes", "no", "on", "off", "~", "null", "1e3", "0x1F", "0o17", "1_000", "2020-01-01", "12:30:00",
     ".inf", "-.inf", "+1", "007", "1.", "text", "'quoted'", '"dq"', "a b", "3.14", "-0", "=", "<<"]
)
_KEYS = st.one_of(st.text("abcXYZ_-/{}~$ ", min_size=1, max_size=6), _SCALARS)
_VALUES = st.recursive(
    st.one_of(_SCALARS, st.integers(), st.booleans(), st.none(), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_VALUES, st.sampled_from([False, True]), st.integers(min_value=0, max_value=3))
def test_random_documents(data: Any, flow: bool, style: int) -> None:
    text = yaml.safe_dump({"root": data}, default_flow_style=flow, default_style=[None, "'", '"', None][style])
    if style == 3:  # scalars written bare, so that the resolver decides what they are
        text = text.replace("'", "")
    _check(text)
