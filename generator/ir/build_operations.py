"""The spec's operations: drafted while the models are built, then finished into IR operations."""

from __future__ import annotations

import re
from typing import Any, Callable

from . import build_responses as br
from .build_auth import AuthBuilder
from .build_draft import OperationDraft, fixed_query, request_path
from .build_params import ParamBuilder, arg_code
from .build_tests import OperationTests
from .build_types import TypeBuilder
from ..errors import pointer_join, resolve_pointer
from .nodes import Code, Model, Operation, Pagination, Parameter, TypeRef
from .naming import Identifier, Scope, pascal
from .type_table import annotation, value_decoder
from ..validate.checks import HTTP_METHODS

_PAGE_SIZE_NAMES = {"pagesize", "perpage", "limit"}
# Header parameters OpenAPI says SHALL be ignored: the client sets these itself.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})

Warn = Callable[[str, str], None]
BaseUrl = Callable[[Any, str], str]  # (servers, pointer) -> URL; servers None: the API's


class OperationBuilder:
    """Drafts every operation of the spec, and finishes each once the models are known."""

    def __init__(
        self,
        doc: dict[str, Any],
        types: TypeBuilder,
        params: ParamBuilder,
        security: AuthBuilder,
        scope: Scope,
        base_url: BaseUrl,
        warn: Warn,
    ) -> None:
        self.doc = doc
        self.types = types
        self.params = params
        self.security = security
        self.scope = scope
        self.base_url = base_url
        self.warn = warn
        self.tests = OperationTests(types, warn)
        self.ignored_headers: set[str] = set()
        self._ignored_warned: set[str] = set()  # pointers warned about: a path-level one serves every method

    def collect(self) -> list[OperationDraft]:
        """A draft of each operation, in spec order."""
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
                drafts.append(self._draft(path, method, item, item[method], pointer))
        return drafts

    def _draft(self, path: str, method: str, item: dict[str, Any], op: dict[str, Any], pointer: str) -> OperationDraft:
        op_id = op["operationId"] if isinstance(op.get("operationId"), str) else f"{method} {path}"
        name = self.scope.claim(op_id, where=pointer)
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
        params = self.params.parameters(path, [*raw.values(), *body], context)
        security, own_security = self.security.operation(op, pointer)
        return OperationDraft(
            name=name,
            op_id=op_id,
            path=path,
            method=method.upper(),
            op=op,
            pointer=pointer,
            params=params,
            responses=responses,
            content_type=None if content_type in (None, "application/json") else content_type,
            security=security,
            own_security=own_security,
            server=self._server(item, op, pointer),
        )

    def _server(self, item: dict[str, Any], op: dict[str, Any], pointer: str) -> str | None:
        for source, where in ((op, pointer), (item, pointer.rsplit("/", 1)[0])):
            if isinstance(source.get("servers"), list) and source["servers"]:
                url = self.base_url(source["servers"], pointer_join(where, "servers"))
                return None if url == self.base_url(None, "/servers") else url
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

    def finish(self, draft: OperationDraft, models: dict[Identifier, Model]) -> Operation:
        """The IR operation of ``draft``, with its tests; ``models``: every model by name."""
        response = draft.response
        params = draft.params
        pagination = self._pagination(response, params)
        response_annotation = br.return_annotation(draft.responses)
        response_decoder = br.decoder(response)
        success_cases, error_cases = br.cases(draft.responses)
        if pagination is not None:
            request_class = Code("_rt.PagedRequest")
            return_annotation = Code(f"_rt.PagedRequest[{response_annotation}, {pagination.item_annotation}]")
        else:
            request_class = Code("_rt.Request")
            return_annotation = Code(f"_rt.Request[{response_annotation}]")
        op = draft.op
        base_url = draft.server or self.base_url(None, "/servers")
        credentials = self.security.test_query(draft.security)
        tests, invalid, draft.test_needs, draft.test_models = self.tests.build(draft, models, base_url, credentials)
        example_models: set[Identifier] = set()
        example_args = []
        for param, sample in params:
            if param.required:
                code = arg_code(param.type, sample, self.types, set(), example_models) if sample is not None else None
                example_args.append((None if param.positional else param.name, code or Code("...")))
        summary = str(op.get("summary") or "").strip()
        description = str(op.get("description") or "").strip()
        return Operation(
            name=draft.name,
            const_name=Identifier(f"_{draft.name.upper()}"),
            operation_id=draft.op_id,
            method=draft.method,
            path=draft.path,
            request_path=request_path(draft.path),
            fixed_query=fixed_query(draft.path),
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
            server=draft.server,
            content_type=draft.content_type,
            accept=draft.accept,
            security=draft.security,
            own_security=draft.own_security,
            tests=tests,
            invalid_calls=invalid,
            pointer=draft.pointer,
            doc_title=summary or description or f"{draft.method} {draft.path}",
            doc_body=description if summary else "",
            example_args=tuple(example_args),
            example_imports=tuple(sorted(example_models)),
        )
