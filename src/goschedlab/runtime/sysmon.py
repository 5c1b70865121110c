"""sysmon (proc.go: sysmon, retake, preemptone): the thread without a P that preempts long
running Gs, retakes Ps blocked in syscalls and prints schedtrace.

Its sleep starts at 20 us and doubles after 50 consecutive idle rounds up to 10 ms; each
usleep also pays the kernel's timer slack (``costs.usleep_slack_ns``).  It deep-sleeps
(until the next timer, at most forcegcperiod/2) when every P is idle, unless schedtrace is on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from goschedlab.runtime.g import _Grunning
from goschedlab.runtime.m import M_RUNNING, M
from goschedlab.runtime.p import P, _Pidle, _Prunning, _Psyscall, casPstatus
from goschedlab.runtime.proc import handoffp, injectglist
from goschedlab.runtime.runq import runqempty
from goschedlab.runtime.timers import timeSleepUntil

if TYPE_CHECKING:
    from goschedlab.runtime.runtime import Runtime

forcegcperiod: Final = 2 * 60 * 1_000_000_000
_SYSCALL_RETAKE_NS: Final = 10_000_000
SYSMON_BEHIND_SLEEPER: Final = 0.3
"""When a sleeper's timer interrupt also expires sysmon's usleep, the share of such
interrupts in which that sleeper's thread runs first and sysmon waits until it blocks again:
perf sched of syscall-block default GMP=1 on the development VM, 139 of 412 and 79 of 281
co-woken pairs (28-34 %; sysmon then runs 113 us after its wake-up, behind the sleeper's
100 us spin - docs/validation.md mechanism 370)."""


class SysmonState:
    """sysmon's loop variables (``idle``, ``delay``), ``lasttrace`` and its pending event."""

    __slots__ = (
        "idle",
        "delay",
        "lasttrace",
        "ev",
        "deep",
        "trace_started",
        "hr_soft",
        "behind",
        "wake_after",
        "cpu",
        "migrations",
    )

    def __init__(self) -> None:
        self.idle = 0
        self.delay = 0
        self.lasttrace = 0
        self.ev: list | None = None
        self.deep = False
        self.trace_started = False
        self.hr_soft = -1  # soft expiry of its usleep hrtimer while queued (sysmonHrtimerExpire)
        self.wake_after = 0  # its wake-up after the hard expiry (this usleep's slack draw)
        self.behind: M | None = None  # the co-woken sleeper it waits behind (mechanism 370)
        self.cpu = -1  # the vCPU sysmon's thread last ran on (its usleep's hrtimer queue)
        self.migrations = 0  # its vCPU changes at wake-ups (sysmonPlace)


def sysmonStart(rt: Runtime) -> None:
    """runtime.main: newm(sysmon) - sysmon is an M (counted in nmsys) that never holds a P."""
    st = rt.sysmon
    if rt.hr_percpu and rt.machine.slices:
        # newm -> clone: fork balancing puts the new thread on the vCPU with the fewest
        # runnable threads (Machine._vcpu's rule: select_task_rq_fair, SD_BALANCE_FORK)
        st.cpu = _leastLoaded(rt)
    _sysmonSleep(rt, st)


def _vcpuLoad(rt: Runtime) -> list[int]:
    """Runnable threads of the process per vCPU (the kernel's nr_running as the model has it)."""
    m = rt.machine
    load = [0] * m.ncpu
    for m2 in rt.allm:
        v = m.vcpu_of.get(m2.id, -1)
        if v >= 0 and m._wants(m2):
            load[v] += 1
    return load


def _leastLoaded(rt: Runtime) -> int:
    load = _vcpuLoad(rt)
    return load.index(min(load))


def sysmonPlace(rt: Runtime) -> None:
    """sysmon's thread is woken by its own usleep's hrtimer (try_to_wake_up ->
    select_task_rq_fair with prev_cpu = the vCPU it slept on): it stays there while that
    vCPU is idle; if a thread of the process runs there and another vCPU has none, the
    kernel wakes it on the idle one (select_idle_sibling: prev_cpu busy -> an idle CPU of
    the LLC).  Its next usleep's hrtimer is queued on the vCPU it then runs on, so the queue
    follows the thread (mechanism 270: real sysmon changes vCPU 30-51 times in a run of
    syscall-block, ~15 ms stretches; docs/validation.md mechanism 370, Tried 4)."""
    st = rt.sysmon
    if st.cpu < 0:
        return
    load = _vcpuLoad(rt)
    if load[st.cpu] == 0:
        return
    for v in range(len(load)):
        if v != st.cpu and load[v] == 0:
            st.cpu = v
            st.migrations += 1
            return


