"""The wheel carries the templates and the runtime: ``pip install .`` works outside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, tree_hash


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{proc.stdout}\n{proc.stderr}")
    [built] = sorted(out.glob("specgen-*.whl"))
    return built


def test_wheel_contains_templates_and_runtime(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = sorted(
        p.relative_to(ROOT / "templates").as_posix()
        for p in (ROOT / "templates").rglob("*.jinja")
    )
    assert templates
    for template in templates:
        assert f"generator/templates/{template}" in names
    for runtime in (ROOT / "generator" / "runtime").glob("*.py"):
        assert f"generator/runtime/{runtime.name}" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_generates_the_same_package_outside_the_repo(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # configured as this repository is (its allow-env names the seed's credentials' variables)
    (elsewhere / "pyproject.toml").write_text(
        '[tool.specgen]\nallow-env = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]\n', encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    spec = ROOT / "spec" / "twilio_trunking_v1.yaml"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, generator; from generator.cli import main; print(generator.__file__); sys.exit(main(sys.argv[1:]))",
            "generate",
            str(spec),
            "--out",
            str(elsewhere / "out"),
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith(
        str(site)
    ), "the installed copy must be the one that ran"
    package = "twilio_trunking_v1"
    assert tree_hash(elsewhere / "out" / package) == tree_hash(
        ROOT / "generated" / package
    )
