"""Memory models: sequential consistency, x86-TSO and an ARM-like model.

Each model is an immutable-state transition system over a hashable memory state. For a thread
``tid`` about to perform operation ``op`` it lists the possible moves ``(choice, value, mem')``
(empty = the operation is not enabled now), and it lists ``flush`` moves that make buffered
stores visible. Thread-local program state is not here (see :mod:`.execution`).

* :class:`SCMemory` - one memory, every access takes effect at once.
* :class:`TSOMemory` - x86-TSO (Owens, Sarkar, Sewell, "A better x86 memory model: x86-TSO",
  TPHOLs 2009): per-thread FIFO store buffers; a load reads its own newest buffered store to the
  location, else memory; locked operations (CAS, XCHG, XADD, lock/unlock), ``fence`` and Go's
  ``atomic.Store`` (an XCHG on amd64) need an empty buffer. Load-acquire and store-release are
  plain MOVs.
* :class:`ARMMemory` - ARM-like, multi-copy atomic (as ARMv8 is: Pulte et al., "Simplifying ARM
  concurrency", POPL 2018). Memory is one global sequence of versions per location, each with
  the commit time at which it became visible to all threads. Stores wait in a per-thread buffer;
  buffered stores to *different* locations commit in any order, to the same location in program
  order; a store-release commits only after every earlier store. A load may be satisfied early:
  it may return any version not older than the thread's *view* of the location (coherence:
  own committed stores and versions already read) - i.e. as if performed at an earlier time.
  A load-acquire raises the view of every location to what was visible when the version it read
  was committed (later accesses are performed after it), and waits for the thread's buffered
  store-releases (RCsc, as LDAR after STLR). Fences and atomic read-modify-writes (Go's ``Cas``,
  ``Xchg``, ``Xadd`` are LDAXR/STLXR or LSE ``*AL`` forms) drain the buffer and see everything.
  Rejected/left out: load buffering (a load reading from a store that is program-order *later*
  in another thread's causal future, the LB litmus outcome) is architecturally allowed by ARMv8
  but not produced here - a load returns only versions already committed when it executes.
  That makes the model sound for SB/MP/2+2W/IRIW-style reorderings and *not complete* for LB;
  this is stated in the README of the explorer and asserted by the LB litmus test. Address and
  data dependencies are not tracked (they order nothing here), which only adds behaviours.

Private locations (touched by one thread only) are never buffered in any model: nobody else
can observe the difference.
"""

from __future__ import annotations

from goschedlab.explore.atomics import (
    ACQ,
    AWAIT,
    CAS,
    FENCE,
    LOAD,
    LOCK,
    REL,
    RLX,
    SC,
    STORE,
    UNLOCK,
    XADD,
    XCHG,
    ModelAssertion,
)
from goschedlab.explore.locations import Location

Move = tuple  # (choice, value, new_mem)


def _put(t: tuple, i: int, v: object) -> tuple:
    return t[:i] + (v,) + t[i + 1 :]


def _rmw(op: tuple, cur: int, tid: int) -> tuple[object, int | None, bool]:
    """Value returned and value written (None = no write) by a read-modify-write; enabled."""
    kind = op[0]
    if kind == CAS:
        if cur == op[3]:
            return True, op[4], True
        return False, None, True
    if kind == XCHG:
        return cur, op[3], True
    if kind == XADD:
        return cur + op[3], cur + op[3], True
    if kind == LOCK:
        if cur != 0:
            return None, None, False
        return None, tid + 1, True
    if kind == UNLOCK:
        if cur != tid + 1:
            raise ModelAssertion(f"unlock of {op[1]!r} not held by thread {tid}")
        return None, 0, True
    raise AssertionError(f"not an RMW: {op!r}")


class SCMemory:
    """Sequential consistency: one memory vector, every access atomic and immediate."""

    __slots__ = ("locs",)
    name = "sc"
    buffered = False

    def __init__(self, locs: list[Location], nthreads: int) -> None:
        self.locs = locs

    def initial(self) -> tuple:
        return tuple(loc.init for loc in self.locs)

    def moves(self, mem: tuple, tid: int, op: tuple) -> list[Move]:
        kind = op[0]
        if kind == FENCE:
            return [(0, None, mem)]
        i = op[1].index
        cur = mem[i]
        if kind == LOAD:
            return [(0, cur, mem)]
        if kind == STORE:
            return [(0, None, _put(mem, i, op[3]))]
        if kind == AWAIT:
            return [(0, cur, mem)] if cur == op[3] else []
        value, new, ok = _rmw(op, cur, tid)
        if not ok:
            return []
        return [(0, value, mem if new is None else _put(mem, i, new))]

    def flushes(self, mem: tuple, tid: int) -> list[tuple]:
        return []

    def quiescent(self, mem: tuple) -> bool:
        return True

    def values(self, mem: tuple) -> tuple:
        return mem

    def thread_done(self, mem: tuple, tid: int) -> tuple:
        return mem

    def pending(self, mem: tuple, tid: int) -> tuple:
        return ()


