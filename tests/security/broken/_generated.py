"""Broken specs that are too big, too binary or too many files to check in.

Each entry maps a case file name to a function returning every file of the
case as ``{relative path: bytes}`` (the case file itself included). The test
writes them into a temporary folder at test time; the expected diagnostics are
checked in next to the static cases as ``<name>.expected``.
"""

from __future__ import annotations

from typing import Callable

from generator.load import document as load

HEADER = b'openapi: 3.0.3\ninfo:\n  title: Broken\n  version: "1"\n'


def alias_bomb() -> dict[str, bytes]:
    """The billion laughs: nine levels of ten aliases each, 10**9 strings once expanded."""
    lines = [b'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = b", ".join([f"*a{i - 1}".encode()] * 10)
        lines.append(f"a{i}: &a{i} [".encode() + refs + b"]")
    return {
        "alias_bomb.yaml": HEADER
        + b"paths: {}\nx-bomb:\n"
        + b"".join(b"  " + line + b"\n" for line in lines)
    }


def alias_bomb_merge_keys() -> dict[str, bytes]:
    """The same bomb built from nested mappings instead of sequences."""
    lines = [b"m0: &m0 {" + b", ".join(f"k{j}: lol".encode() for j in range(10)) + b"}"]
    for i in range(1, 10):
        lines.append(
            f"m{i}: &m{i} {{".encode()
            + b", ".join(f"k{j}: *m{i - 1}".encode() for j in range(10))
            + b"}"
        )
    return {"alias_bomb_merge_keys.yaml": b"".join(line + b"\n" for line in lines)}


def deep_flow() -> dict[str, bytes]:
    """100,000 nested flow sequences: ``[[[[...]]]]``."""
    depth = 100_000
    return {
        "deep_flow.yaml": HEADER
        + b"paths: {}\nx-deep: "
        + b"[" * depth
        + b"]" * depth
        + b"\n"
    }


def deep_flow_mappings() -> dict[str, bytes]:
    """50,000 nested flow mappings: ``{a: {a: {a: ...}}}``."""
    depth = 50_000
    return {
        "deep_flow_mappings.yaml": b"x: "
        + b"{a: " * depth
        + b"1"
        + b"}" * depth
        + b"\n"
    }


def deep_block_sequences() -> dict[str, bytes]:
    """5,000 nested block sequences on one line: ``- - - - x``."""
    return {
        "deep_block_sequences.yaml": HEADER
        + b"paths: {}\nx-deep:\n  "
        + b"- " * 5000
        + b"x\n"
    }


def deep_block_mappings() -> dict[str, bytes]:
    """1,500 nested block mappings by indentation alone."""
    lines = [b" " * level + b"a:" for level in range(1500)]
    return {
        "deep_block_mappings.yaml": HEADER
        + b"paths: {}\nx-deep:\n"
        + b"\n".join(b" " + line for line in lines)
        + b" 1\n"
    }


def oversize() -> dict[str, bytes]:
    """A valid spec one byte above ``generator.load.document.MAX_BYTES`` (the real limit)."""
    head = HEADER + b'paths: {}\nx-padding: "'
    tail = b'"\n'
    return {
        "oversize.yaml": head
        + b"a" * (load.MAX_BYTES + 1 - len(head) - len(tail))
        + tail
    }


def binary_junk() -> dict[str, bytes]:
    """Every byte value, as in a file that is not text at all."""
    return {"binary_junk.yaml": bytes(range(256)) * 4}


def png_header() -> dict[str, bytes]:
    """An image passed by mistake."""
    return {"png_header.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)}


def nul_byte() -> dict[str, bytes]:
    """Valid UTF-8 text with a raw NUL byte in a value."""
    return {"nul_byte.yaml": HEADER + b"paths: {}\nx-nul: a\x00b\n"}


def non_utf8_latin1() -> dict[str, bytes]:
    """A Latin-1 file: the 0xe9 of 'caf\xe9' is not UTF-8."""
    return {
        "non_utf8_latin1.yaml": HEADER.replace(b"Broken", b"Caf\xe9") + b"paths: {}\n"
    }


def utf16_with_bom() -> dict[str, bytes]:
    """A UTF-16 file (BOM first), as some Windows editors save."""
    return {"utf16_with_bom.yaml": (HEADER.decode() + "paths: {}\n").encode("utf-16")}


def huge_integer() -> dict[str, bytes]:
    """An integer with 5,000 digits: above Python's int/str conversion limit."""
    return {
        "huge_integer.yaml": HEADER
        + b"paths:\n  /things:\n    get:\n      parameters:\n        - name: n\n          in: query\n"
        + b"          schema: {type: integer, maximum: "
        + b"9" * 5000
        + b"}\n      responses:\n        '200': {description: ok}\n"
    }


def external_deep_chain() -> dict[str, bytes]:
    """Twelve files, each 150 levels deep, each ``$ref``-ing the next at its bottom.

    Every file alone is within the nesting limit; resolved, the document is
    1,800 levels deep.
    """
    files = {}
    count = 12
    for i in range(count):
        inner = f'{{$ref: "chain_{i + 1}.yaml#/x"}}'.encode() if i < count - 1 else b"1"
        files[f"_chain/chain_{i}.yaml"] = (
            b"x: " + b"[" * 150 + inner + b"]" * 150 + b"\n"
        )
    files["external_deep_chain.yaml"] = (
        HEADER + b'paths: {}\nx-chain: {$ref: "_chain/chain_0.yaml#/x"}\n'
    )
    return files


def local_ref_chain() -> dict[str, bytes]:
    """A chain of 2,000 parameter ``$ref``s, each to the next one."""
    lines = [HEADER.decode(), "paths:\n  /things:\n    get:\n      parameters:\n"]
    lines.append("        - $ref: '#/components/parameters/P0'\n")
    lines.append(
        "      responses:\n        '200': {description: ok}\ncomponents:\n  parameters:\n"
    )
    count = 2000
    for i in range(count - 1):
        lines.append(f"    P{i}: {{$ref: '#/components/parameters/P{i + 1}'}}\n")
    lines.append(
        f"    P{count - 1}: {{name: page, in: query, schema: {{type: integer}}}}\n"
    )
    return {"local_ref_chain.yaml": "".join(lines).encode()}


CASES: dict[str, Callable[[], dict[str, bytes]]] = {
    "alias_bomb.yaml": alias_bomb,
    "alias_bomb_merge_keys.yaml": alias_bomb_merge_keys,
    "deep_flow.yaml": deep_flow,
    "deep_flow_mappings.yaml": deep_flow_mappings,
    "deep_block_sequences.yaml": deep_block_sequences,
    "deep_block_mappings.yaml": deep_block_mappings,
    "oversize.yaml": oversize,
    "binary_junk.yaml": binary_junk,
    "png_header.yaml": png_header,
    "nul_byte.yaml": nul_byte,
    "non_utf8_latin1.yaml": non_utf8_latin1,
    "utf16_with_bom.yaml": utf16_with_bom,
    "huge_integer.yaml": huge_integer,
    "external_deep_chain.yaml": external_deep_chain,
    "local_ref_chain.yaml": local_ref_chain,
}
