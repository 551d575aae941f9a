"""The type table (generator/ir/type_table.py), one row per way a kind is spelled.

``test_types.py`` reaches the table from schemas; these rows give it type
references no schema makes on its own: a file part, raw bytes, a model
defined later (decoded lazily), a named union spelled out for its alias.
"""

from __future__ import annotations

import pytest

from generator.ir.nodes import TypeRef
from generator.ir.naming import Identifier
from generator.ir.type_table import KINDS, annotation, decoder, field_annotation, value_decoder

PET = TypeRef("model", name=Identifier("Pet"))
FILE = TypeRef("file")
FILES = TypeRef("list", item=FILE)
ANIMAL = TypeRef("union", name=Identifier("Animal"), variants=(PET, TypeRef("str")))

# (id, type, annotation of a required argument, of an optional one)
ARGUMENTS = [
    ("file", FILE, "_rt.FileContent", "_rt.FileContent | None"),
    ("files", FILES, "list[_rt.FileContent]", "list[_rt.FileContent] | None"),
    ("file-or-files", TypeRef("union", variants=(FILE, FILES)), "_rt.FileContent | list[_rt.FileContent]", "_rt.FileContent | list[_rt.FileContent] | None"),
    ("bytes", TypeRef("bytes"), "bytes", "bytes | None"),
    ("any", TypeRef("any"), "Any", "Any"),
    ("named-union", ANIMAL, "Animal", "Animal | None"),
    ("nullable-named-union", TypeRef("union", name=Identifier("Animal"), nullable=True, variants=ANIMAL.variants), "Animal | None", "Animal | None"),
]


@pytest.mark.parametrize(("t", "required", "optional"), [row[1:] for row in ARGUMENTS], ids=[row[0] for row in ARGUMENTS])
def test_an_argument_is_annotated_by_its_kind(t: TypeRef, required: str, optional: str) -> None:
    assert (str(field_annotation(t, True)), str(field_annotation(t, False))) == (required, optional)


# (id, type, decoder of a field whose model is defined later, of a whole value)
DECODERS = [
    ("bytes", TypeRef("bytes"), "_rt.BYTES", "_rt.BYTES"),
    ("later-model", PET, "_rt.lazy(lambda: Pet)", "_rt.model(Pet)"),
    ("list-of-later-models", TypeRef("list", item=PET), "_rt.list_of(_rt.lazy(lambda: Pet))", "_rt.list_of(_rt.model(Pet))"),
    (
        "nullable-items",
        TypeRef("dict", item=TypeRef("model", name=Identifier("Pet"), nullable=True)),
        "_rt.dict_of(_rt.optional(_rt.lazy(lambda: Pet)))",
        "_rt.dict_of(_rt.optional(_rt.model(Pet)))",
    ),
    ("nullable-any", TypeRef("any", nullable=True), "_rt.ANY", "_rt.ANY"),
    ("union", ANIMAL, "_rt.one_of(_rt.lazy(lambda: Pet), _rt.STR)", "_rt.one_of(_rt.model(Pet), _rt.STR)"),
]


@pytest.mark.parametrize(("t", "lazy", "whole"), [row[1:] for row in DECODERS], ids=[row[0] for row in DECODERS])
def test_a_decoder_is_spelled_by_its_kind(t: TypeRef, lazy: str, whole: str) -> None:
    assert (str(decoder(t, lambda name: name == "Pet")), str(value_decoder(t))) == (lazy, whole)


def test_a_named_union_is_spelled_out_for_its_alias() -> None:
    assert (annotation(ANIMAL), annotation(ANIMAL, expand=True)) == ("Animal", "Pet | str")


def test_a_file_is_only_sent_never_decoded() -> None:
    with pytest.raises(ValueError, match="'file' is never decoded"):
        decoder(FILE)


def test_every_kind_has_one_entry() -> None:
    assert set(KINDS) == {"str", "bytes", "int", "float", "bool", "datetime", "date", "any", "enum", "model", "list", "dict", "union", "file"}
    assert [k for k, kind in KINDS.items() if kind.decoder is None] == ["file"]
    assert [k for k, kind in KINDS.items() if not kind.spells_none] == ["any"]
