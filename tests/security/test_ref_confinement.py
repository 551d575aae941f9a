"""``$ref``s to other files stay inside the spec's folder (that folder and below).

The check is lexical: a relative path is joined to the folder of the file that
holds the ``$ref`` and normalised without following links, so ``..`` cannot
leave the folder; then the resolved path must be in the spec's folder too, so a
link leading out of it is refused (``test_symlinks.py``) while one within it is
followed. A refused file is never opened. ``test_broken.py`` snapshots the messages.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from generator import cli
from generator.load import document as load
from generator.errors import SpecError
from generator.load.loader import load_spec

VALID = 'openapi: 3.0.3\ninfo:\n  title: Safe\n  version: "1"\npaths: {}\n'
MARKER = "SECRET-MARKER-7f3c"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def schema(name: str, text: str) -> str:
    return f"components:\n  schemas:\n    {name}:\n{text}"


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file read through the loader, resolved."""
    paths: list[Path] = []
    real = load._read_document

    def spy(path: Path, display: str) -> Any:
        paths.append(Path(path).resolve())
        return real(path, display)

    monkeypatch.setattr(load, "_read_document", spy)
    return paths


def test_files_in_subfolders_siblings_and_linked_folders_are_read(
    tmp_path: Path, read: list[Path]
) -> None:
    spec = tmp_path / "spec"
    elsewhere = spec / "deep" / "elsewhere"  # linked to from spec/linked: inside the spec's folder
    write(
        spec,
        "schemas/pet.yaml",
        schema(
            "Pet",
            "      type: object\n      properties:\n"
            "        owner: {$ref: '../common.yaml#/components/schemas/Owner'}\n",
        ),
    )
    write(spec, "common.yaml", schema("Owner", "      type: string\n"))
    # A linked file's own ``..`` is taken from where the link is, not from where it points.
    write(
        elsewhere,
        "tag.yaml",
        schema("Tag", "      $ref: '../common.yaml#/components/schemas/Owner'\n"),
    )
    write(tmp_path, "common.yaml", schema("Owner", f"      description: {MARKER}\n"))
    write(spec, "deep/common.yaml", schema("Owner", f"      description: {MARKER}\n"))
    if hasattr(os, "symlink"):
        (spec / "linked").symlink_to(elsewhere, target_is_directory=True)
        extra = "x-tag: {$ref: 'linked/tag.yaml#/components/schemas/Tag'}\n"
    else:  # pragma: no cover - no symlinks here
        extra = ""
    path = write(
        spec,
        "api.yaml",
        VALID + "x-pet: {$ref: 'schemas/pet.yaml#/components/schemas/Pet'}\n"
        "x-dotted: {$ref: './schemas/../common.yaml#/components/schemas/Owner'}\n"
        + extra,
    )
    document = load_spec(path).document
    schemas = document["components"]["schemas"]
    assert schemas["Pet"]["properties"]["owner"] == {
        "$ref": "#/components/schemas/Owner"
    }
    assert schemas["Owner"] == {"type": "string"}
    assert document["x-dotted"] == {"$ref": "#/components/schemas/Owner"}
    assert MARKER not in str(document)
    assert (tmp_path / "common.yaml").resolve() not in read
    assert (spec / "deep" / "common.yaml").resolve() not in read
    if extra:
        assert schemas["Tag"] == {"$ref": "#/components/schemas/Owner"}
        assert (elsewhere / "tag.yaml").resolve() in read


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("../outside.yaml#/x", "it leads to {outside}"),
        ("schemas/../../outside.yaml#/x", "it leads to {outside}"),
        ("{outside}#/x", "an absolute path"),
        ("{outside}", "an absolute path"),
        ("..\\outside.yaml#/x", "a '\\' in the path; use '/'"),
        ("C:/outside.yaml#/x", "a drive letter"),
        ("c:outside.yaml", "a drive letter"),
        ("schemas/pet.yaml\0/../../../outside.yaml#/x", "a NUL character in the path"),
    ],
)
def test_refs_out_of_the_spec_folder_are_refused_unread(
    tmp_path: Path, read: list[Path], ref: str, why: str
) -> None:
    spec = tmp_path / "spec"
    outside = write(tmp_path, "outside.yaml", f"x: {MARKER}\n")
    write(spec, "schemas/pet.yaml", "x: 1\n")
    ref = ref.format(outside=outside)
    path = write(spec, "api.yaml", VALID + f"x-leak: {{$ref: {json.dumps(ref)}}}\n")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    [diagnostic] = info.value.diagnostics
    assert (diagnostic.line, diagnostic.pointer) == (6, "/x-leak")
    assert diagnostic.message == (
        f"$ref {ref!r} points outside the spec's folder ({why.format(outside=outside)}); "
        f"only files in {spec}/ and below can be referenced"
    )
    assert MARKER not in str(info.value)
    assert read == [path.resolve()]


