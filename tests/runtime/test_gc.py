"""GC model: pacer, worker counts, stop-the-world invariants and pauses, gctrace format."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import pytest

from goschedlab.observe.gctrace import (
    fmtNSAsMS,
    format_gctrace,
    format_record,
    parse_gctrace_line,
)
from goschedlab.runtime import Config, Runtime, Throw
from goschedlab.runtime.gc import assertWorldRunning, gcState, startCycle
from goschedlab.workloads import simulate
from goschedlab.workloads.ops import Alloc, Go, Now, Spin, WaitGroup, WgAdd, WgDone, WgWait

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).parents[2] / "src/goschedlab/data/refcorpus/go1.23.1/gc-churn"
MiB = 1 << 20


# ---------------------------------------------------------------- pacer and workers


@pytest.mark.parametrize(
    ("gogc", "marked", "goal", "trigger"),
    [
        (100, 0, 4 * MiB, int(4 * MiB * 0.7)),  # the 4 MiB minimum heap
        (100, 22 * MiB, 44 * MiB, 22 * MiB + int(22 * MiB * 0.7)),
        (50, 0, 2 * MiB, int(2 * MiB * 0.7)),  # heapMinimum scales with GOGC
        (50, 20 * MiB, 30 * MiB, 20 * MiB + 7 * MiB),
        (200, 10 * MiB, 30 * MiB, 10 * MiB + 14 * MiB),
    ],
)
def test_pacer_goal_and_trigger(gogc: int, marked: int, goal: int, trigger: int) -> None:
    gc = gcState(Runtime(Config(gomaxprocs=1)), gogc, False)
    gc.heapMarked = marked
    gc.numgc = 1  # after a cycle; the first one's trigger: test_accuracy_mechanisms (24)
    gc.commit()
    assert gc.heapGoal == goal
    assert gc.trigger == trigger


def test_gogc_off_never_triggers() -> None:
    gc = gcState(Runtime(Config(gomaxprocs=1)), -1, False)
    assert gc.trigger >= 1 << 60


@pytest.mark.parametrize(
    ("procs", "dedicated", "fractional"),
    [(1, 0, 0.25), (2, 0, 0.25), (3, 0, 0.25), (4, 1, 0.0), (6, 1, 0.5 / 6), (8, 2, 0.0)],
)
def test_startCycle_worker_counts(procs: int, dedicated: int, fractional: float) -> None:
    """Spec 9.5: 25 % of GOMAXPROCS, dedicated rounded, fractional when > 30 % off."""
    gc = gcState(Runtime(Config(gomaxprocs=procs)), 100, False)
    startCycle(gc, 0, procs)
    assert gc.dedicatedMarkWorkersNeeded == dedicated
    assert gc.fractionalUtilizationGoal == pytest.approx(fractional)
    assert gc.maxIdleMarkWorkers == procs - dedicated


# ---------------------------------------------------------------- programs


def _alloc_program(
    nworkers: int, iters: int, nbytes: int, spin_ns: int, stamps: list[int], spinner_ns: int = 0
) -> Any:
    """main: nworkers allocating goroutines (+ one long spinner when spinner_ns > 0)."""

    def worker() -> Any:
        for _ in range(iters):
            stamps.append((yield Now()))
            yield Alloc(nbytes, nbytes)
            if spin_ns:
                yield Spin(spin_ns)
        yield WgDone(wg)

    def spinner() -> Any:
        for _ in range(40):
            yield Spin(spinner_ns)
            stamps.append((yield Now()))
        yield WgDone(wg)

    wg = WaitGroup()

    def main() -> Any:
        yield Alloc(8 * MiB, 8 * MiB)  # a long-lived heap
        n = nworkers + (1 if spinner_ns else 0)
        yield WgAdd(wg, n)
        for _ in range(nworkers):
            yield Go(worker)
        if spinner_ns:
            yield Go(spinner)
        yield WgWait(wg)

    return main


def _run(cfg: Config, main: Any) -> Runtime:
    rt = Runtime(cfg)
    res = rt.run(main)
    assert res.exit_code == 0, res.fatal
    return rt


def test_no_goroutine_runs_while_the_world_is_stopped() -> None:
    stamps: list[int] = []
    rt = _run(Config(gomaxprocs=2), _alloc_program(3, 3000, 8192, 5_000, stamps))
    gc = rt.gc
    assert gc.numgc >= 3
    assert len(gc.stw_log) == 2 * gc.numgc
    for _reason, req, stopped, restarted in gc.stw_log:
        assert req <= stopped <= restarted
        # the stopping time and total pause are the metrics' definitions
        inside = [t for t in stamps if stopped < t < restarted]
        assert inside == [], f"goroutines ran during a STW {stopped}..{restarted}: {inside[:3]}"
    reasons = [r for r, *_ in gc.stw_log]
    assert reasons[:2] == ["GC sweep termination", "GC mark termination"]
    h = rt.metric_histograms
    assert h["/sched/pauses/total/gc:seconds"].n == len(gc.stw_log)
    assert h["/sched/pauses/stopping/gc:seconds"].n == len(gc.stw_log)
    assert h["/gc/pauses:seconds"] is h["/sched/pauses/total/gc:seconds"]
    assert h["/sched/pauses/total/other:seconds"].n == 0
    assert rt.gc_cycles == gc.numgc


def test_world_stopped_invariant_throws() -> None:
    rt = Runtime(Config(gomaxprocs=2))
    rt.gc.world_stopped = True
    rt.gc.stw = [rt.m0, "GC sweep termination", 0, None, None, 0]
    assertWorldRunning(rt, rt.m0)  # the stopping M itself may run
    with pytest.raises(Throw, match="stopTheWorldWithSema.*while the world is stopped"):
        assertWorldRunning(rt, rt.allm[1])


def _max_pause(asyncpreempt: bool) -> int:
    stamps: list[int] = []
    main = _alloc_program(1, 4000, 16384, 2_000, stamps, spinner_ns=2_000_000)
    rt = _run(Config(gomaxprocs=2, asyncpreempt=asyncpreempt), main)
    assert rt.gc.numgc >= 2
    return max(stopped - req for _r, req, stopped, _e in rt.gc.stw_log)


def test_pauses_grow_when_a_goroutine_cannot_be_preempted() -> None:
    """A 2 ms Spin only reaches a preemption point at its end without async preemption, so
    the STW waits for it (as in Go with asyncpreemptoff=1); with SIGURG it stops at once."""
    with_signal = _max_pause(True)
    without = _max_pause(False)
    # SIGURG + the stopnote wake-up + at most one non-preemptible mallocgc of 16 KiB
    # (allocation CPU and the first touch of new heap pages)
    assert with_signal < 80_000
    assert without > 500_000
    assert without > 10 * with_signal


def test_gogc_changes_cycle_count() -> None:
    counts = {}
    for gogc in (50, 100, 400, -1):
        stamps: list[int] = []
        rt = _run(Config(gomaxprocs=1, gogc=gogc), _alloc_program(2, 2000, 16384, 0, stamps))
        counts[gogc] = rt.gc.numgc
    assert counts[-1] == 0
    assert counts[50] > counts[100] > counts[400] >= 1


# ---------------------------------------------------------------- gctrace


def test_fmtNSAsMS_examples() -> None:
    assert fmtNSAsMS(17_000) == "0.017"
    assert fmtNSAsMS(260_000) == "0.26"
    assert fmtNSAsMS(2_100_000) == "2.1"
    assert fmtNSAsMS(9_999_999) == "9.9"
    assert fmtNSAsMS(10_000_000) == "10"
    assert fmtNSAsMS(123_456_789) == "123"
    assert fmtNSAsMS(999) == "0"
    assert fmtNSAsMS(1_000) == "0.001"
    assert fmtNSAsMS(100_000) == "0.10"


def test_gctrace_lines_roundtrip_real_go() -> None:
    lines = (DATA / "gc-churn-default-gmp2-gctrace.log").read_text().splitlines()
    assert len(lines) == 18
    for line in lines:
        assert format_record(parse_gctrace_line(line)) == line
    rec = parse_gctrace_line(lines[3])
    assert rec.forced and rec.n == 4 and rec.maxprocs == 2 and rec.goal == 32 * MiB


def test_simulated_gctrace_has_go_format() -> None:
    out = simulate(
        "gc-churn", overrides={"iters": 1500}, gomaxprocs=2, config_extra={"gctrace": True}
    )
    lines = out.runtime.gc.trace_lines
    assert len(lines) == out.runtime.gc.numgc >= 2
    for i, line in enumerate(lines, 1):
        rec = parse_gctrace_line(line)
        assert rec.n == i and rec.maxprocs == 2
        assert rec.forced == (i == 2)  # gc-churn calls runtime.GC() before T0
        assert format_gctrace(out.runtime.gc.cycles[i - 1]) == line
        assert rec.heap0 <= rec.heap1 and rec.heap2 <= rec.heap1
    assert lines[0].startswith("gc 1 @0.0")


def test_gctrace_bad_line_is_user_error() -> None:
    from goschedlab.errors import UserInputError

    with pytest.raises(UserInputError, match="trace.log: not a gctrace=1 line"):
        parse_gctrace_line("gc 1 @x", "trace.log")


# ---------------------------------------------------------------- gc-churn vs real Go


def _real(setting: str, gmp: int) -> list[dict[str, Any]]:
    files = sorted(CORPUS.glob(f"{setting}-gmp{gmp}-rep*.json"))
    assert len(files) == 5
    return [json.loads(f.read_text()) for f in files]


@pytest.mark.parametrize("gmp", [1, 2])
def test_gc_churn_default_cycle_count_near_real(gmp: int) -> None:
    real = sorted(
        r["metrics_phase_delta"]["/gc/cycles/total:gc-cycles"] for r in _real("default", gmp)
    )
    out = simulate("gc-churn", gomaxprocs=gmp)
    sim = out.result["metrics_phase_delta"]["/gc/cycles/total:gc-cycles"]
    assert abs(sim - real[2]) <= 2, (sim, real)
    pauses = out.result["metrics_phase_delta"]["/gc/pauses:seconds"]
    total = out.result["metrics_phase_delta"]["/sched/pauses/total/gc:seconds"]
    assert pauses == total
    assert 2 * sim - 1 <= pauses["total"] <= 2 * sim + 1
    assert out.result["metrics_end"]["/gc/cycles/total:gc-cycles"] >= sim


def test_gc_churn_pause_distribution_near_real() -> None:
    """GMP=1: nothing to stop (stopping < 1 us), pauses are the two STW work modes inside
    the real 3.6-25 us buckets; GMP=2 light: the p99 bucket inside the real runs' range."""
    out = simulate("gc-churn", gomaxprocs=1, overrides={"iters": 3000})
    d = out.result["metrics_phase_delta"]
    bounds = out.result["metrics_end"]["/gc/pauses:seconds"]["boundaries"]
    used = [float(bounds[i]) for i, n in enumerate(d["/gc/pauses:seconds"]["counts"]) if n]
    assert used and 3e-6 <= min(used) and max(used) < 25e-6
    stop = [
        float(bounds[i])
        for i, n in enumerate(d["/sched/pauses/stopping/gc:seconds"]["counts"])
        if n
    ]
    assert stop and max(stop) < 1e-6
    real = [
        r["hist_summary"]["/gc/pauses:seconds"]["phase"]["p99_upper_s"] for r in _real("light", 2)
    ]
    # median over seeds 1-3, as validate compares (single seeds land on either of two modes,
    # ~50 us or ~80-100 us, depending on the wake-up timing spread)
    p99 = statistics.median(
        simulate("gc-churn", setting="light", gomaxprocs=2, seed=s).result["hist_summary"][
            "/gc/pauses:seconds"]["phase"]["p99_upper_s"]
        for s in (1, 2, 3)
    )
    # within the real runs' range, or one histogram bucket (~1.2x) below it: the model's
    # GMP=2 stop-the-world tail is short of real Go's (docs/gc.md, "not modelled")
    assert min(real) / 1.25 <= p99 <= max(real), (p99, real)


