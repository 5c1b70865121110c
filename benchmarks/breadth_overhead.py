"""Cost of the runtime-breadth models (GC, netpoller, CPU quota, NUMA) in simulator speed.

Prints (does not assert), measured side by side in one run, the wall time of `simulate()` with
each mechanism on versus off on the same workload, and the ratio on/off:

* GC: gc-churn default at GOMAXPROCS 2, GOGC=100 (about 15 cycles: STWs, mark workers,
  assists) versus GOGC=off (-1 via its own -gogc flag, allocation costs only).
* CPU quota: open-loop-server default at GOMAXPROCS 8, --cpu-quota 2.0 versus none.
* NUMA: pipeline default at GOMAXPROCS 4, --numa 2x2 versus none.
* Netpoller: net-server default (64 connections, 5000 req/s for 1 s) at GOMAXPROCS 2, its
  simulated events/s next to open-loop-server's (same arrival process, goroutine per request).

Target: each on/off ratio <= 1.5 (the models must not dominate a run).

    .venv/bin/python benchmarks/breadth_overhead.py
"""

from __future__ import annotations

import time
from typing import Any

from goschedlab.workloads import simulate


def _time(reps: int, **kw: Any) -> tuple[float, Any]:
    best = float("inf")
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = simulate(**kw)
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    reps = 3
    rows: list[tuple[str, float, float]] = []
    on, o = _time(reps, workload="gc-churn", gomaxprocs=2)
    off, f = _time(reps, workload="gc-churn", gomaxprocs=2, overrides={"gogc": -1})
    assert f.runtime.gc.numgc == 1  # only the runtime.GC() before T0
    print(f"GC cycles in gc-churn default GMP=2: {o.runtime.gc.numgc}")
    rows.append(("GC (gc-churn, GOGC=100 vs off)", on, off))
    on, o = _time(reps, workload="open-loop-server", gomaxprocs=8, cpu_quota=2.0)
    off, _ = _time(reps, workload="open-loop-server", gomaxprocs=8)
    rows.append(("CPU quota (open-loop-server, 2.0 vs none)", on, off))
    on, o = _time(reps, workload="pipeline", gomaxprocs=4, numa="2x2")
    off, _ = _time(reps, workload="pipeline", gomaxprocs=4)
    print(f"remote migrations in pipeline with --numa 2x2: {o.run.stats.migrations_remote}")
    rows.append(("NUMA (pipeline, 2x2 vs none)", on, off))
    for name, a, b in rows:
        print(f"{name:<45} on {a * 1e3:8.1f} ms  off {b * 1e3:8.1f} ms  ratio {a / b:5.2f}")
    tn, n = _time(reps, workload="net-server", gomaxprocs=2)
    to, ol = _time(reps, workload="open-loop-server", gomaxprocs=2, overrides={"d": 1.0})
    rn = n.run.events / tn
    ro = ol.run.events / to
    print(
        f"net-server {rn / 1e6:.2f} M events/s vs open-loop-server {ro / 1e6:.2f} M events/s"
        f"  ratio {rn / ro:5.2f}"
    )


if __name__ == "__main__":
    main()
