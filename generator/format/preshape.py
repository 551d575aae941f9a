"""Shape long simple statements as black would, before black runs.

black formats a block in one pass when it has nothing to change, and in two
passes plus a search for where to split when it does: most of its time on
generated code goes to long lines (a call with its arguments, a signature, an
``assert``, an import). This pass writes the common cases in the shape black
gives them, so that black finds nothing to do. black still formats every block
and has the last word: a shape guessed wrong costs time, never bytes
(tests/format/test_preshape.py compares black's output with and without this pass on
every block of every golden case; ``scripts/preshape_check.py`` does so on the
whole Twilio corpus, with its figures in docs/speed.md).

Only single-line statements (and single-line ``def`` and ``class`` headers),
single-line arguments and items of a bracket (calls, and dict, list and set
displays, which black always explodes one item per line), and one-item tuples
black would join are touched, only on ASCII lines (ast's offsets are in bytes), and only
when every resulting line fits; anything else is left to black.
"""

from __future__ import annotations

import ast

_Shape = list[str]  # the lines that replace one long line


def preshape(block: str, limit: int = 88) -> str:
    """``block`` with its long simple statements split the way black splits them."""
    try:
        tree = ast.parse(block)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return block
    lines = block.split("\n")
    edits: dict[int, _Shape] = {}
    elements: list[ast.expr | ast.keyword] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            shape = _shape(node, lines, limit) if lines[node.lineno - 1].isascii() else None
            if shape is not None:
                edits[node.lineno - 1] = shape
        elif isinstance(node, (ast.Call, ast.keyword, *_DISPLAYS)):
            elements.append(node)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 1 and node.end_lineno == node.lineno + 2:
            _join_one_tuple(node, lines, limit, edits)
    for element in elements:
        _shape_element(element, lines, limit, edits)
    if not edits:
        return block
    out: list[str] = []
    for index, line in enumerate(lines):
        out.extend(edits.get(index, [line]))
    return "\n".join(out)


def _shape(node: ast.stmt, lines: list[str], limit: int) -> _Shape | None:
    line = lines[node.lineno - 1]
    if len(line) <= limit or line.rstrip() != line:
        return None
    indent = line[: len(line) - len(line.lstrip())]
    if node.col_offset != len(indent):
        return None
    if isinstance(node, ast.FunctionDef):
        return _shape_def(node, line, indent, limit)
    if isinstance(node, ast.ClassDef):
        return _shape_class(node, line, indent, limit)
    if node.end_lineno != node.lineno or node.end_col_offset != len(line):
        return None
    if isinstance(node, ast.Assert):
        return _shape_assert(node, line, indent, limit)
    if isinstance(node, ast.ImportFrom):
        return _shape_import(line, indent, limit)
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)) and isinstance(node.value, ast.Call):
        shape = _shape_call(node.value, line, indent, limit)
        if shape is None and isinstance(node, (ast.Assign, ast.AnnAssign)):
            return _shape_assign_in_parens(node, node.value, line, indent, limit)
        return shape
    if isinstance(node, ast.Assign) and isinstance(node.value, (ast.List, ast.Tuple, ast.Set)):
        return _shape_collection(node.value, line, indent, limit)
    return None


def _text(line: str, node: ast.AST, end: ast.AST | None = None) -> str:
    start = getattr(node, "col_offset")
    stop = getattr(end if end is not None else node, "end_col_offset")
    return line[start:stop]


def _bracketed(
    head: str,
    items: list[str],
    tail: str,
    indent: str,
    limit: int,
    exploded: bool,
    nodes: list[ast.expr | ast.keyword] | None = None,
    line: str = "",
) -> _Shape | None:
    """``head`` / the items / ``tail``: on one indented line if they fit (unless
    black always explodes this kind of bracket), else one per line with a
    trailing comma (an item that is a call too long for its line split at its
    own brackets, when ``nodes`` are given)."""
    inner = indent + "    "
    if len(head) > limit or len(tail) > limit:
        return None
    body = ", ".join(items)
    if not exploded and len(inner + body) <= limit:
        return [head, inner + body, tail]
    if len(items) == 1:  # no comma to split at: black adds none
        if len(inner + body) <= limit:
            return [head, inner + body, tail]
        split = _split_item(items[0], nodes[0] if nodes else None, line, inner, "", limit)
        return [head, *split, tail] if split is not None else None
    out = [head]
    for index, item in enumerate(items):
        if len(inner + item) + 1 <= limit:
            out.append(f"{inner}{item},")
            continue
        split = _split_item(item, nodes[index] if nodes is not None else None, line, inner, ",", limit)
        if split is None:
            return None
        out.extend(split)
    out.append(tail)
    return out


