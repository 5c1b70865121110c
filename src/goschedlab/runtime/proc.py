"""The scheduler algorithms of proc.go (Go 1.23.1): schedule, findRunnable, stealWork, wakep,
startm, handoffp, stopm, execute, ready, newproc, gopark, goschedImpl, goyield, goexit0,
checkdead, and the idle P / idle M lists.

Every function takes the :class:`~goschedlab.runtime.runtime.Runtime` ``rt`` first and
the acting M ``mp`` where Go uses ``getg().m``.  Runtime work is charged as ns to ``mp.debt``;
the actor advances the clock by it before its next step.

Functions that may block the M (``schedule``, ``findRunnable``, ``stopm``, ``gopark`` ...)
return ``True`` when the M has a G to run now (``mp.curg``) and ``False`` when the M is
suspended (idle, in netpoll, or its continuation is already scheduled as an engine event).

Hot paths carry inlined copies of small Go functions (marked "inlined" where they stand), with
the same reads, writes, order and invariant checks: schedule's fused local-runq path
(findRunnable steps A-I + runqget + scheduleFound + execute, taken only when steps A-H cannot
act), casgstatus for the transitions of execute/gopark/goexit0/newproc1/ready (the legality
test and the scheduling-latency sampling inline, the throw through casgstatus), runqput in
newproc, gfput in goexit0, and wakep's nmspinning / no-idle-P early exits.
tests/runtime/test_speed_fastpaths.py runs the full calls (a zero-cost runq-lock policy)
against the fused ones and requires byte-identical results.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from types import GeneratorType
from typing import TYPE_CHECKING, Any, Final

from goschedlab.policies.base import Policy
from goschedlab.runtime.costs import Costs, osJitter
from goschedlab.runtime.errors import GoFatal, Throw
from goschedlab.runtime.g import (
    G,
    _Gdead,
    _Gidle,
    _Grunnable,
    _Grunning,
    _Gwaiting,
    casgstatus,
    gTrackingPeriod,
    leaveRunning,
    waitReasonFinalizerWait,
)
from goschedlab.runtime.gc import (
    findRunnableGCWorker,
    findRunnableIdleGCWorker,
    gcstopm,
)
from goschedlab.runtime.gc import pstopped as gc_pstopped
from goschedlab.runtime.m import M_IDLE, M_NETPOLL, M_RUNNING, M_SCHED, M
from goschedlab.runtime.p import P, _Pgcstop, _Pidle, _Prunning, casPstatus
from goschedlab.runtime.runq import (
    PAUSE,
    globrunqget,
    globrunqput,
    runnextHold,
    runnextSeen,
    runqempty,
    runqget,
    runqput,
    runqputbatch,
    runqputslow,
    runqsteal,
)
from goschedlab.runtime.timers import checkTimers, wakeTime
from goschedlab.workloads.ops import Chan, Recv

if TYPE_CHECKING:
    from goschedlab.runtime.runtime import Runtime

_GoidCacheBatch: Final = 16
M32: Final = 0xFFFFFFFF


# ---------------------------------------------------------------- P and M ownership


def wirep(rt: Runtime, mp: M, pp: P) -> None:
    """Models proc.go: wirep (acquirep) - plain stores m.p, p.m, then status _Prunning."""
    if mp.p is not None or pp.m is not None or pp.status != _Pidle:
        raise Throw("wirep", f"invalid p state: {mp!r} p={mp.p!r}, {pp!r} m={pp.m!r}", rt.sim.now)
    mp.p = pp
    pp.m = mp
    casPstatus(rt, pp, _Pidle, _Prunning, "wirep")


acquirep: Final = wirep


def releasep(rt: Runtime, mp: M) -> P:
    """Models proc.go: releasep - disassociate mp and its P; the P becomes _Pidle."""
    pp = mp.p
    if pp is None or pp.m is not mp or pp.status != _Prunning:
        raise Throw("releasep", f"invalid p state: {mp!r} p={pp!r}", rt.sim.now)
    mp.p = None
    pp.m = None
    casPstatus(rt, pp, _Prunning, _Pidle, "releasep")
    return pp


def pidleput(rt: Runtime, pp: P) -> None:
    """Models proc.go: pidleput - push an idle P (LIFO); sched.lock held."""
    if not runqempty(pp):
        raise Throw("pidleput", f"P has non-empty run queue: {pp!r}", rt.sim.now)
    if not pp.timers:
        pp.timerp = False  # timerpMask.clear
    pp.idle = True  # idlepMask.set
    sched = rt.sched
    sched.pidle.append(pp)
    sched.npidle += 1


def pidleget(rt: Runtime) -> P | None:
    """Models proc.go: pidleget - pop an idle P (LIFO); sched.lock held."""
    sched = rt.sched
    if not sched.pidle:
        return None
    pp = sched.pidle.pop()
    pp.timerp = True  # timerpMask.set: it may get timers now
    pp.idle = False
    sched.npidle -= 1
    return pp


def pidlegetSpinning(rt: Runtime) -> P | None:
    """Models proc.go: pidlegetSpinning - pidleget, setting needspinning on failure."""
    pp = pidleget(rt)
    if pp is None:
        rt.sched.needspinning = 1
    return pp


def mput(rt: Runtime, mp: M) -> None:
    """Models proc.go: mput - push an idle M (LIFO) and run checkdead."""
    rt.sched.midle.append(mp)
    checkdead(rt)


def mget(rt: Runtime) -> M | None:
    """Models proc.go: mget - pop an idle M."""
    midle = rt.sched.midle
    return midle.pop() if midle else None


def mcount(rt: Runtime) -> int:
    """Models proc.go: mcount - Ms ever created minus freed (includes m0 and sysmon)."""
    return rt.sched.mnext - rt.sched.nmfreed


def checkmcount(rt: Runtime) -> None:
    """Models proc.go: checkmcount - die with Go's message past sched.maxmcount."""
    count = mcount(rt)
    if count > rt.sched.maxmcount:
        raise GoFatal(
            [
                f"runtime: program exceeds {rt.sched.maxmcount}-thread limit",
                "fatal error: thread exhaustion",
            ]
        )


def mReserveID(rt: Runtime) -> int:
    """Models proc.go: mReserveID - next M id; checks the thread limit."""
    sched = rt.sched
    id = sched.mnext
    sched.mnext += 1
    checkmcount(rt)
    return id


def newm(rt: Runtime, pp: P | None, spinning: bool, id: int) -> M:
    """Models proc.go: newm/allocm/newosproc - a new thread that will acquire ``pp``.

    The thread starts ``costs.newm_ns`` later (mstart -> mspinning -> acquirep -> schedule).
    """
    mp = M(id)
    rt.allm.append(mp)
    mp.nextp = pp
    mp.spinning = spinning  # mspinning: set in the new thread before schedule
    mp.state = M_SCHED
    rt.stats.threads_created += 1
    d = rt.os_delay(rt.costs.newm_ns, rt.costs.wake_jitter_ns)
    mp.ev = rt.sim.after(d, rt._ev_mstart, mp)
    return mp


