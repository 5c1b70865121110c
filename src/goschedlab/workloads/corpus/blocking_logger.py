"""blocking-logger: open-loop requests that send to one slow logger goroutine (refcorpus 4)."""

from __future__ import annotations

from typing import Any

from goschedlab.workloads.corpus._common import run_open_loop, spin_ns, us_to_ns
from goschedlab.workloads.ops import (
    Chan,
    Close,
    Go,
    GoroutineBody,
    Now,
    Recv,
    Send,
    WaitGroup,
    WgAdd,
    WgDone,
    WgWait,
)
from goschedlab.workloads.report import Report
from goschedlab.workloads.rng import arrivals_checksum, poisson_arrivals
from goschedlab.workloads.scenario import Param, Scenario


def main(rep: Report, p: dict[str, Any]) -> GoroutineBody:
    """Logger started before T0; RunOpenLoop spawns request(i); T1 = logger's last record."""
    arr, _ = poisson_arrivals(p["seed"], p["rate"], p["d"])
    n = len(arr)
    rep.set("arrivals_checksum", arrivals_checksum(arr))
    w_ns, k_ns = us_to_ns(p["w"]), us_to_ns(p["k"])
    spawn = [0] * n
    start = [0] * n
    sent = [0] * n
    log_ch = Chan(p["c"])
    logger_done = Chan(0)

    def logger() -> GoroutineBody:
        last = 0
        while True:
            _rec, ok = yield Recv(log_ch)
            if not ok:
                break
            yield from spin_ns(k_ns)
            last = yield Now()
        yield Send(logger_done, last)

    yield Go(logger)
    wg = WaitGroup()
    yield WgAdd(wg, n)

    def request(i: int) -> GoroutineBody:
        start[i] = yield Now()
        yield from spin_ns(w_ns)
        yield Send(log_ch, (i, start[i]))
        sent[i] = yield Now()
        yield WgDone(wg)

    def do_spawn(i: int) -> GoroutineBody:
        spawn[i] = yield Now()
        yield Go(request, i)

    t0 = rep.start((yield Now()))
    yield from run_open_loop(t0, arr, do_spawn)
    yield WgWait(wg)
    yield Close(log_ch)
    last_log, _ = yield Recv(logger_done)
    rep.end((yield Now()))
    rep.T1 = last_log  # the makespan ends with the logger's last record

    due = [t0 + a for a in arr]
    rep.latency("request", [sent[i] - due[i] for i in range(n)])
    rep.latency("spawn_lag", [spawn[i] - due[i] for i in range(n)])
    rep.latency("start_delay", [start[i] - spawn[i] for i in range(n)])
    rep.latency("spin_plus_send_minus_w", [sent[i] - start[i] - w_ns for i in range(n)])
    rep.set("requests", n)
    d = float(p["d"])
    rep.set(
        "offered_cpu_util_per_core",
        (float(n) * float(w_ns + k_ns)) / (d * 1e9) / float(rep.gomaxprocs),
    )
    rep.set("logger_util", float(n) * float(k_ns) / (d * 1e9))


_S = {"d": 2.0, "w": 100.0, "k": 200.0}
SCENARIO = Scenario(
    name="blocking-logger",
    summary="Poisson requests spin W us, then send to one logger that spins K us per record",
    params=(
        Param("rate", float, 2000.0, "arrival rate L, requests per second", minimum=1e-9),
        Param("d", float, 2.0, "arrival window D, seconds", minimum=1e-9),
        Param("w", float, 100.0, "request spin W, microseconds", minimum=0),
        Param("k", float, 200.0, "logger spin per record K, microseconds", minimum=0),
        Param("c", int, 0, "log channel capacity C", minimum=0),
        Param("seed", int, 1, "RNG seed", minimum=0),
    ),
    settings={
        "default-c0": {**_S, "rate": 2000.0, "c": 0},
        "default-c1024": {**_S, "rate": 2000.0, "c": 1024},
        "light-c0": {**_S, "rate": 500.0, "c": 0},
        "light-c1024": {**_S, "rate": 500.0, "c": 1024},
        "heavy-c0": {**_S, "rate": 4000.0, "c": 0},
        "heavy-c1024": {**_S, "rate": 4000.0, "c": 1024},
    },
    primary="request",
    main=main,
)
