"""Stage 5, format: black, in-process, with a mode pinned in code (or ruff).

Files are formatted one top-level statement at a time, then joined with the
blank lines black puts between them. The result is what black makes of the
whole file (``make test`` checks every generated file with ``black --check``),
but a block can be cached: a one-line change in a spec reformats one class,
not the whole module. Blocks can also be spread over worker processes.

With ``formatter="ruff"`` (optional, see ruff_format.py) every ``.py`` file,
the runtime's too, goes whole through one ``ruff format`` process instead,
each file cached by ruff's version, the options and its text.
"""

from __future__ import annotations

import ast
import functools
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

import black

from .preshape import preshape
from .ruff_format import FORMATTERS, Ruff, RuffError, find_ruff, format_with_ruff

if TYPE_CHECKING:
    from .cache import Cache

DEFAULT_LINE_LENGTH = 88
MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=DEFAULT_LINE_LENGTH)
_PARALLEL_MIN_LINES = 1000  # below this, worker start-up (a fork: black is imported) saves little


class FormatError(Exception):
    """black could not parse generated code: a generator bug, never a spec error."""


@functools.lru_cache(maxsize=8)
def _mode(line_length: int) -> black.Mode:
    if line_length == DEFAULT_LINE_LENGTH:
        return MODE
    return black.Mode(target_versions={black.TargetVersion.PY311}, line_length=line_length)


def _needs_black(path: str) -> bool:
    # the runtime is black-clean at source (checked by the tests)
    return path.endswith(".py") and "_runtime/" not in path


def format_source(path: str, source: str, line_length: int = DEFAULT_LINE_LENGTH) -> str:
    """One file, formatted whole."""
    if not _needs_black(path):
        return source
    try:
        return black.format_str(source, mode=_mode(line_length))
    except Exception as exc:
        raise FormatError(f"black cannot format generated {path}: {exc}") from exc


def split_blocks(source: str) -> list[tuple[int, str]] | None:
    """Top-level statements of ``source`` as ``(blank lines before, text)``; None if unsure.

    A statement starts at its first line (a decorator's, for a decorated
    definition); comments and blank lines after it belong to it. ``ast`` finds
    the starts: it is several times faster than ``tokenize`` on large modules.
    """
    if "\r" in source:  # ast counts a lone CR as a line break; keep it simple
        return None
    lines = [line + "\n" for line in source.split("\n")]  # not splitlines(): U+2028 is no break for ast
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    starts = sorted({_first_line(node) for node in tree.body})
    if not starts:
        return None
    starts[0] = 1  # the header comment belongs to the first block
    blocks: list[tuple[int, str]] = []
    blocks_trailing = 0
    for index, first in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
        chunk = lines[first - 1 : end]
        trailing = 0
        while chunk and not chunk[-1].strip():
            chunk.pop()
            trailing += 1
        blanks_before = blocks_trailing if index else 0
        blocks.append((blanks_before, "".join(chunk)))
        blocks_trailing = trailing
    return blocks


def _first_line(node: ast.stmt) -> int:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.decorator_list:
        return node.decorator_list[0].lineno
    return node.lineno


def _is_definition(text: str) -> bool:
    return text.startswith(("class ", "def ", "async def ", "@"))


def _join(blocks: list[tuple[int, str]], formatted: list[str]) -> str:
    out: list[str] = []
    for index, ((blanks, raw), text) in enumerate(zip(blocks, formatted)):
        if index:
            previous = blocks[index - 1][1]
            gap = 2 if _is_definition(raw) or _is_definition(previous) else min(blanks, 2)
            out.append("\n" * gap)
        out.append(text)
    return "".join(out)


def _format_block(item: tuple[str, int]) -> str:
    text, line_length = item
    return black.format_str(preshape(text, line_length), mode=_mode(line_length))


def _block_key(text: str, line_length: int) -> str:
    from .cache import digest

    return digest(black.__version__, repr(_mode(line_length)), text)


