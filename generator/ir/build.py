"""A validated spec becomes an :class:`~generator.ir.nodes.Api`.

Every decision about the generated code is made here and in the ``build_*``
modules: names, types, arguments, imports, pagination, module layout, tests.
Templates only print what was decided.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlsplit

from . import build_types as bt
from .build_auth import AuthBuilder
from .build_groups import operation_groups
from .build_operations import OperationBuilder
from .build_params import ParamBuilder
from .build_wire import PATH_SAFE
from .naming import ENV_NAME
from .error_tree import error_tree
from ..errors import Diagnostic, pointer_join
from .imports import STANDARD_NAMES, standard_imports
from .nodes import Api, ClientClass, Exports
from ..load.spec import LoadedSpec
from .naming import Identifier, Scope, package_name
from .runtime_import import runtime_import
from .runtime_names import by_origin, runtime_names
from .server_urls import CREDENTIALS_WARNING, strip_userinfo
from ..store import Store

_MODULE_NAMES = frozenset(
    {"annotations", "timezone", "Client", "AsyncClient", "operations", "models", "client", *STANDARD_NAMES}
)


def build_api(
    spec: LoadedSpec,
    package: str | None = None,
    cache: Store | None = None,
    allow_env: frozenset[str] = frozenset(),
    prefer_media_types: tuple[str, ...] = (),
    shared_runtime: str | None = None,
) -> Api:
    """The IR of one validated spec. ``cache`` only makes it faster (see ir/runtime_names.py).

    ``allow_env``: the environment variables the user lets a spec name for its
    credentials (``x-specgen-env``); any other name is warned about and unused.
    ``prefer_media_types``: request body media types sent rather than the
    spec's first (``prefer-media-types``; see ir/build_media.py).
    ``shared_runtime``: the shared runtime package the modules import, if any (ir/runtime_import.py).
    """
    api = _Builder(spec, package, cache, allow_env, prefer_media_types).build()
    return replace(api, runtime=runtime_import(shared_runtime)) if shared_runtime is not None else api


class _Builder:
    def __init__(
        self,
        spec: LoadedSpec,
        package: str | None,
        cache: Store | None = None,
        allow_env: frozenset[str] = frozenset(),
        prefer_media_types: tuple[str, ...] = (),
    ) -> None:
        self.spec = spec
        self.doc = spec.document
        self.allow_env = allow_env
        self.package, renamed = package_name(package or spec.path.stem)
        self.warnings: list[Diagnostic] = []
        self.notes: list[Diagnostic] = []  # renames by the word rule (ir/naming.py): --verbose
        if renamed is not None:
            self.warn("", renamed)
        self._default_base_url: str | None = None
        self._credential_warnings: set[str] = set()
        names = runtime_names(cache)
        self.exports, client_names, model_names = names.exports, names.client, names.model
        self.model_scope = Scope(
            "schema", "pascal", "Model", reserved=_MODULE_NAMES | self.exports, avoid_builtins=True, compact=True
        )
        self.op_scope = Scope(
            "operation", "snake", "operation", reserved=_MODULE_NAMES | client_names | {"_rt"}, avoid_builtins=True
        )
        model_reserved = bt.MODEL_RESERVED | {n for n in model_names if not n.startswith("_")}
        self.types = bt.TypeBuilder(self.doc, self.model_scope, self.warn, model_reserved, self.note, spec.imported)
        self.params = ParamBuilder(self.doc, self.types, self.warn, prefer_media_types)
        self.security = AuthBuilder(self.doc, self.package, self.warn, self._env_name)
        self.operations = OperationBuilder(
            self.doc, self.types, self.params, self.security, self.op_scope, self._base_url, self.warn
        )

    def warn(self, pointer: str, message: str) -> None:
        self.warnings.append(self.spec.diagnostic(pointer, message, "warning"))

    def note(self, pointer: str, message: str) -> None:
        self.notes.append(self.spec.diagnostic(pointer, message, "note"))

    def build(self) -> Api:
        self.types.build_components()
        drafts = self.operations.collect()
        models = self.types.models()
        by_name = {m.name: m for m in models}
        operations = tuple(self.operations.finish(d, by_name) for d in drafts)
        for message in self.model_scope.collisions:
            self.warn("/components/schemas", message)
        for message in self.op_scope.collisions:
            self.warn("/paths", message)
        for message in self.model_scope.renames:
            self.note("/components/schemas", message)
        for message in self.op_scope.renames:
            self.note("/paths", message)
        info = self.doc["info"] if isinstance(self.doc.get("info"), dict) else {}
        title = str(info.get("title") or self.package)
        description = str(info.get("description") or "")
        runtime_exports = tuple(
            Identifier(n) for n in sorted(self.exports) if n.endswith("Error") or n in ("ApiResponse", "DecodeProblem")
        )
        model_exports = tuple(
            sorted([*(e.name for e in self.types.enums.values()), *(m.name for m in models), *self.types.aliases])
        )
        model_imports = standard_imports(
            [
                *(f.annotation for m in models for f in m.fields),
                *(f"TypeAlias = {a.annotation}" for a in self.types.aliases.values()),
            ]
        )
        tests = self.operations.tests
        groups = operation_groups(drafts, operations, tests, self.warn, self.note)
        shared = {op.name: op for group in groups for op in group.operations}
        operations = tuple(shared[op.name] for op in operations)
        return Api(
            package=self.package,
            source_name=self.spec.source_name,
            title=title,
            description=description,
            version=str(info.get("version") or "0"),
            base_url=self._base_url(),
            auth=self.security.auth(),
            enums=tuple(self.types.enums.values()),
            models=models,
            aliases=tuple(self.types.aliases.values()),
            operations=operations,
            paginated=tuple(op for op in operations if op.pagination is not None),
            data_files=tuple(sorted(tests.data_files)),
            groups=groups,
            model_imports=model_imports,
            test_model_imports=tuple(sorted({n for g in groups for n in g.test_model_imports})),
            warnings=tuple(str(w) for w in self.warnings),
            notes=tuple(str(n) for n in self.notes),
            package_doc=f"{title}: {description}" if description else title,
            exports=Exports(
                runtime_exports,
                model_exports,
                tuple(sorted([*runtime_exports, Identifier("AsyncClient"), Identifier("Client"), *model_exports])),
                error_tree(self.exports),
                tuple(
                    (Identifier(module), tuple(Identifier(n) for n in names))
                    for module, names in by_origin(runtime_exports)
                ),
            ),
            clients=(
                ClientClass(Identifier("Client"), Identifier("Client"), Identifier("method"), f"Synchronous client for {title}."),
                ClientClass(
                    Identifier("AsyncClient"),
                    Identifier("AsyncClient"),
                    Identifier("async_method"),
                    f"Asynchronous client for {title}.",
                ),
            ),
            ignored_headers=tuple(sorted(self.operations.ignored_headers)),
        )

    # -- API-level ----------------------------------------------------------

    def _base_url(self, servers: Any = None, pointer: str = "/servers") -> str:
        if servers is None:
            if self._default_base_url is None:
                self._default_base_url = self._server_url(self.doc.get("servers"), pointer)
            return self._default_base_url
        return self._server_url(servers, pointer)

    def _server_url(self, servers: Any, pointer: str) -> str:
        if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
            self.warn(pointer, "no servers; the client needs base_url=...")
            return ""
        server = servers[0]
        url = str(server.get("url", ""))
        for name, variable in (server.get("variables") or {}).items():
            if isinstance(variable, dict) and "default" in variable:
                url = url.replace("{" + name + "}", str(variable["default"]))
        url, had_credentials = strip_userinfo(url)
        where = pointer_join(pointer, 0, "url")
        if had_credentials and where not in self._credential_warnings:  # path-level servers: once, not per method
            self._credential_warnings.add(where)
            self.warn(where, CREDENTIALS_WARNING)
        url = _normalize_server_url(url).rstrip("/")
        parts = urlsplit(url)
        if parts.scheme.lower() in ("http", "https") and not parts.netloc:  # DigitalOcean's presigned upload: "https://"
            self.warn(where, f"server {str(server.get('url'))[:60]!r} names no host; the client sends to its base_url")
            return ""
        return url

    def _env_name(self, scheme: dict[str, Any], pointer: str, key: str, default: str) -> str:
        """The environment variable a credential is read from: ``default`` (named
        after the package), or the name the spec asks for if the user allows it.

        A spec is not trusted to pick variables: with ``x-specgen-env: {token:
        AWS_SECRET_ACCESS_KEY}`` a client would send that secret to the spec's server.
        """
        env = scheme.get("x-specgen-env")
        if env is None:
            return default
        if not isinstance(env, dict):
            self.warn(pointer_join(pointer, "x-specgen-env"), f"expected a mapping; the client reads {default}")
            return default
        if key not in env:
            return default
        asked = env[key]
        where = pointer_join(pointer, "x-specgen-env", key)
        if not isinstance(asked, str) or not ENV_NAME.fullmatch(asked):
            self.warn(where, f"{asked!r} is not an environment variable name; the client reads {default}")
            return default
        if asked not in self.allow_env:
            self.warn(
                where,
                f"the spec asks the client to read the environment variable {asked}, which the configuration does "
                f"not allow; the client reads {default} (to allow it: allow-env = [{json.dumps(asked)}] in "
                "[tool.specgen] or the spec's [[tool.specgen.specs]] entry)",
            )
            return default
        return asked


def _normalize_server_url(url: str) -> str:
    """``scheme://host`` kept, everything after it percent-encoded as path text.

    A server URL is spec text: a space, a quote, ``#``, ``?`` or a control
    character in it must reach the wire as part of the path, not cut it.
    """
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]*)(.*)$", url, re.DOTALL)
    if match is None:
        return quote(url, safe=PATH_SAFE + "%")
    return match.group(1) + quote(match.group(2), safe=PATH_SAFE + "%")
