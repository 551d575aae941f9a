"""The wheel carries the templates and the runtime: ``pip install .`` works outside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
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


def test_wheel_ships_the_transcribing_guide(wheel: Path) -> None:
    """``specgen init``'s skeleton points to the guide: the wheel has it, docs/ is its one source."""
    shipped = zipfile.ZipFile(wheel).read("generator/docs/transcribing.md")
    assert shipped == (ROOT / "docs" / "transcribing.md").read_bytes()


def test_wheel_in_a_fresh_venv_runs_init_generate_check(wheel: Path, tmp_path: Path) -> None:
    """The README's install path: the built wheel in an environment of its own.

    Offline: ``pip install --no-deps --no-index`` of the wheel into a fresh venv
    (no pip of its own), whose dependencies come from this venv's site-packages
    through a .pth line (a plain path: this venv's editable specgen is not seen).
    """
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True, timeout=120)
    python = fresh / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout.strip()
    deps = sysconfig.get_paths()["purelib"]
    Path(purelib, "specgen_test_deps.pth").write_text(deps + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
         "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True, timeout=300,
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()  # bounds the pyproject.toml search, as in a user's repository
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{fresh / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def specgen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["specgen", *args], cwd=project, env=env, capture_output=True, text=True, timeout=300
        )

    where = subprocess.run(
        [str(python), "-c", "import generator; print(generator.__file__)"],
        cwd=project, env=env, check=True, capture_output=True, text=True, timeout=60,
    )
    assert where.stdout.startswith(purelib), "the wheel's copy must be the one that runs"
    init = specgen("init")
    assert init.returncode == 0, init.stderr
    # the skeleton points to the guide inside the installed wheel, which is docs/transcribing.md
    guide = Path(purelib, "generator", "docs", "transcribing.md")
    assert f"\n# {guide}\n" in (project / "spec" / "example.yaml").read_text()
    assert guide.read_bytes() == (ROOT / "docs" / "transcribing.md").read_bytes()
    generate = specgen("generate", "--strict")
    assert generate.returncode == 0, generate.stderr
    assert (project / "generated" / "example" / "client.py").is_file()
    check = specgen("check")
    assert check.returncode == 0 and "is up to date" in check.stdout, check.stdout + check.stderr
