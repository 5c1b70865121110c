# ruff: noqa
"""docs/validation.md mechanism 380.  python3 timer_wakee_preempts_real.py TRACE...  (tracefs captures as in mechanism 260).

Real: timer (irq) wake-ups of a process thread onto a vCPU running another process thread: preempt or not, by the wakee's last run."""
import sys, collections
from tracefs_text import load

for fn in sys.argv[1:]:
    ev, tids = load(fn, 'blocking-logger')
    t0 = min(e[0] for e in ev if e[2] in tids) + 50_000
    cur = {0: 0, 1: 0}; runstart = {}; lastrun = {}
    pend = {}  # wakee -> (ts, cpu, holder)
    cnt = collections.Counter()
    for ts, cpu, pid, flags, name, a in ev:
        if name != 'sched_switch' and pid != 0 and cur[cpu] == 0:
            cur[cpu] = pid; runstart[pid] = ts
        if name == 'sched_waking':
            w = int(a['pid'])
            if w in tids and flags[2:3] in ('h', 'H', 's') and ts >= t0:
                c = int(a['target_cpu'])
                pend[w] = (ts, c, cur.get(c, 0))
        elif name == 'sched_switch':
            pp, np_ = int(a['prev_pid']), int(a['next_pid'])
            if pp in runstart:
                lastrun[pp] = ts - runstart.pop(pp)
            cur[cpu] = np_; runstart[np_] = ts
            r = pend.pop(np_, None)
            if r is not None:
                ws, c, h = r
                if h in tids and h != np_:
                    lr = lastrun.get(np_, 1e9)
                    b = '<20us' if lr < 20 else '>=20us'
                    pre = (cpu == c and pp == h and a['prev_state'].startswith('R') and ts - ws < 50)
                    cnt[(b, 'preempts' if pre else 'waits/elsewhere')] += 1
    print(fn, dict(sorted(cnt.items())))
