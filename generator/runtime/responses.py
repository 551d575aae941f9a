"""Which documented response a status selects, and decoding its body.

A status is looked up in the operation's documented responses (see
``Operation.success_decoder``/``error_decoder``): the exact status, then
its range (``2XX``), then ``default``. A 2xx, or a 1xx-3xx documented with
a body (a 307 with a schema), is a success: its body is decoded and
returned. Anything else raises an ``ApiError`` carrying the documented
error body decoded as ``parsed``.

Success bodies are read tolerantly unless the client is strict (see
``tolerant``); error bodies always tolerantly, without logging, so that the
``ApiError`` is what is raised.
"""

from __future__ import annotations

import json
import logging
from typing import Any, NamedTuple, cast

import httpx

from .decode import BYTES, NONE, TEXT, Decoder
from .errors import DecodeError, ResponseParseError
from .operation import Operation
from .problems import DecodeProblem, log_once
from .tolerant import decode_tolerant

__all__ = ["decode_success", "decode_error", "is_success"]


class Decoded(NamedTuple):
    """A decoded success body: the parsed JSON (``None`` when not JSON), the
    value, and the problems met reading it tolerantly."""

    data: object
    parsed: Any
    problems: tuple[DecodeProblem, ...]


def is_success(operation: Operation[Any], status: int) -> bool:
    """Whether ``status`` is a success of ``operation`` (see the module doc)."""
    return operation.success_decoder(status) is not None


def decode_success(
    operation: Operation[Any],
    response: httpx.Response,
    strict: bool,
    logger: logging.Logger,
) -> Decoded:
    """Parse and decode a success body (see ``tolerant`` for ``strict``)."""
    decoder = operation.success_decoder(response.status_code) or operation.response
    if decoder is NONE:
        return Decoded(None, None, ())
    if decoder is BYTES:
        return Decoded(None, response.content, ())
    if decoder is TEXT:
        return Decoded(None, response.text, ())
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError) as exc:
        reason = "empty" if not response.content else f"not valid JSON ({exc})"
        raise ResponseParseError(operation.name, reason, response=response) from None
    if strict:
        try:
            return Decoded(data, decoder.decode(data), ())
        except DecodeError as exc:
            raise ResponseParseError(
                operation.name,
                exc.reason,
                field=exc.location or None,
                response=response,
            ) from None
    parsed, found = decode_tolerant(decoder, data)
    for owner, wire_name, problem in found:
        log_once(logger, owner or operation.name, wire_name, problem)
    return Decoded(data, parsed, tuple(item.problem for item in found))


def decode_error(operation: Operation[Any], response: httpx.Response) -> object:
    """The documented body of an error response, decoded tolerantly; None
    when the operation documents none for its status or it is not JSON."""
    decoder: Decoder[Any] | None = operation.error_decoder(response.status_code)
    if decoder is None or decoder is NONE:
        return None
    if decoder is BYTES or decoder is TEXT:
        return response.content if decoder is BYTES else response.text
    try:
        return cast(object, decode_tolerant(decoder, json.loads(response.content))[0])
    except (ValueError, RecursionError):
        return None
