"""[tool.specgen] in pyproject.toml, command-line overrides, and `specgen init`."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from generator.commands.config import load_config
from generator.commands.scaffold import example_spec, guide_path

from .conftest import PACKAGE, CliRunner, make_repo

CUSTOM = """\
[tool.specgen]
out = "vendor"
line-length = 100
strict = false

[[tool.specgen.specs]]
path = "spec/twilio_trunking_v1.yaml"
package = "trunking"
"""


def test_config_sets_output_package_and_line_length(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r", CUSTOM)
    result = cli("generate", cwd=repo)
    assert result.code == 0, result.err
    package = repo / "vendor" / "trunking"
    assert (package / "client.py").is_file()
    assert not (repo / "generated").exists()
    manifest = json.loads((package / "_specgen.json").read_text())
    assert manifest["package"] == "trunking"
    assert manifest["options"] == {"line_length": 100}
    lengths = [
        len(line)
        for path in package.rglob("*.py")
        if "_runtime" not in path.parts
        for line in path.read_text().splitlines()
    ]
    assert any(88 < n <= 100 for n in lengths)  # black joined lines that 88 columns would split
    assert cli("check", cwd=repo).code == 0


def test_command_line_overrides_config(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r", CUSTOM)
    result = cli("generate", "--out", "elsewhere", "--line-length", "88", cwd=repo)
    assert result.code == 0, result.err
    manifest = json.loads((repo / "elsewhere" / "trunking" / "_specgen.json").read_text())
    assert manifest["options"] == {"line_length": 88}
    # The package name still comes from the config entry for this spec.
    assert cli("check", "spec/twilio_trunking_v1.yaml", "--out", "elsewhere", "--line-length", "88", cwd=repo).code == 0
    # A check with the configured line length sees the difference as staleness.
    stale = cli("check", "--out", "elsewhere", cwd=repo)
    assert stale.code == 1
    assert "options changed (line_length 88 -> 100)" in stale.err


def test_config_is_found_from_a_subdirectory(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r", CUSTOM)
    sub = repo / "src" / "deep"
    sub.mkdir(parents=True)
    result = cli("generate", cwd=sub)
    assert result.code == 0, result.err
    assert (repo / "vendor" / "trunking" / "_specgen.json").is_file()  # relative to pyproject.toml


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('line-length = "x"', 'pyproject.toml: [tool.specgen] line-length: expected an integer, got "x"'),
        ("strict = 1", "pyproject.toml: [tool.specgen] strict: expected true or false, got 1"),
        ("out = 3", "pyproject.toml: [tool.specgen] out: expected a string, got 3"),
        ("lenght = 80", "pyproject.toml: [tool.specgen]: unknown key 'lenght'"),
        ("line_length = 80", "unknown key 'line_length' (did you mean line-length?)"),
        ('specs = "spec/a.yaml"', "pyproject.toml: [tool.specgen] specs: expected an array of tables"),
        ('[[tool.specgen.specs]]\npath = "a.yaml"\npackge = "x"', "[[tool.specgen.specs]] #1: unknown key 'packge'"),
        ('[[tool.specgen.specs]]\npackage = "x"', "[[tool.specgen.specs]] #1: missing the required key path"),
        (
            '[[tool.specgen.specs]]\npath = "a.yaml"\npackage = "not-a-name"',
            '#1 package: expected a Python package name, got "not-a-name"',
        ),
        (
            'prefer-media-types = "application/json"',
            'pyproject.toml: [tool.specgen] prefer-media-types: expected an array of media types, got "application/json"',
        ),
        (
            '[[tool.specgen.specs]]\npath = "a.yaml"\nprefer-media-types = ["json"]',
            '#1 prefer-media-types: expected a media type such as "application/json", got "json"',
        ),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, cli: CliRunner, section: str, message: str) -> None:
    repo = make_repo(tmp_path / "r", f"[tool.specgen]\n{section}\n")
    for command in ("generate", "check", "lint"):
        result = cli(command, cwd=repo)
        assert result.code == 2, (command, result.err)
        assert message in result.err, result.err
        assert "Traceback" not in result.err
    assert not (repo / "generated").exists()


PREFER = """\
[tool.specgen]
prefer-media-types = ["multipart/*"]

