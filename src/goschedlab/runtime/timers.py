"""Per-P timers (time.go, Go 1.23: type timers; timeSleep, resetForSleep, check, wakeTime).

Only ``time.Sleep`` timers exist in the core model: a heap of ``(when, seq, gp)`` per P.
A timer runs on whatever P checks it (findRunnable step C on its own P, stealWork's last
pass on other Ps), readying the sleeper into the *checking* M's P (goroutineReady -> goready).
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goschedlab.runtime.g import G
    from goschedlab.runtime.m import M
    from goschedlab.runtime.p import P
    from goschedlab.runtime.runtime import Runtime


def wakeTime(pp: P) -> int:
    """Models time.go: (*timers).wakeTime - when the earliest timer fires (0: none)."""
    return pp.timers[0][0] if pp.timers else 0


def resetForSleep(rt: Runtime, mp: M, gp: G) -> bool:
    """Models time.go: resetForSleep / (*timer).modify / maybeAdd - the gopark unlock callback
    of timeSleep: add the sleep timer to the current P, wake the poller if it is earlier."""
    from goschedlab.runtime.proc import wakeNetPoller

    pp = mp.p
    when = gp.sleepWhen
    wt = wakeTime(pp)  # type: ignore[arg-type]
    rt.timer_seq += 1
    heappush(pp.timers, (when, rt.timer_seq, gp))  # type: ignore[union-attr]
    pp.timerp = True  # type: ignore[union-attr]
    rt.netpollInited = True  # netpollGenericInit: timers use the netpoller to sleep
    if wt == 0 or when < wt:
        wakeNetPoller(rt, when, mp)
    return True


def checkTimers(rt: Runtime, mp: M, pp: P, now: int) -> tuple[int, int, bool]:
    """Models time.go: (*timers).check - run ``pp``'s expired timers on ``mp``.

    Returns ``(now, pollUntil, ran)``: pollUntil is the next timer's time (0: none).
    """
    timers = pp.timers
    if not timers:
        return now or rt.sim.now, 0, False
    if now == 0:
        now = rt.sim.now
    if now < timers[0][0]:
        return now, timers[0][0], False
    from goschedlab.runtime.proc import goready

    ran = False
    while timers and timers[0][0] <= now:
        gp = heappop(timers)[2]
        rt.stats.timers_run += 1
        goready(rt, mp, gp)  # goroutineReady
        ran = True
    return now, (timers[0][0] if timers else 0), ran


def timeSleepUntil(rt: Runtime) -> int:
    """Models time.go: timeSleepUntil - earliest timer of all Ps (maxWhen if none)."""
    nxt = (1 << 63) - 1
    for pp in rt.allp:
        if pp.timers and pp.timers[0][0] < nxt:
            nxt = pp.timers[0][0]
    return nxt
