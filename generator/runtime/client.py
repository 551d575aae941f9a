"""The synchronous and asynchronous API clients and their method descriptors.

Generated clients subclass ``Client``/``AsyncClient``, set the class
attributes documented on ``BaseClient`` and expose each operation with
``method(ops.fn)`` / ``async_method(ops.fn)``.

Transport failures that survive the retries are raised as
``ApiConnectionError`` (``ApiTimeoutError`` for timeouts) with the
``httpx`` exception as ``__cause__``; a call that outlasts its ``deadline``
raises ``DeadlineExceededError``, a body over ``max_response_bytes``
``ResponseTooLargeError``, a redirect to another origin ``RedirectError``.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any, Generic, ParamSpec, Self, TypeVar, overload

import httpx

from .base import DEFAULT_TIMEOUT, UNSET, ApiResponse, BaseClient, RawPage
from .exchange import aexchange, exchange
from .limits import DEFAULT_MAX_RESPONSE_BYTES, Deadline, DeadlinePassed
from .operation import PagedRequest, Request
from .pagination import AsyncPaginator, Paginator, prepare_paged_request
from .responses import is_success

__all__ = ["Client", "AsyncClient", "method", "async_method"]

P = ParamSpec("P")
T = TypeVar("T")
I = TypeVar("I")  # noqa: E741


class Client(BaseClient):
    """Synchronous API client.

    Credentials: one set of keyword arguments per security scheme of the
    API (``SECURITY_SCHEMES``: ``username``/``password`` for its HTTP basic
    scheme, ``token`` for its bearer token or API key, or arguments named
    after the schemes when it has several of a kind), each defaulting to
    its environment variable. Each call sends the first of its operation's
    alternatives that the client has every credential for, and raises
    ``MissingCredentialsError`` before sending when it has none of them (an
    operation that allows anonymous calls is then sent without). A credential
    argument the API has no scheme for raises ``TypeError``. ``timeout=None`` disables
    timeouts. An ``http_client`` passed in is never closed by this client;
    ``transport`` is used for a client created here (e.g. ``MockTransport``).

    Limits of one call: ``deadline`` bounds its whole duration, retries and
    their waits included (see ``BaseClient.deadline``; by default 4 times
    the timeout, ``None`` for none); ``max_response_bytes`` bounds the size
    of a response body (64 MiB by default, ``None`` for none). Redirects
    are followed only when ``http_client`` follows them, and only within
    the origin of the request (see ``exchange``).

    Responses are read tolerantly: a value that breaks its schema is kept as
    received and recorded (``model.problems``, ``ApiResponse.problems``,
    logged once per field by the ``<package>.schema`` logger); with
    ``strict=True`` it raises ``ResponseParseError`` (see ``tolerant``).
    """

    _http: httpx.Client
    _sleep: Callable[[float], None]

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        token: str | None = None,
        deadline: float | None = UNSET,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        strict: bool = False,
        **credentials: str | None,
    ) -> None:
        if http_client is not None and transport is not None:
            raise ValueError("pass either http_client or transport, not both")
        self._configure(
            username,
            password,
            base_url,
            timeout,
            max_retries,
            headers,
            token,
            deadline,
            max_response_bytes,
            strict,
            credentials,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(transport=transport, timeout=timeout)
        self._sleep = time.sleep

    def send(self, request: Request[T]) -> T:
        """Send ``request`` (retrying as configured) and return the decoded body."""
        return self.send_raw(request).parsed

    def send_raw(self, request: Request[T]) -> ApiResponse[T]:
        """Like ``send`` but also return the status, headers and response."""
        response = self._execute(request, None)
        decoded = self._decode(request.operation, response)
        return ApiResponse(
            decoded.parsed,
            response.status_code,
            response.headers,
            response,
            decoded.problems,
        )

    def paginate(
        self,
        request: PagedRequest[T, I],
        *,
        limit: int | None = None,
        page_size: int | None = None,
        max_pages: int | None = None,
    ) -> Paginator[T, I]:
        """Iterate the items of a paginated operation lazily, page by page.

        ``limit`` caps the number of items; ``page_size`` sets the page-size
        parameter of the first request (clamped to its allowed range and
        lowered to ``limit``). ``max_pages`` (default ``Paginator.MAX_PAGES``)
        is a last-resort cap: one more next-page link raises
        ``TooManyPagesError``. Each page's call has its own ``deadline``.
        """
        request = prepare_paged_request(request, limit, page_size)

        def fetch(url: str | None) -> RawPage[T]:
            response = self._execute(request, url)
            data, parsed, _ = self._decode(request.operation, response)
            return RawPage(response, data, parsed)

        return Paginator(
            fetch,
            request,
            base_url=self._base_for(request.operation),
            limit=limit,
            max_pages=max_pages,
            secret_params=self._secret_params(),
        )

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = UNSET,
        max_retries: int = UNSET,
        deadline: float | None = UNSET,
        max_response_bytes: int | None = UNSET,
        strict: bool = UNSET,
    ) -> Self:
        """A copy with other settings that shares this client's connections.

        Closing the copy does not close the shared connection pool. Without
        an explicit ``deadline`` (here or when the client was made), the
        copy's deadline follows its ``timeout``.
        """
        clone = copy.copy(self)
        clone._apply_options(timeout, max_retries, deadline, max_response_bytes, strict)
        return clone

    def close(self) -> None:
        """Close the connection pool unless it was passed in or is shared."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _execute(self, request: Request[Any], url: str | None) -> httpx.Response:
        """Send with retries within the deadline; return a success or raise."""
        send_kwargs = self._send_kwargs(request.operation)  # before anything is sent
        deadline = self._start_deadline()
        http_request = self._build(self._http, request, url)
        method = http_request.method
        for attempt in range(self.max_retries + 1):
            try:
                response = self._attempt(http_request, send_kwargs, deadline)
            except httpx.TransportError as exc:
                delay = self._retry_delay(attempt, method, exc=exc, deadline=deadline)
                self._log_attempt(http_request, attempt, exc, delay)
                if delay is None:
                    raise self._connection_error(
                        exc, http_request, attempt + 1, deadline
                    ) from exc
                self._sleep(delay)
                continue
            except DeadlinePassed:
                raise self._deadline_error(
                    http_request, attempt + 1, deadline
                ) from None
            delay = None
            if not is_success(request.operation, response.status_code):
                delay = self._retry_delay(
                    attempt, method, response=response, deadline=deadline
                )
            self._log_attempt(http_request, attempt, response, delay)
            if delay is None:
                self._raise_for_status(response, request.operation)
                return _unlinked(response)
            self._sleep(delay)
        raise AssertionError("unreachable: the last attempt never retries")

    def _attempt(
        self,
        http_request: httpx.Request,
        send_kwargs: dict[str, Any],
        deadline: Deadline,
    ) -> httpx.Response:
        """One attempt: the response with its body read (see ``exchange``)."""
        return exchange(
            self._http,
            http_request,
            send_kwargs,
            deadline,
            self.max_response_bytes,
        )


