"""The oracle: openapi-core's verdict on each request a generated package sent.

Runs in its own virtualenv (``.venv-oracle``, pinned by
``tests/oracle/requirements.txt``), one process per spec::

    .venv-oracle/bin/python tests/oracle/oracle.py SPEC CAPTURED.jsonl OPERATIONS.json

``CAPTURED.jsonl`` is what ``oracle_capture.py`` wrote: one request a line, with
the name of the operation it was built for; ``OPERATIONS.json`` maps each
operation name to the spec's method and path key (from the generator's IR). One JSON line per
request goes to stdout: ``{"test", "ok", "errors", "security"}``.

Each request is checked against a view of the spec holding only its own
operation, under its path key with any ``#...`` or ``?...`` suffix cut
(``/shared_items#folders`` is served at ``/shared_items``): so a request is
accepted only by the operation it was meant for, and a path key that is not a
plain path does not hide the operation from the path finder. Parameters and
body are validated (openapi-core's parameter and body validators); security
separately, as information only (``security``): auth is not this check's
subject.
"""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import yaml
from jsonschema_path import SchemaPath
from jsonschema_path.handlers import default_handlers
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from openapi_core.deserializing.media_types.util import json_loads
from openapi_core.validation.request import validators as v
from openapi_core.validation.request.exceptions import MissingRequestBody
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import oracle_view

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_ERROR = 1500
_LONG_VALUE = re.compile(r"Value (.{150,}?) not valid for schema", re.DOTALL)


def load(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)  # type: ignore[no-any-return]
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # type: ignore[no-any-return]


def json_media(node: Any, found: set[str] | None = None, depth: int = 0) -> set[str]:
    """Every ``+json`` media type named as a ``content`` key in the spec."""
    found = set() if found is None else found
    if depth > 60:
        return found
    if isinstance(node, dict):
        content = node.get("content")
        if isinstance(content, dict):
            found.update(m for m in content if isinstance(m, str) and m.split(";")[0].strip().endswith("+json"))
        for value in node.values():
            json_media(value, found, depth + 1)
    elif isinstance(node, list):
        for value in node:
            json_media(value, found, depth + 1)
    return found


def nullable_params(params: Any) -> Any:
    """Parameters with a 3.1 ``type: [T, "null"]`` read as ``type: T``:
    openapi-core cannot deserialise a parameter whose type is a list, and a
    parameter's value on the wire is never JSON null."""
    if not isinstance(params, list):
        return params
    fixed = []
    for param in params:
        schema = param.get("schema") if isinstance(param, dict) else None
        kinds = schema.get("type") if isinstance(schema, dict) else None
        if isinstance(kinds, list) and len([k for k in kinds if k != "null"]) == 1:
            param = {**param, "schema": {**schema, "type": next(k for k in kinds if k != "null")}}
        fixed.append(param)
    return fixed


def inline_ref_properties(node: Any, uri: str, load_uri: Any, depth: int = 0, root: Any = None) -> Any:
    """``node`` with each ``properties: {$ref: ...}`` (a properties map given by
    reference, DigitalOcean's load balancers) replaced by the map it names, its
    own relative ``$ref`` values made absolute: openapi-core reads ``$ref`` as a
    property name there and crashes (``'str' object has no attribute 'get'``)."""
    if depth > 80:
        return node
    root = node if root is None else root  # the document a "#/..." reference points into
    if isinstance(node, list):
        return [inline_ref_properties(v, uri, load_uri, depth + 1, root) for v in node]
    if not isinstance(node, dict):
        return node
    fixed = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict) and set(value) == {"$ref"} and isinstance(value["$ref"], str):
            target = urljoin(uri, value["$ref"])
            where, pointer = urldefrag(target)
            found: Any = load_uri(where) if where != uri.split("#")[0] else root
            for part in [p for p in pointer.split("/") if p]:
                found = found.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(found, dict) else None
            if isinstance(found, dict):  # else: a property really named "$ref", or a dangling reference
                value = absolute_refs(found, where, depth + 1)
        fixed[key] = inline_ref_properties(value, uri, load_uri, depth + 1, root)
    return fixed


def absolute_refs(node: Any, uri: str, depth: int = 0) -> Any:
    """``node`` with every relative ``$ref`` made absolute against ``uri``."""
    if depth > 80:
        return node
    if isinstance(node, list):
        return [absolute_refs(v, uri, depth + 1) for v in node]
    if not isinstance(node, dict):
        return node
    return {
        k: urljoin(uri, v) if k == "$ref" and isinstance(v, str) else absolute_refs(v, uri, depth + 1)
        for k, v in node.items()
    }


class FixingHandler:
    """The ``file:`` handler of openapi-core's resolver, each file read through
    ``inline_ref_properties``."""

    def __init__(self) -> None:
        self.inner = default_handlers["file"]
        self.cache: dict[str, Any] = {}

    def raw(self, uri: str) -> Any:
        return self.inner(uri)

    def __call__(self, uri: str) -> Any:
        if uri not in self.cache:
            self.cache[uri] = inline_ref_properties(self.raw(uri), uri, self.raw)
        return self.cache[uri]


def plain_path(key: str) -> str:
    """The request path of a path key: what precedes a ``#`` or ``?``."""
    for mark in "#?":
        key = key.split(mark, 1)[0]
    return key


