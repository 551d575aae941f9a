"""Every spec of the shared corpora generates a client that works.

The corpora live outside the repo (``../shared/specs``, or the folder
``SPECGEN_CORPUS_DIR`` names): Twilio's published specs (``twilio/``) and
public specs of other companies (``wild/``, listed with their lenient flags in
``scripts/corpus.py``); these tests skip, saying where the specs come from,
when a corpus is absent. One test per spec: nothing dropped, ``mypy --strict``
and ``black --check`` clean, and the package's own generated tests pass. The
work is done once per corpus and session by ``scripts/corpus.py``, which also
writes ``docs/coverage.md``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import corpus  # noqa: E402
import warning_kinds  # noqa: E402

CASES = [
    pytest.param(name, entry, id=f"{name}/{entry.path.split('/')[-1]}")
    for name in corpus.CORPORA
    for entry in corpus.entries(name)
] + [  # an absent corpus: one skipped case saying where its specs come from
    pytest.param(
        name, None, id=name, marks=pytest.mark.skip(reason=corpus.skip_reason(name))
    )
    for name in corpus.CORPORA
    if not corpus.entries(name)
]
_RESULTS: dict[str, dict[str, corpus.SpecResult]] = {}
Results = Callable[[str], dict[str, corpus.SpecResult]]


@pytest.fixture(scope="session")
def corpus_results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """``results(corpus)``: that corpus checked once per session (only when one of its tests runs)."""

    def results(name: str) -> dict[str, corpus.SpecResult]:
        if name not in _RESULTS:
            out = tmp_path_factory.mktemp(f"corpus-{name}")
            _RESULTS[name] = {r.spec: r for r in corpus.check_corpus(name, out, jobs=2)}
        return _RESULTS[name]

    return results


@pytest.mark.skipif(not corpus.entries("wild"), reason=corpus.skip_reason("wild"))
def test_wild_table_lists_every_spec() -> None:
    """A spec added to wild/ is checked too: each file at its top (and each
    folder) is an entry of corpus.WILD (a folder by its entry file)."""
    listed = {entry.path.split("/")[0] for entry in corpus.WILD}
    present = {
        p.name
        for p in (corpus.SHARED / "wild").iterdir()
        if (p.is_dir() and p.name != "licenses")
        or p.suffix in (".yaml", ".yml", ".json")
    }
    assert present == listed


@pytest.mark.parametrize("name,entry", CASES)
def test_corpus_spec(name: str, entry: corpus.Entry, corpus_results: Results) -> None:
    result = corpus_results(name)[entry.path]
    assert result.error is None, result.error
    assert result.operations == result.spec_operations, "operations were dropped"
    assert not result.mypy_errors, "\n".join(result.mypy_errors[:30])
    assert not result.black_failures, result.black_failures
    assert result.tests_failed == 0, result.tests_output
    assert result.tests_passed > 0 or result.operations == 0
    kinds = warning_kinds.counts(result)
    assert (
        warning_kinds.OTHER not in kinds
    ), "a warning of a new kind: say why in scripts/warning_kinds.py"
    assert bool(result.worked_around) == bool(
        entry.lenient
    ), "lenient where the validator finds harmless defects only"
