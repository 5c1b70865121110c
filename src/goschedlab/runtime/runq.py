"""Local and global run queues (proc.go: runqput ... globrunqget; spec 3).

The model runs one M step at a time, so Go's acquire/release accesses become plain reads
and writes; each function keeps Go's statement order and locals and notes what the atomic
access is for.  ``runqhead``/``runqtail`` wrap modulo 2**32 as Go's uint32 fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from goschedlab.runtime.errors import Throw

if TYPE_CHECKING:
    from goschedlab.runtime.g import G
    from goschedlab.runtime.m import M
    from goschedlab.runtime.p import P
    from goschedlab.runtime.runtime import Runtime

M32: Final = 0xFFFFFFFF


class _Pause:
    """Sentinel returned by runqgrab/runqsteal: the thief must usleep(3) before it may take
    the runnext G of a running victim (the model suspends the M for that time)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "PAUSE"


PAUSE: Final = _Pause()


def runqput(rt: Runtime, pp: P, gp: G, next: bool) -> None:
    """Models proc.go: runqput.  Executed only by the owner P.

    ``next``: put ``gp`` in runnext and kick the old runnext G to the tail of the ring.
    A full ring moves half of it plus ``gp`` to the global queue (runqputslow).
    """
    if gp.queued:
        raise Throw("runqput", f"{gp!r} is already on a run queue (would run twice)", rt.sim.now)
    gp.queued = True
    if rt.locks_runq and pp.m is not None:  # policy hook: an owner-side queue lock
        pp.m.debt += rt.policy.runq_owner_cost_ns(pp)
    if next:
        # CAS loop on runnext in Go (thieves may clear it concurrently); one step here.
        oldnext = pp.runnext
        pp.runnext = gp
        if oldnext is None:
            return
        gp = oldnext  # kick the old runnext to the regular queue
    h = pp.runqhead  # load-acquire: synchronizes with consumers' CAS on head
    t = pp.runqtail  # plain: only the owner writes tail
    cap = pp.runqcap
    if (t - h) & M32 < cap:
        pp.runq[t % cap] = gp
        pp.runqtail = (t + 1) & M32  # store-release: publishes the slot to consumers
        return
    runqputslow(rt, pp, gp, h, t)


def runqputslow(rt: Runtime, pp: P, gp: G, h: int, t: int) -> bool:
    """Models proc.go: runqputslow - move half the full ring plus ``gp`` to the global queue."""
    cap = pp.runqcap
    n = ((t - h) & M32) // 2
    if n != cap // 2:
        raise Throw("runqputslow", f"queue is not full on {pp!r} (n={n})", rt.sim.now)
    runq = pp.runq
    batch: list[Any] = []
    for i in range(n):
        j = (h + i) % cap
        batch.append(runq[j])
        runq[j] = None
    # CAS-release on head in Go: claims the n Gs against concurrent thieves.
    pp.runqhead = (h + n) & M32
    batch.append(gp)
    rt.stats.runqputslow += 1
    globrunqputbatch(rt, batch)
    return True


def runqputbatch(rt: Runtime, pp: P, q: list[G]) -> None:
    """Models proc.go: runqputbatch - fill free ring slots, publish once, rest to global."""
    h = pp.runqhead  # load-acquire
    t = pp.runqtail
    cap = pp.runqcap
    n = 0
    for gp in q:
        if (t - h) & M32 >= cap:
            break
        if gp.queued:
            raise Throw("runqputbatch", f"{gp!r} is already on a run queue", rt.sim.now)
        gp.queued = True
        pp.runq[t % cap] = gp
        t = (t + 1) & M32
        n += 1
    pp.runqtail = t  # store-release: publishes the batch
    if n < len(q):
        for gp in q[n:]:
            globrunqput(rt, gp)


def runqget(pp: P) -> tuple[G | None, bool]:
    """Models proc.go: runqget - (gp, inheritTime).  Executed only by the owner P.

    runnext first (inherits the current time slice), then the ring head.
    """
    next = pp.runnext
    if next is not None:
        # CAS runnext -> 0 in Go; on failure a thief took it and there is no retry.
        pp.runnext = None
        next.queued = False
        return next, True
    h = pp.runqhead  # load-acquire
    t = pp.runqtail
    if t == h:
        return None, False
    j = h % pp.runqcap
    gp = pp.runq[j]
    pp.runq[j] = None
    pp.runqhead = (h + 1) & M32  # CAS-release: commits the consume
    gp.queued = False  # type: ignore[union-attr]
    return gp, False


def runqempty(pp: P) -> bool:
    """Models proc.go: runqempty - no G in the ring and none in runnext."""
    return pp.runqhead == pp.runqtail and pp.runnext is None


def runnextHold(rt: Runtime, pp: P, gp: G, mp: M) -> None:
    """``mp`` took ``gp`` from ``pp.runnext`` in this step: other Ps still see it there until
    the step's debt is paid (:func:`runnextSeen`)."""
    pp.runnext_held = gp
    pp.runnext_until = rt.sim.now + mp.debt


