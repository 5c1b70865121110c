"""sync.WaitGroup and sync.Mutex over runtime semaphores (sema.go: semacquire1/semrelease1;
sync/waitgroup.go; sync/mutex.go).

WaitGroup: Wait parks on the semaphore (waitReasonSemacquire) while the counter is non-zero;
when Add brings it to zero every waiter is released (one semrelease each, FIFO), each
readied into the releaser's runnext.

Mutex: normal mode - Unlock wakes the first waiter, which competes again (re-queued at the
front if it loses); a waiter that waited > 1 ms switches the mutex to starvation mode, where
Unlock hands ownership directly to the first waiter and goyields (semrelease1 handoff).  The
spinning phase of sync.Mutex (sync_runtime_canSpin) is not modelled.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any, Final

from goschedlab.runtime.errors import GoFatal
from goschedlab.runtime.g import G, waitReasonSemacquire, waitReasonSyncMutexLock
from goschedlab.runtime.proc import goready

if TYPE_CHECKING:
    from goschedlab.runtime.m import M
    from goschedlab.runtime.runtime import Runtime
    from goschedlab.workloads.ops import Mutex, WaitGroup

starvationThresholdNs: Final = 1_000_000


def wgAdd(rt: Runtime, mp: M, gp: G, wg: WaitGroup, delta: int) -> None:
    """Models sync/waitgroup.go: (*WaitGroup).Add - release all waiters at zero."""
    mp.debt += rt.costs.sema_ns
    wg.n += delta
    if wg.n < 0:
        raise GoFatal(["panic: sync: negative WaitGroup counter", "", f"goroutine {gp.goid}"])
    if wg.n > 0 or not wg.waiters:
        return
    w = wg.waiters
    while w:
        goready(rt, mp, w.popleft())  # semrelease(&wg.sema, false): readyWithTime -> goready


def wgWait(rt: Runtime, mp: M, gp: G, wg: WaitGroup) -> bool:
    """Models sync/waitgroup.go: (*WaitGroup).Wait - True if it need not block."""
    mp.debt += rt.costs.sema_ns
    if wg.n == 0:
        return True
    if wg.waiters is None:
        wg.waiters = deque()
    wg.waiters.append(gp)
    gp.waitreason = waitReasonSemacquire
    return False


def mutexLock(rt: Runtime, mp: M, gp: G, mu: Mutex, op: Any, woken: bool) -> bool:
    """Models sync/mutex.go: (*Mutex).Lock/lockSlow - True if acquired now.

    ``woken``: this G was just woken by Unlock in normal mode and retries (lifo requeue).
    """
    mp.debt += rt.costs.sema_ns
    if not mu.locked:
        mu.locked = True
        mu.owner = gp
        if not mu.waiters:
            mu.starving = False
        return True
    if mu.waiters is None:
        mu.waiters = deque()
    if woken:
        if rt.sim.now - gp.waitsince > starvationThresholdNs:
            mu.starving = True
        mu.waiters.appendleft(gp)  # queueLifo: it waited before
    else:
        mu.waiters.append(gp)
        gp.waitsince = rt.sim.now
    gp.retry_op = op
    gp.waitreason = waitReasonSyncMutexLock
    return False


def mutexUnlock(rt: Runtime, mp: M, gp: G, mu: Mutex) -> bool:
    """Models sync/mutex.go: (*Mutex).Unlock/unlockSlow.  Returns True if the caller must
    goyield (starvation-mode handoff)."""
    mp.debt += rt.costs.sema_ns
    if not mu.locked:
        raise GoFatal(["fatal error: sync: unlock of unlocked mutex"])
    w = mu.waiters
    if not w:
        mu.locked = False
        mu.owner = None
        return False
    wgp: G = w.popleft()
    if mu.starving:
        # semrelease1 with handoff: ownership passes directly; the waiter does not retry.
        mu.owner = wgp
        wgp.retry_op = None
        if not w or rt.sim.now - wgp.waitsince < starvationThresholdNs:
            mu.starving = False
        goready(rt, mp, wgp)
        return True
    mu.locked = False
    mu.owner = None
    wgp.param = "__woken__"
    goready(rt, mp, wgp)
    return False