def startm(
    rt: Runtime, pp: P | None, spinning: bool, waker: M | None = None, handoff: bool = False
) -> None:
    """Models proc.go: startm - run ``pp`` (or an idle P) on an idle or new M.

    ``waker`` is the M executing startm (None: sysmon or no M): it pays for
    notewakeup(&nmp.park) (futexwakeup: a futex(FUTEX_WAKE) syscall) or newm's clone
    before it goes on with its own work.  What that costs, and how soon the woken thread
    runs, depends on its vCPU (:func:`wakeCosts`); ``handoff``: called from handoffp, whose
    caller blocks right after (halted-vCPU latency ``costs.handoff_wake_ns``).
    """
    if pp is None:
        if spinning:
            raise Throw("startm", "P required for spinning=true", rt.sim.now)
        pp = pidleget(rt)
        if pp is None:
            return
    nmp = mget(rt)
    if nmp is None:
        if waker is not None:
            waker.debt += rt.costs.futexwakeup_ns
        id = mReserveID(rt)
        newm(rt, pp, spinning, id)
        return
    if nmp.spinning:
        raise Throw("startm", f"{nmp!r} is spinning", rt.sim.now)
    if nmp.nextp is not None:
        raise Throw("startm", f"{nmp!r} has p", rt.sim.now)
    if spinning and not runqempty(pp):
        raise Throw("startm", f"{pp!r} has runnable gs", rt.sim.now)
    nmp.spinning = spinning
    nmp.nextp = pp
    nmp.state = M_SCHED  # off midle, waking up
    if rt.machine.slices:  # machine.py: the kernel places the woken thread (wake_affine)
        rt.machine.wakeup(nmp, waker)
    # notewakeup(&nmp.park): the parked thread runs d later.
    halted = rt.costs.handoff_wake_ns if handoff else rt.costs.mwake_ns
    # machine.py (mechanism 130): the wakee preempts the waker at its futex return
    at_wake = rt.machine.slices and waker is not None and rt.machine.preempts_at_wake(nmp, waker)
    if at_wake or (rt.machine.slices and rt.machine.runs_at_once(nmp)):
        # the wakee takes its waker's running vCPU (machine.py, mechanism 43): no halted
        # vCPU to resume, the waker's futex call needs no IPI - measured: it runs 3-9 us later
        wcost, d = rt.costs.futexwakeup_local_ns, rt.costs.mwake_local_ns
    else:
        wcost, d = wakeCosts(rt, nmp, halted)
        # machine.py (mechanism 200): on its waker's vCPU without preempting it, the wakee
        # waits until the waker blocks (Machine.release moves the event) or the next tick
        h = rt.machine.behind_waker(nmp, waker) if rt.machine.slices and waker is not None else -1
        if h >= 0:
            wcost = rt.costs.futexwakeup_local_ns
            d = max(h - rt.sim.now, rt.costs.mwake_local_ns)
    if waker is not None:
        waker.debt += wcost
        if at_wake:
            waker.debt += rt.machine.stalled(d, wcost)
    if rt.machine.slices:
        rt.machine.run_from[nmp.id] = rt.sim.now + d
    nmp.ev = rt.sim.after(d, rt._ev_mwake, nmp)


def wakeCosts(rt: Runtime, target: M, halted_latency: int) -> tuple[int, int]:
    """(waker's cost, wake-up latency) of waking the parked thread ``target``.

    Models the guest kernel's cpuidle-haltpoll: a vCPU that went idle polls for
    ``costs.haltpoll_ns`` (guest_halt_poll_ns, 200 us by default) before it executes HLT.
    A thread parked less than that ago is woken on a polling vCPU: no IPI (the waker only
    sets need_resched, TIF_POLLING_NRFLAG), a cheap futex syscall and a short latency
    (futexwakeup_polling_ns, mwake_polling_ns).  After that its vCPU is halted: the
    reschedule IPI traps to the hypervisor (futexwakeup_ns) and the thread runs only when
    the host has resumed the vCPU (``halted_latency``, e.g. mwake_ns, with its spread).
    The model takes the vCPU's idle time to be the time since ``target`` parked.  Both
    latencies vary (``Runtime.os_delay``): a fixed one would let the woken thread probe
    the waker's P at the same phase of a periodic hand-off every time.  The polling spread
    has its own seeded stream ("wake-polling"), so adding it left every other kernel delay
    (the "os" stream of Runtime.os_delay) as it was.  On a polling vCPU the waker's futex
    call varies too (stream "wake-polling-waker"); Linux's futex_wake queues the wakee only at
    its end (wake_up_q), so the wakee's start moves by the same amount.  Where calibrate has
    fitted the wakee's own spread (``mwake_polling_jitter_ns``, mechanism 340: on a machine
    whose idle vCPUs halt at once the wakee varies more than its waker's call), that field
    sets the first draw's tail.
    """
    costs = rt.costs
    if rt.sim.now - target.parked_at < costs.haltpoll_ns:
        d = costs.mwake_polling_ns
        wcost = costs.futexwakeup_polling_ns
        tail = costs.wake_polling_jitter_ns
        if tail > 0:  # Runtime.os_delay's law: median d, exponential upper tail
            # the wakee's own spread: its own field where fitted (mechanism 340), else the same
            d += osJitter(rt.sim.rng("wake-polling"), costs.mwake_polling_jitter_ns or tail)
            # The waker's futex(FUTEX_WAKE) varies as much; the wakee is queued at the end of
            # that syscall (wake_up_q), so its start moves with it (docs/validation.md
            # mechanism 27).  Own stream: the draws above are the ones of mechanism 13.
            z = osJitter(rt.sim.rng("wake-polling-waker"), tail)
            wcost = max(wcost + z, 0)
            d = max(d + z, 0)
        return wcost, d
    return costs.futexwakeup_ns, rt.os_delay(halted_latency, costs.wake_jitter_ns)


def stopm(rt: Runtime, mp: M) -> bool:
    """Models proc.go: stopm - park the M on sched.midle until startm hands it a P.

    Always returns False: the M is suspended; ``Runtime._ev_mwake`` continues it with
    ``acquirep(m.nextp)`` and ``schedule``.
    """
    if mp.p is not None:
        raise Throw("stopm", f"{mp!r} holding p", rt.sim.now)
    if mp.spinning:
        raise Throw("stopm", f"{mp!r} spinning", rt.sim.now)
    mp.state = M_IDLE
    if mp.unsampledDebt:  # a Sleep's deferred part whose queued G ran elsewhere: paid here
        mp.debt += mp.unsampledDebt
        mp.unsampledDebt = 0
    if rt.machine.slices:  # machine.py: the thread blocks; its vCPU's waiter runs
        rt.machine.release(mp, rt.sim.now + mp.debt)
    mp.blocked = True
    mp.parked_at = rt.sim.now
    mp.ev = None
    mput(rt, mp)
    return False


def handoffp(rt: Runtime, pp: P) -> None:
    """Models proc.go: handoffp - find an M for a P that lost its M (syscall, retake)."""
    sched = rt.sched
    if not runqempty(pp) or sched.runqsize != 0:
        startm(rt, pp, False, handoff=True)
        return
    # (trace reader: not modelled) GC mark work: the P should run a mark worker.
    if rt.gc.blackenEnabled and rt.gc.work_left > 0:
        startm(rt, pp, False, handoff=True)
        return
    if sched.nmspinning + sched.npidle == 0 and sched.nmspinning == 0:
        sched.nmspinning = 1  # CAS 0 -> 1
        sched.needspinning = 0
        startm(rt, pp, True, handoff=True)
        return
    if sched.gcwaiting:  # a stop-the-world is pending: this P stops here (gc.py)
        casPstatus(rt, pp, _Pidle, _Pgcstop, "handoffp")
        gc_pstopped(rt, "handoffp")
        return
    if sched.runqsize != 0:
        startm(rt, pp, False, handoff=True)
        return
    if sched.npidle == sched.gomaxprocs - 1 and sched.lastpoll != 0:
        startm(rt, pp, False, handoff=True)
        return
    when = wakeTime(pp)
    pidleput(rt, pp)
    if when != 0:
        wakeNetPoller(rt, when)


