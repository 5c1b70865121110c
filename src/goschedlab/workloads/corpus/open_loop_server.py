"""open-loop-server: Poisson arrivals, exponential service, a goroutine per request (corpus 7)."""

from __future__ import annotations

from typing import Any

from goschedlab.workloads.corpus._common import run_open_loop, spin_ns
from goschedlab.workloads.ops import Go, GoroutineBody, Now, WaitGroup, WgAdd, WgDone, WgWait
from goschedlab.workloads.report import Report
from goschedlab.workloads.rng import arrivals_checksum, poisson_arrivals
from goschedlab.workloads.scenario import Param, Scenario


def main(rep: Report, p: dict[str, Any]) -> GoroutineBody:
    """RunOpenLoop spawns handler(i) = spin(svc_i); T1 when wg.Wait returns."""
    mean_ns = float(p["mean"]) * 1000
    arr, svc = poisson_arrivals(p["seed"], p["rate"], p["d"], mean_ns)
    n = len(arr)
    rep.set("arrivals_checksum", arrivals_checksum(arr))
    rep.set("service_checksum", arrivals_checksum(svc))
    svc_sum = sum(svc)
    spawn = [0] * n
    start = [0] * n
    done = [0] * n
    wg = WaitGroup()
    yield WgAdd(wg, n)

    def handler(i: int) -> GoroutineBody:
        start[i] = yield Now()
        yield from spin_ns(svc[i])
        done[i] = yield Now()
        yield WgDone(wg)

    def do_spawn(i: int) -> GoroutineBody:
        spawn[i] = yield Now()
        yield Go(handler, i)

    t0 = rep.start((yield Now()))
    yield from run_open_loop(t0, arr, do_spawn)
    yield WgWait(wg)
    rep.end((yield Now()))
    due = [t0 + a for a in arr]
    rep.latency("request", [done[i] - due[i] for i in range(n)])
    rep.latency("spawn_lag", [spawn[i] - due[i] for i in range(n)])
    rep.latency("start_delay", [start[i] - spawn[i] for i in range(n)])
    rep.latency("run_minus_service", [done[i] - start[i] - svc[i] for i in range(n)])
    rep.set("requests", n)
    rep.set("service_total_ns", svc_sum)
    rep.set("offered_util_per_core", float(svc_sum) / (float(p["d"]) * 1e9) / float(rep.gomaxprocs))


SCENARIO = Scenario(
    name="open-loop-server",
    summary="Poisson arrivals (rate L), one goroutine per request spinning an exponential service",
    params=(
        Param("rate", float, 5000.0, "arrival rate L, requests per second", minimum=1e-9),
        Param("d", float, 2.0, "arrival window D, seconds", minimum=1e-9),
        Param("mean", float, 100.0, "mean service time M, microseconds (exponential)", minimum=0),
        Param("seed", int, 1, "RNG seed", minimum=0),
    ),
    settings={
        "default": {"rate": 5000.0, "d": 2.0, "mean": 100.0},
        "light": {"rate": 1000.0, "d": 2.0, "mean": 100.0},
        "heavy": {"rate": 9000.0, "d": 2.0, "mean": 100.0},
    },
    primary="request",
    main=main,
)