class TSOMemory:
    """x86-TSO: state ``(memory, buffers)``; per-thread FIFO buffers of (index, value)."""

    __slots__ = ("locs", "n")
    name = "tso"
    buffered = True

    def __init__(self, locs: list[Location], nthreads: int) -> None:
        self.locs = locs
        self.n = nthreads

    def initial(self) -> tuple:
        return (tuple(loc.init for loc in self.locs), ((),) * self.n)

    def moves(self, mem: tuple, tid: int, op: tuple) -> list[Move]:
        m, bufs = mem
        kind = op[0]
        buf = bufs[tid]
        if kind == LOAD or kind == AWAIT:
            i = op[1].index
            cur = m[i]
            for j in range(len(buf) - 1, -1, -1):
                if buf[j][0] == i:
                    cur = buf[j][1]
                    break
            if kind == AWAIT and cur != op[3]:
                return []
            return [(0, cur, mem)]
        if kind == STORE and op[2] != SC:
            loc = op[1]
            if loc.private is not None:
                return [(0, None, (_put(m, loc.index, op[3]), bufs))]
            return [(0, None, (m, _put(bufs, tid, buf + ((loc.index, op[3]),))))]
        # locked instructions, fences and Go's atomic.Store (XCHG): need an empty buffer
        if buf:
            return []
        if kind == FENCE:
            return [(0, None, mem)]
        i = op[1].index
        if kind == STORE:
            return [(0, None, (_put(m, i, op[3]), bufs))]
        value, new, ok = _rmw(op, m[i], tid)
        if not ok:
            return []
        return [(0, value, mem if new is None else (_put(m, i, new), bufs))]

    def flushes(self, mem: tuple, tid: int) -> list[tuple]:
        m, bufs = mem
        buf = bufs[tid]
        if not buf:
            return []
        i, v = buf[0]
        return [(0, (_put(m, i, v), _put(bufs, tid, buf[1:])), (i, v))]

    def quiescent(self, mem: tuple) -> bool:
        return not any(mem[1])

    def values(self, mem: tuple) -> tuple:
        return mem[0]

    def thread_done(self, mem: tuple, tid: int) -> tuple:
        return mem

    def pending(self, mem: tuple, tid: int) -> tuple:
        return tuple((i, v) for i, v in mem[1][tid])


