"""The cache only makes things faster: the bytes are the same with and without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOLDEN, ROOT, run_specgen, tree_hash
from generator.build import build_api
from generator.cache import Cache, digest, spec_fingerprint
from generator.format import format_files, format_source, split_blocks
from generator.load import load_spec
from generator.errors import SpecError
from generator.render import environment, render
from generator.validate import validation_view

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


def test_format_cache_round_trip(tmp_path: Path) -> None:
    files = render(build_api(load_spec(SEED)), environment())
    cache = Cache(tmp_path)
    cold = format_files(files, cache=cache)
    assert any((tmp_path / "block").rglob("*")), "blocks are stored"
    # a poisoned entry would show: prove the second run reads the cache
    warm = format_files(files, cache=cache)
    assert warm == cold


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


HEAVY_MODULES = ("black", "jinja2", "yaml", "openapi_spec_validator", "generator.pipeline", "generator.specdiff")


@pytest.mark.parametrize("command", ["generate", "check"])
def test_fast_paths_import_nothing_heavy(tmp_path: Path, command: str) -> None:
    """A cache hit (`generate` with nothing to do, `check` of a fresh package) runs
    without importing black, Jinja2, PyYAML or the validator: start-up is most of
    what these commands cost (see docs/benchmarks.md)."""
    env = {"SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    out = tmp_path / "out"
    assert run_specgen("generate", str(SEED), "--out", str(out), env=env).returncode == 0
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['specgen', {command!r}, {str(SEED)!r}, '--out', {str(out)!r}]\n"
        "try:\n"
        "    runpy.run_module('generator', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
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


def test_whole_files_come_from_the_cache(tmp_path: Path) -> None:
    files = render(build_api(load_spec(SEED)), environment())
    cache = Cache(tmp_path)
    cold = format_files(files, cache=cache)
    entries = sorted(p for p in (tmp_path / "file").rglob("*") if p.is_file())
    assert len(entries) == sum(1 for path in files if path.endswith(".py") and "_runtime/" not in path)
    for entry in entries:  # poison every file entry: a warm run must serve them as they are
        entry.write_bytes(b"# from the cache\n")
    warm = format_files(files, cache=cache)
    assert {path for path in warm if warm[path] == "# from the cache\n"} == {
        path for path in files if path.endswith(".py") and "_runtime/" not in path
    }
    assert {p: t for p, t in warm.items() if not p.endswith(".py") or "_runtime/" in p} == {
        p: t for p, t in cold.items() if not p.endswith(".py") or "_runtime/" in p
    }


def test_regeneration_links_unchanged_files_and_writes_changed_ones(tmp_path: Path) -> None:
    from generator.write import write_packages

    root = tmp_path / "out"
    write_packages(root, {"pkg/a.py": "a = 1\n", "pkg/b.py": "b = 1\n"})
    before = {name: (root / "pkg" / name).stat().st_ino for name in ("a.py", "b.py")}
    write_packages(root, {"pkg/a.py": "a = 1\n", "pkg/b.py": "b = 2\n", "pkg/c.py": "c = 1\n"})
    assert (root / "pkg" / "a.py").stat().st_ino == before["a.py"], "unchanged: the same file, not rewritten"
    assert (root / "pkg" / "b.py").stat().st_ino != before["b.py"]
    assert {p.name: p.read_text() for p in (root / "pkg").iterdir()} == {"a.py": "a = 1\n", "b.py": "b = 2\n", "c.py": "c = 1\n"}
    assert sorted(p.name for p in root.iterdir()) == ["pkg"], "no staging folders left behind"


def test_regeneration_never_links_a_file_from_outside_the_package(tmp_path: Path) -> None:
    from generator.write import write_packages

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

    from generator import format as fmt

    files = render(build_api(load_spec(SEED)), environment())
    texts = sorted({text for path, source in files.items() if fmt._needs_black(path) for _, text in fmt.split_blocks(source) or []})
    monkeypatch.setattr(fmt, "_PARALLEL_MIN_LINES", 0)  # start workers even for this little
    frozen: list[int] = []
    real_map = fmt.ProcessPoolExecutor.map

    def spying_map(self: object, *args: object, **kwargs: object) -> object:
        frozen.append(gc.get_freeze_count())
        return real_map(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fmt.ProcessPoolExecutor, "map", spying_map)
    before = gc.get_freeze_count()
    parallel = list(fmt._run(texts, 88, 2))
    assert frozen and frozen[0] > before, "the heap is frozen while workers run"
    assert gc.get_freeze_count() == before, "and unfrozen after"
    assert parallel == list(fmt._run(texts, 88, 1))
