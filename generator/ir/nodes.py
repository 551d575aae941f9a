"""The intermediate representation: what the generated package contains.

Frozen dataclasses, built from a validated spec by :mod:`generator.ir.build`.
Templates receive only these. Text that came from the spec (descriptions, wire
names, paths, example values) stays plain ``str`` here and must go through a
context filter to reach generated code; ``Identifier`` and ``Code`` values were
made by the generator and print as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .naming import Identifier


class Code(str):
    """A fragment of Python source built by the generator, safe to print as is."""

    __slots__ = ()


@dataclass(frozen=True)
class TypeRef:
    """A type, as the generated code spells it and decodes it."""

    kind: str  # str, int, float, bool, datetime, date, any, enum, model, list, dict, union, file
    name: Identifier | None = None  # for enum and model
    item: TypeRef | None = None  # for list and dict
    nullable: bool = False
    format: str | None = None
    variants: tuple[TypeRef, ...] = ()  # for union
    discriminator: str | None = None  # for union: the property naming the variant
    mapping: tuple[tuple[str, TypeRef], ...] = ()  # for union: discriminator value -> variant


@dataclass(frozen=True)
class EnumMember:
    name: Identifier
    value: str | int


@dataclass(frozen=True)
class Enum:
    name: Identifier
    base: Identifier  # OpenEnum or OpenIntEnum
    description: str
    members: tuple[EnumMember, ...]
    pointer: str


@dataclass(frozen=True)
class Alias:
    """A named union (a oneOf/anyOf component schema): ``Name: TypeAlias = A | B``."""

    name: Identifier
    annotation: Code
    description: str


@dataclass(frozen=True)
class Field:
    name: Identifier
    wire_name: str
    type: TypeRef
    annotation: Code
    decoder: Code
    required: bool
    nullable: bool
    has_default: bool  # renders ``default=None``
    nullable_flag: bool  # renders ``nullable=True`` (null allowed although required)
    read_only: bool  # renders ``read_only=True``: parsed, never sent
    default: Code | None  # the spec's default for a missing optional field, as a literal
    description: str


@dataclass(frozen=True)
class Model:
    name: Identifier
    description: str
    fields: tuple[Field, ...]
    pointer: str


@dataclass(frozen=True)
class Constraint:
    """One keyword argument of ``_rt.Param`` after the positional ones."""

    keyword: Identifier
    value: Any  # int, float, bool, str (pattern: untrusted) or tuple of str


@dataclass(frozen=True)
class Serialization:
    """How an argument goes on the wire (OpenAPI ``style``, ``explode``,
    ``allowReserved``; ``content_type``: a parameter's ``content`` media type,
    a form field's JSON ``contentType``, a multipart part's; a part's fixed
    headers). ``style`` and ``explode`` are resolved: the spec's, else the
    location's defaults (a file part has only a media type and headers)."""

    style: str
    explode: bool
    allow_reserved: bool = False
    content_type: str | None = None
    explicit: bool = False  # the spec named style or explode (a multipart part is then not JSON)
    part_headers: tuple[tuple[str, str], ...] = ()  # a multipart part's fixed headers


@dataclass(frozen=True)
class Parameter:
    name: Identifier
    wire_name: str
    location: str  # path, query, header
    type: TypeRef
    annotation: Code  # including ``| None`` for optional parameters
    required: bool
    positional: bool
    star_before: bool  # the first keyword-only parameter
    description: str
    constraints: tuple[Constraint, ...]
    doc: str  # description plus rules, for the docstring
    runtime_param: Code  # the ``_rt.Param(...)`` call that declares it to the runtime
    serialization: Serialization | None = None  # None for whole bodies, and files without media type or headers
    # The module-level constant holding this ``_rt.Param`` when several
    # operations of its module declare the same one (see OperationGroup).
    shared: Identifier | None = None


@dataclass(frozen=True)
class Pagination:
    items: TypeRef
    item_annotation: Code
    item_decoder: Code
    page_size_param: str | None


@dataclass(frozen=True)
class RequestCheck:
    """One assertion of a generated test on the request its call sent."""

    kind: str  # method, path, query, form, json, content, multipart, header
    assertion: Code  # the expression after ``assert``, its literals written by literals.literal
    name: str = ""  # header: its name
    value: str = ""  # method, path, header: the text expected
    pairs: tuple[tuple[str, str], ...] = ()  # query, form: the pairs expected, in order
    code: Code | None = None  # json, content: a literal of the body sent


