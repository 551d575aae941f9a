"""specgen's stages, timed in-process for one spec (run in a fresh process).

    python -m bench.stages SPEC --out-dir DIR --json FILE

Times ``import generator.pipeline``, then one ``generate_package(SPEC)`` split
into load, validate, IR, render, format and manifest, then
``write_packages`` into DIR.

How the split is made, most precise first:

1. If ``generate_package`` accepts a ``timings`` argument (a hook the
   pipeline may grow), it is passed a dict and what it fills in is reported.
2. Otherwise the stage functions that ``generator.pipeline`` calls through its
   module namespace (``load_spec``, ``validate``, ``build_api``,
   ``environment``/``record_templates``/``render``, ``format_source`` and any
   other function with "format" in its name, ``build_manifest``/
   ``templates_digest``; functions with "valid" in their name count as
   validate) are wrapped with timers for the duration of one call,
   so whatever path the pipeline takes (a cache, a parallel pool) is timed as
   it really runs. Time inside ``generate_package`` that no wrapper saw is
   reported as "other". With ``jobs`` above 1 validation runs in a forked
   process beside IR, render and format: "validate" is then the pipeline's
   own time for it (``start_validation`` and ``wait_for_validation``: forking,
   and waiting for the verdict once the other stages are done), not the
   child's, whose work is hidden by the overlap.

``generate_package`` gets what the CLI would pass it, for the parameters it
has: ``cache`` (``generator.commands.cache.Cache.from_env()``, i.e. whatever
``SPECGEN_CACHE_DIR`` names; the caller points it at an empty folder, so this
is a cold generation) and ``jobs`` (the number of CPUs).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAGE_ORDER = ("import", "load", "validate", "IR", "render", "format", "manifest", "other", "write")

KNOWN = {
    "load_spec": "load",
    "validate": "validate",
    "build_api": "IR",
    "environment": "render",
    "record_templates": "render",
    "render": "render",
    "format_source": "format",
    "build_manifest": "manifest",
    "templates_digest": "manifest",
}
# Names a timings hook might use, mapped onto the stages above.
ALIASES = {
    "load": "load",
    "load_spec": "load",
    "parse": "load",
    "validate": "validate",
    "validation": "validate",
    "ir": "IR",
    "build": "IR",
    "build_api": "IR",
    "render": "render",
    "templates": "render",
    "format": "format",
    "black": "format",
    "manifest": "manifest",
    "write": "write",
}


def _stage_for(name: str, value: Any) -> str | None:
    if not (inspect.isfunction(value) or inspect.isbuiltin(value)):
        return None  # classes, modules, constants: not stages
    if name in KNOWN:
        return KNOWN[name]
    lowered = name.lower()
    if "format" in lowered:
        return "format"
    if "valid" in lowered:
        return "validate"
    return None


def _takes_settings(params: Any) -> bool:
    """Whether ``generate_package`` takes settings as keywords (``**settings``)."""
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _cli_like_arguments(params: Any, lenient: bool = False) -> tuple[dict[str, Any], list[str]]:
    """The optional arguments the CLI passes, for those ``generate_package`` takes:
    ``cache`` from ``SPECGEN_CACHE_DIR``, ``jobs`` as the number of CPUs, and
    ``lenient`` when asked for (``--lenient``)."""
    kwargs: dict[str, Any] = {}
    described = []
    if lenient and ("lenient" in params or _takes_settings(params)):
        kwargs["lenient"] = True
        described.append("lenient=True")
    if "cache" in params:
        try:
            from generator.commands.cache import Cache  # type: ignore[import-not-found,unused-ignore]

            kwargs["cache"] = Cache.from_env()
            described.append(f"cache={os.environ.get('SPECGEN_CACHE_DIR', '(default)')}")
        except Exception as exc:  # an API change: run without the cache, and say so
            described.append(f"no cache ({type(exc).__name__}: {exc})")
    if "jobs" in params:
        kwargs["jobs"] = os.cpu_count() or 1
        described.append(f"jobs={kwargs['jobs']}")
    return kwargs, described


class _Timers:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.active = 0  # nested wrapped calls count for the outermost stage only

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.active:
                return fn(*args, **kwargs)
            self.active += 1
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started
                self.calls[stage] = self.calls.get(stage, 0) + 1
                self.active -= 1

        return timed


def _normalise_hook(timings: dict[str, Any]) -> dict[str, float]:
    stages: dict[str, float] = {}
    for key, value in timings.items():
        if not isinstance(value, (int, float)):
            continue
        stage = ALIASES.get(str(key).lower(), str(key))
        stages[stage] = stages.get(stage, 0.0) + float(value)
    return stages


def measure(spec: Path, out_dir: Path, lenient: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {"spec": str(spec)}
    started = time.perf_counter()
    pipeline = importlib.import_module("generator.pipeline")
    result_import = time.perf_counter() - started
    generate_package = pipeline.generate_package
    params = inspect.signature(generate_package).parameters
    kwargs, described = _cli_like_arguments(params, lenient)
    result["arguments"] = ", ".join(described) or "none"
    stages: dict[str, float]
    if "timings" in params:
        timings: dict[str, Any] = {}
        started = time.perf_counter()
        generated = generate_package(spec, timings=timings, **kwargs)
        total = time.perf_counter() - started
        stages = _normalise_hook(timings)
        result["method"] = "the pipeline's timings hook"
    else:
        timers = _Timers()
        originals: dict[str, Any] = {}
        for name, value in list(vars(pipeline).items()):
            stage = _stage_for(name, value)
            if stage is not None and name != "generate_package":
                originals[name] = value
                setattr(pipeline, name, timers.wrap(stage, value))
        try:
            started = time.perf_counter()
            generated = generate_package(spec, **kwargs)
            total = time.perf_counter() - started
        finally:
            for name, value in originals.items():
                setattr(pipeline, name, value)
        stages = dict(timers.seconds)
        result["method"] = "timers around generator.pipeline's stage functions (" + ", ".join(sorted(originals)) + ")"
        result["calls"] = timers.calls
    stages["other"] = max(0.0, total - sum(v for k, v in stages.items() if k not in ("write", "import")))
    files = getattr(generated, "files", generated)
    # Stage 6: write, as the CLI does it (into an empty folder).
    try:
        write = importlib.import_module("generator.write.stage")
        started = time.perf_counter()
        write.write_packages(out_dir, files)
        stages["write"] = time.perf_counter() - started
    except Exception as exc:  # an API change must not sink the whole benchmark
        result["write_error"] = f"{type(exc).__name__}: {exc}"
    stages["import"] = result_import
    result["stages"] = {k: stages[k] for k in (*STAGE_ORDER, *sorted(set(stages) - set(STAGE_ORDER))) if k in stages}
    result["generate_package_seconds"] = total
    result["files"] = len(files)
    result["python_lines"] = sum(text.count("\n") for path, text in files.items() if path.endswith(".py"))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--lenient", action="store_true", help="generate as `specgen generate --lenient` does")
    args = parser.parse_args(argv)
    result = measure(args.spec, args.out_dir, args.lenient)
    args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
