"""Validation in a forked child beside the rest of the pipeline (``jobs > 1``).

The result must be the serial pipeline's: the same files for a valid spec,
the same SpecError (messages and order) for an invalid one, even when the
later stages fail on the invalid spec meanwhile; a child that dies means
validating in the parent instead; no child outlives the call.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import generator.pipeline as pipeline
import generator.validate.checks as validate_module
import generator.validate.beside as beside_module
from generator.commands.cache import Cache
from generator.errors import SpecError
from generator.pipeline import generate_package

from security.test_broken import CASES, SUBPROCESS, materialise

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "spec" / "twilio_trunking_v1.yaml"
WIDGETS = ROOT / "tests" / "golden" / "widgets" / "widgets.yaml"
# Invalid specs whose IR build also fails (AttributeError): the validation errors must win.
BUILD_FAILS = ("paths_not_a_mapping.yaml", "ref_not_a_string.yaml")

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="validation beside the pipeline needs os.fork")


@pytest.fixture(autouse=True)
def _every_spec_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test specs are small: fork for them too (once the validator is imported,
    specs under BESIDE_MIN_NODES nodes validate inline)."""
    monkeypatch.setattr(beside_module, "BESIDE_MIN_NODES", 0)


def spec_error(path: Path, **kwargs: Any) -> SpecError:
    with pytest.raises(SpecError) as info:
        generate_package(path, **kwargs)
    return info.value


@pytest.fixture
def handles(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every background validation the pipeline starts (None when it validated inline)."""
    started: list[Any] = []
    real = pipeline.start_validation

    def recording(*args: Any, **kwargs: Any) -> Any:
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(pipeline, "start_validation", recording)
    return started


def assert_reaped(handles: list[Any]) -> None:
    started = [handle for handle in handles if handle is not None]
    assert started, "validation did not run beside the pipeline"
    for handle in started:
        with pytest.raises(ChildProcessError):
            os.waitpid(handle.pid, os.WNOHANG)  # reaped already: not a zombie, not running


@pytest.fixture
def slow_child(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Make the child's validation take at least ``seconds`` (the parent's stays fast)."""

    def slow(seconds: float) -> None:
        real = validate_module.validate
        parent = os.getpid()

        def delayed(spec: Any) -> None:
            if os.getpid() != parent:
                time.sleep(seconds)
            real(spec)

        monkeypatch.setattr(validate_module, "validate", delayed)

    return slow


def pids_validating(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[], list[int]]:
    """Record which process calls ``validate`` (a file: the child's memory is its own)."""
    log = tmp_path / "pids"
    real = validate_module.validate

    def recording(spec: Any) -> None:
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()}\n")
        real(spec)

    monkeypatch.setattr(validate_module, "validate", recording)
    monkeypatch.setattr(pipeline, "validate", recording)
    return lambda: [int(line) for line in log.read_text().split()] if log.exists() else []


def test_validation_runs_in_a_child_with_jobs_above_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, handles: list[Any]
) -> None:
    pids = pids_validating(monkeypatch, tmp_path)
    generate_package(SEED, jobs=2)
    assert len(pids()) == 1 and pids()[0] != os.getpid(), "validated in a forked child"
    assert_reaped(handles)


