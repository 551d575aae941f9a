"""black, in-process, with a mode pinned in code (or ruff), over every rendered file.

Files are formatted one top-level statement at a time, then joined with the
blank lines black puts between them. The result is what black makes of the
whole file (``make test`` checks every generated file with ``black --check``),
but a block can be cached: a one-line change in a spec reformats one class,
not the whole module. Blocks can also be spread over worker processes. A
block's docstrings are masked while it is formatted and cached (format/docmask.py):
black never sees them, so a change of descriptions only formats nothing.

With ``formatter="ruff"`` (optional, see format/ruff.py) every ``.py`` file,
the runtime's too, goes whole through one ``ruff format`` process instead,
each file cached by ruff's version, the options and its text (in one pack
per package, as with black).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..children import die_with_parent
from .docmask import MARK, is_string, mask, string_statements, unmask
from .blocks import FormatError, mode_id, black_mode, format_block
from ..versions import black_version
from ..killpoint import reached
from ..options import DEFAULT_LINE_LENGTH
from .ruff import FORMATTERS, Ruff, RuffError, find_ruff, format_with_ruff

if TYPE_CHECKING:
    from ..store import Store
    from .helper import FormatHelper

# black is imported where it first formats (docs/speed.md): a regeneration whose
# blocks are all cached never imports it, and with a helper (format/helper.py)
# the parent does not either.
_PARALLEL_MIN_LINES = 1000  # below this, worker start-up (a fork: black is imported) saves little


def _needs_black(path: str) -> bool:
    # the runtime is black-clean at source (checked by the tests)
    return path.endswith(".py") and "_runtime/" not in path


def format_source(path: str, source: str, line_length: int = DEFAULT_LINE_LENGTH) -> str:
    """One file, formatted whole."""
    if not _needs_black(path):
        return source
    import black

    try:
        return black.format_str(source, mode=black_mode(line_length))
    except Exception as exc:
        raise FormatError(f"black cannot format generated {path}: {exc}") from exc


def split_blocks(source: str) -> list[tuple[int, str]] | None:
    """Top-level statements of ``source`` as ``(blank lines before, text)``; None if unsure.

    A statement starts at its first line (a decorator's, for a decorated
    definition); comments and blank lines after it belong to it, and so does a
    string after it (an attribute's docstring: on its own, black would take it
    for a module docstring). ``ast`` finds the starts: it is several times
    faster than ``tokenize`` on large modules.
    """
    split = _block_ranges(source)
    if split is None:
        return None
    lines, _, ranges, _ = split
    return [(blanks, "".join(lines[first:end])) for blanks, first, end, _ in ranges]


def masked_blocks(source: str, line_length: int) -> list[tuple[int, str, tuple[str, ...]]] | None:
    """:func:`split_blocks`, with each block's settled docstrings masked (see
    format/docmask.py): ``(blank lines before, masked text, docstrings)``; None if unsure."""
    plan = _plan(source, line_length)
    return None if plan is None else plan[0]


def _plan(source: str, line_length: int) -> tuple[list[tuple[int, str, tuple[str, ...]]], list[int]] | None:
    """:func:`masked_blocks`, and the blank lines black puts before each block."""
    split = _block_ranges(source)
    if split is None:
        return None
    lines, tree, ranges, gaps = split
    if MARK in source:  # a placeholder's text in the source itself: nothing is masked
        return [(blanks, "".join(lines[first:end]), ()) for blanks, first, end, _ in ranges], gaps
    strings = string_statements(tree)
    blocks: list[tuple[int, str, tuple[str, ...]]] = []
    index = 0
    for blanks, first, end, _ in ranges:
        while index < len(strings) and strings[index].lineno <= first:
            index += 1
        mine = index
        while index < len(strings) and strings[index].lineno <= end:
            index += 1
        blocks.append((blanks, *mask(lines, first, end, strings[mine:index], line_length)))
    return blocks, gaps


_Range = tuple[int, int, int, list[ast.stmt]]  # blank lines before, first line index, end index, statements


def _block_ranges(source: str) -> tuple[list[str], ast.Module, list[_Range], list[int]] | None:
    """``source``'s lines (each with its newline), its tree, its blocks as ``(blank
    lines before, first line index, end index, statements)``, and the blank lines
    black puts before each block; None if unsure."""
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
    groups: list[list[ast.stmt]] = []
    for index, node in enumerate(tree.body):
        if index and is_string(node):
            groups[-1].append(node)  # an attribute's docstring stays with its statement
        else:
            groups.append([node])
    if not groups:
        return None
    starts = [_first_line(group[0]) for group in groups]
    for index in range(1, len(starts)):
        if isinstance(groups[index][0], _DEFINITIONS):  # comments right above a definition are its own,
            # but an indented one after a statement with a body is the end of that body
            indented_ok = not hasattr(groups[index - 1][-1], "body")
            while starts[index] - 2 >= 0 and _is_comment(lines[starts[index] - 2], indented_ok):
                starts[index] -= 1
    starts[0] = 1  # the header comment belongs to the first block
    ranges: list[_Range] = []
    blocks_trailing = 0
    for index, first in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
        trailing = 0
        while end > first - 1 and not lines[end - 1].strip():
            end -= 1
            trailing += 1
        ranges.append((blocks_trailing if index else 0, first - 1, end, groups[index]))
        blocks_trailing = trailing
    return lines, tree, ranges, _gaps(ranges, lines)


_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _gaps(ranges: list[_Range], lines: list[str]) -> list[int]:
    """The blank lines black puts before each block (none before the first): two
    around a class or function, one after a module docstring (two before a class
    or function, but one before a decorator), one after imports, else as many as
    there were, up to two."""
    gaps: list[int] = []
    for index, (blanks, first, _, statements) in enumerate(ranges):
        head = statements[0]
        if not index:
            gaps.append(0)
        elif index == 1 and _is_module_docstring(ranges[0], lines) and not (
            isinstance(head, _DEFINITIONS) and (not head.decorator_list or first + 1 < _first_line(head))
        ):
            gaps.append(1)  # but 2 before a definition's header or its leading comment, not its decorator
        elif isinstance(head, _DEFINITIONS) or _ends_with(ranges[index - 1], _DEFINITIONS, lines):
            gaps.append(2)
        elif _ends_with(ranges[index - 1], _IMPORTS, lines) and not isinstance(head, _IMPORTS):
            gaps.append(1)  # black: one blank line after the imports
        else:
            gaps.append(min(blanks, 2))
    return gaps


_IMPORTS = (ast.Import, ast.ImportFrom)


def _ends_with(block: _Range, kinds: tuple[type[ast.stmt], ...], lines: list[str]) -> bool:
    """Whether the block's last line is the end of a statement of ``kinds``: no comment
    after it (black counts blank lines from the line before), but for the indented
    comments black keeps in the body of a statement that has one."""
    _, _, end, statements = block
    last = statements[-1]
    if not isinstance(last, kinds):
        return False
    after = lines[last.end_lineno or 0 : end]
    return not after or (hasattr(last, "body") and all(_is_comment(line, True) and line[0] in " \t" or not line.strip() for line in after))


def _is_comment(line: str, indented: bool) -> bool:
    return line.startswith("#") or (indented and line.lstrip().startswith("#"))


def _is_module_docstring(first: _Range, lines: list[str]) -> bool:
    """Whether the first block is comments, then the module's docstring, and nothing
    after it: one string statement, written as one string (black sees no docstring in
    strings concatenated), on lines of its own."""
    _, _, end, statements = first
    node = statements[0]
    if len(statements) != 1 or not is_string(node) or node.end_lineno != end:
        return False
    import io
    import tokenize

    segment = "".join(lines[node.lineno - 1 : node.end_lineno])
    try:
        kinds = [token.type for token in tokenize.generate_tokens(io.StringIO(segment).readline)]
    except (tokenize.TokenError, SyntaxError):
        return False
    return kinds.count(tokenize.STRING) == 1


def _first_line(node: ast.stmt) -> int:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.decorator_list:
        return node.decorator_list[0].lineno
    return node.lineno


def _join(gaps: list[int], formatted: list[str]) -> str:
    return "".join("\n" * gap + text for gap, text in zip(gaps, formatted))


def _block_key(text: str, line_length: int) -> str:
    from ..store import digest

    return digest(black_version(), mode_id(line_length), text)


_PACK_VERSION = "specgen-pack-2"  # 2: blocks with their docstrings masked (format/docmask.py)
_RUFF_PACK_VERSION = "specgen-ruff-pack-1"
_MAX_GAP = 2
_Entry = tuple[int, str, tuple[str, ...]]  # a file's block in a pack: blank lines before, block key, docstrings


def _pack_key(line_length: int, group: str | None) -> str:
    from ..store import digest

    return digest("pack", black_version(), mode_id(line_length), "" if group is None else group)


def _load_pack(raw: bytes | None, version: str) -> dict[str, Any] | None:
    """A pack's JSON object, if ``raw`` is one of ``version``."""
    if raw is None:
        return None
    import json

    try:
        pack = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    return pack if isinstance(pack, dict) and pack.get("version") == version else None


