"""Replace output packages atomically, or compare with them."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fsguard import UnsafePath, link_text
from ..killpoint import reached
from .manifest import MANIFEST_NAME

# difflib, shutil and tempfile are imported where used: `specgen check` with
# nothing to report, the common case, needs none of them.


def safe_target(root: Path, relative: str, real_root: Path | None = None) -> Path:
    """``root / relative`` below the resolved ``root``, refusing (:class:`UnsafePath`, a
    ValueError) anything that would land outside it or pass through a symbolic link.

    Links up to and at ``root`` are followed (an output folder linked elsewhere
    is a normal setup); below it, none is: the path returned is not resolved,
    so what is renamed or written is the entry itself, never where a link leads.
    ``real_root`` is ``root.resolve()``, when the caller already has it (a
    package's files share one root: resolving it once saves a walk per file).
    """
    parts = Path(relative).parts
    if Path(relative).is_absolute() or any(p in ("..", "") for p in parts) or "\\" in relative:
        raise UnsafePath(f"refusing to write outside the output directory: {relative!r}")
    if not parts or "\x00" in relative:  # "" and "." name the root itself
        raise UnsafePath(f"refusing to write to {relative!r}: not a file below the output directory")
    base = real_root if real_root is not None else root.resolve()
    current = base
    for part in parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except OSError:  # missing (so is everything below it), or not a folder
            break
        if stat.S_ISLNK(mode):
            raise UnsafePath(f"refusing to write through a symbolic link: {current} (to {link_text(current)})")
    return base.joinpath(*parts)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def split_packages(files: dict[str, str]) -> dict[str, dict[str, str]]:
    """``{package/inner path: text}`` grouped by package: ``{package: {inner path: text}}``."""
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
    staged: list[Staged] = []
    try:
        for package, inner in sorted(split_packages(files).items()):
            staged.append(stage_package(root, package, inner))
    except BaseException:
        discard(staged)
        raise
    commit(staged)


@dataclass(frozen=True)
class Staged:
    """A package written in full to a hidden folder beside its final place."""

    stage: Path
    final: Path
    created: Path | None = None  # the outermost folder staging had to create


def stage_package(root: Path, package: str, inner: dict[str, str]) -> Staged:
    """Write one package (``inner``: paths inside it) to a hidden folder under ``root``.

    Nothing visible changes until :func:`commit`; :func:`discard` removes it.
    The CLI stages each package as soon as it is generated, so that a run over
    many specs holds one package in memory at a time, not all of them.
    """
    import tempfile

    created = None
    for folder in (root, *root.parents):
        if folder.exists():
            break
        created = folder
    root.mkdir(parents=True, exist_ok=True)
    final = safe_target(root, package)
    stage = Path(tempfile.mkdtemp(prefix=f".{package}.new-", dir=root))
    reached("stage-created")
    try:
        stage.chmod(0o777 & ~_umask())
        stage_real = stage.resolve()
        if MANIFEST_NAME in inner:  # first: a stage left by a killed run is then provably ours (write/recover.py)
            _write_synced((stage_real / MANIFEST_NAME, inner[MANIFEST_NAME]))
        reached("stage-manifest")
        to_write = []
        made: set[Path] = {stage_real}
        for relative, text in sorted(inner.items()):
            if relative == MANIFEST_NAME:
                continue
            target = safe_target(stage, relative, stage_real)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if not _link_if_unchanged(final, relative, target, text):
                to_write.append((target, text))
        if len(to_write) <= _INLINE_WRITES:  # a one-line change: no threads to start
            for item in to_write:
                _write_synced(item)
        else:
            from concurrent.futures import ThreadPoolExecutor

            # fsync waits for the disk and releases the GIL: a few threads let the
            # disk take the files together (a package can have hundreds).
            with ThreadPoolExecutor(max_workers=_WRITERS) as pool:
                for _ in pool.map(_write_synced, to_write):
                    pass
    except BaseException:
        discard([Staged(stage, final, created)])
        raise
    return Staged(stage, final, created)


_WRITERS = 8
_INLINE_WRITES = 3  # up to this many changed files are written without threads


def _write_synced(item: tuple[Path, str]) -> None:
    target, text = item
    with open(target, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done, then act as they would
    have (Ctrl-C raises KeyboardInterrupt right after the block): a package
    swap is never cut in half. The handlers are swapped for ones that only
    take note, which works on every platform and whichever thread the signal
    lands on; outside the main thread (where handlers cannot be set) the
    block runs unprotected."""
    import signal  # not for a run that writes nothing
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def take_note(signum: int, frame: object) -> None:
        held.append(signum)

    wanted = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    previous: dict[int, Any] = {}
    try:
        for signum in wanted:
            previous[signum] = signal.signal(signum, take_note)
        yield
    finally:
        for number, handler in previous.items():
            # None: a handler set outside Python, which cannot be put back; the default is.
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
    if held:
        signal.raise_signal(held[0])  # now: the restored handler raises KeyboardInterrupt (or ends the process)


def commit(staged: list[Staged]) -> None:
    """Swap each staged package in for its old folder (one rename each).

    Call it inside :func:`signals_held`, with the output folder's lock held
    (write/lock.py): between the two renames of a swap the package is in neither
    place. A run killed there leaves the old one as ``.<package>.old-*``, which
    the next run puts back (write/recover.py)."""
    if not staged:  # a run with nothing to write: no imports either
        return
    import tempfile

    from .recover import remove_package

    reached("commit")
    for item in staged:
        old = None
        if item.final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{item.final.name}.old-", dir=item.final.parent))
            old.rmdir()
            os.replace(item.final, old)
            reached("swap-old-moved")
        os.replace(item.stage, item.final)
        reached("swap-new-moved")
        if old is not None:
            with contextlib.suppress(OSError):  # what is left, the next run removes (write/recover.py)
                remove_package(old, emptied=lambda: reached("old-emptied"))


def discard(staged: list[Staged]) -> None:
    """Remove staged packages that will not be committed."""
    import shutil

    for item in staged:
        shutil.rmtree(item.stage, ignore_errors=True)
    for item in staged:
        if item.created is None:
            continue
        folder = item.stage.parent
        while True:  # the folders staging created, innermost first, if still empty
            try:
                folder.rmdir()
            except OSError:
                break
            if folder == item.created:
                break
            folder = folder.parent


def _link_if_unchanged(final_real: Path, relative: str, target: Path, text: str) -> bool:
    """Hard-link the current ``final_real / relative`` as ``target`` if it already holds ``text``.

    An unchanged file is already on disk, so it needs neither writing nor an
    fsync: after a one-line spec change only the changed files cost I/O.
    ``final_real`` is the package folder (as :func:`safe_target` gives it); the
    file is taken only from inside it, through no link (``safe_target`` refuses
    them). Any doubt (no such file, another filesystem, no hard links) falls
    back to writing.
    """
    try:
        current = safe_target(final_real, relative, final_real)
        if not current.is_file() or current.read_bytes() != text.encode("utf-8"):
            return False
        os.link(current, target)
        return True
    except (OSError, ValueError, UnicodeEncodeError):
        return False


def read_package(root: Path, package: str) -> dict[str, str]:
    """The files currently on disk for ``package``, keyed like ``generate``'s output.

    Links are not followed and special files not opened (see :func:`generator.fsguard.scan_package`).
    """
    from ..fsguard import scan_package

    scan = scan_package(root / package)
    return {f"{package}/{k}": v.decode("utf-8", errors="replace") for k, v in scan.files.items()}


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
