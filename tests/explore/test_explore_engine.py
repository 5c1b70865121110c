"""Explorer engine: memory-model unit steps, POR soundness, bounds, deadlocks, spin loops."""

from __future__ import annotations

import pytest

from goschedlab.explore.atomics import (
    LOAD,
    cas,
    check,
    load,
    load_acq,
    lock,
    store,
    store_rel,
    unlock,
)
from goschedlab.explore.execution import Instance
from goschedlab.explore.locations import Layout
from goschedlab.explore.memory import ARMMemory, TSOMemory
from goschedlab.explore.models import MODELS
from goschedlab.explore.scheduler import Config, explore


def _inst(lay, fns, check_fn=None) -> Instance:
    inst = Instance("t", lay, fns, [f.__name__ for f in fns], check_fn)
    return inst


def test_tso_forwards_own_buffered_store_and_flushes_fifo() -> None:
    lay = Layout()
    x, y = lay.loc("x"), lay.loc("y")
    mm = TSOMemory(lay.locations, 2)
    m = mm.initial()
    [(_, _, m)] = mm.moves(m, 0, store(x, 5))
    [(_, _, m)] = mm.moves(m, 0, store(y, 6))
    assert mm.moves(m, 0, load(x))[0][1] == 5  # own buffer
    assert mm.moves(m, 1, load(x))[0][1] == 0  # others see memory
    assert mm.moves(m, 0, cas(x, 5, 7)) == []  # locked op waits for an empty buffer
    [(_, m, ev)] = mm.flushes(m, 0)
    assert ev == (x.index, 5)  # FIFO: x first
    assert mm.values(m) == (5, 0)


def test_arm_release_store_waits_for_earlier_stores_plain_ones_do_not() -> None:
    lay = Layout()
    a, b, c = lay.loc("a"), lay.loc("b"), lay.loc("c")
    mm = ARMMemory(lay.locations, 2)
    m = mm.initial()
    for op in (store(a, 1), store_rel(b, 1), store(c, 1)):
        [(_, _, m)] = mm.moves(m, 0, op)
    flushable = {ev for _, _, ev in mm.flushes(m, 0)}
    assert flushable == {(a.index, 1), (c.index, 1)}  # c may pass the release, b may not
    # a load-acquire waits while the thread has a buffered store-release (RCsc)
    assert mm.moves(m, 0, load_acq(a)) == []


def test_arm_plain_load_may_read_stale_versions_acquire_pulls_view() -> None:
    lay = Layout()
    d, f = lay.loc("data"), lay.loc("flag")
    mm = ARMMemory(lay.locations, 2)
    m = mm.initial()
    [(_, _, m)] = mm.moves(m, 0, store(d, 1))
    [(_, _, m)] = mm.moves(m, 0, store_rel(f, 1))
    for _ in range(2):
        [(_, m, _)] = mm.flushes(m, 0)
    assert sorted(v for _, v, _ in mm.moves(m, 1, load(d))) == [0, 1]  # early / stale
    (_, _, m1) = next(mv for mv in mm.moves(m, 1, load_acq(f)) if mv[1] == 1)
    assert [v for _, v, _ in mm.moves(m1, 1, load(d))] == [1]  # after acquiring flag=1


@pytest.mark.parametrize("memory", ["sc", "tso", "arm"])
@pytest.mark.parametrize("name", ["runq", "hotfix-runqget", "casgstatus", "litmus-IRIW"])
def test_por_keeps_final_states(memory: str, name: str) -> None:
    spec = MODELS[name]
    kw = {"threads": 3, "ops": 4} if spec.params else {}
    full = explore(spec.build(name, **kw), Config(memory=memory, por=False))
    red = explore(spec.build(name, **kw), Config(memory=memory))
    assert full.violation is None and red.violation is None
    assert red.finals == full.finals
    assert red.stats.transitions < full.stats.transitions
    assert red.stats.mode == "dfs+persistent+sleep"


@pytest.mark.parametrize("memory", ["sc", "tso", "arm"])
def test_por_keeps_verdicts(memory: str) -> None:
    bug = MODELS["bug-slot-after-cas"]
    full = explore(bug.build("b", threads=2, ops=5), Config(memory=memory, por=False))
    red = explore(bug.build("b", threads=2, ops=5), Config(memory=memory))
    assert (full.violation is None) == (red.violation is None)


def test_preemption_bound_prunes_and_grows() -> None:
    spec = MODELS["bug-slot-after-cas"]
    counts = []
    found = []
    for b in (0, 1, 3):
        out = explore(spec.build("b"), Config(memory="sc", preemption_bound=b, shortest=False))
        counts.append(out.stats.states)
        found.append(out.violation is not None)
    assert found == [False, True, True]
    assert counts[0] < counts[1]
    ok = explore(MODELS["runq"].build("runq"), Config(memory="sc", preemption_bound=0))
    assert ok.violation is None  # bounding never reports a false deadlock


def test_deadlock_is_reported_with_blocked_threads() -> None:
    lay = Layout()
    la, lb = lay.loc("A"), lay.loc("B")

    def t0():
        yield lock(la)
        yield lock(lb)
        yield unlock(lb)
        yield unlock(la)

    def t1():
        yield lock(lb)
        yield lock(la)
        yield unlock(la)
        yield unlock(lb)

    out = explore(_inst(lay, [t0, t1]), Config())
    assert out.violation is not None and out.violation.kind == "deadlock"
    assert len(out.violation.path) == 2  # shortest: each takes its first lock
    assert out.violation.message == (
        "no thread can move; blocked: 0 (t0) at lock B, 1 (t1) at lock A"
    )


def test_spin_loop_is_finite_thanks_to_state_hashing() -> None:
    lay = Layout()
    flag = lay.loc("flag", writers=(1,))

    def waiter():
        seen = 0
        while seen == 0:
            seen = yield load(flag)
        return seen

    def setter():
        yield store(flag, 1)

    for mem in ("sc", "tso", "arm"):
        out = explore(_inst(lay, [waiter, setter]), Config(memory=mem))
        assert out.violation is None and out.stats.complete
        assert out.stats.states < 20


def test_assertion_in_thread_is_a_violation() -> None:
    lay = Layout()
    x = lay.loc("x")

    def t0():
        yield store(x, 1)

    def t1():
        v = yield load(x)
        check(v == 1, f"x is {v}")

    out = explore(_inst(lay, [t0, t1]), Config())
    assert out.violation is not None
    assert out.violation.message == "thread 1 (t1): x is 0"
    assert out.violation.path == [(1, 0, 0)]


def test_wrong_writer_declaration_is_caught() -> None:
    lay = Layout()
    x = lay.loc("x", writers=(0,))

    def t0():
        v = yield load(x)
        return v

    def t1():
        yield store(x, 1)

    with pytest.raises(ValueError, match="declared written only by"):
        explore(_inst(lay, [t0, t1]), Config())
    assert LOAD == 0
