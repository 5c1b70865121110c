"""syscall-block: G goroutines alternate a blocking nanosleep syscall and a spin (refcorpus 5)."""

from __future__ import annotations

from typing import Any

from goschedlab.workloads.corpus._common import spin_ns, us_to_ns
from goschedlab.workloads.ops import (
    Go,
    GoroutineBody,
    Now,
    Syscall,
    WaitGroup,
    WgAdd,
    WgDone,
    WgWait,
)
from goschedlab.workloads.report import Report
from goschedlab.workloads.scenario import Param, Scenario

NANOSLEEP_SLACK_NS = 57_800
"""Linux adds the thread's timer slack to nanosleep: refcorpus calibrate
``syscall_nanosleep_1ns_actual_ns`` p50 = 57.8 us (GMP=1) on the reference machine
(timerslack_ns 50000).  The runtime models it (``Syscall(..., slack=True)``: the hrtimer
range [S, S + costs.timer_slack_ns], expired together with other sleepers', plus the
wake-up); this figure is the median a lone sleeper sees."""


def main(rep: Report, p: dict[str, Any]) -> GoroutineBody:
    """T0; G goroutines x R rounds of Now; nanosleep(S); Now; spin(W); Now; T1 after wg.Wait."""
    g: int = p["g"]
    r: int = p["r"]
    s_ns, w_ns = us_to_ns(p["s"]), us_to_ns(p["w"])
    rnd = [0] * (g * r)
    slp = [0] * (g * r)
    wg = WaitGroup()
    yield WgAdd(wg, g)
    threads_start = rep.threads()

    def worker(k: int) -> GoroutineBody:
        for i in range(r):
            t = yield Now()
            yield Syscall(s_ns, slack=True)  # nanosleep: timer slack in the kernel
            t2 = yield Now()
            yield from spin_ns(w_ns)
            t3 = yield Now()
            rnd[k * r + i] = t3 - t
            slp[k * r + i] = t2 - t
        yield WgDone(wg)

    rep.start((yield Now()))
    for k in range(g):
        yield Go(worker, k)
    yield WgWait(wg)
    rep.end((yield Now()))
    rep.latency("round", rnd)
    rep.latency("nanosleep", slp)
    rep.set("threads_before_phase", threads_start)
    rep.set("ideal_cpu_ns", float(g) * float(r) * float(w_ns))


SCENARIO = Scenario(
    name="syscall-block",
    summary="G goroutines x R rounds of nanosleep(S us) (a blocking syscall) then spin W us",
    params=(
        Param("g", int, 16, "goroutines", minimum=1),
        Param("s", float, 1000.0, "nanosleep per round, microseconds", minimum=0),
        Param("w", float, 100.0, "spin per round, microseconds", minimum=0),
        Param("r", int, 100, "rounds per goroutine", minimum=1),
    ),
    settings={
        "default": {"g": 16, "s": 1000.0, "w": 100.0, "r": 100},
        "light": {"g": 2, "s": 1000.0, "w": 100.0, "r": 200},
        "many": {"g": 64, "s": 100.0, "w": 20.0, "r": 200},
    },
    primary="round",
    main=main,
    notes="nanosleep lasts S + up to the timer slack (costs.timer_slack_ns, expired together with "
    "other sleepers' timers) + a wake-up: 57.8 us more for a lone short sleeper, as measured; "
    "a sleep long enough for the vCPU to halt wakes later (runtime/syscall.py: hrtimerWakeDelay).",
)
