"""Loading is safe: the safe loader only, no tags, and every cap holds.

The caps (``MAX_BYTES``, ``MAX_NODES``, ``MAX_DEPTH``) are monkeypatched small
here so the edges can be tested exactly; ``test_broken.py`` hits the real
limits through the CLI.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.load import document as load
from generator.errors import SpecError
from generator.load.loader import load_spec
from generator.pipeline import generate_package
from generator.validate.checks import validate

from ._support import run_cli

VALID = 'openapi: 3.0.3\ninfo:\n  title: Safe\n  version: "1"\npaths: {}\n'
LOADERS = [pytest.param(yaml.SafeLoader, id="python-loader")]
if getattr(yaml, "__with_libyaml__", False):
    LOADERS.insert(0, pytest.param(yaml.CSafeLoader, id="c-loader"))


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the test with the C loader (when built) and with the pure-Python fallback."""
    monkeypatch.setattr(load, "_Loader", request.param)
    return request.param


def write(tmp_path: Path, text: str | bytes, name: str = "api.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    with pytest.raises(SpecError) as info:
        validate(load_spec(path))
    return [str(d) for d in info.value.diagnostics]


# -- the loader -----------------------------------------------------------------


def test_the_c_safe_loader_is_used_when_available() -> None:
    if getattr(yaml, "__with_libyaml__", False):
        assert load._Loader is yaml.CSafeLoader
    else:  # pragma: no cover - PyYAML built without libyaml
        assert load._Loader is yaml.SafeLoader
    assert issubclass(
        load._Loader,
        (
            (yaml.CSafeLoader, yaml.SafeLoader)
            if hasattr(yaml, "CSafeLoader")
            else yaml.SafeLoader
        ),
    )


def test_every_parse_goes_through_the_chosen_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[str] = []

    class Spy(yaml.SafeLoader):
        def __init__(self, stream: Any) -> None:
            used.append("spy")
            super().__init__(stream)

    monkeypatch.setattr(load, "_Loader", Spy)
    load_spec(write(tmp_path, VALID))
    assert used, "load_spec did not use generator.load.document._Loader"


TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/object:builtins.object {{}}",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/tuple [1, 2]",
    "!!python/bytes AAAA",
    "!!set {{a, b}}",
    "!!omap [a: 1]",
    "!!pairs [a: 1]",
    "!include '{marker}'",
    "!<tag:example.com,2024:thing> x",
    "!!str\n  !!python/object/apply:os.system ['touch {marker}']",
]


@pytest.mark.parametrize("tag", TAGS)
def test_tags_are_refused_and_never_constructed(
    tmp_path: Path, loader: Any, tag: str
) -> None:
    marker = tmp_path / "MARKER"
    text = VALID + "x-payload: " + tag.format(marker=marker) + "\n"
    with pytest.raises(SpecError) as info:
        load_spec(write(tmp_path, text))
    [diagnostic] = info.value.diagnostics
    assert "YAML tag" in diagnostic.message or "invalid YAML" in diagnostic.message
    assert not marker.exists()


@pytest.mark.parametrize(
    "where",
    [
        "paths: !!python/object/apply:os.system ['x']\n",
        "? !!python/name:os.system\n: 1\n",
    ],
)
def test_tags_on_collections_and_keys_are_refused(
    tmp_path: Path, loader: Any, where: str
) -> None:
    text = 'openapi: 3.0.3\ninfo: {title: t, version: "1"}\n' + where
    with pytest.raises(SpecError, match="YAML tag|mapping keys"):
        load_spec(write(tmp_path, text))


def test_timestamps_and_binary_stay_text(tmp_path: Path, loader: Any) -> None:
    spec = load_spec(
        write(tmp_path, VALID + "x-when: 2020-01-02T03:04:05Z\nx-data: !!binary aGk=\n")
    )
    assert spec.document["x-when"] == "2020-01-02T03:04:05Z"
    assert spec.document["x-data"] == "aGk="


# -- size -----------------------------------------------------------------------


