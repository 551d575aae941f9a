"""The wild specs (issue 16, item 10): published specs of other companies.

Each is one cold-generation row: specgen beside openapi-python-client 0.29.1
in the same run, each specgen run paired with a reference run right after it
(as for the Twilio rows; see processes.ReferenceRuns). The targets, per spec:

- cold generation <= 1.0x the reference, where the reference succeeds;
- where the reference fails: specgen under 30 s and 300 MB;
- peak memory <= 1.5x the reference (where it succeeds).

A spec specgen cannot generate yet (bad input to it, exit 2) is a row that
says so, not a crash of the bench.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from . import cells as fmt
from .common import ROOT, ratio

WILD = ROOT.parent / "shared" / "specs" / "wild"

TIME_TARGET = 1.0  # x the reference's cold generation
MEMORY_TARGET = 1.5  # x the reference's peak
ALONE_SECONDS = 30.0  # when the reference fails
ALONE_MIB = 300.0


@dataclasses.dataclass(frozen=True)
class WildSpec:
    key: str
    short: str
    entry: str  # the spec, relative to WILD
    repeats: int  # default runs per tool (cold generation only)
    lenient: bool = False  # generated with --lenient (published specs with harmless defects)
    folder: str | None = None  # a multi-file spec: this folder (relative to WILD) is copied whole


# Repeats: 2 for the specs that take seconds, 1 for those that take tens of
# seconds (Box, DigitalOcean, OpenAI), so that the whole `make bench` stays
# under ~20 minutes on a quiet machine (the wild rows: ~8 of them).
SPECS = (
    WildSpec("spotify", "spotify", "spotify.yml", 2),
    WildSpec("adyen", "adyen checkout", "adyen_checkout.yaml", 2),
    WildSpec("xero", "xero accounting", "xero_accounting.yaml", 2, lenient=True),
    WildSpec("box", "box", "box.json", 1),
    WildSpec(
        "digitalocean",
        "digitalocean",
        "digitalocean/specification/DigitalOcean-public.v2.yaml",
        1,
        lenient=True,
        folder="digitalocean",
    ),
    WildSpec("openai", "openai", "openai.yaml", 1, lenient=True),
)


def selected(names: str | None) -> list[WildSpec]:
    """The specs named in ``names`` (comma-separated keys; None: all)."""
    if names is None:
        return list(SPECS)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = sorted(set(wanted) - {s.key for s in SPECS})
    if unknown:
        raise ValueError(f"unknown wild spec(s) {', '.join(unknown)}; known: {', '.join(s.key for s in SPECS)}")
    return [s for s in SPECS if s.key in wanted]


# -- the report ------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    """One wild spec's verdicts: time and memory."""

    short: str
    time_measured: str  # the ratio, or seconds when the reference fails
    time_status: str
    time_met: bool | None
    memory_measured: str
    memory_status: str
    memory_met: bool | None
    cells: list[str]


def _median(stats: dict[str, Any]) -> float | None:
    return float(stats["median"]) if stats.get("n") else None


def _does_not_generate(failures: list[str]) -> bool:
    """specgen refused the spec as bad input (exit 2) on every run: not a crash."""
    return bool(failures) and all(": exit 2:" in f for f in failures)


