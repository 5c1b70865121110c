# ruff: noqa: E501
"""Model probe (mechanism 370): syscall-block GOMAXPROCS=1 - sysmon looks, retakes, runnable waits.

    GOSCHEDLAB_PURE=1 .venv/bin/python benchmarks/probes/sysmon_retake_gaps.py COSTS [SETTING] [GMP] [SEEDS]

COSTS: corpus or a /work/vmreal set name.  Prints per seed: looks, retakes, backed-off share, all
runnable waits (every G forced into casgstatus tracking), P syscall episodes by how they end,
retake-to-retake gaps, the looks by P status and the offset of looks into a syscall episode.
Needs the pure-Python model (it wraps module functions).
"""

import collections
import sys

from model_hooks import probe_costs, record_syscall_episodes

import goschedlab.runtime.g as gm
import goschedlab.runtime.gc as gcm
import goschedlab.runtime.p as pm
import goschedlab.runtime.proc as pr
import goschedlab.runtime.syscall as sc
import goschedlab.runtime.sysmon as sm
from goschedlab.workloads.driver import simulate

offs = []
looks = []  # (now, delay_before, idle, pstatus, retaken, sysretake)
waits = []  # (start, end, fn_in, fn_out)
stamp = {}
cas = gm.casgstatus


def casg(rt, gp, old, new, fn, now=-1):
    t = rt.sim.now if now < 0 else now
    if new == gm._Grunnable:
        stamp[gp] = (t, fn)
        cas(rt, gp, old, new, fn, now)
        gp.tracking = True  # probe: every runnable->running goes through casgstatus
        return
    elif old == gm._Grunnable and gp in stamp:
        s, f = stamp.pop(gp)
        waits.append((s, t, f, fn))
    cas(rt, gp, old, new, fn, now)


for mod in (gm, pr, sc, gcm):
    mod.casgstatus = casg
body = sm.sysmonBody
rt_ = sm.retake


def retake(rt, now):
    pp = rt.allp[0]
    st = pp.status
    pd = pp.sysmontick
    sysret = (
        (st in (pm._Prunning, pm._Psyscall))
        and pd.schedtick == pp.schedtick
        and pd.schedwhen + rt.force_preempt_ns <= now
    )
    if st == pm._Psyscall and pp.id in epstart:
        offs.append((now - epstart[pp.id]) / 1e3)
    n = rt_(rt, now)
    looks.append((now, rt.sysmon.delay, rt.sysmon.idle, st, n, sysret, sched_q(rt)))
    return n


def sched_q(rt):
    return rt.sched.runqsize + sum(1 for _ in range(0))


sm.retake = retake
eps, epstart = record_syscall_episodes()

sysd = []
name = sys.argv[1]
setting = sys.argv[2] if len(sys.argv) > 2 else "default"
gmp = int(sys.argv[3]) if len(sys.argv) > 3 else 1
seeds = [int(x) for x in (sys.argv[4] if len(sys.argv) > 4 else "1,2,3").split(",")]
costs = probe_costs(name)


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float("nan")


for seed in seeds:
    looks.clear()
    waits.clear()
    stamp.clear()
    eps.clear()
    epstart.clear()
    offs.clear()
    out = simulate("syscall-block", setting=setting, gomaxprocs=gmp, ncpu=2, seed=seed, costs=costs)
    t0 = looks[0][0]
    mk = out.result["makespan_ns"] / 1e6
    per = [(b[0] - a[0]) for a, b in zip(looks, looks[1:], strict=False)]
    tot = sum(per)
    boff = sum(p for p in per if p > 1_000_000)
    nret = sum(l[4] for l in looks)
    nsys = sum(1 for l in looks if l[5] and l[3] == pm._Psyscall)
    npre = sum(1 for l in looks if l[5] and l[3] == pm._Prunning)
    w = [(e - s) / 1e3 for s, e, f, g in waits]
    longw = [(s, e, f, g) for s, e, f, g in waits if e - s > 1_000_000]
    print(
        f"{name} {setting} gmp{gmp} seed {seed}: makespan {mk:.0f} ms looks {len(looks)} retakes {nret} (sysretake in syscall {nsys}, preempt {npre}) backed-off share {100 * boff / max(tot, 1):.0f}% slow exits {out.run.stats.exitsyscall_slow}"
    )
    print(
        f"  waits n={len(w)} p50 {q(w, 0.5):.0f} p90 {q(w, 0.9):.0f} p99 {q(w, 0.99):.0f} max {max(w):.0f} us; >1ms {len(longw)}; ins {collections.Counter(f for _, _, f, _ in longw)} outs {collections.Counter(g for *_, g in longw)}"
    )
    byw = collections.defaultdict(list)
    for d_, w_ in eps:
        byw[w_].append(d_)
    for k, v in byw.items():
        print(
            f"  episodes ended by {k}: n={len(v)} p50/90/99 {q(v, 0.5):.0f}/{q(v, 0.9):.0f}/{q(v, 0.99):.0f}"
        )
    allep = [d_ for d_, _ in eps]
    print(
        f"  all episodes n={len(allep)} p50/90 {q(allep, 0.5):.0f}/{q(allep, 0.9):.0f} >=100us {100 * sum(1 for x in allep if x >= 100) / len(allep):.0f}%"
    )
    rts = [l[0] for l in looks if l[4]]
    gaps = [(b - a) / 1e3 for a, b in zip(rts, rts[1:], strict=False)]
    print(
        f"  retake-to-retake us: p50/90/99/max {q(gaps, 0.5):.0f}/{q(gaps, 0.9):.0f}/{q(gaps, 0.99):.0f}/{max(gaps):.0f}; share in gaps>1ms {sum(g for g in gaps if g > 1000) / 10 / mk:.0f}%"
    )
    print(
        "  gap hist (ms):",
        sorted(collections.Counter(min(int(g // 1000), 12) for g in gaps).items()),
    )
    st = collections.Counter((l[3], l[4] > 0) for l in looks)
    print("  looks by P status/retaken:", dict(st))
    print(
        f"  offset of looks into a syscall episode: n={len(offs)} p10/50/90 {q(offs, 0.1):.0f}/{q(offs, 0.5):.0f}/{q(offs, 0.9):.0f}"
    )
    print(
        "  offset hist (20us bins):",
        sorted(collections.Counter(min(int(o // 20) * 20, 300) for o in offs).items()),
    )
    d = collections.Counter(l[1] for l in looks)
    print("  delay at looks:", sorted(d.items())[:20])
    print(
        "  sched p50/p90/p99 (sim hist):",
        out.result.get("sched_latency_p99_ns") if isinstance(out.result, dict) else "",
    )
    if len(sys.argv) > 5:
        for l in looks:
            print("   L", (l[0] - t0) / 1e3, l[1:])
