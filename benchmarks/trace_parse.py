"""Trace-reader throughput and peak memory beside Go's own parser, measured in one run.

    .venv/bin/python benchmarks/trace_parse.py [--n 220000] [--trace FILE] [--keep]

1. Builds tests/data/traces/progs (tracegen) with Go 1.23.1 and runs its ``big`` mode
   (GOMAXPROCS=2) to get a trace of >= 50 MB (unless ``--trace`` names one).
2. Times, each in its own subprocess (ru_maxrss of that child = its peak RSS):
   * ``go tool trace -d=2 FILE > /dev/null`` (Go's raw decode + print),
   * ``go tool trace -d=1 FILE > /dev/null`` (Go's ordered parse + print),
   * ours, raw: every batch of every generation decoded (``wire.decode_event_batch``),
   * ours, ordered: ``goschedlab.trace.open(FILE).records()`` (Go's merge, like -d=1),
   * ours, intervals: ``goschedlab.trace.read(FILE, events=False)``.
3. Prints MB/s, ratios to Go, and our peak RSS above the interpreter's baseline (RSS after
   imports, measured in the same child) relative to the largest generation.

Targets (issue 5): >= 0.5x Go's -d=2 throughput; peak memory <= 2x the largest generation.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "data" / "traces"))

CHILD = r"""
import json, sys, time
mode, path = sys.argv[1], sys.argv[2]


def status_kb(key):
    # /proc/self/status, not ru_maxrss: Linux carries ru_maxrss over exec from the parent.
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


import numpy  # noqa: F401
import goschedlab.trace as T
from goschedlab.trace import wire
from goschedlab.trace.generation import iter_generations, open_trace
if mode == "intervals":
    import pandas  # noqa: F401
base = status_kb("VmRSS")
t0 = time.perf_counter()
n = 0
largest = 0
if mode == "raw":
    f, ver, size = open_trace(path)
    for g in iter_generations(f, ver, size, path):
        largest = max(largest, g.nbytes)
        for batches in g.batches.values():
            for b in batches:
                n += len(wire.decode_event_batch(b.data, b.ts, ver, path, b.offset)[0])
        g = None
elif mode == "ordered":
    with T.open(path) as r:
        for _ in r.records():
            n += 1
else:
    t = T.read(path, events=False)
    n = len(t.goroutine_intervals)
dt = time.perf_counter() - t0
peak = status_kb("VmHWM")
print(json.dumps({"seconds": dt, "n": n, "base_kb": base, "peak_kb": peak,
                  "largest_gen": largest}))
"""


def run_go(go: str, env: dict[str, str], level: int, path: Path) -> tuple[float, int]:
    """(seconds, peak RSS kB) of `go tool trace -d=LEVEL path > /dev/null` (the parser child;
    the `go` wrapper execs the tool binary, whose RSS dominates)."""
    script = (
        "import resource, subprocess, sys, time\n"
        "t0 = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
        "dt = time.perf_counter() - t0\n"
        "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, go, "tool", "trace", f"-d={level}",
                          str(path)], env=env, capture_output=True, text=True, check=True)
    secs, kb = out.stdout.split()
    return float(secs), int(kb)


def run_ours(mode: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(path)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def largest_generation(path: Path) -> tuple[int, int]:
    from goschedlab.trace.generation import iter_generations, open_trace

    f, ver, size = open_trace(str(path))
    with f:
        sizes = [g.nbytes for g in iter_generations(f, ver, size, str(path))]
    return max(sizes), len(sizes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=220_000, help="tracegen big -n (size of the run)")
    ap.add_argument("--trace", type=Path, help="use this trace instead of generating one")
    ap.add_argument("--keep", action="store_true", help="keep the generated trace")
    ap.add_argument("--skip-d1", action="store_true", help="do not time go tool trace -d=1")
    args = ap.parse_args()

    import regen

    from goschedlab.realgo import ensure_go

    tc = ensure_go("1.23.1", quiet=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.trace:
            path = args.trace
        else:
            path = work / "big.trace"
            t0 = time.perf_counter()
            regen.generate("1.23.1", "big", args.n, 2, "", path, work)
            print(f"generated {path.stat().st_size / 1e6:.1f} MB trace with go1.23.1 "
                  f"(tracegen -mode big -n {args.n}, GOMAXPROCS=2) in "
                  f"{time.perf_counter() - t0:.1f} s")
        mb = path.stat().st_size / 1e6
        big, ngen = largest_generation(path)
        print(f"file {mb:.1f} MB, {ngen} generations, largest generation {big / 1e6:.1f} MB")
        env = tc.env()
        go_d2 = run_go(str(tc.go), env, 2, path)
        go_d1 = None if args.skip_d1 else run_go(str(tc.go), env, 1, path)
        raw = run_ours("raw", path)
        ordered = run_ours("ordered", path)
        inter = run_ours("intervals", path)
        if args.keep and not args.trace:
            dst = ROOT / "benchmarks" / "big.trace"
            os.replace(path, dst)
            print(f"kept {dst}")

    def mbps(s: float) -> float:
        return mb / s

    print(f"\n{'parser':44} {'seconds':>8} {'MB/s':>7} {'peak RSS MB':>12}")
    print(f"{'go tool trace -d=2 > /dev/null':44} {go_d2[0]:8.2f} {mbps(go_d2[0]):7.2f} "
          f"{go_d2[1] / 1e3:12.1f}")
    if go_d1:
        print(f"{'go tool trace -d=1 > /dev/null':44} {go_d1[0]:8.2f} {mbps(go_d1[0]):7.2f} "
              f"{go_d1[1] / 1e3:12.1f}")
    for name, r in (("goschedlab raw decode (all batches)", raw),
                    ("goschedlab ordered records (Go's merge)", ordered),
                    ("goschedlab read(events=False) (intervals)", inter)):
        extra = (r["peak_kb"] - r["base_kb"]) / 1e3
        print(f"{name:44} {r['seconds']:8.2f} {mbps(r['seconds']):7.2f} "
              f"{r['peak_kb'] / 1e3:12.1f}  (+{extra:.1f} above import baseline)")
    print("\nratios")
    print(f"  throughput raw decode / go -d=2        = {go_d2[0] / raw['seconds']:.2f}x "
          "(target >= 0.5x)")
    print(f"  throughput ordered    / go -d=2        = {go_d2[0] / ordered['seconds']:.2f}x")
    if go_d1:
        print(f"  throughput ordered    / go -d=1        = {go_d1[0] / ordered['seconds']:.2f}x")
    for name, r in (("raw", raw), ("ordered", ordered), ("intervals", inter)):
        extra = (r["peak_kb"] - r["base_kb"]) * 1e3
        print(f"  peak memory {name:9} / largest generation = {extra / big:.2f}x "
              "(target <= 2x; RSS above the import baseline)")
    print(f"  events: {ordered['n']} merged records")


if __name__ == "__main__":
    main()
