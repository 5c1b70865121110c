"""End-to-end simulation speed of `goschedlab simulate`, as a ratio to a bare heapq loop.

Prints (does not assert) for fanout-cpu `tiny` (100000 goroutines x 1 us) and the open-arrival
workload open-loop-server `default` (10114 requests over 2 s), at GOMAXPROCS 1 and 2:
simulated events/s and schedule() calls/s of the whole `simulate()` call (scenario setup,
runtime model, result assembly), and the same events/s divided by the rate of a bare
`heapq` push/pop loop with a callback (the pure-CPython ceiling of any event-driven
simulator), measured in the same process just before.  Target (issue 2): >= 0.30.

    .venv/bin/python benchmarks/sim_speed.py [--quick]
"""

from __future__ import annotations

import heapq
import sys
import time

from goschedlab.workloads import simulate


def bare_heapq_rate(n: int = 1_000_000) -> float:
    """Events/s of a minimal event loop: heappush/heappop of (time, seq, fn, arg) + call."""
    h: list[tuple[int, int, object, object]] = []
    push, pop = heapq.heappush, heapq.heappop
    count = [0]

    def cb(x: object) -> None:
        count[0] += 1

    # a standing population of 64 pending events, like a few Ms / timers
    for i in range(64):
        push(h, (i, i, cb, None))
    seq = 64
    t0 = time.perf_counter()
    for _ in range(n):
        t, _s, fn, arg = pop(h)
        fn(arg)  # type: ignore[operator]
        seq += 1
        push(h, (t + 100 + (seq & 63), seq, cb, None))
    dt = time.perf_counter() - t0
    return n / dt


def main() -> None:
    quick = "--quick" in sys.argv
    base = bare_heapq_rate(300_000 if quick else 1_000_000)
    print(f"bare heapq loop: {base / 1e6:.2f} M events/s (ceiling)")
    cases = [("fanout-cpu", "tiny", []), ("open-loop-server", "default", [])]
    if quick:
        cases = [("fanout-cpu", "tiny", ["g=20000"]), ("open-loop-server", "default", ["d=0.5"])]
    print(
        f"{'workload':<28} {'GMP':>3} {'wall s':>7} {'events':>9} {'events/s':>10} "
        f"{'ratio':>6} {'schedule/s':>10} {'sim ms':>8}"
    )
    for name, setting, sets in cases:
        for gmp in (1, 2):
            t0 = time.perf_counter()
            out = simulate(name, setting=setting, overrides=sets, gomaxprocs=gmp)
            dt = time.perf_counter() - t0
            ev = out.run.events
            sch = out.run.stats.schedules
            label = f"{name} {setting}" + (" " + " ".join(sets) if sets else "")
            print(
                f"{label:<28} {gmp:>3} {dt:>7.2f} {ev:>9} {ev / dt:>10.0f} "
                f"{ev / dt / base:>6.2f} {sch / dt:>10.0f} {out.result['makespan_ns'] / 1e6:>8.1f}"
            )


if __name__ == "__main__":
    main()
