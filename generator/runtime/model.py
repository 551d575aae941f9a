"""``Model``: the base class of generated schema classes, and its decoders.

Subclassing ``Model`` turns the class into a mutable, keyword-only dataclass
(``typing.dataclass_transform`` tells type checkers so). Each attribute is
declared with ``field(wire_name, decoder, default=..., nullable=...)``.
Keys the server sends that the schema does not declare are kept in ``extra``.

What was received besides the fields: ``problems`` (values that broke their
schema and were kept as received, when decoded tolerantly, see ``tolerant``)
and ``decimals`` (the exact value of each ``number`` field that arrived as a
string, e.g. a price ``"-0.0075"``: the field holds the ``float``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import (
    Any,
    ClassVar,
    NamedTuple,
    Self,
    TypeVar,
    cast,
    dataclass_transform,
    overload,
)

from .decode import (
    KIND_BOOL,
    KIND_FLOAT,
    KIND_INT,
    KIND_STR,
    Decoder,
    describe,
)
from .errors import DecodeError
from .problems import DecodeProblem

__all__ = ["Model", "field", "model", "lazy", "FieldSpec"]

T = TypeVar("T")
M = TypeVar("M", bound="Model")

NO_DEFAULT: Any = object()
_NO_DECIMALS: Mapping[str, Decimal] = MappingProxyType({})
# The key of an instance's ``__dict__`` holding its ``_Received``, if any.
_RECEIVED = "_specgen_received"


class _Received:
    """What an instance received besides its fields (see the module docstring)."""

    __slots__ = ("problems", "decimals")

    def __init__(
        self, problems: tuple[DecodeProblem, ...], decimals: Mapping[str, Decimal]
    ) -> None:
        self.problems = problems
        self.decimals = decimals


@dataclasses.dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one model attribute maps to the wire."""

    wire_name: str
    decoder: Decoder[Any]
    nullable: bool = False
    read_only: bool = False


@overload
def field(
    wire_name: str,
    decoder: Decoder[T],
    *,
    nullable: bool = False,
    read_only: bool = False,
) -> T: ...


@overload
def field(
    wire_name: str,
    decoder: Decoder[T],
    *,
    default: T | None,
    nullable: bool = False,
    read_only: bool = False,
) -> T | None: ...


def field(
    wire_name: str,
    decoder: Decoder[Any],
    *,
    default: Any = dataclasses.MISSING,
    nullable: bool = False,
    read_only: bool = False,
) -> Any:
    """Declare a model attribute sent as ``wire_name`` and decoded by ``decoder``.

    Without ``default`` the attribute is required (a missing key is a
    ``DecodeError``); ``nullable=True`` additionally accepts JSON ``null``.
    A field whose default is ``None`` accepts ``null`` too. Defaults must be
    immutable. ``read_only`` fields are parsed but never sent in a request.
    """
    return _Declared(FieldSpec(wire_name, decoder, nullable, read_only), default)


class _Declared:
    """What ``field()`` leaves in a class body until ``Model`` collects it."""

    __slots__ = ("spec", "default")

    def __init__(self, spec: FieldSpec, default: Any) -> None:
        self.spec = spec
        self.default = default


class _Field(NamedTuple):
    wire: str
    attr: str
    kind: int
    decode: Callable[[object], Any]
    encode: Callable[[Any], Any]
    default: Any  # NO_DEFAULT when required
    accepts_null: bool
    read_only: bool


# How the decode loop handles one wire name: (attr, exact, members, decode,
# accepts_null). A value whose class is exactly ``exact`` is kept as it is
# (``members`` None) or replaced by ``members[value]`` when present; anything
# else but null goes through ``decode``. See ``Decoder.fast_path``.
_Step = tuple[str, type, Mapping[Any, Any] | None, Callable[[object], Any], bool]


