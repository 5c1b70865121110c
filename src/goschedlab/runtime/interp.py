"""The goroutine interpreter: an M executing its ``curg``'s ops with Go's semantics.

``run_g`` is the actor step of an M in state M_RUNNING.  It feeds the G's generator until an
op blocks, a CPU burst must wait for the clock, or the G leaves the M.  The M's ``debt`` (ns
of runtime work already done) is paid lazily: before any op other Ms can observe, and at the
start of a CPU burst.  Steps whose end precedes every pending
engine event advance the clock inline (``Simulation.try_advance``) instead of going through
the heap; a G that leaves the M (park, exit, Gosched, preemption) is followed by
``schedule`` in the same loop, so an M runs many goroutines without recursion.

Preemption points: the start of every op (Go's function prologue check of the poisoned stack
guard).  CPU bursts (Spin, Cpu) are interrupted only by the asynchronous preemption signal
(``Config.asyncpreempt``), as a tight loop in Go.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Final

from goschedlab.runtime.chan import chanrecv, chansend, closechan
from goschedlab.runtime.g import waitReasonIOWait, waitReasonSleep
from goschedlab.runtime.gc import GCMARKDONE, GCSTART, assertWorldRunning, mallocgc, newprocAlloc
from goschedlab.runtime.m import M_RUNNING, M
from goschedlab.runtime.netpoll import netread
from goschedlab.runtime.proc import (
    goexit0,
    gopark,
    gopreempt_m,
    goschedImpl,
    goyield,
    newproc,
)
from goschedlab.runtime.sema import mutexLock, mutexUnlock, wgAdd, wgWait
from goschedlab.runtime.syscall import entersyscall, entersyscallblock
from goschedlab.runtime.timers import resetForSleep
from goschedlab.sim.engine import KEY_SHIFT
from goschedlab.workloads.ops import (
    Alloc,
    Close,
    Cpu,
    Go,
    Gosched,
    Lock,
    NetRead,
    Now,
    Recv,
    Send,
    Sleep,
    Spin,
    Syscall,
    Unlock,
    WgAdd,
    WgDone,
    WgWait,
)

if TYPE_CHECKING:
    from goschedlab.runtime.runtime import Runtime



class _Exit:
    """Pseudo-op: the goroutine's function returned (goexit1)."""

    __slots__ = ()


_EXIT: Final = _Exit()