def test_validation_stays_inline_with_one_job(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pids = pids_validating(monkeypatch, tmp_path)
    generate_package(SEED, jobs=1)
    assert pids() == [os.getpid()]


def test_a_small_spec_validates_inline_once_the_validator_is_imported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import openapi_spec_validator  # noqa: F401

    monkeypatch.setattr(beside_module, "BESIDE_MIN_NODES", 10**9)
    pids = pids_validating(monkeypatch, tmp_path)
    generate_package(SEED, jobs=2)
    assert pids() == [os.getpid()], "a fork costs more than validating a small spec"


def test_validation_stays_inline_when_other_threads_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Forking a process with other threads can copy a lock some thread holds: no child then."""
    pids = pids_validating(monkeypatch, tmp_path)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        generate_package(SEED, jobs=2)
    finally:
        stop.set()
        thread.join()
    assert pids() == [os.getpid()]


def test_a_valid_spec_gives_the_same_package_with_two_jobs() -> None:
    serial = generate_package(WIDGETS, jobs=1)
    beside = generate_package(WIDGETS, jobs=2)
    assert beside.files == serial.files
    assert beside.warnings == serial.warnings


@pytest.mark.parametrize("case", sorted(set(CASES) - SUBPROCESS))
def test_an_invalid_spec_gives_the_same_errors_with_two_jobs(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    materialise(case, tmp_path / "work")
    monkeypatch.chdir(tmp_path / "work")
    serial = spec_error(Path(case), jobs=1)
    beside = spec_error(Path(case), jobs=2)
    assert str(beside) == str(serial)
    assert beside.diagnostics == serial.diagnostics
    assert type(beside) is SpecError


def test_a_verdict_larger_than_a_pipe_holds(tmp_path: Path, handles: list[Any]) -> None:
    paths = "".join(
        f"  /things{i}:\n    get:\n      operationId: same\n"
        "      responses:\n        '200':\n          description: ok\n"
        for i in range(800)
    )
    path = tmp_path / "many.yaml"
    path.write_text(f"openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n{paths}")
    serial = spec_error(path, jobs=1)
    assert len(serial.diagnostics) == 799 and len(str(serial)) > 1 << 16
    assert str(spec_error(path, jobs=2)) == str(serial)
    assert_reaped(handles)


@pytest.mark.parametrize("case", BUILD_FAILS)
def test_validation_errors_win_over_a_build_that_failed_first(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slow_child: Callable[[float], None], handles: list[Any]
) -> None:
    materialise(case, tmp_path / "work")
    monkeypatch.chdir(tmp_path / "work")
    serial = spec_error(Path(case), jobs=1)
    slow_child(0.5)  # the IR build fails long before the verdict arrives
    beside = spec_error(Path(case), jobs=2)
    assert str(beside) == str(serial)
    assert isinstance(beside.__cause__, AttributeError), "the build failed first, and the verdict won"
    assert_reaped(handles)


def test_a_render_error_on_a_valid_spec_is_raised_after_the_verdict(
    monkeypatch: pytest.MonkeyPatch, handles: list[Any]
) -> None:
    def broken_render(*args: Any) -> None:
        raise RuntimeError("render failed")

    monkeypatch.setattr(pipeline, "render", broken_render)
    with pytest.raises(RuntimeError, match="render failed"):
        generate_package(SEED, jobs=2)
    assert_reaped(handles)


def test_a_render_error_on_an_invalid_spec_gives_the_validation_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, handles: list[Any]
) -> None:
    materialise("duplicate_operation_id.yaml", tmp_path / "work")
    monkeypatch.chdir(tmp_path / "work")
    serial = spec_error(Path("duplicate_operation_id.yaml"), jobs=1)

    def broken_render(*args: Any) -> None:
        raise RuntimeError("render failed")

    monkeypatch.setattr(pipeline, "render", broken_render)
    beside = spec_error(Path("duplicate_operation_id.yaml"), jobs=2)
    assert str(beside) == str(serial)
    assert_reaped(handles)


def test_an_interrupt_kills_and_reaps_the_child(
    monkeypatch: pytest.MonkeyPatch, slow_child: Callable[[float], None], handles: list[Any]
) -> None:
    slow_child(30)

    def interrupted(*args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "render", interrupted)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        generate_package(SEED, jobs=2)
    assert time.monotonic() - started < 20, "the parent waited for the child instead of killing it"
    assert_reaped(handles)


def _exits(spec: Any, fd: int, *check: Any) -> None:
    os._exit(3)


def _is_killed(spec: Any, fd: int, *check: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _writes_garbage(spec: Any, fd: int, *check: Any) -> None:
    os.write(fd, b"not a pickle")


_REAL_CHILD = beside_module._validate_in_child


def _writes_half(spec: Any, fd: int, *check: Any) -> None:
    read, write = os.pipe()
    _REAL_CHILD(spec, write, *check)  # the real verdict, cut short
    os.close(write)
    data = os.read(read, 1 << 20)
    os.close(read)
    os.write(fd, data[: len(data) // 2])
    os._exit(0)


@pytest.mark.parametrize("failure", [_exits, _is_killed, _writes_garbage, _writes_half])
def test_a_child_that_dies_means_validating_in_the_parent(
    failure: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    handles: list[Any],
) -> None:
    monkeypatch.setattr(beside_module, "_validate_in_child", failure)
    pids = pids_validating(monkeypatch, tmp_path)
    assert generate_package(WIDGETS, jobs=2).files == generate_package(WIDGETS, jobs=1).files
    materialise("duplicate_operation_id.yaml", tmp_path / "work")
    monkeypatch.chdir(tmp_path / "work")
    serial = spec_error(Path("duplicate_operation_id.yaml"), jobs=1)
    beside = spec_error(Path("duplicate_operation_id.yaml"), jobs=2)
    assert str(beside) == str(serial)
    assert pids().count(os.getpid()) == 4, "every verdict came from validating in the parent"
    if failure is _writes_half:
        assert len(pids()) == 6, "the children validated, and sent half of their verdict"
    assert len([handle for handle in handles if handle is not None]) == 2, "two runs with jobs=2"
    assert_reaped(handles)


def test_the_child_writes_nothing_to_stdout_or_stderr(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    real = validate_module.validate

    def noisy(spec: Any) -> None:
        print("noise on stdout")
        os.write(2, b"noise on stderr\n")
        real(spec)

    monkeypatch.setattr(validate_module, "validate", noisy)
    print("before", end="", flush=False)  # unflushed in the parent: must not be written twice
    generate_package(SEED, jobs=2)
    captured = capfd.readouterr()
    assert captured.out == "before"
    assert captured.err == ""


def test_a_cached_verdict_starts_no_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path / "cache")
    generate_package(SEED, cache=cache, jobs=2)
    assert any(p.is_file() for p in (tmp_path / "cache" / "valid").rglob("*")), "the child's verdict was cached"

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("validated despite a cached verdict")

    monkeypatch.setattr(pipeline, "start_validation", refuse)
    monkeypatch.setattr(pipeline, "validate", refuse)
    generate_package(SEED, cache=cache, jobs=2)


def test_an_invalid_verdict_is_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    materialise("duplicate_operation_id.yaml", tmp_path / "work")
    cache = Cache(tmp_path / "cache")
    spec_error(tmp_path / "work" / "duplicate_operation_id.yaml", cache=cache, jobs=2)
    assert not any(p.is_file() for p in (tmp_path / "cache" / "valid").rglob("*")), "only a valid verdict is cached"