def _split_item(item: str, node: ast.expr | ast.keyword | None, line: str, indent: str, suffix: str, limit: int) -> _Shape | None:
    """An item too long for its line: a call or display split at its own brackets,
    a name or constant left long (black has nothing to split), else None."""
    call = node.value if isinstance(node, ast.keyword) else node
    if isinstance(call, (ast.Constant, ast.Name, ast.Attribute)):  # nothing to split: black leaves it long
        return [f"{indent}{item}{suffix}"]
    if call is None or not isinstance(call, (ast.Call, *_DISPLAYS)):
        return None
    # what comes before the call or display in the item: ``name=``, ``"key": `` or nothing
    prefix = indent + item[: len(item) - ((call.end_col_offset or 0) - call.col_offset)]
    if isinstance(call, ast.Call):
        return _split_call(call, line, prefix, indent, suffix, limit)
    return _split_display(call, line, prefix, indent, suffix, limit)


def _shape_call(call: ast.Call, line: str, indent: str, limit: int) -> _Shape | None:
    """``x = f(a, b)``, ``return f(a, b)``, ``f(a, b)``: black splits at the call's brackets."""
    if call.end_col_offset != len(line):
        return None
    return _split_call(call, line, line[: call.col_offset], indent, "", limit)


def _split_call(call: ast.Call, line: str, prefix: str, indent: str, suffix: str, limit: int) -> _Shape | None:
    """``prefix`` + the call + ``suffix``, split at the call's own brackets: its
    arguments on one line at ``indent`` + 4, else one per line (an argument too
    long for its line split the same way, when it is a call)."""
    if call.lineno != call.end_lineno or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    if any(k.arg is None for k in call.keywords):
        return None
    paren = call.func.end_col_offset
    end = call.end_col_offset
    if paren is None or end is None or line[paren : paren + 1] != "(":
        return None
    body = line[paren + 1 : end - 1]
    parts: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    parts.sort(key=lambda n: (n.lineno, n.col_offset))
    items = [_text(line, part) for part in parts]
    if not items or ", ".join(items) != body:  # also refuses a magic trailing comma
        return None
    head = prefix + line[call.col_offset : paren + 1]
    return _bracketed(head, items, indent + ")" + suffix, indent, limit, exploded=False, nodes=parts, line=line)


def _shape_assign_in_parens(
    node: ast.Assign | ast.AnnAssign, call: ast.Call, line: str, indent: str, limit: int
) -> _Shape | None:
    """``x: T = f(a, b)`` whose ``x: T = f(`` is too long: black wraps the value
    in parentheses, or (when even ``x: T = (`` is too long) the annotation."""
    left = line[: call.col_offset]
    if call.end_col_offset != len(line) or not left.endswith(" = ") or len(node.targets if isinstance(node, ast.Assign) else [node]) != 1:
        return None
    inner = indent + "    "
    if len(left) + 1 <= limit:
        value = line[call.col_offset :]
        if len(inner + value) <= limit:
            return [left + "(", inner + value, indent + ")"]
        split = _split_call(call, line, inner, inner, "", limit)
        return [left + "(", *split, indent + ")"] if split is not None else None
    if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
        return None
    annotation = _text(line, node.annotation)
    target = f"{indent}{node.target.id}: "
    if line[: node.annotation.col_offset] != target or left != f"{target}{annotation} = ":
        return None
    if len(inner + annotation) > limit:
        return None
    split = _split_call(call, line, indent + ") = ", indent, "", limit)
    return [target + "(", inner + annotation, *split] if split is not None else None


def _shape_collection(value: ast.List | ast.Tuple | ast.Set, line: str, indent: str, limit: int) -> _Shape | None:
    """``x = [a, b]``: black splits at the brackets (items on one line, else one per line)."""
    if value.end_col_offset != len(line) or not value.elts or isinstance(value, ast.Tuple) and len(value.elts) == 1:
        return None
    start = value.col_offset
    if line[start] not in "[({" or any(isinstance(e, ast.Starred) for e in value.elts):
        return None
    items = [_text(line, e) for e in value.elts]
    if ", ".join(items) != line[start + 1 : -1]:
        return None
    return _bracketed(line[: start + 1], items, indent + line[-1], indent, limit, exploded=False)


_DISPLAYS = (ast.Dict, ast.List, ast.Set)  # black always explodes these (an "atom" with commas)


def _display_items(value: ast.expr, line: str) -> list[str] | None:
    """The items of a one-line dict, list or set display, as written; None for
    anything else (empty, ``**``, ``*``, a magic trailing comma, ...)."""
    if not isinstance(value, _DISPLAYS) or value.lineno != value.end_lineno:
        return None
    if isinstance(value, ast.Dict):
        if any(k is None for k in value.keys):
            return None
        items = [_text(line, k, v) for k, v in zip(value.keys, value.values) if k is not None]
    else:
        if any(isinstance(e, ast.Starred) for e in value.elts):
            return None
        items = [_text(line, e) for e in value.elts]
    start, end = value.col_offset, value.end_col_offset or 0
    if not items or ", ".join(items) != line[start + 1 : end - 1]:
        return None
    return items