def run_g(rt: Runtime, mp: M, *, burst_ended: bool = False) -> None:
    """Run ``mp``'s current G until the M must wait for the clock or blocks.

    ``mp.debt`` (ns of work already done) is paid lazily: an op that only reads the clock
    or starts a CPU burst uses the M's local time ``now + debt``; an op that touches state
    shared with other Ms (channels, queues, timers, semaphores, syscalls, exit) first moves
    the clock to the local time, so it happens at its exact simulated time.

    ``burst_ended``: called as the engine event "the CPU burst of ``mp.curg`` ended"
    (:data:`burst_done`).

    Loop structure: the outer loop top holds the preemption point and resumes a pending
    burst; the inner loop fetches the G's ops.  Local ops (Now, Spin, Cpu) whose burst ends
    before every pending event stay in the inner loop: nothing ran in between, so the
    outer loop's checks (curg, M state, preempt) would see the same values.  Every shared
    op goes back to the outer loop top (``break``), as it may change them.
    """
    if burst_ended:
        mp.ev = None
        mp.inburst = False
        g0 = mp.curg
        if g0 is not None:
            g0.spin_until = 0
            g0.cpu_left = 0
    sim = rt.sim
    heap = sim.heap  # read-only: Simulation.try_advance / at inlined below (hot path)
    at = sim.at
    costs = rt.costs
    clock_read_ns = costs.clock_read_ns
    newproc_ns = costs.newproc_ns
    machine = rt.machine
    ev_run_g = rt._ev_run_g
    ev_burst_done = rt._ev_burst_done
    stats = rt.stats
    quota = rt.quota
    if rt.sched.gcwaiting:
        assertWorldRunning(rt, mp)
    while True:
        gp = mp.curg
        if gp is None or mp.state != M_RUNNING:
            return
        # Preemption point (function prologue; also stops a burst cut by SIGURG).  Not
        # before a gcStart / gcMarkDone that mallocgc decided on: Go calls them inside the
        # same mallocgc (gcAssistAlloc's completion point, the trigger test), with no
        # preemption point in between.
        if gp.preempt and mp.locks == 0 and gp.retry_op is not GCMARKDONE \
                and gp.retry_op is not GCSTART:
            if _payDebt(rt, mp):
                return
            if gopreempt_m(rt, mp, gp):
                continue
            return
        # A CPU burst resumed after a preemption (or cut short).
        if gp.spin_until:
            end = gp.spin_until
            if sim.now + mp.debt >= end:
                gp.spin_until = 0
            else:
                if quota is not None:  # quota.py: a deadline inside a throttled window
                    end = quota.spin_end(mp, sim.now, end)  # debt is CPU too
                mp.debt = 0
                # burst_start matters only while a burst-end event is pending (read by
                # async_preempt); an inline advance lets nothing run in between.
                if not heap or (heap[0][0] >> KEY_SHIFT) > end:  # sim.try_advance(end)
                    sim.now = end
                    sim.inline_advances += 1
                    mp.inburst = False
                    gp.spin_until = 0
                else:
                    mp.inburst = True
                    mp.burst_start = sim.now
                    mp.ev = at(end, ev_burst_done, mp)
                    return
        elif gp.cpu_left:
            d = machine.stretch(gp.cpu_left, mp) if machine.shared else gp.cpu_left
            if quota is None:
                end = sim.now + mp.debt + d
            else:  # quota.py: CPU progresses only while the process is not throttled
                end = quota.cpu_end(mp, sim.now, mp.debt + d)  # debt is CPU too
            mp.debt = 0
            if not heap or (heap[0][0] >> KEY_SHIFT) > end:  # sim.try_advance(end)
                sim.now = end
                sim.inline_advances += 1
                mp.inburst = False
                gp.cpu_left = 0
            else:
                mp.inburst = True
                mp.burst_start = sim.now
                mp.ev = at(end, ev_burst_done, mp)
                return
        while True:  # the G's ops; ``break`` = back to the outer loop top
            op = gp.retry_op
            if op is None:
                try:
                    op = gp.gen.send(gp.param)
                except StopIteration as stop:
                    if gp is rt.main_g:
                        rt.main_value = stop.value
                    op = _EXIT
                gp.param = None
                woken = False
            else:
                gp.retry_op = None
                woken = gp.param == "__woken__"
                gp.param = None
            stats.ops += 1
            cls = op.__class__
            # Local ops: no clock advance needed.
            if cls is Now:
                # Now changes nothing the loop top checks (no clock advance, burst or
                # preemption request; gp.param is None): the ops after it are fetched here.
                while True:
                    param = sim.now + mp.debt
                    mp.debt += clock_read_ns
                    try:
                        op = gp.gen.send(param)
                    except StopIteration as stop:
                        if gp is rt.main_g:
                            rt.main_value = stop.value
                        op = _EXIT
                    stats.ops += 1
                    cls = op.__class__
                    if cls is not Now:
                        break
                woken = False
            if cls is Spin:
                # The burst starts right here (the loop top's burst code, inlined).
                if op.ns > 0:
                    end = sim.now + mp.debt + op.ns
                    if machine.slices:  # machine.py: the deadline may pass off-vCPU
                        end = machine.spin_end(sim.now, end, mp)
                    if sim.now + mp.debt >= end:
                        continue
                    gp.spin_until = end
                    if quota is not None:  # quota.py: a deadline inside a throttled window
                        end = quota.spin_end(mp, sim.now, end)  # debt is CPU too
                    mp.debt = 0
                    if not heap or (heap[0][0] >> KEY_SHIFT) > end:  # sim.try_advance(end)
                        sim.now = end
                        sim.inline_advances += 1
                        mp.inburst = False
                        gp.spin_until = 0
                        continue
                    mp.inburst = True
                    mp.burst_start = sim.now
                    mp.ev = at(end, ev_burst_done, mp)
                    return
                continue
            if cls is Cpu:
                # The burst starts right here (the loop top's burst code, inlined).
                if op.ns > 0:
                    d = op.ns
                    if machine.shared:
                        d = machine.stretch(d, mp)
                    if quota is None:
                        end = sim.now + mp.debt + d
                    else:  # quota.py: CPU progresses only while the process is not throttled
                        end = quota.cpu_end(mp, sim.now, mp.debt + d)  # debt is CPU too
                    mp.debt = 0
                    if not heap or (heap[0][0] >> KEY_SHIFT) > end:  # sim.try_advance(end)
                        sim.now = end
                        sim.inline_advances += 1
                        mp.inburst = False
                        continue
                    gp.cpu_left = op.ns
                    mp.inburst = True
                    mp.burst_start = sim.now
                    mp.ev = at(end, ev_burst_done, mp)
                    return
                continue
            # Shared-state ops: first bring the clock to this M's local time.
            if mp.debt:
                t = sim.now + mp.debt
                mp.debt = 0
                if not heap or (heap[0][0] >> KEY_SHIFT) > t:  # sim.try_advance(t)
                    sim.now = t
                    sim.inline_advances += 1
                else:
                    gp.retry_op = op
                    gp.param = "__woken__" if woken else None
                    mp.ev = at(t, ev_run_g, mp)
                    return
            if op is _EXIT:
                if gp is rt.main_g:
                    rt.main_exited(mp, rt.main_value)
                    return
                if goexit0(rt, mp, gp):
                    break
                return
            if cls is Send:
                if not chansend(rt, mp, gp, op.ch, op.v):
                    if gopark(rt, mp, gp, gp.waitreason):
                        break
                    return
            elif cls is Recv:
                if not chanrecv(rt, mp, gp, op.ch):
                    if gopark(rt, mp, gp, gp.waitreason):
                        break
                    return
            elif cls is Go:
                mp.debt += newproc_ns
                nallgs = len(rt.allgs)
                gp.param = newproc(rt, mp, op.fn, op.args).goid
                # gc.py: the g (when malg ran), stack and closure count toward the heap goal.
                newprocAlloc(rt, mp, gp, len(rt.allgs) != nallgs)
            elif cls is WgDone:
                wgAdd(rt, mp, gp, op.wg, -1)
            elif cls is WgAdd:
                wgAdd(rt, mp, gp, op.wg, op.delta)
            elif cls is WgWait:
                if not wgWait(rt, mp, gp, op.wg):
                    if gopark(rt, mp, gp, gp.waitreason):
                        break
                    return
            elif cls is Sleep:
                if op.ns > 0:
                    gp.sleepWhen = sim.now + op.ns
                    # time.Sleep's own path (timeSleep, resetForSleep's timer modify/maybeAdd,
                    # wakeNetPoller, the timer check of the next findRunnable): timesleep_ns.
                    # Of it, timesleep_unsampled_ns lies outside the sampled window of a G that
                    # waits in this P's queue: execute charges it after its clock read.
                    u = costs.timesleep_unsampled_ns
                    pp = mp.p
                    if u > 0 and pp is not None and (
                        pp.runnext is not None or pp.runqhead != pp.runqtail
                    ):
                        u = min(u, costs.timesleep_ns)
                        mp.debt += costs.timesleep_ns - u
                        mp.unsampledDebt = u
                    else:
                        mp.debt += costs.timesleep_ns
                    if gopark(rt, mp, gp, waitReasonSleep, resetForSleep):
                        break
                    return
            elif cls is Gosched:
                mp.debt += costs.gosched_ns
                if goschedImpl(rt, mp, gp, False):
                    break
                return
            elif cls is Syscall:
                if op.block:
                    entersyscallblock(rt, mp, gp, op.ns, op.slack)
                else:
                    entersyscall(rt, mp, gp, op.ns, op.slack)
                return
            elif cls is Close:
                closechan(rt, mp, gp, op.ch)
            elif cls is Lock:
                if not mutexLock(rt, mp, gp, op.mu, op, woken):
                    if gopark(rt, mp, gp, gp.waitreason):
                        break
                    return
            elif cls is Unlock:
                if mutexUnlock(rt, mp, gp, op.mu):
                    if goyield(rt, mp, gp):
                        break
                    return
            elif cls is Alloc:
                # Shared: heapLive, the GC trigger and assists (gc.py: mallocgc).
                stats.alloc_bytes += op.nbytes
                mallocgc(rt, mp, gp, op.nbytes, op.live)
            elif cls is NetRead:
                if not netread(rt, mp, gp, op.conn):  # netpoll.py: data pending, or park
                    if gopark(rt, mp, gp, waitReasonIOWait):
                        break
                    return
            else:
                rt_exec = getattr(op, "rt_exec", None)  # runtime-internal ops (gc.py, netpoll.py)
                if rt_exec is None:
                    raise TypeError(f"goroutine {gp.goid} yielded {op!r}, not a workloads.ops.Op")
                if rt_exec(rt, mp, gp):
                    break
                return
            break  # a shared op done: back to the outer loop top (it may have set preempt)


