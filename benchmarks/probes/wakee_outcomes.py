"""What the model's woken Ms do after startm wakes them (docs/validation.md mechanism 200).

    GOSCHEDLAB_PURE=1 .venv/bin/python benchmarks/probes/wakee_outcomes.py COSTS WORKLOAD:SETTING...

COSTS: a costs TOML (e.g. ``/work/vmreal/final/costs.toml``) or ``-`` (defaults).  GOMAXPROCS=2,
2 vCPUs, seed 1.  Per wake-up by an M after the first 50 ms: the woken M's first run (from its
wake-up event to its first thread block: runqgrab's usleep, stopm or netpoll), by whether the
kernel model put it on its waker's vCPU ("packed") and whether it preempts its waker there
("preempting": marked by Machine.wakeup and the waker holds the vCPU).  The real counterpart is
``real_wakee_runs.py`` on a tracefs capture.  Needs the pure-Python model: it wraps
Machine.wakeup, Runtime._mwake / _findrunnable_idle, proc.runqgrabUsleep and proc.stopm, so
it costs the model nothing when not run.
"""

# ruff: noqa: E501

import collections
import os
import sys

os.environ["GOSCHEDLAB_PURE"] = "1"
from goschedlab.runtime import machine as mach
from goschedlab.runtime import proc
from goschedlab.runtime import runtime as rtm
from goschedlab.runtime.costs import load_costs
from goschedlab.runtime.m import M_NETPOLL
from goschedlab.workloads import simulate

costs = load_costs(sys.argv[1]) if sys.argv[1] != "-" else None
WAKE, PEND, OUT = {}, {}, []
oldwake = mach.Machine.wakeup


def wakeup(self, mp, waker):
    oldwake(self, mp, waker)
    if waker is None or self._rt.sim.now < 50_000_000:
        return
    v = self.vcpu_of.get(mp.id, -1)
    y = self.run_m[v]
    WAKE[mp.id] = dict(
        packed=(v == self.vcpu_of.get(waker.id, -2)),
        marked=mp.id in self.woken,
        waker_holds=(y is not None and y.id == waker.id),
    )


mach.Machine.wakeup = wakeup
old_mwake = rtm.Runtime._mwake


def _mwake(self, mp):
    w = WAKE.pop(mp.id, None)
    if w is not None:
        w["run"] = self.sim.now
        w["cs0"] = self.stats.context_switches
        PEND[mp.id] = w
    old_mwake(self, mp)


rtm.Runtime._mwake = _mwake


def block(rt, mp, kind):
    w = PEND.pop(mp.id, None)
    if w is None:
        return
    w["dt"] = rt.sim.now + mp.debt - w["run"]
    w["kind"] = kind
    OUT.append(w)


old_us = proc.runqgrabUsleep


def runqgrabUsleep(rt, mp):
    block(rt, mp, "usleep")
    return old_us(rt, mp)


proc.runqgrabUsleep = runqgrabUsleep
old_stopm = proc.stopm


def stopm(rt, mp):
    block(rt, mp, "stopm")
    return old_stopm(rt, mp)


proc.stopm = stopm
old_fi = rtm.Runtime._findrunnable_idle


def _fi(self, mp):
    old_fi(self, mp)
    if mp.state == M_NETPOLL:
        block(self, mp, "netpoll")


rtm.Runtime._findrunnable_idle = _fi
for c in sys.argv[2:]:
    w, st = c.split(":")
    WAKE.clear()
    PEND.clear()
    OUT.clear()
    kw = {"costs": costs} if costs is not None else {}
    out = simulate(w, setting=st, gomaxprocs=2, ncpu=2, seed=1, **kw)
    res = out.result if hasattr(out, "result") else out
    dur = (res["makespan_ns"] - 50e6) / 1e9
    print(f"== {c}: {len(OUT)} wake-ups by an M with a first block ({len(OUT) / dur:.0f}/s)")
    def q(a, p):
        return sorted(a)[int(p * (len(a) - 1))] / 1e3 if a else float("nan")
    for lab, sel in (
        ("all", OUT),
        ("packed", [o for o in OUT if o["packed"]]),
        ("preempting", [o for o in OUT if o["packed"] and o["marked"] and o["waker_holds"]]),
        ("other vCPU", [o for o in OUT if not o["packed"]]),
    ):
        if not sel:
            continue
        runs = [o["dt"] for o in sel]
        def b(x):
            return "<10us" if x < 10e3 else ("10-50us" if x < 50e3 else ">=50us")
        cnt = collections.Counter((b(o["dt"]), o["kind"]) for o in sel)
        print(
            f"  {lab:11s} n={len(sel):5d} first-run p10/p50/p90 {q(runs, 0.1):.1f}/{q(runs, 0.5):.1f}/{q(runs, 0.9):.1f} us; "
            + ", ".join(f"{k[0]} {k[1]} {v}" for k, v in cnt.most_common(7))
        )