class _Table(NamedTuple):
    """Per-class field information, built on first use."""

    owner: type[Model]
    fields: tuple[_Field, ...]
    # wire name -> how to decode it: drives the decode loop
    by_wire: dict[str, _Step]
    # attr -> default, for the optional fields
    defaults: dict[str, Any]
    # wire names of the required fields
    required: frozenset[str]
    # (wire name, attr) of the ``number`` fields, whose strings give decimals
    floats: tuple[tuple[str, str], ...]


def _build_table(cls: type[Model]) -> _Table:
    fields: list[_Field] = []
    for attr, declared in cls.__specgen_fields__:
        spec = declared.spec
        default = (
            NO_DEFAULT if declared.default is dataclasses.MISSING else declared.default
        )
        fields.append(
            _Field(
                wire=spec.wire_name,
                attr=attr,
                kind=spec.decoder.kind,
                decode=spec.decoder.function(),
                encode=spec.decoder.encode,
                default=default,
                accepts_null=spec.nullable or (default is None),
                read_only=spec.read_only,
            )
        )
    by_wire: dict[str, _Step] = {}
    for (attr, declared), f in zip(cls.__specgen_fields__, fields):
        exact, members = declared.spec.decoder.fast_path()
        by_wire[f.wire] = (f.attr, exact, members, f.decode, f.accepts_null)
    table = _Table(
        owner=cls,
        fields=tuple(fields),
        by_wire=by_wire,
        defaults={f.attr: f.default for f in fields if f.default is not NO_DEFAULT},
        required=frozenset(f.wire for f in fields if f.default is NO_DEFAULT),
        floats=tuple((f.wire, f.attr) for f in fields if f.kind == KIND_FLOAT),
    )
    cls.__specgen_table__ = table
    return table


def table_of(cls: type[Model]) -> _Table:
    # A subclass of a model inherits its parent's table: check the owner.
    table = cls.__specgen_table__
    return table if table is not None and table.owner is cls else _build_table(cls)


def exact_decimals(
    table: _Table, data: Mapping[str, Any], values: Mapping[str, Any]
) -> dict[str, Decimal]:
    """attr -> exact value of each ``number`` field received as a string and
    decoded to a ``float`` (see ``decode.FLOAT``)."""
    out: dict[str, Decimal] = {}
    for wire, attr in table.floats:
        text = data.get(wire)
        if type(text) is str and values[attr].__class__ is float:
            out[attr] = Decimal(text)  # the JSON spelling of a finite number
    return out


def new_instance(
    cls: type[M],
    values: dict[str, Any],
    problems: tuple[DecodeProblem, ...] = (),
    decimals: Mapping[str, Decimal] | None = None,
) -> M:
    """An instance of ``cls`` whose ``__dict__`` is ``values`` (fields and
    ``extra``), with what it received besides."""
    if problems or decimals:
        values[_RECEIVED] = _Received(
            problems, MappingProxyType(decimals) if decimals else _NO_DECIMALS
        )
    instance = object.__new__(cls)
    instance.__dict__ = values
    return instance


def _json_object(data: object) -> dict[str, Any]:
    """``data`` (from an untyped caller) as a dict; DecodeError for a non-object."""
    if not isinstance(data, Mapping):
        raise DecodeError(f"expected an object, got {describe(data)}")
    return dict(cast("Mapping[str, Any]", data))


def _missing_field(table: _Table, data: Mapping[str, Any]) -> DecodeError:
    for f in table.fields:
        if f.default is NO_DEFAULT and f.wire not in data:
            return DecodeError("required field is missing", [f.wire])
    return DecodeError("required field is missing")  # pragma: no cover


