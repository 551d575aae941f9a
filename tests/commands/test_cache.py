"""The cache only makes things faster: the bytes are the same with and without it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import GOLDEN, ROOT, run_specgen, tree_hash
from generator.ir.build import build_api
from generator.commands.cache import Cache, digest, spec_fingerprint
from generator.format.docmask import MARK
from generator.format.files import format_files, format_source, masked_blocks, split_blocks
from generator.load.loader import load_spec
from generator.errors import SpecError
from generator.render.package import environment, render
from generator.validate.checks import validation_view

SEED = ROOT / "spec" / "twilio_trunking_v1.yaml"
CASES = sorted(GOLDEN.glob("*/*.yaml"))


@pytest.mark.parametrize("spec", [SEED, *CASES], ids=lambda p: p.stem)
def test_block_formatting_equals_black_on_the_whole_file(spec: Path) -> None:
    files = render(build_api(load_spec(spec)), environment())
    by_blocks = format_files(files)
    for path, text in files.items():
        assert by_blocks[path] == format_source(path, text), path


def test_blocks_split_at_top_level_statements_only() -> None:
    source = '# header\n"""Doc.\n\nclass NotABlock: in a docstring\n"""\n\nx = 1\n\n\nclass A:\n    def f(self) -> None:\n        pass\n'
    blocks = split_blocks(source)
    assert blocks is not None
    assert [text.splitlines()[0] for _, text in blocks] == [
        "# header",
        "x = 1",
        "class A:",
    ]
    assert [blanks for blanks, _ in blocks] == [0, 1, 2]
    assert split_blocks("def broken(:\n") is None


def _black_paths(files: dict[str, str]) -> set[str]:
    return {path for path in files if path.endswith(".py") and "_runtime/" not in path}


def _only_pack(root: Path) -> Path:
    """The one pack under the cache folder ``root``: everything black made of one package."""
    packs = sorted(p for p in (root / "pack").rglob("*") if p.is_file())
    assert len(packs) == 1, packs
    return packs[0]


def _read_pack(path: Path) -> dict[str, Any]:
    pack = json.loads(path.read_bytes())
    assert isinstance(pack, dict) and set(pack) == {"version", "blocks", "files"}
    return pack


def _masked(block: str) -> str:
    """A block as it is formatted and cached: its docstrings masked."""
    blocks = masked_blocks(block, 88)
    assert blocks is not None and len(blocks) == 1
    return blocks[0][1]


def test_format_cache_round_trip(tmp_path: Path) -> None:
    files = render(build_api(load_spec(SEED)), environment())
    cache = Cache(tmp_path)
    cold = format_files(files, cache=cache)
    assert cold == format_files(files), "the same bytes without the cache"
    path = _only_pack(tmp_path)
    pack = _read_pack(path)
    assert len(pack["files"]) == len(_black_paths(files))
    # poison one block inside the pack: a warm run must serve it as it is
    key, text = next((k, t) for k, t in sorted(pack["blocks"].items()) if t.startswith("from ") and MARK not in t)
    pack["blocks"][key] = "# poisoned\n"
    # and one with docstrings masked, placeholders lost: it cannot take its docstrings back
    masked = next(k for k, t in sorted(pack["blocks"].items()) if t.startswith("class ") and MARK in t)
    pack["blocks"][masked] = "# poisoned\n"
    path.write_text(json.dumps(pack), encoding="utf-8")
    warm = format_files(files, cache=cache)
    poisoned = {p for p in warm if warm[p] != cold[p]}
    assert len(poisoned) >= 1
    for p in poisoned:
        assert warm[p] == cold[p].replace(text, "# poisoned\n")
    assert all("# poisoned" not in warm[p] or text in cold[p] for p in warm)  # the class came from black


def test_cli_warm_run_reads_the_package_cache_and_writes_the_same_bytes(
    tmp_path: Path,
) -> None:
    env = {"SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    first = run_specgen("generate", str(SEED), "--out", str(tmp_path / "a"), env=env)
    assert first.returncode == 0, first.stderr
    packages = list((tmp_path / "cache" / "package").rglob("*"))
    assert any(p.is_file() for p in packages)
    second = run_specgen("generate", str(SEED), "--out", str(tmp_path / "b"), env=env)
    assert second.returncode == 0, second.stderr
    uncached = run_specgen(
        "generate", str(SEED), "--out", str(tmp_path / "c"), "--no-cache", env=env
    )
    assert uncached.returncode == 0, uncached.stderr
    package = "twilio_trunking_v1"
    assert (
        tree_hash(tmp_path / "a" / package)
        == tree_hash(tmp_path / "b" / package)
        == tree_hash(tmp_path / "c" / package)
    )
    assert tree_hash(tmp_path / "a" / package) == tree_hash(
        ROOT / "generated" / package
    )


def test_a_corrupt_cache_entry_is_ignored(tmp_path: Path) -> None:
    env = {"SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    assert (
        run_specgen(
            "generate", str(SEED), "--out", str(tmp_path / "a"), env=env
        ).returncode
        == 0
    )
    for entry in (tmp_path / "cache" / "package").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not json")
    result = run_specgen("generate", str(SEED), "--out", str(tmp_path / "b"), env=env)
    assert result.returncode == 0, result.stderr
    assert tree_hash(tmp_path / "b" / "twilio_trunking_v1") == tree_hash(
        ROOT / "generated" / "twilio_trunking_v1"
    )


def test_empty_cache_dir_setting_disables_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", "")
    assert Cache.from_env() is None


def test_spec_key_covers_files_it_refers_to(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text("a: {$ref: 'other.yaml#/x'}\n")
    (tmp_path / "other.yaml").write_text("x: 1\n")
    before = spec_fingerprint(tmp_path / "api.yaml")
    (tmp_path / "other.yaml").write_text("x: 2\n")
    assert spec_fingerprint(tmp_path / "api.yaml") != before
    assert digest("a", "b") != digest("ab")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_spec_key_follows_linked_folders_and_survives_link_loops(tmp_path: Path) -> None:
    # A link within the spec's folder is followed (one leading out is not: test_symlinks.py).
    specs = tmp_path / "specs"
    specs.mkdir()
    shared = specs / "store"
    shared.mkdir()
    (shared / "other.yaml").write_text("x: 1\n")
    (specs / "api.yaml").write_text("a: {$ref: 'linked/other.yaml#/x'}\n")
    (specs / "linked").symlink_to(shared, target_is_directory=True)
    (shared / "loop").symlink_to(specs, target_is_directory=True)  # specs/linked/loop -> specs
    before = spec_fingerprint(specs / "api.yaml")
    (shared / "other.yaml").write_text("x: 2\n")
    assert spec_fingerprint(specs / "api.yaml") != before


def test_a_linked_spec_is_fingerprinted_with_the_files_beside_the_link(tmp_path: Path) -> None:
    """$refs are read from the folder the spec was reached through (load/refs.py), so
    the fingerprint hashes that folder, not the one the link points into."""
    real, linked = tmp_path / "A", tmp_path / "B"
    real.mkdir()
    linked.mkdir()
    (real / "api.yaml").write_text("a: {$ref: 'common.yaml#/x'}\n")
    (real / "common.yaml").write_text("x: 1\n")
    (linked / "api.yaml").symlink_to(real / "api.yaml")
    (linked / "common.yaml").write_text("x: 1\n")
    before = spec_fingerprint(linked / "api.yaml")
    (linked / "common.yaml").write_text("x: 2\n")
    assert spec_fingerprint(linked / "api.yaml") != before


HEAVY_MODULES = ("black", "jinja2", "yaml", "openapi_spec_validator", "generator.pipeline", "generator.render.specdiff")


@pytest.mark.parametrize("command", ["generate", "check"])
def test_fast_paths_import_nothing_heavy(tmp_path: Path, command: str) -> None:
    """A cache hit (`generate` with nothing to do, `check` of a fresh package) runs
    without importing black, Jinja2, PyYAML or the validator: start-up is most of
    what these commands cost (see docs/benchmarks.md)."""
    env = {"SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    out = tmp_path / "out"
    assert run_specgen("generate", str(SEED), "--out", str(out), env=env).returncode == 0
    probe = (
        "import sys\n"
        "from generator.cli import main\n"
        f"assert main([{command!r}, {str(SEED)!r}, '--out', {str(out)!r}]) == 0\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY_MODULES!r} or m in {HEAVY_MODULES!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_validation_view_empties_prose_and_keeps_data() -> None:
    doc = {
        "info": {"title": "T", "description": "words", "x-logo": {"description": "kept"}},
        "paths": {"/a": {"get": {"summary": "s", "description": "d", "responses": {}}}},
        "components": {
            "schemas": {
                "Note": {
                    "type": "object",
                    "description": "prose",
                    "properties": {"description": {"type": "string", "maxLength": 3, "description": "p"}},
                    "default": {"description": "data, checked against maxLength"},
                    "example": {"description": "data"},
                    "enum": [{"description": "data"}],
                },
                "Odd": {"description": 5},
            }
        },
    }
    view = validation_view(doc)
    assert view["info"] == {"title": "T", "description": "", "x-logo": {"description": "kept"}}
    assert view["paths"]["/a"]["get"] == {"summary": "", "description": "", "responses": {}}
    note = view["components"]["schemas"]["Note"]
    assert note["description"] == ""
    assert note["properties"]["description"] == {"type": "string", "maxLength": 3, "description": ""}
    assert note["default"] == {"description": "data, checked against maxLength"}
    assert note["example"] == {"description": "data"}
    assert note["enum"] == [{"description": "data"}]
    assert view["components"]["schemas"]["Odd"] == {"description": 5}, "a non-string is the validator's to refuse"
    assert doc["info"]["description"] == "words", "the document itself is not touched"


def test_a_prose_only_change_reuses_the_validation_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.pipeline as pipeline

    calls: list[str] = []
    real = pipeline.validate
    monkeypatch.setattr(pipeline, "validate", lambda spec: (calls.append(spec.display), real(spec))[1])
    cache = Cache(tmp_path / "cache")
    spec = tmp_path / "twilio_trunking_v1.yaml"
    text = SEED.read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    pipeline.generate_package(spec, cache=cache)
    assert len(calls) == 1
    spec.write_text(text.replace("description: ", "description: Reworded. ", 1), encoding="utf-8")
    reworded = pipeline.generate_package(spec, cache=cache)
    assert len(calls) == 1, "prose changed: the verdict is reused"
    assert "Reworded." in "".join(reworded.files.values())
    spec.write_text(text.replace("minimum: 1", "minimum: 2", 1), encoding="utf-8")
    pipeline.generate_package(spec, cache=cache)
    assert len(calls) == 2, "a constraint changed: validated again"
    spec.write_text(text.replace("description: Twilio Elastic SIP Trunking, version 1.", "description: 5"), encoding="utf-8")
    with pytest.raises(SpecError, match="/info/description"):
        pipeline.generate_package(spec, cache=cache)
    assert len(calls) == 3, "prose that is not a string: validated again, and refused"


def test_blocks_keep_line_separators_that_python_does_not_break_on() -> None:
    source = 'x = "a\u2028b\x0cc"\ny = 2\n\n\ndef f() -> None:\n    pass\n'
    blocks = split_blocks(source)
    assert blocks is not None
    assert [text for _, text in blocks] == ['x = "a\u2028b\x0cc"\n', "y = 2\n", "def f() -> None:\n    pass\n"]
    assert format_files({"m.py": source})["m.py"] == format_source("m.py", source)


def test_whole_files_come_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.format.files as fmt

    files = render(build_api(load_spec(SEED)), environment())
    cache = Cache(tmp_path)
    cold = format_files(files, cache=cache)
    path = _only_pack(tmp_path)
    pack = _read_pack(path)
    assert len(pack["files"]) == len(_black_paths(files))
    pack["blocks"]["poison"] = "# from the cache\n"
    for key in pack["files"]:  # poison every file's layout: a warm run must serve them as they are
        pack["files"][key] = [[0, "poison", []]]
    path.write_text(json.dumps(pack), encoding="utf-8")

    def no_split(source: str) -> None:
        raise AssertionError("a whole-file hit is neither split nor reformatted")

    def no_black(texts: list[str], *args: object) -> list[str]:
        assert not texts, "nothing to format"
        return []

    monkeypatch.setattr(fmt, "masked_blocks", no_split)
    monkeypatch.setattr(fmt, "_run", no_black)
    warm = format_files(files, cache=cache)
    assert {path for path in warm if warm[path] == "# from the cache\n"} == _black_paths(files)
    assert {p: t for p, t in warm.items() if p not in _black_paths(files)} == {
        p: t for p, t in cold.items() if p not in _black_paths(files)
    }


def test_a_cold_run_writes_one_pack_and_a_warm_one_rewrites_nothing(tmp_path: Path) -> None:
    files = render(build_api(load_spec(SEED)), environment())
    blocks = sum(len(split_blocks(files[path]) or [1]) for path in _black_paths(files))
    assert blocks > 40
    cache = Cache(tmp_path)
    format_files(files, cache=cache)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [_only_pack(tmp_path)], "one file for the whole call, not one per block or file"
    before = os.stat(written[0])
    format_files(files, cache=cache)
    after = os.stat(written[0])
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), "nothing changed: not rewritten"
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == written


def test_packs_are_per_group(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    files = {"a.py": "x = 1\n"}
    format_files(files, cache=cache, group="one")
    format_files(files, cache=cache, group="two")
    format_files(files, cache=cache, group="two")
    assert len([p for p in (tmp_path / "pack").rglob("*") if p.is_file()]) == 2


def test_each_package_has_its_own_pack(tmp_path: Path) -> None:
    from generator.pipeline import generate_package

    cache = Cache(tmp_path)
    generate_package(SEED, cache=cache)
    generate_package(SEED, package="other_name", cache=cache)
    assert len([p for p in (tmp_path / "pack").rglob("*") if p.is_file()]) == 2


def test_a_cold_cli_run_writes_a_few_cache_files(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    done = run_specgen("generate", str(SEED), "--out", str(tmp_path / "out"), env={"SPECGEN_CACHE_DIR": str(cache)})
    assert done.returncode == 0, done.stderr
    kinds: dict[str, int] = {}
    for path in cache.rglob("*"):
        if path.is_file():
            kind = path.relative_to(cache).parts[0]
            kinds[kind] = kinds.get(kind, 0) + 1
    jinja = kinds.pop("jinja", 0)
    assert kinds == {"package": 1, "valid": 1, "pack": 1, "names": 1, "recent": 1}
    assert jinja <= len(list((ROOT / "templates").rglob("*.jinja")))


def _seed_pack(tmp_path: Path) -> tuple[dict[str, str], dict[str, str], Path, bytes]:
    files = render(build_api(load_spec(SEED)), environment())
    cold = format_files(files, cache=Cache(tmp_path))
    path = _only_pack(tmp_path)
    return files, cold, path, path.read_bytes()


def _corruptions(good: bytes) -> dict[str, bytes]:
    pack = json.loads(good)
    some_file = sorted(pack["files"])[0]

    def changed(edit: Callable[[dict[str, Any]], None]) -> bytes:
        copy = json.loads(good)
        edit(copy)
        return json.dumps(copy).encode()

    return {
        "empty": b"",
        "truncated": good[: len(good) // 2],
        "not json": b"not json\x00\xff",
        "not utf-8": b"\xff\xfe" + good,
        "a list": b"[1, 2]",
        "nested too deep": b"[" * 100_000,
        "other version": changed(lambda p: p.update(version="0")),
        "version true": changed(lambda p: p.update(version=True)),
        "no blocks": changed(lambda p: p.pop("blocks")),
        "blocks a list": changed(lambda p: p.update(blocks=[])),
        "block not text": changed(lambda p: p["blocks"].update({sorted(p["blocks"])[0]: 5})),
        "files a list": changed(lambda p: p.update(files=[])),
        "layout not a list": changed(lambda p: p["files"].update({some_file: "x"})),
        "layout empty": changed(lambda p: p["files"].update({some_file: []})),
        "entry too short": changed(lambda p: p["files"].update({some_file: [[0]]})),
        "gap a string": changed(lambda p: p["files"][some_file][0].__setitem__(0, "2")),
        "gap a bool": changed(lambda p: p["files"][some_file][0].__setitem__(0, True)),
        "gap too big": changed(lambda p: p["files"][some_file][0].__setitem__(0, 10**9)),
        "gap negative": changed(lambda p: p["files"][some_file][0].__setitem__(0, -1)),
        "key a list": changed(lambda p: p["files"][some_file][0].__setitem__(1, [])),
        "missing block": changed(lambda p: p["files"][some_file][0].__setitem__(1, "0" * 64)),
    }


def test_a_broken_pack_is_a_miss_and_is_rewritten(tmp_path: Path) -> None:
    files, cold, path, good = _seed_pack(tmp_path)
    for name, bad in _corruptions(good).items():
        path.write_bytes(bad)
        assert format_files(files, cache=Cache(tmp_path)) == cold, name
        assert path.read_bytes() == good, f"{name}: rewritten whole"


def test_an_unreadable_pack_is_ignored(tmp_path: Path) -> None:
    files, cold, path, good = _seed_pack(tmp_path)
    path.unlink()
    path.mkdir()  # neither readable nor replaceable
    assert format_files(files, cache=Cache(tmp_path)) == cold
    assert path.is_dir()


def test_a_pack_keeps_only_what_the_last_run_used(tmp_path: Path) -> None:
    from generator.format.files import _block_key

    files = render(build_api(load_spec(SEED)), environment())
    cache = Cache(tmp_path)
    format_files(files, cache=cache)
    before = _read_pack(_only_pack(tmp_path))
    changed = dict(files)
    old_block = next(text for _, text in split_blocks(files["models.py"]) or [] if text.startswith("class "))
    new_block = old_block.replace(":\n", ":  # changed\n", 1)
    changed["models.py"] = files["models.py"].replace(old_block, new_block)
    del changed["tests/test_phone_numbers.py"]
    format_files(changed, cache=cache)
    after = _read_pack(_only_pack(tmp_path))
    assert len(after["files"]) == len(_black_paths(changed)) == len(before["files"]) - 1
    referenced = {key for layout in after["files"].values() for _, key, _ in layout}
    assert set(after["blocks"]) == referenced, "no block that no file uses"
    old_masked, new_masked = (_masked(text) for text in (old_block, new_block))
    assert _block_key(old_masked, 88) in before["blocks"]
    assert _block_key(old_masked, 88) not in after["blocks"]
    assert _block_key(new_masked, 88) in after["blocks"]
    kept = {_block_key(text, 88) for path in _black_paths(changed) for _, text, _ in masked_blocks(changed[path], 88) or []}
    dropped = {_block_key(text, 88) for _, text, _ in masked_blocks(files["tests/test_phone_numbers.py"], 88) or []}
    dropped -= kept
    assert dropped and not dropped & set(after["blocks"]), "the dropped file's own blocks are gone"


def test_a_one_block_change_reformats_one_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.format.files as fmt

    files = render(build_api(load_spec(SEED)), environment())
    cache = Cache(tmp_path)
    format_files(files, cache=cache)
    calls: list[str] = []
    real = fmt.format_block
    monkeypatch.setattr(fmt, "format_block", lambda item: (calls.append(item[0]), real(item))[1])
    changed = dict(files)
    old_block = next(text for _, text in split_blocks(files["models.py"]) or [] if text.startswith("class "))
    new_block = old_block.replace(":\n", ":  # changed\n", 1)
    changed["models.py"] = files["models.py"].replace(old_block, new_block)
    warm = format_files(changed, cache=cache, jobs=1)
    assert calls == [_masked(new_block)]  # its docstring masked (format/docmask.py)
    monkeypatch.setattr(fmt, "format_block", real)
    assert warm == format_files(changed)


def test_processes_writing_one_pack_at_once_leave_a_whole_pack(tmp_path: Path) -> None:
    import multiprocessing

    variants = [{f"m{n}.py": "".join(f"x{i} = {i + n}\n" for i in range(200))} for n in range(4)]
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        pool.starmap(_format_in_process, [(str(tmp_path), variant) for variant in variants for _ in range(3)])
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [_only_pack(tmp_path)], "no temporary files left"
    assert _read_pack(_only_pack(tmp_path))["files"]
    pack = _only_pack(tmp_path).read_bytes()
    winners = []
    for variant in variants:
        (tmp_path / "alone").mkdir()
        format_files(variant, cache=Cache(tmp_path / "alone"))
        winners.append(_only_pack(tmp_path / "alone").read_bytes())
        shutil.rmtree(tmp_path / "alone")
    assert pack in winners, "the last writer's pack, whole"


def _format_in_process(root: str, files: dict[str, str]) -> None:
    format_files(files, cache=Cache(Path(root)))


def test_regeneration_links_unchanged_files_and_writes_changed_ones(tmp_path: Path) -> None:
    from generator.write.stage import write_packages

    root = tmp_path / "out"
    write_packages(root, {"pkg/a.py": "a = 1\n", "pkg/b.py": "b = 1\n"})
    before = {name: (root / "pkg" / name).stat().st_ino for name in ("a.py", "b.py")}
    write_packages(root, {"pkg/a.py": "a = 1\n", "pkg/b.py": "b = 2\n", "pkg/c.py": "c = 1\n"})
    assert (root / "pkg" / "a.py").stat().st_ino == before["a.py"], "unchanged: the same file, not rewritten"
    assert (root / "pkg" / "b.py").stat().st_ino != before["b.py"]
    assert {p.name: p.read_text() for p in (root / "pkg").iterdir()} == {"a.py": "a = 1\n", "b.py": "b = 2\n", "c.py": "c = 1\n"}
    assert sorted(p.name for p in root.iterdir()) == ["pkg"], "no staging folders left behind"


def test_regeneration_never_links_a_file_from_outside_the_package(tmp_path: Path) -> None:
    from generator.write.stage import write_packages

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.py").write_text("a = 1\n")
    root = tmp_path / "out"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "sub").symlink_to(outside, target_is_directory=True)
    write_packages(root, {"pkg/sub/a.py": "a = 1\n"})
    assert not (root / "pkg" / "sub").is_symlink()
    assert (root / "pkg" / "sub" / "a.py").stat().st_ino != (outside / "a.py").stat().st_ino
    assert (outside / "a.py").read_text() == "a = 1\n"


def test_a_failed_run_leaves_no_folder_it_created(tmp_path: Path) -> None:
    broken = tmp_path / "zz_broken.yaml"
    broken.write_text("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {/a: {get: {}}}\n", encoding="utf-8")
    out = tmp_path / "a" / "b" / "out"
    done = run_specgen("generate", str(SEED), str(broken), "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert not (tmp_path / "a").exists(), "the seed was staged first, then everything was taken back"


def test_parallel_formatting_freezes_the_heap_only_while_workers_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from generator.format import files as fmt

    files = render(build_api(load_spec(SEED)), environment())
    texts = sorted({text for path, source in files.items() if fmt._needs_black(path) for _, text in fmt.split_blocks(source) or []})
    monkeypatch.setattr(fmt, "_PARALLEL_MIN_LINES", 0)  # start workers even for this little
    frozen: list[int] = []
    from concurrent.futures import ProcessPoolExecutor

    real_map = ProcessPoolExecutor.map

    def spying_map(self: object, *args: object, **kwargs: object) -> object:
        frozen.append(gc.get_freeze_count())
        return real_map(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ProcessPoolExecutor, "map", spying_map)
    before = gc.get_freeze_count()
    parallel = list(fmt._run(texts, 88, 2))
    assert frozen and frozen[0] > before, "the heap is frozen while workers run"
    assert gc.get_freeze_count() == before, "and unfrozen after"
    assert parallel == list(fmt._run(texts, 88, 1))


def test_the_package_key_names_the_formatters_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached package formatted by another black is not reused."""
    from types import SimpleNamespace

    import black

    from generator import versions
    from generator.commands.cache import package_key
    from generator.commands.targets import Target, options_for

    from generator.commands.setting_table import SETTINGS

    values = {s.name: s.default for s in SETTINGS}
    settings: Any = SimpleNamespace(formatter="black", formatter_origin="--formatter", values=values)
    target = Target(Path("api.yaml"), None, Path("out"))
    options = options_for(target, settings)
    assert (options.formatter, options.formatter_version) == ("black", black.__version__)
    monkeypatch.setattr(versions, "black_version", lambda: "0.0.0")
    other = options_for(target, settings)
    assert other.formatter_version == "0.0.0"
    assert package_key(options, "spec") != package_key(other, "spec")