def _sysmonSleep(rt: Runtime, st: SysmonState) -> None:
    if st.idle == 0:
        st.delay = 20
    elif st.idle > 50:
        st.delay *= 2
    if st.delay > 10_000:
        st.delay = 10_000
    slack = rt.os_delay(rt.costs.usleep_slack_ns, rt.costs.usleep_jitter_ns)
    if rt.sysmon_hr:
        # usleep(delay) -> nanosleep: an hrtimer [soft, soft + timer slack] in its vCPU's
        # queue; a lone usleep wakes when it did as a plain delay (the same draw), a
        # coalesced one earlier (sysmonHrtimerCoalesce)
        soft = rt.sim.now + st.delay * 1000
        st.hr_soft = soft
        st.wake_after = max(slack - rt.costs.timer_slack_ns, 0)
        st.ev = rt.sim.at(soft + rt.costs.timer_slack_ns, rt._ev_sysmon_hr, None, prio=4)
        return
    st.ev = rt.sim.after(st.delay * 1000 + slack, rt._ev_sysmon, None, prio=4)


def sysmonCpu(rt: Runtime) -> int:
    """The vCPU whose hrtimer queue holds sysmon's usleep: the one its thread last ran on
    (:func:`sysmonPlace`; -1: the machine's one queue)."""
    return rt.sysmon.cpu if rt.hr_percpu and rt.machine.slices else -1


def _sysmonLook(rt: Runtime, st: SysmonState) -> None:
    """sysmon's usleep expired now: its thread is woken (placed by :func:`sysmonPlace`)
    and its loop runs after its wake-up."""
    st.hr_soft = -1
    sysmonPlace(rt)
    st.ev = rt.sim.after(st.wake_after, rt._ev_sysmon, None, prio=4)


def sysmonHrtimerExpire(rt: Runtime) -> None:
    """Engine event: the hard expiry of sysmon's usleep hrtimer - its vCPU's timer
    interrupt, which also expires the sleeps queued there whose soft expiry has passed
    (syscall.hrtimerRunQueue); sysmon's loop runs after its wake-up."""
    from goschedlab.runtime.syscall import hrtimerRunQueue

    st = rt.sysmon
    now = rt.sim.now
    hrtimerRunQueue(rt, sysmonCpu(rt), now)
    _sysmonLook(rt, st)


def sysmonHrtimerCoalesce(rt: Runtime, cpu: int, now: int, mp: M) -> None:
    """A sleeper's (``mp``'s) timer interrupt on ``cpu`` expires sysmon's usleep too when it
    is queued on that vCPU and its soft expiry has passed (__hrtimer_run_queues).  Both
    threads are woken on that vCPU: in SYSMON_BEHIND_SLEEPER of the cases the sleeper runs
    first and sysmon's loop waits until its thread blocks again (:func:`sysmonBehindBlocked`),
    else sysmon runs after its own wake-up (measured, docs/validation.md mechanism 370)."""
    st = rt.sysmon
    if st.hr_soft < 0 or st.hr_soft > now:
        return
    sc = sysmonCpu(rt)
    if cpu != sc and cpu >= 0 and sc >= 0:
        return
    rt.sim.cancel(st.ev)
    if rt.sysmon_order.random() < SYSMON_BEHIND_SLEEPER:
        st.hr_soft = -1
        st.ev = None
        st.behind = mp
        return
    _sysmonLook(rt, st)


def sysmonBehindBlocked(rt: Runtime, mp: M, t: int) -> None:
    """The sleeper's thread that sysmon waited behind blocks at ``t`` (a system call in
    ``syscall._block``, or ``stopm``): sysmon, runnable on that vCPU, runs its loop then."""
    st = rt.sysmon
    if st.behind is not mp:
        return
    st.behind = None
    st.ev = rt.sim.at(max(t, rt.sim.now), rt._ev_sysmon, None, prio=4)


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
