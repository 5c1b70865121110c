"""Property-based runs over random workloads (hypothesis): no G lost or run twice, only legal
transitions (casgstatus/casPstatus throw otherwise), G-state conservation, determinism."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goschedlab.runtime import Config, Result, Runtime
from goschedlab.workloads.ops import (
    Chan,
    Cpu,
    Go,
    Gosched,
    Lock,
    Mutex,
    Recv,
    Send,
    Sleep,
    Spin,
    Syscall,
    Unlock,
    WaitGroup,
    WgAdd,
    WgDone,
    WgWait,
)

Body = Generator[Any, Any, Any]

simple_op = st.one_of(
    st.tuples(st.just("cpu"), st.integers(1, 300_000)),
    st.tuples(st.just("spin"), st.integers(1, 300_000)),
    st.tuples(st.just("gosched"), st.just(0)),
    st.tuples(st.just("sleep"), st.integers(1, 2_000_000)),
    st.tuples(st.just("syscall"), st.integers(1, 500_000)),
    st.tuples(st.just("syscallblock"), st.integers(1, 200_000)),
    st.tuples(st.just("go"), st.integers(1, 50_000)),
    st.tuples(st.just("lock"), st.integers(1, 50_000)),
)
pair = st.tuples(
    st.lists(simple_op, max_size=5),  # sender's other ops
    st.lists(simple_op, max_size=5),  # receiver's other ops
    st.integers(0, 4),  # messages
    st.integers(0, 2),  # channel capacity
)
workload = st.fixed_dictionaries(
    {
        "gomaxprocs": st.integers(1, 4),
        "seed": st.integers(0, 2**32),
        "asyncpreempt": st.booleans(),
        "pairs": st.lists(pair, min_size=1, max_size=4),
    }
)


def _run(w: dict[str, Any], check_every: int = 0) -> tuple[Result, Runtime, list[int], list[int]]:
    rt = Runtime(Config(gomaxprocs=w["gomaxprocs"], seed=w["seed"], asyncpreempt=w["asyncpreempt"]))
    nw = 2 * len(w["pairs"])
    done = [0] * nw
    nchildren = sum(1 for p in w["pairs"] for ops in p[:2] for op in ops if op[0] == "go")
    children_done = [0]
    checks = [0]

    def child(ns: int, wg: WaitGroup) -> Body:
        yield Cpu(ns)
        children_done[0] += 1
        yield WgDone(wg)

    def run_ops(ops: list[tuple[str, int]], mu: Mutex, wg: WaitGroup) -> Body:
        for kind, ns in ops:
            if kind == "cpu":
                yield Cpu(ns)
            elif kind == "spin":
                yield Spin(ns)
            elif kind == "gosched":
                yield Gosched()
            elif kind == "sleep":
                yield Sleep(ns)
            elif kind == "syscall":
                yield Syscall(ns)
            elif kind == "syscallblock":
                yield Syscall(ns, block=True)
            elif kind == "go":
                yield Go(child, ns, wg)
            elif kind == "lock":
                yield Lock(mu)
                yield Cpu(ns)
                yield Unlock(mu)

    def sender(i: int, ops: list, n: int, ch: Chan, mu: Mutex, wg: WaitGroup) -> Body:
        half = len(ops) // 2
        yield from run_ops(ops[:half], mu, wg)
        for k in range(n):
            yield Send(ch, (i, k))
        yield from run_ops(ops[half:], mu, wg)
        done[i] += 1
        yield WgDone(wg)

    def receiver(i: int, ops: list, n: int, ch: Chan, mu: Mutex, wg: WaitGroup) -> Body:
        yield from run_ops(ops, mu, wg)
        for k in range(n):
            v, ok = yield Recv(ch)
            assert ok and v == (i - 1, k)  # FIFO per channel, nothing lost or duplicated
        done[i] += 1
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        mu = Mutex()
        yield WgAdd(wg, nw + nchildren)
        for k, (sops, rops, n, cap) in enumerate(w["pairs"]):
            ch = Chan(cap)
            yield Go(sender, 2 * k, sops, n, ch, mu, wg)
            yield Go(receiver, 2 * k + 1, rops, n, ch, mu, wg)
        yield WgWait(wg)

    if check_every:

        def checker(_: object) -> None:
            rt.check_invariants()
            checks[0] += 1
            rt.sim.after(check_every, checker, None)

        rt.sim.at(0, checker, None)
    res = rt.run(main, until_ns=60_000_000_000)
    assert children_done[0] == nchildren
    return res, rt, done, checks


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workload)
def test_random_workloads_conserve_goroutines_and_keep_invariants(w: dict[str, Any]) -> None:
    res, rt, done, checks = _run(w, check_every=25_000)
    assert res.exit_code == 0, res.fatal
    assert done == [1] * len(done)  # every goroutine body ran exactly once to its end
    assert checks[0] >= 1
    nchildren = sum(1 for p in w["pairs"] for ops in p[:2] for op in ops if op[0] == "go")
    assert res.goroutines_created == 1 + len(done) + nchildren
    assert len(rt.allgs) <= res.goroutines_created  # dead Gs were reused, never duplicated
    rt.check_invariants()


@settings(max_examples=15, deadline=None)
@given(workload)
def test_same_seed_same_result(w: dict[str, Any]) -> None:
    a = _run(w)[0]
    b = _run(w)[0]
    assert repr(a) == repr(b)
