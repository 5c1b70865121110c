"""The P-local run queue of Go 1.23 (src/runtime/proc.go), as explorer models.

Functions here have Go's names, statement order and locals (``h``, ``t``, ``n``, ``pp``, ``gp``);
every shared access is an explorer atomic (:mod:`goschedlab.explore.atomics`). A ``G`` is a
positive integer id, 0 is nil. Threads:

* thread 0, the owner M running P0: ``ops`` operations cycling through ``cycle`` (default
  runqput(next=false) twice, runqput(next=true) twice, runqget). P0's ring starts with
  ``prefill`` Gs (default ``capacity - 2``), so the second put fills the ring, the first
  runnext put parks a G in runnext and the second kicks it to the full ring, overflowing half of
  the ring to the global queue through runqputslow (unless thieves got there first).
* threads 1..K-1, thieves: each runs ``runqsteal(its P, P0, stealRunNextG=true)`` once.

Differences from Go, all deliberate: the ring has ``capacity`` slots (Go: 256; 4 by default
when exploring); runqgrab's ``usleep(3)`` before taking a running P's runnext is a plain
scheduling point and the read of ``pp.status`` guarding it is omitted (nothing writes it here);
the global queue is an array under ``sched.lock`` (Go: a linked list of Gs); the race-detector
shuffles are off (as in a normal build). A thief's own P is touched only by that thief, so its
cells are private. Checks: each G put is obtained exactly once (by runqget, by runqsteal's
return or batch, or still queued locally/globally at the end), never more than ``capacity``
queued, no nil G handed out, and Go's own throws (``runqputslow: queue is not full``,
``runqsteal: runq overflow``).

Variants (``Variant`` flags) reproduce seeded bugs, the hotfix write-up's designs, and one
deviation that turns out harmless (runqgrab without its inconsistent-indices retry).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from goschedlab.explore.atomics import (
    cas,
    check,
    load,
    load_acq,
    lock,
    store,
    store_rel,
    throw,
    unlock,
    xchg,
)
from goschedlab.explore.execution import Instance
from goschedlab.explore.locations import Layout, Location

Gen = Generator[tuple, Any, Any]
U32 = 1 << 32
GO_RUNQ_CAPACITY = 256  # len(p.runq) in Go 1.23 (runtime2.go); models default to 4
STEAL_BUSY = U32 - 1  # hotfix "lock-free steal": head value meaning "being stolen"


@dataclass(frozen=True)
class Variant:
    """Which deviations from Go 1.23 to model (all False = Go)."""

    tail_before_slot: bool = False  # runqput publishes runqtail before writing the slot
    slot_after_cas: bool = False  # runqgrab reads the slots after its CAS on runqhead
    relaxed_tail_store: bool = False  # runqput: plain store of runqtail (Go: StoreRel)
    relaxed_tail_load: bool = False  # runqgrab: plain load of runqtail (Go: LoadAcq)
    runnext_plain_store: bool = False  # runqgrab takes runnext with a plain store (Go: CAS)
    putslow_plain_head: bool = False  # runqputslow moves runqhead with a plain store (Go: CAS)
    no_bound_recheck: bool = False  # runqgrab drops its "n > len/2: inconsistent" retry
    hotfix_steal: bool = False  # the write-up's XCHG + CAS "lock-free steal"
    hotfix_runqget: bool = False  # the other threads run the write-up's runqget on P0


class P:
    """The run-queue fields of a P (``runtime2.go: type p``)."""

    __slots__ = ("id", "runqhead", "runqtail", "runq", "runnext")

    def __init__(self, lay: Layout, pid: int, cap: int, owner: int, private: bool) -> None:
        self.id = pid
        priv = owner if private else None
        w_all = None
        self.runqhead = lay.loc(f"p{pid}.runqhead", private=priv, writers=w_all)
        self.runqtail = lay.loc(f"p{pid}.runqtail", private=priv, writers=(owner,))
        self.runq = lay.array(f"p{pid}.runq", cap, private=priv, writers=(owner,))
        self.runnext = lay.loc(f"p{pid}.runnext", private=priv)

    def __repr__(self) -> str:
        return f"p{self.id}"


class Sched:
    """``sched``: its lock and the global run queue (an array here)."""

    __slots__ = ("lock", "runqsize", "runq")

    def __init__(self, lay: Layout, size: int, owner: int) -> None:
        self.lock = lay.loc("sched.lock", private=owner)
        self.runqsize = lay.loc("sched.runqsize", private=owner)
        self.runq = lay.array("sched.runq", size, private=owner)


class RunqModel:
    """Go's runq functions over one layout; ``v`` selects seeded deviations."""

    def __init__(self, v: Variant, cap: int, sched: Sched) -> None:
        self.v = v
        self.cap = cap
        self.sched = sched

    # proc.go: runqput
    def runqput(self, pp: P, gp: int, next: bool) -> Gen:
        """Models proc.go: runqput. Executed only by the owner P."""
        if next:
            while True:  # retryNext
                oldnext = yield load(pp.runnext)
                ok = yield cas(pp.runnext, oldnext, gp)  # anyone may clear runnext: CAS
                if ok:
                    break
            if oldnext == 0:
                return
            gp = oldnext  # kick the old runnext to the tail of the ring
        while True:  # retry
            # load-acquire: pairs with consumers' CAS-release on runqhead, so the slot we
            # are about to overwrite has been read by whoever consumed it.
            h = yield load_acq(pp.runqhead)
            t = yield load(pp.runqtail)  # safety: only the owner writes runqtail
            if (t - h) % U32 < self.cap:
                if self.v.tail_before_slot:
                    yield store_rel(pp.runqtail, (t + 1) % U32)
                    yield store(pp.runq[t % self.cap], gp)
                    return
                yield store(pp.runq[t % self.cap], gp)
                if self.v.relaxed_tail_store:
                    yield store(pp.runqtail, (t + 1) % U32)
                else:
                    # store-release: the slot write above is visible to any thread that
                    # load-acquires this tail (runqgrab), so it never reads a stale slot
                    yield store_rel(pp.runqtail, (t + 1) % U32)
                return
            ok = yield from self.runqputslow(pp, gp, h, t)
            if ok:
                return

    # proc.go: runqputslow
    def runqputslow(self, pp: P, gp: int, h: int, t: int) -> Gen:
        """Models proc.go: runqputslow. Moves half the full ring plus gp to the global queue."""
        batch = [0] * (self.cap // 2 + 1)
        n = (t - h) % U32
        n = n // 2
        if n != self.cap // 2:
            throw("runqputslow: queue is not full")
        i = 0
        while i < n:
            g = yield load(pp.runq[(h + i) % self.cap])
            batch[i] = g
            i += 1
        if self.v.putslow_plain_head:
            yield store(pp.runqhead, (h + n) % U32)
        else:
            ok = yield cas(pp.runqhead, h, (h + n) % U32)  # cas-release: commits the consume
            if not ok:
                return False
        batch[n] = gp
        sched = self.sched
        yield lock(sched.lock)
        yield from self.globrunqputbatch(batch, n + 1)
        yield unlock(sched.lock)
        return True

    def globrunqputbatch(self, batch: list[int], n: int) -> Gen:
        """Models proc.go: globrunqputbatch (sched.lock held): append to the global queue."""
        sched = self.sched
        size = yield load(sched.runqsize)
        i = 0
        while i < n:
            yield store(sched.runq[size + i], batch[i])
            i += 1
        yield store(sched.runqsize, size + n)

    # proc.go: runqget
    def runqget(self, pp: P) -> Gen:
        """Models proc.go: runqget. Executed only by the owner P; returns (gp, inheritTime)."""
        next = yield load(pp.runnext)
        if next != 0:
            ok = yield cas(pp.runnext, next, 0)  # a thief may have taken it: CAS
            if ok:
                return next, True
        while True:
            h = yield load_acq(pp.runqhead)  # load-acquire: synchronize with other consumers
            t = yield load(pp.runqtail)  # safety: only the owner writes runqtail
            if t == h:
                return 0, False
            gp = yield load(pp.runq[h % self.cap])
            ok = yield cas(pp.runqhead, h, (h + 1) % U32)  # cas-release: commits the consume
            if ok:
                check(gp != 0, f"runqget: took nil G from {pp!r}.runq[{h % self.cap}]")
                return gp, False

    # proc.go: runqgrab
    def runqgrab(self, pp: P, batch: list[Location], batchHead: int, stealRunNextG: bool) -> Gen:
        """Models proc.go: runqgrab. Executed by a thief; copies into ``batch`` (its own ring)."""
        if self.v.hotfix_steal:
            return (yield from self.hotfix_lockfree_steal(pp, batch, batchHead))
        cap = self.cap
        while True:
            h = yield load_acq(pp.runqhead)  # load-acquire: synchronize with other consumers
            if self.v.relaxed_tail_load:
                t = yield load(pp.runqtail)
            else:
                t = yield load_acq(pp.runqtail)  # load-acquire: synchronize with the producer
            n = (t - h) % U32
            n = n - n // 2
            if n == 0:
                if stealRunNextG:
                    next = yield load(pp.runnext)
                    if next != 0:
                        # Go sleeps 3us here when pp is running; a scheduling point for us
                        if self.v.runnext_plain_store:
                            yield store(pp.runnext, 0)
                        else:
                            ok = yield cas(pp.runnext, next, 0)
                            if not ok:
                                continue
                        yield store(batch[batchHead % cap], next)
                        return 1
                return 0
            if n > cap // 2 and not self.v.no_bound_recheck:  # read inconsistent h and t
                continue
            if not self.v.slot_after_cas:
                i = 0
                while i < n:
                    g = yield load(pp.runq[(h + i) % cap])
                    yield store(batch[(batchHead + i) % cap], g)
                    i += 1
            ok = yield cas(pp.runqhead, h, (h + n) % U32)  # cas-release: commits the consume
            if ok:
                if self.v.slot_after_cas:
                    i = 0
                    while i < n:
                        g = yield load(pp.runq[(h + i) % cap])
                        yield store(batch[(batchHead + i) % cap], g)
                        i += 1
                return n

    # proc.go: runqsteal
    def runqsteal(self, pp: P, p2: P, stealRunNextG: bool) -> Gen:
        """Models proc.go: runqsteal. Steal half of p2's queue into pp's; return one G."""
        t = yield load(pp.runqtail)  # safety: only this thread writes its own runqtail
        n = yield from self.runqgrab(p2, pp.runq, t, stealRunNextG)
        if n == 0:
            return 0
        n -= 1
        gp = yield load(pp.runq[(t + n) % self.cap])
        check(gp != 0, f"runqsteal: stole a nil G from {p2!r} (Go would crash in execute)")
        if n == 0:
            return gp
        h = yield load_acq(pp.runqhead)  # load-acquire: synchronize with consumers
        if (t - h + n) % U32 >= self.cap:
            throw("runqsteal: runq overflow")
        yield store_rel(pp.runqtail, (t + n) % U32)  # store-release: publish the batch
        return gp

    # the hotfix write-up, section 2.1
    def hotfix_runqget(self, pp: P) -> Gen:
        """The write-up's simplified runqget, run by several Ms on one P (Go runs runqget only
        on the owner): load-acquire head and tail, nil if equal, read the slot, CAS the head
        and return nil - no retry - when the CAS fails. runnext is not consulted."""
        h = yield load_acq(pp.runqhead)
        t = yield load_acq(pp.runqtail)
        if t == h:
            return 0
        gp = yield load(pp.runq[h % self.cap])
        ok = yield cas(pp.runqhead, h, (h + 1) % U32)
        if not ok:
            return 0
        check(gp != 0, f"hotfix runqget: took nil G from {pp!r}.runq[{h % self.cap}]")
        return gp

    # the hotfix write-up, section 2.2
    def hotfix_lockfree_steal(self, pp: P, batch: list[Location], batchHead: int) -> Gen:
        """The write-up's "sched.lockFreeSteal" (not in Go): XCHG the victim's head to a busy
        marker (the queue "looks empty"), fail on the marker, copy half, then CAS the new head
        in, retrying on failure. Run against Go's unchanged owner code."""
        cap = self.cap
        while True:
            h = yield xchg(pp.runqhead, STEAL_BUSY)  # "LOCK XCHG": take and clear the head
            if h == STEAL_BUSY:
                return 0  # another thief is stealing: treated as empty
            t = yield load_acq(pp.runqtail)
            n = (t - h) % U32
            n = n - n // 2
            i = 0
            while i < n:
                g = yield load(pp.runq[(h + i) % cap])
                yield store(batch[(batchHead + i) % cap], g)
                i += 1
            ok = yield cas(pp.runqhead, STEAL_BUSY, (h + n) % U32)  # "CMPXCHG": new head
            if ok:
                return n


OWNER_CYCLE = ("put", "put", "putnext", "putnext", "get")


def build(
    name: str,
    v: Variant,
    *,
    threads: int = 3,
    ops: int = 5,
    capacity: int = 4,
    prefill: int | None = None,
    cycle: tuple[str, ...] = OWNER_CYCLE,
) -> Instance:
    """Instance of the runq scenario: owner with ``ops`` ops, ``threads - 1`` thieves."""
    if threads < 1 or ops < 0 or capacity < 2 or capacity % 2:
        raise ValueError("runq model needs threads >= 1, ops >= 0, even capacity >= 2")
    lay = Layout()
    if prefill is None:
        prefill = capacity - 2
    if not 0 <= prefill <= capacity:
        raise ValueError("prefill must be between 0 and capacity")
    nput = prefill + sum(1 for i in range(ops) if cycle[i % len(cycle)] != "get")
    p0 = P(lay, 0, capacity, 0, private=False)
    thieves = [P(lay, k, capacity, k, private=True) for k in range(1, threads)]
    sched = Sched(lay, nput + 1, 0)
    for i in range(prefill):
        p0.runq[i].init = i + 1
    p0.runqtail.init = prefill
    m = RunqModel(v, capacity, sched)

    def owner() -> Gen:
        got = []
        g = prefill
        i = 0
        while i < ops:
            what = cycle[i % len(cycle)]
            if what == "get":
                gp, inheritTime = yield from m.runqget(p0)
                if gp != 0:
                    got.append(gp)
            else:
                g += 1
                yield from m.runqput(p0, g, what == "putnext")
            i += 1
        return got

    def make_thief(pp: P) -> Callable[[], Gen]:
        def thief() -> Gen:
            if v.hotfix_runqget:
                gp = yield from m.hotfix_runqget(p0)
            else:
                gp = yield from m.runqsteal(pp, p0, True)
            return [gp] if gp else []

        thief.__name__ = f"thief{pp.id}"
        return thief

    fns: list[Callable[[], Gen]] = [owner] + [make_thief(pp) for pp in thieves]

    def final_check(value: Callable[[Location], int], results: list[Any]) -> str | None:
        where: dict[int, list[str]] = {}

        def seen(g: int, what: str) -> None:
            where.setdefault(g, []).append(what)

        for g in results[0]:
            seen(g, "owner runqget")
        for k, pp in enumerate(thieves, 1):
            for g in results[k]:
                seen(g, f"thief{k} runqsteal")
            h, t = value(pp.runqhead), value(pp.runqtail)
            for j in range(h, t):
                seen(value(pp.runq[j % capacity]), f"{pp!r}.runq")
        h, t = value(p0.runqhead), value(p0.runqtail)
        if (t - h) % U32 > capacity:
            return f"p0 holds {(t - h) % U32} Gs, more than capacity {capacity}"
        for j in range(h, t if t >= h else h):
            seen(value(p0.runq[j % capacity]), "p0.runq")
        if value(p0.runnext):
            seen(value(p0.runnext), "p0.runnext")
        for j in range(value(sched.runqsize)):
            seen(value(sched.runq[j]), "sched.runq")
        if 0 in where:
            return f"nil G obtained ({', '.join(where[0])})"
        for g in range(1, nput + 1):
            w = where.pop(g, [])
            if len(w) != 1:
                return f"G{g} obtained {len(w)} times" + (f" ({', '.join(w)})" if w else "")
        if where:
            g, w = next(iter(where.items()))
            return f"G{g} (never put) obtained ({', '.join(w)})"
        return None

    role = "M runqget" if v.hotfix_runqget else "thief"
    inst = Instance(
        name, lay, fns, ["owner"] + [f"{role}{k}" for k in range(1, threads)], final_check
    )
    inst.params = {"capacity": capacity, "ops": ops, "threads": threads}
    if prefill != capacity - 2:
        inst.params["prefill"] = prefill
    return inst
