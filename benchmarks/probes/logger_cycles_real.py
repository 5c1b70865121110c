# ruff: noqa
"""Real: the same from a runtime/trace of blocking-logger (-trace F) via goschedlab.trace (docs/validation.md mechanism 380).  python logger_cycles_real.py TRACE..."""
import sys, numpy as np, goschedlab.trace as T
B = [(20, 100), (100, 300), (300, 1000), (1000, 1e9)]
for fn in sys.argv[1:]:
    t = T.read(fn)
    gi = t.goroutine_intervals; ev = t.events
    run = gi[gi.state == 'running'].groupby('goid').duration_ns.sum().sort_values()
    lg = int(run.index[-1])
    L = gi[gi.goid == lg]
    ub = ev[(ev.name == 'GoUnblock') & (ev.goid == lg)].time_ns.values
    NR = L[L.state != 'running']
    rs = NR.start_ns.values; re_ = NR.end_ns.values
    out = {}
    for a, b in zip(ub[:-1], ub[1:]):
        ov = np.clip(np.minimum(re_, b) - np.maximum(rs, a), 0, None).sum() / 1e3
        ex = (b - a) / 1e3 - 200
        if ov > 0: k = 'go-off'; ex2 = ex
        else: k = 'on-M'; ex2 = ex
        for lo, hi in B:
            if lo <= ex2 < hi:
                c = out.setdefault((k, lo), [0, 0.0]); c[0] += 1; c[1] += ex2
    for k in sorted(out): print(fn, k, out[k][0], 'sum %.1f ms' % (out[k][1] / 1e3))