class AsyncClient(BaseClient):
    """Asynchronous API client; mirrors ``Client`` with ``await``."""

    _http: httpx.AsyncClient
    _sleep: Callable[[float], Awaitable[None]]

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        token: str | None = None,
        deadline: float | None = UNSET,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        strict: bool = False,
        **credentials: str | None,
    ) -> None:
        if http_client is not None and transport is not None:
            raise ValueError("pass either http_client or transport, not both")
        self._configure(
            username,
            password,
            base_url,
            timeout,
            max_retries,
            headers,
            token,
            deadline,
            max_response_bytes,
            strict,
            credentials,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            transport=transport, timeout=timeout
        )
        self._sleep = asyncio.sleep

    async def send(self, request: Request[T]) -> T:
        """Send ``request`` (retrying as configured) and return the decoded body."""
        return (await self.send_raw(request)).parsed

    async def send_raw(self, request: Request[T]) -> ApiResponse[T]:
        """Like ``send`` but also return the status, headers and response."""
        response = await self._execute(request, None)
        decoded = self._decode(request.operation, response)
        return ApiResponse(
            decoded.parsed,
            response.status_code,
            response.headers,
            response,
            decoded.problems,
        )

    def paginate(
        self,
        request: PagedRequest[T, I],
        *,
        limit: int | None = None,
        page_size: int | None = None,
        max_pages: int | None = None,
    ) -> AsyncPaginator[T, I]:
        """Iterate (``async for``) the items of a paginated operation lazily;
        the arguments are those of ``Client.paginate``."""
        request = prepare_paged_request(request, limit, page_size)

        async def fetch(url: str | None) -> RawPage[T]:
            response = await self._execute(request, url)
            data, parsed, _ = self._decode(request.operation, response)
            return RawPage(response, data, parsed)

        return AsyncPaginator(
            fetch,
            request,
            base_url=self._base_for(request.operation),
            limit=limit,
            max_pages=max_pages,
            secret_params=self._secret_params(),
        )

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = UNSET,
        max_retries: int = UNSET,
        deadline: float | None = UNSET,
        max_response_bytes: int | None = UNSET,
        strict: bool = UNSET,
    ) -> Self:
        """A copy with other settings that shares this client's connections."""
        clone = copy.copy(self)
        clone._apply_options(timeout, max_retries, deadline, max_response_bytes, strict)
        return clone

    async def close(self) -> None:
        """Close the connection pool unless it was passed in or is shared."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _execute(self, request: Request[Any], url: str | None) -> httpx.Response:
        """Send with retries within the deadline; return a success or raise."""
        send_kwargs = self._send_kwargs(request.operation)  # before anything is sent
        deadline = self._start_deadline()
        http_request = self._build(self._http, request, url)
        method = http_request.method
        for attempt in range(self.max_retries + 1):
            try:
                response = await self._attempt(http_request, send_kwargs, deadline)
            except httpx.TransportError as exc:
                delay = self._retry_delay(attempt, method, exc=exc, deadline=deadline)
                self._log_attempt(http_request, attempt, exc, delay)
                if delay is None:
                    raise self._connection_error(
                        exc, http_request, attempt + 1, deadline
                    ) from exc
                await self._sleep(delay)
                continue
            except DeadlinePassed:
                raise self._deadline_error(
                    http_request, attempt + 1, deadline
                ) from None
            delay = None
            if not is_success(request.operation, response.status_code):
                delay = self._retry_delay(
                    attempt, method, response=response, deadline=deadline
                )
            self._log_attempt(http_request, attempt, response, delay)
            if delay is None:
                self._raise_for_status(response, request.operation)
                return _unlinked(response)
            await self._sleep(delay)
        raise AssertionError("unreachable: the last attempt never retries")

    async def _attempt(
        self,
        http_request: httpx.Request,
        send_kwargs: dict[str, Any],
        deadline: Deadline,
    ) -> httpx.Response:
        """One attempt (see ``exchange``), cut off exactly at the deadline."""
        scope = asyncio.timeout(deadline.remaining())
        try:
            async with scope:
                return await aexchange(
                    self._http,
                    http_request,
                    send_kwargs,
                    deadline,
                    self.max_response_bytes,
                )
        except TimeoutError:
            if scope.expired():
                raise DeadlinePassed from None
            raise


def _unlinked(response: httpx.Response) -> httpx.Response:
    """``response`` without httpx's response <-> stream reference cycle.

    The body has been read; its bytes stay in ``response.content``, and a
    plain stream over them replaces the one that points back at the
    response. Without this, each page of a pagination lives until the cyclic
    garbage collector runs, so memory grows by a page at a time.
    """
    response.stream = httpx.ByteStream(response.content)
    return response


class _MethodBase(Generic[P, T]):
    """Shared parts of the ``method``/``async_method`` descriptors."""

    def __init__(self, fn: Callable[P, Request[T]]) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__
        self.__qualname__ = getattr(fn, "__qualname__", fn.__name__)
        self._signature: inspect.Signature | None = None

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.__name__ = name
        self.__qualname__ = f"{owner.__qualname__}.{name}"

    def _decorate(self, bound: Callable[..., Any]) -> None:
        """Give the bound callable the operation's name, doc and parameters."""
        bound.__name__ = self.__name__
        bound.__qualname__ = self.__qualname__
        bound.__doc__ = self.__doc__
        if self._signature is None:
            signature = inspect.signature(self._fn)
            self._signature = signature.replace(
                return_annotation=inspect.Signature.empty
            )
        bound.__signature__ = self._signature  # type: ignore[attr-defined]


