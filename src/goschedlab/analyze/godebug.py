"""Readers for the runtime's GODEBUG debug output: ``schedtrace`` (with or without
``scheddetail``) and ``gctrace=1`` lines, as captured from a program's stderr.

Models the formats printed by proc.go: schedtrace and mgc.go: gcMarkTermination (Go 1.22 and
1.23 print the same lines). The reader is line based and tolerant: a log usually mixes the
runtime's lines with the program's own output (sometimes on the same line when stdout and
stderr are captured together), so each line is *searched* for a recognisable record; lines that
contain none are counted in :attr:`GodebugLog.skipped` and otherwise ignored. A file with no
recognisable record at all is an error (:class:`LogParseError`), as is a file that is not text.

One pass, no backtracking: a ``P``/``M``/``G`` detail line belongs to the last ``SCHED`` header
seen; detail lines before any header are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from goschedlab.errors import UserInputError

__all__ = [
    "LogParseError",
    "SchedSample",
    "GCCycle",
    "GodebugLog",
    "parse_godebug_log",
    "parse_godebug_text",
    "looks_like_godebug",
]


class LogParseError(UserInputError):
    """A GODEBUG log (or a runtime/metrics dump) is malformed; the message names file and line."""


# SCHED <T>ms: gomaxprocs=.. idleprocs=.. threads=.. spinningthreads=.. needspinning=..
#   idlethreads=.. runqueue=.. then either " [q0 q1 ...]" (summary) or the detail fields.
_SCHED_RE = re.compile(
    r"SCHED (\d+)ms: gomaxprocs=(\d+) idleprocs=(\d+) threads=(\d+) spinningthreads=(\d+)"
    r"(?: needspinning=(\d+))? idlethreads=(\d+) runqueue=(\d+)"
    r"(?:(?P<detail> gcwaiting=(?:true|false|\d+) nmidlelocked=(\d+) stopwait=(\d+)"
    r" sysmonwait=(?:true|false|\d+))| \[(?P<locals>[\d ]*)\])"
)
_P_RE = re.compile(
    r"^\s*P(\d+): status=(\d+) schedtick=(\d+) syscalltick=(\d+) m=(nil|-?\d+)"
    r" runqsize=(\d+) gfreecnt=(\d+)(?: timerslen=(\d+))?"
)
_M_RE = re.compile(
    r"^\s*M(\d+): p=(nil|-?\d+) curg=(nil|-?\d+) mallocing=(\d+) throwing=(\d+)"
    r" preemptoff=(.*?) locks=(\d+) dying=(\d+) spinning=(true|false) blocked=(true|false)"
    r" lockedg=(nil|-?\d+)"
)
_G_RE = re.compile(r"^\s*G(\d+): status=(\d+)\((.*)\) m=(nil|-?\d+) lockedm=(nil|-?\d+)")
_NUM = r"(\d+(?:\.\d+)?)"
_GC_RE = re.compile(
    rf"gc (\d+) @{_NUM}s (\d+)%: {_NUM}\+{_NUM}\+{_NUM} ms clock, "
    rf"{_NUM}\+{_NUM}/{_NUM}/{_NUM}\+{_NUM} ms cpu, (\d+)->(\d+)->(\d+) MB, (\d+) MB goal, "
    r"(?:(\d+) MB stacks, (\d+) MB globals, )?(\d+) P( \(forced\))?"
)


def _opt_int(s: str) -> int | None:
    return None if s == "nil" else int(s)


@dataclass(slots=True)
class SchedSample:
    """One ``SCHED`` record (proc.go: schedtrace); ``runq`` holds each P's local run-queue length
    (``runqtail - runqhead``, runnext not counted). With scheddetail, ``runq`` comes from the
    ``P<i>: ... runqsize=`` lines and ``ps``/``ms``/``gs`` hold the detail records."""

    line: int
    t_ms: int
    gomaxprocs: int
    idleprocs: int
    threads: int
    spinningthreads: int
    needspinning: int | None
    idlethreads: int
    runqueue: int
    detail: bool
    runq: list[int] = field(default_factory=list)
    ps: list[tuple[int, ...]] = field(default_factory=list)
    ms: list[tuple[object, ...]] = field(default_factory=list)
    gs: list[tuple[object, ...]] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class GCCycle:
    """One ``gctrace=1`` line (mgc.go: gcMarkTermination). Clock and CPU times are in ms as
    printed (``fmtNSAsMS``: two significant digits below 10 ms); sizes in MiB."""

    line: int
    gc: int
    at_s: float
    cpu_percent: int
    stw_sweepterm_ms: float
    concurrent_mark_ms: float
    stw_markterm_ms: float
    cpu_stw_sweepterm_ms: float
    cpu_assist_ms: float
    cpu_background_ms: float
    cpu_idle_ms: float
    cpu_stw_markterm_ms: float
    heap_start_mb: int
    heap_end_mb: int
    heap_live_mb: int
    heap_goal_mb: int
    stacks_mb: int | None
    globals_mb: int | None
    procs: int
    forced: bool


@dataclass(slots=True)
class GodebugLog:
    """Everything recognised in one log: schedtrace samples, GC cycles and the skipped lines."""

    path: str
    sched: list[SchedSample]
    gc: list[GCCycle]
    skipped: int
    lines: int

    @property
    def has_detail(self) -> bool:
        return any(s.detail for s in self.sched)


def looks_like_godebug(text: str) -> bool:
    """True if ``text`` holds at least one schedtrace or gctrace record."""
    return bool(_SCHED_RE.search(text) or _GC_RE.search(text))


def parse_godebug_text(text: str, path: str = "<string>") -> GodebugLog:
    """Parse a GODEBUG=schedtrace[,scheddetail=1][,gctrace=1] capture held in ``text``.

    Raises :class:`LogParseError` (file, line, what was expected) if nothing is recognised.
    """
    sched: list[SchedSample] = []
    gcs: list[GCCycle] = []
    skipped = 0
    cur: SchedSample | None = None
    first_bad: tuple[int, str] | None = None
    lines = text.splitlines()
    for lineno, ln in enumerate(lines, 1):
        # Cheap substring tests first: most lines of a scheddetail log are G lines.
        m = _SCHED_RE.search(ln) if "SCHED " in ln else None
        if m is not None:
            g = m.groups()
            cur = SchedSample(
                line=lineno,
                t_ms=int(g[0]),
                gomaxprocs=int(g[1]),
                idleprocs=int(g[2]),
                threads=int(g[3]),
                spinningthreads=int(g[4]),
                needspinning=None if g[5] is None else int(g[5]),
                idlethreads=int(g[6]),
                runqueue=int(g[7]),
                detail=m.group("detail") is not None,
            )
            if not cur.detail:
                cur.runq = [int(x) for x in m.group("locals").split()]
            sched.append(cur)
            continue
        kind = ln[2:3] if ln[:2] == "  " else ln.lstrip()[:1]
        if cur is not None and cur.detail and kind in ("P", "M", "G"):
            gm = _G_RE.match(ln) if kind == "G" else None
            if gm is not None:
                x = gm.groups()
                cur.gs.append((int(x[0]), int(x[1]), x[2], _opt_int(x[3]), _opt_int(x[4])))
                continue
            pm = _P_RE.match(ln) if kind == "P" else None
            if pm is not None:
                p = pm.groups()
                rec = (
                    int(p[0]), int(p[1]), int(p[2]), int(p[3]),
                    -1 if p[4] == "nil" else int(p[4]), int(p[5]), int(p[6]),
                    0 if p[7] is None else int(p[7]),
                )
                cur.ps.append(rec)
                cur.runq.append(rec[5])
                continue
            mm = _M_RE.match(ln) if kind == "M" else None
            if mm is not None:
                x = mm.groups()
                cur.ms.append(
                    (int(x[0]), _opt_int(x[1]), _opt_int(x[2]), int(x[3]), int(x[4]), x[5],
                     int(x[6]), int(x[7]), x[8] == "true", x[9] == "true", _opt_int(x[10]))
                )
                continue
        c = _GC_RE.search(ln) if "gc " in ln else None
        if c is not None:
            v = c.groups()
            gcs.append(
                GCCycle(
                    line=lineno, gc=int(v[0]), at_s=float(v[1]), cpu_percent=int(v[2]),
                    stw_sweepterm_ms=float(v[3]), concurrent_mark_ms=float(v[4]),
                    stw_markterm_ms=float(v[5]), cpu_stw_sweepterm_ms=float(v[6]),
                    cpu_assist_ms=float(v[7]), cpu_background_ms=float(v[8]),
                    cpu_idle_ms=float(v[9]), cpu_stw_markterm_ms=float(v[10]),
                    heap_start_mb=int(v[11]), heap_end_mb=int(v[12]), heap_live_mb=int(v[13]),
                    heap_goal_mb=int(v[14]),
                    stacks_mb=None if v[15] is None else int(v[15]),
                    globals_mb=None if v[16] is None else int(v[16]),
                    procs=int(v[17]), forced=v[18] is not None,
                )
            )
            continue
        if ln.strip():
            skipped += 1
            if first_bad is None:
                first_bad = (lineno, ln)
    if not sched and not gcs:
        if first_bad is None:
            raise LogParseError(
                f"{path}: line 1: expected a GODEBUG schedtrace ('SCHED <T>ms: gomaxprocs=...') "
                "or gctrace ('gc <N> @<S>s ...') line, found an empty file"
            )
        lineno, ln = first_bad
        raise LogParseError(
            f"{path}: line {lineno}: expected a GODEBUG schedtrace ('SCHED <T>ms: "
            f"gomaxprocs=...') or gctrace ('gc <N> @<S>s ...') line, found {ln[:60]!r}"
        )
    return GodebugLog(path=path, sched=sched, gc=gcs, skipped=skipped, lines=len(lines))


def parse_godebug_log(path: str | Path) -> GodebugLog:
    """Read and parse a GODEBUG log file (see :func:`parse_godebug_text`)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as err:
        raise LogParseError(f"{p}: cannot read: {err.strerror}") from None
    nul = raw.find(b"\x00", 0, 4096)
    if nul >= 0:
        raise LogParseError(f"{p}: byte {nul}: expected a text log, found binary data")
    return parse_godebug_text(raw.decode("utf-8", errors="replace"), str(p))