def _payDebt(rt: Runtime, mp: M) -> bool:
    """Bring the clock to the M's local time; True if an event must do it (caller returns)."""
    if not mp.debt:
        return False
    t = rt.sim.now + mp.debt
    mp.debt = 0
    if rt.sim.try_advance(t):
        return False
    mp.ev = rt.sim.at(t, rt._ev_run_g, mp)
    return True


# Engine event: the CPU burst of ``mp.curg`` ended - ``burst_done(rt, mp)``.  A partial of
# run_g (not a wrapper function): Runtime's partial(burst_done, rt) flattens into one C-level
# call of run_g, one Python frame less per burst-end event.
burst_done: Final = partial(run_g, burst_ended=True)


def async_preempt(rt: Runtime, mp: M) -> None:
    """Engine event: SIGURG arrives at ``mp`` (signal_unix.go: doSigPreempt -> asyncPreempt).

    If its G still wants preemption and is inside a CPU burst, the burst stops here (the
    remaining CPU work is kept) and the G goes through gopreempt_m at the next loop top.
    """
    gp = mp.curg
    if gp is None or mp.state != M_RUNNING or not gp.preempt or not mp.inburst:
        return
    rt.sim.cancel(mp.ev)
    mp.ev = None
    mp.inburst = False
    ran = -1
    if rt.quota is not None:
        ran = rt.quota.refund(mp, rt.sim.now)  # quota.py: the rest of the burst was not run
    if gp.cpu_left:
        done = rt.sim.now - mp.burst_start
        if ran >= 0:
            done = ran  # throttled time is not CPU work
        elif rt.machine.shared:
            done = rt.machine.unstretch(done, mp)
        gp.cpu_left = max(1, gp.cpu_left - done)
    rt.stats.async_preemptions += 1
    run_g(rt, mp)


__all__ = ["run_g", "burst_done", "async_preempt", "resetForSleep"]