def test_a_verdict_is_keyed_by_specgens_own_checks_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached "valid" from before a new check in validate/checks.py must not skip that check."""
    import generator.validate.checks as validate_module
    from generator.pipeline import _validated_key

    spec = load_spec(SEED)
    before = _validated_key(spec)
    folder = tmp_path / "validate"  # the checks and the modules beside them, whose bytes are read too
    shutil.copytree(Path(validate_module.__file__).parent, folder, ignore=shutil.ignore_patterns("__pycache__"))
    changed = folder / "checks.py"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# a new check\n")
    monkeypatch.setattr(validate_module, "__file__", str(changed))
    assert before is not None and _validated_key(spec) not in (None, before)


# -- eviction: the last generations of each spec, and older versions' folders -------------


def test_keep_recent_keeps_the_last_entries_of_a_slot(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    keys = [digest("entry", str(i)) for i in range(6)]
    other = digest("another slot's entry")
    cache.put("package", other, b"other")
    cache.keep_recent("package", "slot-b", other, 4)
    for i, key in enumerate(keys):
        cache.put("package", key, f"entry {i}".encode())
        cache.keep_recent("package", "slot-a", key, 4)
        time.sleep(0.002)  # distinct marker mtimes, whatever the file system's clock
    assert [cache.get("package", k) is not None for k in keys] == [False, False, True, True, True, True]
    assert cache.get("package", other) == b"other"  # another slot's entries are its own
    # Used again (a cache hit), an entry becomes the newest: the oldest of the others goes.
    cache.mark_used("package", "slot-a", keys[2])
    time.sleep(0.002)
    cache.put("package", keys[0], b"entry 0 again")
    cache.keep_recent("package", "slot-a", keys[0], 4)
    assert [cache.get("package", k) is not None for k in keys] == [True, False, True, False, True, True]
    assert len(os.listdir(tmp_path / "cache" / "recent" / "package" / "slot-a")) == 4


def test_keep_recent_deletes_only_entries_named_by_a_key(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    folder = tmp_path / "cache" / "recent" / "package" / "slot"
    folder.mkdir(parents=True)
    stray = folder / "notes.txt"
    stray.write_text("not a key")
    (folder / ("A" * 64)).write_text("")  # upper case: not one of ours
    cache.keep_recent("package", "slot", digest("new"), 1)
    assert stray.read_text() == "not a key"
    assert (folder / ("A" * 64)).exists()


def test_concurrent_writers_of_one_slot_leave_no_entry_behind(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from generator.commands.cache import Cache, digest\n"
        "cache = Cache(Path(sys.argv[1]))\n"
        "for i in range(150):\n"
        "    key = digest(sys.argv[2], str(i))\n"
        "    cache.put('package', key, b'x')\n"
        "    cache.keep_recent('package', 'slot', key, 4)\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "cache"), name], cwd=ROOT)
        for name in ("a", "b")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    Cache(tmp_path / "cache").keep_recent("package", "slot", digest("last"), 4)  # a later run settles it
    entries = [p for p in (tmp_path / "cache" / "package").rglob("*") if p.is_file()]
    assert len(entries) <= 4


def test_cli_keeps_four_generations_of_a_spec_and_a_recent_one_is_a_hit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.cli import main

    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "spec" / "twilio_trunking_v1.yaml"
    spec.parent.mkdir()
    original = SEED.read_text()
    versions = [original.replace("A phone number associated", f"Version {i}. A phone number associated", 1) for i in range(6)]
    assert len(set(versions)) == 6
    out = str(tmp_path / "out")
    for text in versions:
        spec.write_text(text)
        assert main(["generate", str(spec), "--out", out, "-q", "--jobs", "1"]) == 0
    entries = [p for p in (tmp_path / "cache" / "package").rglob("*") if p.is_file()]
    assert len(entries) == 4  # not 6: one per edit otherwise
    # Back to the third version (among the last four): read from the cache, nothing new made.
    spec.write_text(versions[3])
    before = {p: p.stat().st_mtime_ns for p in entries}
    monkeypatch.setattr("generator.pipeline.generate_package", lambda *a, **k: pytest.fail("not a cache hit"))
    assert main(["generate", str(spec), "--out", out, "-q", "--jobs", "1"]) == 0
    assert {p: p.stat().st_mtime_ns for p in entries if p.exists()} == before


def test_older_versions_formatting_folders_are_deleted_when_a_pack_is_written(tmp_path: Path) -> None:
    from generator.pipeline import generate_package

    cache = Cache(tmp_path / "cache")
    for name in ("block", "file", "ruff"):
        (tmp_path / "cache" / name / "ab").mkdir(parents=True)
        (tmp_path / "cache" / name / "ab" / ("ab" + "0" * 62)).write_text("an old entry")
    generate_package(SEED, cache=cache)
    left = {p.name for p in (tmp_path / "cache").iterdir()}
    assert "pack" in left
    assert not left & {"block", "file", "ruff"}


def test_every_module_validate_imports_from_the_package_keys_the_verdict() -> None:
    """validate/cost.py decides a refusal before the validator runs: a verdict cached
    before it changed must not skip it. Every module validate/checks.py imports from
    its own folder (validate/), and validate/lenient.py, is read into the key."""
    import ast

    import generator.validate.checks as validate_module
    from generator import pipeline

    tree = ast.parse(Path(validate_module.__file__).read_text(encoding="utf-8"))
    imported = {f"{node.module}.py" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1}
    checks = {name for name in imported if name != "None.py"} | {"lenient.py"}
    assert len(checks) > 1 and checks <= set(pipeline._CHECK_FILES)
    folder = Path(validate_module.__file__).parent
    assert all((folder / name).is_file() for name in pipeline._CHECK_FILES)
