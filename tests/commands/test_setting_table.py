"""The settings table (issue 17, item 5): a setting is one entry of
``setting_table.SETTINGS``, which the parser, the configuration reader and
the Options of each package all read; no flag or key is listed by hand."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from generator.commands import setting_table
from generator.cli import _parser, main
from generator.commands import targets
from generator.commands.base import UsageError, read_settings
from generator.commands.targets import Target, options_for
from generator.commands.config import ConfigError, load_config
from generator.options import Options
from generator.commands.setting_table import Setting

SHOUT = Setting("shout", "bool", "shout every docstring (config: shout)", key="shout", default=False, option=True)
WIDTH = Setting("width", "int", "a width (config: width)", key="width", default=10, bounds=(1, 99))


@pytest.fixture
def shout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """One more setting in the table, and an Options with its field (as options.py would declare it)."""
    monkeypatch.setattr(setting_table, "SETTINGS", (*setting_table.SETTINGS, SHOUT, WIDTH))
    extended = dataclasses.make_dataclass("Options", [("shout", bool, False)], bases=(Options,), frozen=True)
    monkeypatch.setattr(targets, "Options", extended)
    monkeypatch.chdir(tmp_path)


def _options(*flags: str) -> Options:
    settings = read_settings(_parser("generate").parse_args(["generate", "--no-cache", *flags]))
    return options_for(Target(Path("api.yaml"), None, Path("out")), settings)


@pytest.mark.usefixtures("shout")
def test_a_new_entry_is_a_flag_in_help(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    for command in setting_table.RUN_COMMANDS:
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert re.search(r"--shout, --no-shout +shout every docstring \(config: shout\)", capsys.readouterr().out)
    with pytest.raises(SystemExit):
        main(["lint", "--help"])
    assert "--shout" not in capsys.readouterr().out  # only the commands the entry names


@pytest.mark.usefixtures("shout")
def test_a_new_entry_is_a_key_of_the_configuration(tmp_path: Path) -> None:
    assert load_config().values["shout"] is False  # the default, without pyproject.toml
    (tmp_path / "pyproject.toml").write_text("[tool.specgen]\nshout = true\nwidth = 12\n")
    assert (load_config().values["shout"], load_config().values["width"]) == (True, 12)
    (tmp_path / "pyproject.toml").write_text('[tool.specgen]\nshout = "yes"\n')
    with pytest.raises(ConfigError, match=r'\[tool.specgen\] shout: expected true or false, got "yes"'):
        load_config()
    (tmp_path / "pyproject.toml").write_text("[tool.specgen]\nwidth = 100\n")
    with pytest.raises(ConfigError, match=r"\[tool.specgen\] width: expected 1 to 99, got 100"):
        load_config()


@pytest.mark.usefixtures("shout")
def test_a_new_entry_reaches_options_and_so_the_cache_key_and_manifest(tmp_path: Path) -> None:
    assert getattr(_options(), "shout") is False
    assert getattr(_options("--shout"), "shout") is True
    (tmp_path / "pyproject.toml").write_text("[tool.specgen]\nshout = true\n")
    options = _options()
    assert getattr(options, "shout") is True  # from [tool.specgen]
    assert getattr(_options("--no-shout"), "shout") is False  # the flag wins
    assert '"shout": true' in options.key_text()
    assert options.manifest_options()["shout"] is True


@pytest.mark.usefixtures("shout")
def test_a_new_entry_is_checked_on_the_command_line() -> None:
    with pytest.raises(UsageError, match="--width: expected 1 to 99, got 0"):
        read_settings(_parser("generate").parse_args(["generate", "--width", "0"]))


def test_the_table_keeps_the_keys_in_their_documented_order() -> None:
    """``known keys: ...`` in an unknown key's message lists them in this order."""
    keys = [s.key for s in setting_table.SETTINGS if s.key is not None]
    assert keys == [
        "out",
        "spec-dir",
        "templates",
        "line-length",
        "formatter",
        "strict",
        "lenient",
        "changelog",
        "allow-env",
        "prefer-media-types",
        "lint-acknowledged",
        "shared-runtime",
    ]


def test_every_option_setting_is_a_field_of_options() -> None:
    names = {f.name for f in dataclasses.fields(Options)}
    assert {s.name for s in setting_table.SETTINGS if s.option} <= names
