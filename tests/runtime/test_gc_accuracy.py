"""GC and allocation accuracy against real Go 1.23.1 (gc-accuracy; docs/gc.md).

Real figures come from the shipped reference corpus (src/goschedlab/data/refcorpus/go1.23.1)
and a real gctrace=1 capture copied to tests/data/gc/.  Each test would fail if the
mechanism it names broke: proportional sweep of live spans, first touch of new memory, heap
bytes of go statements, the serial grey chain with assists parked on the assist queue.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from goschedlab.observe.gctrace import parse_gctrace_line
from goschedlab.runtime import Config, Costs, Runtime
from goschedlab.runtime.gc import goClosureBytes, gSizeBytes, spanBytes
from goschedlab.workloads import simulate
from goschedlab.workloads.ops import Go, WaitGroup, WgAdd, WgDone, WgWait

ROOT = Path(__file__).parents[2]
CORPUS = ROOT / "src/goschedlab/data/refcorpus/go1.23.1"
CAPTURE = ROOT / "tests/data/gc/gc-churn-default-gmp2-gctrace.log"


def _real(workload: str, setting: str, gmp: int) -> list[dict[str, Any]]:
    files = sorted((CORPUS / workload).glob(f"{setting}-gmp{gmp}-rep*.json"))
    assert len(files) == 5
    return [json.loads(f.read_text()) for f in files]


def _median_makespan(workload: str, setting: str, gmp: int) -> float:
    return statistics.median(r["makespan_ns"] for r in _real(workload, setting, gmp))


@pytest.mark.parametrize(("setting", "gmp"), [("default", 1), ("light", 1), ("light", 2)])
def test_gc_churn_makespan_within_5_percent_of_real(setting: str, gmp: int) -> None:
    """Allocation + sweep + mark + (GMP=2) assists parked on the serial chain: the makespan
    of gc-churn is within the validation target of the corpus median."""
    sim = simulate("gc-churn", setting=setting, gomaxprocs=gmp, seed=1).result["makespan_ns"]
    real = _median_makespan("gc-churn", setting, gmp)
    assert sim == pytest.approx(real, rel=0.05), (sim / 1e6, real / 1e6)


def test_gc_churn_default_gmp2_makespan_short_by_the_allocation_contention() -> None:
    """Since mechanism 280 no mark phase of default GMP=2 stalls with an idle P, and the
    makespan falls 5.3 % short of the corpus median (593.5 vs 626.9 ms): the idle P had stood
    in for the two Ps' allocation contention the model does not charge (gap
    gc-gmp2-mark-chain-heap-lock).  Kept here as a bound so the gap stays visible."""
    sim = simulate("gc-churn", setting="default", gomaxprocs=2, seed=1).result["makespan_ns"]
    real = _median_makespan("gc-churn", "default", 2)
    assert 0.90 * real < sim < real, (sim / 1e6, real / 1e6)


def test_marking_allocation_and_live_span_sweep_close_the_gmp1_gap() -> None:
    """Without the slower allocation inside the mark (Costs.mallocgc_mark_pct, mechanism 170)
    the default GMP=1 makespan is >5 % short of real Go (963 vs 1032 ms); with it, within
    (1011 ms).  The sweep of fully live spans (200 ns each since mechanism 170, not the 4.3 us
    that had stood in for the mark-time cost) is charged: spans x cost per completed cycle."""
    base = simulate("gc-churn", gomaxprocs=1, seed=1)
    nosweep = simulate("gc-churn", gomaxprocs=1, seed=1, costs=replace(Costs(), gc_sweep_span_ns=0))
    nomark = simulate("gc-churn", gomaxprocs=1, seed=1, costs=replace(Costs(), mallocgc_mark_pct=0))
    real = _median_makespan("gc-churn", "default", 1)
    assert nomark.result["makespan_ns"] < 0.95 * real
    assert base.result["makespan_ns"] == pytest.approx(real, rel=0.05)
    gc = base.runtime.gc
    assert gc.sweepTimeTotal > 0 and nosweep.runtime.gc.sweepTimeTotal == 0
    # 16 MiB list + the 4 goroutines' 8 KiB lists = 2052 live spans per cycle
    pages = (16 * 1024 * 1024 + 4 * 8192 + spanBytes - 1) // spanBytes
    cost = Costs().gc_sweep_span_ns
    swept = gc.sweepTimeTotal // (pages * cost)
    assert gc.numgc - 2 <= swept <= gc.numgc  # each cycle's sweep paid before the next
    assert gc.sweepTimeTotal % cost == 0


def test_gctrace_steady_state_matches_real_capture() -> None:
    """GMP=2 default: heap0/heap1/heap2/goal (MB, within 10 %), mark clock and the assist
    vs background split of the steady-state cycles agree with the real gctrace=1 capture."""
    real = [parse_gctrace_line(x) for x in CAPTURE.read_text().splitlines() if x.startswith("gc ")]
    lines: list[str] = []
    simulate("gc-churn", gomaxprocs=2, seed=1, gctrace=True, gctrace_sink=lines.append)
    sim = [parse_gctrace_line(x) for x in lines]
    steady_r = [c for c in real if not c.forced][5:]
    steady_s = [c for c in sim if not c.forced][5:]
    assert len(steady_r) >= 8 and len(steady_s) >= 8

    def med(cs: list[Any], f: Any) -> float:
        return statistics.median(f(c) for c in cs)

    mb = 1 << 20
    for field in ("heap0", "heap1", "heap2", "goal"):
        r = med(steady_r, lambda c, f=field: getattr(c, f)) / mb
        s = med(steady_s, lambda c, f=field: getattr(c, f)) / mb
        # 12 %: the model's GMP=2 mark phase is ~18 ms against ~22 ms real, so 5 MB instead of
        # 7 MB are allocated black during it (heap1 41 vs 46 MB since mechanisms 23-26, was 42)
        assert s == pytest.approx(r, rel=0.12), (field, r, s)
    r_mark = med(steady_r, lambda c: c.tMarkTerm - c.tMark)
    s_mark = med(steady_s, lambda c: c.tMarkTerm - c.tMark)
    assert s_mark == pytest.approx(r_mark, rel=0.3)
    # both assists and the fractional worker mark (real 4-8.5 / 5.5-10 ms per cycle)
    for recs in (steady_r, steady_s):
        assert 2e6 <= med(recs, lambda c: c.assistTime) <= 12e6
        assert 2e6 <= med(recs, lambda c: c.dedicatedFractionalTime) <= 12e6


def test_serial_chain_parks_assists_only_with_two_ps() -> None:
    """The live heap is one linked list: one P's gcw holds the grey chain.  At GMP=2 the
    other P's assists park on the assist queue (real: ~19 % of 2 CPUs unused, utime 1014
    ms over a 627 ms makespan); at GMP=1 nobody ever waits."""
    one = simulate("gc-churn", gomaxprocs=1, seed=1).runtime.gc
    two = simulate("gc-churn", gomaxprocs=2, seed=1).runtime.gc
    assert one.assistParks == 0 and one.assistWaitTime == 0
    assert two.assistParks > 0 and two.assistWaitTime > 50_000_000
    assert not two.assistQueue  # every parked assist was released


def _fanout(n: int, goids: list[Any]) -> Any:
    def w(wg: WaitGroup) -> Any:
        yield WgDone(wg)

    def main() -> Any:
        wg = WaitGroup()
        yield WgAdd(wg, n)
        for _ in range(n):
            goids.append((yield Go(w, wg)))
        yield WgWait(wg)

    return main


def test_go_statements_fill_the_heap_and_trigger_gc() -> None:
    """Fresh goroutines allocate a g (kept in allgs) and a closure: 20000 of them cross the
    4 MiB minimum heap goal, so GC cycles start from go statements alone (real fanout-cpu
    tiny: 2-3 cycles from 100000 goroutines), and each go statement still returns its goid."""
    goids: list[Any] = []
    rt = Runtime(Config(gomaxprocs=1))
    res = rt.run(_fanout(20_000, goids))
    assert res.exit_code == 0
    gc = rt.gc
    fresh = len(rt.allgs) - 1
    assert gc.allocs_bytes == fresh * gSizeBytes + 20_000 * goClosureBytes
    assert gc.numgc >= 1
    assert goids == sorted(goids) and len(set(goids)) == 20_000
    assert all(isinstance(g, int) for g in goids)


def test_fanout_tiny_gc_cycles_as_real() -> None:
    out = simulate("fanout-cpu", setting="tiny", gomaxprocs=1, seed=1)
    real = [
        r["metrics_phase_delta"]["/gc/cycles/total:gc-cycles"]
        for r in _real("fanout-cpu", "tiny", 1)
    ]
    sim = out.result["metrics_phase_delta"]["/gc/cycles/total:gc-cycles"]
    assert min(real) <= sim <= max(real), (sim, real)
    gc = out.runtime.gc
    assert gc.freshTime > 0  # new g structs and stacks are first-touched memory


def test_fresh_memory_cost_is_charged_once() -> None:
    """Heap growth above the high-water mark is first-touched (page faults); reusing freed
    heap after a cycle is not."""
    out = simulate("gc-churn", setting="light", gomaxprocs=1, seed=1)
    gc = out.runtime.gc
    per_kib = Costs().fresh_memory_ns_per_kib
    # fresh time = high-water heap x cost (no goroutine is fresh after the first 2 + main)
    stacks = (len(out.runtime.allgs)) * 2048
    assert gc.freshTime == pytest.approx((gc.heapHighWater + stacks) * per_kib / 1024, rel=0.01)
    assert gc.heapHighWater < 2 * max(c.heap1 for c in gc.cycles)


@pytest.mark.parametrize("gmp", [1, 2])
def test_gc_metrics_in_json_near_real(gmp: int) -> None:
    """/gc/heap/* bytes and /cpu/classes/gc/* are filled (not null) and near the corpus:
    allocated bytes exact to 0.1 %, goal and live heap within 10 %, GC CPU within 35 %."""
    res = simulate("gc-churn", gomaxprocs=gmp, seed=1).result
    real = _real("gc-churn", "default", gmp)

    def med(key: str, part: str) -> float:
        return statistics.median(r[part][key] for r in real)

    allocs = "/gc/heap/allocs:bytes"
    sim_allocs = res["metrics_phase_delta"][allocs]
    assert sim_allocs == pytest.approx(med(allocs, "metrics_phase_delta"), rel=0.001)
    for key in ("/gc/heap/goal:bytes", "/gc/heap/live:bytes"):
        assert res["metrics_end"][key] == pytest.approx(med(key, "metrics_end"), rel=0.1), key
    cpu = "/cpu/classes/gc/total:cpu-seconds"
    assert res["metrics_phase_delta"][cpu] == pytest.approx(
        med(cpu, "metrics_phase_delta"), rel=0.35
    )
    parts = [
        res["metrics_end"][f"/cpu/classes/gc/{k}:cpu-seconds"]
        for k in ("mark/assist", "mark/dedicated", "mark/idle", "pause")
    ]
    assert sum(parts) == pytest.approx(res["metrics_end"][cpu])
    assert res["metrics_end"]["/gc/heap/objects:objects"] is None  # no object model
