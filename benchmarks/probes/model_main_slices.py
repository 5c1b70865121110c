"""The model's main-goroutine slices in fanout-cpu tiny (mechanism 390).

``GOSCHEDLAB_PURE=1 .venv/bin/python benchmarks/probes/model_main_slices.py COSTS GMP`` prints each
time main is preempted (goschedImpl, hooked in pure-Python mode) with the goroutines created so far.
"""
import sys

import goschedlab.runtime.proc as proc
from goschedlab.runtime.costs import load_costs
from goschedlab.workloads.driver import simulate

log = []
orig = proc.goschedImpl
def hook(rt, mp, gp, preempted):
    if gp is rt.main_g:
        log.append((rt.sim.now, rt.stats.goroutines_created, 'off'))
    return orig(rt, mp, gp, preempted)
proc.goschedImpl = hook
orig_exec = proc.execute
def hexec(rt, mp, gp, inh):
    if gp is rt.main_g:
        log.append((rt.sim.now, rt.stats.goroutines_created, 'on'))
    return orig_exec(rt, mp, gp, inh)
proc.execute = hexec
gmp = int(sys.argv[2])
out = simulate("fanout-cpu", setting="tiny", gomaxprocs=gmp, costs=load_costs(sys.argv[1]))
t0 = None
prev = None
for t, n, ev in log:
    print(f"{ev:3s} {t/1e6:8.2f} ms  created {n}")
