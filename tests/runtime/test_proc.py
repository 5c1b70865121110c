"""Whole-run behaviour of the scheduler against the spec (sections 4-7)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from goschedlab.policies.base import Policy
from goschedlab.runtime import Config, Runtime
from goschedlab.workloads.ops import (
    Chan,
    Cpu,
    Go,
    Gosched,
    Now,
    Recv,
    Send,
    Sleep,
    Spin,
    Syscall,
    WaitGroup,
    WgAdd,
    WgDone,
    WgWait,
)

Body = Generator[Any, Any, Any]


def test_pingpong_hands_off_through_runnext_without_new_time_slices() -> None:
    rt = Runtime(Config(gomaxprocs=1))
    R = 1000

    def a(ch: Chan, wg: WaitGroup) -> Body:
        for i in range(R):
            yield Send(ch, i)
            yield Recv(ch)
        yield WgDone(wg)

    def b(ch: Chan) -> Body:
        for _ in range(R):
            v, ok = yield Recv(ch)
            assert ok
            yield Send(ch, v)

    ticks: list[int] = []

    def main() -> Body:
        wg = WaitGroup()
        yield WgAdd(wg, 1)
        ch = Chan(0)
        yield Go(a, ch, wg)
        yield Go(b, ch)
        ticks.append(rt.allp[0].schedtick)
        yield WgWait(wg)
        ticks.append(rt.allp[0].schedtick)

    res = rt.run(main)
    assert res.exit_code == 0
    # 2 handoffs per round trip, each a context switch to the partner taken from runnext
    # with inheritTime=true: schedtick does not move (spec 5.1).
    assert res.stats.context_switches >= 2 * R
    assert ticks[1] - ticks[0] <= 3
    # unbuffered round trip ~= 4 chanop + 2 gopark + 2 ready + 2 schedule (costs.py)
    c = rt.costs
    per_rt = 4 * c.chanop_ns + 2 * c.gopark_ns + 2 * c.ready_ns + 2 * c.schedule_ns
    assert res.makespan_ns == pytest.approx(R * per_rt, rel=0.02)


def test_global_queue_fairness_within_61_schedticks() -> None:
    rt = Runtime(Config(gomaxprocs=1))
    log: dict[str, int] = {}

    def worker(wg: WaitGroup) -> Body:
        yield Cpu(1000)
        yield WgDone(wg)

    def victim(wg: WaitGroup) -> Body:
        log["queued_tick"] = rt.allp[0].schedtick
        yield Gosched()  # to the global queue tail
        log["ran_tick"] = rt.allp[0].schedtick
        log["local_left"] = rt.allp[0].runqsize
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        yield WgAdd(wg, 201)
        yield Go(victim, wg)
        for _ in range(200):
            yield Go(worker, wg)  # each new G takes runnext, kicking the previous to the ring
        yield WgWait(wg)

    res = rt.run(main)
    assert res.exit_code == 0
    waited = log["ran_tick"] - log["queued_tick"]
    assert 1 <= waited <= 61
    assert log["local_left"] > 100  # the local queue never ran dry meanwhile


def test_gosched_goes_to_global_queue_tail() -> None:
    rt = Runtime(Config(gomaxprocs=1))
    order: list[str] = []

    def g(name: str, wg: WaitGroup) -> Body:
        order.append(name + "1")
        yield Gosched()
        order.append(name + "2")
        yield WgDone(wg)

    def main() -> Body:
        yield Gosched()  # schedtick 0 -> 1 (see _two_cpu_hogs)
        wg = WaitGroup()
        yield WgAdd(wg, 2)
        yield Go(g, "a", wg)
        yield Go(g, "b", wg)
        yield WgWait(wg)

    assert rt.run(main).exit_code == 0
    # b (runnext) runs first and goes to the global tail; a runs from the local queue and
    # follows it; the global queue then yields b before a (FIFO).
    assert order == ["b1", "a1", "b2", "a2"]


class SpyPolicy(Policy):
    """Go's policy, recording every spinning-cap decision."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int, int, bool]] = []

    def spinning_allowed(self, nmspinning: int, gomaxprocs: int, npidle: int) -> bool:
        ok = super().spinning_allowed(nmspinning, gomaxprocs, npidle)
        self.calls.append((nmspinning, gomaxprocs, npidle, ok))
        return ok


