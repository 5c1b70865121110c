"""machine.py vCPU placement and time slices (Config.os_placement).

No subclass of Machine (runtime/ is compiled with mypyc): the tests place M objects on vCPUs
through ``Machine.vcpu_of`` and set their states, as the scheduler would.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from goschedlab.runtime import Config, Runtime
from goschedlab.runtime.m import M_IDLE, M_RUNNING, M_SCHED, M
from goschedlab.runtime.machine import Machine, base_slice_ns
from goschedlab.workloads.ops import Cpu, Go, Now, WaitGroup, WgAdd, WgDone, WgWait

Body = Generator[Any, Any, Any]
Q = 700_000  # sysctl_sched_base_slice since Linux 6.12


@pytest.mark.parametrize(
    ("ncpu", "want"), [(1, Q), (2, 2 * Q), (4, 3 * Q), (8, 4 * Q), (64, 4 * Q)]
)
def test_base_slice_scales_like_linux_log_tunable_scaling(ncpu: int, want: int) -> None:
    assert base_slice_ns(Q, ncpu) == want


def _placed(on: list[int], ncpu: int = 2, seed: int = 1) -> tuple[Runtime, Machine, list[M]]:
    """A runtime whose only threads are running Ms placed on the vCPUs ``on``.  The slice
    arithmetic here is checked with slices that end exactly (``tick_slices`` off); their end
    at the next tick (mechanism 43) is tested in test_accuracy_mechanisms.py."""
    rt = Runtime(Config(gomaxprocs=2, ncpu=ncpu, seed=seed, os_placement=True))
    m = rt.machine
    assert m.slices and m.shared and m.slice_ns == base_slice_ns(Q, ncpu) and m.tick_slices
    m.tick_slices = False
    ms = [M(100 + i) for i in range(len(on))]
    for mp, v in zip(ms, on, strict=True):
        mp.state = M_RUNNING
        m.vcpu_of[mp.id] = v
    rt.allm[:] = ms
    return rt, m, ms


def _start(rt: Runtime, mp: M, now: int, d: int, spin: bool = False) -> int:
    """``mp`` starts a burst at ``now`` as interp.run_g does; returns when it ends."""
    rt.sim.now = now
    m = rt.machine
    end = m.spin_end(now, now + d, mp) if spin else now + m.stretch(d, mp)
    mp.inburst = True
    mp.ev = rt.sim.at(end, rt._ev_burst_done, mp)
    return end


def test_on_by_default_and_processor_sharing_when_off() -> None:
    m = Runtime(Config(gomaxprocs=2)).machine
    assert m.slices and m.shared and m.balance
    m = Runtime(Config(gomaxprocs=2, os_placement=False)).machine
    assert not m.slices and not m.shared


def test_threads_on_different_vcpus_run_exactly() -> None:
    rt, m, ms = _placed([0, 1])
    assert _start(rt, ms[0], 0, 300_000, spin=True) == 300_000
    assert [m.stretch(ns, ms[1]) for ns in (1, 10_000, 5_000_000)] == [1, 10_000, 5_000_000]
    assert m.preemptions == 0 and m.migrations == 0


def test_the_vcpu_holder_keeps_it_for_its_slice_unless_it_blocks() -> None:
    """EEVDF RUN_TO_PARITY: M1, runnable at 100 us on M0's vCPU, waits for M0's slice to
    end (q from when M0 got the vCPU) - or for M0 to block (release: stopm, netpoll,
    syscall), which re-times M1's burst."""
    rt, m, ms = _placed([0, 0, 1])
    q = m.slice_ns
    _start(rt, ms[2], 0, 100 * q)  # vCPU 1 busy all along
    assert _start(rt, ms[0], 0, 300_000, spin=True) == 300_000
    assert _start(rt, ms[1], 100_000, 50_000) == q + 50_000
    assert m.waiter[0] is ms[1] and m.run_until[0] == q and m.preemptions == 1
    assert rt.sim.time_of(ms[0].ev) == 300_000  # the holder is not delayed
    # M0 keeps running bursts inside its slice, then parks at 700 us
    assert _start(rt, ms[0], 400_000, 200_000) == 600_000
    m.release(ms[0], 700_000)
    assert m.run_m[0] is ms[1] and m.waiter[0] is None
    assert rt.sim.time_of(ms[1].ev) == 750_000


