"""schemas: local $refs, recursion, nested models, arrays, maps, allOf, oneOf/anyOf with discriminators."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

import pytest

from ._support import Recorder, Reply, body_json, load_case, raw_path

load_case("schemas")

from schemas import Client, ResponseParseError, operations as ops  # noqa: E402
from schemas.models import (  # noqa: E402
    Bike,
    Car,
    Cat,
    Circle,
    Department,
    Dog,
    Employee,
    GetValueResponse,
    Order,
    OrderCustomer,
    OrderCustomerAddress,
    OrderLinesItem,
    PetBase,
    Square,
    TreeNode,
    Truck,
)


def fields(cls: type) -> list[str]:
    return [name for name, _ in cls.__specgen_fields__]


def call(reply: Reply, fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, Recorder]:
    recorder = Recorder(reply)
    with Client(transport=recorder.transport, strict=True) as c:  # strict: these tests check the schema (see test_responses.py for tolerant reading)
        result = getattr(c, fn)(*args, **kwargs)
    return result, recorder


# -- $ref to parameters, responses and schemas ------------------------------


def test_refs_to_parameter_and_response_components() -> None:
    result, recorder = call(
        Reply(200, {"pet_type": "cat", "name": "Tom", "purrs": True}), "get_pet", "p/1"
    )
    assert raw_path(recorder.last) == "/pets/p%2F1"
    assert list(typing.get_type_hints(ops.get_pet)) == ["pet_id", "return"]
    assert ops.get_pet.__doc__ is not None and "The pet's id." in ops.get_pet.__doc__
    assert type(result) is Cat


# -- allOf ------------------------------------------------------------------


def test_all_of_is_merged_into_one_model_with_every_field() -> None:
    assert fields(Cat) == ["pet_type", "name", "purrs"]
    assert fields(Dog) == ["pet_type", "name", "bark_volume"]
    assert Cat.__annotations__ == {"pet_type": "str", "name": "str", "purrs": "bool"}
    assert Cat.__doc__ == "A cat."
    # Cat is a plain model of its own, not a subclass of the base schema.
    assert not issubclass(Cat, PetBase)


def test_all_of_keeps_the_requirements_of_every_part() -> None:
    with pytest.raises(ResponseParseError, match="purrs"):
        call(Reply(200, {"pet_type": "cat", "name": "Tom"}), "get_pet", "1")
    with pytest.raises(ResponseParseError, match="name"):
        call(Reply(200, {"pet_type": "dog", "bark_volume": 3}), "get_pet", "1")


# -- oneOf / anyOf and discriminators ----------------------------------------


def test_one_of_with_explicit_mapping_picks_the_mapped_class() -> None:
    dog, _ = call(
        Reply(200, {"pet_type": "dog", "name": "Rex", "bark_volume": 11}),
        "get_pet",
        "1",
    )
    assert type(dog) is Dog and dog.bark_volume == 11
    # A body that would also decode as a Cat (tried first): the discriminator decides.
    dog, _ = call(
        Reply(200, {"pet_type": "dog", "name": "Rex", "purrs": False}), "get_pet", "1"
    )
    assert type(dog) is Dog
    assert dog.extra == {"purrs": False}


def test_discriminator_value_mapped_to_a_class_that_does_not_match_fails() -> None:
    with pytest.raises(ResponseParseError, match="purrs"):
        call(
            Reply(200, {"pet_type": "cat", "name": "Rex", "bark_volume": 11}),
            "get_pet",
            "1",
        )


def test_any_of_without_mapping_uses_the_schema_names() -> None:
    shapes, _ = call(
        Reply(
            200,
            [
                {"kind": "Circle", "radius": 1},
                {"kind": "Square", "side": 2},
                # Would decode as a Circle (tried first); the discriminator says Square.
                {"kind": "Square", "side": 3, "radius": 9},
            ],
        ),
        "list_shapes",
    )
    assert [type(s) for s in shapes] == [Circle, Square, Square]
    assert shapes[0].radius == 1.0 and isinstance(shapes[0].radius, float)
    assert shapes[2].side == 3.0 and shapes[2].extra == {"radius": 9}


def test_mapping_to_bare_schema_names_and_refs() -> None:
    car, _ = call(Reply(200, {"type": "car", "seats": 5}), "get_vehicle", "v1")
    assert type(car) is Car and car.seats == 5
    # Would decode as a Car (tried first, every field optional): the mapping says Bike.
    bike, _ = call(Reply(200, {"type": "bike", "gears": 21}), "get_vehicle", "v1")
    assert type(bike) is Bike and bike.gears == 21


def test_variants_missing_from_a_partial_mapping_keep_their_implicit_name() -> None:
    truck, _ = call(
        Reply(200, {"type": "Truck", "payload_tons": 3}), "get_vehicle", "v1"
    )
    assert type(truck) is Truck and truck.payload_tons == 3.0


def test_one_of_without_discriminator_tries_each_alternative() -> None:
    for value in (7, "seven", ["s", "e"]):
        result, _ = call(Reply(200, {"value": value}), "get_value", "k")
        assert isinstance(result, GetValueResponse)
        assert result.value == value
    with pytest.raises(ResponseParseError, match="value"):
        call(Reply(200, {"value": 1.5}), "get_value", "k")


def test_union_body_is_sent_as_the_chosen_model() -> None:
    result, recorder = call(
        Reply(201, {"pet_type": "dog", "name": "Rex"}),
        "create_pet",
        body=Dog(pet_type="dog", name="Rex", bark_volume=2),
    )
    assert recorder.last.headers["Content-Type"] == "application/json"
    assert body_json(recorder.last) == {
        "pet_type": "dog",
        "name": "Rex",
        "bark_volume": 2,
    }
    assert type(result) is Dog


def test_union_annotations() -> None:
    hints = typing.get_type_hints(ops.create_pet)
    assert hints["body"] == Cat | Dog
    assert GetValueResponse.__annotations__["value"] == "int | str | list[str] | None"


# -- recursion --------------------------------------------------------------


def test_recursive_tree_is_decoded_to_any_depth() -> None:
    tree = {
        "value": "root",
        "children": [
            {"value": "a", "children": [{"value": "a1", "children": []}]},
            {"value": "b"},
        ],
    }
    root, _ = call(Reply(200, tree), "get_tree")
    assert type(root) is TreeNode
    assert [c.value for c in root.children] == ["a", "b"]
    assert type(root.children[0].children[0]) is TreeNode
    assert root.children[0].children[0].value == "a1"
    assert root.children[1].children is None
    assert root.to_dict() == tree


def test_recursive_reference_to_self_and_mutual_recursion() -> None:
    node, _ = call(
        Reply(200, {"value": "leaf", "parent": {"value": "root"}}), "get_tree"
    )
    assert node.parent == TreeNode(value="root")
    dept, recorder = call(
        Reply(
            200,
            {
                "name": "R&D",
                "head": {"name": "Ada", "department": {"name": "R&D"}},
                "employees": [{"name": "Bob"}],
            },
        ),
        "get_department",
        7,
    )
    assert raw_path(recorder.last) == "/departments/7"
    assert type(dept.head) is Employee and type(dept.head.department) is Department
    assert dept.head.department.name == "R&D"
    assert dept.employees == [Employee(name="Bob")]


# -- nesting, arrays, maps --------------------------------------------------

ORDER = {
    "customer": {"name": "Ada", "address": {"street": "1 Loop", "city": "Paris"}},
    "lines": [{"sku": "A-1", "quantity": 2}],
    "grid": [[1, 2.5], []],
    "labels": {"gift": "yes"},
    "stock": {"warehouse": {"value": "shelf", "children": [{"value": "bin"}]}},
    "counts_by_day": {"mon": [1, 2], "tue": []},
    "metadata": {"anything": [1, {"goes": None}]},
}


def test_nested_objects_become_nested_models() -> None:
    order, _ = call(
        Reply(200, ORDER),
        "create_order",
        body=Order(customer=OrderCustomer(name="x"), lines=[]),
    )
    assert type(order.customer) is OrderCustomer
    assert type(order.customer.address) is OrderCustomerAddress
    assert order.customer.address.city == "Paris"
    assert order.lines == [OrderLinesItem(sku="A-1", quantity=2)]


def test_arrays_and_maps_are_typed() -> None:
    order, _ = call(
        Reply(200, ORDER),
        "create_order",
        body=Order(customer=OrderCustomer(name="x"), lines=[]),
    )
    assert order.grid == [[1.0, 2.5], []]
    assert all(isinstance(v, float) for v in order.grid[0])
    assert order.labels == {"gift": "yes"}
    assert order.stock is not None and type(order.stock["warehouse"]) is TreeNode
    assert order.stock["warehouse"].children == [TreeNode(value="bin")]
    assert order.counts_by_day == {"mon": [1, 2], "tue": []}
    assert order.metadata == {"anything": [1, {"goes": None}]}
    assert Order.__annotations__ == {
        "customer": "OrderCustomer",
        "lines": "list[OrderLinesItem]",
        "grid": "list[list[float]] | None",
        "labels": "dict[str, str] | None",
        "stock": "dict[str, TreeNode] | None",
        "counts_by_day": "dict[str, list[int]] | None",
        "metadata": "dict[str, Any] | None",
    }


def test_map_values_are_checked() -> None:
    with pytest.raises(ResponseParseError, match="counts_by_day.mon"):
        call(
            Reply(200, {**ORDER, "counts_by_day": {"mon": ["x"]}}),
            "create_order",
            body=Order(customer=OrderCustomer(name="x"), lines=[]),
        )


def test_nested_models_maps_and_arrays_are_sent_as_json() -> None:
    body = Order(
        customer=OrderCustomer(name="Ada", address=OrderCustomerAddress(city="Paris")),
        lines=[OrderLinesItem(sku="A-1", quantity=2)],
        grid=[[1.0], []],
        stock={"w": TreeNode(value="shelf", children=[TreeNode(value="bin")])},
        counts_by_day={"mon": [1]},
    )
    _, recorder = call(Reply(200, ORDER), "create_order", body=body)
    assert body_json(recorder.last) == {
        "customer": {"name": "Ada", "address": {"city": "Paris"}},
        "lines": [{"sku": "A-1", "quantity": 2}],
        "grid": [[1.0], []],
        "stock": {"w": {"value": "shelf", "children": [{"value": "bin"}]}},
        "counts_by_day": {"mon": [1]},
    }


def test_union_component_schemas_are_named() -> None:
    import schemas.models as models

    assert models.Pet == Cat | Dog  # type: ignore[attr-defined]
    assert models.Shape == Circle | Square  # type: ignore[attr-defined]
