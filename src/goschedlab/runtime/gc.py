"""The garbage collector as the scheduler sees it (Go 1.23.1 mgc.go, mgcpacer.go, proc.go).

What it models
    * Allocation (``Alloc`` ops, :func:`mallocgc`): each allocation costs CPU
      (``costs.mallocgc_ns_per_kib``; more inside the mark, and at GOMAXPROCS > 1 outside it
      while another P runs a goroutine, :func:`_mallocRate`) and adds to ``heapLive``.
    * The pacer (:meth:`gcState.commit`, models mgcpacer.go: gcControllerState.commit):
      heap goal = heapMarked * (1 + GOGC/100), at least the 4 MiB minimum heap
      (heapMinimum scaled by GOGC/100); trigger = heapMarked + 0.7 * (goal - heapMarked)
      (Go's minimum trigger; Go raises it towards 0.95 when its cons/mark estimate says the
      runway is short - not modelled, stated simplification).  Before the first cycle that
      estimate is 0, so the trigger is Go's maximum, 61/64 of the way to the goal.
    * A cycle: gcStart -> sweep-termination stop-the-world -> concurrent mark with background
      mark workers (dedicated / fractional per mgcpacer.go: startCycle, 25 % of GOMAXPROCS;
      idle workers on idle Ps) and mutator assists -> gcMarkDone -> mark-termination
      stop-the-world -> gcMarkTermination (commit the next goal, gctrace line).
    * Stop-the-world (:func:`stopTheWorldWithSema`, :func:`startTheWorldWithSema`,
      :func:`gcstopm`) exactly as proc.go orders it: gcwaiting, preemptall, own / syscall /
      idle Ps to _Pgcstop, wait (re-preempting every 100 us) until every running P stopped by
      itself through findRunnable step A -> gcstopm; restart through procresize (Ps with
      work get an idle or new M), wakep.  Pauses go to the Go 1.23 runtime/metrics
      histograms ``/sched/pauses/{stopping,total}/{gc,other}:seconds`` and
      ``/gc/pauses:seconds`` (timeHistogram layout).

Heap model (what ``Alloc(nbytes, live)`` means here)
    ``live`` is the part of *this goroutine's most recent allocation* that stays reachable;
    each Alloc of a goroutine replaces that goroutine's previous live bytes (as gc-churn's
    ``sink[k] = head``); live bytes of exited goroutines stay reachable.  Scan work of a
    cycle = the reachable bytes when it starts (stacks and globals: 0).  Objects allocated
    during marking are allocated black (counted as marked, as Go does), so
    heap2 = reachable + bytes allocated during mark.

Mark workers (simplified but stated)
    A pool of GOMAXPROCS worker goroutines (system Gs: not in ``rt.allgs``, not counted by
    gcount).  findRunnable step E hands one out as dedicated (while dedicated slots remain)
    or fractional (while the P's fractional time / mark time is below the goal); step M as
    idle worker when the P would otherwise go idle.  A worker does mark work in CPU chunks:
    dedicated workers 100 us chunks until no work is left (non-preemptible, as gcDrain on the
    system stack; Go's drain also polls gcwaiting, so a chunk bounds the STW delay);
    fractional workers until their P exceeds 1.2 x the fractional goal
    (pollFractionalWorkerExit), checked as gcDrain checks it: once per drainCheckThreshold
    (100000 units) of scan work, so a fractional worker that starts drains at least that
    much; idle workers 100 us chunks while their P has no runnable G.
    Work is credited when a chunk starts.

Assists (mgcmark.go: gcAssistAlloc, gcAssistAlloc1)
    During marking each allocation of n bytes costs the G n bytes of credit
    (``gcAssistBytes``); when it goes negative the G steals background credit and does the
    rest as one burst of at least gcOverAssistWork (64 KiB of Go scan work) at the ratio
    remaining scan work / remaining heap runway, charged as CPU of the allocating goroutine,
    and allocates on the credit it bought afterwards (:func:`gcAssistAlloc`).  The goroutine
    whose work (assist or worker chunk) finds no work left runs gcMarkDone.

The grey chain (serial mark; mgcmark.go: gcDrainN, gcParkAssist, gcFlushBgCredit)
    The reachable heap is marked as one chain of grey objects - exact for a linked list
    (gc-churn's 16 MiB list: each node's scan greys the next) and the reason Go's mark of
    such a heap does not parallelise.  The first marker of a cycle takes the chain into its
    P's gcw (``chainP``); only markers on that P find work (gcMarkWorkAvailable(p)).  An
    assist on another P finds none and parks on ``assistQueue`` ("GC assist wait") until a
    background worker's scan work pays its debt (gcFlushBgCredit, queue order; the rest is
    ``bgScanCredit``, which later assists steal) or mark termination (gcWakeAllAssists).
    Workers on other Ps find no work and park.  A marker that stops while no other one runs
    reaches gcMarkDone, whose forEachP flushes its gcw into the global queue: from the end
    of its burst (``chainHeldUntil``) any P's marker can continue the chain (:func:`chainFree`).
    That forEachP also preempts every other running P (:func:`forEachPPreempt`) and its
    caller waits until they have rescheduled (:func:`forEachPWait`), so the preempted P's
    fractional worker takes the chain next: at GOMAXPROCS=2 the fractional workers alternate
    between the Ps and the preempted user goroutines wait in the global queue.
    At GOMAXPROCS=2 this idles one P for much
    of each mark phase, as the real runs show (gc-churn default: 1.01 s of CPU over a
    627 ms makespan on 2 CPUs).  Rejected: per-object grey sets (parallel mark) - it made
    the GMP=2 makespan 18 % short of real Go; the chain is what a list-shaped heap is.

Sweeping (mgcsweep.go: gcPaceSweeper, deductSweepCredit; mcentral.go: cacheSpan)
    Unmarked bytes are free at mark termination (heapLive = heap2).  Sweep work counted: the
    spans still fully live (the reachable heap at mark start / 8 KiB); sweeping such a span
    finds no free slot (``costs.gc_sweep_span_ns``).  Spans that become free are swept by
    the refill that reuses them (inside ``costs.mallocgc_ns_per_kib``).  As Go paces it, the
    work is spread over the allocation up to the next trigger minus 1 MiB and paid by the
    allocating goroutine (preemptible CPU, as sweepone between spans); gcStart sweeps the
    rest (finishsweep; charged after the STW - simplification).  The bgsweep goroutine
    (:func:`_bgsweep`), readied at each mark termination, takes spans from the same count 10
    at a time and Goscheds after each batch when no P is idle (goschedIfBusy).  Not
    modelled: the burst shape (cacheSpan sweeps up to 100 full spans in one refill) and the
    freed spans' share of bgsweep's work.

Memory first touch
    Heap growth above its high-water mark and each new goroutine's 2 KiB stack cost
    ``costs.fresh_memory_ns_per_kib`` (page faults of never-used memory).  A ``go``
    statement allocates a 32-byte closure and, when no dead G is reused (malg), a 448-byte g
    (reachable for ever through allgs): :func:`newprocAlloc`, so mass goroutine creation
    starts GC cycles as in Go (fanout-cpu tiny: 3, real 2-3).

Invariants (asserted)
    * While the world is stopped (``gcwaiting`` and ``stopwait == 0``) no goroutine other
      than the stopping one executes (:func:`assertWorldRunning`, called from run_g).
    * After stopTheWorldWithSema every P is _Pgcstop (throw "stopTheWorld: not stopped").
    * ``stopwait`` never goes negative (gcstopm throws).

Rejected alternatives
    * A GC "actor" outside the Ms: Go's STW is done by a goroutine's M (the allocating G for
      sweep termination, the last worker/assist for mark termination); modelling it there
      keeps the P the initiator holds and the stopping delays of the other Ps exact.
    * Simulating objects: the scheduler only needs bytes, scan time and the pacer's goal.

runtime.GC() is the ``GC`` op (:func:`gcForce`): it waits for a running cycle, runs a forced
one (printed with " (forced)") and blocks until its mark termination.

Metrics: :meth:`gcState.metric_scalars` fills /gc/heap/{allocs,frees}:bytes, goal, live,
/gc/cycles/*, /cpu/classes/gc/* (at mark termination, as Go publishes them).

Not modelled: object counts and layouts (/gc/scan/*, *:objects), the scavenger, GOMEMLIMIT,
the cons/mark trigger estimate, periodic forced GC (2 min), stacks and globals as scan work
and in the goal (gc-churn's real gctrace prints 0 MB for both), the STW tail at GOMAXPROCS>1.
Calibration and before/after figures: docs/gc.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from goschedlab.runtime.costs import osJitter
from goschedlab.runtime.errors import Throw
from goschedlab.runtime.g import (
    G,
    _Gdead,
    _Grunnable,
    _Grunning,
    _Gwaiting,
    casgstatus,
    gcWaitingBracket,
)
from goschedlab.runtime.histogram import timeHistogram
from goschedlab.runtime.m import M_RUNNING, M_SCHED, M
from goschedlab.runtime.p import P, _Pgcstop, _Pidle, _Prunning, _Psyscall, casPstatus

if TYPE_CHECKING:
    from goschedlab.runtime.runtime import Runtime

_GCoff: Final = 0
_GCmark: Final = 1
_GCmarktermination: Final = 2

gcMarkWorkerNotWorker: Final = 0
gcMarkWorkerDedicatedMode: Final = 1
gcMarkWorkerFractionalMode: Final = 2
gcMarkWorkerIdleMode: Final = 3

gcBackgroundUtilization: Final = 0.25
defaultHeapMinimum: Final = 4 << 20
triggerRatioMin: Final = 0.7  # mgcpacer.go: minTrigger = heapMarked + 0.7 * runway
triggerRatioDen: Final = 64  # mgcpacer.go: the trigger bounds are in 64ths of the runway
maxTriggerRatioNum: Final = 61  # mgcpacer.go: maxTrigger = heapMarked + 61/64 of the runway
stwGCSweepTerm: Final = "GC sweep termination"
stwGCMarkTerm: Final = "GC mark termination"
waitReasonGCWorkerIdle: Final = 26
waitReasonGCAssistWait: Final = 11
waitReasonGCSweepWait: Final = 12
waitReasonWaitForGCCycle: Final = 25
STW_COLD_REF_NS: Final = 10_000_000  # sweeptermWork: the interval gc_sweepterm_ns is taken at
STW_COLD_MAX_NS: Final = 1_000_000_000  # sweeptermWork: longest interval measured (1 s)
STW_REPREEMPT_NS: Final = 100_000  # stopTheWorldWithSema: notetsleep(&sched.stopnote, 100*1000)
DEDICATED_CHUNK_NS: Final = 100_000
IDLE_CHUNK_NS: Final = 100_000
WORKER_GOID_BASE: Final = 1 << 40


@dataclass(slots=True)
class GCCycle:
    """One finished cycle: what gcMarkTermination prints with gctrace=1 (times in ns)."""

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
    maxprocs: Any = 0
    forced: Any = 0
    util: Any = 0

    @property
    def pause_ns(self) -> int:
        """Both STW pauses (clock)."""
        return (self.tMark - self.tSweepTerm) + (self.tEnd - self.tMarkTerm)


class _RtOp:
    """A runtime-internal op: ``rt_exec(rt, mp, gp)`` returns True if ``mp`` keeps running."""

    __slots__ = ()

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:  # pragma: no cover - interface
        raise NotImplementedError


class _GCStart(_RtOp):
    __slots__ = ()

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        return gcStart(rt, mp)


class _GCMarkDone(_RtOp):
    __slots__ = ()

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        return gcMarkDone(rt, mp)


class _WorkerPark(_RtOp):
    __slots__ = ()

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        return gcBgMarkWorkerPark(rt, mp, gp)


class _WorkerActive(_RtOp):
    __slots__ = ()

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        gcWaitingBracket(rt, gp, "gcBgMarkWorker")  # waitReasonGCWorkerActive around gcDrain
        return True


class _WorkerDrain(_RtOp):
    __slots__ = ()

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        return gcDrain(rt, mp, gp)


class _SweepPark(_RtOp):
    __slots__ = ()

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        from goschedlab.runtime.proc import gopark

        gc = rt.gc
        if gc.sweepPagesLeft > 0:
            return True
        gc.bgsweepParked = True
        return gopark(rt, mp, gp, waitReasonGCSweepWait)


class _SweepBatch(_RtOp):
    __slots__ = ()

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        gc = rt.gc
        n = gc.sweepPagesLeft
        if n > sweepBatchSize:
            n = sweepBatchSize
        if n <= 0:
            gp.param = False
            return True
        gc.sweepPagesLeft -= n
        ns = n * gc.sweep_span_ns
        gc.sweepTimeTotal += ns
        gp.cpu_left += max(1, ns)
        gp.param = True
        return True


class _GoschedIfBusy(_RtOp):
    __slots__ = ()

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        """Models proc.go: goschedIfBusy - yield only when no P is idle (or preempted)."""
        from goschedlab.runtime.proc import goschedImpl

        if not gp.preempt and rt.sched.npidle > 0:
            return True
        mp.debt += rt.costs.gosched_ns
        return goschedImpl(rt, mp, gp, False)


GCSTART: Final = _GCStart()
GCMARKDONE: Final = _GCMarkDone()
_PARK: Final = _WorkerPark()
_DRAIN: Final = _WorkerDrain()
_ACTIVE: Final = _WorkerActive()
_SWEEP_PARK: Final = _SweepPark()
_SWEEP_BATCH: Final = _SweepBatch()
_GOSCHED_IF_BUSY: Final = _GoschedIfBusy()
sweepBatchSize: Final = 10  # mgcsweep.go: bgsweep yields (goschedIfBusy) every 10 spans
BGSWEEP_GOID: Final = WORKER_GOID_BASE - 1


def _bgsweep() -> Any:
    """Models mgcsweep.go: bgsweep - parked until gcSweep readies it, then sweeps spans in
    batches of 10, calling goschedIfBusy after each, and parks again when none are left."""
    while True:
        yield _SWEEP_PARK
        while (yield _SWEEP_BATCH):
            yield _GOSCHED_IF_BUSY


def bgsweepReady(rt: Runtime, mp: M) -> None:
    """mgc.go: gcSweep's ``ready(sweep.g, 0, true)`` of a parked bgsweep (the sweep phase
    starts): into the runnext of the P that ended the mark phase."""
    from goschedlab.runtime.proc import ready

    gc = rt.gc
    if gc.sweepPagesLeft <= 0 or mp.p is None:
        return
    gp = gc.bgsweepG
    if gp is None:
        gp = G(BGSWEEP_GOID)
        gp.atomicstatus = _Gwaiting
        gp.waitreason = waitReasonGCSweepWait
        gen = _bgsweep()
        next(gen)  # parked: gcenable started it before main.main
        gp.gen = gen
        gc.bgsweepG = gp
        gc.bgsweepParked = True
    if gc.bgsweepParked and gp.atomicstatus == _Gwaiting:
        gc.bgsweepParked = False
        ready(rt, mp, gp, True)


def _gcBgMarkWorker() -> Any:
    """Models mgc.go: gcBgMarkWorker - park until handed out, mark itself waiting
    (GC worker active) around the drain, park again."""
    while True:
        yield _PARK
        yield _ACTIVE
        while (yield _DRAIN):
            pass


class gcState:
    """GC controller, work and STW state of one runtime (mgc.go ``work``, mgcpacer.go
    ``gcController``, the STW fields of ``sched``), plus the metric histograms."""

    __slots__ = (
        "rt", "gcpercent", "phase", "blackenEnabled", "heapLive", "heapMarked", "heapGoal",
        "trigger", "reachable", "live_by_goid", "allocs_bytes", "markedDuringMark",
        "work_left", "work_total", "dedicatedMarkWorkersNeeded", "fractionalUtilizationGoal",
        "maxIdleMarkWorkers", "idleMarkWorkers", "markStartTime", "mode", "fracTime",
        "workerStart", "pool", "tSweepTerm", "tMark", "tMarkTerm", "heap0", "heap1",
        "assistTime", "dedicatedMarkTime", "fractionalMarkTime", "idleMarkTime", "numgc",
        "totalGCTime", "startPending", "markDonePending", "stw", "stwStoppingTimeGC",
        "stwStoppingTimeOther", "stwTotalTimeGC", "stwTotalTimeOther", "cycles", "gctrace",
        "trace_lines", "trace_sink", "stwprocs", "mark_ns_per_kib", "malloc_ns_per_kib",
        "ev_stw_timeout", "ev_stw_stopped", "ev_after_work", "world_stopped", "stw_log",
        "userForced", "waiters", "sweepPagesPerByte", "sweepHeapLiveBasis", "sweepPagesLeft",
        "sweepPagesTotal", "sweep_span_ns", "sweepTime", "sweepTimeTotal", "fresh_ns_per_kib",
        "heapHighWater", "freshTime", "chainP", "chainHeldUntil", "assistWaitTime", "assistParks",
        "assistQueue", "bgScanCredit", "bgsweepG", "bgsweepParked", "ev_forEachP", "checkWork",
        "sinceLastCycle", "stwrng", "malloc_mark_ns_per_kib", "malloc_contended_ns_per_kib",
        "malloc_busy_ns_per_kib", "allocEnd", "stackRootsPending",
    )  # fmt: skip

    def __init__(self, rt: Runtime, gcpercent: int, gctrace: bool) -> None:
        self.rt = rt
        self.gcpercent = gcpercent
        self.phase = _GCoff
        self.blackenEnabled = False
        self.heapLive = 0
        self.heapMarked = 0
        self.heapGoal = 0
        self.trigger = 0
        self.reachable = 0
        self.live_by_goid: dict[int, int] = {}
        self.allocs_bytes = 0
        self.markedDuringMark = 0
        self.work_left = 0
        self.work_total = 0
        self.dedicatedMarkWorkersNeeded = 0
        self.fractionalUtilizationGoal = 0.0
        self.maxIdleMarkWorkers = 0
        self.idleMarkWorkers = 0
        self.markStartTime = 0
        n = rt.sched.gomaxprocs
        self.mode = [gcMarkWorkerNotWorker] * n
        self.fracTime = [0] * n
        self.workerStart = [0] * n
        self.checkWork = [0] * n
        """Scan work (model unit) a fractional worker does before its next exit check."""
        self.pool: list[G] = []
        self.tSweepTerm = self.tMark = self.tMarkTerm = 0
        self.sinceLastCycle = 0
        """ns from the previous cycle's sweep termination (or the start) to this one's."""
        self.stwrng = rt.sim.rng("gcstw")  # sweep-termination work spread (own stream)
        self.heap0 = self.heap1 = 0
        self.assistTime = self.dedicatedMarkTime = self.fractionalMarkTime = 0
        self.idleMarkTime = 0
        self.numgc = 0
        self.totalGCTime = 0
        self.startPending = False
        self.markDonePending = False
        self.stw: list[Any] | None = None
        self.stwStoppingTimeGC = timeHistogram()
        self.stwStoppingTimeOther = timeHistogram()
        self.stwTotalTimeGC = timeHistogram()
        self.stwTotalTimeOther = timeHistogram()
        self.cycles: list[GCCycle] = []
        self.gctrace = gctrace
        self.trace_lines: list[str] = []
        self.trace_sink: Callable[[str], None] | None = None
        ncpu = rt.config.ncpu if rt.config.ncpu is not None else n
        self.stwprocs = min(n, ncpu)
        self.mark_ns_per_kib = rt.costs.gc_scan_ns_per_kib
        self.malloc_ns_per_kib = rt.costs.mallocgc_ns_per_kib
        self.malloc_mark_ns_per_kib = (rt.costs.mallocgc_ns_per_kib
                                       * rt.costs.mallocgc_mark_pct // 100)
        """Extra mallocgc CPU per KiB while the mark runs (allocate-black + write barrier)."""
        self.malloc_contended_ns_per_kib = (rt.costs.mallocgc_ns_per_kib
                                            * (100 + rt.costs.mallocgc_contention_pct) // 100)
        """mallocgc CPU per KiB outside the mark while another P allocates too."""
        self.malloc_busy_ns_per_kib = (rt.costs.mallocgc_ns_per_kib
                                       * (100 + rt.costs.mallocgc_busy_pct) // 100)
        """mallocgc CPU per KiB outside the mark while another P runs a goroutine."""
        self.allocEnd = [0] * n
        """Per P: when its M's last mallocgc charge ends (its allocation-bound part)."""
        self.ev_stw_timeout = lambda mp: _stwTimeout(rt, mp)
        self.ev_stw_stopped = lambda mp: _stwStopped(rt, mp)
        self.ev_after_work = lambda mp: _stwAfterWork(rt, mp)
        self.ev_forEachP: Callable[[int], int] = lambda pid: forEachPPreempt(rt, pid)
        self.world_stopped = False
        self.userForced = False
        self.waiters: list[G] = []
        self.stw_log: list[tuple[str, int, int, int]] = []
        """(reason, stop requested, all Ps stopped, world restarted) per stop-the-world."""
        # Proportional sweep (mgcsweep.go: gcPaceSweeper / deductSweepCredit).
        self.sweepPagesPerByte = 0.0
        self.sweepHeapLiveBasis = 0
        self.sweepPagesTotal = 0
        self.sweepPagesLeft = 0
        """Fully live spans still unswept this cycle (the ones whose sweep finds no space)."""
        self.sweep_span_ns = rt.costs.gc_sweep_span_ns
        self.sweepTime = 0
        """Mutator CPU spent sweeping since the last mark termination (ns)."""
        self.sweepTimeTotal = 0
        self.fresh_ns_per_kib = rt.costs.fresh_memory_ns_per_kib
        self.heapHighWater = 0
        """Largest heapLive so far: memory above it is touched for the first time."""
        self.freshTime = 0
        self.chainP = -1
        """The P whose gcw holds the grey chain (the live heap is one linked list of grey
        objects: only markers on that P find work; -1 = not taken yet this cycle)."""
        self.chainHeldUntil = 0
        """Until this time the chain stays in chainP's gcw (a marker there is draining it);
        from then on gcMarkDone's flush has put it in the global queue (:func:`chainFree`)."""
        self.assistWaitTime = 0
        self.assistParks = 0
        self.stackRootsPending = False
        self.assistQueue: list[tuple[G, int, int]] = []
        """work.assistQueue: (G, scan-work debt in bytes, park time)."""
        self.bgScanCredit = 0
        self.bgsweepG: G | None = None
        """The bgsweep goroutine (created at the first sweep phase; mgcsweep.go: bgsweep)."""
        self.bgsweepParked = False
        self.commit()

    # ------------------------------------------------------------------ pacer
    def commit(self) -> None:
        """Models mgcpacer.go: gcControllerState.commit - heap goal and trigger."""
        if self.gcpercent < 0:
            self.heapGoal = 1 << 62
            self.trigger = 1 << 62
            return
        heapMinimum = defaultHeapMinimum * self.gcpercent // 100
        goal = self.heapMarked + self.heapMarked * self.gcpercent // 100
        if goal < heapMinimum:
            goal = heapMinimum
        self.heapGoal = goal
        if self.numgc == 0:
            # Before the first cycle the cons/mark estimate is 0, so the runway is 0 and
            # gcControllerState.trigger clamps goal - runway to its maximum trigger:
            # heapMarked + 61/64 of the distance to the goal (or goal - heapMinimum).
            maxTrigger = (goal - self.heapMarked) // triggerRatioDen * maxTriggerRatioNum
            maxTrigger += self.heapMarked
            if goal > defaultHeapMinimum and goal - defaultHeapMinimum > maxTrigger:
                maxTrigger = goal - defaultHeapMinimum
            self.trigger = maxTrigger
            return
        self.trigger = self.heapMarked + int((goal - self.heapMarked) * triggerRatioMin)

    def metric_histograms(self) -> dict[str, timeHistogram]:
        """The STW histograms under their runtime/metrics names."""
        return {
            "/gc/pauses:seconds": self.stwTotalTimeGC,
            "/sched/pauses/total/gc:seconds": self.stwTotalTimeGC,
            "/sched/pauses/stopping/gc:seconds": self.stwStoppingTimeGC,
            "/sched/pauses/total/other:seconds": self.stwTotalTimeOther,
            "/sched/pauses/stopping/other:seconds": self.stwStoppingTimeOther,
        }

    def metric_scalars(self) -> dict[str, int | float]:
        """The runtime/metrics scalars the GC model defines (metrics.go readers): heap bytes,
        goal and live now; the GC CPU classes as Go publishes them, summed over completed
        cycles (they are updated at mark termination).  Object counts, /gc/scan/* (Go counts
        bytes up to each object's last pointer: the model has no object layouts), the
        scavenger and the non-GC CPU classes are not modelled (left null)."""
        cycles = self.cycles
        assist = sum(c.assistTime for c in cycles)
        dedicated = sum(c.dedicatedFractionalTime for c in cycles)
        idle = sum(c.idleTime for c in cycles)
        pause = sum(c.stwprocs * c.pause_ns for c in cycles if c.tEnd)
        forced = sum(1 for c in cycles if c.forced)
        return {
            "/cpu/classes/gc/mark/assist:cpu-seconds": assist / 1e9,
            "/cpu/classes/gc/mark/dedicated:cpu-seconds": dedicated / 1e9,
            "/cpu/classes/gc/mark/idle:cpu-seconds": idle / 1e9,
            "/cpu/classes/gc/pause:cpu-seconds": pause / 1e9,
            "/cpu/classes/gc/total:cpu-seconds": (assist + dedicated + idle + pause) / 1e9,
            "/gc/cycles/automatic:gc-cycles": self.numgc - forced,
            "/gc/cycles/forced:gc-cycles": forced,
            "/gc/cycles/total:gc-cycles": self.numgc,
            "/gc/heap/allocs:bytes": self.allocs_bytes,
            "/gc/heap/frees:bytes": self.allocs_bytes - self.heapLive,
            "/gc/heap/goal:bytes": self.heapGoal,
            "/gc/heap/live:bytes": self.heapMarked,
            "/gc/limiter/last-enabled:gc-cycle": 0,
        }

    def pause_samples_ns(self) -> list[int]:
        """Each GC STW pause in ns (two per cycle), for tests and reports."""
        out: list[int] = []
        for c in self.cycles:
            out.append(c.tMark - c.tSweepTerm)
            out.append(c.tEnd - c.tMarkTerm)
        return out