def test_a_waiting_spin_sees_its_deadline_when_it_gets_the_vcpu() -> None:
    rt, m, ms = _placed([0, 0, 1])
    q = m.slice_ns
    _start(rt, ms[2], 0, 100 * q)
    _start(rt, ms[0], 0, 200_000, spin=True)
    assert _start(rt, ms[1], 100_000, 200_000, spin=True) == q  # deadline passed waiting
    m.release(ms[0], 250_000)  # M0 blocks before M1's deadline: M1 ends at its deadline
    assert rt.sim.time_of(ms[1].ev) == 300_000


def test_bursts_outliving_the_slice_take_turns_by_slices() -> None:
    """Two CPU-bound Ms on one vCPU: from the holder's slice end they alternate slices;
    the whole work is done, at half speed each (no work lost or invented)."""
    rt, m, ms = _placed([0, 0, 1, 0])
    q = m.slice_ns
    _start(rt, ms[2], 0, 100 * q)
    _start(rt, ms[0], 0, 100_000)
    assert _start(rt, ms[1], 50_000, 200_000) == q + 200_000  # waits for M0's slice
    # M0's next burst (2 q of work from 120 us) crosses its slice end (q): M1 runs its
    # 200 us first, then M0 finishes alone
    assert _start(rt, ms[0], 120_000, 2 * q) == 2 * q + 320_000
    assert rt.sim.time_of(ms[1].ev) == q + 200_000
    # two CPU bursts of 10 q and 9 q alternating slices from q: all work is done
    assert m._alternate(q, 10 * q, False, 9 * q, False) == (20 * q, 19 * q)
    # a 10 q Spin (M0: no G here, so its burst counts as a Spin) and 10 q of CPU work from
    # 10 us: they alternate from M0's slice end; M0 sees its deadline at 10 q, M1 then runs
    # its remaining 5 q alone
    rt2, m2, ms2 = _placed([0, 0, 1])
    _start(rt2, ms2[2], 0, 100 * q)
    _start(rt2, ms2[0], 0, 10 * q)
    assert _start(rt2, ms2[1], 10_000, 10 * q) == 15 * q
    assert rt2.sim.time_of(ms2[0].ev) == 10 * q
    # an asynchronous preemption 5 q in: work done in proportion to the timed length
    assert m2.unstretch(5 * q, ms2[1]) == 10 * q * 5 * q // (15 * q)