def _store_pack(cache: Store, key: str, raw: bytes | None, pack: dict[str, Any]) -> None:
    """``pack`` written as ``key``, atomically, unless ``raw`` (what was read) is already it."""
    import json

    data = json.dumps(pack, sort_keys=True, separators=(",", ":")).encode("ascii")  # same content, same bytes
    if data != raw:
        cache.put("pack", key, data)  # a disk cache drops older versions' folders then (commands/cache.py)


def _read_pack(raw: bytes | None) -> tuple[dict[str, str], dict[str, list[_Entry]]]:
    """A pack's blocks (formatted masked text by block key) and file layouts ((gap, block
    key, docstrings) by file key); both empty for a pack that is missing, unreadable, of another version or
    of the wrong shape: the pack is only ever a speed-up."""
    pack = _load_pack(raw, _PACK_VERSION)
    if pack is None:
        return {}, {}
    blocks, files = pack.get("blocks"), pack.get("files")
    if not isinstance(blocks, dict) or not isinstance(files, dict):
        return {}, {}
    if not all(isinstance(text, str) for text in blocks.values()):
        return {}, {}
    layouts: dict[str, list[_Entry]] = {}
    for key, layout in files.items():
        if not isinstance(layout, list) or not layout:
            return {}, {}
        for entry in layout:
            if not (
                isinstance(entry, list)
                and len(entry) == 3
                and type(entry[0]) is int
                and 0 <= entry[0] <= _MAX_GAP
                and isinstance(entry[1], str)
                and entry[1] in blocks
                and isinstance(entry[2], list)
                and all(isinstance(doc, str) for doc in entry[2])
            ):
                return {}, {}
        layouts[key] = [(gap, block, tuple(docs)) for gap, block, docs in layout]
    return blocks, layouts


