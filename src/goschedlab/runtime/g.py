"""G: a goroutine (runtime2.go: type g), its statuses and ``casgstatus``.

Every G status change goes through :func:`casgstatus`, which enforces the legal transition
table of spec 2.2 (the transitions Go's call sites perform) and the scheduling-latency
sampling of spec 8.4 (gTrackingPeriod = 8).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from goschedlab.runtime.errors import Throw

if TYPE_CHECKING:
    from goschedlab.runtime.m import M
    from goschedlab.runtime.runtime import Runtime

_Gidle: Final = 0
_Grunnable: Final = 1
_Grunning: Final = 2
_Gsyscall: Final = 3
_Gwaiting: Final = 4
_Gmoribund_unused: Final = 5
_Gdead: Final = 6
_Genqueue_unused: Final = 7
_Gcopystack: Final = 8
_Gpreempted: Final = 9
_Gscan: Final = 0x1000
_Gscanrunnable: Final = _Gscan + _Grunnable
_Gscanrunning: Final = _Gscan + _Grunning
_Gscansyscall: Final = _Gscan + _Gsyscall
_Gscanwaiting: Final = _Gscan + _Gwaiting
_Gscanpreempted: Final = _Gscan + _Gpreempted

GSTATUS_NAMES: Final = {
    _Gidle: "_Gidle",
    _Grunnable: "_Grunnable",
    _Grunning: "_Grunning",
    _Gsyscall: "_Gsyscall",
    _Gwaiting: "_Gwaiting",
    _Gmoribund_unused: "_Gmoribund_unused",
    _Gdead: "_Gdead",
    _Genqueue_unused: "_Genqueue_unused",
    _Gcopystack: "_Gcopystack",
    _Gpreempted: "_Gpreempted",
}

gTrackingPeriod: Final = 8

# Wait reasons (runtime2.go: waitReasonStrings, Go 1.23 order; spec 9.4).
waitReasonStrings: Final = (
    "", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
    "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "trace reader (blocked)",
    "wait for GC cycle", "GC worker (idle)", "GC worker (active)", "preempted", "debug call",
    "GC mark termination", "stopping the world", "flushing proc caches",
    "trace goroutine status", "trace proc status", "page trace flush", "coroutine",
)  # fmt: skip
waitReasonZero: Final = 0
waitReasonIOWait: Final = 2
waitReasonChanReceive: Final = 14
waitReasonChanSend: Final = 15
waitReasonFinalizerWait: Final = 16
waitReasonSemacquire: Final = 18
waitReasonSleep: Final = 19
waitReasonSyncMutexLock: Final = 21
waitReasonPreempted: Final = 28

# Legal (old, new) pairs: the transitions Go 1.23's call sites perform (spec 2.2), without
# the scan-bit brackets (no GC stack scanning in the core model).
_LEGAL_PAIRS: Final = (
    (_Gidle, _Gdead, "newproc1"),
    (_Gdead, _Grunnable, "newproc1"),
    (_Gdead, _Gwaiting, "newproc1"),
    (_Grunnable, _Grunning, "execute"),
    (_Grunning, _Grunnable, "goschedImpl/goyield_m"),
    (_Grunning, _Gwaiting, "park_m"),
    (_Gwaiting, _Grunnable, "ready"),
    (_Gwaiting, _Grunning, "self-resume after a STW bracket"),
    (_Grunning, _Gsyscall, "reentersyscall"),
    (_Gsyscall, _Grunning, "exitsyscall"),
    (_Gsyscall, _Grunnable, "exitsyscall0"),
    (_Grunning, _Gdead, "gdestroy"),
    (_Grunning, _Gcopystack, "newstack"),
    (_Gcopystack, _Grunning, "newstack"),
    (_Grunning, _Gpreempted, "preemptPark"),
    (_Gpreempted, _Gwaiting, "suspendG"),
)
_NST: Final = 16
LEGAL_G: Final = bytearray(_NST * _NST)
for _o, _n, _ in _LEGAL_PAIRS:
    LEGAL_G[_o * _NST + _n] = 1
LEGAL_G_PAIRS: Final = frozenset((o, n) for o, n, _ in _LEGAL_PAIRS)


class G:
    """A goroutine (runtime2.go: type g) plus the model's interpreter state.

    Go fields: goid, atomicstatus, m, waitreason, preempt, lockedm, trackingSeq, tracking,
    trackingStamp, runnableTime.  Model fields: ``gen`` (the workload generator), ``param``
    (value sent into it on resume), ``spin_until``/``cpu_left`` (a CPU burst in progress),
    ``retry_op`` (an op to re-execute after a wake-up), ``queued`` (on a run queue: checks
    that a G is never on two queues, i.e. never run twice), ``waiting`` (what it waits on),
    ``deadTouch`` (go statements + exits so far at its exit: how long ago a reused G was
    touched).
    """

    __slots__ = (
        "goid",
        "atomicstatus",
        "m",
        "waitreason",
        "preempt",
        "trackingSeq",
        "tracking",
        "trackingStamp",
        "runnableTime",
        "gen",
        "param",
        "spin_until",
        "cpu_left",
        "retry_op",
        "queued",
        "waitsince",
        "sleepWhen",
        "lastp",
        "gcAssistBytes",
        "gcAssistCycle",
        "deadTouch",
    )

    lockedm: M | None = None
    """Never set: LockOSThread is not modelled (a class constant keeps parked Gs small)."""

    def __init__(self, goid: int) -> None:
        self.goid = goid
        self.atomicstatus = _Gidle
        self.m: M | None = None
        self.waitreason = waitReasonZero
        self.preempt = False
        self.trackingSeq = 0
        self.tracking = False
        self.trackingStamp = 0
        self.runnableTime = 0
        self.gen: Any = None
        self.param: Any = None
        self.spin_until = 0
        self.cpu_left = 0
        self.retry_op: Any = None
        self.queued = False
        self.waitsince = 0
        self.sleepWhen = 0
        self.lastp: Any = None  # the P it last ran on (migration statistics)
        self.gcAssistBytes = 0  # mark-assist credit in bytes (mgcmark.go: gcAssistAlloc)
        self.gcAssistCycle = -1  # the GC cycle that credit belongs to (gcResetMarkState)
        self.deadTouch = 0  # go statements + exits when it exited (newproc1's reuse distance)

    def __repr__(self) -> str:
        st = GSTATUS_NAMES.get(self.atomicstatus, str(self.atomicstatus))
        return f"G{self.goid}({st})"

    @property
    def waitreason_str(self) -> str:
        """The wait reason as Go prints it (scheddetail)."""
        return waitReasonStrings[self.waitreason]


def casgstatus(rt: Runtime, gp: G, oldval: int, newval: int, fn: str, now: int = -1) -> None:
    """Models proc.go: casgstatus - the one place a G's status changes.

    Raises :class:`Throw` (naming ``fn``, the G, from, to and the time) if the G is not in
    ``oldval`` or if ``oldval -> newval`` is not a transition Go performs.  Then updates the
    scheduling-latency sampling state and records into ``sched.timeToRun`` (spec 8.4).

    ``now`` is the acting M's local time (``sim.now + mp.debt``: the nanotime() Go reads
    inside casgstatus happens after the runtime work the M has done but not yet paid as
    clock time); -1 means ``sim.now`` (no M, or no pending work).  Without it the runnable
    time of a G misses the waker's and the scheduler's work (e.g. gopark + schedule).
    """
    if gp.atomicstatus != oldval or not LEGAL_G[oldval * _NST + newval]:
        raise Throw(
            fn,
            f"casgstatus: bad transition of {gp!r}: status is "
            f"{GSTATUS_NAMES.get(gp.atomicstatus, gp.atomicstatus)}, asked "
            f"{GSTATUS_NAMES.get(oldval, oldval)} -> {GSTATUS_NAMES.get(newval, newval)}",
            rt.sim.now,
        )
    gp.atomicstatus = newval
    if oldval == _Grunning:
        leaveRunning(gp)
    if not gp.tracking:
        return
    if now < 0:
        now = rt.sim.now
    if oldval == _Grunnable:
        gp.runnableTime += now - gp.trackingStamp
        gp.trackingStamp = 0
    if newval == _Grunnable:
        gp.trackingStamp = now
    elif newval == _Grunning:
        gp.tracking = False
        rt.timeToRun.record(gp.runnableTime)
        gp.runnableTime = 0


def leaveRunning(gp: G) -> None:
    """casgstatus's sampling step on every exit from _Grunning: every gTrackingPeriod-th one
    starts tracking, so the G's next entry into _Grunning records its runnable time."""
    seq = gp.trackingSeq
    if seq % gTrackingPeriod == 0:
        gp.tracking = True
    gp.trackingSeq = (seq + 1) & 0xFF


