"""Paths stay inside the output root, whatever the spec and its file are called."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator import cli
from generator.ir.naming import WINDOWS_RESERVED, Scope, module_name
from generator.pipeline import Generated, generate_package
from generator.write.stage import safe_target, write_packages

DEVICES = [
    "CON",
    "con",
    "NUL",
    "nul.txt",
    "COM1",
    "Com9",
    "LPT1",
    "AUX",
    "PRN",
    "aux.yaml",
]
TRAVERSAL = [
    "../evil",
    "../../etc/passwd",
    "/etc/passwd",
    "/abs",
    "a\\b",
    "..\\evil",
    "C:\\Windows",
    "C:/Windows",
    "~/x",
]
TRICKY = [
    "__init__",
    "__main__",
    "..",
    ".",
    "...",
    "-",
    "_",
    "",
    " ",
    "x" * 300,
    "Foo",
    "foo",
    "FOO",
    "ﬁle",
    "naïve",
]
ALL_NAMES = DEVICES + TRAVERSAL + TRICKY


def hostile_path_spec() -> dict[str, Any]:
    """Path segments, schema names, tags and operationIds that look like paths, devices, collisions."""
    # The validator allows component names matching ^[a-zA-Z0-9.\-_]+$ only.
    schema_names = [
        n
        for n in ALL_NAMES
        if n and all(c.isascii() and (c.isalnum() or c in ".-_") for c in n)
    ]
    schemas = {
        name: {
            "type": "object",
            "title": name,
            "properties": {"value": {"type": "string"}},
        }
        for name in schema_names
    }
    paths: dict[str, Any] = {}
    for index, name in enumerate(ALL_NAMES):
        # Operations are grouped into modules by their first path segment.
        paths[f"/{name}/items{index}"] = {
            "get": {
                "operationId": name,
                "tags": [name, name.upper(), name.lower()],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "$ref": f"#/components/schemas/{schema_names[index % len(schema_names)]}"
                                }
                            }
                        },
                    }
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Paths", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "tags": [{"name": name} for name in dict.fromkeys(ALL_NAMES)],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def written_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )


def assert_portable(relative: str) -> None:
    """A relative output path that every file system can hold as is."""
    for part in relative.split("/"):
        assert part and part not in (".", ".."), relative
        assert (
            part.split(".")[0].lower() not in WINDOWS_RESERVED
        ), f"{relative}: {part} is a Windows device name"
        assert not part.endswith((".", " ")), relative
        assert len(part.encode()) <= 255, relative
        assert not set(part) & set('<>:"\\|?*') and all(
            ord(c) >= 32 for c in part
        ), relative


def assert_inside(root: Path, files: dict[str, str]) -> None:
    real_root = root.resolve()
    on_disk = written_files(root)
    for path in on_disk:
        assert path.resolve().is_relative_to(real_root), path
    # Nothing overwrote anything: one file on disk per file generated.
    assert len(on_disk) == len(files)
    assert {p.relative_to(root).as_posix() for p in on_disk} == set(files)
    # Nor would anything on a case-insensitive file system.
    assert len({key.casefold() for key in files}) == len(files)
    for key in files:
        assert_portable(key)


@pytest.fixture(scope="module")
def con_spec(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Generated]:
    """The hostile spec, in a file whose name is a Windows device, generated once."""
    spec = tmp_path_factory.mktemp("con") / "CON.json"
    spec.write_text(json.dumps(hostile_path_spec()))
    return spec, generate_package(spec)


def test_names_that_look_like_paths_stay_inside(
    tmp_path: Path, con_spec: tuple[Path, Generated]
) -> None:
    _spec, result = con_spec
    out = tmp_path / "out"
    write_packages(out, result.files)
    assert_inside(out, result.files)
    assert {p.name for p in out.iterdir()} == {"con_"}
    # Operation names were claimed once each: as many functions as operations.
    assert len(result.api.operations) == len(ALL_NAMES)
    assert len({op.name for op in result.api.operations}) == len(ALL_NAMES)
    assert len({m.name for m in result.api.models}) == len(result.api.models)


SPEC_FILE_STEMS = [
    "CON",
    "nul",
    "Aux",
    "com1",
    "LPT9",
    "prn",
    "__init__",
    "__main__",
    "class",
    "1st",
    "naïve",
    "x" * 200,
    "con.txt",
]


@pytest.mark.parametrize("stem", SPEC_FILE_STEMS, ids=lambda s: s[:20])
def test_spec_file_names_make_identifier_packages(stem: str) -> None:
    name = module_name(Path(f"{stem}.json").stem)
    assert name.isidentifier() and name.isascii() and len(name) <= 80
    assert name.lower() not in WINDOWS_RESERVED
    assert not name.startswith("__")


@pytest.mark.parametrize(
    "stem", ["CON", "Aux", "__init__", "naïve", "x" * 200], ids=lambda s: s[:20]
)
def test_spec_file_names_make_portable_packages(stem: str, tmp_path: Path) -> None:
    spec = tmp_path / f"{stem}.json"
    spec.write_text(
        json.dumps(
            {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}}
        )
    )
    result = generate_package(spec)
    assert result.package.isidentifier()
    assert result.package.lower() not in WINDOWS_RESERVED
    out = tmp_path / "out"
    write_packages(out, result.files)
    assert_inside(out, result.files)


@pytest.mark.parametrize("name", sorted(WINDOWS_RESERVED))
def test_module_names_avoid_windows_devices(name: str) -> None:
    assert module_name(name).lower() not in WINDOWS_RESERVED
    assert module_name(name.upper()).lower() not in WINDOWS_RESERVED


def test_module_scopes_avoid_windows_devices_other_scopes_do_not() -> None:
    # Operation groups become operations/<name>.py: a path segment "AUX" must not make aux.py.
    modules = Scope("module", "snake", "resource")
    assert [modules.claim(n) for n in ["AUX", "con", "Nul", "com1", "users"]] == [
        "aux_",
        "con_",
        "nul_",
        "com1_",
        "users",
    ]
    properties = Scope("property", "snake", "field")
    assert properties.claim("aux") == "aux"


def test_specs_differing_only_by_case_are_one_package_and_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps(
        {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}}
    )
    (tmp_path / "Foo.json").write_text(body)
    (tmp_path / "foo.json").write_text(body)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["generate", "Foo.json", "foo.json", "--out", "out"]) == 2
    assert (
        capsys.readouterr().err
        == "foo.json: /: package 'foo' is also generated from Foo.json\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "relative",
    [
        "../x",
        "../../x",
        "a/../../x",
        "a/../b",
        "/abs",
        "//abs",
        "/",
        "a\\b",
        "..\\x",
        "pkg\\..\\..\\x",
        "",
        ".",
        "./",
        "a/\x00b",
    ],
)
def test_safe_target_refuses(relative: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="refusing"):
        safe_target(tmp_path, relative)


@pytest.mark.parametrize(
    "relative",
    ["pkg/models.py", "pkg/_runtime/base.py", "pkg/tests/__init__.py", "pkg/./x.py"],
)
def test_safe_target_accepts_paths_below_the_root(
    relative: str, tmp_path: Path
) -> None:
    target = safe_target(tmp_path, relative)
    assert target.is_relative_to(tmp_path.resolve()) and target != tmp_path.resolve()


def test_safe_target_follows_symlinks_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "pkg").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="refusing"):
        safe_target(root, "pkg/models.py")


@pytest.mark.parametrize(
    "bad", ["../evil/x.py", "/tmp/evil.py", "pkg\\..\\x.py", "/x.py"]
)
def test_write_packages_refuses_and_writes_nothing(bad: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("keep")
    with pytest.raises(ValueError):
        write_packages(out, {"good/a.py": "x = 1\n", bad: "pwned = 1\n"})
    assert sorted(p.name for p in out.rglob("*")) == ["keep.txt"]
    assert not (tmp_path / "evil").exists()


def test_cli_writes_only_the_package_inside_out(
    tmp_path: Path,
    con_spec: tuple[Path, Generated],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec, result = con_spec
    shutil.copy(spec, tmp_path / spec.name)
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    assert (
        cli.main(["generate", spec.name, "--out", "out", "-q"]) == 0
    ), capsys.readouterr().err
    assert_inside(out, result.files)
    assert [p.name for p in out.iterdir()] == ["con_"]
    assert sorted(os.listdir(tmp_path)) == [
        "CON.json",
        "out",
    ], "nothing written outside --out"
