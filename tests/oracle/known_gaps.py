"""Where the oracle (openapi-core 0.23.1) is wrong, and how each case is checked instead.

Each gap is matched by a regular expression on the oracle's error text (and
optionally on the spec's file name). A rejection matching a gap does not fail
``tests/test_oracle.py``; the ``checked_by`` test covers that case instead.
Keep the list short: every entry is a place where the oracle says nothing.

Gaps closed inside ``oracle.py`` itself (the request is still judged, on a
corrected view of the spec), not listed here:

- ``+json`` media types other than ``application/json`` are registered as
  JSON (openapi-core reads them as bytes);
- an operation's ``servers`` replace its path's (openapi-core prefers the path's);
- a 3.1 parameter type ``[T, "null"]`` is read as ``T`` (openapi-core
  crashes on a type list; a parameter value on the wire is never null);
- a path key's ``#...``/``?...`` suffix is cut (the request goes to the plain path);
- a discriminator without a full ``mapping`` gets one from its members'
  ``const``/``enum`` (openapi-core looks ``auto`` up as
  ``#/components/schemas/auto``), or is dropped when it cannot (inline
  members): ``oracle_view.py``;
- 3.1 multipart parts: a file part (or a part sent as a non-text media type)
  is not judged, a boolean/integer/number part is judged as its text, a union
  of strings is read as text: ``oracle_view.py``.
- a ``properties`` map given as a ``$ref`` is inlined (openapi-core reads
  ``$ref`` as a property name and crashes; DigitalOcean's load balancers);
- no body for an operation whose ``requestBody`` is not ``required`` is valid
  (openapi-core's body-only validator reports ``MissingRequestBody``, its
  whole-request validator does not).

What the oracle does not judge at all (it accepts any): a multipart part's
headers and the media type of a file part (``encoding`` ``headers`` and
``contentType``), a file part's bytes. tests/runtime/test_wire_media.py
checks those (the parts read back by the standard library's MIME parser), and
tests/features/test_wire_media.py from a spec. Nor a multipart numeric part's
bounds (``minimum``...): its text is judged as a number's, not its value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Gap:
    name: str
    error: str  # regex searched in the oracle's error text
    why: str
    checked_by: str
    spec: str = ".*"  # regex matched against the spec's file name

    def matches(self, spec: str, error: str) -> bool:
        return re.search(self.spec, spec) is not None and re.search(self.error, error) is not None


GAPS: tuple[Gap, ...] = (
    Gap(
        "deepObject and form encoding",
        r"ValueError: not available",
        "openapi-core cannot deserialize deepObject parameters nor a form body's"
        " encoding (style/explode) entries",
        "tests/runtime/test_wire_styles.py: our serializer against the OpenAPI style table,"
        " and decoded back by an independent deepObject reader",
    ),
    Gap(
        "raw bodies against type: string",
        r"^InvalidRequestBody: Request body validation error: Value b'.*' not valid for schema of type string",
        "openapi-core validates the bytes of a non-JSON, non-form body (image/jpeg, text) against"
        " the schema's type: string, and bytes are not a str",
        "tests/runtime/test_wire_styles.py: test_raw_body_is_sent_as_given",
    ),
    Gap(
        "cookie parameters with content",
        r"^ParameterValidationError: Cookie parameter error: \S+ <- MediaTypeDeserializeError",
        "openapi-core parses a cookie's value as its media type (JSON) without percent-decoding it;"
        " a JSON text cannot go raw in a cookie (RFC 6265 has no quotes, commas, spaces), so the"
        " client percent-encodes it",
        "tests/runtime/test_wire_media.py: test_cookie_content_parameter_is_json_text_percent_encoded",
    ),
    Gap(
        "form fields the schema's properties leave out",
        r"""^InvalidRequestBody: .*"'grant_type' is a required property""",
        "openapi-core decodes a form body into the schema's declared properties only, so a"
        " required field missing from them (box.json /oauth2/revoke requires grant_type) is"
        " dropped before validation, though the client sends it (the captured body has"
        " grant_type=example)",
        "tests/ir/test_test_arguments.py: test_a_required_form_field_missing_from_the_properties_is_an_argument",
        spec=r"^box\.json$",
    ),
    Gap(
        "a server without a host",
        r"^ServerNotFound: Server not found for https://api\.digitalocean\.com/<upload_url>",
        "DigitalOcean's <upload_url> operation has servers: [{url: 'https://'}], a URL with no"
        " host; the client warns and sends to its base_url, which openapi-core finds in no server",
        "tests/ir/test_wild_regressions.py: test_a_server_without_a_host_falls_back_to_the_base_url",
        spec=r"^DigitalOcean-public\.v2\.yaml$",
    ),
    Gap(
        "readOnly on a parameter's schema",
        r"^InvalidParameter: Invalid path parameter: ssh_key_identifier <- InvalidSchemaValue: Value 1 not valid",
        "openapi-core applies readOnly to a parameter's schema (OpenAPI: it concerns properties"
        " only); DigitalOcean's ssh_key_identifier is anyOf [a readOnly id, a readOnly"
        " fingerprint], so no value at all passes",
        "tests/ir/test_do_regressions.py: test_a_path_parameter_of_read_only_schemas_is_sent",
        spec=r"^DigitalOcean-public\.v2\.yaml$",
    ),
)


def gap_for(spec: str, error: str) -> Gap | None:
    return next((g for g in GAPS if g.matches(spec, error)), None)