def test_idle_vcpu_pulls_a_waiting_thread_at_a_tick_after_the_migration_cost() -> None:
    """An idle vCPU pulls the thread waiting behind another (on: mechanism 19)."""
    rt, m, ms = _placed([0, 0])
    assert m.balance
    tick, cost = m.tick_ns, m.migration_cost_ns
    assert (tick, cost) == (4_000_000, 500_000)  # HZ=250; sysctl_sched_migration_cost
    ph = m.tick_phase[0]
    pull = ph + -(-(cost - ph) // tick) * tick
    assert cost <= pull < cost + tick
    _start(rt, ms[0], 0, 50_000_000)
    # contended from 0, vCPU 1 idle: at ``pull`` (< the slice end, or not) M1 moves there
    end = _start(rt, ms[1], 0, 50_000)
    if pull <= m.slice_ns:
        assert end == pull + 50_000
        assert m.vcpu_of[ms[1].id] == 1 and m.migrations == 1 and m.run_m[1] is ms[1]
    else:
        assert end == m.slice_ns + 50_000 and m.migrations == 0


def test_wakeup_placement_and_fork_balance() -> None:
    rt, m, ms = _placed([1, 0])
    new = M(200)
    rt.allm.append(new)
    new.state = M_SCHED
    # clone: the vCPU with the fewest wanting threads (tie -> the first)
    ms[1].state = M_IDLE
    assert m._vcpu(new) == 0
    # a woken thread keeps its vCPU unless wake-affine placement is on
    m.wakeup(ms[1], ms[0])
    assert m.vcpu_of[ms[1].id] == 0
    m.affine = True
    m.wakeup(ms[1], ms[0])
    assert m.vcpu_of[ms[1].id] == 1
    m.wakeup(new, None)  # no waker thread (timer, sysmon): stays
    assert m.vcpu_of[new.id] == 0


def test_tick_phases_are_seeded() -> None:
    a = _placed([0], seed=7)[1].tick_phase
    assert a == _placed([0], seed=7)[1].tick_phase
    assert a != _placed([0], seed=8)[1].tick_phase
    assert all(0 <= x < 4_000_000 for x in a)


def _workers(os_placement: bool) -> tuple[int, list[int]]:
    """4 goroutines run 200 us of CPU work x 20 on GOMAXPROCS=4, 2 vCPUs; returns the
    makespan and each burst's elapsed time beyond its 200 us."""
    over: list[int] = []

    def w(wg: WaitGroup) -> Body:
        for _ in range(20):
            t0 = yield Now()
            yield Cpu(200_000)
            t1 = yield Now()
            over.append(t1 - t0 - 200_000)
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


def test_threads_sharing_a_vcpu_alternate_whole_bursts() -> None:
    ps_makespan, ps_over = _workers(False)
    ts_makespan, ts_over = _workers(True)
    # processor sharing: every burst stretched x2 (4 Ms holding a P, 2 vCPUs)
    assert sorted(ps_over)[len(ps_over) // 2] == pytest.approx(200_000, rel=0.05)
    # time slices: two Ms per vCPU take turns by slices (RUN_TO_PARITY): most bursts run
    # at once inside their M's slice, a few wait for the other M's whole slice - which ends
    # at that vCPU's next tick (mechanism 43), so at most a slice and a tick period
    q = base_slice_ns(Q, 2)
    alone = [o for o in ts_over if o < 1_000]
    waited = [o for o in ts_over if o > 1_000]
    assert len(alone) >= len(ts_over) // 2
    assert any(o > q - 300_000 for o in waited) and max(waited) <= q + 4_000_000 + 200_000
    # the same throughput: half a vCPU per thread either way
    assert ts_makespan == pytest.approx(ps_makespan, rel=0.1)


def test_no_pull_once_the_holders_burst_has_ended() -> None:
    """The pull needs the waiter to be surely still waiting at the tick: when the holder's
    burst in progress ends before it, the holder may block (a syscall, a park) and hand the
    vCPU over (release) - the waiter then runs there, it is not moved."""
    for seed in range(1, 50):  # a tick phase whose pull falls inside the slice
        rt, m, ms = _placed([0, 0], seed=seed)
        tick, cost = m.tick_ns, m.migration_cost_ns
        ph = m.tick_phase[0]
        pull = ph + -(-(cost - ph) // tick) * tick
        if pull < m.slice_ns - 100_000:
            break
    assert pull < m.slice_ns - 100_000
    e = pull - 1  # the holder's burst ends before the pull and its slice end
    _start(rt, ms[0], 0, e)
    end = _start(rt, ms[1], 0, 50_000)
    assert m.migrations == 0 and m.vcpu_of[ms[1].id] == 0
    assert end == m.slice_ns + 50_000  # timed at the slice end until the holder blocks
    # the holder blocks when its burst ends: the waiter runs on vCPU 0 from then
    m.release(ms[0], e)
    assert m.run_m[0] is ms[1] and rt.sim.time_of(ms[1].ev) == e + 50_000


def test_contention_start_is_forgotten_when_the_vcpu_frees() -> None:
    """A contention (overload_since) ends when a burst starts on the vCPU with no other
    thread wanting it, so a later wait is not pulled at once for an old one."""
    rt, m, ms = _placed([0, 0])
    _start(rt, ms[0], 0, 10_000_000)
    _start(rt, ms[1], 0, 50_000)  # waits behind ms[0]: contended from 0
    assert m.overload_since[0] == 0
    ms[1].state = M_IDLE  # parked: only ms[0] wants vCPU 0 now
    m.release(ms[1], 20_000_000)
    _start(rt, ms[0], 20_000_000, 10_000)
    assert m.overload_since[0] == -1