def runnextSeen(rt: Runtime, pp: P) -> G | None:
    """What another P's core reads in ``pp.runnext``.

    The model applies an M's state changes at the start of the step and pays the step's
    cost afterwards; in Go, the owner clears runnext in runqget only after the work before
    it (the rest of the channel operation, gopark, schedule's checks).  So a G the owner
    took in this step (``pp.runnext_held``) is still in runnext for thieves until the
    owner's debt at that moment is paid (``pp.runnext_until``).  Without this a thief saw a
    ping-ponging P's runnext empty most of the time (only between a ready and the next
    op), parked, and was woken by the next ready: a wake-up per few hops instead of a thief
    that stays in runqgrab's usleep(3) loop (docs/validation.md mechanism 14).
    """
    nxt = pp.runnext
    if nxt is None and rt.sim.now < pp.runnext_until:
        return pp.runnext_held
    return nxt


def runqgrab(
    rt: Runtime, pp: P, batch: list[G | None], batchHead: int, stealRunNextG: bool
) -> int | _Pause:
    """Models proc.go: runqgrab - copy half (rounded up) of ``pp``'s ring into ``batch``.

    With an empty ring and ``stealRunNextG``, takes ``pp.runnext``; if ``pp`` is running, Go
    first sleeps usleep(3) to let the owner run it: the model returns :data:`PAUSE` and the
    caller resumes the thief after that time (see proc.stealRunnextAfterPause).
    """
    h = pp.runqhead  # load-acquire: synchronizes with other consumers
    t = pp.runqtail  # load-acquire: synchronizes with the producer's store-release
    n = (t - h) & M32
    n = n - n // 2
    if n == 0:
        if stealRunNextG:
            next = runnextSeen(rt, pp)
            if next is not None:
                if pp.status == 1:  # _Prunning
                    return PAUSE
                if pp.runnext is not next:  # the owner is taking it: the CAS fails
                    return 0
                pp.runnext = None  # CAS runnext -> 0
                batch[batchHead % len(batch)] = next
                return 1
        return 0
    cap = pp.runqcap
    if n > cap // 2:
        raise Throw("runqgrab", f"inconsistent head/tail on {pp!r}", rt.sim.now)
    runq = pp.runq
    bcap = len(batch)
    for i in range(n):
        j = (h + i) % cap
        batch[(batchHead + i) % bcap] = runq[j]
        runq[j] = None
    pp.runqhead = (h + n) & M32  # CAS-release: commits the grab
    return n


def runqsteal(rt: Runtime, pp: P, p2: P, stealRunNextG: bool) -> G | None | _Pause:
    """Models proc.go: runqsteal - steal half of ``p2``'s Gs into ``pp``; return one to run."""
    t = pp.runqtail
    n = runqgrab(rt, p2, pp.runq, t, stealRunNextG)
    if n is PAUSE:
        return PAUSE
    if n == 0:
        return None
    n -= 1  # type: ignore[operator]
    cap = pp.runqcap
    j = (t + n) % cap
    gp = pp.runq[j]
    pp.runq[j] = None
    gp.queued = False  # type: ignore[union-attr]
    rt.stats.gs_stolen += n + 1
    if n == 0:
        return gp
    h = pp.runqhead  # load-acquire
    if ((t - h) & M32) + n >= cap:
        raise Throw("runqsteal", f"runq overflow on {pp!r}", rt.sim.now)
    pp.runqtail = (t + n) & M32  # store-release: publishes the stolen Gs
    return gp


def globrunqput(rt: Runtime, gp: G) -> None:
    """Models proc.go: globrunqput - append at the tail of the global queue (sched.lock)."""
    if gp.queued:
        raise Throw("globrunqput", f"{gp!r} is already on a run queue", rt.sim.now)
    gp.queued = True
    sched = rt.sched
    sched.runq.append(gp)
    sched.runqsize += 1


def globrunqputbatch(rt: Runtime, batch: list[G]) -> None:
    """Models proc.go: globrunqputbatch - append a batch of (already queued) Gs."""
    sched = rt.sched
    sched.runq.extend(batch)
    sched.runqsize += len(batch)


def globrunqget(rt: Runtime, pp: P, max: int) -> G | None:
    """Models proc.go: globrunqget - take a batch from the global queue into ``pp``.

    n = runqsize/gomaxprocs + 1, capped by runqsize, ``max`` (if > 0) and half the local
    ring; returns the first and runqputs the other n-1.
    """
    sched = rt.sched
    if sched.runqsize == 0:
        return None
    n = sched.runqsize // sched.gomaxprocs + 1
    if n > sched.runqsize:
        n = sched.runqsize
    if max > 0 and n > max:
        n = max
    half = pp.runqcap // 2
    if n > half:
        n = half
    sched.runqsize -= n
    q = sched.runq
    gp = q.popleft()
    gp.queued = False
    n -= 1
    while n > 0:
        gp1 = q.popleft()
        gp1.queued = False
        runqput(rt, pp, gp1, False)
        n -= 1
    return gp