def test_size_cap_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_BYTES", 1000)
    padded = VALID + "#" * (1000 - len(VALID) - 1) + "\n"
    assert len(padded.encode()) == 1000
    load_spec(write(tmp_path, padded))
    with pytest.raises(SpecError) as info:
        load_spec(write(tmp_path, padded + "\n"))
    assert [str(d) for d in info.value.diagnostics] == [
        f"{tmp_path / 'api.yaml'}: /: spec is 1,001 bytes, above the 1,000-byte limit (set SPECGEN_MAX_BYTES to raise it)"
    ]


def test_size_cap_applies_to_referenced_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "x: '" + "a" * 2000 + "'\n", "big.yaml")
    spec = write(tmp_path, VALID + "x-big: {$ref: 'big.yaml#/x'}\n")
    monkeypatch.setattr(load, "MAX_BYTES", 1000)
    with pytest.raises(
        SpecError,
        match=r"big\.yaml: /: spec is 2,006 bytes, above the 1,000-byte limit \(set SPECGEN_MAX_BYTES to raise it\)",
    ):
        load_spec(spec)


def test_a_device_is_not_read(tmp_path: Path) -> None:
    # /dev/zero reports size 0 and never ends: it is refused unopened (the read
    # of a regular file is bounded all the same, should it grow while read).
    if not Path("/dev/zero").exists():  # pragma: no cover
        pytest.skip("no /dev/zero")
    result = run_cli(
        "generate", "/dev/zero", "--out", str(tmp_path / "out"), cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr
    assert (
        result.stderr
        == "/dev/zero: /: is a device, not a regular file; a spec must be a regular file\n"
    )


def test_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").mkdir()
    result = run_cli(
        "generate", "spec.yaml", "--out", str(tmp_path / "out"), cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == "spec.yaml: /: cannot read spec: Is a directory\n"


# -- alias expansion ------------------------------------------------------------


def _aliases(copies: int) -> str:
    """One anchored list of ten strings, aliased ``copies`` times: 11 + 11*copies values."""
    items = ", ".join(["x"] * 10)
    refs = ", ".join(["*a"] * copies)
    return VALID + f"x-a: &a [{items}]\nx-b: [{refs}]\n"


def test_alias_cap_is_counted_on_the_expansion(
    tmp_path: Path, loader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "MAX_NODES", 500)
    load_spec(write(tmp_path, _aliases(30)))  # about 360 values
    with pytest.raises(SpecError, match="more than 500 values after alias expansion"):
        load_spec(write(tmp_path, _aliases(60)))  # about 690 values


def test_an_alias_bomb_fails_before_anything_is_expanded(
    tmp_path: Path, loader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def expand(*args: Any) -> Any:
        raise AssertionError("the bomb reached the builder, which expands aliases")

    monkeypatch.setattr(load._Builder, "build", expand)
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    with pytest.raises(SpecError, match="alias bomb"):
        load_spec(write(tmp_path, "\n".join(lines) + "\n"))


def test_a_self_containing_alias_is_refused(tmp_path: Path, loader: Any) -> None:
    with pytest.raises(
        SpecError, match="an alias refers to a collection that contains it"
    ):
        load_spec(write(tmp_path, VALID + "x-loop: &loop {again: *loop}\n"))


def test_plain_aliases_still_work(tmp_path: Path, loader: Any) -> None:
    spec = load_spec(
        write(tmp_path, VALID + "x-a: &a {k: [1, 2]}\nx-b: *a\nx-c: {<<: *a, j: 3}\n")
    )
    assert spec.document["x-b"] == {"k": [1, 2]}
    assert spec.document["x-c"] == {"k": [1, 2], "j": 3}


def test_refs_to_other_files_cannot_multiply_past_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Aliases are capped inside one file; refs from file to file multiply too:
    # six levels of ten refs each are a million values.
    monkeypatch.setattr(load, "MAX_NODES", 20_000)
    lines = ["l0: [" + ", ".join(["xxxxxxxx"] * 10) + "]"]
    for i in range(1, 7):
        lines.append(f"l{i}: [" + ", ".join([f"{{$ref: '#/l{i - 1}'}}"] * 10) + "]")
    write(tmp_path, "\n".join(lines) + "\n", "lib.yaml")
    with pytest.raises(SpecError) as info:
        load_spec(write(tmp_path, VALID + "x-bomb: {$ref: 'lib.yaml#/l6'}\n"))
    assert [(d.line, d.pointer, d.message) for d in info.value.diagnostics] == [
        (6, "/x-bomb", "more than 20,000 values after resolving $refs to other files")
    ]


# -- nesting --------------------------------------------------------------------


@pytest.mark.parametrize(
    "deep",
    [
        pytest.param("x-deep: " + "[" * 5000 + "]" * 5000 + "\n", id="flow-sequences"),
        pytest.param(
            "x-deep: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", id="flow-mappings"
        ),
        pytest.param("x-deep:\n  " + "- " * 5000 + "x\n", id="block-sequences"),
        pytest.param(
            "x-deep:\n"
            + "".join(" " * (i + 1) + "a:\n" for i in range(1500))
            + " " * 1501
            + "b: 1\n",
            id="block-mappings",
        ),
    ],
)
def test_deep_nesting_is_a_spec_error_with_either_loader(
    tmp_path: Path, loader: Any, deep: str
) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(write(tmp_path, VALID + deep))
    [diagnostic] = info.value.diagnostics
    assert "nesting" in diagnostic.message
    assert diagnostic.line is not None and diagnostic.line >= 6


def test_nesting_at_the_cap_is_accepted(
    tmp_path: Path, loader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "MAX_DEPTH", 30)
    # The root mapping is one level: 29 more are allowed, 30 are not.
    load_spec(write(tmp_path, VALID + "x-deep: " + "[" * 29 + "]" * 29 + "\n"))
    with pytest.raises(SpecError, match="nesting deeper than 30 levels"):
        load_spec(write(tmp_path, VALID + "x-deep: " + "[" * 30 + "]" * 30 + "\n"))


def test_brackets_inside_strings_are_not_nesting(tmp_path: Path, loader: Any) -> None:
    # A valid spec whose texts hold many brackets: nothing nests here.
    text = (
        'openapi: 3.0.3\ninfo:\n  title: "' + "{" * 300 + '"\n'
        "  description: '" + "[" * 300 + "'\n"
        "  version: |\n    " + "{[" * 300 + "\npaths: {}\n# " + "[" * 300 + "\n"
    )
    spec = load_spec(write(tmp_path, text))
    validate(spec)
    assert spec.document["info"]["title"] == "{" * 300


def test_deeply_nested_refs_to_other_files_are_capped(tmp_path: Path) -> None:
    # Each file alone is within the cap; the resolved document is not.
    (tmp_path / "lib").mkdir()
    for i in range(12):
        inner = f'{{$ref: "c{i + 1}.yaml#/x"}}' if i < 11 else "1"
        write(
            tmp_path / "lib", "x: " + "[" * 150 + inner + "]" * 150 + "\n", f"c{i}.yaml"
        )
    with pytest.raises(
        SpecError, match="nesting deeper than 200 levels after resolving"
    ):
        load_spec(write(tmp_path, VALID + "x-chain: {$ref: 'lib/c0.yaml#/x'}\n"))


# -- values JSON cannot hold ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (".nan", "NaN is not a valid value"),
        (".inf", "an infinite number is not a valid value"),
        ("-.Inf", "an infinite number is not a valid value"),
        ("1" * 5000, "cannot read the number 1111"),
    ],
)
def test_values_json_cannot_hold_are_refused_where_they_are(
    tmp_path: Path, loader: Any, value: str, message: str
) -> None:
    text = (
        VALID.replace("paths: {}\n", "")
        + f"paths:\n  /a:\n    get:\n      parameters:\n        - name: n\n          in: query\n          schema: {{type: number, default: {value}}}\n      responses:\n        '200': {{description: ok}}\n"
    )
    with pytest.raises(SpecError) as info:
        load_spec(write(tmp_path, text))
    [diagnostic] = info.value.diagnostics
    assert diagnostic.pointer == "/paths/~1a/get/parameters/0/schema/default"
    assert diagnostic.line == 11
    assert message in diagnostic.message


def test_an_infinite_default_was_an_internal_error_not_a_spec_error(
    tmp_path: Path,
) -> None:
    # It reached the literal filter, which cannot write inf, and crashed with exit 3.
    text = (
        VALID.replace("paths: {}\n", "")
        + "paths:\n  /a:\n    get:\n      parameters:\n        - {name: n, in: query, schema: {type: number, maximum: .inf}}\n      responses:\n        '200': {description: ok}\n"
    )
    with pytest.raises(SpecError, match="infinite"):
        generate_package(write(tmp_path, text))


# -- referenced files -----------------------------------------------------------


def test_errors_in_referenced_files_are_named_relative_to_the_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import cli

    (tmp_path / "project" / "spec" / "common").mkdir(parents=True)
    write(tmp_path / "project" / "spec" / "common", "x: [unclosed\n", "bad.yaml")
    write(
        tmp_path / "project" / "spec", VALID + "x-ref: {$ref: 'common/bad.yaml#/x'}\n"
    )
    monkeypatch.chdir(tmp_path / "project")
    assert cli.main(["generate", "spec/api.yaml", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spec/common/bad.yaml:2: /: invalid YAML: "), err
    assert str(tmp_path) not in err


def test_a_broken_main_spec_is_named_as_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import cli

    shutil.rmtree(tmp_path / "p", ignore_errors=True)
    (tmp_path / "p").mkdir()
    write(tmp_path / "p", "openapi: [\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["generate", "p/api.yaml", "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith("p/api.yaml:")


# -- JSON read with the YAML parser ---------------------------------------------


def _json_spec(**extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "parameters": [
                        {
                            "name": "n",
                            "in": "query",
                            "schema": {
                                "type": "number",
                                "minimum": 1e-3,
                                "maximum": 1.5e3,
                            },
                        }
                    ],
                    "responses": {"204": {"description": "none"}},
                }
            }
        },
        **extra,
    }


def test_json_numbers_with_exponents_are_numbers(tmp_path: Path, loader: Any) -> None:
    # YAML 1.1 reads 1e3 and 1.5e3 as text; JSON reads them as numbers.
    import json

    path = write(
        tmp_path,
        json.dumps(_json_spec(**{"x-n": [1e3, 1e-3, -2e2, 0, -0.5, "1e3"]})),
        "api.json",
    )
    path.write_text(
        path.read_text().replace("1000.0", "1e3").replace("-200.0", "-2E+2")
    )
    spec = load_spec(path)
    validate(spec)
    assert spec.document["x-n"] == [1e3, 1e-3, -200.0, 0, -0.5, "1e3"]
    assert (
        spec.document["paths"]["/a"]["get"]["parameters"][0]["schema"]["maximum"]
        == 1500.0
    )


def test_json_exponents_too_large_are_infinite_and_refused(
    tmp_path: Path, loader: Any
) -> None:
    path = write(
        tmp_path,
        '{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}, "x-n": 1e400}',
        "api.json",
    )
    with pytest.raises(SpecError, match="/x-n: an infinite number"):
        load_spec(path)


def test_json_surrogate_pairs_are_characters(tmp_path: Path) -> None:
    # json.dumps writes non-BMP characters as surrogate pairs by default.
    import json

    spec = _json_spec()
    spec["info"]["title"] = "smile \U0001f600 and \\ud83d\\ude00 as text"
    spec["paths"]["/a"]["get"]["operationId"] = "get\U0001f600"
    text = json.dumps(spec)
    assert "\\ud83d\\ude00" in text
    path = write(tmp_path, text, "api.json")
    loaded = load_spec(path)
    assert (
        loaded.document["info"]["title"]
        == "smile \U0001f600 and \\ud83d\\ude00 as text"
    )
    generate_package(path)


def test_a_lone_surrogate_in_json_is_a_spec_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '{"openapi": "3.0.3", "info": {"title": "\\ud800", "version": "1"}, "paths": {}}',
        "api.json",
    )
    with pytest.raises(SpecError, match="invalid JSON"):
        load_spec(path)
