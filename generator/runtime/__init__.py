"""specgen runtime: the support code shared by every generated client.

Generated packages contain a verbatim copy of this package as ``_runtime``
and use it as ``from . import _runtime as _rt``. It depends only on the
standard library and ``httpx``.
"""

from .base import DEFAULT_TIMEOUT, ApiResponse
from .limits import DEFAULT_MAX_RESPONSE_BYTES
from .client import AsyncClient, Client, async_method, method
from .decode import (
    ANY,
    BOOL,
    BYTES,
    DATE,
    DATETIME,
    FLOAT,
    INT,
    NONE,
    STR,
    TEXT,
    Decoder,
    dict_of,
    enum,
    list_of,
    one_of,
    optional,
)
from .enums import OpenEnum, OpenIntEnum
from .errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DeadlineExceededError,
    DecodeError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    ResponseParseError,
    ResponseTooLargeError,
    ServerError,
    SpecgenError,
    TooManyPagesError,
    UnprocessableEntityError,
)
from .model import Model, field, lazy, model
from .operation import FileContent, Operation, PagedRequest, Param, Request
from .pagination import AsyncPaginator, Page, Paginator
from .problems import DecodeProblem
from .rules import Rules
from .security import MissingCredentialsError, Scheme

__all__ = [
    # decoders
    "Decoder",
    "STR",
    "INT",
    "FLOAT",
    "BOOL",
    "ANY",
    "DATETIME",
    "DATE",
    "NONE",
    "BYTES",
    "TEXT",
    "list_of",
    "dict_of",
    "optional",
    "one_of",
    "enum",
    "model",
    "lazy",
    # models
    "Model",
    "DecodeProblem",
    "field",
    "OpenEnum",
    "OpenIntEnum",
    # operations
    "Param",
    "Rules",
    "FileContent",
    "Operation",
    "Request",
    "PagedRequest",
    # clients
    "Client",
    "AsyncClient",
    "method",
    "async_method",
    "Scheme",
    "ApiResponse",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "Page",
    "Paginator",
    "AsyncPaginator",
    # errors
    "SpecgenError",
    "DecodeError",
    "ResponseParseError",
    "ApiError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "ServerError",
    "ApiConnectionError",
    "ApiTimeoutError",
    "DeadlineExceededError",
    "ResponseTooLargeError",
    "RedirectError",
    "MissingCredentialsError",
    "PaginationError",
    "TooManyPagesError",
]
