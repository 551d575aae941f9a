"""Security schemes, requirements, and the credentials a call sends.

A generated client declares every scheme its spec declares
(``BaseClient.SECURITY_SCHEMES``) and the spec's default requirements
(``BaseClient.SECURITY``); an operation may override them
(``Operation.security``). Requirements are alternatives (OR), each a tuple
of scheme keys that must all be sent (AND); ``()`` as an alternative means
the call may go without credentials, and no alternative at all means it
never sends any.

Per call, the first alternative whose schemes all have credentials is sent;
when none has them, an anonymous alternative sends nothing, and otherwise
``MissingCredentialsError`` is raised before anything is sent.
"""

from __future__ import annotations

import base64
import dataclasses
import os
from collections.abc import Generator, Mapping
from typing import Literal, cast

import httpx

from .auth import SECRET_QUERY_PARAMS, install_log_filter
from .errors import SpecgenError

__all__ = ["Scheme", "MissingCredentialsError"]

#: Requirements: alternatives (any one), each the scheme keys it needs (all).
Requirements = tuple[tuple[str, ...], ...]

Kind = Literal["basic", "bearer", "authorization", "header", "query", "cookie"]


@dataclasses.dataclass(frozen=True)
class Scheme:
    """One security scheme: how its credential is sent and where it comes from.

    ``kind``: ``basic`` (HTTP basic: ``args`` are the user name and password
    arguments), ``bearer`` (``Authorization: Bearer <token>``: HTTP bearer,
    OAuth 2 and OpenID Connect access tokens), ``authorization`` (the value
    sent as the whole ``Authorization`` header: other HTTP schemes), or
    ``header``, ``query``, ``cookie`` (an API key sent under ``name``).
    ``args`` are the client's keyword arguments for it and ``envs`` the
    environment variables each defaults to (``None``: no default).
    """

    key: str
    kind: Kind
    args: tuple[str, ...]
    envs: tuple[str | None, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in (
            "basic",
            "bearer",
            "authorization",
            "header",
            "query",
            "cookie",
        ):
            raise ValueError(f"unknown security scheme kind {self.kind!r}")
        if len(self.args) != (2 if self.kind == "basic" else 1):
            raise ValueError(f"scheme {self.key!r}: wrong number of arguments")

    def env(self, index: int) -> str | None:
        return self.envs[index] if index < len(self.envs) else None

    def hint(self) -> str:
        """How to give this scheme's credentials: its arguments and variables."""
        args = " and ".join(f"{arg}=" for arg in self.args)
        envs = [e for e in (self.env(i) for i in range(len(self.args))) if e]
        return f"{args} (or set {' and '.join(envs)})" if envs else args


class MissingCredentialsError(SpecgenError):
    """A call needs credentials the client was not given; nothing was sent.

    ``operation`` names the call; ``alternatives`` lists, for each way of
    satisfying it, the client arguments that would.
    """

    def __init__(
        self, operation: str, alternatives: tuple[tuple[str, ...], ...], message: str
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.alternatives = alternatives


def resolve(
    schemes: tuple[Scheme, ...],
    given: Mapping[str, str | None],
    environ: Mapping[str, str] = os.environ,
) -> dict[str, tuple[str, ...]]:
    """Scheme key -> its credential values, for the schemes that have them all.

    An argument left out (``None``) comes from its environment variable (an
    empty variable counts as unset). A scheme given only in part (a user name
    without password) raises ``ValueError`` naming what is missing.
    """
    found: dict[str, tuple[str, ...]] = {}
    for scheme in schemes:
        values: list[str | None] = []
        for index, arg in enumerate(scheme.args):
            value = given.get(arg)
            env = scheme.env(index)
            if value is None and env:
                value = environ.get(env) or None
            values.append(value)
        present = [v for v in values if v is not None]
        if not present:
            continue
        if len(present) < len(values):
            index = values.index(None)
            env = scheme.env(index)
            hint = f" (pass it or set {env})" if env else " (pass it)"
            raise ValueError(
                f"credentials are incomplete: no {scheme.args[index]} given{hint}"
            )
        found[scheme.key] = tuple(present)
    return found


def choose(
    operation: str,
    requirements: Requirements,
    schemes: tuple[Scheme, ...],
    have: Mapping[str, tuple[str, ...]],
) -> tuple[str, ...]:
    """The scheme keys to send for a call of ``operation``.

    The first alternative all of whose schemes have credentials; ``()`` when
    there are no requirements, or none is met and an alternative is ``()``.
    Otherwise ``MissingCredentialsError``, naming every alternative.
    """
    for alternative in requirements:
        if alternative and all(key in have for key in alternative):
            return alternative
    if not requirements or () in requirements:
        return ()
    by_key = {s.key: s for s in schemes}
    ways = [
        tuple(by_key[k] for k in alternative if k in by_key)
        for alternative in requirements
    ]
    described = [" and ".join(s.hint() for s in way) for way in ways]
    message = f"{operation} needs credentials the client was not given: pass " + (
        described[0] if len(described) == 1 else "; or ".join(described)
    )
    raise MissingCredentialsError(
        operation,
        tuple(tuple(arg for s in way for arg in s.args) for way in ways),
        message,
    )


class CredentialsAuth(httpx.Auth):
    """Send the credentials of one or more schemes (all of them: AND).

    The values are never part of ``repr()``; an API key sent in the query is
    redacted from every URL the runtime prints (see ``auth.redact_url``).
    """

    def __init__(self, parts: tuple[tuple[Scheme, tuple[str, ...]], ...]) -> None:
        self._parts = parts
        for scheme, _ in parts:
            if scheme.kind == "query":
                SECRET_QUERY_PARAMS.add(scheme.name)
                install_log_filter()

    def auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        for scheme, values in self._parts:
            apply(scheme, values, request)
        yield request

    def __repr__(self) -> str:
        return f"CredentialsAuth({[s.key for s, _ in self._parts]!r})"


def apply(scheme: Scheme, values: tuple[str, ...], request: httpx.Request) -> None:
    """Put one scheme's credential on ``request``."""
    kind = scheme.kind
    if kind == "basic":
        pair = f"{values[0]}:{values[1]}".encode()
        request.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    elif kind == "bearer":
        request.headers["Authorization"] = f"Bearer {values[0]}"
    elif kind == "authorization":
        request.headers["Authorization"] = values[0]
    elif kind == "header":
        request.headers[scheme.name] = values[0]
    elif kind == "query":
        request.url = request.url.copy_merge_params({scheme.name: values[0]})
    else:
        cookie = f"{scheme.name}={values[0]}"
        earlier = request.headers.get("Cookie")
        request.headers["Cookie"] = f"{earlier}; {cookie}" if earlier else cookie


def legacy_schemes(
    auth: str,
    username_env: str | None,
    password_env: str | None,
    token_env: str | None,
    api_key_name: str,
) -> tuple[Scheme, ...]:
    """The one scheme a client configured with the older ``AUTH`` attributes has."""
    if auth == "basic":
        return (
            Scheme(
                "basic", "basic", ("username", "password"), (username_env, password_env)
            ),
        )
    if auth in ("bearer", "header", "query"):
        kind = cast(Kind, auth)
        return (Scheme("token", kind, ("token",), (token_env,), api_key_name),)
    return ()