def row(case: dict[str, Any]) -> Row:
    """The verdicts and table cells of one wild case."""
    sg = case["specgen"]["modes"]["cold"]
    ref = case["reference"]["modes"]["cold"]
    sg_time, ref_time = _median(sg["time"]), _median(ref["time"])
    sg_kb, ref_kb = _median(sg["peak_rss_kb"]), _median(ref["peak_rss_kb"])
    reference_fails = ref_time is None
    cells_ref_time = fmt.fmt_stats(ref["time"]) if not reference_fails else "fails: " + _first(ref["failures"])
    if sg_time is None:
        failures = sg["failures"]
        word = "does not generate (yet)" if _does_not_generate(failures) else "failed"
        status = f"**{word}**: {_first(failures)}"
        cells = [case["short"], status, cells_ref_time, "–", "–", fmt.fmt_mem(ref["peak_rss_kb"]), "–"]
        return Row(case["short"], word, status, False, word, status, False, cells)
    if reference_fails:
        time_met = sg_time <= ALONE_SECONDS
        time_status = ("**met**" if time_met else "**missed**") + f" (reference fails: ≤ {ALONE_SECONDS:g} s)"
        mib = (sg_kb or 0) / 1024
        memory_met = mib <= ALONE_MIB
        memory_status = ("**met**" if memory_met else "**missed**") + f" (reference fails: ≤ {ALONE_MIB:g} MiB)"
        time_ratio = memory_ratio = "–"
        time_measured, memory_measured = fmt.fmt_s(sg_time), fmt.fmt_mib(sg_kb)
    else:
        r = ratio(sg_time, ref_time)
        time_status, time_met = fmt.status_le(r, TIME_TARGET)
        m = ratio(sg_kb, ref_kb)
        memory_status, memory_met = fmt.status_le(m, MEMORY_TARGET)
        time_ratio, memory_ratio = fmt.fmt_ratio(r), fmt.fmt_ratio(m)
        time_measured, memory_measured = time_ratio, memory_ratio
    cells = [
        case["short"],
        fmt.fmt_stats(sg["time"]),
        cells_ref_time,
        f"{time_ratio}: {time_status}",
        fmt.fmt_mem(sg["peak_rss_kb"]),
        fmt.fmt_mem(ref["peak_rss_kb"]) if not reference_fails else "–",
        f"{memory_ratio}: {memory_status}",
    ]
    return Row(case["short"], time_measured, time_status, time_met, memory_measured, memory_status, memory_met, cells)


def _first(failures: list[str]) -> str:
    if not failures:
        return "?"
    text = failures[0].split(": ", 1)[-1]  # without the "cold #1" prefix
    return text.replace("|", "/")[:160]


def render(processes: dict[str, Any]) -> tuple[list[str], list[Row]]:
    """The report's section on the wild specs, and its rows' verdicts."""
    cases = [c for c in processes.values() if c.get("group") == "wild"]
    if not cases:
        return [], []
    rows = [row(c) for c in cases]
    body = ["## Published specs of other companies (issue 16, item 10)", ""]
    body += [
        f"The specs of `../shared/specs/wild/` (see its README), cold generation only: empty output, empty "
        f"cache, whole process. Each specgen run is followed by one openapi-python-client run of the same spec, "
        f"as for the rows above. Targets: cold generation ≤ {TIME_TARGET:g}× the reference where the "
        f"reference succeeds, else under {ALONE_SECONDS:g} s and {ALONE_MIB:g} MiB; peak memory ≤ "
        f"{MEMORY_TARGET:g}× (measured as above). n is kept small for the big specs so that the whole run "
        "stays under ~20 minutes (`--repeat-wild N` overrides it for every spec); with n = 1 a ratio is one "
        "pair of runs, as noisy as the machine. No stage split by default (`--wild-stages` adds one).",
        "",
    ]
    body += fmt.table(
        [
            "spec",
            "specgen cold",
            "openapi-python-client cold",
            "time ratio: status",
            "specgen peak",
            "reference peak",
            "memory ratio: status",
        ],
        [r.cells for r in rows],
    )
    body.append("")
    notes = []
    for case in cases:
        arguments = case.get("specgen_args") or []
        if arguments:
            notes.append(f"{case['short']}: `specgen generate {' '.join(arguments)}`")
    if notes:
        body += ["specgen's arguments beyond the spec and `--out`: " + "; ".join(notes) + ".", ""]
    met = sum(1 for r in rows for m in (r.time_met, r.memory_met) if m)
    missed = sum(1 for r in rows for m in (r.time_met, r.memory_met) if m is False)
    body += [f"{met} of {2 * len(rows)} wild-spec targets met, {missed} missed.", ""]
    return body, rows


def copy_root(spec: WildSpec) -> Path | None:
    return WILD / spec.folder if spec.folder else None
