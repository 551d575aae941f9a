"""What to run instead, for a bare ``specgen check`` that found nothing to check."""

from __future__ import annotations

import os

from ..write.manifest import MANIFEST_NAME


def check_hint(limit: int = 2000) -> str:
    """For a bare ``check`` without specs: where vendored packages are, or what to run.

    Looks at the folders of the working folder and their subfolders (at most
    ``limit`` entries) for a package's manifest; no link is followed.
    """
    found: list[str] = []
    budget = limit
    try:
        with os.scandir(".") as top:
            folders = sorted(e.name for e in top if not e.name.startswith(".") and e.is_dir(follow_symlinks=False))
    except OSError:
        folders = []
    for name in folders[:limit]:
        try:
            with os.scandir(name) as inner:
                for entry in inner:
                    budget -= 1
                    if budget < 0 or entry.is_dir(follow_symlinks=False) and os.path.isfile(
                        os.path.join(entry.path, MANIFEST_NAME)
                    ):
                        break
                else:
                    continue
        except OSError:
            continue
        if budget < 0:
            break
        found.append(f"`specgen check {name}/`")
    if found:
        return f"; to check the vendored packages against their manifests, run {' or '.join(found[:3])}"
    return "; to check vendored packages, run `specgen check <folder of packages>`; to start a spec, `specgen init`"
