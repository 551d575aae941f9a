"""One frozen Options (issue 17, part 3): the package cache's key and the
manifest's options are derived from its fields, with no hand-kept list."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from generator.commands.cache import package_key
from generator.options import Options
from generator.pipeline import generate_package

SEED = ROOT / "spec" / "twilio_trunking_v1.yaml"
TINY = """openapi: 3.0.3
info: {title: T, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /items:
    get:
      operationId: listItems
      responses:
        '200': {description: ok}
"""

# One value other than the default for each field (a new field needs a row: see the test below).
OTHER: dict[str, Any] = {
    "package": "other_name",
    "line_length": 100,
    "formatter": "ruff",
    "formatter_version": "9.9.9",
    "templates": Path("my_templates"),
    "allow_env": frozenset({"SOME_TOKEN"}),
    "lenient": True,
    "prefer_media_types": ("multipart/form-data",),
    "shared_runtime": "api_runtime",
}


def _key(options: Options) -> str:
    return package_key(options, "spec-fingerprint", "api.yaml", "spec/api.yaml")


def test_every_field_has_another_value_here() -> None:
    assert sorted(OTHER) == sorted(f.name for f in dataclasses.fields(Options))


@pytest.mark.parametrize("name", sorted(OTHER))
def test_two_options_differing_in_one_field_have_different_keys(name: str) -> None:
    base = Options()
    changed = dataclasses.replace(base, **{name: OTHER[name]})
    assert base.key_text() != changed.key_text()
    assert _key(base) != _key(changed)


def test_the_key_does_not_depend_on_set_order() -> None:
    one = Options(allow_env=frozenset(["A_TOKEN", "B_TOKEN", "C_TOKEN"]))
    two = Options(allow_env=frozenset(["C_TOKEN", "A_TOKEN", "B_TOKEN"]))
    assert one.key_text() == two.key_text()


def _with_new_field() -> type[Options]:
    """Options with one more setting, as a later change would add it: no other edit."""
    return dataclasses.make_dataclass(  # type: ignore[no-any-return]
        "WithColour", [("colour", str, dataclasses.field(default="blue"))], bases=(Options,), frozen=True
    )


def test_a_new_field_is_in_the_key_and_the_manifest_options() -> None:
    extended = _with_new_field()
    blue, red = extended(), extended(colour="red")  # type: ignore[call-arg]
    assert _key(blue) != _key(red), "the cache key follows the new field"
    assert _key(Options()) != _key(blue), "the key names the field, not only its value"
    assert blue.manifest_options() == {"line_length": 88, "colour": "blue"}
    assert red.manifest_options() == {"line_length": 88, "colour": "red"}


def test_a_new_field_reaches_the_written_manifest(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(TINY)
    extended = _with_new_field()
    result = generate_package(spec, extended(colour="red"))  # type: ignore[call-arg]
    manifest = json.loads(result.files["api/_specgen.json"])
    assert manifest["options"] == {"line_length": 88, "colour": "red"}


def test_the_manifest_options_of_the_existing_fields_are_unchanged() -> None:
    """Packages generated before Options stay fresh: the same entries as before."""
    assert Options().manifest_options() == {"line_length": 88}
    assert Options(line_length=60, lenient=True, package="x", allow_env=frozenset({"A"})).manifest_options() == {
        "line_length": 60,
        "lenient": True,
    }
    ruff = Options(formatter="ruff", formatter_version="0.17.6")
    assert ruff.manifest_options() == {"line_length": 88, "formatter": "ruff", "ruff_version": "0.17.6"}
    # the shared runtime only while set: manifests from before it stay fresh
    assert Options(shared_runtime="api_runtime").manifest_options() == {"line_length": 88, "shared_runtime": "api_runtime"}


def test_settings_replace_fields(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(TINY)
    result = generate_package(spec, Options(line_length=100), package="renamed", lenient=True)
    manifest = json.loads(result.files["renamed/_specgen.json"])
    assert manifest["options"] == {"line_length": 100, "lenient": True}


def test_options_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Options().line_length = 60  # type: ignore[misc]
