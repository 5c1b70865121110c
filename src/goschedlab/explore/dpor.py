"""Source-DPOR with sleep sets and a state cache: ``Config(reduction="dpor")``.

Algorithm: Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic partial order reduction",
POPL 2014, Algorithm 1 (source sets + sleep sets). The search is a depth-first walk of the
execution tree. For every event executed, its races with the current execution are computed
from the execution's happens-before relation (vector clocks); for a race ``e < e'`` the
algorithm makes sure some *initial* of ``notdep(e, E).e'`` - a process that can start the
reversed order - is in the backtrack set of the state before ``e``.

Processes. A thread's own steps form one process (its id ``tid``). Memory-model events are
processes of their own: under x86-TSO the FIFO store buffer of thread ``tid`` is the process
``n + tid`` (its next event makes the oldest store visible); under the ARM-like model each
(thread, location) lane of the store buffer is one (stores to one location commit in program
order, to different ones in any order), ``n + tid * nloc + loc``. A value choice of the ARM-like
model (a load returning an older version) is local nondeterminism of the step: when a process
is explored from a state, all its choices are.

Dependency (:func:`dependent`): two events of different processes conflict when one writes
a location the other reads or writes. "Writes" means: makes a value visible to others - an SC
store, a flush of a buffered store, a read-modify-write (even a failed CAS), lock/unlock. A
store entering the own buffer writes nothing (it only *enables* its flush: a happens-before
edge store -> flush, never a race). Under the ARM-like model every commit also writes the
global commit order (pseudo-location ``_TIME``: acquire views depend on it), and fences and
read-modify-writes read every location. A flush of thread ``tid``'s buffer conflicts with the
steps of ``tid`` that need that buffer empty or free of releases (TSO: fences, locked
operations, Go's ``atomic.Store``; ARM: fences, read-modify-writes, acquire / SC loads).
``tests/explore/test_explore_dpor.py`` checks on real models that every pair of events this
relation calls independent commutes (same states in both orders) and neither disables the
other.

Loops. Without a state cache a spin loop is an infinite execution. A thread that comes back
to a thread state (an interned node: program point + locals) it already had in this execution,
having made no write in between (only loads, fences, failed CASes), is *spin-blocked* for the
rest of the execution - GenMC's spin-assume idea (Kokologiannakis et al., "Dynamic partial
order reductions for spinloops", FMCAD 2021): such an iteration changed nothing
other threads can see and only narrowed its own view, so every behaviour after it is a
behaviour without it, and executions in which the loop exits are reached by reversing the
races of its loads. An execution ending with a spin-blocked thread is neither a final state
nor a deadlock (as with state hashing, where the loop is a cycle). An execution longer than
``Config.max_steps`` is cut and the search reported not exhaustive.

State cache (``Config.dpor_cache``, on by default; Yang, Chen, Gopalakrishnan, Kirby,
"Efficient stateful dynamic partial order reduction", SPIN 2008, simplified). Key: global
state + spin-blocked threads + each thread's nodes since its last write (the spin detector's
memory, which decides the future). When a state is left, its entry records the sleep set it
was explored with and the *summary* of its subtree: the distinct footprints of every event
explored below it (cut subtrees included). A later visit is cut when the entry is closed and
its sleep set is a subset of the current one (the subtree then covers every trace needed
here: source-DPOR's guarantee for a subtree depends only on races inside it and on its sleep
set); otherwise the state is explored again with the smaller sleep set (stored as the
intersection, so this terminates). At a cut, the races between the current path and the
summary are replayed: for each summarised footprint, every path event dependent with it and
not ordered before it by the path's own happens-before is treated as a race (ignoring the
subtree's ordering only adds races), and an initial of the reversal is added - the first later
path event not ordered after the racing one, or, when every later path event is, each process
of the summary enabled there. States on the current path are never cut (their summary is not
complete yet). Sound, not optimal: the conservative replay adds backtracking.

Measured (benchmarks/explore_vs_spin.py, runq capacity 4, 3 threads, 5 ops): under SC and TSO
DPOR visits about half the states of the static reduction (4,474 vs 9,258; 5,666 vs 10,174);
under the ARM-like model it visits more (53,595 vs 42,264) and is ~6x slower, because every
commit conflicts with every other through the commit order, which the static reduction's
state hashing absorbs. So the default reduction stays "static". Stateless (no cache) source-
DPOR does not finish the ARM acceptance command in minutes (stopped after 3 million
transitions and 436,000 executions over only ~8,400 distinct states); it stays selectable
(``dpor_cache=False``) as the reference the cached search is tested against.

Rejected alternatives. Exact stateful DPOR summaries (a visible-operation dependency graph per
state): more memory and bookkeeping than our states, for fewer backtracks. Optimal DPOR with
wakeup trees (same POPL paper, Algorithm 2): fewer sleep-set-blocked executions, but they are
already rare here (they are counted). Persistent singletons on top, as the static reduction
has: an event touching nothing shared races with nothing, so starting with it (which
:meth:`SourceDPOR._first` does) already explores it alone.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from goschedlab.explore.atomics import AWAIT, CAS, FENCE, LOAD, RLX, SC, STORE
from goschedlab.explore.execution import DONE, FAIL, RUN
from goschedlab.explore.path import FLUSH, STEP, Transition

if TYPE_CHECKING:
    from goschedlab.explore.scheduler import Explorer, Statistics, Violation

_TIME = -1  # pseudo-location: the ARM-like model's global commit order
_EMPTY: frozenset = frozenset()

# footprint: (proc, thread, reads, writes, reads_all, needs_empty_buffer, flush_of)
Footprint = tuple[int, int, frozenset, frozenset, bool, bool, int]


def dependent(a: Footprint, b: Footprint) -> bool:
    """Do the events with footprints ``a`` and ``b`` conflict (see the module docstring)?"""
    if a[0] == b[0]:
        return True
    if a[6] >= 0 and a[6] == b[1] and b[5]:
        return True
    if b[6] >= 0 and b[6] == a[1] and a[5]:
        return True
    wa, wb = a[3], b[3]
    if (a[4] and wb) or (b[4] and wa):
        return True
    return bool(wa & b[2] or wa & wb or wb & a[2])


class _Frame:
    """One state of the current execution and the DPOR sets attached to it."""

    __slots__ = (
        "state",
        "blocked",
        "pure",
        "pending",
        "procs",
        "backtrack",
        "done",
        "sleep",
        "cur",
        "moves",
        "idx",
        "fp",
        "clock",
        "seq",
        "saved_last",
        "trans",
        "key",
        "summary",
    )

    def __init__(self, state: tuple, blocked: frozenset, pure: tuple, pending: tuple) -> None:
        self.state = state
        self.blocked = blocked
        self.pure = pure  # per thread: nodes held since its last write (spin detection)
        self.pending = pending  # per thread: event index that buffered each pending store
        self.procs: dict[int, list] = {}
        self.backtrack: set[int] = set()
        self.done: set[int] = set()
        self.sleep: dict[int, Footprint] = {}
        self.cur = -1  # process whose event leaves this state (the event at this depth)
        self.moves: list = []
        self.idx = 0
        self.fp: Footprint | None = None
        self.clock: tuple = ()
        self.seq = 0
        self.saved_last = -1
        self.trans: Transition | None = None
        self.key: tuple | None = None  # visited-state cache key (stateful mode)
        self.summary: set[Footprint] = set()  # footprints of the events explored below


class SourceDPOR:
    """Stateless source-DPOR + sleep sets over one :class:`~.scheduler.Explorer`'s model."""

    def __init__(self, ex: Explorer, stateful: bool = True) -> None:
        self.ex = ex
        self.stateful = stateful
        self.mm = ex.mm
        self.nodes = ex.nodes
        self.table = ex.table
        self.n = ex.n
        self.nloc = len(ex.locs)
        self.mname = self.mm.name
        self.nproc = self.n + (
            self.n * self.nloc if self.mname == "arm" else self.n if self.mname == "tso" else 0
        )
        self.max_steps = ex.cfg.max_steps
        self.max_transitions = ex.cfg.max_states

    # -- processes, moves and footprints ----------------------------------------------------
    def _lane(self, tid: int, loc: int) -> int:
        return self.n + (tid * self.nloc + loc if self.mname == "arm" else tid)

    def enabled(self, f: _Frame) -> None:
        """Fill ``f.procs``: process -> list of (transition, next state, step value)."""
        mem, nodes = f.state
        mm = self.mm
        procs = f.procs
        for tid in range(self.n):
            nid = nodes[tid]
            node = self.nodes[nid]
            if node.status == RUN and tid not in f.blocked:
                mv = mm.moves(mem, tid, node.op)
                if mv:
                    out = []
                    for choice, value, nm in mv:
                        child = self.table.step(nid, value)
                        if self.nodes[child].status == DONE:
                            nm = mm.thread_done(nm, tid)
                        nn = nodes[:tid] + (child,) + nodes[tid + 1 :]
                        out.append(((tid, STEP, choice), (nm, nn), value))
                    procs[tid] = out
            if mm.buffered:
                for choice, nm, (i, _v) in mm.flushes(mem, tid):
                    procs.setdefault(self._lane(tid, i), []).append(
                        ((tid, FLUSH, choice), (nm, nodes), None)
                    )

    def footprint(self, f: _Frame, p: int) -> Footprint:
        """The footprint of process ``p``'s next event at ``f`` (the same for every choice)."""
        mem, nodes = f.state
        arm = self.mname == "arm"
        if p >= self.n:
            t = f.procs[p][0][0]
            tid = t[0]
            i = self.mm.pending(mem, tid)[t[2]][0]
            w = frozenset((i, _TIME)) if arm else frozenset((i,))
            return (p, -1, _EMPTY, w, False, False, tid)
        op = self.nodes[nodes[p]].op
        k, loc, order = op[0], op[1], op[2]
        tso = self.mname == "tso"
        if k == FENCE:
            return (p, p, _EMPTY, _EMPTY, arm, arm or tso, -1)
        i = loc.index
        if k == LOAD or k == AWAIT:
            return (p, p, frozenset((i,)), _EMPTY, False, arm and order != RLX, -1)
        if k == STORE:
            if loc.private is None and (arm or (tso and order != SC)):
                return (p, p, _EMPTY, _EMPTY, False, False, -1)  # into the own store buffer
            return (p, p, _EMPTY, frozenset((i,)), False, tso, -1)
        w = frozenset((i, _TIME)) if arm else frozenset((i,))
        return (p, p, frozenset((i,)), w, arm, arm or tso, -1)

    # -- races ------------------------------------------------------------------------------
    def _start_event(self, stack: list[_Frame], d: int, last: list[int]) -> list[int]:
        """Make process ``stack[d].cur`` the event at depth ``d``: its clock, and its races.

        Returns the depths of the events it is in a race with (``e < e'``: dependent,
        different processes, no event in between ordered after ``e`` and before ``e'``).
        """
        f = stack[d]
        p = f.cur
        fp = f.fp
        assert fp is not None
        prev = last[p]
        if prev >= 0:
            clock = list(stack[prev].clock)
            seq = stack[prev].seq + 1
        else:
            clock = [0] * self.nproc
            seq = 1
        if p >= self.n:  # a flush happens after the store that buffered it
            t = f.moves[0][0]
            origin = f.pending[t[0]][t[2]]
            clock = list(map(max, clock, stack[origin].clock))
        races = []
        for k in range(d - 1, -1, -1):
            g = stack[k]
            q = g.cur
            if q == p or clock[q] >= g.seq:
                continue
            gfp = g.fp
            assert gfp is not None
            if dependent(gfp, fp):
                races.append(k)
                clock = list(map(max, clock, g.clock))
        clock[p] = seq
        f.clock = tuple(clock)
        f.seq = seq
        f.saved_last = prev
        last[p] = d
        return races

    def _reverse(self, stack: list[_Frame], k: int, d: int) -> None:
        """Race ``stack[k]`` < event at ``d``: add an initial of notdep(e, E).e' at depth k."""
        e = stack[k]
        pe, se = e.cur, e.seq
        v = [j for j in range(k + 1, d) if stack[j].clock[pe] < se]
        v.append(d)
        target = stack[k]
        initials = []
        first: dict[int, int] = {}  # process -> seq of its first event in v
        for j in v:
            g = stack[j]
            q = g.cur
            if q not in first:
                cj = g.clock
                if all(cj[r] < s for r, s in first.items()):
                    if q in target.backtrack or q in target.sleep:
                        return
                    if q in target.procs:
                        initials.append(q)
                first[q] = g.seq
        if initials:
            target.backtrack.add(initials[0])
        # no initial enabled at E': the race cannot be reversed (e.g. a flush that only the
        # reversed one's earlier flush enables), nothing to explore

    def _first(self, f: _Frame, awake: list[int], prev: int) -> int:
        """The process explored first at a new state: one whose next event touches nothing
        shared (it can race with nothing, so nothing else is explored here - the persistent
        singleton of the static reduction, for free), else the previous process (fewer
        context switches), else the smallest id."""
        for q in awake:
            if q < self.n:
                fp = self.footprint(f, q)
                if not (fp[2] or fp[3] or fp[4] or fp[5]) or self._private(f, q):
                    return q
        return prev if prev in awake else min(awake)

    def _private(self, f: _Frame, q: int) -> bool:
        op = self.nodes[f.state[1][q]].op
        loc = op[1]
        return loc is not None and (
            loc.private == q
            or (op[0] in (LOAD, AWAIT) and loc.writers is not None and loc.writers <= {q})
        )

    # -- state cache (stateful mode) --------------------------------------------------------
    @staticmethod
    def _aggregate(summary: frozenset) -> tuple:
        """(reads, writes, reads all, threads needing an empty buffer, threads flushed): the
        union of a summary, to skip path events independent of all of it at once."""
        r: set = set()
        w: set = set()
        alla = False
        empty: set[int] = set()
        flushed: set[int] = set()
        for fp in summary:
            r |= fp[2]
            w |= fp[3]
            alla = alla or fp[4]
            if fp[5]:
                empty.add(fp[1])
            if fp[6] >= 0:
                flushed.add(fp[6])
        return frozenset(r), frozenset(w), alla, frozenset(empty), frozenset(flushed)

    @staticmethod
    def _dependent_any(a: Footprint, agg: tuple) -> bool:
        """Could ``a`` be dependent with some footprint of the aggregated summary?"""
        r, w, alla, empty, flushed = agg
        if (a[4] and w) or (alla and a[3]):
            return True
        if (a[6] >= 0 and a[6] in empty) or (a[5] and a[1] in flushed):
            return True
        return bool(a[3] & r or a[3] & w or w & a[2])

    def _replay_summary(self, stack: list[_Frame], entry: list, last: list[int]) -> None:
        """Cut at a visited state: add backtrack points for every race an event of its
        explored subtree (``entry[1]``: their distinct footprints) could have with the current
        path. Happens-before is taken from the path only (the subtree's own ordering would
        only remove races), so more races are found than exist: sound, not optimal."""
        summary = entry[1]
        if entry[3] is None:
            entry[3] = self._aggregate(summary)
        agg = entry[3]
        d = len(stack) - 1
        dep_any = self._dependent_any
        cand = [k for k in range(d, -1, -1) if dep_any(stack[k].fp, agg)]  # type: ignore[arg-type]
        if not cand:
            return
        nproc = self.nproc
        for phi in summary:
            q = phi[0]
            lq = last[q]
            clock = stack[lq].clock if lq >= 0 else (0,) * nproc
            for k in cand:
                g = stack[k]
                pk = g.cur
                if pk == q or clock[pk] >= g.seq:
                    continue
                gfp = g.fp
                assert gfp is not None
                if not dependent(gfp, phi):
                    continue
                clock = tuple(map(max, clock, g.clock))
                # the first event after e not ordered after it is an initial of the reversal
                se = g.seq
                j = k + 1
                while j <= d and stack[j].clock[pk] >= se:
                    j += 1
                if j <= d:
                    r = stack[j].cur
                    if r not in g.backtrack and r not in g.sleep and r in g.procs:
                        g.backtrack.add(r)
                    continue
                # every later event of the path is ordered after e: the initial is an event
                # of the cut subtree - any of its processes enabled here may be it
                later = {stack[m].cur for m in range(k + 1, d + 1)}
                for r in {x[0] for x in summary}:
                    if r != pk and r in g.procs and r not in g.sleep and r not in later:
                        g.backtrack.add(r)

    # -- the search -------------------------------------------------------------------------
    def run(self) -> tuple[Violation | None, Statistics, set[tuple]]:
        """Explore every Mazurkiewicz trace (modulo spin-blocking); first violation stops."""
        from goschedlab.explore.scheduler import Statistics, Violation

        t0 = time.perf_counter()
        ex = self.ex
        init = ex.initial()
        nodes0 = init[1]
        root = _Frame(
            init,
            frozenset(),
            tuple(frozenset((nid,)) for nid in nodes0),
            ((),) * self.n,
        )
        self.enabled(root)
        stack: list[_Frame] = [root]
        last = [-1] * self.nproc
        seen: set[tuple] = {init}
        transitions = executions = final_states = spin_blocked = sleep_blocked = cuts = 0
        stateful = self.stateful
        # stateful mode: (state, blocked, pure) -> [sleep set, summary, closed, aggregate]
        cache: dict[tuple, list] = {}
        max_depth = 0
        complete = True
        violation: Violation | None = None
        finals: set[tuple] = set()
        dep = dependent

        def terminal(f: _Frame) -> tuple[str, str, int | None] | None:
            """Check a state without enabled processes; counts it."""
            nonlocal executions, final_states, spin_blocked
            executions += 1
            nodes = f.state[1]
            if all(self.nodes[nid].status == DONE for nid in nodes):
                final_states += 1
                if len(finals) < 10_000:
                    finals.add(self.mm.values(f.state[0]))
                return ex.check_state(f.state, [])
            if f.blocked:
                spin_blocked += 1
                return None
            return ex.check_state(f.state, [])

        bad0 = None if root.procs else terminal(root)
        if bad0:
            stats = Statistics(1, 0, 1, 0, 0, 0, 0.0, True, "dpor")
            return Violation(bad0[0], bad0[1], [], bad0[2]), stats, finals
        if root.procs:
            root.backtrack.add(min(root.procs))
        while stack:
            d = len(stack) - 1
            f = stack[d]
            if f.cur < 0 or f.idx >= len(f.moves):
                if f.cur >= 0:  # every choice of f.cur explored: it goes to sleep here
                    assert f.fp is not None
                    f.sleep[f.cur] = f.fp
                    f.done.add(f.cur)
                    last[f.cur] = f.saved_last
                    f.cur = -1
                nxt = -1
                for q in sorted(f.backtrack):
                    if q not in f.done and q not in f.sleep and q in f.procs:
                        nxt = q
                        break
                if nxt < 0:
                    stack.pop()
                    if f.key is not None:
                        entry = cache[f.key]
                        if entry[1] is None:
                            entry[1] = frozenset(f.summary)
                        else:
                            entry[1] = entry[1] | f.summary
                        entry[3] = None
                        entry[2] = True
                    if stack:
                        stack[-1].summary |= f.summary
                    continue
                f.cur = nxt
                f.moves = f.procs[nxt]
                f.idx = 0
                f.fp = self.footprint(f, nxt)
                if stateful:
                    f.summary.add(f.fp)
                for k in self._start_event(stack, d, last):
                    self._reverse(stack, k, d)
            t, nxt_state, value = f.moves[f.idx]
            f.idx += 1
            f.trans = t
            transitions += 1
            if transitions > self.max_transitions or d + 1 > self.max_steps:
                complete = False
                if transitions > self.max_transitions:
                    break
                continue
            seen.add(nxt_state)
            # successor bookkeeping: spin detection and store-buffer origins
            p = f.cur
            blocked, pure, pending = f.blocked, f.pure, f.pending
            mem0 = f.state[0]
            tid = t[0]
            if t[1] == STEP:
                nid = nxt_state[1][tid]
                node = self.nodes[nid]
                if node.status == FAIL:
                    path = [g.trans for g in stack]
                    bad = ex.check_state(nxt_state, [])
                    assert bad is not None
                    violation = Violation(bad[0], bad[1], path, bad[2])  # type: ignore[arg-type]
                    executions += 1
                    break
                op = self.nodes[f.state[1][tid]].op
                kind = op[0]
                if kind in (LOAD, AWAIT, FENCE) or (kind == CAS and value is False):
                    if nid in pure[tid]:
                        blocked = blocked | {tid}
                    else:
                        pure = pure[:tid] + (pure[tid] | {nid},) + pure[tid + 1 :]
                else:
                    pure = pure[:tid] + (frozenset((nid,)),) + pure[tid + 1 :]
                if self.mm.buffered and len(self.mm.pending(nxt_state[0], tid)) > len(
                    self.mm.pending(mem0, tid)
                ):
                    pending = pending[:tid] + (pending[tid] + (d,),) + pending[tid + 1 :]
            else:
                j = t[2]
                pending = (
                    pending[:tid] + (pending[tid][:j] + pending[tid][j + 1 :],) + pending[tid + 1 :]
                )
            child = _Frame(nxt_state, blocked, pure, pending)
            fp = f.fp
            assert fp is not None
            child.sleep = {q: g for q, g in f.sleep.items() if not dep(g, fp)}
            if stateful:
                key = (nxt_state, blocked, pure)
                entry = cache.get(key)
                if entry is None:
                    cache[key] = [frozenset(child.sleep), None, False, None]
                    child.key = key
                elif entry[2]:
                    if entry[0] <= child.sleep.keys():
                        # explored before with no more asleep: reuse, replaying its races
                        cuts += 1
                        executions += 1
                        assert entry[1] is not None
                        self._replay_summary(stack, entry, last)
                        f.summary |= entry[1]
                        continue
                    entry[0] = entry[0] & child.sleep.keys()  # shrinks: this terminates
                    entry[2] = False
                    child.key = key
                # else: the state is on the current path (a cycle): explore it again
            self.enabled(child)
            awake = [q for q in child.procs if q not in child.sleep]
            if not awake:
                if child.procs:
                    sleep_blocked += 1
                    executions += 1
                else:
                    bad = terminal(child)
                    if bad:
                        path = [g.trans for g in stack]
                        violation = Violation(bad[0], bad[1], path, bad[2])  # type: ignore[arg-type]
                        break
                if child.key is not None:  # nothing explored below: an empty summary
                    entry = cache[child.key]
                    if entry[1] is None:
                        entry[1] = frozenset()
                    entry[2] = True
                continue
            child.backtrack.add(self._first(child, awake, p))
            stack.append(child)
            if len(stack) > max_depth:
                max_depth = len(stack)
        stats = Statistics(
            states=len(seen),
            transitions=transitions,
            executions=executions,
            final_states=final_states,
            reduced_states=0,
            max_depth=max_depth,
            seconds=time.perf_counter() - t0,
            complete=complete and violation is None,
            mode="dpor+sleep" + ("+cache" if stateful else ""),
            spin_blocked=spin_blocked,
            sleep_blocked=sleep_blocked,
            cache_hits=cuts,
        )
        self.cuts = cuts
        self.spin_blocked = spin_blocked
        self.sleep_blocked = sleep_blocked
        return violation, stats, finals
