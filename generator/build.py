"""Stage 3, IR: a validated spec becomes an :class:`~generator.ir.Api`.

Every decision about the generated code is made here and in the ``build_*``
modules: names, types, arguments, imports, pagination, module layout, tests.
Templates only print what was decided.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from . import build_responses as br
from . import build_types as bt
from . import patterns
from .build_auth import AuthBuilder
from .build_media import expected_media_text
from .build_params import ParamBuilder, arg_code
from .build_tests import (
    MAX_SAMPLE_VALUES,
    PATH_SAFE,
    CheckBuilder,
    expected_header,
    expected_json,
    expected_pairs,
    expected_path,
    expected_path_value,
    sample_body,
)
from .store import Store
from .config import ENV_NAME
from .error_tree import error_tree
from .errors import Diagnostic, pointer_join, resolve_pointer
from .filters import literal
from .ir import (
    Api,
    ClientClass,
    Code,
    Exports,
    InvalidCall,
    Operation,
    OperationGroup,
    Pagination,
    Parameter,
    TestCase,
    TypeRef,
)
from .imports import STANDARD_NAMES, standard_imports
from .load import LoadedSpec
from .naming import Identifier, Scope, package_name, pascal, snake
from .runtime_names import runtime_names
from .server_urls import CREDENTIALS_WARNING, strip_userinfo
from .type_table import annotation, value_decoder
from .validate import HTTP_METHODS

_PAGE_SIZE_NAMES = {"pagesize", "perpage", "limit"}
_MODULE_NAMES = frozenset(
    {"annotations", "timezone", "Client", "AsyncClient", "operations", "models", "client", *STANDARD_NAMES}
)
MAX_OPTIONAL_ARGS = 8  # optional arguments a generated test passes, beyond the required ones
_VERSION_SEGMENT = re.compile(r"^(v\d+(\.\d+)*|\d{4}-\d{2}-\d{2})$", re.IGNORECASE)
# Header parameters OpenAPI says SHALL be ignored: the client sets these itself.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


def build_api(
    spec: LoadedSpec,
    package: str | None = None,
    cache: Store | None = None,
    allow_env: frozenset[str] = frozenset(),
    prefer_media_types: tuple[str, ...] = (),
) -> Api:
    """The IR of one validated spec. ``cache`` only makes it faster (see runtime_names.py).

    ``allow_env``: the environment variables the user lets a spec name for its
    credentials (``x-specgen-env``); any other name is warned about and unused.
    ``prefer_media_types``: request body media types sent rather than the
    spec's first (``prefer-media-types``; see build_media.py).
    """
    return _Builder(spec, package, cache, allow_env, prefer_media_types).build()


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
        self.notes: list[Diagnostic] = []  # renames by the word rule (naming.py): --verbose
        if renamed is not None:
            self.warn("", renamed)
        self.data_files: list[tuple[str, str]] = []
        self.expected_checks: dict[Identifier, list[dict[str, Any]]] = {}  # test name -> checks on its result
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
        self.ignored_headers: set[str] = set()
        self._ignored_warned: set[str] = set()  # pointers warned about: a path-level one serves every method

    def warn(self, pointer: str, message: str) -> None:
        self.warnings.append(self.spec.diagnostic(pointer, message, "warning"))

    def note(self, pointer: str, message: str) -> None:
        self.notes.append(self.spec.diagnostic(pointer, message, "note"))

    def build(self) -> Api:
        self.types.build_components()
        drafts = self._collect_operations()
        models = self.types.models()
        by_name = {m.name: m for m in models}
        operations = tuple(self._finish_operation(d, by_name) for d in drafts)
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
        groups = self._groups(drafts, operations)
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
            data_files=tuple(sorted(self.data_files)),
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
            ignored_headers=tuple(sorted(self.ignored_headers)),
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

    # -- operations ---------------------------------------------------------

    def _collect_operations(self) -> list[dict[str, Any]]:
        drafts = []
        for path, item in (self.doc.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            if "$ref" in item:
                item = resolve_pointer(self.doc, item["$ref"]) or {}
            for method in item:
                if method not in HTTP_METHODS or not isinstance(item[method], dict):
                    continue
                pointer = pointer_join("/paths", path, method)
                drafts.append(self._operation_draft(path, method, item, item[method], pointer))
        return drafts

    def _operation_draft(
        self, path: str, method: str, item: dict[str, Any], op: dict[str, Any], pointer: str
    ) -> dict[str, Any]:
        op_id = op["operationId"] if isinstance(op.get("operationId"), str) else f"{method} {path}"
        name = self.op_scope.claim(op_id, where=pointer)
        context = pascal(op_id) or "Operation"
        raw: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for source, base in ((item.get("parameters"), pointer.rsplit("/", 1)[0]), (op.get("parameters"), pointer)):
            for index, param in enumerate(source if isinstance(source, list) else []):
                param_pointer = pointer_join(base, "parameters", index)
                if isinstance(param, dict) and "$ref" in param:
                    param = resolve_pointer(self.doc, param["$ref"])
                if isinstance(param, dict) and self._ignored_header(param, param_pointer):
                    continue
                if isinstance(param, dict):
                    raw[(str(param.get("name")), str(param.get("in")))] = (param, param_pointer)
        body, content_type = self.params.request_body(op, pointer)
        responses = br.collect(self.doc, self.types, op, pointer, context)
        primary = responses.primary
        return {
            "responses": responses,
            "name": name,
            "op_id": op_id,
            "path": path,
            "method": method.upper(),
            "op": op,
            "pointer": pointer,
            "params": self.params.parameters(path, [*raw.values(), *body], context),
            "content_type": None if content_type in (None, "application/json") else content_type,
            "security": self.security.operation(op, pointer),
            "response": primary.type if primary is not None else None,
            "status": primary.number if primary is not None else 204,
            "examples": list(primary.examples) if primary is not None else [],
            "accept": primary.accept if primary is not None else None,
            "server": self._operation_server(item, op, pointer),
        }

    def _operation_server(self, item: dict[str, Any], op: dict[str, Any], pointer: str) -> str | None:
        for source, where in ((op, pointer), (item, pointer.rsplit("/", 1)[0])):
            if isinstance(source.get("servers"), list) and source["servers"]:
                url = self._base_url(source["servers"], pointer_join(where, "servers"))
                return None if url == self._base_url() else url
        return None

    def _ignored_header(self, param: dict[str, Any], pointer: str) -> bool:
        """True (with a warning) for a header parameter named Accept,
        Content-Type or Authorization: OpenAPI says such a definition SHALL be
        ignored. The client sends its own (credentials: see build_auth)."""
        name = param.get("name")
        if param.get("in") != "header" or not isinstance(name, str) or name.lower() not in _IGNORED_HEADERS:
            return False
        self.ignored_headers.add(name)
        if pointer not in self._ignored_warned:
            self._ignored_warned.add(pointer)
            self.warn(
                pointer,
                f"header parameter {name!r} is ignored, as OpenAPI says: the client sets {name} itself "
                "(credentials from the security schemes; pass other values with Client(headers=...))",
            )
        return True

    def _pagination(self, response: TypeRef | None, params: list[tuple[Parameter, Any]]) -> Pagination | None:
        """A list response: an array property plus ``meta.next_page_url`` or ``next_page_uri``."""
        if response is None or response.kind != "model":
            return None
        draft = self.types.drafts[response.name]  # type: ignore[index]
        has_next = any(p.wire_name == "next_page_uri" for p in draft.properties)
        for prop in draft.properties:
            if prop.type.kind == "model":
                inner = self.types.drafts[prop.type.name]  # type: ignore[index]
                if any(p.wire_name == "next_page_url" for p in inner.properties):
                    has_next = True
        arrays = [p for p in draft.properties if p.type.kind == "list"]
        if not has_next or not arrays:
            return None
        items = arrays[0].type.item
        assert items is not None
        page_size = next(
            (
                p.wire_name
                for p, _ in params
                if p.location == "query" and re.sub(r"[^a-z]", "", p.wire_name.lower()) in _PAGE_SIZE_NAMES
            ),
            None,
        )
        return Pagination(items, Code(annotation(items)), value_decoder(items), page_size)

    def _finish_operation(self, draft: dict[str, Any], models: dict[Identifier, Any]) -> Operation:
        response: TypeRef | None = draft["response"]
        params: list[tuple[Parameter, Any]] = draft["params"]
        pagination = self._pagination(response, params)
        response_annotation = br.return_annotation(draft["responses"])
        response_decoder = br.decoder(response)
        success_cases, error_cases = br.cases(draft["responses"])
        if pagination is not None:
            request_class = Code("_rt.PagedRequest")
            return_annotation = Code(f"_rt.PagedRequest[{response_annotation}, {pagination.item_annotation}]")
        else:
            request_class = Code("_rt.Request")
            return_annotation = Code(f"_rt.Request[{response_annotation}]")
        op = draft["op"]
        name: Identifier = draft["name"]
        tests, invalid, draft["test_needs"], draft["test_models"] = self._tests(draft, models, response)
        example_models: set[Identifier] = set()
        example_args = []
        for param, sample in params:
            if param.required:
                code = arg_code(param.type, sample, self.types, set(), example_models) if sample is not None else None
                example_args.append((None if param.positional else param.name, code or Code("...")))
        summary = str(op.get("summary") or "").strip()
        description = str(op.get("description") or "").strip()
        return Operation(
            name=name,
            const_name=Identifier(f"_{name.upper()}"),
            operation_id=draft["op_id"],
            method=draft["method"],
            path=draft["path"],
            request_path=request_path(draft["path"]),
            fixed_query=fixed_query(draft["path"]),
            summary=summary,
            description=description,
            parameters=tuple(p for p, _ in params),
            response=response,
            response_annotation=response_annotation,
            response_decoder=response_decoder,
            return_annotation=return_annotation,
            responses=success_cases,
            errors=error_cases,
            request_class=request_class,
            pagination=pagination,
            deprecated=bool(op.get("deprecated")),
            server=draft["server"],
            content_type=draft["content_type"],
            accept=draft["accept"],
            security=draft["security"][0],
            own_security=draft["security"][1],
            tests=tests,
            invalid_calls=invalid,
            pointer=draft["pointer"],
            doc_title=summary or description or f"{draft['method']} {draft['path']}",
            doc_body=description if summary else "",
            example_args=tuple(example_args),
            example_imports=tuple(sorted(example_models)),
        )

    # -- module layout ------------------------------------------------------

    def _groups(self, drafts: list[dict[str, Any]], operations: tuple[Operation, ...]) -> tuple[OperationGroup, ...]:
        """Operations grouped by resource: the first path segment past the common prefix."""
        statics = {op.path: _static_segments(op.path) for op in operations}
        common = _common_prefix(list(statics.values()))
        # operations/__init__.py imports every function by name: a module named
        # like one (Spotify's search) would be hidden behind it, so it is renamed.
        functions = frozenset(str(op.name) for op in operations)
        scope = Scope("module", "snake", "resource", reserved=frozenset({"init"}) | functions, avoid_builtins=True)
        by_title: dict[str, list[tuple[Operation, dict[str, Any]]]] = {}
        for op, draft in zip(operations, drafts):
            segments = statics[op.path]
            cut = min(len(common), max(len(segments) - 1, 0))
            title = segments[cut] if segments else "root"
            by_title.setdefault(title, []).append((op, draft))
        groups = []
        for title, members in sorted(by_title.items(), key=lambda pair: snake(pair[0])):
            ops, shared_params = _share_params(tuple(op for op, _ in members))
            needs = set().union(*(d["test_needs"] for _, d in members))
            test_models = set().union(*(d["test_models"] for _, d in members))
            test_models |= set(_operation_imports(tuple(op for op in ops if op.tests), responses_only=True))
            group_name = scope.claim(title)
            if snake(title) in functions:
                self.note(
                    "/paths",
                    f"the module of {title!r} is operations.{group_name}: operations.{snake(title)} is the function",
                )
            expected = {
                str(t.expected_case): self.expected_checks[t.name] for op in ops for t in op.tests if t.expected_case
            }
            if expected:  # one file per test module, beside the example bodies
                self.data_files.append((f"tests/examples/test_{group_name}.expected.json", expected_json(expected)))
            groups.append(
                OperationGroup(
                    name=group_name,
                    title=title,
                    operations=ops,
                    model_imports=_operation_imports(ops),
                    imports=standard_imports([*(p.annotation for op in ops for p in op.parameters), *(op.return_annotation for op in ops)]),
                    # the tests' request helpers return what the operation returns
                    test_imports=standard_imports([op.return_annotation for op in ops if op.tests], also=needs),
                    test_model_imports=tuple(sorted(test_models)),
                    tests_use_pytest=any(op.invalid_calls or any(t.warns for t in op.tests) for op in ops),
                    tests_use_examples=any(t.body_file for op in ops for t in op.tests),
                    tests_use_checks=bool(expected),
                    shared_params=shared_params,
                )
            )
        for message in scope.collisions:
            self.warn("/paths", message)
        for message in scope.renames:
            self.note("/paths", message)
        return tuple(groups)

    # -- generated tests ----------------------------------------------------

    def _tests(
        self, draft: dict[str, Any], models: dict[Identifier, Any], response: TypeRef | None
    ) -> tuple[tuple[TestCase, ...], tuple[InvalidCall, ...], set[str], set[Identifier]]:
        name: Identifier = draft["name"]
        needs: set[str] = set()
        used_models: set[Identifier] = set()
        entries: list[tuple[Parameter, Code, Any]] = []
        for param, sample in draft["params"]:
            code = arg_code(param.type, sample, self.types, needs, used_models) if sample is not None else None
            if code is None:
                if param.required:
                    self.warn(draft["pointer"], f"no test: cannot write an example value for {param.name!r}")
                    return (), (), set(), set()
                continue
            if not param.required and sum(1 for p, _, _ in entries if not p.required) >= MAX_OPTIONAL_ARGS:
                continue  # enough to check how optional arguments are sent; keeps tests short
            entries.append((param, code, _as_sent(param.type, sample, self.types)))
        args = tuple((None if p.positional else p.name, code) for p, code, _ in entries)
        warns = bool(draft["op"].get("deprecated")) or any(
            c.keyword == "deprecated" for p, _, _ in entries for c in p.constraints
        )
        base_path = quote(urlsplit(draft["server"] or self._base_url()).path.rstrip("/"), safe=PATH_SAFE + "%")
        path_values = {
            p.wire_name: (
                quote(expected_media_text(s, p.serialization.content_type), safe="")
                if p.serialization.content_type is not None
                else expected_path_value(p.wire_name, s, p.serialization.style, p.serialization.explode)
            )
            for p, _, s in entries
            if p.location == "path" and p.serialization is not None
        }

        credentials = self.security.test_query(draft["security"][0])

        def pairs(location: str) -> tuple[tuple[str, str], ...]:
            found = [
                pair
                for p, _, s in entries
                if p.location == location and p.serialization is not None
                for pair in (
                    [(p.wire_name, expected_media_text(s, p.serialization.content_type))]
                    if p.serialization.content_type is not None
                    else expected_pairs(p.wire_name, s, p.serialization.style, p.serialization.explode)
                )
            ]
            return tuple(sorted([*found, *credentials] if location == "query" else found))

        body = next((s for p, _, s in entries if p.location == "body"), None)
        headers = tuple(
            (
                p.wire_name,
                expected_media_text(s, p.serialization.content_type)
                if p.serialization is not None and p.serialization.content_type is not None
                else expected_header(s, p.serialization.explode if p.serialization else False),
            )
            for p, _, s in entries
            if p.location == "header"
        )
        examples = list(draft["examples"])
        raw = response is not None and response.format == "raw"
        if raw:
            examples = [("raw_body", None)]
        elif not examples and response is not None:
            synthesised = sample_body(response, self.types)
            if synthesised is None:
                self.warn(draft["pointer"], f"no test: the smallest made-up response has more than {MAX_SAMPLE_VALUES} values")
                return (), (), set(), set()
            examples = [("synthesised", synthesised)]
        if response is None:
            examples = [("no_content", None)]
        cases = []
        test_scope = Scope("test", "snake", "example")
        for example_name, example in examples:
            checker = CheckBuilder(models, lambda m: self.warn(draft["pointer"], m))
            if response is not None and not raw:
                checker.walk(example, response, (), "")
            if not checker.valid:
                continue
            case_name = Identifier(f"test_{name}_{test_scope.claim(example_name)}")
            body_file = None
            if example is not None:
                body_file = f"{case_name[len('test_'):]}.json"
                self.data_files.append((f"tests/examples/{body_file}", json.dumps(example, indent=2, ensure_ascii=True) + "\n"))
            expected_case = None
            if checker.checks:
                expected_case = case_name[len("test_") :]
                self.expected_checks[case_name] = checker.checks
            cases.append(
                TestCase(
                    name=case_name,
                    title=example_name,
                    status=draft["status"],
                    body_file=body_file,
                    args=args,
                    expected_path=base_path + expected_path(request_path(draft["path"]), path_values),
                    expected_query=tuple(sorted([*fixed_query(draft["path"]), *pairs("query")])),
                    expected_form=pairs("form"),
                    expected_json=literal(_json_form(body)) if any(p.location == "body" for p, _, _ in entries) else None,
                    expected_headers=headers,
                    expected_content=next((code for p, code, _ in entries if p.location == "content"), None),
                    multipart=any(p.location in ("multipart", "file") for p, _, _ in entries),
                    expected_case=expected_case,
                    has_result=response is not None,
                    warns=warns,
                )
            )
        invalid = []
        for param, _code, _sample in entries:
            bad = _invalid_value(param)
            if bad is None:
                continue
            # only what the call needs: the required arguments and the bad one
            bad_args = tuple(
                (None if p.positional else p.name, literal(bad) if p is param else code)
                for p, code, _ in entries
                if p.required or p is param
            )
            invalid.append(
                InvalidCall(
                    Identifier(f"test_{name}_rejects_bad_{param.name}"), param.name, f"^{param.name}: ", bad_args, warns
                )
            )
        return tuple(cases), tuple(invalid), needs, used_models


def request_path(key: str) -> str:
    """The path a path key requests: what precedes a ``#`` or ``?`` (``/shared_items#folders``
    is a second operation on ``/shared_items``)."""
    return re.split(r"[#?]", key, maxsplit=1)[0]


def fixed_query(key: str) -> tuple[tuple[str, str], ...]:
    """The query pairs a path key fixes (``/files?action=copy``), fragment cut."""
    if "?" not in key.split("#", 1)[0]:
        return ()
    return tuple(parse_qsl(key.split("#", 1)[0].split("?", 1)[1], keep_blank_values=True))


def _as_sent(t: TypeRef, sample: Any, types: bt.TypeBuilder) -> Any:
    """An argument's sample as the runtime sends the value ``arg_code`` makes of
    it, for the test's expectations (mirrors ``Model._request_items`` and
    ``format_datetime``): a model leaves out read-only fields and optional ones
    at their default (DigitalOcean's body example spells out ``priority: null``),
    a date-time is written anew (Xero's ``.202-08:00`` goes as ``.202000-08:00``,
    ``+00:00`` as ``Z``)."""
    if t.kind == "union" and t.variants:
        return _as_sent(t.variants[0], sample, types)  # the variant arg_code writes
    if t.kind == "list" and t.item is not None and isinstance(sample, list):
        return [_as_sent(t.item, item, types) for item in sample]
    if t.kind == "dict" and t.item is not None and isinstance(sample, dict):
        return {key: _as_sent(t.item, value, types) for key, value in sample.items()}
    if t.kind == "model" and isinstance(sample, dict) and t.name in types.drafts:
        fields = {p.wire_name: p for p in types.drafts[t.name].properties}
        sent = {}
        for key, value in sample.items():
            field = fields.get(key)
            if field is not None and (field.read_only or (not field.required and value == field.default)):
                continue  # extra keys (no field) are sent as they are
            sent[key] = value if field is None else _as_sent(field.type, value, types)
        return sent
    if t.kind != "datetime" or not isinstance(sample, str):
        return sample
    try:
        value = datetime.fromisoformat(sample.replace("Z", "+00:00"))
    except ValueError:
        return sample
    if value.tzinfo is None or value.utcoffset() == timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()


def _json_form(value: Any) -> Any:
    """How the runtime writes a sample body: date-times with ``Z`` for UTC."""
    if isinstance(value, dict):
        return {k: _json_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_form(v) for v in value]
    return value


def _static_segments(path: str) -> list[str]:
    segments = []
    for segment in path.strip("/").split("/"):
        segment = re.sub(r"\.json$", "", segment)
        if not segment or "{" in segment or _VERSION_SEGMENT.match(segment):
            continue
        segments.append(segment)
    return segments


def _common_prefix(paths: list[list[str]]) -> list[str]:
    if len(paths) < 2:
        return paths[0][:-1] if paths else []
    prefix = []
    for parts in zip(*paths):
        if len(set(parts)) != 1:
            break
        prefix.append(parts[0])
    return prefix


def _invalid_value(param: Parameter) -> Any:
    rules: dict[str, Any] = {c.keyword: c.value for c in param.constraints}
    if param.type.kind == "str":
        if "pattern" in rules:
            matcher = patterns.compile(rules["pattern"])
            if matcher is None:
                return None  # the client does not check this pattern (see runtime/regex.py)
            for candidate in ("!", "", "x" * 2000):  # linear time: at most 2001 steps each
                if not matcher.search(candidate):
                    return candidate
        if "min_length" in rules and rules["min_length"] > 0:
            return ""
        if "max_length" in rules and rules["max_length"] < 10_000:
            return "x" * (rules["max_length"] + 1)
    if param.type.kind in ("int", "float"):
        if "maximum" in rules:
            return rules["maximum"] + 1
        if "minimum" in rules:
            return rules["minimum"] - 1
    return None


def _operation_imports(operations: tuple[Operation, ...], responses_only: bool = False) -> tuple[Identifier, ...]:
    names: set[Identifier] = set()

    def walk(t: TypeRef | None) -> None:
        while t is not None:
            if t.name is not None:
                names.add(t.name)
            if not (responses_only and t.kind == "union" and t.name is not None):
                for variant in t.variants:  # the decoder names the variants, the annotation only the alias
                    walk(variant)
            t = t.item

    for op in operations:
        if op.response is not None and op.response.format != "raw":
            walk(op.response)
        for case in op.responses if responses_only else (*op.responses, *op.errors):
            if case.type is not None and case.type.format != "raw":
                walk(case.type)
        walk(op.pagination.items if op.pagination else None)
        for param in () if responses_only else op.parameters:
            walk(param.type)
    return tuple(sorted(names))


def _normalize_server_url(url: str) -> str:
    """``scheme://host`` kept, everything after it percent-encoded as path text.

    A server URL is spec text: a space, a quote, ``#``, ``?`` or a control
    character in it must reach the wire as part of the path, not cut it.
    """
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]*)(.*)$", url, re.DOTALL)
    if match is None:
        return quote(url, safe=PATH_SAFE + "%")
    return match.group(1) + quote(match.group(2), safe=PATH_SAFE + "%")


def _share_params(ops: tuple[Operation, ...]) -> tuple[tuple[Operation, ...], tuple[Parameter, ...]]:
    """One module's operations, with the constrained parameters that more than one
    declares alike pointing at one module-level constant; and those constants."""
    counts = Counter(p.runtime_param for op in ops for p in op.parameters if p.constraints)
    if not any(n > 1 for n in counts.values()):
        return ops, ()
    # The constants live beside the operations' own ``_NAME`` constants.
    scope = Scope("shared parameter", "upper", "PARAM", reserved=frozenset(str(op.const_name)[1:] for op in ops))
    names: dict[Code, Identifier] = {}
    shared: list[Parameter] = []
    result = []
    for op in ops:
        params = []
        for p in op.parameters:
            key = p.runtime_param
            if p.constraints and counts[key] > 1:
                if key not in names:
                    names[key] = Identifier("_" + scope.claim(f"{p.name}_param"))
                    shared.append(replace(p, shared=names[key]))
                p = replace(p, shared=names[key])
            params.append(p)
        result.append(replace(op, parameters=tuple(params)))
    return tuple(result), tuple(shared)