# ---------------------------------------------------------------- allocation


def mallocgc(rt: Runtime, mp: M, gp: G, nbytes: int, live: int) -> None:
    """Models malloc.go: mallocgc as the scheduler sees it - CPU cost, heapLive, the GC
    trigger test (gcTrigger.test) and mark assists (gcAssistAlloc, simplified).

    May set ``gp.retry_op`` to GCSTART / GCMARKDONE (run next, with the clock at the M's
    local time) and ``gp.cpu_left`` to an assist's CPU time.
    """
    gc = rt.gc
    if gc.blackenEnabled:
        # Inside the mark mallocgc allocates black (gcmarknewobject: mark bit, bytesMarked)
        # and linking the new pointerful nodes runs the write barrier (gcWriteBarrier /
        # wbBufFlush1 shading each buffered pointer): Costs.mallocgc_mark_pct more per KiB.
        mp.debt += nbytes * (gc.malloc_ns_per_kib + gc.malloc_mark_ns_per_kib) >> 10
    elif rt.sched.gomaxprocs > 1:
        # Outside the mark mallocgc is memory-bound (zeroing, span refills): another busy
        # vCPU shares caches and memory bandwidth with it, more so when it allocates too
        # (Costs.mallocgc_contention_pct / mallocgc_busy_pct).
        mp.debt += nbytes * _mallocRate(rt, gc, mp) >> 10
    else:
        mp.debt += nbytes * gc.malloc_ns_per_kib >> 10
    if mp.p is not None and rt.sched.gomaxprocs > 1:  # only _mallocRate reads it
        gc.allocEnd[mp.p.id] = rt.sim.now + mp.debt
    goid = gp.goid
    old = gc.live_by_goid.get(goid, 0)
    if live != old:
        gc.live_by_goid[goid] = live
        gc.reachable += live - old
    _heapAlloc(rt, gc, mp, gp, nbytes)


