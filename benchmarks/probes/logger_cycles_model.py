# ruff: noqa
"""Model: the blocking-logger logger's record cycles (goready to goready) by whether the logger G left its M (go-off) or stayed on it (on-M), by excess over K=200 us (docs/validation.md mechanism 380).  .venv/bin/python logger_cycles_model.py COSTS SETTING"""
import os, sys, numpy as np
os.environ['GOSCHEDLAB_PURE'] = '1'
from goschedlab.runtime import chan, proc
from goschedlab.runtime.costs import load_costs
from goschedlab.workloads import simulate
costs = load_costs(sys.argv[1])
T = {}; EX = {}
old = chan.goready
def goready(rt, mp, gp, *a):
    r = mp.curg
    if r is not None: T.setdefault(r.goid, []).append(rt.sim.now + mp.debt)
    return old(rt, mp, gp, *a)
chan.goready = goready
def started(rt, mp):
    gp = mp.curg
    if gp is not None: EX.setdefault(gp.goid, []).append(rt.sim.now + mp.debt)
old_exec = proc.execute
def execute(rt, mp, gp, inh):
    old_exec(rt, mp, gp, inh); started(rt, mp)
proc.execute = execute
old_sched = proc.schedule
def schedule(rt, mp):
    r = old_sched(rt, mp)
    if r: started(rt, mp)
    return r
proc.schedule = schedule
st = sys.argv[2] if len(sys.argv) > 2 else 'heavy-c0'
out = simulate('blocking-logger', setting=st, gomaxprocs=2, ncpu=2, seed=1, costs=costs)
lg = max(T, key=lambda k: len(T[k]))
ub = np.array(T[lg]); ex_t = np.array(sorted(EX.get(lg, [])))
B = [(20, 100), (100, 300), (300, 1000), (1000, 1e9)]
res = {}
for a, b in zip(ub[:-1], ub[1:]):
    n = np.searchsorted(ex_t, b, 'right') - np.searchsorted(ex_t, a, 'right')
    k = 'go-off' if n > 0 else 'on-M'
    ex = (b - a) / 1e3 - 200
    for lo, hi in B:
        if lo <= ex < hi:
            c = res.setdefault((k, lo), [0, 0.0]); c[0] += 1; c[1] += ex
for k in sorted(res): print('model', st, k, res[k][0], 'sum %.1f ms' % (res[k][1] / 1e3))
