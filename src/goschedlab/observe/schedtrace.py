"""``GODEBUG=schedtrace=X[,scheddetail=1]`` lines in Go 1.23's exact format.

Models proc.go: schedtrace.  Elapsed milliseconds count from the first call (the first line
reads ``SCHED 0ms``); per-P queue lengths are ``runqtail - runqhead`` (runnext not counted);
Ms print newest first (``allm`` order), Gs in ``allgs`` order, dead ones included.

The formatter reads the runtime model only through Go-named attributes (``sched.npidle``,
``p.runqhead``, ``m.curg``, ``g.atomicstatus`` ...), so any object graph with those names works;
unit tests use small fakes, the simulator passes its ``Runtime``.
"""

from __future__ import annotations

from typing import Any

# proc.go/runtime2.go: waitReasonStrings, index order (Go 1.23).
waitReasonStrings: tuple[str, ...] = (
    "",
    "GC assist marking",
    "IO wait",
    "chan receive (nil chan)",
    "chan send (nil chan)",
    "dumping heap",
    "garbage collection",
    "garbage collection scan",
    "panicwait",
    "select",
    "select (no cases)",
    "GC assist wait",
    "GC sweep wait",
    "GC scavenge wait",
    "chan receive",
    "chan send",
    "finalizer wait",
    "force gc (idle)",
    "semacquire",
    "sleep",
    "sync.Cond.Wait",
    "sync.Mutex.Lock",
    "sync.RWMutex.RLock",
    "sync.RWMutex.Lock",
    "trace reader (blocked)",
    "wait for GC cycle",
    "GC worker (idle)",
    "GC worker (active)",
    "preempted",
    "debug call",
    "GC mark termination",
    "stopping the world",
    "flushing proc caches",
    "trace goroutine status",
    "trace proc status",
    "page trace flush",
    "coroutine",
)


def _v(x: Any) -> Any:
    """The value of a plain field or of an atomic-like wrapper with ``load()``/``Load()``."""
    for name in ("load", "Load"):
        f = getattr(x, name, None)
        if callable(f):
            return f()
    return x


def _b(x: Any) -> str:
    """Go's print of a bool."""
    return "true" if _v(x) else "false"


def _i(x: Any) -> int:
    v = _v(x)
    if isinstance(v, bool):
        return int(v)
    return int(v)


def _waitreason(g: Any) -> str:
    wr = getattr(g, "waitreason", "")
    if isinstance(wr, int) and not isinstance(wr, bool):
        return waitReasonStrings[wr] if 0 <= wr < len(waitReasonStrings) else "unknown wait reason"
    return "" if wr is None else str(getattr(wr, "value", wr))


def _mcount(rt: Any) -> int:
    f = getattr(rt, "mcount", None)
    if callable(f):
        return int(f())
    f = getattr(rt.sched, "mcount", None)
    if callable(f):
        return int(f())
    return len(rt.allm)


def _gfreecnt(pp: Any) -> int:
    if hasattr(pp, "gfreecnt"):
        return _i(pp.gfreecnt)
    gf = getattr(pp, "gFree", None)
    if gf is None:
        return 0
    return _i(getattr(gf, "n", 0))


def _timerslen(pp: Any) -> int:
    t = getattr(pp, "timers", None)
    if t is None:
        return 0
    heap = getattr(t, "heap", t)
    return len(heap)


def _id(x: Any, attr: str) -> str:
    return "nil" if x is None else str(getattr(x, attr))


def _status(x: Any, attr: str) -> int:
    v = _v(getattr(x, attr))
    return int(getattr(v, "value", v))


def format_schedtrace(rt: Any, elapsed_ms: int, detailed: bool) -> list[str]:
    """The lines one ``schedtrace`` call prints (models proc.go: schedtrace)."""
    s = rt.sched
    allp = list(rt.allp)
    gomaxprocs = getattr(rt, "gomaxprocs", len(allp))
    head = (
        f"SCHED {elapsed_ms}ms: gomaxprocs={gomaxprocs} idleprocs={_i(s.npidle)}"
        f" threads={_mcount(rt)} spinningthreads={_i(s.nmspinning)}"
        f" needspinning={_i(s.needspinning)} idlethreads={_i(s.nmidle)}"
        f" runqueue={_i(s.runqsize)}"
    )
    if not detailed:
        qs = " ".join(str((_i(pp.runqtail) - _i(pp.runqhead)) & 0xFFFFFFFF) for pp in allp)
        return [f"{head} [{qs}]" if allp else head]
    lines = [
        f"{head} gcwaiting={_b(getattr(s, 'gcwaiting', False))}"
        f" nmidlelocked={_i(getattr(s, 'nmidlelocked', 0))}"
        f" stopwait={_i(getattr(s, 'stopwait', 0))}"
        f" sysmonwait={_b(getattr(s, 'sysmonwait', False))}"
    ]
    for i, pp in enumerate(allp):
        mp = getattr(pp, "m", None)
        lines.append(
            f"  P{i}: status={_status(pp, 'status')} schedtick={_i(pp.schedtick)}"
            f" syscalltick={_i(pp.syscalltick)} m={_id(mp, 'id')}"
            f" runqsize={(_i(pp.runqtail) - _i(pp.runqhead)) & 0xFFFFFFFF}"
            f" gfreecnt={_gfreecnt(pp)} timerslen={_timerslen(pp)}"
        )
    for mp in sorted(rt.allm, key=lambda m: -int(m.id)):
        pp = getattr(mp, "p", None)
        curg = getattr(mp, "curg", None)
        lockedg = getattr(mp, "lockedg", None)
        lines.append(
            f"  M{mp.id}: p={_id(pp, 'id')} curg={_id(curg, 'goid')}"
            f" mallocing={_i(getattr(mp, 'mallocing', 0))}"
            f" throwing={_i(getattr(mp, 'throwing', 0))}"
            f" preemptoff={getattr(mp, 'preemptoff', '') or ''} locks={_i(getattr(mp, 'locks', 0))}"
            f" dying={_i(getattr(mp, 'dying', 0))} spinning={_b(getattr(mp, 'spinning', False))}"
            f" blocked={_b(getattr(mp, 'blocked', False))} lockedg={_id(lockedg, 'goid')}"
        )
    for gp in rt.allgs:
        gm = getattr(gp, "m", None)
        lockedm = getattr(gp, "lockedm", None)
        lines.append(
            f"  G{gp.goid}: status={_status(gp, 'atomicstatus')}({_waitreason(gp)})"
            f" m={_id(gm, 'id')} lockedm={_id(lockedm, 'id')}"
        )
    return lines


class SchedTrace:
    """sysmon's schedtrace hook: call it with the virtual time; it appends Go-format lines.

    ``starttime`` is set on the first call, as the runtime's package variable is.
    ``sink`` (optional) receives each line as it is produced (e.g. to stream to stdout).
    """

    __slots__ = ("rt", "detailed", "lines", "starttime", "sink")

    def __init__(self, rt: Any, detailed: bool = False, sink: Any = None) -> None:
        self.rt = rt
        self.detailed = detailed
        self.lines: list[str] = []
        self.starttime: int | None = None
        self.sink = sink

    def __call__(self, now: int) -> None:
        """Emit one schedtrace block for virtual time ``now`` ns (models proc.go: schedtrace)."""
        if self.starttime is None:
            self.starttime = now
        out = format_schedtrace(self.rt, (now - self.starttime) // 1_000_000, self.detailed)
        self.lines.extend(out)
        if self.sink is not None:
            for line in out:
                self.sink(line)
