"""Security: the schemes a client takes credentials for, and what each operation needs.

Every scheme the spec declares becomes a runtime ``Scheme`` with its own
keyword arguments and environment variables; every operation gets its
requirements (the spec-level ``security`` unless it declares its own). See
``runtime/security.py`` for how a call picks what to send.

Argument names: ``username``/``password`` for the API's HTTP basic scheme
and ``token`` for its bearer token (HTTP bearer, OAuth 2, OpenID Connect),
or for its one API key when it has no bearer scheme; other schemes, and all
of a kind the API has several of, are named after the scheme (``api_key``,
``admin_username``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import pointer_join
from .literals import literal
from .nodes import Auth, Code, Requirements, SecurityScheme
from .naming import Identifier, Scope

# The Client's own keyword arguments: no credential may be named like them.
_CLIENT_ARGS = frozenset(
    {"self", "base_url", "timeout", "max_retries", "http_client", "transport", "headers", "deadline"}
    | {"max_response_bytes", "credentials", "username", "password", "token"}
)
_BEARER_TYPES = {"oauth2": "OAuth 2", "openIdConnect": "OpenID Connect"}

Warn = Callable[[str, str], None]
EnvName = Callable[[dict[str, Any], str, str, str], str]


class AuthBuilder:
    """Reads ``components/securitySchemes`` and the ``security`` requirements."""

    def __init__(self, doc: dict[str, Any], package: str, warn: Warn, env_name: EnvName) -> None:
        self.doc = doc
        self.warn = warn
        self.declared: dict[str, Any] = {}
        raw = (doc.get("components") or {}).get("securitySchemes")
        if isinstance(raw, dict):
            self.declared = raw
        self.schemes = self._schemes(package.upper(), env_name)
        self.by_name = {s.name: s for s in self.schemes}
        self._warned: set[str] = set()
        self.default = self._default()

    def auth(self) -> Auth:
        envs = tuple(dict.fromkeys(env for s in self.schemes for env in s.envs))
        return Auth(self.schemes, self.default, envs, tuple(_example(s) for s in self.schemes))

    def operation(self, op: dict[str, Any], pointer: str) -> tuple[Requirements, bool]:
        """The operation's requirements, and whether they differ from the API's."""
        if "security" not in op:
            return self.default, False
        own = self._requirements(op["security"], pointer_join(pointer, "security"))
        return own, own.alternatives != self.default.alternatives

    def test_query(self, requirements: Requirements) -> tuple[tuple[str, str], ...]:
        """The query pairs a generated test's credentials add to its request.

        The tests' clients have every credential (the runtime's
        ``testing.credentials``: ``test-<argument>`` for an API key), so the
        first alternative that needs any is sent.
        """
        first = next((alt for alt in requirements.alternatives if alt), ())
        by_key = {s.key: s for s in self.schemes}
        return tuple(
            (str(by_key[k].key_name), f"test-{by_key[k].args[0]}") for k in first if by_key[k].kind == "query"
        )

    # -- schemes --------------------------------------------------------------

    def _schemes(self, prefix: str, env_name: EnvName) -> tuple[SecurityScheme, ...]:
        kinds: list[tuple[str, dict[str, Any], str, str, str | None]] = []
        for name, scheme in self.declared.items():
            pointer = pointer_join("/components/securitySchemes", name)
            found = _classify(scheme) if isinstance(scheme, dict) else None
            if found is None:
                kind = scheme.get("type") if isinstance(scheme, dict) else None
                self.warn(
                    pointer,
                    f"security scheme {kind!r} is not supported; a requirement naming it is treated as met "
                    "(configure it on the http_client you pass, e.g. a TLS client certificate)",
                )
                continue
            kinds.append((str(name), scheme, *found))
        basics = [k for k in kinds if k[2] == "basic"]
        bearers = [k for k in kinds if k[3] in ("HTTP bearer", *_BEARER_TYPES.values())]
        others = [k for k in kinds if k[2] != "basic"]
        token_owner = bearers[0][0] if len(bearers) == 1 else others[0][0] if not bearers and len(others) == 1 else None
        keys = Scope("security scheme", "snake", "scheme")
        args = Scope("credential argument", "snake", "credential", reserved=_CLIENT_ARGS)
        result = []
        for name, scheme, kind, declared, key_name in kinds:
            pointer = pointer_join("/components/securitySchemes", name)
            key = keys.claim(name, where=pointer)
            names: tuple[Identifier, ...]
            if kind == "basic":
                if len(basics) == 1:
                    names = (Identifier("username"), Identifier("password"))
                else:
                    names = (args.claim(f"{key}_username"), args.claim(f"{key}_password"))
                envs = tuple(
                    env_name(scheme, pointer, part, f"{prefix}_{arg.upper()}")
                    for part, arg in zip(("username", "password"), names)
                )
            else:
                if name == token_owner:
                    names = (Identifier("token"),)
                    default = f"{prefix}_API_KEY" if declared == "API key" else f"{prefix}_TOKEN"
                else:
                    names = (args.claim(name, where=pointer),)
                    default = f"{prefix}_{names[0].upper()}"
                envs = (env_name(scheme, pointer, "token", default),)
            runtime = Code(
                f"_rt.Scheme({literal(key)}, {literal(kind)}, {literal(names)}, {literal(envs)}"
                + (f", {literal(key_name)})" if key_name is not None else ")")
            )
            description = str(scheme.get("description") or "")
            result.append(SecurityScheme(key, name, kind, declared, key_name, names, envs, description, runtime))
        for message in keys.collisions + args.collisions:
            self.warn("/components/securitySchemes", message)
        return tuple(result)

    # -- requirements ---------------------------------------------------------

    def _default(self) -> Requirements:
        if "security" in self.doc:
            return self._requirements(self.doc["security"], "/security")
        if not self.schemes:
            return self._make(())
        self.warn(
            "/components/securitySchemes",
            "no security requirement (top-level or per operation): every call sends the credentials the client "
            "has for one scheme, and goes without when it has none",
        )
        return self._make((*((s.key,) for s in self.schemes), ()))

    def _requirements(self, value: Any, pointer: str) -> Requirements:
        if not isinstance(value, list):
            self.warn(pointer, "expected a list of security requirements; using none")
            return self._make(())
        alternatives: list[tuple[Identifier, ...]] = []
        for index, requirement in enumerate(value):
            if not isinstance(requirement, dict):
                self.warn(pointer_join(pointer, index), "expected a security requirement object; ignored")
                continue
            keys: list[Identifier] = []
            for name in requirement:
                scheme = self.by_name.get(str(name))
                if scheme is None:
                    if name not in self.declared and str(name) not in self._warned:
                        self._warned.add(str(name))
                        self.warn(
                            pointer_join(pointer, index, name),
                            "no security scheme of this name is declared (components/securitySchemes); "
                            "treated as met",
                        )
                    continue
                if scheme.key not in keys:
                    keys.append(scheme.key)
            self._check_one_authorization(keys, pointer_join(pointer, index))
            if tuple(keys) not in alternatives:
                alternatives.append(tuple(keys))
        return self._make(tuple(alternatives))

    def _check_one_authorization(self, keys: list[Identifier], pointer: str) -> None:
        by_key = {s.key: s for s in self.schemes}
        users = [
            k
            for k in keys
            if by_key[k].kind in ("basic", "bearer", "authorization")
            or by_key[k].kind == "header" and str(by_key[k].key_name).lower() == "authorization"
        ]
        if len(users) > 1 and pointer not in self._warned:
            self._warned.add(pointer)
            self.warn(
                pointer,
                f"this requirement needs {len(users)} schemes that each send the Authorization header; "
                "only the last one's value is sent",
            )

    def _make(self, alternatives: tuple[tuple[Identifier, ...], ...]) -> Requirements:
        by_key = {s.key: s for s in self.schemes}
        args = tuple(tuple(a for k in alt for a in by_key[k].args) for alt in alternatives if alt)
        doc = ", or ".join(" and ".join(f"`{a}`" for a in alt) for alt in args)  # identifiers only
        return Requirements(alternatives, args, () in alternatives, literal(alternatives), Code(doc))


def _classify(scheme: dict[str, Any]) -> tuple[str, str, str | None] | None:
    """(runtime kind, what the spec declares, API key name) of a supported scheme."""
    kind = scheme.get("type")
    if kind == "http":
        http = str(scheme.get("scheme") or "").strip()
        if http.lower() == "basic":
            return "basic", "HTTP basic", None
        if http.lower() == "bearer":
            return "bearer", "HTTP bearer", None
        return ("authorization", f"HTTP {http}", None) if http else None
    if kind in _BEARER_TYPES:
        return "bearer", _BEARER_TYPES[kind], None
    where, name = scheme.get("in"), scheme.get("name")
    if kind == "apiKey" and where in ("header", "query", "cookie") and isinstance(name, str) and name:
        return str(where), "API key", name
    return None


def _example(scheme: SecurityScheme) -> Code:
    if scheme.args == ("username", "password"):
        return Code('Client("username", "password")')
    return Code("Client(" + ", ".join(f'{arg}="..."' for arg in scheme.args) + ")")
