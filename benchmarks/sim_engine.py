"""Engine/runtime speed and memory, measured side by side in one run (prints, never asserts).

* simulated events/s (goroutine ops interpreted + engine heap events), heap events/s alone,
  and schedule()/s of the Go model on fanout-cpu with G=100000 x 1 us goroutines and
  on an open-arrival workload (Poisson arrivals, exponential service), next to the rate of a
  bare ``heapq`` push/pop loop measured in the same process (the pure-CPython ceiling);
  the ratio is the figure of merit (target >= 0.30).
* bytes per parked G with 1,000,000 goroutines blocked on channel receives (tracemalloc;
  target <= 500 bytes), including the G, its generator and its wait-queue slot.

Usage: python benchmarks/sim_engine.py [--quick]
"""

from __future__ import annotations

import gc
import heapq
import math
import sys
import time
import tracemalloc
from collections.abc import Generator
from typing import Any

from goschedlab.runtime import Config, Runtime
from goschedlab.workloads.ops import (
    Chan,
    Go,
    Now,
    Recv,
    Sleep,
    Spin,
    WaitGroup,
    WgAdd,
    WgDone,
    WgWait,
)

Body = Generator[Any, Any, Any]


def bare_heapq_rate(n: int) -> float:
    """push/pop pairs per second of a heap holding ~16 pending items (an event loop skeleton)."""
    h: list[tuple[int, int]] = [(i, i) for i in range(16)]
    heapq.heapify(h)
    push, pop = heapq.heappush, heapq.heappop
    t0 = time.perf_counter()
    for i in range(n):
        t, _ = pop(h)
        push(h, (t + 16, i))
    return n / (time.perf_counter() - t0)


def fanout(G: int, W: int) -> Any:
    def worker(wg: WaitGroup) -> Body:
        yield Now()
        yield Spin(W)
        yield Now()
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        yield WgAdd(wg, G)
        for _ in range(G):
            yield Go(worker, wg)
        yield WgWait(wg)

    return main


def open_arrivals(rate: float, duration_ns: int, mean_ns: int, seed: int) -> Any:
    import random

    rng = random.Random(seed)

    def handler(svc: int, wg: WaitGroup) -> Body:
        yield Now()
        yield Spin(svc)
        yield Now()
        yield WgDone(wg)

    def main() -> Body:
        wg = WaitGroup()
        t0 = yield Now()
        a = 0
        n = 0
        while True:
            a += round(-1e9 / rate * math.log(1 - rng.random()))
            if a > duration_ns:
                break
            now = yield Now()
            if now < t0 + a:
                yield Sleep(t0 + a - now)
            n += 1
            yield WgAdd(wg, 1)
            yield Go(handler, round(-mean_ns * math.log(1 - rng.random())), wg)
        yield WgWait(wg)
        return n

    return main


def measure(name: str, gmp: int, main: Any, bare: float) -> None:
    rt = Runtime(Config(gomaxprocs=gmp))
    gc.collect()
    t0 = time.perf_counter()
    res = rt.run(main)
    wall = time.perf_counter() - t0
    ev = res.events / wall
    hev = res.engine_events / wall
    sch = res.stats.schedules / wall
    print(
        f"{name:<27} GMP={gmp} wall {wall:5.2f}s | simulated events {ev / 1e3:5.0f} k/s"
        f" ratio {ev / bare:4.2f} | heap events {hev / 1e3:5.0f} k/s ratio {hev / bare:4.2f}"
        f" | schedule() {sch / 1e3:4.0f} k/s ratio {sch / bare:4.2f}"
        f" | makespan {res.makespan_ns / 1e6:.1f} ms"
    )


def parked_bytes(n: int) -> float:
    def blocked(ch: Chan) -> Body:
        yield Recv(ch)

    def main() -> Body:
        ch = Chan(0)
        for _ in range(n):
            yield Go(blocked, ch)
        yield Sleep(10**12)  # keep the process alive while all of them park

    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    rt = Runtime(Config(gomaxprocs=2))
    res = rt.run(main, until_ns=10**10)
    cur = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    parked = sum(1 for gp in rt.allgs if gp.waitreason_str == "chan receive")
    assert parked == n, (parked, res)
    return (cur - base) / n


def main() -> None:
    quick = "--quick" in sys.argv
    n_bare = 2_000_000 if not quick else 300_000
    bare = bare_heapq_rate(n_bare)
    print(f"bare heapq push/pop loop: {bare / 1e3:.0f} k pairs/s (the ceiling)")
    G = 100_000 if not quick else 10_000
    for gmp in (1, 2, 8):
        measure(f"fanout-cpu G={G} W=1us", gmp, fanout(G, 1_000), bare)
    dur = 2_000_000_000 if not quick else 200_000_000
    for gmp in (1, 2):
        measure("open arrivals 5000/s 100us", gmp, open_arrivals(5000, dur, 100_000, 1), bare)
    n = 1_000_000 if not quick else 100_000
    t0 = time.perf_counter()
    b = parked_bytes(n)
    print(
        f"parked goroutines: {n} blocked in chan receive: {b:.0f} bytes per parked G "
        f"(target <= 500; {time.perf_counter() - t0:.1f}s)"
    )


if __name__ == "__main__":
    main()
