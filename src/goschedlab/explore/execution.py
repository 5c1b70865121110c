"""Execution of model threads: generators turned into interned, hashable thread states.

A model thread is a generator that yields explorer operations (:mod:`.atomics`) and receives
their results. Threads are deterministic given the values they receive, so a thread state is
fully described by its generator frames: for each frame of the ``yield from`` chain, the code
object, the instruction offset and the local variables (lists frozen to tuples). That
*fingerprint* is interned to a small integer (a :class:`Node`); two paths reaching the same
fingerprint are the same thread state, which is what makes state hashing merge spin loops.

Generators cannot be copied, so a node keeps one representative path (parent node + value) and
a generator is rebuilt by replaying that path when the live one was consumed by a sibling.

Invariant: ``table.step(n, v)`` is a pure function of ``(n, v)`` (memoised in ``Node.children``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from types import GeneratorType
from typing import Any

from goschedlab.explore.atomics import ModelAssertion
from goschedlab.explore.locations import Layout, Location

RUN = 0
DONE = 1
FAIL = 2

ThreadFn = Callable[[], Generator[tuple, Any, Any]]


@dataclass
class Instance:
    """One concrete model to explore: shared layout, thread bodies and the final-state check.

    ``final_check(value, results)`` gets ``value(loc) -> int`` (memory once every store is
    visible) and the threads' return values; it returns a failure message or ``None``.
    """

    name: str
    layout: Layout
    threads: list[ThreadFn]
    thread_names: list[str]
    final_check: Callable[[Callable[[Location], int], list[Any]], str | None] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    registers: list[Location] = field(default_factory=list)  # litmus: outcome cells


class Node:
    """An interned thread state: the next operation, or the thread's result / failure."""

    __slots__ = ("id", "tid", "status", "op", "result", "parent", "value", "children", "depth")

    def __init__(self, nid: int, tid: int, parent: int, value: Any, depth: int) -> None:
        self.id = nid
        self.tid = tid
        self.status = RUN
        self.op: tuple | None = None
        self.result: Any = None
        self.parent = parent
        self.value = value
        self.children: dict[Any, int] = {}
        self.depth = depth


def _freeze(v: Any) -> Any:
    if type(v) is list or type(v) is tuple:
        return tuple(_freeze(x) for x in v)
    if type(v) is dict:
        return tuple((k, _freeze(x)) for k, x in v.items())
    if type(v) is set:
        return frozenset(v)
    return v


def fingerprint(gen: GeneratorType) -> tuple:
    """Program state of a suspended generator chain: (code, offset, locals) per frame."""
    parts = []
    g: Any = gen
    while type(g) is GeneratorType:
        fr = g.gi_frame
        if fr is None:
            break
        parts.append((fr.f_code, fr.f_lasti, _freeze(fr.f_locals)))
        g = g.gi_yieldfrom
    return tuple(parts)


class ThreadTable:
    """Interns the thread states of one model instance (all its threads)."""

    __slots__ = ("fns", "nodes", "index", "live", "starts")

    def __init__(self, fns: list[ThreadFn]) -> None:
        self.fns = fns
        self.nodes: list[Node] = []
        self.index: dict[Any, int] = {}
        self.live: dict[int, GeneratorType] = {}
        self.starts = [self._start(tid) for tid in range(len(fns))]

    def _intern(self, key: Any, tid: int, parent: int, value: Any, depth: int) -> tuple[Node, bool]:
        nid = self.index.get(key)
        if nid is not None:
            return self.nodes[nid], False
        node = Node(len(self.nodes), tid, parent, value, depth)
        self.nodes.append(node)
        self.index[key] = node.id
        return node, True

    def _advance(self, gen: GeneratorType, value: Any, first: bool, tid: int) -> tuple:
        """Run a generator to its next operation: ('op', op) / ('done', r) / ('fail', msg)."""
        try:
            op = next(gen) if first else gen.send(value)
        except StopIteration as stop:
            return (DONE, stop.value)
        except (ModelAssertion, AssertionError) as err:
            return (
                FAIL,
                f"{type(err).__name__}: {err}" if not isinstance(err, ModelAssertion) else str(err),
            )
        return (RUN, op)

    def _settle(
        self, tid: int, gen: GeneratorType, outcome: tuple, parent: int, value: Any, depth: int
    ) -> int:
        status, payload = outcome
        if status == RUN:
            key = (tid, fingerprint(gen))
        elif status == DONE:
            key = (tid, "done", _freeze(payload))
        else:
            key = (tid, "fail", payload)
        node, new = self._intern(key, tid, parent, value, depth)
        if new:
            node.status = status
            if status == RUN:
                node.op = payload
            else:
                node.result = payload
        if status == RUN and node.id not in self.live:
            self.live[node.id] = gen
        return node.id

    def _start(self, tid: int) -> int:
        gen = self.fns[tid]()
        if not isinstance(gen, GeneratorType):
            raise ValueError(f"thread {tid} body must be a generator function")
        return self._settle(tid, gen, self._advance(gen, None, True, tid), -1, None, 0)

    def _generator_at(self, nid: int) -> GeneratorType:
        gen = self.live.pop(nid, None)
        if gen is not None:
            return gen
        path = []
        n = self.nodes[nid]
        tid = n.tid
        while n.parent >= 0:
            path.append(n.value)
            n = self.nodes[n.parent]
        gen = self.fns[tid]()
        next(gen)
        for v in reversed(path):
            gen.send(v)
        return gen

    def step(self, nid: int, value: Any) -> int:
        """The thread state after the operation of ``nid`` returned ``value``."""
        node = self.nodes[nid]
        child = node.children.get(value)
        if child is not None:
            return child
        gen = self._generator_at(nid)
        child = self._settle(
            node.tid, gen, self._advance(gen, value, False, node.tid), nid, value, node.depth + 1
        )
        node.children[value] = child
        return child