@dataclass(frozen=True)
class RequestChecks:
    """The request assertions that every test of one operation makes: one
    module-level function ``name(recorder)`` that each of them calls."""

    name: Identifier
    checks: tuple[RequestCheck, ...]


@dataclass(frozen=True)
class TestCase:
    """A generated test: serve ``body`` for one call and check request and result."""

    name: Identifier
    title: str
    status: int
    body_file: str | None  # file name under tests/examples/ holding the JSON body served
    args: tuple[tuple[Identifier | None, Code], ...]  # (keyword or None for positional, literal)
    # the assertions on the request that this test makes itself: all of them,
    # less those of its operation's ``request_checks`` (which it calls)
    request_checks: tuple[RequestCheck, ...]
    # file name under tests/examples/ holding the checks on the decoded result
    # (data for the runtime's testing.check), or None when there are none
    expected_case: str | None  # its key in tests/examples/test_<module>.expected.json
    has_result: bool
    warns: bool  # the call emits a DeprecationWarning (deprecated operation or argument)
    # the test names the result (checks it is None, or checks it): an unused
    # name is an error for pyright --strict
    binds_result: bool = True


@dataclass(frozen=True)
class InvalidCall:
    """A call that breaks one parameter's rule and must fail before any request."""

    name: Identifier
    param: Identifier
    match: str  # regex the error message must match
    args: tuple[tuple[Identifier | None, Code], ...]
    warns: bool


@dataclass(frozen=True)
class ResponseCase:
    """One documented response the runtime selects by status (see build_responses)."""

    status: str  # "200", "2XX" or "default": validated, safe to print as a literal
    type: TypeRef | None  # None: no body
    annotation: Code
    decoder: Code


@dataclass(frozen=True)
class Operation:
    name: Identifier
    const_name: Identifier
    operation_id: str
    method: str
    path: str  # the spec's path key
    request_path: str  # the path requested: the key without a ``#...`` or ``?...`` suffix
    fixed_query: tuple[tuple[str, str], ...]  # query pairs of a ``?...`` suffix
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    response: TypeRef | None
    response_annotation: Code  # every success's type, a union when they differ
    response_decoder: Code
    return_annotation: Code
    # success responses by status, when a status decodes unlike ``response``
    # (a 307 with a body, a 204 beside a 200 with one); else empty
    responses: tuple[ResponseCase, ...]
    errors: tuple[ResponseCase, ...]  # documented JSON error bodies by status
    request_class: Code  # _rt.Request or _rt.PagedRequest
    pagination: Pagination | None
    deprecated: bool
    server: str | None
    content_type: str | None  # media type of the body, when not application/json
    accept: str | None  # media type of a non-JSON response
    security: Requirements  # the spec-level default applied
    own_security: bool  # differs from the API's default: the operation declares it
    tests: tuple[TestCase, ...]
    invalid_calls: tuple[InvalidCall, ...]
    pointer: str
    doc_title: str
    doc_body: str
    example_args: tuple[tuple[Identifier | None, Code], ...]  # required arguments, for docs
    example_imports: tuple[Identifier, ...]  # models those arguments name
    # the request assertions its tests share, when two or more do (ir/build_request_checks.py)
    request_checks: RequestChecks | None = None


@dataclass(frozen=True)
class SecurityScheme:
    """One security scheme the spec declares and the client supports."""

    key: Identifier  # how requirements name it (the runtime's ``Scheme.key``)
    name: str  # the spec's name for it
    kind: str  # the runtime's: basic, bearer, authorization, header, query, cookie
    declared: str  # what the spec declares, for docs: "HTTP basic", "OAuth 2", ...
    key_name: str | None  # the header, query parameter or cookie of an API key
    args: tuple[Identifier, ...]  # the Client's keyword arguments (basic: user name, password)
    envs: tuple[str, ...]  # the environment variable of each argument
    description: str
    runtime: Code  # the ``_rt.Scheme(...)`` call that declares it to the runtime


