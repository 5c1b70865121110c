"""System calls (proc.go: entersyscall/reentersyscall, entersyscallblock, exitsyscall,
exitsyscallfast, exitsyscall0; spec 6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from goschedlab.runtime.g import G, _Grunnable, _Grunning, _Gsyscall, casgstatus
from goschedlab.runtime.m import M_RUNNING, M_SYSCALL, M
from goschedlab.runtime.p import P, _Pgcstop, _Pidle, _Prunning, _Psyscall, casPstatus
from goschedlab.runtime.proc import (
    acquirep,
    dropg,
    execute,
    handoffp,
    pidleget,
    releasep,
    stopm,
    wirep,
)
from goschedlab.runtime.runq import globrunqput
from goschedlab.runtime.sysmon import sysmonwake

if TYPE_CHECKING:
    from goschedlab.runtime.runtime import Runtime

M32: Final = 0xFFFFFFFF


def entersyscall(rt: Runtime, mp: M, gp: G, ns: int, slack: bool = False) -> None:
    """Models proc.go: reentersyscall - the P stays attached as _Psyscall (no owner M), so
    sysmon can retake it; the syscall returns ``ns`` later (``exitsyscall``); ``slack``: a
    timed sleep (:func:`hrtimerSleep`)."""
    mp.debt += rt.costs.entersyscall_ns
    casgstatus(rt, gp, _Grunning, _Gsyscall, "reentersyscall")
    if rt.sched.sysmonwait:
        sysmonwake(rt)
    pp: P = mp.p  # type: ignore[assignment]
    mp.syscalltick = pp.syscalltick
    pp.m = None
    mp.oldp = pp
    mp.p = None
    casPstatus(rt, pp, _Prunning, _Psyscall, "reentersyscall")  # atomic store in Go
    if rt.sched.gcwaiting:
        entersyscall_gcwait(rt, pp)
    _block(rt, mp, ns, slack)


def entersyscall_gcwait(rt: Runtime, pp: P) -> None:
    """Models proc.go: entersyscall_gcwait - a stop-the-world is pending: stop our P now."""
    from goschedlab.runtime.gc import pstopped

    if rt.sched.stopwait > 0 and pp.status == _Psyscall:
        casPstatus(rt, pp, _Psyscall, _Pgcstop, "entersyscall_gcwait")
        pstopped(rt, "entersyscall_gcwait")


def entersyscallblock(rt: Runtime, mp: M, gp: G, ns: int, slack: bool = False) -> None:
    """Models proc.go: entersyscallblock - a call known to block: hand the P off at once."""
    mp.debt += rt.costs.entersyscall_ns
    pp: P = mp.p  # type: ignore[assignment]
    mp.syscalltick = pp.syscalltick
    pp.syscalltick = (pp.syscalltick + 1) & M32
    casgstatus(rt, gp, _Grunning, _Gsyscall, "entersyscallblock")
    if rt.sched.sysmonwait:
        sysmonwake(rt)
    handoffp(rt, releasep(rt, mp))
    mp.oldp = None
    _block(rt, mp, ns, slack)


def _block(rt: Runtime, mp: M, ns: int, slack: bool = False) -> None:
    mp.state = M_SYSCALL
    if rt.machine.slices:  # machine.py: the thread blocks; its vCPU's waiter runs
        rt.machine.release(mp, rt.sim.now + mp.debt)
    rt.stats.syscalls += 1
    t = rt.sim.now + mp.debt + ns
    mp.debt = 0
    if slack:
        mp.parked_at = t - ns  # the thread blocks: its vCPU is idle from here (hrtimerExpire)
        hrtimerSleep(rt, mp, t)
        return
    mp.ev = rt.sim.at(t, rt._ev_exitsyscall, mp)


def hrtimerSleep(rt: Runtime, mp: M, soft: int) -> None:
    """The kernel side of a timed sleep (nanosleep -> hrtimer_nanosleep): the hrtimer gets
    the expiry range [soft, soft + timer slack] (hrtimer_set_expires_range_ns with the
    thread's timer_slack_ns, 50 us); the clock event is programmed for the earliest HARD
    expiry, and that interrupt expires every queued timer whose SOFT expiry has passed
    (__hrtimer_run_queues).  So a lone sleeper wakes slack later (nanosleep(1ns) p50
    57.8 us = 50 us + the wake-up), while sleepers with overlapping ranges wake together
    in one interrupt: their durations are correlated, not independent.  One queue for the
    whole machine (Linux has one per CPU: an approximation)."""
    rt.hrtimers[mp] = soft
    mp.ev = rt.sim.at(soft + rt.costs.timer_slack_ns, rt._ev_hrtimer, mp)


def hrtimerExpire(rt: Runtime, mp: M) -> None:
    """Engine event: the hard expiry of ``mp``'s sleep - the timer interrupt.  Expires it
    and every other sleep whose soft expiry has passed; each thread runs its exitsyscall
    after the wake-up latency of its vCPU (:func:`hrtimerWakeDelay`)."""
    now = rt.sim.now
    hrt = rt.hrtimers
    del hrt[mp]
    due = [mp]
    for m2, soft in list(hrt.items()):
        if soft <= now:
            del hrt[m2]
            rt.sim.cancel(m2.ev)
            due.append(m2)
    for m2 in due:
        m2.ev = rt.sim.after(hrtimerWakeDelay(rt, m2, now), rt._ev_exitsyscall, m2)


def hrtimerWakeDelay(rt: Runtime, mp: M, now: int) -> int:
    """From the timer interrupt to the sleeper running again (docs/validation.md,
    mechanisms 8 and 11).  The sleeper's vCPU has been idle since the thread blocked
    (``mp.parked_at``, set in ``_block``).  Idle for less than ``costs.haltpoll_ns`` it
    still polls: the wake-up is the short-sleep figure, usleep_slack_ns - timer_slack_ns
    (nanosleep(1 ns): 7.8 us on the reference machine), and exact - with many sleepers
    keeping the vCPUs busy there is no host scheduling to spread it (a spread there flips
    syscall-block many into a retake-heavy regime real Go does not show).  Idle for longer,
    the vCPU has halted: the interrupt is delivered by the host after it resumes the vCPU,
    the latency that ``time.Sleep(1 ms)`` shows beyond its slack (netpoll_overshoot_ns -
    timer_slack_ns: 37 us on the reference machine, whose syscall-block light nanosleep(1 ms)
    p50 is 1087 us = 1000 + 50 + 37), spread as a lone sleeper's (usleep_jitter_ns)."""
    costs = rt.costs
    if now - mp.parked_at < costs.haltpoll_ns:
        return costs.usleep_slack_ns - costs.timer_slack_ns
    halted = max(costs.netpoll_overshoot_ns - costs.timer_slack_ns, 0)
    return max(rt.os_delay(halted, costs.usleep_jitter_ns), 0)


def exitsyscall(rt: Runtime, mp: M) -> bool:
    """Models proc.go: exitsyscall - fast path back onto a P, else exitsyscall0.

    Returns True if ``mp`` runs its G (or another) now, False if the M stopped.
    """
    gp: G = mp.curg  # type: ignore[assignment]
    mp.ev = None
    gp.waitsince = 0
    oldp = mp.oldp
    mp.oldp = None
    mp.debt += rt.costs.exitsyscall_ns
    if exitsyscallfast(rt, mp, oldp):
        pp: P = mp.p  # type: ignore[assignment]
        pp.syscalltick = (pp.syscalltick + 1) & M32
        casgstatus(rt, gp, _Gsyscall, _Grunning, "exitsyscall")
        mp.state = M_RUNNING
        rt.stats.exitsyscall_fast += 1
        return True
    rt.stats.exitsyscall_slow += 1
    return exitsyscall0(rt, mp, gp)


def exitsyscallfast(rt: Runtime, mp: M, oldp: P | None) -> bool:
    """Models proc.go: exitsyscallfast - re-acquire the old P if still _Psyscall, else any
    idle P."""
    if oldp is not None and oldp.status == _Psyscall:
        casPstatus(rt, oldp, _Psyscall, _Pidle, "exitsyscallfast")  # CAS syscall -> idle
        wirep(rt, mp, oldp)
        # exitsyscallfast_reacquired: the P was taken and came back (ABA).
        if oldp.syscalltick != mp.syscalltick:
            oldp.syscalltick = (oldp.syscalltick + 1) & M32
        return True
    if rt.sched.pidle:
        pp = pidleget(rt)
        if pp is not None and rt.sched.sysmonwait:
            sysmonwake(rt)
        if pp is not None:
            acquirep(rt, mp, pp)
            return True
    return False


def exitsyscall0(rt: Runtime, mp: M, gp: G) -> bool:
    """Models proc.go: exitsyscall0 - no P: the G goes to the global queue, the M stops."""
    from goschedlab.runtime.proc import schedule  # noqa: F401  (documented continuation)

    casgstatus(rt, gp, _Gsyscall, _Grunnable, "exitsyscall0")
    dropg(mp, gp)
    pp = pidleget(rt)
    if pp is None:
        globrunqput(rt, gp)
    elif rt.sched.sysmonwait:
        sysmonwake(rt)
    if pp is not None:
        acquirep(rt, mp, pp)
        execute(rt, mp, gp, False)
        return True
    return stopm(rt, mp)