def test_a_file_inside_cannot_ref_out_either(tmp_path: Path, read: list[Path]) -> None:
    spec = tmp_path / "spec"
    outside = write(
        tmp_path, "outside.yaml", schema("Secret", f"      description: {MARKER}\n")
    )
    pet = write(
        spec,
        "schemas/pet.yaml",
        schema("Pet", "      $ref: '../../outside.yaml#/components/schemas/Secret'\n"),
    )
    path = write(
        spec,
        "api.yaml",
        VALID + "x-pet: {$ref: 'schemas/pet.yaml#/components/schemas/Pet'}\n",
    )
    with pytest.raises(
        SpecError,
        match=r"points outside the spec's folder \(it leads to /.*/outside\.yaml\)",
    ) as info:
        load_spec(path)
    assert MARKER not in str(info.value)
    assert read == [path.resolve(), pet.resolve()]
    assert outside.resolve() not in read


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_dot_dot_through_a_linked_folder_is_taken_lexically(
    tmp_path: Path, read: list[Path]
) -> None:
    # spec/linked -> elsewhere/deep: 'linked/../x.yaml' is spec/x.yaml, never elsewhere/x.yaml.
    spec = tmp_path / "spec"
    (tmp_path / "elsewhere" / "deep").mkdir(parents=True)
    write(tmp_path, "elsewhere/x.yaml", f"x: {MARKER}\n")
    write(spec, "x.yaml", "x: inside\n")
    (spec / "linked").symlink_to(
        tmp_path / "elsewhere" / "deep", target_is_directory=True
    )
    path = write(
        spec,
        "api.yaml",
        VALID
        + "x-a: {$ref: 'linked/../x.yaml#/x'}\nx-b: {$ref: 'linked/../../x.yaml#/x'}\n",
    )
    with pytest.raises(
        SpecError, match=r"\$ref 'linked/\.\./\.\./x\.yaml#/x' points outside"
    ) as info:
        load_spec(path)
    assert MARKER not in str(info.value)
    assert read == [path.resolve(), (spec / "x.yaml").resolve()]


def test_the_cli_names_the_folder_as_given_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "outside.yaml", f"x: {MARKER}\n")
    write(
        tmp_path / "project",
        "spec/api.yaml",
        VALID + "x-leak: {$ref: '../../outside.yaml#/x'}\n",
    )
    monkeypatch.chdir(tmp_path / "project")
    assert cli.main(["generate", "spec/api.yaml", "--out", "out"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "spec/api.yaml:6: /x-leak: $ref '../../outside.yaml#/x' points outside the spec's folder "
        "(it leads to ../outside.yaml); only files in spec/ and below can be referenced\n"
    )
    assert MARKER not in captured.out + captured.err
    assert not (tmp_path / "project" / "out").exists()


@pytest.mark.parametrize("name", ["notes.txt", "schemas/pet", "pet.yaml.bak"])
def test_only_spec_files_can_be_referenced(tmp_path: Path, read: list[Path], name: str) -> None:
    spec = tmp_path / "spec"
    write(spec, name, f"x: {MARKER}\n")
    path = write(spec, "api.yaml", VALID + f"x-other: {{$ref: '{name}#/x'}}\n")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    [diagnostic] = info.value.diagnostics
    assert (diagnostic.line, diagnostic.pointer) == (6, "/x-other")
    assert diagnostic.message == f"$ref '{name}#/x': only .yaml, .yml and .json files can be referenced"
    assert read == [path.resolve()]  # refused unread


def test_a_referenced_file_with_an_upper_case_suffix_is_part_of_the_cache_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "spec"
    common = write(spec, "Common.YAML", schema("Pet", "      type: object\n      properties:\n        name: {type: string}\n"))
    api = write(
        spec,
        "api.yaml",
        VALID.replace("paths: {}\n", "")
        + "paths:\n  /pets:\n    get:\n      operationId: getPet\n      responses:\n"
        "        '200':\n          description: ok\n          content:\n            application/json:\n"
        "              schema: {$ref: 'Common.YAML#/components/schemas/Pet'}\n",
    )
    out = tmp_path / "out"
    assert cli.main(["generate", str(api), "--out", str(out), "-q", "--jobs", "1"]) == 0
    common.write_text(common.read_text() + "        age: {type: integer}\n")
    assert cli.main(["generate", str(api), "--out", str(out), "-q", "--jobs", "1"]) == 0
    assert "age: int | None" in (out / "api" / "models.py").read_text()
