"""The models' claims about Go, checked against the real Go 1.23.1 runtime sources.

The models say: wirep stores m.p, p.m, status in that order with plain stores; runqput writes
the slot before StoreRel of runqtail; runqgrab load-acquires head and tail and copies slots
before its CasRel; the G/P status constants and the ring size. If a Go release changed any of
this, these tests fail and the models must follow.
"""

from __future__ import annotations

import re

import pytest

from goschedlab.explore.models import procstate, runq
from goschedlab.realgo import ensure_go


def _func(src: str, name: str) -> str:
    start = src.index(f"\nfunc {name}(")
    end = src.index("\n}\n", start)
    return src[start:end]


@pytest.fixture(scope="module")
def proc_go() -> str:
    return (ensure_go("1.23.1", quiet=True).runtime_src / "proc.go").read_text()


@pytest.fixture(scope="module")
def runtime2_go() -> str:
    return (ensure_go("1.23.1", quiet=True).runtime_src / "runtime2.go").read_text()


def _order(body: str, *needles: str) -> list[int]:
    return [body.index(n) for n in needles]


@pytest.mark.slow
def test_wirep_plain_store_order(proc_go: str) -> None:
    body = _func(proc_go, "wirep")
    pos = _order(body, "gp.m.p.set(pp)", "pp.m.set(gp.m)", "pp.status = _Prunning")
    assert pos == sorted(pos)
    assert "atomic." not in body  # plain stores, as the acquirep model says
    rel = _func(proc_go, "releasepNoTrace")
    pos = _order(rel, "gp.m.p = 0", "pp.m = 0", "pp.status = _Pidle")
    assert pos == sorted(pos)


@pytest.mark.slow
def test_runq_orderings(proc_go: str) -> None:
    put = _func(proc_go, "runqput")
    pos = _order(
        put,
        "atomic.LoadAcq(&pp.runqhead)",
        "t := pp.runqtail",
        ".set(gp)\n",
        "atomic.StoreRel(&pp.runqtail, t+1)",
    )
    assert pos == sorted(pos)
    assert "pp.runnext.cas(oldnext" in put
    grab = _func(proc_go, "runqgrab")
    pos = _order(
        grab,
        "atomic.LoadAcq(&pp.runqhead)",
        "atomic.LoadAcq(&pp.runqtail)",
        "n = n - n/2",
        "batch[(batchHead+i)%uint32(len(batch))] = g",
        "atomic.CasRel(&pp.runqhead, h, h+n)",
    )
    assert pos == sorted(pos)
    assert "n > uint32(len(pp.runq)/2)" in grab
    get = _func(proc_go, "runqget")
    assert "pp.runnext.cas(next, 0)" in get and "atomic.CasRel(&pp.runqhead, h, h+1)" in get
    slow = _func(proc_go, "runqputslow")
    assert 'throw("runqputslow: queue is not full")' in slow
    steal = _func(proc_go, "runqsteal")
    assert 'throw("runqsteal: runq overflow")' in steal


@pytest.mark.slow
def test_constants_match_runtime2(runtime2_go: str) -> None:
    m = re.search(r"runq\s+\[(\d+)\]guintptr", runtime2_go)
    assert m and int(m.group(1)) == runq.GO_RUNQ_CAPACITY
    block = runtime2_go[runtime2_go.index("\t_Gidle = iota") :]
    names = re.findall(r"^\t(_G[a-z]+)\b", block[: block.index("\n)\n")], re.M)
    want = {
        "_Gidle": procstate._Gidle,
        "_Grunnable": procstate._Grunnable,
        "_Grunning": procstate._Grunning,
        "_Gsyscall": procstate._Gsyscall,
        "_Gwaiting": procstate._Gwaiting,
    }
    for name, val in want.items():
        assert names.index(name) == val, name
    assert re.search(r"_Gscan\s+= 0x1000", runtime2_go)
    pblock = runtime2_go[runtime2_go.index("\t_Pidle = iota") :]
    pnames = re.findall(r"^\t(_P[a-z]+)\b", pblock[: pblock.index("\n)\n")], re.M)
    assert pnames.index("_Pidle") == procstate._Pidle
    assert pnames.index("_Prunning") == procstate._Prunning
