"""The runtime consults its (bound) policy: owner-side queue costs, back-off, NUMA nodes."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from goschedlab.policies.base import Policy
from goschedlab.runtime import Config, Runtime
from goschedlab.workloads.ops import Cpu, Go, WaitGroup, WgAdd, WgDone, WgWait

Body = Generator[Any, Any, Any]


def _fanout(n: int, ns: int) -> Any:
    def w(wg: WaitGroup) -> Body:
        yield Cpu(ns)
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        yield WgAdd(wg, n)
        for _ in range(n):
            yield Go(w, wg)
        yield WgWait(wg)

    return main


class Locked(Policy):
    name = "test-locked"
    locks_runq = True

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.bound_to: Any = None

    def bind(self, rt: Any) -> Policy:
        self.bound_to = rt
        return self

    def runq_owner_cost_ns(self, pp: Any) -> int:
        self.calls += 1
        return 1_000


class Parker(Policy):
    name = "test-parker"

    def after_failed_steal(self, m: Any, nfails: int) -> int:
        return 500 if nfails < 2 else -1


def test_bind_and_owner_queue_cost() -> None:
    pol = Locked()
    rt = Runtime(Config(gomaxprocs=1, policy=pol))
    assert pol.bound_to is rt and rt.policy is pol
    base = Runtime(Config(gomaxprocs=1)).run(_fanout(100, 10_000))
    res = rt.run(_fanout(100, 10_000))
    # every runqput (100 go statements) and every findRunnable step I pays 1 us
    assert pol.calls >= 200
    assert res.makespan_ns - base.makespan_ns >= 100 * 1_000


def test_after_failed_steal_backoff_and_park() -> None:
    res = Runtime(Config(gomaxprocs=4, policy=Parker())).run(_fanout(40, 200_000))
    assert res.exit_code == 0
    assert res.stats.backoff_ns > 0 and res.stats.backoff_ns % 500 == 0
    assert res.stats.backoff_parks > 0


def test_numa_remote_migrations_counted_and_charged() -> None:
    remote = 0
    for seed in range(1, 9):  # migrations of this short fanout are rare: sum over seeds
        one = Runtime(Config(gomaxprocs=4, numa_nodes=1, seed=seed)).run(_fanout(400, 20_000))
        two = Runtime(Config(gomaxprocs=4, numa_nodes=2, seed=seed)).run(_fanout(400, 20_000))
        assert one.stats.migrations_remote == 0
        assert one.stats.migrations_local == (
            two.stats.migrations_local + two.stats.migrations_remote
        )
        remote += two.stats.migrations_remote
    assert remote > 0
    assert [p.node for p in Runtime(Config(gomaxprocs=4, numa_nodes=2)).allp] == [0, 0, 1, 1]