def wakep(rt: Runtime, waker: M | None = None) -> None:
    """Models proc.go: wakep - start one spinning M on an idle P if none is spinning
    (``waker``: the M calling it, charged for the wake-up; see startm)."""
    sched = rt.sched
    if sched.nmspinning != 0:
        return
    if not sched.pidle:
        # No idle P: pidlegetSpinning fails and sets needspinning; nmspinning goes 0 -> 1
        # -> 0 with nothing in between (same end state; its cost: wakepNoIdleP).
        wakepNoIdleP(rt, waker)
        return
    sched.nmspinning = 1  # CAS 0 -> 1: only one waker wins
    pp = pidlegetSpinning(rt)
    if pp is None:
        sched.nmspinning -= 1
        return
    startm(rt, pp, True, waker)


def wakepNoIdleP(rt: Runtime, mp: M | None) -> None:
    """Models proc.go: wakep when no P is idle - nmspinning CAS 0 -> 1, lock(&sched.lock),
    pidlegetSpinning fails (needspinning = 1), nmspinning.Add(-1), unlock.

    The locked instructions themselves are part of ready_ns / newproc_ns.  When another
    P's core took this path last, sched.lock's and nmspinning's cache lines are in that
    core's cache: ``mp`` (None: no M to charge) pays 2 x ``cacheline_transfer_ns`` to pull
    them over.  With every P busy handing off (pingpong pairs8 at GOMAXPROCS=2) they move
    on nearly every ready; with one P, or a spinning M present (wakep returns at its first
    load), never.
    """
    sched = rt.sched
    sched.needspinning = 1
    if mp is None:
        return
    sched.wakep_lastp = pullCacheLines(rt, mp, sched.wakep_lastp)


def pullCacheLines(rt: Runtime, mp: M, lastp: P | None) -> P | None:
    """Two cache lines last written by ``lastp``'s core (a lock word and the fields it guards)
    are read-modified by ``mp``: from another P's core they come over for 2 x
    ``costs.cacheline_transfer_ns``.  Returns ``mp``'s P, the lines' new owner."""
    pp = mp.p
    if lastp is not pp and lastp is not None:
        mp.debt += 2 * rt.costs.cacheline_transfer_ns
    return pp


def wakeNetPoller(rt: Runtime, when: int, waker: M | None = None) -> None:
    """Models proc.go: wakeNetPoller - make sure someone wakes for a timer at ``when``."""
    sched = rt.sched
    if sched.lastpoll == 0:
        pollerPollUntil = sched.pollUntil
        if pollerPollUntil == 0 or pollerPollUntil > when:
            netpollBreak(rt, waker)
    else:
        wakep(rt, waker)


def netpollBreak(rt: Runtime, waker: M | None = None) -> None:
    """Models netpoll_epoll.go: netpollBreak - wake the M blocked in netpoll (deduplicated
    by netpollWakeSig); ``waker`` pays the eventfd write that wakes it (as futexwakeup_ns)."""
    mp = rt.netpoll_m
    if mp is None or mp.state != M_NETPOLL:
        return
    wcost, d = wakeCosts(rt, mp, rt.costs.netpoll_break_ns)
    t = rt.sim.now + d
    ev = mp.ev
    if ev is not None and ev[1] is not None and rt.sim.time_of(ev) <= t:
        return
    if waker is not None:
        waker.debt += wcost
    rt.sim.cancel(ev)
    mp.ev = rt.sim.at(t, rt._ev_netpoll_return, mp)


def becomeSpinning(rt: Runtime, mp: M) -> None:
    """Models proc.go: (*m).becomeSpinning."""
    mp.spinning = True
    sched = rt.sched
    sched.nmspinning += 1
    sched.needspinning = 0
    mp.spinstart = rt.sim.now


def _stopSpinningStats(rt: Runtime, mp: M) -> None:
    rt.stats.spin_ns += rt.sim.now + mp.debt - mp.spinstart


def resetspinning(rt: Runtime, mp: M) -> None:
    """Models proc.go: resetspinning - a spinning M found work: stop spinning, wakep."""
    if not mp.spinning:
        raise Throw("resetspinning", f"not a spinning m: {mp!r}", rt.sim.now)
    mp.spinning = False
    _stopSpinningStats(rt, mp)
    sched = rt.sched
    sched.nmspinning -= 1
    if sched.nmspinning < 0:
        raise Throw("resetspinning", "negative nmspinning", rt.sim.now)
    wakep(rt, mp)


# ---------------------------------------------------------------- G lifecycle


def gfput(rt: Runtime, pp: P, gp: G) -> None:
    """Models proc.go: gfput - cache a dead G on the P; spill to global at 64 down to 32."""
    pp.gFree.append(gp)
    if len(pp.gFree) >= 64:
        glob = rt.sched.gFree
        while len(pp.gFree) >= 32:
            glob.append(pp.gFree.pop())


def gfget(rt: Runtime, pp: P) -> G | None:
    """Models proc.go: gfget - a dead G from the P cache, refilled up to 32 from global."""
    if not pp.gFree:
        glob = rt.sched.gFree
        while glob and len(pp.gFree) < 32:
            pp.gFree.append(glob.pop())
    return pp.gFree.pop() if pp.gFree else None


def newproc1(rt: Runtime, mp: M, pp: P, fn: Any, args: tuple, parent: G | None) -> G:
    """Models proc.go: newproc1 - a runnable G for ``fn(*args)`` (a generator function)."""
    gen = fn(*args)
    if type(gen) is not GeneratorType and not hasattr(gen, "send"):
        raise TypeError(f"go {getattr(fn, '__name__', fn)}: a goroutine must be a generator")
    gFree = pp.gFree
    newg = gFree.pop() if gFree else gfget(rt, pp)  # gfget's fast path inlined
    if newg is None:
        newg = G(0)  # malg
        casgstatus(rt, newg, _Gidle, _Gdead, "newproc1")
        rt.allgs.append(newg)
        mp.debt += rt.costs.malg_ns
    elif rt.costs.cold_g_reuse_ns:
        # go statements and exits since this G exited: its reuse distance
        touched = rt.stats.goroutines_created + rt.sched.gexits - newg.deadTouch
        mp.debt += coldReuseCost(rt.costs, touched)
    if pp.goidcache == pp.goidcacheend:
        sched = rt.sched
        sched.goidgen += _GoidCacheBatch
        pp.goidcache = sched.goidgen - _GoidCacheBatch + 1
        pp.goidcacheend = pp.goidcache + _GoidCacheBatch
    newg.goid = pp.goidcache
    pp.goidcache += 1
    newg.gen = gen
    newg.param = None
    newg.trackingSeq = rt.cheaprand.getrandbits(8)
    if newg.trackingSeq % gTrackingPeriod == 0:
        # Go only ever sets the flag here: a reused G whose exit (casgstatus _Grunning ->
        # _Gdead in gdestroy, which clears nothing of the tracking state) started tracking
        # is still tracked, so its first run records a sample too.
        newg.tracking = True
    newg.runnableTime = 0
    # casgstatus(_Gdead -> _Grunnable) inlined: legality, then the runnable stamp of a
    # sampled G (nothing else applies when leaving _Gdead).
    if newg.atomicstatus != _Gdead:
        casgstatus(rt, newg, _Gdead, _Grunnable, "newproc1", rt.sim.now + mp.debt)  # throws
    newg.atomicstatus = _Grunnable
    if newg.tracking:
        newg.trackingStamp = rt.sim.now + mp.debt
    rt.stats.goroutines_created += 1
    return newg


