"""Every built-in model gives its documented verdict under every memory model; every violation
comes with a counterexample whose replay (from its token) fails the same way."""

from __future__ import annotations

import pytest

from goschedlab.explore.models import MODELS
from goschedlab.explore.path import decode_token
from goschedlab.explore.report import replay, token_of
from goschedlab.explore.scheduler import Config, explore

CASES = [(name, mem) for name in MODELS for mem in ("sc", "tso", "arm")]

# Under the ARM-like model the run-queue variants use fewer owner operations to keep the suite
# fast (3; 4 where the bug needs runqputslow's overflow); "runq" itself runs at its defaults,
# the acceptance check.
ARM_OPS = {"bug-slot-after-cas": 4, "bug-putslow-plain-head": 4}


def _build(name: str, memory: str = "sc"):
    spec = MODELS[name]
    if not spec.defaults:
        return spec.build(name)
    kw = dict(spec.defaults)
    if memory == "arm" and name != "runq":
        kw["ops"] = min(kw["ops"], ARM_OPS.get(name, 3))
    return spec.build(name, **kw)


@pytest.mark.parametrize(("name", "memory"), CASES)
def test_model_verdict_and_replay(name: str, memory: str) -> None:
    spec = MODELS[name]
    out = explore(_build(name, memory), Config(memory=memory))
    expected = spec.expect[memory]
    if expected == "ok":
        assert out.violation is None, out.violation
        assert out.stats.complete
        assert out.stats.final_states >= 1
        return
    v = out.violation
    assert v is not None, f"{name} under {memory} should fail"
    assert v.path, "a counterexample has at least one step"
    # the shortest search never returns a longer path than DFS found
    assert out.dfs_path_len is not None and len(v.path) <= out.dfs_path_len
    # the token round-trips and the replay fails the same way
    tok = token_of(out)
    mem, params, path = decode_token(tok)
    assert (mem, path) == (memory, v.path)
    assert params == out.instance.params
    rep = replay(_build(name, memory), mem, path)
    assert rep.violation == (v.kind, v.message)
    assert len(rep.steps) == len(v.path)
    # one step shorter does not fail yet (the counterexample ends at the failure)
    short = replay(_build(name, memory), mem, path[:-1])
    assert short.violation is None or short.violation[0] == "deadlock"


def test_every_seeded_bug_is_named_and_fails_somewhere() -> None:
    bugs = [s for s in MODELS.values() if s.seeded_bug]
    assert len(bugs) >= 5
    for s in bugs:
        assert "violation" in s.expect.values(), s.name


def test_runq_covers_overflow_runnext_and_steals() -> None:
    # the default scenario reaches runqputslow (global queue non-empty) and also states where
    # thieves emptied the ring enough to avoid it
    inst = _build("runq")
    out = explore(inst, Config(memory="sc"))
    loc = {x.name: x.index for x in inst.layout.locations}
    sizes = {f[loc["sched.runqsize"]] for f in out.finals}
    heads = {f[loc["p0.runqhead"]] for f in out.finals}
    assert sizes == {0, 3}  # half of 4 plus the kicked G, or nothing
    assert heads == {2, 3, 4}


def test_runqgrab_inconsistent_branch_is_reached() -> None:
    # variant-no-bound-recheck passing means something only if a thief really reads h and t
    # with t - h > capacity; thread-state fingerprints hold each frame's locals, so look there
    from goschedlab.explore.scheduler import Explorer

    ex = Explorer(_build("runq"), Config(memory="sc"))
    v, _, _ = ex.dfs()
    assert v is None
    ns = {
        dict(frame_locals).get("n")
        for key in ex.table.index
        if len(key) == 2
        for code, _, frame_locals in key[1]
        if code.co_name == "runqgrab"
    }
    assert 3 in ns  # n = (t-h) - (t-h)/2 = 3 > 4/2 for t - h = 5 > capacity


def test_acquirep_arm_counterexample_whole_history() -> None:
    # Go's wirep uses plain stores; under the ARM-like model p.status may become visible
    # before p.m. The shortest counterexample, step by step:
    out = explore(_build("acquirep"), Config(memory="arm"))
    rep = replay(_build("acquirep"), "arm", out.violation.path)
    assert [(s.thread, s.func, s.text) for s in rep.steps] == [
        (0, "wirep", "load m1.p -> 0"),
        (0, "wirep", "load p0.m -> 0"),
        (0, "wirep", "load p0.status -> 0"),
        (0, "wirep", "store m1.p = 1"),
        (0, "wirep", "store p0.m = 1  [store buffered]"),
        (0, "wirep", "store p0.status = 1  [store buffered]"),
        (0, "(memory)", "made visible p0.status = 1"),
        (1, "reader", "load p0.status -> 1"),
        (1, "reader", "load p0.m -> 0"),
    ]
    assert rep.violation == (
        "assertion",
        "thread 1 (reader): p0.status == _Prunning but p0.m == nil",
    )
    assert token_of(out) == "arm::0,0,0,0,0,0,F0.1,1.1,1"
