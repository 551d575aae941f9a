"""specgen runtime: the support code shared by every generated client.

Generated packages contain a verbatim copy of this package as ``_runtime``
and use it as ``from . import _runtime as _rt``. It depends only on the
standard library and ``httpx``.
"""

from .base import DEFAULT_TIMEOUT, ApiResponse
from .client import AsyncClient, Client, async_method, method
from .decode import (
    ANY,
    BOOL,
    DATE,
    DATETIME,
    FLOAT,
    INT,
    NONE,
    STR,
    Decoder,
    dict_of,
    enum,
    list_of,
    optional,
)
from .enums import OpenEnum
from .errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DecodeError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    ResponseParseError,
    ServerError,
    SpecgenError,
    UnprocessableEntityError,
)
from .model import Model, field, lazy, model
from .operation import Operation, PagedRequest, Param, Request
from .pagination import AsyncPaginator, Page, Paginator

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
    "list_of",
    "dict_of",
    "optional",
    "enum",
    "model",
    "lazy",
    # models
    "Model",
    "field",
    "OpenEnum",
    # operations
    "Param",
    "Operation",
    "Request",
    "PagedRequest",
    # clients
    "Client",
    "AsyncClient",
    "method",
    "async_method",
    "ApiResponse",
    "DEFAULT_TIMEOUT",
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
    "PaginationError",
]
