"""Stage 3, IR: a validated spec becomes an :class:`~generator.ir.Api`.

Every decision about the generated code is made here: names, types, defaults,
imports, pagination, tests. Templates only print what this module decided.
"""

from __future__ import annotations

import ast
import re
from urllib.parse import urlsplit
from pathlib import Path
from typing import Any

from . import build_types as bt
from .build_tests import CheckBuilder, encode_query_value, expected_path, sample_body
from .errors import Diagnostic, pointer_join
from .examples import sample_scalar
from .filters import literal
from .ir import Api, Auth, ClientClass, Code, Exports, Constraint, InvalidCall, Operation, Pagination, Parameter, TestCase, TypeRef
from .load import LoadedSpec
from .naming import Identifier, Scope, module_name, pascal
from .validate import HTTP_METHODS, resolve_pointer

RUNTIME_DIR = Path(__file__).parent / "runtime"
_PAGE_SIZE_NAMES = ("page_size", "pagesize", "per_page", "limit")
_CONSTRAINTS = (
    ("minLength", "min_length"),
    ("maxLength", "max_length"),
    ("pattern", "pattern"),
    ("minimum", "minimum"),
    ("maximum", "maximum"),
)
_MODULE_NAMES = frozenset(
    {"annotations", "Any", "datetime", "date", "timezone", "Client", "AsyncClient", "operations", "models", "client"}
)


