"""Spec-change reports: what changed in the generated client between two specs.

Both sides are reduced to a *summary* of the IR (:func:`summarize`): the
operations, parameters, models, fields and enums with the names and types
users of the generated client see. The summary is plain JSON; every generated
package keeps the one it was built from in its manifest, so ``specgen
generate`` can report what a new spec changes without the old spec file.

A change is *breaking* when code written against the old client can fail with
the new one: a removed operation, parameter, model, field, enum or enum value;
a changed type; a parameter that became required (or a new required one); a
changed HTTP method or path; a field that can now be ``None``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .filters import comment, markdown
from ..ir.nodes import Api

SUMMARY_FORMAT = 1


# -- summary ---------------------------------------------------------------


def summarize(api: Api) -> dict[str, Any]:
    """The client's surface as plain, JSON-ready data."""
    return {
        "format": SUMMARY_FORMAT,
        "title": api.title,
        "version": api.version,
        "operations": {
            str(op.name): {
                "operation_id": op.operation_id,
                "method": op.method,
                "path": op.path,
                "returns": str(op.return_annotation),
                "deprecated": op.deprecated,
                "parameters": {
                    str(p.name): {
                        "wire": p.wire_name,
                        "in": p.location,
                        "type": _base(str(p.annotation)),
                        "required": p.required,
                        "rules": {str(c.keyword): _jsonable(c.value) for c in p.constraints},
                    }
                    for p in op.parameters
                },
            }
            for op in api.operations
        },
        "models": {
            str(m.name): {
                "fields": {
                    str(f.name): {"wire": f.wire_name, "type": str(f.annotation), "required": f.required}
                    for f in m.fields
                }
            }
            for m in api.models
        },
        "enums": {str(e.name): [m.value for m in e.members] for e in api.enums},
    }


def _base(annotation: str) -> str:
    return annotation[: -len(" | None")] if annotation.endswith(" | None") else annotation


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# -- comparison ------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference, phrased for people; ``section`` groups it in a changelog.

    ``text`` is our own wording with ``{}`` where ``values`` (names, types,
    paths, enum values: possibly spec text) go, so that each report can quote
    them its own way.
    """

    section: str  # "added", "removed" or "changed"
    subject: str  # "operation", "parameter", "model", "field", "enum", "enum value"
    where: str  # e.g. "PhoneNumber.sid" or "list_phone_numbers(page_size)"
    text: str  # e.g. "type changed from {} to {}"
    values: tuple[str, ...]
    breaking: bool

    def plain(self) -> str:
        return self.text.format(*self.values)


def _change(section: str, subject: str, where: str, text: str, *values: Any, breaking: bool) -> Change:
    return Change(section, subject, where, text, tuple(str(v) for v in values), breaking)


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from the ``old`` summary to the ``new`` one, breaking ones first."""
    changes: list[Change] = []
    _operations(old.get("operations", {}), new.get("operations", {}), changes)
    _models(old.get("models", {}), new.get("models", {}), changes)
    _enums(old.get("enums", {}), new.get("enums", {}), changes)
    return sorted(changes, key=lambda c: (not c.breaking, _SECTIONS.index(c.section), c.subject, c.where, c.text))


_SECTIONS = ("removed", "changed", "added")


