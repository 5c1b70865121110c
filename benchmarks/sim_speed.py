"""End-to-end speed of `goschedlab simulate`, as a ratio to a bare heapq loop (prints only).

Times the whole ``simulate()`` call (scenario setup, runtime model, result assembly: the
latency summaries and the refcorpus-style JSON) for fanout-cpu ``tiny`` (G=100000 x 1 us)
and the open-arrival workload open-loop-server ``default`` (Poisson 5000 req/s for 2 s) at
GOMAXPROCS 1 and 2.  Per case: simulated events/s (``Result.events``: goroutine ops + engine
heap events) and schedule() calls/s, each divided by the rate of a bare ``heapq`` push/pop
loop measured in the same process just before (``bare``; the pure-CPython ceiling), and
events/s also divided by a pop+callback+push loop (``loop``).  Target (issue 2): events/s
>= 0.30 x bare.  benchmarks/sim_engine.py times the event loop alone (and memory).

    .venv/bin/python benchmarks/sim_speed.py [--quick]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sim_engine import bare_heapq_rate, callback_loop_rate  # noqa: E402

from goschedlab.workloads import simulate  # noqa: E402


def main() -> None:
    quick = "--quick" in sys.argv
    n_bare = 300_000 if quick else 1_000_000
    cases: list[tuple[str, str, list[str]]] = [
        ("fanout-cpu", "tiny", []),
        ("open-loop-server", "default", []),
    ]
    if quick:
        cases = [("fanout-cpu", "tiny", ["g=20000"]), ("open-loop-server", "default", ["d=0.5"])]
    print(
        f"{'workload':<28} {'GMP':>3} {'wall s':>7} {'events':>8} {'events/s':>9} "
        f"{'x bare':>6} {'x loop':>6} {'sched/s':>8} {'x bare':>6} {'bare M/s':>8} {'sim ms':>7}"
    )
    for name, setting, sets in cases:
        for gmp in (1, 2):
            bare = bare_heapq_rate(n_bare)
            loop = callback_loop_rate(n_bare // 2)
            t0 = time.perf_counter()
            out = simulate(name, setting=setting, overrides=sets, gomaxprocs=gmp)
            dt = time.perf_counter() - t0
            ev = out.run.events / dt
            sch = out.run.stats.schedules / dt
            label = f"{name} {setting}" + (" " + " ".join(sets) if sets else "")
            print(
                f"{label:<28} {gmp:>3} {dt:>7.2f} {out.run.events:>8} {ev:>9.0f} "
                f"{ev / bare:>6.2f} {ev / loop:>6.2f} {sch:>8.0f} {sch / bare:>6.3f} "
                f"{bare / 1e6:>8.2f} {out.result['makespan_ns'] / 1e6:>7.1f}"
            )


if __name__ == "__main__":
    main()
