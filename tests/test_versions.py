"""Versions read from ``.dist-info`` folder names agree with importlib.metadata."""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from generator.versions import _from_dist_info, installed_version


@pytest.mark.parametrize(
    ("module", "distribution"),
    [("black", "black"), ("openapi_spec_validator", "openapi-spec-validator"), ("yaml", "PyYAML"), ("jinja2", "Jinja2")],
)
def test_the_installed_libraries(module: str, distribution: str) -> None:
    assert _from_dist_info(module, distribution) is not None, "found without importlib.metadata"
    assert installed_version(module, distribution) == version(distribution)


def _site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *dist_infos: str) -> None:
    (tmp_path / "fake_pkg_for_versions").mkdir()
    (tmp_path / "fake_pkg_for_versions" / "__init__.py").write_text("")
    (tmp_path / "fake_module_for_versions.py").write_text("")
    for name in dist_infos:
        (tmp_path / name).mkdir()
        (tmp_path / name / "METADATA").write_text(f"Metadata-Version: 2.1\nName: x\nVersion: {name.split('-')[1][:-10]}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()


def test_names_are_compared_normalised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _site(tmp_path, monkeypatch, "Fake.Pkg_For-1.2.3.dist-info", "other-9.dist-info")
    assert _from_dist_info("fake_pkg_for_versions", "fake-pkg-for") == "1.2.3"
    assert _from_dist_info("fake_module_for_versions", "FAKE_pkg.for") == "1.2.3"
    assert _from_dist_info("fake_module_for_versions", "absent") is None


def test_two_candidates_mean_asking_importlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _site(tmp_path, monkeypatch, "fake_pkg_for-1.0.dist-info", "fake_pkg_for-2.0.dist-info")
    assert _from_dist_info("fake_pkg_for_versions", "fake-pkg-for") is None


def test_a_module_that_is_not_installed() -> None:
    assert _from_dist_info("no_such_module_for_versions", "no-such") is None
    with pytest.raises(PackageNotFoundError):
        installed_version("no_such_module_for_versions", "no-such-distribution-for-versions")
