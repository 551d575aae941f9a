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
from generator.render import environment, render

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
