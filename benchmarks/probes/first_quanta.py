"""fanout-cpu long in the model: sysmon's looks and the preemptions, relative to the phase start.

    GOSCHEDLAB_PURE=1 .venv/bin/python benchmarks/probes/first_quanta.py COSTS GMPS SEEDS

COSTS: ``corpus`` or a saved VM set name (``/work/vmreal/<set>/costs.toml``).  Prints per run the
makespan, sysmon's sleeps (time since the previous look, us) around the phase start and where
its back-off begins, and every preemptone with the P it targets.  The real counterpart is
tracefs of the Go program (sysmon's nanosleeps, uprobes on runtime.preemptone and
lab.(*Report).Begin; docs/validation.md mechanism 330).
"""

from __future__ import annotations

import sys
from typing import Any

from model_hooks import probe_runs, record_sysmon_looks

import goschedlab.runtime.sysmon as sm
from goschedlab.workloads.driver import simulate


def main() -> None:
    looks = record_sysmon_looks()
    pre: list[tuple[int, int]] = []
    p1 = sm.preemptone

    def preemptone(rt: Any, pp: Any) -> bool:
        pre.append((rt.sim.now, pp.id))
        return p1(rt, pp)

    sm.preemptone = preemptone
    for name, costs, g, seed in probe_runs(sys.argv[1:4]):
        looks.clear()
        pre.clear()
        out = simulate("fanout-cpu", setting="long", gomaxprocs=g, ncpu=2, seed=seed, costs=costs)
        per = [round((b - a) / 1e3) for a, b in zip([0, *looks], looks, strict=False)]
        ramp = next((i for i, p in enumerate(per) if p > 130), -1)
        print(f"{name} gmp{g} seed {seed}: makespan {out.result['makespan_ns'] / 1e6:.2f} ms, "
              f"last start {out.result.get('last_start_since_t0_ns', 0) / 1e6:.2f} ms; "
              f"looks {len(looks)}, first sleeps {per[:4]}, back-off from look {ramp} at "
              f"{looks[ramp] / 1e6 if ramp >= 0 else 0:.2f} ms: {per[ramp:ramp + 10]}")
        print("  preemptone (ms, P): " + ", ".join(f"{t / 1e6:.2f} P{p}" for t, p in pre))


if __name__ == "__main__":
    main()
