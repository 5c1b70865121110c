"""pingpong: P pairs bounce a token over an unbuffered channel, R round trips (refcorpus 2)."""

from __future__ import annotations

from typing import Any

from goschedlab.workloads.corpus._common import spin_ns, us_to_ns
from goschedlab.workloads.ops import (
    Chan,
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
from goschedlab.workloads.scenario import Param, Scenario


def main(rep: Report, p: dict[str, Any]) -> GoroutineBody:
    """T0; start B (echo) then A (initiator) of every pair; wait for all A; T1."""
    R: int = p["r"]
    P: int = p["pairs"]
    spin = us_to_ns(p["w"])
    chans = [Chan(0) for _ in range(P)]
    pair_end = [0] * P
    wg = WaitGroup()
    yield WgAdd(wg, P)

    def b(k: int) -> GoroutineBody:
        ch = chans[k]
        for _ in range(R):
            v, _ok = yield Recv(ch)
            yield from spin_ns(spin)
            yield Send(ch, v)

    def a(k: int) -> GoroutineBody:
        ch = chans[k]
        for i in range(R):
            yield Send(ch, i)
            yield Recv(ch)
            yield from spin_ns(spin)
        pair_end[k] = yield Now()
        yield WgDone(wg)

    t0 = rep.start((yield Now()))
    for k in range(P):
        yield Go(b, k)
        yield Go(a, k)
    yield WgWait(wg)
    t1 = rep.end((yield Now()))
    rep.latency("pair_finish_since_t0", [pair_end[k] - t0 for k in range(P)])
    rep.set("ns_per_roundtrip", float(t1 - t0) / float(R))
    rep.set("ns_per_handoff", float(t1 - t0) / float(2 * R))
    rep.set("total_roundtrips", R * P)


SCENARIO = Scenario(
    name="pingpong",
    summary="P pairs of goroutines bounce a token over an unbuffered channel, R round trips each",
    params=(
        Param("r", int, 200000, "round trips per pair", minimum=1),
        Param("pairs", int, 1, "number of independent ping-pong pairs", minimum=1),
        Param("w", float, 0.0, "spin after each receive, microseconds (both sides)", minimum=0),
    ),
    settings={
        "default": {"r": 200000},
        "spin": {"r": 20000, "w": 20.0},
        "pairs8": {"r": 50000, "pairs": 8},
    },
    primary="pair_finish_since_t0",
    main=main,
)