def test_a_worker_that_left_its_p_gives_back_its_idle_slot() -> None:
    """A mark worker preempted off its P (to a run queue) no longer holds that P's mode:
    when the P hands out the next worker, the old one's idle slot is given back and its
    time accounted.  Before, the slot leaked; with both idle slots leaked, no idle P ran a
    mark worker again, the goroutine parked in the assist queue waited for a mark that
    never ended, and the 1M-parked-goroutine memory benchmark died with "all goroutines are
    asleep" at 135 426 goroutines (200 000 here)."""
    from goschedlab.runtime.gc import (
        _handOut,
        gcMarkWorkerFractionalMode,
        gcMarkWorkerIdleMode,
    )
    from goschedlab.workloads.ops import Chan, Recv, Sleep

    rt = Runtime(Config(gomaxprocs=2, seed=1))
    gc = rt.gc
    pp = rt.allp[0]
    gc.maxIdleMarkWorkers = 2
    gc.idleMarkWorkers = 1
    gc.mode[pp.id] = gcMarkWorkerIdleMode
    gc.workerStart[pp.id] = 0
    before = gc.idleMarkTime
    _handOut(rt, pp, gcMarkWorkerFractionalMode, 7_000)
    assert gc.idleMarkWorkers == 0 and gc.idleMarkTime == before + 7_000
    assert gc.mode[pp.id] == gcMarkWorkerFractionalMode

    n = 200_000

    def blocked(ch: Chan) -> Any:
        yield Recv(ch)

    def main() -> Any:
        ch = Chan(0)
        for _ in range(n):
            yield Go(blocked, ch)
        yield Sleep(10**12)

    rt = Runtime(Config(gomaxprocs=2))
    res = rt.run(main, until_ns=10**10)
    assert not res.fatal
    assert sum(1 for g in rt.allgs if g.waitreason_str == "chan receive") == n
