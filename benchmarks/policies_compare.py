"""Speed of ``goschedlab compare`` and cost of the policy hooks, measured side by side.

Prints (1) wall time of the same comparison with 1 worker and with N workers and their ratio
(target: close to N on an idle N-core machine), and (2) simulation time per run under each
built-in policy relative to go1.23 (target: the hooks add < 25 %).

    .venv/bin/python benchmarks/policies_compare.py [--jobs N]
"""

from __future__ import annotations

import argparse
import time

from goschedlab.report.compare import RunSpec, compare, default_jobs, run_one


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=default_jobs())
    a = ap.parse_args()
    args = ("fanout-cpu", ["go1.23", "locked-steal", "hotfix"], list(range(1, 7)))
    kw = {"gomaxprocs": 16, "overrides": {"g": "12000", "w": "2"}}
    t0 = time.perf_counter()
    r1 = compare(*args, jobs=1, **kw)
    t1 = time.perf_counter()
    rn = compare(*args, jobs=a.jobs, **kw)
    t2 = time.perf_counter()
    assert r1.to_json() == rn.to_json(), "parallel result differs from serial"
    print(f"compare 3 policies x 6 seeds: jobs=1 {t1 - t0:.2f} s, jobs={a.jobs} {t2 - t1:.2f} s,"
          f" speed-up {(t1 - t0) / (t2 - t1):.2f}x")
    per: dict[str, float] = {}
    for pol in ("go1.23", "locked-steal", "hotfix"):
        s = time.perf_counter()
        for seed in range(1, 6):
            run_one(RunSpec("fanout-cpu", pol, seed, 16, None, (("g", "12000"), ("w", "2"))))
        per[pol] = (time.perf_counter() - s) / 5
    for pol, t in per.items():
        print(f"{pol:13s} {t * 1e3:7.1f} ms/run  ratio vs go1.23 {t / per['go1.23']:.2f}")


if __name__ == "__main__":
    main()
