"""Every spec of Twilio's published corpus generates a client that works.

The corpus lives outside the repo (``../shared/specs/twilio``, see its README);
these tests skip when it is absent. One test per spec file: nothing dropped,
``mypy --strict`` and ``black --check`` clean, and the package's own
generated tests pass. The work is done once per session by
``scripts/corpus.py``, which also writes ``docs/coverage.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import corpus  # noqa: E402

SPECS = (
    sorted(corpus.DEFAULT_CORPUS.glob("*.yaml"))
    if corpus.DEFAULT_CORPUS.is_dir()
    else []
)
SKIP = pytest.mark.skipif(
    not SPECS,
    reason=f"the Twilio corpus is not at {corpus.DEFAULT_CORPUS}; it ships in the workspace's shared/specs/twilio",
)


@pytest.fixture(scope="session")
def corpus_results(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, corpus.SpecResult]:
    out = tmp_path_factory.mktemp("corpus")
    return {r.spec: r for r in corpus.check_corpus(corpus.DEFAULT_CORPUS, out, jobs=2)}


@SKIP
@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_corpus_spec(spec: Path, corpus_results: dict[str, corpus.SpecResult]) -> None:
    result = corpus_results[spec.name]
    assert result.error is None, result.error
    assert result.operations == result.spec_operations, "operations were dropped"
    assert not result.mypy_errors, "\n".join(result.mypy_errors[:30])
    assert not result.black_failures, result.black_failures
    assert result.tests_failed == 0, result.tests_output
    assert result.tests_passed > 0 or result.operations == 0
