"""Lazy iteration over paginated list operations.

A page's items are the array named by ``operation.items_key``, else by the
response's ``meta.key``, else the response's only array-valued property.
The next page is ``meta.next_page_url`` or, failing that, a top-level
``next_page_uri`` (relative links are joined to the base URL). Iteration stops
when there is no next link or ``limit`` items were produced.

Safety: a next-page link to another origin (scheme, host or port) raises
``PaginationError`` before anything is sent there, so credentials never leak
to another host; so does an invalid link, and a link to a page already
fetched (compared in the normal form of ``urls.page_key``: without
fragment, userinfo or the client's query API key, among others). As a last
resort, a link after ``max_pages`` pages raises ``TooManyPagesError``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator
from contextlib import aclosing
from typing import Any, ClassVar, Generic, TypeVar

import httpx

from .base import RawPage
from .decode import describe, is_array, is_object
from .errors import (
    DecodeError,
    PaginationError,
    ResponseParseError,
    TooManyPagesError,
    redact_url,
)
from .model import Model, attribute_for
from .operation import PagedRequest
from .urls import PageKey, page_key, same_origin

__all__ = ["Page", "Paginator", "AsyncPaginator", "prepare_paged_request"]

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741

MAX_PAGES = 10_000
"""The default last-resort cap on the pages of one pagination."""


@dataclasses.dataclass(frozen=True, repr=False)
class Page(Generic[T, I]):
    """One page: the decoded response, its items, the raw response and the
    absolute URL of the next page (``None`` on the last page)."""

    parsed: T
    items: list[I]
    response: httpx.Response
    next_url: str | None

    def __repr__(self) -> str:
        next_url = None if self.next_url is None else redact_url(self.next_url)
        return (
            f"Page(items={len(self.items)}, status={self.response.status_code},"
            f" next_url={next_url!r})"
        )


def _check_max_pages(max_pages: object) -> int | None:
    if max_pages is not None and (
        isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1
    ):
        raise ValueError(f"max_pages must be a positive integer, got {max_pages!r}")
    return max_pages


def prepare_paged_request(
    request: PagedRequest[T, I], limit: int | None, page_size: int | None
) -> PagedRequest[T, I]:
    """Apply ``page_size`` (lowered to ``limit``, clamped to the parameter's
    bounds) to the first request of a pagination."""
    if limit is not None and (isinstance(limit, bool) or limit < 0):
        raise ValueError(f"limit must be a non-negative integer, got {limit!r}")
    operation = request.operation
    param = operation.page_size
    if param is None:
        if page_size is not None:
            raise ValueError(f"{operation.name} has no page-size parameter")
        return request
    name = param.python_name
    current = request.args.get(name)
    size = page_size if page_size is not None else current
    if not isinstance(size, int) or isinstance(size, bool):
        size = None
    if limit is not None and (size is None or size > limit):
        size = limit
    if size is None:
        return request
    if param.maximum is not None:
        size = min(size, math.floor(param.maximum))
    if param.exclusive_maximum is not None:
        size = min(size, math.ceil(param.exclusive_maximum) - 1)
    if param.minimum is not None:
        size = max(size, math.ceil(param.minimum))
    if param.exclusive_minimum is not None:
        size = max(size, math.floor(param.exclusive_minimum) + 1)
    return request if size == current else request.replace({name: size})


class _Cursor(Generic[T, I]):
    """The I/O-free state of one pass over the pages."""

    def __init__(
        self,
        request: PagedRequest[T, I],
        base_url: str,
        limit: int | None,
        max_pages: int,
        secret_params: frozenset[str],
    ) -> None:
        self.operation = request.operation
        self.max_pages = max_pages
        self.secret_params = secret_params
        self.base_url = httpx.URL(base_url)
        self.remaining = limit
        self.seen: set[PageKey] = set()
        self.pages = 0
        self.link_error: PaginationError | None = None

    def page(self, raw: RawPage[T]) -> Page[T, I]:
        """Build the page from a fetched response."""
        self.pages += 1
        response = raw.response
        for fetched in (*response.history, response):
            self.seen.add(page_key(fetched.request.url, self.secret_params))
        data = raw.data
        if not is_object(data):
            raise self._error(f"expected an object, got {describe(data)}", raw, None)
        items = self._items(raw, data)
        if self.remaining is not None:
            self.remaining = max(0, self.remaining - len(items))
        return Page(raw.parsed, items, raw.response, self._next_url(data))

    def next_url(self, page: Page[T, I]) -> str | None:
        """The URL to fetch next, after checking that it is safe to follow."""
        if self.remaining == 0:
            return None
        if self.link_error is not None:
            raise self.link_error
        if page.next_url is None:
            return None
        url = httpx.URL(page.next_url)
        name = self.operation.name
        if not same_origin(url, self.base_url):
            raise PaginationError(
                f"{name}: refusing to follow a next-page link to another origin:"
                f" {redact_url(url)} (expected {redact_url(self.base_url)})"
            )
        if page_key(url, self.secret_params) in self.seen:
            raise PaginationError(
                f"{name}: next-page link repeats an already fetched page:"
                f" {redact_url(url)}"
            )
        if self.pages >= self.max_pages:
            raise TooManyPagesError(
                f"{name}: stopped after {self.max_pages} pages (max_pages); the"
                f" next link was {redact_url(url)}"
            )
        return page.next_url

    def _next_url(self, data: dict[str, Any]) -> str | None:
        """The absolute next-page link, without userinfo and fragment; an
        invalid one is kept in ``link_error`` (raised when it is followed)."""
        self.link_error = None
        meta = data.get("meta")
        link = meta.get("next_page_url") if is_object(meta) else None
        if not isinstance(link, str) or not link:
            link = data.get("next_page_uri")
        if not isinstance(link, str) or not link:
            return None
        try:
            url = self.base_url.join(link)
            url = url.copy_with(username=None, password=None, fragment=None)
            text = str(url)
            httpx.URL(text)  # what ``next_url`` and the fetch parse again
        except httpx.InvalidURL as exc:
            self.link_error = PaginationError(
                f"{self.operation.name}: the next-page link is not a valid URL"
                f" ({exc}): {redact_url(link)!r}"
            )
            return None
        return text

    def _items(self, raw: RawPage[T], data: dict[str, Any]) -> list[I]:
        key = self._items_key(raw, data)
        values = data.get(key)
        if values is None:
            return []
        if not is_array(values):
            raise self._error(f"expected an array, got {describe(values)}", raw, key)
        # Reuse the list already decoded inside the response model if any.
        parsed = raw.parsed
        if isinstance(parsed, Model):
            attr = attribute_for(type(parsed), key)
            decoded = getattr(parsed, attr) if attr is not None else None
            if is_array(decoded) and len(decoded) == len(values):
                return decoded
        assert self.operation.items is not None  # checked by PagedRequest
        decode = self.operation.items.decode
        items: list[I] = []
        index = 0
        try:
            for index, value in enumerate(values):
                items.append(decode(value))
        except DecodeError as exc:
            exc.prepend(index)
            exc.prepend(key)
            raise self._error(exc.reason, raw, exc.location) from None
        return items

    def _items_key(self, raw: RawPage[T], data: dict[str, Any]) -> str:
        if self.operation.items_key is not None:
            return self.operation.items_key
        meta = data.get("meta")
        key = meta.get("key") if is_object(meta) else None
        if isinstance(key, str):
            return key
        arrays = [k for k, v in data.items() if isinstance(v, list)]
        if len(arrays) == 1:
            return arrays[0]
        raise self._error("cannot tell which property holds the items", raw, None)

    def _error(
        self, message: str, raw: RawPage[T], field: str | None
    ) -> ResponseParseError:
        return ResponseParseError(
            self.operation.name, message, field=field, response=raw.response
        )


class Paginator(Generic[T, I]):
    """Iterates the items (or, with ``pages()``, the pages) of a paginated
    operation, fetching each page only when it is needed.

    Every iteration starts again from the first page. ``max_pages`` (default
    ``MAX_PAGES``) caps the pages of one iteration; ``secret_params`` names
    the query parameters the client adds as credentials (ignored when
    comparing links with the pages already fetched).
    """

    #: The default of ``max_pages``: a link after this many pages raises
    #: ``TooManyPagesError``.
    MAX_PAGES: ClassVar[int] = MAX_PAGES

    def __init__(
        self,
        fetch: Callable[[str | None], RawPage[T]],
        request: PagedRequest[T, I],
        *,
        base_url: str,
        limit: int | None = None,
        max_pages: int | None = None,
        secret_params: frozenset[str] = frozenset(),
    ) -> None:
        self._fetch = fetch
        self._request = request
        self._base_url = base_url
        self._limit = limit
        self._max_pages = _check_max_pages(max_pages)
        self._secret_params = secret_params

    def __iter__(self) -> Iterator[I]:
        remaining = self._limit
        if remaining == 0:
            return
        for page in self.pages():
            for item in page.items:
                yield item
                if remaining is not None:
                    remaining -= 1
                    if remaining == 0:
                        return

    def pages(self) -> Iterator[Page[T, I]]:
        """Yield pages until the last one, or until ``limit`` items were seen."""
        if self._limit == 0:
            return
        cursor: _Cursor[T, I] = _Cursor(
            self._request,
            self._base_url,
            self._limit,
            self._max_pages or self.MAX_PAGES,
            self._secret_params,
        )
        url: str | None = None
        while True:  # bounded by MAX_PAGES in cursor.next_url
            page = cursor.page(self._fetch(url))
            yield page
            url = cursor.next_url(page)
            if url is None:
                return


class AsyncPaginator(Generic[T, I]):
    """The asynchronous ``Paginator``: ``async for item in paginator`` or
    ``async for page in paginator.pages()``."""

    MAX_PAGES: ClassVar[int] = MAX_PAGES

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[RawPage[T]]],
        request: PagedRequest[T, I],
        *,
        base_url: str,
        limit: int | None = None,
        max_pages: int | None = None,
        secret_params: frozenset[str] = frozenset(),
    ) -> None:
        self._fetch = fetch
        self._request = request
        self._base_url = base_url
        self._limit = limit
        self._max_pages = _check_max_pages(max_pages)
        self._secret_params = secret_params

    async def __aiter__(self) -> AsyncIterator[I]:
        remaining = self._limit
        if remaining == 0:
            return
        async with aclosing(self.pages()) as pages:
            async for page in pages:
                for item in page.items:
                    yield item
                    if remaining is not None:
                        remaining -= 1
                        if remaining == 0:
                            return

    async def pages(self) -> AsyncGenerator[Page[T, I], None]:
        """Yield pages until the last one, or until ``limit`` items were seen."""
        if self._limit == 0:
            return
        cursor: _Cursor[T, I] = _Cursor(
            self._request,
            self._base_url,
            self._limit,
            self._max_pages or self.MAX_PAGES,
            self._secret_params,
        )
        url: str | None = None
        while True:  # bounded by MAX_PAGES in cursor.next_url
            page = cursor.page(await self._fetch(url))
            yield page
            url = cursor.next_url(page)
            if url is None:
                return
