"""``GODEBUG=gctrace=1`` lines in Go 1.23's exact format (mgc.go: gcMarkTermination, spec 9.3).

``format_gctrace(cycle)`` prints one line from a cycle record (anything with the attributes of
:class:`goschedlab.runtime.gc.GCCycle`); ``parse_gctrace_line`` reads a real line back into
such a record (values at the line's precision), so format(parse(line)) == line for Go's own
output.  Number formatting follows mgc.go's ``itoaDiv`` and ``fmtNSAsMS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from goschedlab.errors import UserInputError


def itoaDiv(val: int, dec: int) -> str:
    """Models mgc.go: itoaDiv - ``val`` / 10**dec printed with exactly ``dec`` decimals."""
    s = str(val)
    if dec == 0:
        return s
    if len(s) <= dec:
        s = "0" * (dec - len(s) + 1) + s
    return s[:-dec] + "." + s[-dec:]


def fmtNSAsMS(ns: int) -> str:
    """Models mgc.go: fmtNSAsMS - ns as ms: whole ms from 10 ms, else two significant
    digits with at most three decimals (17 us -> 0.017, 260 us -> 0.26, 2.1 ms -> 2.1)."""
    if ns < 0:
        ns = 0  # Go formats a uint64
    if ns >= 10_000_000:
        return itoaDiv(ns // 1_000_000, 0)
    x = ns // 1000
    if x == 0:
        return "0"
    dec = 3
    while x >= 100:
        x //= 10
        dec -= 1
    return itoaDiv(x, dec)


def format_gctrace(c: Any) -> str:
    """One gctrace=1 line for a finished cycle (no trailing newline)."""
    clock = "+".join(
        fmtNSAsMS(v) for v in (c.tMark - c.tSweepTerm, c.tMarkTerm - c.tMark, c.tEnd - c.tMarkTerm)
    )
    u1 = fmtNSAsMS(c.stwprocs * (c.tMark - c.tSweepTerm))
    u2 = fmtNSAsMS(c.assistTime)
    u3 = fmtNSAsMS(c.dedicatedFractionalTime)
    u4 = fmtNSAsMS(c.idleTime)
    u5 = fmtNSAsMS(c.stwprocs * (c.tEnd - c.tMarkTerm))
    line = (
        f"gc {c.n} @{itoaDiv(c.tSweepTerm // 1_000_000, 3)}s {c.util}%: {clock} ms clock, "
        f"{u1}+{u2}/{u3}/{u4}+{u5} ms cpu, "
        f"{c.heap0 >> 20}->{c.heap1 >> 20}->{c.heap2 >> 20} MB, {c.goal >> 20} MB goal, "
        f"{getattr(c, 'stacks', 0) >> 20} MB stacks, {getattr(c, 'globals', 0) >> 20} MB globals, "
        f"{c.maxprocs} P"
    )
    if c.forced:
        line += " (forced)"
    return line


_LINE = re.compile(
    r"^gc (\d+) @(\d+)\.(\d{3})s (\d+)%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, "
    r"([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu, (\d+)->(\d+)->(\d+) MB, "
    r"(\d+) MB goal, (\d+) MB stacks, (\d+) MB globals, (\d+) P( \(forced\))?$"
)


@dataclass(slots=True)
class GCTraceRecord:
    """A parsed gctrace line (ns and bytes at the line's precision)."""

    n: Any = 0
    tSweepTerm: Any = 0
    tMark: Any = 0
    tMarkTerm: Any = 0
    tEnd: Any = 0
    stwprocs: Any = 0
    assistTime: Any = 0
    dedicatedFractionalTime: Any = 0
    idleTime: Any = 0
    heap0: Any = 0
    heap1: Any = 0
    heap2: Any = 0
    goal: Any = 0
    stacks: Any = 0
    globals: Any = 0
    maxprocs: Any = 0
    forced: Any = 0
    util: Any = 0
    cpu_sweepterm: Any = 0
    cpu_markterm: Any = 0


def _ms(s: str) -> int:
    whole, _, frac = s.partition(".")
    return int(whole) * 1_000_000 + (int(frac.ljust(6, "0")[:6]) if frac else 0)


def parse_gctrace_line(line: str, where: str = "<gctrace>") -> GCTraceRecord:
    """Parse one gctrace=1 line; raise :class:`UserInputError` naming ``where`` otherwise.

    ``stwprocs`` is not printed by Go; it is recovered as cpu/clock of the sweep-termination
    pause when both are non-zero (else 1), so formatting the record gives the line back.
    """
    m = _LINE.match(line.rstrip("\n"))
    if m is None:
        raise UserInputError(f"{where}: not a gctrace=1 line (expected 'gc N @S.sss s U%: ...')")
    g = m.groups()
    t0 = int(g[1]) * 1_000_000_000 + int(g[2]) * 1_000_000
    c1, c2, c3 = _ms(g[4]), _ms(g[5]), _ms(g[6])
    u1, u5 = _ms(g[7]), _ms(g[11])
    stwprocs = max(1, round(u1 / c1)) if c1 and u1 else 1
    rec = GCTraceRecord(
        n=int(g[0]), tSweepTerm=t0, tMark=t0 + c1, tMarkTerm=t0 + c1 + c2,
        tEnd=t0 + c1 + c2 + c3, stwprocs=stwprocs, assistTime=_ms(g[8]),
        dedicatedFractionalTime=_ms(g[9]), idleTime=_ms(g[10]), heap0=int(g[12]) << 20,
        heap1=int(g[13]) << 20, heap2=int(g[14]) << 20, goal=int(g[15]) << 20,
        stacks=int(g[16]) << 20, globals=int(g[17]) << 20, maxprocs=int(g[18]),
        forced=g[19] is not None, util=int(g[3]), cpu_sweepterm=u1, cpu_markterm=u5,
    )  # fmt: skip
    return rec


def format_record(rec: GCTraceRecord) -> str:
    """Format a parsed record with its own printed CPU pause figures (u1, u5)."""
    line = format_gctrace(rec)
    # u1/u5 are products stwprocs*clock in Go; a parsed record keeps the printed values.
    head, _, tail = line.partition(" ms clock, ")
    rest = tail.split(" ms cpu, ", 1)[1]
    cpu = (
        f"{fmtNSAsMS(rec.cpu_sweepterm)}+{fmtNSAsMS(rec.assistTime)}/"
        f"{fmtNSAsMS(rec.dedicatedFractionalTime)}/{fmtNSAsMS(rec.idleTime)}+"
        f"{fmtNSAsMS(rec.cpu_markterm)}"
    )
    return f"{head} ms clock, {cpu} ms cpu, {rest}"


__all__ = [
    "GCTraceRecord",
    "fmtNSAsMS",
    "format_gctrace",
    "format_record",
    "itoaDiv",
    "parse_gctrace_line",
]