def format_files(
    files: dict[str, str],
    line_length: int = DEFAULT_LINE_LENGTH,
    cache: Cache | None = None,
    jobs: int = 1,
    formatter: str = "black",
) -> dict[str, str]:
    """Every file of ``files`` formatted; whole files, else blocks, from ``cache``
    when it has them (after a one-line spec change most files are unchanged).

    ``formatter`` is "black" (the default) or "ruff" (which raises
    :class:`generator.ruff_format.RuffNotFound` when ruff is not installed).
    """
    if formatter not in FORMATTERS:
        raise ValueError(f"unknown formatter {formatter!r}; expected one of {', '.join(FORMATTERS)}")
    if formatter == "ruff":
        return _format_files_ruff(files, line_length, cache)
    plans: dict[str, list[tuple[int, str]]] = {}
    result = dict(files)
    file_keys: dict[str, str] = {}
    for path, source in files.items():
        if not _needs_black(path):
            continue
        if cache is not None:
            file_keys[path] = _block_key("file\0" + source, line_length)
            hit = cache.get("file", file_keys[path])
            if hit is not None:
                result[path] = hit.decode("utf-8")
                continue
        blocks = split_blocks(source)
        plans[path] = blocks if blocks is not None else [(0, source)]
    wanted = {text for blocks in plans.values() for _, text in blocks}
    done: dict[str, str] = {}
    if cache is not None:
        for text in wanted:
            hit = cache.get("block", _block_key(text, line_length))
            if hit is not None:
                done[text] = hit.decode("utf-8")
    missing = sorted(wanted - done.keys())
    try:
        done.update(zip(missing, _run(missing, line_length, jobs)))
    except FormatError:
        raise
    except Exception as exc:  # find the file to blame, with black's message
        for path, blocks in plans.items():
            for _, text in blocks:
                if text in missing:
                    try:
                        _format_block((text, line_length))
                    except Exception as inner:
                        raise FormatError(f"black cannot format generated {path}: {inner}") from exc
        raise FormatError(f"black failed: {exc}") from exc
    if cache is not None:
        for text in missing:
            cache.put("block", _block_key(text, line_length), done[text].encode("utf-8"))
    for path, blocks in plans.items():
        result[path] = _join(blocks, [done[text] for _, text in blocks])
        if cache is not None:
            cache.put("file", file_keys[path], result[path].encode("utf-8"))
    return result


def formatter_options(formatter: str) -> dict[str, str]:
    """What the manifest records of the formatter: nothing for black (the default,
    pinned by specgen's dependencies), the name and version for ruff."""
    if formatter == "ruff":
        return {"formatter": "ruff", "ruff_version": find_ruff().version}
    return {}


def _ruff_key(ruff: Ruff, text: str, line_length: int) -> str:
    from .cache import digest
    from .ruff_format import command

    options = command(ruff, line_length)[1:]  # the exact flags, not where ruff is
    return digest("ruff", ruff.version, " ".join(options), text)


def _format_files_ruff(files: dict[str, str], line_length: int, cache: Cache | None) -> dict[str, str]:
    ruff = find_ruff()
    result = dict(files)
    missing: dict[str, str] = {}
    for path, source in files.items():
        if not path.endswith(".py"):
            continue
        hit = cache.get("ruff", _ruff_key(ruff, source, line_length)) if cache is not None else None
        if hit is not None:
            result[path] = hit.decode("utf-8")
        else:
            missing[path] = source
    try:
        formatted = format_with_ruff(ruff, missing, line_length)
    except RuffError as exc:
        raise FormatError(str(exc)) from exc
    for path, text in formatted.items():
        result[path] = text
        if cache is not None:
            cache.put("ruff", _ruff_key(ruff, missing[path], line_length), text.encode("utf-8"))
    return result


def _run(texts: list[str], line_length: int, jobs: int) -> Iterable[str]:
    items = [(text, line_length) for text in texts]
    lines = sum(text.count("\n") for text in texts)
    if jobs <= 1 or lines < _PARALLEL_MIN_LINES or os.name != "posix":
        return [_format_block(item) for item in items]
    import gc
    import multiprocessing

    context = multiprocessing.get_context("fork")  # workers start with black already imported
    # Frozen objects are left alone by the collector, in the workers too: without
    # this, a worker's first collection touches every object it inherited and
    # copies the parent's whole heap (the spec, the IR, the rendered package).
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            return list(pool.map(_format_block, items, chunksize=max(1, len(items) // (jobs * 8))))
    finally:
        gc.unfreeze()
