"""sysmon in the model's syscall-block many: its periods and the Ps' syscall episodes.

    GOSCHEDLAB_PURE=1 .venv/bin/python benchmarks/probes/sysmon_periods.py COSTS GMPS SEEDS

COSTS: ``corpus`` (default costs) or a saved VM set name (``/work/vmreal/<set>/costs.toml``);
GMPS, SEEDS: comma lists.  Prints, per run, sysmon's looks (iterations of its loop) by the time
since the previous one (the share of the run spent in each band: > 1 ms is a backed-off delay),
its retakes, and how long a P stays in one system call (a ``_Psyscall`` episode) and how such
episodes end.  The real counterpart is ``perf sched record`` of the Go program and ``perf sched
timehist`` of sysmon's thread (docs/validation.md mechanism 140).  Needs the pure-Python model
(``GOSCHEDLAB_PURE=1``): it wraps sysmonBody and casPstatus.
"""

from __future__ import annotations

import collections
import sys

from model_hooks import probe_runs, record_syscall_episodes, record_sysmon_looks

from goschedlab.workloads.driver import simulate

BANDS = ((0, 70), (70, 130), (130, 250), (250, 1000), (1000, 10**12))


def main() -> None:
    looks = record_sysmon_looks()
    episodes, start = record_syscall_episodes()
    for name, costs, g, seed in probe_runs(sys.argv[1:4]):
        looks.clear()
        episodes.clear()
        start.clear()
        out = simulate("syscall-block", setting="many", gomaxprocs=g, ncpu=2, seed=seed,
                       costs=costs)
        per = [(b - a) / 1e3 for a, b in zip(looks, looks[1:], strict=False)]
        tot = sum(per) or 1.0
        bands = []
        for lo, hi in BANDS:
            xs = [p for p in per if lo <= p < hi]
            bands.append(f"{lo}-{hi if hi < 10**9 else 'inf'} us: {len(xs)} / "
                         f"{100 * sum(xs) / tot:.0f} %")
        ends = collections.Counter(w for _, w in episodes)
        n = max(len(episodes), 1)
        long_ = sum(1 for d, _ in episodes if d >= 90)
        print(f"{name} many gmp{g} seed {seed}: makespan "
              f"{out.result['makespan_ns'] / 1e6:.0f} ms, looks {len(looks)}, retakes "
              f"{out.run.stats.syscall_retakes}, slow exits {out.run.stats.exitsyscall_slow}")
        print("  periods (count / share of the run): " + "; ".join(bands))
        print(f"  P syscall episodes {len(episodes)}, ended by {dict(ends)}, >= 90 us: "
              f"{long_} ({100 * long_ / n:.0f} %)")


if __name__ == "__main__":
    main()