def _heapAlloc(rt: Runtime, gc: gcState, mp: M, gp: G, nbytes: int) -> None:
    """The part of mallocgc every heap allocation shares: heapLive, first touch of new heap
    memory, proportional sweep (mcentral.go: cacheSpan -> mgcsweep.go: deductSweepCredit),
    assists and the trigger test."""
    gc.heapLive += nbytes
    gc.allocs_bytes += nbytes
    if gc.heapLive > gc.heapHighWater:
        # The heap grows into never-touched pages: the page faults of their first use
        # (sysUsed memory is demand-paged; Go does not pre-fault).
        fresh = (gc.heapLive - gc.heapHighWater) * gc.fresh_ns_per_kib >> 10
        gc.heapHighWater = gc.heapLive
        mp.debt += fresh
        gc.freshTime += fresh
    if gc.sweepPagesLeft > 0:
        # deductSweepCredit: sweep sweepPagesPerByte * (heapLive - basis) pages by now.
        target = int(gc.sweepPagesPerByte * (gc.heapLive - gc.sweepHeapLiveBasis))
        done = gc.sweepPagesTotal - gc.sweepPagesLeft
        if target > done:
            n = target - done
            if n > gc.sweepPagesLeft:
                n = gc.sweepPagesLeft
            gc.sweepPagesLeft -= n
            ns = n * gc.sweep_span_ns
            gp.cpu_left += ns  # preemptible between spans, as sweepone calls
            gc.sweepTime += ns
            gc.sweepTimeTotal += ns
    if gc.blackenEnabled:
        gc.markedDuringMark += nbytes
        if gc.work_left > 0:
            distance = gc.heapGoal - gc.heapLive
            if distance <= 0:
                distance = max(1, gc.heapGoal // 10 + distance)  # hard goal: goal * 1.1
            scanWork = gcAssistAlloc(gc, gp, nbytes, distance)
            if scanWork > 0:
                pid = mp.p.id  # type: ignore[union-attr]
                now = rt.sim.now
                if chainFree(gc, pid, now):
                    # gcAssistAlloc1 -> gcDrainN(scanWork): one burst of mark work by this G,
                    # crediting it with the bytes that work pays for.
                    gc.chainP = pid  # the grey object is in this P's gcw while it drains
                    gcWaitingBracket(rt, gp, "gcAssistAlloc1")
                    work = gc.work_left
                    done = scanWork if scanWork < work else work
                    gp.gcAssistBytes += 1 + done * distance // work
                    gc.work_left = work - done
                    ns = done * gc.mark_ns_per_kib >> 10
                    gc.assistTime += ns
                    gp.cpu_left += ns
                    if gc.work_left > 0:
                        # The last marker stopping with no global work: gcMarkDone's
                        # forEachP (one more bracket) flushes the chain to the global queue
                        # and preempts the other running Ps when the burst ends.
                        gc.chainHeldUntil = now + ns
                        gcWaitingBracket(rt, gp, "gcMarkDone")
                        rt.sim.after(ns, gc.ev_forEachP, pid)
                        if _otherPRunning(rt, pid):
                            gp.cpu_left += forEachPWait(rt)  # forEachP waits for it
                elif gp.retry_op is None and gp.gcAssistBytes < 0:
                    # The grey work sits in another P's gcw: gcDrainN finds none, so
                    # gcAssistAlloc parks the G on the assist queue (gcParkAssist) with its
                    # remaining debt until background credit pays it (gcFlushBgCredit, which
                    # leaves the G's balance at 0) or mark termination.
                    debt = -gp.gcAssistBytes * max(1, gc.work_left) // distance
                    gp.gcAssistBytes = 0
                    if gc.stackRootsPending:
                        gp.cpu_left += markrootSuspendG(rt, pid)
                    gp.retry_op = _AssistPark(max(1, debt))
        if gc.work_left <= 0 and not gc.markDonePending and gp.retry_op is None:
            gc.markDonePending = True
            gp.retry_op = GCMARKDONE
    elif (
        gc.phase == _GCoff
        and gc.heapLive >= gc.trigger
        and not gc.startPending
        and gp.retry_op is None
    ):
        gc.startPending = True
        gp.retry_op = GCSTART


gcOverAssistWork: Final = 64 << 10
"""mgcpacer.go: an assist does at least 64 KiB of scan work (and earns the credit for it)."""
heapCellBytes: Final = 64
heapCellScanBytes: Final = 8
"""The model's reachable heap is a list of 64-byte cells whose one pointer comes first (module
doc: The grey chain; gc-churn's ``cell``).  Go counts scan work as the bytes up to an object's
last pointer (mgcmark.go: scanobject's scanSize): 8 of every 64 heap bytes."""
gcOverAssistHeapBytes: Final = gcOverAssistWork * heapCellBytes // heapCellScanBytes
"""gcOverAssistWork in the model's work unit (bytes of reachable heap): 512 KiB."""
drainCheckThreshold: Final = 100_000
"""mgcmark.go: gcDrain checks its idle / fractional exit condition every this many units of
scan work."""
drainCheckHeapBytes: Final = drainCheckThreshold * heapCellBytes // heapCellScanBytes
"""drainCheckThreshold in the model's work unit (bytes of reachable heap): 800 KB."""


def gcAssistAlloc(gc: gcState, gp: G, nbytes: int, distance: int) -> int:
    """Models malloc.go: deductAssistCredit and the credit part of mgcmark.go: gcAssistAlloc
    - the scan work (in the model's unit, bytes of reachable heap) ``gp`` must do itself
    after allocating ``nbytes``; 0 when its credit (``gcAssistBytes``) or stolen background
    credit covers the allocation (no assist, no status change).

    The assist owes debt * (remaining scan work / remaining heap runway) of scan work, at
    least gcOverAssistWork (64 KiB of Go scan work), and first steals ``bgScanCredit``: a
    full steal credits the whole debt, a partial one the bytes it pays for.  The caller
    does the rest as one burst (gcAssistAlloc1 -> gcDrainN) and adds the bytes it pays for
    to the credit, so a G assists about once per 64 KiB of scan work and runs the next
    allocations on credit.  Credit is per cycle (gcResetMarkState zeroes it at gcStart).
    """
    if gp.gcAssistCycle != gc.numgc:
        gp.gcAssistCycle = gc.numgc
        gp.gcAssistBytes = 0
    gp.gcAssistBytes -= nbytes
    if gp.gcAssistBytes >= 0:
        return 0
    debt = -gp.gcAssistBytes
    work = max(1, gc.work_left)
    scanWork = work * debt // distance
    if scanWork < gcOverAssistHeapBytes:
        scanWork = gcOverAssistHeapBytes
        debt = gcOverAssistHeapBytes * distance // work
    credit = gc.bgScanCredit
    if credit > 0:
        if credit < scanWork:
            stolen = credit
            gp.gcAssistBytes += 1 + stolen * distance // work
        else:
            stolen = scanWork
            gp.gcAssistBytes += debt
        gc.bgScanCredit = credit - stolen
        scanWork -= stolen
    return scanWork


gSizeBytes: Final = 448
"""new(g) on linux/amd64 Go 1.23: runtime.g is ~440 bytes -> the 448-byte size class."""
goClosureBytes: Final = 32
"""The closure a ``go f(x)`` statement allocates for f and its arguments (funcval + args,
24-32 bytes -> one small object)."""
stackMinBytes: Final = 2048
"""stack.go: fixedStack / _StackMin - the stack of a new goroutine."""


class _ResumeWith(_RtOp):
    """Run ``op`` and resume the goroutine with ``value`` (the go statement's result when its
    allocation starts a cycle or ends the mark phase)."""

    __slots__ = ("op", "value")

    def __init__(self, op: _RtOp, value: Any) -> None:
        self.op = op
        self.value = value

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        gp.param = self.value
        return self.op.rt_exec(rt, mp, gp)


class _AssistPark(_RtOp):
    """mgcmark.go: gcParkAssist - queue on work.assistQueue with ``debt`` bytes of scan
    work owed and park ("GC assist wait"); gcFlushBgCredit readies it once background
    workers' scan work covers the debt, gcWakeAllAssists at mark termination."""

    __slots__ = ("debt",)

    def __init__(self, debt: int) -> None:
        self.debt = debt

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        from goschedlab.runtime.proc import gopark

        gc = rt.gc
        if not gc.blackenEnabled or gc.work_left <= 0:
            return True
        if gc.bgScanCredit >= self.debt:  # steal background credit instead of parking
            gc.bgScanCredit -= self.debt
            return True
        gcWaitingBracket(rt, gp, "gcAssistAlloc1")  # it looked for work before parking
        gc.assistParks += 1
        gc.assistQueue.append((gp, self.debt, rt.sim.now))
        return gopark(rt, mp, gp, waitReasonGCAssistWait)


def gcFlushBgCredit(rt: Runtime, mp: M | None, scanWork: int) -> None:
    """Models mgcmark.go: gcFlushBgCredit - a background worker's scan work pays the debts
    of parked assists in queue order (readying them); the rest becomes bgScanCredit."""
    gc = rt.gc
    credit = gc.bgScanCredit + scanWork
    woken: list[G] = []
    q = gc.assistQueue
    while q and q[0][1] <= credit:
        gp, debt, t = q.pop(0)
        credit -= debt
        gc.assistWaitTime += rt.sim.now - t
        woken.append(gp)
    if q and credit > 0:  # partial payment of the head's debt
        gp, debt, t = q[0]
        q[0] = (gp, debt - credit, t)
        credit = 0
    gc.bgScanCredit = credit
    if woken:
        _readyAssists(rt, mp, woken)


def gcWakeAllAssists(rt: Runtime, mp: M | None) -> None:
    """Models mgcmark.go: gcWakeAllAssists (mark done: every queued assist is released)."""
    gc = rt.gc
    if gc.assistQueue:
        now = rt.sim.now
        woken = [gp for gp, _d, t in gc.assistQueue]
        gc.assistWaitTime += sum(now - t for _g, _d, t in gc.assistQueue)
        gc.assistQueue.clear()
        _readyAssists(rt, mp, woken)


def _readyAssists(rt: Runtime, mp: M | None, gs: list[G]) -> None:
    from goschedlab.runtime.proc import injectglist

    gs = [gp for gp in gs if gp.atomicstatus == _Gwaiting]
    if gs:
        injectglist(rt, mp if mp is not None and mp.p is not None else None, gs)


def newprocAlloc(rt: Runtime, mp: M, gp: G, fresh: bool) -> None:
    """The heap allocations of a ``go`` statement by ``gp`` (proc.go: newproc1; malg ->
    new(g) + stackalloc when no dead G is reused): the closure (garbage once the goroutine
    started), and for a fresh G its g struct (reachable for ever through allgs) and its 2 KiB
    stack, both first-touched memory.  The g and closure count toward heapLive, so mass
    goroutine creation triggers GC cycles as in Go.  Their allocation CPU is in
    ``costs.newproc_ns`` / ``costs.malg_ns``.  Keeps the go statement's result (``gp.param``)
    when a cycle must start."""
    gc = rt.gc
    nbytes = goClosureBytes
    if fresh:
        nbytes += gSizeBytes
        gc.reachable += gSizeBytes
        ns = stackMinBytes * gc.fresh_ns_per_kib >> 10  # a new stack: never touched
        mp.debt += ns
        gc.freshTime += ns
    had = gp.retry_op
    _heapAlloc(rt, gc, mp, gp, nbytes)
    op = gp.retry_op
    if op is not had and op is not None:
        gp.retry_op = _ResumeWith(op, gp.param)


def gcPaceSweeper(gc: gcState) -> None:
    """Models mgcsweep.go: gcPaceSweeper (called from gcMarkTermination with the new trigger)
    - the sweep work of this cycle spread over the allocation up to the trigger minus 1 MiB.

    Sweep work modelled: the spans that are still fully live (the reachable heap at mark
    start, in 8 KiB spans): a mutator's cacheSpan sweeps them and finds no free slot, so they
    cost time without giving memory.  The sweep of spans that become free is part of the
    allocation cost (costs.mallocgc_ns_per_kib, one span swept per refill)."""
    pages = (gc.work_total + spanBytes - 1) // spanBytes
    gc.sweepTime = 0
    gc.sweepPagesTotal = pages
    gc.sweepPagesLeft = pages
    if pages <= 0:
        gc.sweepPagesPerByte = 0.0
        return
    heapDistance = gc.trigger - gc.heapLive - (1 << 20)
    if heapDistance < spanBytes:
        heapDistance = spanBytes
    gc.sweepPagesPerByte = pages / heapDistance
    gc.sweepHeapLiveBasis = gc.heapLive


def finishsweep(rt: Runtime, mp: M) -> None:
    """gcStart's ``for trigger.test() && sweepone() != ^uintptr(0) {}``: the initiator
    sweeps what proportional sweep left (normally nothing: the pacing ends 1 MiB before the
    trigger).  Simplification: charged as CPU of the initiating G after the STW, not before."""
    gc = rt.gc
    if gc.sweepPagesLeft > 0:
        ns = gc.sweepPagesLeft * gc.sweep_span_ns
        gc.sweepPagesLeft = 0
        gc.sweepTime += ns
        gc.sweepTimeTotal += ns
        gp = mp.curg
        if gp is not None:
            gp.cpu_left += ns


spanBytes: Final = 8192
"""_PageSize; the 64-byte size class uses one-page spans of 128 objects."""


# ---------------------------------------------------------------- cycle


def gcStart(rt: Runtime, mp: M, forced: bool = False) -> bool:
    """Models mgc.go: gcStart - sweep termination: stop the world, start the mark phase."""
    gc = rt.gc
    gc.startPending = False
    if gc.phase != _GCoff or rt.sched.gcwaiting or (gc.heapLive < gc.trigger and not forced):
        return True
    gc.userForced = forced
    finishsweep(rt, mp)
    now = rt.sim.now
    gc.sinceLastCycle = now - gc.tSweepTerm
    gc.tSweepTerm = now
    gc.heap0 = gc.heapLive
    gc.assistTime = gc.dedicatedMarkTime = gc.fractionalMarkTime = gc.idleMarkTime = 0
    return stopTheWorldWithSema(rt, mp, stwGCSweepTerm, _gcStartWorldStopped)


class _GCWaitFor(_RtOp):
    """gcWaitOnMark(n): park until ``n`` cycles completed (runtime.GC's waits)."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def rt_exec(self, rt: Runtime, mp: M, gp: G) -> bool:
        from goschedlab.runtime.proc import gopark

        gc = rt.gc
        if gc.numgc >= self.n:
            return True
        gp.retry_op = self
        gc.waiters.append(gp)
        return gopark(rt, mp, gp, waitReasonWaitForGCCycle)


def gcForce(rt: Runtime, mp: M, gp: G, op: Any) -> bool:
    """Models mgc.go: GC (runtime.GC) - wait for a running cycle, then run a full forced
    cycle (gcStart with gcTriggerCycle) and block until its mark termination."""
    gc = rt.gc
    if gc.phase != _GCoff or rt.sched.gcwaiting or gc.stw is not None:
        from goschedlab.runtime.proc import gopark

        gp.retry_op = op  # start our own cycle once this one is over
        gc.waiters.append(gp)
        return gopark(rt, mp, gp, waitReasonWaitForGCCycle)
    gp.retry_op = _GCWaitFor(gc.numgc + 1)
    return gcStart(rt, mp, forced=True)


def _gcStartWorldStopped(rt: Runtime, mp: M) -> int:
    """The world is stopped for sweep termination: startCycle, setGCPhase(_GCmark),
    gcBlackenEnabled = 1.  Returns the ns of work done before startTheWorld:
    :func:`sweeptermWork` for the time since the previous cycle, plus a per-cycle spread
    (``Costs.gc_sweepterm_spread_pct``, own "gcstw" stream)."""
    gc = rt.gc
    costs = rt.costs
    work_ns = sweeptermWork(costs.gc_sweepterm_ns, costs.gc_stw_cold_ns_per_efold,
                            gc.sinceLastCycle)
    if costs.gc_sweepterm_spread_pct > 0:
        spread = costs.gc_sweepterm_ns * costs.gc_sweepterm_spread_pct // 100
        work_ns += osJitter(gc.stwrng, spread)  # cycle-to-cycle spread, measured
        if work_ns < 0:
            work_ns = 0
    n = rt.sched.gomaxprocs
    startCycle(gc, rt.sim.now + work_ns, n)
    gc.phase = _GCmark
    gc.blackenEnabled = True
    gc.markedDuringMark = 0
    gc.work_total = gc.reachable
    gc.work_left = gc.reachable
    gc.chainP = -1
    gc.chainHeldUntil = 0
    gc.bgScanCredit = 0
    gc.stackRootsPending = n > 1  # gcMarkRootPrepare: one stack job per G (markrootSuspendG)
    return work_ns


def sweeptermWork(base: int, per_efold: int, since: int) -> int:
    """The ns of work gcStart does with the world stopped (finishsweep_m, clearpools,
    gcController.startCycle, setGCPhase, gcBgMarkPrepare, gcMarkRootPrepare,
    gcMarkTinyAllocs; mgc.go), given the ns since the previous cycle's sweep termination.

    Measured on the development VM (forced cycles, GOMAXPROCS=1, docs/validation.md
    mechanism 80), that work grows with the time since the previous cycle rather than with
    the live heap: ~4 us with cycles 8 ms apart, ~9 us at 40 ms, ~12 us at 110 ms, ~18 us
    at 1 s, with a 4 or 64 MiB live heap alike - about ``per_efold`` more per e-fold of the
    interval (the runtime data it touches have gone cold in the caches).  ``base`` is the
    work at ``STW_COLD_REF_NS`` or less; the interval is capped at ``STW_COLD_MAX_NS``."""
    if per_efold <= 0 or since <= STW_COLD_REF_NS:
        return base
    if since > STW_COLD_MAX_NS:
        since = STW_COLD_MAX_NS
    return base + int(per_efold * math.log(since / STW_COLD_REF_NS))


def startCycle(gc: gcState, markStartTime: int, procs: int) -> None:
    """Models mgcpacer.go: gcControllerState.startCycle - worker counts (spec 9.5)."""
    gc.markStartTime = markStartTime
    totalUtilizationGoal = procs * gcBackgroundUtilization
    dedicated = int(totalUtilizationGoal + 0.5)
    utilError = dedicated / totalUtilizationGoal - 1
    if utilError < -0.3 or utilError > 0.3:
        if dedicated > totalUtilizationGoal:
            dedicated -= 1
        gc.fractionalUtilizationGoal = (totalUtilizationGoal - dedicated) / procs
    else:
        gc.fractionalUtilizationGoal = 0.0
    gc.dedicatedMarkWorkersNeeded = dedicated
    gc.maxIdleMarkWorkers = procs - dedicated
    gc.idleMarkWorkers = 0
    for i in range(procs):
        gc.fracTime[i] = 0


def gcMarkDone(rt: Runtime, mp: M) -> bool:
    """Models mgc.go: gcMarkDone - no mark work left: stop the world for mark termination."""
    gc = rt.gc
    gc.markDonePending = False
    if gc.phase != _GCmark or rt.sched.gcwaiting or gc.work_left > 0:
        return True
    gp = mp.curg
    if gp is not None and gp.atomicstatus == _Grunning:
        # The running G marks itself waiting in forEachP (the ragged barrier), in
        # gcMarkTermination, and in its forEachP(waitReasonFlushProcCaches).
        gcWaitingBracket(rt, gp, "gcMarkDone", 3)
    gc.tMarkTerm = rt.sim.now
    gc.blackenEnabled = False
    return stopTheWorldWithSema(rt, mp, stwGCMarkTerm, _gcMarkTermination)


def _gcMarkTermination(rt: Runtime, mp: M) -> int:
    """Models mgc.go: gcMarkTermination (world stopped) - heap2, commit the next goal."""
    gc = rt.gc
    gc.phase = _GCmarktermination
    gcWakeAllAssists(rt, mp)  # gcMarkDone wakes the blocked assists with the world stopped
    gc.heap1 = gc.heapLive
    now = rt.sim.now
    for i, mode in enumerate(gc.mode):  # workers stopped for the STW: account their time
        if mode != gcMarkWorkerNotWorker:
            d = now - gc.workerStart[i]
            gc.workerStart[i] = now
            if mode == gcMarkWorkerDedicatedMode:
                gc.dedicatedMarkTime += d
            elif mode == gcMarkWorkerFractionalMode:
                gc.fractionalMarkTime += d
            else:
                gc.idleMarkTime += d
            # its time is accounted: a worker still queued parks later without adding
            # to the next cycle (its per-cycle counters are reset by startCycle)
            gc.mode[i] = gcMarkWorkerNotWorker
    heap2 = gc.reachable + gc.markedDuringMark
    if heap2 > gc.heapLive:
        heap2 = gc.heapLive
    gc.heapMarked = heap2
    gc.numgc += 1
    gc.cycles.append(
        GCCycle(
            n=gc.numgc, tSweepTerm=gc.tSweepTerm, tMark=gc.tMark, tMarkTerm=gc.tMarkTerm,
            stwprocs=gc.stwprocs, assistTime=gc.assistTime,
            dedicatedFractionalTime=gc.dedicatedMarkTime + gc.fractionalMarkTime,
            idleTime=gc.idleMarkTime, heap0=gc.heap0, heap1=gc.heap1, heap2=heap2,
            goal=gc.heapGoal, maxprocs=rt.sched.gomaxprocs, forced=gc.userForced,
        )
    )  # fmt: skip
    gc.commit()
    # gcSweep: the sweep phase starts; unmarked objects are free from now on (heapLive =
    # marked, gcControllerState.resetLive); the spans are swept by the allocators.
    gc.heapLive = heap2
    gcPaceSweeper(gc)
    gc.phase = _GCoff
    return rt.costs.gc_markterm_ns


def _finishCycle(rt: Runtime, c: GCCycle) -> None:
    """tEnd known: CPU fraction and the gctrace line (printed before worldsema is dropped)."""
    gc = rt.gc
    c1 = c.tMark - c.tSweepTerm
    c3 = c.tEnd - c.tMarkTerm
    gc.totalGCTime += c.stwprocs * (c1 + c3) + c.assistTime + c.dedicatedFractionalTime
    total = rt.sim.now * rt.sched.gomaxprocs
    c.util = int(100 * gc.totalGCTime / total) if total > 0 else 0
    if gc.gctrace:
        from goschedlab.observe.gctrace import format_gctrace

        line = format_gctrace(c)
        gc.trace_lines.append(line)
        if gc.trace_sink is not None:
            gc.trace_sink(line)


# ---------------------------------------------------------------- stop / start the world


def preemptall(rt: Runtime, self_mp: M | None) -> None:
    """Models proc.go: preemptall - preemptone every _Prunning P except the caller's."""
    from goschedlab.runtime.sysmon import preemptone

    for pp in rt.allp:
        if pp.status != _Prunning or pp.m is self_mp:
            continue
        preemptone(rt, pp)


def stopTheWorldWithSema(
    rt: Runtime, mp: M, reason: str, then: Callable[[Runtime, M], int]
) -> bool:
    """Models proc.go: stopTheWorldWithSema (spec 8.1).

    ``then(rt, mp)`` runs once every P is stopped and returns the ns of work done with the
    world stopped; then :func:`startTheWorldWithSema` restarts it and ``mp`` resumes its G.
    Returns True if ``mp`` continues now (never: the restart is an engine event), False
    when the M waits.
    """
    sched = rt.sched
    gc = rt.gc
    if mp.locks > 0:
        raise Throw("stopTheWorld", "holding locks", rt.sim.now)
    if gc.stw is not None:
        raise Throw("stopTheWorldWithSema", "a stop-the-world is already in progress", rt.sim.now)
    start = rt.sim.now
    sched.stopwait = sched.gomaxprocs
    sched.gcwaiting = True
    preemptall(rt, mp)
    pp = mp.p
    if pp is None:
        raise Throw("stopTheWorldWithSema", f"{mp!r} has no P", start)
    casPstatus(rt, pp, _Prunning, _Pgcstop, "stopTheWorldWithSema")
    sched.stopwait -= 1
    for p2 in rt.allp:
        if p2.status == _Psyscall:
            casPstatus(rt, p2, _Psyscall, _Pgcstop, "stopTheWorldWithSema")
            p2.syscalltick = (p2.syscalltick + 1) & 0xFFFFFFFF
            sched.stopwait -= 1
    while sched.pidle:
        p2 = sched.pidle.pop()
        sched.npidle -= 1
        p2.idle = False
        casPstatus(rt, p2, _Pidle, _Pgcstop, "stopTheWorldWithSema")
        sched.stopwait -= 1
    gc.stw = [mp, reason, start, then, None, 0]
    mp.state = M_SCHED  # its G stays _Grunning; the M waits on sched.stopnote
    if sched.stopwait > 0:
        gc.stw[4] = rt.sim.after(STW_REPREEMPT_NS, gc.ev_stw_timeout, mp)
        return False
    mp.ev = rt.sim.after(0, gc.ev_stw_stopped, mp)
    return False


def _stwTimeout(rt: Runtime, mp: M) -> None:
    """notetsleep(&sched.stopnote, 100us) timed out: preemptall again and keep waiting."""
    gc = rt.gc
    if gc.stw is None:
        return
    preemptall(rt, mp)
    gc.stw[4] = rt.sim.after(STW_REPREEMPT_NS, gc.ev_stw_timeout, mp)


def stopwaitDone(rt: Runtime, path_ns: int = 0) -> None:
    """notewakeup(&sched.stopnote): the last P stopped; the initiator runs ``path_ns`` (the
    stopping M's path to its futex wake-up) plus a wake-up later."""
    gc = rt.gc
    if gc.stw is None:
        raise Throw("gcstopm", "stopwait reached 0 without a stop-the-world", rt.sim.now)
    rt.sim.cancel(gc.stw[4])
    gc.stw[4] = None
    mp = gc.stw[0]
    mp.ev = rt.sim.after(path_ns + rt.costs.stopnote_wake_ns, gc.ev_stw_stopped, mp)


def _stwStopped(rt: Runtime, mp: M) -> None:
    """The end of stopTheWorldWithSema: record the stopping time, verify, do the work."""
    gc = rt.gc
    stw = gc.stw
    assert stw is not None
    mp.ev = None
    now = rt.sim.now
    sched = rt.sched
    if sched.stopwait != 0:
        raise Throw("stopTheWorld", f"stopwait={sched.stopwait} after the wait", now)
    for pp in rt.allp:
        if pp.status != _Pgcstop:
            raise Throw("stopTheWorld", f"not stopped: {pp!r}", now)
    stopping = now - stw[2]
    if stw[1] in (stwGCSweepTerm, stwGCMarkTerm):
        gc.stwStoppingTimeGC.record(stopping)
    else:
        gc.stwStoppingTimeOther.record(stopping)
    gc.world_stopped = True
    stw[5] = now
    work_ns = stw[3](rt, mp)
    mp.ev = rt.sim.after(work_ns, gc.ev_after_work, mp)


def _stwAfterWork(rt: Runtime, mp: M) -> None:
    gc = rt.gc
    stw = gc.stw
    assert stw is not None
    mp.ev = None
    now = startTheWorldWithSema(rt, mp)
    if stw[1] == stwGCSweepTerm:
        gc.tMark = now
    elif stw[1] == stwGCMarkTerm:
        c = gc.cycles[-1]
        c.tMark = gc.tMark
        c.tEnd = now
        gc.userForced = False
        _finishCycle(rt, c)
        bgsweepReady(rt, mp)
        if gc.waiters:  # runtime.GC callers waiting for this cycle (gcWaitOnMark)
            from goschedlab.runtime.proc import injectglist

            waiters, gc.waiters = gc.waiters, []
            injectglist(rt, mp, waiters)
    # The initiator's G carries on (mallocgc / the mark worker returns).
    mp.state = M_RUNNING
    from goschedlab.runtime.interp import run_g

    run_g(rt, mp)


def startTheWorldWithSema(rt: Runtime, mp: M) -> int:
    """Models proc.go: startTheWorldWithSema (spec 8.2) with procresize(gomaxprocs)."""
    from goschedlab.runtime.proc import (
        injectglist,
        mget,
        mReserveID,
        newm,
        pidleput,
        wakep,
    )
    from goschedlab.runtime.runq import runqempty
    from goschedlab.runtime.sysmon import sysmonwake

    gc = rt.gc
    sched = rt.sched
    stw = gc.stw
    assert stw is not None
    gc.world_stopped = False
    if rt.netpoll_hook is not None and rt.netpollInited:
        glist = rt.netpoll_hook(rt, 0)
        if glist:
            injectglist(rt, mp, glist)
    # procresize(gomaxprocs): same size; the caller's P runs again, the others go idle or
    # get an M when they have local work.
    own = mp.p
    runnable: list[P] = []
    for i in range(sched.gomaxprocs - 1, -1, -1):
        pp = rt.allp[i]
        if pp is own:
            continue
        casPstatus(rt, pp, _Pgcstop, _Pidle, "procresize")
        if runqempty(pp):
            pidleput(rt, pp)
        else:
            runnable.append(pp)
    casPstatus(rt, own, _Pgcstop, _Prunning, "procresize")  # type: ignore[arg-type]
    sched.gcwaiting = False
    if sched.sysmonwait:
        sysmonwake(rt)
    for pp in runnable:
        nmp = mget(rt)
        if nmp is not None:
            nmp.nextp = pp
            nmp.state = M_SCHED
            nmp.ev = rt.sim.after(rt.costs.mwake_ns, rt._ev_mwake, nmp)
        else:
            newm(rt, pp, False, mReserveID(rt))
    now = rt.sim.now
    total = now - stw[2]
    if stw[1] in (stwGCSweepTerm, stwGCMarkTerm):
        gc.stwTotalTimeGC.record(total)
    else:
        gc.stwTotalTimeOther.record(total)
    gc.stw_log.append((stw[1], stw[2], stw[5], now))
    gc.stw = None
    wakep(rt)
    return now


def gcstopm(rt: Runtime, mp: M) -> bool:
    """Models proc.go: gcstopm - stop this M's P for a pending stop-the-world, then stopm."""
    from goschedlab.runtime.proc import _stopSpinningStats, releasep, stopm

    sched = rt.sched
    if not sched.gcwaiting:
        raise Throw("gcstopm", "not waiting for gc", rt.sim.now)
    if mp.spinning:
        mp.spinning = False
        _stopSpinningStats(rt, mp)
        sched.nmspinning -= 1
        if sched.nmspinning < 0:
            raise Throw("gcstopm", "negative nmspinning", rt.sim.now)
    pp = releasep(rt, mp)
    casPstatus(rt, pp, _Pidle, _Pgcstop, "gcstopm")
    pstopped(rt, "gcstopm", rt.costs.gcstopm_path_ns)
    return stopm(rt, mp)


def pstopped(rt: Runtime, fn: str, path_ns: int = 0) -> None:
    """``sched.stopwait--`` and the wake-up of the initiator at 0 (gcstopm, handoffp,
    entersyscall_gcwait).  ``path_ns``: the stopping M's own path up to its notewakeup
    (gcstopm: ``costs.gcstopm_path_ns``, the signal handler to the futex wake-up)."""
    sched = rt.sched
    sched.stopwait -= 1
    if sched.stopwait < 0:
        raise Throw(fn, "negative stopwait", rt.sim.now)
    if sched.stopwait == 0:
        stopwaitDone(rt, path_ns)


def assertWorldRunning(rt: Runtime, mp: M) -> None:
    """Invariant: no goroutine runs while the world is stopped (except the stopper's)."""
    gc = rt.gc
    if gc.world_stopped and (gc.stw is None or gc.stw[0] is not mp):
        raise Throw(
            "stopTheWorldWithSema",
            f"{mp!r} runs {mp.curg!r} while the world is stopped",
            rt.sim.now,
        )


# ---------------------------------------------------------------- mark workers


def _workerG(rt: Runtime) -> G:
    gc = rt.gc
    if gc.pool:
        return gc.pool.pop()
    gp = G(WORKER_GOID_BASE + len(gc.live_by_goid) + rt.stats.goroutines_created)
    gp.atomicstatus = _Gwaiting
    gp.waitreason = waitReasonGCWorkerIdle
    gen = _gcBgMarkWorker()
    next(gen)  # runs to the first park: the worker is parked in the pool
    gp.gen = gen
    gp.param = None
    return gp


def gcMarkWorkAvailable(rt: Runtime, pp: P | None = None) -> bool:
    """Models mgc.go: gcMarkWorkAvailable(p) - scan work left that ``pp`` can get: its own
    gcw holds the grey chain, or nobody took it yet (the global queue)."""
    gc = rt.gc
    if not gc.blackenEnabled or gc.work_left <= 0:
        return False
    return pp is None or chainFree(gc, pp.id, rt.sim.now)


def chainFree(gc: gcState, pid: int, now: int) -> bool:
    """Can a marker on P ``pid`` get the grey chain now?  Nobody took it yet, this P's gcw
    holds it, or its last holder stopped: a marker that stops while no other marker runs
    and the global queue is empty reaches a completion point (gcAssistAlloc1 /
    gcBgMarkWorker: ``incnwait == work.nproc && !gcMarkWorkAvailable(nil)``), and
    gcMarkDone's forEachP disposes every P's gcw into the global queue (gcw.dispose, then
    ``goto top``), so any P's next worker or assist continues the chain."""
    return gc.chainP < 0 or gc.chainP == pid or gc.chainHeldUntil <= now


def findRunnableGCWorker(rt: Runtime, pp: P, now: int) -> G | None:
    """Models mgcpacer.go: findRunnableGCWorker (findRunnable step E)."""
    gc = rt.gc
    if not gcMarkWorkAvailable(rt, pp):
        return None
    if gc.dedicatedMarkWorkersNeeded > 0:
        gc.dedicatedMarkWorkersNeeded -= 1
        mode = gcMarkWorkerDedicatedMode
    elif gc.fractionalUtilizationGoal == 0:
        return None
    else:
        delta = now - gc.markStartTime
        if delta > 0 and gc.fracTime[pp.id] / delta > gc.fractionalUtilizationGoal:
            return None
        mode = gcMarkWorkerFractionalMode
    return _handOut(rt, pp, mode, now)


def findRunnableIdleGCWorker(rt: Runtime, pp: P, now: int) -> G | None:
    """findRunnable step M: an idle mark worker if work exists and an idle slot is free
    (mgcpacer.go: addIdleMarkWorker)."""
    gc = rt.gc
    if not gcMarkWorkAvailable(rt, pp) or gc.idleMarkWorkers >= gc.maxIdleMarkWorkers:
        return None
    gc.idleMarkWorkers += 1
    return _handOut(rt, pp, gcMarkWorkerIdleMode, now)


def _endWorkerMode(gc: gcState, pid: int, now: int) -> None:
    """The end of P ``pid``'s worker mode (mgc.go: gcBgMarkWorker clears
    pp.gcMarkWorkerMode when its drain returns): its time goes to the mode's account, and
    an idle worker's slot (removeIdleMarkWorker) or a dedicated one (markWorkerStop) is
    given back."""
    mode = gc.mode[pid]
    if mode == gcMarkWorkerNotWorker:
        return
    d = now - gc.workerStart[pid]
    if mode == gcMarkWorkerDedicatedMode:
        gc.dedicatedMarkTime += d
        gc.dedicatedMarkWorkersNeeded += 1  # markWorkerStop
    elif mode == gcMarkWorkerFractionalMode:
        gc.fractionalMarkTime += d
        gc.fracTime[pid] += d
    else:
        gc.idleMarkTime += d
        gc.idleMarkWorkers -= 1
    gc.mode[pid] = gcMarkWorkerNotWorker


def _handOut(rt: Runtime, pp: P, mode: int, now: int) -> G:
    gc = rt.gc
    # A worker that left this P without parking (preempted to a run queue) has ended its
    # mode in Go before it could leave; end it here, or its idle slot would never be given
    # back and no idle P would run a mark worker again this cycle.
    _endWorkerMode(gc, pp.id, now)
    gp = _workerG(rt)
    gc.mode[pp.id] = mode
    gc.workerStart[pp.id] = now
    gc.checkWork[pp.id] = drainCheckHeapBytes
    casgstatus(rt, gp, _Gwaiting, _Grunnable, "findRunnableGCWorker")
    return gp


def gcDrain(rt: Runtime, mp: M, gp: G) -> bool:
    """Models mgc.go: gcBgMarkWorker's drain (gcDrain / gcDrainFractional / idle): decide
    the next chunk of mark work for this worker; ``gp.param`` tells the worker whether to
    keep draining.  The chunk runs as CPU work of the worker G with preemption disabled."""
    gc = rt.gc
    pp: P = mp.p  # type: ignore[assignment]
    mode = gc.mode[pp.id]
    now = rt.sim.now
    mp.locks = 0  # the previous chunk (if any) is over
    if gc.work_left > 0 and not chainFree(gc, pp.id, now) and not rt.sched.gcwaiting:
        gp.param = False  # another P's gcw holds the grey chain: no work for this worker
        if gc.stackRootsPending:
            mp.debt += markrootSuspendG(rt, pp.id)  # it runs the stack root jobs first
        return True
    if gc.work_left <= 0 or not gc.blackenEnabled or rt.sched.gcwaiting:
        gp.param = False
        if gc.phase == _GCmark and gc.work_left <= 0 and not gc.markDonePending:
            gc.markDonePending = True
            return gcMarkDone(rt, mp)
        return True
    if mode == gcMarkWorkerDedicatedMode:
        chunk = DEDICATED_CHUNK_NS
    elif mode == gcMarkWorkerFractionalMode:
        if gp.preempt:
            gp.param = False
            return True
        # gcDrain calls pollFractionalWorkerExit (stop once self time / mark time > 1.2 *
        # goal) only each time drainCheckThreshold units of scan work are done, so a
        # fractional worker that started drains at least that much.
        left = gc.checkWork[pp.id]
        if left <= 0:
            goal = 1.2 * gc.fractionalUtilizationGoal
            selfTime = gc.fracTime[pp.id] + (now - gc.workerStart[pp.id])
            delta = now - gc.markStartTime
            if delta <= 0 or selfTime > goal * delta:
                gp.param = False
                return True
            left += drainCheckHeapBytes
            gc.checkWork[pp.id] = left
        chunk = DEDICATED_CHUNK_NS  # it polls preemption / gcwaiting between chunks
    else:
        # Idle worker: pollWork - stop when this P or the global queue has work.
        from goschedlab.runtime.runq import runqempty

        if gp.preempt or rt.sched.runqsize or not runqempty(pp):
            gp.param = False
            return True
        chunk = IDLE_CHUNK_NS
    work = chunk * 1024 // max(1, gc.mark_ns_per_kib)
    if mode == gcMarkWorkerFractionalMode:
        left = gc.checkWork[pp.id]
        if work > left:
            work = left
            chunk = work * gc.mark_ns_per_kib >> 10
        gc.checkWork[pp.id] = left - work
    if work >= gc.work_left:
        work = gc.work_left
        chunk = work * gc.mark_ns_per_kib >> 10
    gc.work_left -= work
    gc.chainP = pp.id  # the chain is in this P's gcw until the worker stops
    gc.chainHeldUntil = 1 << 62
    gcFlushBgCredit(rt, mp, work)  # credited when the chunk starts (see module doc)
    gp.cpu_left = max(1, chunk)
    mp.locks = 1  # gcDrain runs on the system stack: not preemptible
    gp.param = True
    return True


def markrootSuspendG(rt: Runtime, pid: int) -> int:
    """The stack root jobs of mgcmark.go: markroot -> markrootStack -> scanstack as an assist
    runs them when it finds no heap work (gcDrainN takes root jobs while
    ``work.markrootNext < work.markrootJobs``): a G running on another P cannot have its stack
    scanned in place, so preempt.go: suspendG sets preemptStop and sends the preemption signal
    (preemptone here), and the scanner spins until that G has stopped at a safe point.  The
    preempted P then schedules and findRunnableGCWorker hands out its fractional worker.
    Runs once a cycle (the first assist on a P without the grey chain); returns the ns the
    scanner waits (``costs.preempt_signal_ns``, the signal's delivery)."""
    from goschedlab.runtime.sysmon import preemptone

    gc = rt.gc
    gc.stackRootsPending = False
    n = 0
    for pp in rt.allp:
        if pp.id == pid or pp.status != _Prunning or pp.m is None:
            continue
        cg = pp.m.curg
        if cg is None or cg.goid >= WORKER_GOID_BASE - 1:
            continue  # system goroutines (mark workers, bgsweep) are not suspended here
        if preemptone(rt, pp):
            n += 1
    return rt.costs.preempt_signal_ns if n else 0


def forEachPPreempt(rt: Runtime, pid: int) -> int:
    """The preemption half of proc.go: forEachP as mgc.go: gcMarkDone calls it when a
    marker stops at a completion point with work left in its gcw (the grey chain): every
    other _Prunning P is asked to stop (preemptone) so that it runs the flush function at
    its next schedule; the user G running there goes to the global queue (gopreempt_m) and
    waits behind the other runnable Gs.  ``pid`` is the caller's P (not preempted)."""
    from goschedlab.runtime.sysmon import preemptone

    gc = rt.gc
    if gc.phase != _GCmark or rt.sched.gcwaiting:
        return 0
    n = 0
    for pp in rt.allp:
        if pp.id != pid and pp.status == _Prunning and preemptone(rt, pp):
            n += 1
    return n


def _otherPRunning(rt: Runtime, pid: int) -> bool:
    """Whether a P other than ``pid`` is _Prunning (forEachP would have to preempt it)."""
    for pp in rt.allp:
        if pp.id != pid and pp.status == _Prunning:
            return True
    return False


def _mallocRate(rt: Runtime, gc: gcState, mp: M) -> int:
    """malloc.go: mallocgc's CPU per KiB outside the mark at GOMAXPROCS > 1 - its memory
    traffic (memclrNoHeapPointers of the new objects, mcache.refill / mcentral.cacheSpan)
    shares caches and memory bandwidth with the other vCPU: the contended rate while another
    P's M is inside its own mallocgc charge (``allocEnd``), the busy rate while it runs any
    other goroutine code, the plain rate when every other P idles (docs/validation.md
    mechanism 300)."""
    own = mp.p
    now = rt.sim.now
    rate = gc.malloc_ns_per_kib
    mach = rt.machine
    for pp in rt.allp:
        if pp is not own and pp.status == _Prunning:
            m2 = pp.m
            if m2 is not None and m2.curg is not None and m2.state == M_RUNNING:
                if mach.slices:
                    # only a thread running on another vCPU right now shares the memory
                    # system with this one (a P time-sharing this vCPU, or waiting for one,
                    # does not: GOMAXPROCS above the CPU count)
                    v2 = mach.vcpu_of.get(m2.id, -1)
                    if v2 < 0 or mach.run_m[v2] is not m2 or v2 == mach.vcpu_of.get(mp.id, -1):
                        continue
                if gc.allocEnd[pp.id] > now:
                    return gc.malloc_contended_ns_per_kib
                rate = gc.malloc_busy_ns_per_kib
    return rate


def forEachPWait(rt: Runtime) -> int:
    """proc.go: forEachP - the caller sleeps on sched.safePointNote until every preempted P
    has run the function at its next schedule: the preemption signal, the preempted M's path
    to its notewakeup and the futex wake-up of the caller, the same path as
    stopTheWorldWithSema's wait on sched.stopnote (``costs.preempt_signal_ns +
    costs.gcstopm_path_ns + costs.stopnote_wake_ns``).  Meanwhile the preempted P goes
    through schedule first and its fractional worker takes the flushed chain."""
    c = rt.costs
    return c.preempt_signal_ns + c.gcstopm_path_ns + c.stopnote_wake_ns


def gcBgMarkWorkerPark(rt: Runtime, mp: M, gp: G) -> bool:
    """The worker goes back to the pool (gopark with waitReasonGCWorkerIdle); its time is
    accounted to its mode (dedicated / fractional / idle mark time)."""
    from goschedlab.runtime.proc import dropg, schedule

    gc = rt.gc
    mp.locks = 0
    pp: P = mp.p  # type: ignore[assignment]
    _endWorkerMode(gc, pp.id, rt.sim.now)
    if gc.chainP == pp.id and gc.chainHeldUntil > rt.sim.now:
        gc.chainHeldUntil = rt.sim.now  # chainFree: gcMarkDone flushes it to the global queue
        if gc.phase == _GCmark and gc.work_left > 0:
            gcWaitingBracket(rt, gp, "gcMarkDone")
            if forEachPPreempt(rt, pp.id):
                mp.debt += forEachPWait(rt)
    gp.waitreason = waitReasonGCWorkerIdle
    casgstatus(rt, gp, 2, _Gwaiting, "gcBgMarkWorker")
    dropg(mp, gp)
    gp.preempt = False
    gc.pool.append(gp)
    return schedule(rt, mp)


__all__ = [
    "GCCycle",
    "gcState",
    "mallocgc",
    "gcStart",
    "gcMarkDone",
    "gcstopm",
    "pstopped",
    "stopTheWorldWithSema",
    "startTheWorldWithSema",
    "findRunnableGCWorker",
    "findRunnableIdleGCWorker",
    "gcMarkWorkAvailable",
    "assertWorldRunning",
    "_Gdead",
]
