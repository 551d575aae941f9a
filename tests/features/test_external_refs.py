"""external_refs: $refs to schemas, parameters and responses in other files (relative paths)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._support import GOLDEN, Recorder, Reply, body_json, load_case, query

load_case("external_refs")

import external_refs.models as models  # noqa: E402
from external_refs import BadRequestError, Client, ResponseParseError  # noqa: E402
from external_refs.models import Address, Currency, Invoice, Money  # noqa: E402

INVOICE = {
    "number": "INV-1",
    "total": {"amount": "12.50", "currency": "EUR"},
    "lines": [
        {"amount": "10.00", "currency": "EUR"},
        {"amount": "2.50", "currency": "CHF"},
    ],
    "address": {"street": "1 Loop", "country": "FR"},
}


def test_the_other_files_are_checked_in_next_to_the_spec() -> None:
    folder = GOLDEN / "external_refs"
    assert (folder / "shared" / "common.yaml").is_file()
    assert (folder / "shared" / "nested" / "address.yaml").is_file()
    spec = (folder / "external_refs.yaml").read_text()
    assert "shared/common.yaml#/components/schemas/Money" in spec


def test_schemas_from_other_files_become_models_and_enums() -> None:
    assert set(models.__all__) == {"Address", "Currency", "Invoice", "Money", "Problem"}
    assert issubclass(Currency, models._rt.OpenEnum)
    assert [m.value for m in Currency] == ["EUR", "USD", "GBP"]
    assert Money.__annotations__ == {"amount": "str", "currency": "Currency"}
    # A file referring to a third file (shared/nested/address.yaml -> ../common.yaml).
    assert Address.__annotations__ == {"street": "str | None", "country": "str | None"}


def test_response_with_external_models_is_decoded() -> None:
    recorder = Recorder(Reply(200, [INVOICE]))
    with Client(transport=recorder.transport) as c:
        invoices = c.list_invoices()
    (invoice,) = invoices
    assert type(invoice) is Invoice
    assert invoice.total == Money(amount="12.50", currency=Currency.EUR)
    assert invoice.lines is not None
    assert invoice.lines[1].currency == "CHF" and not invoice.lines[1].currency.is_known
    assert invoice.address == Address(street="1 Loop", country="FR")


def test_parameter_from_another_file_keeps_name_and_rules() -> None:
    recorder = Recorder(Reply(200, []))
    with Client(transport=recorder.transport) as c:
        c.list_invoices(page_size=50)
        with pytest.raises(ValueError, match="^page_size: must be <= 1000"):
            c.list_invoices(page_size=1001)
    assert len(recorder.requests) == 1
    assert query(recorder.last) == [("PageSize", "50")]


def test_map_of_external_models() -> None:
    recorder = Recorder(Reply(200, {"USD": {"amount": "1.08", "currency": "USD"}}))
    with Client(transport=recorder.transport) as c:
        rates = c.get_rates()
    assert rates == {"USD": Money(amount="1.08", currency=Currency.USD)}


def test_external_models_are_sent_as_json() -> None:
    recorder = Recorder(Reply(201, INVOICE))
    with Client(transport=recorder.transport) as c:
        c.create_invoice(
            body=Invoice(number="INV-2", total=Money(amount="1", currency=Currency.GBP))
        )
    assert body_json(recorder.last) == {
        "number": "INV-2",
        "total": {"amount": "1", "currency": "GBP"},
    }


def test_error_response_from_another_file_raises_an_api_error() -> None:
    recorder = Recorder(Reply(400, {"title": "Bad", "detail": "number is taken"}))
    with (
        Client(transport=recorder.transport) as c,
        pytest.raises(BadRequestError) as caught,
    ):
        c.create_invoice(
            body=Invoice(number="INV-1", total=Money(amount="1", currency=Currency.EUR))
        )
    assert caught.value.status == 400
    assert caught.value.message == "number is taken"
    assert (
        str(caught.value)
        == "400 Bad Request: POST https://refs.example.com/invoices: number is taken"
    )


def test_required_fields_of_external_models_are_enforced() -> None:
    recorder = Recorder(Reply(200, [{"number": "INV-1", "total": {"amount": "1"}}]))
    with (
        Client(transport=recorder.transport, strict=True) as c,
        pytest.raises(ResponseParseError, match="currency"),
    ):
        c.list_invoices()


def test_generated_package_does_not_depend_on_the_shared_files() -> None:
    package = GOLDEN / "external_refs" / "expected" / "external_refs"
    text = "\n".join(p.read_text() for p in package.rglob("*.py"))
    assert "common.yaml" not in text
    assert not any(Path(p).suffix == ".yaml" for p in package.rglob("*"))
