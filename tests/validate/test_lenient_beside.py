"""Lenient validation beside the build (validate/lenient_beside.py), with ``jobs > 1``.

The build reads the spec with the defaults dropped that specgen predicts the
validator refuses; whatever the prediction, the package and the warnings must
be those of the serial path (``jobs=1``), and an invalid spec's error the same.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import generator.validate.lenient_beside as lenient_beside
import generator.pipeline as pipeline
import generator.validate.beside as beside_module
from generator.errors import SpecError
from generator.load.loader import load_spec
from generator.pipeline import generate_package
from generator.pipeline_types import Generated

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "lenient"
HARMLESS = sorted(p for p in CASES.glob("*.yaml") if not p.name.startswith("not_harmless"))

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="validation beside the build needs os.fork")


@pytest.fixture(autouse=True)
def _every_spec_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork for the small test specs too (see test_validate_beside.py)."""
    monkeypatch.setattr(beside_module, "BESIDE_MIN_NODES", 0)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many builds each run made (appends one per build)."""
    made: list[int] = []
    real = pipeline._build

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_build", counting)
    return made


def same(beside: Generated, serial: Generated) -> None:
    assert beside.files == serial.files
    assert beside.worked_around == serial.worked_around
    assert [str(w) for w in beside.warnings] == [str(w) for w in serial.warnings]


def beside_run(spec: Path) -> Generated:
    started: list[Any] = []
    real = pipeline.start_lenient

    def recording(*args: Any, **kwargs: Any) -> Any:
        started.append(real(*args, **kwargs))
        return started[-1]

    pipeline_start = pipeline.start_lenient
    pipeline.start_lenient = recording
    try:
        generated = generate_package(spec, lenient=True, jobs=2)
    finally:
        pipeline.start_lenient = pipeline_start
    assert started and started[0].background is not None, "validation did not run beside the build"
    return generated


@pytest.mark.parametrize("spec", HARMLESS, ids=lambda p: p.name)
def test_beside_is_the_serial_path(spec: Path, builds: list[int]) -> None:
    serial = generate_package(spec, lenient=True, jobs=1)
    builds.clear()
    same(beside_run(spec), serial)
    assert len(builds) == 1, "the prediction was right: one build"


def test_the_prediction_is_the_verdict_on_the_bad_defaults() -> None:
    from generator.validate.lenient import mend, verdict

    for name in ("bad_default_30.yaml", "bad_default_31.yaml"):
        spec = load_spec(CASES / name)
        mend(spec)
        predicted = lenient_beside.predicted_drops(spec)
        assert predicted and set(predicted) == set(verdict(spec).drop)


@pytest.mark.parametrize("guess", ["none", "one_more"])
def test_a_wrong_prediction_builds_again_to_the_same_bytes(
    guess: str, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = CASES / "bad_default_31.yaml"
    serial = generate_package(spec, lenient=True, jobs=1)
    real = lenient_beside.predicted_drops

    def wrong(loaded: Any) -> tuple[str, ...]:
        right = real(loaded)
        if guess == "none":
            return ()
        return (*right, "/info/default")  # a place that holds none

    monkeypatch.setattr(lenient_beside, "predicted_drops", wrong)
    builds.clear()
    same(beside_run(spec), serial)
    assert len(builds) == 2, "the wrong guess was built on, then the verdict's drops"


def test_a_wrong_guess_of_a_kept_default_is_undone_in_place(tmp_path: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A default the verdict keeps, dropped by the guess: put back where it was (the key order counts)."""
    text = (CASES / "bad_default_31.yaml").read_text()
    text = text.replace("        id:\n          type: string\n", "        id:\n          type: string\n          default: abc\n          description: The id.\n", 1)
    spec = tmp_path / "bad_default_31.yaml"
    spec.write_text(text)
    serial = generate_package(spec, lenient=True, jobs=1)
    real = lenient_beside.predicted_drops
    monkeypatch.setattr(lenient_beside, "predicted_drops", lambda s: (*real(s), "/components/schemas/Session/properties/id/default"))
    builds.clear()
    same(beside_run(spec), serial)
    assert len(builds) == 2


def test_a_child_that_dies_means_checking_the_mended_spec_here(builds: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    spec = CASES / "bad_default_30.yaml"
    serial = generate_package(spec, lenient=True, jobs=1)

    def dies(*args: Any) -> None:
        os._exit(3)

    monkeypatch.setattr(beside_module, "_validate_in_child", dies)
    monkeypatch.setattr(lenient_beside, "predicted_drops", lambda s: ())  # the parent checks the spec as mended
    builds.clear()
    same(beside_run(spec), serial)


def test_an_invalid_spec_fails_as_serially() -> None:
    spec = CASES / "not_harmless_31.yaml"
    with pytest.raises(SpecError) as serial:
        generate_package(spec, lenient=True, jobs=1)
    with pytest.raises(SpecError) as beside:
        generate_package(spec, lenient=True, jobs=2)
    assert str(beside.value) == str(serial.value)


def test_the_lenient_verdict_is_in_before_black_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The validation child's memory is gone before black's workers start: the
    verdict is awaited before formatting, not only when it happens to be ready."""
    started: list[Any] = []
    real_start, real_format = pipeline.start_lenient, pipeline.format_files
    seen: list[bool] = []

    def recording(*args: Any, **kwargs: Any) -> Any:
        started.append(real_start(*args, **kwargs))
        return started[-1]

    def formatting(*args: Any, **kwargs: Any) -> Any:
        seen.append(started[-1].finished)
        return real_format(*args, **kwargs)

    def never_ready(self: Any) -> bool:
        return False  # the child still checking when rendering is done (a large spec)

    monkeypatch.setattr(pipeline, "start_lenient", recording)
    monkeypatch.setattr(pipeline, "format_files", formatting)
    monkeypatch.setattr(lenient_beside.LenientRun, "ready", never_ready)
    generate_package(HARMLESS[0], lenient=True, jobs=2)
    assert started and started[0].background is not None, "validation did not run beside the build"
    assert seen == [True]
