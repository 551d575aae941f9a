"""Generated-client speed: parsing, pagination memory, import time.

Each measurement runs in a fresh process of the bench venv:

    python -m bench.client_speed parse --opc-root DIR [--reps N] --json FILE
    python -m bench.client_speed paginate [--pages 100] [--per-page 1000] --json FILE

``measure_import`` (called by ``bench.run``) starts its own fresh processes.
"""

from __future__ import annotations

import argparse
import ast
import copy
import datetime
import functools
import gc
import json
import shutil
import statistics
import sys
import time
import timeit
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .common import GENERATED, SEED_SPEC, Stats, bench_python, run_checked, tool_env

SPECGEN_PACKAGE = "twilio_trunking_v1"  # generated/twilio_trunking_v1, checked in
OPC_PACKAGE = "twilio_trunking_client"  # what openapi-python-client names it
BASE_URL = "https://trunking.twilio.com"
TRUNK_SID = "TK" + "a" * 32


# -- test data --------------------------------------------------------------------


def seed_record() -> dict[str, Any]:
    """The seed spec's example ``PhoneNumber`` (read_full), found wherever it is."""
    import yaml

    document = yaml.load(SEED_SPEC.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    def find(node: Any, depth: int = 0) -> dict[str, Any] | None:
        if depth > 40:
            return None
        if isinstance(node, dict):
            numbers = node.get("phone_numbers")
            if isinstance(numbers, list) and numbers and isinstance(numbers[0], dict):
                return numbers[0]
            for value in node.values():
                found = find(value, depth + 1)
                if found is not None:
                    return found
        elif isinstance(node, list):
            for value in node:
                found = find(value, depth + 1)
                if found is not None:
                    return found
        return None

    record = find(document)
    if record is None:
        raise ValueError(f"no example phone_numbers record in {SEED_SPEC}")
    return record


def records(count: int, offset: int = 0) -> list[dict[str, Any]]:
    """``count`` copies of the seed record with distinct sids, numbers and dates."""
    seed = seed_record()
    base = datetime.datetime(2010, 12, 10, 17, 27, 34, tzinfo=datetime.timezone.utc)
    out = []
    for i in range(offset, offset + count):
        record = copy.deepcopy(seed)
        sid = f"PN{i:032x}"
        record["sid"] = sid
        record["url"] = f"{BASE_URL}/v1/Trunks/{TRUNK_SID}/PhoneNumbers/{sid}"
        record["phone_number"] = f"+1415{i % 10_000_000:07d}"
        created = base + datetime.timedelta(minutes=i)
        record["date_created"] = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        record["date_updated"] = (created + datetime.timedelta(days=i % 400, seconds=i % 61)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        out.append(record)
    return out


def page_json(items: list[dict[str, Any]], page: int, next_url: str | None) -> str:
    url = f"{BASE_URL}/v1/Trunks/{TRUNK_SID}/PhoneNumbers?PageSize={len(items)}&Page={page}"
    meta = {
        "key": "phone_numbers",
        "url": url,
        "page": page,
        "page_size": len(items),
        "next_page_url": next_url,
        "first_page_url": f"{BASE_URL}/v1/Trunks/{TRUNK_SID}/PhoneNumbers?PageSize={len(items)}&Page=0",
        "previous_page_url": None,
    }
    return json.dumps({"meta": meta, "phone_numbers": items})


# -- (a) parsing one page -------------------------------------------------------------


def _interleaved(fns: Mapping[str, Callable[[], Any]], reps: int) -> dict[str, list[float]]:
    """Seconds per call of each function, ``reps`` values each.

    Each repetition loops one function for about 50 ms; the functions take
    turns (in a rotating order), so that a change in the machine's load hits
    all of them alike. The garbage collector stays on, as in real use.
    """
    numbers = {}
    for name, fn in fns.items():
        started = time.perf_counter()
        fn()
        once = max(time.perf_counter() - started, 1e-6)
        numbers[name] = max(1, min(1000, int(0.05 / once)))
    timers = {name: timeit.Timer(fn, setup="import gc; gc.enable()") for name, fn in fns.items()}
    samples: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(timers[name].timeit(numbers[name]) / numbers[name])
    return samples


def _summary(name: str, page: Any, get_items: Callable[[Any], list[Any]]) -> tuple[Any, ...]:
    items = get_items(page)
    first, last = items[0], items[-1]
    for item in (first, last):
        if item.date_created is None or item.date_created.tzinfo is None:
            raise AssertionError(f"{name}: date_created is not an aware datetime")
    return (
        len(items),
        first.sid,
        last.sid,
        first.date_created,
        last.date_updated,
        str(getattr(first.address_requirements, "value", first.address_requirements)),
    )


ENUM_FIELDS = (
    "address_requirements",
    "sms_fallback_method",
    "sms_method",
    "status_callback_method",
    "voice_fallback_method",
    "voice_method",
)


def parse(opc_root: Path | None, reps: int, count: int) -> dict[str, Any]:
    """Per-call seconds to parse one page, on two pages of ``count`` records.

    "seed": the seed example repeated as it is (``voice_fallback_method`` is
    null there); "filled": the same with every null enum field set to a valid
    value, which openapi-python-client 0.29.1 needs: it generates nullable
    enums (OpenAPI 3.0 ``nullable: true``) as non-nullable and raises on null.
    Every parser must give the same values (checked) before it is timed.
    """
    seed_items = records(count)
    filled_items = copy.deepcopy(seed_items)
    for item in filled_items:
        for key in ENUM_FIELDS:
            if item.get(key) is None:
                item[key] = "none" if key == "address_requirements" else "POST"
    texts = {"seed": page_json(seed_items, 0, None), "filled": page_json(filled_items, 0, None)}
    sys.path.insert(0, str(GENERATED))
    from twilio_trunking_v1 import ListPhoneNumberResponse as SpecgenPage

    from .pydantic_model import ListPhoneNumberResponse as PydanticPage

    parsers: dict[str, Callable[[str], Any]] = {
        "json.loads": json.loads,
        "pydantic": PydanticPage.model_validate_json,
        "specgen": lambda text: SpecgenPage.from_dict(json.loads(text)),
    }
    result: dict[str, Any] = {"records": count, "notes": [], "pages": {}}
    if opc_root is not None and (opc_root / OPC_PACKAGE).is_dir():
        sys.path.insert(0, str(opc_root))
        from twilio_trunking_client.models import ListPhoneNumberResponse as OpcPage  # type: ignore[import-not-found]

        parsers["openapi-python-client"] = lambda text: OpcPage.from_dict(json.loads(text))
    else:
        result["notes"].append(f"openapi-python-client's package not found under {opc_root}: not measured")
    for page_name, text in texts.items():
        page: dict[str, Any] = {"json_bytes": len(text.encode()), "per_call": {}, "errors": {}}
        summaries = {}
        for name, parse_page in parsers.items():
            if name == "json.loads":
                continue
            try:
                summaries[name] = _summary(name, parse_page(text), lambda p: p.phone_numbers)
            except Exception as exc:  # a parser that cannot read the page is reported, not timed
                page["errors"][name] = f"{type(exc).__name__}: {exc}"
        reference = summaries.get("pydantic")
        for name, summary in summaries.items():
            if summary != reference:
                raise AssertionError(f"{page_name}: {name} parsed differently: {summary} != {reference}")
        page["same_values_checked"] = sorted(summaries)
        timed = {
            name: functools.partial(parse_page, text)
            for name, parse_page in parsers.items()
            if name not in page["errors"]
        }
        samples = _interleaved(timed, reps)
        page["per_call"] = {name: Stats(values).to_json() for name, values in samples.items()}
        # specgen's time over each other parser's in the same repetition (they run
        # one after another): a burst of noise slows both sides of one ratio.
        page["specgen_paired"] = {
            name: Stats([a / b for a, b in zip(samples["specgen"], values) if b > 0]).to_json()
            for name, values in samples.items()
            if name != "specgen" and "specgen" in samples
        }
        result["pages"][page_name] = page
    return result


# -- (b) pagination memory ------------------------------------------------------------


def paginate(pages: int, per_page: int) -> dict[str, Any]:
    import tracemalloc

    import httpx

    sys.path.insert(0, str(GENERATED))
    from twilio_trunking_v1 import Client
    from twilio_trunking_v1 import operations as ops

    items_json = json.dumps(records(per_page))  # the same records on every page; built once, not traced
    assert items_json.startswith("[")
    served = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("Page", "0"))
        if page >= pages or served[0] >= pages:  # bounded whatever the client does
            return httpx.Response(404, json={"code": 20404, "message": "no such page", "status": 404})
        served[0] += 1
        next_url = (
            f"{BASE_URL}/v1/Trunks/{TRUNK_SID}/PhoneNumbers?PageSize={per_page}&Page={page + 1}&PageToken=PT{page + 1}"
            if page + 1 < pages
            else None
        )
        head = page_json([], page, next_url)[: -len("[]}")]  # ..."phone_numbers":
        return httpx.Response(
            200, content=(head + items_json + "}").encode(), headers={"Content-Type": "application/json"}
        )

    def run(traced: bool) -> dict[str, Any]:
        served[0] = 0
        checkpoint = 10 * per_page
        marks: dict[str, Any] = {}
        currents: list[int] = []
        count = 0
        with Client("AC" + "a" * 32, "secret", transport=httpx.MockTransport(handler)) as client:
            request = ops.list_phone_numbers(TRUNK_SID)
            if traced:
                tracemalloc.start()
                tracemalloc.reset_peak()
            started = time.perf_counter()
            full_before = gc.get_stats()[2]["collections"]
            for _item in client.paginate(request, page_size=per_page):
                count += 1
                if traced and count % per_page == 0:
                    current, peak = tracemalloc.get_traced_memory()
                    currents.append(current)
                    if count == checkpoint:
                        marks["after_10_pages"] = {"peak_bytes": peak, "current_bytes": current, "items": count}
                if count > pages * per_page:  # pragma: no cover - a runaway paginator
                    raise AssertionError("more items than were served")
            elapsed = time.perf_counter() - started
            if traced:
                current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                marks[f"after_{pages}_pages"] = {"peak_bytes": peak, "current_bytes": current, "items": count}
                # Traced memory after each page: a sawtooth means garbage waits for the cyclic collector.
                marks["current_after_page_max_first_10"] = max(currents[:10], default=0)
                marks["current_after_page_max_all"] = max(currents, default=0)
                rises = [b - a for a, b in zip(currents, currents[1:]) if b > a]
                marks["median_growth_between_collections_bytes"] = statistics.median(rises) if rises else 0
            marks["full_collections"] = gc.get_stats()[2]["collections"] - full_before
        marks["items"] = count
        marks["pages_served"] = served[0]
        marks["seconds"] = elapsed
        return marks

    untraced = run(traced=False)
    traced = run(traced=True)
    expected = pages * per_page
    if untraced["items"] != expected or traced["items"] != expected:
        raise AssertionError(f"expected {expected} items, got {untraced['items']} and {traced['items']}")
    return {
        "pages": pages,
        "per_page": per_page,
        "untraced": untraced,
        "traced": traced,
        "page_json_bytes": len(items_json) + 400,
    }


# -- (c) import time ---------------------------------------------------------------------


def _parse_importtime(stderr: str, startup: set[str]) -> tuple[float, list[tuple[str, float]]]:
    """(seconds of the top-level imports not done at startup, [(module, self seconds)])."""
    total_us = 0
    selfs = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3:
            continue
        self_us, cumulative_us = int(parts[0]), int(parts[1])
        name_part = parts[2][1:]
        name = name_part.strip()
        depth = (len(name_part) - len(name_part.lstrip(" "))) // 2
        selfs.append((name, self_us / 1e6))
        if depth == 0 and name not in startup:
            total_us += cumulative_us
    return total_us / 1e6, selfs


def measure_import(root: Path, package: str, runs: int, timeout: float = 120) -> dict[str, Any]:
    """Fresh-process import times of ``package`` found under ``root``."""
    python = str(bench_python())
    env = tool_env(PYTHONPATH=str(root))
    startup_text = run_checked(
        [python, "-c", "import sys; sys.stdout.write(repr(sorted(sys.modules)))"], timeout=timeout, env=env
    ).stdout
    startup = set(ast.literal_eval(startup_text))
    for cache in (root / package).rglob("__pycache__"):
        shutil.rmtree(cache)
    statements = {
        "import": f"import {package}",
        "from_import_client": f"from {package} import Client",
    }
    result: dict[str, Any] = {"package": package, "root": str(root), "runs": runs, "statements": statements}
    first = run_checked([python, "-X", "importtime", "-c", statements["from_import_client"]], timeout=timeout, env=env)
    result["first_from_import_client_seconds"], _ = _parse_importtime(first.stderr, startup)
    for key, statement in statements.items():
        importtimes: list[float] = []
        walls: list[float] = []
        selfs: list[tuple[str, float]] = []
        for _ in range(runs):
            done = run_checked([python, "-X", "importtime", "-c", statement], timeout=timeout, env=env)
            seconds, selfs = _parse_importtime(done.stderr, startup)
            importtimes.append(seconds)
            script = f"import time; t = time.perf_counter(); {statement}; import sys; sys.stdout.write(repr(time.perf_counter() - t))"
            walls.append(float(run_checked([python, "-c", script], timeout=timeout, env=env).stdout))
        result[key] = {"importtime": Stats(importtimes).to_json(), "perf_counter": Stats(walls).to_json()}
        ours = sorted(((n, s) for n, s in selfs if n == package or n.startswith(package + ".")), key=lambda x: -x[1])
        others = sorted(
            ((n, s) for n, s in selfs if n not in startup and not n.startswith(package)), key=lambda x: -x[1]
        )
        result[key]["slowest_package_modules"] = ours[:5]
        result[key]["slowest_other_modules"] = others[:5]
    httpx_times = []
    for _ in range(runs):
        done = run_checked([python, "-X", "importtime", "-c", "import httpx"], timeout=timeout, env=env)
        httpx_times.append(_parse_importtime(done.stderr, startup)[0])
    result["httpx_floor"] = Stats(httpx_times).to_json()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="generated-client speed (one measurement per process)")
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("parse")
    p.add_argument("--opc-root", type=Path)
    p.add_argument("--reps", type=int, default=25)
    p.add_argument("--records", type=int, default=1000)
    p.add_argument("--json", type=Path, required=True)
    g = sub.add_parser("paginate")
    g.add_argument("--pages", type=int, default=100)
    g.add_argument("--per-page", type=int, default=1000)
    g.add_argument("--json", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.what == "parse":
        result = parse(args.opc_root, args.reps, args.records)
    else:
        result = paginate(args.pages, args.per_page)
    args.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
