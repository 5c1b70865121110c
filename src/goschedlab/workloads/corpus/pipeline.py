"""pipeline: producer -> S stages -> sink over channels of capacity C (refcorpus 3)."""

from __future__ import annotations

from typing import Any

from goschedlab.workloads.corpus._common import spin_ns, us_to_ns
from goschedlab.workloads.ops import Chan, Close, Go, GoroutineBody, Now, Recv, Send, Sleep
from goschedlab.workloads.report import Report
from goschedlab.workloads.rng import arrivals_checksum, pipeline_arrivals
from goschedlab.workloads.scenario import Param, Scenario


def main(rep: Report, p: dict[str, Any]) -> GoroutineBody:
    """Stages and producer started after T0; main is the sink; T1 when the last item arrived."""
    S: int = p["s"]
    C: int = p["c"]
    n: int = p["n"]
    spin = us_to_ns(p["w"])
    arr: list[int] | None = None
    if p["rate"] > 0:
        arr = pipeline_arrivals(p["seed"], p["rate"], n)
        rep.set("arrivals_checksum", arrivals_checksum(arr))
    chs = [Chan(C) for _ in range(S + 1)]
    lat = [0] * n
    res = [0] * n

    def stage(s: int) -> GoroutineBody:
        src, dst, first = chs[s], chs[s + 1], s == 0
        while True:
            it, ok = yield Recv(src)
            if not ok:
                break
            if first:
                it[2] = yield Now()
            yield from spin_ns(spin)
            yield Send(dst, it)
        yield Close(dst)

    def producer(t0: int) -> GoroutineBody:
        src = chs[0]
        if arr is None:
            for i in range(n):
                now = yield Now()
                yield Send(src, [i, now, 0])
        else:
            for i in range(n):
                due = t0 + arr[i]
                while True:
                    now = yield Now()
                    if now >= due:
                        break
                    yield Sleep(due - now)
                yield Send(src, [i, due, 0])
        yield Close(src)

    t0 = rep.start((yield Now()))
    for s in range(S):
        yield Go(stage, s)
    yield Go(producer, t0)
    sink = chs[S]
    while True:
        it, ok = yield Recv(sink)
        if not ok:
            break
        now = yield Now()
        lat[it[0]] = now - it[1]
        res[it[0]] = now - it[2]
    rep.end((yield Now()))
    rep.latency("item_latency", lat)
    rep.latency("item_residence", res)
    rep.set("ideal_cpu_ns", float(n) * float(S) * float(spin))


SCENARIO = Scenario(
    name="pipeline",
    summary="producer -> S stages (spin W us per item) -> sink, channels of capacity C",
    params=(
        Param("s", int, 4, "number of stages", minimum=1),
        Param("c", int, 16, "capacity of every channel", minimum=0),
        Param("w", float, 10.0, "spin per item per stage, microseconds", minimum=0),
        Param("n", int, 20000, "number of items", minimum=1),
        Param("rate", float, 0.0, "open-loop arrival rate (items/s); 0 = closed loop", minimum=0),
        Param("seed", int, 1, "RNG seed for open-loop arrivals", minimum=0),
    ),
    settings={
        "default": {"s": 4, "c": 16, "w": 10.0, "n": 20000},
        "unbuf": {"s": 4, "c": 0, "w": 0.0, "n": 200000},
        "light": {"s": 4, "c": 16, "w": 10.0, "n": 5000, "rate": 5000.0},
    },
    primary="item_latency",
    main=main,
)
