"""machine.py time-slice model (Config.os_placement): EEVDF base slice, slice-sized waits."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from goschedlab.runtime import Config, Runtime
from goschedlab.runtime.machine import Machine, base_slice_ns
from goschedlab.workloads.ops import Cpu, Go, Now, Spin, WaitGroup, WgAdd, WgDone, WgWait

Body = Generator[Any, Any, Any]
Q = 750_000


@pytest.mark.parametrize(
    ("ncpu", "want"), [(1, Q), (2, 2 * Q), (4, 3 * Q), (8, 4 * Q), (64, 4 * Q)]
)
def test_base_slice_scales_like_linux_log_tunable_scaling(ncpu: int, want: int) -> None:
    assert base_slice_ns(Q, ncpu) == want


class _FixedK(Machine):
    """k threads want a vCPU, whatever the runtime's state."""

    __slots__ = ("k",)

    def threads(self) -> int:
        return self.k


def _machine(k: int, ncpu: int = 2, seed: int = 1) -> Machine:
    rt = Runtime(Config(gomaxprocs=2, ncpu=ncpu, seed=seed, os_placement=True))
    assert rt.machine.slices and rt.machine.shared
    m = _FixedK(rt, ncpu, True)
    assert m.slice_ns == base_slice_ns(Q, ncpu)
    m.k = k
    return m


def test_off_by_default_and_processor_sharing_unchanged() -> None:
    m = Runtime(Config(gomaxprocs=2)).machine
    assert not m.slices and not m.shared


def test_no_contention_adds_nothing() -> None:
    m = _machine(2)
    assert [m.stretch(ns) for ns in (1, 10_000, 5_000_000)] == [1, 10_000, 5_000_000]
    assert m.spin_end(1000, 101_000) == 101_000


def test_three_threads_on_two_vcpus_wait_a_slice_share() -> None:
    m = _machine(3)
    q, cycle = m.slice_ns, m.slice_ns * 3 // 2  # each of 3 runs q per cycle of 1.5 q
    ends = [m.spin_end(0, 100_000) for _ in range(4000)]
    late = [e - 100_000 for e in ends if e > 100_000]
    # off-vCPU a third of the time; a late deadline waits for the next slice (< cycle - q)
    assert len(late) / len(ends) == pytest.approx(1 / 3, abs=0.03)
    assert max(late) <= cycle - q and max(late) > 0.9 * (cycle - q)
    bursts = [m.stretch(4 * q) for _ in range(2000)]
    # 4 slices of work cross 3 or 4 off-vCPU windows: elapsed 4q + 3..4 (cycle - q)
    assert min(bursts) >= 4 * q + 3 * (cycle - q) - q and max(bursts) <= 4 * q + 4 * (cycle - q)
    mean = sum(bursts) / len(bursts)
    assert mean == pytest.approx(4 * q * 3 / 2, rel=0.05)  # the long-run share: 2 vCPUs / 3


def test_short_burst_is_exact_on_vcpu_and_delayed_off_it() -> None:
    m = _machine(3)
    out = [m.stretch(10_000) for _ in range(3000)]
    exact = sum(1 for d in out if d == 10_000)
    assert exact / len(out) == pytest.approx(2 / 3, abs=0.04)
    assert all(d >= 10_000 for d in out)


def test_seeded_and_deterministic() -> None:
    m1, m2 = _machine(3, seed=7), _machine(3, seed=7)
    a = [m1.stretch(2_000_000) for _ in range(50)]
    assert a == [m2.stretch(2_000_000) for _ in range(50)]
    assert len(set(a)) > 10  # drawn phases, not one fixed factor
    m3 = _machine(3, seed=8)
    assert a != [m3.stretch(2_000_000) for _ in range(50)]


def _spinners(os_placement: bool) -> tuple[int, list[int]]:
    """4 goroutines spin 200 us x 20 on GOMAXPROCS=4, 2 vCPUs; returns makespan, overruns."""
    over: list[int] = []

    def w(wg: WaitGroup) -> Body:
        for _ in range(20):
            t0 = yield Now()
            yield Spin(200_000)
            yield Cpu(1_000)
            t1 = yield Now()
            over.append(t1 - t0 - 201_000)
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        yield WgAdd(wg, 4)
        for _ in range(4):
            yield Go(w, wg)
        yield WgWait(wg)

    res = Runtime(Config(gomaxprocs=4, ncpu=2, os_placement=os_placement)).run(main)
    assert res.exit_code == 0
    return res.makespan_ns, over


def test_spin_deadlines_pass_off_vcpu_with_time_slices_only() -> None:
    ps_makespan, ps_over = _spinners(False)
    ts_makespan, ts_over = _spinners(True)
    assert max(ps_over) < 20_000  # processor sharing: a spin ends at its deadline
    q = base_slice_ns(Q, 2)
    late = [o for o in ts_over if o > 50_000]
    # 4 threads on 2 vCPUs: half of the deadlines (and of the 1 us bursts) fall off-vCPU;
    # each waits at most the off-vCPU window of a cycle (2 q per 4 q cycle)
    off = q * 4 // 2 - q
    assert len(late) >= len(ts_over) // 4
    assert max(ts_over) <= 2 * off + 20_000 and max(ts_over) > off // 2
    assert ts_makespan > ps_makespan