def syscallRoundTrips(rt: Runtime, gp: G, n: int, now: int = -1) -> None:
    """Models proc.go: entersyscall followed by exitsyscall's fast path, ``n`` times.

    For syscalls that return at once on the same P (exitsyscallfast keeps ``oldp``): each one is
    ``_Grunning -> _Gsyscall -> _Grunning`` through :func:`casgstatus`, so every 8th one (by the
    G's ``trackingSeq``) records a 0 ns sample into ``sched.timeToRun`` - the G was never
    runnable.  Takes no virtual time: the caller uses it for syscalls outside the measured phase
    (the harness's /proc reads between the metric snapshots and T0/T1, workloads/report.py).
    """
    for _ in range(n):
        casgstatus(rt, gp, _Grunning, _Gsyscall, "entersyscall", now)
        casgstatus(rt, gp, _Gsyscall, _Grunning, "exitsyscall", now)


def gcWaitingBracket(rt: Runtime, gp: G, fn: str, n: int = 1) -> None:
    """Models proc.go: casGToWaitingForGC(gp, _Grunning, reason) ... casgstatus(gp, _Gwaiting,
    _Grunning), ``n`` times - the running G marks itself waiting while it does GC work on the
    system stack (gcBgMarkWorker's drain, gcAssistAlloc1, forEachP, gcMarkTermination) and
    resumes without ever being runnable: every 8th such exit from _Grunning records a 0 ns
    /sched/latencies sample.  Takes no virtual time (the work itself is charged by the caller).
    """
    for _ in range(n):
        casgstatus(rt, gp, _Grunning, _Gwaiting, fn)
        casgstatus(rt, gp, _Gwaiting, _Grunning, fn)