class ARMMemory:
    """ARM-like: state ``(versions, buffers, views)``; see the module docstring.

    ``versions[loc]`` is a tuple of ``(value, commit_time)`` oldest first (garbage-collected below
    every live thread's view, times rank-compressed so equal situations hash equal);
    ``buffers[tid]`` a tuple of ``(index, value, is_release)``; ``views[tid][loc]`` the oldest
    version index the thread may still read (``None`` once the thread has finished).
    """

    __slots__ = ("locs", "n", "nloc")
    name = "arm"
    buffered = True

    def __init__(self, locs: list[Location], nthreads: int) -> None:
        self.locs = locs
        self.n = nthreads
        self.nloc = len(locs)

    def initial(self) -> tuple:
        vers = tuple(((loc.init, 0),) for loc in self.locs)
        views = tuple((0,) * self.nloc for _ in range(self.n))
        return (vers, ((),) * self.n, views)

    # -- helpers ---------------------------------------------------------------------------
    def _canon(self, vers: tuple, bufs: tuple, views: tuple) -> tuple:
        """Drop versions no live thread can read, rebase views, rank-compress commit times.

        Invariant kept: commit times are dense ranks ``0..k`` (a commit appends ``max + 1``),
        so they only need re-ranking after versions were dropped.
        """
        live = [v for v in views if v is not None]
        if not live:
            mins = tuple(len(vs) - 1 for vs in vers)
        elif len(live) == 1:
            mins = live[0]
        else:
            mins = tuple(map(min, zip(*live, strict=True)))
        if not any(mins):
            return (vers, bufs, views)
        nvers = [vs[b:] if b else vs for vs, b in zip(vers, mins, strict=True)]
        times = sorted({t for vs in nvers for _, t in vs})
        if times[-1] != len(times) - 1:
            rank = {t: k for k, t in enumerate(times)}
            nvers = [tuple((v, rank[t]) for v, t in vs) for vs in nvers]
        views = tuple(
            None if v is None else tuple(x - b for x, b in zip(v, mins, strict=True)) for v in views
        )
        return (tuple(nvers), bufs, views)

    @staticmethod
    def _live_at(vs: tuple, t: int) -> int:
        """Index of the version of a location visible at time ``t``."""
        k = len(vs) - 1
        while k > 0 and vs[k][1] > t:
            k -= 1
        return k

    def _commit(self, vers: tuple, views: tuple, tid: int, i: int, v: int) -> tuple[tuple, tuple]:
        now = max(vs[-1][1] for vs in vers) + 1
        vs = vers[i] + ((v, now),)
        vers = _put(vers, i, vs)
        if views[tid] is not None:
            views = _put(views, tid, _put(views[tid], i, len(vs) - 1))
        return vers, views

    # -- the model ---------------------------------------------------------------------------
    def moves(self, mem: tuple, tid: int, op: tuple) -> list[Move]:
        vers, bufs, views = mem
        kind = op[0]
        buf = bufs[tid]
        loc = op[1]
        if kind == LOAD or kind == AWAIT:
            i = loc.index
            order = op[2]
            if order != RLX and any(e[2] for e in buf):
                return []  # RCsc: a load-acquire waits for this thread's store-releases
            for j in range(len(buf) - 1, -1, -1):
                if buf[j][0] == i:  # forwarded from this thread's own buffered store
                    val = buf[j][1]
                    if kind == AWAIT and val != op[3]:
                        return []
                    return [(0, val, mem)]
            vs = vers[i]
            view = views[tid]
            out = []
            for k in range(view[i], len(vs)):
                val = vs[k][0]
                if kind == AWAIT and val != op[3]:
                    continue
                if order == RLX:
                    nview = _put(view, i, k)
                else:
                    t = vs[k][1]
                    lst = list(view)
                    for y, vy in enumerate(vers):
                        if len(vy) > 1 and vy[-1][1] > t and vy[1][1] <= t:
                            ly = self._live_at(vy, t)
                            if ly > lst[y]:
                                lst[y] = ly
                        elif len(vy) > 1 and vy[-1][1] <= t:
                            lst[y] = max(lst[y], len(vy) - 1)
                    lst[i] = k
                    nview = tuple(lst)
                if nview == view:
                    out.append((k - view[i], val, mem))
                else:
                    out.append((k - view[i], val, self._canon(vers, bufs, _put(views, tid, nview))))
            return out
        if kind == STORE:
            if loc.private is not None:
                return [(0, None, (_put(vers, loc.index, ((op[3], 0),)), bufs, views))]
            entry = (loc.index, op[3], op[2] == REL or op[2] == SC)
            return [(0, None, (vers, _put(bufs, tid, buf + (entry,)), views))]
        # fences and atomic read-modify-writes: drain, act on the newest version, full barrier
        if buf:
            return []
        full = tuple(len(vs) - 1 for vs in vers)
        if kind == FENCE:
            if views[tid] == full:
                return [(0, None, mem)]
            return [(0, None, self._canon(vers, bufs, _put(views, tid, full)))]
        i = loc.index
        value, new, ok = _rmw(op, vers[i][-1][0], tid)
        if not ok:
            return []
        views = _put(views, tid, full)
        if new is not None:
            if loc.private is not None:
                vers = _put(vers, i, ((new, 0),))
            else:
                vers, views = self._commit(vers, views, tid, i, new)
        return [(0, value, self._canon(vers, bufs, views))]

    def flushes(self, mem: tuple, tid: int) -> list[tuple]:
        vers, bufs, views = mem
        buf = bufs[tid]
        out = []
        seen: set[int] = set()
        for j, (i, v, rel) in enumerate(buf):
            if i not in seen and (not rel or j == 0):
                nv, nviews = self._commit(vers, views, tid, i, v)
                nb = _put(bufs, tid, buf[:j] + buf[j + 1 :])
                out.append((j, self._canon(nv, nb, nviews), (i, v)))
            seen.add(i)
        return out

    def quiescent(self, mem: tuple) -> bool:
        return not any(mem[1])

    def values(self, mem: tuple) -> tuple:
        return tuple(vs[-1][0] for vs in mem[0])

    def thread_done(self, mem: tuple, tid: int) -> tuple:
        vers, bufs, views = mem
        return self._canon(vers, bufs, _put(views, tid, None))

    def pending(self, mem: tuple, tid: int) -> tuple:
        return tuple((i, v) for i, v, _ in mem[1][tid])


MEMORY_MODELS = {"sc": SCMemory, "tso": TSOMemory, "arm": ARMMemory}

__all__ = ["SCMemory", "TSOMemory", "ARMMemory", "MEMORY_MODELS", "ACQ", "REL", "RLX", "SC"]
