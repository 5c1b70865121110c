"""G: a goroutine (runtime2.go: type g), its statuses and ``casgstatus``.

Every G status change goes through :func:`casgstatus`, which enforces the legal transition
table of spec 2.2 (the transitions Go's call sites perform) and the scheduling-latency
sampling of spec 8.4 (gTrackingPeriod = 8).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from goschedlab.runtime.errors import Throw

if TYPE_CHECKING:
    from goschedlab.runtime.m import M
    from goschedlab.runtime.runtime import Runtime

_Gidle = 0
_Grunnable = 1
_Grunning = 2
_Gsyscall = 3
_Gwaiting = 4
_Gmoribund_unused = 5
_Gdead = 6
_Genqueue_unused = 7
_Gcopystack = 8
_Gpreempted = 9
_Gscan = 0x1000
_Gscanrunnable = _Gscan + _Grunnable
_Gscanrunning = _Gscan + _Grunning
_Gscansyscall = _Gscan + _Gsyscall
_Gscanwaiting = _Gscan + _Gwaiting
_Gscanpreempted = _Gscan + _Gpreempted

GSTATUS_NAMES = {
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

gTrackingPeriod = 8

# Wait reasons (runtime2.go: waitReasonStrings, Go 1.23 order; spec 9.4).
waitReasonStrings = (
    "", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
    "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "trace reader (blocked)",
    "wait for GC cycle", "GC worker (idle)", "GC worker (active)", "preempted", "debug call",
    "GC mark termination", "stopping the world", "flushing proc caches",
    "trace goroutine status", "trace proc status", "page trace flush", "coroutine",
)  # fmt: skip
waitReasonZero = 0
waitReasonIOWait = 2
waitReasonChanReceive = 14
waitReasonChanSend = 15
waitReasonSemacquire = 18
waitReasonSleep = 19
waitReasonSyncMutexLock = 21
waitReasonPreempted = 28

# Legal (old, new) pairs: the transitions Go 1.23's call sites perform (spec 2.2), without
# the scan-bit brackets (no GC stack scanning in the core model).
_LEGAL_PAIRS = (
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
_NST = 16
LEGAL_G = bytearray(_NST * _NST)
for _o, _n, _ in _LEGAL_PAIRS:
    LEGAL_G[_o * _NST + _n] = 1
LEGAL_G_PAIRS = frozenset((o, n) for o, n, _ in _LEGAL_PAIRS)


class G:
    """A goroutine (runtime2.go: type g) plus the model's interpreter state.

    Go fields: goid, atomicstatus, m, waitreason, preempt, lockedm, trackingSeq, tracking,
    trackingStamp, runnableTime.  Model fields: ``gen`` (the workload generator), ``param``
    (value sent into it on resume), ``spin_until``/``cpu_left`` (a CPU burst in progress),
    ``retry_op`` (an op to re-execute after a wake-up), ``queued`` (on a run queue: checks
    that a G is never on two queues, i.e. never run twice), ``waiting`` (what it waits on).
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
        if gp.trackingSeq % gTrackingPeriod == 0:
            gp.tracking = True
        gp.trackingSeq = (gp.trackingSeq + 1) & 0xFF
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
