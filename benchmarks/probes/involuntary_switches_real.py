# ruff: noqa
"""docs/validation.md mechanism 380.  python3 involuntary_switches_real.py TRACE...  (tracefs text captures as mechanism 260 cap.sh: sched_switch/waking/wakeup/migrate, hrtimer_expire_entry).

Real (tracefs): involuntary switch-outs of process threads (prev_state=R) - who took the vCPU and how long the preempted thread waited."""
import sys, collections, numpy as np
from tracefs_text import load

for fn in sys.argv[1:]:
    ev, tids = load(fn, 'blocking-logger')
    t0 = min(e[0] for e in ev if e[2] in tids) + 50_000
    tend = max(e[0] for e in ev if e[2] in tids)
    lastwake = {}   # pid -> (ts, ctx, waker)
    lasttick = {0: -1e18, 1: -1e18}
    pend = {}       # preempted pid -> (ts, cat)
    res = collections.defaultdict(list)
    for ts, cpu, pid, flags, name, a in ev:
        if name == 'hrtimer_expire_entry' and a.get('function') == 'tick_nohz_handler':
            lasttick[cpu] = ts
        elif name == 'sched_waking':
            w = int(a['pid'])
            if w in tids:
                ctx = 'irq' if ('h' in flags[2:3] or 's' in flags[2:3] or flags[2:3] == 'H') else 'task'
                lastwake[w] = (ts, ctx, pid)
        elif name == 'sched_switch':
            pp, np_ = int(a['prev_pid']), int(a['next_pid'])
            if np_ in pend:
                s, cat = pend.pop(np_)
                if s >= t0:
                    res[cat].append(ts - s)
            if pp in tids and a['prev_state'].startswith('R'):
                if np_ in tids:
                    lw = lastwake.get(np_)
                    if lw and ts - lw[0] < 200:
                        cat = 'wakee:' + ('timer' if lw[1] == 'irq' else ('go-futex-by-prev' if lw[2] == pp else 'go-futex-other'))
                    else:
                        cat = 'turn(runnable,no recent wake)' + (' at tick' if ts - lasttick[cpu] < 20 else '')
                else:
                    cat = 'non-process'
                pend[pp] = (ts, cat)
    dur = (tend - t0) / 1e6
    print(fn, 'window %.2f s' % dur)
    for k in sorted(res):
        v = np.array(res[k])
        print('  %-40s n=%5d (%4.0f/s) off p50/p90/p99 %6.1f/%6.1f/%6.1f us sum %.1f ms; >100us n=%d sum %.1f ms' % (k, len(v), len(v)/dur, *np.percentile(v, [50, 90, 99]), v.sum()/1e3, (v>100).sum(), v[v>100].sum()/1e3))
