"""Every request a generated package's tests send is valid for its spec, by an independent oracle.

For each spec in ``spec/``, each golden case, each of ``tests/oracle/specs/`` and (when ``../shared/specs/`` is
present) each spec of the Twilio and wild corpora: generate the package, run
its own tests while ``tests/oracle/oracle_capture.py`` records every request,
then ask openapi-core (pinned, in ``.venv-oracle``: ``make
.venv-oracle/.installed``) whether each one is a valid request of the
operation it was built for (specs of the wild corpus that need it in lenient
mode: the table in ``scripts/corpus.py``). A spec that does not generate fails;
a rejection fails the test unless it is on the short known-gap list
(``tests/oracle/known_gaps.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import GOLDEN, ROOT, SPECS

sys.path.insert(0, str(ROOT / "tests" / "oracle"))
import known_gaps  # noqa: E402
import oracle_run  # noqa: E402

# the oracle's own specs (tests/oracle/specs/): features no other spec here uses
OWN = [*SPECS, *sorted(GOLDEN.glob("*/*.yaml")), *sorted((ROOT / "tests" / "oracle" / "specs").glob("*.yaml"))]
CORPUS = oracle_run.corpus_specs()


@pytest.fixture(scope="module", autouse=True)
def _oracle_venv() -> None:
    if not oracle_run.ORACLE_PYTHON.exists():
        pytest.fail(f"the oracle's venv is missing: run `make .venv-oracle/.installed` ({oracle_run.ORACLE_PYTHON})")


def _check(spec: Path, tmp_path: Path) -> None:
    result = oracle_run.run_spec(spec, tmp_path)
    if not result.generated:
        pytest.fail(result.error)
    if result.error == "no operations: nothing to send":
        assert oracle_run.spec_operations(spec) == 0, "the package has no operations but the spec has some"
        return
    assert not result.error, result.error
    assert result.verdicts, "no request was sent by the generated tests"
    failures = []
    for verdict in result.rejected():
        text = " | ".join(verdict["errors"])
        if known_gaps.gap_for(spec.name, text) is None:
            failures.append(f"{verdict['test']}: {text[:800]}")
    assert not failures, f"{len(failures)} of {len(result.verdicts)} requests rejected:\n" + "\n".join(failures)


@pytest.mark.parametrize("spec", OWN, ids=[s.name for s in OWN])
def test_oracle_accepts_own_specs(spec: Path, tmp_path: Path) -> None:
    _check(spec, tmp_path)


@pytest.mark.skipif(not CORPUS, reason=f"the shared corpora are not at {oracle_run.SHARED}")
@pytest.mark.parametrize("spec", CORPUS, ids=[s.name for s in CORPUS])
def test_oracle_accepts_corpus(spec: Path, tmp_path: Path) -> None:
    _check(spec, tmp_path)


def test_known_gaps_say_how_they_are_checked() -> None:
    for gap in known_gaps.GAPS:
        assert gap.checked_by.split(":")[0].endswith(".py") and (ROOT / gap.checked_by.split(":")[0]).is_file(), gap
