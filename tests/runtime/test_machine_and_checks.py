"""Cores shared by time slicing, injectglist, and invariant checks that must catch bugs."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from goschedlab.runtime import Config, Runtime, Throw
from goschedlab.runtime.g import _Grunnable, _Gwaiting, casgstatus
from goschedlab.runtime.proc import injectglist
from goschedlab.runtime.runq import runqget
from goschedlab.workloads.ops import Cpu, Go, WaitGroup, WgAdd, WgDone, WgWait

Body = Generator[Any, Any, Any]


def _cpu_fanout(gmp: int, ncpu: int | None) -> int:
    def w(wg: WaitGroup) -> Body:
        yield Cpu(10_000_000)
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        yield WgAdd(wg, 4)
        for _ in range(4):
            yield Go(w, wg)
        yield WgWait(wg)

    res = Runtime(Config(gomaxprocs=gmp, ncpu=ncpu)).run(main)
    assert res.exit_code == 0
    return res.makespan_ns


def test_fewer_cores_than_gomaxprocs_share_by_time_slicing() -> None:
    four = _cpu_fanout(4, None)
    two_cores = _cpu_fanout(4, 2)
    assert four == pytest.approx(10_000_000, rel=0.05)  # 4 x 10 ms on 4 cores
    assert two_cores == pytest.approx(20_000_000, rel=0.10)  # the same work on 2 cores
    assert _cpu_fanout(2, 2) == pytest.approx(20_000_000, rel=0.05)


def _waiting(rt: Runtime, n: int, make_gs: Any) -> list:
    gs = make_gs(rt, n)
    for gp in gs:
        casgstatus(rt, gp, _Grunnable, 2, "execute")
        casgstatus(rt, gp, 2, _Gwaiting, "park_m")
        gp.m = None
    return gs


def test_injectglist_with_a_p_sends_one_per_idle_p_to_global_and_rest_local(
    rt4: Runtime, make_gs: Any
) -> None:
    gs = _waiting(rt4, 5, make_gs)
    assert rt4.sched.npidle == 3
    injectglist(rt4, rt4.m0, gs)
    # 3 idle Ps: the first 3 Gs go global and 3 Ms are started on those Ps, the rest local.
    assert list(rt4.sched.runq) == gs[:3]
    assert [runqget(rt4.allp[0])[0] for _ in range(2)] == gs[3:]
    assert rt4.sched.npidle == 0
    assert all(gp.atomicstatus == _Grunnable for gp in gs)


def test_injectglist_without_p_puts_all_on_global_queue(rt4: Runtime, make_gs: Any) -> None:
    gs = _waiting(rt4, 2, make_gs)
    injectglist(rt4, None, gs)
    assert list(rt4.sched.runq) == gs and rt4.sched.npidle == 1


def test_check_invariants_catches_lost_and_double_queued_gs(make_gs: Any) -> None:
    rt = Runtime(Config(gomaxprocs=2))
    (gp,) = make_gs(rt, 1)
    with pytest.raises(Throw, match=r"G\d+\(_Grunnable\) is on 0 run queues \(lost G\)"):
        rt.check_invariants()
    rt.sched.runq.append(gp)
    rt.sched.runqsize += 1
    rt.check_invariants()
    rt.allp[1].runnext = gp  # the same G on two queues
    with pytest.raises(Throw, match="is on 2 run queues"):
        rt.check_invariants()
    rt.allp[1].runnext = None
    rt.sched.nmspinning = 1  # no M is spinning
    with pytest.raises(Throw, match="nmspinning=1 but 0 spin"):
        rt.check_invariants()