def test_spinning_cap() -> None:
    spy = SpyPolicy()
    rt = Runtime(Config(gomaxprocs=8, policy=spy))
    spinning: list[int] = []

    def worker(i: int, wg: WaitGroup) -> Body:
        for _ in range(10):
            yield Cpu(20_000 * (i % 5 + 1))
            yield Sleep(50_000)  # timers: wakeNetPoller -> wakep -> spinning Ms
            spinning.append(rt.sched.nmspinning)
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        yield WgAdd(wg, 16)
        for i in range(16):
            yield Go(worker, i, wg)
        yield WgWait(wg)

    assert rt.run(main).exit_code == 0
    # Every non-spinning M in findRunnable asked with Go's formula, and both answers occur.
    for nmspinning, gomaxprocs, npidle, ok in spy.calls:
        assert ok == (2 * nmspinning < gomaxprocs - npidle)
    assert any(not c[3] for c in spy.calls) and any(c[3] for c in spy.calls)
    assert max(spinning) <= 4  # at most half of the 8 Ps


def _two_cpu_hogs(asyncpreempt: bool) -> tuple[Runtime, dict[str, int]]:
    rt = Runtime(Config(gomaxprocs=1, asyncpreempt=asyncpreempt))
    t: dict[str, int] = {}

    def hog(name: str, wg: WaitGroup) -> Body:
        t[name + "_start"] = yield Now()
        yield Cpu(30_000_000)
        t[name + "_end"] = yield Now()
        yield WgDone(wg)

    def main() -> Body:
        # P0.schedtick is still 0 here (main came from runnext, inheriting), and 0 % 61 == 0
        # would make the first preempted G win the global-queue check; one Gosched moves
        # it on, as Go's own init goroutines do in a real process.
        yield Gosched()
        wg = WaitGroup()
        yield WgAdd(wg, 2)
        yield Go(hog, "a", wg)
        yield Go(hog, "b", wg)
        yield WgWait(wg)

    res = rt.run(main)
    assert res.exit_code == 0
    t["preemptions"] = res.stats.preemptions
    t["async"] = res.stats.async_preemptions
    return rt, t


def test_sysmon_preempts_a_tight_loop_after_10ms() -> None:
    _, t = _two_cpu_hogs(asyncpreempt=True)
    # b runs first (runnext); sysmon preempts it once its schedtick is unchanged >= 10 ms
    # (sysmon sleeps up to 10 ms, so within [10, 20] ms plus a signal).
    assert 10_000_000 <= t["a_start"] - t["b_start"] <= 21_000_000
    assert t["preemptions"] >= 2
    # Both did 60 ms of CPU in total on one P.
    assert max(t["a_end"], t["b_end"]) == pytest.approx(60_000_000, rel=0.01)


def test_no_async_preemption_leaves_the_loop_running() -> None:
    _, t = _two_cpu_hogs(asyncpreempt=False)
    assert t["a_start"] - t["b_start"] >= 30_000_000  # GODEBUG=asyncpreemptoff=1
    assert t["async"] == 0  # only the cooperative check at the next call (Now)


