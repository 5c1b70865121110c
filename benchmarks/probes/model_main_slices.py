"""The model's main-goroutine slices in fanout-cpu tiny (mechanism 390).

``GOSCHEDLAB_PURE=1 .venv/bin/python benchmarks/probes/model_main_slices.py COSTS GMP`` prints each
time main is preempted (goschedImpl, hooked in pure-Python mode) with the goroutines created so far.
"""
import sys

import goschedlab.runtime.proc as proc
from goschedlab.runtime.costs import load_costs
from goschedlab.workloads.driver import simulate

log = []


def recording(fn, tag):
    """``fn`` wrapped to log (now, goroutines created, tag) whenever it is called for main."""

    def hook(rt, mp, gp, *args):
        if gp is rt.main_g:
            log.append((rt.sim.now, rt.stats.goroutines_created, tag))
        return fn(rt, mp, gp, *args)

    return hook


proc.goschedImpl = recording(proc.goschedImpl, "off")
proc.execute = recording(proc.execute, "on")
gmp = int(sys.argv[2])
out = simulate("fanout-cpu", setting="tiny", gomaxprocs=gmp, costs=load_costs(sys.argv[1]))
for t, n, ev in log:
    print(f"{ev:3s} {t/1e6:8.2f} ms  created {n}")
