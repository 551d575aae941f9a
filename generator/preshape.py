"""Stage 5, format: shape long simple statements as black would, before black runs.

black formats a block in one pass when it has nothing to change, and in two
passes plus a search for where to split when it does: most of its time on
generated code goes to long lines (a call with its arguments, a signature, an
``assert``, an import). This pass writes the common cases in the shape black
gives them, so that black finds nothing to do. black still formats every block
and has the last word: a shape guessed wrong costs time, never bytes (tests
compare black's output with and without this pass on every golden case and on
the Twilio corpus).

Only single-line statements (and single-line ``def`` headers) of a few forms
are touched, only in ASCII blocks, and only when every resulting line fits;
anything else is left to black.
"""

from __future__ import annotations

import ast

_Shape = list[str]  # the lines that replace one long line


def preshape(block: str, limit: int = 88) -> str:
    """``block`` with its long simple statements split the way black splits them."""
    if not block.isascii():  # ast's offsets are in bytes; ASCII keeps them in characters
        return block
    try:
        tree = ast.parse(block)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return block
    lines = block.split("\n")
    edits: dict[int, _Shape] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            shape = _shape(node, lines, limit)
            if shape is not None:
                edits[node.lineno - 1] = shape
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
    if node.end_lineno != node.lineno or node.end_col_offset != len(line):
        return None
    if isinstance(node, ast.Assert):
        return _shape_assert(node, line, indent, limit)
    if isinstance(node, ast.ImportFrom):
        return _shape_import(line, indent, limit)
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)) and isinstance(node.value, ast.Call):
        return _shape_call(node.value, line, indent, limit)
    return None


def _text(line: str, node: ast.AST, end: ast.AST | None = None) -> str:
    start = getattr(node, "col_offset")
    stop = getattr(end if end is not None else node, "end_col_offset")
    return line[start:stop]


def _bracketed(head: str, items: list[str], tail: str, indent: str, limit: int, exploded: bool) -> _Shape | None:
    """``head`` / the items / ``tail``: on one indented line if they fit (unless
    black always explodes this kind of bracket), else one per line with a
    trailing comma."""
    inner = indent + "    "
    if len(head) > limit or len(tail) > limit:
        return None
    body = ", ".join(items)
    if not exploded and len(inner + body) <= limit:
        return [head, inner + body, tail]
    if len(items) == 1:  # no comma to split at: black adds none
        return [head, inner + body, tail] if len(inner + body) <= limit else None
    if all(len(inner + item) + 1 <= limit for item in items):
        return [head, *(f"{inner}{item}," for item in items), tail]
    return None


def _shape_call(call: ast.Call, line: str, indent: str, limit: int) -> _Shape | None:
    """``x = f(a, b)``, ``return f(a, b)``, ``f(a, b)``: black splits at the call's brackets."""
    if call.end_col_offset != len(line) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    if any(k.arg is None for k in call.keywords):
        return None
    paren = call.func.end_col_offset
    if paren is None or line[paren : paren + 1] != "(":
        return None
    body = line[paren + 1 : -1]
    parts: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    parts.sort(key=lambda n: (n.lineno, n.col_offset))
    items = [_text(line, part) for part in parts]
    if not items or ", ".join(items) != body:  # also refuses a magic trailing comma
        return None
    return _bracketed(line[: paren + 1], items, indent + ")", indent, limit, exploded=False)


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
        if head.endswith(") -> ") and len(head) + 1 <= limit and len(inner + annotation) <= limit:
            return [head + "(", inner + annotation, indent + "):"]
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
    return _bracketed(prefix, items, indent + line[close:], indent, limit, exploded=False)


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
        return _bracketed(line[: right.col_offset + 1], items, indent + line[-1], indent, limit, exploded=True)
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
