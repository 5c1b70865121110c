"""Simulator speed and memory, measured side by side in one run (prints, never asserts).

What issue 2 item 10 asks, measured on the BUILT-IN scenarios (the same code `goschedlab
simulate` runs) with only the event loop timed (``Runtime.run``: scenario setup and result
assembly excluded; benchmarks/sim_speed.py times the whole ``simulate()`` call):

* fanout-cpu ``tiny`` (G=100000 goroutines x W=1 us) at GOMAXPROCS 1/2/8 and the
  open-arrival workload open-loop-server ``default`` (Poisson 5000 req/s for 2 s, exponential
  100 us service) at GOMAXPROCS 1/2;
* per case: simulated events/s (goroutine ops interpreted + engine heap events, i.e.
  ``Result.events``) and schedule() calls/s (``RuntimeStats.schedules``);
* beside the rate of a bare ``heapq`` push/pop loop measured in the same process right
  before each case (``bare``: pop + push of a (time, seq) tuple on a 16-item heap, the
  pure-CPython ceiling) and, for reference, of the same loop dispatching a callback per event
  (``loop``: what any heap-driven simulator must at least do).  The figure of merit is
  ``events/s / bare`` (target >= 0.30); the best of ``--repeat`` runs is reported;
* bytes per parked G with 1,000,000 goroutines blocked in a channel receive (tracemalloc;
  target <= 500), including the G, its generator and its wait-queue slot.

    .venv/bin/python benchmarks/sim_engine.py [--quick] [--repeat N] [--no-memory] [--no-pure]

The simulator core runs compiled (mypyc, ``pip install -e .`` with a C compiler) unless
GOSCHEDLAB_PURE=1; with the compiled core the same cases are then rerun on the pure-Python
core in a subprocess (``--no-pure`` skips that), so both builds are measured in one run.
"""

from __future__ import annotations

import gc
import heapq
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Generator
from typing import Any

from goschedlab.observe.metrics import mcount, probe_runtime
from goschedlab.runtime import Config, Result, Runtime
from goschedlab.workloads import builtin_registry
from goschedlab.workloads.ops import Chan, Go, Recv, Sleep
from goschedlab.workloads.report import Report

Body = Generator[Any, Any, Any]


def bare_heapq_rate(n: int) -> float:
    """push/pop pairs per second of a heap holding 16 pending (time, seq) items."""
    h: list[tuple[int, int]] = [(i, i) for i in range(16)]
    heapq.heapify(h)
    push, pop = heapq.heappush, heapq.heappop
    t0 = time.perf_counter()
    for i in range(n):
        t, _ = pop(h)
        push(h, (t + 16, i))
    return n / (time.perf_counter() - t0)


def callback_loop_rate(n: int) -> float:
    """Events/s of a minimal event loop: pop (time, seq, fn, arg), call fn(arg), push one."""
    count = [0]

    def cb(x: object) -> None:
        count[0] += 1

    h: list[tuple[int, int, Any, Any]] = [(i, i, cb, None) for i in range(16)]
    heapq.heapify(h)
    push, pop = heapq.heappush, heapq.heappop
    t0 = time.perf_counter()
    for i in range(n):
        t, _s, fn, arg = pop(h)
        fn(arg)
        push(h, (t + 16, i, cb, None))
    return n / (time.perf_counter() - t0)


def run_scenario(name: str, setting: str, gmp: int) -> tuple[Result, float]:
    """Run a built-in scenario on a fresh Runtime as `simulate` does; (result, wall s of run)."""
    sc = builtin_registry().get(name)
    params = sc.resolve(setting, [])
    rt = Runtime(Config(gomaxprocs=gmp, ncpu=gmp))
    rep = Report(
        probe=lambda: probe_runtime(rt, 100),
        threads=lambda: mcount(rt),
        gomaxprocs=gmp,
        costs=rt.costs,
    )
    gc.collect()
    t0 = time.perf_counter()
    res = rt.run(sc.main, rep, params)
    wall = time.perf_counter() - t0
    if res.exit_code != 0:
        raise SystemExit(f"{name} {setting} GMP={gmp} died: {res.fatal}")
    return res, wall


def measure(name: str, setting: str, gmp: int, repeat: int, n_bare: int) -> None:
    best: tuple[float, float, float, float, Result, float] | None = None
    for _ in range(repeat):
        bare = bare_heapq_rate(n_bare)
        loop = callback_loop_rate(n_bare // 2)
        res, wall = run_scenario(name, setting, gmp)
        ev = res.events / wall
        if best is None or ev / bare > best[0] / best[1]:
            best = (ev, bare, loop, res.stats.schedules / wall, res, wall)
    assert best is not None
    ev, bare, loop, sch, res, wall = best
    print(
        f"{name + ' ' + setting:<26} GMP={gmp} | wall {wall:5.2f}s {res.events:>8} events"
        f" {ev / 1e3:5.0f} k/s = {ev / bare:4.2f} x bare, {ev / loop:4.2f} x loop"
        f" | schedule() {res.stats.schedules:>7} {sch / 1e3:4.0f} k/s = {sch / bare:5.3f} x bare"
        f" | (bare {bare / 1e6:.2f} M/s, loop {loop / 1e6:.2f} M/s)"
    )


def parked_bytes(n: int) -> float:
    """Bytes per goroutine blocked in a receive on one unbuffered channel (tracemalloc)."""

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
    if parked != n:
        raise SystemExit(f"parked goroutines: expected {n}, found {parked} ({res})")
    return (cur - base) / n


def main() -> None:
    quick = "--quick" in sys.argv
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 2
    n_bare = 300_000 if quick else 1_000_000
    from goschedlab import _build

    print(f"simulator core: {_build.mode()}")
    print(
        "events = goroutine ops interpreted + engine heap events; bare = heapq push/pop pairs/s;"
        " loop = pop + callback + push events/s (both measured before each case)"
    )
    for gmp in (1, 2, 8):
        measure("fanout-cpu", "tiny", gmp, 1 if quick else repeat, n_bare)
    for gmp in (1, 2):
        measure("open-loop-server", "default", gmp, 1 if quick else repeat, n_bare)
    if _build.compiled_active() and "--no-pure" not in sys.argv:
        # The same cases on the pure-Python core, right after (GOSCHEDLAB_PURE=1 subprocess).
        args = [a for a in sys.argv[1:] if a != "--no-memory"] + ["--no-memory", "--no-pure"]
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, *args], check=True,
                       env=dict(os.environ, GOSCHEDLAB_PURE="1"))
    if "--no-memory" in sys.argv:
        return
    n = 100_000 if quick else 1_000_000
    t0 = time.perf_counter()
    b = parked_bytes(n)
    print(
        f"parked goroutines: {n} blocked in chan receive: {b:.0f} bytes per parked G "
        f"(target <= 500; {time.perf_counter() - t0:.1f}s)"
    )


if __name__ == "__main__":
    main()
