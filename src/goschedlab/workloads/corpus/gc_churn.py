"""gc-churn: G goroutines allocate B bytes (64-byte nodes), spin W us per iteration."""

from __future__ import annotations

from typing import Any

from goschedlab.workloads.corpus._common import spin_ns, us_to_ns
from goschedlab.workloads.ops import (
    GC,
    Alloc,
    Go,
    GoroutineBody,
    Now,
    WaitGroup,
    WgAdd,
    WgDone,
    WgWait,
)
from goschedlab.workloads.report import Report
from goschedlab.workloads.scenario import Param, Scenario


def main(rep: Report, p: dict[str, Any]) -> GoroutineBody:
    """T0; G goroutines x iters of Now; Alloc(B, live=B); spin(W); Now; T1 after wg.Wait."""
    g: int = p["g"]
    iters: int = p["iters"]
    per = p["bytes"] // 64
    nbytes = per * 64
    w_ns = us_to_ns(p["w"])
    n_live = p["live"] * 1024 * 1024 // 64
    lat = [0] * (g * iters)
    wg = WaitGroup()
    yield WgAdd(wg, g)
    yield Alloc(n_live * 64, n_live * 64)  # the long-lived list built before T0
    yield GC()  # runtime.GC() before T0, as the Go program

    def worker(k: int) -> GoroutineBody:
        for i in range(iters):
            t = yield Now()
            if nbytes:
                # the new list replaces sink[k]: nbytes reachable, the previous list garbage
                yield Alloc(nbytes, nbytes)
            yield from spin_ns(w_ns)
            t2 = yield Now()
            lat[k * iters + i] = t2 - t
        yield WgDone(wg)

    rep.start((yield Now()))
    for k in range(g):
        yield Go(worker, k)
    yield WgWait(wg)
    rep.end((yield Now()))
    rep.latency("iteration", lat)
    rep.set("allocated_bytes_requested", g * iters * per * 64)
    rep.set("live_nodes", n_live)


SCENARIO = Scenario(
    name="gc-churn",
    summary="G goroutines allocate B bytes (64-byte nodes) and spin W us per iteration",
    params=(
        Param("g", int, 4, "goroutines", minimum=1),
        Param("iters", int, 10000, "iterations per goroutine", minimum=1),
        Param("bytes", int, 8192, "bytes allocated per iteration (as 64-byte nodes)", minimum=0),
        Param("w", float, 10.0, "spin per iteration, microseconds", minimum=0),
        Param("live", int, 16, "long-lived heap, MiB", minimum=0),
        Param("gogc", int, 100, "GC percent (debug.SetGCPercent)", minimum=-1),
    ),
    settings={
        "default": {"g": 4, "iters": 10000, "bytes": 8192, "w": 10.0, "live": 16},
        "light": {"g": 2, "iters": 4000, "bytes": 4096, "w": 50.0, "live": 16},
        "heavy": {"g": 4, "iters": 5000, "bytes": 65536, "w": 0.0, "live": 16},
    },
    primary="iteration",
    main=main,
    notes="Allocation drives the runtime model's GC (runtime/gc.py: GOGC pacer, stop-the-world, "
    "mark workers, assists); try --gctrace.",
)
