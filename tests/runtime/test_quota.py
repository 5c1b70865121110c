"""CPU quota (CFS bandwidth): usage per period is capped, throttling stretches CPU work, and
GOMAXPROCS above the quota raises tail latency (the automaxprocs effect)."""

from __future__ import annotations

from typing import Any

import pytest

from goschedlab.runtime import Config, Runtime
from goschedlab.workloads import simulate
from goschedlab.workloads.ops import Cpu, Go, Now, WaitGroup, WgAdd, WgDone, WgWait

MS = 1_000_000


def _cpu_program(n: int, work_ns: int, ends: list[int]) -> Any:
    wg = WaitGroup()

    def worker() -> Any:
        yield Cpu(work_ns)
        ends.append((yield Now()))
        yield WgDone(wg)

    def main() -> Any:
        yield WgAdd(wg, n)
        for _ in range(n):
            yield Go(worker)
        yield WgWait(wg)

    return main


def test_cpu_bound_work_runs_at_the_quota_rate() -> None:
    """4 Ps x 300 ms of CPU = 1.2 CPU-s under a 2-CPU quota: 600 ms, not 300 ms; every
    100 ms period uses exactly its 200 ms of quota, never more."""
    ends: list[int] = []
    rt = Runtime(Config(gomaxprocs=4, cpu_quota=2.0))
    res = rt.run(_cpu_program(4, 300 * MS, ends))
    assert res.exit_code == 0
    assert 600 * MS <= res.makespan_ns <= 606 * MS
    usage = rt.quota.usage()  # type: ignore[union-attr]
    starts = [start for start, _ in usage]
    assert starts[:6] == [p * 100 * MS for p in range(6)]
    assert all(u <= 200 * MS for _, u in usage)
    assert all(u >= 199 * MS for _, u in usage[:6])  # throttled: the quota is all used
    assert sum(u for _, u in usage[6:]) < 6 * MS  # the last few us of work and exit
    rt.quota.check()  # type: ignore[union-attr]
    assert rt.quota.throttles >= 2  # type: ignore[union-attr]


def test_no_quota_and_quota_above_gomaxprocs_are_unthrottled() -> None:
    for quota in (None, 8.0):
        ends: list[int] = []
        rt = Runtime(Config(gomaxprocs=4, cpu_quota=quota))
        res = rt.run(_cpu_program(4, 300 * MS, ends))
        assert 300 * MS <= res.makespan_ns <= 302 * MS
        if quota is not None:
            assert rt.quota.throttles == 0  # type: ignore[union-attr]


def test_gomaxprocs_above_quota_raises_tail_latency() -> None:
    """gc-churn with 8 goroutines on an 8-core host with a 2-CPU quota: at GOMAXPROCS=8 the
    goroutines burn the quota early in the period and stall until it refills (throttled); at
    GOMAXPROCS=2 (what automaxprocs sets) the process can never use more than its quota.
    Same work, longer tail.  (With 2 goroutines the GC's mark workers used to push
    GOMAXPROCS=8 over the quota; gc-churn's heap is one linked list, so its mark is serial
    and idle workers find no work - gc.py - hence 8 goroutines here.)"""
    res = {}
    for gmp in (2, 8):
        out = simulate(
            "gc-churn",
            gomaxprocs=gmp,
            ncpu=8,
            overrides={"g": 8, "iters": 3000},
            config_extra={"cpu_quota": 2.0},
        )
        res[gmp] = (out.result["latency"]["iteration"], out.runtime.quota.throttles)
    assert res[2][1] == 0
    assert res[8][1] > 0
    # p90: at GOMAXPROCS=2 the p99 is now one of the 64 KiB mark-assist bursts (~325 us,
    # docs/validation.md mechanism 23), which throttled GOMAXPROCS=8 iterations do not exceed
    assert res[8][0]["p90_ns"] > 2 * res[2][0]["p90_ns"]


def test_quota_config_validation() -> None:
    with pytest.raises(ValueError, match="cpu_quota must be > 0"):
        Config(cpu_quota=0.0)
    with pytest.raises(ValueError, match="cpu_quota_period_ns must be > 0"):
        Config(cpu_quota=1.0, cpu_quota_period_ns=0)
