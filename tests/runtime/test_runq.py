"""Run queues against spec 3: runqput/runqputslow, runqget, runqgrab/runqsteal, globrunqget."""

from __future__ import annotations

from typing import Any

import pytest

from goschedlab.runtime import Runtime, Throw
from goschedlab.runtime.p import _Prunning
from goschedlab.runtime.proc import stealWork
from goschedlab.runtime.runq import (
    PAUSE,
    globrunqget,
    globrunqput,
    runqget,
    runqput,
    runqsteal,
)


def test_runnext_kick_to_tail(rt4: Runtime, make_gs: Any) -> None:
    pp = rt4.allp[0]
    a, b, c = make_gs(rt4, 3)
    runqput(rt4, pp, a, True)
    runqput(rt4, pp, b, True)  # a is kicked to the ring's tail
    runqput(rt4, pp, c, False)
    assert pp.runnext is b
    assert [runqget(pp) for _ in range(4)] == [(b, True), (a, False), (c, False), (None, False)]


def test_overflow_moves_half_plus_new_g_to_global_queue(rt4: Runtime, make_gs: Any) -> None:
    pp = rt4.allp[0]
    gs = make_gs(rt4, 257)
    for gp in gs[:256]:
        runqput(rt4, pp, gp, False)
    assert pp.runqsize == 256 and rt4.sched.runqsize == 0
    runqput(rt4, pp, gs[256], False)
    # runqputslow: the 128 oldest + the new G (129 Gs) go to the global queue, in order.
    assert rt4.sched.runqsize == 129
    assert list(rt4.sched.runq) == gs[:128] + [gs[256]]
    assert pp.runqsize == 128
    assert runqget(pp) == (gs[128], False)
    assert rt4.stats.runqputslow == 1


def test_overflow_with_runnext_kick(rt4: Runtime, make_gs: Any) -> None:
    pp = rt4.allp[0]
    gs = make_gs(rt4, 258)
    for gp in gs[:256]:
        runqput(rt4, pp, gp, False)
    runqput(rt4, pp, gs[256], True)  # runnext empty: no overflow yet
    assert rt4.sched.runqsize == 0
    runqput(rt4, pp, gs[257], True)  # kicks gs[256] into the full ring
    assert pp.runnext is gs[257]
    assert list(rt4.sched.runq) == gs[:128] + [gs[256]]


@pytest.mark.parametrize(("n", "stolen"), [(1, 1), (2, 1), (5, 3), (8, 4), (255, 128)])
def test_steal_half_rounded_up(rt4: Runtime, n: int, stolen: int, make_gs: Any) -> None:
    victim, thief = rt4.allp[1], rt4.allp[2]
    gs = make_gs(rt4, n)
    for gp in gs:
        runqput(rt4, victim, gp, False)
    got = runqsteal(rt4, thief, victim, False)
    # The last grabbed G is returned to run; the others land in the thief's ring in order.
    assert got is gs[stolen - 1]
    assert thief.runqsize == stolen - 1
    assert [runqget(thief)[0] for _ in range(stolen - 1)] == gs[: stolen - 1]
    assert victim.runqsize == n - stolen
    assert rt4.stats.gs_stolen == stolen


def test_runnext_only_stolen_when_asked_and_pause_if_victim_running(
    rt4: Runtime, make_gs: Any
) -> None:
    victim, thief = rt4.allp[1], rt4.allp[2]
    (gp,) = make_gs(rt4, 1)
    runqput(rt4, victim, gp, True)
    assert runqsteal(rt4, thief, victim, False) is None  # rounds 1-3: runnext untouched
    assert victim.runnext is gp
    assert runqsteal(rt4, thief, victim, True) is gp  # idle victim: taken at once
    assert victim.runnext is None
    (gp2,) = make_gs(rt4, 1)
    runqput(rt4, rt4.allp[0], gp2, True)  # P0 is _Prunning (owned by m0)
    assert rt4.allp[0].status == _Prunning
    assert runqsteal(rt4, thief, rt4.allp[0], True) is PAUSE  # usleep(3) first


def test_stealwork_takes_runnext_only_on_last_pass(rt4: Runtime, make_gs: Any) -> None:
    # A thief M owning P1 steals from P2 whose only G is in runnext; P2 is not running
    # (idle with a G is impossible in Go, so make P2 look busy but not _Prunning: _Psyscall).
    from goschedlab.runtime.m import M
    from goschedlab.runtime.p import _Psyscall, casPstatus
    from goschedlab.runtime.proc import acquirep, pidleget

    p1 = pidleget(rt4)
    p2 = pidleget(rt4)
    assert p1 is not None and p2 is not None
    mp = M(5)
    acquirep(rt4, mp, p1)
    mp2 = M(6)
    acquirep(rt4, mp2, p2)
    (gp,) = make_gs(rt4, 1)
    runqput(rt4, p2, gp, True)
    p2.m = None
    mp2.p = None
    casPstatus(rt4, p2, _Prunning, _Psyscall, "reentersyscall")
    calls: list[bool] = []
    orig = rt4.policy.after_failed_steal

    def spy(m: object, nfails: int) -> int:
        calls.append(p2.runnext is gp)
        return orig(m, nfails)

    rt4.policy.after_failed_steal = spy  # type: ignore[method-assign]
    r = stealWork(rt4, mp, rt4.sim.now)
    assert r[0] is gp
    assert calls == [True, True, True]  # three failed passes, runnext still there
    assert p2.status == _Psyscall


def test_globrunqget_batch_rule(rt4: Runtime, make_gs: Any) -> None:
    pp = rt4.allp[0]
    gs = make_gs(rt4, 10)
    for gp in gs:
        globrunqput(rt4, gp)
    # n = runqsize/gomaxprocs + 1 = 10/4 + 1 = 3: first returned, 2 moved to the local queue.
    assert globrunqget(rt4, pp, 0) is gs[0]
    assert pp.runqsize == 2 and rt4.sched.runqsize == 7
    assert globrunqget(rt4, pp, 1) is gs[3]  # max=1 (the schedtick%61 check)
    assert pp.runqsize == 2 and rt4.sched.runqsize == 6


def test_globrunqget_capped_at_half_the_local_queue(rt4: Runtime, make_gs: Any) -> None:
    pp = rt4.allp[0]
    for gp in make_gs(rt4, 1000):
        globrunqput(rt4, gp)
    globrunqget(rt4, pp, 0)  # 1000/4 + 1 = 251 -> capped at 128
    assert pp.runqsize == 127 and rt4.sched.runqsize == 872


def test_double_queueing_throws_naming_go_function(rt4: Runtime, make_gs: Any) -> None:
    (gp,) = make_gs(rt4, 1)
    runqput(rt4, rt4.allp[0], gp, False)
    with pytest.raises(Throw, match=r"^globrunqput: G\d+\(_Grunnable\) is already on a run queue"):
        globrunqput(rt4, gp)
    with pytest.raises(Throw, match=r"^runqput: .*run twice"):
        runqput(rt4, rt4.allp[1], gp, True)
