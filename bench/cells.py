"""Table cells of the report: times, memory, ratios and verdicts as text (used by report.py and wild.py)."""

from __future__ import annotations

from typing import Any


def status_le(value: float | None, target: float, unit: str = "×") -> tuple[str, bool | None]:
    if value is None:
        return "not measured", None
    if value <= target:
        return "**met**", True
    return f"**missed** by {fmt_factor(value / target)} (needs ≤ {target:g}{unit})", False


def fmt_factor(value: float) -> str:
    if value < 1.1:
        return f"{value:.3f}×"  # a near miss: show that it is one
    return f"{value:.2f}×" if value < 10 else f"{value:.1f}×"


def fmt_s(seconds: float | None) -> str:
    if seconds is None or seconds != seconds:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_stats(stats: dict[str, Any] | None) -> str:
    if not stats or not stats.get("n"):
        return "–"
    if stats["n"] == 1:
        return f"{fmt_s(stats['median'])} (1 run)"
    return f"{fmt_s(stats['median'])} ({fmt_s(stats['min'])}–{fmt_s(stats['max'])}, n={stats['n']})"


def fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def fmt_mib(kb: float | None) -> str:
    return "–" if kb is None or kb != kb else f"{kb / 1024:.0f} MiB"


def fmt_mem(stats: dict[str, Any]) -> str:
    if not stats.get("n"):
        return "–"
    if stats["n"] == 1:
        return fmt_mib(stats["median"])
    return f"{fmt_mib(stats['median'])} ({stats['min'] / 1024:.0f}–{stats['max'] / 1024:.0f})"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines
