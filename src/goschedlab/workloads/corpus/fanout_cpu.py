"""fanout-cpu: main starts G goroutines that each spin W us; main waits for all (refcorpus 1)."""

from __future__ import annotations

from typing import Any

from goschedlab.workloads.corpus._common import spin_ns, us_to_ns
from goschedlab.workloads.ops import Go, GoroutineBody, Now, WaitGroup, WgAdd, WgDone, WgWait
from goschedlab.workloads.report import Report
from goschedlab.workloads.scenario import Param, Scenario


def main(rep: Report, p: dict[str, Any]) -> GoroutineBody:
    """T0; for each i: create[i]=Now(); go worker(i); wg.Wait(); T1."""
    n: int = p["g"]
    spin = us_to_ns(p["w"])
    create = [0] * n
    start = [0] * n
    end = [0] * n
    wg = WaitGroup()
    yield WgAdd(wg, n)

    def worker(i: int) -> GoroutineBody:
        start[i] = yield Now()
        yield from spin_ns(spin)
        end[i] = yield Now()
        yield WgDone(wg)

    t0 = rep.start((yield Now()))
    for i in range(n):
        create[i] = yield Now()
        yield Go(worker, i)
    yield WgWait(wg)
    rep.end((yield Now()))

    last_start = 0
    for i in range(n):
        last_start = max(last_start, start[i] - t0)
    rep.latency("start_delay", [start[i] - create[i] for i in range(n)])
    rep.latency("sojourn", [end[i] - create[i] for i in range(n)])
    rep.latency("finish_since_t0", [end[i] - t0 for i in range(n)])
    rep.latency("spin_elapsed", [end[i] - start[i] for i in range(n)])
    rep.set("create_phase_ns", create[n - 1] - t0 if n else 0)
    rep.set("last_start_since_t0_ns", last_start)
    rep.set("ideal_makespan_ns", float(n) * float(spin) / float(max(1, min(n, rep.gomaxprocs))))


SCENARIO = Scenario(
    name="fanout-cpu",
    summary="main starts G goroutines, each spins W us; main waits for all",
    params=(
        Param("g", int, 1000, "number of goroutines", minimum=1),
        Param("w", float, 200.0, "spin per goroutine, microseconds", minimum=0),
    ),
    settings={
        "default": {"g": 1000, "w": 200.0},
        "tiny": {"g": 100000, "w": 1.0},
        "long": {"g": 4, "w": 25000.0},
    },
    primary="sojourn",
    main=main,
    notes="tiny: real Go runs 2-3 GCs (new g structs, closures and stacks count toward the "
    "heap goal); so does the model (go statements allocate, runtime/gc.py: newprocAlloc).",
)