def _write_pack(
    cache: Store, key: str, raw: bytes | None, blocks: dict[str, str], files: dict[str, list[_Entry]]
) -> None:
    layouts = {file: [[gap, block, list(docs)] for gap, block, docs in layout] for file, layout in files.items()}
    _store_pack(cache, key, raw, {"version": _PACK_VERSION, "blocks": blocks, "files": layouts})


def format_files(
    files: dict[str, str],
    line_length: int = DEFAULT_LINE_LENGTH,
    cache: Store | None = None,
    jobs: int = 1,
    formatter: str = "black",
    *,
    group: str | None = None,
    helper: FormatHelper | None = None,
) -> dict[str, str]:
    """Every file of ``files`` formatted; whole files, else blocks, from ``cache``
    when it has them (after a one-line spec change most files are unchanged).

    With black, the cache holds one pack per ``group`` (the package's name; None
    is a group too): read once, and written once if this call changed it, keeping
    only the files of this call and their blocks. ``formatter`` is "black" (the
    default) or "ruff" (which raises :class:`generator.format.ruff.RuffNotFound`
    when ruff is not installed). ``helper``, a forked child with black imported
    (see format/helper.py), formats the blocks when there are too few for a pool.
    """
    if formatter not in FORMATTERS:
        raise ValueError(f"unknown formatter {formatter!r}; expected one of {', '.join(FORMATTERS)}")
    if formatter == "ruff":
        return _format_files_ruff(files, line_length, cache, group)
    pack_key = _pack_key(line_length, group)
    raw = cache.get("pack", pack_key) if cache is not None else None
    cached_blocks, cached_files = _read_pack(raw)
    used_blocks: dict[str, str] = {}  # what the pack keeps: this call's files and their blocks
    used_files: dict[str, list[_Entry]] = {}
    plans: dict[str, list[tuple[int, str, tuple[str, ...]]]] = {}
    file_gaps: dict[str, list[int]] = {}
    result = dict(files)
    file_keys: dict[str, str] = {}
    for path, source in files.items():
        if not _needs_black(path):
            continue
        if cache is not None:
            file_keys[path] = _block_key("file\0" + source, line_length)
            layout = cached_files.get(file_keys[path])
            assembled = _assemble(layout, cached_blocks) if layout is not None else None
            if layout is not None and assembled is not None:  # from the pack's blocks: neither split nor formatted
                result[path] = assembled
                used_files[file_keys[path]] = layout
                used_blocks.update((key, cached_blocks[key]) for _, key, _ in layout)
                continue
        plans[path], file_gaps[path] = _plan(source, line_length) or ([(0, source, ())], [0])
    wanted = {text for blocks in plans.values() for _, text, _ in blocks}
    keys = {text: _block_key(text, line_length) for text in wanted} if cache is not None else {}
    done = _formatted(wanted, keys, plans, line_length, cached_blocks, jobs, helper)
    pieces = {path: [unmask(done[text], docs) for _, text, docs in blocks] for path, blocks in plans.items()}
    # A block whose placeholders black did not leave as they were (never seen:
    # see format/docmask.py) is formatted whole instead, docstrings and all.
    whole: set[str] = set()
    for path, blocks in plans.items():
        for index, piece in enumerate(pieces[path]):
            if piece is None:
                blanks, text, docs = blocks[index]
                original = unmask(text, docs)
                assert original is not None  # what mask() wrote, so always
                blocks[index] = (blanks, original, ())
                whole.add(original)
    if whole:
        if cache is not None:
            keys.update((text, _block_key(text, line_length)) for text in whole)
        done.update(_formatted(whole - done.keys(), keys, plans, line_length, cached_blocks, jobs, helper))
    for path, blocks in plans.items():
        gaps = file_gaps[path]
        texts = [piece if piece is not None else done[text] for piece, (_, text, _) in zip(pieces[path], blocks)]
        result[path] = _join(gaps, texts)
        if cache is not None:
            used_files[file_keys[path]] = [(gap, keys[text], docs) for gap, (_, text, docs) in zip(gaps, blocks)]
            used_blocks.update((keys[text], done[text]) for _, text, _ in blocks)
    if cache is not None and used_files:
        _write_pack(cache, pack_key, raw, used_blocks, used_files)
    return result


