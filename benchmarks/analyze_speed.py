"""Throughput of the GODEBUG log reader and wall time of `diff`, measured side by side.

Builds a ~20 MB log from the real captured lines in tests/data/logs (schedtrace, scheddetail,
gctrace, with program output in between), then prints:

* our reader's MB/s beside a bare Python loop that only splits lines and tests a prefix (the
  floor any line-based Python reader pays), and their ratio;
* the wall time of one `diff` of 5 vs 5 real runtime/metrics dumps (all metrics).

Run: .venv/bin/python benchmarks/analyze_speed.py
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from goschedlab.analyze import diff_files
from goschedlab.analyze.godebug import parse_godebug_text

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "tests" / "data" / "logs"
METRICS = ROOT / "tests" / "data" / "metrics"


def build_log(target_mb: float = 20.0) -> str:
    parts = [
        (LOGS / "fanout-cpu-default-gmp2-schedtrace10.log").read_text(),
        (LOGS / "fanout-cpu-default-gmp2-schedtrace10-scheddetail1.first200.log").read_text(),
        (LOGS / "gc-churn-default-gmp2-gctrace.log").read_text(),
        "request 17 served in 1.2ms\nworker pool resized\n",
    ]
    chunk = "".join(parts)
    return chunk * max(1, int(target_mb * 1e6 / len(chunk)))


def bare_loop(text: str) -> int:
    n = 0
    for ln in text.splitlines():
        if ln.startswith(("SCHED", "gc ", "  P", "  M", "  G")):
            n += 1
    return n


def main() -> None:
    text = build_log()
    mb = len(text.encode()) / 1e6
    t0 = time.perf_counter()
    bare_loop(text)
    t_bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    log = parse_godebug_text(text, "bench.log")
    t_ours = time.perf_counter() - t0
    # Memory on a quarter of the log (tracemalloc slows allocation down a lot).
    small = text[: len(text) // 4]
    tracemalloc.start()
    parse_godebug_text(small, "bench.log")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mb_small = len(small.encode()) / 1e6
    print(f"log: {mb:.1f} MB, {len(log.sched)} SCHED records, {len(log.gc)} GC cycles")
    print(f"bare split+prefix loop: {mb / t_bare:8.1f} MB/s")
    print(f"goschedlab reader:      {mb / t_ours:8.1f} MB/s  (ratio to bare loop "
          f"{t_bare / t_ours:.3f})")
    print(f"peak Python memory parsing {mb_small:.1f} MB: {peak / 1e6:.0f} MB "
          f"({peak / 1e6 / mb_small:.1f}x the text)")
    base = sorted((METRICS / "go1.22.10").glob("*.json"))
    cand = sorted((METRICS / "go1.23.1").glob("blocking-logger-*.json"))
    t0 = time.perf_counter()
    rep = diff_files(base, cand)
    t_diff = time.perf_counter() - t0
    print(f"diff 5 vs 5 dumps, {len(rep.metrics)} metrics: {t_diff:.2f} s, verdict {rep.verdict}")


if __name__ == "__main__":
    main()