coldReuseFar: Final = 20_000  # calibrate's far reuse distance (go_reuse_ns)


def coldReuseCost(costs: Costs, dist: int) -> int:
    """The extra ns of a go statement whose reused G was last touched ``dist`` go statements
    and exits ago (mechanism 430): 0 up to ``cold_g_knee``, then ``cold_g_reuse_ns`` times
    ln(dist / knee) / ln(20 000 / knee), at most ``cold_g_reuse_ns`` - the g's and its stack's
    lines leave the caches as other goroutines run (calibrate's go_reuse_ns trial)."""
    knee = costs.cold_g_knee
    if dist <= knee:
        return 0
    if dist >= coldReuseFar or knee >= coldReuseFar:
        return int(costs.cold_g_reuse_ns)
    return int(costs.cold_g_reuse_ns * math.log(dist / knee) / math.log(coldReuseFar / knee))


def newproc(rt: Runtime, mp: M, fn: Any, args: tuple) -> G:
    """Models proc.go: newproc - create a G, put it in runnext, wakep once main started."""
    pp: P = mp.p  # type: ignore[assignment]
    newg = newproc1(rt, mp, pp, fn, args, mp.curg)
    if rt.locks_runq:
        runqput(rt, pp, newg, True)  # type: ignore[arg-type]
    else:
        # runqput(pp, newg, next=true) inlined (keep in sync with runq.py: runqput).
        if newg.queued:
            raise Throw("runqput", f"{newg!r} is already on a run queue", rt.sim.now)
        newg.queued = True
        oldnext = pp.runnext  # type: ignore[union-attr]
        pp.runnext = newg  # type: ignore[union-attr]
        if oldnext is not None:  # kick the old runnext to the tail of the ring
            h = pp.runqhead  # type: ignore[union-attr]
            t = pp.runqtail  # type: ignore[union-attr]
            cap = pp.runqcap  # type: ignore[union-attr]
            if (t - h) & M32 < cap:
                pp.runq[t % cap] = oldnext  # type: ignore[union-attr]
                pp.runqtail = (t + 1) & M32  # type: ignore[union-attr]
            else:
                runqputslow(rt, pp, oldnext, h, t)  # type: ignore[arg-type]
    sched = rt.sched
    if rt.mainStarted and sched.nmspinning == 0:  # wakep's early exits, inlined
        if sched.pidle:
            wakep(rt, mp)
        else:
            wakepNoIdleP(rt, mp)  # no idle P: pidlegetSpinning fails
    return newg


def runfinq(ch: Chan) -> Generator[Recv, Any, None]:
    """Models mfinal.go: runfinq while no finalizer is ever queued - it finds finq empty and
    parks (fingwait) for good.  Modelled as a receive nobody sends to, so when it parks
    itself its wait reason reads "chan receive", not Go's "finalizer wait"."""
    yield Recv(ch)


def createfingAtInit(rt: Runtime, mp: M, pp: P) -> G:
    """Models mfinal.go: createfing as os's package init calls it, and the state it leaves.

    ``os.Stdin = NewFile(...)`` -> newFile -> runtime.SetFinalizer -> createfing: the main
    goroutine runs ``go runfinq()`` during init, before main.main (every program that imports
    os).  newproc puts the G in P0's runnext and wakep hands an idle P to an M.  Probed with an
    instrumented Go 1.23.1 runtime (docs/validation.md mechanism 110): the G (goid 5) is made
    0.15-0.25 ms before main.main's first metrics read; with GOMAXPROCS=2 the woken M runs it
    60-120 us after its creation and it parks at once (fingwait), before that read (4 of 4
    runs); with GOMAXPROCS=1 no P is idle, so it waits behind main - main's first ``go``
    kicks it from runnext to the local queue - until P0 next schedules from that queue
    (9.8-14.9 ms into fanout-cpu long, after the first preemption, 5 of 5 runs).
    So: with an idle P the G is left parked (its execute and gopark done: the sample its
    trackingSeq may take falls before the phase); without one it is queued behind main.
    It is a system goroutine (isSystemGoroutine: not in gcount, skipped by checkdead).
    """
    # Its trackingSeq comes from a stream of its own: m0's cheaprand state at this point is
    # arbitrary in Go, and the user goroutines then draw what they drew without this G.
    # The time it costs (malg) is spent long before the phase: it is not charged to m0.
    cheaprand = rt.cheaprand
    debt = mp.debt
    rt.cheaprand = rt.sim.rng("fing")
    fing = newproc1(rt, mp, pp, runfinq, (Chan(0),), rt.main_g)
    rt.cheaprand = cheaprand
    mp.debt = debt
    rt.fing = fing
    if rt.sched.pidle:
        casgstatus(rt, fing, _Grunnable, _Grunning, "execute")
        casgstatus(rt, fing, _Grunning, _Gwaiting, "gopark")
        fing.waitreason = waitReasonFinalizerWait
    else:
        runqput(rt, pp, fing, False)
    return fing


def ready(rt: Runtime, mp: M, gp: G, next: bool = True) -> None:
    """Models proc.go: ready (goready with next=true) - waiting -> runnable into the
    readier's P (runnext), then wakep."""
    if gp.atomicstatus != _Gwaiting:
        raise Throw("ready", f"bad g->status in ready: {gp!r}", rt.sim.now)
    # casgstatus(_Gwaiting -> _Grunnable) inlined (legal: the status was checked just above).
    gp.atomicstatus = _Grunnable
    if gp.tracking:
        gp.trackingStamp = rt.sim.now + mp.debt
    runqput(rt, mp.p, gp, next)  # type: ignore[arg-type]
    mp.debt += rt.costs.ready_ns
    sched = rt.sched
    if sched.nmspinning == 0:  # wakep's early exits, inlined
        if sched.pidle:
            wakep(rt, mp)
        else:
            wakepNoIdleP(rt, mp)  # no idle P: pidlegetSpinning fails


goready: Final = ready


def dropg(mp: M, gp: G) -> None:
    """Models proc.go: dropg."""
    mp.curg = None
    gp.m = None