def _split_display(value: ast.expr, line: str, prefix: str, indent: str, suffix: str, limit: int) -> _Shape | None:
    """``prefix`` + a dict, list or set display + ``suffix``, split at its own
    brackets: black puts its items one per line, each with a comma (an item too
    long for its line split at its own brackets, when it is a call or a display)."""
    items = _display_items(value, line)
    if items is None:
        return None
    start, end = value.col_offset, value.end_col_offset or 0
    nodes: list[ast.expr | ast.keyword] = [*value.values] if isinstance(value, ast.Dict) else [*value.elts]  # type: ignore[attr-defined]
    head, tail = prefix + line[start], indent + line[end - 1] + suffix
    return _bracketed(head, items, tail, indent, limit, exploded=True, nodes=nodes, line=line)


def _shape_element(node: ast.expr | ast.keyword, lines: list[str], limit: int, edits: dict[int, _Shape]) -> None:
    """A call or a dict, list or set display alone on its line as an argument or
    item of a bracket already split (``f(a),``, ``name=f(a),``, ``name={a: b},``):
    black splits it at its own brackets."""
    call = node.value if isinstance(node, ast.keyword) else node
    if not isinstance(call, (ast.Call, *_DISPLAYS)) or node.lineno != call.end_lineno or node.lineno - 1 in edits:
        return
    if isinstance(node, ast.keyword) and node.arg is None:
        return
    line = lines[node.lineno - 1]
    if len(line) <= limit or not line.isascii() or line[call.end_col_offset or 0 :] != ",":
        return
    indent = line[: len(line) - len(line.lstrip())]
    if node.col_offset != len(indent):
        return
    if isinstance(call, ast.Call):
        split = _split_call(call, line, line[: call.col_offset], indent, ",", limit)
    else:
        split = _split_display(call, line, line[: call.col_offset], indent, ",", limit)
    if split is not None:
        edits[node.lineno - 1] = split


def _join_one_tuple(node: ast.Tuple, lines: list[str], limit: int, edits: dict[int, _Shape]) -> None:
    """``(\n    item,\n)``: a one-item tuple's comma is not a magic trailing comma,
    so black joins the three lines when they fit on one."""
    first, middle, last = (lines[node.lineno - 1 + k] for k in range(3))
    if any(node.lineno - 1 + k in edits for k in range(3)) or not (first + middle + last).isascii():
        return
    item, closing = middle.strip(), last.lstrip()
    indent = last[: len(last) - len(closing)]
    if first[node.col_offset :] != "(" or not item.endswith(",") or middle != f"{indent}    {item}":
        return
    if not closing.startswith(")") or node.end_col_offset != len(indent) + 1 or "#" in item + closing:
        return
    joined = f"{first}{item}{closing}"
    if len(joined) <= limit:
        edits[node.lineno - 1], edits[node.lineno], edits[node.lineno + 1] = [joined], [], []


