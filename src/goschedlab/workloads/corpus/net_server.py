"""net-server: N connections fed by a Poisson arrival process, one goroutine per connection
(the net/http shape) reading a request through the netpoller and spinning its service time.

Not a refcorpus program (the corpus has no network workload); it exercises the netpoller
model of ``goschedlab.runtime.netpoll``: goroutines park in "IO wait" and are made runnable
by findRunnable's netpoll(0), by an M blocked in netpoll, or by sysmon's 10 ms netpoll.
"""

from __future__ import annotations

from typing import Any

from goschedlab.workloads.corpus._common import spin_ns
from goschedlab.workloads.ops import (
    Conn,
    Go,
    GoroutineBody,
    NetRead,
    Now,
    WaitGroup,
    WgAdd,
    WgDone,
    WgWait,
)
from goschedlab.workloads.report import Report
from goschedlab.workloads.rng import arrivals_checksum, poisson_arrivals
from goschedlab.workloads.scenario import Param, Scenario


def main(rep: Report, p: dict[str, Any]) -> GoroutineBody:
    """Arrival k goes to connection k % conns; handler(c): NetRead, spin(svc), record."""
    n_conns: int = p["conns"]
    arr, svc = poisson_arrivals(p["seed"], p["rate"], p["d"], float(p["mean"]) * 1000)
    n = len(arr)
    rep.set("arrivals_checksum", arrivals_checksum(arr))
    wg = WaitGroup()
    yield WgAdd(wg, n_conns)
    request = [0] * n
    read_delay = [0] * n

    def handler(c: int, conn: Conn, ks: list[int]) -> GoroutineBody:
        j = 0
        while True:
            a = yield NetRead(conn)
            if a is None:  # EOF
                break
            k = ks[j]
            j += 1
            t = yield Now()
            yield from spin_ns(svc[k])
            done = yield Now()
            request[k] = done - a
            read_delay[k] = t - a
        yield WgDone(wg)

    t0 = rep.start((yield Now()))
    end = t0 + int(float(p["d"]) * 1e9)
    for c in range(n_conns):
        ks = list(range(c, n, n_conns))
        conn = Conn([t0 + arr[k] for k in ks], close_at=end, id=c)
        yield Go(handler, c, conn, ks)
    yield WgWait(wg)
    rep.end((yield Now()))
    rep.latency("request", request)
    rep.latency("read_delay", read_delay)
    rep.set("requests", n)
    rep.set("service_total_ns", sum(svc))
    rep.set("offered_util_per_core", float(sum(svc)) / (float(p["d"]) * 1e9) / rep.gomaxprocs)


SCENARIO = Scenario(
    name="net-server",
    summary="N connections, Poisson request arrivals (rate L) read via the netpoller, "
    "exponential service spin",
    params=(
        Param("conns", int, 64, "connections (one goroutine each)", minimum=1),
        Param("rate", float, 5000.0, "arrival rate L, requests per second", minimum=1e-9),
        Param("d", float, 1.0, "arrival window D, seconds", minimum=1e-9),
        Param("mean", float, 100.0, "mean service time M, microseconds (exponential)", minimum=0),
        Param("seed", int, 1, "RNG seed", minimum=0),
    ),
    settings={
        "default": {"conns": 64, "rate": 5000.0, "d": 1.0, "mean": 100.0},
        "light": {"conns": 16, "rate": 1000.0, "d": 1.0, "mean": 100.0},
        "heavy": {"conns": 256, "rate": 9000.0, "d": 1.0, "mean": 100.0},
    },
    primary="request",
    main=main,
    notes="Not in the reference corpus (no Go counterpart measured); uses the netpoller model.",
)
