"""Rules inside a request body are checked before sending (runtime/rules.py)."""

from __future__ import annotations

import time
from typing import Any

import pytest

import generator.runtime as rt

AMOUNT = rt.Rules(
    fields=(
        ("currency", rt.Rules(min_length=3, max_length=3, pattern="^[A-Z]{3}$")),
        ("value", rt.Rules(minimum=100)),
    )
)
BODY = rt.Rules(
    fields=(
        ("amount", AMOUNT),
        ("lines", rt.Rules(max_items=2, items=rt.Rules(fields=(("qty", rt.Rules(exclusive_minimum=0)),)))),
        ("tags", rt.Rules(items=rt.Rules(max_length=4))),
    )
)


class Amount(rt.Model):
    currency: str = rt.field("currency", rt.STR)
    value: int = rt.field("value", rt.INT)


class Payment(rt.Model):
    amount: Amount = rt.field("amount", rt.model(Amount))
    reference: str | None = rt.field("reference", rt.STR, default=None)


def _request(body: object) -> rt.Request[Any]:
    op = rt.Operation(
        name="pay",
        method="POST",
        path="/payments",
        params=(rt.Param("body", "body", "body", required=True, rules=BODY),),
        response=rt.ANY,
    )
    return rt.Request(op, {"body": body})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"amount": {"currency": "EURO", "value": 100}}, "body.amount.currency: must be at most 3 characters long, got 'EURO'"),
        ({"amount": {"currency": "eur", "value": 100}}, "body.amount.currency: must match pattern ^[A-Z]{3}$, got 'eur'"),
        ({"amount": {"currency": "EUR", "value": 99}}, "body.amount.value: must be >= 100, got 99"),
        ({"lines": [{"qty": 1}, {"qty": 0}]}, "body.lines[1].qty: must be > 0, got 0"),
        ({"lines": [{}, {}, {}]}, "body.lines: must have at most 2 items, got 3"),
        ({"tags": ["ok", "too long"]}, "body.tags[1]: must be at most 4 characters long, got 'too long'"),
    ],
)
def test_a_body_breaking_a_rule_is_refused_before_sending(body: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        _request(body)
    assert str(caught.value) == message


def test_a_model_body_is_checked_on_its_json_form() -> None:
    with pytest.raises(ValueError, match=r"^body\.amount\.currency: must match pattern"):
        _request(Payment(amount=Amount(currency="eur", value=100)))
    request = _request(Payment(amount=Amount(currency="EUR", value=100)))
    assert request.json == {"amount": {"currency": "EUR", "value": 100}}


def test_valid_bodies_and_nulls_pass() -> None:
    assert _request({"amount": {"currency": "EUR", "value": 100}, "lines": [{"qty": 2}], "tags": ["a"]}).json
    assert _request({"amount": None, "lines": [None], "other": "x" * 100}).json


def test_a_map_of_values_is_checked_by_value() -> None:
    rules = rt.Rules(items=rt.Rules(maximum=5))
    rules.check({"a": 1, "b": 5}, "body")
    with pytest.raises(ValueError, match=r"^body\.b: must be <= 5, got 6$"):
        rules.check({"a": 1, "b": 6}, "body")


def test_a_hostile_pattern_takes_linear_time() -> None:
    rules = rt.Rules(fields=(("name", rt.Rules(pattern="^(a+)+$")),))
    start = time.perf_counter()
    with pytest.raises(ValueError):
        rules.check({"name": "a" * 5_000 + "!"}, "body")
    assert time.perf_counter() - start < 5
