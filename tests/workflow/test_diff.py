"""`specgen diff OLD NEW`, the report `generate` prints, and changelog entries."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

import yaml

from generator.commands.base import EXIT_BREAKING, EXIT_INPUT, EXIT_OK
from generator.render.specdiff import compare

from .conftest import PACKAGE, SEED, CliRunner, make_repo

LIST = "/v1/Trunks/{TrunkSid}/PhoneNumbers"


def _write_spec(path: Path, edit: Callable[[dict[str, Any]], None] | None = None) -> Path:
    doc = yaml.safe_load(SEED.read_text())
    if edit is not None:
        edit(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _phone(doc: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = doc["components"]["schemas"]["PhoneNumber"]["properties"]
    return props


def _params(doc: dict[str, Any]) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = doc["paths"][LIST]["get"]["parameters"]
    return params


def _breaking_edit(doc: dict[str, Any]) -> None:
    phone = _phone(doc)
    del phone["friendly_name"]  # removed field
    phone["beta"]["type"] = "string"  # type change
    phone["address_requirements"]["enum"] = ["none", "any", "local"]  # narrowed enum
    phone["region"] = {"type": "string", "nullable": True}  # added field
    _params(doc)[2]["required"] = True  # Page became required
    _params(doc).append({"name": "Beta", "in": "query", "schema": {"type": "boolean"}})  # added, optional
    get = doc["paths"][LIST]["get"]
    doc["paths"]["/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}"] = {
        "delete": {
            "operationId": "DeletePhoneNumber",
            "parameters": [
                {"name": "TrunkSid", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "Sid", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {"204": {"description": "Deleted"}},
        }
    }
    assert get["operationId"] == "ListPhoneNumbers"


def test_diff_lists_changes_and_flags_breaking_ones(tmp_path: Path, cli: CliRunner) -> None:
    old = _write_spec(tmp_path / "old" / "api.yaml")
    new = _write_spec(tmp_path / "new" / "api.yaml", _breaking_edit)
    result = cli("diff", str(old), str(new), cwd=tmp_path)
    assert result.code == EXIT_OK, result.err
    lines = [line.strip() for line in result.out.splitlines()]
    assert "BREAKING removed field PhoneNumber.friendly_name: str | None" in lines
    assert "BREAKING changed field PhoneNumber.beta: type changed from bool | None to str | None" in lines
    assert "BREAKING removed enum value PhoneNumberAddressRequirements: 'foreign'" in lines
    assert "BREAKING changed parameter list_phone_numbers(page): now required" in lines
    assert "added field PhoneNumber.region: str | None" in lines
    assert "added parameter list_phone_numbers(beta): optional query parameter Beta" in lines
    assert "added operation delete_phone_number: DELETE /v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}" in lines
    assert "6 breaking" not in result.out and "4 breaking" in lines[0]
    gated = cli("diff", str(old), str(new), "--fail-on-breaking", cwd=tmp_path)
    assert gated.code == EXIT_BREAKING
    assert "4 breaking changes and --fail-on-breaking given" in gated.err
    # The other way round, the added operation is removed: breaking too.
    back = cli("diff", str(new), str(old), cwd=tmp_path)
    assert "BREAKING removed operation delete_phone_number: DELETE" in back.out


def test_non_breaking_changes_pass_the_gate(tmp_path: Path, cli: CliRunner) -> None:
    old = _write_spec(tmp_path / "old.yaml")

    def additive(doc: dict[str, Any]) -> None:
        _phone(doc)["address_requirements"]["enum"].append("global")
        _phone(doc)["region"] = {"type": "string"}

    new = _write_spec(tmp_path / "new.yaml", additive)
    result = cli("diff", str(old), str(new), "--fail-on-breaking", cwd=tmp_path)
    assert result.code == EXIT_OK, result.out
    assert "2 API change(s), 0 breaking" in result.out
    assert "added enum value PhoneNumberAddressRequirements: 'global'" in result.out
    same = cli("diff", str(old), str(old), "--fail-on-breaking", cwd=tmp_path)
    assert same.code == EXIT_OK and "0 API change(s)" in same.out


def test_changed_path_or_method_is_breaking(tmp_path: Path, cli: CliRunner) -> None:
    old = _write_spec(tmp_path / "old.yaml")

    def moved(doc: dict[str, Any]) -> None:
        doc["paths"]["/v2/Trunks/{TrunkSid}/Numbers"] = {"post": doc["paths"].pop(LIST)["get"]}

    new = _write_spec(tmp_path / "new.yaml", moved)
    result = cli("diff", str(old), str(new), cwd=tmp_path)
    assert (
        f"BREAKING changed operation list_phone_numbers: now POST /v2/Trunks/{{TrunkSid}}/Numbers (was GET {LIST})"
        in result.out
    )


def test_summary_rules() -> None:
    field = {"wire": "x", "type": "str | None", "required": False}
    old = {"models": {"M": {"fields": {"x": field}}}, "operations": {}, "enums": {}}
    narrowed = copy.deepcopy(old)
    narrowed["models"]["M"]["fields"]["x"]["type"] = "str"
    (change,) = compare(old, narrowed)
    assert not change.breaking  # can no longer be None: old code still works
    (change,) = compare(narrowed, old)
    assert change.breaking  # may now be None
    op = {"method": "GET", "path": "/a", "returns": "_rt.Request[None]", "deprecated": False, "parameters": {}}
    param = {"wire": "P", "in": "query", "type": "int", "required": True, "rules": {}}
    with_op = {"operations": {"a": op}, "models": {}, "enums": {}}
    with_required = copy.deepcopy(with_op)
    with_required["operations"]["a"]["parameters"]["p"] = param
    (change,) = compare(with_op, with_required)
    assert change.breaking and change.plain() == "required query parameter P"


def test_changelog_is_written_and_prepended(tmp_path: Path, cli: CliRunner) -> None:
    old = _write_spec(tmp_path / "old.yaml")
    new = _write_spec(tmp_path / "new.yaml", _breaking_edit)
    changelog = tmp_path / "CHANGELOG.md"
    assert (
        cli("diff", str(old), str(new), "--changelog", str(changelog), "--package", PACKAGE, cwd=tmp_path).code
        == EXIT_OK
    )
    first = changelog.read_text()
    assert first.startswith(f"# Changelog\n\n## `{PACKAGE}` `1.0.0`\n\n### Breaking changes\n\n")
    assert "- Removed field `PhoneNumber.friendly_name`: `str | None`" in first
    assert "### Added\n\n" in first
    assert "- Added operation `delete_phone_number`: `DELETE` `/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}`" in first

    def bump(doc: dict[str, Any]) -> None:
        _breaking_edit(doc)
        doc["info"]["version"] = "1.1.0"
        _phone(doc)["note"] = {"type": "string"}

    newer = _write_spec(tmp_path / "newer.yaml", bump)
    cli("diff", str(new), str(newer), "--changelog", str(changelog), "--package", PACKAGE, cwd=tmp_path)
    second = changelog.read_text()
    assert second.count("# Changelog\n") == 1
    assert second.index("`1.0.0` → `1.1.0`") < second.index("## `twilio_trunking_v1` `1.0.0`\n")
    markdown = cli("diff", str(new), str(newer), "--format", "markdown", "--package", PACKAGE, cwd=tmp_path)
    assert markdown.out.startswith(f"## `{PACKAGE}` `1.0.0` → `1.1.0`")


def test_generate_reports_changes_against_the_manifest(tmp_path: Path, cli: CliRunner) -> None:
    repo = make_repo(
        tmp_path / "r",
        '[tool.specgen]\nchangelog = "CHANGELOG.md"\n[[tool.specgen.specs]]\npath = "spec/twilio_trunking_v1.yaml"\n',
    )
    first = cli("generate", cwd=repo)
    assert first.code == 0 and "API change" not in first.out  # nothing to compare with yet
    assert not (repo / "CHANGELOG.md").exists()
    spec = repo / "spec" / SEED.name
    _write_spec(spec, _breaking_edit)
    old_spec_gone = repo / "old.yaml"
    assert not old_spec_gone.exists()  # the old spec is not needed: the manifest has the summary
    second = cli("generate", cwd=repo)
    assert second.code == 0, second.err
    assert f"{PACKAGE}: API changes since the last generation:" in second.out
    assert "BREAKING removed field PhoneNumber.friendly_name" in second.out
    assert "API changes prepended to CHANGELOG.md" in second.err
    assert "### Breaking changes" in (repo / "CHANGELOG.md").read_text()
    # The package folder works as the old side of `specgen diff` too.
    again = cli("diff", f"generated/{PACKAGE}", str(spec), "--fail-on-breaking", cwd=repo)
    assert again.code == EXIT_OK and "0 API change(s)" in again.out
    quiet = cli("generate", "-q", cwd=repo)
    assert quiet.out == ""


def test_bad_inputs(tmp_path: Path, cli: CliRunner) -> None:
    good = _write_spec(tmp_path / "ok.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.3\ninfo: {}\n")
    result = cli("diff", str(broken), str(good), cwd=tmp_path)
    assert result.code == EXIT_INPUT
    assert result.err.startswith(f"{broken}:")
    (tmp_path / "folder").mkdir()
    result = cli("diff", str(tmp_path / "folder"), str(good), cwd=tmp_path)
    assert result.code == EXIT_INPUT and "without _specgen.json" in result.err
    usage = cli("diff", str(good), cwd=tmp_path)
    assert usage.code == EXIT_INPUT