@dataclass_transform(kw_only_default=True, field_specifiers=(field,))
@dataclasses.dataclass(kw_only=True, repr=False, init=False, eq=False)
class Model:
    """Base class of generated models; see the module docstring.

    Subclasses behave as keyword-only dataclasses (``__init__``, ``==``,
    ``repr``) without being run through ``dataclasses``: collecting the
    ``field()`` declarations is all a class costs at import time, which keeps
    a package of hundreds of models quick to import.
    """

    extra: dict[str, Any] = dataclasses.field(default_factory=dict[str, Any])
    """Keys received from the server that the schema does not declare."""

    # Per-class bookkeeping, named like ``__dataclass_fields__``: no field's.
    __specgen_table__: ClassVar[_Table | None] = None
    __specgen_fields__: ClassVar[tuple[tuple[str, _Declared], ...]] = ()
    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = dict(cls.__specgen_fields__)  # inherited first, in order
        for name, value in list(cls.__dict__.items()):
            if isinstance(value, _Declared):
                declared[name] = value
                if value.default is dataclasses.MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, value.default)
        cls.__specgen_fields__ = tuple(declared.items())

    def __init__(self, **kwargs: Any) -> None:
        table = table_of(type(self))
        values: dict[str, Any] = {}
        for f in table.fields:
            if f.attr in kwargs:
                values[f.attr] = kwargs.pop(f.attr)
            elif f.default is not NO_DEFAULT:
                values[f.attr] = f.default
            else:
                raise TypeError(
                    f"{type(self).__name__}() missing required keyword argument:"
                    f" {f.attr!r}"
                )
        extra = kwargs.pop("extra", None)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument"
                f" {next(iter(kwargs))!r}"
            )
        values["extra"] = {} if extra is None else dict(extra)
        self.__dict__.update(values)

    def __eq__(self, other: object) -> bool:
        """Equal fields and ``extra`` (``problems`` and ``decimals`` aside)."""
        if type(other) is not type(self):
            return NotImplemented
        mine, theirs = self.__dict__, other.__dict__
        if _RECEIVED in mine or _RECEIVED in theirs:
            mine = {k: v for k, v in mine.items() if k != _RECEIVED}
            theirs = {k: v for k, v in theirs.items() if k != _RECEIVED}
        return mine == theirs

    @property
    def problems(self) -> tuple[DecodeProblem, ...]:
        """The values of this model that broke their schema and were kept as
        received (tolerant decoding); empty when it decoded cleanly."""
        received = self.__dict__.get(_RECEIVED)
        return () if received is None else received.problems

    @property
    def decimals(self) -> Mapping[str, Decimal]:
        """attr -> exact value of each ``number`` field that arrived as a
        string (``"-0.0075"``); the field itself holds the ``float``."""
        received = self.__dict__.get(_RECEIVED)
        return _NO_DECIMALS if received is None else received.decimals

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, strict: bool = True) -> Self:
        """Decode a parsed JSON object, raising ``DecodeError`` on mismatch.

        Missing optional keys take their default; ``null`` is accepted when
        the field is nullable or defaults to ``None``; unknown keys go to
        ``extra``. Either a complete instance is returned or nothing.
        With ``strict=False`` a mismatch is kept as received and recorded in
        ``problems`` instead (see ``tolerant``; nothing is logged).
        """
        if not strict:
            from .tolerant import decode_model

            return decode_model(cls, data)
        table = cls.__specgen_table__
        if table is None or table.owner is not cls:
            table = _build_table(cls)
        if not isinstance(data, dict):
            data = _json_object(data)
        # Walk the received keys (not the declared fields): missing optional
        # fields cost nothing since the defaults are copied in one go. Values
        # already of the right class (strings, ints, booleans, floats, known
        # enum values) are handled inline rather than via a call.
        values = table.defaults.copy()
        extra: dict[str, Any] = {}
        lookup = table.by_wire.get
        key = ""
        try:
            for key, value in data.items():
                step = lookup(key)
                if step is None:
                    extra[key] = value
                    continue
                attr, exact, members, decode, accepts_null = step
                if value.__class__ is exact:
                    if members is not None:
                        value = members.get(value) or decode(value)
                elif value is None:
                    if not accepts_null:
                        raise DecodeError("must not be null")
                else:
                    value = decode(value)
                values[attr] = value
        except DecodeError as exc:
            exc.prepend(key)
            raise
        if table.required and not table.required <= data.keys():
            raise _missing_field(table, data)
        values["extra"] = extra
        if table.floats:
            decimals = exact_decimals(table, data, values)
            if decimals:
                return new_instance(cls, values, (), decimals)
        instance = object.__new__(cls)
        instance.__dict__ = values
        return instance

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-compatible form, keyed by wire names.

        Optional fields that are ``None`` or equal to their default are
        omitted, required ones are sent as ``null``; ``extra`` keys are
        merged back in. A ``number`` field still equal to its entry in
        ``decimals`` is sent as that exact text, as it was received.
        ``type(m).from_dict(m.to_dict()) == m`` holds.
        """
        table = table_of(type(self))
        attrs = self.__dict__
        out: dict[str, Any] = {}
        for wire, attr, kind, _, encode, default, _, _ in table.fields:
            value = attrs[attr]
            if value is None or (value == default and default is not NO_DEFAULT):
                if value is None and default is NO_DEFAULT:
                    out[wire] = None
            elif kind == KIND_STR or kind == KIND_INT or kind == KIND_BOOL:
                out[wire] = value
            else:
                out[wire] = encode(value)
        received = attrs.get(_RECEIVED)
        if received is not None:
            for attr, exact in received.decimals.items():
                wire = next(f.wire for f in table.fields if f.attr == attr)
                if wire in out and out[wire] == float(exact):
                    out[wire] = str(exact)
        for key, value in self.extra.items():
            if key not in table.by_wire:
                out[key] = value
        return out

    def __repr__(self) -> str:
        table = table_of(type(self))
        parts = [
            f"{f.attr}={getattr(self, f.attr)!r}"
            for f in table.fields
            if f.default is NO_DEFAULT or getattr(self, f.attr) is not None
        ]
        if self.extra:
            parts.append(f"extra={self.extra!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def request_items(instance: Model) -> list[tuple[str, Any, bool]]:
    """``(wire name, value, required)`` of the fields a request sends.

    Read-only fields are left out; ``extra`` keys are included.
    """
    table = table_of(type(instance))
    attrs = instance.__dict__
    items = [
        (f.wire, attrs[f.attr], f.default is NO_DEFAULT)
        for f in table.fields
        if not f.read_only and (f.default is NO_DEFAULT or attrs[f.attr] != f.default)
    ]
    items.extend(
        (key, value, True)
        for key, value in instance.extra.items()
        if key not in table.by_wire
    )
    return items


def attribute_for(cls: type[Model], wire_name: str) -> str | None:
    """The attribute of ``cls`` holding the value sent as ``wire_name``, if any."""
    step = table_of(cls).by_wire.get(wire_name)
    return step[0] if step is not None else None


class ModelDecoder(Decoder[M]):
    __slots__ = ("cls",)

    def __init__(self, cls: type[M]) -> None:
        self.cls = cls

    def decode(self, value: object) -> M:
        return self.cls.from_dict(value)  # type: ignore[arg-type]  # checked there

    def function(self) -> Callable[[object], M]:
        return self.cls.from_dict  # type: ignore[return-value]  # checks the type

    def encode(self, value: Any) -> Any:
        return value.to_dict() if isinstance(value, Model) else value


class LazyDecoder(Decoder[M]):
    """A model reference resolved on first use (recursive or forward refs)."""

    __slots__ = ("_resolve", "_cls")

    def __init__(self, resolve: Callable[[], type[M]]) -> None:
        self._resolve = resolve
        self._cls: type[M] | None = None

    def target(self) -> type[M]:
        if self._cls is None:
            self._cls = self._resolve()
        return self._cls

    def decode(self, value: object) -> M:
        return self.target().from_dict(value)  # type: ignore[arg-type]

    def encode(self, value: Any) -> Any:
        return value.to_dict() if isinstance(value, Model) else value


def model(cls: type[M]) -> Decoder[M]:
    """A JSON object decoded into the model class ``cls``."""
    return ModelDecoder(cls)


def lazy(resolve: Callable[[], type[M]]) -> Decoder[M]:
    """Like ``model`` but ``resolve()`` is called on first use, for recursion."""
    return LazyDecoder(resolve)