@dataclass(frozen=True)
class Requirements:
    """Security requirements: any one alternative (OR), all its schemes (AND)."""

    alternatives: tuple[tuple[Identifier, ...], ...]  # scheme keys; () allows anonymous calls
    args: tuple[tuple[Identifier, ...], ...]  # the Client arguments of each alternative that needs some
    anonymous: bool  # a call may go without credentials
    code: Code  # the literal the runtime reads (``SECURITY``, ``Operation.security``)
    doc: Code  # Markdown naming the arguments: "`token`, or `username` and `password`"


@dataclass(frozen=True)
class Auth:
    schemes: tuple[SecurityScheme, ...]
    default: Requirements  # for operations that declare none
    envs: tuple[str, ...]  # every environment variable the client reads, in order
    examples: tuple[Code, ...]  # ``Client(...)`` calls with explicit credentials, for docs


@dataclass(frozen=True)
class OperationGroup:
    """The operations of one resource: one module ``operations/<name>.py``."""

    name: Identifier
    title: str
    operations: tuple[Operation, ...]
    model_imports: tuple[Identifier, ...]  # models and enums its module uses
    imports: tuple[Code, ...]  # standard-library import lines its module needs
    test_imports: tuple[Code, ...]  # extra import lines its test module needs
    test_model_imports: tuple[Identifier, ...]
    tests_use_pytest: bool
    tests_use_examples: bool  # some test reads a response body from examples/
    tests_use_checks: bool  # some test checks its result against examples/*.expected.json
    # Parameters with constraints that several operations declare alike,
    # defined once per module (a SID with its length and pattern is nine
    # lines once formatted; an API like api_v2010 repeats it in every call).
    shared_params: tuple[Parameter, ...] = ()


@dataclass(frozen=True)
class ClientClass:
    name: Identifier
    base: Identifier
    method: Identifier  # the runtime's method descriptor
    doc: str


@dataclass(frozen=True)
class ErrorClass:
    """One exception class of the runtime, in the README's tree of them."""

    name: Identifier
    indent: Code  # its list item's indent in Markdown: two spaces a level below the base
    summary: Code  # the first sentence of its docstring, as Markdown


@dataclass(frozen=True)
class Exports:
    runtime: tuple[Identifier, ...]
    models: tuple[Identifier, ...]
    all: tuple[Identifier, ...]
    errors: tuple[ErrorClass, ...] = ()  # every exported exception class, depth first
    # (runtime module, its names in ``runtime``): where ``__init__`` imports them from
    runtime_modules: tuple[tuple[Identifier, tuple[Identifier, ...]], ...] = ()


@dataclass(frozen=True)
class RuntimeImport:
    """How a package's modules reach the runtime: its own ``_runtime`` copy, or a
    shared runtime package (option ``shared_runtime``; see ir/runtime_import.py).
    ``top``/``nested``: the import of ``_rt`` in a module at the package's top
    level or one folder down; ``top_path``/``nested_path``: what ``from`` names."""

    top: Code
    nested: Code
    top_path: Code
    nested_path: Code
    shared: Identifier | None = None  # the shared runtime package's name, if any


# Each package's own copy, ``_runtime``: the default.
BUNDLED_RUNTIME = RuntimeImport(
    Code("from . import _runtime as _rt"), Code("from .. import _runtime as _rt"), Code("._runtime"), Code(".._runtime")
)


@dataclass(frozen=True)
class Api:
    package: Identifier
    source_name: str
    title: str
    description: str
    version: str
    base_url: str
    auth: Auth
    enums: tuple[Enum, ...]
    models: tuple[Model, ...]
    aliases: tuple[Alias, ...]
    operations: tuple[Operation, ...]
    paginated: tuple[Operation, ...]
    data_files: tuple[tuple[str, str], ...]  # (path in the package, text): example bodies as JSON
    groups: tuple[OperationGroup, ...]
    model_imports: tuple[Code, ...]  # import lines models.py needs
    test_model_imports: tuple[Identifier, ...]  # models and enums the generated tests use
    warnings: tuple[str, ...]
    package_doc: str
    exports: Exports
    clients: tuple[ClientClass, ...]
    # Header parameters named Accept, Content-Type or Authorization, which
    # OpenAPI says to ignore (the client sets those headers itself).
    ignored_headers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # names the word rule changed (ir/naming.py); printed with --verbose
    # How its modules import the runtime (ir/runtime_import.py); the bundled copy by default.
    runtime: RuntimeImport = BUNDLED_RUNTIME
