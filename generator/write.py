"""Stage 6, write: replace output packages atomically, or compare with them."""

from __future__ import annotations

import os
from pathlib import Path

# difflib, shutil and tempfile are imported where used: `specgen check` with
# nothing to report, the common case, needs none of them.


def safe_target(root: Path, relative: str) -> Path:
    """``root / relative``, refusing anything that would land outside ``root``."""
    parts = Path(relative).parts
    if Path(relative).is_absolute() or any(p in ("..", "") for p in parts) or "\\" in relative:
        raise ValueError(f"refusing to write outside the output directory: {relative!r}")
    if not parts or "\x00" in relative:  # "" and "." name the root itself
        raise ValueError(f"refusing to write to {relative!r}: not a file below the output directory")
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ValueError(f"refusing to write outside the output directory: {relative!r}")
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def split_packages(files: dict[str, str]) -> dict[str, dict[str, str]]:
    packages: dict[str, dict[str, str]] = {}
    for relative, text in files.items():
        package, _, inner = relative.partition("/")
        packages.setdefault(package, {})[inner] = text
    return packages


def write_packages(root: Path, files: dict[str, str]) -> None:
    """Write every package under ``root``, each swapped in whole.

    All packages are written to temporary folders first; only then is each old
    package folder swapped for its new one with renames. If writing fails,
    nothing under ``root`` has changed.
    """
    import shutil
    import tempfile

    root.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for package, inner in sorted(split_packages(files).items()):
            final = safe_target(root, package)
            stage = Path(tempfile.mkdtemp(prefix=f".{package}.new-", dir=root))
            stage.chmod(0o777 & ~_umask())
            staged.append((stage, final))
            for relative, text in sorted(inner.items()):
                target = safe_target(stage, relative)
                target.parent.mkdir(parents=True, exist_ok=True)
                if _link_if_unchanged(final, relative, target, text):
                    continue
                with open(target, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
    except BaseException:
        for stage, _final in staged:
            shutil.rmtree(stage, ignore_errors=True)
        raise
    for stage, final in staged:
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=root))
            old.rmdir()
            os.replace(final, old)
        os.replace(stage, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _link_if_unchanged(final_root: Path, relative: str, target: Path, text: str) -> bool:
    """Hard-link the current ``final_root / relative`` as ``target`` if it already holds ``text``.

    An unchanged file is already on disk, so it needs neither writing nor an
    fsync: after a one-line spec change only the changed files cost I/O. Any
    doubt (no such file, a symlink, another filesystem, no hard links) falls
    back to writing.
    """
    try:
        current = safe_target(final_root, relative)
        if current.is_symlink() or not current.is_file():
            return False
        if not os.path.realpath(current).startswith(os.path.realpath(final_root) + os.sep) or final_root.is_symlink():
            return False  # never link in a file from outside the package
        if current.read_bytes() != text.encode("utf-8"):
            return False
        os.link(current, target)
        return True
    except (OSError, ValueError, UnicodeEncodeError):
        return False


def read_package(root: Path, package: str) -> dict[str, str]:
    """The files currently on disk for ``package``, keyed like ``generate``'s output."""
    base = root / package
    found: dict[str, str] = {}
    if not base.is_dir():
        return found
    for path in sorted(base.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith((".pyc", ".pyo")):
            relative = path.relative_to(root).as_posix()
            found[relative] = path.read_text(encoding="utf-8", errors="replace")
    return found


def diff(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Unified diffs, one per differing file, from what is on disk to what is expected."""
    import difflib

    out = []
    for relative in sorted(set(expected) | set(actual)):
        old = actual.get(relative)
        new = expected.get(relative)
        if old == new:
            continue
        out.append(
            "".join(
                difflib.unified_diff(
                    (old or "").splitlines(keepends=True),
                    (new or "").splitlines(keepends=True),
                    fromfile=f"a/{relative}" if old is not None else "/dev/null",
                    tofile=f"b/{relative}" if new is not None else "/dev/null",
                )
            )
        )
    return out
