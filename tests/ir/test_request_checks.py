"""The generated tests of one operation state its expected request once, and
every one of them still checks all of it (ir/build_request_checks.py)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.pipeline import generate_package
from generator.write.stage import write_packages

# ``pay`` has three response examples, so three tests sending one request;
# ``check_pay`` (one test) has the request helper ``_check_pay_request``, the
# name ``pay``'s shared checks would take: they get another.
SPEC = """
openapi: 3.0.3
info: {title: shared checks, version: "1"}
servers: [{url: "https://api.example.com/v1"}]
paths:
  /payments/{id}:
    post:
      operationId: pay
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}, example: p1}
        - {name: ref, in: query, required: true, schema: {type: string}, example: r1}
        - {name: X-Key, in: header, required: true, schema: {type: string}, example: k1}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount]
              properties: {amount: {type: integer}, note: {type: string}}
            example: {amount: 5, note: n}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {state: {type: string}}}
              examples:
                paid: {value: {state: paid}}
                refused: {value: {state: refused}}
                pending: {value: {state: pending}}
  /payments/{id}/check:
    get:
      operationId: check_pay
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}, example: p1}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {state: {type: string}}}
              example: {state: paid}
  /health:  # another module: the two above share one
    get:
      operationId: health
      responses:
        "204": {description: up}
"""


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[tuple[Any, ModuleType, str]]:
    """(the IR, the imported test module, its source) of the package made of SPEC."""
    spec = tmp_path / "pay.yaml"
    spec.write_text(SPEC)
    result = generate_package(str(spec), package="shared_checks")
    assert result.api is not None
    write_packages(tmp_path / "out", result.files)
    group = next(g for g in result.api.groups if any(op.name == "pay" for op in g.operations))
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        module = importlib.import_module(f"shared_checks.tests.test_{group.name}")
        yield result.api, module, result.files[f"shared_checks/tests/test_{group.name}.py"]
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [m for m in sys.modules if m.startswith("shared_checks")]:
            del sys.modules[name]


def test_the_operation_states_its_request_once(generated: tuple[Any, ModuleType, str]) -> None:
    """Fails on the old generator: each of pay's three tests repeated every request assertion."""
    api, _module, source = generated
    pay = next(op for op in api.operations if op.name == "pay")
    assert len(pay.tests) == 3
    assert pay.request_checks is not None
    # named in the module's scope (naming.Scope): _check_pay_request is check_pay's request helper
    assert pay.request_checks.name == "_check_pay_request_"
    assert [c.kind for c in pay.request_checks.checks] == ["method", "path", "query", "json", "header"]
    assert all(t.request_checks == () for t in pay.tests)
    assert source.count("assert recorder.json() ==") == 1
    assert source.count("def _check_pay_request_(recorder: _Recorder) -> None:") == 1
    assert source.count("    _check_pay_request_(recorder)\n") == 3
    # a single test keeps its assertions inline
    check_pay = next(op for op in api.operations if op.name == "check_pay")
    assert check_pay.request_checks is None
    (single,) = check_pay.tests
    assert [c.kind for c in single.request_checks] == ["method", "path", "query"]


def _wrong_requests(ops: Any) -> dict[str, Callable[[], Any]]:
    """Requests that differ from pay's expected one in one respect each."""
    body = {"amount": 5, "note": "n"}
    model = next(
        t for t in vars(sys.modules["shared_checks.models"]).values() if isinstance(t, type) and hasattr(t, "from_dict")
    )

    def pay(**changes: Any) -> Callable[[], Any]:
        args: dict[str, Any] = {"id": "p1", "ref": "r1", "x_key": "k1", "body": model.from_dict(body), **changes}
        identifier = args.pop("id")
        return lambda: ops.pay(identifier, **args)

    return {
        "method": lambda: ops.check_pay("p1"),
        "path": pay(id="p2"),
        "query": pay(ref="r2"),
        "header": pay(x_key="k2"),
        "body": pay(body=model.from_dict({**body, "amount": 6})),
    }


def test_every_test_still_fails_on_a_wrong_request(
    generated: tuple[Any, ModuleType, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each of pay's tests passes with the request the spec describes, and fails when
    the request differs in method, path, query, a header or the body."""
    _api, module, _source = generated
    tests = [getattr(module, name) for name in dir(module) if name.startswith("test_pay_")]
    assert len(tests) == 3
    for test in tests:
        test()
    for what, wrong in _wrong_requests(module._ops).items():
        monkeypatch.setattr(module, "_pay_request", wrong)
        for test in tests:
            try:
                test()
            except AssertionError:
                continue
            pytest.fail(f"{test.__name__} passed with a wrong {what}")