def execute(rt: Runtime, mp: M, gp: G, inheritTime: bool) -> None:
    """Models proc.go: execute - run ``gp`` on ``mp``; a new time slice bumps schedtick."""
    if gp.m is not None or gp.queued:
        raise Throw("execute", f"{gp!r} is already running or queued (run twice)", rt.sim.now)
    mp.curg = gp
    gp.m = mp
    # Go reads nanotime here, after schedule()/execute()'s work (schedule_ns) is done.
    # casgstatus(_Grunnable -> _Grunning) inlined when it only sets the status (the G is
    # runnable and not sampled for scheduling latency); otherwise the full call.
    if gp.atomicstatus != _Grunnable or gp.tracking:
        t = rt.sim.now + mp.debt + rt.costs.schedule_ns
        casgstatus(rt, gp, _Grunnable, _Grunning, "execute", t)
    else:
        gp.atomicstatus = _Grunning
    gp.waitsince = 0
    gp.preempt = False
    pp: P = mp.p  # type: ignore[assignment]
    if not inheritTime:
        pp.schedtick = (pp.schedtick + 1) & M32
    mp.state = M_RUNNING
    cost = rt.costs.schedule_ns
    stats = rt.stats
    lastp = gp.lastp
    if lastp is not pp:
        if lastp is not None:
            if lastp.node == pp.node:
                stats.migrations_local += 1
            else:
                stats.migrations_remote += 1
                c = rt.numa_cost[lastp.node][pp.node]  # numa.py: distance-scaled penalty
                cost += c
                stats.numa_penalty_ns += c
        gp.lastp = pp
    mp.debt += cost
    stats.sched_ns += cost
    stats.context_switches += 1
    if mp.unsampledDebt:  # interp.run_g's Sleep op: the part after the clock read above
        mp.debt += mp.unsampledDebt
        mp.unsampledDebt = 0


def gopark(rt: Runtime, mp: M, gp: G, reason: int, unlockf: Any = None) -> bool:
    """Models proc.go: gopark + park_m - running -> waiting, then schedule.

    ``unlockf(rt, mp, gp)`` runs after the G is off its M (Go's unlock callback); if it returns
    False the G is made runnable and re-executed at once.
    """
    gp.waitreason = reason
    gp.waitsince = rt.sim.now
    mp.debt += rt.costs.gopark_ns
    # casgstatus(_Grunning -> _Gwaiting) inlined: the legality check, then the sampling
    # bookkeeping a running G does on leaving _Grunning (nothing else applies to _Gwaiting).
    if gp.atomicstatus != _Grunning:
        casgstatus(rt, gp, _Grunning, _Gwaiting, "park_m")  # throws
    gp.atomicstatus = _Gwaiting
    leaveRunning(gp)
    mp.curg = None  # dropg
    gp.m = None
    if unlockf is not None and not unlockf(rt, mp, gp):
        casgstatus(rt, gp, _Gwaiting, _Grunnable, "park_m")
        execute(rt, mp, gp, True)
        return True
    return schedule(rt, mp)


def goschedImpl(rt: Runtime, mp: M, gp: G, preempted: bool) -> bool:
    """Models proc.go: goschedImpl (Gosched, gopreempt_m) - to the global queue tail."""
    if gp.atomicstatus != _Grunning:
        raise Throw("goschedImpl", f"bad g status {gp!r}", rt.sim.now)
    casgstatus(rt, gp, _Grunning, _Grunnable, "goschedImpl", rt.sim.now + mp.debt)
    dropg(mp, gp)
    globrunqput(rt, gp)
    if preempted:
        rt.stats.preemptions += 1
    if rt.mainStarted:
        wakep(rt, mp)
    return schedule(rt, mp)


def gopreempt_m(rt: Runtime, mp: M, gp: G) -> bool:
    """Models proc.go: gopreempt_m - a preempted G goes to the global queue."""
    return goschedImpl(rt, mp, gp, True)


def goyield(rt: Runtime, mp: M, gp: G) -> bool:
    """Models proc.go: goyield_m - running -> runnable at the tail of the local queue."""
    casgstatus(rt, gp, _Grunning, _Grunnable, "goyield_m", rt.sim.now + mp.debt)
    dropg(mp, gp)
    runqput(rt, mp.p, gp, False)  # type: ignore[arg-type]
    return schedule(rt, mp)


def goexit0(rt: Runtime, mp: M, gp: G) -> bool:
    """Models proc.go: goexit0/gdestroy - running -> dead, cache the G, schedule."""
    # casgstatus(_Grunning -> _Gdead) inlined (as in gopark).
    if gp.atomicstatus != _Grunning:
        casgstatus(rt, gp, _Grunning, _Gdead, "gdestroy")  # throws
    gp.atomicstatus = _Gdead
    leaveRunning(gp)
    mp.curg = None  # dropg
    gp.m = None
    gp.gen = None
    gp.param = None
    gp.waitreason = 0
    gp.preempt = False
    gp.spin_until = 0
    gp.cpu_left = 0
    sched = rt.sched
    gp.deadTouch = rt.stats.goroutines_created + sched.gexits  # go statements + exits so far
    sched.gexits += 1
    gFree = mp.p.gFree  # type: ignore[union-attr]
    gFree.append(gp)  # gfput inlined: spill to the global cache at 64, down to 32
    if len(gFree) >= 64:
        glob = rt.sched.gFree
        while len(gFree) >= 32:
            glob.append(gFree.pop())
    mp.debt += rt.costs.goexit_ns
    return schedule(rt, mp)


# ---------------------------------------------------------------- schedule


def schedule(rt: Runtime, mp: M) -> bool:
    """Models proc.go: schedule - find a runnable G and execute it.

    Returns True with ``mp.curg`` set, or False if the M blocked (its continuation is an
    engine event or a wake-up by another M).
    """
    pp = mp.p
    if mp.locks != 0:
        raise Throw("schedule", "holding locks", rt.sim.now)
    pp.preempt = False  # type: ignore[union-attr]
    if mp.spinning and not runqempty(pp):  # type: ignore[arg-type]
        raise Throw("schedule", "spinning with local work", rt.sim.now)
    mp.state = M_SCHED
    rt.stats.schedules += 1
    # Fused fast path: findRunnable steps A-I + scheduleFound for the common case "this P's
    # runnext or local ring has a G" when none of the steps before I can act (no STW pending,
    # no expired timer on the P - checkTimers would return at once -, no GC workers, no
    # runq-lock policy hook, no schedtick % 61 global check due).  Same reads and writes,
    # in the same order, as findRunnable -> runqget -> scheduleFound -> execute; anything
    # else takes the full path below.  A G taken here means the local queue was not empty,
    # so mp.spinning is False (checked above): no resetspinning, and local work never sets
    # tryWakeP.
    sched = rt.sched
    timers = pp.timers  # type: ignore[union-attr]
    if (
        not sched.gcwaiting
        and (not timers or rt.sim.now < timers[0][0])
        and not rt.gc.blackenEnabled
        and not rt.locks_runq
        and (sched.runqsize == 0 or pp.schedtick % rt.globrunq_check_period != 0)  # type: ignore[union-attr]
    ):
        gp = pp.runnext  # type: ignore[union-attr]
        if gp is not None:  # runqget: runnext inherits the time slice
            pp.runnext = None  # type: ignore[union-attr]
            runnextHold(rt, pp, gp, mp)  # type: ignore[arg-type]
        else:
            h = pp.runqhead  # type: ignore[union-attr]
            if h != pp.runqtail:  # type: ignore[union-attr]
                j = h % pp.runqcap  # type: ignore[union-attr]
                runq = pp.runq  # type: ignore[union-attr]
                gp = runq[j]
                runq[j] = None
                pp.runqhead = (h + 1) & M32  # type: ignore[union-attr]
                # execute(inheritTime=False): a new time slice (no other step reads it).
                pp.schedtick = (pp.schedtick + 1) & M32  # type: ignore[union-attr]
        if gp is not None:
            gp.queued = False
            # execute inlined (same steps in the same order; keep in sync with execute()).
            if gp.m is not None:
                raise Throw("execute", f"{gp!r} is already running (run twice)", rt.sim.now)
            mp.curg = gp
            gp.m = mp
            cost = rt.costs.schedule_ns
            if gp.atomicstatus != _Grunnable or gp.tracking:
                casgstatus(rt, gp, _Grunnable, _Grunning, "execute", rt.sim.now + mp.debt + cost)
            else:
                gp.atomicstatus = _Grunning
            gp.waitsince = 0
            gp.preempt = False
            mp.state = M_RUNNING
            stats = rt.stats
            lastp = gp.lastp
            if lastp is not pp:
                if lastp is not None:
                    if lastp.node == pp.node:  # type: ignore[union-attr]
                        stats.migrations_local += 1
                    else:
                        stats.migrations_remote += 1
                        c = rt.numa_cost[lastp.node][pp.node]  # type: ignore[union-attr]
                        cost += c
                        stats.numa_penalty_ns += c
                gp.lastp = pp
            mp.debt += cost
            stats.sched_ns += cost
            stats.context_switches += 1
            if mp.unsampledDebt:  # as execute: after the clock read
                mp.debt += mp.unsampledDebt
                mp.unsampledDebt = 0
            return True
    r = findRunnable(rt, mp)
    if r is None:
        return False
    # scheduleFound inlined (hot path; same steps in the same order).
    if mp.spinning:
        resetspinning(rt, mp)
    if r[2]:
        wakep(rt, mp)
    execute(rt, mp, r[0], r[1])
    return True