def _shape_def(node: ast.FunctionDef, line: str, indent: str, limit: int) -> _Shape | None:
    """A ``def`` header on one line: black splits its parameters (or, without
    any, wraps the return annotation in parentheses)."""
    returns = node.returns
    args = node.args
    if node.decorator_list or returns is None or returns.end_lineno != node.lineno:
        return None
    if args.posonlyargs or args.vararg or args.kwarg or line[returns.end_col_offset or 0 :] != ":":
        return None
    inner = indent + "    "
    if not args.args and not args.kwonlyargs:
        head = line[: returns.col_offset]
        annotation = _text(line, returns)
        if not head.endswith(") -> ") or len(head) + 1 > limit:
            return None
        if len(inner + annotation) <= limit:
            return [head + "(", inner + annotation, indent + "):"]
        if isinstance(returns, ast.Subscript) and isinstance(returns.slice, ast.Tuple) and returns.slice.elts:
            # ``-> X[`` / ``A, B`` (or one per line) / ``]:``: black hugs the brackets
            items = [_text(line, e) for e in returns.slice.elts]
            outer = _text(line, returns.value)
            if annotation != f"{outer}[{', '.join(items)}]":
                return None
            deeper = inner + "    "
            if len(deeper + ", ".join(items)) <= limit:  # in parentheses, the items on one line
                return [head + "(", f"{inner}{outer}[", deeper + ", ".join(items), inner + "]", indent + "):"]
            return _bracketed(f"{head}{outer}[", items, indent + "]:", indent, limit, exploded=True)
        if isinstance(returns, ast.Subscript) and not isinstance(returns.slice, (ast.Tuple, ast.Slice)):
            # ``-> (`` / ``X[`` / ``Y`` / ``]`` / ``):``: the subscript split at its brackets
            outer = _text(line, returns.value)
            item = _text(line, returns.slice)
            deeper = inner + "    "
            if annotation == f"{outer}[{item}]" and len(deeper + item) <= limit:
                return [head + "(", f"{inner}{outer}[", deeper + item, inner + "]", indent + "):"]
        return None
    items = []
    defaults: list[ast.expr | None] = [None] * (len(args.args) - len(args.defaults))
    defaults += args.defaults
    for arg, default in zip(args.args, defaults):
        items.append(_text(line, arg, default))
    if args.kwonlyargs:
        items.append("*")
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults):
        items.append(_text(line, arg, kw_default))
    prefix = f"{indent}def {node.name}("
    close = line.find(") -> ", len(prefix))
    if not line.startswith(prefix) or close < 0 or line[len(prefix) : close] != ", ".join(items):
        return None
    tail = [indent + line[close:]]
    if len(tail[0]) > limit:  # ``) -> X[`` / ``Y`` / ``]:``: the return annotation split too
        if not isinstance(returns, ast.Subscript) or isinstance(returns.slice, ast.Slice):
            return None
        elts = returns.slice.elts if isinstance(returns.slice, ast.Tuple) else [returns.slice]
        outer, inside = _text(line, returns.value), [_text(line, e) for e in elts]
        if not inside or _text(line, returns) != f"{outer}[{', '.join(inside)}]":
            return None
        split = _bracketed(f"{indent}) -> {outer}[", inside, indent + "]:", indent, limit, exploded=False)
        if split is None:
            return None
        tail = split
    if len(items) == 1 and items[0] != "*":  # black adds a comma to a lone parameter it splits
        if len(inner + items[0]) + 1 > limit or len(prefix) > limit:
            return None
        return [prefix, f"{inner}{items[0]},", *tail]
    shaped = _bracketed(prefix, items, indent + ")", indent, limit, exploded=False)
    return shaped[:-1] + tail if shaped is not None else None


def _shape_class(node: ast.ClassDef, line: str, indent: str, limit: int) -> _Shape | None:
    """``class X(Base):`` too long: black puts the bases on their own line."""
    if node.decorator_list or node.keywords or not node.bases or node.bases[-1].end_lineno != node.lineno:
        return None
    prefix = f"{indent}class {node.name}("
    items = [_text(line, base) for base in node.bases]
    if not line.startswith(prefix) or line != f"{prefix}{', '.join(items)}):":
        return None
    return _bracketed(prefix, items, indent + "):", indent, limit, exploded=False)


def _shape_assert(node: ast.Assert, line: str, indent: str, limit: int) -> _Shape | None:
    """``assert left == right``: black wraps the test in parentheses, or splits
    a collection on the right one item per line."""
    test = node.test
    if node.msg is not None or not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    if line[: test.col_offset] != indent + "assert ":
        return None
    right = test.comparators[0]
    inner = indent + "    "
    if isinstance(right, (ast.List, ast.Set, ast.Dict)) and right.end_col_offset == len(line):
        if isinstance(right, ast.Dict):
            if not right.keys or any(k is None for k in right.keys):
                return None
            items = [_text(line, k, v) for k, v in zip(right.keys, right.values) if k is not None]
        else:
            if not right.elts:
                return None
            items = [_text(line, e) for e in right.elts]
        if ", ".join(items) != line[right.col_offset + 1 : -1]:
            return None
        nodes: list[ast.expr | ast.keyword] = [*(right.values if isinstance(right, ast.Dict) else right.elts)]
        head = line[: right.col_offset + 1]
        return _bracketed(head, items, indent + line[-1], indent, limit, exploded=True, nodes=nodes, line=line)
    if not isinstance(right, (ast.Constant, ast.Name, ast.Attribute)):
        return None
    if len(inner + _text(line, test)) <= limit:
        return [indent + "assert (", inner + _text(line, test), indent + ")"]
    left = _text(line, test.left)
    operator = line[test.left.end_col_offset : right.col_offset].strip()
    if operator not in ("==", "!=", "is", "is not", "in", "not in") or len(inner + left) > limit:
        return None
    return [indent + "assert (", inner + left, f"{inner}{operator} {_text(line, right)}", indent + ")"]


def _shape_import(line: str, indent: str, limit: int) -> _Shape | None:
    """``from m import a, b``: black always puts the names one per line."""
    head, sep, names = line.partition(" import ")
    if not sep or "(" in names or "#" in names:
        return None
    return _bracketed(f"{head} import (", names.split(", "), indent + ")", indent, limit, exploded=True)