def _formatted(
    texts: set[str],
    keys: dict[str, str],
    plans: dict[str, list[tuple[int, str, tuple[str, ...]]]],
    line_length: int,
    cached_blocks: dict[str, str],
    jobs: int,
    helper: FormatHelper | None,
) -> dict[str, str]:
    """Each block text of ``texts`` formatted: from the pack (by ``keys``, the texts'
    cache keys: none without a cache), else by black (blamed on its file of ``plans``
    if black fails)."""
    done: dict[str, str] = {}
    for text in texts:
        hit = cached_blocks.get(keys[text]) if text in keys else None
        if hit is not None:
            done[text] = hit
    missing = sorted(texts - done.keys())
    try:
        done.update(zip(missing, _run(missing, line_length, jobs, helper)))
    except FormatError:
        raise
    except Exception as exc:  # find the file to blame, with black's message
        for path, blocks in plans.items():
            for _, text, _ in blocks:
                if text in missing:
                    try:
                        format_block((text, line_length))
                    except Exception as inner:
                        raise FormatError(f"black cannot format generated {path}: {inner}") from exc
        raise FormatError(f"black failed: {exc}") from exc
    return done


def _assemble(layout: list[_Entry], blocks: dict[str, str]) -> str | None:
    """A file from its pack layout; None if a docstring cannot go back in."""
    pieces: list[str] = []
    for gap, key, docs in layout:
        text = unmask(blocks[key], docs)
        if text is None:
            return None
        pieces.append("\n" * gap + text)
    return "".join(pieces)