class _SyncMethod(_MethodBase[P, T]):
    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, obj: Client, owner: type[Any]) -> Callable[P, T]: ...

    def __get__(self, obj: Client | None, owner: type[Any]) -> Self | Callable[P, T]:
        if obj is None:
            return self
        fn = self._fn

        def bound(*args: P.args, **kwargs: P.kwargs) -> T:
            return obj.send(fn(*args, **kwargs))

        self._decorate(bound)
        return bound


class _AsyncMethod(_MethodBase[P, T]):
    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(
        self, obj: AsyncClient, owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...

    def __get__(
        self, obj: AsyncClient | None, owner: type[Any]
    ) -> Self | Callable[P, Coroutine[Any, Any, T]]:
        if obj is None:
            return self
        fn = self._fn

        async def bound(*args: P.args, **kwargs: P.kwargs) -> T:
            return await obj.send(fn(*args, **kwargs))

        self._decorate(bound)
        return bound


def method(fn: Callable[P, Request[T]]) -> _SyncMethod[P, T]:
    """Expose operation function ``fn`` as a ``Client`` method that sends it."""
    return _SyncMethod(fn)


def async_method(fn: Callable[P, Request[T]]) -> _AsyncMethod[P, T]:
    """Expose operation function ``fn`` as an ``AsyncClient`` coroutine method."""
    return _AsyncMethod(fn)
