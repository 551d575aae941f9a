"""The runtime's names, parsed once and then read from the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.ir import runtime_names as rn
from generator.commands.cache import Cache
from generator.paths import RUNTIME_DIR


@pytest.fixture(autouse=True)
def _fresh_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rn, "_memo", {})


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(sources: object) -> rn.RuntimeNames:
        raise AssertionError("the runtime was parsed again")

    monkeypatch.setattr(rn, "_parse", fail)


def test_names_come_from_the_runtime_source() -> None:
    names = rn.runtime_names()
    assert {"Client", "AsyncClient", "ApiResponse", "Model"} <= names.exports
    assert {"send", "send_raw", "paginate", "with_options", "close"} <= names.client
    assert {"from_dict", "to_dict"} <= names.model
    assert "to_dict" not in names.client and "send" not in names.model


def test_a_cached_entry_is_read_instead_of_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path)
    parsed = rn.runtime_names(cache)
    assert len(list((tmp_path / "names").rglob("*"))) == 2  # one shard folder, one entry
    rn._memo.clear()
    _no_parsing(monkeypatch)
    assert rn.runtime_names(cache) == parsed


@pytest.mark.parametrize(
    "entry",
    [b"", b"not json", b"[]", b'{"exports": ["a"], "client": []}', b'{"exports": [1], "client": [], "model": []}'],
)
def test_an_unreadable_entry_is_parsed_again_and_rewritten(tmp_path: Path, entry: bytes) -> None:
    cache = Cache(tmp_path)
    expected = rn.runtime_names(cache)
    (stored,) = [p for p in (tmp_path / "names").rglob("*") if p.is_file()]
    stored.write_bytes(entry)
    rn._memo.clear()
    assert rn.runtime_names(cache) == expected
    assert rn._decode(stored.read_bytes()) == expected


def test_a_changed_runtime_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path / "cache")
    before = rn.runtime_names(cache)
    runtime = tmp_path / "runtime"
    shutil.copytree(RUNTIME_DIR, runtime, ignore=shutil.ignore_patterns("__pycache__"))
    client = runtime / "client.py"
    client.write_text(
        client.read_text(encoding="utf-8").replace(
            "    def send(self,", "    def brand_new(self) -> None:\n        pass\n\n    def send(self,", 1
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(rn, "RUNTIME_DIR", runtime)
    after = rn.runtime_names(cache)
    assert after.client == before.client | {"brand_new"}
    assert after.exports == before.exports and after.model == before.model


def test_a_changed_reader_is_not_answered_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path / "cache")
    rn.runtime_names(cache)
    rn._memo.clear()
    changed = tmp_path / "runtime_names.py"
    changed.write_text(Path(rn.__file__).read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    monkeypatch.setattr(rn, "__file__", str(changed))
    _no_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="parsed again"):
        rn.runtime_names(cache)


def test_every_runtime_export_has_the_module_it_comes_from() -> None:
    """A package's ``__init__`` imports its runtime names from these modules
    (``from ._runtime.errors import ApiError``), so each must have one."""
    import ast

    tree = ast.parse((RUNTIME_DIR / "__init__.py").read_text(encoding="utf-8"))
    (exported,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets)
    ]
    origins = rn.runtime_origins()
    assert set(exported) <= origins.keys()
    assert origins["ApiError"] == "errors" and origins["ApiResponse"] == "base"
    assert rn.by_origin(["DecodeError", "ApiResponse", "ApiError"]) == (
        ("base", ("ApiResponse",)),
        ("errors", ("ApiError", "DecodeError")),
    )
