"""The pure core (issue 17, part 2): ``generate(spec) -> {path: text}`` writes nothing.

Every disk cache belongs to the CLI: the core takes a :class:`generator.store.Store`
from its caller and never imports generator.commands.cache. Checked in a child process
(an audit hook cannot be removed), after a first run has imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import GOLDEN, ROOT
from generator.pipeline import generate_package

SEED = ROOT / "spec" / "twilio_trunking_v1.yaml"
EXTERNAL = GOLDEN / "external_refs" / "external_refs.yaml"  # reads files beside the spec

_CHILD = r"""
import json, os, sys
from pathlib import Path
from generator.pipeline import generate, generate_package

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
EVENTS = {
    "os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.symlink", "os.link", "os.truncate",
    "os.chmod", "os.chown", "os.utime", "shutil.rmtree", "shutil.copyfile", "shutil.move",
    "tempfile.mkstemp", "tempfile.mkdtemp", "os.fork", "subprocess.Popen", "os.system",
}
writes = []
armed = False

def hook(event, args):
    if not armed:
        return
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & WRITE_FLAGS
        )
        if writing:
            writes.append(f"open {path!r} {mode!r} {flags!r}")
    elif event in EVENTS:
        writes.append(f"{event} {args!r:.200}")

class DictStore:
    def __init__(self):
        self.entries, self.hits = {}, 0
    def get(self, kind, key):
        found = self.entries.get((kind, key))
        self.hits += found is not None
        return found
    def put(self, kind, key, data):
        self.entries[(kind, key)] = data
    def folder(self, kind):
        return None

specs = sys.argv[1:]
first = {spec: generate(spec) for spec in specs}  # imports black, the validator...: then armed
sys.addaudithook(hook)
armed = True
same = all(generate(spec) == first[spec] for spec in specs)
store = DictStore()
cached = [generate_package(spec, cache=store).files for spec in specs]
hits_before = store.hits
again = [generate_package(spec, cache=store).files for spec in specs]
armed = False
print(json.dumps({
    "writes": writes,
    "same": same and cached == again == [first[s] for s in specs],
    "entries": len(store.entries),
    "hits": store.hits - hits_before,
}))
"""


def test_generate_writes_nothing_with_or_without_a_store(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(SEED), str(EXTERNAL)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["writes"] == [], "the core wrote to disk"
    assert found["same"], "a store changes no byte"
    assert found["entries"] > 0 and found["hits"] > 0, "the store was used: entries kept, then read"
    assert not (tmp_path / "cache").exists(), "no disk cache unless the CLI passes one"
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "nothing in the working directory"


def test_the_core_does_not_import_the_disk_cache() -> None:
    code = (
        "import sys, generator.pipeline, generator.ir.build, generator.ir.runtime_names, generator.format.files\n"
        "print('generator.commands.cache' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_core_takes_any_store() -> None:
    """A dict is a store too: same bytes as with no store."""

    class DictStore:
        def __init__(self) -> None:
            self.entries: dict[tuple[str, str], bytes] = {}

        def get(self, kind: str, key: str) -> bytes | None:
            return self.entries.get((kind, key))

        def put(self, kind: str, key: str, data: bytes) -> None:
            self.entries[(kind, key)] = data

        def folder(self, kind: str) -> Path | None:
            return None

    store = DictStore()
    plain = generate_package(SEED).files
    assert generate_package(SEED, cache=store).files == plain
    assert {"pack", "valid"} <= {kind for kind, _ in store.entries}  # "names": memoised in the process
    assert generate_package(SEED, cache=store).files == plain
