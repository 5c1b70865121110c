"""The explorer: exhaustive stateful search, shortest counterexamples, random walks.

Search space: a global state is ``(mem, nodes)`` - the memory-model state and one interned
thread state per thread (:mod:`.execution`); with a preemption bound it also carries
``(last thread, preemptions used)``. Exploration is an iterative depth-first search over the
hashed states (each distinct state expanded once).

Partial-order reduction: persistent singleton sets (ample sets, Peled / Godefroid). When some
thread's next operation is independent of everything every other thread can ever do - a store
entering its own store buffer, an access to a location private to it, a load of a location only
it writes (declared by the model, checked at run time), a plain fence under SC/TSO - only that
thread's moves are explored from the state; with the DFS cycle proviso (if the reduced move
closes a cycle on the stack the state is fully expanded). Deadlocks, assertion failures and
final states are preserved (they are local or terminal properties). Rejected alternative:
stateless DPOR (Flanagan-Godefroid) - it does not combine soundly with state hashing without
the extra machinery of stateful DPOR, and state hashing is what makes spin loops (a thief
re-reading stale indices under the ARM model) finite.

Counterexamples: the first violation found by DFS is shortened by a breadth-first search for
the nearest violating state (bounded by ``Config.bfs_limit`` states; falls back to the DFS path).
"""

from __future__ import annotations

import random
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from goschedlab.explore.atomics import (
    AWAIT,
    FENCE,
    LOAD,
    SC,
    STORE,
)
from goschedlab.explore.execution import DONE, FAIL, RUN, Instance, ThreadTable
from goschedlab.explore.memory import MEMORY_MODELS
from goschedlab.explore.path import FLUSH, STEP, Transition

_WRITES = {1, 2, 3, 4, 6, 7}  # STORE, CAS, XCHG, XADD, LOCK, UNLOCK


@dataclass(frozen=True)
class Config:
    """Explorer settings. Defaults: SC, no preemption bound, exhaustive DFS, POR on."""

    memory: str = "sc"
    preemption_bound: int | None = None
    random_walks: int = 0
    seed: int = 0
    max_steps: int = 10_000  # per random walk
    max_states: int = 20_000_000
    shortest: bool = True
    bfs_limit: int = 500_000
    por: bool = True


@dataclass(frozen=True)
class Statistics:
    """Immutable record of one exploration."""

    states: int
    transitions: int
    executions: int
    final_states: int
    reduced_states: int
    max_depth: int
    seconds: float
    complete: bool
    mode: str

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
        blocked = [
            f"{tid} ({self.inst.thread_names[tid]}) at {self.nodes[nid].op[0]}"
            for tid, nid in enumerate(nodes)
            if self.nodes[nid].status == RUN
        ]
        return ("deadlock", "no thread can move; blocked: " + ", ".join(blocked), None)

    # -- searches --------------------------------------------------------------------------
    def dfs(self) -> tuple[Violation | None, Statistics, set[tuple]]:
        t0 = time.perf_counter()
        init = self.initial()
        visited = {init}
        on_stack = {init}
        reduce = self.cfg.por
        transitions = executions = reduced = final_states = max_depth = 0
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
        stack: list[list] = [[init, mv0, 0, None]]
        while stack:
            frame = stack[-1]
            st, mv, i = frame[0], frame[1], frame[2]
            if i >= len(mv):
                stack.pop()
                on_stack.discard(st)
                continue
            frame[2] = i + 1
            t, nxt = mv[i]
            transitions += 1
            if nxt in visited:
                executions += 1
                continue
            visited.add(nxt)
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
            on_stack.add(nxt)
            stack.append([nxt, nmv, 0, t])
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
            complete=complete and violation is None,
            mode="dfs" + ("+por" if reduce else ""),
        )
        return violation, stats, finals

    def bfs_shortest(self, limit: int) -> Violation | None:
        """Breadth-first search for the nearest violating state (None if over ``limit``)."""
        init = self.initial()
        parent: dict[tuple, tuple[tuple, Transition] | None] = {init: None}
        queue = deque([init])
        while queue:
            st = queue.popleft()
            mv, _ = self.successors(st, self.cfg.por)
            for t, nxt in mv:
                if nxt in parent:
                    continue
                parent[nxt] = (st, t)
                nmv, _ = self.successors(nxt, self.cfg.por)
                bad = self.check_state(nxt, nmv)
                if bad:
                    path = []
                    cur: tuple | None = nxt
                    while parent[cur] is not None:
                        p, tt = parent[cur]  # type: ignore[misc]
                        path.append(tt)
                        cur = p
                    path.reverse()
                    return Violation(bad[0], bad[1], path, bad[2])
                queue.append(nxt)
                if len(parent) > limit:
                    return None
        return None

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
    else:
        v, stats, finals = ex.dfs()
    dfs_len = len(v.path) if v else None
    if v is not None and cfg.shortest:
        short = Explorer(inst, cfg).bfs_shortest(cfg.bfs_limit)
        if short is not None and len(short.path) <= len(v.path):
            v = short
    return Outcome(inst, cfg, v, stats, dfs_len, finals)
