"""The explorer: exhaustive stateful search, shortest counterexamples, random walks.

Search space: a global state is ``(mem, nodes)`` - the memory-model state and one interned
thread state per thread (:mod:`.execution`); with a preemption bound it also carries
``(last thread, preemptions used)``. Exploration is an iterative depth-first search over the
hashed states (each distinct state expanded once).

Reductions (``Config.reduction``):
* "static" (the default) - partial-order reduction in two layers, both sound for what we
  check (assertions, deadlocks and final states; the tests compare final-state sets with full
  expansion):
  - persistent singleton sets (ample sets, Peled / Godefroid): when some thread's next
    operation is independent of everything every other thread can ever do - a store entering
    its own store buffer, an access to a location private to it, a load of a location only it
    writes (declared by the model, checked at run time), a fence under SC/TSO - only that
    thread's moves are explored, with the DFS cycle proviso (if the move closes a cycle on the
    stack the state is fully expanded);
  - sleep sets with state caching (Godefroid 1996, ch. 5): a transition already explored from
    a state is not re-explored after independent transitions (independence from read/write
    footprints, :meth:`Explorer.footprint`); a state remembers its sleep set and a later visit
    explores only what was asleep before and is awake now.
* "dpor" - source-DPOR with sleep sets (Abdulla et al., POPL 2014) plus a state cache whose
  cuts replay the races of the cached subtree, and spin-loop blocking; see :mod:`.dpor` for
  the algorithm, its soundness argument and measurements. It visits about half the states of
  "static" under SC and TSO but more under the ARM-like model (every commit conflicts through
  the global commit order), and is slower per state, so it is not the default. With a
  preemption bound the static reduction is used (bounding and DPOR do not compose soundly).
* "none" (or ``por=False``) - full expansion over hashed states: the reference in tests.
Rejected alternative for the default: stateless DPOR (loom) - without a state cache the spin
and retry loops under the weak models are unbounded and the ARM-like model's executions
explode (see :mod:`.dpor`). Sleep sets are off under a preemption bound (bounding and sleep
sets do not compose soundly).

Counterexamples: the first violation found by DFS is replaced by the nearest violating state
of a breadth-first search (bounded by ``Config.bfs_limit`` states); past that bound the DFS
path is minimised instead (single steps dropped while it still fails the same way).
"""

from __future__ import annotations

import random
import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

from goschedlab.explore.atomics import (
    AWAIT,
    FENCE,
    KIND_NAMES,
    LOAD,
    SC,
    STORE,
)
from goschedlab.explore.execution import DONE, FAIL, RUN, Instance, ThreadTable
from goschedlab.explore.memory import MEMORY_MODELS
from goschedlab.explore.path import FLUSH, STEP, Transition

_WRITES = {1, 2, 3, 4, 6, 7}  # STORE, CAS, XCHG, XADD, LOCK, UNLOCK
_TIME = -1  # pseudo-location: the ARM-like model's global commit order
_EMPTY: frozenset = frozenset()
REDUCTIONS = ("dpor", "static", "none")


@dataclass(frozen=True)
class Config:
    """Explorer settings. Defaults: SC, no preemption bound, exhaustive DFS, POR on."""

    memory: str = "sc"
    preemption_bound: int | None = None
    random_walks: int = 0
    seed: int = 0
    max_steps: int = 10_000  # per random walk / per DPOR execution
    max_states: int = 20_000_000  # under DPOR: a bound on transitions
    shortest: bool = True
    bfs_limit: int = 100_000
    por: bool = True  # False = reduction "none" (kept for callers of the first version)
    reduction: str = "static"  # "dpor" (source-DPOR + sleep sets), "static" or "none"
    dpor_cache: bool = True  # DPOR: cut at explored states, replaying their races

    @property
    def effective_reduction(self) -> str:
        """The reduction actually used: ``por=False`` forces "none"."""
        return self.reduction if self.por else "none"


