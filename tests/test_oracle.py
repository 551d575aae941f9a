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

import base64
import json
import subprocess
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


def _verdicts(
    spec: Path, tmp_path: Path, requests: list[dict[str, object]], operations: dict[str, list[str]]
) -> list[dict[str, object]]:
    """The oracle's verdicts on hand-made requests (``test`` names each)."""
    captured, ops = tmp_path / "requests.jsonl", tmp_path / "operations.json"
    for item in requests:
        item["body"] = base64.b64encode(item["body"]).decode()  # type: ignore[arg-type]
    captured.write_text("".join(json.dumps(r) + "\n" for r in requests))
    ops.write_text(json.dumps(operations))
    oracle = ROOT / "tests" / "oracle" / "oracle.py"
    out = subprocess.run(
        [str(oracle_run.ORACLE_PYTHON), str(oracle), str(spec), str(captured), str(ops)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_corrected_view_still_rejects_bad_values(tmp_path: Path) -> None:
    """oracle_view.py's corrections judge the values, not wave them through:
    a discriminator value no member has, a static strategy without its size,
    and multipart text that is not a boolean / integer / number."""
    spec = ROOT / "tests" / "oracle" / "specs" / "oracle_view.yaml"
    url = "https://api.example.com/v1"

    def chunks(test: str, strategy: dict[str, object]) -> dict[str, object]:
        body = json.dumps({"strategy": strategy, "turn": {"type": "server_vad"}}).encode()
        headers = [["content-type", "application/json"]]
        return {
            "test": test,
            "operation": {"name": "create_chunks"},
            "method": "POST",
            "url": f"{url}/chunks",
            "headers": headers,
            "body": body,
        }

    def upload(test: str, flag: str, count: str, ratio: str) -> dict[str, object]:
        parts = {"file": "x", "flag": flag, "count": count, "ratio": ratio, "model": "small", "reference": "x", "offer": "v=0"}
        body = "".join(f'--B\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in parts.items())
        headers = [["content-type", "multipart/form-data; boundary=B"]]
        return {
            "test": test,
            "operation": {"name": "create_upload"},
            "method": "POST",
            "url": f"{url}/uploads",
            "headers": headers,
            "body": (body + "--B--\r\n").encode(),
        }

    requests = [
        chunks("good auto", {"type": "auto"}),
        chunks("good static", {"type": "static", "size": 3}),
        chunks("unknown type", {"type": "dynamic"}),
        chunks("static without size", {"type": "static"}),
        upload("good upload", "false", "2", "-0.5"),
        upload("flag not a boolean", "maybe", "2", "0.5"),
        upload("count not an integer", "true", "2.5", "0.5"),
        upload("ratio not a number", "true", "2", "half"),
    ]
    operations = {"create_chunks": ["post", "/chunks"], "create_upload": ["post", "/uploads"]}
    verdicts = {v["test"]: v for v in _verdicts(spec, tmp_path, requests, operations)}
    assert {t for t, v in verdicts.items() if v["ok"]} == {"good auto", "good static", "good upload"}, verdicts
