"""Generated packages are clean under pyright --strict (issue 18 item 8).

A vendored package is type-checked as part of its user's project, and many
users run pyright (VS Code's checker) in strict mode. ``make test`` runs
``mypy --strict`` on the same packages (see the Makefile); this runs pyright,
pinned in package.json and installed by ``npm ci`` with Prism, once over every
golden package (its runtime put back, see tests/golden_runtime.py),
generated/, and two packages sharing one runtime package (``--shared-runtime``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden_runtime import ROOT, assemble, cases

PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"
GENERATED = ROOT / "generated"
SETTINGS = {"typeCheckingMode": "strict", "pythonVersion": "3.11"}


def _pyright_or_skip() -> Path:
    if shutil.which("node") is None or not PYRIGHT.is_file():
        pytest.skip(
            "pyright is not installed (it comes with the Node tools: run "
            "`make node_modules/.installed`, or `npm ci`, with Node 20+)"
        )
    return PYRIGHT


def _run(folders: list[Path], config_dir: Path) -> dict[str, object]:
    """pyright's JSON report on ``folders``, strict, with this interpreter's
    site-packages (httpx) for imports."""
    config = config_dir / "pyrightconfig.json"
    config.write_text(json.dumps({**SETTINGS, "include": [str(f) for f in folders]}), encoding="utf-8")
    done = subprocess.run(
        [str(_pyright_or_skip()), "--outputjson", "-p", str(config), "--pythonpath", sys.executable],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=config_dir,
    )
    assert done.stdout.strip(), f"pyright printed no report (exit {done.returncode}): {done.stderr}"
    report: dict[str, object] = json.loads(done.stdout)
    return report


def _errors(report: dict[str, object]) -> list[str]:
    diagnostics = report.get("generalDiagnostics")
    assert isinstance(diagnostics, list)
    return [
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']} ({d.get('rule', '')})"
        for d in diagnostics
        if d.get("severity") == "error"
    ]


def test_golden_and_generated_packages_are_clean_under_pyright_strict(tmp_path: Path) -> None:
    _pyright_or_skip()
    goldens = tmp_path / "goldens"
    for case in cases():
        assemble(case, goldens / case)
    shared = tmp_path / "shared"  # two packages importing one runtime package (issue 18 item 6)
    subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--shared-runtime", "specgen_rt", "--out", str(shared),
         str(ROOT / "spec" / "twilio_trunking_v1.yaml"), str(ROOT / "tests" / "golden" / "widgets" / "widgets.yaml")],
        check=True, capture_output=True, cwd=tmp_path, timeout=600,
    )
    assert sorted(p.name for p in shared.iterdir()) == ["specgen_rt", "twilio_trunking_v1", "widgets"]
    folders = [goldens, shared, *sorted(p for p in GENERATED.iterdir() if (p / "__init__.py").is_file())]
    report = _run(folders, tmp_path)
    summary = report.get("summary")
    assert isinstance(summary, dict) and summary.get("filesAnalyzed", 0) > 0, report
    errors = _errors(report)
    assert not errors, f"{len(errors)} pyright --strict errors:\n" + "\n".join(errors[:50])


def test_the_check_finds_an_error_when_there_is_one(tmp_path: Path) -> None:
    """The run above would report a real error (not pass on an empty check)."""
    _pyright_or_skip()
    package = tmp_path / "broken"
    package.mkdir()
    (package / "__init__.py").write_text("def f(x):\n    return x\n", encoding="utf-8")
    errors = _errors(_run([package], tmp_path))
    assert any("broken/__init__.py:1:" in e for e in errors), errors