def test_preempted_spin_finishes_when_it_resumes_past_its_deadline() -> None:
    rt = Runtime(Config(gomaxprocs=1))
    ends: list[int] = []

    def spinner(wg: WaitGroup) -> Body:
        yield Spin(25_000_000)
        ends.append((yield Now()))
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        yield WgAdd(wg, 4)
        for _ in range(4):
            yield Go(spinner, wg)
        yield WgWait(wg)
        return (yield Now())

    res = rt.run(main)
    # 4 x 25 ms elapsed-time spins on one P end well before 100 ms (refcorpus fanout-cpu
    # long GMP=1: 79 ms): preempted spins end as soon as they run after their deadline.
    assert 40_000_000 < res.main_result < 95_000_000
    assert res.stats.preemptions >= 3


def test_sysmon_retakes_p_from_a_blocking_syscall_and_starts_an_m() -> None:
    rt = Runtime(Config(gomaxprocs=1))
    t: dict[str, int] = {}

    def blocker(wg: WaitGroup) -> Body:
        yield Syscall(5_000_000)
        t["sys_end"] = yield Now()
        yield WgDone(wg)

    def cpu(wg: WaitGroup) -> Body:
        yield Cpu(1_000_000)
        t["cpu_end"] = yield Now()
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        yield WgAdd(wg, 2)
        yield Go(cpu, wg)
        yield Go(blocker, wg)  # runnext: runs first, enters the syscall
        yield WgWait(wg)

    res = rt.run(main)
    assert res.exit_code == 0
    assert res.stats.syscall_retakes == 1
    assert res.threads == 3  # m0, sysmon, the M started by handoffp
    # cpu ran on the new M while blocker was still in its syscall (retake after 2 sysmon
    # ticks of ~78 us, plus the new thread's start).
    assert t["cpu_end"] < 1_500_000 < t["sys_end"]
    assert res.stats.exitsyscall_slow + res.stats.exitsyscall_fast == 1


def test_short_syscall_takes_the_fast_path() -> None:
    rt = Runtime(Config(gomaxprocs=1))

    def main() -> Body:
        for _ in range(10):
            yield Syscall(1_000)

    res = rt.run(main)
    assert res.stats.exitsyscall_fast == 10 and res.stats.syscall_retakes == 0
    assert res.threads == 3  # m0, sysmon, the idle M left by runtime init (no new M)


def test_thread_limit_is_fatal_with_go_message() -> None:
    rt = Runtime(Config(gomaxprocs=1, maxmcount=5))

    def blocker() -> Body:
        yield Syscall(50_000_000)

    def main() -> Body:
        for _ in range(10):
            yield Go(blocker)
        yield Syscall(100_000_000)

    res = rt.run(main)
    assert res.exit_code == 2
    assert res.fatal == (
        "runtime: program exceeds 5-thread limit",
        "fatal error: thread exhaustion",
    )
    assert res.threads == 6


def test_set_max_threads_below_current_count_dies() -> None:
    rt = Runtime(Config(gomaxprocs=1))
    from goschedlab.runtime import GoFatal

    with pytest.raises(GoFatal, match="exceeds 1-thread limit"):
        rt.setMaxThreads(1)  # m0 + sysmon already exist


def test_deadlock() -> None:
    rt = Runtime(Config(gomaxprocs=2))

    def main() -> Body:
        yield Recv(Chan(0))

    res = rt.run(main)
    assert res.exit_code == 2
    assert res.fatal == ("fatal error: all goroutines are asleep - deadlock!",)


def test_many_goroutines_overflow_to_global_queue_and_get_stolen() -> None:
    rt = Runtime(Config(gomaxprocs=2))

    def w(wg: WaitGroup) -> Body:
        yield Cpu(1_000)
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        yield WgAdd(wg, 2000)
        for _ in range(2000):
            yield Go(w, wg)
        yield WgWait(wg)

    res = rt.run(main)
    assert res.exit_code == 0
    assert res.stats.runqputslow >= 1
    assert res.stats.steal_successes >= 1
    assert res.goroutines == 1 and res.goroutines_created == 2001
    # ~2 ms of CPU on 2 Ps plus creation by main.
    assert 1_000_000 < res.makespan_ns < 2_500_000