@dataclass(frozen=True)
class Statistics:
    """Immutable record of one exploration.

    ``states``: distinct states visited (hashed); ``transitions``: moves executed;
    ``executions``: maximal paths explored (ending in a final state, a violation or an already
    visited state); ``final_states``: visits of states where every thread finished;
    ``reduced_states``: states expanded with a persistent singleton; ``complete``: the search
    was exhaustive (no bound, no random mode, no violation cut it short). DPOR only:
    ``spin_blocked`` executions ending with a thread spin-blocked (a read-only loop iteration
    that changed nothing), ``sleep_blocked`` executions cut because every enabled process was
    asleep, ``cache_hits`` executions cut at an already explored state (stateful mode).
    """

    states: int
    transitions: int
    executions: int
    final_states: int
    reduced_states: int
    max_depth: int
    seconds: float
    complete: bool
    mode: str
    spin_blocked: int = 0
    sleep_blocked: int = 0
    cache_hits: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Violation:
    """A failed check: ``kind`` is 'assertion', 'final-state' or 'deadlock'."""

    kind: str
    message: str
    path: list[Transition]
    thread: int | None = None


@dataclass
class Outcome:
    """Result of :func:`explore`: the violation (None = none found) and the statistics."""

    instance: Instance
    config: Config
    violation: Violation | None
    stats: Statistics
    dfs_path_len: int | None = None
    finals: set[tuple] = field(default_factory=set)


