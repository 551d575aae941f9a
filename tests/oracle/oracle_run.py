"""Generate a spec's package, run its tests capturing every request, ask the oracle.

Used by ``tests/test_oracle.py``; also a script printing acceptance counts::

    .venv/bin/python tests/oracle/oracle_run.py SPEC...

The generator and the package's tests run in this interpreter's venv, the
oracle (``oracle.py``) in ``.venv-oracle`` (``make .venv-oracle/.installed``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ORACLE_PYTHON = ROOT / ".venv-oracle" / "bin" / "python"
sys.path.insert(0, str(ROOT / "scripts"))
import corpus  # noqa: E402  (the corpora's specs and lenient flags: one table)

SHARED = corpus.SHARED


@dataclass
class OracleResult:
    spec: str
    generated: bool = False
    error: str = ""  # why it does not generate, or why the run failed
    verdicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(1 for v in self.verdicts if v["ok"])

    def rejected(self) -> list[dict[str, Any]]:
        return [v for v in self.verdicts if not v["ok"]]


def corpus_specs() -> list[Path]:
    """Every spec of both shared corpora (empty when they are absent)."""
    return [SHARED / name / entry.path for name in corpus.CORPORA for entry in corpus.entries(name)]


def spec_operations(spec: Path) -> int:
    """Operations as the spec lists them, read without the generator."""
    import yaml

    text = spec.read_text(encoding="utf-8")
    document = json.loads(text) if spec.suffix == ".json" else yaml.safe_load(text)
    methods = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    paths = document.get("paths") or {}
    return sum(1 for item in paths.values() if isinstance(item, dict) for m in methods if isinstance(item.get(m), dict))


def run_spec(spec: Path, work: Path) -> OracleResult:
    """Generate ``spec`` under ``work``, capture its tests' requests, judge them."""
    from generator.commands.cache import Cache
    from generator.pipeline import generate_package
    from generator.write.stage import write_packages

    result = OracleResult(spec.name)
    try:
        # the session's cache (conftest.py): formatting shared with tests/test_corpus.py's run
        generated = generate_package(str(spec), lenient=corpus.needs_lenient(spec), cache=Cache.from_env())
        write_packages(work, generated.files)
    except Exception as exc:  # noqa: BLE001  (recorded: the spec does not generate)
        result.error = f"does not generate: {type(exc).__name__}: {str(exc)[:300]}"
        return result
    result.generated = True
    assert generated.api is not None  # no cache here
    if not generated.api.operations:
        result.error = "no operations: nothing to send"
        return result
    operations = work / f"{generated.package}.operations.json"
    operations.write_text(json.dumps({op.name: [op.method, op.path] for op in generated.api.operations}))
    captured = work / f"{generated.package}.requests.jsonl"
    captured.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "SPECGEN_ORACLE_CAPTURE": str(captured),
    }
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "oracle_capture", generated.package],
        cwd=work, env=env, capture_output=True, text=True, timeout=1800,
    )
    if not captured.exists():
        result.error = f"no request sent by the package's tests: {tests.stdout[-1500:]}{tests.stderr[-1500:]}"
        return result
    oracle = subprocess.run(
        [str(ORACLE_PYTHON), str(HERE / "oracle.py"), str(spec), str(captured), str(operations)],
        capture_output=True, text=True, timeout=1800,
    )
    if oracle.returncode != 0:
        result.error = f"oracle failed: {oracle.stderr[-2000:]}"
    result.verdicts = [json.loads(line) for line in oracle.stdout.splitlines() if line.strip()]
    return result


def main(argv: list[str]) -> int:
    specs = [Path(a) for a in argv[1:]] or corpus_specs()
    show = os.environ.get("ORACLE_SHOW_ERRORS") == "1"
    keep = os.environ.get("ORACLE_WORK")  # a folder to keep packages and captures in
    with tempfile.TemporaryDirectory() as tmp:
        for index, spec in enumerate(specs):
            work = Path(keep or tmp) / str(index)
            work.mkdir(parents=True, exist_ok=True)
            result = run_spec(spec, work)
            if not result.generated:
                print(f"{spec.name}: {result.error[:200]}", flush=True)
                continue
            print(f"{spec.name}: {result.accepted}/{len(result.verdicts)} accepted {result.error[:300]}", flush=True)
            if show:
                for verdict in result.rejected():
                    print(f"  {verdict['test']}: {' | '.join(verdict['errors'])[:700]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv))