def scheduleFound(rt: Runtime, mp: M, gp: G, inheritTime: bool, tryWakeP: bool) -> bool:
    """The end of proc.go: schedule once findRunnable returned ``gp``."""
    if mp.spinning:
        resetspinning(rt, mp)
    if tryWakeP:
        wakep(rt, mp)
    execute(rt, mp, gp, inheritTime)
    return True


def findRunnable(rt: Runtime, mp: M) -> tuple[G, bool, bool] | None:
    """Models proc.go: findRunnable, steps A-L (spec 4.2): timers, the schedtick % 61 global
    check, local queue, global queue, netpoll, stealing.

    If nothing is found the idle path (steps O-S) continues ``findrunnable_idle_ns`` later
    in :func:`findRunnableIdle` (the time a spinning M spends before giving up its P), and
    this returns None.
    """
    rt.stats.findrunnable_calls += 1
    sched = rt.sched
    policy = rt.policy
    period = rt.globrunq_check_period
    while True:  # top:
        pp: P = mp.p  # type: ignore[assignment]
        # A: a stop-the-world is pending: give up the P and sleep (gc.py: gcstopm).
        if sched.gcwaiting:
            gcstopm(rt, mp)
            return None
        # (B: safe-point functions: not modelled)
        # C: run this P's expired timers.
        if pp.timers:
            now, pollUntil, _ = checkTimers(rt, mp, pp, 0)
        else:
            now, pollUntil = rt.sim.now, 0
        # (D: trace reader: not modelled)
        # E: a dedicated or fractional GC mark worker for this P (gc.py).
        if rt.gc.blackenEnabled:
            gp = findRunnableGCWorker(rt, pp, now)
            if gp is not None:
                return gp, False, True
        # F: fairness - check the global queue once in a while.
        if pp.schedtick % period == 0 and sched.runqsize > 0:
            gp = globrunqget(rt, pp, 1)
            if gp is not None:
                return gp, False, False
        # I: local run queue.
        if rt.locks_runq:
            mp.debt += policy.runq_owner_cost_ns(pp)
        gp, inheritTime = runqget(pp)
        if gp is not None:
            if inheritTime:  # taken from runnext
                runnextHold(rt, pp, gp, mp)
            return gp, inheritTime, False
        # J: global run queue.
        if sched.runqsize != 0:
            gp = globrunqget(rt, pp, 0)
            if gp is not None:
                return gp, False, False
        # K: non-blocking netpoll (the network model is issue 3: rt.netpoll_hook).
        if rt.netpoll_hook is not None and rt.netpollWaiters > 0 and sched.lastpoll != 0:
            glist = rt.netpoll_hook(rt, 0)
            if glist:
                gp = glist.pop(0)
                injectglist(rt, mp, glist)
                casgstatus(rt, gp, _Gwaiting, _Grunnable, "findRunnable")
                return gp, False, False
        # L: steal, if spinning or below the spinning cap.
        if mp.spinning or (
            policy.spinning_allowed(sched.nmspinning, sched.gomaxprocs, sched.npidle)
            if rt.spinning_allowed_hook
            else 2 * sched.nmspinning < sched.gomaxprocs - sched.npidle  # Go's spinning cap
        ):
            if not mp.spinning:
                becomeSpinning(rt, mp)
            r = stealWork(rt, mp, now)
            if r is PAUSE:
                # usleep(3) before taking a running victim's runnext.
                mp.ev = rt.sim.after(mp.debt + runqgrabUsleep(rt, mp), rt._ev_steal_pause, mp)
                mp.debt = 0
                return None
            gp, inheritTime, now, w, newWork = r  # type: ignore[misc]
            if gp is not None:
                return gp, inheritTime, False
            if newWork:
                continue  # goto top
            if w != 0 and (pollUntil == 0 or w < pollUntil):
                pollUntil = w
        # M: an idle GC mark worker instead of going idle (gc.py).
        if rt.gc.blackenEnabled:
            gp = findRunnableIdleGCWorker(rt, pp, now)
            if gp is not None:
                return gp, False, False
        mp.pollUntil = pollUntil
        mp.pollNow = now  # Go reuses this (stale) now for netpoll's delay in step R
        idle = rt.costs.findrunnable_idle_ns if mp.spinning else rt.costs.steal_probe_ns
        rt.stats.sched_ns += idle
        mp.ev = rt.sim.after(mp.debt + idle, rt._ev_findrunnable_idle, mp)
        mp.debt = 0
        return None


_base_backoff: Final = Policy.after_failed_steal