class Explorer:
    """Exhaustive / random exploration of one model instance under one memory model."""

    def __init__(self, inst: Instance, config: Config) -> None:
        if config.memory not in MEMORY_MODELS:
            raise ValueError(f"unknown memory model {config.memory!r}")
        if config.reduction not in REDUCTIONS:
            raise ValueError(
                f"unknown reduction {config.reduction!r} (expected {', '.join(REDUCTIONS)})"
            )
        self.inst = inst
        self.cfg = config
        self.locs = inst.layout.locations
        self.n = len(inst.threads)
        self.mm = MEMORY_MODELS[config.memory](self.locs, self.n)
        self.table = ThreadTable(inst.threads)
        self.nodes = self.table.nodes
        self._local: dict[int, bool] = {}
        self.pb = config.preemption_bound

    # -- states and moves ------------------------------------------------------------------
    def initial(self) -> tuple:
        mem = self.mm.initial()
        starts = tuple(self.table.starts)
        for tid, nid in enumerate(starts):
            if self.nodes[nid].status == DONE:
                mem = self.mm.thread_done(mem, tid)
        if self.pb is not None:
            return (mem, starts, -1, 0)
        return (mem, starts)

    def _is_local(self, nid: int) -> bool:
        """Is this thread state's next operation independent of every other thread?"""
        r = self._local.get(nid)
        if r is not None:
            return r
        node = self.nodes[nid]
        tid = node.tid
        op = node.op
        kind, loc, order = op[0], op[1], op[2]
        mname = self.mm.name
        if kind in _WRITES and loc.writers is not None and tid not in loc.writers:
            raise ValueError(
                f"model {self.inst.name}: thread {tid} writes {loc!r}, declared written only "
                f"by {sorted(loc.writers)}"
            )
        if loc is not None and loc.private is not None and loc.private != tid:
            raise ValueError(
                f"model {self.inst.name}: thread {tid} accesses {loc!r}, private to "
                f"thread {loc.private}"
            )
        if kind == FENCE:
            r = mname != "arm"
        elif loc.private == tid:
            r = mname != "arm" or kind in (LOAD, STORE, AWAIT)
        elif kind == LOAD or kind == AWAIT:
            r = loc.writers is not None and loc.writers <= {tid}
        elif kind == STORE:
            r = mname == "arm" or (mname == "tso" and order != SC)
        else:
            r = False
        self._local[nid] = r
        return r

    def thread_moves(self, state: tuple, tid: int) -> list[tuple[Transition, tuple]]:
        mem, nodes = state[0], state[1]
        nid = nodes[tid]
        node = self.nodes[nid]
        out = []
        if node.status == RUN:
            for choice, value, nm in self.mm.moves(mem, tid, node.op):
                child = self.table.step(nid, value)
                if self.nodes[child].status == DONE:
                    nm = self.mm.thread_done(nm, tid)
                nn = nodes[:tid] + (child,) + nodes[tid + 1 :]
                out.append(((tid, STEP, choice), (nm, nn)))
        for choice, nm, _ in self.mm.flushes(mem, tid):
            out.append(((tid, FLUSH, choice), (nm, nodes)))
        return out

    def _bounded(self, state: tuple, moves: list[tuple[Transition, tuple]]) -> list:
        """Attach (last, preemptions) and drop moves beyond the preemption bound."""
        last, used = state[2], state[3]
        last_enabled = (
            last >= 0
            and self.nodes[state[1][last]].status == RUN
            and any(t[0] == last and t[1] == STEP for t, _ in moves)
        )
        out = []
        for t, (nm, nn) in moves:
            if t[1] == FLUSH:
                out.append((t, (nm, nn, last, used)))
                continue
            u = used + (1 if last_enabled and t[0] != last else 0)
            if u <= self.pb:
                out.append((t, (nm, nn, t[0], u)))
        return out

    def successors(self, state: tuple, reduce: bool) -> tuple[list, bool]:
        """All moves from ``state`` (or a persistent singleton when ``reduce``)."""
        nodes = state[1]
        if reduce:
            for tid in range(self.n):
                nid = nodes[tid]
                if self.nodes[nid].status == RUN and self._is_local(nid):
                    mv = [m for m in self.thread_moves(state, tid) if m[0][1] == STEP]
                    if mv:
                        if self.pb is not None:
                            mv = self._bounded(state, mv)
                            if not mv:
                                continue
                        return mv, True
        out = []
        for tid in range(self.n):
            out.extend(self.thread_moves(state, tid))
        if self.pb is not None:
            out = self._bounded(state, out)
        return out, False

    def check_state(self, state: tuple, moves: list) -> tuple[str, str, int | None] | None:
        """Violation at ``state`` (given its move list), or None."""
        nodes = state[1]
        for tid, nid in enumerate(nodes):
            node = self.nodes[nid]
            if node.status == FAIL:
                return (
                    "assertion",
                    f"thread {tid} ({self.inst.thread_names[tid]}): {node.result}",
                    tid,
                )
        if moves:
            return None
        if all(self.nodes[nid].status == DONE for nid in nodes):
            if self.inst.final_check is not None:
                vals = self.mm.values(state[0])
                results = [self.nodes[nid].result for nid in nodes]
                msg = self.inst.final_check(lambda loc: vals[loc.index], results)
                if msg:
                    return ("final-state", msg, None)
            return None
        if self.pb is not None:
            full, _ = self.successors(state[:2] + (-1, 0), False)
            if full:
                return None  # only cut by the preemption bound, not a deadlock
        blocked = []
        for tid, nid in enumerate(nodes):
            node = self.nodes[nid]
            if node.status == RUN:
                op = node.op
                where = f" {op[1].name}" if op[1] is not None else ""
                blocked.append(
                    f"{tid} ({self.inst.thread_names[tid]}) at {KIND_NAMES[op[0]]}{where}"
                )
        return ("deadlock", "no thread can move; blocked: " + ", ".join(blocked), None)

    # -- searches --------------------------------------------------------------------------
    def footprint(self, state: tuple, t: Transition) -> tuple[int, frozenset, frozenset, bool]:
        """(thread, locations read, locations written, reads everything) of transition ``t``.

        Transitions of one thread are always dependent. Two of different threads are
        independent when neither writes what the other reads or writes: they commute and
        neither enables nor disables the other. Under the ARM-like model every commit also
        writes the global commit order (``_TIME``), and a fence or read-modify-write reads
        everything (it pulls the view to the newest versions).
        """
        mem, nodes = state[0], state[1]
        tid, kind, choice = t
        arm = self.mm.name == "arm"
        if kind == FLUSH:
            i = self.mm.pending(mem, tid)[choice][0]
            return tid, _EMPTY, (frozenset((i, _TIME)) if arm else frozenset((i,))), False
        op = self.nodes[nodes[tid]].op
        k, loc = op[0], op[1]
        if k == FENCE:
            return tid, _EMPTY, _EMPTY, arm
        i = loc.index
        if k == LOAD or k == AWAIT:
            return tid, frozenset((i,)), _EMPTY, False
        if k == STORE:
            if loc.private is not None:
                return tid, _EMPTY, frozenset((i,)), False
            if arm or (self.mm.name == "tso" and op[2] != SC):
                return tid, _EMPTY, _EMPTY, False  # into the own store buffer
            return tid, _EMPTY, frozenset((i,)), False
        w = frozenset((i, _TIME)) if arm else frozenset((i,))
        return tid, frozenset((i,)), w, arm

    @staticmethod
    def _dependent(a: tuple, b: tuple) -> bool:
        ta, ra, wa, alla = a
        tb, rb, wb, allb = b
        if ta == tb or (alla and wb) or (allb and wa):
            return True
        return bool(wa & rb or wa & wb or wb & ra)

    def dfs(self) -> tuple[Violation | None, Statistics, set[tuple]]:
        """Depth-first search with state hashing, persistent sets and sleep sets.

        Sleep sets with state caching (Godefroid 1996, section 5.3): a state remembers the
        sleep set it was first explored with; a later visit with a sleep set missing some of
        those transitions explores exactly those, and prunes otherwise.
        """
        t0 = time.perf_counter()
        init = self.initial()
        reduce = self.cfg.effective_reduction != "none"
        use_sleep = reduce and self.pb is None
        visited: dict[tuple, frozenset] = {init: frozenset()}
        on_stack: dict[tuple, int] = {init: 1}  # a state may be on the stack twice
        transitions = executions = reduced = final_states = max_depth = slept = 0
        finals: set[tuple] = set()
        complete = True
        violation: Violation | None = None

        def expand(st: tuple) -> list:
            nonlocal reduced
            mv, red = self.successors(st, reduce)
            if red:
                if any(s in on_stack for _, s in mv):
                    mv, _ = self.successors(st, False)
                else:
                    reduced += 1
            return mv

        mv0 = expand(init)
        bad = self.check_state(init, mv0)
        if bad:
            return (
                Violation(bad[0], bad[1], [], bad[2]),
                Statistics(1, 0, 1, 0, 0, 0, 0.0, True, "dfs"),
                finals,
            )
        # frame: [state, moves, next index, transition that led here, sleep set {t: fp}]
        stack: list[list] = [[init, mv0, 0, None, {}]]
        while stack:
            frame = stack[-1]
            st, mv, i = frame[0], frame[1], frame[2]
            if i >= len(mv):
                stack.pop()
                c = on_stack[st] - 1
                if c:
                    on_stack[st] = c
                else:
                    del on_stack[st]
                continue
            frame[2] = i + 1
            t, nxt = mv[i]
            sleep = frame[4]
            if t in sleep:
                slept += 1
                continue
            transitions += 1
            if use_sleep:
                fp = self.footprint(st, t)
                dep = self._dependent
                csleep = {u: f for u, f in sleep.items() if not dep(f, fp)}
                sleep[t] = fp
            else:
                csleep = sleep
            old = visited.get(nxt)
            if old is not None:
                if not use_sleep or old <= csleep.keys():
                    executions += 1
                    continue
                # explore what was asleep on the first visit but is awake now
                redo = old - csleep.keys()
                visited[nxt] = old & csleep.keys()  # strictly smaller: this terminates
                full, _ = self.successors(nxt, False)
                nmv = [m for m in full if m[0] in redo]
                on_stack[nxt] = on_stack.get(nxt, 0) + 1
                stack.append([nxt, nmv, 0, t, dict(csleep)])
                continue
            visited[nxt] = frozenset(csleep)
            if len(visited) > self.cfg.max_states:
                complete = False
                break
            nmv = expand(nxt)
            bad = self.check_state(nxt, nmv)
            if bad:
                path = [f[3] for f in stack[1:]] + [t]
                violation = Violation(bad[0], bad[1], path, bad[2])
                executions += 1
                break
            if not nmv:
                executions += 1
                final_states += 1
                if len(finals) < 10_000:
                    finals.add(self.mm.values(nxt[0]))
                continue
            on_stack[nxt] = on_stack.get(nxt, 0) + 1
            stack.append([nxt, nmv, 0, t, dict(csleep)])
            if len(stack) > max_depth:
                max_depth = len(stack)
        stats = Statistics(
            states=len(visited),
            transitions=transitions,
            executions=executions,
            final_states=final_states,
            reduced_states=reduced,
            max_depth=max_depth,
            seconds=time.perf_counter() - t0,
            complete=complete and violation is None and self.pb is None,
            mode="dfs"
            + ("+persistent+sleep" if use_sleep else "+persistent" if reduce else "")
            + (f"+preemption-bound={self.pb}" if self.pb is not None else ""),
        )
        self.slept = slept
        return violation, stats, finals

    def bfs_shortest(self, limit: int) -> Violation | None:
        """Breadth-first search for the nearest violating state (None if over ``limit``)."""
        init = self.initial()
        parent: dict[tuple, tuple[tuple, Transition] | None] = {init: None}
        queue = deque([init])
        while queue:
            st = queue.popleft()
            mv, _ = self.successors(st, self.cfg.effective_reduction != "none")
            bad = self.check_state(st, mv)
            if bad:
                path = []
                cur = st
                while (link := parent[cur]) is not None:
                    cur, tt = link
                    path.append(tt)
                path.reverse()
                return Violation(bad[0], bad[1], path, bad[2])
            for t, nxt in mv:
                if nxt not in parent:
                    parent[nxt] = (st, t)
                    queue.append(nxt)
            if len(parent) > limit:
                return None
        return None

    def _fails(self, path: list[Transition]) -> Violation | None:
        """Run ``path``; the violation it ends in (a failing prefix is cut there), or None."""
        st = self.initial()
        for k, t in enumerate(path):
            nxt = next((s for u, s in self.thread_moves(st, t[0]) if u == t), None)
            if nxt is None:
                return None
            st = nxt
            if any(self.nodes[n].status == FAIL for n in st[1]):
                bad = self.check_state(st, [])
                assert bad is not None
                return Violation(bad[0], bad[1], path[: k + 1], bad[2])
        mv, _ = self.successors(st, False)
        bad = self.check_state(st, mv)
        return Violation(bad[0], bad[1], list(path), bad[2]) if bad else None

    def minimize(self, v: Violation) -> Violation:
        """Shorten a counterexample: drop single steps while it still fails the same way."""
        best = v
        changed = True
        while changed:
            changed = False
            i = 0
            while i < len(best.path):
                cand = self._fails(best.path[:i] + best.path[i + 1 :])
                if cand is not None and (cand.kind, cand.message) == (best.kind, best.message):
                    best = cand
                    changed = True
                else:
                    i += 1
        return best

    def random_walks(self) -> tuple[Violation | None, Statistics]:
        t0 = time.perf_counter()
        rng = random.Random(self.cfg.seed)
        seen: set[tuple] = set()
        transitions = 0
        depth = 0
        complete_walks = 0
        for _ in range(self.cfg.random_walks):
            st = self.initial()
            path: list[Transition] = []
            for _step in range(self.cfg.max_steps):
                mv, _ = self.successors(st, False)
                bad = self.check_state(st, mv)
                if bad:
                    stats = Statistics(
                        len(seen),
                        transitions,
                        complete_walks + 1,
                        0,
                        0,
                        max(depth, len(path)),
                        time.perf_counter() - t0,
                        False,
                        "random",
                    )
                    return Violation(bad[0], bad[1], path, bad[2]), stats
                if not mv:
                    complete_walks += 1
                    break
                t, st = mv[rng.randrange(len(mv))]
                path.append(t)
                transitions += 1
                if len(seen) < 1_000_000:
                    seen.add(st)
            depth = max(depth, len(path))
        stats = Statistics(
            len(seen),
            transitions,
            complete_walks,
            complete_walks,
            0,
            depth,
            time.perf_counter() - t0,
            False,
            "random",
        )
        return None, stats


def explore(inst: Instance, config: Config | None = None) -> Outcome:
    """Explore ``inst`` under ``config``: the one-call entry point (loom ``model``)."""
    cfg = config or Config()
    ex = Explorer(inst, cfg)
    finals: set[tuple] = set()
    if cfg.random_walks:
        v, stats = ex.random_walks()
    elif cfg.effective_reduction == "dpor" and cfg.preemption_bound is None:
        from goschedlab.explore.dpor import SourceDPOR

        v, stats, finals = SourceDPOR(ex, stateful=cfg.dpor_cache).run()
    else:
        v, stats, finals = ex.dfs()
    dfs_len = len(v.path) if v else None
    if v is not None and cfg.shortest:
        plain = Explorer(inst, replace(cfg, preemption_bound=None))
        short = plain.bfs_shortest(cfg.bfs_limit)
        if short is not None and len(short.path) <= len(v.path):
            v = short
        else:
            v = plain.minimize(v)
    return Outcome(inst, cfg, v, stats, dfs_len, finals)
