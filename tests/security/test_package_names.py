"""Package names: what a spec's file name (or the package option) becomes on disk.

A spec file named ``json.yaml`` gave a package ``json``, which shadows the
standard library's for anyone who puts the output folder on ``sys.path``. Now
a name of the standard library (any Python from 3.11 to 3.14, in any case) or
of a package the generated code imports (httpx and its dependencies, pytest)
becomes ``<name>_api`` with a warning that names the ``package`` option; a
configured ``package`` with such a name is refused.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cli
from generator.ir.naming import module_name, package_name, snake
from generator.pipeline import generate_package

TINY = {
    "openapi": "3.0.3",
    "info": {"title": "Tiny", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"204": {"description": "done"}}}}},
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_same_spec_under_two_names_gives_two_packages(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The package cache's key holds the spec's file name: two copies of one spec
    once got the first one's package (a cache hit), and the run failed."""
    for name in ("first.yaml", "second.yaml"):
        (workdir / name).write_text(json.dumps(TINY), encoding="utf-8")
    assert cli.main(["generate", "first.yaml", "second.yaml", "--out", "out"]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (workdir / "out").iterdir()) == ["first", "second"]
    header = (workdir / "out" / "second" / "client.py").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith("/second.yaml. Do not edit.")


# -- no package shadows a module it or its users import ------------------------

# What the generated package imports and needs at run and test time, written out
# here rather than taken from ir/naming.py.
DEPENDENCIES = ("httpx", "httpcore", "h11", "anyio", "sniffio", "certifi", "idna", "pytest", "pluggy")
STDLIB = tuple(sorted(n for n in sys.stdlib_module_names if not n.startswith("_")))
FORBIDDEN = {n.lower() for n in (*sys.stdlib_module_names, *DEPENDENCIES)}


@pytest.mark.parametrize("group", ["stdlib", "dependencies", "other_pythons"])
def test_no_stem_gives_a_package_named_like_a_module(group: str) -> None:
    names = {
        "stdlib": STDLIB,
        # removed from (or added to) the standard library by a Python other than this one
        "other_pythons": ("asyncore", "distutils", "imp", "cgi", "telnetlib", "annotationlib", "compression"),
        "dependencies": DEPENDENCIES,
    }[group]
    assert len(names) >= 7
    for stem in names:
        for variant in (stem, stem.upper(), stem.capitalize()):
            name, note = package_name(variant)
            assert name.lower() not in FORBIDDEN and name.lower() != stem.lower(), (variant, name)
            assert name.isidentifier()
            if snake(variant) == stem.lower():  # renamed for this very reason, and told so
                assert name == f"{stem.lower()}_api", (variant, name)
                assert note is not None and repr(name) in note and "package =" in note


def test_other_names_are_kept() -> None:
    for stem in ("twilio_trunking_v1", "widgets", "my_json", "json2", "httpx_client", "test_api"):
        assert package_name(stem) == (stem, None)
    assert module_name("json") == "json_api"


def _tiny(path: Path) -> Path:
    path.write_text(json.dumps(TINY), encoding="utf-8")
    return path


@pytest.mark.parametrize("stem", ["json", "email", "httpx", "test"])
def test_generate_renames_and_says_how_to_choose(workdir: Path, capsys: pytest.CaptureFixture[str], stem: str) -> None:
    _tiny(workdir / f"{stem}.yaml")
    assert cli.main(["generate", f"{stem}.yaml", "--out", "out"]) == 0
    err = capsys.readouterr().err
    assert sorted(p.name for p in (workdir / "out").iterdir()) == [f"{stem}_api"]
    (line,) = [line for line in err.splitlines() if "warning:" in line]
    assert line.startswith(f"{stem}.yaml:1: /: warning: the package is named '{stem}_api', not '{stem}'")
    assert "package =" in line and "[[tool.specgen.specs]]" in line
    # the output folder on sys.path leaves the module alone
    probe = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, 'out'); import {stem}_api, {stem}; print({stem}.__file__)"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    assert str(workdir) not in probe.stdout


def test_the_package_option_names_it(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tiny(workdir / "json.yaml")
    (workdir / "pyproject.toml").write_text(
        '[tool.specgen]\n\n[[tool.specgen.specs]]\npath = "json.yaml"\npackage = "acme_json"\n', encoding="utf-8"
    )
    assert cli.main(["generate"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert (workdir / "generated" / "acme_json" / "client.py").is_file()


@pytest.mark.parametrize("package", ["json", "httpx", "Queue", "asyncore"])
def test_a_configured_package_that_shadows_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str], package: str
) -> None:
    _tiny(workdir / "api.yaml")
    (workdir / "pyproject.toml").write_text(
        f'[tool.specgen]\n\n[[tool.specgen.specs]]\npath = "api.yaml"\npackage = "{package}"\n', encoding="utf-8"
    )
    assert cli.main(["generate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pyproject.toml: [[tool.specgen.specs]] #1 package: ")
    assert "would shadow it" in err and "choose another name" in err
    assert not (workdir / "generated").exists()


def test_the_python_api_renames_a_package_argument_too(tmp_path: Path) -> None:
    result = generate_package(_tiny(tmp_path / "api.yaml"), package="httpx")
    assert result.package == "httpx_api"
    assert any("'httpx_api', not 'httpx'" in w for w in result.warnings)