def _ruff_key(ruff: Ruff, text: str, line_length: int) -> str:
    from ..store import digest
    from .ruff import command

    options = command(ruff, line_length)[1:]  # the exact flags, not where ruff is
    return digest("ruff", ruff.version, " ".join(options), text)


def _ruff_pack_key(ruff: Ruff, line_length: int, group: str | None) -> str:
    from ..store import digest
    from .ruff import command

    options = command(ruff, line_length)[1:]
    return digest("ruff-pack", ruff.version, " ".join(options), "" if group is None else group)


def _format_files_ruff(
    files: dict[str, str], line_length: int, cache: Store | None, group: str | None = None
) -> dict[str, str]:
    ruff = find_ruff()
    pack_key = _ruff_pack_key(ruff, line_length, group)
    raw = cache.get("pack", pack_key) if cache is not None else None
    pack = _load_pack(raw, _RUFF_PACK_VERSION)
    cached = pack.get("files") if pack is not None else None
    if not isinstance(cached, dict) or not all(isinstance(text, str) for text in cached.values()):
        cached = {}
    used: dict[str, str] = {}  # what the pack keeps: this call's files
    result = dict(files)
    missing: dict[str, str] = {}
    keys: dict[str, str] = {}
    for path, source in files.items():
        if not path.endswith(".py"):
            continue
        keys[path] = key = _ruff_key(ruff, source, line_length)
        hit = cached.get(key)
        if hit is not None:
            result[path] = used[key] = hit
        else:
            missing[path] = source
    try:
        formatted = format_with_ruff(ruff, missing, line_length)
    except RuffError as exc:
        raise FormatError(str(exc)) from exc
    for path, text in formatted.items():
        result[path] = used[keys[path]] = text
    if cache is not None and used:
        _store_pack(cache, pack_key, raw, {"version": _RUFF_PACK_VERSION, "files": used})
    return result


def _run(texts: list[str], line_length: int, jobs: int, helper: FormatHelper | None = None) -> Iterable[str]:
    items = [(text, line_length) for text in texts]
    if not items:
        return []
    lines = sum(text.count("\n") for text in texts)
    if jobs <= 1 or lines < _PARALLEL_MIN_LINES or os.name != "posix":
        done = helper.format(items) if helper is not None else None
        return done if done is not None else [format_block(item) for item in items]
    if helper is not None:
        helper.close()  # the parent imports black for the pool: the helper's memory goes back now
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # slow to import (docs/speed.md): only for a pool

    import black  # noqa: F401  (before the fork: the workers start with black imported)

    context = multiprocessing.get_context("fork")
    # Frozen objects are left alone by the collector, in the workers too: without
    # this, a worker's first collection touches every object it inherited and
    # copies the parent's whole heap (the spec, the IR, the rendered package).
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:  # workers die with this process, even SIGKILLed (children.py)
            results = pool.map(format_block, items, chunksize=max(1, len(items) // (jobs * 8)))
            reached("format-pool")  # a test hook (killpoint.py): the workers are forked by now
            return list(results)
    finally:
        gc.unfreeze()
