"""Warnings of a corpus run by kind, each kind with why specgen cannot do better.

``scripts/corpus.py`` writes, per corpus, a table of counts per kind and spec
(``docs/coverage.md``). A warning is generated code's typed fallback for a
construct, or a lenient-mode workaround; :data:`KINDS` says for each kind why
the construct is not expressed any closer. A warning of no kind is listed as
"other" (``tests/test_corpus.py`` allows none in the wild corpus: a new kind
gets its line here).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Protocol


class Warned(Protocol):
    spec: str
    warnings: list[str]
    worked_around: list[str]


# (kind, pattern of the message, why it cannot be expressed any closer). First match wins.
KINDS: tuple[tuple[str, str, str], ...] = (
    (
        "lenient: default dropped",
        r"default .* (is not of type|matches none|is not one of|is not valid|fails).*the default is dropped",
        "the spec's own default breaks its schema; sending it would send an invalid value, so the parameter has none",
    ),
    (
        "lenient: exclusiveMinimum/Maximum in the other version's form",
        r"exclusive(Minimum|Maximum).*\(lenient\)",
        "3.0's boolean form in a 3.1 spec (or the reverse): read in the form it is written in, the bound is kept",
    ),
    (
        "lenient: $recursiveAnchor",
        r"\$recursive(Anchor|Ref).*\(lenient\)",
        "JSON Schema 2019-09, not OpenAPI 3.1's 2020-12: $recursiveRef is read as a $ref to the anchoring schema",
    ),
    (
        "lenient: duplicate required entry",
        r"required.*(twice|more than once).*\(lenient\)",
        "a required list naming a property twice means the same as naming it once",
    ),
    (
        "required field missing from the properties",
        r"required field .* is not among the properties; it is an untyped argument",
        "the spec requires a form field it never describes (box.json's grant_type): the client must send it, and "
        "nothing says its type, so it is an argument typed Any",
    ),
    (
        "renamed: two names map to one identifier",
        r"both map to .*; renamed to",
        "two spec names (differing in case or punctuation) give one Python identifier; the second gets a suffix",
    ),
    (
        "header parameter ignored (Accept, Content-Type, Authorization)",
        r"header parameter .* is ignored, as OpenAPI says",
        "OpenAPI says these are ignored as parameters: the client sets them itself from the body and security schemes",
    ),
    (
        "self-reference without an object between",
        r"refers to itself (without an object in between|through a union)",
        "a type alias cannot name itself in Python's type system (a class can): the cycle is cut with Any",
    ),
    (
        "allOf of non-object schemas",
        r"allOf of schemas that are not all objects",
        "an intersection of non-object types has no Python type (Python has no intersection types): typed as Any",
    ),
    (
        "type too large to spell out",
        r"type spells out to more than",
        "the union would run to hundreds of parts in every annotation (a size cap, raise MAX_TYPE_PARTS): typed as Any",
    ),
    (
        "pattern not checked",
        r"cannot be checked in linear time",
        "the pattern needs backtracking (a ReDoS risk on untrusted input): the server checks it, the client does not",
    ),
    (
        "no test for an operation",
        r"^no test:",
        "no value of the schema can be made up within the test-size caps; the operation is generated, only untested",
    ),
    (
        "example not tested",
        r"example value at .* the example is not tested",
        "the spec's example breaks its own schema (1 for a string, 'false' for a boolean): checking it would fail",
    ),
    (
        "no security requirement",
        r"^no security requirement \(top-level or per operation\)",
        "the spec declares schemes but never says which an operation needs: the client sends what it has",
    ),
    (
        "server without a host",
        r"names no host; the client sends to its base_url",
        "the URL is known only at run time (a presigned upload URL): the call goes to the client's base_url",
    ),
    (
        "no servers",
        r"no servers; the client needs base_url",
        "the spec names no server: the caller passes base_url",
    ),
    (
        "security scheme not supported",
        r"security scheme .* is not supported",
        "mutual TLS and the like are configured on the http_client, not per call",
    ),
    (
        "parameter location not supported",
        r"parameters are not supported yet",
        "a parameter location the runtime cannot send",
    ),
    (
        "style not allowed",
        r"style .* is not allowed in",
        "the spec names a style its location does not allow; the location's default is used",
    ),
    (
        "discriminator mapping to a schema outside the union",
        r"mapping target .* is not one of the",
        "the mapping names a schema that is not a member of the oneOf/anyOf; that value decodes by trying the members",
    ),
)
_COMPILED = tuple((kind, re.compile(pattern), why) for kind, pattern, why in KINDS)
OTHER = "other"


def message(warning: str) -> str:
    """The message of a located warning (``file:line: /pointer: warning: message``)."""
    return (
        warning.split(": warning: ", 1)[-1]
        if ": warning: " in warning
        else warning.split(": ", 3)[-1]
    )


def kind_of(warning: str) -> str:
    text = message(warning)
    for kind, pattern, _ in _COMPILED:
        if pattern.search(text):
            return kind
    return OTHER


def counts(result: Warned) -> Counter[str]:
    return Counter(kind_of(w) for w in [*result.worked_around, *result.warnings])


def section(results: list[Warned]) -> list[str]:
    """Markdown: warnings by kind (counts per spec), why each, then every warning."""
    per_spec = {r.spec: counts(r) for r in results}
    total: Counter[str] = Counter()
    for c in per_spec.values():
        total.update(c)
    if not total:
        return []
    whys = {kind: why for kind, _, why in KINDS}
    whys[OTHER] = "not classified yet: give it a line in scripts/warning_kinds.py"
    kinds = sorted(total, key=lambda k: (-total[k], k))
    warned = [r for r in results if per_spec[r.spec]]
    lines = [
        "### Warnings by kind",
        "",
        "| kind | "
        + " | ".join(r.spec.split("/")[-1] for r in warned)
        + " | why it is not expressed closer |",
        "|---|" + "---:|" * len(warned) + "---|",
    ]
    for kind in kinds:
        cells = " | ".join(str(per_spec[r.spec][kind] or "") for r in warned)
        lines.append(f"| {kind} | {cells} | {whys[kind]} |")
    lines += ["", "### Warnings", "", "```"]
    for r in results:
        lines += [*r.worked_around, *r.warnings]
    lines += ["```", ""]
    return lines
