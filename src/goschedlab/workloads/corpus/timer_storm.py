"""timer-storm: G goroutines x R rounds of Sleep(uniform < 2 ms) then spin W us (refcorpus 8)."""

from __future__ import annotations

from typing import Any

from goschedlab.workloads.corpus._common import spin_ns, us_to_ns
from goschedlab.workloads.ops import (
    Go,
    GoroutineBody,
    Now,
    Sleep,
    WaitGroup,
    WgAdd,
    WgDone,
    WgWait,
)
from goschedlab.workloads.report import Report
from goschedlab.workloads.rng import arrivals_checksum, timer_storm_sleeps
from goschedlab.workloads.scenario import Param, Scenario


def main(rep: Report, p: dict[str, Any]) -> GoroutineBody:
    """Sleeps pre-drawn before T0 (goroutine k: Rng(seed + k<<32)); T1 after wg.Wait."""
    g: int = p["g"]
    r: int = p["r"]
    w_ns = us_to_ns(p["w"])
    max_ns = us_to_ns(p["maxsleep"])
    rows = timer_storm_sleeps(p["seed"], g, r, max_ns)
    sleeps = [x for row in rows for x in row]
    over = [0] * (g * r)
    rnd = [0] * (g * r)
    wg = WaitGroup()
    yield WgAdd(wg, g)

    def worker(k: int) -> GoroutineBody:
        for i in range(r):
            d = sleeps[k * r + i]
            t = yield Now()
            if d > 0:  # time.Sleep(d <= 0) returns at once without yielding
                yield Sleep(d)
            t2 = yield Now()
            yield from spin_ns(w_ns)
            t3 = yield Now()
            over[k * r + i] = t2 - t - d
            rnd[k * r + i] = t3 - t
        yield WgDone(wg)

    rep.start((yield Now()))
    for k in range(g):
        yield Go(worker, k)
    yield WgWait(wg)
    rep.end((yield Now()))
    rep.latency("oversleep", over)
    rep.latency("round", rnd)
    rep.set("sleep_total_ns", sum(sleeps))
    rep.set("sleeps_checksum", arrivals_checksum(sleeps))


SCENARIO = Scenario(
    name="timer-storm",
    summary="G goroutines x R rounds of time.Sleep(uniform [0, maxsleep) us) then spin W us",
    params=(
        Param("g", int, 100, "goroutines", minimum=1),
        Param("w", float, 5.0, "spin per round, microseconds", minimum=0),
        Param("r", int, 100, "rounds per goroutine", minimum=1),
        Param(
            "maxsleep", float, 2000.0, "sleep is uniform in [0, maxsleep) microseconds", minimum=0
        ),
        Param("seed", int, 1, "RNG seed", minimum=0),
    ),
    settings={
        "default": {"g": 100, "w": 5.0, "r": 100},
        "light": {"g": 10, "w": 5.0, "r": 200},
        "heavy": {"g": 1000, "w": 20.0, "r": 20},
    },
    primary="oversleep",
    main=main,
)
