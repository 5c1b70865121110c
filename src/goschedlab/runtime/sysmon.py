"""sysmon (proc.go: sysmon, retake, preemptone): the thread without a P that preempts long
running Gs, retakes Ps blocked in syscalls and prints schedtrace.

Its sleep starts at 20 us and doubles after 50 consecutive idle rounds up to 10 ms; each
usleep also pays the kernel's timer slack (``costs.usleep_slack_ns``).  It deep-sleeps
(until the next timer, at most forcegcperiod/2) when every P is idle, unless schedtrace is on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from goschedlab.runtime.g import _Grunning
from goschedlab.runtime.m import M_RUNNING
from goschedlab.runtime.p import P, _Pidle, _Prunning, _Psyscall, casPstatus
from goschedlab.runtime.proc import handoffp, injectglist
from goschedlab.runtime.runq import runqempty
from goschedlab.runtime.timers import timeSleepUntil

if TYPE_CHECKING:
    from goschedlab.runtime.runtime import Runtime

forcegcperiod: Final = 2 * 60 * 1_000_000_000
_SYSCALL_RETAKE_NS: Final = 10_000_000


class SysmonState:
    """sysmon's loop variables (``idle``, ``delay``), ``lasttrace`` and its pending event."""

    __slots__ = ("idle", "delay", "lasttrace", "ev", "deep", "trace_started")

    def __init__(self) -> None:
        self.idle = 0
        self.delay = 0
        self.lasttrace = 0
        self.ev: list | None = None
        self.deep = False
        self.trace_started = False


def sysmonStart(rt: Runtime) -> None:
    """runtime.main: newm(sysmon) - sysmon is an M (counted in nmsys) that never holds a P."""
    st = rt.sysmon
    _sysmonSleep(rt, st)


def _sysmonSleep(rt: Runtime, st: SysmonState) -> None:
    if st.idle == 0:
        st.delay = 20
    elif st.idle > 50:
        st.delay *= 2
    if st.delay > 10_000:
        st.delay = 10_000
    slack = rt.os_delay(rt.costs.usleep_slack_ns, rt.costs.usleep_jitter_ns)
    st.ev = rt.sim.after(st.delay * 1000 + slack, rt._ev_sysmon, None, prio=4)


def sysmonTick(rt: Runtime) -> None:
    """One iteration of proc.go: sysmon's loop (after its usleep)."""
    st = rt.sysmon
    sched = rt.sched
    now = rt.sim.now
    st.ev = None
    if rt.schedtrace_ns <= 0 and (sched.gcwaiting or sched.npidle == sched.gomaxprocs):
        nxt = timeSleepUntil(rt)
        if nxt > now:
            sched.sysmonwait = True
            sleep = forcegcperiod // 2
            if nxt - now < sleep:
                sleep = nxt - now
            st.deep = True
            st.ev = rt.sim.after(sleep, rt._ev_sysmon_deep, False, prio=4)
            return
    sysmonBody(rt, st, now)


def sysmonDeepWake(rt: Runtime, syscallWake: bool) -> None:
    """sysmon back from its deep sleep (timeout, or sysmonnote woken by syscall paths)."""
    st = rt.sysmon
    st.ev = None
    st.deep = False
    rt.sched.sysmonwait = False
    if syscallWake:
        st.idle = 0
        st.delay = 20
    sysmonBody(rt, st, rt.sim.now)


def sysmonwake(rt: Runtime) -> None:
    """notewakeup(&sched.sysmonnote): wake a deep-sleeping sysmon (entersyscall, exitsyscall)."""
    st = rt.sysmon
    if not rt.sched.sysmonwait or not st.deep:
        return
    rt.sched.sysmonwait = False
    rt.sim.cancel(st.ev)
    d = rt.os_delay(rt.costs.mwake_ns, rt.costs.wake_jitter_ns)
    st.ev = rt.sim.after(d, rt._ev_sysmon_deep, True, prio=4)


def sysmonBody(rt: Runtime, st: SysmonState, now: int) -> None:
    """The rest of sysmon's loop: netpoll, retake, schedtrace, then sleep again."""
    sched = rt.sched
    # netpoll if not polled for more than 10ms (network model: issue 3).
    if rt.netpoll_hook is not None and sched.lastpoll != 0 and sched.lastpoll + 10_000_000 < now:
        sched.lastpoll = now  # CAS lastpoll -> now
        glist = rt.netpoll_hook(rt, 0)
        if glist:
            sched.nmidlelocked -= 1  # pretend one more M is running (checkdead)
            injectglist(rt, None, glist)
            sched.nmidlelocked += 1
    if retake(rt, now) != 0:
        st.idle = 0
    else:
        st.idle += 1
    if rt.schedtrace_ns > 0 and (not st.trace_started or st.lasttrace + rt.schedtrace_ns <= now):
        st.trace_started = True
        st.lasttrace = now
        rt.stats.schedtrace_calls += 1
        if rt.schedtrace_cb is not None:
            rt.schedtrace_cb(now)
    _sysmonSleep(rt, st)


def retake(rt: Runtime, now: int) -> int:
    """Models proc.go: retake - preempt Gs running >= forcePreemptNS on one schedtick and
    take Ps out of syscalls (spec 5.7).  Returns how many Ps were retaken from syscalls
    (preemptions do not count, as in Go)."""
    n = 0
    sched = rt.sched
    forcePreemptNS = rt.force_preempt_ns
    for pp in rt.allp:
        pd = pp.sysmontick
        s = pp.status
        sysretake = False
        if s == _Prunning or s == _Psyscall:
            t = pp.schedtick
            if pd.schedtick != t:
                pd.schedtick = t
                pd.schedwhen = now
            elif pd.schedwhen + forcePreemptNS <= now:
                preemptone(rt, pp)
                sysretake = True
        if s == _Psyscall:
            t = pp.syscalltick
            if not sysretake and pd.syscalltick != t:
                pd.syscalltick = t
                pd.syscallwhen = now
                continue
            if (
                runqempty(pp)
                and sched.nmspinning + sched.npidle > 0
                and pd.syscallwhen + _SYSCALL_RETAKE_NS > now
            ):
                continue
            sched.nmidlelocked -= 1
            if pp.status == _Psyscall:
                casPstatus(rt, pp, _Psyscall, _Pidle, "retake")
                n += 1
                pp.syscalltick = (pp.syscalltick + 1) & 0xFFFFFFFF
                rt.stats.syscall_retakes += 1
                handoffp(rt, pp)
            sched.nmidlelocked += 1
    return n


def preemptone(rt: Runtime, pp: P) -> bool:
    """Models proc.go: preemptone - ask the G running on ``pp`` to stop (cooperative flag,
    plus the async-preemption signal unless asyncpreemptoff)."""
    mp = pp.m
    if mp is None:
        return False
    gp = mp.curg
    if gp is None or gp.atomicstatus != _Grunning:
        return False
    gp.preempt = True
    rt.stats.preempt_requests += 1
    if rt.asyncpreempt:
        pp.preempt = True
        # preemptM: SIGURG; the handler runs on the target M preempt_signal_ns later.
        if mp.state == M_RUNNING:
            rt.sim.after(rt.costs.preempt_signal_ns, rt._ev_async_preempt, mp)
    return True