class Oracle:
    def __init__(self, spec: Path, operations: dict[str, list[str]]) -> None:
        self.operations = operations
        self.base_uri = spec.resolve().as_uri()
        self.handler = FixingHandler()
        self.handlers = {**default_handlers, "file": self.handler}
        self.document = inline_ref_properties(load(spec), self.base_uri, self.handler.raw)
        # openapi-core misreads some discriminators: see oracle_view.py
        oracle_view.fix_discriminators(self.document, self.document)
        v31 = str(self.document.get("openapi", "")).startswith("3.1")
        self.classes = (
            (v.V31RequestParametersValidator, v.V31RequestBodyValidator, v.V31RequestSecurityValidator)
            if v31
            else (v.V30RequestParametersValidator, v.V30RequestBodyValidator, v.V30RequestSecurityValidator)
        )
        self.views: dict[tuple[str, str], tuple[Any, ...]] = {}
        # openapi-core parses only application/json as JSON: every other
        # ``+json`` type of the spec is JSON too (JSON Patch, merge patch, ...)
        self.deserializers = {media: json_loads for media in json_media(self.document)}

    def validators(self, method: str, key: str) -> tuple[Any, ...]:
        """The three validators over a spec of only operation ``method key``."""
        if (method, key) not in self.views:
            item = self.document["paths"][key]
            view_item = {k: val for k, val in item.items() if k not in METHODS or k == method}
            if "servers" in view_item[method]:
                # an operation's servers override its path's (openapi-core
                # prefers the path's: a known gap, see README.md)
                view_item.pop("servers", None)
            view_item = {k: nullable_params(val) if k == "parameters" else val for k, val in view_item.items()}
            if "parameters" in view_item[method]:
                view_item[method] = {**view_item[method], "parameters": nullable_params(view_item[method]["parameters"])}
            if "requestBody" in view_item[method]:
                # multipart parts as openapi-core can judge them: see oracle_view.py
                body = oracle_view.multipart_body(self.document, view_item[method]["requestBody"])
                view_item[method] = {**view_item[method], "requestBody": body}
            view = {**self.document, "paths": {plain_path(key): view_item}}
            spec = SchemaPath.from_dict(view, base_uri=self.base_uri, handlers=self.handlers)
            self.views[(method, key)] = tuple(
                cls(spec, extra_media_type_deserializers=self.deserializers) for cls in self.classes
            )
        return self.views[(method, key)]

    def check(self, captured: dict[str, Any]) -> dict[str, Any]:
        verdict: dict[str, Any] = {"test": captured["test"], "ok": False, "errors": [], "security": []}
        name = (captured.get("operation") or {}).get("name")
        method, key = self.operations.get(name) or (None, None)
        if not method or key not in (self.document.get("paths") or {}):
            verdict["errors"] = [f"no spec operation for {name}: {method} {key}"]
            return verdict
        params, body, security = self.validators(method.lower(), key)
        request = WerkzeugOpenAPIRequest(to_werkzeug(captured))
        verdict["errors"] = [describe(e) for e in params.iter_errors(request)]
        request = WerkzeugOpenAPIRequest(to_werkzeug(captured))
        # no body where the spec does not require one is valid: openapi-core's
        # body-only validator reports it (its whole-request one drops it)
        verdict["errors"] += [describe(e) for e in body.iter_errors(request) if type(e) is not MissingRequestBody]
        request = WerkzeugOpenAPIRequest(to_werkzeug(captured))
        verdict["security"] = [describe(e) for e in security.iter_errors(request)]
        verdict["ok"] = not verdict["errors"]
        return verdict


def to_werkzeug(captured: dict[str, Any]) -> Request:
    """The captured request as a WSGI server would receive it."""
    url = urlsplit(captured["url"])
    headers = [(k, val) for k, val in captured["headers"] if k.lower() not in ("host", "content-length")]
    builder = EnvironBuilder(
        path=url.path,
        base_url=f"{url.scheme}://{url.netloc}",
        query_string=url.query,
        method=captured["method"],
        headers=headers,
        data=base64.b64decode(captured["body"]),
    )
    # EnvironBuilder decodes the path; a server receives it percent-encoded
    environ = builder.get_environ()
    environ["RAW_URI"] = environ["REQUEST_URI"] = url.path + (f"?{url.query}" if url.query else "")
    return Request(environ)


def describe(exc: BaseException) -> str:
    """The error and its causes, one line."""
    parts = [f"{type(exc).__name__}: {exc}"]
    seen = {id(exc)}
    todo = [exc.__cause__, *(getattr(exc, "schema_errors", None) or ())]
    while todo and len(parts) < 8:
        item = todo.pop(0)
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        message = getattr(item, "message", None) or _text(item)
        parts.append(f"{type(item).__name__}: {message}")
        if isinstance(item, BaseException):
            todo.append(item.__cause__)
            todo.extend(getattr(item, "schema_errors", ()) or ())
    # a long value would push the reason out of the text: keep its start
    parts = [_LONG_VALUE.sub(lambda m: f"Value {m.group(1)[:150]}... not valid for schema", p) for p in parts]
    return " <- ".join(parts)[:MAX_ERROR]


def _text(item: object) -> str:
    """``str(item)``, or its type and ``repr`` when that crashes (openapi-core's
    MediaTypeDeserializeError decodes a value that may already be text)."""
    try:
        return str(item)
    except Exception:  # noqa: BLE001
        return f"{type(item).__name__}{getattr(item, 'args', ())!r}: value {getattr(item, 'value', None)!r}"[:MAX_ERROR]


def main(argv: list[str]) -> int:
    spec, captured = Path(argv[1]), Path(argv[2])
    oracle = Oracle(spec, json.loads(Path(argv[3]).read_text(encoding="utf-8")))
    for line in captured.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        try:
            verdict = oracle.check(item)
        except Exception as exc:  # an oracle crash is a verdict on that request, not the run
            verdict = {"test": item.get("test"), "ok": False, "errors": [f"oracle crashed: {describe(exc)}"], "security": []}
        print(json.dumps(verdict, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