def _operations(old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    for name in sorted(set(old) - set(new)):
        op = old[name]
        out.append(_change("removed", "operation", name, "{} {}", op["method"], op["path"], breaking=True))
    for name in sorted(set(new) - set(old)):
        op = new[name]
        out.append(_change("added", "operation", name, "{} {}", op["method"], op["path"], breaking=False))
    for name in sorted(set(old) & set(new)):
        a, b = old[name], new[name]
        if (a["method"], a["path"]) != (b["method"], b["path"]):
            out.append(
                _change(
                    "changed",
                    "operation",
                    name,
                    "now {} {} (was {} {})",
                    b["method"],
                    b["path"],
                    a["method"],
                    a["path"],
                    breaking=True,
                )
            )
        if a["returns"] != b["returns"]:
            out.append(
                _change("changed", "operation", name, "returns {} (was {})", b["returns"], a["returns"], breaking=True)
            )
        if a["deprecated"] != b["deprecated"]:
            text = "deprecated" if b["deprecated"] else "no longer deprecated"
            out.append(_change("changed", "operation", name, text, breaking=False))
        _parameters(name, a["parameters"], b["parameters"], out)


def _parameters(op: str, old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    for name in sorted(set(old) - set(new)):
        out.append(
            _change(
                "removed",
                "parameter",
                f"{op}({name})",
                "{} parameter {}",
                old[name]["in"],
                old[name]["wire"],
                breaking=True,
            )
        )
    for name in sorted(set(new) - set(old)):
        p = new[name]
        kind = "required" if p["required"] else "optional"
        out.append(
            _change(
                "added",
                "parameter",
                f"{op}({name})",
                kind + " {} parameter {}",
                p["in"],
                p["wire"],
                breaking=p["required"],
            )
        )
    for name in sorted(set(old) & set(new)):
        a, b = old[name], new[name]
        where = f"{op}({name})"
        if a["type"] != b["type"]:
            out.append(
                _change(
                    "changed", "parameter", where, "type changed from {} to {}", a["type"], b["type"], breaking=True
                )
            )
        if a["required"] != b["required"]:
            text = "now required" if b["required"] else "now optional"
            out.append(_change("changed", "parameter", where, text, breaking=b["required"]))
        if a["in"] != b["in"]:
            positional = (a["in"] == "path") != (b["in"] == "path")
            out.append(
                _change("changed", "parameter", where, "moved from {} to {}", a["in"], b["in"], breaking=positional)
            )
        if a["wire"] != b["wire"]:
            out.append(
                _change("changed", "parameter", where, "sent as {} (was {})", b["wire"], a["wire"], breaking=False)
            )
        if a.get("rules") != b.get("rules"):
            out.append(
                _change(
                    "changed",
                    "parameter",
                    where,
                    "rules now {} (were {})",
                    _rules(b.get("rules")),
                    _rules(a.get("rules")),
                    breaking=False,
                )
            )


def _rules(rules: dict[str, Any] | None) -> str:
    if not rules:
        return "none"
    return ", ".join(f"{k}={v!r}" for k, v in sorted(rules.items()))


def _models(old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    for name in sorted(set(old) - set(new)):
        out.append(_change("removed", "model", name, "", breaking=True))
    for name in sorted(set(new) - set(old)):
        out.append(_change("added", "model", name, "", breaking=False))
    for name in sorted(set(old) & set(new)):
        a, b = old[name]["fields"], new[name]["fields"]
        for field in sorted(set(a) - set(b)):
            out.append(_change("removed", "field", f"{name}.{field}", "{}", a[field]["type"], breaking=True))
        for field in sorted(set(b) - set(a)):
            out.append(_change("added", "field", f"{name}.{field}", "{}", b[field]["type"], breaking=False))
        for field in sorted(set(a) & set(b)):
            fa, fb = a[field], b[field]
            where = f"{name}.{field}"
            if fa["type"] != fb["type"]:
                narrowed = fa["type"] == fb["type"] + " | None"  # can no longer be None: safe to read
                out.append(
                    _change(
                        "changed",
                        "field",
                        where,
                        "type changed from {} to {}",
                        fa["type"],
                        fb["type"],
                        breaking=not narrowed,
                    )
                )
            if fa["wire"] != fb["wire"]:
                out.append(
                    _change("changed", "field", where, "read from {} (was {})", fb["wire"], fa["wire"], breaking=False)
                )


def _enums(old: dict[str, Any], new: dict[str, Any], out: list[Change]) -> None:
    for name in sorted(set(old) - set(new)):
        out.append(_change("removed", "enum", name, "", breaking=True))
    for name in sorted(set(new) - set(old)):
        out.append(
            _change("added", "enum", name, ", ".join("{}" for _ in new[name]), *map(repr, new[name]), breaking=False)
        )
    for name in sorted(set(old) & set(new)):
        a, b = old[name], new[name]
        for value in [v for v in a if v not in b]:
            out.append(_change("removed", "enum value", name, "{}", repr(value), breaking=True))
        for value in [v for v in b if v not in a]:
            out.append(_change("added", "enum value", name, "{}", repr(value), breaking=False))


# -- reports ---------------------------------------------------------------


def _plain(text: str) -> str:
    """Spec text made safe for a terminal: control and bidi characters escaped."""
    return str(comment(text))


def change_line(change: Change) -> str:
    """One change as plain text, without its breaking mark."""
    detail = f": {change.plain()}" if change.text else ""
    return _plain(f"{change.section} {change.subject} {change.where}{detail}")


def render_text(changes: list[Change], label: str, paint: Any = None) -> str:
    """The report for a terminal: one line per change, breaking ones marked."""
    paint = paint or (lambda text, _style: text)
    breaking = sum(c.breaking for c in changes)
    head = f"{_plain(label)}: {len(changes)} API change(s), {breaking} breaking"
    lines = [paint(head, "bold")]
    for change in changes:
        mark = paint("BREAKING", "red") if change.breaking else "        "
        lines.append(f"  {mark} {change_line(change)}")
    return "\n".join(lines) + "\n"


def render_markdown(changes: list[Change], package: str, old_version: str, new_version: str) -> str:
    """A changelog entry: a heading and one bullet per change, grouped."""
    if old_version != new_version:
        versions = f"{markdown(old_version, code=True)} → {markdown(new_version, code=True)}"
    else:
        versions = f"{markdown(new_version, code=True)}"
    lines = [f"## {markdown(package, code=True)} {versions}", ""]
    groups = (
        ("Breaking changes", [c for c in changes if c.breaking]),
        ("Added", [c for c in changes if not c.breaking and c.section == "added"]),
        ("Changed", [c for c in changes if not c.breaking and c.section == "changed"]),
        ("Removed", [c for c in changes if not c.breaking and c.section == "removed"]),
    )
    for title, items in groups:
        if not items:
            continue
        lines += [f"### {title}", ""]
        for change in items:
            detail = ""
            if change.text:
                detail = ": " + change.text.format(*(markdown(v, code=True) for v in change.values))
            lines.append(
                f"- {change.section.capitalize()} {change.subject} {markdown(change.where, code=True)}{detail}"
            )
        lines.append("")
    if not changes:
        lines += ["No changes to the client's API.", ""]
    return "\n".join(lines)


CHANGELOG_TITLE = "# Changelog\n"


def prepend_changelog(path: Path, entry: str) -> None:
    """Put ``entry`` first in the changelog at ``path`` (created if missing).

    A changelog that is a symbolic link leading out of its own folder, or not a
    regular file, is refused (:class:`generator.fsguard.UnsafePath`) unread: its
    target's text would land in the project's changelog. A link leading into
    the folder is kept, and its target updated.
    """
    import os
    import tempfile

    from ..fsguard import file_to_write, open_regular

    target = file_to_write(path, "changelog")
    existing = ""
    if os.path.lexists(target):
        with open_regular(target) as handle:
            existing = handle.read().decode("utf-8")
    if existing.startswith(CHANGELOG_TITLE):
        rest = existing[len(CHANGELOG_TITLE) :].lstrip("\n")
    else:
        rest = existing
    text = CHANGELOG_TITLE + "\n" + entry.rstrip("\n") + "\n"
    if rest:
        text += "\n" + rest
    target.parent.mkdir(parents=True, exist_ok=True)
    # A new, unique file (never one found there: a link planted at a fixed name would be followed).
    handle_fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle_fd, "w", encoding="utf-8") as out:
            out.write(text)
        if os.path.exists(target):
            os.chmod(tmp, os.stat(target).st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