def stealWork(rt: Runtime, mp: M, now: int) -> Any:
    """Models proc.go: stealWork - up to stealTries passes over a random P order; other Ps'
    timers and runnext only on the last pass.

    Returns ``(gp, inheritTime, now, pollUntil, newWork)`` or :data:`PAUSE`.
    """
    gp: Any
    pp = mp.p
    allp = rt.allp
    sched = rt.sched
    policy = rt.policy
    stats = rt.stats
    costs = rt.costs
    ranTimer = False
    pollUntil = 0
    stealTries = rt.steal_tries
    nprocs = len(allp)
    coprimes = rt.coprimes
    rng = rt.cheaprand
    steal_orders = rt.steal_orders
    extra_hook = rt.steal_extra_hook
    # The base Policy.after_failed_steal always returns 0 (no back-off): skip the call unless
    # it is replaced (in a policy class or on the instance).  Looked up after the first
    # failed pass only (most calls succeed or are cut short before).
    backoff_hook: bool | None = None
    go_steal_order = rt.go_steal_order
    for i in range(stealTries):
        stealTimersOrRunNextG = i == stealTries - 1
        if go_steal_order:
            # Go's randomOrder.start inlined (same draws as Policy.steal_order); the visit
            # order only depends on (start, coprime index), cached per run when nprocs <= 32.
            r = rng.getrandbits(32)
            pos = r % nprocs
            ci = (r // nprocs) % len(coprimes)
            key = ci * nprocs + pos
            order: Any = steal_orders.get(key)
            if order is None:
                inc = coprimes[ci]
                order = []
                for _ in range(nprocs):
                    order.append(pos)
                    pos = (pos + inc) % nprocs
                if nprocs <= 32:
                    steal_orders[key] = tuple(order)
        else:
            order = policy.steal_order(rng, nprocs, coprimes)
        for idx in order:
            if sched.gcwaiting:
                return None, False, now, pollUntil, True
            p2 = allp[idx]
            if p2 is pp:
                continue
            if stealTimersOrRunNextG and p2.timerp and p2.timers:
                tnow, w, ran = checkTimers(rt, mp, p2, now)
                now = tnow
                if w != 0 and (pollUntil == 0 or w < pollUntil):
                    pollUntil = w
                if ran:
                    gp, inheritTime = runqget(pp)  # type: ignore[arg-type]
                    if gp is not None:
                        return gp, inheritTime, now, pollUntil, ranTimer
                    ranTimer = True
            if not p2.idle:
                stats.steal_attempts += 1
                c = costs.steal_probe_ns
                if extra_hook:
                    c += policy.steal_extra_cost_ns(pp, p2, 0)
                mp.debt += c
                stats.steal_ns += c
                stats.sched_ns += c
                if (
                    p2.runqhead == p2.runqtail
                    and (not stealTimersOrRunNextG or runnextSeen(rt, p2) is None)
                    and not rt.locks_runq  # (with it: the full call, as test_speed_fastpaths)
                ):
                    continue  # runqsteal -> runqgrab would grab nothing and change nothing
                gp = runqsteal(rt, pp, p2, stealTimersOrRunNextG)  # type: ignore[arg-type]
                if gp is PAUSE:
                    mp.pause_victim = p2  # type: ignore[attr-defined]
                    mp.pause_next = runnextSeen(rt, p2)
                    return PAUSE
                if gp is not None:
                    stats.steal_successes += 1
                    return gp, False, now, pollUntil, ranTimer
        if backoff_hook is None:
            backoff_hook = getattr(policy.after_failed_steal, "__func__", None) is not _base_backoff
        if not backoff_hook:  # base Policy.after_failed_steal: always 0
            continue
        backoff = policy.after_failed_steal(mp, i + 1)
        if backoff < 0:
            stats.backoff_parks += 1
            break
        if backoff:
            mp.debt += backoff
            stats.backoff_ns += backoff
    return None, False, now, pollUntil, ranTimer


def runqgrabUsleep(rt: Runtime, mp: M) -> int:
    """How long runqgrab's usleep(3) keeps the thief ``mp`` away (proc.go: runqgrab ->
    usleep(3), a nanosleep on Linux): 3 us, the timer slack and the wake-up after it.

    A thread sleeping alone on its vCPU wakes from an idle vCPU: ``costs.usleep_slack_ns``
    (nanosleep(1 ns) p50 of the calibration, slack included), spread by
    ``costs.usleep_jitter_ns``.  When another thread of the process wants the thief's vCPU
    (:meth:`Machine.shares_vcpu`) in the low-load regime (:meth:`Machine.low_load`, where the
    thief is packed onto its waker's vCPU and has just preempted it, mechanisms 100 and 130,
    and where this was measured), the vCPU keeps running that thread and
    the timer interrupt wakes the thief on a running vCPU: ``costs.timer_slack_ns`` plus
    ``costs.usleep_busy_wake_ns``, with the same spread (measured on this VM,
    docs/validation.md mechanism 160: runqgrab's nanosleep on a busy vCPU p10/p50/p90
    68/69/74 us from entry to return with tracing on, against 3 + 74.5 us calibrated for a
    lone sleeper).  The spread is drawn in both cases, so every later kernel delay keeps
    its value."""
    costs = rt.costs
    slack = rt.os_delay(costs.usleep_slack_ns, costs.usleep_jitter_ns)
    m = rt.machine
    if m.slices and m.busy_usleep and m.shares_vcpu(mp) and m.low_load():
        slack += costs.timer_slack_ns + costs.usleep_busy_wake_ns - costs.usleep_slack_ns
        if slack < 0:
            slack = 0
    return 3_000 + slack


def stealRunnextAfterPause(rt: Runtime, mp: M) -> bool:
    """The thief's side of proc.go: runqgrab after its usleep(3).

    runqgrab then does ``pp.runnext.cas(next, 0)`` with the G it saw BEFORE sleeping: it
    steals only if runnext still holds that same G.  If the CAS fails it loops: the ring
    still empty and runnext holding another G (the owner readied a new one) means another
    usleep(3) when the victim is running, so a thief stays spinning (nmspinning held, no
    wakep by the owner) as long as the victim keeps handing off through runnext - the
    ping-pong case.  Runnext empty: runqgrab returns 0; a non-empty ring: it would grab
    half of it.  In those two cases the model restarts findRunnable at ``top`` (Go would
    continue its steal pass; a few hundred ns of probing).
    """
    p2: Any = mp.pause_victim
    nxt = mp.pause_next
    mp.pause_victim = None  # type: ignore[attr-defined]
    mp.pause_next = None
    pp = mp.p
    if rt.sched.gcwaiting:  # stealWork returns at once when a stop-the-world is pending
        return schedule(rt, mp)
    cur = runnextSeen(rt, p2)
    if cur is not None and p2.runqhead == p2.runqtail:
        taken = p2.runnext is not cur  # the owner is still on its way to taking it
        if (cur is not nxt or taken) and p2.status == _Prunning:
            # CAS failed; runqgrab loops and sleeps again on the new runnext.  (A G the
            # owner is about to take counts as a failed CAS: the model has already run it
            # on the owner, so a thief may not win that race - a bias towards no steal.)
            mp.pause_victim = p2
            mp.pause_next = cur
            mp.ev = rt.sim.after(mp.debt + runqgrabUsleep(rt, mp), rt._ev_steal_pause, mp)
            mp.debt = 0
            return False
    if cur is not None and p2.runqhead == p2.runqtail and p2.runnext is cur:
        p2.runnext = None  # CAS runnext -> 0 succeeded
        cur.queued = False
        rt.stats.gs_stolen += 1
        rt.stats.steal_successes += 1
        rt.stats.runnext_steals += 1
        return scheduleFound(rt, mp, cur, False, False)
    pp.preempt = False  # type: ignore[union-attr]
    r = findRunnable(rt, mp)
    if r is None:
        return False
    return scheduleFound(rt, mp, r[0], r[1], r[2])


def checkRunqsNoP(rt: Runtime, idleSnapshot: list[bool]) -> P | None:
    """Models proc.go: checkRunqsNoP - a non-idle P with work: take an idle P to go steal."""
    for id, p2 in enumerate(rt.allp):
        if not idleSnapshot[id] and (not runqempty(p2) or runnextSeen(rt, p2) is not None):
            pp = pidlegetSpinning(rt)
            return pp  # may be None: needspinning was set
    return None


def findRunnableIdle(rt: Runtime, mp: M) -> bool:
    """Models proc.go: findRunnable steps O-S (spec 4.2): give up the P, the spinning ->
    non-spinning re-checks, block in netpoll until the next timer, or stopm."""
    sched = rt.sched
    pp: P = mp.p  # type: ignore[assignment]
    pollUntil = mp.pollUntil
    now = rt.sim.now
    # O: snapshot allp / idlepMask (before we release our P).
    idleSnapshot = [p.idle for p in rt.allp]
    # P: under sched.lock.
    if sched.gcwaiting:
        return schedule(rt, mp)  # goto top (step A stops the P)
    if sched.runqsize != 0:
        gp = globrunqget(rt, pp, 0)
        return scheduleFound(rt, mp, gp, False, False)  # type: ignore[arg-type]
    if not mp.spinning and sched.needspinning == 1:
        becomeSpinning(rt, mp)
        return schedule(rt, mp)  # goto top
    # An M that ran timers or was handed work meanwhile: local work appears only via us.
    releasep(rt, mp)
    pidleput(rt, pp)
    # Q: the delicate dance.
    wasSpinning = mp.spinning
    if mp.spinning:
        mp.spinning = False
        _stopSpinningStats(rt, mp)
        sched.nmspinning -= 1
        if sched.nmspinning < 0:
            raise Throw("findRunnable", "negative nmspinning", now)
        if sched.runqsize != 0:
            p2 = pidlegetSpinning(rt)
            if p2 is not None:
                gp = globrunqget(rt, p2, 0)
                acquirep(rt, mp, p2)
                becomeSpinning(rt, mp)
                return scheduleFound(rt, mp, gp, False, False)  # type: ignore[arg-type]
        p2 = checkRunqsNoP(rt, idleSnapshot)
        if p2 is not None:
            acquirep(rt, mp, p2)
            becomeSpinning(rt, mp)
            return schedule(rt, mp)  # goto top
        # checkTimersNoP: earliest timer of any P that may have timers.
        for p3 in rt.allp:
            if p3.timerp and p3.timers:
                w = p3.timers[0][0]
                if pollUntil == 0 or w < pollUntil:
                    pollUntil = w
    # R: block in netpoll until the next timer (or until broken).
    if rt.netpollInited and (rt.netpollWaiters or pollUntil != 0) and sched.lastpoll != 0:
        sched.lastpoll = 0  # Swap(0): we are the poller
        sched.pollUntil = pollUntil
        mp.wasSpinning = wasSpinning
        mp.state = M_NETPOLL
        if rt.machine.slices:  # machine.py: the thread blocks; its vCPU's waiter runs
            rt.machine.release(mp, now + mp.debt)
        mp.parked_at = now
        rt.netpoll_m = mp
        rt.stats.netpoll_blocks += 1
        if pollUntil == 0:
            mp.ev = None  # block until netpollBreak
        else:
            # Go computes the delay from findRunnable's earlier ``now`` (step C), so a timer
            # due in < 1 ms still makes epoll wait a whole ms: the ~1.09 ms oversleep.
            delay = pollUntil - mp.pollNow
            if delay <= 0:
                wait = 0
            else:
                costs = rt.costs
                wait = rt.epoll_wait_ns(delay) + rt.os_delay(
                    costs.netpoll_overshoot_ns, costs.netpoll_jitter_ns
                )
            mp.ev = rt.sim.at(now + wait, rt._ev_netpoll_return, mp)
        return False
    elif pollUntil != 0 and rt.netpollInited:
        pollerPollUntil = sched.pollUntil
        if pollerPollUntil == 0 or pollerPollUntil > pollUntil:
            netpollBreak(rt)
    # S
    return stopm(rt, mp)


def netpollReturn(rt: Runtime, mp: M) -> bool:
    """The end of findRunnable step R: back from netpoll(delay) - take an idle P or stopm."""
    sched = rt.sched
    rt.netpoll_m = None
    mp.state = M_SCHED
    mp.ev = None
    sched.pollUntil = 0
    sched.lastpoll = rt.sim.now
    glist = rt.netpoll_hook(rt, -1) if rt.netpoll_hook is not None else []
    p2 = pidleget(rt)
    if p2 is None:
        injectglist(rt, None, glist)
        return stopm(rt, mp)
    acquirep(rt, mp, p2)
    if glist:
        gp = glist.pop(0)
        injectglist(rt, mp, glist)
        casgstatus(rt, gp, _Gwaiting, _Grunnable, "findRunnable")
        execute(rt, mp, gp, False)
        return True
    if mp.wasSpinning:
        becomeSpinning(rt, mp)
    return schedule(rt, mp)


def injectglist(rt: Runtime, mp: M | None, glist: list[G]) -> None:
    """Models proc.go: injectglist - make a batch of waiting Gs runnable (netpoll results):
    without a P all go to the global queue and idle Ps are started; with a P, as many as
    there are idle Ps go global (and those Ps are started), the rest to the local queue."""
    if not glist:
        return
    for gp in glist:
        casgstatus(rt, gp, _Gwaiting, _Grunnable, "injectglist")
    sched = rt.sched

    def startIdle(n: int) -> None:
        for _ in range(n):
            p2 = pidlegetSpinning(rt)
            if p2 is None:
                break
            startm(rt, p2, False)

    pp = mp.p if mp is not None else None
    if pp is None:
        for gp in glist:
            globrunqput(rt, gp)
        startIdle(len(glist))
        return
    npidle = sched.npidle
    n = min(npidle, len(glist))
    for gp in glist[:n]:
        globrunqput(rt, gp)
    startIdle(n)
    if n < len(glist):
        runqputbatch(rt, pp, glist[n:])
    wakep(rt, mp)


# ---------------------------------------------------------------- deadlock


def checkdead(rt: Runtime) -> None:
    """Models proc.go: checkdead - no M running and no timer pending: deadlock."""
    sched = rt.sched
    run = mcount(rt) - len(sched.midle) - sched.nmidlelocked - sched.nmsys
    if run > 0:
        return
    if run < 0:
        raise Throw("checkdead", f"inconsistent M counts: run={run}", rt.sim.now)
    waiting = False
    for gp in rt.allgs:
        if gp is rt.fing:
            continue  # isSystemGoroutine: the finalizer goroutine is not counted
        s = gp.atomicstatus
        if s == _Gwaiting:
            waiting = True
        elif s in (_Grunnable, _Grunning, 3):
            raise Throw("checkdead", f"runnable g {gp!r} with no running M", rt.sim.now)
    if not waiting:
        raise GoFatal(["fatal error: no goroutines (main called runtime.Goexit) - deadlock!"])
    for pp in rt.allp:
        if pp.timers:
            return
    raise GoFatal(["fatal error: all goroutines are asleep - deadlock!"])


__all__ = [
    "_Gdead",
    "acquirep",
    "checkdead",
    "createfingAtInit",
    "execute",
    "findRunnable",
    "gopark",
    "goready",
    "goschedImpl",
    "goyield",
    "handoffp",
    "newproc",
    "ready",
    "releasep",
    "schedule",
    "startm",
    "stealWork",
    "stopm",
    "wakep",
]