def runtime_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Names the runtime defines: its exports, Client attributes, Model attributes.

    Read from the runtime's source with :mod:`ast`, so that a spec can never
    produce an operation called ``send`` or a property called ``to_dict``.
    """
    exports: set[str] = set()
    client: set[str] = set()
    model: set[str] = set()
    for path in sorted(RUNTIME_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                exports.update(ast.literal_eval(node.value))
            if isinstance(node, ast.ClassDef) and node.name in ("Client", "AsyncClient", "Model", "BaseClient"):
                target = model if node.name == "Model" else client
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        target.add(item.name)
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        target.add(item.target.id)
                    elif isinstance(item, ast.Assign):
                        target.update(t.id for t in item.targets if isinstance(t, ast.Name))
    return frozenset(exports), frozenset(client), frozenset(model)


def build_api(spec: LoadedSpec, package: str | None = None) -> Api:
    return _Builder(spec, package).build()


class _Builder:
    def __init__(self, spec: LoadedSpec, package: str | None) -> None:
        self.spec = spec
        self.doc = spec.document
        self.package = module_name(package or spec.path.stem)
        self.warnings: list[Diagnostic] = []
        self.test_needs: set[str] = set()
        exports, client_names, model_names = runtime_names()
        self.model_scope = Scope(
            "schema", "pascal", "Model", reserved=_MODULE_NAMES | exports, avoid_builtins=True
        )
        self.op_scope = Scope(
            "operation",
            "snake",
            "operation",
            reserved=_MODULE_NAMES | client_names | {"_rt"},
            avoid_builtins=True,
        )
        bt.MODEL_RESERVED = bt.MODEL_RESERVED | {n for n in model_names if not n.startswith("_")}
        self.types = bt.TypeBuilder(self.doc, self.model_scope, self.warn)

    def warn(self, pointer: str, message: str) -> None:
        self.warnings.append(self.spec.diagnostic(pointer, message, "warning"))

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
        info = self.doc.get("info") or {}
        title = str(info.get("title") or self.package)
        description = str(info.get("description") or "")
        exports, _client, _model = runtime_names()
        runtime_exports = tuple(Identifier(n) for n in sorted(exports) if n.endswith("Error") or n == "ApiResponse")
        model_exports = tuple(sorted([*(e.name for e in self.types.enums.values()), *(m.name for m in models)]))
        needs_datetime = any(_uses(m.fields, "datetime") for m in models)
        needs_date = any(_uses(m.fields, "date") for m in models)
        imports = []
        if needs_datetime or needs_date:
            names = ", ".join(n for n, used in (("date", needs_date), ("datetime", needs_datetime)) if used)
            imports.append(Code(f"from datetime import {names}"))
        test_imports = []
        if self.test_needs:
            test_imports.append(Code(f"from datetime import {', '.join(sorted(self.test_needs))}"))
        return Api(
            package=self.package,
            source_name=self.spec.source_name,
            title=title,
            description=description,
            version=str(info.get("version") or "0"),
            base_url=self._base_url(),
            auth=self._auth(),
            enums=tuple(self.types.enums.values()),
            models=models,
            operations=operations,
            model_imports=tuple(imports),
            test_imports=tuple(test_imports),
            operation_imports=_operation_imports(operations),
            test_model_imports=tuple(
                sorted({p.type.name for op in operations for p in op.parameters if p.type.kind == "enum" and p.type.name})
            ),
            warnings=tuple(str(w) for w in self.warnings),
            package_doc=f"{title}: {description}" if description else title,
            exports=Exports(
                runtime_exports,
                model_exports,
                tuple(sorted([*runtime_exports, Identifier("AsyncClient"), Identifier("Client"), *model_exports])),
            ),
            clients=(
                ClientClass(Identifier("Client"), Identifier("Client"), Identifier("method"), f"Synchronous client for {title}."),
                ClientClass(
                    Identifier("AsyncClient"), Identifier("AsyncClient"), Identifier("async_method"), f"Asynchronous client for {title}."
                ),
            ),
        )

    # -- API-level ----------------------------------------------------------

    def _base_url(self, servers: Any = None, pointer: str = "/servers") -> str:
        servers = self.doc.get("servers") if servers is None else servers
        if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
            self.warn(pointer, "no servers; the client needs base_url=...")
            return ""
        server = servers[0]
        url = str(server.get("url", ""))
        for name, variable in (server.get("variables") or {}).items():
            if isinstance(variable, dict) and "default" in variable:
                url = url.replace("{" + name + "}", str(variable["default"]))
        return url.rstrip("/")

    def _auth(self) -> Auth:
        schemes = (self.doc.get("components") or {}).get("securitySchemes") or {}
        for name, scheme in schemes.items():
            if isinstance(scheme, dict) and scheme.get("type") == "http" and str(scheme.get("scheme")).lower() == "basic":
                env = scheme.get("x-specgen-env") if isinstance(scheme.get("x-specgen-env"), dict) else {}
                prefix = self.package.upper()
                return Auth(
                    "basic",
                    _env_name(env.get("username"), f"{prefix}_USERNAME"),
                    _env_name(env.get("password"), f"{prefix}_PASSWORD"),
                )
            self.warn(pointer_join("/components/securitySchemes", name), "only HTTP basic auth is supported yet")
        return Auth("none", None, None)

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

    def _operation_draft(self, path: str, method: str, item: dict[str, Any], op: dict[str, Any], pointer: str) -> dict[str, Any]:
        op_id = op.get("operationId") if isinstance(op.get("operationId"), str) else f"{method} {path}"
        name = self.op_scope.claim(op_id, where=pointer)
        context = pascal(op_id) or "Operation"
        raw_params: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for source, base in ((item.get("parameters"), pointer.rsplit("/", 1)[0]), (op.get("parameters"), pointer)):
            for index, param in enumerate(source if isinstance(source, list) else []):
                param_pointer = pointer_join(base, "parameters", index)
                if isinstance(param, dict) and "$ref" in param:
                    param = resolve_pointer(self.doc, param["$ref"])
                if isinstance(param, dict):
                    raw_params[(str(param.get("name")), str(param.get("in")))] = (param, param_pointer)
        if isinstance(op.get("requestBody"), dict):
            self.warn(pointer_join(pointer, "requestBody"), "request bodies are not supported yet; the body is not sent")
        response, status, examples = self._response(op, pointer, context)
        return {
            "name": name,
            "op_id": op_id,
            "path": path,
            "method": method.upper(),
            "op": op,
            "pointer": pointer,
            "context": context,
            "params": self._parameters(path, raw_params, context),
            "response": response,
            "status": status,
            "examples": examples,
            "server": self._operation_server(item, op, pointer),
        }

    def _operation_server(self, item: dict[str, Any], op: dict[str, Any], pointer: str) -> str | None:
        for source, where in ((op, pointer), (item, pointer.rsplit("/", 1)[0])):
            if isinstance(source.get("servers"), list) and source["servers"]:
                url = self._base_url(source["servers"], pointer_join(where, "servers"))
                return None if url == self._base_url() else url
        return None

    def _parameters(
        self, path: str, raw: dict[tuple[str, str], tuple[dict[str, Any], str]], context: str
    ) -> list[tuple[Parameter, Any]]:
        scope = Scope("parameter", "snake", "param", reserved=frozenset({"self", "cls"}))
        order = re.findall(r"{([^}]*)}", path)
        ordered = sorted(
            raw.values(),
            key=lambda pair: (
                0 if pair[0].get("in") == "path" else 1,
                order.index(pair[0]["name"]) if pair[0].get("name") in order else 0,
            ),
        )
        result = []
        for param, pointer in ordered:
            location = param.get("in")
            if location not in ("path", "query", "header"):
                self.warn(pointer, f"{location} parameters are not supported yet; {param.get('name')!r} is not sent")
                continue
            schema = param.get("schema") if isinstance(param.get("schema"), dict) else {}
            wire = str(param.get("name"))
            t = self.types.type_of(schema, pointer_join(pointer, "schema"), f"{context}{pascal(wire)}")
            required = bool(param.get("required")) or location == "path"
            py_name = scope.claim(wire, where=pointer)
            constraints = []
            rules = []
            for key, keyword in _CONSTRAINTS:
                value = schema.get(key)
                if value is None or isinstance(value, bool):
                    continue
                constraints.append(Constraint(Identifier(keyword), value))
                rules.append(_rule(key, value))
            for key, keyword in (("exclusiveMinimum", "exclusive_minimum"), ("exclusiveMaximum", "exclusive_maximum")):
                value = schema.get(key)
                bound = schema.get("minimum" if key == "exclusiveMinimum" else "maximum")
                if value is True and bound is not None:
                    constraints.append(Constraint(Identifier(keyword), bound))
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    constraints.append(Constraint(Identifier(keyword), value))
                    rules.append(f"{'greater' if 'Min' in key else 'less'} than {value}")
            if "default" in schema:
                rules.append(f"The server's default is {schema['default']!r}.")
            sample = sample_scalar(t, {**schema, **({"example": param["example"]} if "example" in param else {})})
            if t.kind == "enum":
                members = self.types.enums[t.name].members  # type: ignore[index]
                sample = members[0].value
            parameter = Parameter(
                name=py_name,
                wire_name=wire,
                location=location,
                type=t,
                annotation=bt.field_annotation(t, required),
                required=required,
                positional=location == "path",
                star_before=location != "path" and not any(not p.positional for p, _ in result),
                description=str(param.get("description") or ""),
                constraints=tuple(constraints),
                doc=" ".join(
                    filter(None, [str(param.get("description") or "").strip() or f"The {wire} {location} parameter.", *rules])
                ),
            )
            result.append((parameter, sample))
        for message in scope.collisions:
            self.warn(pointer_join("/paths", path), message)
        return result

    def _response(self, op: dict[str, Any], pointer: str, context: str) -> tuple[TypeRef | None, int, list[tuple[str, Any]]]:
        responses = op.get("responses") or {}
        for status in sorted(responses, key=str):
            code = str(status)
            if not (code.startswith("2") and (code[1:].isdigit() or code.upper() == "2XX")):
                continue
            response = responses[status]
            if isinstance(response, dict) and "$ref" in response:
                response = resolve_pointer(self.doc, response["$ref"])
            response_pointer = pointer_join(pointer, "responses", status)
            number = int(code) if code.isdigit() else 200
            content = (response or {}).get("content") or {}
            media = next((m for m in content if m == "application/json" or m.endswith("+json")), None)
            if media is None:
                if content:
                    self.warn(response_pointer, f"response media type {next(iter(content))!r} is not JSON; returned as Any")
                    return TypeRef("any"), number, []
                return None, number, []
            body = content[media] or {}
            schema_pointer = pointer_join(response_pointer, "content", media, "schema")
            t = self.types.type_of(body.get("schema"), schema_pointer, f"{context}Response")
            examples: list[tuple[str, Any]] = []
            if isinstance(body.get("examples"), dict):
                for example_name, example in body["examples"].items():
                    if isinstance(example, dict) and "$ref" in example:
                        example = resolve_pointer(self.doc, example["$ref"])
                    if isinstance(example, dict) and "value" in example:
                        examples.append((str(example_name), example["value"]))
            elif "example" in body:
                examples.append(("example", body["example"]))
            return t, number, examples
        return None, 204, []

    def _pagination(self, response: TypeRef | None, params: list[tuple[Parameter, Any]]) -> Pagination | None:
        """A list response: an array property plus a ``meta`` with ``next_page_url``."""
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
            (p.wire_name for p, _ in params if p.location == "query" and p.wire_name.lower().replace("_", "") in {n.replace("_", "") for n in _PAGE_SIZE_NAMES}),
            None,
        )
        return Pagination(items, Code(bt.annotation(items)), bt.decoder(items), page_size)

    def _finish_operation(self, draft: dict[str, Any], models: dict[Identifier, Any]) -> Operation:
        response: TypeRef | None = draft["response"]
        params: list[tuple[Parameter, Any]] = draft["params"]
        pagination = self._pagination(response, params)
        response_annotation = Code(bt.annotation(response)) if response is not None else Code("None")
        response_decoder = bt.decoder(response) if response is not None else Code("_rt.NONE")
        if pagination is not None:
            request_class = Code("_rt.PagedRequest")
            return_annotation = Code(f"_rt.PagedRequest[{response_annotation}, {pagination.item_annotation}]")
        else:
            request_class = Code("_rt.Request")
            return_annotation = Code(f"_rt.Request[{response_annotation}]")
        op = draft["op"]
        name: Identifier = draft["name"]
        tests, invalid = self._tests(draft, models, response)
        return Operation(
            name=name,
            const_name=Identifier(f"_{name.upper()}"),
            operation_id=draft["op_id"],
            method=draft["method"],
            path=draft["path"],
            summary=str(op.get("summary") or ""),
            description=str(op.get("description") or ""),
            parameters=tuple(p for p, _ in params),
            response=response,
            response_annotation=response_annotation,
            response_decoder=response_decoder,
            return_annotation=return_annotation,
            request_class=request_class,
            pagination=pagination,
            deprecated=bool(op.get("deprecated")),
            server=draft["server"],
            tests=tests,
            invalid_calls=invalid,
            pointer=draft["pointer"],
            doc_title=str(op.get("summary") or op.get("description") or f"{draft['method']} {draft['path']}").strip(),
            doc_body=str(op.get("description") or "").strip() if op.get("summary") else "",
        )

    # -- generated tests ----------------------------------------------------

    def _call_args(self, params: list[tuple[Parameter, Any]]) -> list[tuple[Parameter, Code, Any]]:
        """The arguments a generated test passes: every parameter it can spell."""
        entries: list[tuple[Parameter, Code, Any]] = []
        for param, sample in params:
            if param.type.kind not in ("str", "int", "float", "bool", "enum") or sample is None:
                if param.required:
                    entries.append((param, literal(sample), sample))
                continue
            if param.type.kind == "enum":
                enum = self.types.enums[param.type.name]  # type: ignore[index]
                member = next(m for m in enum.members if m.value == sample)
                code = Code(f"{enum.name}.{member.name}")
            else:
                code = literal(sample)
            entries.append((param, code, sample))
        return entries

    def _tests(
        self, draft: dict[str, Any], models: dict[Identifier, Any], response: TypeRef | None
    ) -> tuple[tuple[TestCase, ...], tuple[InvalidCall, ...]]:
        name: Identifier = draft["name"]
        entries = self._call_args(draft["params"])
        args = tuple((None if p.positional else p.name, code) for p, code, _ in entries)
        path_values = {p.wire_name: s for p, _, s in entries if p.location == "path"}
        query = tuple(
            sorted((p.wire_name, v) for p, _, s in entries if p.location == "query" for v in encode_query_value(s))
        )
        examples = list(draft["examples"])
        if not examples and response is not None:
            examples = [("synthesised", sample_body(response, self.types))]
        if response is None:
            examples = [("no_content", None)]
        cases = []
        test_scope = Scope("test", "snake", "example")
        for example_name, body in examples:
            checker = CheckBuilder(models, lambda m: self.warn(draft["pointer"], m))
            if response is not None:
                checker.walk(body, response, "result", "")
            if not checker.valid:
                continue
            self.test_needs |= checker.needs
            cases.append(
                TestCase(
                    name=Identifier(f"test_{name}_{test_scope.claim(example_name)}"),
                    title=example_name,
                    status=draft["status"],
                    body=literal(body),
                    args=args,
                    expected_path=urlsplit(draft["server"] or self._base_url()).path.rstrip("/")
                    + expected_path(draft["path"], path_values),
                    expected_query=query,
                    checks=tuple(checker.checks),
                    has_result=response is not None,
                )
            )
        invalid = []
        for param, _code, _sample in entries:
            bad = _invalid_value(param)
            if bad is None:
                continue
            bad_args = tuple(
                (None if p.positional else p.name, literal(bad) if p is param else code) for p, code, _ in entries
            )
            invalid.append(
                InvalidCall(Identifier(f"test_{name}_rejects_bad_{param.name}"), param.name, f"^{param.name}: ", bad_args)
            )
        return tuple(cases), tuple(invalid)


def _invalid_value(param: Parameter) -> Any:
    rules = {c.keyword: c.value for c in param.constraints}
    if param.type.kind == "str":
        if "pattern" in rules:
            for candidate in ("!", "", "x" * 2000):
                if not re.search(rules["pattern"], candidate):
                    return candidate
        if "min_length" in rules and rules["min_length"] > 0:
            return ""
        if "max_length" in rules:
            return "x" * (rules["max_length"] + 1)
    if param.type.kind in ("int", "float"):
        if "maximum" in rules:
            return rules["maximum"] + 1
        if "minimum" in rules:
            return rules["minimum"] - 1
    return None


def _rule(key: str, value: Any) -> str:
    return {
        "minLength": f"At least {value} characters.",
        "maxLength": f"At most {value} characters.",
        "pattern": f"Must match ``{value}``.",
        "minimum": f"At least {value}.",
        "maximum": f"At most {value}.",
    }[key]


def _env_name(value: Any, fallback: str) -> str:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,100}", value):
        return value
    return fallback


def _uses(fields: Any, kind: str) -> bool:
    def walk(t: TypeRef | None) -> bool:
        return t is not None and (t.kind == kind or walk(t.item))

    return any(walk(f.type) for f in fields)


def _operation_imports(operations: tuple[Operation, ...]) -> tuple[Identifier, ...]:
    names: set[Identifier] = set()

    def walk(t: TypeRef | None) -> None:
        while t is not None:
            if t.name is not None:
                names.add(t.name)
            t = t.item

    for op in operations:
        walk(op.response)
        walk(op.pagination.items if op.pagination else None)
        for param in op.parameters:
            walk(param.type)
    return tuple(sorted(names))