[[tool.specgen.specs]]
path = "spec/wire_media.yaml"
{entry}
"""


def test_prefer_media_types_reaches_the_package_and_its_manifest(tmp_path: Path, cli: CliRunner) -> None:
    """The top-level list, then a spec entry's own; a change regenerates
    (the cache key holds it) and ``check`` names it."""
    repo = make_repo(tmp_path / "r", PREFER.format(entry=""), spec=ROOT / "tests" / "oracle" / "specs" / "wire_media.yaml")
    notes = repo / "generated" / "wire_media" / "operations" / "notes.py"
    manifest = repo / "generated" / "wire_media" / "_specgen.json"
    assert cli("generate", cwd=repo).code == 0
    assert json.loads(manifest.read_text())["options"]["prefer_media_types"] == ["multipart/*"]
    assert '"multipart"' in notes.read_text() and '"form"' not in notes.read_text()
    (repo / "pyproject.toml").write_text(PREFER.format(entry='prefer-media-types = ["application/x-www-form-urlencoded"]'))
    stale = cli("check", cwd=repo)
    assert stale.code == 1 and "prefer_media_types ['multipart/*'] -> ['application/x-www-form-urlencoded']" in stale.err
    assert cli("generate", cwd=repo).code == 0
    assert json.loads(manifest.read_text())["options"]["prefer_media_types"] == ["application/x-www-form-urlencoded"]
    assert '"form"' in notes.read_text() and '"multipart"' not in notes.read_text()
    assert cli("check", cwd=repo).code == 0


def test_invalid_toml_is_an_input_error(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r", "[tool.specgen\n")
    result = cli("generate", cwd=repo)
    assert result.code == 2
    assert result.err.startswith("pyproject.toml: invalid TOML")


def test_without_a_section_the_defaults_apply(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r", '[project]\nname = "x"\n')
    assert cli("generate", cwd=repo).code == 0
    assert (repo / "generated" / PACKAGE / "_specgen.json").is_file()


def test_this_repository_is_configured_like_its_defaults() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "specgen" in data["tool"]
    config = load_config(ROOT)
    assert config.has_section
    assert config.out.resolve() == (ROOT / "generated").resolve()
    assert config.spec_dir.resolve() == (ROOT / "spec").resolve()
    assert config.line_length == 88 and config.strict is False and config.templates is None
    found = {e.path.resolve() for e in config.discover_specs()}
    assert found == {p.resolve() for p in (ROOT / "spec").glob("*.yaml")}


def test_init_in_an_empty_folder_generates_cleanly(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(tmp_path / "r", None, spec=None)
    result = cli("init", cwd=repo)
    assert result.code == 0, result.err
    assert "spec/example.yaml" in result.out
    skeleton = (repo / "spec" / "example.yaml").read_text()
    assert skeleton == example_spec()
    # the skeleton names the guide by a path this specgen has (a checkout's docs/ here)
    assert f"\n# {guide_path()}\n" in skeleton
    assert guide_path().read_bytes() == (ROOT / "docs" / "transcribing.md").read_bytes()
    config = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["specgen"]
    # the starter spec's x-specgen-env names are allowed, so --strict below has no warning
    assert config["specs"] == [{"path": "spec/example.yaml", "allow-env": ["EXAMPLE_API_USER", "EXAMPLE_API_TOKEN"]}]
    strict = cli("generate", "--strict", cwd=repo)
    assert strict.code == 0, strict.err
    assert strict.err == ""  # no warnings
    readme = (repo / "generated" / "example" / "README.md").read_text()
    assert 'client.fetch_item("IT0123456789abcdef0123456789abcdef")' in readme
    lint = cli("lint", "--strict", cwd=repo)
    assert lint.code == 0, lint.out + lint.err
    assert lint.out == ""
    assert cli("check", cwd=repo).code == 0


def test_init_appends_to_an_existing_pyproject(tmp_path: Path, cli: CliRunner) -> None:
    existing = '[project]\nname = "mine"\n\n[tool.black]\nline-length = 100'  # no final newline
    repo = make_repo(tmp_path / "r", existing, spec=None)
    (repo / "spec").mkdir()
    (repo / "spec" / "example.yaml").write_text("# my own\n")
    result = cli("init", cwd=repo)
    assert result.code == 0, result.err
    text = (repo / "pyproject.toml").read_text()
    assert text.startswith(existing + "\n")
    data = tomllib.loads(text)
    assert data["tool"]["black"] == {"line-length": 100} and "specgen" in data["tool"]
    assert (repo / "spec" / "example.yaml").read_text() == "# my own\n"  # kept
    assert "kept the existing spec/example.yaml" in result.out


def test_init_refuses_when_a_section_exists(tmp_path: Path, cli: CliRunner) -> None:
    text = '[tool.specgen]\nout = "x"\n'
    repo = make_repo(tmp_path / "r", text, spec=None)
    result = cli("init", cwd=repo)
    assert result.code == 2
    assert "already has a [tool.specgen] section" in result.err
    assert (repo / "pyproject.toml").read_text() == text
    assert not (repo / "spec").exists()
